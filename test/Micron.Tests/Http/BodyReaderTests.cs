using System.Net;
using System.Net.Sockets;
using System.Text;
using Micron.Http;
using Micron.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Http;

public class BodyReaderTests
{
    private sealed record Person(string Name);

    [Fact]
    public async Task ReadJsonAsync_ValidBody_ReturnsValue()
    {
        await using var host = await TestHost.StartMicroAsync(async ctx => await ctx.Request.ReadJsonAsync<Person>());

        var response = await host.Client.PostAsync("/", Json("""{"name":"Ada"}"""));

        (await response.Content.ReadAsStringAsync()).ShouldBe("""{"name":"Ada"}""");
    }

    [Fact]
    public async Task Readers_CalledTwice_ReadTheSameBody()
    {
        await using var host = await TestHost.StartMicroAsync(async ctx =>
        {
            var text = await ctx.Request.ReadTextAsync();
            var person = await ctx.Request.ReadJsonAsync<Person>();
            var again = await ctx.Request.ReadBufferAsync();
            var aspNet = await ctx.Request.ReadFromJsonAsync<Person>();
            return new { text, person!.Name, again.Length, aspNet = aspNet!.Name };
        });

        var response = await host.Client.PostAsync("/", Json("""{"name":"Ada"}"""));

        (await response.Content.ReadAsStringAsync()).ShouldBe("""{"text":"{\"name\":\"Ada\"}","name":"Ada","length":14,"aspNet":"Ada"}""");
    }

    [Fact]
    public async Task ReadBufferAsync_ContentLengthOverDefaultLimit_Is413BeforeReading()
    {
        await using var host = await TestHost.StartMicroAsync(async ctx => (await ctx.Request.ReadBufferAsync()).Length);

        var response = await host.Client.PostAsync("/", new ByteArrayContent(new byte[(1024 * 1024) + 1]));

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        var problem = await Problem.ReadAsync(response);
        problem.Detail.ShouldBe("Body exceeded 1mb limit");
        problem.Code.ShouldBe("body_too_large");
    }

    [Fact]
    public async Task ReadBufferAsync_AtTheLimit_IsAccepted()
    {
        await using var host = await TestHost.StartMicroAsync(async ctx => (await ctx.Request.ReadBufferAsync()).Length);

        var response = await host.Client.PostAsync("/", new ByteArrayContent(new byte[1024 * 1024]));

        (await response.Content.ReadAsStringAsync()).ShouldBe("1048576");
    }

