//! Extraction quality on the shared benchmark pages, scored by the
//! benchmark's own scorer (`tools/score_extraction.py`, Python 3 stdlib).
//! Prints the figures and fails below the floors. Skips, saying why,
//! without `../shared/datasets/extraction` or without `python3`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::json;

fn datasets() -> Option<PathBuf> {
    let shared = std::env::var_os("TIDINGS_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = shared.join("datasets/extraction");
    dir.join("tools/score_extraction.py")
        .exists()
        .then_some(dir)
}

/// Extracts every page of `dataset`, scores it, and returns the scorer's
/// figures as `name=value` pairs.
fn score(root: &Path, dataset: &str, urls: &serde_json::Value) -> Vec<(String, f64)> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(root.join(dataset).join("html"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    let mut lines = String::new();
    let mut times = Vec::new();
    for page in &pages {
        let name = page.file_name().unwrap().to_string_lossy();
        let id = name
            .trim_end_matches(".gz")
            .trim_end_matches(".html")
            .to_owned();
        let mut html = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(page).unwrap())
            .read_to_end(&mut html)
            .unwrap();
        let url = urls[&id]["url"]
            .as_str()
            .and_then(|u| url::Url::parse(u).ok());
        let started = Instant::now();
        let article = tidings_extract::extract(&html, url.as_ref());
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        let line = json!({
            "id": id,
            "text": article.text,
            "title": article.title,
            "authors": article.authors,
            "published": article.published.map(|d| d.to_rfc3339()),
            "modified": article.modified.map(|d| d.to_rfc3339()),
        });
        lines.push_str(&line.to_string());
        lines.push('\n');
    }
    times.sort_by(f64::total_cmp);
    let mut predictions = tempfile_in_target(dataset);
    predictions.1.write_all(lines.as_bytes()).unwrap();
    let output = Command::new("python3")
        .arg(root.join("tools/score_extraction.py"))
        .arg(root.join(dataset))
        .arg(&predictions.0)
        .output()
        .expect("python3 runs");
    let report = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    println!(
        "{dataset}: {report} median_ms={:.2} (this build; see scripts for release figures)",
        times[times.len() / 2]
    );
    report
        .split_whitespace()
        .filter_map(|pair| pair.split_once('='))
        .filter_map(|(k, v)| Some((k.to_owned(), v.parse().ok()?)))
        .collect()
}

fn tempfile_in_target(name: &str) -> (PathBuf, std::fs::File) {
    let path = std::env::temp_dir().join(format!(
        "tidings-extract-{name}-{}.jsonl",
        std::process::id()
    ));
    let file = std::fs::File::create(&path).unwrap();
    (path, file)
}

fn figure(figures: &[(String, f64)], name: &str) -> f64 {
    figures
        .iter()
        .find(|(k, _)| k == name)
        .map_or(0.0, |(_, v)| *v)
}

#[test]
fn benchmark_quality() {
    let Some(root) = datasets() else {
        eprintln!("skipping: ../shared/datasets/extraction is absent (or set TIDINGS_SHARED_DIR)");
        return;
    };
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("skipping: python3 (for the benchmark's scorer) is not installed");
        return;
    }
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("scrapinghub/ground-truth.json")).unwrap(),
    )
    .unwrap();
    let scrapinghub = score(&root, "scrapinghub", &truth);
    let wcxb = score(&root, "wcxb-articles", &serde_json::Value::Null);

    // Floors: the figures this extractor reached when they were set.
    let floors = [
        (&scrapinghub, "f1", 0.972),
        (&wcxb, "f1", 0.958),
        (&wcxb, "title", 0.895),
        (&wcxb, "author", 0.85),
        (&wcxb, "date", 0.88),
    ];
    for (figures, name, floor) in floors {
        let value = figure(figures, name);
        assert!(value >= floor, "{name} fell to {value} (floor {floor})");
    }
}
