using Micron.EventSourcing;
using Micron.EventSourcing.InMemory;

namespace Micron.Compliance;

public sealed class InMemoryStoreTests : EventStoreCompliance
{
    protected override bool Durable => false;

    protected override Task<IEventStore> CreateStoreAsync(bool reopen = false)
        => Task.FromResult<IEventStore>(new InMemoryEventStore(new EventStoreOptions(), TimeProvider.System));
}
