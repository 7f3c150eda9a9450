using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace Micron.Http.Internal;

/// <summary>Reads a request body into one array, never holding more than the limit plus one read.</summary>
internal static class BodyBuffer
{
    private const int InitialSize = 4096;

    public static async ValueTask<byte[]> ReadAsync(HttpRequest request, BodyLimit limit, CancellationToken cancellationToken)
    {
        RaiseServerLimit(request.HttpContext, limit);
        // One byte past Content-Length leaves room for the read that reports the end, so a body of known size is never copied twice.
        var capacity = (int)Math.Min((request.ContentLength ?? InitialSize) + 1, Math.Min(limit.Bytes + 1, Array.MaxLength));
        var buffer = ArrayPool<byte>.Shared.Rent(capacity);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    buffer = Grow(buffer, length);
                }

                int read;
                try
                {
                    read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                }
                catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    throw BodyErrors.TooLarge(limit);
                }
                catch (Exception ex) when (ex is BadHttpRequestException or IOException or InvalidDataException)
                {
                    throw BodyErrors.InvalidBody(ex);
                }

                if (read == 0)
                {
                    return buffer.AsSpan(0, length).ToArray();
                }

                length += read;
                if (length > limit.Bytes)
                {
                    throw BodyErrors.TooLarge(limit);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Grow(byte[] buffer, int length)
    {
        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, Array.MaxLength));
        buffer.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    // Kestrel's own request size limit (30 MB by default) must not cut a reader whose limit is larger.
    private static void RaiseServerLimit(HttpContext context, BodyLimit limit)
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false } && feature.MaxRequestBodySize is { } current && current < limit.Bytes)
        {
            feature.MaxRequestBodySize = limit.Bytes;
        }
    }
}
