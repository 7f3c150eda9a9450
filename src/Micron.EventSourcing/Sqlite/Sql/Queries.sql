-- name: head
SELECT COALESCE(MAX(position), 0) FROM micron_events;
-- name: stream_version
SELECT MAX(stream_version) FROM micron_events WHERE stream_id = $stream;
-- name: find_event
SELECT stream_id, stream_version, position FROM micron_events WHERE event_id = $id;
-- name: insert_event
INSERT INTO micron_events (position, stream_id, stream_version, event_id, event_type, data, created_ms)
VALUES ($position, $stream, $version, $id, $type, $data, $created);
-- name: read_forward
SELECT position, stream_id, stream_version, event_id, event_type, data, created_ms FROM micron_events
WHERE stream_id = $stream AND stream_version >= $from ORDER BY stream_version LIMIT $max;
-- name: read_backward
SELECT position, stream_id, stream_version, event_id, event_type, data, created_ms FROM micron_events
WHERE stream_id = $stream AND stream_version <= $from ORDER BY stream_version DESC LIMIT $max;
-- name: read_all
SELECT position, stream_id, stream_version, event_id, event_type, data, created_ms FROM micron_events
WHERE position > $after ORDER BY position LIMIT $max;
-- name: save_snapshot
INSERT INTO micron_snapshots (name, position, data) VALUES ($name, $position, $data)
ON CONFLICT (name) DO UPDATE SET position = excluded.position, data = excluded.data;
-- name: load_snapshot
SELECT position, data FROM micron_snapshots WHERE name = $name;
-- name: save_checkpoint
INSERT INTO micron_checkpoints (subscriber, position) VALUES ($subscriber, $position)
ON CONFLICT (subscriber) DO UPDATE SET position = excluded.position;
-- name: load_checkpoint
SELECT position FROM micron_checkpoints WHERE subscriber = $subscriber;
