using Micron.Discovery;
using Micron.Hosting;
using Micron.Services;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Micron.Gateway.Internal;

/// <summary>
/// The remote services' routes as ASP.NET Core endpoints, so that routing (one precomputed matcher for local and
/// remote routes, most specific first) picks them and anything that lists the app's endpoints sees them.
/// Rebuilt when the registry changes; its change token fires only when the set of routes did.
/// </summary>
internal sealed partial class GatewayEndpointDataSource : EndpointDataSource, IDisposable
{
    private readonly RouteTable _table;
    private readonly Forwarder _forwarder;
    private readonly ILogger<GatewayEndpointDataSource> _logger;
    private readonly bool _enabled;
    private readonly Lock _rebuild = new();
    private readonly IDisposable _subscription;
    private CancellationTokenSource _changed = new();
    private IReadOnlyList<Endpoint> _endpoints = [];
    private string _signature = string.Empty;
    private string _conflicts = string.Empty;

    public GatewayEndpointDataSource(
        ServiceRegistry registry, RouteTable table, Forwarder forwarder, IOptions<MicronOptions> options,
        ILogger<GatewayEndpointDataSource> logger)
    {
        _table = table;
        _forwarder = forwarder;
        _logger = logger;
        _enabled = options.Value.Gateway;
        Rebuild();
        _subscription = ChangeToken.OnChange(registry.GetChangeToken, Rebuild);
    }

    public override IReadOnlyList<Endpoint> Endpoints => Volatile.Read(ref _endpoints);

    public override IChangeToken GetChangeToken() => new CancellationChangeToken(Volatile.Read(ref _changed).Token);

    public void Dispose() => _subscription.Dispose();

    private void Rebuild()
    {
        CancellationTokenSource? fired = null;
        lock (_rebuild)
        {
            var snapshot = _table.Rebuild();
            var conflicts = string.Join("; ", snapshot.Conflicts.Select(static c => $"{c.Method} {c.Path}: {string.Join(", ", c.Services)}"));
            if (conflicts != _conflicts)
            {
                _conflicts = conflicts;
                foreach (var conflict in snapshot.Conflicts)
                {
                    LogConflict(_logger, conflict.Method, conflict.Path, string.Join(", ", conflict.Services), conflict.Services[0]);
                }
            }

            var routes = _enabled ? snapshot.Remote : [];
            var signature = string.Join('\n', routes.Select(static r => r.Key));
            if (signature == _signature)
            {
                return;
            }

            var endpoints = new List<Endpoint>(routes.Count);
            foreach (var route in routes)
            {
                try
                {
                    endpoints.Add(Create(route));
                }
                catch (RoutePatternException ex)
                {
                    LogBadRoute(_logger, route.Service, route.Path, ex.Message);
                }
            }

            _signature = signature;
            Volatile.Write(ref _endpoints, endpoints);
            fired = _changed;
            Volatile.Write(ref _changed, new CancellationTokenSource());
            LogRoutes(_logger, endpoints.Count);
        }

        fired.Cancel();
    }

    private RouteEndpoint Create(GatewayRoute route)
    {
        var service = route.Service;
        var forwarder = _forwarder;
        RequestDelegate handler;
        RoutePattern pattern;
        switch (route.Kind)
        {
            case GatewayRouteKind.Upgrade:
                // YARP relays the upgrade itself (HTTP/1.1 Upgrade, or HTTP/2's extended CONNECT from the client).
                pattern = RoutePatternFactory.Parse(route.Path);
                handler = context => forwarder.ForwardAsync(context, service);
                break;
            case GatewayRouteKind.Assets:
                pattern = RoutePatternFactory.Parse(route.Path.TrimEnd('/') + "/{**path}");
                handler = context => forwarder.ForwardAsync(context, service);
                break;
            default:
                pattern = RoutePatternFactory.Parse(route.Path);
                handler = context => forwarder.ForwardAsync(context, service);
                break;
        }

        var builder = new RouteEndpointBuilder(handler, pattern, order: 0)
        {
            DisplayName = $"{route.Method} {route.Path} -> {service}",
        };
        if (route.Kind == GatewayRouteKind.Assets)
        {
            builder.Metadata.Add(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));
            builder.Metadata.Add(new AssetsEndpointMetadata(route.Path));
        }
        else if (route.Kind == GatewayRouteKind.Upgrade)
        {
            builder.Metadata.Add(new UpgradeEndpointMetadata(route.Path));
        }
        else if (route.Method != "*")
        {
            builder.Metadata.Add(new HttpMethodMetadata([route.Method]));
        }

        builder.Metadata.Add(new ServiceEndpointMetadata(service));
        builder.Metadata.Add(new RemoteRouteMetadata(service));
        if (route.Middleware.Count > 0)
        {
            builder.Metadata.Add(new GatewayMiddlewareMetadata(route.Middleware));
        }

        return (RouteEndpoint)builder.Build();
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Route conflict: {Method} {Path} is claimed by {Services}; {Owner} keeps it")]
    private static partial void LogConflict(ILogger logger, string method, string path, string services, string owner);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Service {Service} announced a route the gateway cannot parse: {Path} ({Reason})")]
    private static partial void LogBadRoute(ILogger logger, string service, string path, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "Gateway forwards {Count} remote routes")]
    private static partial void LogRoutes(ILogger logger, int count);
}
