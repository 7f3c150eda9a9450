namespace Micron.EventSourcing;

/// <summary>An event as the store holds it.</summary>
/// <param name="Position">The event's global position: 1, 2, 3, ... in commit order, no gaps, never reused.</param>
/// <param name="StreamId">The stream the event belongs to.</param>
/// <param name="StreamVersion">The event's version within its stream: 0 for the first event.</param>
/// <param name="EventId">The event's id.</param>
/// <param name="EventType">The event's type name.</param>
/// <param name="Data">The event's data: UTF-8 JSON.</param>
/// <param name="Timestamp">When the event was appended.</param>
public sealed record RecordedEvent(
    long Position, string StreamId, long StreamVersion, Guid EventId, string EventType, ReadOnlyMemory<byte> Data, DateTimeOffset Timestamp);
