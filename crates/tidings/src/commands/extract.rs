//! `tidings extract`: the article in a saved page, as JSON; or every page
//! of a folder, as JSON lines (for scoring against benchmarks).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// A page: FILE.html, FILE.html.gz, or - for standard input.
    #[arg(
        value_name = "FILE",
        required_unless_present = "batch",
        conflicts_with = "batch"
    )]
    file: Option<PathBuf>,
    /// The page's URL (relative links and images resolve against it).
    #[arg(long, value_name = "URL")]
    url: Option<url::Url>,
    /// Extract every *.html and *.html.gz in DIR.
    #[arg(long, value_name = "DIR", requires = "out")]
    batch: Option<PathBuf>,
    /// Where --batch writes its JSON lines.
    #[arg(long, value_name = "FILE.jsonl")]
    out: Option<PathBuf>,
}

pub fn run(args: ExtractArgs) -> anyhow::Result<()> {
    match (&args.batch, &args.out, &args.file) {
        (Some(dir), Some(out), _) => batch(dir, out),
        (_, _, Some(file)) => {
            let html = read_page(file)?;
            let line = extract_json(None, &html, args.url.as_ref());
            println!("{}", serde_json::to_string_pretty(&line)?);
            Ok(())
        }
        _ => anyhow::bail!("give a FILE, or --batch DIR --out FILE.jsonl"),
    }
}

fn batch(dir: &Path, out: &Path) -> anyhow::Result<()> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.to_string_lossy();
            name.ends_with(".html") || name.ends_with(".html.gz")
        })
        .collect();
    pages.sort();
    let mut writer = std::io::BufWriter::new(
        std::fs::File::create(out).with_context(|| format!("cannot write {}", out.display()))?,
    );
    let bar = ProgressBar::new(pages.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} pages {wide_bar} {elapsed}")
            .expect("progress template"),
    );
    let started = Instant::now();
    let mut failed = 0;
    let mut times = Vec::with_capacity(pages.len());
    for page in &pages {
        let name = page.file_name().unwrap_or_default().to_string_lossy();
        let id = name
            .trim_end_matches(".gz")
            .trim_end_matches(".html")
            .to_owned();
        let line = match read_page(page) {
            Ok(html) => {
                // Extraction alone: reading, gunzip and writing are not timed.
                let timer = Instant::now();
                let line = extract_json(Some(&id), &html, None);
                times.push(timer.elapsed());
                line
            }
            Err(error) => json!({"id": id, "error": format!("{error:#}")}),
        };
        failed += usize::from(line.get("error").is_some());
        serde_json::to_writer(&mut writer, &line)?;
        writer.write_all(b"\n")?;
        bar.inc(1);
    }
    writer.flush()?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    times.sort_unstable();
    let at = |share: f64| super::bench::percentile_ms(&times, share);
    eprintln!(
        "extracted {} pages ({failed} failed) in {seconds:.2} s, {:.2} ms a page; \
         extraction alone: median {:.2} ms, p90 {:.2} ms, max {:.2} ms",
        pages.len(),
        seconds * 1000.0 / pages.len().max(1) as f64,
        at(0.5),
        at(0.9),
        at(1.0),
    );
    Ok(())
}

/// One page's article as a JSON object; a page the extractor cannot take
/// gives an `error` instead of stopping the run.
fn extract_json(id: Option<&str>, html: &[u8], url: Option<&url::Url>) -> Value {
    let extracted = std::panic::catch_unwind(|| tidings_extract::extract(html, url));
    let mut value = match extracted {
        Ok(article) => {
            serde_json::to_value(article).unwrap_or_else(|e| json!({"error": e.to_string()}))
        }
        Err(_) => json!({"error": "the extractor failed on this page"}),
    };
    if let (Some(id), Some(object)) = (id, value.as_object_mut()) {
        object.insert("id".into(), json!(id));
    }
    value
}

fn read_page(path: &Path) -> anyhow::Result<Vec<u8>> {
    let mut html = Vec::new();
    if path == Path::new("-") {
        std::io::stdin().read_to_end(&mut html)?;
    } else {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        if path.extension().is_some_and(|e| e == "gz") {
            flate2::read::GzDecoder::new(file).read_to_end(&mut html)
        } else {
            std::io::BufReader::new(file).read_to_end(&mut html)
        }
        .with_context(|| format!("cannot read {}", path.display()))?;
    }
    Ok(html)
}
