//! Near-duplicate folding: syndicated and lightly edited copies of one text.
//!
//! Each document keeps a sketch: the hashes of its word 4-shingles whose hash
//! is 0 modulo 4. Two copies of one text keep the same sampled shingles, so the
//! share of the smaller sketch found in the larger one estimates how much of
//! the shorter text the other contains. Containment, not Jaccard, because
//! syndication truncates and drops paragraphs: a copy that ran only the first
//! half of a wire story is still that story.
//!
//! Boilerplate ("All rights reserved", "Sign up for our newsletter") is shared
//! by copies of different texts; a shingle held by several distinct groups is
//! boilerplate and counts for nothing. A wire story run by fifty outlets is
//! one group, so its shingles stay meaningful however often they appear.

use rustc_hash::FxHashMap;

use crate::DocId;

/// Share of the smaller sketch that must be found in the other document.
pub const DEFAULT_CONTAINMENT: f32 = 0.3;
/// A sketch smaller than this (a headline, a two-line teaser) is too small to
/// tell a copy from a coincidence; such documents fold only with exact copies.
const MIN_SKETCH: usize = 8;
/// A shingle held by this many distinct groups is boilerplate.
const BOILERPLATE_GROUPS: usize = 3;
/// The opening of a text reaches at least this many sampled shingles (about
/// 30 words), and a fifth of the text beyond that.
const LEAD_SHINGLES: usize = 8;
/// Posting lists stop growing here: a shingle this common is boilerplate anyway.
const MAX_POSTINGS: usize = 64;

/// Whether a text holds a shingle.
type Holds<'a> = dyn Fn(&u64) -> bool + 'a;

struct Entry {
    /// Sampled shingles in text order.
    sketch: Vec<u64>,
    /// The same, sorted, for membership tests.
    sorted: Vec<u64>,
    group: DocId,
}

impl Entry {
    fn holds(&self, h: u64) -> bool {
        self.sorted.binary_search(&h).is_ok()
    }
}

/// The near-duplicate index over the documents of the window.
pub struct DupIndex {
    containment: f32,
    docs: FxHashMap<DocId, Entry>,
    postings: FxHashMap<u64, Vec<DocId>>,
}

impl Default for DupIndex {
    fn default() -> Self {
        Self::new(DEFAULT_CONTAINMENT)
    }
}

