using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Micron.EventSourcing.Internal;

/// <summary>
/// Keeps a service's model: rebuilt at start from its snapshot plus the events after it, then moved forward in global
/// order by one applier at a time; snapshots every N of its events.
/// </summary>
internal sealed partial class ModelHost<TModel>(
    string name, IEventStore store, EventStoreOptions options, IReadOnlyDictionary<string, Reducer<TModel>> reducers, ILogger logger)
    where TModel : class
{
    private const int ReadBatch = 4096;
    private const int FailuresKept = 1000;
    private readonly SemaphoreSlim _apply = new(1, 1);
    private readonly object _marksLock = new();
    private readonly List<ReducerFailure> _failures = [];
    private Dictionary<string, StreamMark> _marks = new(StringComparer.Ordinal);
    private ModelState<TModel> _state = null!;
    private long _sinceSnapshot;

    public ModelState<TModel> State => Volatile.Read(ref _state);

    public StreamLocks Locks { get; } = new();

    public string SnapshotName { get; } = $"{name}:{typeof(TModel).FullName}";

    public IReadOnlyList<ReducerFailure> Failures
    {
        get
        {
            lock (_failures)
            {
                return [.. _failures];
            }
        }
    }

    /// <summary>Loads the snapshot (when it reads back) and applies every event after it.</summary>
    /// <returns>The snapshot's position (0 without one) and how many events were read after it.</returns>
    public async Task<(long SnapshotPosition, long Replayed)> RebuildAsync(TModel initial, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _state, new ModelState<TModel>(initial, 0));
        var snapshot = options.SnapshotEvery > 0 ? await store.LoadSnapshotAsync(SnapshotName, cancellationToken).ConfigureAwait(false) : null;
        if (snapshot is not null)
        {
            try
            {
                var document = JsonSerializer.Deserialize<SnapshotDocument<TModel>>(snapshot.Data.Span, EventSourcingContext.Json);
                if (document?.Model is not null)
                {
                    _marks = new Dictionary<string, StreamMark>(document.Streams ?? [], StringComparer.Ordinal);
                    Volatile.Write(ref _state, new ModelState<TModel>(document.Model, snapshot.Position));
                }
            }
            catch (JsonException ex)
            {
                // A model whose shape changed: its old snapshot no longer reads, so the events rebuild it.
                LogSnapshotUnreadable(logger, name, ex);
            }
        }

        var from = State.Position;
        await CatchUpAsync(long.MaxValue, cancellationToken).ConfigureAwait(false);
        return (from, State.Position - from);
    }

    /// <summary>Appends a command's events with the version the model had for the stream, then applies them.</summary>
    public async Task<AppendResult> AppendAsync(string stream, long modelPosition, IReadOnlyList<object> events, CancellationToken cancellationToken)
    {
        long expected;
        lock (_marksLock)
        {
            if (!_marks.TryGetValue(stream, out var mark))
            {
                expected = ExpectedVersion.NoStream;
            }
            else if (mark.Position > modelPosition)
            {
                throw new ConcurrencyException($"Stream '{stream}' changed while the command was validated");
            }
            else
            {
                expected = mark.Version;
            }
        }

        var data = new EventData[events.Count];
        for (var i = 0; i < data.Length; i++)
        {
            var type = events[i].GetType();
            data[i] = new EventData(Guid.NewGuid(), EventTypes.NameOf(type), JsonSerializer.SerializeToUtf8Bytes(events[i], type, EventSourcingContext.Json));
        }

        var append = await store.AppendAsync(stream, expected, data, cancellationToken).ConfigureAwait(false);
        await CatchUpAsync(append.LastPosition, cancellationToken).ConfigureAwait(false);
        lock (_failures)
        {
            foreach (var failure in _failures)
            {
                if (failure.Position >= append.FirstPosition && failure.Position <= append.LastPosition)
                {
                    throw new ReducerFailedException(
                        $"The reducer of {failure.EventType} failed on the event at position {failure.Position}: {failure.Message}. The event is stored; the model skipped it.");
                }
            }
        }

        return append;
    }

    /// <summary>Applies stored events until the model reaches <paramref name="target"/> (or the head, for <see cref="long.MaxValue"/>).</summary>
    public async Task CatchUpAsync(long target, CancellationToken cancellationToken)
    {
        if (State.Position >= target)
        {
            return;
        }

        await _apply.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = State;
            var model = state.Model;
            var position = state.Position;
            // The next page is read while this one is applied (a rebuild reads and reduces on two cores).
            var next = position < target ? store.ReadAllAsync(position, ReadBatch, cancellationToken) : null;
            while (next is not null)
            {
                var events = await next.ConfigureAwait(false);
                next = events.Count == ReadBatch && events[^1].Position < target ? ReadPageAsync(events[^1].Position, cancellationToken) : null;
                foreach (var e in events)
                {
                    model = Apply(model, e);
                    position = e.Position;
                }

                Volatile.Write(ref _state, new ModelState<TModel>(model, position));
            }

            if (options.SnapshotEvery > 0 && _sinceSnapshot >= options.SnapshotEvery)
            {
                await SaveSnapshotAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _apply.Release();
        }
    }

    private Task<IReadOnlyList<RecordedEvent>> ReadPageAsync(long after, CancellationToken cancellationToken)
        => Task.Run(() => store.ReadAllAsync(after, ReadBatch, cancellationToken), cancellationToken);

    private TModel Apply(TModel model, RecordedEvent e)
    {
        if (!reducers.TryGetValue(e.EventType, out var reducer))
        {
            return model;
        }

        lock (_marksLock)
        {
            _marks[e.StreamId] = new StreamMark(e.StreamVersion, e.Position);
        }

        _sinceSnapshot++;
        try
        {
            var data = JsonSerializer.Deserialize(e.Data.Span, reducer.EventType, EventSourcingContext.Json)
                ?? throw new JsonException("the event's data is null");
            return reducer.Apply(model, data, new EventContext(e.Position, e.StreamId, e.StreamVersion, e.EventId, e.Timestamp)) ?? model;
        }
        catch (Exception ex)
        {
            // The reducer returns a new model, so the one before the event is intact: keep it, make the failure visible.
            LogReducerFailed(logger, name, e.EventType, e.Position, ex);
            lock (_failures)
            {
                if (_failures.Count == FailuresKept)
                {
                    _failures.RemoveAt(0);
                }

                _failures.Add(new ReducerFailure(e.Position, e.EventType, ex.Message));
            }

            return model;
        }
    }

    private async Task SaveSnapshotAsync(CancellationToken cancellationToken)
    {
        var state = State;
        Dictionary<string, StreamMark> marks;
        lock (_marksLock)
        {
            marks = new Dictionary<string, StreamMark>(_marks, StringComparer.Ordinal);
        }

        try
        {
            var data = JsonSerializer.SerializeToUtf8Bytes(new SnapshotDocument<TModel>(state.Model, marks), EventSourcingContext.Json);
            await store.SaveSnapshotAsync(new StoredSnapshot(SnapshotName, state.Position, data), cancellationToken).ConfigureAwait(false);
            _sinceSnapshot = 0;
        }
        catch (Exception ex) when (ex is StoreUnavailableException or NotSupportedException or JsonException)
        {
            // A snapshot only shortens the next start; the events are the truth.
            LogSnapshotFailed(logger, name, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Service {Service}: the reducer of {EventType} failed on the event at position {Position}; the model skipped it")]
    private static partial void LogReducerFailed(ILogger logger, string service, string eventType, long position, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {Service}: its snapshot no longer reads; rebuilding the model from the events")]
    private static partial void LogSnapshotUnreadable(ILogger logger, string service, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {Service}: saving a snapshot failed")]
    private static partial void LogSnapshotFailed(ILogger logger, string service, Exception exception);
}
