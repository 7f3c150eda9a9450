namespace Micron.EventSourcing;

/// <summary>Where an append put its events.</summary>
/// <param name="StreamVersion">The stream's version after the append (the version of its last event).</param>
/// <param name="FirstPosition">The global position of the append's first event.</param>
/// <param name="LastPosition">The global position of the append's last event.</param>
public readonly record struct AppendResult(long StreamVersion, long FirstPosition, long LastPosition);
