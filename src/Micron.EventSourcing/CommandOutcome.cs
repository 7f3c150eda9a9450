namespace Micron.EventSourcing;

/// <summary>What a command appended, for its <c>Respond</c> step (which runs after the reducers applied it).</summary>
/// <param name="Events">The command's events, as emitted.</param>
/// <param name="StreamId">The stream they were appended to.</param>
/// <param name="Append">Where they were stored; <see langword="default"/> when the command emitted no event.</param>
public readonly record struct CommandOutcome(IReadOnlyList<object> Events, string StreamId, AppendResult Append);
