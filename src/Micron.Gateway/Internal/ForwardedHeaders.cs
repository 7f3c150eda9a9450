using System.Diagnostics;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Forwarder;

namespace Micron.Gateway.Internal;

/// <summary>
/// What the gateway changes in a forwarded request, on top of YARP's copy of the headers (which leaves out the
/// hop-by-hop ones and the client's <c>Host</c>): headers the client named in <c>Connection</c> are dropped too,
/// <c>X-Forwarded-For</c> is appended to, <c>X-Forwarded-Proto</c> and <c>-Host</c> are kept or set,
/// <c>Micron-Hop</c> gets this gateway's id, and a <c>traceparent</c> is added when the client sent none.
/// </summary>
internal sealed class ForwardedHeaders(string hostId) : HttpTransformer
{
    public const string Hop = "Micron-Hop";

    private const string ForwardedFor = "X-Forwarded-For";
    private const string ForwardedProto = "X-Forwarded-Proto";
    private const string ForwardedHost = "X-Forwarded-Host";
    private const string Traceparent = "traceparent";

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
        var source = httpContext.Request.Headers;
        var headers = proxyRequest.Headers;
        headers.Host = null;

        // Headers the client named in Connection are hop-by-hop too (RFC 9110 section 7.6.1).
        if (source.Connection is { Count: > 0 } connection)
        {
            foreach (var value in connection)
            {
                foreach (var token in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase) && !token.Equals("close", StringComparison.OrdinalIgnoreCase)
                        && !token.Equals("upgrade", StringComparison.OrdinalIgnoreCase))
                    {
                        headers.Remove(token);
                        proxyRequest.Content?.Headers.Remove(token);
                    }
                }
            }
        }

        headers.Remove(ForwardedFor);
        headers.Remove(ForwardedProto);
        headers.Remove(ForwardedHost);
        headers.Remove(Hop);
        var remote = httpContext.Connection.RemoteIpAddress?.ToString();
        var forwardedFor = source[ForwardedFor];
        if (remote is not null)
        {
            headers.TryAddWithoutValidation(ForwardedFor, forwardedFor.Count == 0 ? remote : forwardedFor.ToString() + ", " + remote);
        }
        else if (forwardedFor.Count > 0)
        {
            headers.TryAddWithoutValidation(ForwardedFor, forwardedFor.ToString());
        }

        var request = httpContext.Request;
        headers.TryAddWithoutValidation(ForwardedProto, source[ForwardedProto] is { Count: > 0 } proto ? proto.ToString() : request.Scheme);
        headers.TryAddWithoutValidation(ForwardedHost, source[ForwardedHost] is { Count: > 0 } host ? host.ToString() : request.Host.Value);
        var hops = source[Hop];
        headers.TryAddWithoutValidation(Hop, hops.Count == 0 ? hostId : hops.ToString() + ", " + hostId);
        if (source[Traceparent].Count == 0)
        {
            headers.TryAddWithoutValidation(Traceparent, Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity
                ? activity.Id
                : "00-" + ActivityTraceId.CreateRandom().ToHexString() + "-" + ActivitySpanId.CreateRandom().ToHexString() + "-00");
        }
    }

    /// <summary>Whether the request already went through this gateway (a loop), or through too many.</summary>
    public static bool IsLoop(HttpRequest request, string hostId)
    {
        StringValues hops = request.Headers[Hop];
        if (hops.Count == 0)
        {
            return false;
        }

        var text = hops.ToString();
        return text.Contains(hostId, StringComparison.Ordinal) || text.AsSpan().Count(',') >= 8;
    }
}
