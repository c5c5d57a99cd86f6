//! Explanations of articles and stories that never say more than the
//! sources: every highlight and every answer is a sentence the source wrote.
//!
//! - [`Highlighter`] picks 3–4 clean, central, non-redundant sentences of an
//!   article, or of the several outlets covering a story.
//! - [`Answerer`] answers a question with the sources' sentences that bear
//!   on it, each cited, or says the sources do not say.
//! - [`Tagger`] names the people, organisations and places an article is
//!   about, and its keywords.
//! - [`llm`] rewords retrieved passages through an optional OpenAI-compatible
//!   model, and refuses any answer its citations do not support.
//! - [`sentences::Candidate`] is a sentence fit to be shown on its own: no
//!   bylines, timestamps, captions or calls to click.

mod answer;
mod highlights;
pub mod llm;
pub mod sentences;
mod tags;

pub use answer::{ANSWER_SENTENCES, Answerer, Cited, Passage, Unanswered};
pub use highlights::{HighlightConfig, Highlighter, StoryHighlight, StorySource};
pub use tags::{Tag, TagKind, Tagger};
