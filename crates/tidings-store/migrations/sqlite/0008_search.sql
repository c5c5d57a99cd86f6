-- Full-text search over titles and bodies. search_text is the article's
-- plain text, written when its text is final (when it is placed in a
-- story); titles are searchable from the start. FTS5 with Porter stemming
-- and diacritics folded, kept in step with articles by triggers.
ALTER TABLE articles ADD COLUMN search_text TEXT;
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, search_text,
    content = 'articles', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, search_text) VALUES (new.id, new.title, new.search_text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, search_text)
        VALUES ('delete', old.id, old.title, old.search_text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, search_text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, search_text)
        VALUES ('delete', old.id, old.title, old.search_text);
    INSERT INTO articles_fts (rowid, title, search_text) VALUES (new.id, new.title, new.search_text);
END;
INSERT INTO articles_fts (rowid, title, search_text) SELECT id, title, search_text FROM articles;
