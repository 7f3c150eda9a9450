namespace Micron.Gateway.Internal;

/// <summary>What kind of traffic a gateway route carries.</summary>
internal enum GatewayRouteKind
{
    /// <summary>An HTTP route: method and template.</summary>
    Http,

    /// <summary>A WebSocket upgrade path.</summary>
    Upgrade,

    /// <summary>A prefix of static assets.</summary>
    Assets,
}

/// <summary>One route of a remote service in the gateway's table.</summary>
/// <param name="Kind">HTTP, upgrade or assets.</param>
/// <param name="Method">The HTTP method, or <c>*</c>.</param>
/// <param name="Path">The route template, upgrade path or asset prefix.</param>
/// <param name="Service">The service that owns it.</param>
/// <param name="Middleware">The gateway middleware it asks for.</param>
internal sealed record GatewayRoute(GatewayRouteKind Kind, string Method, string Path, string Service, IReadOnlyList<string> Middleware)
{
    public string Key => Kind + " " + Method + " " + Path + " " + Service + " " + string.Join(',', Middleware);
}
