using Micron.EventSourcing;
using Micron.EventSourcing.Sqlite;
using Microsoft.Data.Sqlite;

namespace Micron.Benchmarks.Runner;

/// <summary>Row 6 on a SQLite file (WAL, synchronous=FULL), with a plain table beside the events for the baseline.</summary>
internal sealed class SqliteStoreBench : EventStoreBench
{
    private readonly string _folder = Directory.CreateTempSubdirectory("micron-bench-sqlite-").FullName;
    private readonly List<SqliteConnection> _connections = [];
    private readonly SqliteEventStore _store;

    public SqliteStoreBench() => _store = new SqliteEventStore(Path.Combine(_folder, "events.db"), new EventStoreOptions(), TimeProvider.System);

    public override string Name => "SQLite";

    public override IEventStore Store => _store;

    private string ConnectionString => $"Data Source={_store.Path};Default Timeout=30";

    public override async Task<Func<Task>> PlainInserterAsync()
    {
        await _store.EnsureInitializedAsync(CancellationToken.None);
        var connection = new SqliteConnection(ConnectionString);
        _connections.Add(connection);
        await connection.OpenAsync();
        await using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; CREATE TABLE IF NOT EXISTS plain (id INTEGER PRIMARY KEY, stream_id TEXT, event_id BLOB, event_type TEXT, data BLOB);";
            await setup.ExecuteNonQueryAsync();
        }

        var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO plain (stream_id, event_id, event_type, data) VALUES ('s', $id, 'Deposited.v1', $data)";
        var id = insert.Parameters.Add("$id", SqliteType.Blob);
        insert.Parameters.AddWithValue("$data", NewEvent().Data.ToArray());
        insert.Prepare();
        return async () =>
        {
            id.Value = Guid.NewGuid().ToByteArray();
            await insert.ExecuteNonQueryAsync();
        };
    }

    public override async Task<long> PlainReadAllAsync()
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT position, stream_id, stream_version, event_id, event_type, data, created_ms FROM micron_events ORDER BY position";
        await using var reader = await command.ExecuteReaderAsync();
        long rows = 0;
        long bytes = 0;
        while (await reader.ReadAsync())
        {
            bytes += ((byte[])reader.GetValue(5)).Length;
            rows++;
        }

        return bytes > 0 ? rows : 0;
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
