namespace Micron.Http.Internal;

/// <summary>The body readers' errors, with micro's statuses and messages.</summary>
internal static class BodyErrors
{
    public static HttpError TooLarge(BodyLimit limit)
        => new(StatusCodes.Status413PayloadTooLarge, $"Body exceeded {limit} limit", ErrorCodes.BodyTooLarge);

    public static HttpError InvalidBody(Exception? cause)
        => new(StatusCodes.Status400BadRequest, "Invalid body", ErrorCodes.InvalidBody, cause);

    public static HttpError InvalidJson(Exception? cause)
        => new(StatusCodes.Status400BadRequest, "Invalid JSON", ErrorCodes.InvalidJson, cause);
}
