//! WebSub subscriptions, one per feed.

use chrono::{DateTime, Utc};
use tidings_core::{FeedId, WebSubState, WebSubSubscription};

use crate::db::{on_reader, on_writer};
use crate::{Result, Store, StoreError, one_row};

#[derive(sqlx::FromRow)]
struct SubscriptionRow {
    websub_hub: Option<String>,
    websub_topic: Option<String>,
    websub_secret: Option<String>,
    websub_state: Option<String>,
    websub_requested_at: Option<DateTime<Utc>>,
    websub_verified_at: Option<DateTime<Utc>>,
    websub_lease_until: Option<DateTime<Utc>>,
}

impl Store {
    /// The feed's subscription, if one was ever requested.
    pub async fn websub_subscription(&self, feed: FeedId) -> Result<Option<WebSubSubscription>> {
        const SQL: &str = "SELECT websub_hub, websub_topic, websub_secret, websub_state,
                websub_requested_at, websub_verified_at, websub_lease_until
            FROM feeds WHERE id = $1";
        let row = on_reader!(&self.db, |pool| {
            sqlx::query_as::<_, SubscriptionRow>(SQL)
                .bind(feed.0)
                .fetch_optional(pool)
                .await?
        })
        .ok_or(StoreError::NotFound)?;
        let (Some(hub), Some(topic), Some(secret), Some(state), Some(requested_at)) = (
            row.websub_hub,
            row.websub_topic,
            row.websub_secret,
            row.websub_state.and_then(|s| s.parse::<WebSubState>().ok()),
            row.websub_requested_at,
        ) else {
            return Ok(None);
        };
        Ok(Some(WebSubSubscription {
            hub,
            topic,
            secret,
            state,
            requested_at,
            verified_at: row.websub_verified_at,
            lease_until: row.websub_lease_until,
        }))
    }

    /// Records a subscription request sent to `hub` (state: pending).
    pub async fn websub_requested(
        &self,
        feed: FeedId,
        hub: &str,
        topic: &str,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        const SQL: &str = "UPDATE feeds SET websub_hub = $2, websub_topic = $3,
                websub_secret = $4, websub_state = 'pending', websub_requested_at = $5
            WHERE id = $1";
        let done = on_writer!(&self.db, |pool| {
            sqlx::query(SQL)
                .bind(feed.0)
                .bind(hub)
                .bind(topic)
                .bind(secret)
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected()
        });
        one_row(done)
    }

    /// The hub confirmed the subscription until `lease_until`.
    pub async fn websub_verified(
        &self,
        feed: FeedId,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<()> {
        const SQL: &str = "UPDATE feeds SET websub_state = 'active', websub_verified_at = $2,
                websub_lease_until = $3
            WHERE id = $1";
        on_writer!(&self.db, |pool| {
            sqlx::query(SQL)
                .bind(feed.0)
                .bind(now)
                .bind(lease_until)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The hub refused (or the subscription ended): `state` says which.
    pub async fn websub_ended(&self, feed: FeedId, state: WebSubState) -> Result<()> {
        const SQL: &str =
            "UPDATE feeds SET websub_state = $2, websub_lease_until = NULL WHERE id = $1";
        on_writer!(&self.db, |pool| {
            sqlx::query(SQL)
                .bind(feed.0)
                .bind(state.as_str())
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}
