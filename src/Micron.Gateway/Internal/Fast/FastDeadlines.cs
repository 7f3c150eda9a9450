using System.Diagnostics;
using System.IO.Pipelines;

namespace Micron.Gateway.Internal.Fast;

/// <summary>
/// The deadlines of the connections the fast path serves, checked on a heartbeat, as Kestrel checks its own, rather
/// than a timer armed and disarmed for every request: a connection only writes its next deadline, and the heartbeat
/// expires the ones past it.
/// </summary>
internal sealed class FastDeadlines : IDisposable
{
    private readonly Lock _lock = new();
    private readonly HashSet<FastDeadline> _watched = [];
    private readonly TimeSpan _period;
    private Timer? _timer;
    private bool _disposed;

    /// <param name="period">How often deadlines are checked: how late past its deadline a connection may expire.</param>
    public FastDeadlines(TimeSpan period) => _period = period;

    /// <summary>Watches a connection until <see cref="FastDeadline.Dispose"/>.</summary>
    public FastDeadline Watch(PipeReader input)
    {
        var deadline = new FastDeadline(this, input);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_timer is null)
            {
                using (ExecutionContext.SuppressFlow())
                {
                    _timer = new Timer(static state => ((FastDeadlines)state!).Tick(), this, _period, _period);
                }
            }

            _watched.Add(deadline);
        }

        return deadline;
    }

    internal void Forget(FastDeadline deadline)
    {
        lock (_lock)
        {
            _watched.Remove(deadline);
        }
    }

    private void Tick()
    {
        // Timer callbacks may overlap when one runs long: each keeps its own list.
        var now = Stopwatch.GetTimestamp();
        List<FastDeadline>? expired = null;
        lock (_lock)
        {
            foreach (var deadline in _watched)
            {
                if (deadline.TryExpire(now))
                {
                    (expired ??= []).Add(deadline);
                }
            }
        }

        if (expired is null)
        {
            return;
        }

        // Outside the lock: cancelling a read or a socket may run the connection's code on this thread.
        foreach (var deadline in expired)
        {
            deadline.Act();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer?.Dispose();
        }
    }
}

/// <summary>
/// One connection's phase and its deadline. Only the connection moves it from phase to phase; the heartbeat may expire
/// it once the deadline passed, and whichever of the two changes the state first wins.
/// </summary>
internal sealed class FastDeadline : IDisposable
{
    private const long ExpiredState = -1;
    private readonly FastDeadlines _owner;
    private readonly PipeReader _input;
    private long _state; // a sequence number times 8 plus the phase, or ExpiredState
    private long _deadline = long.MaxValue;
    private UpstreamConnection? _upstream;

    internal FastDeadline(FastDeadlines owner, PipeReader input) => (_owner, _input) = (owner, input);

    /// <summary>Gets the phase the connection was in when it expired.</summary>
    public FastPhase ExpiredIn { get; private set; }

    /// <summary>Gets whether the heartbeat expired the connection.</summary>
    public bool IsExpired => Volatile.Read(ref _state) == ExpiredState;

    /// <summary>
    /// Moves to <paramref name="phase"/>, due by <paramref name="deadline"/> (a <see cref="Stopwatch"/> timestamp);
    /// <see langword="false"/> when the connection expired first. In <see cref="FastPhase.Upstream"/>, expiring aborts
    /// <paramref name="upstream"/>.
    /// </summary>
    public bool Enter(FastPhase phase, long deadline, UpstreamConnection? upstream = null)
    {
        var current = Volatile.Read(ref _state);
        if (current == ExpiredState)
        {
            return false;
        }

        _upstream = upstream;
        Volatile.Write(ref _deadline, deadline);
        return Interlocked.CompareExchange(ref _state, (((current >> 3) + 1) << 3) | (long)phase, current) == current;
    }

    internal bool TryExpire(long now)
    {
        var current = Volatile.Read(ref _state);
        if (current == ExpiredState || now < Volatile.Read(ref _deadline) || Interlocked.CompareExchange(ref _state, ExpiredState, current) != current)
        {
            return false;
        }

        ExpiredIn = (FastPhase)(current & 7);
        return true;
    }

    // Wakes the connection where it waits: on the client's next bytes, or on the instance's answer.
    internal void Act()
    {
        if (ExpiredIn == FastPhase.Upstream)
        {
            _upstream?.Dispose();
        }
        else
        {
            _input.CancelPendingRead();
        }
    }

    public void Dispose() => _owner.Forget(this);
}

/// <summary>Where a connection of the fast path is, as its deadline sees it.</summary>
internal enum FastPhase
{
    /// <summary>Between requests: the keep-alive time.</summary>
    Idle,

    /// <summary>A request's head started and has not ended: the request headers timeout.</summary>
    Head,

    /// <summary>Waiting for the instance's answer head: the upstream timeout.</summary>
    Upstream,

    /// <summary>Relaying an answer: no deadline.</summary>
    Relaying,

    /// <summary>Handed over to Kestrel: the heartbeat leaves it alone.</summary>
    HandedOver,
}
