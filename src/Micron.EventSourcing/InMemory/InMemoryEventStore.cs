using Micron.EventSourcing.Internal;

namespace Micron.EventSourcing.InMemory;

/// <summary>The store for tests and throwaway hosts: everything in this process's memory, lost when it stops.</summary>
internal sealed class InMemoryEventStore(EventStoreOptions options, TimeProvider time) : EventStoreBase(options.MaxBatchSize, time)
{
    private readonly object _lock = new();
    private readonly List<RecordedEvent> _all = [];
    private readonly Dictionary<string, List<RecordedEvent>> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, StoredEventRef> _ids = [];
    private readonly Dictionary<string, StoredSnapshot> _snapshots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _checkpoints = new(StringComparer.Ordinal);

    protected override Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override IBatchWriter CreateBatchWriter(bool retry) => new Writer(this);

    protected override Task<IReadOnlyList<RecordedEvent>> ReadStreamCoreAsync(
        string streamId, long fromVersion, int maxCount, ReadDirection direction, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_streams.TryGetValue(streamId, out var stream))
            {
                return Task.FromResult<IReadOnlyList<RecordedEvent>>([]);
            }

            IEnumerable<RecordedEvent> events = direction == ReadDirection.Forward
                ? stream.Skip((int)Math.Clamp(fromVersion, 0, stream.Count))
                : stream.Take((int)Math.Clamp(fromVersion < 0 ? stream.Count : fromVersion + 1, 0, stream.Count)).Reverse();
            return Task.FromResult<IReadOnlyList<RecordedEvent>>([.. events.Take(maxCount)]);
        }
    }

    protected override Task<IReadOnlyList<RecordedEvent>> ReadAllCoreAsync(long afterPosition, int maxCount, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // Positions are 1, 2, 3, ...: the event at position p is at index p - 1.
            var start = (int)Math.Min(afterPosition, _all.Count);
            return Task.FromResult<IReadOnlyList<RecordedEvent>>(_all.GetRange(start, Math.Min(maxCount, _all.Count - start)));
        }
    }

    protected override Task<long> ReadHeadCoreAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult((long)_all.Count);
        }
    }

    protected override Task SaveSnapshotCoreAsync(StoredSnapshot snapshot, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _snapshots[snapshot.Name] = snapshot with { Data = snapshot.Data.ToArray() };
        }

        return Task.CompletedTask;
    }

    protected override Task<StoredSnapshot?> LoadSnapshotCoreAsync(string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_snapshots.GetValueOrDefault(name));
        }
    }

    protected override Task SaveCheckpointCoreAsync(string subscriber, long position, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _checkpoints[subscriber] = position;
        }

        return Task.CompletedTask;
    }

    protected override Task<long> LoadCheckpointCoreAsync(string subscriber, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_checkpoints.GetValueOrDefault(subscriber));
        }
    }

    private sealed class Writer(InMemoryEventStore store) : IBatchWriter
    {
        public Task<BatchState> BeginAsync(IReadOnlyCollection<string> streams, IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken)
        {
            lock (store._lock)
            {
                var versions = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var id in streams)
                {
                    if (store._streams.TryGetValue(id, out var stream))
                    {
                        versions[id] = stream.Count - 1;
                    }
                }

                var existing = new Dictionary<Guid, StoredEventRef>();
                foreach (var id in eventIds)
                {
                    if (store._ids.TryGetValue(id, out var at))
                    {
                        existing[id] = at;
                    }
                }

                return Task.FromResult(new BatchState(store._all.Count, versions, existing));
            }
        }

        public Task CommitAsync(IReadOnlyList<NewEvent> rows, DateTimeOffset timestamp, CancellationToken cancellationToken)
        {
            lock (store._lock)
            {
                foreach (var row in rows)
                {
                    var recorded = new RecordedEvent(row.Position, row.StreamId, row.StreamVersion, row.Event.EventId, row.Event.EventType, row.Event.Data.ToArray(), timestamp);
                    store._all.Add(recorded);
                    if (!store._streams.TryGetValue(row.StreamId, out var stream))
                    {
                        store._streams[row.StreamId] = stream = [];
                    }

                    stream.Add(recorded);
                    store._ids[row.Event.EventId] = new StoredEventRef(row.StreamId, row.StreamVersion, row.Position);
                }
            }

            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
