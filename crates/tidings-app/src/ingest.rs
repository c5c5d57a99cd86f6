//! Polling feeds: claim the due ones, fetch, parse, store what is new, and
//! record how each poll went. One feed's failure never stops the others.

use futures::StreamExt;
use tidings_core::{ArticleId, Feed, FeedId, FeedOutcome, ParsedFeed, SourceId, host_key};
use tidings_fetch::{Fetched, Validators, parse_feed};
use tidings_store::{FetchFailure, FetchSuccess};
use url::Url;

use crate::{App, Result};

/// Feeds claimed per round trip to the database.
const CLAIM_BATCH: i64 = 256;

/// How one feed's poll went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollResult {
    Fetched { new_articles: u64 },
    NotModified,
    Failed { error: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedReport {
    pub feed_id: FeedId,
    pub url: String,
    pub result: PollResult,
}

/// What a pass over the due feeds did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchSummary {
    pub feeds: usize,
    pub fetched: usize,
    pub not_modified: usize,
    pub failed: usize,
    pub new_articles: u64,
}

impl FetchSummary {
    fn add(&mut self, report: &FeedReport) {
        self.feeds += 1;
        match &report.result {
            PollResult::Fetched { new_articles } => {
                self.fetched += 1;
                self.new_articles += new_articles;
            }
            PollResult::NotModified => self.not_modified += 1,
            PollResult::Failed { .. } => self.failed += 1,
        }
    }
}

/// Follows a pass as it goes (the CLI draws a progress bar with it).
pub trait FetchObserver: Send + Sync {
    fn claimed(&self, _feeds: usize) {}
    fn polled(&self, _report: &FeedReport) {}
}

impl FetchObserver for () {}

impl App {
    /// Polls every feed due now, once. With `all`, every feed is made due
    /// first. Errors are only those that stop the whole pass (the database
    /// is gone); a feed's own failure is recorded on it and counted.
    pub async fn fetch_due(&self, all: bool, observer: &dyn FetchObserver) -> Result<FetchSummary> {
        let started = self.clock.now();
        if all {
            self.store.make_all_due(started).await?;
        }
        let mut summary = FetchSummary::default();
        loop {
            // Feeds are due as of the pass's start: a feed polled in this
            // pass is scheduled after it, so the loop ends.
            let now = self.clock.now();
            let feeds = self
                .store
                .claim_due_feeds(
                    &self.worker_id,
                    started,
                    now,
                    now + self.config.lease,
                    CLAIM_BATCH,
                )
                .await?;
            if feeds.is_empty() {
                break;
            }
            observer.claimed(feeds.len());
            let mut polls = futures::stream::iter(feeds)
                .map(|feed| self.poll(feed))
                .buffer_unordered(self.config.fetch_concurrency.max(1));
            while let Some(report) = polls.next().await {
                let report = report?;
                observer.polled(&report);
                summary.add(&report);
            }
        }
        Ok(summary)
    }

    /// Fetches one claimed feed and records the outcome (which releases the
    /// claim).
    async fn poll(&self, feed: Feed) -> Result<FeedReport> {
        let validators = Validators {
            etag: feed.state.etag.clone(),
            last_modified: feed.state.last_modified.clone(),
        };
        let url = feed.url.clone();
        let feed_id = feed.id;
        let error_count = feed.state.error_count;
        let result = match self.fetcher.get(&feed.url, &validators).await {
            Err(error) => Err(error.to_string()),
            Ok(Fetched::NotModified) => {
                let success = self.success(FeedOutcome::NotModified, validators);
                self.store.record_fetch_success(feed.id, &success).await?;
                Ok(PollResult::NotModified)
            }
            Ok(Fetched::Body {
                body,
                final_url,
                content_type,
                validators,
            }) => match parse_feed(&body, content_type.as_deref(), &final_url) {
                Err(error) => Err(error.to_string()),
                Ok(parsed) => {
                    let feed = self.settle_source(feed, &parsed).await?;
                    let now = self.clock.now();
                    let stored = self
                        .store
                        .insert_entries(&feed, &parsed.entries, now, || {
                            ArticleId(self.ids.next(now))
                        })
                        .await;
                    match stored {
                        // Data the database refuses is this feed's problem,
                        // recorded on it like any other failure.
                        Err(error) => Err(format!("could not store entries: {error}")),
                        Ok(new_articles) => {
                            if let Some(title) = &parsed.title {
                                self.store
                                    .name_source_if_unnamed(
                                        feed.source_id,
                                        title,
                                        parsed.site_url.as_deref(),
                                    )
                                    .await?;
                            }
                            let success = FetchSuccess {
                                title: parsed.title,
                                site_url: parsed.site_url,
                                ..self.success(FeedOutcome::Ok, validators)
                            };
                            self.store.record_fetch_success(feed.id, &success).await?;
                            Ok(PollResult::Fetched { new_articles })
                        }
                    }
                }
            },
        };
        let result = match result {
            Ok(result) => result,
            Err(error) => {
                let now = self.clock.now();
                let failures = error_count.saturating_add(1);
                tracing::warn!(feed = %url, failures, %error, "feed poll failed");
                let failure = FetchFailure {
                    error: error.clone(),
                    fetched_at: now,
                    next_fetch_at: self.config.schedule.after_failure(now, failures),
                };
                self.store.record_fetch_failure(feed_id, &failure).await?;
                PollResult::Failed { error }
            }
        };
        Ok(FeedReport {
            feed_id,
            url,
            result,
        })
    }

    /// A feed belongs to the publisher of the site it links to, which may
    /// not be the host serving the feed (feed services, CDNs, one test
    /// server for many sites). Checked when the feed is first parsed, after
    /// failures, and when its site link changes.
    async fn settle_source(&self, mut feed: Feed, parsed: &ParsedFeed) -> Result<Feed> {
        let Some(site_host) = parsed
            .site_url
            .as_deref()
            .and_then(|u| Url::parse(u).ok())
            .and_then(|u| host_key(&u))
        else {
            return Ok(feed);
        };
        let settled =
            feed.state.last_outcome == Some(FeedOutcome::Ok) && parsed.site_url == feed.site_url;
        if settled {
            return Ok(feed);
        }
        let current = self.store.source(feed.source_id).await?;
        if current.host != site_host {
            let now = self.clock.now();
            let source = self
                .store
                .ensure_source(&site_host, SourceId(self.ids.next(now)), now)
                .await?;
            self.store.move_feed_to_source(feed.id, source.id).await?;
            feed.source_id = source.id;
        }
        Ok(feed)
    }

    fn success(&self, outcome: FeedOutcome, validators: Validators) -> FetchSuccess {
        let now = self.clock.now();
        FetchSuccess {
            outcome,
            title: None,
            site_url: None,
            etag: validators.etag,
            last_modified: validators.last_modified,
            fetched_at: now,
            next_fetch_at: self.config.schedule.after_success(now),
        }
    }
}
