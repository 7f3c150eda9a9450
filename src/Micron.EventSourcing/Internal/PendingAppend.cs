namespace Micron.EventSourcing.Internal;

/// <summary>One append waiting in the group-commit queue; completed only after its batch committed.</summary>
internal sealed class PendingAppend(string streamId, long expectedVersion, IReadOnlyList<EventData> events)
{
    private readonly TaskCompletionSource<AppendResult> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string StreamId { get; } = streamId;

    public long ExpectedVersion { get; } = expectedVersion;

    public IReadOnlyList<EventData> Events { get; } = events;

    public Task<AppendResult> Task => _done.Task;

    /// <summary>Gets or sets the outcome decided while the batch was written; reported once the batch committed.</summary>
    public AppendResult Result { get; set; }

    public Exception? Error { get; set; }

    public void Report()
    {
        if (Error is not null)
        {
            _done.TrySetException(Error);
        }
        else
        {
            _done.TrySetResult(Result);
        }
    }

    public void Fail(Exception error) => _done.TrySetException(error);
}
