-- Answers from the optional language model, cached by what was asked
-- (model, question, passages), so a question is paid for once.
CREATE TABLE model_cache (
    cache_key   TEXT PRIMARY KEY,
    reply       TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
