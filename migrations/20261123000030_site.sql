-- Site register: inventories of the other machines of a site, imported by the local admin
-- (`guichet site import`), hand-entered assets (`guichet asset`), a journal of both for sync, and
-- the runs of the scheduled agent (`guichet agent run`).

-- One row per machine of the site. The key fields of its latest snapshot are copied here so that
-- `site list` filters and sorts without inflating documents.
CREATE TABLE site_machines (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid        TEXT NOT NULL UNIQUE,
    hostname    TEXT NOT NULL,
    os          TEXT,
    ram_bytes   INTEGER,
    vendor      TEXT,
    model       TEXT,
    serial      TEXT,          -- NULL when absent or a placeholder ("To Be Filled By O.E.M.")
    uuid_smbios TEXT,          -- lower case; NULL when absent or a placeholder
    deviceid    TEXT,          -- GLPI/OCS agent device id, when the files carry one
    machine_id  TEXT,          -- /etc/machine-id or Windows MachineGuid
    location    TEXT,
    first_seen  TEXT NOT NULL, -- collection time of the oldest snapshot (RFC 3339, UTC)
    last_seen   TEXT NOT NULL, -- collection time of the newest snapshot
    updated_at  TEXT NOT NULL  -- when this row last changed
);
CREATE INDEX site_machines_hostname ON site_machines (hostname COLLATE NOCASE);
CREATE INDEX site_machines_serial ON site_machines (serial);
CREATE INDEX site_machines_uuid_smbios ON site_machines (uuid_smbios);
CREATE INDEX site_machines_deviceid ON site_machines (deviceid);

-- Each import is a snapshot of its machine: the native JSON, deflated as in `snapshots`.
CREATE TABLE site_snapshots (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid           TEXT NOT NULL UNIQUE,
    machine_id     INTEGER NOT NULL REFERENCES site_machines (id) ON DELETE CASCADE,
    collected_at   TEXT NOT NULL,
    imported_at    TEXT NOT NULL,
    source_format  TEXT NOT NULL, -- native, glpi, ocs_xml
    source_name    TEXT NOT NULL, -- file name it came from
    deviceid       TEXT,
    software_count INTEGER NOT NULL,
    content_sha256 TEXT NOT NULL,
    encoding       TEXT NOT NULL,
    document       BLOB NOT NULL
);
CREATE INDEX site_snapshots_machine ON site_snapshots (machine_id, collected_at);

-- Software of each machine's newest snapshot, for `site list --software … --version …`.
CREATE TABLE site_software (
    machine_id INTEGER NOT NULL REFERENCES site_machines (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    version    TEXT,
    source     TEXT NOT NULL
);
CREATE INDEX site_software_name ON site_software (name COLLATE NOCASE);
CREATE INDEX site_software_machine ON site_software (machine_id);

-- Hand-entered assets: what no agent runs on (printers, switches, phones, screens, spares).
CREATE TABLE assets (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid           TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    make           TEXT,
    model          TEXT,
    serial         TEXT,
    location       TEXT,
    assigned_user  TEXT,
    status         TEXT NOT NULL CHECK (status IN ('in_use', 'in_stock', 'broken', 'retired')),
    purchased_on   TEXT,         -- YYYY-MM-DD
    warranty_until TEXT,         -- YYYY-MM-DD
    notes          TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX assets_kind ON assets (kind);
CREATE INDEX assets_warranty ON assets (warranty_until);

-- Journal of site and asset changes, written in the same transaction as the change, for the
-- bundle/sync code to ship (oldest first by `seq`).
CREATE TABLE site_changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid       TEXT NOT NULL UNIQUE,
    entity     TEXT NOT NULL,  -- machine, asset
    entity_id  TEXT NOT NULL,  -- the machine's or asset's uuid
    op         TEXT NOT NULL,  -- create, update, delete, snapshot
    payload    TEXT NOT NULL,  -- JSON
    created_at TEXT NOT NULL
);

-- Runs of the scheduled agent (`guichet agent run`).
CREATE TABLE agent_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid        TEXT NOT NULL UNIQUE,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    outcome     TEXT NOT NULL,  -- running, ok, partial, failed
    snapshot_id INTEGER REFERENCES snapshots (id) ON DELETE SET NULL,
    sync        TEXT,           -- what the sync attempt said
    errors      TEXT NOT NULL DEFAULT '[]' -- JSON array of messages
);
CREATE INDEX agent_runs_started ON agent_runs (started_at);
