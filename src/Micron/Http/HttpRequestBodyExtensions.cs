using System.Text;
using System.Text.Json;
using Micron.Http.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Micron.Http;

/// <summary>
/// micro's body readers: <c>buffer</c>, <c>text</c> and <c>json</c> with a size limit. The body is read once and
/// kept, so the readers (and ASP.NET Core's own) may be called any number of times.
/// </summary>
public static class HttpRequestBodyExtensions
{
    /// <summary>Reads the whole request body.</summary>
    /// <param name="request">The request.</param>
    /// <param name="limit">The largest body accepted; <see cref="MicronHttpOptions.BodyLimit"/> (<c>1mb</c>) when omitted.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The body's bytes.</returns>
    /// <exception cref="HttpError">
    /// 413 <c>Body exceeded {limit} limit</c> when the body is larger than <paramref name="limit"/> (checked against
    /// <c>Content-Length</c> first and while reading); 400 <c>Invalid body</c> when the body cannot be read.
    /// </exception>
    public static ValueTask<ReadOnlyMemory<byte>> ReadBufferAsync(
        this HttpRequest request, BodyLimit? limit = null, CancellationToken cancellationToken = default)
        => request.ReadBufferAsync(limit, null, cancellationToken);

    /// <summary>Reads the whole request body as <see cref="ReadBufferAsync(HttpRequest, BodyLimit?, CancellationToken)"/> does, feeding it to <paramref name="hash"/> as it arrives.</summary>
    internal static async ValueTask<ReadOnlyMemory<byte>> ReadBufferAsync(
        this HttpRequest request, BodyLimit? limit, System.Security.Cryptography.IncrementalHash? hash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var max = limit ?? DefaultLimit(request);
        if (request.HttpContext.Features.Get<BufferedBody>() is { } cached)
        {
            hash?.AppendData(cached.Bytes);
            return cached.Length > max.Bytes ? throw BodyErrors.TooLarge(max) : cached.Bytes;
        }

        if (request.ContentLength > max.Bytes)
        {
            throw BodyErrors.TooLarge(max);
        }

        var bytes = await BodyBuffer.ReadAsync(request, max, hash, cancellationToken).ConfigureAwait(false);
        request.HttpContext.Features.Set(new BufferedBody(bytes));
        request.Body = new MemoryStream(bytes, writable: false);
        return bytes;
    }

    /// <summary>Reads the request body as text in the <c>charset</c> of its <c>Content-Type</c> (UTF-8 when none).</summary>
    /// <param name="request">The request.</param>
    /// <param name="limit">The largest body accepted; <see cref="MicronHttpOptions.BodyLimit"/> (<c>1mb</c>) when omitted.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The body as text.</returns>
    /// <exception cref="HttpError">413 over the limit; 400 <c>Invalid body</c> when unreadable or in an unknown charset.</exception>
    public static async ValueTask<string> ReadTextAsync(
        this HttpRequest request, BodyLimit? limit = null, CancellationToken cancellationToken = default)
    {
        var bytes = await request.ReadBufferAsync(limit, cancellationToken).ConfigureAwait(false);
        return Charset(request).GetString(bytes.Span);
    }

    /// <summary>Reads the request body as JSON.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="limit">The largest body accepted; <see cref="MicronHttpOptions.BodyLimit"/> (<c>1mb</c>) when omitted.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The value read.</returns>
    /// <exception cref="HttpError">413 over the limit; 400 <c>Invalid body</c> when unreadable; 400 <c>Invalid JSON</c> when empty or not valid JSON.</exception>
    public static async ValueTask<T?> ReadJsonAsync<T>(
        this HttpRequest request, BodyLimit? limit = null, CancellationToken cancellationToken = default)
    {
        var bytes = await request.ReadBufferAsync(limit, cancellationToken).ConfigureAwait(false);
        if (bytes.IsEmpty)
        {
            throw BodyErrors.InvalidJson(null);
        }

        var options = MicroResponse.JsonOptions(request.HttpContext);
        var encoding = Charset(request);
        try
        {
            return encoding.CodePage == Encoding.UTF8.CodePage
                ? JsonSerializer.Deserialize<T>(bytes.Span, options)
                : JsonSerializer.Deserialize<T>(encoding.GetString(bytes.Span), options);
        }
        catch (JsonException ex)
        {
            throw BodyErrors.InvalidJson(ex);
        }
    }

    private static BodyLimit DefaultLimit(HttpRequest request)
        => request.HttpContext.RequestServices?.GetService<IOptions<MicronHttpOptions>>()?.Value.BodyLimit ?? BodyLimit.Default;

    private static Encoding Charset(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) || mediaType.Charset.Length == 0)
        {
            return Encoding.UTF8;
        }

        try
        {
            return Encoding.GetEncoding(mediaType.Charset.Value!.Trim('"'));
        }
        catch (ArgumentException ex)
        {
            throw BodyErrors.InvalidBody(ex);
        }
    }

    private sealed record BufferedBody(byte[] Bytes)
    {
        public int Length => Bytes.Length;
    }
}
