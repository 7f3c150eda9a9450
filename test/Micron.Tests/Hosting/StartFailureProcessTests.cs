using System.Net;
using System.Net.Sockets;
using Micron.Tests.Support;

namespace Micron.Tests.Hosting;

/// <summary>
/// A host that cannot start says why in one line on standard error, with no stack trace on either stream, and exits
/// with code 1; what goes wrong once it runs (a failed request) is logged on standard error too.
/// </summary>
public class StartFailureProcessTests
{
    private static readonly string Cli = Path.Combine(Repository.OutputOf("src/Micron.Cli"), "Micron.Cli.dll");

    [Fact]
    public async Task AddressInUse_OneLine()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var process = HostProcess.Start("Hello", ["--listen", $"tcp://127.0.0.1:{port}"]);

        (await process.WaitForExitAsync()).ShouldBe(1);
        process.SingleErrorLine().ShouldBe($"micron: tcp://127.0.0.1:{port}: address already in use");
        process.StandardOutput.ShouldNotContain("Hosting failed to start");
    }

    [Fact]
    public async Task ShortSecret_OneLine()
    {
        await using var process = HostProcess.Start("Hello", ["--listen", "tcp://127.0.0.1:0", "--secret", "short"]);

        (await process.WaitForExitAsync()).ShouldBe(1);
        process.SingleErrorLine().ShouldBe("micron: --secret: a Micron secret has at least 16 characters");
    }

    [Fact]
    public async Task HttpListenUri_SaysUseTcp()
    {
        await using var process = HostProcess.Start("Hello", ["--listen", "http://127.0.0.1:0"]);

        (await process.WaitForExitAsync()).ShouldBe(1);
        process.SingleErrorLine().ShouldBe("micron: Unknown --listen endpoint scheme (protocol): http: use tcp://127.0.0.1:0 (https:// is for TLS)");
    }

    [Fact]
    public async Task RequiredServiceNotFound_OneLine_NoHostingStack()
    {
        await using var process = HostProcess.Start(
            "Shop", ["--listen", "tcp://127.0.0.1:0", "--services", "home", "--discovery", "none", "--discovery-timeout", "200ms", "--secret", TestHost.NewSecret()]);

        (await process.WaitForExitAsync()).ShouldBe(1);
        process.SingleErrorLine().ShouldBe("micron: service 'account' not found after 200 ms");
        process.StandardOutput.ShouldNotContain("Hosting failed to start");
    }

    [Fact]
    public async Task PeerWithAnotherSecret_NamesThePeerThatRefused()
    {
        await using var account = HostProcess.Start(
            "Shop", ["--listen", "tcp://127.0.0.1:0", "--services", "account", "--discovery", "peers", "--secret", TestHost.NewSecret()]);
        var peer = (await account.WaitForListeningAsync()).ToString().TrimEnd('/');

        await using var home = HostProcess.Start(
            "Shop",
            ["--listen", "tcp://127.0.0.1:0", "--services", "home", "--discovery", "peers", "--peer", peer, "--discovery-timeout", "5s", "--secret", TestHost.NewSecret()]);

        (await home.WaitForExitAsync()).ShouldBe(1);
        home.SingleErrorLine().ShouldBe($"micron: 401 from {peer}: wrong secret");
    }

    [Fact]
    public async Task FailedRequest_IsLoggedOnStandardError()
    {
        var greeter = Repository.OutputOf("test/Fixtures/Greeter");
        await using var host = HostProcess.StartDll(
            Cli, ["run", "--service-dir", greeter, "--discovery", "none", "--listen", "tcp://127.0.0.1:0", "--secret", TestHost.NewSecret()]);
        using var client = new HttpClient { BaseAddress = await host.WaitForListeningAsync() };

        (await client.GetAsync("/greet-fail")).StatusCode.ShouldBe(HttpStatusCode.InternalServerError);

        await host.WaitForErrorOutputAsync(static l => l.Contains("the greeter fails on purpose", StringComparison.Ordinal));
        host.StandardOutput.ShouldNotContain("the greeter fails on purpose");
        host.StandardOutput.ShouldNotContain("GET /greet-fail failed");
    }

    [Fact]
    public async Task MicronGateway_UnknownFlag_ExitsWith2()
    {
        await using var process = HostProcess.StartDll(Cli, ["gateway", "--listen", "tcp://127.0.0.1:0", "--no-gatway"]);

        (await process.WaitForExitAsync()).ShouldBe(2);
        process.SingleErrorLine().ShouldBe("micron: unknown option '--no-gatway'; did you mean '--no-gateway'?");
    }
}
