using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;

namespace Micron.Http.Internal;

/// <summary>
/// Reads a request body into one array, never holding more than the limit plus one read, and feeding each read to a
/// hash when one is given (a signed body is hashed as it arrives, not in a second pass).
/// </summary>
internal static class BodyBuffer
{
    private const int InitialSize = 4096;

    // Up to this size a body whose Content-Length is known is read straight into its own array, with no copy. A larger
    // one grows with the bytes that actually arrive, so a Content-Length alone never reserves much memory.
    private const int DirectSize = 1024 * 1024;

    public static async ValueTask<byte[]> ReadAsync(HttpRequest request, BodyLimit limit, IncrementalHash? hash, CancellationToken cancellationToken)
    {
        RaiseServerLimit(request.HttpContext, limit);
        if (request.ContentLength is { } known && known <= Math.Min(DirectSize, limit.Bytes))
        {
            return await ReadKnownAsync(request, (int)known, limit, hash, cancellationToken).ConfigureAwait(false);
        }

        // One byte past Content-Length leaves room for the read that reports the end.
        var capacity = (int)Math.Min((request.ContentLength ?? InitialSize) + 1, Math.Min(limit.Bytes + 1, DirectSize));
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

                var read = await ReadOnceAsync(request, buffer.AsMemory(length), limit, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.AsSpan(0, length).ToArray();
                }

                hash?.AppendData(buffer, length, read);
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

    // The server delivers exactly Content-Length bytes (and fails the read of a body cut short).
    private static async ValueTask<byte[]> ReadKnownAsync(HttpRequest request, int length, BodyLimit limit, IncrementalHash? hash, CancellationToken cancellationToken)
    {
        var bytes = length == 0 ? [] : GC.AllocateUninitializedArray<byte>(length);
        var at = 0;
        while (at < length)
        {
            var read = await ReadOnceAsync(request, bytes.AsMemory(at), limit, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw BodyErrors.InvalidBody(new IOException($"the body ended after {at} of its {length} bytes"));
            }

            hash?.AppendData(bytes, at, read);
            at += read;
        }

        return bytes;
    }

    private static async ValueTask<int> ReadOnceAsync(HttpRequest request, Memory<byte> into, BodyLimit limit, CancellationToken cancellationToken)
    {
        try
        {
            return await request.Body.ReadAsync(into, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw BodyErrors.TooLarge(limit);
        }
        catch (Exception ex) when (ex is BadHttpRequestException or IOException or InvalidDataException)
        {
            throw BodyErrors.InvalidBody(ex);
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
