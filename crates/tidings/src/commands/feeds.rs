//! `tidings feeds …`: follow, list, import and export feeds.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use tidings_app::{App, AppError};
use tidings_core::{Feed, FeedOutcome};

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
}

pub async fn run(app: &App, command: FeedsCommand) -> anyhow::Result<()> {
    match command {
        FeedsCommand::Add { urls } => {
            let mut failed = 0;
            for url in &urls {
                match app.add_feed(url).await {
                    Ok(feed) => println!("following {} (feed {})", feed.url, feed.id),
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
    }
    Ok(())
}

/// One line per feed: id, status, last poll, title and URL, and the error
/// of a failing feed on the next line.
fn feed_table(feeds: &[Feed]) -> String {
    if feeds.is_empty() {
        return "no feeds yet: add one with `tidings feeds add URL`\n".to_owned();
    }
    let mut out = format!("{:<20} {:<12} {:<20} FEED\n", "ID", "STATUS", "LAST POLL");
    for feed in feeds {
        let status = match (feed.state.last_outcome, feed.state.error_count) {
            (None, _) => "new".to_owned(),
            (Some(FeedOutcome::Error), n) => format!("error ×{n}"),
            (Some(outcome), _) => outcome.to_string(),
        };
        let polled = feed
            .state
            .last_fetched_at
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|| "never".to_owned());
        out.push_str(&format!(
            "{:<20} {:<12} {:<20} {} <{}>\n",
            feed.id,
            status,
            polled,
            feed.display_name(),
            feed.url
        ));
        if let Some(error) = &feed.state.last_error {
            out.push_str(&format!("{:<20} last error: {error}\n", ""));
        }
    }
    out
}
