//! Any feed format (RSS 0.9x/1.0/2.0, Atom, JSON Feed, via tidings' own
//! parser in [`crate::feed`]) into one [`ParsedFeed`] for ingestion.

use thiserror::Error;
use tidings_core::{FeedEntry, ParsedFeed};
use url::Url;

use crate::feed::{self, Document, Text};

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
/// against it). `content_type` gives the HTTP charset and sharpens the
/// error for non-feeds.
pub fn parse_feed(
    body: &[u8],
    content_type: Option<&str>,
    base_url: &str,
) -> Result<ParsedFeed, ParseError> {
    parse_feed_response(body, content_type, None, base_url)
}

/// [`parse_feed`] for a document whose HTTP response also declared its
/// language (`Content-Language`): the language of entries that name none.
pub fn parse_feed_response(
    body: &[u8],
    content_type: Option<&str>,
    content_language: Option<&str>,
    base_url: &str,
) -> Result<ParsedFeed, ParseError> {
    // The site sanitizes what it shows; ingestion keeps the feed's HTML.
    let options = feed::Options {
        sanitize_html: false,
        language: content_language.and_then(language_of_header),
    };
    let document = parse_document(body, content_type, base_url, options)?;
    let document = accept(document, body, content_type)?;
    let base = Url::parse(base_url).ok();
    Ok(convert(document, base.as_ref()))
}

