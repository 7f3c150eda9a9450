using System.Net;
using System.Text;
using Micron.Hosting;
using Micron.Http;
using Micron.Tests.Support;

namespace Micron.Tests.Http;

public class MicroServerResponseTests
{
    [Fact]
    public async Task String_IsSentAsUtf8Text()
    {
        await using var host = await TestHost.StartMicroAsync(_ => Task.FromResult<object?>("héllo"));

        var response = await host.Client.GetAsync("/anything");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().ShouldBe("text/plain; charset=utf-8");
        response.Content.Headers.ContentLength.ShouldBe(6);
        (await response.Content.ReadAsStringAsync()).ShouldBe("héllo");
    }

    [Fact]
    public async Task Object_IsSentAsJson()
    {
        await using var host = await TestHost.StartMicroAsync(_ => Task.FromResult<object?>(new { hello = "world", count = 2 }));

        var response = await host.Client.GetAsync("/");

        response.Content.Headers.ContentType!.ToString().ShouldBe("application/json; charset=utf-8");
        (await response.Content.ReadAsStringAsync()).ShouldBe("""{"hello":"world","count":2}""");
    }

    [Fact]
    public async Task Number_IsSentAsJson()
    {
        await using var host = await TestHost.StartMicroAsync(_ => Task.FromResult<object?>(42));

        var response = await host.Client.GetAsync("/");

        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        (await response.Content.ReadAsStringAsync()).ShouldBe("42");
    }

    [Fact]
    public async Task Bytes_AreSentAsOctetStream()
    {
        await using var host = await TestHost.StartMicroAsync(_ => Task.FromResult<object?>(new byte[] { 0, 1, 255 }));

        var response = await host.Client.GetAsync("/");

        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/octet-stream");
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(new byte[] { 0, 1, 255 });
    }

    [Fact]
    public async Task Stream_IsSentAsOctetStream()
    {
        await using var host = await TestHost.StartMicroAsync(_ => Task.FromResult<object?>(new MemoryStream(Encoding.UTF8.GetBytes("streamed"))));

        var response = await host.Client.GetAsync("/");

        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/octet-stream");
        (await response.Content.ReadAsStringAsync()).ShouldBe("streamed");
    }

    [Fact]
    public async Task Null_Is204WithNoBody()
    {
        await using var host = await TestHost.StartMicroAsync(_ => Task.FromResult<object?>(null));

        var response = await host.Client.GetAsync("/");

        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await response.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task StatusAndContentTypeSetByHandler_AreKept()
    {
        await using var host = await TestHost.StartMicroAsync(ctx =>
        {
            ctx.Response.StatusCode = 201;
            ctx.Response.ContentType = "application/vnd.micron+json";
            return Task.FromResult<object?>(new { created = true });
        });

        var response = await host.Client.GetAsync("/");

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/vnd.micron+json");
        (await response.Content.ReadAsStringAsync()).ShouldBe("""{"created":true}""");
    }

    [Fact]
    public async Task HandlerWithoutValue_WritesTheResponseItself()
    {
        var app = MicroServer.Create(TestHost.Loopback, async ctx =>
        {
            ctx.Response.StatusCode = 202;
            await ctx.Response.WriteAsync("written by hand");
        });
        await using var host = await Started(app);

        var response = await host.GetAsync("/");

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await response.Content.ReadAsStringAsync()).ShouldBe("written by hand");
    }

    [Fact]
    public async Task SynchronousHandler_ReturningATask_SendsWhatTheTaskCompletesWith()
    {
        var app = MicroServer.Create(TestHost.Loopback, _ => (object?)Task.FromResult("later"));
        await using var host = await Started(app);

        (await (await host.GetAsync("/")).Content.ReadAsStringAsync()).ShouldBe("later");
    }

    [Fact]
    public async Task SynchronousHandler_ReturningAValueTask_SendsWhatItCompletesWith()
    {
        static async ValueTask<string> LaterAsync()
        {
            await Task.Yield();
            return "value task";
        }

        var app = MicroServer.Create(TestHost.Loopback, _ => (object?)LaterAsync());
        await using var host = await Started(app);

        (await (await host.GetAsync("/")).Content.ReadAsStringAsync()).ShouldBe("value task");
    }

    [Fact]
    public async Task SynchronousHandler_ReturningAValue_SendsIt()
    {
        var app = MicroServer.Create(TestHost.Loopback, ctx => ctx.Request.Path.Value);
        await using var host = await Started(app);

        (await (await host.GetAsync("/some/path")).Content.ReadAsStringAsync()).ShouldBe("/some/path");
    }

    private static async Task<StartedApp> Started(MicronApplication app)
    {
        await app.StartAsync();
        return new StartedApp(app);
    }

    private sealed class StartedApp(MicronApplication app) : IAsyncDisposable
    {
        private readonly HttpClient _client = new() { BaseAddress = new Uri(app.Urls[0]) };

        public Task<HttpResponseMessage> GetAsync(string path) => _client.GetAsync(path);

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
