//! `tidings fetch`: poll feeds from the command line (for cron and tests),
//! or run only the feed worker.

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use tidings_app::{App, FeedReport, FetchObserver, run_worker};
use tokio_util::sync::CancellationToken;

use crate::config::Settings;

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Poll every due feed once, fetch the pages of new teaser-only
    /// articles for their full text, print a summary and exit (non-zero
    /// only on a fatal error, such as an unreachable database). Without it, poll
    /// continuously like `serve` does, without the web site.
    #[arg(long)]
    once: bool,
    /// Treat every feed as due now.
    #[arg(long)]
    all: bool,
}

pub async fn run(app: App, settings: &Settings, args: FetchArgs) -> anyhow::Result<()> {
    if !args.once {
        let cancel = CancellationToken::new();
        let stop = cancel.clone();
        tokio::spawn(async move {
            tokio::signal::ctrl_c().await.ok();
            stop.cancel();
        });
        run_worker(app, settings.worker_tick, cancel).await;
        return Ok(());
    }
    let progress = Progress::new();
    let summary = app.fetch_due(args.all, &progress).await?;
    progress.bar.finish_and_clear();
    let extracted = app.extract_pending(&CancellationToken::new()).await?;
    let placed = app.place_stories(&CancellationToken::new()).await?;
    app.release_story_lease().await;
    println!(
        "polled {} feeds: {} fetched, {} not modified, {} failed; {} new articles, {} seen again in other feeds",
        summary.feeds,
        summary.fetched,
        summary.not_modified,
        summary.failed,
        summary.new_articles,
        summary.new_appearances
    );
    if extracted.pages > 0 {
        println!(
            "fetched {} article pages for full text: {} extracted, {} failed",
            extracted.pages, extracted.extracted, extracted.failed
        );
    }
    if placed.placed > 0 {
        println!(
            "placed {} articles in stories ({} earlier ones moved)",
            placed.placed, placed.moved
        );
    }
    Ok(())
}

/// A progress bar on a terminal; silent otherwise (indicatif hides itself
/// when stderr is not a terminal).
struct Progress {
    bar: ProgressBar,
}

impl Progress {
    fn new() -> Self {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {pos}/{len} feeds {wide_bar} {elapsed}")
                .expect("progress template"),
        );
        Self { bar }
    }
}

impl FetchObserver for Progress {
    fn claimed(&self, feeds: usize) {
        self.bar.inc_length(feeds as u64);
    }

    fn polled(&self, _report: &FeedReport) {
        // Failures are logged (with the feed and the reason) by the app.
        self.bar.inc(1);
    }
}
