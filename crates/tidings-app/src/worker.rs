//! The background worker `serve` and `fetch` run: poll due feeds, sleep,
//! repeat, until cancelled.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::App;

/// Polls due feeds every `tick` until `cancel` fires. A pass that fails
/// (the database is unreachable) is logged and retried on the next tick.
pub async fn run_worker(app: App, tick: Duration, cancel: CancellationToken) {
    tracing::info!(tick_secs = tick.as_secs(), "feed worker started");
    loop {
        tokio::select! {
            _ = cancel.cancelled() => break,
            result = app.fetch_due(false, &()) => match result {
                Ok(summary) if summary.feeds > 0 => tracing::info!(
                    feeds = summary.feeds,
                    new_articles = summary.new_articles,
                    not_modified = summary.not_modified,
                    failed = summary.failed,
                    "polled due feeds"
                ),
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "polling pass failed"),
            },
        }
        tokio::select! {
            _ = cancel.cancelled() => break,
            _ = tokio::time::sleep(tick) => {}
        }
    }
    tracing::info!("feed worker stopped");
}
