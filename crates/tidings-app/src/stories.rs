//! Stories during ingestion: new articles are folded with their copies,
//! placed in stories and linked to related coverage by the story engine, in
//! batches, as soon as their text is final (after extraction).
//!
//! The engine keeps its window in memory, so one node at a time runs it,
//! under a lease in the database. A node that takes the lease over (or finds
//! that an operator edited stories) reloads the window from the store first.

use std::collections::BTreeSet;

use tidings_ai::{Highlighter, Tagger};
use tidings_core::{ArticleId, StoryId, StoryInput, StoryPlacement};
use tidings_store::{ArticleTag, StoryBatch};
use tidings_stories::{Document, StoryEngine};
use tokio_util::sync::CancellationToken;

use crate::{App, Result};

/// The lease under which one node runs the story engine.
pub(crate) const STORY_LEASE: &str = "story-engine";
/// Articles placed per batch (one transaction each).
const BATCH: i64 = 500;

/// The engine and the lease generation its memory matches.
#[derive(Default)]
pub(crate) struct EngineSlot {
    engine: Option<StoryEngine>,
    generation: Option<i64>,
}

/// What a pass of the story engine did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StorySummary {
    pub placed: usize,
    pub moved: usize,
    /// Whether this node reloaded the window from the store first.
    pub reloaded: bool,
}

/// Inputs sent to the embeddings endpoint per call.
const EMBED_BATCH: usize = 64;
/// Characters of an article sent to be embedded (headline, then body): about
/// 500 tokens, within every embedding model's limit.
const EMBED_CHARS: usize = 2_000;

/// The engine's view of a stored article; its embedding only when the
/// configured model (`model`) made it.
fn document(input: &StoryInput, model: Option<&str>) -> Document {
    let body = match (&input.text, input.text_is_html) {
        (Some(html), true) => tidings_extract::html_to_text(html),
        (Some(text), false) => text.clone(),
        (None, _) => String::new(),
    };
    Document {
        id: input.id.0 as u64,
        ts: input.sort_at.timestamp(),
        title: input.title.clone().unwrap_or_default(),
        body,
        publisher: Some(input.source_name.clone()),
        embedding: input
            .embedding
            .as_ref()
            .filter(|(_, made_by)| Some(made_by.as_str()) == model)
            .map(|(vector, _)| vector.as_slice().into()),
    }
}

/// What is sent to be embedded: the headline and the start of the body,
/// what related articles are about.
fn embedding_text(doc: &Document) -> String {
    let mut text = doc.title.clone();
    text.push_str("\n\n");
    text.push_str(&doc.body);
    match text.char_indices().nth(EMBED_CHARS) {
        Some((end, _)) => text[..end].to_owned(),
        None => text,
    }
}

impl App {
    /// Places every article whose text is final and that has no story yet,
    /// until none is left or `stop` fires. Does nothing while another node
    /// holds the engine's lease.
    pub async fn place_stories(&self, stop: &CancellationToken) -> Result<StorySummary> {
        let mut slot = self.stories.lock().await;
        let mut summary = StorySummary::default();
        while !stop.is_cancelled() {
            let now = self.clock.now();
            let Some(generation) = self
                .store
                .acquire_lease(
                    STORY_LEASE,
                    &self.worker_id,
                    now,
                    now + self.config.lease,
                    self.ids.next(now),
                )
                .await?
            else {
                break;
            };
            if slot.generation != Some(generation) || slot.engine.is_none() {
                slot.engine = Some(self.reload_engine().await?);
                slot.generation = Some(generation);
                summary.reloaded = true;
            }
            let inputs = self.store.unplaced_articles(BATCH).await?;
            if inputs.is_empty() {
                break;
            }
            // Turning HTML into text is CPU work: off the async threads.
            let model = self.embedding_model();
            let mut docs = tokio::task::spawn_blocking(move || {
                inputs
                    .iter()
                    .map(|input| document(input, model.as_deref()))
                    .collect::<Vec<Document>>()
            })
            .await
            .map_err(|e| crate::AppError::Invalid(format!("story engine stopped: {e}")))?;
            self.embed(&mut docs).await;
            let mut engine = slot.engine.take().expect("loaded above");
            let (engine, batch) = tokio::task::spawn_blocking(move || {
                let batch = decide(&mut engine, &docs);
                (engine, batch)
            })
            .await
            .map_err(|e| crate::AppError::Invalid(format!("story engine stopped: {e}")))?;
            slot.engine = Some(engine);
            if let Err(error) = self.store.record_story_batch(&batch).await {
                // The engine already believes this batch: start over from
                // what the store holds.
                slot.generation = None;
                return Err(error.into());
            }
            summary.placed += batch.placements.len();
            summary.moved += batch.moves.len();
            self.coverage_cache.clear();
        }
        Ok(summary)
    }

    /// The configured embeddings model's name, if any.
    fn embedding_model(&self) -> Option<String> {
        self.embedder.as_ref().map(|e| e.model().to_owned())
    }

