using Microsoft.AspNetCore.WebUtilities;

namespace Micron.Http;

/// <summary>The error codes Micron sends in problem documents (see <c>docs/spec/errors.md</c>).</summary>
public static class ErrorCodes
{
    /// <summary>The request body is larger than the reader's limit (413).</summary>
    public const string BodyTooLarge = "body_too_large";

    /// <summary>The request body could not be read (400).</summary>
    public const string InvalidBody = "invalid_body";

    /// <summary>The request body is empty or is not valid JSON for the expected type (400).</summary>
    public const string InvalidJson = "invalid_json";

    /// <summary>No route matches the request (404).</summary>
    public const string NotFound = "not_found";

    /// <summary>An unexpected failure; details are logged, not sent (500).</summary>
    public const string InternalError = "internal_error";

    /// <summary>
    /// Derives a code from an HTTP status: its reason phrase in <c>snake_case</c>
    /// (<c>402</c> gives <c>payment_required</c>), <c>internal_error</c> for 500 and <c>error_{status}</c>
    /// for a status without a reason phrase.
    /// </summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <returns>The code.</returns>
    public static string FromStatus(int statusCode)
    {
        if (statusCode == StatusCodes.Status500InternalServerError)
        {
            return InternalError;
        }

        var phrase = ReasonPhrases.GetReasonPhrase(statusCode);
        if (phrase.Length == 0)
        {
            return "error_" + statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return string.Create(phrase.Length, phrase, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                span[i] = char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_';
            }
        });
    }
}
