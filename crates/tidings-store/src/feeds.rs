//! Followed feeds, their polling state and the leases that keep two workers
//! (or two nodes) from fetching the same feed at once.

use chrono::{DateTime, Utc};
use tidings_core::{ExtractMode, Feed, FeedId, FeedOutcome, FeedState, NewFeed, SourceId};

use crate::db::{Db, on_reader, on_writer};
use crate::{Result, Store, StoreError, one_row};

const FEED_COLUMNS: &str = "id, source_id, url, title, site_url, category, poll_interval_secs,
    created_at, etag, last_modified, last_fetched_at, last_outcome, last_error, error_count,
    failing_since, paused, interval_secs, next_fetch_at, websub_state, extract_mode";

#[derive(sqlx::FromRow)]
struct FeedRow {
    id: i64,
    source_id: i64,
    url: String,
    title: Option<String>,
    site_url: Option<String>,
    category: Option<String>,
    poll_interval_secs: Option<i64>,
    created_at: DateTime<Utc>,
    etag: Option<String>,
    last_modified: Option<String>,
    last_fetched_at: Option<DateTime<Utc>>,
    last_outcome: Option<String>,
    last_error: Option<String>,
    error_count: i32,
    failing_since: Option<DateTime<Utc>>,
    paused: bool,
    interval_secs: Option<i64>,
    next_fetch_at: DateTime<Utc>,
    websub_state: Option<String>,
    extract_mode: String,
}

impl From<FeedRow> for Feed {
    fn from(row: FeedRow) -> Self {
        Self {
            id: FeedId(row.id),
            source_id: SourceId(row.source_id),
            url: row.url,
            title: row.title,
            site_url: row.site_url,
            category: row.category,
            poll_interval_secs: row.poll_interval_secs,
            push: row.websub_state.and_then(|s| s.parse().ok()),
            extract_mode: row.extract_mode.parse().unwrap_or_default(),
            created_at: row.created_at,
            state: FeedState {
                etag: row.etag,
                last_modified: row.last_modified,
                last_fetched_at: row.last_fetched_at,
                // An unknown value (written by a newer version) reads as none.
                last_outcome: row.last_outcome.and_then(|s| s.parse::<FeedOutcome>().ok()),
                last_error: row.last_error,
                error_count: row.error_count,
                failing_since: row.failing_since,
                paused: row.paused,
                interval_secs: row.interval_secs,
                next_fetch_at: row.next_fetch_at,
            },
        }
    }
}

/// What a successful poll (200 or 304) changes on a feed.
#[derive(Debug, Clone)]
pub struct FetchSuccess {
    pub outcome: FeedOutcome,
    pub title: Option<String>,
    pub site_url: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub fetched_at: DateTime<Utc>,
    pub next_fetch_at: DateTime<Utc>,
    /// The interval the schedule chose.
    pub interval_secs: i64,
}

/// What a failed poll records on a feed.
#[derive(Debug, Clone)]
pub struct FetchFailure {
    pub error: String,
    pub fetched_at: DateTime<Utc>,
    pub next_fetch_at: DateTime<Utc>,
    /// The feed has failed long enough to be paused.
    pub paused: bool,
}

