using System.Buffers;
using System.Text.Json;
using Micron.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Micron.EventSourcing.Internal;

/// <summary>
/// <c>GET /_micron/events/{service}?after=P&amp;max=N&amp;wait=MS</c>: the service's events after a position, waiting up to
/// <c>wait</c> ms for one when there is none (a long poll). Internal: signed or with the secret, like every <c>/_micron/</c> path.
/// </summary>
internal static class EventsFeed
{
    public const string PathPrefix = "/_micron/events/";
    public const int MaxEvents = 1000;
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    public static void Map(IServiceRoutes routes, string service, IEventStore store, IReadOnlyCollection<string> eventTypes)
    {
        var types = eventTypes.ToHashSet(StringComparer.Ordinal);
        routes.MapGet(PathPrefix + service, (long? after, int? max, int? wait, HttpContext context)
                => ServeAsync(store, types, after ?? 0, Math.Clamp(max ?? MaxEvents, 1, MaxEvents), TimeSpan.FromMilliseconds(Math.Clamp(wait ?? 0, 0, (int)MaxWait.TotalMilliseconds)), context.RequestAborted))
            // An internal endpoint, not one of the service's announced routes (a gateway never proxies it).
            .WithMetadata(new ServiceEndpointMetadata(string.Empty));
    }

    private static async Task<IResult> ServeAsync(IEventStore store, HashSet<string> types, long after, int max, TimeSpan wait, CancellationToken cancellationToken)
    {
        var head = await store.WaitForEventsAsync(after, wait, cancellationToken).ConfigureAwait(false);
        var events = head > after ? await store.ReadAllAsync(after, max, cancellationToken).ConfigureAwait(false) : [];
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("events");
            foreach (var e in events)
            {
                if (!types.Contains(e.EventType))
                {
                    continue;
                }

                json.WriteStartObject();
                json.WriteNumber("position", e.Position);
                json.WriteString("stream", e.StreamId);
                json.WriteNumber("version", e.StreamVersion);
                json.WriteString("id", e.EventId);
                json.WriteString("type", e.EventType);
                json.WritePropertyName("data");
                json.WriteRawValue(e.Data.Span, skipInputValidation: true);
                json.WriteString("timestamp", e.Timestamp);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            // Where the next request starts: past the events of other services too, so none is scanned twice.
            json.WriteNumber("next", events.Count > 0 ? events[^1].Position : after);
            json.WriteNumber("head", Math.Max(head, events.Count > 0 ? events[^1].Position : 0));
            json.WriteEndObject();
        }

        return Results.Bytes(buffer.WrittenMemory.ToArray(), "application/json");
    }
}
