using Micron.Http;
using Micron.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Micron.Assets.Internal;

/// <summary>
/// Serves files at a URL prefix as a service's endpoint (announced in <c>assets</c>): <c>GET</c> and <c>HEAD</c>, with
/// the content type of the file's extension, <c>Last-Modified</c>, <c>ETag</c>, conditional requests and ranges.
/// </summary>
internal static class AssetEndpoint
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>Maps <c>{prefix}/{**path}</c> to the files of <paramref name="files"/>.</summary>
    /// <param name="routes">The service's routes.</param>
    /// <param name="prefix">The URL prefix, normalized to one leading slash and none trailing.</param>
    /// <param name="files">The files; a path containing <c>..</c> or <c>\</c> is never looked up.</param>
    /// <returns>The endpoint, for further conventions.</returns>
    public static IEndpointConventionBuilder Map(IEndpointRouteBuilder routes, string prefix, IFileProvider files)
    {
        prefix = "/" + prefix.Trim('/');
        return routes.MapMethods(prefix + "/{**path}", [HttpMethods.Get, HttpMethods.Head], (HttpContext context) => ServeAsync(context, files))
            .WithMetadata(new AssetsEndpointMetadata(prefix));
    }

    private static Task ServeAsync(HttpContext context, IFileProvider files)
    {
        var path = context.Request.RouteValues["path"] as string ?? string.Empty;

        // Kestrel has already removed dot segments; what is left here came percent-encoded (..%2F, %5C) and never
        // names a file inside the folder.
        var file = path.Contains("..", StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal) ? null : files.GetFileInfo(path);
        if (file is not { Exists: true, IsDirectory: false })
        {
            throw new HttpError(StatusCodes.Status404NotFound, "Not Found", ErrorCodes.NotFound);
        }

        var type = ContentTypes.TryGetContentType(file.Name, out var known) ? known : "application/octet-stream";
        var modified = file.LastModified;
        var etag = new EntityTagHeaderValue($"\"{(modified.ToFileTime() ^ file.Length):x}\"");
        IResult result = file.PhysicalPath is { } physical
            ? TypedResults.PhysicalFile(physical, type, lastModified: modified, entityTag: etag, enableRangeProcessing: true)
            : TypedResults.Stream(file.CreateReadStream(), type, lastModified: modified, entityTag: etag, enableRangeProcessing: true);
        return result.ExecuteAsync(context);
    }
}
