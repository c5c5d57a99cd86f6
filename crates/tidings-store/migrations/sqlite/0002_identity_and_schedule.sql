-- Article identity across feeds: an article is found again by its URL key;
-- each feed entry that leads to it is an appearance.
ALTER TABLE articles ADD COLUMN url_key TEXT;
ALTER TABLE articles ADD COLUMN content_hash TEXT;
CREATE UNIQUE INDEX articles_url_key ON articles (url_key) WHERE url_key IS NOT NULL;
CREATE INDEX articles_content_hash ON articles (content_hash);

CREATE TABLE appearances (
    feed_id        INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    guid           TEXT NOT NULL,
    article_id     INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    first_seen_at  TEXT NOT NULL,
    PRIMARY KEY (feed_id, guid)
);
CREATE INDEX appearances_article_id ON appearances (article_id);
INSERT INTO appearances (feed_id, guid, article_id, first_seen_at)
    SELECT feed_id, guid, id, fetched_at FROM articles;

-- Folders, and the adaptive schedule's state.
ALTER TABLE feeds ADD COLUMN category TEXT;
ALTER TABLE feeds ADD COLUMN poll_interval_secs INTEGER;
ALTER TABLE feeds ADD COLUMN interval_secs INTEGER;
ALTER TABLE feeds ADD COLUMN failing_since TEXT;
ALTER TABLE feeds ADD COLUMN paused BOOLEAN NOT NULL DEFAULT FALSE;
