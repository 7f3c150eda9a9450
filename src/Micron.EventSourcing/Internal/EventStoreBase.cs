using System.Threading.Channels;

namespace Micron.EventSourcing.Internal;

/// <summary>
/// What every store shares: argument checks, start-up once, the group-commit queue (concurrent appends decided and
/// written in one transaction, each reported only after that transaction committed) and the wake-up of waiting readers.
/// </summary>
internal abstract class EventStoreBase : IEventStore
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private readonly Channel<PendingAppend> _queue;
    private readonly int _maxBatchSize;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private readonly object _writerLock = new();
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _writer;
    private volatile bool _initialized;

    protected EventStoreBase(int maxBatchSize, TimeProvider time)
    {
        _maxBatchSize = Math.Max(1, maxBatchSize);
        Time = time;
        // Bounded: a store slower than its writers pushes back on them rather than growing without limit.
        _queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(Math.Max(1024, _maxBatchSize * 8))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    protected TimeProvider Time { get; }

    public async Task<AppendResult> AppendAsync(string streamId, long expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfLessThan(expectedVersion, ExpectedVersion.Any);
        if (events.Count == 0)
        {
            throw new ArgumentException("an append needs at least one event", nameof(events));
        }

        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var pending = new PendingAppend(streamId, expectedVersion, events);
        StartWriter();
        await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        return await pending.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(
        string streamId, long fromVersion, int maxCount, ReadDirection direction = ReadDirection.Forward, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        return GuardAsync(ct => ReadStreamCoreAsync(streamId, fromVersion, maxCount, direction, ct), cancellationToken);
    }

    public Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterPosition, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        return GuardAsync(ct => ReadAllCoreAsync(afterPosition, maxCount, ct), cancellationToken);
    }

    public Task<long> ReadHeadPositionAsync(CancellationToken cancellationToken = default)
        => GuardAsync(ReadHeadCoreAsync, cancellationToken);

    public async Task<long> WaitForEventsAsync(long afterPosition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = Time.GetTimestamp() + (long)(timeout.TotalSeconds * Time.TimestampFrequency);
        while (true)
        {
            var signal = Volatile.Read(ref _appended).Task;
            var head = await ReadHeadPositionAsync(cancellationToken).ConfigureAwait(false);
            var left = TimeSpan.FromSeconds((double)(deadline - Time.GetTimestamp()) / Time.TimestampFrequency);
            if (head > afterPosition || left <= TimeSpan.Zero)
            {
                return head;
            }

            // Woken at once by appends of this process; other processes' appends are seen by polling.
            var wait = left < PollInterval ? left : PollInterval;
            try
            {
                await signal.WaitAsync(wait, Time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    public Task SaveSnapshotAsync(StoredSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return GuardAsync(async ct => { await SaveSnapshotCoreAsync(snapshot, ct).ConfigureAwait(false); return true; }, cancellationToken);
    }

    public Task<StoredSnapshot?> LoadSnapshotAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return GuardAsync(ct => LoadSnapshotCoreAsync(name, ct), cancellationToken);
    }

    public Task SaveCheckpointAsync(string subscriber, long position, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subscriber);
        return GuardAsync(async ct => { await SaveCheckpointCoreAsync(subscriber, position, ct).ConfigureAwait(false); return true; }, cancellationToken);
    }

    public Task<long> LoadCheckpointAsync(string subscriber, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subscriber);
        return GuardAsync(ct => LoadCheckpointCoreAsync(subscriber, ct), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        Task? writer;
        lock (_writerLock)
        {
            writer = _writer;
        }

        if (writer is not null)
        {
            await writer.ConfigureAwait(false);
        }

        await DisposeCoreAsync().ConfigureAwait(false);
        _initLock.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Creates or migrates the schema, once, before the first operation.</summary>
    public async Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_initialized)
            {
                await Wrap(InitializeAsync, cancellationToken).ConfigureAwait(false);
                _initialized = true;
            }
        }
        finally
        {
            _initLock.Release();
        }
    }

    protected abstract Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Creates the writer of one batch.</summary>
    /// <param name="retry">
    /// Whether an optimistic writer of this batch gave up (<see cref="RetryBatchException"/>): the batch is decided again,
    /// under the store's write lock.
    /// </param>
    protected abstract IBatchWriter CreateBatchWriter(bool retry);

    protected abstract Task<IReadOnlyList<RecordedEvent>> ReadStreamCoreAsync(string streamId, long fromVersion, int maxCount, ReadDirection direction, CancellationToken cancellationToken);

    protected abstract Task<IReadOnlyList<RecordedEvent>> ReadAllCoreAsync(long afterPosition, int maxCount, CancellationToken cancellationToken);

    protected abstract Task<long> ReadHeadCoreAsync(CancellationToken cancellationToken);

    protected abstract Task SaveSnapshotCoreAsync(StoredSnapshot snapshot, CancellationToken cancellationToken);

    protected abstract Task<StoredSnapshot?> LoadSnapshotCoreAsync(string name, CancellationToken cancellationToken);

    protected abstract Task SaveCheckpointCoreAsync(string subscriber, long position, CancellationToken cancellationToken);

    protected abstract Task<long> LoadCheckpointCoreAsync(string subscriber, CancellationToken cancellationToken);

    protected virtual ValueTask DisposeCoreAsync() => ValueTask.CompletedTask;

    /// <summary>Whether a failure means the database is unreachable, locked or failing (everything not a bug of ours).</summary>
    protected virtual bool IsUnavailable(Exception exception) => exception is IOException or TimeoutException or System.Data.Common.DbException;

    private async Task<T> GuardAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await Wrap(operation, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> Wrap<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await operation(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && IsUnavailable(ex))
        {
            throw new StoreUnavailableException("The event store is unavailable: " + ex.Message, ex);
        }
    }

    private Task Wrap(Func<CancellationToken, Task> operation, CancellationToken cancellationToken)
        => Wrap(async ct => { await operation(ct).ConfigureAwait(false); return true; }, cancellationToken);

    private void StartWriter()
    {
        if (_writer is not null)
        {
            return;
        }

        lock (_writerLock)
        {
            _writer ??= Task.Run(WriteLoopAsync);
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingAppend>(_maxBatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // The writers just acknowledged are queued to run: let them append again before the next batch is taken,
            // so it carries them too (fewer, larger commits under load; one scheduling hop when idle).
            await Task.Yield();
            batch.Clear();
            while (batch.Count < _maxBatchSize && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                await Wrap(ct => WriteBatchAsync(batch, ct), CancellationToken.None).ConfigureAwait(false);
                foreach (var pending in batch)
                {
                    pending.Report();
                }
            }
            catch (Exception ex)
            {
                // Nothing of the batch was committed (or, after a failed commit, it may have been: a retry with the
                // same event ids tells which without storing anything twice).
                var error = ex as EventSourcingException ?? new StoreUnavailableException("The event store failed to write: " + ex.Message, ex);
                foreach (var pending in batch)
                {
                    pending.Fail(error);
                }
            }

            Interlocked.Exchange(ref _appended, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    private async Task WriteBatchAsync(List<PendingAppend> batch, CancellationToken cancellationToken)
    {
        var streams = new HashSet<string>(StringComparer.Ordinal);
        var ids = new HashSet<Guid>();
        foreach (var pending in batch)
        {
            streams.Add(pending.StreamId);
            foreach (var e in pending.Events)
            {
                ids.Add(e.EventId);
            }
        }

        for (var retry = false; ; retry = true)
        {
            await using var writer = CreateBatchWriter(retry);
            var state = await writer.BeginAsync(streams, ids, cancellationToken).ConfigureAwait(false);
            var rows = BatchDecision.Decide(batch, state);
            try
            {
                if (!writer.ReadsEventIds && batch.Exists(static p => p.Error is ConcurrencyException))
                {
                    throw new RetryBatchException("a conflict may be a retry of an append already stored");
                }

                if (rows.Count > 0)
                {
                    await writer.CommitAsync(rows, Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                }

                return;
            }
            catch (RetryBatchException) when (!retry)
            {
                foreach (var pending in batch)
                {
                    pending.Error = null;
                }
            }
        }
    }
}
