namespace Micron.Http;

/// <summary>
/// An exception that becomes an HTTP response with its own status, code and message when it escapes a
/// Micron route or a <see cref="MicroServer"/> handler (micro's <c>createError</c>).
/// </summary>
/// <remarks>
/// Any other exception type that exposes a public <see cref="int"/> property named <c>StatusCode</c> or
/// <c>Status</c> with a value from 400 to 599 is honoured the same way; everything else becomes
/// <c>500 Internal Server Error</c> with its details logged, never sent (outside Development).
/// </remarks>
public class HttpError : Exception
{
    /// <summary>Creates an error that answers with <paramref name="statusCode"/> and <paramref name="message"/>.</summary>
    /// <param name="statusCode">The HTTP status, from 400 to 599.</param>
    /// <param name="message">The message sent to the client as the problem's <c>detail</c>.</param>
    /// <param name="code">
    /// A stable, machine-readable error code (<c>snake_case</c>); when omitted it is derived from the status,
    /// for example <c>payment_required</c> for 402.
    /// </param>
    /// <param name="innerException">The exception that caused this one, logged but never sent.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="statusCode"/> is not from 400 to 599.</exception>
    public HttpError(int statusCode, string message, string? code = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        StatusCode = statusCode;
        Code = string.IsNullOrEmpty(code) ? ErrorCodes.FromStatus(statusCode) : code;
    }

    /// <summary>Gets the HTTP status this error answers with.</summary>
    public int StatusCode { get; }

    /// <summary>Gets the machine-readable error code sent as the problem's <c>code</c>.</summary>
    public string Code { get; }
}
