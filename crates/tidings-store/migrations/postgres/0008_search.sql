-- Full-text search over titles (weight A) and bodies (weight B). search_text
-- is the article's plain text, written when its text is final.
ALTER TABLE articles ADD COLUMN search_text TEXT;
ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(search_text, '')), 'B')
) STORED;
CREATE INDEX articles_search ON articles USING GIN (search_vector);
