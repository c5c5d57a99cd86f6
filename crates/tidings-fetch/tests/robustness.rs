//! Hostile and broken input never panics the parser or the URL helpers:
//! a deterministic mutation run for CI (the coverage-guided fuzz targets in
//! `fuzz/` go much further), plus the classic pathological documents.

use tidings_fetch::feed::Options;
use tidings_fetch::{clean_url, feed_links, parse_document, parse_feed, url_key};

const BASE: &str = "https://robust.example/feed.xml";

const SEEDS: &[&str] = &[
    r#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T &amp; U</title><link>/</link><ttl>5</ttl><skipHours><hour>1</hour></skipHours><atom:link rel="hub" href="/hub"/><item><title>A</title><link>/a?utm_source=x</link><guid>1</guid><pubDate>Sun, 29 Nov 2026 03:00:00 +0100</pubDate><description><![CDATA[<p>x</p>]]></description><enclosure url="/e.mp3" length="10" type="audio/mpeg"/></item></channel></rss>"#,
    r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://x.example/"><title type="html">&lt;b&gt;A&lt;/b&gt;</title><entry><id>urn:1</id><title>E</title><link href="e"/><updated>2026-11-28T10:00:00Z</updated><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>hi</p></div></content><author><name>N</name></author></entry></feed>"#,
    r#"<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old</title><entry><issued>2004-01-01T00:00:00Z</issued><content type="text/html" mode="escaped">&lt;b&gt;x&lt;/b&gt;</content></entry></feed>"#,
    r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>R</title></channel><item rdf:about="i"><title>I</title><link>http://r.example/i</link></item></rdf:RDF>"#,
    r#"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"1","url":"https://j.example/1","content_html":"<p>x</p>","date_published":"2026-11-28T10:00:00Z"}]}"#,
];

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SNIPPETS: &[&[u8]] = &[
    b"<",
    b">",
    b"&",
    b"&#",
    b"&#x110000;",
    b"&nbsp;",
    b"]]>",
    b"<![CDATA[",
    b"<!--",
    b"\"",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\xc3",
    b"<item>",
    b"</channel>",
    b"<entry>",
    b"<?xml version=\"1.0\" encoding=\"utf-16\"?>",
    b"xmlns:x=\"",
    b"<link href=\"javascript:x\"/>",
    b"<!DOCTYPE x [<!ENTITY a \"&a;&a;\">]>",
    b"{\"items\":[",
    b"\\u0000",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..=rng.below(8) {
        let at = rng.below(data.len() + 1);
        match rng.below(5) {
            0 if !data.is_empty() => {
                let last = data.len() - 1;
                data[at.min(last)] = rng.next() as u8;
            }
            1 => {
                let snippet = SNIPPETS[rng.below(SNIPPETS.len())];
                data.splice(at..at, snippet.iter().copied());
            }
            2 => data.truncate(at),
            3 if at < data.len() => {
                let end = (at + rng.below(64)).min(data.len());
                let chunk = data[at..end].to_vec();
                data.splice(at..at, chunk);
            }
            _ => {
                let end = (at + rng.below(16)).min(data.len());
                data.drain(at..end);
            }
        }
    }
    data
}

#[test]
fn mutated_feeds_never_panic() {
    let mut rng = Rng(0x7469_6469_6e67_7321);
    let content_types = [
        None,
        Some("text/xml"),
        Some("application/rss+xml; charset=koi8-r"),
    ];
    for round in 0..20_000 {
        let seed = SEEDS[round % SEEDS.len()].as_bytes();
        let data = mutate(&mut rng, seed);
        let _ = parse_feed(&data, content_types[round % 3], BASE);
        // And as a feed reader would read it, with its HTML sanitized.
        let _ = parse_document(&data, content_types[round % 3], BASE, Options::default());
    }
}

