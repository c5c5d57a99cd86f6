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
mod dates;
mod decode;
mod metadata;
mod rules;
mod sanitize;
mod text;

pub use rules::{RuleError, SiteRule, SiteRules};
pub use sanitize::sanitize_html;
pub use text::html_to_text;

use chrono::{DateTime, FixedOffset};
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
    /// Dates keep the page's own UTC offset: the day a reader sees is the
    /// day in the publisher's time zone.
    pub published: Option<DateTime<FixedOffset>>,
    pub modified: Option<DateTime<FixedOffset>>,
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
    /// How the body was found: by the heuristics, or by the site's rule.
    pub method: BodyMethod,
}

/// How an article body was found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyMethod {
    #[default]
    Heuristics,
    /// An operator's per-site rule named the body (`keep` selectors).
    Rules,
}

/// Extracts the article from `html`, fetched from `url` (relative links
/// and images resolve against it).
pub fn extract(html: &[u8], url: Option<&Url>) -> Extracted {
    extract_with_rules(html, url, &SiteRules::default())
}

/// [`extract`], with the operator's per-site rules: a rule's `drop`
/// selectors remove elements first; its `keep` selectors, when they match
/// anything, name the body instead of the heuristics.
pub fn extract_with_rules(html: &[u8], url: Option<&Url>, rules: &SiteRules) -> Extracted {
    extract_response(html, None, url, rules)
}

/// [`extract_with_rules`] for a page fetched over HTTP: the response's
/// `content_type` names the page's encoding when its charset says one (it
/// outranks the page's own `<meta charset>`, as in browsers).
pub fn extract_response(
    html: &[u8],
    content_type: Option<&str>,
    url: Option<&Url>,
    rules: &SiteRules,
) -> Extracted {
    let text = decode::to_utf8(html, content_type, url);
    let mut document = Html::parse_document(decode::limit_depth(&text, MAX_DEPTH));
    let rule = url
        .and_then(|u| u.host_str())
        .and_then(|host| rules.for_host(host));
    if let Some(rule) = rule {
        for selector in &rule.drop {
            let doomed: Vec<_> = document.select(selector).map(|e| e.id()).collect();
            for id in doomed {
                if let Some(mut node) = document.tree.get_mut(id) {
                    node.detach();
                }
            }
        }
    }
    let (meta, article_body) = metadata::read(&document, url);
    let by_rule = rule
        .filter(|r| !r.keep.is_empty())
        .map(|r| content::kept_content(&document, &r.keep, meta.title.as_deref()))
        .filter(|c| !c.text.trim().is_empty());
    let method = if by_rule.is_some() {
        BodyMethod::Rules
    } else {
        BodyMethod::Heuristics
    };
    let content::MainContent { mut text, mut html } = match by_rule {
        Some(content) => content,
        None => content::main_content(&document, meta.title.as_deref()),
    };
    // Pages rendered by script often carry their text only in JSON-LD.
    if let Some(article_body) = article_body
        && method == BodyMethod::Heuristics
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
        method,
        ..meta
    }
}
