-- Local key/value settings (device id, connector cursors later). Secrets never go here: they
-- live in the OS keyring.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- One row per saved inventory snapshot. `document` is the native JSON of the inventory, deflated
-- (`encoding` = 'json+deflate'): a software list makes hundreds of KB of JSON per snapshot.
CREATE TABLE snapshots (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid           TEXT NOT NULL UNIQUE,
    deviceid       TEXT NOT NULL,
    hostname       TEXT NOT NULL,
    taken_at       TEXT NOT NULL,
    agent_version  TEXT NOT NULL,
    software_count INTEGER NOT NULL,
    encoding       TEXT NOT NULL,
    document       BLOB NOT NULL
);
