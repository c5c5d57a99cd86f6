//! The background worker `serve` and `fetch` run: poll due feeds, sleep,
//! repeat, until cancelled.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::App;

/// How long a stopping worker waits for the feeds it holds to finish, so
/// their claims are released rather than left to expire.
const WIND_DOWN: Duration = Duration::from_secs(20);

/// Articles, and top stories, whose highlights the optional model words
/// per worker pass.
const REWORD_PER_PASS: i64 = 20;
const STORIES_WORDED_PER_PASS: usize = 20;

/// Polls due feeds every `tick` until `cancel` fires. A pass that fails
/// (the database is unreachable) is logged and retried on the next tick.
pub async fn run_worker(app: App, tick: Duration, cancel: CancellationToken) {
    tracing::info!(tick_secs = tick.as_secs(), "feed worker started");
    while !cancel.is_cancelled() {
        let pass = async {
            let polled = app.fetch_due_until(false, &(), &cancel).await?;
            let extracted = app.extract_pending(&cancel).await?;
            let placed = app.place_stories(&cancel).await?;
            // The optional model rewords a few articles' and top stories'
            // highlights a pass.
            app.reword_highlights(REWORD_PER_PASS).await?;
            app.reword_story_highlights(STORIES_WORDED_PER_PASS).await?;
            app.prune_accounts_state().await?;
            app.tidy_search_index().await?;
            Ok::<_, crate::AppError>((polled, extracted, placed))
        };
        tokio::pin!(pass);
        let result = tokio::select! {
            result = &mut pass => Some(result),
            _ = cancel.cancelled() => {
                // Let the claimed feeds finish, for a while.
                tokio::time::timeout(WIND_DOWN, &mut pass).await.ok()
            }
        };
        match result {
            Some(Ok((polled, extracted, placed))) => {
                if placed.placed > 0 || placed.moved > 0 {
                    tracing::info!(
                        placed = placed.placed,
                        moved = placed.moved,
                        "placed articles in stories"
                    );
                }
                if polled.feeds > 0 {
                    tracing::info!(
                        feeds = polled.feeds,
                        new_articles = polled.new_articles,
                        new_appearances = polled.new_appearances,
                        not_modified = polled.not_modified,
                        failed = polled.failed,
                        "polled due feeds"
                    );
                }
                if extracted.pages > 0 {
                    tracing::info!(
                        pages = extracted.pages,
                        extracted = extracted.extracted,
                        failed = extracted.failed,
                        "extracted articles from their pages"
                    );
                }
            }
            Some(Err(error)) => tracing::error!(%error, "polling pass failed"),
            None => {
                tracing::warn!("stopped with feeds in flight; their claims expire on their own")
            }
        }
        tokio::select! {
            _ = cancel.cancelled() => break,
            _ = tokio::time::sleep(tick) => {}
        }
    }
    app.release_story_lease().await;
    tracing::info!("feed worker stopped");
}
