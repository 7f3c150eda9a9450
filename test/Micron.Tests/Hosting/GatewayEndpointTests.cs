using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Micron.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Hosting;

/// <summary>
/// A gateway that runs no service (<c>--services none</c>), listening on <c>https://</c> or speaking h2c, in front of a
/// service host on a cleartext port.
/// </summary>
public sealed class GatewayEndpointTests : IAsyncLifetime, IDisposable
{
    private readonly TestCertificate _certificate = TestCertificate.Create();
    private readonly string _secret = TestHost.NewSecret();
    private TestHost _backend = null!;

    public async Task InitializeAsync()
        => _backend = await TestHost.StartAsync(
            b => b.Services.AddMicron().AddService<HttpsListenTests.TlsGreeterService>(), "--secret", _secret, "--heartbeat", "500ms");

    [Fact]
    public Task Https_Gateway_ForwardsOverHttp2()
        => ForwardsOverHttpsAsync();

    [Fact]
    public async Task Tcp_Gateway_TurnsATlsClientHelloAwayAtOnce()
    {
        await using var gateway = await StartGatewayAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, gateway.BaseAddress.Port, timeout.Token);
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));

        var failure = await Should.ThrowAsync<Exception>(() => tls.AuthenticateAsClientAsync(_certificate.ClientOptions("localhost"), timeout.Token));

        failure.ShouldSatisfyAllConditions(
            () => timeout.IsCancellationRequested.ShouldBeFalse(),
            () => (failure is AuthenticationException or IOException).ShouldBeTrue(failure.ToString()));
    }

    [Fact]
    public async Task H2c_Gateway_ForwardsWithPriorKnowledge()
    {
        await using var gateway = await StartGatewayAsync("--Kestrel:EndpointDefaults:Protocols=Http2");
        using var client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) })
        {
            BaseAddress = gateway.BaseAddress,
            Timeout = TimeSpan.FromSeconds(20),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        await Eventually.TrueAsync(async () => (await client.GetAsync("/greet")).IsSuccessStatusCode, "the gateway forwarding /greet", TimeSpan.FromSeconds(30));
        var response = await client.GetAsync("/greet");

        response.Version.ShouldBe(HttpVersion.Version20);
        (await response.Content.ReadAsStringAsync()).ShouldBe("hello over tls");
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    public void Dispose() => _certificate.Dispose();

    private async Task ForwardsOverHttpsAsync(params string[] args)
    {
        await using var gateway = await StartGatewayAsync(["--listen", "https://127.0.0.1:0", .. _certificate.Args, .. args]);
        using var client = _certificate.Client(gateway.BaseAddress, HttpVersion.Version20);

        await Eventually.TrueAsync(async () => (await client.GetAsync("/greet")).IsSuccessStatusCode, "the gateway forwarding /greet", TimeSpan.FromSeconds(30));
        var response = await client.GetAsync("/greet");

        gateway.BaseAddress.Scheme.ShouldBe("https");
        response.Version.ShouldBe(HttpVersion.Version20);
        (await response.Content.ReadAsStringAsync()).ShouldBe("hello over tls");
    }

    private Task<TestHost> StartGatewayAsync(params string[] args)
        => TestHost.StartAsync(
            b => b.Services.AddMicron().AddService<HttpsListenTests.TlsGreeterService>().AddGateway(),
            ["--secret", _secret, "--heartbeat", "500ms", "--services", "none", .. args]);
}
