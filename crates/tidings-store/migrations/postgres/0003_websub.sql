ALTER TABLE feeds ADD COLUMN websub_hub TEXT;
ALTER TABLE feeds ADD COLUMN websub_topic TEXT;
ALTER TABLE feeds ADD COLUMN websub_secret TEXT;
ALTER TABLE feeds ADD COLUMN websub_state TEXT;
ALTER TABLE feeds ADD COLUMN websub_requested_at TIMESTAMPTZ;
ALTER TABLE feeds ADD COLUMN websub_verified_at TIMESTAMPTZ;
ALTER TABLE feeds ADD COLUMN websub_lease_until TIMESTAMPTZ;
