namespace Micron.EventSourcing;

/// <summary>A stream was not at the version an append expected (409 <c>concurrency_conflict</c>).</summary>
public sealed class ConcurrencyException : EventSourcingException
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">The message sent to the caller.</param>
    /// <param name="innerException">The cause, logged but never sent.</param>
    public ConcurrencyException(string message, Exception? innerException = null)
        : base(StatusCodes.Status409Conflict, EventSourcingErrorCodes.ConcurrencyConflict, message, innerException)
    {
    }
}
