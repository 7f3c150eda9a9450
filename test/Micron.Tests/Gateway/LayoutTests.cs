using System.Net;
using Micron.Services;
using Micron.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Gateway;

/// <summary>Pages composed by the gateway's layout: the built-in one, a template file, and what it refuses to compose.</summary>
public sealed class LayoutTests : IAsyncLifetime
{
    private readonly string _template = Path.Combine(Path.GetTempPath(), $"micron-layout-{Guid.NewGuid():N}.html");
    private TestHost _builtIn = null!;
    private TestHost _file = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_template, "<html><title>{{title}}</title><body class=\"mine\">{{yield}}{{model}}</body></html>");
        _builtIn = await TestHost.StartAsync(static b => b.Services.AddMicron().AddService<PagesService>().AddGateway(), "--discovery", "none");
        _file = await TestHost.StartAsync(b => b.Services.AddMicron().AddService<PagesService>().AddGateway(o => o.LayoutFile = _template), "--discovery", "none");
    }

    public async Task DisposeAsync()
    {
        await _builtIn.DisposeAsync();
        await _file.DisposeAsync();
        File.Delete(_template);
    }

    [Fact]
    public async Task BuiltIn_WrapsHtml_AndTakesTheTitleFromItsHeading()
    {
        var html = await _builtIn.Client.GetStringAsync("/page");

        html.ShouldStartWith("<!doctype html>");
        html.ShouldContain("<title>Hello &amp; welcome</title>");
        html.ShouldContain("<h1>Hello &amp; welcome</h1>");
    }

    [Fact]
    public async Task BuiltIn_EncodesText_AndShowsJsonAsTheModel()
    {
        (await _builtIn.Client.GetStringAsync("/text")).ShouldContain("<pre>1 &lt; 2</pre>");
        (await _builtIn.Client.GetStringAsync("/json")).ShouldContain("&quot;title&quot;: &quot;Model&quot;");
    }

    [Fact]
    public async Task TemplateFile_IsTheLayout()
    {
        var html = await _file.Client.GetStringAsync("/json");

        html.ShouldStartWith("<html><title>Model</title><body class=\"mine\"><pre>");
    }

    [Fact]
    public async Task InvalidJsonFromTheService_Is502()
    {
        var response = await _builtIn.Client.GetAsync("/broken-json");

        response.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        (await Problem.ReadAsync(response)).Code.ShouldBe("upstream_failed");
    }

    [Fact]
    public async Task ErrorsAndRedirects_PassThroughUntouched()
    {
        var missing = await _builtIn.Client.GetAsync("/missing");
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await missing.Content.ReadAsStringAsync()).ShouldBeEmpty();
        using var noRedirect = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = _builtIn.BaseAddress };
        (await noRedirect.GetAsync("/moved")).Headers.Location!.ToString().ShouldBe("/page");
    }

    [Fact]
    public async Task ClientPreferringJson_GetsTheServicesJson_EvenWithHtmlAtLowerQuality()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/json");
        request.Headers.Accept.ParseAdd("application/json, text/html;q=0.5");

        (await (await _builtIn.Client.SendAsync(request)).Content.ReadAsStringAsync()).ShouldBe("""{"title":"Model"}""");
    }

    [MicronService("pages")]
    private sealed class PagesService : MicronService
    {
        protected override void Map(IServiceRoutes routes)
        {
            routes.MapGet("/page", () => Results.Content("<h1>Hello &amp; welcome</h1>", "text/html")).WithLayout();
            routes.MapGet("/text", () => "1 < 2").WithLayout();
            routes.MapGet("/json", () => new { title = "Model" }).WithLayout();
            routes.MapGet("/broken-json", () => Results.Content("{not json", "application/json")).WithLayout();
            routes.MapGet("/missing", () => Results.NotFound()).WithLayout();
            routes.MapGet("/moved", () => Results.Redirect("/page")).WithLayout();
        }
    }
}
