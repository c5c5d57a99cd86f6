//! Online story clustering: each article joins the story whose centroid it is
//! most similar to, or starts a new one.
//!
//! A story's centroid is the sum of its members' unit TF-IDF vectors, kept
//! with its squared norm so that adding or removing a member costs that
//! member's terms, not the story's size. Centroid weights live in an inverted
//! index (term → stories holding it, with weights), so the similarity of an
//! article to every story sharing one of its terms is computed term by term
//! in one pass: stories with nothing in common are never looked at.
//!
//! With an embeddings model configured, a story also keeps the sum of its
//! members' embeddings. Terms still find a story's candidates and decide
//! whether an article is close enough to join one (the offline path stands
//! on its own, and a model's cosines have no threshold that holds across
//! models); among the stories close enough, the model picks the one the
//! article is about.

use rustc_hash::FxHashMap;
use tidings_text::{TermId, TermVector};

use crate::{DocId, Embedding, StoryId};

/// How many of an article's heaviest terms make a story a candidate.
const CANDIDATE_TERMS: usize = 12;

#[derive(Default)]
pub(crate) struct Story {
    /// Terms with a weight in the centroid (their weights are in the index).
    terms: Vec<TermId>,
    norm2: f32,
    pub members: Vec<DocId>,
    /// Sum of the members' embeddings, and how many members have one.
    embedding: Vec<f32>,
    embedded: usize,
}

impl Story {
    /// Adds `sign × e` to the embedding sum. An embedding of another length
    /// (another model) is left out.
    fn shift_embedding(&mut self, e: &[f32], sign: f32) {
        if self.embedded == 0 && sign > 0.0 {
            self.embedding = vec![0.0; e.len()];
        }
        if self.embedding.len() != e.len() || (sign < 0.0 && self.embedded == 0) {
            return;
        }
        for (s, x) in self.embedding.iter_mut().zip(e) {
            *s += sign * x;
        }
        if sign > 0.0 {
            self.embedded += 1;
        } else {
            self.embedded -= 1;
            if self.embedded == 0 {
                self.embedding.clear();
            }
        }
    }

    /// Cosine of `e` with the story's embeddings, `e` itself left out when
    /// it is a member's: `None` when nothing else in the story has one.
    fn embedding_cosine(&self, e: &[f32], member: bool) -> Option<f32> {
        let others = self.embedded.checked_sub(usize::from(member))?;
        if others == 0 || self.embedding.len() != e.len() {
            return None;
        }
        let own = if member { 1.0 } else { 0.0 };
        let (mut dot, mut norm2) = (0.0f32, 0.0f32);
        for (s, x) in self.embedding.iter().zip(e) {
            let rest = s - own * x;
            dot += rest * x;
            norm2 += rest * rest;
        }
        (norm2 > 1e-12).then(|| dot / norm2.sqrt())
    }
}

/// How well an article fits a story.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fit {
    pub story: StoryId,
    /// Cosine of the article's key terms with the story's centroid.
    pub terms: f32,
    /// Cosine of its embedding with the story's, when both have one.
    pub model: Option<f32>,
}

impl Fit {
    /// Whether `self` fits better than `other` by at least `margin`: by the
    /// model when both were measured by it, else by terms.
    pub fn beats(&self, other: &Fit, margin: f32) -> bool {
        match (self.model, other.model) {
            (Some(a), Some(b)) => a > b + margin,
            _ => self.terms > other.terms + margin,
        }
    }
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

    fn term_cosine(&self, story: StoryId, dot: f32) -> f32 {
        let norm2 = self.stories[&story].norm2;
        if norm2 > 0.0 { dot / norm2.sqrt() } else { 0.0 }
    }

    /// The story an article (key terms `v`, embedding `e`) belongs to, among
    /// those whose term cosine reaches `threshold`, skipping `exclude`: the
    /// closest by the model when the article and some of them have
    /// embeddings, else the closest by terms.
    pub fn best_fit(
        &self,
        v: &TermVector,
        e: Option<&Embedding>,
        exclude: Option<StoryId>,
        threshold: f32,
    ) -> Option<Fit> {
        let mut fits: Vec<Fit> = self
            .dots(v)
            .into_iter()
            .filter(|&(s, _)| Some(s) != exclude)
            .map(|(s, dot)| (s, self.term_cosine(s, dot)))
            .filter(|&(_, terms)| terms >= threshold)
            .map(|(story, terms)| Fit {
                story,
                terms,
                model: e.and_then(|e| self.stories[&story].embedding_cosine(e, false)),
            })
            .collect();
        // Ties go to the older story, so the choice does not depend on
        // the hash map's order.
        fits.sort_unstable_by_key(|f| f.story);
        let by_model = fits.iter().any(|f| f.model.is_some());
        fits.into_iter()
            .filter(|f| !by_model || f.model.is_some())
            .reduce(|best, f| {
                let better = match (f.model, best.model) {
                    (Some(a), Some(b)) => a > b,
                    _ => f.terms > best.terms,
                };
                if better { f } else { best }
            })
    }

