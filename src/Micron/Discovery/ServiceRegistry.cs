using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Micron.Services.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Micron.Discovery;

/// <summary>
/// Every instance this host knows of, fed by discovery and pruned by silence: an instance not heard from for its
/// <c>ttl</c> (three heartbeats) is evicted, and one that announces <c>leave</c> is removed at once.
/// </summary>
public sealed partial class ServiceRegistry
{
    // Writes (announcements, evictions) are rare and take the lock; every call reads a per-service snapshot
    // without locking, so picking an instance costs an array read and an increment.
    private readonly Lock _write = new();
    private readonly Dictionary<string, ServiceInstance> _instances = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ServiceInstance[]> _byService = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, StrongBox<int>> _turns = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, DateTimeOffset> _unreachable = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger<ServiceRegistry> _logger;
    private ServiceInstance[] _all = [];
    private CancellationTokenSource _changed = new();

    /// <summary>Creates an empty registry.</summary>
    /// <param name="time">The clock that ages instances.</param>
    /// <param name="logger">Where joins, leaves and rejections are logged.</param>
    public ServiceRegistry(TimeProvider time, ILogger<ServiceRegistry> logger)
    {
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Gets a token that fires once after an instance joins, leaves or is evicted. Listeners run on the thread pool,
    /// never under the registry's lock; take a new token after it fired.
    /// </summary>
    /// <returns>The change token.</returns>
    public IChangeToken GetChangeToken() => new CancellationChangeToken(Volatile.Read(ref _changed).Token);

    /// <summary>Gets every known instance.</summary>
    public IReadOnlyCollection<ServiceInstance> All => Volatile.Read(ref _all);

    /// <summary>Gets the live instances of a service.</summary>
    /// <param name="service">The service's name.</param>
    /// <returns>The instances, possibly none.</returns>
    public IReadOnlyList<ServiceInstance> InstancesOf(string service) => _byService.GetValueOrDefault(service) ?? [];

    /// <summary>Picks the next instance of a service in round-robin order, skipping <paramref name="exclude"/>.</summary>
    /// <param name="service">The service's name.</param>
    /// <param name="exclude">Instances already tried.</param>
    /// <returns>An instance, or <see langword="null"/> when none is left.</returns>
    public ServiceInstance? Pick(string service, IReadOnlyCollection<ServiceInstance>? exclude = null)
    {
        IReadOnlyList<ServiceInstance> candidates = InstancesOf(service);
        if (exclude is { Count: > 0 })
        {
            candidates = [.. candidates.Where(c => !exclude.Any(e => e.Id == c.Id))];
        }

        if (candidates.Count == 0)
        {
            return null;
        }

        return candidates[(int)(NextTurn(service) % (uint)candidates.Count)];
    }

    /// <summary>The next turn of a service's round robin: 0, 1, 2, ... (wrapping), shared by every way of picking.</summary>
    internal uint NextTurn(string service)
        => (uint)Interlocked.Increment(ref _turns.GetOrAdd(service, static _ => new StrongBox<int>(-1)).Value);

    /// <summary>Takes in an announcement; <see langword="null"/> when accepted, else why it was rejected.</summary>
    /// <param name="announcement">The announcement.</param>
    /// <param name="isLocal">Whether it describes an instance of this host.</param>
    /// <returns>The reason for a rejection, or <see langword="null"/>.</returns>
    public string? Apply(Announcement announcement, bool isLocal = false)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        if (Validate(announcement, out var uri) is { } invalid)
        {
            LogRejected(_logger, announcement.Instance, invalid);
            return invalid;
        }

        lock (_write)
        {
            _instances.TryGetValue(announcement.Instance, out var existing);
            if (announcement.Leave)
            {
                if (existing is not null && SameOwner(existing, announcement) && existing.IsLocal == isLocal)
                {
                    Remove(existing);
                    LogLeft(_logger, announcement.Service, announcement.Instance);
                }

                return null;
            }

            var now = _time.GetUtcNow();

            // A dead instance's last announcements still circulate (a file not yet expired, a peer's list) for up to
            // its ttl; they must not bring it back. An instance that was alive after all announces again after that.
            if (_unreachable.TryGetValue(announcement.Instance, out var until))
            {
                if (now < until)
                {
                    return $"instance {announcement.Instance} refused a connection; ignored until {until:O}";
                }

                _unreachable.Remove(announcement.Instance);
            }

            // An id is owned by the service and address that first claimed it, until that instance goes silent;
            // this host's own instances are never silent, and never taken over from outside.
            if (existing is not null && ((existing.IsLocal && !isLocal) || (!SameOwner(existing, announcement) && !Expired(existing, now))))
            {
                var reason = $"instance id {announcement.Instance} belongs to {existing.Service} at {existing.Announcement.Url}";
                LogRejected(_logger, announcement.Instance, reason);
                return reason;
            }

            if (existing is not null && !string.Equals(existing.Service, announcement.Service, StringComparison.OrdinalIgnoreCase))
            {
                Remove(existing);
            }

            _instances[announcement.Instance] = new ServiceInstance(announcement, uri!, now, isLocal);
            Publish(announcement.Service, changed: existing is null || existing.Announcement.Url != announcement.Url);
            if (existing is null)
            {
                LogJoined(_logger, announcement.Service, announcement.Instance, announcement.Url);
            }

            return null;
        }
    }

