//! Any feed format (RSS 0.9x/1.0/2.0, Atom, JSON Feed, via feed-rs) into one
//! [`ParsedFeed`].

use feed_rs::model;
use sha2::{Digest, Sha256};
use thiserror::Error;
use tidings_core::{FeedEntry, ParsedFeed};
use url::Url;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("empty response body")]
    Empty,
    #[error("not a feed: the URL answers an HTML page ({0})")]
    NotAFeed(String),
    #[error("malformed feed: {0}")]
    Malformed(String),
}

/// Parses a feed document fetched from `base_url` (relative links resolve
/// against it). `content_type` only sharpens the error for non-feeds.
pub fn parse_feed(
    body: &[u8],
    content_type: Option<&str>,
    base_url: &str,
) -> Result<ParsedFeed, ParseError> {
    let body = crate::decode::to_utf8(body, crate::decode::charset_of(content_type));
    let body = body.as_ref();
    let text_start = skip_bom_and_space(body);
    if text_start.is_empty() {
        return Err(ParseError::Empty);
    }
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(base_url))
        // feed-rs's default invents a random UUID for an entry without id
        // and link, which would make every poll store it again. Leave it
        // empty here and derive a stable one from the entry's text below.
        .id_generator(|_, _, _| String::new())
        .build();
    let feed = parser.parse(body).map_err(|error| {
        if looks_like_html(text_start, content_type) {
            ParseError::NotAFeed(content_type.unwrap_or("text/html").to_owned())
        } else {
            ParseError::Malformed(error.to_string())
        }
    })?;
    let base = Url::parse(base_url).ok();
    let mut parsed = convert(feed, base.as_ref());
    parsed.skip_hours = skip_hours(body);
    Ok(parsed)
}

fn convert(feed: model::Feed, base: Option<&Url>) -> ParsedFeed {
    let language = feed.language.clone();
    let entries = feed
        .entries
        .into_iter()
        .filter_map(|entry| convert_entry(entry, base, language.as_deref()))
        .collect();
    let link = |rel: &str| {
        feed.links
            .iter()
            .find(|l| l.rel.as_deref() == Some(rel))
            .and_then(|l| absolute(l.href.trim(), base))
    };
    ParsedFeed {
        title: feed
            .title
            .as_ref()
            .map(|t| without_nul(t.content.trim().to_owned()))
            .filter(|t| !t.is_empty()),
        site_url: alternate_link(&feed.links).and_then(|href| absolute(href, base)),
        ttl_minutes: feed.ttl,
        skip_hours: Vec::new(),
        hub_url: link("hub"),
        self_url: link("self"),
        entries,
    }
}

fn convert_entry(
    entry: model::Entry,
    base: Option<&Url>,
    feed_language: Option<&str>,
) -> Option<FeedEntry> {
    let url = alternate_link(&entry.links)
        .and_then(|href| absolute(href, base))
        .and_then(|u| crate::canonical::clean_url(&u))
        .map(String::from);
    let title = entry
        .title
        .map(|t| t.content.trim().to_owned())
        .filter(|t| !t.is_empty());
    let summary = entry
        .summary
        .map(|s| s.content)
        .filter(|s| !s.trim().is_empty());
    let content = entry
        .content
        .and_then(|c| c.body)
        .filter(|c| !c.trim().is_empty());
    let author = Some(
        entry
            .authors
            .iter()
            .filter_map(|p| p.name.as_deref().map(str::trim).filter(|n| !n.is_empty()))
            .collect::<Vec<_>>()
            .join(", "),
    )
    .filter(|a| !a.is_empty());

    let guid = match entry.id.trim() {
        "" => match &url {
            Some(url) => url.clone(),
            None => {
                // Nothing identifies this entry but its text.
                let text = [title.as_deref(), summary.as_deref(), content.as_deref()];
                if text.iter().all(Option::is_none) {
                    return None; // an entry with nothing in it
                }
                content_hash(&text)
            }
        },
        id => id.to_owned(),
    };

    let content_hash = content_hash(&[title.as_deref(), summary.as_deref(), content.as_deref()]);
    Some(FeedEntry {
        guid: without_nul(guid),
        url_key: url.as_deref().and_then(crate::canonical::url_key),
        url,
        content_hash,
        title: title.map(without_nul),
        author: author.map(without_nul),
        summary: summary.map(without_nul),
        content: content.map(without_nul),
        language: entry.language.or_else(|| feed_language.map(str::to_owned)),
        published_at: entry.published.or(entry.updated),
    })
}

/// PostgreSQL refuses NUL in text, and no reader wants one: JSON Feed can
/// carry them (`\u0000`), so they go here, before anything is stored.
fn without_nul(text: String) -> String {
    if text.contains('\0') {
        text.replace('\0', "")
    } else {
        text
    }
}

