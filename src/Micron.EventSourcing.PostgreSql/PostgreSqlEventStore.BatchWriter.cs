using Micron.EventSourcing.Internal;
using Npgsql;
using NpgsqlTypes;

namespace Micron.EventSourcing.PostgreSql;

internal sealed partial class PostgreSqlEventStore
{
    /// <summary>A batch in one transaction: lock the head and read the state in one round trip, write in one more, commit.</summary>
    private sealed class BatchWriter(NpgsqlDataSource dataSource) : IBatchWriter
    {
        private NpgsqlConnection? _connection;
        private NpgsqlTransaction? _transaction;
        private long _head;

        public async Task<BatchState> BeginAsync(IReadOnlyCollection<string> streams, IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken)
        {
            _connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            _transaction = await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(_connection, _transaction);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(Sql["lock_head"]));
            var versions = new NpgsqlBatchCommand(Sql["stream_versions"]);
            versions.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. streams] });
            batch.BatchCommands.Add(versions);
            var ids = new NpgsqlBatchCommand(Sql["find_events"]);
            ids.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. eventIds] });
            batch.BatchCommands.Add(ids);

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            _head = reader.GetInt64(0);
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

            return new BatchState(_head, current, existing);
        }

        public async Task CommitAsync(IReadOnlyList<NewEvent> rows, DateTimeOffset timestamp, CancellationToken cancellationToken)
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

            await using (var batch = new NpgsqlBatch(_connection, _transaction))
            {
                var insert = new NpgsqlBatchCommand(Sql["insert_events"]);
                insert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = positions });
                insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = streams });
                insert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = versions });
                insert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
                insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types });
                insert.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
                insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = timestamp });
                batch.BatchCommands.Add(insert);
                var head = new NpgsqlBatchCommand(Sql["set_head"]);
                head.Parameters.Add(new NpgsqlParameter<long> { TypedValue = rows[^1].Position });
                batch.BatchCommands.Add(head);
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await _transaction!.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            if (_transaction is not null)
            {
                await _transaction.DisposeAsync().ConfigureAwait(false);
            }

            if (_connection is not null)
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
