using System.Reflection;
using Micron.Services;
using Micron.Services.Internal;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.StaticWebAssets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace Micron.Assets.Internal;

/// <summary>
/// The static web assets of the Razor class libraries that declare services: ASP.NET Core serves a library's
/// <c>wwwroot</c> at <c>/_content/{Library}/</c>; Micron serves it as an endpoint of the library's service, which is
/// announced, so gateways forward the prefix to wherever that service runs.
/// </summary>
/// <remarks>
/// The files are found where ASP.NET Core puts them: the host's web root after <c>dotnet publish</c>
/// (<c>wwwroot/_content/{Library}</c>), the host's runtime manifest in a build (in every environment, not only in
/// Development), the library's own runtime manifest next to it (a host that is not a web project, <c>micron run</c>
/// on a build), and the <c>wwwroot</c> of a published library next to its endpoints manifest (<c>micron run</c> on it).
/// </remarks>
internal sealed partial class StaticWebAssets(
    ServiceCatalog catalog, IWebHostEnvironment environment, IConfiguration configuration, ILogger<StaticWebAssets> logger)
{
    /// <summary>The URL prefix of every library's static web assets.</summary>
    public const string ContentPrefix = "/_content";

    /// <summary>The key of the <see cref="AssemblyMetadataAttribute"/> that Micron's build targets write (buildTransitive/Micron.targets).</summary>
    public const string BasePathKey = "Micron.StaticWebAssetBasePath";

    private IFileProvider? _webRoot;

    /// <summary>
    /// Serves the static web assets of <paramref name="service"/>'s library as the service's endpoint, when the library
    /// has some and the service is the library's first by name (so that one library's files have one owner).
    /// </summary>
    /// <param name="service">A service running here.</param>
    /// <param name="routes">Its routes.</param>
    public void Map(MicronService service, IServiceRoutes routes)
    {
        // An application's own wwwroot is the host's web root, never under _content: only libraries qualify.
        var library = service.GetType().Assembly;
        if (library.EntryPoint is not null || library.IsDynamic || library.GetName().Name is not { Length: > 0 } name || Owner(library) != service.Name)
        {
            return;
        }

        var basePath = BasePathOf(library, name);
        if (basePath.Length == 0)
        {
            // A library whose assets sit at the application's root would take every path: not served as a service's.
            LogAtRoot(logger, service.Name, name);
            return;
        }

        _webRoot ??= WebRoot(environment, configuration);
        var files = Find(name, basePath, string.IsNullOrEmpty(library.Location) ? null : Path.GetDirectoryName(library.Location), _webRoot);
        if (files is not null)
        {
            var prefix = "/" + basePath;
            AssetEndpoint.Map(routes, prefix, files);
            LogServing(logger, service.Name, name, prefix);
        }
    }

    /// <summary>
    /// The path a library's static web assets are served at, without slashes at either end: its
    /// <c>StaticWebAssetBasePath</c> as Micron's build targets record it, else the SDK's default for a package id that
    /// is the assembly name, <c>_content/{Library}</c>.
    /// </summary>
    /// <param name="library">The library's assembly.</param>
    /// <param name="name">Its name.</param>
    /// <returns>The base path; empty when the library's assets are at the application's root.</returns>
    internal static string BasePathOf(Assembly library, string name)
    {
        foreach (var metadata in library.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (metadata.Key == BasePathKey && metadata.Value is { } recorded)
            {
                return recorded.Replace('\\', '/').Trim('/');
            }
        }

        return ContentPrefix.TrimStart('/') + "/" + name;
    }

    /// <summary>
    /// The host's web root (published files) with the host's runtime manifest (a build) over it, read with ASP.NET
    /// Core's loader as <c>UseStaticWebAssets</c> does in Development, in every environment here.
    /// </summary>
    /// <param name="host">The host's environment: its web root and application name.</param>
    /// <param name="configuration">The host's configuration (<c>staticWebAssets</c> names a manifest, as in ASP.NET Core).</param>
    /// <returns>The files of the host's web root.</returns>
    internal static IFileProvider WebRoot(IWebHostEnvironment host, IConfiguration configuration)
    {
        var web = new ManifestEnvironment(host.ApplicationName, host.WebRootFileProvider);
        StaticWebAssetsLoader.UseStaticWebAssets(web, configuration);
        return web.WebRootFileProvider;
    }

    /// <summary>Finds the static web assets of a library, or <see langword="null"/> when it has none.</summary>
    /// <param name="library">The library's assembly name (its manifests are named after it).</param>
    /// <param name="basePath">Where the host serves the library's files, see <see cref="BasePathOf"/>.</param>
    /// <param name="directory">The folder the library's assembly was loaded from, if any.</param>
    /// <param name="webRoot">The host's web root, see <see cref="WebRoot"/>.</param>
    /// <returns>The library's files, with the library's asset root as their root.</returns>
    internal static IFileProvider? Find(string library, string basePath, string? directory, IFileProvider webRoot)
    {
        var found = new List<IFileProvider>(2);
        Add(new FolderFileProvider(webRoot, basePath));

        if (directory is not null)
        {
            // A library's own manifest lists its files at its root, and those of the libraries it uses under _content.
            var manifest = Path.Combine(directory, library + ".staticwebassets.runtime.json");
            var published = Path.Combine(directory, "wwwroot");
            if (File.Exists(manifest))
            {
                var own = new ManifestEnvironment(library, new NullFileProvider());
                var settings = new ConfigurationBuilder().AddInMemoryCollection([new(WebHostDefaults.StaticWebAssetsKey, manifest)]).Build();
                StaticWebAssetsLoader.UseStaticWebAssets(own, settings);
                Add(new FolderFileProvider(own.WebRootFileProvider, string.Empty, hideContent: true));
            }
            else if (File.Exists(Path.Combine(directory, library + ".staticwebassets.endpoints.json")) && Directory.Exists(published))
            {
                Add(new FolderFileProvider(new PhysicalFileProvider(published), string.Empty, hideContent: true));
            }
        }

        return found.Count switch
        {
            0 => null,
            1 => found[0],
            _ => new CompositeFileProvider(found),
        };

        void Add(IFileProvider files)
        {
            if (files.GetDirectoryContents(string.Empty).Exists)
            {
                found.Add(files);
            }
        }
    }

    private string? Owner(Assembly library)
    {
        string? owner = null;
        foreach (var registration in catalog.Registrations)
        {
            if (registration.ServiceType.Assembly == library && (owner is null || string.CompareOrdinal(registration.Name, owner) < 0))
            {
                owner = registration.Name;
            }
        }

        return owner;
    }

    [LoggerMessage(EventId = 71, Level = LogLevel.Warning, Message = "Service {Service} does not serve the static web assets of {Library}: its StaticWebAssetBasePath is the application's root, where they would take every path")]
    private static partial void LogAtRoot(ILogger logger, string service, string library);

    [LoggerMessage(EventId = 70, Level = LogLevel.Information, Message = "Service {Service} serves the static web assets of {Library} at {Prefix}")]
    private static partial void LogServing(ILogger logger, string service, string library, string prefix);
}
