using Micron.EventSourcing;
using Micron.EventSourcing.PostgreSql;
using Npgsql;

namespace Micron.Benchmarks.Runner;

/// <summary>Row 6 on PostgreSQL (a schema of its own, dropped at the end), with a plain table for the baseline.</summary>
internal sealed class PostgreSqlStoreBench : EventStoreBench
{
    private readonly string _schema = "bench_" + Guid.NewGuid().ToString("N");
    private readonly NpgsqlDataSource _plain;
    private readonly PostgreSqlEventStore _store;

    public PostgreSqlStoreBench(string connectionString)
    {
        _store = new PostgreSqlEventStore(connectionString, _schema, new EventStoreOptions(), TimeProvider.System);
        _plain = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = _schema, MaxPoolSize = 64, MaxAutoPrepare = 32 });
    }

    public override string Name => "PostgreSQL";

    public override IEventStore Store => _store;

    public override async Task<Func<Task>> PlainInserterAsync()
    {
        await _store.EnsureInitializedAsync(CancellationToken.None);
        await using (var setup = _plain.CreateCommand("CREATE TABLE IF NOT EXISTS plain (id bigserial PRIMARY KEY, stream_id text, event_id uuid, event_type text, data bytea)"))
        {
            await setup.ExecuteNonQueryAsync();
        }

        var data = NewEvent().Data.ToArray();
        return async () =>
        {
            await using var insert = _plain.CreateCommand("INSERT INTO plain (stream_id, event_id, event_type, data) VALUES ('s', $1, 'Deposited.v1', $2)");
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.NewGuid() });
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = data });
            await insert.ExecuteNonQueryAsync();
        };
    }

    public override async Task<long> PlainReadAllAsync()
    {
        await using var command = _plain.CreateCommand("SELECT position, stream_id, stream_version, event_id, event_type, data, created FROM micron_events ORDER BY position");
        await using var reader = await command.ExecuteReaderAsync();
        long rows = 0;
        long bytes = 0;
        while (await reader.ReadAsync())
        {
            bytes += reader.GetFieldValue<byte[]>(5).Length;
            rows++;
        }

        return bytes > 0 ? rows : 0;
    }

    public override async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        await using (var drop = _plain.CreateCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await _plain.DisposeAsync();
    }
}
