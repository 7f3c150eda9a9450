namespace Micron.EventSourcing;

/// <summary>
/// Where events live: streams with per-stream optimistic concurrency, one global order, idempotent appends by event
/// id, and beside the events the snapshots of models and the checkpoints of subscribers (see <c>docs/spec/event-store.md</c>).
/// </summary>
/// <remarks>
/// A store fails with <see cref="StoreUnavailableException"/> (503 <c>store_unavailable</c>) when its database cannot be
/// reached, is locked past the busy timeout, or fails to write: an append that throws may or may not have been stored,
/// so a caller retries it with the same event ids, which never stores an event twice.
/// </remarks>
public interface IEventStore : IAsyncDisposable
{
    /// <summary>
    /// Appends events to a stream, atomically: all are stored, in order, with consecutive positions, or none is.
    /// Concurrent appends are written together in one transaction (group commit).
    /// </summary>
    /// <param name="streamId">The stream.</param>
    /// <param name="expectedVersion">The stream's version before the append, <see cref="ExpectedVersion.NoStream"/> or <see cref="ExpectedVersion.Any"/>.</param>
    /// <param name="events">The events, at least one.</param>
    /// <param name="cancellationToken">Stops waiting; the append may still be stored.</param>
    /// <returns>Where the events were stored. A retry of an append already stored returns the original result.</returns>
    /// <exception cref="ConcurrencyException">The stream is not at <paramref name="expectedVersion"/>.</exception>
    /// <exception cref="DuplicateEventException">An event id is already stored, and the append is not a retry of that append.</exception>
    /// <exception cref="StoreUnavailableException">The database cannot be reached or written.</exception>
    Task<AppendResult> AppendAsync(string streamId, long expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default);

    /// <summary>Reads a stream's events.</summary>
    /// <param name="streamId">The stream.</param>
    /// <param name="fromVersion">The first version to read (inclusive); reading backward, <c>-1</c> is the last event.</param>
    /// <param name="maxCount">The most events returned.</param>
    /// <param name="direction">Oldest first or newest first.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events; empty for a stream that does not exist.</returns>
    Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(
        string streamId, long fromVersion, int maxCount, ReadDirection direction = ReadDirection.Forward, CancellationToken cancellationToken = default);

    /// <summary>Reads every stream's events in global order.</summary>
    /// <param name="afterPosition">Events after this position are read (0 reads from the start).</param>
    /// <param name="maxCount">The most events returned.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events, in position order.</returns>
    Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterPosition, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>Reads the position of the last stored event (0 for an empty store).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The head position.</returns>
    Task<long> ReadHeadPositionAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits until an event after <paramref name="afterPosition"/> is stored, or <paramref name="timeout"/> passes.</summary>
    /// <param name="afterPosition">The position already seen.</param>
    /// <param name="timeout">How long to wait at most.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The head position when the wait ended.</returns>
    Task<long> WaitForEventsAsync(long afterPosition, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Stores a snapshot, replacing the previous one of the same name.</summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the snapshot is durable.</returns>
    Task SaveSnapshotAsync(StoredSnapshot snapshot, CancellationToken cancellationToken = default);

    /// <summary>Loads a snapshot.</summary>
    /// <param name="name">The snapshot's name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The snapshot, or <see langword="null"/>.</returns>
    Task<StoredSnapshot?> LoadSnapshotAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Stores a subscriber's checkpoint: the position of the last event it handled.</summary>
    /// <param name="subscriber">The subscriber's name.</param>
    /// <param name="position">The position.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the checkpoint is durable.</returns>
    Task SaveCheckpointAsync(string subscriber, long position, CancellationToken cancellationToken = default);

    /// <summary>Loads a subscriber's checkpoint.</summary>
    /// <param name="subscriber">The subscriber's name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The position of the last event it handled; 0 when it never handled one.</returns>
    Task<long> LoadCheckpointAsync(string subscriber, CancellationToken cancellationToken = default);
}
