using Micron;
using Micron.Assets.Internal;
using Micron.Dashboard.Internal;
using Micron.DependencyInjection.Internal;
using Micron.Http;
using Micron.Discovery;
using Micron.Discovery.Internal;
using Micron.Hosting;
using Micron.Hosting.Internal;
using Micron.Patterns;
using Micron.Patterns.Internal;
using Micron.Rpc.Internal;
using Micron.Security.Internal;
using Micron.Services.Internal;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Micron to an <see cref="IServiceCollection"/>.</summary>
public static class MicronServiceCollectionExtensions
{
    /// <summary>
    /// Adds Micron's core: the service catalog, service initialization in dependency order, function-style HTTP
    /// options (bound from <c>Micron:Http</c>). Calling it more than once is harmless.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>A builder to add services and features with.</returns>
    public static IMicronBuilder AddMicron(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (CatalogOf(services) is null)
        {
            services.AddSingleton(new ServiceCatalog());
            services.TryAddSingleton(TimeProvider.System);
            OptionsBindingCheck.BindConfiguration<MicronOptions>(services, MicronOptions.SectionName);
            OptionsBindingCheck.BindConfiguration<MicronHttpOptions>(services, "Micron:Http");
            services.TryAddSingleton<ServicePlacement>();
            services.TryAddSingleton<LocalServices>();
            services.TryAddSingleton<StaticWebAssets>();

            // Trust between hosts: one key ring, the allow list, signature checks, and the signing client.
            services.TryAddSingleton(static sp => KeyRingFactory.Create(sp.GetRequiredService<IOptions<MicronOptions>>().Value));
            services.TryAddSingleton(static sp => new IpAllowList(sp.GetRequiredService<IOptions<MicronOptions>>().Value.AllowIp));
            services.TryAddSingleton<SignatureVerifier>();
            services.TryAddSingleton<HostAudience>();
            services.TryAddSingleton<MicronHttpClient>();

            // Remote calls and discovery; discovery starts first, so remote services are found before any InitAsync.
            services.TryAddSingleton<ServiceRegistry>();
            services.TryAddSingleton<InstanceHealth>();
            services.TryAddSingleton<RemoteCaller>();
            services.TryAddSingleton<RpcEndpoint>();
            services.TryAddSingleton<PatternTable>();
            services.TryAddSingleton<ActEndpoint>();
            services.TryAddSingleton<AnnounceEndpoint>();
            services.TryAddSingleton<IMicron, MicronPatterns>();
            services.TryAddSingleton(DiscoveryProviders.Create);
            services.AddHostedService<DiscoveryService>();
            services.AddHostedService<ServiceInitializer>();

            // The dashboard: per-route traffic from ASP.NET Core's own metrics, and instances that went down.
            services.AddMetrics();
            services.TryAddSingleton<RouteMetrics>();
            services.TryAddSingleton<InstanceTracker>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<AspNetCore.Http.Json.JsonOptions>, ConfigureJsonForEnvironment>());

            // Binding failures throw, so they are answered as problem documents like every other error.
            services.Configure<RouteHandlerOptions>(static o => o.ThrowOnBadRequest = true);
        }

        return new MicronBuilder(services);
    }

    internal static ServiceCatalog? CatalogOf(IServiceCollection services)
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(ServiceCatalog) && services[i].ImplementationInstance is ServiceCatalog catalog)
            {
                return catalog;
            }
        }

        return null;
    }
}
