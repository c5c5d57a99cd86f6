//! Full articles for teasers: the pages of articles whose feed carried only
//! a teaser are fetched and their article extracted. Claimed with leases,
//! like feeds, so nodes share the work without doing it twice.

use futures::StreamExt;
use tidings_core::{ArticleId, ExtractedBody};
use tidings_fetch::Fetched;
use tokio_util::sync::CancellationToken;

use crate::{App, Result};

/// Pages claimed per round trip, per concurrent fetch.
const CLAIM_PER_FETCH: usize = 4;

/// Less text than this is a page without an article (a paywall, a
/// consent wall, a script-only page): the feed's text is kept instead.
const MIN_ARTICLE_CHARS: usize = 200;

/// What a pass over the pending pages did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExtractSummary {
    pub pages: usize,
    pub extracted: usize,
    pub failed: usize,
}

impl App {
    /// Fetches and extracts every pending article page, until none is left
    /// or `stop` fires.
    pub async fn extract_pending(&self, stop: &CancellationToken) -> Result<ExtractSummary> {
        let mut summary = ExtractSummary::default();
        let concurrency = self.config.fetch_concurrency.max(1);
        while !stop.is_cancelled() {
            let now = self.clock.now();
            let batch = self
                .store
                .claim_pending_extractions(
                    now,
                    now + self.config.lease,
                    (concurrency * CLAIM_PER_FETCH) as i64,
                )
                .await?;
            if batch.is_empty() {
                break;
            }
            let mut pages = futures::stream::iter(batch)
                .map(|(id, url)| self.extract_page(id, url))
                .buffer_unordered(concurrency);
            while let Some(extracted) = pages.next().await {
                summary.pages += 1;
                if extracted? {
                    summary.extracted += 1;
                } else {
                    summary.failed += 1;
                }
            }
        }
        Ok(summary)
    }

    /// Fetches one page, extracts its article and records the outcome. The
    /// page may say the article lives at another address (a redirect, a
    /// `rel=canonical` on the same site): the article takes that identity,
    /// and when another article already has it the two become one.
    async fn extract_page(&self, id: ArticleId, url: String) -> Result<bool> {
        let (result, identity) = match self.fetcher.get_page(&url).await {
            Err(error) => (Err(error.to_string()), None),
            Ok(Fetched::NotModified { .. }) => {
                (Err("the server answered 304 to a plain GET".into()), None)
            }
            Ok(Fetched::Body {
                body,
                final_url,
                content_type,
                ..
            }) => {
                let rules = self.config.site_rules.clone();
                tokio::task::spawn_blocking(move || {
                    let base = url::Url::parse(&final_url).ok();
                    let article = tidings_extract::extract_response(
                        &body,
                        content_type.as_deref(),
                        base.as_ref(),
                        &rules,
                    );
                    let identity = page_identity(&final_url, article.canonical_url.as_deref());
                    if article.text.chars().count() < MIN_ARTICLE_CHARS {
                        return (
                            Err("no article text found on the page".to_owned()),
                            identity,
                        );
                    }
                    let body = ExtractedBody {
                        html: article.html,
                        text: article.text,
                        lead_image: article.lead_image,
                        word_count: i32::try_from(article.word_count).unwrap_or(i32::MAX),
                        by_rules: article.method == tidings_extract::BodyMethod::Rules,
                        title: article.title,
                        author: (!article.authors.is_empty()).then(|| article.authors.join(", ")),
                        published_at: article.published.map(|d| d.with_timezone(&chrono::Utc)),
                    };
                    (Ok(body), identity)
                })
                .await
                .unwrap_or_else(|e| (Err(format!("the extractor stopped: {e}")), None))
            }
        };
        if let Err(error) = &result {
            tracing::info!(%url, %error, "article page not extracted; the feed's text stays");
        }
        let mut id = id;
        if let Some((page_url, key)) = identity
            && tidings_fetch::url_key(&url).as_deref() != Some(key.as_str())
        {
            let survivor = self.store.rekey_article(id, &page_url, &key).await?;
            if survivor != id {
                tracing::info!(%url, %page_url, "article is one already known at its page's address");
                if result.is_err() {
                    // The known article keeps what it has.
                    return Ok(false);
                }
                id = survivor;
            }
        }
        self.store
            .record_extraction(id, &result, self.clock.now())
            .await?;
        Ok(result.is_ok())
    }
}

/// The address a fetched page gives its article, and its URL key: its
/// `rel=canonical` when that stays on the site the page came from (a
/// canonical elsewhere names a syndication source, which is near-duplicate
/// folding's business, not identity), else where redirects ended.
fn page_identity(final_url: &str, canonical: Option<&str>) -> Option<(String, String)> {
    let host = |u: &url::Url| {
        u.host_str()
            .map(|h| h.trim_start_matches("www.").to_ascii_lowercase())
    };
    let landed = tidings_fetch::clean_url(final_url)?;
    let chosen = canonical
        .and_then(tidings_fetch::clean_url)
        .filter(|c| host(c) == host(&landed))
        .unwrap_or(landed);
    let key = tidings_fetch::url_key(chosen.as_str())?;
    Some((chosen.to_string(), key))
}

#[cfg(test)]
mod tests {
    use super::page_identity;

    #[test]
    fn canonical_on_the_same_site_wins_elsewhere_not() {
        let same = page_identity(
            "https://www.news.example/a?utm_source=x",
            Some("https://news.example/story/a"),
        );
        assert_eq!(same.unwrap().1, "news.example/story/a");
        let elsewhere = page_identity("https://news.example/a", Some("https://wire.example/a"));
        assert_eq!(elsewhere.unwrap().1, "news.example/a");
        assert_eq!(
            page_identity("https://news.example/a", None).unwrap().0,
            "https://news.example/a"
        );
        assert!(page_identity("not a url", None).is_none());
    }
}
