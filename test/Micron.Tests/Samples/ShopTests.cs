using System.Net;
using Micron.Testing;
using Micron.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Shop;
using Shop.Account;

namespace Micron.Tests.Samples;

/// <summary>
/// The Shop's service-level tests, written once and run in the three modes: a monolith, hosts that call each other
/// over loopback, and one process per service.
/// </summary>
public abstract class ShopServiceTests(ShopCluster shop)
{
    private readonly MicronTestCluster _cluster = shop.Cluster;
    private readonly HttpClient _home = shop.Home;

    private TestMode Mode => _cluster.Mode;

    [Fact]
    public async Task Root_IsAnHtmlPage()
    {
        var response = await _home.GetAsync("/");

        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await response.Content.ReadAsStringAsync()).ShouldContain("<h1>Micron Shop</h1>");
    }

    [Fact]
    public async Task Hello_GreetsByName()
    {
        var response = await _home.GetAsync("/hello/micron");

        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        (await response.Content.ReadAsStringAsync()).ShouldBe("Hello, micron");
    }

    [Fact]
    public async Task Project_EchoesRouteParameters()
        => (await _home.GetStringAsync("/project/micron/42")).ShouldBe("project/micron/42");

    [Fact]
    public async Task User_IsJson()
    {
        var response = await _home.GetAsync("/user/ada");

        response.Content.Headers.ContentType!.ToString().ShouldBe("application/json; charset=utf-8");
        (await response.Content.ReadAsStringAsync()).ShouldBe("""{"name":"ada"}""");
    }

    [Fact]
    public async Task WhoIs_KnownUser_ComesFromTheAccountService()
        => (await _home.GetStringAsync("/whois/1")).ShouldBe("""{"id":1,"username":"micromono"}""");

    [Fact]
    public async Task WhoIs_UnknownUser_Is404()
    {
        var response = await _home.GetAsync("/whois/99");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Problem.ReadAsync(response)).Detail.ShouldBe("No user with id 99");
    }

    [Fact]
    public async Task WhoIs_NotANumber_Is400()
    {
        var response = await _home.GetAsync("/whois/abc");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Problem.ReadAsync(response)).Code.ShouldBe("bad_request");
    }

    [Fact]
    public async Task Multiply_IsAPatternCallToTheCalculator()
        => (await _home.GetStringAsync("/multiply/6/7")).ShouldBe("42");

    [Fact]
    public async Task Profile_TouchesThreeServices()
        => (await _home.GetStringAsync("/profile/1")).ShouldBe("""{"user":{"id":1,"username":"micromono"},"score":9}""");

    [Fact]
    public async Task AccountContract_KnownAndUnknownUsers()
    {
        var account = _cluster.GetRequiredService<IAccount>();

        (await account.GetUserById(1)).ShouldBe(new User(1, "micromono"));
        (await account.GetUserById(2)).ShouldBeNull();
    }

    [Fact]
    public async Task Act_Multiply_FromTheCaller()
        => (await _cluster.GetRequiredService<Micron.Patterns.IMicron>().Act<long>("multiply", new { first = 3, second = 5 })).ShouldBe(15);

    [Fact]
    public void Contract_IsTheInstanceOnlyInLocalMode()
        => (_cluster.GetRequiredService<IAccount>() is AccountService).ShouldBe(Mode == TestMode.Local);
}

/// <summary>The Shop started once per test class, in one mode.</summary>
public abstract class ShopCluster(TestMode mode) : IAsyncLifetime
{
    public MicronTestCluster Cluster { get; private set; } = null!;

    public HttpClient Home { get; private set; } = null!;

    /// <summary>Gets a client of the front door: the monolith, or a host running no service that forwards every route.</summary>
    public HttpClient Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Orders keep their events under --data-dir: a folder of this cluster's own.
        Cluster = await MicronTestCluster.StartAsync(mode, m => m.AddShop(), new MicronTestOptions
        {
            Executable = Repository.SampleDll("Shop"),
            Arguments = { "--data-dir", Directory.CreateTempSubdirectory("micron-shop-").FullName },
        });
        Home = Cluster.CreateClient("home");
        Gateway = Cluster.CreateGatewayClient();

