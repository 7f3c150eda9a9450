namespace Micron.Rpc;

/// <summary>A remote service answered a call with an error: its status, code and message arrive here unchanged.</summary>
public sealed class RemoteServiceException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The HTTP status the remote answered with (503 when no instance could be reached).</param>
    /// <param name="code">The machine-readable error code, for example <c>service_unavailable</c>.</param>
    /// <param name="message">The remote's message.</param>
    /// <param name="innerException">The local cause, when the call never reached the remote.</param>
    public RemoteServiceException(int statusCode, string code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Code = code;
    }

    /// <summary>Gets the HTTP status; a Micron route that lets this exception escape answers with it.</summary>
    public int StatusCode { get; }

    /// <summary>Gets the machine-readable error code.</summary>
    public string Code { get; }
}
