using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Micron.Dashboard.Internal;
using Micron.Http;
using Micron.Services;
using Micron.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Dashboard;

public class DashboardTests
{
    [Fact]
    public async Task Page_WithTheSecret_IsServedWithItsScriptAndStyle()
    {
        await using var host = await StartAsync();

        var page = await host.Client.GetAsync("/_micron/dashboard");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        page.Headers.CacheControl!.NoStore.ShouldBeTrue();
        (await page.Content.ReadAsStringAsync()).ShouldContain("/_micron/dashboard/dashboard.js");

        (await host.Client.GetAsync("/_micron/dashboard/dashboard.js")).Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript");
        (await host.Client.GetAsync("/_micron/dashboard/dashboard.css")).Content.Headers.ContentType!.MediaType.ShouldBe("text/css");
    }

    [Fact]
    public async Task Data_CountsRequestsLatencyAndErrors_PerRoute()
    {
        await using var host = await StartAsync();
        for (var i = 0; i < 5; i++)
        {
            (await host.Client.GetAsync($"/shop/item/{i}")).EnsureSuccessStatusCode();
        }

        (await host.Client.GetAsync("/shop/broken")).StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        (await host.Client.GetAsync("/nowhere")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // ASP.NET Core records a request's duration as it completes, after the client has its answer.
        JsonElement item = default;
        await Eventually.TrueAsync(async () =>
        {
            item = Route(await DataAsync(host.Client), "GET", "/shop/item/{id}");
            return item.GetProperty("requests").GetInt64() == 5;
        }, "five requests counted on /shop/item/{id}");

        item.GetProperty("service").GetString().ShouldBe("shop");
        item.GetProperty("placement").GetString().ShouldBe("local");
        item.GetProperty("rate").GetDouble().ShouldBe(0.5);
        item.GetProperty("errors").GetInt64().ShouldBe(0);
        item.GetProperty("p50Ms").GetDouble().ShouldBeGreaterThan(0);
        item.GetProperty("p99Ms").GetDouble().ShouldBeGreaterThanOrEqualTo(item.GetProperty("p50Ms").GetDouble());

        await Eventually.TrueAsync(async () => Route(await DataAsync(host.Client), "GET", "/shop/broken").GetProperty("minuteErrors").GetInt64() == 1, "the 500 counted as an error");
        var data = await DataAsync(host.Client);
        Route(data, "GET", "/shop/never").GetProperty("requests").GetInt64().ShouldBe(0);
        Route(data, "GET", "/shop/never").GetProperty("p50Ms").ValueKind.ShouldBe(JsonValueKind.Null);
        Route(data, "GET", "(no route)").GetProperty("placement").GetString().ShouldBe("none");
        data.GetProperty("routes").EnumerateArray().ShouldNotContain(r => r.GetProperty("path").GetString()!.StartsWith("/_micron", StringComparison.Ordinal));
        data.GetProperty("localServices").EnumerateArray().Select(s => s.GetString()).ShouldBe(["shop"]);
    }

    [Fact]
    public async Task Data_ShowsARemoteInstance_ThenShowsItDown_WhenItStops()
    {
        var secret = TestHost.NewSecret();
        string[] common = ["--secret", secret, "--heartbeat", "1s"];
        await using var front = await TestHost.StartAsync(b => b.Services.AddMicron().AddService<ShopService>().AddService<StockService>(), ["--services", "shop", .. common]);
        front.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var stock = await TestHost.StartAsync(b => b.Services.AddMicron().AddService<ShopService>().AddService<StockService>(), ["--services", "stock", .. common]);
        try
        {
            JsonElement instance = default;
            await Eventually.TrueAsync(async () =>
            {
                var data = await DataAsync(front.Client);
                instance = data.GetProperty("instances").EnumerateArray().FirstOrDefault(i => i.GetProperty("service").GetString() == "stock");
                return instance.ValueKind == JsonValueKind.Object;
            }, "the stock instance listed");
            instance.GetProperty("status").GetString().ShouldBe("up");
            instance.GetProperty("local").GetBoolean().ShouldBeFalse();
            instance.GetProperty("url").GetString().ShouldBe(stock.BaseAddress.ToString().TrimEnd('/'));
            var service = (await DataAsync(front.Client)).GetProperty("services").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "stock");
            service.GetProperty("health").GetString().ShouldBe("healthy");
            service.GetProperty("up").GetInt32().ShouldBe(1);
        }
        finally
        {
            await stock.DisposeAsync();
        }

        await Eventually.TrueAsync(async () =>
        {
            var data = await DataAsync(front.Client);
            var gone = data.GetProperty("instances").EnumerateArray().Single(i => i.GetProperty("service").GetString() == "stock");
            var service = data.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "stock");
            return gone.GetProperty("status").GetString() == "down" && gone.GetProperty("downSince").ValueKind == JsonValueKind.String
                && service.GetProperty("health").GetString() == "unavailable" && service.GetProperty("down").GetInt32() == 1;
        }, "the stock instance shown down");
    }

    [Fact]
    public async Task SecretAccess_WithoutCredentials_Is401_AskingForBasic()
    {
        var secret = TestHost.NewSecret();
        await using var host = await StartAsync("--secret", secret, "--Micron:Dashboard:Access=Secret");

        var response = await host.Client.GetAsync("/_micron/dashboard");
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldStartWith("Basic realm=\"Micron dashboard\"");
        (await Problem.ReadAsync(response)).Code.ShouldBe("unauthorized");

        (await GetAsync(host, "/_micron/dashboard/data", Basic("admin", "wrong-secret"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await GetAsync(host, "/_micron/dashboard/data", new AuthenticationHeaderValue("Basic", "%%%not-base64"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await GetAsync(host, "/_micron/dashboard/data", Basic("admin", secret))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await GetAsync(host, "/_micron/dashboard/data", new AuthenticationHeaderValue("Bearer", secret))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task LoopbackAccess_ThroughAProxy_NeedsTheSecret()
    {
        var secret = TestHost.NewSecret();
        await using var host = await StartAsync("--secret", secret, "--Micron:Dashboard:Access=Loopback");
        using var proxied = new HttpRequestMessage(HttpMethod.Get, "/_micron/dashboard/data");
        proxied.Headers.Add("X-Forwarded-For", "203.0.113.9");

        (await host.Client.SendAsync(proxied)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Issue_15_FromLoopback_WithoutTheSecret_Is401_ByDefault()
    {
        // A reverse proxy on the same machine that adds no X-Forwarded-For looks exactly like this client.
        var secret = TestHost.NewSecret();
        await using var host = await StartAsync("--secret", secret);

        var response = await host.Client.GetAsync("/_micron/dashboard/data");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldStartWith("Basic realm=\"Micron dashboard\"");
        (await host.Client.GetAsync("/_micron/dashboard")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await GetAsync(host, "/_micron/dashboard/data", Basic("", secret))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task OpenOnLoopback_OptedIn_LetsALocalBrowserIn_WithoutTheSecret()
    {
        await using var host = await StartWithAsync("--Micron:Dashboard:Access=Loopback");

        (await host.Client.GetAsync("/_micron/dashboard/data")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AllowList_IsCheckedFirst_403()
    {
        await using var host = await StartAsync("--allow-ip", "10.0.0.0/8");

        var response = await host.Client.GetAsync("/_micron/dashboard");

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Problem.ReadAsync(response)).Code.ShouldBe("ip_not_allowed");
    }

    [Fact]
    public async Task Disabled_Is404_AndRecordsNothing()
    {
        await using var host = await StartAsync("--Micron:Dashboard:Enabled=false");
        (await host.Client.GetAsync("/shop/item/1")).EnsureSuccessStatusCode();

        (await host.Client.GetAsync("/_micron/dashboard")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await host.Client.GetAsync("/_micron/dashboard/data")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        host.App.Services.GetRequiredService<RouteMetrics>().Routes.ShouldBeEmpty();
    }

    [Fact]
    public async Task HostsInOneProcess_DoNotSeeEachOthersTraffic()
    {
        await using var first = await StartAsync();
        await using var second = await StartAsync();
        (await first.Client.GetAsync("/shop/item/1")).EnsureSuccessStatusCode();

        var firstMetrics = first.App.Services.GetRequiredService<RouteMetrics>();
        await Eventually.TrueAsync(() => firstMetrics.Routes.Count == 1, "the request recorded by the first host");
        second.App.Services.GetRequiredService<RouteMetrics>().Routes.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(12_345)]
    [InlineData(3_000_000)]
    public void Histogram_PercentileIsWithin12Percent(long microseconds)
    {
        var counts = new long[LatencyHistogram.BucketCount];
        counts[LatencyHistogram.IndexOf(microseconds)] = 10;

        var p50 = LatencyHistogram.Percentile(counts, 10, 0.5)!.Value * 1000;

        Math.Abs(p50 - microseconds).ShouldBeLessThanOrEqualTo(Math.Max(1, microseconds * 0.12));
    }

    [Fact]
    public void Histogram_Percentiles_SplitTheCounts()
    {
        var counts = new long[LatencyHistogram.BucketCount];
        counts[LatencyHistogram.IndexOf(100)] = 98;
        counts[LatencyHistogram.IndexOf(50_000)] = 2;

        LatencyHistogram.Percentile(counts, 100, 0.5)!.Value.ShouldBe(0.1, 0.012);
        LatencyHistogram.Percentile(counts, 100, 0.99)!.Value.ShouldBe(50, 6);
        LatencyHistogram.Percentile(counts, 0, 0.5).ShouldBeNull();
    }

    /// <summary>A host whose client gives the secret as a browser does once asked (HTTP Basic), unless the test brings its own.</summary>
    private static async Task<TestHost> StartAsync(params string[] args)
    {
        if (args.Contains("--secret"))
        {
            return await StartWithAsync(args);
        }

        var secret = TestHost.NewSecret();
        var host = await StartWithAsync(["--secret", secret, .. args]);
        host.Client.DefaultRequestHeaders.Authorization = Basic("browser", secret);
        return host;
    }

    private static Task<TestHost> StartWithAsync(params string[] args)
        => TestHost.StartAsync(b => b.Services.AddMicron().AddService<ShopService>(), args);

    private static async Task<JsonElement> DataAsync(HttpClient client)
        => await client.GetFromJsonAsync<JsonElement>("/_micron/dashboard/data");

    private static JsonElement Route(JsonElement data, string method, string path)
        => data.GetProperty("routes").EnumerateArray().Single(r => r.GetProperty("method").GetString() == method && r.GetProperty("path").GetString() == path);

    private static AuthenticationHeaderValue Basic(string user, string password)
        => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static async Task<HttpResponseMessage> GetAsync(TestHost host, string path, AuthenticationHeaderValue authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = authorization;
        return await host.Client.SendAsync(request);
    }

    public sealed class ShopService : MicronService
    {
        protected override void Map(IServiceRoutes routes)
        {
            routes.MapGet("/shop/item/{id}", (int id) => new { id });
            routes.MapGet("/shop/broken", new Func<int>(() => throw new InvalidOperationException("broken on purpose")));
            routes.MapGet("/shop/never", () => "never called");
        }
    }

    public sealed class StockService : MicronService
    {
        protected override void Map(IServiceRoutes routes) => routes.MapGet("/stock/{id}", (int id) => id);
    }
}
