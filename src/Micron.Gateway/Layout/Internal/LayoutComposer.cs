using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Micron.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Micron.Gateway.Layout.Internal;

/// <summary>
/// The <c>layout</c> gateway middleware: a route's HTML or text answer becomes the layout's body, a JSON answer its
/// model; a client that asks for JSON (XHR, <c>Accept: application/json</c>) gets the service's JSON as is, and one that
/// accepts neither HTML nor JSON gets 406. Errors and redirects pass through untouched.
/// </summary>
internal sealed partial class LayoutComposer(ILayoutRenderer renderer, IOptions<GatewayOptions> options)
{
    private enum Wanted
    {
        Html,
        Json,
        Neither,
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        switch (Negotiate(context.Request))
        {
            case Wanted.Neither:
                throw new HttpError(StatusCodes.Status406NotAcceptable, "Not Acceptable.", ErrorCodes.NotAcceptable);
            case Wanted.Json:
                await next(context).ConfigureAwait(false);
                return;
        }

        var response = context.Response;
        var original = response.Body;
        using var buffer = new BoundedBuffer(options.Value.MaxLayoutBodySize.Bytes);
        response.Body = buffer;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            response.Body = original;
        }

        var type = response.ContentType is { } contentType && MediaTypeHeaderValue.TryParse(contentType, out var media) ? media.MediaType.Value : null;
        var isJson = type is not null && (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        var isHtml = string.Equals(type, "text/html", StringComparison.OrdinalIgnoreCase);
        var isText = string.Equals(type, "text/plain", StringComparison.OrdinalIgnoreCase);
        if (response.StatusCode is < 200 or >= 300 or 204 || !(isJson || isHtml || isText) || type!.Contains("problem", StringComparison.Ordinal))
        {
            buffer.Position = 0;
            await buffer.CopyToAsync(original, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        LayoutPage page;
        if (isJson)
        {
            JsonElement model;
            try
            {
                using var parsed = JsonDocument.Parse(bytes);
                model = parsed.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new HttpError(StatusCodes.Status502BadGateway, $"the service answered invalid JSON: {ex.Message}", ErrorCodes.UpstreamFailed, ex);
            }

            var title = model.ValueKind == JsonValueKind.Object && model.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            page = new LayoutPage(title, null, model, context.Request.Path);
        }
        else
        {
            var text = Encoding.UTF8.GetString(bytes.Span);
            var html = isHtml ? text : "<pre>" + WebUtility.HtmlEncode(text) + "</pre>";
            var heading = isHtml ? Heading().Match(text) : Match.Empty;
            page = new LayoutPage(heading.Success ? WebUtility.HtmlDecode(heading.Groups[1].Value) : null, html, null, context.Request.Path);
        }

        var document = Encoding.UTF8.GetBytes(await renderer.RenderAsync(page, context.RequestAborted).ConfigureAwait(false));
        response.Headers.ContentLength = document.Length;
        response.ContentType = "text/html; charset=utf-8";
        await original.WriteAsync(document, context.RequestAborted).ConfigureAwait(false);
    }

    private static Wanted Negotiate(HttpRequest request)
    {
        if (string.Equals(request.Headers["X-Requested-With"], "XMLHttpRequest", StringComparison.OrdinalIgnoreCase))
        {
            return Wanted.Json;
        }

        var accept = request.Headers.Accept;
        if (accept.Count == 0 || !MediaTypeHeaderValue.TryParseList(accept, out var types) || types.Count == 0)
        {
            return Wanted.Html;
        }

        double html = 0, json = 0;
        foreach (var type in types)
        {
            var quality = type.Quality ?? 1;
            var media = type.MediaType;
            if (media.Equals("text/html", StringComparison.OrdinalIgnoreCase) || media.Equals("application/xhtml+xml", StringComparison.OrdinalIgnoreCase)
                || media.Equals("text/*", StringComparison.OrdinalIgnoreCase))
            {
                html = Math.Max(html, quality);
            }
            else if (media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Equals("application/*", StringComparison.OrdinalIgnoreCase))
            {
                json = Math.Max(json, quality);
            }
            else if (media.Equals("*/*", StringComparison.OrdinalIgnoreCase))
            {
                html = Math.Max(html, quality);
            }
        }

        return json > html ? Wanted.Json : html > 0 ? Wanted.Html : Wanted.Neither;
    }

    [GeneratedRegex("<h1[^>]*>(.*?)</h1>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Heading();

    /// <summary>A memory buffer that refuses to grow past the layout's limit.</summary>
    private sealed class BoundedBuffer(long limit) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            Check(count);
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Check(buffer.Length);
            base.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Check(count);
            return base.WriteAsync(buffer, offset, count, cancellationToken);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Check(buffer.Length);
            return base.WriteAsync(buffer, cancellationToken);
        }

        private void Check(int count)
        {
            if (limit > 0 && Length + count > limit)
            {
                throw new HttpError(StatusCodes.Status502BadGateway, $"the page is larger than the layout's limit of {limit} bytes", ErrorCodes.UpstreamFailed);
            }
        }
    }
}
