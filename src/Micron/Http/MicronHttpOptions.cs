namespace Micron.Http;

/// <summary>Options for Micron's function-style HTTP: body limits and error responses. Bound from <c>Micron:Http</c>.</summary>
public sealed class MicronHttpOptions
{
    /// <summary>Gets or sets the format of error responses.</summary>
    /// <value>The default value is <see cref="ErrorFormat.ProblemJson"/>.</value>
    public ErrorFormat ErrorFormat { get; set; } = ErrorFormat.ProblemJson;

    /// <summary>Gets or sets the limit the body readers apply when a call gives none.</summary>
    /// <value>The default value is <c>1mb</c>.</value>
    public BodyLimit BodyLimit { get; set; } = BodyLimit.Default;

    /// <summary>
    /// Gets or sets whether error bodies carry the exception's stack trace.
    /// <see langword="null"/> means only in the <c>Development</c> environment.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public bool? IncludeExceptionDetails { get; set; }
}
