using Micron.Hosting;
using Micron.Rpc.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Services.Internal;

/// <summary>
/// The service instances running in this host, created once, in initialization order (every service after the
/// services its constructor depends on), and the remote services they need.
/// </summary>
internal sealed class LocalServices
{
    private readonly Dictionary<string, LocalService> _byName = new(StringComparer.OrdinalIgnoreCase);

    public LocalServices(IServiceProvider provider, ServiceCatalog catalog, ServicePlacement placement)
    {
        var local = catalog.Registrations.Where(r => placement.IsLocal(r.Name)).ToList();
        var instances = new MicronService[local.Count];
        for (var i = 0; i < local.Count; i++)
        {
            instances[i] = Create(provider, local[i].ServiceType);
            _byName[local[i].Name] = new LocalService(local[i], instances[i]);
        }

        InInitOrder = InitOrder.Sort(local, instances);
        Required = [.. catalog.Registrations
            .Where(remote => !placement.IsLocal(remote.Name)
                && local.Any(l => l.Dependencies.Any(d => Array.IndexOf(remote.Contracts, d) >= 0)))
            .Select(static r => r.Name)];
    }

    /// <summary>Gets the services, each after the services it depends on.</summary>
    public IReadOnlyList<MicronService> InInitOrder { get; }

    /// <summary>Gets the remote services whose contracts the local services take: the start waits for them.</summary>
    public IReadOnlyList<string> Required { get; }

    public IEnumerable<LocalService> All => _byName.Values;

    public LocalService? Find(string name) => _byName.GetValueOrDefault(name);

    private static MicronService Create(IServiceProvider provider, Type serviceType)
    {
        try
        {
            return (MicronService)provider.GetRequiredService(serviceType);
        }
        catch (Exception ex) when (ex is not MicronStartupException)
        {
            throw new MicronStartupException($"service {serviceType.Name} could not be created: {(ex.InnerException ?? ex).Message}", ex);
        }
    }

    /// <summary>A service running here, with its contract methods as the wire calls them.</summary>
    internal sealed class LocalService(ServiceCatalog.Registration registration, MicronService instance)
    {
        private IReadOnlyDictionary<string, ContractMethod>? _methods;

        public ServiceCatalog.Registration Registration { get; } = registration;

        public MicronService Instance { get; } = instance;

        public IReadOnlyDictionary<string, ContractMethod> Methods => _methods ??= ContractMethod.Of(Registration.Contracts);
    }
}
