using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Micron.Discovery;
using Micron.Gateway.Internal;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Assets;

/// <summary>
/// Static web assets of Razor class libraries (<c>/_content/{Library}/</c>) through the front door, served by the host of
/// the library's service in a monolith and forwarded to it in micro mode. The answers are the same.
/// </summary>
public abstract class StaticWebAssetsTests(ContentHosts hosts)
{
    private readonly HttpClient _client = hosts.Front.Client;

    [Theory]
    [InlineData("/_content/Widgets/widgets.css", "text/css", "h1 { color: teal; }\n")]
    [InlineData("/_content/Widgets/js/widgets.js", "text/javascript", "export const widgets = 2;\n")]
    [InlineData("/_content/Acme.Gadgets/gadgets.css", "text/css", "h1 { color: orange; }\n")]
    public async Task Content_IsServedWithItsContentType(string path, string type, string body)
    {
        var response = await _client.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe(type);
        (await response.Content.ReadAsStringAsync()).ShouldBe(body);
    }

    [Fact]
    public async Task Content_OfTwoLibraries_SameFileName_DoNotClash()
    {
        (await _client.GetStringAsync("/_content/Widgets/same.txt")).ShouldBe("widgets\n");
        (await _client.GetStringAsync("/_content/Acme.Gadgets/same.txt")).ShouldBe("gadgets\n");
    }

    [Fact]
    public async Task Content_Head_HasTheLengthAndNoBody()
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, "/_content/Widgets/widgets.css");
        var response = await _client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/css");
        response.Content.Headers.ContentLength.ShouldBe(20);
        (await response.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Content_Revalidated_Is304_AndARangeIs206()
    {
        var first = await _client.GetAsync("/_content/Acme.Gadgets/gadgets.css");
        var etag = first.Headers.ETag.ShouldNotBeNull();
        first.Content.Headers.LastModified.ShouldNotBeNull();

        using var again = new HttpRequestMessage(HttpMethod.Get, "/_content/Acme.Gadgets/gadgets.css") { Headers = { IfNoneMatch = { etag } } };
        (await _client.SendAsync(again)).StatusCode.ShouldBe(HttpStatusCode.NotModified);

        using var range = new HttpRequestMessage(HttpMethod.Get, "/_content/Acme.Gadgets/gadgets.css") { Headers = { Range = new RangeHeaderValue(0, 1) } };
        var partial = await _client.SendAsync(range);
        partial.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await partial.Content.ReadAsStringAsync()).ShouldBe("h1");
    }

    [Fact]
    public async Task Content_ToAClientAcceptingGzip_IsTheBuildsPrecompressedVariant()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_content/Widgets/widgets.css") { Headers = { { "Accept-Encoding", "gzip, deflate, br" } } };
        var response = await _client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentEncoding.ShouldBe(["gzip"]); // a build writes the .gz of each asset
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/css");
        response.Headers.Vary.ShouldBe(["Accept-Encoding"]);
        (await PrecompressedAssetsTests.DecodeAsync(response)).ShouldBe("h1 { color: teal; }\n");
    }

    [Theory]
    [InlineData("/_content/Widgets/missing.css")]
    [InlineData("/_content/Widgets/js")]
    [InlineData("/_content/Widgets/gadgets.css")]
    [InlineData("/_content/Nobody/widgets.css")]
    public async Task Content_Missing_Is404(string path)
        => (await _client.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

    [Theory]
    [InlineData("/_content/Widgets/../Widgets.csproj")]
    [InlineData("/_content/Widgets/../../Widgets/Widgets.csproj")]
    [InlineData("/_content/Widgets/%2e%2e/Widgets.csproj")]
    [InlineData("/_content/Widgets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/_content/Widgets/..%2FWidgets.csproj")]
    [InlineData("/_content/Widgets/%2e%2e%2fWidgets.csproj")]
    [InlineData("/_content/Widgets/js/..%2F..%2FWidgets.csproj")]
    [InlineData("/_content/Widgets/..%5CWidgets.csproj")]
    [InlineData("/_content/Widgets//etc/passwd")]
    [InlineData("/_content/Widgets/%2Fetc%2Fpasswd")]
    public async Task Content_Traversal_IsNeverAFileOutside(string target)
    {
        var answer = await RawAsync(hosts.Front.BaseAddress, target);

        answer.ShouldMatch(@"^HTTP/1\.1 (404|400) ", target);
        answer.ShouldNotContain("<Project");
        answer.ShouldNotContain("root:");
    }

    [Fact]
    public async Task Content_OtherMethods_Are405()
        => (await _client.PostAsync("/_content/Widgets/widgets.css", new StringContent("x"))).StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);

    [Fact]
    public async Task Page_LinksTheLibrarysStylesheet_WhichIsServedAtThatUrl()
    {
        var page = await _client.GetStringAsync("/widgets");
        var href = System.Text.RegularExpressions.Regex.Match(page, "href=\"([^\"]+)\"").Groups[1].Value;

        (await _client.GetAsync(href)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static async Task<string> RawAsync(Uri host, string target)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host.Host, host.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: {host.Authority}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }
}

public sealed class StaticWebAssetsMonolithTests(MonolithContent hosts) : StaticWebAssetsTests(hosts), IClassFixture<MonolithContent>;

public sealed class StaticWebAssetsMicroTests(MicroContent hosts) : StaticWebAssetsTests(hosts), IClassFixture<MicroContent>
{
    [Fact]
    public void Content_IsAnnouncedByTheLibrarysFirstServiceByName()
    {
        var registry = hosts.Front.App.Services.GetRequiredService<ServiceRegistry>();

        registry.InstancesOf("widget-parts").Single().Announcement.Assets.ShouldBe(["/_content/Widgets"]);
        registry.InstancesOf("widgets").Single().Announcement.Assets.ShouldBeEmpty();
        registry.InstancesOf("gadgets").Single().Announcement.Assets.ShouldBe(["/_content/Acme.Gadgets"]);
    }

    [Fact]
    public async Task Content_AskedOfAServiceHostThatDoesNotOwnIt_IsForwardedToTheOwner()
    {
        // widgets runs here, but widget-parts owns the library's assets: this host forwards them like any remote route.
        var response = await hosts.Services.Client.GetAsync("/_content/Widgets/same.txt");

        (await response.Content.ReadAsStringAsync()).ShouldBe("widgets\n");
        hosts.Services.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ShouldContain(e =>
            e.RoutePattern.RawText == "/_content/Widgets/{**path}" && e.Metadata.GetMetadata<RemoteRouteMetadata>()!.Service == "widget-parts");
    }
}
