using Micron.Assets.Internal;
using Micron.Dashboard.Internal;
using Micron.Hosting.Internal;
using Micron.Discovery.Internal;
using Micron.Http.Internal;
using Micron.Patterns.Internal;
using Micron.Security;
using Micron.Security.Internal;
using Micron.Services;
using Micron.Services.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Micron.Hosting;

/// <summary>
/// Builds a <see cref="MicronApplication"/>: an ASP.NET Core <see cref="WebApplicationBuilder"/> that also understands
/// Micron's command line (<c>--listen</c>, ...) and hosts the services added with <c>AddMicron().AddService&lt;T&gt;()</c>.
/// </summary>
public sealed class MicronApplicationBuilder : IHostApplicationBuilder
{
    private readonly WebApplicationBuilder _inner;
    private readonly MicronStartupException? _commandLineError;
    private readonly IReadOnlyList<Flag>? _help;

    internal MicronApplicationBuilder(WebApplicationBuilder inner, MicronStartupException? commandLineError, IReadOnlyList<Flag>? help)
    {
        _inner = inner;
        _commandLineError = commandLineError;
        _help = help;
    }

    /// <summary>Gets the services the application's container is built from.</summary>
    public IServiceCollection Services => _inner.Services;

    /// <summary>Gets the application's configuration (appsettings, <c>MICRON__*</c>-style environment variables, flags).</summary>
    public ConfigurationManager Configuration => _inner.Configuration;

    /// <summary>Gets the hosting environment.</summary>
    public IWebHostEnvironment Environment => _inner.Environment;

    /// <summary>Gets the logging configuration.</summary>
    public ILoggingBuilder Logging => _inner.Logging;

    /// <summary>Gets the metrics configuration.</summary>
    public IMetricsBuilder Metrics => _inner.Metrics;

    /// <summary>Gets the web host configuration, for settings that have no other home.</summary>
    public ConfigureWebHostBuilder WebHost => _inner.WebHost;

    /// <summary>Gets the generic host configuration, for settings that have no other home.</summary>
    public ConfigureHostBuilder Host => _inner.Host;

    IConfigurationManager IHostApplicationBuilder.Configuration => _inner.Configuration;

    IHostEnvironment IHostApplicationBuilder.Environment => _inner.Environment;

    IDictionary<object, object> IHostApplicationBuilder.Properties => ((IHostApplicationBuilder)_inner).Properties;

    /// <summary>Builds the application: resolves the listen endpoints and maps every local service's routes.</summary>
    /// <returns>The application. A configuration error does not throw here; it stops <see cref="MicronApplication.StartAsync"/>.</returns>
    public MicronApplication Build()
    {
        Services.AddMicron();
        StartFailureLogFilter.Install(Services);
        var error = _commandLineError;
        ListenBindings? bindings = null;
        try
        {
            if (error is null && _help is null)
            {
                if (SettingsCheck.Check(Configuration) is { Count: > 0 } durations)
                {
                    Configuration.AddInMemoryCollection(durations);
                }

                OptionsBindingCheck.Run(Services, Configuration);

                bindings = ListenBindings.Resolve(Configuration);
                DefaultCertificate.CheckFiles(Configuration, Environment.ContentRootPath);
            }
        }
        catch (MicronStartupException ex)
        {
            error = ex;
        }

        if (bindings is not null)
        {
            _inner.WebHost.ConfigureKestrel(bindings.Apply);
        }

        WebApplication app;
        try
        {
            app = _inner.Build();
        }
        catch (InvalidOperationException ex) when (ex.InnerException is FormatException or ArgumentException)
        {
            // Building the host binds options (Kestrel's, and what configures Kestrel): a value that cannot be converted
            // fails it. The start is over, but RunAsync still needs an application to say so in one line.
            error ??= new MicronStartupException(ex.Message, ex);
            app = StandIn();
        }

        if (error is not null || _help is not null)
        {
            // Nothing more is resolved: the value that stopped the start could fail whatever reads it.
            return new MicronApplication(app, null, error, _help);
        }

        app.UseMiddleware<MicronErrorMiddleware>();
        app.UseMiddleware<InternalAccessMiddleware>();
        app.UseRouting();
        InternalEndpoints.Map(app);
        try
        {
            // Resolved now so that a bad secret, allow list or placement stops the start with a clear message.
            _ = app.Services.GetRequiredService<MicronKeyRing>();
            _ = app.Services.GetRequiredService<IpAllowList>();
            _ = app.Services.GetRequiredService<IDiscoveryProvider>();
            _ = app.Services.GetRequiredService<Rpc.Internal.MicronHttpClient>(); // loads Micron:TrustedCertificate

            // Listening before the first request and the first announcement, so the dashboard's figures and its list of
            // instances start with the host.
            _ = app.Services.GetRequiredService<RouteMetrics>();
            _ = app.Services.GetRequiredService<InstanceTracker>();
            MapServices(app);
            foreach (var feature in app.Services.GetServices<IMicronApplicationFeature>())
            {
                feature.Configure(app);
            }
        }
        catch (MicronStartupException ex)
        {
            error = ex;
        }

        return new MicronApplication(app, bindings, error, null);
    }

    // An application with no configuration and no services of the application's, that can only report why the start failed.
    private static WebApplication StandIn()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRouting();
        return builder.Build();
    }

    void IHostApplicationBuilder.ConfigureContainer<TContainerBuilder>(
        IServiceProviderFactory<TContainerBuilder> factory, Action<TContainerBuilder>? configure)
        => ((IHostApplicationBuilder)_inner).ConfigureContainer(factory, configure);

    private static void MapServices(WebApplication app)
    {
        var patterns = app.Services.GetRequiredService<PatternTable>();
        var assets = app.Services.GetRequiredService<StaticWebAssets>();
        foreach (var service in app.Services.GetRequiredService<LocalServices>().InInitOrder)
        {
            var group = app.MapGroup(string.Empty);
            group.WithMetadata(new ServiceEndpointMetadata(service.Name));
            group.AddEndpointFilterFactory(MicroResultFilter.Create);
            try
            {
                var routes = new ServiceRoutes(group, service.Name, patterns);
                service.MapRoutes(routes);
                assets.Map(service, routes);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                throw new MicronStartupException($"service '{service.Name}' could not map its routes: {ex.Message}", ex);
            }
        }
    }
}
