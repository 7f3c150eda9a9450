namespace Micron.EventSourcing;

/// <summary>A model's snapshot, stored beside the events.</summary>
/// <param name="Name">The snapshot's name (one per model).</param>
/// <param name="Position">The global position of the last event the snapshot includes.</param>
/// <param name="Data">The snapshot's data: UTF-8 JSON.</param>
public sealed record StoredSnapshot(string Name, long Position, ReadOnlyMemory<byte> Data);
