namespace Micron.EventSourcing.Internal;

/// <summary>One group-commit transaction of a SQL store: read what the batch needs, then write and commit.</summary>
internal interface IBatchWriter : IAsyncDisposable
{
    /// <summary>Begins the transaction (taking the store's write lock) and reads the state the batch is decided against.</summary>
    Task<BatchState> BeginAsync(IReadOnlyCollection<string> streams, IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken);

    /// <summary>Writes the rows and commits durably.</summary>
    Task CommitAsync(IReadOnlyList<NewEvent> rows, DateTimeOffset timestamp, CancellationToken cancellationToken);
}
