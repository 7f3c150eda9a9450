namespace Micron.EventSourcing.Internal;

/// <summary>A row a batch writes.</summary>
internal readonly record struct NewEvent(long Position, string StreamId, long StreamVersion, EventData Event);
