using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Micron.Tests.Support;

namespace Micron.Tests.Hosting;

/// <summary>
/// Kestrel's <c>Kestrel:EndpointDefaults:Protocols</c> on Micron's own endpoints: h2c with prior knowledge on a
/// cleartext one, ALPN limited on an HTTPS one; and a TLS client at a cleartext port turned away at once.
/// </summary>
public sealed class EndpointProtocolsTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly TestCertificate _certificate = TestCertificate.Create();

    [Fact]
    public async Task Tcp_ProtocolsHttp2_SpeaksH2cWithPriorKnowledge()
    {
        await using var host = await StartAsync("--Kestrel:EndpointDefaults:Protocols=Http2");
        using var client = H2cClient(host.BaseAddress);

        var response = await client.GetAsync("/");

        response.Version.ShouldBe(HttpVersion.Version20);
        (await response.Content.ReadAsStringAsync()).ShouldBe("plain");
    }

    [Fact]
    public async Task Tcp_DefaultProtocols_RefusesH2cButAnswersHttp11()
    {
        await using var host = await StartAsync();
        using var h2c = H2cClient(host.BaseAddress);
        var clock = Stopwatch.StartNew();

        // Kestrel speaks HTTP/2 on a cleartext port only when told to: the setting above is what turns it on.
        await Should.ThrowAsync<HttpRequestException>(() => h2c.GetAsync("/"));

        clock.Elapsed.ShouldBeLessThan(Bound);
        (await host.Client.GetStringAsync("/")).ShouldBe("plain");
    }

    [Theory]
    [InlineData("http1", "http/1.1")]
    [InlineData("Http2", "h2")]
    [InlineData("Http1AndHttp2", "h2")]
    public async Task Https_Protocols_LimitWhatAlpnPicks(string protocols, string picked)
    {
        await using var host = await StartAsync(["--listen", "https://127.0.0.1:0", $"--Kestrel:EndpointDefaults:Protocols={protocols}", .. _certificate.Args]);

        var negotiated = await HttpsListenTests.NegotiateAsync(host.BaseAddress, _certificate, SslApplicationProtocol.Http2, SslApplicationProtocol.Http11);

        negotiated.ToString().ShouldBe(picked);
    }

    [Fact]
    public async Task Tcp_TlsClientHello_IsTurnedAwayAtOnce()
    {
        await using var host = await StartAsync();
        using var timeout = new CancellationTokenSource(Bound);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, host.BaseAddress.Port, timeout.Token);
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));

        var failure = await Should.ThrowAsync<Exception>(() => tls.AuthenticateAsClientAsync(_certificate.ClientOptions("localhost"), timeout.Token));

        // Kestrel answers the ClientHello as a malformed HTTP/1.1 request and closes: the handshake fails, never waits.
        failure.ShouldSatisfyAllConditions(
            () => timeout.IsCancellationRequested.ShouldBeFalse(),
            () => (failure is AuthenticationException or IOException).ShouldBeTrue(failure.ToString()));
    }

    public void Dispose() => _certificate.Dispose();

    private static Task<TestHost> StartAsync(params string[] args)
        => TestHost.StartMicroAsync(_ => Task.FromResult<object?>("plain"), args);

    private static HttpClient H2cClient(Uri baseAddress) => new(new SocketsHttpHandler { ConnectTimeout = Bound })
    {
        BaseAddress = baseAddress,
        Timeout = Bound * 2,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };
}
