namespace Micron.EventSourcing;

/// <summary>The event store cannot be reached, is locked past its busy timeout, or failed to write (503 <c>store_unavailable</c>).</summary>
public sealed class StoreUnavailableException : EventSourcingException
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">The message sent to the caller.</param>
    /// <param name="innerException">The cause, logged but never sent.</param>
    public StoreUnavailableException(string message, Exception? innerException = null)
        : base(StatusCodes.Status503ServiceUnavailable, EventSourcingErrorCodes.StoreUnavailable, message, innerException)
    {
    }
}
