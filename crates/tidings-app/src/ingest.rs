//! Polling feeds: claim the due ones, fetch, parse, store what is new, and
//! record how each poll went. One feed's failure never stops the others.

use chrono::TimeDelta;
use futures::StreamExt;
use tidings_core::{
    ArticleId, Feed, FeedId, FeedOutcome, ParsedFeed, PollHints, SourceId, host_key,
};
use tidings_fetch::{Fetched, Validators, parse_feed_response};
use tidings_store::{FetchFailure, FetchSuccess};
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::{App, Result};

/// Feeds claimed per round trip, per concurrent fetch: small batches finish
/// well within their lease (a slow batch must not outlive it, or another
/// node would take its feeds while they are being fetched).
const CLAIM_PER_FETCH: usize = 4;

/// Why a feed's poll failed, and how long the server asked us to wait.
struct Failure {
    error: String,
    retry_after: Option<std::time::Duration>,
}

impl From<String> for Failure {
    fn from(error: String) -> Self {
        Self {
            error,
            retry_after: None,
        }
    }
}

/// How one feed's poll went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollResult {
    Fetched {
        new_articles: u64,
        /// Known articles found again through this feed.
        new_appearances: u64,
    },
    NotModified,
    Failed {
        error: String,
    },
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
    pub new_appearances: u64,
}

