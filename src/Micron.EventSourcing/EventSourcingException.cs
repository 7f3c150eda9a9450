using Micron.Http;

namespace Micron.EventSourcing;

/// <summary>
/// An event-sourcing failure with its HTTP status and code (<see cref="EventSourcingErrorCodes"/>): it answers as a
/// problem document over HTTP and reaches remote callers as a <c>RemoteServiceException</c> with the same status and code.
/// </summary>
public class EventSourcingException : HttpError
{
    /// <summary>Creates an error.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="code">The code, one of <see cref="EventSourcingErrorCodes"/>.</param>
    /// <param name="message">The message sent to the caller.</param>
    /// <param name="innerException">The cause, logged but never sent.</param>
    public EventSourcingException(int statusCode, string code, string message, Exception? innerException = null)
        : base(statusCode, message, code, innerException)
    {
    }
}
