using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Micron.Discovery;
using Micron.Services;
using Micron.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Hosting;

/// <summary>
/// A host listening on <c>https://</c> with Kestrel's default certificate: HTTP/1.1 and HTTP/2 by ALPN, PEM files,
/// plain HTTP turned away at once, and the URL it announces.
/// </summary>
public sealed class HttpsListenTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly TestCertificate _certificate = TestCertificate.Create();

    [Fact]
    public async Task Https_Http11Request_IsAnswered()
    {
        await using var host = await StartAsync();
        using var client = _certificate.Client(host.BaseAddress, HttpVersion.Version11);

        var response = await client.GetAsync("/");

        host.BaseAddress.Scheme.ShouldBe("https");
        response.Version.ShouldBe(HttpVersion.Version11);
        (await response.Content.ReadAsStringAsync()).ShouldBe("hello over tls");
    }

    [Fact]
    public async Task Https_Http2Request_IsAnsweredOverHttp2()
    {
        await using var host = await StartAsync();
        using var client = _certificate.Client(host.BaseAddress, HttpVersion.Version20);

        var response = await client.GetAsync("/");

        response.Version.ShouldBe(HttpVersion.Version20);
        (await response.Content.ReadAsStringAsync()).ShouldBe("hello over tls");
    }

    [Fact]
    public async Task Https_ClientOfferingBoth_AlpnPicksH2()
    {
        await using var host = await StartAsync();

        var picked = await NegotiateAsync(host.BaseAddress, SslApplicationProtocol.Http2, SslApplicationProtocol.Http11);

        picked.ShouldBe(SslApplicationProtocol.Http2);
    }

    [Fact]
    public async Task Https_PemCertificateAndKeyPath_IsAnswered()
    {
        await using var host = await TestHost.StartMicroAsync(
            _ => Task.FromResult<object?>("pem"),
            "--listen", "https://127.0.0.1:0",
            $"--Kestrel:Certificates:Default:Path={_certificate.PemPath}", $"--Kestrel:Certificates:Default:KeyPath={_certificate.KeyPath}");
        using var client = _certificate.Client(host.BaseAddress, HttpVersion.Version20);

        (await client.GetStringAsync("/")).ShouldBe("pem");
    }

    [Fact]
    public async Task Https_PlainHttpRequest_FailsAtOnce()
    {
        await using var host = await StartAsync();
        using var client = new HttpClient { Timeout = Bound * 2 };
        var clock = Stopwatch.StartNew();

        // A client that cannot speak TLS learns so from a closed connection, not from a timeout.
        await Should.ThrowAsync<HttpRequestException>(() => client.GetAsync(new UriBuilder(host.BaseAddress) { Scheme = "http" }.Uri));

        clock.Elapsed.ShouldBeLessThan(Bound);
    }

    [Fact]
    public async Task HttpsAndTcp_BothServe_AndTheHttpsOneGivenFirstIsAnnounced()
    {
        await using var host = await TestHost.StartAsync(
            b => b.Services.AddMicron().AddService<TlsGreeterService>(),
            ["--listen", "https://127.0.0.1:0", "--listen", "tcp://127.0.0.1:0", .. _certificate.Args]);
        var https = new Uri(host.App.Urls.Single(u => u.StartsWith("https://", StringComparison.Ordinal)));
        var registry = host.App.Services.GetRequiredService<ServiceRegistry>();
        await Eventually.TrueAsync(() => registry.InstancesOf("tlsgreeter").Count == 1, "the local instance announced");

        registry.InstancesOf("tlsgreeter").Single().Announcement.Url.ShouldBe($"https://127.0.0.1:{https.Port}");
        using var secure = _certificate.Client(https, HttpVersion.Version20);
        (await secure.GetStringAsync("/greet")).ShouldBe("hello over tls");
        (await host.Client.GetStringAsync("/greet")).ShouldBe("hello over tls");
    }

    public void Dispose() => _certificate.Dispose();

    internal static async Task<SslApplicationProtocol> NegotiateAsync(
        Uri address, TestCertificate certificate, params SslApplicationProtocol[] offered)
    {
        using var timeout = new CancellationTokenSource(Bound);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, address.Port, timeout.Token);
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        await tls.AuthenticateAsClientAsync(certificate.ClientOptions("localhost", offered), timeout.Token);
        return tls.NegotiatedApplicationProtocol;
    }

    private Task<SslApplicationProtocol> NegotiateAsync(Uri address, params SslApplicationProtocol[] offered)
        => NegotiateAsync(address, _certificate, offered);

    private Task<TestHost> StartAsync(params string[] args)
        => TestHost.StartMicroAsync(_ => Task.FromResult<object?>("hello over tls"), ["--listen", "https://127.0.0.1:0", .. _certificate.Args, .. args]);

    [MicronService("tlsgreeter")]
    public sealed class TlsGreeterService : MicronService
    {
        protected override void Map(IServiceRoutes routes) => routes.MapGet("/greet", () => "hello over tls");
    }
}
