namespace Micron.EventSourcing.Internal;

/// <summary>A snapshot's JSON: the model and the versions of the streams it has seen.</summary>
internal sealed record SnapshotDocument<TModel>(TModel Model, Dictionary<string, StreamMark> Streams);
