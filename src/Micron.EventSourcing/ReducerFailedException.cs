namespace Micron.EventSourcing;

/// <summary>A reducer threw on a command's event: the event is stored, the model skipped it (500 <c>reducer_failed</c>).</summary>
public sealed class ReducerFailedException : EventSourcingException
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">The message sent to the caller.</param>
    /// <param name="innerException">The cause, logged but never sent.</param>
    public ReducerFailedException(string message, Exception? innerException = null)
        : base(StatusCodes.Status500InternalServerError, EventSourcingErrorCodes.ReducerFailed, message, innerException)
    {
    }
}