    /// How well a member fits its own story, leaving it out.
    pub fn own_fit(&self, story: StoryId, v: &TermVector, e: Option<&Embedding>) -> Fit {
        Fit {
            story,
            terms: self.cohesion(story, v),
            model: e.and_then(|e| self.stories.get(&story)?.embedding_cosine(e, true)),
        }
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

    pub fn add(&mut self, story: StoryId, doc: DocId, v: &TermVector, e: Option<&Embedding>) {
        self.shift(story, v, 1.0);
        let s = self
            .stories
            .get_mut(&story)
            .expect("shift creates the story");
        s.members.push(doc);
        if let Some(e) = e {
            s.shift_embedding(e, 1.0);
        }
    }

    /// Takes a member out of its story; the story goes when it is empty.
    pub fn remove(&mut self, story: StoryId, doc: DocId, v: &TermVector, e: Option<&Embedding>) {
        let Some(s) = self.stories.get_mut(&story) else {
            return;
        };
        s.members.retain(|&d| d != doc);
        if s.members.is_empty() {
            self.drop_story(story);
        } else {
            if let Some(e) = e {
                s.shift_embedding(e, -1.0);
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(values: &[f32]) -> Embedding {
        let norm = values.iter().map(|x| x * x).sum::<f32>().sqrt();
        values.iter().map(|x| x / norm).collect()
    }

    fn terms(t: &[(TermId, f32)]) -> TermVector {
        TermVector::normalized(t.to_vec())
    }

    /// A member's own embedding is left out of its fit, and a member that
    /// leaves takes its embedding with it.
    #[test]
    fn story_embeddings_follow_their_members() {
        let mut clusterer = StoryClusterer::new();
        let v = terms(&[(1, 1.0)]);
        let (a, b) = (unit(&[1.0, 0.0]), unit(&[0.0, 1.0]));
        clusterer.add(7, 1, &v, Some(&a));
        assert_eq!(clusterer.own_fit(7, &v, Some(&a)).model, None, "alone");
        clusterer.add(7, 2, &v, Some(&b));
        let own = clusterer.own_fit(7, &v, Some(&a)).model.unwrap();
        assert!(own.abs() < 1e-6, "a against b alone: {own}");
        let fit = clusterer.best_fit(&v, Some(&a), None, 0.0).unwrap();
        assert!((fit.model.unwrap() - 0.5f32.sqrt()).abs() < 1e-6);
        clusterer.remove(7, 2, &v, Some(&b));
        let fit = clusterer.best_fit(&v, Some(&a), None, 0.0).unwrap();
        assert!((fit.model.unwrap() - 1.0).abs() < 1e-6, "{fit:?}");
        // An embedding of another model (length) is not compared.
        let other = unit(&[1.0, 0.0, 0.0]);
        assert_eq!(
            clusterer
                .best_fit(&v, Some(&other), None, 0.0)
                .unwrap()
                .model,
            None
        );
    }

    /// Among stories close enough by terms, those the model can measure
    /// come first; the threshold on terms always holds.
    #[test]
    fn the_model_ranks_only_what_terms_let_in() {
        let mut clusterer = StoryClusterer::new();
        let e = unit(&[1.0, 0.0]);
        clusterer.add(1, 1, &terms(&[(1, 1.0), (2, 1.0)]), None);
        clusterer.add(2, 2, &terms(&[(1, 1.0), (3, 3.0)]), Some(&e));
        clusterer.add(3, 3, &terms(&[(4, 1.0)]), Some(&e));
        let v = terms(&[(1, 1.0), (2, 1.0)]);
        let fit = clusterer.best_fit(&v, Some(&e), None, 0.1).unwrap();
        assert_eq!(fit.story, 2, "measured by the model: {fit:?}");
        assert_eq!(clusterer.best_fit(&v, None, None, 0.1).unwrap().story, 1);
        assert_eq!(
            clusterer.best_fit(&v, Some(&e), None, 0.9).unwrap().story,
            1
        );
    }
}