    [Fact]
    public async Task ReadTextAsync_ChunkedBodyOverNumericLimit_Is413WithTheLimitAsGiven()
    {
        await using var host = await TestHost.StartMicroAsync(async ctx => await ctx.Request.ReadTextAsync(3));

        // No Content-Length: the limit must be enforced while reading.
        var content = new StreamContent(new NonSeekableStream(Encoding.UTF8.GetBytes("abcd")));
        var response = await host.Client.PostAsync("/", content);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await Problem.ReadAsync(response)).Detail.ShouldBe("Body exceeded 3 limit");
    }

    [Fact]
    public async Task ReadTextAsync_LimitAsText_IsQuotedInTheError()
    {
        await using var host = await TestHost.StartMicroAsync(async ctx => await ctx.Request.ReadTextAsync("1kb"));

        var response = await host.Client.PostAsync("/", new StringContent(new string('x', 1025)));

        (await Problem.ReadAsync(response)).Detail.ShouldBe("Body exceeded 1kb limit");
    }

    [Fact]
    public async Task DefaultLimit_ComesFromConfiguration()
    {
        await using var host = await TestHost.StartMicroAsync(async ctx => await ctx.Request.ReadTextAsync(), "--Micron:Http:BodyLimit=10");

        var response = await host.Client.PostAsync("/", new StringContent("eleven byte"));

        (await Problem.ReadAsync(response)).Detail.ShouldBe("Body exceeded 10 limit");
    }

    [Fact]
    public async Task ReadBufferAsync_LimitAboveKestrelsDefault_IsHonoured()
    {
        await using var host = await TestHost.StartMicroAsync(async ctx => (await ctx.Request.ReadBufferAsync("40mb")).Length);

        var response = await host.Client.PostAsync("/", new ByteArrayContent(new byte[31 * 1024 * 1024]));

        (await response.Content.ReadAsStringAsync()).ShouldBe((31 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("{\"name\":")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task ReadJsonAsync_UnparsableOrEmpty_Is400InvalidJson(string body)
    {
        await using var host = await TestHost.StartMicroAsync(async ctx => await ctx.Request.ReadJsonAsync<Person>());

        var response = await host.Client.PostAsync("/", Json(body));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await Problem.ReadAsync(response);
        problem.Detail.ShouldBe("Invalid JSON");
        problem.Code.ShouldBe("invalid_json");
    }

    [Fact]
    public async Task ReadTextAsync_CharsetOfContentType_IsUsed()
    {
        await using var host = await TestHost.StartMicroAsync(async ctx => await ctx.Request.ReadTextAsync());
        var content = new ByteArrayContent(Encoding.Latin1.GetBytes("café"));
        content.Headers.TryAddWithoutValidation("Content-Type", "text/plain; charset=iso-8859-1");

        var response = await host.Client.PostAsync("/", content);

        (await response.Content.ReadAsStringAsync()).ShouldBe("café");
    }

    [Fact]
    public async Task ReadTextAsync_UnknownCharset_Is400InvalidBody()
    {
        await using var host = await TestHost.StartMicroAsync(async ctx => await ctx.Request.ReadTextAsync());
        var content = new ByteArrayContent("hello"u8.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", "text/plain; charset=no-such-charset");

        var response = await host.Client.PostAsync("/", content);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Problem.ReadAsync(response)).Detail.ShouldBe("Invalid body");
    }

    [Fact]
    public async Task ReadBufferAsync_MalformedChunkedBody_Is400InvalidBody()
    {
        await using var host = await TestHost.StartMicroAsync(async ctx => (await ctx.Request.ReadBufferAsync()).Length);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, host.BaseAddress.Port);

        // A chunk whose size line is not hexadecimal: the body cannot be read.
        await socket.SendAsync(Encoding.ASCII.GetBytes("POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n"));
        var answer = await ReadAllAsync(socket);

        answer.ShouldStartWith("HTTP/1.1 400 Bad Request");
        answer.ShouldContain("\"detail\":\"Invalid body\"");
        answer.ShouldContain("\"code\":\"invalid_body\"");
    }

    [Fact]
    public async Task ClientGoneMidUpload_HostLogsNoErrorAndKeepsServing()
    {
        await using var host = await TestHost.StartAsync(b => b.Services.AddMicron().AddService<UploadService>());
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(IPAddress.Loopback, host.BaseAddress.Port);
            await socket.SendAsync(Encoding.ASCII.GetBytes("POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 100000\r\n\r\npartial"));
        }

        await Eventually.TrueAsync(
            () => host.Logs.Entries.Any(e => e.Category.EndsWith("MicronErrorMiddleware", StringComparison.Ordinal) && e.Message.Contains("/upload", StringComparison.Ordinal)),
            "the host noticing the aborted upload");
        var response = await host.Client.PostAsync("/upload", new ByteArrayContent(new byte[10]));

        (await response.Content.ReadAsStringAsync()).ShouldBe("10");
        host.Logs.Entries.ShouldNotContain(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }

    private sealed class UploadService : Micron.Services.MicronService
    {
        protected override void Map(Micron.Services.IServiceRoutes routes)
            => routes.MapPost("/upload", async (HttpRequest request) => (await request.ReadBufferAsync()).Length);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<string> ReadAllAsync(Socket socket)
    {
        var buffer = new byte[8192];
        var text = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                text.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
        }
        catch (SocketException) when (text.Length > 0)
        {
            // The server may reset a connection whose request it could not read whole, after answering.
        }

        return text.ToString();
    }

    /// <summary>A stream of unknown length, so HttpClient sends it chunked.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
