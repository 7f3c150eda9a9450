using System.Threading.Tasks.Sources;

namespace Micron.Gateway.Internal.Epoll;

/// <summary>
/// An edge of readiness (readable or writable) that the loop signals and one waiter awaits: a signal with no waiter is
/// kept for the next wait; the waiter runs inline on the signalling thread.
/// </summary>
internal sealed class Readiness : IValueTaskSource
{
    private const int Idle = 0;
    private const int Signalled = 1;
    private const int Waiting = 2;
    private ManualResetValueTaskSourceCore<bool> _core;
    private int _state;
    private Exception? _failure;
    private volatile bool _forever;

    public void Signal()
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if (state == Waiting)
            {
                if (Interlocked.CompareExchange(ref _state, Idle, Waiting) == Waiting)
                {
                    _core.SetResult(true);
                }

                return;
            }

            if (state == Signalled || Interlocked.CompareExchange(ref _state, Signalled, Idle) == Idle)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Signals now and from now on: the peer hung up (or the socket failed), and no further edge will come, while a
    /// read (or write) still has something to say: the rest of the data, then the end.
    /// </summary>
    public void SignalForever()
    {
        _forever = true;
        Signal();
    }

    /// <summary>Fails the waiter, now and from now on.</summary>
    public void Fail(Exception failure)
    {
        _failure = failure;
        if (Interlocked.Exchange(ref _state, Signalled) == Waiting)
        {
            _core.SetException(failure);
        }
    }

    public ValueTask WaitAsync()
    {
        if (_failure is { } failure)
        {
            return ValueTask.FromException(failure);
        }

        if (Interlocked.CompareExchange(ref _state, Idle, Signalled) == Signalled || _forever)
        {
            return ValueTask.CompletedTask;
        }

        _core.Reset();
        if (Interlocked.CompareExchange(ref _state, Waiting, Idle) != Idle)
        {
            // Signalled (or failed) in between.
            Volatile.Write(ref _state, Idle);
            return _failure is { } late ? ValueTask.FromException(late) : ValueTask.CompletedTask;
        }

        return new ValueTask(this, _core.Version);
    }

    public void GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
