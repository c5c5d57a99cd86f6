//! Feed parser conformance: the structured expectations of feedparser's
//! 1,850-case test corpus (`../shared/datasets/feeds/cases.jsonl`), run
//! against tidings' parser (our decoding + feed-rs), its result viewed
//! under feedparser's key names. Prints the pass rate per suite and format
//! and fails if it drops below the floor. Skips, saying so, without the
//! shared datasets.
//!
//! `TIDINGS_CONFORMANCE_OUT=FILE` also writes the results in the shape
//! `tools/score.py` reads; `TIDINGS_CONFORMANCE_FAILURES=N` prints N
//! failing cases.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde_json::{Map, Value, json};
use tidings_fetch::feed_model::{self as model, FeedType};
use tidings_fetch::{detect_encoding, parse_feed_model};

/// Cases that must pass; raise it as the parser improves.
const FLOOR: usize = 752;

/// `$TIDINGS_SHARED_DIR/datasets/feeds`, else `../shared` beside the
/// checkout.
fn dataset() -> Option<PathBuf> {
    let shared = std::env::var_os("TIDINGS_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = shared.join("datasets/feeds");
    dir.join("cases.jsonl").exists().then_some(dir)
}

#[test]
fn feedparser_corpus_pass_rate() {
    let Some(dir) = dataset() else {
        eprintln!("skipping: ../shared/datasets/feeds is absent (or set TIDINGS_SHARED_DIR)");
        return;
    };
    let cases = std::fs::read_to_string(dir.join("cases.jsonl")).unwrap();
    let mut scored = 0;
    let mut passed = 0;
    let mut by_group: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut out = Vec::new();
    for line in cases.lines() {
        let case: Value = serde_json::from_str(line).unwrap();
        let structured = case["structured"].as_str().unwrap_or_default();
        if structured == "none" {
            continue;
        }
        let path = case["path"].as_str().unwrap();
        let body = std::fs::read(dir.join(path)).unwrap();
        let result = view(&case, &body);
        let ok = match (&result, structured) {
            (Ok(_), "no_crash") => true,
            (Ok(result), _) => case["checks"]
                .as_array()
                .unwrap()
                .iter()
                .all(|check| holds(result, check)),
            (Err(_), _) => false,
        };
        scored += 1;
        passed += usize::from(ok);
        for group in [
            format!("suite {}", case["suite"].as_str().unwrap()),
            format!("format {}", case["format"].as_str().unwrap()),
            format!("folder {}", path.split('/').nth(2).unwrap_or_default()),
        ] {
            let entry = by_group.entry(group).or_default();
            entry.0 += usize::from(ok);
            entry.1 += 1;
        }
        if !ok {
            failures.push(format!(
                "{path}: {}",
                case["expect"].as_str().unwrap_or_default()
            ));
        }
        out.push(match result {
            Ok(result) => json!({"path": path, "result": result}),
            Err(error) => json!({"path": path, "error": error}),
        });
    }
    println!("feedparser corpus: {passed} / {scored} cases pass");
    for (group, (ok, all)) in &by_group {
        println!("  {group:<28} {ok:>5} / {all}");
    }
    if let Ok(n) = std::env::var("TIDINGS_CONFORMANCE_FAILURES") {
        for failure in failures.iter().take(n.parse().unwrap_or(30)) {
            println!("  FAIL {failure}");
        }
    }
    if let Ok(file) = std::env::var("TIDINGS_CONFORMANCE_OUT") {
        let lines: Vec<String> = out.iter().map(Value::to_string).collect();
        std::fs::write(file, lines.join("\n") + "\n").unwrap();
    }
    assert!(
        passed >= FLOOR,
        "conformance fell to {passed} / {scored} (floor {FLOOR})"
    );
}

/// The parse result under feedparser's names, or the error.
fn view(case: &Value, body: &[u8]) -> Result<Value, String> {
    let http = &case["http"];
    let content_type = http["content_type"].as_str();
    let url = http["url"]
        .as_str()
        .unwrap_or("http://127.0.0.1:8097/tests/feed.xml");
    let feed = parse_feed_model(body, content_type, url).map_err(|e| e.to_string())?;
    let mut result = Map::new();
    result.insert("bozo".into(), json!(false));
    result.insert(
        "encoding".into(),
        json!(detect_encoding(body, content_type)),
    );
    result.insert("version".into(), json!(version(&feed)));
    result.insert("feed".into(), feed_view(&feed));
    result.insert(
        "entries".into(),
        Value::Array(feed.entries.iter().map(entry_view).collect()),
    );
    Ok(Value::Object(result))
}

fn version(feed: &model::Feed) -> &'static str {
    match feed.feed_type {
        FeedType::Atom => "atom10",
        FeedType::JSON => "json1",
        FeedType::RSS0 => "rss091u",
        FeedType::RSS1 => "rss10",
        FeedType::RSS2 => "rss20",
    }
}

