using System.Reflection;
using Micron.Services;
using Micron.Services.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Micron.Dashboard.Internal;

/// <summary>
/// <c>GET /_micron/dashboard</c> (the page), its script and style, and <c>GET /_micron/dashboard/data</c> (what the
/// page shows, as JSON). Access is checked by <see cref="Security.Internal.InternalAccessMiddleware"/>.
/// </summary>
internal static class DashboardEndpoints
{
    private const int RateSeconds = 10;

    private static readonly (string Name, string ContentType)[] Files =
    [
        ("dashboard.html", "text/html; charset=utf-8"),
        ("dashboard.js", "text/javascript; charset=utf-8"),
        ("dashboard.css", "text/css; charset=utf-8"),
    ];

    public static void Map(IEndpointRouteBuilder group)
    {
        foreach (var (name, contentType) in Files)
        {
            var bytes = Load(name);
            var path = name == "dashboard.html" ? "/dashboard" : $"/dashboard/{name}";
            group.MapGet(path, (HttpContext context) =>
            {
                context.Response.Headers.CacheControl = "no-store";
                context.Response.Headers.XContentTypeOptions = "nosniff";
                context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'";
                return Results.Bytes(bytes, contentType);
            });
        }

        group.MapGet("/dashboard/data", static (HttpContext context, InstanceTracker tracker, RouteMetrics metrics, LocalServices local,
            EndpointDataSource endpoints, IEnumerable<IRouteConflictSource> conflicts, TimeProvider time) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            var instances = tracker.Snapshot();
            var localNames = local.All.Select(static s => s.Registration.Name).Order(StringComparer.OrdinalIgnoreCase).ToList();
            return Results.Json(new DashboardModel(
                time.GetUtcNow(),
                localNames,
                ServicesOf(instances, localNames, local.Required),
                instances,
                RoutesOf(endpoints, metrics, localNames),
                [.. conflicts.SelectMany(static c => c.Conflicts)]));
        });
    }

    internal static IReadOnlyList<ServiceView> ServicesOf(IReadOnlyList<InstanceView> instances, IReadOnlyList<string> local, IReadOnlyList<string> required)
    {
        var names = instances.Select(static i => i.Service).Concat(local).Concat(required).Distinct(StringComparer.OrdinalIgnoreCase);
        return [.. names.Order(StringComparer.OrdinalIgnoreCase).Select(name =>
        {
            var mine = instances.Where(i => string.Equals(i.Service, name, StringComparison.OrdinalIgnoreCase)).ToList();
            var up = mine.Count(static i => i.Status != "down");
            var isLocal = local.Contains(name, StringComparer.OrdinalIgnoreCase);
            var health = up > 0 || isLocal ? (mine.Any(static i => i.Status == "circuit-open") ? "degraded" : "healthy") : "unavailable";
            return new ServiceView(
                name,
                [.. mine.Where(static i => i.Status != "down").Select(static i => i.Version).Distinct().Order(StringComparer.Ordinal)],
                isLocal,
                required.Contains(name, StringComparer.OrdinalIgnoreCase),
                up,
                mine.Count - up,
                health);
        })];
    }

    internal static IReadOnlyList<RouteView> RoutesOf(EndpointDataSource endpoints, RouteMetrics metrics, IReadOnlyList<string> local)
    {
        var now = metrics.CurrentSecond;
        var stats = metrics.Routes.ToList();
        var claimed = new HashSet<RouteStats>();
        var views = new List<RouteView>();
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            var path = Display(endpoint.RoutePattern);
            if (path.StartsWith("/_micron", StringComparison.Ordinal))
            {
                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            var service = endpoint.Metadata.GetMetadata<ServiceEndpointMetadata>()?.Service;
            var placement = service is null || local.Contains(service, StringComparer.OrdinalIgnoreCase) ? "local" : "remote";
            var traffic = new RouteTraffic();
            foreach (var s in stats)
            {
                if (s.Route == endpoint.RoutePattern.RawText && (methods.Count == 0 || methods.Contains(s.Method, StringComparer.OrdinalIgnoreCase)))
                {
                    s.AddTo(traffic, now, RateSeconds);
                    claimed.Add(s);
                }
            }

            views.Add(View(methods.Count == 0 ? "*" : string.Join(',', methods), path, service, placement, traffic));
        }

        // Traffic that matched no route the host lists now (a 404, or a route of an instance that has gone).
        foreach (var s in stats.Where(s => !claimed.Contains(s)))
        {
            var traffic = new RouteTraffic();
            s.AddTo(traffic, now, RateSeconds);
            views.Add(View(s.Method, s.Route, null, "none", traffic));
        }

        return [.. views.OrderBy(static v => v.Path, StringComparer.Ordinal).ThenBy(static v => v.Method, StringComparer.Ordinal)];
    }

    private static RouteView View(string method, string path, string? service, string placement, RouteTraffic traffic)
        => new(
            method,
            path,
            service,
            placement,
            Math.Round(traffic.RecentRequests / (double)RateSeconds, 2),
            traffic.Total,
            traffic.TotalErrors,
            traffic.MinuteRequests,
            traffic.MinuteErrors,
            LatencyHistogram.Percentile(traffic.Latency, traffic.MinuteRequests, 0.50),
            LatencyHistogram.Percentile(traffic.Latency, traffic.MinuteRequests, 0.99));

    private static string Display(RoutePattern pattern)
        => pattern.RawText is { Length: > 0 } raw ? (raw.StartsWith('/') ? raw : "/" + raw) : "/";

    private static byte[] Load(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Micron.Dashboard.{name}")
            ?? throw new InvalidOperationException($"the dashboard's resource {name} is missing from Micron.dll");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
