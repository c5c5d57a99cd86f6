-- Stories: articles about one event, formed online as articles arrive.
-- A story's id is the id of the article that started it. Its aggregates are
-- rewritten whenever one of its articles is placed or moved.
CREATE TABLE stories (
    id                BIGINT PRIMARY KEY,
    title             TEXT,
    lead_article_id   BIGINT,
    first_article_id  BIGINT,
    first_source_id   BIGINT,
    first_seen_at     TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    article_count     BIGINT NOT NULL DEFAULT 0,
    source_count      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX stories_updated_at ON stories (updated_at DESC);

-- story_id NULL: not placed yet. dup_group_id: the first copy of a
-- syndicated text. story_pinned: placed by an operator, never moved by the
-- clusterer.
ALTER TABLE articles ADD COLUMN story_id BIGINT;
ALTER TABLE articles ADD COLUMN dup_group_id BIGINT;
ALTER TABLE articles ADD COLUMN story_pinned BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX articles_story ON articles (story_id, sort_at);
CREATE INDEX articles_unplaced ON articles (id) WHERE story_id IS NULL;
CREATE INDEX articles_dup_group ON articles (dup_group_id);

-- Related articles, computed when an article is placed (best first by score).
CREATE TABLE related_articles (
    article_id  BIGINT NOT NULL,
    related_id  BIGINT NOT NULL,
    score       DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (article_id, related_id)
);

-- Named leases for work one node at a time does (the story clusterer keeps
-- its window in memory). generation changes when another holder takes over,
-- or when an operator edits stories, so a holder knows its memory is stale.
CREATE TABLE leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    until       TIMESTAMPTZ NOT NULL,
    generation  BIGINT NOT NULL
);
