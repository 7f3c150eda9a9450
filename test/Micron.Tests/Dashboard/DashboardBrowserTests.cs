using Micron.Tests.Support;
using Microsoft.Playwright;

namespace Micron.Tests.Dashboard;

/// <summary>
/// The dashboard in a real headless Chromium (Debian's <c>chromium</c>, installed by <c>scripts/test.sh</c>; never a
/// downloaded browser), over the Shop split into processes behind a gateway.
/// </summary>
public class DashboardBrowserTests
{
    private static readonly LocatorAssertionsToBeVisibleOptions Patiently = new() { Timeout = 20_000 };

    [Fact]
    public async Task Dashboard_ShowsTheShopsServicesAndRoutes_AndAnInstanceGoingDown()
    {
        // The Shop in micro mode: a pure gateway in front, services in two processes behind it.
        var secret = TestHost.NewSecret();
        string[] common = ["--listen", "tcp://127.0.0.1:0", "--secret", secret, "--heartbeat", "200ms", "--data-dir", Directory.CreateTempSubdirectory("micron-dash-").FullName];
        await using var account = HostProcess.Start("Shop", ["--services", "account,calculator", .. common]);
        await account.WaitForListeningAsync();
        await using var rest = HostProcess.Start("Shop", ["--services", "home,chat,orders", .. common]);
        await rest.WaitForListeningAsync();
        await using var gateway = HostProcess.Start("Shop", ["--services", "none", .. common]);
        var front = await gateway.WaitForListeningAsync();
        using (var client = new HttpClient { BaseAddress = front })
        {
            await Eventually.TrueAsync(async () => (await client.GetAsync("/whois/1")).IsSuccessStatusCode, "the gateway forwarding to home", TimeSpan.FromSeconds(20));
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.Path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        // A browser is asked for the secret (HTTP Basic): without it, nothing; given it, the page and its data.
        var dashboard = new Uri(front, "/_micron/dashboard").ToString();
        var stranger = await browser.NewContextAsync();
        var refused = await stranger.APIRequest.GetAsync(dashboard);
        refused.Status.ShouldBe(401);
        refused.Headers["www-authenticate"].ShouldStartWith("Basic");
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { HttpCredentials = new HttpCredentials { Username = "me", Password = secret } });
        var response = await page.GotoAsync(dashboard);
        response!.Status.ShouldBe(200);

        var services = page.GetByTestId("services");
        foreach (var service in new[] { "account", "calculator", "chat", "home", "orders" })
        {
            await Assertions.Expect(services.Locator($"tr[data-service='{service}'][data-health='healthy']")).ToBeVisibleAsync(Patiently);
        }

        await Assertions.Expect(page.GetByTestId("host")).ToContainTextAsync("no service (gateway)");
        var whois = page.GetByTestId("routes").Locator("tr[data-path='/whois/{id}']");
        await Assertions.Expect(whois).ToBeVisibleAsync(Patiently);
        await Assertions.Expect(whois).ToContainTextAsync("home");
        await Assertions.Expect(whois).ToContainTextAsync("remote");
        var accountInstance = page.GetByTestId("instances").Locator("tr[data-service='account']");
        await Assertions.Expect(accountInstance).ToHaveAttributeAsync("data-status", "up", new() { Timeout = 20_000 });

        // kill -9: no leave is announced; the front learns of it by silence (three heartbeats) and shows it down.
        account.Signal("KILL");
        await Assertions.Expect(accountInstance).ToHaveAttributeAsync("data-status", "down", new() { Timeout = 20_000 });
        await Assertions.Expect(services.Locator("tr[data-service='account'][data-health='unavailable']")).ToBeVisibleAsync(Patiently);
        await Assertions.Expect(services.Locator("tr[data-service='home'][data-health='healthy']")).ToBeVisibleAsync(Patiently);
    }
}
