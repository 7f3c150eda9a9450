namespace Micron.EventSourcing.Internal;

/// <summary>An event-sourced service as its subscribers see it: the event types that are its own.</summary>
internal interface IEventSource
{
    IReadOnlyCollection<string> EventTypeNames { get; }
}
