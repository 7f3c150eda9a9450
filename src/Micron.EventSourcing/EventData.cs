namespace Micron.EventSourcing;

/// <summary>An event to append: its id (the key of idempotent appends), its versioned type name and its JSON data.</summary>
/// <param name="EventId">The event's id; appending an id already stored is a retry or a duplicate, never a second event.</param>
/// <param name="EventType">The event's type name, versioned and never reused (<c>OrderPlaced.v1</c>).</param>
/// <param name="Data">The event's data: UTF-8 JSON.</param>
public sealed record EventData(Guid EventId, string EventType, ReadOnlyMemory<byte> Data);
