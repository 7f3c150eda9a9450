using Micron.EventSourcing.Internal;
using Microsoft.Data.Sqlite;

namespace Micron.EventSourcing.Sqlite;

internal sealed partial class SqliteEventStore
{
    /// <summary>A batch in one <c>BEGIN IMMEDIATE</c> transaction of the writer connection.</summary>
    private sealed class BatchWriter(SqliteConnection connection, int commandTimeout) : IBatchWriter
    {
        private SqliteTransaction? _transaction;

        public async Task<BatchState> BeginAsync(IReadOnlyCollection<string> streams, IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken)
        {
            // IMMEDIATE takes the write lock now: what is read below cannot change before the commit.
            _transaction = connection.BeginTransaction(deferred: false);
            long head;
            await using (var command = Command(Sql["head"]))
            {
                head = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long value ? value : 0;
            }

            var versions = new Dictionary<string, long>(StringComparer.Ordinal);
            await using (var command = Command(Sql["stream_version"]))
            {
                var stream = command.Parameters.Add("$stream", SqliteType.Text);
                foreach (var id in streams)
                {
                    stream.Value = id;
                    if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long version)
                    {
                        versions[id] = version;
                    }
                }
            }

            var existing = new Dictionary<Guid, StoredEventRef>();
            await using (var command = Command(Sql["find_event"]))
            {
                var parameter = command.Parameters.Add("$id", SqliteType.Blob);
                foreach (var id in eventIds)
                {
                    parameter.Value = id.ToByteArray();
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        existing[id] = new StoredEventRef(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2));
                    }
                }
            }

            return new BatchState(head, versions, existing);
        }

        public async Task CommitAsync(IReadOnlyList<NewEvent> rows, DateTimeOffset timestamp, CancellationToken cancellationToken)
        {
            await using (var command = Command(Sql["insert_event"]))
            {
                var position = command.Parameters.Add("$position", SqliteType.Integer);
                var stream = command.Parameters.Add("$stream", SqliteType.Text);
                var version = command.Parameters.Add("$version", SqliteType.Integer);
                var id = command.Parameters.Add("$id", SqliteType.Blob);
                var type = command.Parameters.Add("$type", SqliteType.Text);
                var data = command.Parameters.Add("$data", SqliteType.Blob);
                command.Parameters.AddWithValue("$created", timestamp.ToUnixTimeMilliseconds());
                command.Prepare();
                foreach (var row in rows)
                {
                    position.Value = row.Position;
                    stream.Value = row.StreamId;
                    version.Value = row.StreamVersion;
                    id.Value = row.Event.EventId.ToByteArray();
                    type.Value = row.Event.EventType;
                    data.Value = row.Event.Data.ToArray();
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await _transaction!.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            if (_transaction is not null)
            {
                await _transaction.DisposeAsync().ConfigureAwait(false);
            }
        }

        private SqliteCommand Command(string sql)
        {
            var command = connection.CreateCommand();
            command.Transaction = _transaction;
            command.CommandText = sql;
            command.CommandTimeout = commandTimeout;
            return command;
        }
    }
}
