using System.Text.Json;
using System.Text.Json.Serialization;

namespace Micron.Gateway.Internal;

/// <summary>The body the consumer posts to <c>/_micron/middleware/{service}/{name}</c> (see <c>docs/spec/middleware.md</c>).</summary>
internal sealed record MiddlewareCall(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("headers")] Dictionary<string, string> Headers,
    [property: JsonPropertyName("remoteAddress")] string? RemoteAddress);

/// <summary>The provider's answer as the consumer reads it: the user stays JSON until a route asks for it.</summary>
internal sealed record MiddlewareAnswer(
    [property: JsonPropertyName("action")] string? Action,
    [property: JsonPropertyName("user")] JsonElement? User,
    [property: JsonPropertyName("headers")] Dictionary<string, string>? Headers,
    [property: JsonPropertyName("status")] int? Status,
    [property: JsonPropertyName("body")] string? Body);
