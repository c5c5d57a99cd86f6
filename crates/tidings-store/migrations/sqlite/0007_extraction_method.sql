-- Whether an extracted body was found by an operator's per-site rule (else
-- by the heuristics): the article records how its body was produced.
ALTER TABLE articles ADD COLUMN extracted_by_rules BOOLEAN NOT NULL DEFAULT FALSE;
