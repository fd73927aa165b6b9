-- Bundles are trusted through enrolment, never by what a bundle says of itself (issue 14).

-- The stores this one accepts bundles from: a hub enrols its sites (their outgoing bundles are
-- accepted), a site enrols its hub (its return bundles are accepted). One key per device id.
-- Return bundles are numbered per hub and site: the hub counts those it wrote for a site,
-- the site remembers the last one it applied, and refuses one that is not newer.
CREATE TABLE bundle_enrolled (
    deviceid        TEXT PRIMARY KEY NOT NULL,
    public_key      TEXT NOT NULL,  -- Ed25519, lower-case hex
    role            TEXT NOT NULL CHECK (role IN ('site', 'hub')),
    enrolled_at     TEXT NOT NULL,
    returns_written INTEGER NOT NULL DEFAULT 0,
    returns_applied INTEGER NOT NULL DEFAULT 0
);

-- On a site: the outbox entries it carried out in an outgoing bundle. A return bundle
-- confirms only these.
CREATE TABLE bundle_sent_entries (
    entry_uuid  TEXT PRIMARY KEY NOT NULL,
    kind        TEXT NOT NULL,
    ticket_id   TEXT,
    bundle_uuid TEXT NOT NULL,
    sent_at     TEXT NOT NULL
);
CREATE INDEX bundle_sent_entries_ticket ON bundle_sent_entries (ticket_id);

-- On a hub: which site each ticket received by bundle belongs to. A bundle from another
-- store naming that ticket (or one of this store's own) is refused.
CREATE TABLE bundle_tickets (
    ticket_id       TEXT PRIMARY KEY NOT NULL,
    source_deviceid TEXT NOT NULL,
    bundle_uuid     TEXT NOT NULL
);
INSERT OR IGNORE INTO bundle_tickets (ticket_id, source_deviceid, bundle_uuid)
    SELECT ticket_id, source_deviceid, bundle_uuid FROM bundle_entries
    WHERE ticket_id IS NOT NULL ORDER BY received_at;
