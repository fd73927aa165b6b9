-- Offline knowledge base: articles fetched by connectors (GLPI, RT, …) or imported locally.
--
-- `id` is the local UUID (stable across updates of the same remote article); `seq` is an
-- INTEGER PRIMARY KEY only because the full-text index below addresses rows by integer rowid,
-- and only an INTEGER PRIMARY KEY keeps its rowid across VACUUM.
-- `body_html` is already sanitised (no scripts, no remote loads); `body_text` is its plain text,
-- for search and terminal display.
CREATE TABLE articles (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    connector      TEXT NOT NULL,
    remote_id      TEXT NOT NULL,
    title          TEXT NOT NULL,
    summary        TEXT,
    body_html      TEXT NOT NULL,
    body_text      TEXT NOT NULL,
    category       TEXT,
    language       TEXT,
    updated_at     TEXT NOT NULL,
    remote_version TEXT NOT NULL,
    UNIQUE (connector, remote_id)
);
CREATE INDEX articles_category ON articles (category, title);
CREATE INDEX articles_remote_id ON articles (remote_id);

-- Images embedded in an article, stored as content-addressed blobs; the HTML refers to them as
-- `guichet-blob:<sha256>`.
CREATE TABLE article_images (
    article_id   TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    original_url TEXT NOT NULL,
    blob_id      TEXT NOT NULL,
    content_type TEXT NOT NULL,
    PRIMARY KEY (article_id, original_url)
);

-- Full-text index (external content: the text lives once, in `articles`). unicode61 with
-- remove_diacritics 2 folds case and accents, so "reseau" finds "Réseau". The prefix indexes
-- keep search-as-you-type prefixes ("imp*") fast.
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title,
    summary,
    body_text,
    category,
    content = 'articles',
    content_rowid = 'seq',
    tokenize = "unicode61 remove_diacritics 2",
    prefix = '2 3'
);
-- Title matches weigh most, then summary and category, then the body.
INSERT INTO articles_fts (articles_fts, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0, 2.0)');

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, summary, body_text, category)
    VALUES (new.seq, new.title, new.summary, new.body_text, new.category);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, summary, body_text, category)
    VALUES ('delete', old.seq, old.title, old.summary, old.body_text, old.category);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, summary, body_text, category)
    VALUES ('delete', old.seq, old.title, old.summary, old.body_text, old.category);
    INSERT INTO articles_fts (rowid, title, summary, body_text, category)
    VALUES (new.seq, new.title, new.summary, new.body_text, new.category);
END;
