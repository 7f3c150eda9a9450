namespace Micron.EventSourcing;

/// <summary>Which way a stream is read.</summary>
public enum ReadDirection
{
    /// <summary>From the oldest event to the newest.</summary>
    Forward,

    /// <summary>From the newest event to the oldest.</summary>
    Backward,
}
