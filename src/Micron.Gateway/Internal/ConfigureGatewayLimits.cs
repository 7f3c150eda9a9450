using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Micron.Gateway.Internal;

/// <summary>Applies the gateway's client limits to Kestrel: 431 for large heads, 413 for large bodies, slow clients cut.</summary>
internal sealed class ConfigureGatewayLimits(IOptions<GatewayOptions> options, IOptions<Hosting.MicronOptions> micron, IServiceProvider services)
    : IConfigureOptions<KestrelServerOptions>, IConfigureOptions<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>
{
    private bool RunsNoService => micron.Value.RunsNoService;

    public void Configure(Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions transport)
        => transport.UnsafePreferInlineScheduling |= options.Value.PreferInlineScheduling ?? RunsNoService;

    public void Configure(KestrelServerOptions kestrel)
    {
        var gateway = options.Value;
        if (gateway.FastForwarding ?? RunsNoService)
        {
            // Resolved at the first connection: its routes need the application's endpoints, mapped after the options.
            Fast.FastForwarder? fast = null;
            kestrel.ConfigureEndpointDefaults(listen => listen.Use(next => connection =>
                (fast ??= services.GetRequiredService<Fast.FastForwarder>()).RunAsync(connection, next)));
        }

        var limits = kestrel.Limits;
        limits.MaxRequestHeadersTotalSize = (int)Math.Min(int.MaxValue, gateway.MaxRequestHeadersSize.Bytes);
        limits.MaxRequestBodySize = gateway.MaxRequestBodySize.Bytes > 0 ? gateway.MaxRequestBodySize.Bytes : null;
        limits.RequestHeadersTimeout = gateway.RequestHeadersTimeout;
        limits.MinRequestBodyDataRate = gateway.MinRequestBodyRate > 0 ? new MinDataRate(gateway.MinRequestBodyRate, TimeSpan.FromSeconds(5)) : null;
    }
}
