using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Micron.EventSourcing;

/// <summary>What an <see cref="EventSourcedService{TModel}"/> needs from the host: the store, the options, time and logging.</summary>
/// <param name="store">The event store.</param>
/// <param name="options">The event store options.</param>
/// <param name="time">The clock.</param>
/// <param name="loggers">Creates the services' loggers.</param>
public sealed class EventSourcingContext(IEventStore store, IOptions<EventStoreOptions> options, TimeProvider time, ILoggerFactory loggers)
{
    /// <summary>Gets the JSON options events and snapshots are written with: web defaults, stable whatever the host's HTTP options.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>Gets the event store.</summary>
    public IEventStore Store { get; } = store;

    /// <summary>Gets the options.</summary>
    public EventStoreOptions Options { get; } = options.Value;

    /// <summary>Gets the clock.</summary>
    public TimeProvider Time { get; } = time;

    /// <summary>Gets the logger factory.</summary>
    public ILoggerFactory Loggers { get; } = loggers;
}
