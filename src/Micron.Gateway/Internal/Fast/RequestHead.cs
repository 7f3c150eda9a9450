using System.Buffers;

namespace Micron.Gateway.Internal.Fast;

/// <summary>
/// A plain HTTP/1.1 request head, parsed strictly: a <c>GET</c> or <c>HEAD</c> for an origin-form target whose path
/// needs no decoding, with one <c>Host</c>, no body and no header that changes how the connection or the message is
/// handled. Anything else is not parsed here: the connection goes to Kestrel, which serves or rejects it.
/// </summary>
internal sealed class RequestHead
{
    /// <summary>The most headers a head may have and stay on the fast path.</summary>
    public const int MaxHeaders = 64;

    private readonly (int NameStart, int NameLength, int ValueStart, int ValueLength)[] _headers = new (int, int, int, int)[MaxHeaders];

    /// <summary>Gets the head's bytes; valid until the next parse.</summary>
    public byte[] Bytes { get; private set; } = [];

    /// <summary>Gets the head's length in <see cref="Bytes"/>, through the blank line.</summary>
    public int Length { get; private set; }

    public bool IsHead { get; private set; }

    public int TargetStart { get; private set; }

    public int TargetLength { get; private set; }

    /// <summary>Gets the length of the target's path, before any <c>?</c>.</summary>
    public int PathLength { get; private set; }

    public int HeaderCount { get; private set; }

    /// <summary>Gets whether the client asked to close the connection after this request.</summary>
    public bool Close { get; private set; }

    public int HostIndex { get; private set; }

    public int ForwardedForIndex { get; private set; }

    public int ForwardedProtoIndex { get; private set; }

    public int ForwardedHostIndex { get; private set; }

    public int TraceParentIndex { get; private set; }

    public ReadOnlySpan<byte> Method => IsHead ? "HEAD"u8 : "GET"u8;

    public ReadOnlySpan<byte> Target => Bytes.AsSpan(TargetStart, TargetLength);

    public ReadOnlySpan<byte> Path => Bytes.AsSpan(TargetStart, PathLength);

    public ReadOnlySpan<byte> Name(int index) => Bytes.AsSpan(_headers[index].NameStart, _headers[index].NameLength);

    public ReadOnlySpan<byte> Value(int index) => Bytes.AsSpan(_headers[index].ValueStart, _headers[index].ValueLength);

    /// <summary>Whether header <paramref name="index"/> is one the gateway drops or rewrites instead of passing on, as the full path does.</summary>
    public bool IsRewritten(int index) => ForwardedHeaders.IsNotForwarded(Name(index));

    /// <summary>Finds the end of a head in <paramref name="buffer"/>: the position after its blank line.</summary>
    public static SequencePosition? FindEnd(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            var end = buffer.FirstSpan.IndexOf("\r\n\r\n"u8);
            return end < 0 ? null : buffer.GetPosition(end + 4);
        }

