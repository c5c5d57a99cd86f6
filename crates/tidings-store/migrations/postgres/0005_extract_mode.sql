-- Per feed: fetch article pages for teasers only ('auto'), always, or never.
ALTER TABLE feeds ADD COLUMN extract_mode TEXT NOT NULL DEFAULT 'auto';
