namespace Micron.EventSourcing.Internal;

/// <summary>
/// Decides each append of a batch against the stored state and the appends before it in the same batch: an exact
/// retry answers the original result, a reused id is a duplicate, a wrong expected version a conflict, the rest is written.
/// </summary>
internal static class BatchDecision
{
    public static List<NewEvent> Decide(List<PendingAppend> batch, BatchState state)
    {
        var rows = new List<NewEvent>();
        var head = state.Head;
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        var written = new Dictionary<Guid, StoredEventRef>();
        foreach (var pending in batch)
        {
            if (Retry(pending, state.Existing, written) is { } outcome)
            {
                if (outcome.Error is null)
                {
                    pending.Result = outcome.Result;
                }
                else
                {
                    pending.Error = outcome.Error;
                }

                continue;
            }

            if (!versions.TryGetValue(pending.StreamId, out var current))
            {
                current = state.Versions.TryGetValue(pending.StreamId, out var stored) ? stored : ExpectedVersion.NoStream;
            }

            if (pending.ExpectedVersion != ExpectedVersion.Any && pending.ExpectedVersion != current)
            {
                pending.Error = new ConcurrencyException(
                    $"Stream '{pending.StreamId}' is at version {current}, the append expected {pending.ExpectedVersion}");
                continue;
            }

            var first = head + 1;
            foreach (var e in pending.Events)
            {
                head++;
                current++;
                rows.Add(new NewEvent(head, pending.StreamId, current, e));
                written[e.EventId] = new StoredEventRef(pending.StreamId, current, head);
            }

            versions[pending.StreamId] = current;
            pending.Result = new AppendResult(current, first, head);
        }

        return rows;
    }

    // null: none of the append's ids is stored. Otherwise the original result (every id stored, in this stream, in
    // order) or a duplicate error.
    private static (AppendResult Result, Exception? Error)? Retry(
        PendingAppend pending, IReadOnlyDictionary<Guid, StoredEventRef> stored, Dictionary<Guid, StoredEventRef> written)
    {
        var found = 0;
        StoredEventRef first = default;
        StoredEventRef previous = default;
        var exact = true;
        var events = pending.Events;
        for (var i = 0; i < events.Count; i++)
        {
            var id = events[i].EventId;
            for (var j = 0; j < i; j++)
            {
                if (events[j].EventId == id)
                {
                    return (default, new DuplicateEventException($"Event {id} appears twice in one append"));
                }
            }

            if (!stored.TryGetValue(id, out var at) && !written.TryGetValue(id, out at))
            {
                exact = false;
                continue;
            }

            exact &= at.StreamId == pending.StreamId && (found == 0 || at.Position == previous.Position + 1);
            first = found == 0 ? at : first;
            previous = at;
            found++;
        }

        if (found == 0)
        {
            return null;
        }

        return exact && found == events.Count
            ? (new AppendResult(previous.StreamVersion, first.Position, previous.Position), null)
            : (default, new DuplicateEventException($"Event {FirstStoredId(events, stored, written)} is already stored"));
    }

    private static Guid FirstStoredId(IReadOnlyList<EventData> events, IReadOnlyDictionary<Guid, StoredEventRef> stored, Dictionary<Guid, StoredEventRef> written)
    {
        foreach (var e in events)
        {
            if (stored.ContainsKey(e.EventId) || written.ContainsKey(e.EventId))
            {
                return e.EventId;
            }
        }

        return Guid.Empty;
    }
}
