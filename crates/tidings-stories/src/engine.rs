//! The story engine: folding, clustering and related coverage over a window.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap;
use tidings_text::{Analyzer, TermId, TermVector, Vocabulary};

use crate::cluster::StoryClusterer;
use crate::dedup::{DEFAULT_CONTAINMENT, DupIndex};
use crate::document::Features;
use crate::related::RelatedIndex;
use crate::{DocId, Document, Embedding, StoryId};

/// The engine's settings. The defaults are the product's: the benchmarks and
/// ingestion run with them, and nothing is tuned per dataset.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Cosine with a story's centroid needed to join it.
    pub join_threshold: f32,
    /// Cosine between two stories' centroids at which they are one story.
    pub merge_threshold: f32,
    /// Near-duplicate containment threshold (see [`crate::dedup`]).
    pub containment: f32,
    /// Articles older than this (behind the newest one) leave the window:
    /// their stories stop growing and the engine forgets them.
    pub window_secs: i64,
    /// Upper bound on articles held, whatever the window says.
    pub max_docs: usize,
    /// Re-examine the newest assignments after this many new articles...
    pub refine_every: usize,
    /// ...looking at this many of the newest articles...
    pub refine_scope: usize,
    /// ...of which those this recent (behind the newest) are always examined.
    pub open_secs: i64,
    /// Related articles kept per article.
    pub related: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            join_threshold: 0.1,
            merge_threshold: 0.25,
            containment: DEFAULT_CONTAINMENT,
            window_secs: 3 * 24 * 3600,
            max_docs: 200_000,
            refine_every: 500,
            refine_scope: 10_000,
            open_secs: 6 * 3600,
            related: 10,
        }
    }
}

/// Where an article went.
#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    pub doc: DocId,
    /// Its near-duplicate group: the id of the first copy seen.
    pub group: DocId,
    pub story: StoryId,
    /// Earlier articles of the window most related to it, best first, with scores.
    pub related: Vec<(DocId, f32)>,
}

/// What a batch of new articles did: where each went, and which earlier
/// articles changed story when the window was re-examined.
#[derive(Clone, Debug, Default)]
pub struct BatchOutcome {
    pub placements: Vec<Placement>,
    pub moves: Vec<Move>,
}

impl BatchOutcome {
    /// Where each of the documents numbered `1..=n` (stream positions, as
    /// [`crate::input`] numbers them) ended: its story after every move,
    /// and its near-duplicate group.
    pub fn final_labels(&self, n: usize) -> (Vec<StoryId>, Vec<DocId>) {
        let slot = |doc: DocId| (doc - 1) as usize;
        let mut stories = vec![0; n];
        let mut groups = vec![0; n];
        for p in &self.placements {
            stories[slot(p.doc)] = p.story;
            groups[slot(p.doc)] = p.group;
        }
        for m in &self.moves {
            stories[slot(m.doc)] = m.to;
        }
        (stories, groups)
    }
}

/// An article that changed story when the window was re-examined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Move {
    pub doc: DocId,
    pub from: StoryId,
    pub to: StoryId,
}

struct DocState {
    ts: i64,
    counts: Vec<(TermId, f32)>,
    /// The vector this document added to its story's centroid.
    vector: TermVector,
    embedding: Option<Embedding>,
    story: StoryId,
    group: DocId,
    /// Placed by an operator: refinement leaves it where it is.
    pinned: bool,
    /// Admission order, to tell what arrived since the last refinement.
    seq: u64,
}

pub struct StoryEngine {
    config: EngineConfig,
    analyzer: Analyzer,
    vocabulary: Vocabulary,
    dedup: DupIndex,
    clusterer: StoryClusterer,
    related: RelatedIndex,
    docs: FxHashMap<DocId, DocState>,
    order: BTreeSet<(i64, DocId)>,
    newest: i64,
    since_refine: usize,
    pending_moves: Vec<Move>,
    /// Admissions so far, and how many of them refinement has seen.
    seq: u64,
    refined_through: u64,
    /// Stories that gained or lost articles since the last refinement.
    changed_stories: rustc_hash::FxHashSet<StoryId>,
}

impl Default for StoryEngine {
    fn default() -> Self {
        Self::new(EngineConfig::default())
    }
}

