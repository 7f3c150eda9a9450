namespace Micron.EventSourcing;

/// <summary>The event store and the pipeline: the <c>Micron:EventStore</c> configuration section.</summary>
public sealed class EventStoreOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Micron:EventStore";

    /// <summary>Gets or sets the store: <c>sqlite</c>, <c>inmemory</c> or <c>postgresql</c> (with its package added).</summary>
    /// <value>The default value is <c>sqlite</c>.</value>
    public string Provider { get; set; } = "sqlite";

    /// <summary>
    /// Gets or sets the SQLite file: a path relative to the host's data directory (<c>--data-dir</c>), or absolute.
    /// </summary>
    /// <value>The default value is <c>events.db</c>.</value>
    public string SqliteFile { get; set; } = "events.db";

    /// <summary>Gets or sets the PostgreSQL connection string; when not set, <c>MICRON_POSTGRES</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets how many of a model's events pass between two snapshots; 0 turns snapshots off.</summary>
    /// <value>The default value is 1000.</value>
    public int SnapshotEvery { get; set; } = 1000;

    /// <summary>Gets or sets the most appends written in one transaction (group commit).</summary>
    /// <value>The default value is 512.</value>
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>Gets or sets how long a write waits for a locked database before failing with <c>store_unavailable</c>.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how often a command is run again after a concurrency conflict, against the caught-up model.</summary>
    /// <value>The default value is 10.</value>
    public int CommandRetries { get; set; } = 10;
}
