//! Article extraction: from a page's HTML (any encoding) and its URL to the
//! article — main text, title, authors, dates, lead image, site name,
//! canonical URL and language.
//!
//! Metadata comes from JSON-LD, OpenGraph, Twitter cards and meta tags,
//! reconciled by a fixed order of trust; the main text from scoring the
//! page's blocks by their prose (text length, commas) against their links
//! and their class names, then taking the best block with its prose-like
//! siblings.

mod content;
mod decode;
mod metadata;
mod sanitize;
mod text;

pub use sanitize::sanitize_html;
pub use text::html_to_text;

use chrono::{DateTime, Utc};
use scraper::Html;
use serde::Serialize;
use url::Url;

/// Deeper nesting than this is cut off before parsing (see
/// `decode::limit_depth`).
const MAX_DEPTH: usize = 1_000;

/// What a page holds, as far as it could be told.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Extracted {
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<DateTime<Utc>>,
    pub modified: Option<DateTime<Utc>>,
    pub lead_image: Option<String>,
    pub site_name: Option<String>,
    pub canonical_url: Option<String>,
    pub language: Option<String>,
    /// The article's text, one block (paragraph, heading, list item) a line.
    pub text: String,
    /// The article's body as sanitized HTML: paragraphs, headings, lists,
    /// quotes, tables, figures and in-body links, with absolute URLs.
    pub html: String,
    pub word_count: usize,
}

/// Extracts the article from `html`, fetched from `url` (relative links
/// and images resolve against it).
pub fn extract(html: &[u8], url: Option<&Url>) -> Extracted {
    let text = decode::to_utf8(html);
    let document = Html::parse_document(decode::limit_depth(&text, MAX_DEPTH));
    let (meta, article_body) = metadata::read(&document, url);
    let content::MainContent { mut text, mut html } =
        content::main_content(&document, meta.title.as_deref());
    // Pages rendered by script often carry their text only in JSON-LD.
    if let Some(article_body) = article_body
        && text.chars().count() < 200
        && article_body.chars().count() > text.chars().count()
    {
        html = article_body
            .split('\n')
            .filter(|p| !p.trim().is_empty())
            .map(|p| format!("<p>{}</p>", sanitize::escape(p.trim())))
            .collect();
        text = article_body;
    }
    Extracted {
        word_count: text.split_whitespace().count(),
        text,
        html: sanitize_html(&html, url),
        ..meta
    }
}
