using Micron.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Micron.Discovery.Internal;

/// <summary>Picks the discovery provider <c>--discovery</c> names.</summary>
internal static class DiscoveryProviders
{
    public static readonly string[] Names = ["local", "udp", "peers", "none"];

    /// <exception cref="MicronStartupException">The name is unknown or the provider is not available.</exception>
    public static IDiscoveryProvider Create(IServiceProvider services)
    {
        var name = services.GetRequiredService<IOptions<MicronOptions>>().Value.Discovery.Trim().ToLowerInvariant();
        return name switch
        {
            "local" => ActivatorUtilities.CreateInstance<LocalDiscovery>(services),
            "udp" => ActivatorUtilities.CreateInstance<UdpDiscovery>(services),
            "peers" => ActivatorUtilities.CreateInstance<PeerDiscovery>(services),
            "none" => new NoDiscovery(),
            "rabbitmq" => throw new MicronStartupException($"--discovery {name} is not available in this version of Micron (available: {string.Join(", ", Names)})"),
            _ => throw new MicronStartupException($"--discovery: unknown provider '{name}' (available: {string.Join(", ", Names)})"),
        };
    }
}
