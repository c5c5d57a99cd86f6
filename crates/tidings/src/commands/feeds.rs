//! `tidings feeds …`: follow, list, import and export feeds.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use tidings_app::{App, AppError};
use tidings_core::{ExtractMode, Feed, FeedId, FeedOutcome, WebSubState};

#[derive(Debug, Subcommand)]
pub enum FeedsCommand {
    /// Follow one or more feeds by URL.
    Add {
        #[arg(required = true, value_name = "URL")]
        urls: Vec<String>,
    },
    /// Follow every feed of an OPML file (folders are flattened).
    Import {
        #[arg(value_name = "FILE.opml")]
        file: PathBuf,
    },
    /// Print every followed feed as OPML.
    Export,
    /// List followed feeds with the outcome of their last poll.
    List,
    /// Set a feed's polling interval (`auto`: follow its publishing rate).
    SetInterval {
        #[arg(value_name = "FEED_ID")]
        feed: FeedId,
        #[arg(value_name = "DURATION|auto")]
        interval: String,
    },
    /// When to fetch a feed's article pages for their full text: for
    /// teasers only (auto), for every article (always), or never.
    SetExtract {
        #[arg(value_name = "FEED_ID")]
        feed: FeedId,
        #[arg(value_name = "auto|always|never")]
        mode: ExtractMode,
    },
    /// Take a paused (long-failing) feed back into the schedule, due now.
    Resume {
        #[arg(value_name = "FEED_ID")]
        feed: FeedId,
    },
}

pub async fn run(app: &App, command: FeedsCommand) -> anyhow::Result<()> {
    match command {
        FeedsCommand::Add { urls } => {
            let mut failed = 0;
            for url in &urls {
                match app.add_feed(url).await {
                    Ok(followed) => {
                        let feed = &followed.feed;
                        match &followed.found_on {
                            Some(page) => println!(
                                "following {} (feed {}), found on {page}",
                                feed.url, feed.id
                            ),
                            None => println!("following {} (feed {})", feed.url, feed.id),
                        }
                    }
                    Err(AppError::Conflict(_)) => println!("already following {url}"),
                    Err(AppError::Invalid(reason)) => {
                        eprintln!("error: {reason}");
                        failed += 1;
                    }
                    Err(other) => return Err(other).context("cannot add feed"),
                }
            }
            if failed > 0 {
                anyhow::bail!("{failed} of {} URLs could not be added", urls.len());
            }
        }
        FeedsCommand::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let report = app
                .import_opml(&text)
                .await
                .with_context(|| format!("cannot import {}", file.display()))?;
            println!(
                "imported {}: {} new feeds, {} already followed",
                file.display(),
                report.added,
                report.existing
            );
        }
        FeedsCommand::Export => {
            let opml = app.export_opml().await?;
            let mut out = std::io::stdout().lock();
            out.write_all(opml.as_bytes())?;
            out.write_all(b"\n")?;
        }
        FeedsCommand::List => {
            let feeds = app.feeds().await?;
            print!("{}", feed_table(&feeds));
        }
        FeedsCommand::SetInterval { feed, interval } => {
            let interval = match interval.as_str() {
                "auto" => None,
                text => Some(
                    humantime::parse_duration(text)
                        .with_context(|| format!("{text:?} is not a duration (e.g. 15m, 2h)"))?,
                ),
            };
            app.set_poll_interval(feed, interval).await?;
            println!("feed {feed}: interval set");
        }
        FeedsCommand::SetExtract { feed, mode } => {
            app.set_extract_mode(feed, mode).await?;
            println!(
                "feed {feed}: article pages fetched {}",
                match mode {
                    ExtractMode::Auto => "for teasers",
                    ExtractMode::Always => "for every article",
                    ExtractMode::Never => "never",
                }
            );
        }
        FeedsCommand::Resume { feed } => {
            app.resume_feed(feed).await?;
            println!("feed {feed} resumed: it is polled on the next pass");
        }
    }
    Ok(())
}

/// One line per feed: id, status ("+push" when its WebSub hub pushes), last
/// poll, interval, title and URL, and the error of a failing feed on the
/// next line.
fn feed_table(feeds: &[Feed]) -> String {
    if feeds.is_empty() {
        return "no feeds yet: add one with `tidings feeds add URL`\n".to_owned();
    }
    let mut out = format!(
        "{:<20} {:<12} {:<17} {:<9} FEED\n",
        "ID", "STATUS", "LAST POLL", "INTERVAL"
    );
    for feed in feeds {
        let mut status = match (feed.state.last_outcome, feed.state.error_count) {
            _ if feed.state.paused => "paused".to_owned(),
            (None, _) => "new".to_owned(),
            (Some(FeedOutcome::Error), n) => format!("error ×{n}"),
            (Some(outcome), _) => outcome.to_string(),
        };
        if feed.push == Some(WebSubState::Active) {
            status.push_str("+push");
        }
        let interval = match (feed.poll_interval_secs, feed.state.interval_secs) {
            (Some(fixed), _) => format!("{}*", short_duration(fixed)),
            (None, Some(auto)) => short_duration(auto),
            (None, None) => "-".to_owned(),
        };
        let folder = feed
            .category
            .as_deref()
            .map(|c| format!(" [{c}]"))
            .unwrap_or_default();
        let polled = feed
            .state
            .last_fetched_at
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|| "never".to_owned());
        out.push_str(&format!(
            "{:<20} {:<12} {:<17} {:<9} {}{folder} <{}>\n",
            feed.id,
            status,
            polled,
            interval,
            feed.display_name(),
            feed.url
        ));
        if let Some(error) = &feed.state.last_error {
            let since = feed
                .state
                .failing_since
                .map(|t| format!(" (failing since {})", t.format("%Y-%m-%d %H:%M")))
                .unwrap_or_default();
            out.push_str(&format!("{:<20} last error: {error}{since}\n", ""));
        }
    }
    if feeds.iter().any(|f| f.poll_interval_secs.is_some()) {
        out.push_str("(* interval set by the operator)\n");
    }
    out
}

/// `90` → `1m30s`; `7200` → `2h`.
fn short_duration(seconds: i64) -> String {
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds / 3600 % 24,
        seconds / 60 % 60,
        seconds % 60,
    );
    let parts = [(d, "d"), (h, "h"), (m, "m"), (s, "s")];
    let text: String = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    if text.is_empty() {
        "0s".to_owned()
    } else {
        text
    }
}
