using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace Micron.Assets.Internal;

/// <summary>The files under one folder of another provider, as if that folder were the root.</summary>
/// <param name="inner">The provider holding the folder.</param>
/// <param name="folder">The folder, for example <c>_content/Widgets</c>; empty for the root.</param>
/// <param name="hideContent">
/// Whether the folder's own <c>_content</c> subfolder is hidden: a library's manifest lists the static web assets of the
/// libraries it references there, which belong to those libraries, not to it.
/// </param>
internal sealed class FolderFileProvider(IFileProvider inner, string folder, bool hideContent = false) : IFileProvider
{
    private readonly string _folder = folder.Trim('/');

    public IFileInfo GetFileInfo(string subpath)
        => Hidden(subpath) ? new NotFoundFileInfo(subpath) : inner.GetFileInfo(Combine(subpath));

    public IDirectoryContents GetDirectoryContents(string subpath)
        => Hidden(subpath) ? NotFoundDirectoryContents.Singleton : inner.GetDirectoryContents(Combine(subpath));

    public IChangeToken Watch(string filter) => inner.Watch(Combine(filter));

    private string Combine(string subpath)
    {
        subpath = subpath.TrimStart('/');
        return _folder.Length == 0 ? subpath : subpath.Length == 0 ? _folder : _folder + "/" + subpath;
    }

    private bool Hidden(string subpath)
        => hideContent && subpath.TrimStart('/') is var path
            && (path.Equals("_content", StringComparison.OrdinalIgnoreCase) || path.StartsWith("_content/", StringComparison.OrdinalIgnoreCase));
}
