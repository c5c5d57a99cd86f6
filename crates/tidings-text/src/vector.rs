//! Interned terms, document frequencies and sparse TF-IDF vectors.

use rustc_hash::FxHashMap;

/// Documents the vocabulary assumes exist besides those it has seen (see
/// [`Vocabulary::idf`]).
pub const PRIOR_DOCUMENTS: f32 = 100.0;

/// A term's number in a [`Vocabulary`].
pub type TermId = u32;

/// Interns terms and counts, for each, how many live documents hold it.
///
/// Documents can be removed again, so the frequencies describe a window of
/// recent text (what "rare" means in this week's news), not all history.
#[derive(Default)]
pub struct Vocabulary {
    ids: FxHashMap<Box<str>, TermId>,
    df: Vec<u32>,
    docs: u32,
}

impl Vocabulary {
    pub fn new() -> Self {
        Self::default()
    }

    /// The id of `term`, interning it when new.
    pub fn intern(&mut self, term: &str) -> TermId {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let id = self.df.len() as TermId;
        self.ids.insert(term.into(), id);
        self.df.push(0);
        id
    }

    pub fn get(&self, term: &str) -> Option<TermId> {
        self.ids.get(term).copied()
    }

    /// Counts one more live document holding each of `terms` (distinct ids).
    pub fn add_document(&mut self, terms: impl IntoIterator<Item = TermId>) {
        self.docs += 1;
        for t in terms {
            self.df[t as usize] += 1;
        }
    }

    /// Forgets a document counted by [`Vocabulary::add_document`].
    pub fn remove_document(&mut self, terms: impl IntoIterator<Item = TermId>) {
        self.docs = self.docs.saturating_sub(1);
        for t in terms {
            let df = &mut self.df[t as usize];
            *df = df.saturating_sub(1);
        }
    }

    pub fn documents(&self) -> u32 {
        self.docs
    }

    pub fn document_frequency(&self, term: TermId) -> u32 {
        self.df.get(term as usize).copied().unwrap_or(0)
    }

    /// Smoothed inverse document frequency: rare terms weigh more, and a
    /// term in nearly every document weighs nearly nothing. There is no "+1"
    /// floor: summed over a big story, even lightly weighted common words
    /// make its centroid look like every article, and the story swallows
    /// unrelated news. Instead the count of documents starts with
    /// [`PRIOR_DOCUMENTS`] unseen ones, so that a handful of documents about
    /// one event (a new install's first poll) does not make that event's
    /// words look common.
    pub fn idf(&self, term: TermId) -> f32 {
        let n = self.docs as f32;
        let df = self.document_frequency(term) as f32;
        ((n + PRIOR_DOCUMENTS + 1.0) / (df + 1.0)).ln()
    }

    /// The unit TF-IDF vector of a document from its term counts, with
    /// sub-linear term frequency (a word said ten times is not ten times the topic).
    pub fn weigh(&self, counts: &[(TermId, f32)]) -> TermVector {
        let mut v: Vec<(TermId, f32)> = counts
            .iter()
            .filter(|(_, c)| *c > 0.0)
            .map(|&(t, c)| {
                (
                    t,
                    (1.0 + c.ln().max(0.0) + (c.min(1.0) - 1.0)) * self.idf(t),
                )
            })
            .collect();
        v.sort_unstable_by_key(|&(t, _)| t);
        TermVector::normalized(v)
    }
}

/// Term counts of a list of term ids: `(term, count)` sorted by term, each id once.
pub fn count_terms(terms: impl IntoIterator<Item = (TermId, f32)>) -> Vec<(TermId, f32)> {
    let mut all: Vec<(TermId, f32)> = terms.into_iter().collect();
    all.sort_unstable_by_key(|&(t, _)| t);
    let mut out: Vec<(TermId, f32)> = Vec::with_capacity(all.len());
    for (t, c) in all {
        match out.last_mut() {
            Some((last, total)) if *last == t => *total += c,
            _ => out.push((t, c)),
        }
    }
    out
}

/// A sparse vector of unit length, entries sorted by term id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TermVector {
    entries: Vec<(TermId, f32)>,
}

impl TermVector {
    /// Scales `entries` (sorted by term, distinct) to unit length.
    pub fn normalized(mut entries: Vec<(TermId, f32)>) -> Self {
        let norm = entries.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, w) in &mut entries {
                *w /= norm;
            }
        } else {
            entries.clear();
        }
        Self { entries }
    }

    pub fn entries(&self) -> &[(TermId, f32)] {
        &self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Cosine similarity with another unit vector (a merge of two sorted lists).
    pub fn cosine(&self, other: &TermVector) -> f32 {
        let (a, b) = (&self.entries, &other.entries);
        let (mut i, mut j, mut dot) = (0, 0, 0.0);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    dot += a[i].1 * b[j].1;
                    i += 1;
                    j += 1;
                }
            }
        }
        dot
    }

    /// The `n` heaviest terms, heaviest first.
    pub fn top_terms(&self, n: usize) -> Vec<(TermId, f32)> {
        let mut top = self.entries.clone();
        top.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        top.truncate(n);
        top
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rare_terms_weigh_more_and_vectors_are_unit() {
        let mut v = Vocabulary::new();
        let common = v.intern("bank");
        let rare = v.intern("noyer");
        for _ in 0..9 {
            v.add_document([common]);
        }
        v.add_document([common, rare]);
        // df(common) = 10 = N: ln((10 + 100 + 1) / 11), low but not nothing.
        assert!(v.idf(rare) > v.idf(common));
        let doc = v.weigh(&count_terms([(common, 1.0), (rare, 1.0)]));
        let len: f32 = doc.entries().iter().map(|(_, w)| w * w).sum();
        assert!((len - 1.0).abs() < 1e-5);
        assert!((doc.cosine(&doc) - 1.0).abs() < 1e-5);
        assert!(v.idf(common) < v.idf(rare) - 1.0);
    }

    #[test]
    fn counts_merge_repeats() {
        assert_eq!(
            count_terms([(3, 1.0), (1, 2.0), (3, 1.0)]),
            [(1, 2.0), (3, 2.0)]
        );
    }
}
