//! Related articles: nearest neighbours by TF-IDF cosine among the window's
//! articles.
//!
//! Each article is indexed under its key terms with their weights; a query
//! adds up, term by term, the products of weights over the posting lists of
//! its own key terms (a partial dot product), and the best of those
//! candidates are scored by their full cosine. When both articles carry an
//! embedding (an embeddings endpoint is configured), the candidates are
//! scored by the embeddings' cosine instead: the terms find them, the model
//! orders them.

use rustc_hash::FxHashMap;
use tidings_text::{TermId, TermVector};

use crate::{DocId, Embedding};

/// Terms of an article that index it, and that a query looks up.
const KEY_TERMS: usize = 16;
/// Newest entries read per posting list: a term in thousands of recent
/// articles says little on its own, and the newest of them are the ones worth
/// showing.
const MAX_SCAN: usize = 250;
/// Candidates (by partial dot product) scored in full, per result wanted.
const RESCORE_FACTOR: usize = 8;

struct Entry {
    vector: TermVector,
    keys: Vec<TermId>,
    embedding: Option<Embedding>,
}

#[derive(Default)]
pub struct RelatedIndex {
    postings: FxHashMap<TermId, Vec<(DocId, f32)>>,
    docs: FxHashMap<DocId, Entry>,
}

impl RelatedIndex {
    pub fn insert(&mut self, doc: DocId, v: &TermVector, embedding: Option<Embedding>) {
        let keys = v.top_terms(KEY_TERMS);
        for &(t, w) in &keys {
            self.postings.entry(t).or_default().push((doc, w));
        }
        let entry = Entry {
            vector: v.clone(),
            keys: keys.into_iter().map(|(t, _)| t).collect(),
            embedding,
        };
        self.docs.insert(doc, entry);
    }

    /// Takes `doc` out; its embedding, which does not change when its
    /// term weights do, comes back.
    pub fn remove(&mut self, doc: DocId) -> Option<Embedding> {
        let Entry {
            keys, embedding, ..
        } = self.docs.remove(&doc)?;
        for t in keys {
            if let Some(list) = self.postings.get_mut(&t) {
                if let Some(i) = list.iter().position(|&(d, _)| d == doc) {
                    list.remove(i);
                }
                if list.is_empty() {
                    self.postings.remove(&t);
                }
            }
        }
        embedding
    }

    /// Up to `k` articles most related to `doc` (indexed), scored by
    /// `score(other, similarity)` (which returns `None` to leave an article
    /// out), best first.
    pub fn rank(
        &self,
        doc: DocId,
        k: usize,
        mut score: impl FnMut(DocId, f32) -> Option<f32>,
    ) -> Vec<(DocId, f32)> {
        let Some(me) = self.docs.get(&doc) else {
            return Vec::new();
        };
        let v = &me.vector;
        let mut partial: FxHashMap<DocId, f32> = FxHashMap::default();
        for (t, wq) in v.top_terms(KEY_TERMS) {
            let Some(list) = self.postings.get(&t) else {
                continue;
            };
            for &(d, wd) in list.iter().rev().take(MAX_SCAN) {
                *partial.entry(d).or_default() += wq * wd;
            }
        }
        let mut candidates: Vec<(DocId, f32)> = partial.into_iter().collect();
        let keep = (k * RESCORE_FACTOR).max(64);
        if candidates.len() > keep {
            candidates.select_nth_unstable_by(keep, |a, b| b.1.total_cmp(&a.1));
            candidates.truncate(keep);
        }
        let mut scored: Vec<(DocId, f32)> = candidates
            .into_iter()
            .filter_map(|(d, _)| {
                let other = &self.docs[&d];
                // Embeddings of two models (the operator changed it) do
                // not compare: their lengths differ, or should be assumed to.
                let similarity = match (&me.embedding, &other.embedding) {
                    (Some(a), Some(b)) if a.len() == b.len() => {
                        a.iter().zip(b.iter()).map(|(x, y)| x * y).sum()
                    }
                    _ => other.vector.cosine(v),
                };
                score(d, similarity).map(|s| (d, s))
            })
            .collect();
        scored.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
        scored.truncate(k);
        scored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(terms: &[(TermId, f32)]) -> TermVector {
        TermVector::normalized(terms.to_vec())
    }

    fn embedding(values: &[f32]) -> Option<Embedding> {
        let norm = values.iter().map(|x| x * x).sum::<f32>().sqrt();
        Some(values.iter().map(|x| x / norm).collect())
    }

    /// Terms find the candidates; embeddings, where both articles have
    /// one, order them.
    #[test]
    fn embeddings_order_the_candidates_that_terms_find() {
        let ranked = |with_embeddings: bool| -> Vec<DocId> {
            let e = |values: &[f32]| with_embeddings.then(|| embedding(values)).flatten();
            let mut index = RelatedIndex::default();
            index.insert(1, &vector(&[(1, 1.0), (2, 1.0), (3, 1.0)]), e(&[1.0, 0.0]));
            // Shares two terms, but the model says it is about something else.
            index.insert(2, &vector(&[(1, 1.0), (2, 1.0), (9, 1.0)]), e(&[0.0, 1.0]));
            // Shares one term; the model says it is the same subject.
            index.insert(3, &vector(&[(3, 1.0), (7, 1.0), (8, 1.0)]), e(&[0.9, 0.1]));
            // Shares no term: never a candidate, whatever its embedding.
            index.insert(4, &vector(&[(5, 1.0)]), e(&[1.0, 0.0]));
            index
                .rank(1, 10, |d, s| (d != 1).then_some(s))
                .into_iter()
                .map(|(d, _)| d)
                .collect()
        };
        assert_eq!(ranked(false), [2, 3]);
        assert_eq!(ranked(true), [3, 2]);
    }

    #[test]
    fn embeddings_of_another_model_are_not_compared() {
        let mut index = RelatedIndex::default();
        index.insert(1, &vector(&[(1, 1.0), (2, 1.0)]), embedding(&[1.0, 0.0]));
        index.insert(
            2,
            &vector(&[(1, 1.0), (2, 1.0)]),
            embedding(&[0.0, 0.0, 1.0]),
        );
        let ranked = index.rank(1, 10, |d, s| (d != 1).then_some(s));
        assert_eq!(ranked.len(), 1);
        assert!(
            (ranked[0].1 - 1.0).abs() < 1e-5,
            "the terms' cosine: {ranked:?}"
        );
    }

    #[test]
    fn an_article_keeps_its_embedding_when_reweighed() {
        let mut index = RelatedIndex::default();
        index.insert(1, &vector(&[(1, 1.0)]), embedding(&[1.0, 0.0]));
        let kept = index.remove(1);
        assert!(kept.is_some());
        assert!(!index.docs.contains_key(&1));
        index.insert(1, &vector(&[(1, 2.0)]), kept);
        assert!(index.docs[&1].embedding.is_some());
    }
}
