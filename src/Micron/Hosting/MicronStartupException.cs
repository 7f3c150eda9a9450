namespace Micron.Hosting;

/// <summary>
/// The host could not start: a bad <c>--listen</c> endpoint, a service that failed to initialize, an address in
/// use. <see cref="MicronApplication.RunAsync"/> prints the message and exits with code 1.
/// </summary>
public sealed class MicronStartupException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What stopped the start, naming the service or endpoint at fault.</param>
    public MicronStartupException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What stopped the start, naming the service or endpoint at fault.</param>
    /// <param name="innerException">The underlying failure.</param>
    public MicronStartupException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the process exit code: 2 for a command line Micron cannot read (an unknown flag), else 1.</summary>
    internal int ExitCode { get; init; } = 1;
}
