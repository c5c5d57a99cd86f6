CREATE TABLE sources (
    id          BIGINT PRIMARY KEY,
    host        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    site_url    TEXT,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE feeds (
    id               BIGINT PRIMARY KEY,
    source_id        BIGINT NOT NULL REFERENCES sources (id),
    url              TEXT NOT NULL UNIQUE,
    title            TEXT,
    site_url         TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    etag             TEXT,
    last_modified    TEXT,
    last_fetched_at  TIMESTAMPTZ,
    last_outcome     TEXT,
    last_error       TEXT,
    error_count      INTEGER NOT NULL DEFAULT 0,
    next_fetch_at    TIMESTAMPTZ NOT NULL,
    lease_owner      TEXT,
    lease_until      TIMESTAMPTZ
);

CREATE INDEX feeds_next_fetch_at ON feeds (next_fetch_at);
CREATE INDEX feeds_source_id ON feeds (source_id);

CREATE TABLE articles (
    id            BIGINT PRIMARY KEY,
    feed_id       BIGINT NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    source_id     BIGINT NOT NULL REFERENCES sources (id),
    guid          TEXT NOT NULL,
    url           TEXT,
    title         TEXT,
    author        TEXT,
    summary       TEXT,
    content       TEXT,
    language      TEXT,
    published_at  TIMESTAMPTZ,
    fetched_at    TIMESTAMPTZ NOT NULL,
    sort_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (feed_id, guid)
);

CREATE INDEX articles_sort_at ON articles (sort_at DESC, id DESC);
CREATE INDEX articles_source_id ON articles (source_id, sort_at DESC);
