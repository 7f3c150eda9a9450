using System.Diagnostics;
using System.Text.RegularExpressions;
using Micron.Discovery;
using Micron.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Micron.Testing;

/// <summary>
/// The services of one application, started in a <see cref="TestMode"/> on loopback, so that one test body runs
/// against a monolith, against hosts that call each other over the wire, and against real processes.
/// </summary>
/// <remarks>
/// Contracts resolved from <see cref="Services"/> are the local instances in <see cref="TestMode.Local"/> and remote
/// proxies otherwise (from a caller host that runs no service). <see cref="CreateClient"/> reaches the host that
/// serves a service's routes.
/// </remarks>
public sealed partial class MicronTestCluster : IAsyncDisposable
{
    private readonly List<MicronApplication> _apps = [];
    private readonly List<Process> _processes = [];
    private readonly Dictionary<string, Uri> _urls = new(StringComparer.OrdinalIgnoreCase);
    private MicronApplication _caller = null!;

    private MicronTestCluster(TestMode mode, IReadOnlyList<string> services)
    {
        Mode = mode;
        ServiceNames = services;
    }

    /// <summary>Gets the mode the services run in.</summary>
    public TestMode Mode { get; }

    /// <summary>Gets the names of the application's services.</summary>
    public IReadOnlyList<string> ServiceNames { get; }

    /// <summary>Gets the caller's services: resolve contracts (and <c>IMicron</c>) here.</summary>
    public IServiceProvider Services => _caller.Services;

    /// <summary>Starts the application's services in <paramref name="mode"/>.</summary>
    /// <param name="mode">Where the services run.</param>
    /// <param name="configure">Registers the application's services, as its <c>Program</c> does.</param>
    /// <param name="options">The executable for <see cref="TestMode.MultiProcess"/>, timeouts, extra arguments.</param>
    /// <returns>The running cluster.</returns>
    /// <exception cref="InvalidOperationException">A host did not start, or the services did not find each other in time.</exception>
    public static async Task<MicronTestCluster> StartAsync(TestMode mode, Action<IMicronBuilder> configure, MicronTestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        options ??= new MicronTestOptions();
        var probe = new ServiceCollection();
        configure(probe.AddMicron());
        var names = MicronServiceCollectionExtensions.CatalogOf(probe)!.Registrations.Select(static r => r.Name).ToList();
        var cluster = new MicronTestCluster(mode, names);
        string[] common = ["--listen", "tcp://127.0.0.1:0", "--secret", "test-" + Guid.NewGuid().ToString("N"), "--heartbeat", "250ms", "--Micron:LeaveGrace=00:00:00", .. options.Arguments];
        try
        {
            await cluster.StartAsync(configure, options, common).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates a client for the host that serves <paramref name="service"/>'s routes.</summary>
    /// <param name="service">The service's name.</param>
    /// <returns>A client whose base address is that host.</returns>
    public HttpClient CreateClient(string service) => new() { BaseAddress = _urls[service] };

    /// <summary>
    /// Creates a client for the front door: the one host in <see cref="TestMode.Local"/>, else the caller host, which
    /// runs no service and, when the application adds the gateway, forwards every route to the services' hosts.
    /// </summary>
    /// <returns>A client whose base address is that host.</returns>
    public HttpClient CreateGatewayClient() => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = GatewayUrl };

    /// <summary>Gets the front door's base address (see <see cref="CreateGatewayClient"/>).</summary>
    public Uri GatewayUrl => new(_caller.Urls[0]);

    /// <summary>Resolves a contract (or any service) from the caller.</summary>
    /// <typeparam name="T">The type to resolve.</typeparam>
    /// <returns>The local instance or a remote proxy, depending on <see cref="Mode"/>.</returns>
    public T GetRequiredService<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().ConfigureAwait(false);
            }

            process.Dispose();
        }
    }

    private async Task StartAsync(Action<IMicronBuilder> configure, MicronTestOptions options, string[] common)
    {
        if (Mode == TestMode.Local)
        {
            _caller = await StartHostAsync(configure, common).ConfigureAwait(false);
            foreach (var name in ServiceNames)
            {
                _urls[name] = new Uri(_caller.Urls[0]);
            }

            return;
        }

        var hosts = ServiceNames.Select(name => Mode == TestMode.RemoteInProcess
            ? StartHostAsync(configure, ["--services", name, .. common]).ContinueWith(t => (name, new Uri(t.Result.Urls[0])), TaskScheduler.Default)
            : StartProcessAsync(options, name, ["--services", name, .. common]));
        foreach (var (name, url) in await Task.WhenAll(hosts).ConfigureAwait(false))
        {
            _urls[name] = url;
        }

        _caller = await StartHostAsync(configure, ["--services", "none", .. common]).ConfigureAwait(false);
        var registry = _caller.Services.GetRequiredService<ServiceRegistry>();
        var clock = Stopwatch.StartNew();
        while (ServiceNames.Any(n => registry.InstancesOf(n).Count == 0))
        {
            if (clock.Elapsed > options.StartTimeout)
            {
                throw new InvalidOperationException($"services not discovered within {options.StartTimeout.TotalSeconds:0} s: {string.Join(", ", ServiceNames.Where(n => registry.InstancesOf(n).Count == 0))}");
            }

            await Task.Delay(25).ConfigureAwait(false);
        }

        // A gateway learns the routes of the services it found a moment later (its route table follows the registry).
        if (_caller.Services.GetServices<IMicronApplicationFeature>().Any())
        {
            var endpoints = _caller.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>();
            var routed = ServiceNames.Where(n => registry.InstancesOf(n).Any(static i => i.Announcement.Routes.Count > 0)).ToList();
            while (routed.Any(n => !endpoints.Endpoints.Any(e => e.Metadata.GetMetadata<Services.ServiceEndpointMetadata>()?.Service == n)))
            {
                if (clock.Elapsed > options.StartTimeout)
                {
                    throw new InvalidOperationException($"the gateway did not learn the routes of {string.Join(", ", routed)} within {options.StartTimeout.TotalSeconds:0} s");
                }

                await Task.Delay(25).ConfigureAwait(false);
            }
        }
    }

    private async Task<MicronApplication> StartHostAsync(Action<IMicronBuilder> configure, string[] args)
    {
        var builder = MicronApplication.CreateBuilder(args);
        builder.Logging.ClearProviders();
        configure(builder.Services.AddMicron());
        var app = builder.Build();
        lock (_apps)
        {
            _apps.Add(app);
        }

        await app.StartAsync().ConfigureAwait(false);
        return app;
    }

    private async Task<(string Name, Uri Url)> StartProcessAsync(MicronTestOptions options, string name, string[] args)
    {
        if (options.Executable is null || !File.Exists(options.Executable))
        {
            throw new InvalidOperationException($"MultiProcess mode needs MicronTestOptions.Executable, the built application (was '{options.Executable}')");
        }

        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(options.Executable)!, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(options.Executable);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["Logging__LogLevel__Micron"] = "Information";
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new System.Text.StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && Accepting().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.Start();
        lock (_processes)
        {
            _processes.Add(process);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var first = await Task.WhenAny(listening.Task, process.WaitForExitAsync(), Task.Delay(options.StartTimeout)).ConfigureAwait(false);
        if (first != listening.Task)
        {
            lock (errors)
            {
                throw new InvalidOperationException($"service '{name}' did not start: {errors.ToString().Trim()}");
            }
        }

        return (name, await listening.Task.ConfigureAwait(false));
    }

    [GeneratedRegex(@"Accepting connections on (http://\S+)")]
    private static partial Regex Accepting();
}
