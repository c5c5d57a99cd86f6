//! Stories from a stream of articles, online and in bounded memory.
//!
//! [`StoryEngine::place`] takes each article as it arrives and says which
//! near-duplicate group it folds into ([`dedup`]), which story it belongs to
//! ([`cluster`]) and which earlier articles are related to it ([`related`]).
//! Everything lives inside a time window: articles and stories older than the
//! window are forgotten, so a year of news needs no more memory than a week.
//!
//! This crate knows no SQL and no HTTP: the application restores it from the
//! store at start ([`StoryEngine::restore`]) and writes its placements back.

pub mod cluster;
pub mod dedup;
mod document;
mod engine;
pub mod input;
pub mod related;

pub use document::{DocId, Document, Embedding, StoryId};
pub use engine::{BatchOutcome, EngineConfig, Move, Placement, StoryEngine};
