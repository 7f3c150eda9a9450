using Micron.EventSourcing;
using Micron.EventSourcing.PostgreSql;

namespace Micron.Compliance;

public sealed class PostgreSqlStoreTests : EventStoreCompliance
{
    private readonly string _schema = PostgreSqlServer.NewSchema();

    protected override async Task<IEventStore> CreateStoreAsync(bool reopen = false)
    {
        await PostgreSqlServer.RequireAsync();
        return new PostgreSqlEventStore(PostgreSqlServer.ConnectionString, _schema, new EventStoreOptions(), TimeProvider.System);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await PostgreSqlServer.DropSchemaAsync(_schema);
    }
}
