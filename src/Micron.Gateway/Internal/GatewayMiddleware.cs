using Micron.Gateway.Layout.Internal;
using Micron.Services;

namespace Micron.Gateway.Internal;

/// <summary>
/// Runs, for the chosen endpoint, the middleware its route requires (semi-remote, provided by some service) and the
/// gateway middleware it asks for (<c>layout</c>). A request that already came through a gateway (<c>Micron-Hop</c>)
/// is composed by that gateway, not again here.
/// </summary>
internal sealed class GatewayMiddleware(RequestDelegate next, MiddlewareRunner runner, LayoutComposer layout)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var metadata = endpoint.Metadata;
        foreach (var required in metadata.GetOrderedMetadata<RequiredMiddlewareMetadata>())
        {
            if (!await runner.RunAsync(context, required.Name).ConfigureAwait(false))
            {
                return;
            }
        }

        if (metadata.GetMetadata<GatewayMiddlewareMetadata>() is { } gateway
            && gateway.Names.Contains(GatewayRouteExtensionsNames.Layout, StringComparer.OrdinalIgnoreCase)
            && context.Request.Headers[ForwardedHeaders.Hop].Count == 0)
        {
            await layout.InvokeAsync(context, next).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }
}
