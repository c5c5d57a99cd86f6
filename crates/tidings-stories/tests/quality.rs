//! Story quality on the shared benchmark sets, scored by the benchmarks' own
//! scorers (Python 3, stdlib): clustering (B-cubed F1), near-duplicates (pair
//! precision and recall on `make_corpus.py` streams) and related articles
//! (nDCG@10, "same story = relevant", scored by `scripts/score-related.py`).
//! Prints the figures and fails below the floors. Skips, saying why, without
//! `../shared/datasets` or without `python3`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use tidings_stories::{StoryEngine, input};

fn datasets() -> Option<PathBuf> {
    let shared = std::env::var_os("TIDINGS_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = shared.join("datasets");
    let ready = dir.join("clustering/tools/score.py").exists()
        && Command::new("python3").arg("--version").output().is_ok();
    if !ready {
        println!("skipped: no {} or no python3", dir.display());
    }
    ready.then_some(dir)
}

struct Run {
    stream: input::Stream,
    stories: String,
    groups: String,
    related: String,
}

/// Runs the engine over a stream exactly as `tidings cluster|dedup|related` do.
fn run(jsonl: &[u8]) -> Run {
    let stream = input::read(jsonl).unwrap();
    let mut engine = StoryEngine::default();
    let outcome = engine.place_batch(&stream.docs);
    let (stories, groups) = outcome.final_labels(stream.docs.len());
    let tsv = |labels: &[u64]| {
        let mut out = String::new();
        for (id, &l) in stream.ids.iter().zip(labels) {
            writeln!(out, "{id}\t{}", stream.id(l)).unwrap();
        }
        out
    };
    let mut related = String::new();
    for doc in &stream.docs {
        let ids: Vec<&str> = engine
            .related_to(doc.id, 10)
            .into_iter()
            .map(|(d, _)| stream.id(d))
            .collect();
        writeln!(related, "{}\t{}", stream.id(doc.id), ids.join(",")).unwrap();
    }
    Run {
        stories: tsv(&stories),
        groups: tsv(&groups),
        related,
        stream,
    }
}

fn gold_tsv(jsonl: &[u8]) -> String {
    let mut out = String::new();
    for line in std::str::from_utf8(jsonl).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(&line.replace(": NaN", ": null")).unwrap();
        let id = match &v["id"] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let label = match &v["label"] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        writeln!(out, "{id}\t{label}").unwrap();
    }
    out
}

/// Runs a Python scorer on files, returning its `name=value` figures.
fn python(script: &Path, files: &[(&str, &str)]) -> Vec<(String, f64)> {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new("python3");
    cmd.arg(script);
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        cmd.arg(path);
    }
    let out = cmd.output().expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .filter_map(|p| p.split_once('='))
        .filter_map(|(k, v)| Some((k.to_owned(), v.parse().ok()?)))
        .collect()
}

fn figure(figures: &[(String, f64)], name: &str) -> f64 {
    figures
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| *v)
        .unwrap()
}

fn related_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/score-related.py")
}

#[test]
fn clustering_and_related_quality() {
    let Some(root) = datasets() else { return };
    // (set, B-cubed F1 floor, nDCG@10 floor when scored)
    let sets = [
        ("googlenews-TS", 0.95, Some(0.975)),
        ("googlenews-T", 0.83, None),
        ("uci-titles", 0.83, Some(0.89)),
    ];
    let mut failures = Vec::new();
    for (set, b3_floor, ndcg_floor) in sets {
        let path = root.join(format!("clustering/{set}.dev.jsonl"));
        let jsonl = std::fs::read(&path).unwrap();
        let run = run(&jsonl);
        let gold = gold_tsv(&jsonl);
        let scores = python(
            &root.join("clustering/tools/score.py"),
            &[("gold.tsv", &gold), ("pred.tsv", &run.stories)],
        );
        let b3 = figure(&scores, "b3_F1");
        print!(
            "{set}: docs={} stories={} b3_P={:.4} b3_R={:.4} b3_F1={b3:.4}",
            run.stream.docs.len(),
            figure(&scores, "pred_clusters"),
            figure(&scores, "b3_P"),
            figure(&scores, "b3_R"),
        );
        if b3 < b3_floor {
            failures.push(format!("{set}: B-cubed F1 {b3:.4} < {b3_floor}"));
        }
        if let Some(floor) = ndcg_floor {
            let rel = python(
                &related_script(),
                &[
                    ("gold.jsonl", std::str::from_utf8(&jsonl).unwrap()),
                    ("related.tsv", &run.related),
                ],
            );
            let ndcg = figure(&rel, "nDCG@10");
            print!(" related nDCG@10={ndcg:.4} P@5={:.4}", figure(&rel, "P@5"));
            if ndcg < floor {
                failures.push(format!("{set}: related nDCG@10 {ndcg:.4} < {floor}"));
            }
        }
        println!();
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn near_duplicate_quality() {
    let Some(root) = datasets() else { return };
    let tools = root.join("neardup/tools");
    // (level, seed, precision floor, recall floor)
    let runs = [
        ("light", 1, 0.995, 0.99),
        ("light", 2, 0.995, 0.99),
        ("heavy", 1, 0.985, 0.95),
        ("heavy", 2, 0.985, 0.95),
    ];
    let mut failures = Vec::new();
    for (level, seed, p_floor, r_floor) in runs {
        let corpus = Command::new("python3")
            .current_dir(&tools)
            .args([
                "make_corpus.py",
                "../wikiref220.jsonl",
                level,
                &seed.to_string(),
            ])
            .output()
            .expect("python3 runs");
        assert!(corpus.status.success());
        let run = run(&corpus.stdout);
        let scores = python(
            &root.join("clustering/tools/score.py"),
            &[
                ("gold.tsv", &gold_tsv(&corpus.stdout)),
                ("pred.tsv", &run.groups),
            ],
        );
        let (p, r) = (figure(&scores, "pair_P"), figure(&scores, "pair_R"));
        println!(
            "neardup {level} seed {seed}: docs={} groups={} pair_P={p:.4} pair_R={r:.4}",
            run.stream.docs.len(),
            figure(&scores, "pred_clusters")
        );
        if p < p_floor || r < r_floor {
            failures.push(format!(
                "{level}/{seed}: P {p:.4} R {r:.4} below {p_floor}/{r_floor}"
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
