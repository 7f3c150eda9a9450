namespace Micron.EventSourcing;

/// <summary>An event's type has no <c>[EventType]</c> name, or a name is not known (500 <c>unknown_event_type</c>).</summary>
public sealed class UnknownEventTypeException : EventSourcingException
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">The message sent to the caller.</param>
    /// <param name="innerException">The cause, logged but never sent.</param>
    public UnknownEventTypeException(string message, Exception? innerException = null)
        : base(StatusCodes.Status500InternalServerError, EventSourcingErrorCodes.UnknownEventType, message, innerException)
    {
    }
}