impl DupIndex {
    pub fn new(containment: f32) -> Self {
        Self {
            containment,
            docs: FxHashMap::default(),
            postings: FxHashMap::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The group of an indexed document.
    pub fn group_of(&self, doc: DocId) -> Option<DocId> {
        self.docs.get(&doc).map(|e| e.group)
    }

    /// The best earlier copy of a document with this sketch, with its
    /// containment, when one passes the tests of [`DupIndex::is_copy`].
    pub fn find(&self, sketch: &[u64]) -> Option<(DocId, f32)> {
        if sketch.len() < MIN_SKETCH {
            return self.find_exact(sketch);
        }
        let mine = self.meaningful(sketch);
        let mut shared: FxHashMap<DocId, u32> = FxHashMap::default();
        for h in &mine {
            for &d in self.postings.get(h).into_iter().flatten() {
                *shared.entry(d).or_default() += 1;
            }
        }
        let mut sorted_mine = mine.clone();
        sorted_mine.sort_unstable();
        let mut best: Option<(DocId, f32)> = None;
        for (doc, n) in shared {
            if (n as usize) < MIN_SKETCH / 2 {
                continue;
            }
            let entry = &self.docs[&doc];
            let theirs = self.meaningful(&entry.sketch);
            let Some(c) = self.is_copy(&mine, &sorted_mine, &theirs, entry) else {
                continue;
            };
            if best.is_none_or(|(b, bc)| c > bc || (c == bc && doc < b)) {
                best = Some((doc, c));
            }
        }
        best
    }

    /// Whether two texts (their meaningful sampled shingles, in text order)
    /// are copies of one another; if so, the containment of the body.
    ///
    /// Two tests. The body: the middle of the shorter text (its opening and
    /// closing fifths left out, where syndicators put their boilerplate) must
    /// be found in the longer one. The opening: each text must share a
    /// phrase with the other within its first fifth, because copies keep the lead and
    /// lose the tail, while an article that quotes another in full has an
    /// opening of its own and is not a copy of what it quotes.
    fn is_copy(
        &self,
        mine: &[u64],
        sorted_mine: &[u64],
        theirs: &[u64],
        entry: &Entry,
    ) -> Option<f32> {
        let in_mine = |h: &u64| sorted_mine.binary_search(h).is_ok();
        let in_theirs = |h: &u64| entry.holds(*h);
        let (shorter, in_longer): (&[u64], &Holds) = if mine.len() <= theirs.len() {
            (mine, &in_theirs)
        } else {
            (theirs, &in_mine)
        };
        let fifth = shorter.len() / 5;
        let middle = &shorter[fifth..shorter.len() - fifth];
        if middle.is_empty() {
            return None;
        }
        let c = middle.iter().filter(|h| in_longer(h)).count() as f32 / middle.len() as f32;
        if c < self.containment {
            return None;
        }
        // A shared phrase is two of three consecutive sampled shingles found in
        // the other text: one shingle in common is a coincidence of wording.
        let opens_shared = |text: &[u64], in_other: &Holds| {
            let reach = (text.len() / 5).max(LEAD_SHINGLES);
            let shared: Vec<bool> = text.iter().take(reach + 2).map(in_other).collect();
            shared
                .windows(3.min(shared.len()))
                .take(reach)
                .any(|w| w.iter().filter(|&&x| x).count() >= 2.min(w.len()))
        };
        (opens_shared(mine, &in_theirs) && opens_shared(theirs, &in_mine)).then_some(c)
    }

    fn find_exact(&self, sketch: &[u64]) -> Option<(DocId, f32)> {
        let first = sketch.first()?;
        self.postings
            .get(first)?
            .iter()
            .copied()
            .filter(|d| self.docs[d].sketch == sketch)
            .min()
            .map(|d| (d, 1.0))
    }

    /// Adds a document to `group` (its own id when it starts one).
    pub fn insert(&mut self, doc: DocId, sketch: Vec<u64>, group: DocId) {
        for &h in &sketch {
            let list = self.postings.entry(h).or_default();
            if list.len() < MAX_POSTINGS {
                list.push(doc);
            }
        }
        let mut sorted = sketch.clone();
        sorted.sort_unstable();
        self.docs.insert(
            doc,
            Entry {
                sketch,
                sorted,
                group,
            },
        );
    }

    /// Forgets a document (it left the window).
    pub fn remove(&mut self, doc: DocId) {
        let Some(entry) = self.docs.remove(&doc) else {
            return;
        };
        for h in entry.sketch {
            if let Some(list) = self.postings.get_mut(&h) {
                list.retain(|&d| d != doc);
                if list.is_empty() {
                    self.postings.remove(&h);
                }
            }
        }
    }

    fn is_boilerplate(&self, list: &[DocId]) -> bool {
        if list.len() >= MAX_POSTINGS {
            return true;
        }
        let mut groups: Vec<DocId> = Vec::with_capacity(BOILERPLATE_GROUPS);
        for d in list {
            let g = self.docs[d].group;
            if !groups.contains(&g) {
                groups.push(g);
                if groups.len() >= BOILERPLATE_GROUPS {
                    return true;
                }
            }
        }
        false
    }

    /// The sampled shingles of a sketch that are not boilerplate, in order.
    fn meaningful(&self, sketch: &[u64]) -> Vec<u64> {
        sketch
            .iter()
            .copied()
            .filter(|h| self.postings.get(h).is_none_or(|l| !self.is_boilerplate(l)))
            .collect()
    }
}
