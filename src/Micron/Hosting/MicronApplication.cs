using Micron.Hosting.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Micron.Hosting;

/// <summary>
/// A running Micron host: an ASP.NET Core application that serves the local services' routes, initializes them in
/// dependency order before accepting traffic, and drains in-flight requests on SIGTERM.
/// </summary>
/// <remarks>
/// It is an <see cref="IApplicationBuilder"/> and an <see cref="IEndpointRouteBuilder"/>, so ASP.NET Core middleware
/// and endpoints can be added to it as to a <see cref="WebApplication"/>.
/// </remarks>
public sealed partial class MicronApplication : IHost, IApplicationBuilder, IEndpointRouteBuilder, IAsyncDisposable
{
    private const string SingleProcMultiplier = "DOTNET_TC_DelaySingleProcMultiplier";
    private readonly WebApplication _app;
    private readonly ListenBindings? _bindings;
    private readonly MicronStartupException? _startupError;
    private readonly IReadOnlyList<Flag>? _help;

    internal MicronApplication(WebApplication app, ListenBindings? bindings, MicronStartupException? startupError, IReadOnlyList<Flag>? help)
    {
        _app = app;
        _bindings = bindings;
        Endpoints = bindings?.Endpoints ?? [];
        _startupError = startupError;
        _help = help;
        Logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Micron");
    }

    /// <summary>Gets the application's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Gets the application's configuration.</summary>
    public IConfiguration Configuration => _app.Configuration;

    /// <summary>Gets the hosting environment.</summary>
    public IWebHostEnvironment Environment => _app.Environment;

    /// <summary>Gets the application's logger.</summary>
    public ILogger Logger { get; }

    /// <summary>Gets the endpoints the host was configured to listen on (empty when ASP.NET Core <c>urls</c> decide).</summary>
    public IReadOnlyList<ListenEndpoint> Endpoints { get; }

    /// <summary>Gets the addresses the server is bound to, with real ports, once started.</summary>
    public IReadOnlyList<string> Urls
        => [.. _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];

    IServiceProvider IApplicationBuilder.ApplicationServices
    {
        get => ((IApplicationBuilder)_app).ApplicationServices;
        set => ((IApplicationBuilder)_app).ApplicationServices = value;
    }

    IFeatureCollection IApplicationBuilder.ServerFeatures => ((IApplicationBuilder)_app).ServerFeatures;

    IDictionary<string, object?> IApplicationBuilder.Properties => ((IApplicationBuilder)_app).Properties;

    IServiceProvider IEndpointRouteBuilder.ServiceProvider => ((IEndpointRouteBuilder)_app).ServiceProvider;

    ICollection<EndpointDataSource> IEndpointRouteBuilder.DataSources => ((IEndpointRouteBuilder)_app).DataSources;

    /// <summary>Creates a builder for a Micron application.</summary>
    /// <param name="args">
    /// The command line: Micron's flags (<c>-l</c>/<c>--listen</c>, see <c>docs/spec/cli.md</c>), ASP.NET Core's
    /// (<c>--environment</c>, <c>--urls</c>) and configuration (<c>--Section:Key=value</c>). Any other flag stops the start.
    /// </param>
    /// <returns>The builder.</returns>
    public static MicronApplicationBuilder CreateBuilder(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return CreateBuilder(new MicronApplicationOptions { Args = args });
    }

