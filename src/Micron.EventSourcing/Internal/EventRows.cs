using System.Data.Common;

namespace Micron.EventSourcing.Internal;

/// <summary>Reads event rows (<c>position, stream_id, stream_version, event_id, event_type, data, created</c>) of a SQL store.</summary>
internal static class EventRows
{
    public static async Task<IReadOnlyList<RecordedEvent>> ReadAsync(
        DbCommand command, int maxCount, Func<DbDataReader, int, DateTimeOffset> timestamp, CancellationToken cancellationToken)
    {
        var events = new List<RecordedEvent>(Math.Min(maxCount, 4096));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(new RecordedEvent(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetInt64(2),
                reader.GetGuid(3),
                reader.GetString(4),
                reader.GetFieldValue<byte[]>(5),
                timestamp(reader, 6)));
        }

        return events;
    }
}
