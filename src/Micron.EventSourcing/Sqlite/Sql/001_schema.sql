-- Events, in one global order: position is the rowid, so positions are consecutive and never reused.
CREATE TABLE IF NOT EXISTS micron_events (
    position       INTEGER PRIMARY KEY,
    stream_id      TEXT    NOT NULL,
    stream_version INTEGER NOT NULL,
    event_id       BLOB    NOT NULL,
    event_type     TEXT    NOT NULL,
    data           BLOB    NOT NULL,
    created_ms     INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS micron_events_stream ON micron_events (stream_id, stream_version);
CREATE UNIQUE INDEX IF NOT EXISTS micron_events_id ON micron_events (event_id);

-- Beside the events: one snapshot per model, one checkpoint per subscriber.
CREATE TABLE IF NOT EXISTS micron_snapshots (
    name     TEXT    PRIMARY KEY,
    position INTEGER NOT NULL,
    data     BLOB    NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS micron_checkpoints (
    subscriber TEXT    PRIMARY KEY,
    position   INTEGER NOT NULL
) WITHOUT ROWID;