    /// Gives each document without an embedding of the configured model
    /// one, and records them. A failure leaves them without: the engine
    /// then relates them by their terms alone, as with no model.
    async fn embed(&self, docs: &mut [Document]) {
        let Some(embedder) = &self.embedder else {
            return;
        };
        let wanted: Vec<usize> = (0..docs.len())
            .filter(|&i| docs[i].embedding.is_none())
            .collect();
        for positions in wanted.chunks(EMBED_BATCH) {
            let texts: Vec<String> = positions
                .iter()
                .map(|&i| embedding_text(&docs[i]))
                .collect();
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let vectors = match embedder.embed(&refs).await {
                Ok(vectors) => vectors,
                Err(error) => {
                    tracing::warn!(%error, "embeddings unavailable; relating by terms");
                    return;
                }
            };
            let records: Vec<(ArticleId, &[f32])> = positions
                .iter()
                .zip(&vectors)
                .map(|(&i, v)| (ArticleId(docs[i].id as i64), v.as_slice()))
                .collect();
            if let Err(error) = self.store.set_embeddings(embedder.model(), &records).await {
                tracing::warn!(%error, "could not record embeddings");
            }
            for (&i, vector) in positions.iter().zip(vectors) {
                docs[i].embedding = Some(vector.into());
            }
        }
    }

    /// Gives the story engine's lease up (a stopping worker), so another
    /// node can take over at once.
    pub async fn release_story_lease(&self) {
        if let Err(error) = self.store.release_lease(STORY_LEASE, &self.worker_id).await {
            tracing::warn!(%error, "could not release the story engine's lease");
        }
    }

    /// Rebuilds the engine's window from the articles placed in it.
    async fn reload_engine(&self) -> Result<StoryEngine> {
        let mut engine = StoryEngine::default();
        let window = chrono::TimeDelta::seconds(engine.config().window_secs);
        let limit = engine.config().max_docs as i64;
        let placed = self
            .store
            .placed_articles_since(self.clock.now() - window, limit)
            .await?;
        let count = placed.len();
        let model = self.embedding_model();
        let engine = tokio::task::spawn_blocking(move || {
            for (input, placement, pinned) in &placed {
                engine.restore(
                    &document(input, model.as_deref()),
                    placement.story.0 as u64,
                    placement.group.0 as u64,
                    *pinned,
                );
            }
            engine
        })
        .await
        .map_err(|e| crate::AppError::Invalid(format!("story engine stopped: {e}")))?;
        tracing::info!(articles = count, "story engine loaded its window");
        Ok(engine)
    }
}

/// Runs the engine over a batch and turns its decisions into what the store
/// records.
fn decide(engine: &mut StoryEngine, docs: &[Document]) -> StoryBatch {
    let outcome = engine.place_batch(docs);
    let id = |d: u64| ArticleId(d as i64);
    let mut touched: BTreeSet<u64> = BTreeSet::new();
    let mut batch = StoryBatch {
        search_texts: docs
            .iter()
            .filter(|d| !d.body.is_empty())
            .map(|d| (id(d.id), d.body.clone()))
            .collect(),
        highlights: highlights(docs),
        tags: tags(docs),
        ..StoryBatch::default()
    };
    for p in &outcome.placements {
        touched.insert(p.story);
        batch.placements.push(StoryPlacement {
            article: id(p.doc),
            story: StoryId(p.story as i64),
            group: id(p.group),
        });
        batch.related.extend(
            p.related
                .iter()
                .map(|&(r, score)| (id(p.doc), id(r), f64::from(score))),
        );
    }
    for m in &outcome.moves {
        touched.insert(m.from);
        touched.insert(m.to);
        batch.moves.push((id(m.doc), StoryId(m.to as i64)));
    }
    for story in touched {
        if let Some(lead) = engine.representative(story) {
            batch.leads.push((StoryId(story as i64), id(lead)));
        }
    }
    batch
}

/// The highlights of each article of a batch, from its final text.
fn highlights(docs: &[Document]) -> Vec<(ArticleId, Vec<String>)> {
    let highlighter = Highlighter::default();
    docs.iter()
        .map(|d| {
            (
                ArticleId(d.id as i64),
                highlighter.article(&d.title, &d.body),
            )
        })
        .filter(|(_, h)| !h.is_empty())
        .collect()
}

/// The tags of each article of a batch.
fn tags(docs: &[Document]) -> Vec<(ArticleId, Vec<ArticleTag>)> {
    let tagger = Tagger::default();
    docs.iter()
        .map(|d| {
            let tags = tagger
                .tags(&d.title, &d.body)
                .into_iter()
                .map(|t| ArticleTag {
                    kind: t.kind.as_str().to_owned(),
                    key: t.key,
                    label: t.label,
                })
                .collect::<Vec<_>>();
            (ArticleId(d.id as i64), tags)
        })
        .filter(|(_, t)| !t.is_empty())
        .collect()
}
