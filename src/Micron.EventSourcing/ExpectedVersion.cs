namespace Micron.EventSourcing;

/// <summary>The version a stream must have for an append to succeed (per-stream optimistic concurrency).</summary>
/// <remarks>Any other value is the exact version of the stream's last event (0 for a stream of one event).</remarks>
public static class ExpectedVersion
{
    /// <summary>No check: the append succeeds whatever the stream's version.</summary>
    public const long Any = -2;

    /// <summary>The stream must not exist yet.</summary>
    public const long NoStream = -1;
}
