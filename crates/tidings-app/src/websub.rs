//! WebSub: subscribing to the hub a feed names, answering the hub's
//! verification, and taking signed pushes. Polling goes on as a fallback.

use chrono::TimeDelta;
use tidings_core::{ArticleId, Feed, FeedId, ParsedFeed, WebSubState, WebSubSubscription};
use tidings_fetch::{REQUESTED_LEASE_SECONDS, websub_signature_valid};

use crate::ingest::parse_off_runtime;
use crate::{App, AppError, Result};

/// What a push brought.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PushReport {
    pub new_articles: u64,
    pub new_appearances: u64,
}

impl App {
    /// The URL a hub calls for `feed`.
    fn websub_callback(&self, feed: FeedId) -> Option<String> {
        let base = self.config.public_url.as_ref()?;
        base.join(&format!("websub/{feed}")).ok().map(String::from)
    }

    /// After a successful parse: subscribe when the feed names a hub and
    /// no current subscription covers it. A hub that cannot be reached is
    /// logged; polling carries on regardless.
    pub(crate) async fn websub_maintain(&self, feed: &Feed, parsed: &ParsedFeed) -> Result<()> {
        let (Some(hub), Some(callback)) = (&parsed.hub_url, self.websub_callback(feed.id)) else {
            return Ok(());
        };
        let topic = parsed.self_url.as_deref().unwrap_or(&feed.url);
        let now = self.clock.now();
        let current = self.store.websub_subscription(feed.id).await?;
        if current.is_some_and(|s| !s.needs_request(hub, topic, now)) {
            return Ok(());
        }
        let secret: String = (0..32)
            .map(|_| format!("{:02x}", rand::random::<u8>()))
            .collect();
        // Recorded first: the hub may verify before its answer reaches us.
        self.store
            .websub_requested(feed.id, hub, topic, &secret, now)
            .await?;
        match self
            .fetcher
            .websub_subscribe(hub, topic, &callback, &secret)
            .await
        {
            Ok(()) => tracing::info!(feed = %feed.url, %hub, "WebSub subscription requested"),
            Err(error) => tracing::warn!(feed = %feed.url, %hub, %error, "WebSub hub refused"),
        }
        Ok(())
    }

    /// The feed's subscription; `NotFound` for an unknown feed or one never
    /// subscribed.
    async fn subscription(&self, feed: FeedId) -> Result<WebSubSubscription> {
        match self.store.websub_subscription(feed).await {
            Ok(Some(subscription)) => Ok(subscription),
            Ok(None) | Err(tidings_store::StoreError::NotFound) => {
                Err(AppError::NotFound("subscription"))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// A hub's verification of intent. Returns the challenge to echo when
    /// we did ask for this; `NotFound` (answered 404) when we did not.
    pub async fn websub_verify(
        &self,
        feed: FeedId,
        mode: &str,
        topic: &str,
        challenge: Option<&str>,
        lease_seconds: Option<u64>,
    ) -> Result<String> {
        let subscription = self.subscription(feed).await?;
        if subscription.topic != topic {
            return Err(AppError::NotFound("subscription"));
        }
        let now = self.clock.now();
        match mode {
            "subscribe"
                if matches!(
                    subscription.state,
                    WebSubState::Pending | WebSubState::Active
                ) =>
            {
                let challenge =
                    challenge.ok_or_else(|| AppError::Invalid("hub.challenge missing".into()))?;
                let lease = lease_seconds
                    .unwrap_or(REQUESTED_LEASE_SECONDS)
                    .min(365 * 86_400);
                let lease = TimeDelta::seconds(i64::try_from(lease).unwrap_or(i64::MAX));
                self.store.websub_verified(feed, now, now + lease).await?;
                tracing::info!(%feed, lease_secs = lease.num_seconds(), "WebSub subscription verified");
                Ok(challenge.to_owned())
            }
            "denied" => {
                self.store.websub_ended(feed, WebSubState::Denied).await?;
                tracing::warn!(%feed, "WebSub hub denied the subscription");
                Ok(String::new())
            }
            // We never ask to unsubscribe; someone else did.
            _ => Err(AppError::NotFound("subscription")),
        }
    }

    /// Content a hub pushed for `feed`, stored like a poll's when its
    /// signature proves it came from our hub.
    pub async fn websub_push(
        &self,
        feed: FeedId,
        signature: Option<&str>,
        content_type: Option<&str>,
        body: bytes::Bytes,
    ) -> Result<PushReport> {
        let subscription = self.subscription(feed).await?;
        if !websub_signature_valid(&subscription.secret, signature, &body) {
            tracing::warn!(%feed, "WebSub push with a bad signature refused");
            return Err(AppError::Forbidden("bad or missing X-Hub-Signature".into()));
        }
        let feed = self.store.feed(feed).await?;
        // A hub relays the content, not the publisher's headers.
        let parsed = parse_off_runtime(
            body,
            content_type.map(str::to_owned),
            None,
            feed.url.clone(),
        )
        .await
        .map_err(AppError::Invalid)?;
        let now = self.clock.now();
        let report = self
            .store
            .insert_entries(&feed, &parsed.entries, now, || {
                ArticleId(self.ids.next(now))
            })
            .await?;
        Ok(PushReport {
            new_articles: report.new_articles,
            new_appearances: report.new_appearances,
        })
    }
}
