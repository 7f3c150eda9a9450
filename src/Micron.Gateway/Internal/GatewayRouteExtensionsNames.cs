namespace Micron.Gateway.Internal;

/// <summary>The names of the gateway middleware built in.</summary>
internal static class GatewayRouteExtensionsNames
{
    public const string Layout = "layout";
}
