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
/// the content type of the file's extension, <c>Last-Modified</c>, <c>ETag</c>, conditional requests and ranges. A file
/// with a precompressed variant next to it (<c>{file}.br</c>, <c>{file}.gz</c>, as the static web assets SDK writes
/// them) is answered with the variant a client accepts, with <c>Content-Encoding</c> and <c>Vary: Accept-Encoding</c>.
/// </summary>
internal static class AssetEndpoint
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    // The precompressed variants, in the order preferred when a client accepts several equally.
    private static readonly (string Coding, string Suffix)[] Variants = [("br", ".br"), ("gzip", ".gz")];

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
        var coding = string.Empty;
        if (Negotiate(context, files, path, file.Name) is { } variant)
        {
            (file, coding) = variant;
            context.Response.Headers.ContentEncoding = coding;
            coding = "-" + coding;
        }

        // Each representation has its own tag: a cached gzip answer never validates the plain file.
        var modified = file.LastModified;
        var etag = new EntityTagHeaderValue($"\"{(modified.ToFileTime() ^ file.Length):x}{coding}\"");
        IResult result = file.PhysicalPath is { } physical
            ? TypedResults.PhysicalFile(physical, type, lastModified: modified, entityTag: etag, enableRangeProcessing: true)
            : TypedResults.Stream(file.CreateReadStream(), type, lastModified: modified, entityTag: etag, enableRangeProcessing: true);
        return result.ExecuteAsync(context);
    }

    /// <summary>
    /// Picks the precompressed variant of a file that the client accepts best (<c>Accept-Encoding</c>, with q-values;
    /// <c>br</c> before <c>gzip</c> when equal), or <see langword="null"/> for the file itself. Sets
    /// <c>Vary: Accept-Encoding</c> whenever the file has a variant, whichever is answered.
    /// </summary>
    private static (IFileInfo File, string Coding)? Negotiate(HttpContext context, IFileProvider files, string path, string name)
    {
        if (Variants.Any(v => name.EndsWith(v.Suffix, StringComparison.OrdinalIgnoreCase)))
        {
            return null; // asked for a compressed file by its own name: served as it is
        }

        (IFileInfo File, string Coding)? best = null;
        var bestQuality = 0.0;
        var varies = false;
        var accepted = context.Request.Headers.AcceptEncoding.Count == 0 ? [] : context.Request.GetTypedHeaders().AcceptEncoding;
        foreach (var (coding, suffix) in Variants)
        {
            var variant = files.GetFileInfo(path + suffix);
            if (variant is not { Exists: true, IsDirectory: false })
            {
                continue;
            }

            varies = true;
            var quality = Quality(accepted, coding);
            if (quality > bestQuality)
            {
                (best, bestQuality) = ((variant, coding), quality);
            }
        }

        if (varies)
        {
            context.Response.Headers.Vary = HeaderNames.AcceptEncoding;
        }

        // The file itself stays the answer when the client prefers it (identity;q=1, gzip;q=0.5).
        return best is not null && bestQuality >= Quality(accepted, "identity", identity: true) ? best : null;
    }

    /// <summary>The quality a client gives a content coding: its own entry, else <c>*</c>'s, else none (identity: 1).</summary>
    private static double Quality(IList<StringWithQualityHeaderValue> accepted, string coding, bool identity = false)
    {
        double? any = null;
        foreach (var entry in accepted)
        {
            if (entry.Value.Equals(coding, StringComparison.OrdinalIgnoreCase))
            {
                return entry.Quality ?? 1;
            }

            if (entry.Value.Equals("*", StringComparison.Ordinal))
            {
                any = entry.Quality ?? 1;
            }
        }

        return any ?? (identity ? 1 : 0);
    }
}
