-- Events, in one global order. Positions are assigned under the lock of micron_head's row, so they are
-- consecutive, never reused, and committed in order (a reader following positions never skips one).
CREATE TABLE IF NOT EXISTS micron_events (
    position       bigint      PRIMARY KEY,
    stream_id      text        NOT NULL,
    stream_version bigint      NOT NULL,
    event_id       uuid        NOT NULL,
    event_type     text        NOT NULL,
    data           bytea       NOT NULL,
    created        timestamptz NOT NULL,
    CONSTRAINT micron_events_stream UNIQUE (stream_id, stream_version),
    CONSTRAINT micron_events_id UNIQUE (event_id)
);

CREATE TABLE IF NOT EXISTS micron_head (
    id       int    PRIMARY KEY CHECK (id = 1),
    position bigint NOT NULL
);
INSERT INTO micron_head (id, position) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;

-- Beside the events: one snapshot per model, one checkpoint per subscriber.
CREATE TABLE IF NOT EXISTS micron_snapshots (
    name     text   PRIMARY KEY,
    position bigint NOT NULL,
    data     bytea  NOT NULL
);
CREATE TABLE IF NOT EXISTS micron_checkpoints (
    subscriber text   PRIMARY KEY,
    position   bigint NOT NULL
);
