using System.Reflection;

namespace Micron.Services.Internal;

/// <summary>The services registered with <c>AddService</c>, in registration order, known before the container is built.</summary>
internal sealed class ServiceCatalog
{
    private readonly List<Registration> _registrations = [];

    public IReadOnlyList<Registration> Registrations => _registrations;

    /// <summary>Adds a service type; <see langword="false"/> when it was already added.</summary>
    /// <exception cref="InvalidOperationException">The name is taken, or a contract belongs to another service or is not async.</exception>
    public bool Add(Type serviceType)
    {
        var identity = ServiceIdentity.Of(serviceType);
        foreach (var existing in _registrations)
        {
            if (existing.ServiceType == serviceType)
            {
                return false;
            }

            if (string.Equals(existing.Name, identity.Name, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"service name '{identity.Name}' is used by both {existing.ServiceType.Name} and {serviceType.Name}");
            }
        }

        var contracts = Array.FindAll(serviceType.GetInterfaces(), static i => i.IsDefined(typeof(MicronContractAttribute), inherit: false));
        foreach (var contract in contracts)
        {
            ContractRules.Validate(contract, identity.Name);
        }

        _registrations.Add(new Registration(serviceType, identity, contracts, ConstructorDependencies(serviceType)));
        return true;
    }

    public Registration? Find(string name)
    {
        foreach (var registration in _registrations)
        {
            if (string.Equals(registration.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return registration;
            }
        }

        return null;
    }

    // For ordering InitAsync it is enough to consider every public constructor's parameters.
    private static Type[] ConstructorDependencies(Type serviceType)
    {
        var types = new HashSet<Type>();
        foreach (var constructor in serviceType.GetConstructors(BindingFlags.Public | BindingFlags.Instance))
        {
            foreach (var parameter in constructor.GetParameters())
            {
                types.Add(parameter.ParameterType);
            }
        }

        return [.. types];
    }

    /// <summary>One registered service type.</summary>
    /// <param name="ServiceType">The <see cref="MicronService"/> subclass.</param>
    /// <param name="Identity">Its name and version.</param>
    /// <param name="Contracts">The <c>[MicronContract]</c> interfaces it implements.</param>
    /// <param name="Dependencies">The types its constructors take.</param>
    internal sealed record Registration(Type ServiceType, ServiceIdentity Identity, Type[] Contracts, Type[] Dependencies)
    {
        public string Name => Identity.Name;

        public bool Satisfies(Type dependency)
            => dependency == ServiceType || Array.IndexOf(Contracts, dependency) >= 0;
    }
}
