namespace Micron.EventSourcing;

/// <summary>A command broke a business rule; its message is the rule's (400 <c>rule_broken</c>). Nothing was appended.</summary>
public sealed class RuleBrokenException : EventSourcingException
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">The message sent to the caller.</param>
    /// <param name="innerException">The cause, logged but never sent.</param>
    public RuleBrokenException(string message, Exception? innerException = null)
        : base(StatusCodes.Status400BadRequest, EventSourcingErrorCodes.RuleBroken, message, innerException)
    {
    }
}
