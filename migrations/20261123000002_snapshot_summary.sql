-- Summary columns so that `inventory history` never has to inflate a document, and a content
-- hash so that identical consecutive snapshots can be recognised.
ALTER TABLE snapshots ADD COLUMN content_sha256 TEXT;
ALTER TABLE snapshots ADD COLUMN memory_bytes INTEGER;
ALTER TABLE snapshots ADD COLUMN os_full_name TEXT;
ALTER TABLE snapshots ADD COLUMN error_count INTEGER NOT NULL DEFAULT 0;
CREATE INDEX snapshots_taken_at ON snapshots (taken_at);
