namespace Micron.Gateway.Internal;

/// <summary>Marks an endpoint the gateway forwards to a remote instance.</summary>
/// <param name="Service">The service the route is forwarded to.</param>
internal sealed record RemoteRouteMetadata(string Service);
