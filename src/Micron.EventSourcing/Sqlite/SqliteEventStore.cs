using Micron.EventSourcing.Internal;
using Microsoft.Data.Sqlite;

namespace Micron.EventSourcing.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so an acknowledged append survives a
/// crash or power loss. One writer connection runs the group-commit batches; reads use their own pooled connections.
/// </summary>
internal sealed partial class SqliteEventStore : EventStoreBase
{
    private static readonly IReadOnlyDictionary<string, string> Sql =
        NamedQueries.Parse(SqlScripts.Read(typeof(SqliteEventStore).Assembly, "Micron.EventSourcing.Sqlite.Queries.sql"));

    private readonly string _connectionString;
    private readonly int _busyMilliseconds;
    private readonly int _commandTimeout;
    private SqliteConnection? _writer;

    public SqliteEventStore(string path, EventStoreOptions options, TimeProvider time)
        : base(options.MaxBatchSize, time)
    {
        Path = System.IO.Path.GetFullPath(path);
        _busyMilliseconds = (int)Math.Max(1, options.BusyTimeout.TotalMilliseconds);
        _commandTimeout = (int)Math.Max(1, Math.Ceiling(options.BusyTimeout.TotalSeconds));
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = _commandTimeout,
        }.ToString();
    }

    /// <summary>Gets the database file.</summary>
    public string Path { get; }

    protected override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
            await MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
            _writer = connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    protected override IBatchWriter CreateBatchWriter(bool retry) => new BatchWriter(_writer!, _commandTimeout);

    protected override async Task<IReadOnlyList<RecordedEvent>> ReadStreamCoreAsync(
        string streamId, long fromVersion, int maxCount, ReadDirection direction, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = direction == ReadDirection.Forward ? Sql["read_forward"] : Sql["read_backward"];
        command.Parameters.AddWithValue("$stream", streamId);
        command.Parameters.AddWithValue("$from", direction == ReadDirection.Backward && fromVersion < 0 ? long.MaxValue : fromVersion);
        command.Parameters.AddWithValue("$max", maxCount);
        return await ReadEventsAsync(command, maxCount, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<IReadOnlyList<RecordedEvent>> ReadAllCoreAsync(long afterPosition, int maxCount, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = Sql["read_all"];
        command.Parameters.AddWithValue("$after", afterPosition);
        command.Parameters.AddWithValue("$max", maxCount);
        return await ReadEventsAsync(command, maxCount, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<long> ReadHeadCoreAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ScalarAsync(connection, Sql["head"], cancellationToken).ConfigureAwait(false);
    }

    protected override async Task SaveSnapshotCoreAsync(StoredSnapshot snapshot, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = Sql["save_snapshot"];
        command.Parameters.AddWithValue("$name", snapshot.Name);
        command.Parameters.AddWithValue("$position", snapshot.Position);
        command.Parameters.AddWithValue("$data", snapshot.Data.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<StoredSnapshot?> LoadSnapshotCoreAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = Sql["load_snapshot"];
        command.Parameters.AddWithValue("$name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new StoredSnapshot(name, reader.GetInt64(0), (byte[])reader.GetValue(1))
            : null;
    }

    protected override async Task SaveCheckpointCoreAsync(string subscriber, long position, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = Sql["save_checkpoint"];
        command.Parameters.AddWithValue("$subscriber", subscriber);
        command.Parameters.AddWithValue("$position", position);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<long> LoadCheckpointCoreAsync(string subscriber, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = Sql["load_checkpoint"];
        command.Parameters.AddWithValue("$subscriber", subscriber);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long position ? position : 0;
    }

    protected override async ValueTask DisposeCoreAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
        }

        SqliteConnection.ClearAllPools();
    }

    private static Task<IReadOnlyList<RecordedEvent>> ReadEventsAsync(SqliteCommand command, int maxCount, CancellationToken cancellationToken)
        => EventRows.ReadAsync(command, maxCount, static (reader, i) => DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(i)), cancellationToken);

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long value ? value : 0;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // FULL: the WAL is synced at every commit, so an acknowledged append is on disk.
            await ExecuteAsync(connection, $"PRAGMA synchronous=FULL; PRAGMA busy_timeout={_busyMilliseconds};", cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var current = await ScalarAsync(connection, "PRAGMA user_version;", cancellationToken).ConfigureAwait(false);
        foreach (var (version, sql) in SqlScripts.Migrations(typeof(SqliteEventStore).Assembly, "Micron.EventSourcing.Sqlite."))
        {
            if (version <= current)
            {
                continue;
            }

            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, sql + $"\nPRAGMA user_version={version};", cancellationToken, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
