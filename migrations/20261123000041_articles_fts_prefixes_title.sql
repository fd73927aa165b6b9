-- Faster knowledge-base search (the 50,000-article benchmark missed its 10 ms p99 target).
--
-- 1. Prefix indexes for 4 and 5 characters as well as 2 and 3: users type 3 to 5 letters
--    before looking at the results, and an unindexed prefix ("conn", "param") makes FTS5 merge
--    the doclists of every word that starts with it, on every keystroke.
-- 2. A title-only index for the first result tier (articles whose title holds every word).
--    A column filter on the full index (`{title} : …`) still walks the full doclists, bodies
--    included; on its own index a title search only reads titles.
--
-- FTS5 options cannot be altered, so the full index is rebuilt from `articles`.

DROP TRIGGER articles_fts_insert;
DROP TRIGGER articles_fts_delete;
DROP TRIGGER articles_fts_update;
DROP TABLE articles_fts;

CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title,
    summary,
    body_text,
    category,
    content = 'articles',
    content_rowid = 'seq',
    tokenize = "unicode61 remove_diacritics 2",
    prefix = '2 3 4 5'
);
-- Title matches weigh most, then summary and category, then the body.
INSERT INTO articles_fts (articles_fts, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0, 2.0)');

CREATE VIRTUAL TABLE articles_title_fts USING fts5 (
    title,
    content = 'articles',
    content_rowid = 'seq',
    tokenize = "unicode61 remove_diacritics 2",
    prefix = '2 3 4 5'
);
-- The same title weight as in the full index, so that a title-tier score stays below (better
-- than) a body-only score for the same words.
INSERT INTO articles_title_fts (articles_title_fts, rank) VALUES ('rank', 'bm25(10.0)');

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, summary, body_text, category)
    VALUES (new.seq, new.title, new.summary, new.body_text, new.category);
    INSERT INTO articles_title_fts (rowid, title) VALUES (new.seq, new.title);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, summary, body_text, category)
    VALUES ('delete', old.seq, old.title, old.summary, old.body_text, old.category);
    INSERT INTO articles_title_fts (articles_title_fts, rowid, title)
    VALUES ('delete', old.seq, old.title);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, summary, body_text, category)
    VALUES ('delete', old.seq, old.title, old.summary, old.body_text, old.category);
    INSERT INTO articles_fts (rowid, title, summary, body_text, category)
    VALUES (new.seq, new.title, new.summary, new.body_text, new.category);
    INSERT INTO articles_title_fts (articles_title_fts, rowid, title)
    VALUES ('delete', old.seq, old.title);
    INSERT INTO articles_title_fts (rowid, title) VALUES (new.seq, new.title);
END;

INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
INSERT INTO articles_title_fts (articles_title_fts) VALUES ('rebuild');
