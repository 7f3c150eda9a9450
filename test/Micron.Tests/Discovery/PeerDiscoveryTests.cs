using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Micron.Discovery;
using Micron.Hosting;
using Micron.Tests.Rpc;
using Micron.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Discovery;

/// <summary>`--discovery peers`: one seed is enough, seeds are retried, announcements are checked.</summary>
public class PeerDiscoveryTests
{
    private readonly string _secret = TestHost.NewSecret();

    [Fact]
    public async Task ThreeHosts_ChainedBySeeds_AllFindEachOther_AndCallAcross()
    {
        await using var a = await StartAsync("calc");
        await using var b = await StartAsync("none", "--peer", a.BaseAddress.ToString());
        await using var c = await StartAsync("client", "--peer", b.BaseAddress.ToString(), "--discovery-timeout", "10s");

        await Eventually.TrueAsync(() => Registry(a).InstancesOf("client").Count == 1, "a hearing of c through b");
        (await c.Client.GetStringAsync("/sum/40/2")).ShouldBe("42");
    }

    [Fact]
    public async Task SeedNotUpYet_IsTriedAgainUntilItAnswers()
    {
        var port = Ports.Free();
        await using var client = await StartAsync("none", "--peer", $"http://127.0.0.1:{port}");
        await Eventually.TrueAsync(() => client.Logs.Entries.Any(e => e.Message.Contains("cannot be reached", StringComparison.Ordinal)), "a failed attempt on the absent seed");
        await using var calc = await StartAsync("calc", "--listen", $"tcp://127.0.0.1:{port}");

        await Eventually.TrueAsync(() => Registry(client).InstancesOf("calc").Count == 1, "the late seed being found");
    }

    [Fact]
    public async Task Announce_MalformedAndImpostors_AreRejectedWithReasons()
    {
        await using var host = await StartAsync("calc");
        var own = Registry(host).InstancesOf("calc").Single().Announcement;

        var malformed = await PostAsync(host, "{\"not\":\"an announcement\"");
        malformed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Problem.ReadAsync(malformed)).Code.ShouldBe("invalid_envelope");

        var impostor = own with { Service = "impostor", Url = "http://10.9.9.9:1" };
        var answer = await (await PostAsync(host, System.Text.Json.JsonSerializer.Serialize(new[] { impostor }))).Content.ReadAsStringAsync();
        answer.ShouldContain("\"accepted\":0");
        answer.ShouldContain($"instance id {own.Instance} belongs to calc");
        Registry(host).InstancesOf("impostor").ShouldBeEmpty();
    }

    [Fact]
    public async Task Announce_WithoutCredentials_Is401()
    {
        await using var host = await StartAsync("calc");

        var response = await host.Client.PostAsync("/_micron/announce", new StringContent("[]", Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task SeedWithAnotherSecret_StopsTheStart_NamingIt()
    {
        await using var seed = await StartAsync("calc");
        var builder = MicronApplication.CreateBuilder(
            ["--listen", "tcp://127.0.0.1:0", "--secret", TestHost.NewSecret(), "--discovery", "peers", "--services", "client", "--heartbeat", "100ms", "--peer", seed.BaseAddress.ToString()]);
        builder.Services.AddMicron().AddService<RemoteCallTests.CalcService>().AddService<RemoteCallTests.ClientService>();
        await using var client = builder.Build();

        var error = await Should.ThrowAsync<MicronStartupException>(() => client.StartAsync());

        error.Message.ShouldBe($"401 from {seed.BaseAddress.ToString().TrimEnd('/')}: wrong secret");
    }

    private static ServiceRegistry Registry(TestHost host) => host.App.Services.GetRequiredService<ServiceRegistry>();

    private Task<HttpResponseMessage> PostAsync(TestHost host, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/_micron/announce") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _secret);
        return host.Client.SendAsync(request);
    }

    private Task<TestHost> StartAsync(string services, params string[] args)
    {
        return TestHost.StartAsync(
            b => b.Services.AddMicron().AddService<RemoteCallTests.CalcService>().AddService<RemoteCallTests.ClientService>(),
            ["--secret", _secret, "--discovery", "peers", "--services", services, "--heartbeat", "100ms", .. args]);
    }

}
