//! Related articles: nearest neighbours by TF-IDF cosine among the window's
//! articles.
//!
//! Each article is indexed under its key terms with their weights; a query
//! adds up, term by term, the products of weights over the posting lists of
//! its own key terms (a partial dot product), and the best of those
//! candidates are scored by their full cosine.

use rustc_hash::FxHashMap;
use tidings_text::{TermId, TermVector};

use crate::DocId;

/// Terms of an article that index it, and that a query looks up.
const KEY_TERMS: usize = 16;
/// Newest entries read per posting list: a term in thousands of recent
/// articles says little on its own, and the newest of them are the ones worth
/// showing.
const MAX_SCAN: usize = 250;
/// Candidates (by partial dot product) scored in full, per result wanted.
const RESCORE_FACTOR: usize = 8;

#[derive(Default)]
pub struct RelatedIndex {
    postings: FxHashMap<TermId, Vec<(DocId, f32)>>,
    docs: FxHashMap<DocId, (TermVector, Vec<TermId>)>,
}

impl RelatedIndex {
    pub fn insert(&mut self, doc: DocId, v: &TermVector) {
        let keys = v.top_terms(KEY_TERMS);
        for &(t, w) in &keys {
            self.postings.entry(t).or_default().push((doc, w));
        }
        self.docs
            .insert(doc, (v.clone(), keys.into_iter().map(|(t, _)| t).collect()));
    }

    pub fn remove(&mut self, doc: DocId) {
        let Some((_, keys)) = self.docs.remove(&doc) else {
            return;
        };
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
    }

    pub fn vector(&self, doc: DocId) -> Option<&TermVector> {
        self.docs.get(&doc).map(|(v, _)| v)
    }

    /// Up to `k` articles most related to `v`, scored by `score(doc, cosine)`
    /// (which returns `None` to leave an article out), best first.
    pub fn rank(
        &self,
        v: &TermVector,
        k: usize,
        mut score: impl FnMut(DocId, f32) -> Option<f32>,
    ) -> Vec<(DocId, f32)> {
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
            .filter_map(|(d, _)| score(d, self.docs[&d].0.cosine(v)).map(|s| (d, s)))
            .collect();
        scored.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
        scored.truncate(k);
        scored
    }
}
