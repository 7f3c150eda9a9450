using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Micron.Gateway.Internal.Epoll;
using Micron.Services;
using Micron.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Gateway;

/// <summary>
/// The gateway's epoll transport as Kestrel's transport of a host that runs services too
/// (<c>Micron:Gateway:EpollTransport=true</c>): what any transport must do, on real sockets. The forwarding tests run on
/// it as well (<see cref="ForwardingTestsOnEpoll"/>, <see cref="FastForwardingTestsOnEpoll"/>).
/// </summary>
public sealed class EpollTransportTests
{
    private static readonly string[] OnEpoll = ["--Micron:Gateway:EpollTransport=true"];

    [Fact]
    public async Task Requests_RunOnTheLoops_WhenAsked_AndOnKestrelsOwnTransportElse()
    {
        await using var epoll = await TestHost.StartAsync(Configure, OnEpoll);
        await using var sockets = await TestHost.StartAsync(Configure);

        // The first request of a connection starts on the thread pool (Kestrel starts each connection there), and so does
        // one that arrives before Kestrel waits for it; the others are read, and run, on the loop that read them.
        await using var onEpoll = await FastForwardingTests.RawConnection.OpenAsync(epoll.BaseAddress);
        await using var onSockets = await FastForwardingTests.RawConnection.OpenAsync(sockets.BaseAddress);
        var threads = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            threads.Add((await onEpoll.SendAsync("GET /transport/thread HTTP/1.1\r\nHost: epoll\r\n\r\n")).Body);
            threads.Add((await onSockets.SendAsync("GET /transport/thread HTTP/1.1\r\nHost: sockets\r\n\r\n")).Body);
        }

        var epollThreads = threads.Where((_, i) => i % 2 == 0).ToList();
        var socketThreads = threads.Where((_, i) => i % 2 == 1).ToList();
        epollThreads.Any(t => t.StartsWith("Micron epoll ", StringComparison.Ordinal)).ShouldBe(EpollLoop.IsSupported, string.Join(", ", epollThreads)); // Linux on x64 and arm64
        socketThreads.ShouldAllBe(t => !t.StartsWith("Micron epoll", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ManyConnectionsAtOnce_AreAllServed()
    {
        await using var host = await TestHost.StartAsync(Configure, OnEpoll);

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            using var client = new HttpClient { BaseAddress = host.BaseAddress }; // a connection each
            return await client.GetStringAsync($"/transport/echo/{i}");
        }));

        answers.ShouldBe(Enumerable.Range(0, 200).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task LargeBodies_StreamBothWays_Whole()
    {
        await using var host = await TestHost.StartAsync(Configure, OnEpoll);
        var body = RandomNumberGenerator.GetBytes(24 * 1024 * 1024);

        // Up: a body far larger than the input pipe's pause threshold (1 MiB), read slowly by the route.
        var uploaded = await host.Client.PostAsync("/transport/sha256", new ByteArrayContent(body));
        (await uploaded.Content.ReadAsStringAsync()).ShouldBe(Convert.ToHexString(SHA256.HashData(body)));

        // Down: far more than the output pipe's pause threshold (64 KiB) and the socket's buffer.
        var downloaded = await host.Client.GetByteArrayAsync("/transport/bytes/16");
        downloaded.Length.ShouldBe(16 * 1024 * 1024);
        downloaded.ShouldAllBe(b => b == (byte)'m');
    }

    [Fact]
    public async Task AClientThatLeavesMidAnswer_AbortsTheRequest_AndTheHostServesOn()
    {
        await using var host = await TestHost.StartAsync(Configure, OnEpoll);
        var probe = host.App.Services.GetRequiredService<TransportProbe>();

        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /transport/endless HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\n\r\n"));
            var buffer = new byte[64 * 1024];
            (await stream.ReadAsync(buffer)).ShouldBeGreaterThan(0);
            tcp.Client.LingerState = new LingerOption(true, 0); // a reset, as a client that crashed
        }

        await Eventually.TrueAsync(() => probe.Aborted, "the endless answer aborted");
        (await host.Client.GetStringAsync("/transport/echo/after")).ShouldBe("after");
    }

