namespace Micron.EventSourcing;

/// <summary>An event a reducer threw on: the event is stored, the model skipped it and stayed as it was before it.</summary>
/// <param name="Position">The event's global position.</param>
/// <param name="EventType">The event's type name.</param>
/// <param name="Message">The reducer's exception message.</param>
public sealed record ReducerFailure(long Position, string EventType, string Message);
