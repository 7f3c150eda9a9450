namespace Micron.EventSourcing.Internal;

/// <summary>One group-commit transaction of a SQL store: read what the batch needs, then write and commit.</summary>
internal interface IBatchWriter : IAsyncDisposable
{
    /// <summary>
    /// Gets whether <see cref="BeginAsync"/> reads which event ids are stored. A writer that does not cannot tell a
    /// retried append from a conflicting one, so a batch with a conflict is decided again by a writer that does.
    /// </summary>
    bool ReadsEventIds => true;

    /// <summary>Begins the transaction (taking the store's write lock) and reads the state the batch is decided against.</summary>
    Task<BatchState> BeginAsync(IReadOnlyCollection<string> streams, IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken);

    /// <summary>Writes the rows and commits durably.</summary>
    Task CommitAsync(IReadOnlyList<NewEvent> rows, DateTimeOffset timestamp, CancellationToken cancellationToken);
}
