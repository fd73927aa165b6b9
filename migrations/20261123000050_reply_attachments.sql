-- Files on replies: the user's (queued with the reply) and the technicians' (pulled from the
-- server). `remote_id` is the server's id of a pulled file, so a second pull never adds it
-- twice. A pulled file over the size limit is recorded by name and size only, with an empty
-- `blob_id` (the column is NOT NULL and migrations are add-only): it was never downloaded.
ALTER TABLE ticket_attachments ADD COLUMN remote_id TEXT;
CREATE INDEX ticket_attachments_reply ON ticket_attachments (reply_id) WHERE reply_id IS NOT NULL;
CREATE UNIQUE INDEX ticket_attachments_remote ON ticket_attachments (reply_id, remote_id)
    WHERE remote_id IS NOT NULL;
