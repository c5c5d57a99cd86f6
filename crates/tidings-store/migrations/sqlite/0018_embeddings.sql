-- An article's embedding from the configured embeddings endpoint (little-endian
-- f32 at unit length), kept so a restarted story engine orders related
-- articles as before without asking the model again.
ALTER TABLE articles ADD COLUMN embedding BLOB;
