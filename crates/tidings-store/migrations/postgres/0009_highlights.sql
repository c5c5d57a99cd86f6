-- The article's highlights (offline, extractive), one sentence per line:
-- picked once when its text is final, read by every page view.
ALTER TABLE articles ADD COLUMN highlights TEXT;