    /// <summary>
    /// Forgets a remote instance that refused a connection: calls stop going to it at once, and its next
    /// announcement, if it is alive after all, brings it back.
    /// </summary>
    /// <param name="instance">The instance that could not be reached.</param>
    public void ReportUnreachable(ServiceInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        lock (_write)
        {
            if (!instance.IsLocal && _instances.TryGetValue(instance.Id, out var current) && current.Announcement.Url == instance.Announcement.Url)
            {
                Remove(current);
                _unreachable[current.Id] = _time.GetUtcNow() + TimeSpan.FromMilliseconds(current.Announcement.Ttl);
                LogUnreachable(_logger, instance.Service, instance.Id, current.Announcement.Ttl);
            }
        }
    }

    /// <summary>Removes every remote instance that has been silent longer than its ttl.</summary>
    /// <param name="pause">
    /// How long this host was itself paused just before (it heard nothing then): not counted as anyone's silence.
    /// </param>
    /// <returns>How many instances were evicted.</returns>
    public int EvictSilent(TimeSpan pause = default)
    {
        var now = _time.GetUtcNow();
        var judged = now - (pause > TimeSpan.Zero ? pause : TimeSpan.Zero);
        var evicted = 0;
        lock (_write)
        {
            foreach (var instance in _instances.Values.Where(i => !i.IsLocal && Expired(i, judged)).ToList())
            {
                Remove(instance);
                evicted++;
                LogEvicted(_logger, instance.Service, instance.Id, (now - instance.LastSeen).TotalSeconds);
            }

            foreach (var (id, until) in _unreachable.Where(u => u.Value <= now).ToList())
            {
                _unreachable.Remove(id);
            }
        }

        return evicted;
    }

    private void Remove(ServiceInstance instance)
    {
        _instances.Remove(instance.Id);
        Publish(instance.Service, changed: true);
    }

    // Called under the write lock: replaces the snapshots readers see, and, when the set of instances changed, fires
    // the change token on the thread pool (a listener that takes the lock itself must not run under it).
    private void Publish(string service, bool changed)
    {
        var all = _instances.Values.ToArray();
        var mine = Array.FindAll(all, i => string.Equals(i.Service, service, StringComparison.OrdinalIgnoreCase));
        if (mine.Length == 0)
        {
            _byService.TryRemove(service, out _);
        }
        else
        {
            _byService[service] = mine;
        }

        Volatile.Write(ref _all, all);

        // After the snapshots: a listener must see the change it is told of.
        if (changed)
        {
            var fired = _changed;
            Volatile.Write(ref _changed, new CancellationTokenSource());
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Registry.Fire(state.Source), (Registry: this, Source: fired), preferLocal: false);
        }
    }

    private void Fire(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (AggregateException ex)
        {
            // Not disposed: a reader may still be taking its token; without timers there is nothing to release.
            LogListenerFailed(_logger, ex);
        }
    }

    private static bool SameOwner(ServiceInstance existing, Announcement announcement)
        => string.Equals(existing.Service, announcement.Service, StringComparison.OrdinalIgnoreCase)
            && string.Equals(existing.Announcement.Url, announcement.Url, StringComparison.Ordinal);

    private static bool Expired(ServiceInstance instance, DateTimeOffset now)
        => now - instance.LastSeen > TimeSpan.FromMilliseconds(instance.Announcement.Ttl);

    private static string? Validate(Announcement announcement, out Uri? uri)
    {
        uri = null;
        if (announcement.Spec != Announcement.CurrentSpec)
        {
            return $"unsupported spec '{announcement.Spec}'";
        }

        if (string.IsNullOrEmpty(announcement.Service) || !ServiceIdentity.IsValidName(announcement.Service))
        {
            return $"invalid service name '{announcement.Service}'";
        }

        if (string.IsNullOrEmpty(announcement.Instance) || announcement.Instance.Length > 64)
        {
            return "the instance id must have 1 to 64 characters";
        }

        if (!Uri.TryCreate(announcement.Url, UriKind.Absolute, out uri) || uri.Scheme is not ("http" or "https"))
        {
            return $"invalid url '{announcement.Url}'";
        }

        return announcement.Ttl is < 100 or > 600_000 ? $"ttl {announcement.Ttl} ms is outside 100..600000" : null;
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Instance {Instance} of {Service} joined at {Url}")]
    private static partial void LogJoined(ILogger logger, string service, string instance, string url);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "Instance {Instance} of {Service} left")]
    private static partial void LogLeft(ILogger logger, string service, string instance);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "Instance {Instance} of {Service} evicted after {Seconds:0.0} s of silence")]
    private static partial void LogEvicted(ILogger logger, string service, string instance, double seconds);

    [LoggerMessage(EventId = 44, Level = LogLevel.Warning, Message = "Instance {Instance} of {Service} refused a connection; no call goes to it, and its announcements are ignored for {Ttl} ms")]
    private static partial void LogUnreachable(ILogger logger, string service, string instance, int ttl);

    [LoggerMessage(EventId = 45, Level = LogLevel.Error, Message = "A listener of registry changes failed")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 43, Level = LogLevel.Warning, Message = "Announcement of {Instance} rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string? instance, string reason);
}
