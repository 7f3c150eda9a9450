using System.Buffers.Text;

namespace Micron.Gateway.Internal.Fast;

/// <summary>How an answer's body is delimited.</summary>
internal enum Framing
{
    /// <summary>No body: an answer to <c>HEAD</c>, a 204 or a 304.</summary>
    None,

    /// <summary><c>Content-Length</c> bytes.</summary>
    Length,

    /// <summary><c>Transfer-Encoding: chunked</c>.</summary>
    Chunked,

    /// <summary>Until the instance closes the connection.</summary>
    UntilClose,
}

/// <summary>
/// An instance's answer head as the client gets it: the status line and the headers, less the hop-by-hop ones
/// (<c>Transfer-Encoding</c> stays: a chunked body passes through as it is), written by <see cref="TryParse"/> without
/// the final blank line.
/// </summary>
internal readonly record struct ResponseHead(int Status, Framing Framing, long ContentLength, bool KeepAlive, int Length)
{
    /// <summary>
    /// Parses a head through its blank line into <paramref name="target"/>, which must be at least as long as
    /// <paramref name="source"/>; <see langword="false"/> when it is not a valid final HTTP/1.x answer.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> source, bool isHead, Span<byte> target, out ResponseHead head)
    {
        head = default;
        var lineEnd = source.IndexOf("\r\n"u8);
        var line = source[..lineEnd];
        var http11 = line.StartsWith("HTTP/1.1 "u8);
        if ((!http11 && !line.StartsWith("HTTP/1.0 "u8)) || line.Length < 12 || (line.Length > 12 && line[12] != (byte)' ')
            || !Utf8Parser.TryParse(line.Slice(9, 3), out int status, out var used) || used != 3 || status < 200 || status > 999)
        {
            return false; // 1xx interim answers and anything unexpected go to the full gateway
        }

        line.CopyTo(target);
        var length = line.Length;
        long contentLength = -1;
        var chunked = false;
        var keepAlive = http11;
        var position = lineEnd + 2;
        while (position < source.Length - 2)
        {
            var end = source[position..].IndexOf("\r\n"u8);
            var field = source.Slice(position, end);
            position += end + 2;
            var colon = field.IndexOf((byte)':');
            if (colon <= 0)
            {
                return false;
            }

            var name = field[..colon];
            var value = field[(colon + 1)..].Trim(" \t"u8);
            if (Is(name, "Content-Length"u8))
            {
                if (contentLength >= 0 || !Utf8Parser.TryParse(value, out contentLength, out var digits) || digits != value.Length || contentLength < 0)
                {
                    return false;
                }
            }
            else if (Is(name, "Transfer-Encoding"u8))
            {
                if (chunked || !Is(value, "chunked"u8))
                {
                    return false;
                }

                chunked = true;
            }
            else if (Is(name, "Connection"u8))
            {
                keepAlive = http11 ? !Contains(value, "close"u8) : Contains(value, "keep-alive"u8);
                continue;
            }
            else if (ForwardedHeaders.IsNotReturned(name))
            {
                continue; // hop-by-hop, as the full path drops them (Transfer-Encoding is kept above: the chunks pass through)
            }

            "\r\n"u8.CopyTo(target[length..]);
            field.CopyTo(target[(length + 2)..]);
            length += field.Length + 2;
        }

        if (chunked && contentLength >= 0)
        {
            return false; // both framings at once: a smuggling attempt or a broken instance
        }

        "\r\n"u8.CopyTo(target[length..]);
        length += 2;
        var framing = isHead || status is 204 or 304 ? Framing.None
            : chunked ? Framing.Chunked
            : contentLength >= 0 ? Framing.Length
            : Framing.UntilClose;
        head = new ResponseHead(status, framing, Math.Max(0, contentLength), keepAlive, length);
        return true;
    }

    private static bool Is(ReadOnlySpan<byte> text, ReadOnlySpan<byte> expected) => System.Text.Ascii.EqualsIgnoreCase(text, expected);

    private static bool Contains(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        foreach (var range in value.Split((byte)','))
        {
            if (Is(value[range].Trim(" \t"u8), token))
            {
                return true;
            }
        }

        return false;
    }
}
