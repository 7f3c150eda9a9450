using Micron.Discovery;
using Micron.Hosting;
using Micron.Rpc.Internal;
using Microsoft.Extensions.Options;

namespace Micron.Dashboard.Internal;

/// <summary>
/// Remembers the instances the registry has dropped (left, evicted after silence, or unreachable) so the dashboard
/// can show them as <c>down</c> for a while instead of letting them vanish. Updated every second by
/// <see cref="DashboardService"/> and whenever the dashboard reads it.
/// </summary>
internal sealed class InstanceTracker(ServiceRegistry registry, InstanceHealth health, TimeProvider time, IOptions<MicronOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Known> _known = new(StringComparer.Ordinal);

    public IReadOnlyList<InstanceView> Update()
    {
        var now = time.GetUtcNow();
        var keepDown = options.Value.Dashboard.KeepDown;
        var live = registry.All;
        lock (_lock)
        {
            var liveIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var instance in live)
            {
                _known[instance.Id] = new Known(instance, null);
                liveIds.Add(instance.Id);
            }

            List<string>? forget = null;
            foreach (var (id, known) in _known)
            {
                if (known.DownSince is { } since)
                {
                    if (now - since > keepDown)
                    {
                        (forget ??= []).Add(id);
                    }
                }
                else if (!liveIds.Contains(id))
                {
                    _known[id] = known with { DownSince = now };
                }
            }

            foreach (var id in forget ?? [])
            {
                _known.Remove(id);
            }

            return [.. _known.Values
                .OrderBy(static k => k.Instance.Service, StringComparer.OrdinalIgnoreCase)
                .ThenBy(static k => k.Instance.Announcement.Url, StringComparer.Ordinal)
                .ThenBy(static k => k.Instance.Id, StringComparer.Ordinal)
                .Select(k => View(k, now))];
        }
    }

    private InstanceView View(Known known, DateTimeOffset now)
    {
        var instance = known.Instance;
        var entry = instance.IsLocal || known.DownSince is not null ? null : health.For(instance);
        var status = known.DownSince is not null ? "down" : entry is { IsBroken: true } ? "circuit-open" : "up";
        return new InstanceView(
            instance.Service,
            instance.Id,
            instance.Announcement.Url,
            instance.Announcement.Version,
            instance.IsLocal,
            status,
            instance.IsLocal ? 0 : (long)(now - instance.LastSeen).TotalMilliseconds,
            entry?.InFlight ?? 0,
            instance.Announcement.StartedAt,
            known.DownSince);
    }

    private sealed record Known(ServiceInstance Instance, DateTimeOffset? DownSince);
}
