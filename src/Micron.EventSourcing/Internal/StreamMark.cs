namespace Micron.EventSourcing.Internal;

/// <summary>A stream's last event as the model saw it: its version and global position.</summary>
internal readonly record struct StreamMark(long Version, long Position);
