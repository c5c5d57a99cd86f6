-- Timestamps are RFC 3339 UTC text written by the application's clock, so
-- they compare correctly as text.

CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    host        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    site_url    TEXT,
    created_at  TEXT NOT NULL
);

CREATE TABLE feeds (
    id               INTEGER PRIMARY KEY,
    source_id        INTEGER NOT NULL REFERENCES sources (id),
    url              TEXT NOT NULL UNIQUE,
    title            TEXT,
    site_url         TEXT,
    created_at       TEXT NOT NULL,
    etag             TEXT,
    last_modified    TEXT,
    last_fetched_at  TEXT,
    last_outcome     TEXT,
    last_error       TEXT,
    error_count      INTEGER NOT NULL DEFAULT 0,
    next_fetch_at    TEXT NOT NULL,
    lease_owner      TEXT,
    lease_until      TEXT
);

CREATE INDEX feeds_next_fetch_at ON feeds (next_fetch_at);
CREATE INDEX feeds_source_id ON feeds (source_id);

CREATE TABLE articles (
    id            INTEGER PRIMARY KEY,
    feed_id       INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    source_id     INTEGER NOT NULL REFERENCES sources (id),
    guid          TEXT NOT NULL,
    url           TEXT,
    title         TEXT,
    author        TEXT,
    summary       TEXT,
    content       TEXT,
    language      TEXT,
    published_at  TEXT,
    fetched_at    TEXT NOT NULL,
    sort_at       TEXT NOT NULL,
    UNIQUE (feed_id, guid)
);

CREATE INDEX articles_sort_at ON articles (sort_at DESC, id DESC);
CREATE INDEX articles_source_id ON articles (source_id, sort_at DESC);
