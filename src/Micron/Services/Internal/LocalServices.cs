using Micron.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Services.Internal;

/// <summary>
/// The service instances running in this host, created and validated once, in initialization order
/// (every service after the services its constructor depends on).
/// </summary>
internal sealed class LocalServices
{
    public LocalServices(IServiceProvider provider, ServiceCatalog catalog)
    {
        var registrations = catalog.Registrations;
        var instances = new MicronService[registrations.Count];
        var byName = new Dictionary<string, MicronService>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < registrations.Count; i++)
        {
            var instance = Create(provider, registrations[i].ServiceType);
            if (!byName.TryAdd(instance.Name, instance))
            {
                throw new MicronStartupException(
                    $"service name '{instance.Name}' is used by both {byName[instance.Name].GetType().Name} and {instance.GetType().Name}");
            }

            ValidateContracts(registrations[i], instance);
            instances[i] = instance;
        }

        InInitOrder = InitOrder.Sort(registrations, instances);
    }

    /// <summary>Gets the services, each after the services it depends on.</summary>
    public IReadOnlyList<MicronService> InInitOrder { get; }

    private static MicronService Create(IServiceProvider provider, Type serviceType)
    {
        try
        {
            return (MicronService)provider.GetRequiredService(serviceType);
        }
        catch (Exception ex) when (ex is not MicronStartupException)
        {
            throw new MicronStartupException($"service {serviceType.Name} could not be created: {ex.Message}", ex);
        }
    }

    private static void ValidateContracts(ServiceCatalog.Registration registration, MicronService instance)
    {
        foreach (var contract in registration.Contracts)
        {
            var declared = contract.GetCustomAttributes(typeof(MicronContractAttribute), inherit: false)[0] as MicronContractAttribute;
            if (declared?.Service is { } name && !string.Equals(name, instance.Name, StringComparison.OrdinalIgnoreCase))
            {
                throw new MicronStartupException(
                    $"service '{instance.Name}' implements {contract.Name}, which is the contract of service '{name}'");
            }
        }
    }
}
