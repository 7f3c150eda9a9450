using System.Text.Json.Serialization;

namespace Micron.Discovery;

/// <summary>
/// What an instance publishes about itself (see <c>docs/spec/announcement.md</c>): sent at start, every heartbeat,
/// and as a <c>leave</c> when it stops.
/// </summary>
public sealed record Announcement
{
    /// <summary>The version of this format.</summary>
    public const string CurrentSpec = "micron/1";

    /// <summary>Gets the format version, <c>micron/1</c>.</summary>
    [JsonPropertyName("spec")]
    public string Spec { get; init; } = CurrentSpec;

    /// <summary>Gets the service's name.</summary>
    [JsonPropertyName("service")]
    public required string Service { get; init; }

    /// <summary>Gets the service's version.</summary>
    [JsonPropertyName("version")]
    public required string Version { get; init; }

    /// <summary>Gets the instance id, unique per running copy of the service.</summary>
    [JsonPropertyName("instance")]
    public required string Instance { get; init; }

    /// <summary>Gets the base URL the instance answers on.</summary>
    [JsonPropertyName("url")]
    public required string Url { get; init; }

    /// <summary>Gets how long, in milliseconds, the instance counts as alive after this announcement (three heartbeats).</summary>
    [JsonPropertyName("ttl")]
    public int Ttl { get; init; }

    /// <summary>Gets the instance's HTTP routes.</summary>
    [JsonPropertyName("routes")]
    public IReadOnlyList<AnnouncedRoute> Routes { get; init; } = [];

    /// <summary>Gets the path prefixes that accept WebSocket upgrades.</summary>
    [JsonPropertyName("upgrade")]
    public IReadOnlyList<string> Upgrade { get; init; } = [];

    /// <summary>Gets the path prefixes of the instance's static assets.</summary>
    [JsonPropertyName("assets")]
    public IReadOnlyList<string> Assets { get; init; } = [];

    /// <summary>Gets the contract methods the instance answers at <c>/_micron/rpc/{service}/{method}</c>.</summary>
    [JsonPropertyName("contract")]
    public IReadOnlyList<AnnouncedMethod> Contract { get; init; } = [];

    /// <summary>Gets the patterns the instance handles with <c>Act</c>.</summary>
    [JsonPropertyName("patterns")]
    public IReadOnlyList<string> Patterns { get; init; } = [];

    /// <summary>Gets the names of the middleware the instance provides to others.</summary>
    [JsonPropertyName("middleware")]
    public IReadOnlyList<string> Middleware { get; init; } = [];

    /// <summary>Gets when the instance started.</summary>
    [JsonPropertyName("startedAt")]
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets whether the instance is leaving: it takes no new calls.</summary>
    [JsonPropertyName("leave")]
    public bool Leave { get; init; }
}

/// <summary>An announced HTTP route.</summary>
/// <param name="Method">The HTTP method, or <c>*</c> for any.</param>
/// <param name="Path">The route template, for example <c>/whois/{id}</c>.</param>
/// <param name="Middleware">The gateway middleware the route asks for, for example <c>layout</c>.</param>
public sealed record AnnouncedRoute(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("middleware")] IReadOnlyList<string> Middleware);

/// <summary>An announced contract method.</summary>
/// <param name="Name">The method's name.</param>
/// <param name="Parameters">Its parameters, by name, without the cancellation token.</param>
/// <param name="Returns">The result type's name, or <c>void</c>.</param>
/// <param name="Idempotent">Whether a failed call may be retried on another instance.</param>
public sealed record AnnouncedMethod(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("parameters")] IReadOnlyList<AnnouncedParameter> Parameters,
    [property: JsonPropertyName("returns")] string Returns,
    [property: JsonPropertyName("idempotent")] bool Idempotent);

/// <summary>An announced parameter.</summary>
/// <param name="Name">The parameter's name, as the <c>args</c> object of an RPC envelope keys it.</param>
/// <param name="Type">The parameter's type name.</param>
public sealed record AnnouncedParameter(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type);
