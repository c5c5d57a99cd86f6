-- WebSub: one subscription per feed, at the hub the feed names.
ALTER TABLE feeds ADD COLUMN websub_hub TEXT;
ALTER TABLE feeds ADD COLUMN websub_topic TEXT;
ALTER TABLE feeds ADD COLUMN websub_secret TEXT;
ALTER TABLE feeds ADD COLUMN websub_state TEXT;
ALTER TABLE feeds ADD COLUMN websub_requested_at TEXT;
ALTER TABLE feeds ADD COLUMN websub_verified_at TEXT;
ALTER TABLE feeds ADD COLUMN websub_lease_until TEXT;
