namespace Micron.EventSourcing;

/// <summary>Where an event a reducer applies was stored.</summary>
/// <param name="Position">The event's global position.</param>
/// <param name="StreamId">The event's stream.</param>
/// <param name="StreamVersion">The event's version within its stream.</param>
/// <param name="EventId">The event's id.</param>
/// <param name="Timestamp">When the event was appended.</param>
public readonly record struct EventContext(long Position, string StreamId, long StreamVersion, Guid EventId, DateTimeOffset Timestamp);
