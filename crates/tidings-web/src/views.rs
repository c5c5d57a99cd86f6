//! What templates show, computed from domain types: plain strings, so the
//! templates stay free of logic.

use chrono::{DateTime, Utc};
use tidings_app::CoverageItem;
use tidings_core::{Article, ArticleCard, Story, time_ago};

/// A moment as a page shows it: "4 hours ago", with the exact time for
/// `<time datetime>` and its tooltip.
pub struct When {
    pub ago: String,
    pub datetime: String,
    pub exact: String,
}

impl When {
    pub fn new(at: DateTime<Utc>, now: DateTime<Utc>) -> Self {
        Self {
            ago: time_ago(at, now),
            datetime: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            exact: at.format("%-d %B %Y, %H:%M UTC").to_string(),
        }
    }
}

pub struct CardView {
    pub href: String,
    pub title: String,
    pub source: String,
    pub source_href: String,
    pub when: When,
}

impl CardView {
    pub fn new(card: &ArticleCard, now: DateTime<Utc>) -> Self {
        Self {
            href: format!("/articles/{}", card.id),
            title: headline(card.title.as_deref()),
            source: card.source_name.clone(),
            source_href: format!("/sources/{}", card.source_id),
            when: When::new(card.sort_at, now),
        }
    }
}

/// An entry of a coverage list: an article and the other outlets that ran
/// the same text.
pub struct CoverageView {
    pub card: CardView,
    /// "Also at A, B" (empty when no other outlet ran it).
    pub also_at: String,
}

impl CoverageView {
    pub fn new(item: &CoverageItem, now: DateTime<Utc>) -> Self {
        Self {
            card: CardView::new(&item.card, now),
            also_at: outlets(item.also_at.iter().map(|(_, name)| name.as_str())),
        }
    }
}

/// "A, B and 3 more": outlet names for a line of text.
pub fn outlets<'a>(names: impl Iterator<Item = &'a str>) -> String {
    const SHOWN: usize = 4;
    let names: Vec<&str> = names.collect();
    let mut line = names[..names.len().min(SHOWN)].join(", ");
    if names.len() > SHOWN {
        line.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    line
}

pub struct StoryView {
    pub href: String,
    pub title: String,
    pub first_source: Option<String>,
    pub first_when: When,
    pub updated_when: When,
    pub article_count: i64,
    pub source_count: i64,
}

impl StoryView {
    pub fn new(story: &Story, now: DateTime<Utc>) -> Self {
        Self {
            href: format!("/stories/{}", story.id),
            title: headline(story.title.as_deref()),
            first_source: story.first_source_name.clone(),
            first_when: When::new(story.first_seen_at, now),
            updated_when: When::new(story.updated_at, now),
            article_count: story.article_count,
            source_count: story.source_count,
        }
    }
}

pub struct ArticleView {
    pub title: String,
    pub source: String,
    pub source_href: String,
    pub author: Option<String>,
    pub original_url: Option<String>,
    pub language: Option<String>,
    pub when: When,
    /// Sanitized: safe to insert unescaped.
    pub body_html: String,
}

impl ArticleView {
    pub fn new(article: &Article, now: DateTime<Utc>) -> Self {
        // The full article from its page when it was extracted, else what
        // the feed carried.
        let body = article
            .body_html
            .as_deref()
            .or(article.content.as_deref())
            .or(article.summary.as_deref())
            .unwrap_or_default();
        Self {
            title: headline(article.title.as_deref()),
            source: article.source_name.clone(),
            source_href: format!("/sources/{}", article.source_id),
            author: article.author.clone(),
            original_url: article.url.clone(),
            language: article.language.clone(),
            when: When::new(article.sort_at, now),
            body_html: tidings_extract::sanitize_html(
                body,
                article
                    .url
                    .as_deref()
                    .and_then(|u| url::Url::parse(u).ok())
                    .as_ref(),
            ),
        }
    }
}

fn headline(title: Option<&str>) -> String {
    match title.map(str::trim) {
        Some(title) if !title.is_empty() => title.to_owned(),
        _ => "(untitled)".to_owned(),
    }
}
