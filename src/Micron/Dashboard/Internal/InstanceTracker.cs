using Micron.Discovery;
using Micron.Hosting;
using Micron.Rpc.Internal;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Micron.Dashboard.Internal;

/// <summary>
/// Remembers the instances the registry has dropped (left, evicted after silence, or unreachable) so the dashboard
/// can show them as <c>down</c> for a while instead of letting them vanish. It looks whenever the registry's set of
/// instances changes (its change token), so it sees every departure, watched or not, and when the dashboard reads it.
/// </summary>
internal sealed class InstanceTracker : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Known> _known = new(StringComparer.Ordinal);
    private readonly ServiceRegistry _registry;
    private readonly InstanceHealth _health;
    private readonly TimeProvider _time;
    private readonly IOptions<MicronOptions> _options;
    private readonly IDisposable? _subscription;

    public InstanceTracker(ServiceRegistry registry, InstanceHealth health, TimeProvider time, IOptions<MicronOptions> options)
    {
        (_registry, _health, _time, _options) = (registry, health, time, options);
        if (options.Value.Dashboard.Enabled)
        {
            _subscription = ChangeToken.OnChange(registry.GetChangeToken, Observe);
        }
    }

    /// <summary>Records what the registry holds now: new instances, and the time each one that went away was missed.</summary>
    public void Observe()
    {
        lock (_lock)
        {
            ObserveLocked(_time.GetUtcNow());
        }
    }

    /// <summary>Every instance up, and every one gone within <see cref="DashboardOptions.KeepDown"/>, in display order.</summary>
    public IReadOnlyList<InstanceView> Snapshot()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            ObserveLocked(now);
            return [.. _known.Values
                .OrderBy(static k => k.Instance.Service, StringComparer.OrdinalIgnoreCase)
                .ThenBy(static k => k.Instance.Announcement.Url, StringComparer.Ordinal)
                .ThenBy(static k => k.Instance.Id, StringComparer.Ordinal)
                .Select(k => View(k, now))];
        }
    }

    public void Dispose() => _subscription?.Dispose();

    private void ObserveLocked(DateTimeOffset now)
    {
        var keepDown = _options.Value.Dashboard.KeepDown;
        var live = _registry.All;
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
    }

    private InstanceView View(Known known, DateTimeOffset now)
    {
        var instance = known.Instance;
        var entry = instance.IsLocal || known.DownSince is not null ? null : _health.For(instance);
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
