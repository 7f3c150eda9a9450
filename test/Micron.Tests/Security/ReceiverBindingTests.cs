using System.Net;
using Micron.Tests.Rpc;
using Micron.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Micron.Tests.Support.SignedRequests;

namespace Micron.Tests.Security;

/// <summary>
/// Issue 15: a signed request is good for the one host it was sent to, once. Two real <c>calc</c> hosts on loopback
/// share a secret; what one accepted is replayed, byte for byte, to the other.
/// </summary>
public class ReceiverBindingTests : IAsyncLifetime
{
    private const string Add = """{"args":{"a":2,"b":3}}""";
    private readonly string _secret = TestHost.NewSecret();
    private TestHost _first = null!;
    private TestHost _second = null!;

    public async Task InitializeAsync()
    {
        _first = await StartAsync();
        _second = await StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task Issue_15_SignedRpc_ReplayedToASecondInstance_IsRefused()
    {
        var sent = await SendAsync(_secret, HttpMethod.Post, new Uri(_first.BaseAddress, "/_micron/rpc/calc/Add"), Add);
        sent.Status.ShouldBe(HttpStatusCode.OK);

        var replay = await ReplayAsync(sent, _second);

        replay.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Problem.ReadAsync(replay)).Code.ShouldBe("signature_audience");
    }

    [Fact]
    public async Task Issue_15_SignedRpc_ReplayedToTheSameInstance_IsRefused()
    {
        var sent = await SendAsync(_secret, HttpMethod.Post, new Uri(_first.BaseAddress, "/_micron/rpc/calc/Add"), Add);
        sent.Status.ShouldBe(HttpStatusCode.OK);

        var replay = await ReplayAsync(sent, _first);

        replay.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Problem.ReadAsync(replay)).Code.ShouldBe("nonce_reused");
    }

    [Fact]
    public async Task Issue_15_SignedServicesList_IsGoodForTheHostItWasSentTo_Only()
    {
        var sent = await SendAsync(_secret, HttpMethod.Get, new Uri(_first.BaseAddress, "/_micron/services"));
        sent.Status.ShouldBe(HttpStatusCode.OK);

        (await ReplayAsync(sent, _second)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Issue_15_SignatureForHostA_SentToHostB_IsRefused_AndStaysGoodForA()
    {
        var toA = new Uri(_first.BaseAddress, "/_micron/rpc/calc/Add");
        var misdirected = await SendAsync(_secret, HttpMethod.Post, toA, Add, connectTo: EndPointOf(_second));
        misdirected.Status.ShouldBe(HttpStatusCode.Unauthorized);

        // B's refusal did not spend it: A, the host it names, takes it (once).
        (await ReplayAsync(misdirected, _first)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ReplayAsync(misdirected, _first)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Issue_15_HostBehindAProxy_AcceptsItsPublicUrl_AndItsListenAddresses_NotAnotherName()
    {
        await using var proxied = await StartAsync("--public-url", "http://orders.example:8080/");
        var at = EndPointOf(proxied);

        (await SendAsync(_secret, HttpMethod.Post, new Uri("http://orders.example:8080/_micron/rpc/calc/Add"), Add, at)).Status.ShouldBe(HttpStatusCode.OK);
        (await SendAsync(_secret, HttpMethod.Post, new Uri(proxied.BaseAddress, "/_micron/rpc/calc/Add"), Add)).Status.ShouldBe(HttpStatusCode.OK);
        (await SendAsync(_secret, HttpMethod.Post, new Uri($"http://localhost:{at.Port}/_micron/rpc/calc/Add"), Add, at)).Status.ShouldBe(HttpStatusCode.OK);

        (await SendAsync(_secret, HttpMethod.Post, new Uri("http://orders.example:9090/_micron/rpc/calc/Add"), Add, at)).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await SendAsync(_secret, HttpMethod.Post, new Uri("http://billing.example:8080/_micron/rpc/calc/Add"), Add, at)).Status.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Issue_15_PeerDiscoveryAndRemoteCalls_SignedForEachReceiver_StillWork()
    {
        await using var calc = await StartAsync("--discovery", "peers", "--heartbeat", "200ms");
        await using var client = await TestHost.StartAsync(
            b => b.Services.AddMicron().AddService<RemoteCallTests.CalcService>().AddService<RemoteCallTests.ClientService>(),
            "--secret", _secret, "--services", "client", "--discovery", "peers", "--heartbeat", "200ms", "--peer", calc.BaseAddress.ToString().TrimEnd('/'));

        (await client.Client.GetStringAsync("/sum/2/3")).ShouldBe("5");
    }

    private static IPEndPoint EndPointOf(TestHost host) => new(IPAddress.Parse(host.BaseAddress.Host), host.BaseAddress.Port);

    private Task<TestHost> StartAsync(params string[] args)
        => TestHost.StartAsync(
            b => b.Services.AddMicron().AddService<RemoteCallTests.CalcService>().AddService<RemoteCallTests.ClientService>(),
            ["--secret", _secret, "--services", "calc", "--discovery", "none", .. args]);
}
