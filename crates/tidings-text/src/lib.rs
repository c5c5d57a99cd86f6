//! Text analysis for tidings, in one place: the story clusterer, near-duplicate
//! folding, related articles and search all see words the same way.
//!
//! - [`Analyzer`] turns text into index terms (folded, lower-cased, stop words
//!   dropped, stemmed) and into plain words for shingling.
//! - [`shingles`] hashes word n-grams for near-duplicate detection.
//! - [`Vocabulary`] interns terms and keeps document frequencies; [`TermVector`]
//!   is a sparse TF-IDF vector with cosine similarity.
//! - [`sentences`] splits running text into sentences.
//! - [`repair_mojibake`] decodes text that was encoded as UTF-8 twice
//!   (pages and feeds both carry it); [`encoding`] reads what bytes say of
//!   their encoding, and guesses it when they say nothing.

mod analyzer;
pub mod encoding;
mod mojibake;
mod sentence;
mod shingle;
mod stopwords;
mod vector;

pub use analyzer::Analyzer;
pub use mojibake::repair_mojibake;
pub use sentence::sentences;
pub use shingle::shingles;
pub use stopwords::is_stop_word;
pub use vector::{TermId, TermVector, Vocabulary, count_terms};
