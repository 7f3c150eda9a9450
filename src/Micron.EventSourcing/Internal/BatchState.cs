namespace Micron.EventSourcing.Internal;

/// <summary>What a batch needs to know before it writes: the head, the streams' versions and the ids already stored.</summary>
/// <param name="Head">The position of the last stored event.</param>
/// <param name="Versions">The current version of each stream of the batch that exists.</param>
/// <param name="Existing">The batch's event ids that are already stored.</param>
internal sealed record BatchState(long Head, IReadOnlyDictionary<string, long> Versions, IReadOnlyDictionary<Guid, StoredEventRef> Existing);
