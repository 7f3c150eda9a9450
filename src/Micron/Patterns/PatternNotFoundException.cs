using Micron.Http;

namespace Micron.Patterns;

/// <summary>No handler matches an <c>Act</c> pattern: 404 <c>pattern_not_found</c>, raised at once.</summary>
public sealed class PatternNotFoundException : HttpError
{
    /// <summary>The error code.</summary>
    public const string ErrorCode = "pattern_not_found";

    /// <summary>Creates the exception.</summary>
    /// <param name="pattern">The pattern no handler matches.</param>
    public PatternNotFoundException(string pattern)
        : base(StatusCodes.Status404NotFound, $"no handler matches pattern '{pattern}'", ErrorCode)
    {
        Pattern = pattern;
    }

    /// <summary>Gets the pattern no handler matches.</summary>
    public string Pattern { get; }
}