/// The link to the human-readable page: `rel="alternate"` or no rel.
fn alternate_link(links: &[model::Link]) -> Option<&str> {
    links
        .iter()
        .find(|l| matches!(l.rel.as_deref(), None | Some("alternate")))
        .or_else(|| links.iter().find(|l| l.rel.as_deref() != Some("self")))
        .map(|l| l.href.trim())
        .filter(|href| !href.is_empty())
}

fn absolute(href: &str, base: Option<&Url>) -> Option<String> {
    let resolved = match base {
        Some(base) => base.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    matches!(resolved.scheme(), "http" | "https").then(|| resolved.to_string())
}

fn content_hash(parts: &[Option<&str>]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.unwrap_or_default().as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// RSS `<skipHours>`: a flat list of `<hour>` numbers, which feed-rs does
/// not model. Read only from the channel's own element.
fn skip_hours(body: &[u8]) -> Vec<u8> {
    const OPEN: &[u8] = b"<skipHours>";
    const CLOSE: &[u8] = b"</skipHours>";
    let Some(start) = find(body, OPEN) else {
        return Vec::new();
    };
    let inner = &body[start + OPEN.len()..];
    let Some(end) = find(inner, CLOSE) else {
        return Vec::new();
    };
    let inner = String::from_utf8_lossy(&inner[..end]);
    let mut hours: Vec<u8> = inner
        .split("<hour>")
        .skip(1)
        .filter_map(|part| part.split("</hour>").next()?.trim().parse::<u8>().ok())
        // RSS counts 0-23; some feeds write 24 for midnight.
        .map(|h| if h == 24 { 0 } else { h })
        .filter(|h| *h < 24)
        .collect();
    hours.sort_unstable();
    hours.dedup();
    hours
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn skip_bom_and_space(body: &[u8]) -> &[u8] {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    &body[start..]
}

fn looks_like_html(start: &[u8], content_type: Option<&str>) -> bool {
    if content_type.is_some_and(|ct| ct.to_ascii_lowercase().contains("html")) {
        return true;
    }
    let head: Vec<u8> = start.iter().take(256).map(u8::to_ascii_lowercase).collect();
    head.starts_with(b"<!doctype html") || head.starts_with(b"<html")
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://news.example/feeds/world.xml";

    #[test]
    fn rss2_entries_with_relative_links() {
        let xml = br#"<?xml version="1.0"?>
            <rss version="2.0"><channel>
              <title> World news </title><link>https://news.example/</link>
              <language>en-gb</language>
              <item><title>First</title><link>/a/1</link><guid>tag:1</guid>
                <pubDate>Sun, 29 Nov 2026 03:00:00 +0100</pubDate>
                <description>&lt;p&gt;Teaser&lt;/p&gt;</description></item>
              <item><title>No guid</title><link>https://news.example/a/2</link></item>
            </channel></rss>"#;
        let feed = parse_feed(xml, Some("application/rss+xml"), BASE).unwrap();
        assert_eq!(feed.title.as_deref(), Some("World news"));
        assert_eq!(feed.site_url.as_deref(), Some("https://news.example/"));
        assert_eq!(feed.entries.len(), 2);
        let first = &feed.entries[0];
        assert_eq!(first.guid, "tag:1");
        assert_eq!(first.url.as_deref(), Some("https://news.example/a/1"));
        assert_eq!(first.summary.as_deref(), Some("<p>Teaser</p>"));
        assert_eq!(first.language.as_deref(), Some("en-gb"));
        assert_eq!(
            first.published_at.unwrap().to_rfc3339(),
            "2026-11-29T02:00:00+00:00"
        );
        assert_eq!(feed.entries[1].guid, "https://news.example/a/2");
    }

    #[test]
    fn entries_without_id_or_link_get_a_stable_id() {
        let xml = br#"<rss version="2.0"><channel><title>t</title>
            <item><title>Only a title</title></item>
            <item></item></channel></rss>"#;
        let a = parse_feed(xml, None, BASE).unwrap();
        let b = parse_feed(xml, None, BASE).unwrap();
        assert_eq!(a.entries.len(), 1, "the empty item is dropped");
        assert!(a.entries[0].guid.starts_with("sha256:"));
        assert_eq!(a.entries[0].guid, b.entries[0].guid);
    }

    #[test]
    fn atom_and_json_feed() {
        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
            <link rel="self" href="https://x.example/atom"/><link href="https://x.example/"/>
            <entry><id>urn:1</id><title>T</title><link href="https://x.example/1"/>
            <author><name>Ann</name></author><author><name>Bob</name></author>
            <updated>2026-11-28T10:00:00Z</updated><content type="html">&lt;b&gt;hi&lt;/b&gt;</content></entry></feed>"#;
        let feed = parse_feed(atom, None, BASE).unwrap();
        assert_eq!(feed.site_url.as_deref(), Some("https://x.example/"));
        assert_eq!(feed.entries[0].author.as_deref(), Some("Ann, Bob"));
        assert_eq!(feed.entries[0].content.as_deref(), Some("<b>hi</b>"));

        let json = br#"{"version":"https://jsonfeed.org/version/1.1","title":"J",
            "items":[{"id":"1","url":"https://j.example/1","title":"T","content_html":"<p>x</p>",
            "date_published":"2026-11-28T10:00:00Z"}]}"#;
        let feed = parse_feed(json, Some("application/feed+json"), BASE).unwrap();
        assert_eq!(feed.entries[0].url.as_deref(), Some("https://j.example/1"));
    }

    #[test]
    fn bad_bodies_say_what_is_wrong() {
        assert_eq!(parse_feed(b"", None, BASE), Err(ParseError::Empty));
        assert_eq!(parse_feed(b" \n\t", None, BASE), Err(ParseError::Empty));
        assert!(matches!(
            parse_feed(b"<!DOCTYPE html><html><body>hi</body></html>", None, BASE),
            Err(ParseError::NotAFeed(_))
        ));
        assert!(matches!(
            parse_feed(
                b"<html><body>hi</body></html>",
                Some("text/html; charset=utf-8"),
                BASE
            ),
            Err(ParseError::NotAFeed(_))
        ));
        assert!(matches!(
            parse_feed(b"<rss version=\"2.0\"><channel><title>x</titl", None, BASE),
            Err(ParseError::Malformed(_))
        ));
        assert!(matches!(
            parse_feed(b"{\"not\": \"a feed\"", None, BASE),
            Err(ParseError::Malformed(_))
        ));
    }

    #[test]
    fn nul_characters_are_removed() {
        let json = br#"{"version":"https://jsonfeed.org/version/1.1","title":"J\u0000",
            "items":[{"id":"1\u0000","title":"a\u0000b","content_text":"x\u0000"}]}"#;
        let feed = parse_feed(json, None, BASE).unwrap();
        assert_eq!(feed.title.as_deref(), Some("J"));
        assert_eq!(feed.entries[0].guid, "1");
        assert_eq!(feed.entries[0].title.as_deref(), Some("ab"));
    }

    #[test]
    fn polling_hints_and_websub_links() {
        let xml = br#"<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
            <title>t</title><link>https://a.example/</link><ttl>45</ttl>
            <atom:link rel="hub" href="https://hub.example/"/>
            <atom:link rel="self" href="https://a.example/feed"/>
            <skipHours><hour>0</hour><hour>24</hour><hour>3</hour><hour>99</hour></skipHours>
            <item><guid>g</guid><title>x</title>
              <link>https://a.example/p?utm_source=rss&amp;id=3#c</link></item>
            </channel></rss>"#;
        let feed = parse_feed(xml, None, BASE).unwrap();
        assert_eq!(feed.ttl_minutes, Some(45));
        assert_eq!(feed.skip_hours, vec![0, 3]);
        assert_eq!(feed.hub_url.as_deref(), Some("https://hub.example/"));
        assert_eq!(feed.self_url.as_deref(), Some("https://a.example/feed"));
        let entry = &feed.entries[0];
        assert_eq!(entry.url.as_deref(), Some("https://a.example/p?id=3"));
        assert_eq!(entry.url_key.as_deref(), Some("a.example/p?id=3"));
        assert!(entry.content_hash.starts_with("sha256:"));
    }

    #[test]
    fn declared_encodings_are_honoured() {
        let xml = b"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss version=\"2.0\"><channel><title>Caf\xe9</title></channel></rss>";
        assert_eq!(
            parse_feed(xml, None, BASE).unwrap().title.as_deref(),
            Some("Café")
        );
        let koi8 = b"<rss version=\"2.0\"><channel><title>\xf0\xd2\xc9\xd7\xc5\xd4</title></channel></rss>";
        let feed = parse_feed(koi8, Some("text/xml; charset=koi8-r"), BASE).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Привет"));
    }

    #[test]
    fn javascript_links_are_dropped() {
        let xml = br#"<rss version="2.0"><channel><title>t</title>
            <item><guid>g</guid><title>x</title><link>javascript:alert(1)</link></item>
            </channel></rss>"#;
        let feed = parse_feed(xml, None, BASE).unwrap();
        assert_eq!(feed.entries[0].url, None);
    }
}
