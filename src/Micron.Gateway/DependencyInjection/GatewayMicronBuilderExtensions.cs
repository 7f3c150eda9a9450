using Micron;
using Micron.Gateway;
using Micron.Gateway.Internal;
using Micron.Gateway.Layout;
using Micron.Gateway.Layout.Internal;
using Micron.Hosting;
using Micron.Hosting.Internal;
using Micron.Services;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the gateway to a Micron host.</summary>
public static class GatewayMicronBuilderExtensions
{
    /// <summary>
    /// Makes the host a gateway: it serves its local services' routes in-process and forwards the routes, WebSockets
    /// and assets of remote services to their instances; runs the middleware routes require and composes pages with
    /// the layout. Options are bound from <c>Micron:Gateway</c>. Calling it more than once is harmless.
    /// </summary>
    /// <param name="micron">The Micron builder.</param>
    /// <param name="configure">Configures the options, for example <c>o =&gt; o.UseLayout&lt;MyLayout&gt;()</c>.</param>
    /// <returns>The builder.</returns>
    public static IMicronBuilder AddGateway(this IMicronBuilder micron, Action<GatewayOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(micron);
        var services = micron.Services;
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (services.Any(static d => d.ServiceType == typeof(GatewayHost)))
        {
            return micron;
        }

        OptionsBindingCheck.BindConfiguration<GatewayOptions>(services, GatewayOptions.SectionName);
        services.TryAddSingleton<GatewayHost>();
        services.TryAddSingleton<Forwarder>();
        services.AddHttpForwarder();
        services.TryAddSingleton<RouteTable>();
        services.TryAddSingleton<GatewayEndpointDataSource>();
        services.TryAddSingleton<MiddlewareProviders>();
        services.TryAddSingleton<MiddlewareRunner>();
        services.TryAddSingleton<LayoutComposer>();
        services.TryAddSingleton(CreateLayout);
        services.AddSingleton<IRouteConflictSource>(static sp => sp.GetRequiredService<RouteTable>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMicronApplicationFeature, GatewayFeature>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, ConfigureGatewayLimits>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<
            IConfigureOptions<AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>, ConfigureGatewayLimits>());

        // YARP logs every failed exchange as a warning with its stack, and every forwarded request at Information; the
        // forwarder reports failures itself, one line each (Micron.Gateway.Internal.Forwarder).
        services.Configure<LoggerFilterOptions>(static o => o.AddFilter("Yarp.ReverseProxy.Forwarder", LogLevel.Error));
        return micron;
    }

    private static ILayoutRenderer CreateLayout(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        if (options.LayoutFile is { Length: > 0 } file)
        {
            return new TemplateLayout(File.ReadAllText(file));
        }

        return options.LayoutComponent is { } component
            ? new ComponentLayout(component, services, services.GetRequiredService<ILoggerFactory>())
            : new TemplateLayout(TemplateLayout.Default);
    }
}
