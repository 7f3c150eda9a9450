using Micron.EventSourcing;
using Micron.EventSourcing.Sqlite;

namespace Micron.Compliance;

public sealed class SqliteStoreTests : EventStoreCompliance, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("micron-sqlite-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    protected override Task<IEventStore> CreateStoreAsync(bool reopen = false)
        => Task.FromResult<IEventStore>(new SqliteEventStore(Path.Combine(_folder, "events.db"), new EventStoreOptions(), TimeProvider.System));
}