/// Every tag the sanitizer writes (text `<` comes out as `&lt;`, so each
/// `<` followed by a letter is one) carries no event handler and is no
/// script, style, frame or object, whatever the input.
#[test]
fn mutated_html_comes_out_inert() {
    const VECTORS: &[&str] = &[
        r#"<p onclick="x()">a<script>alert(1)</script><b>b</b></p>"#,
        r#"<a href="javascript:alert(1)" onmouseover=x()>l</a><img src=x onerror=alert(1)>"#,
        r#"<IMG SRC="jav&#x09;ascript:alert(1)"><iframe src=//e></iframe><style>*{}</style>"#,
        r#"<div style="background:url(javascript:x)">d</div><svg onload=x><object data=x>"#,
        r#"<!-- c --><scr<script>ipt>x</script><a href='/rel' title="t&amp;">r</a>"#,
        r#"<svg><a xlink:href="javascript:x"><animate attributeName=href values=javascript:x /></a><foreignObject><iframe></iframe></foreignObject></svg>"#,
        r#"<math><maction actiontype=toggle xlink:href="javascript:x"><mi onclick=x>a</mi></maction><annotation-xml><script>x</script></annotation-xml></math>"#,
    ];
    let mut rng = Rng(0x6874_6d6c);
    for round in 0..20_000 {
        let seed = VECTORS[round % VECTORS.len()].as_bytes();
        let data = mutate(&mut rng, seed);
        let html = String::from_utf8_lossy(&data).into_owned();
        let out = tidings_fetch::feed::clean_html(html, BASE, true).to_ascii_lowercase();
        let _ = tidings_fetch::feed::text_of_html(&out);
        let bytes = out.as_bytes();
        for (at, _) in out.match_indices('<') {
            if !bytes
                .get(at + 1)
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'/')
            {
                continue;
            }
            let tag = &out[at..out[at..].find('>').map_or(out.len(), |e| at + e + 1)];
            let name: String = tag[1..]
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            assert!(
                // SVG and MathML are allowed; their scriptable parts are not.
                ![
                    "script",
                    "style",
                    "iframe",
                    "object",
                    "embed",
                    "applet",
                    "frame",
                    "foreignobject",
                    "animate",
                    "set",
                    "maction",
                    "annotation-xml",
                ]
                .contains(&name.as_str()),
                "{tag} in {out}"
            );
            assert!(
                !tag.split_whitespace()
                    .skip(1)
                    .any(|attr| attr.starts_with("on")),
                "{tag} in {out}"
            );
            // A URL may mention it in its path; no value may start with it.
            assert!(
                !tag.replace(['\t', '\n', ' '], "")
                    .contains("=\"javascript:"),
                "{tag} in {out}"
            );
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(42);
    for _ in 0..5_000 {
        let len = rng.below(512);
        let data: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let _ = parse_feed(&data, None, BASE);
        let text = String::from_utf8_lossy(&data);
        let _ = url_key(&text);
        let _ = feed_links(&text, &url::Url::parse(BASE).unwrap());
    }
}

/// Found by `cargo fuzz run feed_parser`: a second byte-order mark after
/// the first, then a tag, once sliced the document through a character.
#[test]
fn a_second_byte_order_mark_is_survived() {
    let _ = tidings_fetch::parse_feed(
        b"\xef\xbb\xbf\xef\xbb\xbf<>",
        None,
        "https://fuzz.example/feed",
    );
    let feed = tidings_fetch::parse_feed(
        b"\xef\xbb\xbf\xef\xbb\xbf<rss version=\"2.0\"><channel><title>T</title></channel></rss>",
        None,
        "https://fuzz.example/feed",
    )
    .unwrap();
    assert_eq!(feed.title.as_deref(), Some("T"));
}

#[test]
fn deep_nesting_and_entity_bombs_are_survived() {
    let depth = 50_000;
    let mut deep =
        String::from("<rss version=\"2.0\"><channel><title>t</title><item><description>");
    deep.push_str(&"<div>".repeat(depth));
    deep.push_str(&"</div>".repeat(depth));
    deep.push_str("</description></item></channel></rss>");
    let _ = parse_feed(deep.as_bytes(), None, BASE);

    let mut elements = String::from("<rss version=\"2.0\"><channel><title>t</title><item>");
    elements.push_str(&"<x>".repeat(depth));
    elements.push_str(&"</x>".repeat(depth));
    elements.push_str("</item></channel></rss>");
    let _ = parse_feed(elements.as_bytes(), None, BASE);

    let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><rss version="2.0"><channel><title>&lol3;</title></channel></rss>"#;
    if let Ok(feed) = parse_feed(bomb.as_bytes(), None, BASE) {
        assert!(
            feed.title.unwrap_or_default().len() < 10_000,
            "entities are not expanded"
        );
    }
}

#[test]
fn ten_megabytes_of_entries_parse() {
    let mut big = String::from("<rss version=\"2.0\"><channel><title>big</title>");
    let mut n = 0;
    while big.len() < 10 * 1024 * 1024 {
        big.push_str(&format!(
            "<item><guid>{n}</guid><title>Item {n}</title><link>https://b.example/{n}</link><description>{}</description></item>",
            "word ".repeat(100)
        ));
        n += 1;
    }
    big.push_str("</channel></rss>");
    let feed = parse_feed(big.as_bytes(), None, BASE).unwrap();
    assert_eq!(feed.entries.len(), n);
}

#[test]
fn url_cleaning_is_idempotent_and_keeps_identity() {
    let mut rng = Rng(7);
    let parts = [
        "https://",
        "http://",
        "HTTP://",
        "www.",
        "news.example",
        ":443",
        ":8080",
        "/a",
        "/b/",
        "?",
        "&",
        "utm_source=x",
        "id=1",
        "fbclid=y",
        "#frag",
        "%20",
        "/%E2%82%AC",
        "..",
        "@",
        "[::1]",
        "xn--bcher-kva.example",
    ];
    for _ in 0..20_000 {
        let text: String = (0..rng.below(10))
            .map(|_| parts[rng.below(parts.len())])
            .collect();
        if let Some(clean) = clean_url(&text) {
            let again = clean_url(clean.as_str()).expect("a clean URL stays valid");
            assert_eq!(again, clean, "{text}");
            assert_eq!(url_key(clean.as_str()), url_key(&text), "{text}");
        }
    }
}
