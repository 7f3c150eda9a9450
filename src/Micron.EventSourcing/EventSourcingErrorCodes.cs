namespace Micron.EventSourcing;

/// <summary>The error codes event sourcing sends in problem documents (see <c>docs/spec/errors.md</c>).</summary>
public static class EventSourcingErrorCodes
{
    /// <summary>A command broke a business rule; nothing was appended (400).</summary>
    public const string RuleBroken = "rule_broken";

    /// <summary>A command's <c>Authorize</c> step refused the caller; nothing was appended (403).</summary>
    public const string Forbidden = "forbidden";

    /// <summary>No command of that name exists (404).</summary>
    public const string CommandNotFound = "command_not_found";

    /// <summary>The stream was not at the expected version (409).</summary>
    public const string ConcurrencyConflict = "concurrency_conflict";

    /// <summary>An event id is already stored by another append (409).</summary>
    public const string DuplicateEvent = "duplicate_event";

    /// <summary>A reducer threw: the event is stored, the model skipped it and stays as it was (500).</summary>
    public const string ReducerFailed = "reducer_failed";

    /// <summary>An event type has no <c>[EventType]</c> name, or a stored type name is not known (500).</summary>
    public const string UnknownEventType = "unknown_event_type";

    /// <summary>The event store cannot be reached, is locked, or failed to write (503).</summary>
    public const string StoreUnavailable = "store_unavailable";
}
