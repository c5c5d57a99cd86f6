//! Following feeds: add, import, export, list.

use tidings_core::{ExtractMode, Feed, FeedId, NewFeed, SourceId};
use tidings_fetch::{Discovery, FetchError, parse_opml, write_opml};
use url::Url;

use crate::{App, AppError, Result};

/// A feed just followed.
#[derive(Debug, Clone)]
pub struct Followed {
    pub feed: Feed,
    /// The page the feed was discovered on, when the URL given was a page.
    pub found_on: Option<String>,
}

/// What an OPML import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub added: usize,
    /// Listed in the file but followed already.
    pub existing: usize,
}

impl App {
    /// Follows the feed at `url` (http or https), or, when `url` is a
    /// site's page, the feed that page declares (or keeps at a usual path).
    /// A URL that cannot be fetched now is followed as given: its polls
    /// will say what is wrong; one the SSRF guard refuses is not followed.
    /// It is polled on the next pass of the worker.
    pub async fn add_feed(&self, url: &str) -> Result<Followed> {
        let url = parse_feed_url(url)?;
        let (feed_url, found_on) = match self.fetcher.discover(&url).await {
            Ok(Discovery::Found(feeds)) => (feeds[0].clone(), Some(url.to_string())),
            Ok(Discovery::Feed | Discovery::NoFeed) => (url, None),
            // Not transient: the operator's settings forbid this address.
            Err(error @ FetchError::Blocked(_)) => {
                return Err(AppError::Invalid(error.to_string()));
            }
            Err(error) => {
                tracing::info!(%url, %error, "could not check the URL now; following it as given");
                (url, None)
            }
        };
        let feed = self.follow(&NewFeed::new(feed_url)).await?;
        Ok(Followed { feed, found_on })
    }

    /// Follows `url` as a feed, without looking at it first.
    pub async fn follow_url(&self, url: &str) -> Result<Feed> {
        self.follow(&NewFeed::new(parse_feed_url(url)?)).await
    }

    /// Follows every feed an OPML document lists; feeds already followed are
    /// counted, not duplicated.
    pub async fn import_opml(&self, text: &str) -> Result<ImportReport> {
        let feeds = parse_opml(text).map_err(|e| AppError::Invalid(e.to_string()))?;
        let mut report = ImportReport::default();
        for feed in &feeds {
            match self.follow(feed).await {
                Ok(_) => report.added += 1,
                Err(AppError::Conflict(_)) => report.existing += 1,
                Err(other) => return Err(other),
            }
        }
        Ok(report)
    }

    /// Every followed feed as an OPML 2.0 document.
    pub async fn export_opml(&self) -> Result<String> {
        let feeds = self.store.feeds().await?;
        write_opml(&feeds).map_err(|e| AppError::Invalid(e.to_string()))
    }

    /// Sets the operator's polling interval for a feed (`None`: adaptive).
    pub async fn set_poll_interval(
        &self,
        feed: FeedId,
        interval: Option<std::time::Duration>,
    ) -> Result<()> {
        let seconds = match interval {
            Some(d) if d < std::time::Duration::from_secs(60) => {
                return Err(AppError::Invalid(
                    "a feed's interval must be at least 1m".into(),
                ));
            }
            Some(d) => Some(i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
            None => None,
        };
        self.store
            .set_poll_interval(feed, seconds)
            .await
            .map_err(|e| not_found_as(e, "feed"))
    }

    /// Sets when a feed's articles get their page fetched for the full text.
    pub async fn set_extract_mode(&self, feed: FeedId, mode: ExtractMode) -> Result<()> {
        self.store
            .set_extract_mode(feed, mode)
            .await
            .map_err(|e| not_found_as(e, "feed"))
    }

    /// Takes a paused feed back into the schedule, due now.
    pub async fn resume_feed(&self, feed: FeedId) -> Result<()> {
        self.store
            .resume_feed(feed, self.clock.now())
            .await
            .map_err(|e| not_found_as(e, "feed"))
    }

    pub async fn feeds(&self) -> Result<Vec<Feed>> {
        Ok(self.store.feeds().await?)
    }

    async fn follow(&self, feed: &NewFeed) -> Result<Feed> {
        let now = self.clock.now();
        let source = self
            .store
            .ensure_source(&feed.source_host(), SourceId(self.ids.next(now)), now)
            .await?;
        Ok(self
            .store
            .insert_feed(FeedId(self.ids.next(now)), source.id, feed, now)
            .await?)
    }
}

fn not_found_as(error: tidings_store::StoreError, what: &'static str) -> AppError {
    match AppError::from(error) {
        AppError::NotFound(_) => AppError::NotFound(what),
        other => other,
    }
}

fn parse_feed_url(text: &str) -> Result<Url> {
    let url = Url::parse(text.trim())
        .map_err(|e| AppError::Invalid(format!("{text:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(AppError::Invalid(format!("{text:?} is not an http(s) URL")));
    }
    Ok(url)
}
