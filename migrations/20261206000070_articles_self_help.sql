-- Self-help before a ticket: tags on knowledge-base articles, "this solved my problem"
-- (deflections), the last diagnoses of this machine, and each site machine's last diagnosis.

-- Check ids an article is tagged with (`storage.free`, `printing.queues`…), as the service desk
-- set them (GLPI: a category named after the check; RT: the "Guichet checks" custom field), or
-- as a starter article ships them.
CREATE TABLE article_tags (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag        TEXT NOT NULL,
    PRIMARY KEY (article_id, tag)
);
CREATE INDEX article_tags_tag ON article_tags (tag);

-- A report closed by an article ("this solved my problem") instead of a ticket. Counted here
-- only: nothing is sent.
CREATE TABLE deflections (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,  -- RFC 3339, UTC
    title      TEXT NOT NULL,  -- the report's title as typed
    article_id TEXT            -- the article that helped, when one is named
);
CREATE INDEX deflections_at ON deflections (at);

-- The latest runs of "Check my computer" on this machine (a bounded history, newest kept).
CREATE TABLE diagnoses (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    taken_at  TEXT NOT NULL,
    worst     TEXT NOT NULL,   -- ok, unknown, warning, problem
    diagnosis TEXT NOT NULL    -- the Diagnosis, JSON
);
CREATE INDEX diagnoses_taken_at ON diagnoses (taken_at);

-- Each site machine's last diagnosis, from its newest snapshot that carried one.
ALTER TABLE site_machines ADD COLUMN diagnosis_at TEXT;
ALTER TABLE site_machines ADD COLUMN diagnosis_worst TEXT;
ALTER TABLE site_machines ADD COLUMN diagnosis TEXT; -- JSON
