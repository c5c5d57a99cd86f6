//! `tidings bench …`: throughput figures, printed, for comparing with peers
//! in the same run (see scripts/bench-feeds).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Parse every feed file in DIR (raw bytes, any format) and print
    /// feeds/s and entries/s: best of --rounds rounds, one thread.
    Feeds {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Stop after feed-rs's model (no conversion to tidings' entries):
        /// shows where the time goes.
        #[arg(long)]
        model_only: bool,
    },
}

pub fn run(command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Feeds {
            dir,
            rounds,
            model_only,
        } => feeds(&dir, rounds.max(1), model_only),
    }
}

fn feeds(dir: &Path, rounds: usize, model_only: bool) -> anyhow::Result<()> {
    let files = load(dir)?;
    anyhow::ensure!(!files.is_empty(), "no feed files in {}", dir.display());
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let mut best = Duration::MAX;
    let (mut entries, mut errors) = (0, 0);
    for (name, body) in &files {
        if let Err(error) = tidings_fetch::parse_feed(body, None, "http://bench.invalid/feed") {
            eprintln!("{name}: {error}");
        }
    }
    for round in 1..=rounds {
        let started = Instant::now();
        let (mut round_entries, mut round_errors) = (0, 0);
        for (_, body) in &files {
            const BASE: &str = "http://bench.invalid/feed";
            let parsed = if model_only {
                tidings_fetch::parse_feed_model(body, None, BASE).map(|f| f.entries.len())
            } else {
                tidings_fetch::parse_feed(body, None, BASE).map(|f| f.entries.len())
            };
            match parsed {
                Ok(entries) => round_entries += entries,
                Err(_) => round_errors += 1,
            }
        }
        let took = started.elapsed();
        eprintln!("round {round}: {:.3} s", took.as_secs_f64());
        best = best.min(took);
        (entries, errors) = (round_entries, round_errors);
    }
    let seconds = best.as_secs_f64();
    println!("| parser | version | best of {rounds} (s) | feeds/s | entries/s | MB/s | errors |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    println!(
        "| tidings | {} (feed-rs 3) | {seconds:.3} | {:.1} | {:.0} | {:.1} | {errors} |",
        env!("CARGO_PKG_VERSION"),
        files.len() as f64 / seconds,
        entries as f64 / seconds,
        bytes as f64 / 1e6 / seconds,
    );
    println!(
        "({} files, {} bytes, {entries} entries)",
        files.len(),
        bytes
    );
    Ok(())
}

/// Every regular file in `dir` (not hidden, not .md), sorted by name.
fn load(dir: &Path) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.file_type()?.is_file() || name.starts_with('.') || name.ends_with(".md") {
            continue;
        }
        files.push((name, std::fs::read(entry.path())?));
    }
    files.sort();
    Ok(files)
}
