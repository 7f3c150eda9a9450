namespace Micron.EventSourcing.Internal;

/// <summary>
/// An optimistic batch writer found its knowledge of the store stale (another process wrote) and stored nothing:
/// the batch is decided again under the store's write lock.
/// </summary>
internal sealed class RetryBatchException : Exception
{
    public RetryBatchException()
        : base("the batch was decided against stale state; nothing was stored")
    {
    }

    public RetryBatchException(string message)
        : base(message)
    {
    }

    public RetryBatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