impl Store {
    /// Adds a feed, due at once. A feed with the same URL is a conflict.
    pub async fn insert_feed(
        &self,
        id: FeedId,
        source_id: SourceId,
        feed: &NewFeed,
        now: DateTime<Utc>,
    ) -> Result<Feed> {
        let sql = format!(
            "INSERT INTO feeds (id, source_id, url, title, site_url, category, created_at,
                 next_fetch_at)
             VALUES ($1, $2, $3, $4, $5, $7, $6, $6)
             ON CONFLICT (url) DO NOTHING
             RETURNING {FEED_COLUMNS}"
        );
        let row = on_writer!(&self.db, |pool| {
            sqlx::query_as::<_, FeedRow>(&sql)
                .bind(id.0)
                .bind(source_id.0)
                .bind(feed.url.as_str())
                .bind(feed.title.as_deref())
                .bind(feed.site_url.as_deref())
                .bind(now)
                .bind(feed.category.as_deref())
                .fetch_optional(pool)
                .await?
        });
        row.map(Feed::from)
            .ok_or_else(|| StoreError::Conflict(format!("feed {}", feed.url)))
    }

    pub async fn feed(&self, id: FeedId) -> Result<Feed> {
        let sql = format!("SELECT {FEED_COLUMNS} FROM feeds WHERE id = $1");
        let row = on_reader!(&self.db, |pool| {
            sqlx::query_as::<_, FeedRow>(&sql)
                .bind(id.0)
                .fetch_optional(pool)
                .await?
        });
        row.map(Feed::from).ok_or(StoreError::NotFound)
    }

    /// Every feed, oldest first.
    pub async fn feeds(&self) -> Result<Vec<Feed>> {
        let sql = format!("SELECT {FEED_COLUMNS} FROM feeds ORDER BY id");
        let rows = on_reader!(&self.db, |pool| {
            sqlx::query_as::<_, FeedRow>(&sql).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(Feed::from).collect())
    }

    /// Leases up to `limit` feeds due by `due_by` to `owner` until
    /// `lease_until`, most overdue first. A feed leased to another worker is
    /// skipped until its lease expires (a crashed worker's feeds come back).
    pub async fn claim_due_feeds(
        &self,
        owner: &str,
        due_by: DateTime<Utc>,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Feed>> {
        // PostgreSQL: SKIP LOCKED lets concurrent claimers pass each other's
        // rows instead of queueing. SQLite has one writer, so the plain
        // sub-select is already atomic.
        let lock = match &self.db {
            Db::Postgres(_) => "FOR UPDATE SKIP LOCKED",
            Db::Sqlite { .. } => "",
        };
        let sql = format!(
            "UPDATE feeds SET lease_owner = $1, lease_until = $4
             WHERE id IN (
                 SELECT id FROM feeds
                 WHERE next_fetch_at <= $2 AND (lease_until IS NULL OR lease_until <= $3)
                 ORDER BY next_fetch_at, id
                 LIMIT $5
                 {lock}
             )
             RETURNING {FEED_COLUMNS}"
        );
        let rows = on_writer!(&self.db, |pool| {
            sqlx::query_as::<_, FeedRow>(&sql)
                .bind(owner)
                .bind(due_by)
                .bind(now)
                .bind(lease_until)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        let mut feeds: Vec<Feed> = rows.into_iter().map(Feed::from).collect();
        feeds.sort_by_key(|f| (f.state.next_fetch_at, f.id));
        Ok(feeds)
    }

    /// Moves a feed, and the articles it brought, to another publisher (a
    /// feed hosted apart from its site belongs to the site).
    pub async fn move_feed_to_source(&self, id: FeedId, source_id: SourceId) -> Result<()> {
        on_writer!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE feeds SET source_id = $2 WHERE id = $1")
                .bind(id.0)
                .bind(source_id.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE articles SET source_id = $2 WHERE feed_id = $1")
                .bind(id.0)
                .bind(source_id.0)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Sets (or, with `None`, clears) the operator's polling interval.
    pub async fn set_poll_interval(&self, id: FeedId, seconds: Option<i64>) -> Result<()> {
        let done = on_writer!(&self.db, |pool| {
            sqlx::query("UPDATE feeds SET poll_interval_secs = $2 WHERE id = $1")
                .bind(id.0)
                .bind(seconds)
                .execute(pool)
                .await?
                .rows_affected()
        });
        one_row(done)
    }

    /// Sets when the feed's articles get their page fetched.
    pub async fn set_extract_mode(&self, id: FeedId, mode: ExtractMode) -> Result<()> {
        let done = on_writer!(&self.db, |pool| {
            sqlx::query("UPDATE feeds SET extract_mode = $2 WHERE id = $1")
                .bind(id.0)
                .bind(mode.as_str())
                .execute(pool)
                .await?
                .rows_affected()
        });
        one_row(done)
    }

    /// Un-pauses a feed and makes it due at `now`, with a fresh count of
    /// failures.
    pub async fn resume_feed(&self, id: FeedId, now: DateTime<Utc>) -> Result<()> {
        const SQL: &str = "UPDATE feeds SET paused = FALSE, failing_since = NULL,
            error_count = 0, next_fetch_at = $2 WHERE id = $1";
        let done = on_writer!(&self.db, |pool| {
            sqlx::query(SQL)
                .bind(id.0)
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected()
        });
        one_row(done)
    }

    /// Makes every feed due at `now` (a forced poll of everything).
    pub async fn make_all_due(&self, now: DateTime<Utc>) -> Result<u64> {
        const SQL: &str = "UPDATE feeds SET next_fetch_at = $1 WHERE next_fetch_at > $1";
        let changed = on_writer!(&self.db, |pool| {
            sqlx::query(SQL)
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(changed)
    }

    /// Records a successful poll and releases the lease.
    pub async fn record_fetch_success(&self, id: FeedId, success: &FetchSuccess) -> Result<()> {
        const SQL: &str = "UPDATE feeds SET
                title = COALESCE($2, title),
                site_url = COALESCE($3, site_url),
                etag = $4,
                last_modified = $5,
                last_fetched_at = $6,
                last_outcome = $7,
                last_error = NULL,
                error_count = 0,
                failing_since = NULL,
                paused = FALSE,
                interval_secs = $9,
                next_fetch_at = $8,
                lease_owner = NULL,
                lease_until = NULL
            WHERE id = $1";
        let done = on_writer!(&self.db, |pool| {
            sqlx::query(SQL)
                .bind(id.0)
                .bind(success.title.as_deref())
                .bind(success.site_url.as_deref())
                .bind(success.etag.as_deref())
                .bind(success.last_modified.as_deref())
                .bind(success.fetched_at)
                .bind(success.outcome.as_str())
                .bind(success.next_fetch_at)
                .bind(success.interval_secs)
                .execute(pool)
                .await?
                .rows_affected()
        });
        one_row(done)
    }

    /// Records a failed poll (counting consecutive failures) and releases the
    /// lease.
    pub async fn record_fetch_failure(&self, id: FeedId, failure: &FetchFailure) -> Result<()> {
        const SQL: &str = "UPDATE feeds SET
                last_fetched_at = $2,
                last_outcome = 'error',
                last_error = $3,
                error_count = error_count + 1,
                failing_since = COALESCE(failing_since, $2),
                paused = $5,
                next_fetch_at = $4,
                lease_owner = NULL,
                lease_until = NULL
            WHERE id = $1";
        let done = on_writer!(&self.db, |pool| {
            sqlx::query(SQL)
                .bind(id.0)
                .bind(failure.fetched_at)
                .bind(&failure.error)
                .bind(failure.next_fetch_at)
                .bind(failure.paused)
                .execute(pool)
                .await?
                .rows_affected()
        });
        one_row(done)
    }
}
