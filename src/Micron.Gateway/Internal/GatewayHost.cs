namespace Micron.Gateway.Internal;

/// <summary>This gateway's identity in <c>Micron-Hop</c>: random per host, so a request that comes back is recognized.</summary>
internal sealed class GatewayHost
{
    public string Id { get; } = Guid.NewGuid().ToString("N")[..12];
}
