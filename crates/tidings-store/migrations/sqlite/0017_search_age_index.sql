-- Search ranks its candidates (up to 2,000 matches) by age as well as
-- relevance: reading sort_at through this narrow index touches a few dozen
-- pages instead of one table page per candidate (the search query names it
-- with INDEXED BY; SQLite prefers the rowid otherwise).
CREATE INDEX IF NOT EXISTS articles_id_sort_at ON articles (id, sort_at);