        var reader = new SequenceReader<byte>(buffer);
        return reader.TryReadTo(out ReadOnlySequence<byte> _, "\r\n\r\n"u8, advancePastDelimiter: true) ? reader.Position : null;
    }

    /// <summary>Copies and parses a head; <see langword="false"/> when it is not one the fast path takes.</summary>
    /// <param name="head">The head through its blank line.</param>
    /// <param name="storage">A buffer at least as long as the head, kept by the connection.</param>
    public bool TryParse(ReadOnlySequence<byte> head, byte[] storage)
    {
        if (head.Length > storage.Length)
        {
            return false;
        }

        head.CopyTo(storage);
        Bytes = storage;
        Length = (int)head.Length;
        var span = storage.AsSpan(0, Length);
        (HeaderCount, Close, HostIndex, ForwardedForIndex, ForwardedProtoIndex, ForwardedHostIndex, TraceParentIndex) = (0, false, -1, -1, -1, -1, -1);

        // Request line: GET or HEAD, one space, an origin-form target, one space, HTTP/1.1.
        int position;
        if (span.StartsWith("GET "u8))
        {
            (IsHead, position) = (false, 4);
        }
        else if (span.StartsWith("HEAD "u8))
        {
            (IsHead, position) = (true, 5);
        }
        else
        {
            return false;
        }

        var lineEnd = span.IndexOf("\r\n"u8);
        var space = span[position..lineEnd].IndexOf((byte)' ');
        if (space <= 0 || !span[(position + space)..lineEnd].SequenceEqual(" HTTP/1.1"u8) || !IsPlainTarget(span.Slice(position, space), out var pathLength))
        {
            return false;
        }

        (TargetStart, TargetLength, PathLength) = (position, space, pathLength);

        // Header fields: token ":" OWS value OWS, visible ASCII only; the final blank line ends them.
        position = lineEnd + 2;
        while (position < Length - 2)
        {
            var end = span[position..].IndexOf("\r\n"u8);
            var line = span.Slice(position, end);
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || HeaderCount == MaxHeaders || !IsToken(line[..colon]))
            {
                return false;
            }

            var valueStart = colon + 1;
            var valueEnd = line.Length;
            while (valueStart < valueEnd && line[valueStart] is (byte)' ' or (byte)'\t')
            {
                valueStart++;
            }

            while (valueEnd > valueStart && line[valueEnd - 1] is (byte)' ' or (byte)'\t')
            {
                valueEnd--;
            }

            var value = line[valueStart..valueEnd];
            if (!IsFieldValue(value) || !Accept(line[..colon], value, HeaderCount))
            {
                return false;
            }

            _headers[HeaderCount++] = (position, colon, position + valueStart, valueEnd - valueStart);
            position += end + 2;
        }

        return HostIndex >= 0;
    }

    // Headers that decide framing, upgrades, expectations or loops send the request to Kestrel and the full gateway.
    private bool Accept(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, int index)
    {
        if (Is(name, "Host"u8))
        {
            if (HostIndex >= 0 || value.IsEmpty)
            {
                return false;
            }

            HostIndex = index;
            return true;
        }

        if (Is(name, "Content-Length"u8) || Is(name, "Transfer-Encoding"u8) || Is(name, "Upgrade"u8) || Is(name, "Expect"u8)
            || Is(name, "Trailer"u8) || Is(name, ForwardedHeaders.HopBytes))
        {
            return false;
        }

        if (Is(name, "Connection"u8))
        {
            // Only the plain values: a Connection header naming other headers makes them hop-by-hop, left to the full path.
            if (Is(value, "close"u8))
            {
                Close = true;
                return true;
            }

            return Is(value, "keep-alive"u8);
        }

        // One of each: a repeated one is left to the full path, which joins them.
        if (Is(name, "X-Forwarded-For"u8))
        {
            (var first, ForwardedForIndex) = (ForwardedForIndex < 0, index);
            return first;
        }

        if (Is(name, "X-Forwarded-Proto"u8))
        {
            (var first, ForwardedProtoIndex) = (ForwardedProtoIndex < 0, index);
            return first;
        }

        if (Is(name, "X-Forwarded-Host"u8))
        {
            (var first, ForwardedHostIndex) = (ForwardedHostIndex < 0, index);
            return first;
        }

        if (Is(name, "traceparent"u8))
        {
            (var first, TraceParentIndex) = (TraceParentIndex < 0, index);
            return first;
        }

        return true;
    }

    private static bool Is(ReadOnlySpan<byte> text, ReadOnlySpan<byte> expected) => System.Text.Ascii.EqualsIgnoreCase(text, expected);

    // A path of plain segments (no percent-escapes, dot segments, empty segments or backslashes), so routing sees
    // exactly these bytes, and a query of visible ASCII.
    private static bool IsPlainTarget(ReadOnlySpan<byte> target, out int pathLength)
    {
        pathLength = target.IndexOf((byte)'?');
        if (pathLength < 0)
        {
            pathLength = target.Length;
        }

        if (target.IsEmpty || target[0] != (byte)'/' || target.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7E) >= 0
            || target.IndexOfAny((byte)'#', (byte)'\\') >= 0)
        {
            return false;
        }

        var path = target[..pathLength];
        return path.IndexOf((byte)'%') < 0 && path.IndexOf("//"u8) < 0 && path.IndexOf("/."u8) < 0;
    }

    private static bool IsToken(ReadOnlySpan<byte> name)
    {
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit((char)c) || "!#$%&'*+-.^_`|~"u8.Contains(c)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsFieldValue(ReadOnlySpan<byte> value) => value.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) < 0;
}
