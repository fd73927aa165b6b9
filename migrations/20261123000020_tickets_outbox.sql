-- Tickets, their replies and attachments, the sync outbox, and per-connector sync cursors and
-- status. Ticket and reply ids are client-generated UUIDs: they travel to the server with every
-- push so that a retry after a lost answer never creates a duplicate.
CREATE TABLE tickets (
    id                 TEXT PRIMARY KEY NOT NULL,
    title              TEXT NOT NULL,
    description        TEXT NOT NULL,
    description_format TEXT NOT NULL CHECK (description_format IN ('text', 'markdown')),
    category           TEXT,
    urgency            INTEGER NOT NULL CHECK (urgency BETWEEN 1 AND 5),
    requester          TEXT NOT NULL,
    snapshot_uuid      TEXT,
    local_state        TEXT NOT NULL CHECK (local_state IN ('draft', 'queued', 'sent', 'failed')),
    failure            TEXT,
    connector          TEXT,
    remote_id          TEXT,
    remote_status      TEXT,
    remote_updated_at  TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE UNIQUE INDEX tickets_remote ON tickets (connector, remote_id) WHERE remote_id IS NOT NULL;
CREATE INDEX tickets_created_at ON tickets (created_at);

-- Replies from both sides: 'local' ones are written here and queued; 'remote' ones (the
-- technician's) arrive by pull and carry the server's id.
CREATE TABLE ticket_replies (
    id          TEXT PRIMARY KEY NOT NULL,
    ticket_id   TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    side        TEXT NOT NULL CHECK (side IN ('local', 'remote')),
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    remote_id   TEXT,
    local_state TEXT NOT NULL CHECK (local_state IN ('queued', 'sent', 'failed')),
    failure     TEXT,
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX ticket_replies_remote ON ticket_replies (ticket_id, remote_id) WHERE remote_id IS NOT NULL;
CREATE INDEX ticket_replies_ticket ON ticket_replies (ticket_id, created_at);

-- Files attached to a ticket (or to one of its replies); the bytes are a content-addressed blob.
CREATE TABLE ticket_attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id    TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    reply_id     TEXT REFERENCES ticket_replies (id) ON DELETE CASCADE,
    blob_id      TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL
);
CREATE INDEX ticket_attachments_ticket ON ticket_attachments (ticket_id);

-- What is still to be sent, in order (`seq`). `uuid` is the client UUID the server sees (the
-- ticket's or reply's id), so a retried entry is recognised. A sent entry is deleted in the same
-- transaction that records the server's id.
CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid            TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('create_ticket', 'add_reply', 'push_inventory')),
    ticket_id       TEXT REFERENCES tickets (id) ON DELETE CASCADE,
    reply_id        TEXT REFERENCES ticket_replies (id) ON DELETE CASCADE,
    snapshot_uuid   TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'parked')),
    last_error      TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX outbox_ticket ON outbox (ticket_id, seq);

-- Where each pull stream of each connector got to ('tickets', 'kb'); opaque to the store.
CREATE TABLE sync_cursors (
    connector  TEXT NOT NULL,
    stream     TEXT NOT NULL,
    cursor     TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (connector, stream)
);

-- The outcome of the latest sync passes, per connector, for `sync --status`.
CREATE TABLE sync_status (
    connector       TEXT PRIMARY KEY NOT NULL,
    last_attempt_at TEXT,
    last_success_at TEXT,
    last_error      TEXT,
    last_error_at   TEXT,
    last_pushed     INTEGER NOT NULL DEFAULT 0,
    last_pulled     INTEGER NOT NULL DEFAULT 0
);
