//! Explanations of articles and stories that never say more than the
//! sources: every highlight and every answer is a sentence the source wrote.
//!
//! - [`Highlighter`] picks 3–4 clean, central, non-redundant sentences of an
//!   article, or of the several outlets covering a story.
//! - [`sentences::Candidate`] is a sentence fit to be shown on its own: no
//!   bylines, timestamps, captions or calls to click.

mod highlights;
pub mod sentences;

pub use highlights::{HighlightConfig, Highlighter, StoryHighlight, StorySource};
