using System.Collections.Concurrent;

namespace Micron.Gateway.Internal;

/// <summary>Reuses the cancellation sources of forwarded requests: one per request would be two allocations and a timer.</summary>
internal sealed class DeadlinePool
{
    private const int MaxPooled = 1024;
    private readonly ConcurrentQueue<CancellationTokenSource> _free = new();
    private int _count;

    public CancellationTokenSource Rent()
    {
        if (_free.TryDequeue(out var source))
        {
            Interlocked.Decrement(ref _count);
            return source;
        }

        return new CancellationTokenSource();
    }

    public void Return(CancellationTokenSource source)
    {
        // A cancelled source cannot be reset; a pool that is full lets it go.
        if (source.TryReset())
        {
            if (Interlocked.Increment(ref _count) <= MaxPooled)
            {
                _free.Enqueue(source);
                return;
            }

            Interlocked.Decrement(ref _count);
        }

        source.Dispose();
    }
}
