//! Search: full-text over titles and bodies, with filters.

use chrono::{DateTime, Utc};
use tidings_core::SourceId;
use tidings_store::{MATCH_END, MATCH_START, SearchHit, SearchQuery};

use crate::{App, AppError, Result};

/// Results per page of search.
pub const SEARCH_PAGE: i64 = 20;
/// Pages a search can go: deep pages of a full-text search are not worth
/// their cost.
const MAX_PAGES: i64 = 50;

/// A search as a reader asks it.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub text: String,
    pub source: Option<SourceId>,
    pub topic: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// 1-based.
    pub page: i64,
}

/// A snippet as safe HTML: the text escaped, the matches in `<mark>`.
pub fn snippet_html(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len() + 16);
    for c in snippet.chars() {
        match c {
            MATCH_START => out.push_str("<mark>"),
            MATCH_END => out.push_str("</mark>"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => {}
            c => out.push(c),
        }
    }
    // A snippet cut inside a match must not leave a mark open.
    let opened = out.matches("<mark>").count();
    let closed = out.matches("</mark>").count();
    for _ in closed..opened {
        out.push_str("</mark>");
    }
    out
}

/// Pages of full-text index merged per worker pass: about 8 MB of
/// writing, enough to keep up with ingestion without holding the writer.
const SEARCH_MERGE_PAGES: i64 = 2_000;

impl App {
    /// Keeps the search index compact (see `Store::merge_search_index`).
    pub async fn tidy_search_index(&self) -> Result<()> {
        Ok(self.store.merge_search_index(SEARCH_MERGE_PAGES).await?)
    }

    pub async fn search(&self, search: &Search) -> Result<Vec<SearchHit>> {
        if search.text.chars().count() > 200 {
            return Err(AppError::Invalid(
                "a search is at most 200 characters".into(),
            ));
        }
        let page = search.page.clamp(1, MAX_PAGES);
        let query = SearchQuery {
            text: search.text.trim().to_owned(),
            source: search.source,
            topic: search.topic.clone(),
            since: search.since,
            until: search.until,
            limit: SEARCH_PAGE,
            offset: (page - 1) * SEARCH_PAGE,
        };
        Ok(self.store.search(&query, self.clock.now()).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_escaped_and_marked() {
        assert_eq!(
            snippet_html("a <b>\u{2}harbour\u{3} & \u{2}wall"),
            "a &lt;b&gt;<mark>harbour</mark> &amp; <mark>wall</mark>"
        );
    }
}
