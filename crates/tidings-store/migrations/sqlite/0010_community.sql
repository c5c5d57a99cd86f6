-- Readers, sessions, comments and moderation.

-- name_key is the name as compared (lower-cased): "Anna" and "anna" are one.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    name_key       TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL DEFAULT 'reader',
    created_at     TEXT NOT NULL,
    banned_at      TEXT
);

-- A signed-in browser. Only a hash of the cookie's token is kept, so a
-- leaked database does not sign anyone in.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- target_kind: 'article' or 'story'. user_id NULL: author gone, comment
-- kept anonymised.
CREATE TABLE comments (
    id           INTEGER PRIMARY KEY,
    target_kind  TEXT NOT NULL,
    target_id    INTEGER NOT NULL,
    parent_id    INTEGER,
    user_id      INTEGER,
    markdown     TEXT NOT NULL,
    html         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    edited_at    TEXT,
    deleted_at   TEXT,
    hidden_at    TEXT,
    held         BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX comments_target ON comments (target_kind, target_id, created_at);
CREATE INDEX comments_user ON comments (user_id);

CREATE TABLE comment_reports (
    comment_id   INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    reason       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    resolved_at  TEXT,
    PRIMARY KEY (comment_id, user_id)
);

-- Every moderator action, for accountability.
CREATE TABLE moderation_log (
    id            INTEGER PRIMARY KEY,
    moderator_id  INTEGER NOT NULL,
    action        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    detail        TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

-- Rate-limited events (sign-in attempts, posts), counted per key over a
-- window; in the database so that every node counts the same.
CREATE TABLE rate_events (
    rate_key  TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX rate_events_key ON rate_events (rate_key, at);

-- Site settings an admin changes at run time (comments mode, the word
-- filter) and secrets every node shares (the CSRF key).
CREATE TABLE settings (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
