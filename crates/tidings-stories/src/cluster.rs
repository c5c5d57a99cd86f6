//! Online story clustering: each article joins the story whose centroid it is
//! most similar to, or starts a new one.
//!
//! A story's centroid is the sum of its members' unit TF-IDF vectors, kept
//! with its squared norm so that adding or removing a member costs that
//! member's terms, not the story's size. Centroid weights live in an inverted
//! index (term → stories holding it, with weights), so the similarity of an
//! article to every story sharing one of its terms is computed term by term
//! in one pass: stories with nothing in common are never looked at.

use rustc_hash::FxHashMap;
use tidings_text::{TermId, TermVector};

use crate::{DocId, StoryId};

/// How many of an article's heaviest terms make a story a candidate.
const CANDIDATE_TERMS: usize = 12;

#[derive(Default)]
pub(crate) struct Story {
    /// Terms with a weight in the centroid (their weights are in the index).
    terms: Vec<TermId>,
    norm2: f32,
    pub members: Vec<DocId>,
}

/// Live stories and the index of their centroids.
#[derive(Default)]
pub struct StoryClusterer {
    pub(crate) stories: FxHashMap<StoryId, Story>,
    weights: FxHashMap<TermId, Vec<(StoryId, f32)>>,
}

impl StoryClusterer {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.stories.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stories.is_empty()
    }

    fn weight(&self, term: TermId, story: StoryId) -> f32 {
        self.weights
            .get(&term)
            .and_then(|l| l.iter().find(|(s, _)| *s == story))
            .map_or(0.0, |&(_, w)| w)
    }

    /// Dot products of `v` with the stories sharing one of its key terms.
    /// A story that shares only incidental words is not about the same thing.
    fn dots(&self, v: &TermVector) -> FxHashMap<StoryId, f32> {
        let mut dots: FxHashMap<StoryId, f32> = FxHashMap::default();
        for (t, _) in v.top_terms(CANDIDATE_TERMS) {
            for &(s, c) in self.weights.get(&t).into_iter().flatten() {
                if c > 0.0 {
                    dots.insert(s, 0.0);
                }
            }
        }
        for &(t, w) in v.entries() {
            for &(s, c) in self.weights.get(&t).into_iter().flatten() {
                if let Some(dot) = dots.get_mut(&s) {
                    *dot += w * c;
                }
            }
        }
        dots
    }

    /// The most similar story to `v` (cosine with its centroid), skipping
    /// `exclude`.
    pub fn best(&self, v: &TermVector, exclude: Option<StoryId>) -> Option<(StoryId, f32)> {
        let mut best: Option<(StoryId, f32)> = None;
        for (s, dot) in self.dots(v) {
            if Some(s) == exclude {
                continue;
            }
            let norm2 = self.stories[&s].norm2;
            let sim = if norm2 > 0.0 { dot / norm2.sqrt() } else { 0.0 };
            if best.is_none_or(|(bs, b)| sim > b || (sim == b && s < bs)) {
                best = Some((s, sim));
            }
        }
        best
    }

    /// Cosine of a member with its own story's centroid, leaving the member out.
    pub fn cohesion(&self, story: StoryId, v: &TermVector) -> f32 {
        let Some(s) = self.stories.get(&story) else {
            return 0.0;
        };
        if s.members.len() <= 1 {
            return 0.0;
        }
        let dot: f32 = v
            .entries()
            .iter()
            .map(|&(t, w)| w * self.weight(t, story))
            .sum();
        // |c - v|² = |c|² - 2 c·v + |v|², with |v| = 1.
        let norm2 = s.norm2 - 2.0 * dot + 1.0;
        if norm2 <= 1e-6 {
            return 0.0;
        }
        (dot - 1.0) / norm2.sqrt()
    }

    pub fn members(&self, story: StoryId) -> &[DocId] {
        self.stories.get(&story).map_or(&[], |s| &s.members)
    }

    /// Adds `sign × v` to a story's centroid.
    fn shift(&mut self, story: StoryId, v: &TermVector, sign: f32) {
        let s = self.stories.entry(story).or_default();
        for &(t, w) in v.entries() {
            let w = sign * w;
            let list = self.weights.entry(t).or_default();
            let c = match list.iter_mut().find(|(x, _)| *x == story) {
                Some((_, c)) => c,
                None => {
                    list.push((story, 0.0));
                    s.terms.push(t);
                    &mut list.last_mut().expect("just pushed").1
                }
            };
            s.norm2 += 2.0 * *c * w + w * w;
            *c += w;
        }
        s.norm2 = s.norm2.max(0.0);
    }

    pub fn add(&mut self, story: StoryId, doc: DocId, v: &TermVector) {
        self.shift(story, v, 1.0);
        let s = self
            .stories
            .get_mut(&story)
            .expect("shift creates the story");
        s.members.push(doc);
    }

    /// Takes a member out of its story; the story goes when it is empty.
    pub fn remove(&mut self, story: StoryId, doc: DocId, v: &TermVector) {
        let Some(s) = self.stories.get_mut(&story) else {
            return;
        };
        s.members.retain(|&d| d != doc);
        if s.members.is_empty() {
            self.drop_story(story);
        } else {
            self.shift(story, v, -1.0);
        }
    }

    /// Recomputes a story's norm from its centroid, clearing the rounding
    /// that many small additions and removals leave behind.
    pub fn recompute_norm(&mut self, story: StoryId) {
        let Some(s) = self.stories.get(&story) else {
            return;
        };
        let norm2 = s.terms.iter().map(|&t| self.weight(t, story).powi(2)).sum();
        if let Some(s) = self.stories.get_mut(&story) {
            s.norm2 = norm2;
        }
    }

    /// Forgets a story and its centroid.
    pub fn drop_story(&mut self, story: StoryId) {
        let Some(s) = self.stories.remove(&story) else {
            return;
        };
        for t in s.terms {
            if let Some(list) = self.weights.get_mut(&t) {
                list.retain(|(x, _)| *x != story);
                if list.is_empty() {
                    self.weights.remove(&t);
                }
            }
        }
    }

    /// A story's centroid as a unit vector.
    pub fn centroid(&self, story: StoryId) -> TermVector {
        let Some(s) = self.stories.get(&story) else {
            return TermVector::default();
        };
        let mut entries: Vec<(TermId, f32)> = s
            .terms
            .iter()
            .map(|&t| (t, self.weight(t, story)))
            .filter(|(_, w)| *w > 1e-6)
            .collect();
        entries.sort_unstable_by_key(|&(t, _)| t);
        TermVector::normalized(entries)
    }
}
