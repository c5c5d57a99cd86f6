//! Feed parser conformance: the structured expectations of feedparser's
//! 1,850-case test corpus (`../shared/datasets/feeds/cases.jsonl`), run
//! against tidings' parser (`tidings_fetch::feed`), its result viewed
//! under feedparser's key names. Prints the pass rate per suite and format
//! and fails if it drops below the floor. Skips, saying so, without the
//! shared datasets.
//!
//! `TIDINGS_CONFORMANCE_OUT=FILE` also writes the results in the shape
//! `tools/score.py` reads; `TIDINGS_CONFORMANCE_FAILURES=N` prints N
//! failing cases.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Datelike, Timelike};
use serde_json::{Map, Value, json};
use tidings_fetch::feed::{Common, Date, Entry, Meta, Person, Text};
use tidings_fetch::{detect_encoding, parse_document};

/// Cases that must pass; raise it as the parser improves.
const FLOOR: usize = 1823;

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
    // feedparser's harness gives files read from disk no base URL; over
    // HTTP the base is the URL, or the Content-Location it answers with.
    let url = http["url"].as_str().unwrap_or("");
    let location = header(http, "content-location");
    let base = location
        .and_then(|l| url::Url::parse(url).ok()?.join(l).ok())
        .filter(|b| matches!(b.scheme(), "http" | "https"));
    let url = base.as_ref().map_or(url, |b| b.as_str());
    let language = header(http, "content-language");
    // feedparser sanitizes HTML by default; so does this view.
    let options = tidings_fetch::feed::Options {
        language: language.and_then(tidings_fetch::language_of_header),
        ..tidings_fetch::feed::Options::default()
    };
    let doc = parse_document(body, content_type, url, options).map_err(|e| e.to_string())?;
    let mut result = Map::new();
    result.insert("bozo".into(), json!(doc.bozo.is_some()));
    result.insert(
        "encoding".into(),
        json!(detect_encoding(body, content_type)),
    );
    result.insert("version".into(), json!(doc.version));
    result.insert("feed".into(), meta_view(&doc.feed));
    result.insert(
        "entries".into(),
        Value::Array(doc.entries.iter().map(entry_view).collect()),
    );
    Ok(Value::Object(result))
}

/// A response header the case's HTTP harness sent.
fn header<'c>(http: &'c Value, wanted: &str) -> Option<&'c str> {
    http["headers"].as_array()?.iter().find_map(|h| {
        h[0].as_str()?
            .eq_ignore_ascii_case(wanted)
            .then(|| h[1].as_str())
            .flatten()
    })
}

fn text(map: &mut Map<String, Value>, name: &str, value: Option<&Text>) {
    let Some(value) = value else { return };
    map.insert(name.into(), json!(value.value));
    map.insert(format!("{name}_detail"), detail(value));
}

fn detail(value: &Text) -> Value {
    let mut detail = json!({
        "type": value.mime,
        "value": value.value,
        "language": value.language,
        "base": &*value.base,
    });
    if let Some(src) = &value.src {
        detail["src"] = json!(src);
    }
    detail
}

fn date(map: &mut Map<String, Value>, name: &str, value: Option<&Date>) {
    let Some(value) = value else { return };
    map.insert(name.into(), json!(value.raw));
    let parsed = value.parsed.map(|d| {
        json!([
            d.year(),
            d.month(),
            d.day(),
            d.hour(),
            d.minute(),
            d.second(),
            d.weekday().num_days_from_monday(),
            d.ordinal(),
            0
        ])
    });
    map.insert(format!("{name}_parsed"), parsed.unwrap_or(Value::Null));
}

fn person(p: &Person) -> Value {
    let mut m = Map::new();
    if let Some(name) = &p.name {
        m.insert("name".into(), json!(name));
    }
    if let Some(email) = &p.email {
        m.insert("email".into(), json!(email));
    }
    if let Some(href) = &p.href {
        m.insert("href".into(), json!(href));
    }
    Value::Object(m)
}

