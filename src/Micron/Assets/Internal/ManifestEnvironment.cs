using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.FileProviders;

namespace Micron.Assets.Internal;

/// <summary>
/// A stand-in web host environment that <c>StaticWebAssetsLoader</c> adds a static web assets manifest to, so that
/// Micron reads manifests with ASP.NET Core's own reader without changing the application's environment.
/// </summary>
internal sealed class ManifestEnvironment(string applicationName, IFileProvider webRoot) : IWebHostEnvironment
{
    public string ApplicationName { get; set; } = applicationName;

    public IFileProvider WebRootFileProvider { get; set; } = webRoot;

    public string WebRootPath { get; set; } = string.Empty;

    public string EnvironmentName { get; set; } = string.Empty;

    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();

    public string ContentRootPath { get; set; } = string.Empty;
}