        // The front door answers once it forwards: on a loaded machine an instance can drop out for a heartbeat or two.
        await Eventually.TrueAsync(async () => (await Gateway.GetAsync("/hello/ready")).IsSuccessStatusCode, "the front door answering", TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        Home.Dispose();
        Gateway.Dispose();
        await Cluster.DisposeAsync();
    }
}

public sealed class LocalShop() : ShopCluster(TestMode.Local);

public sealed class RemoteInProcessShop() : ShopCluster(TestMode.RemoteInProcess);

public sealed class MultiProcessShop() : ShopCluster(TestMode.MultiProcess);

public sealed class ShopLocalTests(LocalShop shop) : ShopServiceTests(shop), IClassFixture<LocalShop>;

public sealed class ShopRemoteInProcessTests(RemoteInProcessShop shop) : ShopServiceTests(shop), IClassFixture<RemoteInProcessShop>;

public sealed class ShopMultiProcessTests(MultiProcessShop shop) : ShopServiceTests(shop), IClassFixture<MultiProcessShop>;

/// <summary>The README's command: the Shop as its own process.</summary>
public class ShopProcessTests
{
    [Fact]
    public async Task Shop_RunsAsAMonolithProcess()
    {
        await using var process = HostProcess.Start("Shop", ["--listen", "tcp://127.0.0.1:0"]);
        var url = await process.WaitForListeningAsync();
        using var client = new HttpClient { BaseAddress = url };

        (await client.GetStringAsync("/whois/1")).ShouldBe("""{"id":1,"username":"micromono"}""");
        (await client.GetStringAsync("/hello/world")).ShouldBe("Hello, world");
        process.StandardOutput.ShouldContain("Service account");
    }
}

/// <summary>The same Shop split into two processes: home calls account through a remote proxy.</summary>
public class ShopMicroProcessTests
{
    [Fact]
    public async Task Shop_SplitInTwoProcesses_AnswersLikeTheMonolith_AndFailsFastWhenAccountLeaves()
    {
        string[] common = ["--listen", "tcp://127.0.0.1:0", "--secret", TestHost.NewSecret(), "--heartbeat", "200ms"];
        await using var account = HostProcess.Start("Shop", ["--services", "account,calculator", .. common]);
        await account.WaitForListeningAsync();
        await using var home = HostProcess.Start("Shop", ["--services", "home", .. common]);
        using var client = new HttpClient { BaseAddress = await home.WaitForListeningAsync() };

        (await client.GetStringAsync("/whois/1")).ShouldBe("""{"id":1,"username":"micromono"}""");
        (await client.GetAsync("/whois/2")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetStringAsync("/hello/split")).ShouldBe("Hello, split");
        (await client.GetStringAsync("/multiply/6/7")).ShouldBe("42");
        (await client.GetStringAsync("/profile/1")).ShouldBe("""{"user":{"id":1,"username":"micromono"},"score":9}""");

        // A clean stop under load: account announces leave, keeps serving while home learns of it, then drains.
        using var load = new CancellationTokenSource();
        var failures = 0;
        var served = 0;
        var traffic = Task.Run(async () =>
        {
            while (!load.IsCancellationRequested)
            {
                var response = await client.GetAsync("/whois/1");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    served++;
                }
                else if (response.StatusCode != HttpStatusCode.ServiceUnavailable || (await Problem.ReadAsync(response)).Code != "service_unavailable")
                {
                    failures++;
                }
            }
        });
        await Eventually.TrueAsync(() => served > 20, "traffic flowing before the stop");
        account.Signal("TERM");
        (await account.WaitForExitAsync()).ShouldBe(0);
        await load.CancelAsync();
        await traffic;
        failures.ShouldBe(0, "no request may fail while account leaves: it answers, or home knows it is gone");

        // Within a heartbeat of the leave (or at once, after one refused connection) home knows account is gone.
        await Eventually.TrueAsync(
            async () =>
            {
                var response = await client.GetAsync("/whois/1");
                response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
                return (await Problem.ReadAsync(response)).Code == "service_unavailable";
            },
            "home answering 503 service_unavailable once account has left",
            TimeSpan.FromSeconds(3));
    }
}
