-- Fix-it actions a service desk publishes (issue 16): the signed files as they arrived (from a
-- knowledge-base article or imported by hand), verified again at every use, since the machine's
-- policy may change; and the runs of any fix-it action with their output, to attach to a ticket.
CREATE TABLE published_actions (
    name        TEXT PRIMARY KEY NOT NULL,  -- the manifest's name, the action's id
    file        BLOB NOT NULL,              -- the .guichet-action file's exact bytes
    source      TEXT NOT NULL,              -- `import`, or `rt:<article id>` / `glpi:<id>`
    received_at TEXT NOT NULL
);

CREATE TABLE fix_runs (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    action     TEXT NOT NULL,
    started_at TEXT NOT NULL,
    elapsed_ms INTEGER NOT NULL,
    succeeded  INTEGER NOT NULL,
    output     TEXT NOT NULL
);
