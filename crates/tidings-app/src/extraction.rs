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

    /// Fetches one page, extracts its article and records the outcome.
    async fn extract_page(&self, id: ArticleId, url: String) -> Result<bool> {
        let result = match self.fetcher.get_page(&url).await {
            Err(error) => Err(error.to_string()),
            Ok(Fetched::NotModified { .. }) => Err("the server answered 304 to a plain GET".into()),
            Ok(Fetched::Body {
                body, final_url, ..
            }) => tokio::task::spawn_blocking(move || {
                let base = url::Url::parse(&final_url).ok();
                let article = tidings_extract::extract(&body, base.as_ref());
                if article.text.chars().count() < MIN_ARTICLE_CHARS {
                    return Err("no article text found on the page".to_owned());
                }
                Ok(ExtractedBody {
                    html: article.html,
                    text: article.text,
                    lead_image: article.lead_image,
                    word_count: i32::try_from(article.word_count).unwrap_or(i32::MAX),
                })
            })
            .await
            .unwrap_or_else(|e| Err(format!("the extractor stopped: {e}"))),
        };
        if let Err(error) = &result {
            tracing::info!(%url, %error, "article page not extracted; the feed's text stays");
        }
        self.store
            .record_extraction(id, &result, self.clock.now())
            .await?;
        Ok(result.is_ok())
    }
}
