-- An article's embedding from the configured embeddings endpoint (little-endian
-- f32 at unit length) and the model that made it, kept so a restarted story
-- engine orders related articles as before without asking the model again,
-- and so embeddings of a model no longer configured are not compared with
-- the new one's.
ALTER TABLE articles ADD COLUMN embedding BLOB;
ALTER TABLE articles ADD COLUMN embedding_model TEXT;
