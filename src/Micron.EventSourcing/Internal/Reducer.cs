namespace Micron.EventSourcing.Internal;

/// <summary>A reducer of one event type: the CLR type its data reads as, and how it changes the model.</summary>
internal sealed record Reducer<TModel>(Type EventType, Func<TModel, object, EventContext, TModel> Apply);
