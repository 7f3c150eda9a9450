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

    /// <summary>No instance of the service that owns the route is available (503).</summary>
    public const string ServiceUnavailable = "service_unavailable";

    /// <summary>The instance a request was forwarded to refused, reset or answered garbage (502).</summary>
    public const string UpstreamFailed = "upstream_failed";

    /// <summary>The instance a request was forwarded to did not answer within the deadline (504).</summary>
    public const string UpstreamTimeout = "upstream_timeout";

    /// <summary>The provider of a middleware the route requires failed or could not be reached (502).</summary>
    public const string MiddlewareFailed = "middleware_failed";

    /// <summary>The client accepts none of the media types the route can answer with (406).</summary>
    public const string NotAcceptable = "not_acceptable";

    /// <summary>The request came back to a gateway it already passed through (508).</summary>
    public const string LoopDetected = "loop_detected";

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
