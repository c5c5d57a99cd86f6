-- What a signed-in reader keeps: saved articles, followed publishers and
-- topics (their personal front page), and what they have read.
CREATE TABLE saved_articles (
    user_id     BIGINT NOT NULL,
    article_id  BIGINT NOT NULL,
    saved_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, article_id)
);
CREATE TABLE followed_sources (
    user_id    BIGINT NOT NULL,
    source_id  BIGINT NOT NULL,
    PRIMARY KEY (user_id, source_id)
);
CREATE TABLE followed_topics (
    user_id  BIGINT NOT NULL,
    topic    TEXT NOT NULL,
    PRIMARY KEY (user_id, topic)
);
CREATE TABLE read_articles (
    user_id     BIGINT NOT NULL,
    article_id  BIGINT NOT NULL,
    read_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, article_id)
);
