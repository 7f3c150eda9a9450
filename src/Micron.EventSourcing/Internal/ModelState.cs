namespace Micron.EventSourcing.Internal;

/// <summary>A model as of a global position: what commands validate against and views read.</summary>
internal sealed record ModelState<TModel>(TModel Model, long Position);
