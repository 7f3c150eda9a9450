using System.Text.RegularExpressions;
using Micron.Discovery;
using Micron.Services;
using Micron.Services.Internal;

namespace Micron.Gateway.Internal;

/// <summary>
/// The routes of every known service, local and remote: each method and template has one owner (a local service
/// first, then services by name); the others that claim it are reported as conflicts.
/// </summary>
internal sealed partial class RouteTable(ServiceRegistry registry, LocalServices locals) : IRouteConflictSource
{
    // The last announcement of every remote service ever seen: its routes stay, answering 503 while it has no instance.
    private readonly Dictionary<string, Announcement> _known = new(StringComparer.OrdinalIgnoreCase);
    private volatile Snapshot _current = new([], []);

    public IReadOnlyList<RouteConflict> Conflicts => _current.Conflicts;

    /// <summary>Gets the remote routes this host forwards, as of the last <see cref="Rebuild"/>.</summary>
    public IReadOnlyList<GatewayRoute> Remote => _current.Remote;

    /// <summary>Recomputes the table from the registry; returns the new snapshot. Callers serialize calls.</summary>
    public Snapshot Rebuild()
    {
        var live = registry.All;
        var instances = new List<(string Service, Announcement Announcement)>(live.Count + _known.Count);
        foreach (var instance in live)
        {
            instances.Add((instance.Service, instance.Announcement));
            if (!instance.IsLocal)
            {
                _known[instance.Service] = instance.Announcement;
            }
        }

        foreach (var (service, announcement) in _known)
        {
            if (registry.InstancesOf(service).Count == 0)
            {
                instances.Add((service, announcement));
            }
        }

        // Local services claim first; then remote ones by name, so the same registry always gives the same table.
        instances.Sort((a, b) =>
        {
            var local = IsLocalService(b.Service).CompareTo(IsLocalService(a.Service));
            return local != 0 ? local : string.Compare(a.Service, b.Service, StringComparison.OrdinalIgnoreCase);
        });
        var owners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var conflicts = new Dictionary<string, (string Method, string Path, List<string> Services)>(StringComparer.OrdinalIgnoreCase);
        var remote = new List<GatewayRoute>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var instance in instances)
        {
            var isLocal = IsLocalService(instance.Service);
            var announcement = instance.Announcement;
            foreach (var route in announcement.Routes)
            {
                Claim(new GatewayRoute(GatewayRouteKind.Http, route.Method.ToUpperInvariant(), route.Path, instance.Service, route.Middleware), isLocal);
            }

            foreach (var path in announcement.Upgrade)
            {
                Claim(new GatewayRoute(GatewayRouteKind.Upgrade, "*", path, instance.Service, []), isLocal);
            }

            foreach (var prefix in announcement.Assets)
            {
                Claim(new GatewayRoute(GatewayRouteKind.Assets, "GET", prefix, instance.Service, []), isLocal);
            }
        }

        var snapshot = new Snapshot(remote, [.. conflicts.Values.Select(static c => new RouteConflict(c.Method, c.Path, c.Services))]);
        _current = snapshot;
        return snapshot;

        void Claim(GatewayRoute route, bool isLocal)
        {
            var key = route.Kind + " " + route.Method + " " + Shape(route.Path);
            if (owners.TryGetValue(key, out var owner))
            {
                if (!string.Equals(owner, route.Service, StringComparison.OrdinalIgnoreCase))
                {
                    if (!conflicts.TryGetValue(key, out var conflict))
                    {
                        conflicts[key] = conflict = (route.Method, route.Path, [owner]);
                    }

                    if (!conflict.Services.Contains(route.Service, StringComparer.OrdinalIgnoreCase))
                    {
                        conflict.Services.Add(route.Service);
                    }
                }

                return;
            }

            owners[key] = route.Service;
            if (!isLocal && seen.Add(key))
            {
                remote.Add(route);
            }
        }
    }

    private bool IsLocalService(string service) => locals.Find(service) is not null;

    // /whois/{id} and /whois/{userId:int} are the same route for matching purposes.
    private static string Shape(string template) => Parameter().Replace(template.TrimEnd('/'), "{}");

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Parameter();

    /// <summary>The table at one moment.</summary>
    /// <param name="Remote">The routes forwarded to remote instances.</param>
    /// <param name="Conflicts">Routes claimed by more than one service.</param>
    internal sealed record Snapshot(IReadOnlyList<GatewayRoute> Remote, IReadOnlyList<RouteConflict> Conflicts);
}
