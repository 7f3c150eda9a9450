namespace Micron.EventSourcing.Internal;

/// <summary>Where an already stored event id lives (idempotent appends compare against it).</summary>
internal readonly record struct StoredEventRef(string StreamId, long StreamVersion, long Position);
