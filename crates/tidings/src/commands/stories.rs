//! `tidings cluster | dedup | related`: the story engine over a JSON-lines
//! stream (see `tidings_stories::input`), for benchmarks and for checking
//! what ingestion would do. The engine, its defaults and its batch step are
//! the ones ingestion uses.

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use tidings_stories::{StoryEngine, input};

#[derive(Debug, Args)]
pub struct StreamArgs {
    /// JSON lines: {"id", "text"} or {"id", "title", "body"}, optional "ts" and "publisher".
    #[arg(long, value_name = "FILE.jsonl")]
    input: PathBuf,
}

#[derive(Debug, Args)]
pub struct RelatedArgs {
    #[command(flatten)]
    stream: StreamArgs,
    /// Related articles listed per article.
    #[arg(long, default_value_t = 10)]
    k: usize,
}

/// The stream, placed by the engine as ingestion would place it.
struct Placed {
    stream: input::Stream,
    engine: StoryEngine,
    stories: Vec<u64>,
    groups: Vec<u64>,
}

fn place(args: &StreamArgs) -> anyhow::Result<Placed> {
    let file = std::fs::File::open(&args.input)
        .with_context(|| format!("cannot read {}", args.input.display()))?;
    let stream = input::read(std::io::BufReader::new(file))
        .with_context(|| format!("{}", args.input.display()))?;
    let mut engine = StoryEngine::default();
    let outcome = engine.place_batch(&stream.docs);
    let (stories, groups) = outcome.final_labels(stream.docs.len());
    Ok(Placed {
        stream,
        engine,
        stories,
        groups,
    })
}

pub fn cluster(args: StreamArgs) -> anyhow::Result<()> {
    let placed = place(&args)?;
    print_labels(&placed, &placed.stories)
}

pub fn dedup(args: StreamArgs) -> anyhow::Result<()> {
    let placed = place(&args)?;
    print_labels(&placed, &placed.groups)
}

fn print_labels(placed: &Placed, labels: &[u64]) -> anyhow::Result<()> {
    let mut out = BufWriter::new(std::io::stdout().lock());
    for (id, &label) in placed.stream.ids.iter().zip(labels) {
        writeln!(out, "{id}\t{}", placed.stream.id(label))?;
    }
    out.flush()?;
    Ok(())
}

pub fn related(args: RelatedArgs) -> anyhow::Result<()> {
    let placed = place(&args.stream)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    for doc in &placed.stream.docs {
        let related: Vec<&str> = placed
            .engine
            .related_to(doc.id, args.k)
            .into_iter()
            .map(|(d, _)| placed.stream.id(d))
            .collect();
        writeln!(out, "{}\t{}", placed.stream.id(doc.id), related.join(","))?;
    }
    out.flush()?;
    Ok(())
}
