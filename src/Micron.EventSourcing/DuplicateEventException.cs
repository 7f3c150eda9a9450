namespace Micron.EventSourcing;

/// <summary>An event id was already stored by another append (409 <c>duplicate_event</c>).</summary>
public sealed class DuplicateEventException : EventSourcingException
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">The message sent to the caller.</param>
    /// <param name="innerException">The cause, logged but never sent.</param>
    public DuplicateEventException(string message, Exception? innerException = null)
        : base(StatusCodes.Status409Conflict, EventSourcingErrorCodes.DuplicateEvent, message, innerException)
    {
    }
}
