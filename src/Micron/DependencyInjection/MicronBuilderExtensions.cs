using Micron;
using Micron.Http;
using Micron.Rpc.Internal;
using Micron.Services;
using Micron.Services.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds services and configures features on an <see cref="IMicronBuilder"/>.</summary>
public static class MicronBuilderExtensions
{
    /// <summary>
    /// Adds a service. It is created once; every <c>[MicronContract]</c> interface it implements resolves to that
    /// same instance, so a local contract call is a plain interface call.
    /// </summary>
    /// <typeparam name="TService">The service type.</typeparam>
    /// <param name="builder">The Micron builder.</param>
    /// <returns>The builder.</returns>
    public static IMicronBuilder AddService<TService>(this IMicronBuilder builder)
        where TService : MicronService
        => builder.AddService(typeof(TService));

    /// <summary>
    /// Adds a service by type, for hosts that find their services at run time (<c>micron run --service-dir</c>).
    /// It is created once; every <c>[MicronContract]</c> interface it implements resolves to that same instance.
    /// </summary>
    /// <param name="builder">The Micron builder.</param>
    /// <param name="serviceType">A concrete <see cref="MicronService"/> subclass.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="serviceType"/> is not a concrete <see cref="MicronService"/>.</exception>
    public static IMicronBuilder AddService(this IMicronBuilder builder, Type serviceType)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceType.IsAbstract || !serviceType.IsSubclassOf(typeof(MicronService)))
        {
            throw new ArgumentException($"{serviceType.FullName} is not a concrete MicronService", nameof(serviceType));
        }

        var catalog = MicronServiceCollectionExtensions.CatalogOf(builder.Services)!;
        if (!catalog.Add(serviceType))
        {
            return builder;
        }

        builder.Services.AddSingleton(serviceType);
        var name = catalog.Registrations[^1].Name;
        foreach (var contract in catalog.Registrations[^1].Contracts)
        {
            // Decided once per contract: the local instance itself (a plain interface call), or a remote proxy.
            builder.Services.AddSingleton(contract, sp => sp.GetRequiredService<ServicePlacement>().IsLocal(name)
                ? sp.GetRequiredService(serviceType)
                : ContractProxy.Create(contract, name, sp.GetRequiredService<RemoteCaller>()));
        }

        return builder;
    }

    /// <summary>Adds a module: a set of services and what they need, registered by the module itself.</summary>
    /// <typeparam name="TModule">The module type.</typeparam>
    /// <param name="builder">The Micron builder.</param>
    /// <returns>The builder.</returns>
    public static IMicronBuilder AddModule<TModule>(this IMicronBuilder builder)
        where TModule : IMicronModule, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        new TModule().Configure(builder);
        return builder;
    }

    /// <summary>Configures function-style HTTP: body limits and the error format.</summary>
    /// <param name="builder">The Micron builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static IMicronBuilder ConfigureHttp(this IMicronBuilder builder, Action<MicronHttpOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }
}
