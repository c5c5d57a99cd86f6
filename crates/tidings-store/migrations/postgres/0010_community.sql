-- Readers, sessions, comments and moderation.

-- name_key is the name as compared (lower-cased): "Anna" and "anna" are one.
CREATE TABLE users (
    id             BIGINT PRIMARY KEY,
    name           TEXT NOT NULL,
    name_key       TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL DEFAULT 'reader',
    created_at     TIMESTAMPTZ NOT NULL,
    banned_at      TIMESTAMPTZ
);

-- A signed-in browser. Only a hash of the cookie's token is kept, so a
-- leaked database does not sign anyone in.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- target_kind: 'article' or 'story'. user_id NULL: author gone, comment
-- kept anonymised.
CREATE TABLE comments (
    id           BIGINT PRIMARY KEY,
    target_kind  TEXT NOT NULL,
    target_id    BIGINT NOT NULL,
    parent_id    BIGINT,
    user_id      BIGINT,
    markdown     TEXT NOT NULL,
    html         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    edited_at    TIMESTAMPTZ,
    deleted_at   TIMESTAMPTZ,
    hidden_at    TIMESTAMPTZ,
    held         BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX comments_target ON comments (target_kind, target_id, created_at);
CREATE INDEX comments_user ON comments (user_id);

CREATE TABLE comment_reports (
    comment_id   BIGINT NOT NULL,
    user_id      BIGINT NOT NULL,
    reason       TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    resolved_at  TIMESTAMPTZ,
    PRIMARY KEY (comment_id, user_id)
);

-- Every moderator action, for accountability.
CREATE TABLE moderation_log (
    id            BIGINT PRIMARY KEY,
    moderator_id  BIGINT NOT NULL,
    action        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    detail        TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);

-- Rate-limited events (sign-in attempts, posts), counted per key over a
-- window; in the database so that every node counts the same.
CREATE TABLE rate_events (
    rate_key  TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX rate_events_key ON rate_events (rate_key, at);

-- Site settings an admin changes at run time (comments mode, the word
-- filter) and secrets every node shares (the CSRF key).
CREATE TABLE settings (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
