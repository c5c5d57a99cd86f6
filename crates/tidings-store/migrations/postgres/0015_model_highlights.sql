-- Highlights reworded by the optional language model, one per line as
-- "text<TAB>n,n" (the offline highlights each rests on, from 1); empty when
-- the model was asked and its wording failed the grounding check.
ALTER TABLE articles ADD COLUMN model_highlights TEXT;
