//! What the engine is told about an article, and what it reads from it.

use tidings_text::{Analyzer, TermId, Vocabulary, count_terms, shingles};

/// An article's id, as the store numbers it (time-ordered).
pub type DocId = u64;
/// A story's id: the id of the article that started it.
pub type StoryId = u64;
/// An article's embedding from the configured model, at unit length.
pub type Embedding = std::sync::Arc<[f32]>;

/// An article as the engine sees it.
#[derive(Clone, Debug, Default)]
pub struct Document {
    pub id: DocId,
    /// When it was published (unix seconds); stories age by this clock.
    pub ts: i64,
    pub title: String,
    /// Plain text of the body (or of the feed summary when that is all there is).
    pub body: String,
    pub publisher: Option<String>,
    /// From the embeddings endpoint, when one is configured: it chooses
    /// among the stories terms let the article join, and orders related
    /// articles.
    pub embedding: Option<Embedding>,
}

/// Words of the body that describe the story: the lead says what happened, the
/// rest of a long article mostly adds background that blurs the topic.
const LEAD_WORDS: usize = 90;
/// A headline term counts as much as this many body mentions.
const TITLE_WEIGHT: f32 = 2.0;
/// Word n-gram length for near-duplicate fingerprints.
const SHINGLE_WORDS: usize = 4;
/// One shingle in `SAMPLE_MODULUS` is kept (by hash, so two copies keep the same ones).
const SAMPLE_MODULUS: u64 = 4;
const MAX_SKETCH: usize = 512;

/// The analysed form of a document.
pub(crate) struct Features {
    /// Term counts (headline terms weighted up), sorted by term.
    pub counts: Vec<(TermId, f32)>,
    /// Sampled shingle hashes of the body in text order, each once: the
    /// near-duplicate fingerprint.
    pub sketch: Vec<u64>,
}

impl Features {
    pub fn of(doc: &Document, analyzer: &Analyzer, vocabulary: &mut Vocabulary) -> Self {
        let title_words = analyzer.words(&doc.title);
        let body_words = analyzer.words(&doc.body);
        let mut terms = Vec::new();
        for w in &title_words {
            if let Some(t) = analyzer.term(w) {
                terms.push((vocabulary.intern(&t), TITLE_WEIGHT));
            }
        }
        for w in body_words.iter().take(LEAD_WORDS) {
            if let Some(t) = analyzer.term(w) {
                terms.push((vocabulary.intern(&t), 1.0));
            }
        }
        let dup_words = if body_words.is_empty() {
            &title_words
        } else {
            &body_words
        };
        let mut seen = rustc_hash::FxHashSet::default();
        let sketch: Vec<u64> = shingles(dup_words, SHINGLE_WORDS)
            .into_iter()
            .filter(|h| h % SAMPLE_MODULUS == 0 && seen.insert(*h))
            .take(MAX_SKETCH)
            .collect();
        Self {
            counts: count_terms(terms),
            sketch,
        }
    }

    pub fn term_ids(&self) -> impl Iterator<Item = TermId> + '_ {
        self.counts.iter().map(|&(t, _)| t)
    }
}
