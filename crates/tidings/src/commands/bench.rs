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
        /// Stop after the parser's document (no conversion to tidings'
        /// entries): shows where the time goes.
        #[arg(long)]
        model_only: bool,
        /// With --model-only: also sanitize every HTML text as feedparser
        /// does by default (ingestion leaves that to the site).
        #[arg(long, requires = "model_only")]
        sanitize: bool,
    },
    /// Run the story engine (folding, clustering, related) over a JSON-lines
    /// stream, or over N synthetic articles arriving one every 30 seconds,
    /// in batches of 500 as ingestion does; print articles/s, one thread,
    /// and the most articles the window held (memory follows the window,
    /// not the stream).
    Stories {
        /// A stream as `tidings cluster` reads it.
        #[arg(long, value_name = "FILE.jsonl", conflicts_with = "synthetic")]
        input: Option<PathBuf>,
        /// Generate this many articles instead.
        #[arg(long, value_name = "N", required_unless_present = "input")]
        synthetic: Option<usize>,
    },
    /// Pick the highlights of every article of a JSON-lines file (as
    /// `tidings highlights` reads it), --rounds times over, one thread;
    /// print articles/s and the median time per article.
    Highlights {
        #[arg(long, value_name = "FILE.jsonl")]
        input: PathBuf,
        #[arg(long, default_value_t = 5)]
        rounds: usize,
    },
}

pub fn run(command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Feeds {
            dir,
            rounds,
            model_only,
            sanitize,
        } => feeds(&dir, rounds.max(1), model_only, sanitize),
        BenchCommand::Stories { input, synthetic } => stories(input.as_deref(), synthetic),
        BenchCommand::Highlights { input, rounds } => highlights(&input, rounds.max(1)),
    }
}

fn stories(input: Option<&Path>, synthetic: Option<usize>) -> anyhow::Result<()> {
    use tidings_stories::{Document, StoryEngine};
    let docs: Vec<Document> = match (input, synthetic) {
        (Some(path), _) => {
            let file = std::fs::File::open(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            tidings_stories::input::read(std::io::BufReader::new(file))?.docs
        }
        (None, Some(n)) => synthetic_stream(n),
        (None, None) => anyhow::bail!("give --input FILE.jsonl or --synthetic N"),
    };
    let mut engine = StoryEngine::default();
    let (mut held, mut stories) = (0, std::collections::HashSet::new());
    let started = Instant::now();
    for batch in docs.chunks(500) {
        let outcome = engine.place_batch(batch);
        held = held.max(engine.len());
        stories.extend(outcome.placements.iter().map(|p| p.story));
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "{} articles in {:.2} s: {:.0} articles/s; {} stories; at most {} articles held; peak RSS {}",
        docs.len(),
        elapsed,
        docs.len() as f64 / elapsed,
        stories.len(),
        held,
        peak_rss().unwrap_or_else(|| "unknown".into())
    );
    Ok(())
}

/// Articles about random stories: each story has six key words drawn from a
/// large vocabulary; each article takes three of them and twenty background
/// words. One article every 30 seconds; a story runs for about two hours.
fn synthetic_stream(n: usize) -> Vec<tidings_stories::Document> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let word = |rng: &mut rand::rngs::StdRng| format!("w{}", rng.random_range(0..200_000u32));
    let mut live: Vec<(Vec<String>, i64)> = Vec::new();
    (0..n)
        .map(|i| {
            let ts = i as i64 * 30;
            live.retain(|(_, until)| *until > ts);
            if live.len() < 40 || rng.random_bool(0.1) {
                let keys = (0..6).map(|_| word(&mut rng)).collect();
                live.push((keys, ts + 7_200));
            }
            let story = &live[rng.random_range(0..live.len())].0;
            let mut words: Vec<String> = (0..3)
                .map(|_| story[rng.random_range(0..6)].clone())
                .collect();
            words.extend((0..20).map(|_| word(&mut rng)));
            tidings_stories::Document {
                id: i as u64 + 1,
                ts,
                title: words[..3].join(" "),
                body: words[3..].join(" "),
                publisher: None,
                embedding: None,
            }
        })
        .collect()
}

/// The process's peak resident memory, from /proc (Linux).
fn peak_rss() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.trim_start_matches("VmHWM:").trim().to_owned())
}

fn feeds(dir: &Path, rounds: usize, model_only: bool, sanitize: bool) -> anyhow::Result<()> {
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
                let options = tidings_fetch::feed::Options {
                    sanitize_html: sanitize,
                    language: None,
                };
                tidings_fetch::parse_document(body, None, BASE, options).map(|f| f.entries.len())
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
        "| tidings | {} (quick-xml) | {seconds:.3} | {:.1} | {:.0} | {:.1} | {errors} |",
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

/// The time below which `share` of `sorted` (ascending) falls, in ms.
pub(crate) fn percentile_ms(sorted: &[Duration], share: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return 0.0;
    };
    sorted[((sorted.len() as f64 * share) as usize).min(last)].as_secs_f64() * 1e3
}

fn highlights(input: &Path, rounds: usize) -> anyhow::Result<()> {
    let articles = super::highlights::read(input)?;
    anyhow::ensure!(
        !articles.is_empty(),
        "{} holds no articles",
        input.display()
    );
    let highlighter = tidings_ai::Highlighter::default();
    let mut per_article = Vec::with_capacity(articles.len() * rounds);
    let mut bullets = 0usize;
    let started = Instant::now();
    for _ in 0..rounds {
        for (_, title, text) in &articles {
            let one = Instant::now();
            bullets += highlighter.article(title, text).len();
            per_article.push(one.elapsed());
        }
    }
    let elapsed = started.elapsed();
    per_article.sort_unstable();
    let n = per_article.len();
    println!(
        "highlights: {} articles x {rounds} rounds in {:.3} s: {:.0} articles/s, median {:.3} ms, p99 {:.3} ms per article ({:.2} highlights each)",
        articles.len(),
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        percentile_ms(&per_article, 0.5),
        percentile_ms(&per_article, 0.99),
        bullets as f64 / n as f64,
    );
    Ok(())
}
