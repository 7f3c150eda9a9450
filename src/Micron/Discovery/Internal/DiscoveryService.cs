using Micron.Hosting;
using Micron.Rpc.Internal;
using Micron.Services;
using Micron.Services.Internal;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Micron.Discovery.Internal;

/// <summary>
/// Runs discovery for the host: before the services initialize it waits for the remote services they need
/// (<c>--discovery-timeout</c>); once the server listens it announces the local services every heartbeat; when the
/// host stops it announces <c>leave</c> before the server drains, so no new call is sent to it.
/// </summary>
internal sealed partial class DiscoveryService(
    IDiscoveryProvider provider,
    ServiceRegistry registry,
    LocalServices services,
    Patterns.Internal.PatternTable patterns,
    IServer server,
    EndpointDataSource endpoints,
    IOptions<MicronOptions> options,
    TimeProvider time,
    ILogger<DiscoveryService> logger) : IHostedLifecycleService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private IReadOnlyList<Announcement> _own = [];
    private Task _heartbeats = Task.CompletedTask;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var required = services.Required;
        if (required.Count == 0)
        {
            return;
        }

        var timeout = options.Value.DiscoveryTimeout;
        var started = time.GetTimestamp();
        var poll = TimeSpan.FromMilliseconds(Math.Min(250, options.Value.Heartbeat.TotalMilliseconds));
        string? announced = null;
        while (true)
        {
            await provider.ListenAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            var missing = required.FirstOrDefault(r => registry.InstancesOf(r).Count == 0);
            if (missing is null)
            {
                return;
            }

            // A peer that refuses this host will not say where the service is, however long the start waits.
            if (!options.Value.WaitForServices && provider.Refusal is { } refusal)
            {
                throw new MicronStartupException(refusal);
            }

            var waited = time.GetElapsedTime(started);
            if (!options.Value.WaitForServices && waited >= timeout)
            {
                throw new MicronStartupException($"service '{missing}' not found after {(timeout < TimeSpan.FromSeconds(1) ? $"{timeout.TotalMilliseconds:0} ms" : $"{timeout.TotalSeconds:0.#} s")}");
            }

            if (announced != missing)
            {
                LogWaiting(logger, missing, provider.Name);
                announced = missing;
            }

            await Task.Delay(poll, time, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var url = AnnouncedUrl();
        if (url is null)
        {
            LogNoUrl(logger);
            return;
        }

        _own = [.. services.All.Select(s => Describe(s, url))];
        foreach (var announcement in _own)
        {
            registry.Apply(announcement, isLocal: true);
        }

        await provider.AnnounceAsync(_own, cancellationToken).ConfigureAwait(false);
        _heartbeats = HeartbeatAsync(_stopping.Token);
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _heartbeats.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_own.Count > 0)
        {
            var leaving = _own.Select(static a => a with { Leave = true }).ToList();
            foreach (var announcement in leaving)
            {
                registry.Apply(announcement, isLocal: true);
            }

            await provider.AnnounceAsync(leaving, cancellationToken).ConfigureAwait(false);

            // Callers learn of the leave at their next heartbeat; until then they may still send calls here, so the
            // server keeps serving for one and a half heartbeats before it stops taking requests and drains.
            var grace = options.Value.LeaveGrace ?? options.Value.Heartbeat * 1.5;
            if (provider is not NoDiscovery && grace > TimeSpan.Zero)
            {
                LogLeaving(logger, grace.TotalMilliseconds);
                await Task.Delay(grace, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _heartbeats.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        var heartbeat = options.Value.Heartbeat;
        using var timer = new PeriodicTimer(heartbeat, time);
        var last = time.GetTimestamp();
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            // A tick that comes late means this host was paused (a long collection, a starved thread pool, a suspended
            // machine): it heard nothing meanwhile, and that time is not counted as its peers' silence. Without this,
            // a host paused for longer than a ttl would drop every peer at once, only to find them again a beat later.
            var now = time.GetTimestamp();
            var pause = time.GetElapsedTime(last, now) - heartbeat;
            pause = pause > TimeSpan.Zero ? pause : TimeSpan.Zero;
            last = now;
            try
            {
                await provider.AnnounceAsync(_own, cancellationToken).ConfigureAwait(false);
                await provider.ListenAsync(pause, cancellationToken).ConfigureAwait(false);
                registry.EvictSilent(pause);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogHeartbeatFailed(logger, ex);
            }
        }
    }

    private Announcement Describe(LocalServices.LocalService service, string url)
    {
        var name = service.Registration.Name;
        var owned = endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ServiceEndpointMetadata>()?.Service == name)
            .ToList();

        // Upgrade paths, assets and provided middleware are announced in their own lists, not as routes.
        static bool IsRoute(RouteEndpoint e) => e.Metadata.GetMetadata<ProvidedMiddlewareMetadata>() is null
            && e.Metadata.GetMetadata<UpgradeEndpointMetadata>() is null && e.Metadata.GetMetadata<AssetsEndpointMetadata>() is null;
        var routes = owned.Where(IsRoute)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => new AnnouncedRoute(m, e.RoutePattern.RawText ?? string.Empty, e.Metadata.GetMetadata<GatewayMiddlewareMetadata>()?.Names ?? [])))
            .ToList();
        var contract = service.Methods.Values.Select(static m => new AnnouncedMethod(
            m.Name,
            [.. m.Parameters.Where(static p => p.ParameterType != typeof(CancellationToken)).Select(static p => new AnnouncedParameter(p.Name!, p.ParameterType.Name))],
            m.ResultType?.Name ?? "void",
            m.Idempotent)).ToList();
        return new Announcement
        {
            Service = name,
            Version = service.Registration.Identity.Version,
            Instance = Guid.NewGuid().ToString("N"),
            Url = url,
            Ttl = (int)(options.Value.Heartbeat.TotalMilliseconds * 3),
            Routes = routes,
            Contract = contract,
            Patterns = [.. patterns.Handlers.Where(h => h.Service == name).Select(static h => h.Pattern.Text)],
            Upgrade = [.. owned.Select(static e => e.Metadata.GetMetadata<UpgradeEndpointMetadata>()?.Path).OfType<string>().Distinct()],
            Assets = [.. owned.Select(static e => e.Metadata.GetMetadata<AssetsEndpointMetadata>()?.Prefix).OfType<string>().Distinct()],
            Middleware = [.. owned.Select(static e => e.Metadata.GetMetadata<ProvidedMiddlewareMetadata>()?.Name).OfType<string>().Distinct()],
            StartedAt = time.GetUtcNow(),
        };
    }

    private string? AnnouncedUrl()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.PublicUrl))
        {
            return options.Value.PublicUrl.TrimEnd('/');
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            if (!address.StartsWith("http", StringComparison.OrdinalIgnoreCase) || address.Contains("://unix:", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var uri = new Uri(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal));
            var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? AnyInterfaceHost() : uri.Host;
            return $"{uri.Scheme}://{host}:{uri.Port}";
        }

        return null;
    }

    // Local discovery stays on this machine, so loopback; udp discovery on a chosen interface, that interface's address;
    // otherwise the machine's first LAN address, as express-micro does.
    private string AnyInterfaceHost()
    {
        if (provider is LocalDiscovery)
        {
            return "127.0.0.1";
        }

        if (provider is UdpDiscovery { Interface: { } chosen })
        {
            return chosen.ToString(); // the interface the group is joined on is the one its members reach
        }

        var address = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(static n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(static n => n.GetIPProperties().UnicastAddresses)
            .Select(static a => a.Address)
            .FirstOrDefault(static a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !System.Net.IPAddress.IsLoopback(a));
        return address?.ToString() ?? "127.0.0.1";
    }

    [LoggerMessage(EventId = 51, Level = LogLevel.Information, Message = "Waiting for service {Service} ({Discovery} discovery)")]
    private static partial void LogWaiting(ILogger logger, string service, string discovery);

    [LoggerMessage(EventId = 52, Level = LogLevel.Warning, Message = "The server has no TCP address to announce; other hosts cannot call this one")]
    private static partial void LogNoUrl(ILogger logger);

    [LoggerMessage(EventId = 56, Level = LogLevel.Information, Message = "Announced leave; serving {Milliseconds:0} ms more while callers learn of it")]
    private static partial void LogLeaving(ILogger logger, double milliseconds);

    [LoggerMessage(EventId = 53, Level = LogLevel.Warning, Message = "A discovery heartbeat failed")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception);
}
