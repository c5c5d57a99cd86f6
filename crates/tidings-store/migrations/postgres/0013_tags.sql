-- The people, organisations, places and keywords an article is tagged with
-- (offline), for its page and for the pages listing a tag's stories.
CREATE TABLE article_tags (
    article_id  BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    tag_key     TEXT NOT NULL,
    label       TEXT NOT NULL,
    rank        BIGINT NOT NULL,
    PRIMARY KEY (article_id, kind, tag_key)
);
CREATE INDEX article_tags_tag ON article_tags (kind, tag_key);
