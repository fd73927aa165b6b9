-- Sneakernet bundles (`guichet bundle export|import`): who signed what, which bundles were
-- applied (so that importing one twice applies nothing twice), which outbox entries arrived by
-- bundle (so that two bundles carrying the same queued entry send it once), the site changes
-- received from remote sites, and, on the site side, the site changes a return bundle confirmed.

-- The signing key seen for each sending store (trust on first use).
CREATE TABLE bundle_peers (
    deviceid      TEXT PRIMARY KEY NOT NULL,
    public_key    TEXT NOT NULL,  -- Ed25519, lower-case hex
    first_seen_at TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL
);

-- Every bundle applied here, outgoing or return.
CREATE TABLE bundles_applied (
    uuid            TEXT PRIMARY KEY NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('outgoing', 'return')),
    source_deviceid TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    applied_at      TEXT NOT NULL,
    summary         TEXT NOT NULL  -- JSON: what was applied
);

-- Outbox entries received by bundle, by their client UUID (the same UUID as the sending
-- store's outbox entry): the receiver queues each one once, and the return bundle confirms them.
CREATE TABLE bundle_entries (
    entry_uuid      TEXT PRIMARY KEY NOT NULL,
    kind            TEXT NOT NULL,
    ticket_id       TEXT,
    reply_id        TEXT,
    snapshot_uuid   TEXT,
    source_deviceid TEXT NOT NULL,
    bundle_uuid     TEXT NOT NULL,
    received_at     TEXT NOT NULL
);
CREATE INDEX bundle_entries_source ON bundle_entries (source_deviceid);

-- Site changes (`site_changes` of a remote site) received by bundle.
CREATE TABLE bundle_site_changes (
    change_uuid     TEXT PRIMARY KEY NOT NULL,
    source_deviceid TEXT NOT NULL,
    bundle_uuid     TEXT NOT NULL,
    entity          TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    op              TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    received_at     TEXT NOT NULL
);
CREATE INDEX bundle_site_changes_source ON bundle_site_changes (source_deviceid);

-- On a site: its own site changes that a return bundle confirmed as received (not exported again).
CREATE TABLE site_changes_confirmed (
    change_uuid  TEXT PRIMARY KEY NOT NULL,
    bundle_uuid  TEXT NOT NULL,
    confirmed_at TEXT NOT NULL
);
