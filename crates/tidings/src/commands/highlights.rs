//! `tidings highlights`: an article's highlights from a JSON-lines stream,
//! picked by the same highlighter, with the same settings, as the site.

use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use serde::Deserialize;
use tidings_ai::{HighlightConfig, Highlighter};

#[derive(Debug, Args)]
pub struct HighlightsArgs {
    /// JSON lines: {"id", "article"} or {"id", "title", "body"}.
    #[arg(long, value_name = "FILE.jsonl")]
    input: PathBuf,
    /// At most this many highlights per article (the site shows 3 or 4).
    #[arg(long)]
    k: Option<usize>,
}

#[derive(Deserialize)]
struct Line {
    id: serde_json::Value,
    #[serde(default)]
    article: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    body: Option<String>,
}

/// The articles of a JSON-lines file: (id, title, text).
pub fn read(path: &std::path::Path) -> anyhow::Result<Vec<(serde_json::Value, String, String)>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut articles = Vec::new();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("{}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let line: Line = serde_json::from_str(&line)
            .with_context(|| format!("{}:{}: not an article line", path.display(), n + 1))?;
        let text = line.article.or(line.body).unwrap_or_default();
        articles.push((line.id, line.title.unwrap_or_default(), text));
    }
    Ok(articles)
}

pub fn run(args: HighlightsArgs) -> anyhow::Result<()> {
    let mut config = HighlightConfig::default();
    if let Some(k) = args.k {
        anyhow::ensure!(k > 0, "--k must be at least 1");
        config.max_bullets = k;
        config.min_bullets = config.min_bullets.min(k);
    }
    let highlighter = Highlighter::new(config);
    let mut out = BufWriter::new(std::io::stdout().lock());
    for (id, title, text) in read(&args.input)? {
        let highlights = highlighter.article(&title, &text);
        serde_json::to_writer(
            &mut out,
            &serde_json::json!({"id": id, "highlights": highlights}),
        )?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}
