using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace Micron.Gateway.Internal;

/// <summary>
/// Applies the gateway's client limits to Kestrel (see <c>docs/spec/gateway.md</c>): 431 for large heads, 413 for
/// large bodies, 408 for slow heads, slow uploads and downloads cut, and an optional cap on connections.
/// </summary>
internal sealed class ConfigureGatewayLimits(IOptions<GatewayOptions> options, IOptions<Hosting.MicronOptions> micron)
    : IConfigureOptions<KestrelServerOptions>, IConfigureOptions<SocketTransportOptions>
{
    public void Configure(SocketTransportOptions transport)
        => transport.UnsafePreferInlineScheduling |= options.Value.PreferInlineScheduling ?? micron.Value.RunsNoService;

    public void Configure(KestrelServerOptions kestrel)
    {
        var gateway = options.Value;
        var limits = kestrel.Limits;
        limits.MaxRequestHeadersTotalSize = (int)Math.Min(int.MaxValue, gateway.MaxRequestHeadersSize.Bytes);
        limits.MaxRequestBodySize = gateway.MaxRequestBodySize.Bytes > 0 ? gateway.MaxRequestBodySize.Bytes : null;
        limits.RequestHeadersTimeout = gateway.RequestHeadersTimeout;
        limits.MinRequestBodyDataRate = gateway.MinRequestBodyRate > 0 ? new MinDataRate(gateway.MinRequestBodyRate, TimeSpan.FromSeconds(5)) : null;
        limits.MinResponseDataRate = gateway.MinResponseBodyRate > 0 ? new MinDataRate(gateway.MinResponseBodyRate, TimeSpan.FromSeconds(5)) : null;
        limits.MaxConcurrentConnections = gateway.MaxConnections ?? DescriptorBudget.ClientConnections;
        limits.MaxConcurrentUpgradedConnections = gateway.MaxConnections;
    }
}
