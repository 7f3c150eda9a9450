namespace Micron.Services;

/// <summary>Endpoint metadata: the gateway middleware a route asks for (for example <c>layout</c>); announced with the route.</summary>
/// <param name="Names">The middleware names, applied in order.</param>
public sealed record GatewayMiddlewareMetadata(IReadOnlyList<string> Names);

/// <summary>Endpoint metadata: the named middleware (provided by some service) that must run before the route's handler.</summary>
/// <param name="Name">The middleware's name, for example <c>auth</c>.</param>
public sealed record RequiredMiddlewareMetadata(string Name);

/// <summary>Endpoint metadata: the endpoint answers a middleware the service provides; announced in <c>middleware</c>.</summary>
/// <param name="Name">The middleware's name.</param>
public sealed record ProvidedMiddlewareMetadata(string Name);

/// <summary>Endpoint metadata: the endpoint accepts WebSocket upgrades under a path; announced in <c>upgrade</c>.</summary>
/// <param name="Path">The upgrade path, for example <c>/chat/socket</c>.</param>
public sealed record UpgradeEndpointMetadata(string Path);

/// <summary>Endpoint metadata: the endpoint serves static assets under a path prefix; announced in <c>assets</c>.</summary>
/// <param name="Prefix">The prefix, for example <c>/home/assets</c>.</param>
public sealed record AssetsEndpointMetadata(string Prefix);