impl StoryEngine {
    pub fn new(config: EngineConfig) -> Self {
        Self {
            dedup: DupIndex::new(config.containment),
            config,
            analyzer: Analyzer::english(),
            vocabulary: Vocabulary::new(),
            clusterer: StoryClusterer::new(),
            related: RelatedIndex::default(),
            docs: FxHashMap::default(),
            order: BTreeSet::new(),
            newest: i64::MIN,
            since_refine: 0,
            pending_moves: Vec::new(),
            seq: 0,
            refined_through: 0,
            changed_stories: Default::default(),
        }
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Articles held in the window.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    pub fn story_of(&self, doc: DocId) -> Option<StoryId> {
        self.docs.get(&doc).map(|d| d.story)
    }

    pub fn group_of(&self, doc: DocId) -> Option<DocId> {
        self.docs.get(&doc).map(|d| d.group)
    }

    /// Places a new article: its near-duplicate group, its story, its related
    /// articles. An article already placed is placed again from scratch.
    pub fn place(&mut self, doc: &Document) -> Placement {
        self.forget(doc.id);
        let features = Features::of(doc, &self.analyzer, &mut self.vocabulary);
        self.vocabulary.add_document(features.term_ids());
        let vector = self.key_vector(&features.counts);

        let copy_of = self.dedup.find(&features.sketch).map(|(d, _)| d);
        let (group, story) = match copy_of.and_then(|d| self.docs.get(&d)) {
            Some(original) => (original.group, original.story),
            None => {
                let story = self
                    .clusterer
                    .best_fit(
                        &vector,
                        doc.embedding.as_ref(),
                        None,
                        self.config.join_threshold,
                    )
                    .map_or(doc.id, |fit| fit.story);
                (doc.id, story)
            }
        };
        let embedding = doc.embedding.clone();
        self.admit(
            doc.id, doc.ts, features, vector, embedding, story, group, false,
        );
        let related = self.related_to(doc.id, self.config.related);
        self.after_admit();
        Placement {
            doc: doc.id,
            group,
            story,
            related,
        }
    }

    /// Puts back an article placed before (at start-up, from the store),
    /// without deciding anything: the engine resumes where it stopped.
    pub fn restore(&mut self, doc: &Document, story: StoryId, group: DocId, pinned: bool) {
        self.forget(doc.id);
        let features = Features::of(doc, &self.analyzer, &mut self.vocabulary);
        self.vocabulary.add_document(features.term_ids());
        let vector = self.key_vector(&features.counts);
        let embedding = doc.embedding.clone();
        self.admit(
            doc.id, doc.ts, features, vector, embedding, story, group, pinned,
        );
        // Placed before: not news to refinement.
        self.refined_through = self.seq;
        self.changed_stories.remove(&story);
        self.evict();
    }

    /// An operator moved an article: it stays in `story` from now on.
    pub fn pin(&mut self, doc: DocId, story: StoryId) {
        let Some(state) = self.docs.get_mut(&doc) else {
            return;
        };
        state.pinned = true;
        let from = state.story;
        if from != story {
            state.story = story;
            self.clusterer
                .remove(from, doc, &state.vector, state.embedding.as_ref());
            self.clusterer
                .add(story, doc, &state.vector, state.embedding.as_ref());
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn admit(
        &mut self,
        id: DocId,
        ts: i64,
        features: Features,
        vector: TermVector,
        embedding: Option<Embedding>,
        story: StoryId,
        group: DocId,
        pinned: bool,
    ) {
        self.clusterer.add(story, id, &vector, embedding.as_ref());
        self.changed_stories.insert(story);
        self.related.insert(id, &vector, embedding.clone());
        self.dedup.insert(id, features.sketch, group);
        self.order.insert((ts, id));
        self.newest = self.newest.max(ts);
        self.seq += 1;
        self.docs.insert(
            id,
            DocState {
                ts,
                counts: features.counts,
                vector,
                embedding,
                story,
                group,
                pinned,
                seq: self.seq,
            },
        );
    }

    fn after_admit(&mut self) {
        self.evict();
        self.since_refine += 1;
        if self.since_refine >= self.config.refine_every {
            let moves = self.refine();
            self.pending_moves.extend(moves);
        }
    }

    /// Removes a document from every index.
    fn forget(&mut self, id: DocId) {
        let Some(state) = self.docs.remove(&id) else {
            return;
        };
        self.order.remove(&(state.ts, id));
        self.clusterer
            .remove(state.story, id, &state.vector, state.embedding.as_ref());
        self.related.remove(id);
        self.dedup.remove(id);
        self.vocabulary
            .remove_document(state.counts.iter().map(|&(t, _)| t));
    }

    /// Drops what fell out of the window (by time, then by count).
    fn evict(&mut self) {
        let cutoff = self.newest.saturating_sub(self.config.window_secs);
        while let Some(&(ts, id)) = self.order.first() {
            if ts >= cutoff && self.order.len() <= self.config.max_docs {
                break;
            }
            self.forget(id);
        }
    }

    /// Places a batch of new articles in order, then re-examines the window.
    /// Ingestion calls this for each batch it claims; the CLI for its whole
    /// input: one code path.
    pub fn place_batch(&mut self, docs: &[Document]) -> BatchOutcome {
        let placements = docs.iter().map(|d| self.place(d)).collect();
        let mut moves = self.take_moves();
        if self.since_refine > 0 {
            moves.extend(self.refine());
        }
        BatchOutcome { placements, moves }
    }

    /// The member closest to the centre of its story: the representative
    /// headline. Copies of one text count as one.
    pub fn representative(&self, story: StoryId) -> Option<DocId> {
        let centroid = self.clusterer.centroid(story);
        self.clusterer
            .members(story)
            .iter()
            .filter(|d| self.docs[d].group == **d)
            .map(|&d| (d, self.docs[&d].vector.cosine(&centroid)))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(d, _)| d)
    }

    fn key_vector(&self, counts: &[(TermId, f32)]) -> TermVector {
        key_vector(&self.vocabulary, counts)
    }

    /// Moves made by refinement since the last call, for the store to follow.
    pub fn take_moves(&mut self) -> Vec<Move> {
        std::mem::take(&mut self.pending_moves)
    }

    /// The articles of the window most related to `doc`, best first: first
    /// the rest of its story, then other stories, never its own copies.
    /// Ranking weighs similarity and, gently, recency.
    pub fn related_to(&self, doc: DocId, k: usize) -> Vec<(DocId, f32)> {
        let Some(me) = self.docs.get(&doc) else {
            return Vec::new();
        };
        let window = self.config.window_secs.max(1) as f32;
        self.related.rank(doc, k, |other, cos| {
            let o = self.docs.get(&other)?;
            if other == doc || o.group == me.group || cos <= 0.0 {
                return None;
            }
            let same_story = if o.story == me.story { 1.0 } else { 0.0 };
            let age = (me.ts - o.ts).unsigned_abs() as f32 / window;
            Some(same_story + cos / (1.0 + 0.25 * age))
        })
    }

    /// Re-examines the newest articles with today's term weights: articles that now
    /// fit another story better move there, and stories that turned out to be
    /// one are merged (into the older). Operators' placements stay put.
    pub fn refine(&mut self) -> Vec<Move> {
        self.since_refine = 0;
        // The newest articles are the ones whose placement may still be
        // wrong: early in a story, or weighed before its words were known.
        let skip = self.order.len().saturating_sub(self.config.refine_scope);
        let ids: Vec<DocId> = self.order.iter().skip(skip).map(|&(_, id)| id).collect();
        // Re-weigh with today's frequencies. Examined again: recent articles
        // (their placement is still open), articles placed since the last
        // look, articles of stories that changed since, and articles whose
        // weights really changed. Once the vocabulary has settled, that is
        // the last hours and the live stories, not the whole window.
        let horizon = self.newest.saturating_sub(self.config.open_secs);
        let mut examine: Vec<DocId> = Vec::new();
        for id in &ids {
            let state = self.docs.get_mut(id).expect("ordered docs are held");
            let vector = key_vector(&self.vocabulary, &state.counts);
            let fresh = state.seq > self.refined_through;
            let story_changed = self.changed_stories.contains(&state.story);
            let recent = state.ts >= horizon;
            if !fresh && !recent && !story_changed && vector.cosine(&state.vector) >= SETTLED {
                continue;
            }
            let embedding = state.embedding.as_ref();
            self.clusterer
                .remove(state.story, *id, &state.vector, embedding);
            self.clusterer.add(state.story, *id, &vector, embedding);
            self.related.remove(*id);
            self.related.insert(*id, &vector, state.embedding.clone());
            state.vector = vector;
            examine.push(*id);
        }
        self.refined_through = self.seq;
        self.changed_stories.clear();
        let ids = examine;
        let mut touched: Vec<StoryId> = ids.iter().map(|id| self.docs[id].story).collect();
        touched.sort_unstable();
        touched.dedup();
        for &story in &touched {
            self.clusterer.recompute_norm(story);
        }
        let mut moves = Vec::new();
        for id in &ids {
            let state = &self.docs[id];
            if state.pinned || state.group != *id {
                continue;
            }
            let embedding = state.embedding.as_ref();
            let own = self
                .clusterer
                .own_fit(state.story, &state.vector, embedding);
            let to = self
                .clusterer
                .best_fit(
                    &state.vector,
                    embedding,
                    Some(state.story),
                    self.config.join_threshold,
                )
                .filter(|best| best.beats(&own, MOVE_MARGIN))
                .map(|best| best.story);
            if let Some(to) = to {
                let from = state.story;
                let group: Vec<DocId> = self
                    .clusterer
                    .members(from)
                    .iter()
                    .copied()
                    .filter(|d| self.docs[d].group == *id)
                    .collect();
                for d in group {
                    self.move_doc(d, to);
                    moves.push(Move { doc: d, from, to });
                }
            }
        }
        let mut stories: Vec<StoryId> = ids.iter().map(|id| self.docs[id].story).collect();
        stories.sort_unstable();
        stories.dedup();
        for story in stories {
            if self.clusterer.members(story).is_empty() || self.has_pinned(story) {
                continue;
            }
            let centroid = self.clusterer.centroid(story);
            let Some(other) = self
                .clusterer
                .best_fit(&centroid, None, Some(story), self.config.merge_threshold)
                .map(|fit| fit.story)
            else {
                continue;
            };
            if self.has_pinned(other) {
                continue;
            }
            let (into, from) = (story.min(other), story.max(other));
            for d in self.clusterer.members(from).to_vec() {
                self.move_doc(d, into);
                moves.push(Move {
                    doc: d,
                    from,
                    to: into,
                });
            }
        }
        moves
    }

    fn move_doc(&mut self, doc: DocId, to: StoryId) {
        let state = self.docs.get_mut(&doc).expect("moved docs are held");
        let from = std::mem::replace(&mut state.story, to);
        self.clusterer
            .remove(from, doc, &state.vector, state.embedding.as_ref());
        self.clusterer
            .add(to, doc, &state.vector, state.embedding.as_ref());
        self.changed_stories.insert(from);
        self.changed_stories.insert(to);
    }

    fn has_pinned(&self, story: StoryId) -> bool {
        self.clusterer
            .members(story)
            .iter()
            .any(|d| self.docs[d].pinned)
    }
}

/// Terms an article is known by (a headline and a lead have fewer).
const KEY_TERMS: usize = 25;

/// An article's key terms: its heaviest TF-IDF terms, as a unit vector.
/// Long articles carry a background of common words that, summed over a
/// big story, would make its centroid look like every article; keeping the
/// key terms keeps stories about who, what and where.
fn key_vector(vocabulary: &Vocabulary, counts: &[(TermId, f32)]) -> TermVector {
    let full = vocabulary.weigh(counts);
    if full.entries().len() <= KEY_TERMS {
        return full;
    }
    let mut top = full.top_terms(KEY_TERMS);
    top.sort_unstable_by_key(|&(t, _)| t);
    TermVector::normalized(top)
}

/// An article whose re-weighed vector is this close to the one it was
/// placed with has nothing new to say.
const SETTLED: f32 = 0.99;

/// How much closer another story must be before refinement moves an article:
/// without a margin, articles between two stories would flap.
const MOVE_MARGIN: f32 = 0.05;
