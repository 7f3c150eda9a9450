namespace Micron.EventSourcing.Internal;

/// <summary>A store by name, as <c>Micron:EventStore:Provider</c> picks it.</summary>
internal sealed record EventStoreProvider(string Name, Func<IServiceProvider, IEventStore> Create);