impl FetchSummary {
    fn add(&mut self, report: &FeedReport) {
        self.feeds += 1;
        match &report.result {
            PollResult::Fetched {
                new_articles,
                new_appearances,
            } => {
                self.fetched += 1;
                self.new_articles += new_articles;
                self.new_appearances += new_appearances;
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

/// Parsing is CPU work (tens of milliseconds for a large feed): it runs on
/// the blocking pool so the web server sharing this runtime stays quick.
pub(crate) async fn parse_off_runtime(
    body: bytes::Bytes,
    content_type: Option<String>,
    content_language: Option<String>,
    final_url: String,
) -> std::result::Result<ParsedFeed, String> {
    tokio::task::spawn_blocking(move || {
        parse_feed_response(
            &body,
            content_type.as_deref(),
            content_language.as_deref(),
            &final_url,
        )
        .map_err(|e| e.to_string())
    })
    .await
    .unwrap_or_else(|e| Err(format!("the parser stopped: {e}")))
}

impl App {
    /// Polls every feed due now, once. With `all`, every feed is made due
    /// first. Errors are only those that stop the whole pass (the database
    /// is gone); a feed's own failure is recorded on it and counted.
    pub async fn fetch_due(&self, all: bool, observer: &dyn FetchObserver) -> Result<FetchSummary> {
        self.fetch_due_until(all, observer, &CancellationToken::new())
            .await
    }

    /// [`App::fetch_due`], claiming no new batch once `stop` fires: the
    /// feeds already claimed are finished and their claims released.
    pub async fn fetch_due_until(
        &self,
        all: bool,
        observer: &dyn FetchObserver,
        stop: &CancellationToken,
    ) -> Result<FetchSummary> {
        let started = self.clock.now();
        if all {
            self.store.make_all_due(started).await?;
        }
        let mut summary = FetchSummary::default();
        while !stop.is_cancelled() {
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
                    (self.config.fetch_concurrency.max(1) * CLAIM_PER_FETCH) as i64,
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
        let (url, feed_id) = (feed.url.clone(), feed.id);
        let state = feed.state.clone();
        let override_interval = feed.poll_interval_secs.map(TimeDelta::seconds);
        let outcome = match self.fetcher.get(&feed.url, &validators).await {
            Err(error) => Err(Failure {
                retry_after: error.retry_after(),
                error: error.to_string(),
            }),
            Ok(Fetched::NotModified { fresh_for }) => {
                // Nothing new to learn the rhythm from: keep the interval.
                let hints = PollHints {
                    override_interval: override_interval
                        .or(state.interval_secs.map(TimeDelta::seconds)),
                    fresh_for: fresh_for.and_then(|d| TimeDelta::from_std(d).ok()),
                    ..PollHints::default()
                };
                let success = self.success(FeedOutcome::NotModified, validators, &hints);
                self.store.record_fetch_success(feed.id, &success).await?;
                Ok(PollResult::NotModified)
            }
            Ok(Fetched::Body {
                body,
                final_url,
                content_type,
                content_language,
                validators,
                fresh_for,
            }) => match parse_off_runtime(body, content_type, content_language, final_url).await {
                Err(error) => Err(Failure::from(error)),
                Ok(parsed) => {
                    self.store_parsed(feed, parsed, validators, fresh_for, override_interval)
                        .await?
                }
            },
        };
        let result = match outcome {
            Ok(result) => result,
            Err(failure) => {
                let now = self.clock.now();
                let failures = state.error_count.saturating_add(1);
                let base = override_interval
                    .or(state.interval_secs.map(TimeDelta::seconds))
                    .unwrap_or(self.config.schedule.default_interval);
                let next = self.config.schedule.after_failure(
                    now,
                    base,
                    failures,
                    state.failing_since.unwrap_or(now),
                    failure
                        .retry_after
                        .and_then(|d| TimeDelta::from_std(d).ok()),
                );
                if next.paused && !state.paused {
                    tracing::warn!(feed = %url, error = %failure.error, "feed keeps failing: paused");
                } else {
                    tracing::warn!(feed = %url, failures, error = %failure.error, "feed poll failed");
                }
                let record = FetchFailure {
                    error: failure.error.clone(),
                    fetched_at: now,
                    next_fetch_at: next.at,
                    paused: next.paused,
                };
                self.store.record_fetch_failure(feed_id, &record).await?;
                PollResult::Failed {
                    error: failure.error,
                }
            }
        };
        Ok(FeedReport {
            feed_id,
            url,
            result,
        })
    }

    /// Stores a parsed feed's news and schedules its next poll. `Err` is a
    /// failure of this feed (data the database refuses); `Err` of the
    /// outer result, of the database itself.
    async fn store_parsed(
        &self,
        feed: Feed,
        parsed: ParsedFeed,
        validators: Validators,
        fresh_for: Option<std::time::Duration>,
        override_interval: Option<TimeDelta>,
    ) -> Result<Result<PollResult, Failure>> {
        let feed = self.settle_source(feed, &parsed).await?;
        let now = self.clock.now();
        let stored = self
            .store
            .insert_entries(&feed, &parsed.entries, now, || {
                ArticleId(self.ids.next(now))
            })
            .await;
        let report = match stored {
            Ok(report) => report,
            Err(error) => {
                return Ok(Err(Failure::from(format!(
                    "could not store entries: {error}"
                ))));
            }
        };
        if let Some(title) = &parsed.title {
            self.store
                .name_source_if_unnamed(feed.source_id, title, parsed.site_url.as_deref())
                .await?;
        }
        let dates: Vec<_> = parsed
            .entries
            .iter()
            .filter_map(|e| e.published_at)
            .collect();
        let hints = PollHints {
            override_interval,
            entry_dates: &dates,
            ttl: parsed.ttl_minutes.map(|m| TimeDelta::minutes(m.into())),
            fresh_for: fresh_for.and_then(|d| TimeDelta::from_std(d).ok()),
            skip_hours: &parsed.skip_hours,
        };
        let success = FetchSuccess {
            title: parsed.title.clone(),
            site_url: parsed.site_url.clone(),
            ..self.success(FeedOutcome::Ok, validators, &hints)
        };
        self.store.record_fetch_success(feed.id, &success).await?;
        self.websub_maintain(&feed, &parsed).await?;
        Ok(Ok(PollResult::Fetched {
            new_articles: report.new_articles,
            new_appearances: report.new_appearances,
        }))
    }

    fn success(
        &self,
        outcome: FeedOutcome,
        validators: Validators,
        hints: &PollHints<'_>,
    ) -> FetchSuccess {
        let now = self.clock.now();
        let next = self.config.schedule.after_success(now, hints);
        FetchSuccess {
            outcome,
            title: None,
            site_url: None,
            etag: validators.etag,
            last_modified: validators.last_modified,
            fetched_at: now,
            next_fetch_at: next.at,
            interval_secs: next.interval.num_seconds(),
        }
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
}
