using System.Net;
using System.Net.WebSockets;
using System.Text;
using Micron.Discovery;
using Micron.Hosting;
using Micron.Services;
using Micron.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Gateway;

/// <summary>
/// HTTP/2 through the gateway: a gateway speaking h2c to its clients, in front of an instance on <c>https://</c> that
/// it reaches over HTTP/2 (ALPN), trusting the instance's certificate by <c>Micron:TrustedCertificate</c>.
/// </summary>
public sealed class Http2ForwardingTests : IAsyncLifetime, IDisposable
{
    private readonly TestCertificate _certificate = TestCertificate.Create();
    private readonly string _secret = TestHost.NewSecret();
    private TestHost _backend = null!;
    private TestHost _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestHost.StartAsync(
            Configure, ["--secret", _secret, "--heartbeat", "500ms", "--services", "h2-backend", "--listen", "https://127.0.0.1:0", .. _certificate.Args]);
        _gateway = await TestHost.StartAsync(
            Configure,
            [
                "--secret", _secret, "--heartbeat", "500ms", "--services", "none", "--Kestrel:EndpointDefaults:Protocols=Http2",
                $"--Micron:TrustedCertificate={_certificate.PemPath}",
            ]);
        _client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) })
        {
            BaseAddress = _gateway.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        await Eventually.TrueAsync(async () => (await _client.GetAsync("/h2/protocol")).IsSuccessStatusCode, "the gateway forwarding /h2/protocol", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Request_GoesToAnHttpsInstanceOverHttp2()
    {
        var response = await _client.GetAsync("/h2/protocol");

        response.Version.ShouldBe(HttpVersion.Version20);
        (await response.Content.ReadAsStringAsync()).ShouldBe("HTTP/2 https");
    }

    [Fact]
    public async Task GrpcStyleCall_StreamsTheBody_AndPassesTheTrailers()
    {
        var payload = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/h2/grpc.Echo/Say") 
        {
            Content = new ByteArrayContent(payload),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TryAddWithoutValidation("TE", "trailers");

        using var response = await _client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(payload);
        response.TrailingHeaders.GetValues("grpc-status").ShouldBe(["0"]);
        response.TrailingHeaders.GetValues("grpc-message").ShouldBe(["echoed 100000 bytes"]);
    }

    [Fact]
    public async Task WebSocket_OverHttp2_IsForwardedToTheInstance()
    {
        using var socket = new ClientWebSocket();
        socket.Options.HttpVersion = HttpVersion.Version20;
        socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        socket.Options.CollectHttpResponseDetails = true;
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler());
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(new Uri($"ws://{_gateway.BaseAddress.Authority}/h2/echo"), invoker, deadline.Token);

        socket.HttpStatusCode.ShouldBe(HttpStatusCode.OK); // RFC 8441: a CONNECT answered 200, not a 101
        for (var i = 0; i < 3; i++)
        {
            var message = Encoding.UTF8.GetBytes($"message {i}");
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, deadline.Token);
            var buffer = new byte[64];
            var received = await socket.ReceiveAsync(buffer, deadline.Token);
            Encoding.UTF8.GetString(buffer, 0, received.Count).ShouldBe($"echo: message {i}");
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", deadline.Token);
        socket.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
    }

    [Fact]
    public async Task UntrustedInstanceCertificate_Is502_AndTheInstanceIsKept()
    {
        await using var gateway = await TestHost.StartAsync(
            Configure, ["--secret", _secret, "--heartbeat", "500ms", "--services", "none"]);
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        HttpResponseMessage response = null!;
        await Eventually.TrueAsync(async () => (response = await client.GetAsync("/h2/protocol")).StatusCode != HttpStatusCode.NotFound, "the gateway routing /h2/protocol", TimeSpan.FromSeconds(30));

        response.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        var problem = await Problem.ReadAsync(response);
        problem.Code.ShouldBe("upstream_failed");
        gateway.App.Services.GetRequiredService<ServiceRegistry>().InstancesOf("h2-backend").ShouldNotBeEmpty();
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
    }

    public void Dispose() => _certificate.Dispose();

    private static void Configure(MicronApplicationBuilder builder)
        => builder.Services.AddMicron().AddService<H2BackendService>().AddGateway();

    [MicronService("h2-backend")]
    public sealed class H2BackendService : MicronService
    {
        protected override void Map(IServiceRoutes routes)
        {
            routes.MapGet("/h2/protocol", (HttpContext context) => $"{context.Request.Protocol} {context.Request.Scheme}");
            routes.MapPost("/h2/grpc.Echo/Say", async (HttpContext context) =>
            {
                context.Response.ContentType = "application/grpc";
                var buffer = new byte[16 * 1024];
                long total = 0;
                int read;
                while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
                {
                    total += read;
                    await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                }

                var trailers = context.Features.Get<IHttpResponseTrailersFeature>()!.Trailers;
                trailers["grpc-status"] = "0";
                trailers["grpc-message"] = $"echoed {total} bytes";
            });
            routes.MapWebSocket("/h2/echo", async (context, socket) =>
            {
                var buffer = new byte[1024];
                while (true)
                {
                    var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", context.RequestAborted);
                        return;
                    }

                    var echo = Encoding.UTF8.GetBytes("echo: " + Encoding.UTF8.GetString(buffer, 0, received.Count));
                    await socket.SendAsync(echo, received.MessageType, endOfMessage: true, context.RequestAborted);
                }
            });
        }
    }
}
