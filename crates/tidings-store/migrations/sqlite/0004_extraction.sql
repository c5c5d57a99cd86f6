-- Full articles extracted from their pages, for entries whose feed carries
-- only a teaser. extraction_state: NULL (not needed), 'pending', 'done',
-- 'failed' (extraction_error says why).
ALTER TABLE articles ADD COLUMN extraction_state TEXT;
ALTER TABLE articles ADD COLUMN extraction_error TEXT;
ALTER TABLE articles ADD COLUMN extraction_lease_until TEXT;
ALTER TABLE articles ADD COLUMN extracted_at TEXT;
ALTER TABLE articles ADD COLUMN body_html TEXT;
ALTER TABLE articles ADD COLUMN body_text TEXT;
ALTER TABLE articles ADD COLUMN lead_image TEXT;
ALTER TABLE articles ADD COLUMN word_count INTEGER;
CREATE INDEX articles_extraction_pending ON articles (extraction_state, id);