fn text(map: &mut Map<String, Value>, name: &str, value: Option<&model::Text>) {
    let Some(value) = value else { return };
    map.insert(name.into(), json!(value.content));
    map.insert(
        format!("{name}_detail"),
        json!({
            "type": value.content_type.to_string(),
            "value": value.content,
            "base": value.src.clone().unwrap_or_default(),
        }),
    );
}

fn date(map: &mut Map<String, Value>, name: &str, value: Option<DateTime<Utc>>) {
    let Some(value) = value else { return };
    map.insert(name.into(), json!(value.to_rfc3339()));
    map.insert(
        format!("{name}_parsed"),
        json!([
            value.year(),
            value.month(),
            value.day(),
            value.hour(),
            value.minute(),
            value.second(),
            value.weekday().num_days_from_monday(),
            value.ordinal(),
            0
        ]),
    );
}

fn people(map: &mut Map<String, Value>, authors: &[model::Person], contributors: &[model::Person]) {
    let person = |p: &model::Person| {
        let mut m = Map::new();
        m.insert("name".into(), json!(p.name));
        if let Some(email) = &p.email {
            m.insert("email".into(), json!(email));
        }
        if let Some(uri) = &p.uri {
            m.insert("href".into(), json!(uri));
        }
        Value::Object(m)
    };
    if let Some(first) = authors.first() {
        map.insert("author".into(), json!(first.name));
        map.insert("author_detail".into(), person(first));
        map.insert(
            "authors".into(),
            Value::Array(authors.iter().map(person).collect()),
        );
    }
    if !contributors.is_empty() {
        map.insert(
            "contributors".into(),
            Value::Array(contributors.iter().map(person).collect()),
        );
    }
}

fn links(map: &mut Map<String, Value>, links: &[model::Link]) {
    let view: Vec<Value> = links
        .iter()
        .map(|l| {
            let mut m = Map::new();
            m.insert("href".into(), json!(l.href));
            m.insert(
                "rel".into(),
                json!(l.rel.clone().unwrap_or_else(|| "alternate".into())),
            );
            if let Some(t) = &l.media_type {
                m.insert("type".into(), json!(t));
            }
            if let Some(t) = &l.title {
                m.insert("title".into(), json!(t));
            }
            if let Some(n) = l.length {
                m.insert("length".into(), json!(n.to_string()));
            }
            Value::Object(m)
        })
        .collect();
    if let Some(alternate) = links
        .iter()
        .find(|l| matches!(l.rel.as_deref(), None | Some("alternate")))
    {
        map.insert("link".into(), json!(alternate.href));
    }
    let enclosures: Vec<Value> = view
        .iter()
        .filter(|l| l["rel"] == "enclosure")
        .cloned()
        .collect();
    if !enclosures.is_empty() {
        map.insert("enclosures".into(), Value::Array(enclosures));
    }
    if !view.is_empty() {
        map.insert("links".into(), Value::Array(view));
    }
}

fn tags(map: &mut Map<String, Value>, categories: &[model::Category]) {
    if categories.is_empty() {
        return;
    }
    let view: Vec<Value> = categories
        .iter()
        .map(|c| json!({"term": c.term, "scheme": c.scheme, "label": c.label}))
        .collect();
    map.insert("category".into(), json!(categories[0].term));
    map.insert("tags".into(), Value::Array(view));
}

