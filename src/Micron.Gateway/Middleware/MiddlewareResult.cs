using System.Text.Json.Serialization;

namespace Micron.Gateway.Middleware;

/// <summary>
/// A provided middleware's decision: <c>continue</c> with a user and headers added to the request, or <c>respond</c>
/// with a status, headers and body instead of the route (the wire form of DESIGN section 6).
/// </summary>
public sealed record MiddlewareResult
{
    /// <summary>Gets <c>continue</c> or <c>respond</c>.</summary>
    [JsonPropertyName("action")]
    public required string Action { get; init; }

    /// <summary>Gets the user the request runs as, for <c>continue</c>.</summary>
    [JsonPropertyName("user")]
    public object? User { get; init; }

    /// <summary>Gets headers: added to the request for <c>continue</c>, sent to the client for <c>respond</c>.</summary>
    [JsonPropertyName("headers")]
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Gets the status sent to the client, for <c>respond</c>.</summary>
    [JsonPropertyName("status")]
    public int? Status { get; init; }

    /// <summary>Gets the body sent to the client, for <c>respond</c>.</summary>
    [JsonPropertyName("body")]
    public string? Body { get; init; }

    /// <summary>Lets the request through.</summary>
    /// <param name="user">The user it runs as (read by <c>GetMicronUser&lt;T&gt;()</c>), or <see langword="null"/>.</param>
    /// <param name="headers">Headers added to the request.</param>
    /// <returns>The decision.</returns>
    public static MiddlewareResult Continue(object? user = null, IReadOnlyDictionary<string, string>? headers = null)
        => new() { Action = "continue", User = user, Headers = headers };

    /// <summary>Answers the request instead of the route.</summary>
    /// <param name="status">The status.</param>
    /// <param name="body">The body, as text.</param>
    /// <param name="headers">The response's headers.</param>
    /// <returns>The decision.</returns>
    public static MiddlewareResult Respond(int status, string? body = null, IReadOnlyDictionary<string, string>? headers = null)
        => new() { Action = "respond", Status = status, Body = body, Headers = headers };

    /// <summary>Answers with <c>302 Found</c> to <paramref name="location"/>.</summary>
    /// <param name="location">Where the client goes, for example <c>/account/login</c>.</param>
    /// <returns>The decision.</returns>
    public static MiddlewareResult Redirect(string location)
        => Respond(StatusCodes.Status302Found, null, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Location"] = location });
}