    /// <summary>Creates a builder for a Micron application that has flags of its own.</summary>
    /// <param name="options">The command line and the application's flags.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">A flag of the application's is not named <c>--name</c> or <c>-n</c>.</exception>
    public static MicronApplicationBuilder CreateBuilder(MicronApplicationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // A request line or header ended by a bare LF is a 400, as RFC 9112 allows and as proxies in front of or behind
        // a Micron host may parse differently (request smuggling). Kestrel reads the switch when it parses.
        AppContext.SetSwitch("Microsoft.AspNetCore.Server.Kestrel.DisableHttp1LineFeedTerminators", true);
        Flag[] appFlags = [.. options.Flags.Select(Flag.Of)];
        var commandLine = MicronCommandLine.Parse(options.Args, appFlags: appFlags);
        var error = commandLine.Error is { } message ? new MicronStartupException(message) { ExitCode = commandLine.IsUnknownFlag ? 2 : 1 } : null;
        WebApplicationBuilder inner;
        try
        {
            inner = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. commandLine.Remaining] });
        }
        catch (FormatException ex)
        {
            // ASP.NET Core's command-line configuration rejects what it cannot read; report it like any bad flag.
            error ??= new MicronStartupException(ex.Message, ex);
            inner = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        }

        inner.Configuration.AddInMemoryCollection(commandLine.Settings);

        // Errors, a failed request's stack trace among them, belong on standard error; a setting of the application's wins.
        inner.Services.AddOptions<ConsoleLoggerOptions>().Configure<IConfiguration>(static (console, configuration) =>
        {
            if (configuration["Logging:Console:LogToStandardErrorThreshold"] is null)
            {
                console.LogToStandardErrorThreshold = LogLevel.Error;
            }
        });
        return new MicronApplicationBuilder(inner, error, commandLine.Help ? appFlags : null);
    }

    /// <summary>Initializes the services in dependency order, then starts listening.</summary>
    /// <param name="cancellationToken">Abandons the start.</param>
    /// <returns>A task that completes when the host accepts traffic.</returns>
    /// <exception cref="MicronStartupException">The host could not start, the message says why; or the command line asks for <c>--help</c>.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_startupError is not null)
        {
            throw _startupError;
        }

        if (_help is not null)
        {
            throw new MicronStartupException("--help: the help is printed by RunAsync; nothing was started") { ExitCode = 0 };
        }

        try
        {
            // An address in use is found before the services initialize (and replay their events), not after.
            _bindings?.Probe();
            await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (MicronStartupException or OperationCanceledException))
        {
            var cause = ex is AggregateException { InnerExceptions.Count: 1 } single ? single.InnerException! : ex;
            throw cause as MicronStartupException
                ?? DefaultCertificate.Explain(cause, Configuration, Environment.ContentRootPath)
                ?? new MicronStartupException(cause.Message, cause);
        }

        foreach (var url in Urls)
        {
            LogAccepting(Logger, url);
        }

        LogWhereTheDashboardIs();

        // On one CPU (a container limited to one, or taskset) .NET waits ten times longer before it recompiles hot
        // code with full optimization, and restarts that wait whenever new code runs: a busy host takes tens of
        // seconds instead of a few to reach its speed. The multiplier can only be set before the process starts.
        if (System.Environment.ProcessorCount == 1 && System.Environment.GetEnvironmentVariable(SingleProcMultiplier) is null)
        {
            LogSingleProcessor(Logger, SingleProcMultiplier);
        }

        _app.Lifetime.ApplicationStopping.Register(static state => LogShuttingDown((ILogger)state!), Logger);
    }

    /// <summary>Stops accepting connections and waits for in-flight requests (up to the host's shutdown timeout).</summary>
    /// <param name="cancellationToken">Cuts the wait short.</param>
    /// <returns>A task that completes when the host has stopped.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    /// <summary>
    /// Starts the host and runs until SIGTERM, SIGINT or <paramref name="cancellationToken"/>, then drains and stops.
    /// When the host cannot start, prints <c>micron: {reason}</c> to standard error and sets the process exit code to 1
    /// (2 for an unknown flag); with <c>-h</c>/<c>--help</c>, prints the flags and their defaults instead and starts nothing.
    /// </summary>
    /// <param name="cancellationToken">Stops the host.</param>
    /// <returns>A task that completes when the host has stopped.</returns>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (_help is not null)
        {
            await Console.Out.WriteAsync(CommandLineHelp.Write(Environment.ApplicationName, _help)).ConfigureAwait(false);
            System.Environment.ExitCode = 0;
            await DisposeAsync().ConfigureAwait(false);
            return;
        }

        try
        {
            await StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MicronStartupException ex)
        {
            // One line says why; the stack trace is there for whoever asks for Micron's debug log.
            LogStartFailed(Logger, ex);
            await Console.Error.WriteLineAsync("micron: " + ex.Message.ReplaceLineEndings(" ")).ConfigureAwait(false);
            System.Environment.ExitCode = ex.ExitCode;
            await DisposeAsync().ConfigureAwait(false);
            return;
        }

        await _app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => ((IDisposable)_app).Dispose();

    IApplicationBuilder IApplicationBuilder.Use(Func<RequestDelegate, RequestDelegate> middleware)
    {
        ((IApplicationBuilder)_app).Use(middleware);
        return this;
    }

    IApplicationBuilder IApplicationBuilder.New() => ((IApplicationBuilder)_app).New();

    RequestDelegate IApplicationBuilder.Build() => ((IApplicationBuilder)_app).Build();

    IApplicationBuilder IEndpointRouteBuilder.CreateApplicationBuilder() => ((IEndpointRouteBuilder)_app).CreateApplicationBuilder();

    // The dashboard asks for the secret: say where it is, since by default nobody typed one.
    private void LogWhereTheDashboardIs()
    {
        var options = _app.Services.GetService<Microsoft.Extensions.Options.IOptions<MicronOptions>>()?.Value;
        if (options is not { Dashboard.Enabled: true } || Urls.FirstOrDefault(static u => u.StartsWith("http", StringComparison.Ordinal)) is not { } url)
        {
            return;
        }

        var dashboard = url.Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal) + "/_micron/dashboard";
        var access = options.Dashboard.Access == DashboardAccess.Loopback ? "open to this machine (Micron:Dashboard:Access=Loopback)"
            : options.Secrets.Count > 0 ? "any user name, the secret as password"
            : $"any user name, the secret in {Security.Internal.KeyFile.DefaultPath} as password";
        LogDashboard(Logger, dashboard, access);
    }

    [LoggerMessage(EventId = 24, Level = LogLevel.Information, Message = "Dashboard at {Url}: {Access}")]
    private static partial void LogDashboard(ILogger logger, string url, string access);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Accepting connections on {Url}")]
    private static partial void LogAccepting(ILogger logger, string url);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "Gracefully shutting down. Please wait...")]
    private static partial void LogShuttingDown(ILogger logger);

    [LoggerMessage(EventId = 22, Level = LogLevel.Debug, Message = "The host could not start")]
    private static partial void LogStartFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 23, Level = LogLevel.Information, Message = "This process may use one CPU: .NET delays optimizing hot code ten times longer there, so the host reaches its full speed only after tens of seconds of traffic; set {Variable}=1 before starting it to warm up as fast as on more CPUs")]
    private static partial void LogSingleProcessor(ILogger logger, string variable);
}