    [Fact]
    public async Task AClientThatHangsUpRightAfterItsRequest_IsTakenAsGone_WithoutAHang()
    {
        // The request and the end of the client's stream arrive in one edge. A client that closed its side is gone, as
        // nginx takes it: its request may be aborted, and the connection must end, not wait for an edge that never comes.
        await using var host = await TestHost.StartAsync(Configure, OnEpoll);
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /transport/echo/bye HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\n\r\n"));
            tcp.Client.Shutdown(SocketShutdown.Send);
            using var reader = new StreamReader(stream, Encoding.ASCII);

            var answer = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
            answer.ShouldMatch("^(|HTTP/1\\.1 200 [^$]*bye)$", "aborted (nothing), or answered whole");
        }

        (await host.Client.GetStringAsync("/transport/echo/after")).ShouldBe("after");
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")]
    [InlineData("GET /\u0000 HTTP/1.1\r\nHost: x\r\n\r\n")]
    public async Task AMalformedRequest_Is400_AndTheConnectionClosed(string request)
    {
        await using var host = await TestHost.StartAsync(Configure, OnEpoll);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);

        (await reader.ReadToEndAsync()).ShouldStartWith("HTTP/1.1 400 ");
    }

    [Fact]
    public async Task AUnixSocket_IsServedByKestrelsOwnTransport()
    {
        var path = Path.Combine(Path.GetTempPath(), $"micron-epoll-{Guid.NewGuid():N}.sock");
        await using var host = await TestHost.StartAsync(Configure, [.. OnEpoll, "--listen", "unix:" + path]);
        using var client = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });

        (await client.GetStringAsync("http://localhost/transport/echo/unix")).ShouldBe("unix");
    }

    [Fact]
    public async Task Stopping_WithAConnectionOpen_Completes()
    {
        var host = await TestHost.StartAsync(Configure, OnEpoll);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        (await host.Client.GetStringAsync("/transport/echo/x")).ShouldBe("x");

        var stopping = host.DisposeAsync().AsTask();
        (await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromSeconds(30)))).ShouldBe(stopping, "the host stopped");
        await stopping;
        var buffer = new byte[1];
        (await tcp.GetStream().ReadAsync(buffer)).ShouldBe(0, "the idle connection was closed");
    }

    private static void Configure(Micron.Hosting.MicronApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TransportProbe>();
        builder.Services.AddMicron().AddService<TransportService>().AddGateway();
    }

    public sealed class TransportProbe
    {
        private int _aborted;

        public bool Aborted => Volatile.Read(ref _aborted) > 0;

        public void OnAborted() => Interlocked.Increment(ref _aborted);
    }

    [MicronService("transport")]
    public sealed class TransportService(TransportProbe probe) : MicronService
    {
        protected override void Map(IServiceRoutes routes)
        {
            routes.MapGet("/transport/thread", () => Thread.CurrentThread.Name ?? string.Empty);
            routes.MapGet("/transport/echo/{text}", (string text) => text);
            routes.MapPost("/transport/sha256", async (HttpContext context) =>
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[8 * 1024];
                int read;
                while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                }

                return Convert.ToHexString(hash.GetHashAndReset());
            });
            routes.MapGet("/transport/bytes/{megabytes:int}", async (HttpContext context, int megabytes) =>
            {
                var chunk = new byte[64 * 1024];
                Array.Fill(chunk, (byte)'m');
                context.Response.ContentLength = megabytes * 1024L * 1024;
                for (var i = 0; i < megabytes * 16; i++)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }
            });
            routes.MapGet("/transport/endless", async (HttpContext context) =>
            {
                var chunk = new byte[64 * 1024];
                try
                {
                    while (true)
                    {
                        await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                    }
                }
                catch (Exception)
                {
                    probe.OnAborted();
                    throw;
                }
            });
        }
    }
}
