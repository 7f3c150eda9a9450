using System.Diagnostics;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Micron.Discovery;
using Micron.Services;
using Micron.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Gateway;

/// <summary>
/// The gateway as the front door, met on raw sockets by clients that do what browsers never do: heads sent a byte at a
/// time, bare line feeds, pipelined and HTTP/1.0 requests, and instances that answer more than they were asked.
/// </summary>
public sealed class FrontDoorTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private const string Stray = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nSTOLEN";

    /// <summary>The fixture's <c>RequestHeadersTimeout</c>.</summary>
    private static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Issue_14_SlowlorisHead_IsCutAtTheHeadTimeout_WhichNoByteRestarts()
    {
        await using var client = await RawClient.ConnectAsync(fixture.Gateway.BaseAddress);
        var head = "GET /get HTTP/1.1\r\nHost: gateway\r\nX-Slow: " + new string('a', 100);
        var clock = Stopwatch.StartNew();
        var end = client.ReadUntilClosedAsync(TimeSpan.FromSeconds(20));

        // A byte every half second: a deadline that each byte pushed back would never come.
        foreach (var b in head)
        {
            try
            {
                await client.WriteAsync(b.ToString());
            }
            catch (IOException)
            {
                break; // cut
            }

            if (await Task.WhenAny(end, Task.Delay(500)) == end)
            {
                break;
            }
        }

        var (answer, closed) = await end;
        closed.ShouldBeTrue("the gateway closed the connection");
        (answer.Length == 0 || answer.StartsWith("HTTP/1.1 408 ", StringComparison.Ordinal)).ShouldBeTrue(answer);
        clock.Elapsed.ShouldBeLessThan(HeadTimeout + TimeSpan.FromSeconds(4), "the head timeout counts from the first byte");
    }

    [Fact]
    public async Task Issue_14_BareLineFeedHead_Is400AtOnce()
    {
        await using var client = await RawClient.ConnectAsync(fixture.Gateway.BaseAddress);
        await client.WriteAsync("GET /get HTTP/1.1\nHost: gateway\n\n");

        // At once: a 408 would mean the gateway waited for a CRLF CRLF that never comes, until the head timeout.
        var answer = await client.ReadAnswerAsync();
        answer.ShouldNotBeNull("an answer, not a silent close");
        answer.Status.ShouldBe(400, answer.Head + answer.Body);
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("a@b")]
    public async Task Issue_14_InvalidHost_Is400(string host)
    {
        await using var client = await RawClient.ConnectAsync(fixture.Gateway.BaseAddress);

        var answer = await client.SendAsync($"GET /get HTTP/1.1\r\nHost: {host}\r\n\r\n");

        answer.Status.ShouldBe(400, answer.Head + answer.Body);
    }

    [Fact]
    public async Task Issue_14_StrayBytesAfterAnAnswer_NeverReachAClient()
    {
        // The instance answers each request twice: a whole empty 200, then what looks like the next request's answer.
        await using var upstream = await AnnounceAsync("stray", "/stray", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" + Stray);

        async Task<List<RawAnswer>> AskAsync(int requests)
        {
            await using var client = await RawClient.ConnectAsync(fixture.Gateway.BaseAddress);
            var answers = new List<RawAnswer>();
            for (var i = 0; i < requests; i++)
            {
                answers.Add(await client.SendAsync("GET /stray HTTP/1.1\r\nHost: gateway\r\n\r\n"));
            }

            return answers;
        }

        var answers = new List<RawAnswer>(await AskAsync(20));
        for (var i = 0; i < 10; i++)
        {
            answers.AddRange(await AskAsync(1));
        }

        answers.AddRange((await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => AskAsync(10)))).SelectMany(a => a));

        answers.Count.ShouldBe(110);
        answers.ShouldAllBe(a => a.Status == 200 && a.Body.Length == 0);
    }

    [Fact]
    public async Task PipelinedRequests_AreAnsweredInOrder()
    {
        await using var client = await RawClient.ConnectAsync(fixture.Gateway.BaseAddress);
        await client.WriteAsync(string.Concat(Enumerable.Range(1, 3).Select(i => $"GET /echo/headers HTTP/1.1\r\nHost: gateway\r\nX-Seq: {i}\r\n\r\n")));

        for (var i = 1; i <= 3; i++)
        {
            var answer = await client.ReadAnswerAsync();
            answer.ShouldNotBeNull($"answer {i}").Status.ShouldBe(200);
            GatewayFixture.Json(answer.Body)["x-seq"].ShouldBe(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task Http10_WithKeepAlive_ServesTwoRequestsOnOneConnection()
    {
        await using var client = await RawClient.ConnectAsync(fixture.Gateway.BaseAddress);
        const string Request = "GET /get HTTP/1.0\r\nHost: gateway\r\nConnection: keep-alive\r\n\r\n";

        var first = await client.SendAsync(Request);
        first.Status.ShouldBe(200);
        first.Body.ShouldBe("got");
        first.Header("Content-Length").ShouldBe("3", "an HTTP/1.0 answer kept alive is framed by its length");

        var second = await client.SendAsync(Request);
        second.Body.ShouldBe("got");
    }

    [Fact]
    public async Task WebSocket_OverHttp11_EchoesThroughTheGateway()
    {
        await using var echo = await TestHost.StartAsync(
            static b => b.Services.AddMicron().AddService<EchoSocketService>().AddGateway(), "--services", "wsecho", "--discovery", "none");
        fixture.Registry.Apply(new Announcement
        {
            Service = "wsecho",
            Version = "1.0.0",
            Instance = Guid.NewGuid().ToString("N"),
            Url = echo.BaseAddress.ToString().TrimEnd('/'),
            Ttl = 600_000,
            Upgrade = ["/wsecho/socket"],
        }).ShouldBeNull();
        var uri = new Uri($"ws://{fixture.Gateway.BaseAddress.Authority}/wsecho/socket");

        ClientWebSocket socket = null!;
        await Eventually.TrueAsync(
            async () =>
            {
                var attempt = new ClientWebSocket();
                using var timeout = new CancellationTokenSource(RawClient.Patience);
                try
                {
                    await attempt.ConnectAsync(uri, timeout.Token);
                    socket = attempt;
                    return true;
                }
                catch (WebSocketException)
                {
                    attempt.Dispose();
                    return false; // not routed yet
                }
            },
            "the gateway tunnelling /wsecho/socket",
            TimeSpan.FromSeconds(30));
        using var connected = socket;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await socket.SendAsync("hello"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, deadline.Token);
        var text = await ReceiveAsync(socket, deadline.Token);
        (text.Type, Encoding.UTF8.GetString(text.Data)).ShouldBe((WebSocketMessageType.Text, "hello"));
        var large = RandomNumberGenerator.GetBytes(256 * 1024);
        await socket.SendAsync(large, WebSocketMessageType.Binary, endOfMessage: true, deadline.Token);
        var binary = await ReceiveAsync(socket, deadline.Token);
        binary.Type.ShouldBe(WebSocketMessageType.Binary);
        binary.Data.ShouldBe(large);

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", deadline.Token);
        socket.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
    }

    // A recording instance announced as the owner of GET {path}, once the gateway routes that path to it (routing
    // follows the endpoints a moment after they change).
    private async Task<RecordingUpstream> AnnounceAsync(string service, string path, string answer)
    {
        var upstream = RecordingUpstream.Start(answer);
        fixture.Announce(service, upstream.Url, routes: $"GET {path}");
        await fixture.WaitForEndpointAsync(path);
        await Eventually.TrueAsync(
            async () =>
            {
                await using var client = await RawClient.ConnectAsync(fixture.Gateway.BaseAddress);
                await client.SendAsync($"GET {path} HTTP/1.1\r\nHost: gateway\r\n\r\n");
                return upstream.RequestLines.Count > 0;
            },
            $"the gateway routing {path} to {service}");
        return upstream;
    }

    private static async Task<(byte[] Data, WebSocketMessageType Type)> ReceiveAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        WebSocketReceiveResult received;
        do
        {
            received = await socket.ReceiveAsync(buffer, cancellationToken);
            message.Write(buffer, 0, received.Count);
        }
        while (!received.EndOfMessage);

        return (message.ToArray(), received.MessageType);
    }

    /// <summary>Echoes every message back whole, then closes as the client does.</summary>
    [MicronService("wsecho")]
    private sealed class EchoSocketService : MicronService
    {
        protected override void Map(IServiceRoutes routes) => routes.MapWebSocket("/wsecho/socket", static async (context, socket) =>
        {
            while (true)
            {
                var (data, type) = await ReceiveAsync(socket, context.RequestAborted);
                if (type == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", context.RequestAborted);
                    return;
                }

                await socket.SendAsync(data, type, endOfMessage: true, context.RequestAborted);
            }
        });
    }
}