fn pairs(list: &[(String, String)]) -> Value {
    Value::Object(list.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
}

fn common(map: &mut Map<String, Value>, c: &Common) {
    for (key, value) in &c.extra {
        map.entry(key.to_string()).or_insert_with(|| json!(value));
    }
    text(map, "title", c.title.as_ref());
    if let Some(attrs) = &c.in_reply_to {
        map.insert("thr_in-reply-to".into(), pairs(attrs));
    }
    text(map, "rights", c.rights.as_ref());
    if let Some(id) = &c.id {
        map.insert("id".into(), json!(id));
    }
    date(map, "published", c.published.as_ref());
    date(map, "updated", c.updated.as_ref());
    date(map, "created", c.created.as_ref());
    // feedparser answers `updated` with `published` when there is none.
    if c.updated.is_none() && c.published.is_some() {
        date(map, "updated", c.published.as_ref());
    }
    if let Some(author) = &c.author {
        map.insert("author".into(), json!(author));
    }
    if let Some(first) = c.authors.first() {
        map.insert("author_detail".into(), person(first));
        map.insert("authors".into(), c.authors.iter().map(person).collect());
    }
    if !c.contributors.is_empty() {
        map.insert(
            "contributors".into(),
            c.contributors.iter().map(person).collect(),
        );
    }
    if let Some(publisher) = &c.publisher {
        map.insert("publisher".into(), json!(publisher));
    }
    if let Some(detail) = &c.publisher_detail {
        map.insert("publisher_detail".into(), person(detail));
    }
    let links: Vec<Value> = c
        .links
        .iter()
        .map(|l| {
            let mut m = Map::new();
            m.insert("rel".into(), json!(l.rel));
            m.insert("href".into(), json!(l.href));
            for (key, value) in [
                ("type", &l.mime),
                ("title", &l.title),
                ("length", &l.length),
                ("hreflang", &l.hreflang),
            ] {
                if let Some(value) = value {
                    m.insert(key.into(), json!(value));
                }
            }
            Value::Object(m)
        })
        .collect();
    if let Some(link) = &c.link {
        map.insert("link".into(), json!(link));
    }
    let enclosures: Vec<Value> = links
        .iter()
        .filter(|l| l["rel"] == "enclosure")
        .map(|l| {
            let mut l = l.clone();
            l.as_object_mut().map(|m| m.remove("rel"));
            l
        })
        .collect();
    if !enclosures.is_empty() {
        map.insert("enclosures".into(), Value::Array(enclosures));
    }
    if !links.is_empty() {
        map.insert("links".into(), Value::Array(links));
    }
    if !c.tags.is_empty() {
        map.insert(
            "tags".into(),
            c.tags
                .iter()
                .map(|t| json!({"term": t.term, "scheme": t.scheme, "label": t.label}))
                .collect(),
        );
        map.insert("category".into(), json!(c.tags[0].term));
    }
    if let Some(language) = &c.language {
        map.insert("language".into(), json!(language));
    }
    if let Some(license) = &c.license {
        map.insert("license".into(), json!(license));
    }
    if let Some(image) = &c.image {
        let mut m = Map::new();
        for (key, value) in [
            ("href", &image.href),
            ("title", &image.title),
            ("link", &image.link),
            ("description", &image.description),
        ] {
            if let Some(value) = value {
                m.insert(key.into(), json!(value));
            }
        }
        for (key, value) in [("width", &image.width), ("height", &image.height)] {
            if let Some(value) = value {
                m.insert(
                    key.into(),
                    value
                        .parse::<i64>()
                        .map_or_else(|_| json!(value), |n| json!(n)),
                );
            }
        }
        map.insert("image".into(), Value::Object(m));
    }
    if let Some(place) = &c.place {
        let coordinates: Vec<Value> = place.coordinates.iter().map(|p| json!(p)).collect();
        let coordinates = match place.kind.as_str() {
            "Point" => coordinates[0].clone(),
            "Polygon" => json!([coordinates]),
            _ => Value::Array(coordinates),
        };
        map.insert(
            "where".into(),
            json!({"type": place.kind, "coordinates": coordinates}),
        );
    }
    if let Some(block) = c.itunes_block {
        map.insert("itunes_block".into(), json!(i64::from(block)));
    }
    if let Some(explicit) = c.itunes_explicit {
        map.insert("itunes_explicit".into(), json!(explicit));
    }
    if let Some(duration) = &c.itunes_duration {
        map.insert("itunes_duration".into(), json!(duration));
    }
    let media = &c.media;
    if !media.content.is_empty() {
        map.insert(
            "media_content".into(),
            media.content.iter().map(|a| pairs(a)).collect(),
        );
    }
    if !media.thumbnails.is_empty() {
        map.insert(
            "media_thumbnail".into(),
            media.thumbnails.iter().map(|a| pairs(a)).collect(),
        );
    }
    if !media.credits.is_empty() {
        map.insert(
            "media_credit".into(),
            media
                .credits
                .iter()
                .map(|(role, content)| json!({"role": role, "content": content}))
                .collect(),
        );
    }
    if let Some((scheme, content)) = &media.rating {
        map.insert(
            "media_rating".into(),
            json!({"scheme": scheme, "content": content}),
        );
    }
    if let Some((attrs, content)) = &media.restriction {
        let mut m = pairs(attrs);
        m["content"] = json!(content);
        map.insert("media_restriction".into(), m);
    }
    if let Some((attrs, content)) = &media.license {
        let mut m = pairs(attrs);
        m["content"] = json!(content);
        map.insert("media_license".into(), m);
    }
    if let Some(player) = &media.player {
        map.insert("media_player".into(), pairs(player));
    }
    if let Some(title) = &media.title {
        map.insert("media_title".into(), json!(title));
    }
    if let Some(description) = &media.description {
        map.insert("media_description".into(), json!(description));
    }
    if let Some(keywords) = &media.keywords {
        map.insert("media_keywords".into(), json!(keywords));
    }
}

fn meta_view(meta: &Meta) -> Value {
    let mut map = Map::new();
    common(&mut map, &meta.common);
    text(&mut map, "subtitle", meta.subtitle.as_ref());
    text(&mut map, "info", meta.info.as_ref());
    if let Some(generator) = &meta.generator {
        if let Some(name) = &generator.name {
            map.insert("generator".into(), json!(name));
        }
        map.insert(
            "generator_detail".into(),
            json!({"name": generator.name, "href": generator.href, "version": generator.version}),
        );
    }
    for (key, value) in [
        ("docs", &meta.docs),
        ("ttl", &meta.ttl),
        ("icon", &meta.icon),
        ("logo", &meta.logo),
        ("newlocation", &meta.new_location),
    ] {
        if let Some(value) = value {
            map.insert(key.into(), json!(value));
        }
    }
    if let Some(input) = &meta.textinput {
        map.insert(
            "textinput".into(),
            json!({"title": input.title, "description": input.description, "name": input.name, "link": input.link}),
        );
    }
    if !meta.cloud.is_empty() {
        map.insert("cloud".into(), pairs(&meta.cloud));
    }
    date(&mut map, "validity_start", meta.validity_start.as_ref());
    date(&mut map, "validity_end", meta.validity_end.as_ref());
    Value::Object(map)
}

fn entry_view(entry: &Entry) -> Value {
    let mut map = Map::new();
    common(&mut map, &entry.common);
    text(&mut map, "summary", entry.summary.as_ref());
    if !entry.content.is_empty() {
        map.insert("content".into(), entry.content.iter().map(detail).collect());
        if entry.summary.is_none() {
            text(&mut map, "summary", entry.content.first());
        }
    }
    map.insert("guidislink".into(), json!(entry.guidislink));
    date(&mut map, "expired", entry.expired.as_ref());
    for (key, value) in [
        ("comments", &entry.comments),
        ("wfw_comment", &entry.wfw_comment),
        ("wfw_commentrss", &entry.wfw_commentrss),
    ] {
        if let Some(value) = value {
            map.insert(key.into(), json!(value));
        }
    }
    if let Some(source) = &entry.source {
        let mut view = meta_view(source);
        // RSS's <source url>: feedparser calls the feed's URL href.
        if let Some(own) = source.common.links.iter().find(|l| l.rel == "self")
            && source.common.links.len() == 1
            && source.common.link.is_none()
        {
            view["href"] = json!(own.href);
        }
        map.insert("source".into(), view);
    }
    if let Some((version, chapters)) = &entry.chapters {
        map.insert(
            "psc_chapters".into(),
            json!({
                "version": version,
                "chapters": chapters.iter().map(|c| {
                    let mut m = json!({"start": c.start, "title": c.title});
                    if let Some(href) = &c.href { m["href"] = json!(href); }
                    if let Some(image) = &c.image { m["image"] = json!(image); }
                    m
                }).collect::<Vec<_>>(),
            }),
        );
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

/// Values as Python's `==` sees them: `True == 1`, `2.0 == 2`.
fn normalize(value: &Value) -> Value {
    match value {
        Value::Bool(b) => json!(i64::from(*b)),
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
