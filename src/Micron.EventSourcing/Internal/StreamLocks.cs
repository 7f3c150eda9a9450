namespace Micron.EventSourcing.Internal;

/// <summary>
/// One async lock per stream, held by a command from validation to its answer: commands of this process on one
/// stream take turns instead of conflicting, so only other processes' appends cause retries.
/// </summary>
internal sealed class StreamLocks
{
    private readonly Dictionary<string, Entry> _locks = new(StringComparer.Ordinal);

    public async Task<Releaser> AcquireAsync(string stream, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_locks)
        {
            if (!_locks.TryGetValue(stream, out entry!))
            {
                _locks[stream] = entry = new Entry();
            }

            entry.Users++;
        }

        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(stream, entry);
            throw;
        }

        return new Releaser(this, stream, entry);
    }

    private void Leave(string stream, Entry entry)
    {
        lock (_locks)
        {
            if (--entry.Users == 0)
            {
                _locks.Remove(stream);
            }
        }
    }

    internal readonly struct Releaser(StreamLocks owner, string stream, Entry entry) : IDisposable
    {
        public void Dispose()
        {
            entry.Semaphore.Release();
            owner.Leave(stream, entry);
        }
    }

    internal sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }
}
