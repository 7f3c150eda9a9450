using System.Net;
using Micron.Tests.Support;

namespace Micron.Tests.Samples;

/// <summary>
/// The Shop as real processes behind a gateway process: micro (every service in its own process, the gateway running
/// none, here `micron gateway`) and mixed (the gateway also runs home and chat). The answers match the monolith's.
/// </summary>
public class ShopGatewayProcessTests
{
    private static readonly string Cli = Path.Combine(Repository.OutputOf("src/Micron.Cli"), "Micron.Cli.dll");

    [Fact]
    public async Task Micro_MicronGatewayProcess_ForwardsEveryService()
    {
        string[] common = ["--listen", "tcp://127.0.0.1:0", "--secret", TestHost.NewSecret(), "--heartbeat", "500ms"];
        await using var account = HostProcess.Start("Shop", ["--services", "account,calculator", .. common]);
        await using var home = HostProcess.Start("Shop", ["--services", "home,chat", .. common]);
        await account.WaitForListeningAsync();
        await home.WaitForListeningAsync();
        await using var gateway = HostProcess.StartDll(Cli, ["gateway", .. common]);
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = await gateway.WaitForListeningAsync() };

        var last = "nothing yet";
        await Eventually.TrueAsync(
            async () =>
            {
                var response = await client.GetAsync("/profile/1");
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                return response.IsSuccessStatusCode;
            },
            "the gateway forwarding /profile/1",
            TimeSpan.FromSeconds(30)).ContinueWith(t => t.IsFaulted ? throw new TimeoutException($"{t.Exception!.InnerException!.Message}; its last answer: {last}") : t, TaskScheduler.Default).Unwrap();
        (await client.GetStringAsync("/profile/1")).ShouldBe("""{"user":{"id":1,"username":"micromono"},"score":9}""");
        await Eventually.TrueAsync(async () => (await client.GetAsync("/public")).IsSuccessStatusCode, "the gateway forwarding /public", TimeSpan.FromSeconds(30));
        (await client.GetStringAsync("/public")).ShouldContain("Anyone may read this page."); // the built-in layout shows the model
        (await client.GetAsync("/home/private")).Headers.Location!.ToString().ShouldBe("/account/login");
    }

    [Fact]
    public async Task Mixed_GatewayWithHome_LogsInThroughTheRemoteAccount()
    {
        string[] common = ["--listen", "tcp://127.0.0.1:0", "--secret", TestHost.NewSecret(), "--heartbeat", "500ms"];
        await using var account = HostProcess.Start("Shop", ["--services", "account,calculator", .. common]);
        await account.WaitForListeningAsync();
        await using var front = HostProcess.Start("Shop", ["--services", "home,chat", .. common]);
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = await front.WaitForListeningAsync() };
        await Eventually.TrueAsync(async () => (await client.GetAsync("/account/login")).IsSuccessStatusCode, "the gateway forwarding /account/login", TimeSpan.FromSeconds(30));

        var login = await client.PostAsync("/account/login", ShopGatewayTests.Form("micromono", "123456"));
        login.StatusCode.ShouldBe(HttpStatusCode.Found);
        using var page = new HttpRequestMessage(HttpMethod.Get, "/home/private") { Headers = { { "Cookie", login.Headers.GetValues("Set-Cookie").Single().Split(';')[0] } } };
        var html = await (await client.SendAsync(page)).Content.ReadAsStringAsync();

        html.ShouldContain("Hello, micromono!");
        html.ShouldContain("<nav>");
    }
}
