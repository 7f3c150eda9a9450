using System.Reflection;

namespace Micron.Services.Internal;

/// <summary>The services registered with <c>AddService</c>, in registration order, known before the container is built.</summary>
internal sealed class ServiceCatalog
{
    private readonly List<Registration> _registrations = [];

    public IReadOnlyList<Registration> Registrations => _registrations;

    public bool Add(Type serviceType)
    {
        foreach (var existing in _registrations)
        {
            if (existing.ServiceType == serviceType)
            {
                return false;
            }
        }

        _registrations.Add(new Registration(serviceType, ContractsOf(serviceType), ConstructorDependencies(serviceType)));
        return true;
    }

    private static Type[] ContractsOf(Type serviceType)
        => Array.FindAll(serviceType.GetInterfaces(), static i => i.IsDefined(typeof(MicronContractAttribute), inherit: false));

    // The constructor the container will pick is the one with the most parameters it can satisfy; for ordering
    // InitAsync it is enough to consider every public constructor's parameters.
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
    /// <param name="Contracts">The <c>[MicronContract]</c> interfaces it implements.</param>
    /// <param name="Dependencies">The types its constructors take.</param>
    internal sealed record Registration(Type ServiceType, Type[] Contracts, Type[] Dependencies)
    {
        public bool Satisfies(Type dependency)
            => dependency == ServiceType || Array.IndexOf(Contracts, dependency) >= 0;
    }
}
