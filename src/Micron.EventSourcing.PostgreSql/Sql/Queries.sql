-- name: lock_head
SELECT position FROM micron_head WHERE id = 1 FOR UPDATE;
-- name: stream_versions
SELECT stream_id, MAX(stream_version) FROM micron_events WHERE stream_id = ANY($1) GROUP BY stream_id;
-- name: find_events
SELECT event_id, stream_id, stream_version, position FROM micron_events WHERE event_id = ANY($1);
-- name: insert_events
INSERT INTO micron_events (position, stream_id, stream_version, event_id, event_type, data, created)
SELECT p, s, v, i, t, d, $7 FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::bytea[]) AS x (p, s, v, i, t, d);
-- name: set_head
UPDATE micron_head SET position = $1 WHERE id = 1;
-- name: head
SELECT position FROM micron_head WHERE id = 1;
-- name: read_forward
SELECT position, stream_id, stream_version, event_id, event_type, data, created FROM micron_events
WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version LIMIT $3;
-- name: read_backward
SELECT position, stream_id, stream_version, event_id, event_type, data, created FROM micron_events
WHERE stream_id = $1 AND stream_version <= $2 ORDER BY stream_version DESC LIMIT $3;
-- name: read_all
SELECT position, stream_id, stream_version, event_id, event_type, data, created FROM micron_events
WHERE position > $1 ORDER BY position LIMIT $2;
-- name: save_snapshot
INSERT INTO micron_snapshots (name, position, data) VALUES ($1, $2, $3)
ON CONFLICT (name) DO UPDATE SET position = excluded.position, data = excluded.data;
-- name: load_snapshot
SELECT position, data FROM micron_snapshots WHERE name = $1;
-- name: save_checkpoint
INSERT INTO micron_checkpoints (subscriber, position) VALUES ($1, $2)
ON CONFLICT (subscriber) DO UPDATE SET position = excluded.position;
-- name: load_checkpoint
SELECT position FROM micron_checkpoints WHERE subscriber = $1;
-- name: insert_events_if_head
-- One statement, one round trip, one commit: the head moves from $8 only if no other writer moved it, and the
-- events are inserted only then (the row lock on micron_head keeps positions in commit order).
WITH head AS (
    UPDATE micron_head SET position = $9 WHERE id = 1 AND position = $8 RETURNING position
)
INSERT INTO micron_events (position, stream_id, stream_version, event_id, event_type, data, created)
SELECT p, s, v, i, t, d, $7 FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::bytea[]) AS x (p, s, v, i, t, d)
WHERE EXISTS (SELECT 1 FROM head);
