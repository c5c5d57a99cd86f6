-- What a signed-in reader keeps: saved articles, followed publishers and
-- topics (their personal front page), and what they have read.
CREATE TABLE saved_articles (
    user_id     INTEGER NOT NULL,
    article_id  INTEGER NOT NULL,
    saved_at    TEXT NOT NULL,
    PRIMARY KEY (user_id, article_id)
);
CREATE TABLE followed_sources (
    user_id    INTEGER NOT NULL,
    source_id  INTEGER NOT NULL,
    PRIMARY KEY (user_id, source_id)
);
CREATE TABLE followed_topics (
    user_id  INTEGER NOT NULL,
    topic    TEXT NOT NULL,
    PRIMARY KEY (user_id, topic)
);
CREATE TABLE read_articles (
    user_id     INTEGER NOT NULL,
    article_id  INTEGER NOT NULL,
    read_at     TEXT NOT NULL,
    PRIMARY KEY (user_id, article_id)
);