fn feed_view(feed: &model::Feed) -> Value {
    let mut map = Map::new();
    text(&mut map, "title", feed.title.as_ref());
    text(&mut map, "subtitle", feed.description.as_ref());
    text(&mut map, "rights", feed.rights.as_ref());
    if !feed.id.is_empty() {
        map.insert("id".into(), json!(feed.id));
    }
    date(&mut map, "updated", feed.updated);
    date(&mut map, "published", feed.published);
    people(&mut map, &feed.authors, &feed.contributors);
    links(&mut map, &feed.links);
    tags(&mut map, &feed.categories);
    if let Some(language) = &feed.language {
        map.insert("language".into(), json!(language));
    }
    if let Some(generator) = &feed.generator {
        map.insert("generator".into(), json!(generator.content));
        map.insert(
            "generator_detail".into(),
            json!({"name": generator.content, "href": generator.uri, "version": generator.version}),
        );
    }
    if let Some(ttl) = feed.ttl {
        map.insert("ttl".into(), json!(ttl.to_string()));
    }
    if let Some(logo) = &feed.logo {
        map.insert(
            "image".into(),
            json!({"href": logo.uri, "title": logo.title, "link": logo.link.as_ref().map(|l| &l.href)}),
        );
    }
    if let Some(icon) = &feed.icon {
        map.insert("icon".into(), json!(icon.uri));
    }
    Value::Object(map)
}

fn entry_view(entry: &model::Entry) -> Value {
    let mut map = Map::new();
    text(&mut map, "title", entry.title.as_ref());
    text(&mut map, "summary", entry.summary.as_ref());
    text(&mut map, "rights", entry.rights.as_ref());
    if !entry.id.is_empty() {
        map.insert("id".into(), json!(entry.id));
    }
    date(&mut map, "updated", entry.updated);
    date(&mut map, "published", entry.published);
    people(&mut map, &entry.authors, &entry.contributors);
    links(&mut map, &entry.links);
    tags(&mut map, &entry.categories);
    if let Some(content) = &entry.content {
        let value = content.body.clone().unwrap_or_default();
        map.insert(
            "content".into(),
            json!([{
                "type": content.content_type.to_string(),
                "value": value,
                "language": entry.language,
                "base": entry.base.clone().unwrap_or_default(),
            }]),
        );
        if !map.contains_key("summary") {
            map.insert("summary".into(), json!(value));
        }
    }
    if let Some(source) = &entry.source {
        map.insert("source".into(), json!({"href": source}));
    }
    Value::Object(map)
}

// ----- checks, as tools/score.py evaluates them -----

fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    let mut current = value;
    let mut rest = path;
    while !rest.is_empty() {
        rest = rest.strip_prefix('.').unwrap_or(rest);
        if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']')?;
            let index: i64 = after[..end].parse().ok()?;
            let list = current.as_array()?;
            let len = list.len() as i64;
            if !(-len..len).contains(&index) {
                return None;
            }
            current = &list[(if index < 0 { len + index } else { index }) as usize];
            rest = &after[end + 1..];
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            current = current.as_object()?.get(&rest[..end])?;
            rest = &rest[end..];
        }
    }
    Some(current)
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

fn normalize(value: &Value) -> Value {
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && n.is_f64() => json!(f as i64),
            _ => value.clone(),
        },
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        Value::Object(o) => {
            Value::Object(o.iter().map(|(k, v)| (k.clone(), normalize(v))).collect())
        }
        other => other.clone(),
    }
}

fn holds(result: &Value, check: &Value) -> bool {
    let mut fields: Vec<&str> = Vec::new();
    if let Some(f) = check["canonical_field"].as_str() {
        fields.push(f);
    }
    if let Some(alt) = check["alt_fields"].as_array() {
        fields.extend(alt.iter().filter_map(Value::as_str));
    }
    fields.push(check["field"].as_str().unwrap());
    let got = fields.iter().find_map(|f| lookup(result, f));
    let want = &check["value"];
    match check["op"].as_str().unwrap() {
        "truthy" => got.is_some_and(truthy) == truthy(want),
        "eq" => normalize(got.unwrap_or(&Value::Null)) == normalize(want),
        "ne" => normalize(got.unwrap_or(&Value::Null)) != normalize(want),
        op @ ("len_eq" | "len_ne") => {
            let n = match got {
                Some(Value::Array(a)) => a.len(),
                Some(Value::Object(o)) => o.len(),
                Some(Value::String(s)) => s.chars().count(),
                _ => 0,
            };
            (Some(n as u64) == want.as_u64()) == (op == "len_eq")
        }
        op @ ("contains" | "not_contains") => {
            let contains = match (got, want) {
                (Some(Value::Object(o)), Value::String(k)) => o.contains_key(k),
                (Some(Value::Array(a)), w) => a.contains(w),
                (Some(Value::String(s)), Value::String(w)) => s.contains(w.as_str()),
                _ => false,
            };
            contains == (op == "contains")
        }
        _ => false,
    }
}
