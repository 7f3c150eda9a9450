using System.Net;
using Micron.Assets.Internal;
using Micron.Services;
using Micron.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;

namespace Micron.Tests.Assets;

/// <summary>Where a library's static web assets are found: a build (manifests) and a publish (web roots).</summary>
public sealed class StaticWebAssetsLocationTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("micron-content-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Content_PublishedInTheHostsWebRoot_IsServed()
    {
        // dotnet publish copies a library's files to the host's wwwroot/_content/{Library}, and no manifest.
        Write("wwwroot/_content/Widgets/published.txt", "published\n");
        await using var host = await TestHost.StartAsync(ContentHosts.Configure, "--contentRoot", _root.FullName);

        (await host.Client.GetStringAsync("/_content/Widgets/published.txt")).ShouldBe("published\n");
        (await host.Client.GetAsync("/_content/Acme.Gadgets/published.txt")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Content_IsMappedForLibrariesOnly_OnceEach()
    {
        await using var host = await TestHost.StartAsync(ContentHosts.Configure);

        var assets = host.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e.Metadata.GetMetadata<AssetsEndpointMetadata>() is not null)
            .Select(e => (e.Metadata.GetMetadata<ServiceEndpointMetadata>()!.Service, e.Metadata.GetMetadata<AssetsEndpointMetadata>()!.Prefix))
            .OrderBy(a => a.Prefix)
            .ToList();

        assets.ShouldBe([("gadgets", "/_content/Acme.Gadgets"), ("widget-parts", "/_content/Widgets")]);
    }

    [Fact]
    public void Find_APublishedLibraryFolder_IsItsWwwroot_WithoutOtherLibrariesContent()
    {
        // micron run --service-dir on a published Razor class library: its files at the root of wwwroot.
        Write("Lib.staticwebassets.endpoints.json", """{"Version":1,"ManifestType":"Publish","Endpoints":[]}""");
        Write("wwwroot/lib.css", "lib");
        Write("wwwroot/_content/Other/other.css", "other");

        var files = StaticWebAssets.Find("Lib", "_content/Lib", _root.FullName, new NullFileProvider()).ShouldNotBeNull();

        files.GetFileInfo("lib.css").Exists.ShouldBeTrue();
        files.GetFileInfo("/lib.css").Exists.ShouldBeTrue();
        files.GetFileInfo("_content/Other/other.css").Exists.ShouldBeFalse();
    }

    [Fact]
    public void Find_AFolderWithAWwwrootButNoManifest_HasNone()
    {
        Write("wwwroot/app.css", "an application's own web root");

        StaticWebAssets.Find("Lib", "_content/Lib", _root.FullName, new NullFileProvider()).ShouldBeNull();
    }

    [Fact]
    public void Find_TheLibrarysBuildManifest_IsReadFromNextToTheLibrary()
    {
        var directory = Path.GetDirectoryName(typeof(Widgets.WidgetsService).Assembly.Location)!;

        var files = StaticWebAssets.Find("Widgets", "_content/Widgets", directory, new NullFileProvider()).ShouldNotBeNull();

        files.GetFileInfo("js/widgets.js").Exists.ShouldBeTrue();
        StaticWebAssets.Find("Micron.Tests", "_content/Micron.Tests", directory, new NullFileProvider()).ShouldBeNull();
    }

    [Fact]
    public void Find_InTheHostsBuildManifest_IsUnderContent()
    {
        // What a web project's build writes for each library it references: _content/{Library} mapped to its wwwroot.
        Write("Lib/wwwroot/css/lib.css", "lib");
        var source = Path.Combine(_root.FullName, "Lib", "wwwroot") + Path.DirectorySeparatorChar;
        Write("App.staticwebassets.runtime.json", $$$"""
            {"ContentRoots":["{{{source}}}"],"Root":{"Children":{"_content":{"Children":{"Lib":{"Children":null,"Asset":null,
            "Patterns":[{"ContentRootIndex":0,"Pattern":"**","Depth":2}]}},"Asset":null,"Patterns":null}},"Asset":null,"Patterns":null}}
            """);
        var settings = new ConfigurationBuilder()
            .AddInMemoryCollection([new("staticWebAssets", Path.Combine(_root.FullName, "App.staticwebassets.runtime.json"))])
            .Build();

        var webRoot = StaticWebAssets.WebRoot(new ManifestEnvironment("App", new NullFileProvider()), settings);

        StaticWebAssets.Find("Lib", "_content/Lib", null, webRoot).ShouldNotBeNull().GetFileInfo("css/lib.css").Exists.ShouldBeTrue();
        StaticWebAssets.Find("Other", "_content/Other", null, webRoot).ShouldBeNull();
    }

    [Fact]
    public void BasePath_IsWhatTheBuildRecorded_ElseContentAndTheAssemblyName()
    {
        // Gadgets' package id is Acme.Gadgets: Micron's build targets recorded the SDK's _content/$(PackageId).
        StaticWebAssets.BasePathOf(typeof(Gadgets.GadgetsService).Assembly, "Gadgets").ShouldBe("_content/Acme.Gadgets");
        StaticWebAssets.BasePathOf(typeof(Widgets.WidgetsService).Assembly, "Widgets").ShouldBe("_content/Widgets");

        // An assembly built without the targets (no record) gets the default for a package id that is its name.
        StaticWebAssets.BasePathOf(typeof(StaticWebAssets).Assembly, "Micron").ShouldBe("_content/Micron");
    }

    [Fact]
    public async Task Content_PublishedUnderThePackageId_IsServedThere_AndNotUnderTheAssemblyName()
    {
        Write("wwwroot/_content/Acme.Gadgets/published.txt", "gadgets published\n");
        Write("wwwroot/_content/Gadgets/published.txt", "not the library's\n");
        await using var host = await TestHost.StartAsync(ContentHosts.Configure, "--contentRoot", _root.FullName);

        (await host.Client.GetStringAsync("/_content/Acme.Gadgets/published.txt")).ShouldBe("gadgets published\n");
        (await host.Client.GetAsync("/_content/Gadgets/published.txt")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private void Write(string path, string text)
    {
        var full = Path.Combine(_root.FullName, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }
}
