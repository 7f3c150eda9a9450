using Micron.EventSourcing.Internal;
using Npgsql;
using NpgsqlTypes;

namespace Micron.EventSourcing.PostgreSql;

internal sealed partial class PostgreSqlEventStore
{
    private const int KnownStreamsLimit = 100_000;
    private readonly Dictionary<string, long> _knownVersions = new(StringComparer.Ordinal);
    private NpgsqlConnection? _writer;
    private long _knownHead = -1;

    protected override IBatchWriter CreateBatchWriter(bool retry) => retry ? new LockingWriter(this) : new OptimisticWriter(this);

    private async Task<NpgsqlConnection> WriterAsync(CancellationToken cancellationToken)
    {
        if (_writer is { State: System.Data.ConnectionState.Open })
        {
            return _writer;
        }

        await ForgetAsync().ConfigureAwait(false);
        _writer = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return _writer;
    }

    // After any failure: a new connection, and nothing assumed about the store.
    private async Task ForgetAsync()
    {
        _knownHead = -1;
        _knownVersions.Clear();
        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
            _writer = null;
        }
    }

    private void Remember(long head, IEnumerable<KeyValuePair<string, long>> versions)
    {
        if (_knownVersions.Count > KnownStreamsLimit)
        {
            _knownVersions.Clear();
        }

        _knownHead = head;
        foreach (var (stream, version) in versions)
        {
            _knownVersions[stream] = version;
        }
    }

    private static NpgsqlBatchCommand InsertCommand(string sql, IReadOnlyList<NewEvent> rows, DateTimeOffset timestamp)
    {
        var positions = new long[rows.Count];
        var streams = new string[rows.Count];
        var versions = new long[rows.Count];
        var ids = new Guid[rows.Count];
        var types = new string[rows.Count];
        var data = new byte[rows.Count][];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            positions[i] = row.Position;
            streams[i] = row.StreamId;
            versions[i] = row.StreamVersion;
            ids[i] = row.Event.EventId;
            types[i] = row.Event.EventType;
            data[i] = row.Event.Data.ToArray();
        }

        var insert = new NpgsqlBatchCommand(sql);
        insert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = positions });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = streams });
        insert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = versions });
        insert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types });
        insert.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = timestamp });
        return insert;
    }

    private static IEnumerable<KeyValuePair<string, long>> LastVersions(IReadOnlyList<NewEvent> rows)
        => rows.Select(static r => new KeyValuePair<string, long>(r.StreamId, r.StreamVersion));

    /// <summary>
    /// The usual batch: decided against what this store knows of the head and the streams (read once, then kept
    /// current by its own writes), and written in one statement that stores nothing if another writer moved the head.
    /// Event ids are checked by the unique index; a reused id sends the batch to the locking writer, which tells a
    /// retry from a duplicate.
    /// </summary>
    private sealed class OptimisticWriter(PostgreSqlEventStore store) : IBatchWriter
    {
        private long _head;

        public bool ReadsEventIds => false;

        public async Task<BatchState> BeginAsync(IReadOnlyCollection<string> streams, IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken)
        {
            try
            {
                if (store._knownHead < 0 || streams.Any(s => !store._knownVersions.ContainsKey(s)))
                {
                    await ReadAsync([.. streams], cancellationToken).ConfigureAwait(false);
                }

                _head = store._knownHead;
                var versions = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var stream in streams)
                {
                    var version = store._knownVersions[stream];
                    if (version >= 0)
                    {
                        versions[stream] = version;
                    }
                }

                return new BatchState(_head, versions, new Dictionary<Guid, StoredEventRef>());
            }
            catch
            {
                await store.ForgetAsync().ConfigureAwait(false);
                throw;
            }
        }

        public async Task CommitAsync(IReadOnlyList<NewEvent> rows, DateTimeOffset timestamp, CancellationToken cancellationToken)
        {
            int inserted;
            try
            {
                var connection = await store.WriterAsync(cancellationToken).ConfigureAwait(false);
                await using var batch = new NpgsqlBatch(connection);
                var insert = InsertCommand(Sql["insert_events_if_head"], rows, timestamp);
                insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = _head });
                insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = rows[^1].Position });
                batch.BatchCommands.Add(insert);
                inserted = await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                await store.ForgetAsync().ConfigureAwait(false);
                throw new RetryBatchException("an event id is already stored", ex);
            }
            catch
            {
                await store.ForgetAsync().ConfigureAwait(false);
                throw;
            }

            if (inserted != rows.Count)
            {
                // Another process moved the head: nothing was stored; decide again under the lock.
                await store.ForgetAsync().ConfigureAwait(false);
                throw new RetryBatchException();
            }

            store.Remember(rows[^1].Position, LastVersions(rows));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        // Reads the head and the versions of every stream of the batch (all of them: a moved head forgets the rest).
        private async Task ReadAsync(string[] missing, CancellationToken cancellationToken)
        {
            var connection = await store.WriterAsync(cancellationToken).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(Sql["head"]));
            var versions = new NpgsqlBatchCommand(Sql["stream_versions"]);
            versions.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = missing });
            batch.BatchCommands.Add(versions);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var head = reader.GetInt64(0);
            if (head != store._knownHead)
            {
                // The store moved without us: what we knew of its streams may be old.
                store._knownVersions.Clear();
            }

            var found = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var stream in missing)
            {
                found[stream] = ExpectedVersion.NoStream;
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found[reader.GetString(0)] = reader.GetInt64(1);
            }

            // The versions were read after the head: if another writer slipped in between, the head check fails later.
            store.Remember(head, found);
        }
    }

    /// <summary>A batch in one transaction under the head's row lock: the state read there cannot change before the commit.</summary>
    private sealed class LockingWriter(PostgreSqlEventStore store) : IBatchWriter
    {
        private NpgsqlTransaction? _transaction;
        private BatchState? _state;

        public async Task<BatchState> BeginAsync(IReadOnlyCollection<string> streams, IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken)
        {
            try
            {
                var connection = await store.WriterAsync(cancellationToken).ConfigureAwait(false);
                _transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using var batch = new NpgsqlBatch(connection, _transaction);
                batch.BatchCommands.Add(new NpgsqlBatchCommand(Sql["lock_head"]));
                var versions = new NpgsqlBatchCommand(Sql["stream_versions"]);
                versions.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. streams] });
                batch.BatchCommands.Add(versions);
                var ids = new NpgsqlBatchCommand(Sql["find_events"]);
                ids.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. eventIds] });
                batch.BatchCommands.Add(ids);

                await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var head = reader.GetInt64(0);
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                var current = new Dictionary<string, long>(StringComparer.Ordinal);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    current[reader.GetString(0)] = reader.GetInt64(1);
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                var existing = new Dictionary<Guid, StoredEventRef>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    existing[reader.GetGuid(0)] = new StoredEventRef(reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3));
                }

                _state = new BatchState(head, current, existing);
                return _state;
            }
            catch
            {
                await store.ForgetAsync().ConfigureAwait(false);
                throw;
            }
        }

        public async Task CommitAsync(IReadOnlyList<NewEvent> rows, DateTimeOffset timestamp, CancellationToken cancellationToken)
        {
            try
            {
                await using (var batch = new NpgsqlBatch(_transaction!.Connection, _transaction))
                {
                    batch.BatchCommands.Add(InsertCommand(Sql["insert_events"], rows, timestamp));
                    var head = new NpgsqlBatchCommand(Sql["set_head"]);
                    head.Parameters.Add(new NpgsqlParameter<long> { TypedValue = rows[^1].Position });
                    batch.BatchCommands.Add(head);
                    await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await store.ForgetAsync().ConfigureAwait(false);
                throw;
            }

            store._knownVersions.Clear();
            store.Remember(rows[^1].Position, LastVersions(rows));
        }

        public async ValueTask DisposeAsync()
        {
            if (_transaction is not null)
            {
                // Rolls back when the batch stored nothing; the head lock is released either way.
                await _transaction.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
