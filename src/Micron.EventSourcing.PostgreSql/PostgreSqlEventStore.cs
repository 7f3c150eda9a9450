using Micron.EventSourcing.Internal;
using Npgsql;

namespace Micron.EventSourcing.PostgreSql;

/// <summary>
/// The PostgreSQL store: the same semantics as the embedded one, for services on more than one machine. A batch of
/// appends is one transaction: one round trip locks the head and reads what the batch is decided against, one more
/// writes every event with a single multi-row insert, and the commit makes them durable together.
/// </summary>
internal sealed partial class PostgreSqlEventStore : EventStoreBase
{
    private static readonly IReadOnlyDictionary<string, string> Sql =
        NamedQueries.Parse(SqlScripts.Read(typeof(PostgreSqlEventStore).Assembly, "Micron.EventSourcing.PostgreSql.Queries.sql"));

    private readonly NpgsqlDataSource _dataSource;
    private readonly string? _schema;

    public PostgreSqlEventStore(string connectionString, string? schema, EventStoreOptions options, TimeProvider time)
        : base(options.MaxBatchSize, time)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(schema))
        {
            builder.SearchPath = schema;
        }

        if (builder.MaxAutoPrepare == 0)
        {
            // The same few statements run all the time: prepared once per connection, they skip parsing and planning.
            builder.MaxAutoPrepare = 32;
        }

        _schema = schema;
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    protected override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Hosts starting together create and migrate one at a time (CREATE SCHEMA IF NOT EXISTS alone races).
        var schema = string.IsNullOrEmpty(_schema) ? string.Empty : $"CREATE SCHEMA IF NOT EXISTS \"{_schema.Replace("\"", "\"\"", StringComparison.Ordinal)}\";";
        await using (var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock(7406120331); {schema} CREATE TABLE IF NOT EXISTS micron_schema (version int NOT NULL);", connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long current;
        await using (var command = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM micron_schema", connection, transaction))
        {
            current = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach (var (version, sql) in SqlScripts.Migrations(typeof(PostgreSqlEventStore).Assembly, "Micron.EventSourcing.PostgreSql."))
        {
            if (version > current)
            {
                await using var command = new NpgsqlCommand(sql + $"\nINSERT INTO micron_schema (version) VALUES ({version});", connection, transaction);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<IReadOnlyList<RecordedEvent>> ReadStreamCoreAsync(
        string streamId, long fromVersion, int maxCount, ReadDirection direction, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(direction == ReadDirection.Forward ? Sql["read_forward"] : Sql["read_backward"]);
        command.Parameters.Add(new NpgsqlParameter<string>{ TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = direction == ReadDirection.Backward && fromVersion < 0 ? long.MaxValue : fromVersion });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = maxCount });
        return await ReadEventsAsync(command, maxCount, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<IReadOnlyList<RecordedEvent>> ReadAllCoreAsync(long afterPosition, int maxCount, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(Sql["read_all"]);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterPosition });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = maxCount });
        return await ReadEventsAsync(command, maxCount, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<long> ReadHeadCoreAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(Sql["head"]);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long head ? head : 0;
    }

    protected override async Task SaveSnapshotCoreAsync(StoredSnapshot snapshot, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(Sql["save_snapshot"]);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = snapshot.Name });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = snapshot.Position });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = snapshot.Data.ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<StoredSnapshot?> LoadSnapshotCoreAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(Sql["load_snapshot"]);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new StoredSnapshot(name, reader.GetInt64(0), reader.GetFieldValue<byte[]>(1))
            : null;
    }

    protected override async Task SaveCheckpointCoreAsync(string subscriber, long position, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(Sql["save_checkpoint"]);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subscriber });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<long> LoadCheckpointCoreAsync(string subscriber, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(Sql["load_checkpoint"]);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subscriber });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long position ? position : 0;
    }

    protected override async ValueTask DisposeCoreAsync()
    {
        await ForgetAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    protected override bool IsUnavailable(Exception exception)
        => base.IsUnavailable(exception) || exception is NpgsqlException or System.Net.Sockets.SocketException;

    private static Task<IReadOnlyList<RecordedEvent>> ReadEventsAsync(NpgsqlCommand command, int maxCount, CancellationToken cancellationToken)
        => EventRows.ReadAsync(command, maxCount, static (reader, i) => reader.GetFieldValue<DateTimeOffset>(i), cancellationToken);
}