/// The first language a `Content-Language` header lists (`en-US, fr` →
/// `en-us`), as feeds write languages.
pub fn language_of_header(value: &str) -> Option<String> {
    let first = value.split(',').next()?.trim();
    (!first.is_empty()
        && first.len() <= 35
        && first.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    .then(|| first.to_ascii_lowercase())
}

/// The feed with every field its format carries, for callers that need
/// more than [`ParsedFeed`] (the conformance suite scores this). Like
/// feed readers, it reads a document that is not well-formed as far as it
/// goes, its fault in `bozo`; only an empty body or broken JSON is an
/// error here.
pub fn parse_document(
    body: &[u8],
    content_type: Option<&str>,
    base_url: &str,
    options: feed::Options,
) -> Result<Document, ParseError> {
    let decoded = crate::decode::decode(
        body,
        crate::decode::charset_of(content_type),
        Some(base_url),
    );
    let text = &decoded.text;
    if skip_bom_and_space(text.as_bytes()).is_empty() {
        return Err(ParseError::Empty);
    }
    // No input may take a worker down: a panic in the XML layer is a
    // malformed feed (see DECISIONS).
    let mut document = std::panic::catch_unwind(|| feed::parse_text(text, base_url, options))
        .unwrap_or_else(|_| Err("the XML parser gave up on this document".to_owned()))
        .map_err(ParseError::Malformed)?;
    // How the body names its encoding is a fault of a feed; a document
    // that is no feed has a plainer one (no feed root), said elsewhere.
    if document.bozo.is_none() && !document.version.is_empty() {
        document.bozo = decoded.fault(body, content_type);
    }
    Ok(document)
}

/// Ingestion is stricter than a reader: a page that is no feed, and a
/// document cut short with nothing whole in it, are errors to report, not
/// empty feeds (a fault only in the details, such as an HTML entity,
/// still gives what the feed says).
fn accept(
    document: Document,
    body: &[u8],
    content_type: Option<&str>,
) -> Result<Document, ParseError> {
    if document.version.is_empty() && document.entries.is_empty() {
        if looks_like_html(skip_bom_and_space(body), content_type) {
            return Err(ParseError::NotAFeed(
                content_type.unwrap_or("text/html").to_owned(),
            ));
        }
        return Err(ParseError::Malformed(document.bozo.unwrap_or_else(|| {
            "no RSS, Atom or JSON Feed root element".to_owned()
        })));
    }
    if let Some(reason) = &document.bozo
        && document.truncated
        && document.entries.is_empty()
    {
        return Err(ParseError::Malformed(reason.clone()));
    }
    Ok(document)
}

fn convert(document: Document, base: Option<&Url>) -> ParsedFeed {
    let meta = document.feed;
    let language = meta.common.language.clone();
    let entries = document
        .entries
        .into_iter()
        .filter_map(|entry| convert_entry(entry, base, language.as_deref()))
        .collect();
    let link = |rel: &str| {
        meta.common
            .links
            .iter()
            .find(|l| l.rel == rel)
            .and_then(|l| absolute(l.href.trim(), base))
    };
    ParsedFeed {
        title: meta
            .common
            .title
            .as_ref()
            .map(|t| without_nul(plain_text(t)))
            .filter(|t| !t.is_empty()),
        site_url: page_link(&meta.common).and_then(|href| absolute(href, base)),
        ttl_minutes: meta.ttl.as_deref().and_then(|t| t.trim().parse().ok()),
        skip_hours: {
            let mut hours = meta.skip_hours.clone();
            hours.sort_unstable();
            hours
        },
        hub_url: link("hub"),
        self_url: link("self"),
        entries,
    }
}

/// Feed text as HTML: HTML as the publisher wrote it (links made
/// absolute), plain text escaped.
fn as_html(text: Text) -> String {
    if text.is_html() {
        text.value
    } else {
        let mut out = String::with_capacity(text.value.len());
        crate::feed::escape_html_into(&text.value, &mut out);
        out
    }
}

fn convert_entry(
    entry: feed::Entry,
    base: Option<&Url>,
    feed_language: Option<&str>,
) -> Option<FeedEntry> {
    let feed::Entry {
        common,
        summary,
        mut content,
        ..
    } = entry;
    let common = &common;
    let clean = page_link(common)
        .and_then(|href| absolute_url(href, base))
        .and_then(crate::canonical::clean_parsed);
    let url_key = clean.as_ref().and_then(crate::canonical::key_of_clean);
    let url = clean.map(String::from);
    let title = common
        .title
        .as_ref()
        .map(plain_text)
        .filter(|t| !t.is_empty());
    let text_language = content
        .first()
        .or(summary.as_ref())
        .and_then(|t| t.language.clone());
    let summary = summary.map(as_html).filter(|s| !s.trim().is_empty());
    // The HTML content if there is one, else the first; moved, not copied.
    let chosen = content.iter().position(Text::is_html).unwrap_or(0);
    let content = (chosen < content.len())
        .then(|| content.swap_remove(chosen))
        .map(as_html)
        .filter(|c| !c.trim().is_empty());
    let author = Some(
        common
            .authors
            .iter()
            .filter_map(|p| {
                p.name
                    .as_deref()
                    .map(byline_name)
                    .filter(|n| !n.is_empty())
                    .or_else(|| p.email.as_deref().map(str::trim).filter(|e| !e.is_empty()))
            })
            .collect::<Vec<_>>()
            .join(", "),
    )
    .filter(|a| !a.is_empty());

    let guid = match common.id.as_deref().map(str::trim).unwrap_or_default() {
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
    let published_at = common
        .published
        .as_ref()
        .and_then(|d| d.parsed)
        .or_else(|| common.updated.as_ref().and_then(|d| d.parsed));
    Some(FeedEntry {
        guid: without_nul(guid),
        url_key,
        url,
        content_hash,
        title: title.map(without_nul),
        author: author.map(without_nul),
        summary: summary.map(without_nul),
        content: content.map(without_nul),
        language: common
            .language
            .clone()
            .or(text_language)
            .or_else(|| feed_language.map(str::to_owned)),
        published_at,
    })
}

/// A title as plain text: markup in HTML-typed titles (Atom `type="html"`,
/// RSS titles carrying tags) is reduced to its text, whitespace collapsed.
fn plain_text(text: &Text) -> String {
    let content = text.value.trim();
    let is_html =
        text.is_html() || (content.contains('<') && content.contains('>')) || content.contains('&');
    if is_html {
        feed::text_of_html(content)
    } else {
        content.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// RSS puts an e-mail address in `<author>`, often as `addr (Name)`: a
/// byline wants the name (the parser may have split off the address already,
/// leaving `(Name)`).
fn byline_name(raw: &str) -> &str {
    let raw = raw.trim();
    if let Some(name) = raw.strip_prefix('(').and_then(|r| r.strip_suffix(')'))
        && !name.trim().is_empty()
    {
        return name.trim();
    }
    if let Some((address, rest)) = raw.split_once('(')
        && address.contains('@')
        && let Some(name) = rest.strip_suffix(')')
        && !name.trim().is_empty()
    {
        return name.trim();
    }
    raw
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

/// The link to the human-readable page: the alternate link, else any link
/// but the feed's own.
fn page_link(common: &feed::Common) -> Option<&str> {
    common
        .link
        .as_deref()
        .or_else(|| {
            common
                .links
                .iter()
                .find(|l| l.rel == "alternate")
                .or_else(|| {
                    common
                        .links
                        .iter()
                        .find(|l| !matches!(l.rel.as_str(), "self" | "hub" | "enclosure"))
                })
                .map(|l| l.href.as_str())
        })
        .map(str::trim)
        .filter(|href| !href.is_empty())
}

fn absolute(href: &str, base: Option<&Url>) -> Option<String> {
    absolute_url(href, base).map(String::from)
}

fn absolute_url(href: &str, base: Option<&Url>) -> Option<Url> {
    let resolved = match base {
        Some(base) => base.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    matches!(resolved.scheme(), "http" | "https").then_some(resolved)
}

/// A 128-bit XXH3 of the entry's text: identity, not security, so a fast
/// non-cryptographic hash (it runs on every entry of every poll).
fn content_hash(parts: &[Option<&str>]) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for part in parts {
        hasher.update(part.unwrap_or_default().as_bytes());
        hasher.update(&[0]);
    }
    format!("xxh3:{:032x}", hasher.digest128())
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
    fn windows_1252_character_references_read_as_meant() {
        let rss = br#"<rss version="2.0"><channel><title>Gazette</title><item>
            <title>Don&#146;t panic &#150; yet</title><link>https://g.example/1</link>
            <description>&#147;Quoted&#148; &#129;</description></item></channel></rss>"#;
        let feed = parse_feed(rss, None, "https://g.example/rss").unwrap();
        let entry = &feed.entries[0];
        assert_eq!(
            entry.title.as_deref(),
            Some("Don\u{2019}t panic \u{2013} yet")
        );
        // 0x81 has no Windows-1252 character: it stays as it was.
        assert_eq!(
            entry.summary.as_deref(),
            Some("\u{201c}Quoted\u{201d} \u{81}")
        );
    }

    #[test]
    fn entries_without_id_or_link_get_a_stable_id() {
        let xml = br#"<rss version="2.0"><channel><title>t</title>
            <item><title>Only a title</title></item>
            <item></item></channel></rss>"#;
        let a = parse_feed(xml, None, BASE).unwrap();
        let b = parse_feed(xml, None, BASE).unwrap();
        assert_eq!(a.entries.len(), 1, "the empty item is dropped");
        assert!(a.entries[0].guid.starts_with("xxh3:"));
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

    /// YouTube's feeds describe each video only in Media RSS: that is the
    /// entry's summary when it has no other. One with a summary keeps it.
    #[test]
    fn a_media_description_is_the_summary_of_an_entry_without_one() {
        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
            <title>Channel</title><media:group><media:description>The channel</media:description></media:group>
            <entry><id>yt:1</id><title>Video</title><link href="https://v.example/1"/>
            <media:group><media:title>Video</media:title>
            <media:description>Divers film the reef at night.</media:description></media:group></entry>
            <entry><id>yt:2</id><title>Other</title><link href="https://v.example/2"/>
            <media:group><media:description>Not this.</media:description></media:group>
            <summary>The summary.</summary></entry></feed>"#;
        let feed = parse_feed(atom, None, BASE).unwrap();
        assert_eq!(
            feed.entries[0].summary.as_deref(),
            Some("Divers film the reef at night.")
        );
        assert_eq!(feed.entries[1].summary.as_deref(), Some("The summary."));
    }

    /// GeoRSS writes latitude first; GML says so by its reference system,
    /// and may add a height. Places come out in GeoJSON's order.
    #[test]
    fn places_in_geojson_order() {
        let place = |inner: &str| {
            let atom = format!(
                r#"<feed xmlns="http://www.w3.org/2005/Atom" xmlns:georss="http://www.georss.org/georss"
                xmlns:gml="http://www.opengis.net/gml"><entry><title>t</title>{inner}</entry></feed>"#
            );
            let doc = feed::parse_text(&atom, BASE, feed::Options::default()).unwrap();
            let place = doc.entries[0].common.place.clone().unwrap();
            (place.kind, place.coordinates)
        };
        assert_eq!(
            place("<georss:point>45.256 -71.92</georss:point>"),
            ("Point".into(), vec![vec![-71.92, 45.256]])
        );
        assert_eq!(
            place(
                r#"<georss:where><gml:Point srsName="urn:ogc:def:crs:EPSG:6.6:4979" srsDimension="3"><gml:pos>42.3453 -156.2342 45</gml:pos></gml:Point></georss:where>"#
            ),
            ("Point".into(), vec![vec![-156.2342, 42.3453, 45.0]])
        );
        assert_eq!(
            place(
                r#"<georss:where><gml:Point srsName="EPSG:26913"><gml:pos>36.9382 31.1732</gml:pos></gml:Point></georss:where>"#
            ),
            ("Point".into(), vec![vec![36.9382, 31.1732]])
        );
        let (kind, ring) = place(
            "<georss:where><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>\
             1 2 3 4 5 6 1 2</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></georss:where>",
        );
        assert_eq!((kind.as_str(), ring.len()), ("Polygon", 4));
        assert_eq!(ring.first(), ring.last());
    }

    /// Entities a DOCTYPE declares are expanded, once each reference and
    /// within a budget: a "billion laughs" document costs kilobytes, not
    /// gigabytes; external entities are never read.
    #[test]
    fn declared_entities_expand_within_a_budget() {
        let rss = br#"<!DOCTYPE rss [ <!ENTITY id "tag:example.com,"> <!ENTITY ext SYSTEM "file:///etc/passwd"> ]>
            <rss version="2.0"><channel><item><guid isPermaLink="false">&id;2006:/blog/</guid>
            <title>a&ext;b</title></item></channel></rss>"#;
        let doc = feed::parse_text(
            std::str::from_utf8(rss).unwrap(),
            BASE,
            feed::Options::default(),
        )
        .unwrap();
        assert_eq!(
            doc.entries[0].common.id.as_deref(),
            Some("tag:example.com,2006:/blog/")
        );
        assert!(
            !doc.entries[0]
                .common
                .title
                .as_ref()
                .unwrap()
                .value
                .contains("root")
        );

        let lol = "lol".repeat(300);
        let laughs = format!(
            r#"<!DOCTYPE rss [ <!ENTITY lol "{lol}"> ]><rss version="2.0"><channel><item><title>{}</title></item></channel></rss>"#,
            "&lol;".repeat(10_000)
        );
        let doc = feed::parse_text(&laughs, BASE, feed::Options::default()).unwrap();
        let title = &doc.entries[0].common.title.as_ref().unwrap().value;
        // The budget, plus the references left as written.
        assert!(
            title.len() <= 64 * 1024 + laughs.len(),
            "{} bytes",
            title.len()
        );
        assert!(doc.bozo.is_some());
    }

    /// Text before a child element is still the element's value; a
    /// document with no element at all is flagged.
    #[test]
    fn mixed_content_and_documents_without_a_root() {
        let rss = r#"<rss version="2.0"><channel><item><title>t</title>
            <category>Example category <image><url>http://x.example/a.jpg</url></image></category>
            </item></channel></rss>"#;
        let doc = feed::parse_text(rss, BASE, feed::Options::default()).unwrap();
        assert_eq!(
            doc.entries[0].common.tags[0].term.as_deref(),
            Some("Example category")
        );
        let empty = feed::parse_text("<!-- nothing here -->", BASE, feed::Options::default());
        assert!(empty.is_err() || empty.unwrap().bozo.is_some());
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
        // XML that is no feed says so, whatever it was served as.
        assert_eq!(
            parse_feed(b"<note>hi</note>", Some("text/plain"), BASE),
            Err(ParseError::Malformed(
                "no RSS, Atom or JSON Feed root element".to_owned()
            ))
        );
        // A feed served as text/plain is a feed with a fault, still read.
        let feed = parse_feed(
            b"<rss version=\"2.0\"><channel><item><guid>1</guid><title>t</title></item></channel></rss>",
            Some("text/plain"),
            BASE,
        )
        .unwrap();
        assert_eq!(feed.entries.len(), 1);
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
        assert!(entry.content_hash.starts_with("xxh3:"));
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
    fn an_rss_root_without_channel_is_an_empty_feed() {
        let xml = b"<?xml version=\"1.0\"?>\n<!-- a comment -->\n<rss version=\"2.0\">\n</rss>";
        assert_eq!(parse_feed(xml, None, BASE).unwrap().entries.len(), 0);
        assert!(parse_feed(b"<foo></foo>", None, BASE).is_err());
    }

    #[test]
    fn bare_ampersands_are_repaired() {
        let xml = b"<rss version=\"2.0\"><channel><title>Tom & Jerry &amp; co &#38; &#x26;</title>\
            <item><guid>1</guid><link>https://a.example/?a=1&b=2</link></item></channel></rss>";
        let feed = parse_feed(xml, None, BASE).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Tom & Jerry & co & &"));
        assert_eq!(
            feed.entries[0].url.as_deref(),
            Some("https://a.example/?a=1&b=2")
        );
    }

    #[test]
    fn xml_base_and_the_feed_url_resolve_relative_links() {
        let atom =
            br#"<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://base.example/news/">
            <title>b</title>
            <entry><id>1</id><title>a</title><link href="story/1"/></entry>
            <entry xml:base="/other/"><id>2</id><title>b</title><link href="2"/></entry>
            </feed>"#;
        let feed = parse_feed(atom, None, BASE).unwrap();
        let urls: Vec<_> = feed
            .entries
            .iter()
            .map(|e| e.url.clone().unwrap())
            .collect();
        assert_eq!(
            urls,
            [
                "https://base.example/news/story/1",
                "https://base.example/other/2"
            ]
        );
        let rss = br#"<rss version="2.0"><channel><title>r</title><item><guid>g</guid><link>../a</link></item></channel></rss>"#;
        let feed = parse_feed(rss, None, BASE).unwrap();
        assert_eq!(
            feed.entries[0].url.as_deref(),
            Some("https://news.example/a")
        );
    }

    #[test]
    fn titles_are_plain_text_and_bylines_names() {
        let xml = br#"<rss version="2.0"><channel><title>Tom &amp;amp; Jerry</title>
            <item><guid>1</guid><title>&lt;em&gt;Breaking:&lt;/em&gt;   storm
              hits coast</title><author>news@paper.example (Ann Writer)</author></item>
            <item><guid>2</guid><title>5 &lt; 6 &amp; 7 > 3</title><author>desk@paper.example</author></item>
            </channel></rss>"#;
        let feed = parse_feed(xml, None, BASE).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Tom & Jerry"));
        assert_eq!(
            feed.entries[0].title.as_deref(),
            Some("Breaking: storm hits coast")
        );
        assert_eq!(feed.entries[0].author.as_deref(), Some("Ann Writer"));
        assert_eq!(feed.entries[1].title.as_deref(), Some("5 < 6 & 7 > 3"));
        assert_eq!(
            feed.entries[1].author.as_deref(),
            Some("desk@paper.example")
        );
    }

    #[test]
    fn atom03_is_read_with_its_base64_text() {
        // "Example <b>Atom</b>", base64-encoded; the content is not base64.
        let doc = br#"<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>t</title>
            <entry><id>1</id><issued>2004-01-01T00:00:00Z</issued>
            <title mode="base64" type="text/html">RXhhbXBsZSA8Yj5BdG9tPC9iPg==</title>
            <link rel="alternate" type="text/html" href="https://a.example/1"/>
            <author><name>Ann</name><url>http://a/</url></author>
            <content mode="base64" type="text/html">not base64!</content></entry></feed>"#;
        let feed = parse_feed(doc, None, BASE).unwrap();
        let entry = &feed.entries[0];
        assert_eq!(entry.title.as_deref(), Some("Example Atom"));
        assert_eq!(entry.url.as_deref(), Some("https://a.example/1"));
        assert_eq!(entry.author.as_deref(), Some("Ann"));
        assert_eq!(entry.content.as_deref(), Some("not base64!"));
        assert_eq!(
            entry.published_at.unwrap().to_rfc3339(),
            "2004-01-01T00:00:00+00:00"
        );
    }

    #[test]
    fn the_responses_language_is_the_default_for_entries() {
        let xml = b"<rss version=\"2.0\"><channel><title>t</title>\
            <item><guid>1</guid><title>One</title></item></channel></rss>";
        let feed = parse_feed_response(xml, None, Some("en-GB, fr"), BASE).unwrap();
        assert_eq!(feed.entries[0].language.as_deref(), Some("en-gb"));
        // The feed's own language wins over the header.
        let xml = b"<rss version=\"2.0\"><channel><language>de</language>\
            <item><guid>1</guid><title>Eins</title></item></channel></rss>";
        let feed = parse_feed_response(xml, None, Some("en"), BASE).unwrap();
        assert_eq!(feed.entries[0].language.as_deref(), Some("de"));
        assert_eq!(language_of_header("  "), None);
        assert_eq!(language_of_header("en;q=1<script>"), None);
    }

    #[test]
    fn a_feed_cut_short_keeps_its_whole_entries() {
        // Leading space and a comment before the root; the body stops in
        // the middle of the second item, which comes whole next poll.
        let xml = b"\n  <!-- hi -->\n<rss version=\"2.0\"><channel><title>t</title>\
            <item><guid>1</guid><title>One</title></item>\
            <item><guid>2</guid><title>Tw";
        let feed = parse_feed(xml, None, BASE).unwrap();
        assert_eq!(feed.title.as_deref(), Some("t"));
        assert_eq!(feed.entries.len(), 1);
        assert_eq!(feed.entries[0].title.as_deref(), Some("One"));
        let document = parse_document(xml, None, BASE, feed::Options::default()).unwrap();
        assert!(document.truncated && document.bozo.is_some());
    }

    #[test]
    fn mismatched_end_tags_and_html_entities_are_survived() {
        let xml = b"<rss version=\"2.0\"><channel><title>caf&eacute; &amp; bar</title>\
            <item><guid>1</guid><title><b>bold</title></item></channel></rss>";
        let document = parse_document(xml, None, BASE, feed::Options::default()).unwrap();
        assert!(document.bozo.is_some());
        let feed = parse_feed(xml, None, BASE).unwrap();
        assert_eq!(feed.title.as_deref(), Some("caf\u{e9} & bar"));
        assert_eq!(feed.entries.len(), 1);
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
