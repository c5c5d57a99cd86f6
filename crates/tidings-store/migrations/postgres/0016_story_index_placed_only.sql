-- The story index covered unplaced articles too (story_id NULL), so the
-- planner read every unplaced row through it and sorted them to find the
-- oldest 500 to place (1.1 s a batch with a million waiting). Placed rows
-- only: `story_id = ?` still uses it, and `story_id IS NULL ORDER BY id`
-- takes articles_unplaced, already in id order (5 ms).
DROP INDEX articles_story;
CREATE INDEX articles_story ON articles (story_id, sort_at) WHERE story_id IS NOT NULL;
