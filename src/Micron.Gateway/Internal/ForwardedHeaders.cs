using System.Collections.Frozen;
using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Extensions.Primitives;

namespace Micron.Gateway.Internal;

/// <summary>Copies headers between the client's request and response and the upstream ones, without LINQ.</summary>
internal static class ForwardedHeaders
{
    public const string Hop = "Micron-Hop";

    /// <summary>Gets <see cref="Hop"/> in ASCII.</summary>
    public static ReadOnlySpan<byte> HopBytes => "Micron-Hop"u8;

    // RFC 9110 section 7.6.1, plus the proxy ones and what the gateway writes itself.
    private static readonly FrozenSet<string> NotForwarded = new[]
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Host", "Expect", "Content-Length", Hop, "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> NotReturned = new[]
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    // The lengths of the names in each set, one bit each: most headers are ruled out by their length alone.
    private static readonly ulong NotForwardedLengths = Lengths(NotForwarded);
    private static readonly ulong NotReturnedLengths = Lengths(NotReturned);

    public static void CopyRequest(HttpContext context, HttpRequestMessage request, string hostId)
    {
        var source = context.Request;
        var content = request.Content;
        var hasTrace = false;

        // Headers the client named in Connection are hop-by-hop too (RFC 9110 section 7.6.1).
        var connection = source.Headers.Connection;
        var named = connection.Count == 0 ? null : ConnectionOptions(connection);
        foreach (var header in source.Headers)
        {
            var name = header.Key;
            if (NotForwarded.Contains(name) || (named is not null && named.Contains(name, StringComparer.OrdinalIgnoreCase)))
            {
                continue;
            }

            hasTrace |= string.Equals(name, "traceparent", StringComparison.OrdinalIgnoreCase);
            var values = header.Value;
            var added = values.Count == 1
                ? request.Headers.TryAddWithoutValidation(name, values.ToString())
                : request.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values);
            if (!added && content is not null)
            {
                _ = values.Count == 1
                    ? content.Headers.TryAddWithoutValidation(name, values.ToString())
                    : content.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values);
            }
        }

        var headers = request.Headers;
        var remote = context.Connection.RemoteIpAddress?.ToString();
        var forwardedFor = source.Headers["X-Forwarded-For"];
        if (remote is not null)
        {
            headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor.Count == 0 ? remote : forwardedFor.ToString() + ", " + remote);
        }
        else if (forwardedFor.Count > 0)
        {
            headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor.ToString());
        }

        headers.TryAddWithoutValidation("X-Forwarded-Proto", source.Headers["X-Forwarded-Proto"] is { Count: > 0 } proto ? proto.ToString() : source.Scheme);
        headers.TryAddWithoutValidation("X-Forwarded-Host", source.Headers["X-Forwarded-Host"] is { Count: > 0 } host ? host.ToString() : source.Host.Value);
        var hops = source.Headers[Hop];
        headers.TryAddWithoutValidation(Hop, hops.Count == 0 ? hostId : hops.ToString() + ", " + hostId);
        if (!hasTrace)
        {
            headers.TryAddWithoutValidation("traceparent", Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity
                ? activity.Id
                : "00-" + ActivityTraceId.CreateRandom().ToHexString() + "-" + ActivitySpanId.CreateRandom().ToHexString() + "-00");
        }
    }

    /// <summary>Whether a request header named <paramref name="name"/> (ASCII) is dropped or rewritten rather than passed on.</summary>
    public static bool IsNotForwarded(ReadOnlySpan<byte> name) => Contains(NotForwarded, NotForwardedLengths, name);

    /// <summary>Whether an answer's header named <paramref name="name"/> (ASCII) is hop-by-hop and not returned to the client.</summary>
    public static bool IsNotReturned(ReadOnlySpan<byte> name) => Contains(NotReturned, NotReturnedLengths, name);

    public static void CopyResponse(HttpResponseMessage response, IHeaderDictionary target)
    {
        Copy(response.Headers.NonValidated, target);
        Copy(response.Content.Headers.NonValidated, target);

        // A chunked answer that also states a length: the chunks decide, and the length must not be passed on
        // (RFC 9112 section 6.3), or the client would take a body of the wrong size.
        if (response.Headers.TransferEncodingChunked == true)
        {
            target.ContentLength = null;
        }
    }

    // "keep-alive" and "close" are the usual values and name no header worth a list.
    private static List<string>? ConnectionOptions(StringValues connection)
    {
        List<string>? named = null;
        foreach (var value in connection)
        {
            if (value is null || value.Equals("keep-alive", StringComparison.OrdinalIgnoreCase) || value.Equals("close", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var token in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase) && !token.Equals("close", StringComparison.OrdinalIgnoreCase))
                {
                    (named ??= []).Add(token);
                }
            }
        }

        return named;
    }

    /// <summary>Whether the request already went through this gateway (a loop), or through too many.</summary>
    public static bool IsLoop(HttpRequest request, string hostId)
    {
        var hops = request.Headers[Hop];
        if (hops.Count == 0)
        {
            return false;
        }

        var text = hops.ToString();
        return text.Contains(hostId, StringComparison.Ordinal) || text.AsSpan().Count(',') >= 8;
    }

    private static ulong Lengths(IEnumerable<string> names)
    {
        var lengths = 0UL;
        foreach (var name in names)
        {
            lengths |= 1UL << name.Length; // every name here is shorter than 64
        }

        return lengths;
    }

    private static bool Contains(FrozenSet<string> names, ulong lengths, ReadOnlySpan<byte> name)
    {
        if (name.Length >= 64 || (lengths & (1UL << name.Length)) == 0)
        {
            return false;
        }

        Span<char> text = stackalloc char[name.Length];
        return System.Text.Ascii.ToUtf16(name, text, out _) == System.Buffers.OperationStatus.Done
            && names.GetAlternateLookup<ReadOnlySpan<char>>().Contains(text);
    }

    private static void Copy(HttpHeadersNonValidated headers, IHeaderDictionary target)
    {
        foreach (var header in headers)
        {
            if (NotReturned.Contains(header.Key))
            {
                continue;
            }

            var values = header.Value;
            if (values.Count == 1)
            {
                target[header.Key] = values.ToString();
            }
            else
            {
                var all = new string[values.Count];
                var i = 0;
                foreach (var value in values)
                {
                    all[i++] = value;
                }

                target[header.Key] = new StringValues(all);
            }
        }
    }
}
