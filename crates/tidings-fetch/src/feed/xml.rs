//! RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and CDF in one streaming pass over
//! quick-xml's events. Namespaces are matched by URI (any prefix the
//! document chose), elements the handlers do not know are kept as
//! `prefix_name` extras, and a document that is not well-formed is read as
//! far as it goes and flagged (`bozo`), never refused outright: the
//! entries before a broken one still count.

use std::borrow::Cow;
use std::sync::Arc;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use rustc_hash::FxHashMap;
use tidings_text::encoding::windows_1252_punctuation;
use url::Url;

use super::dates::parse_date;
use super::model::{
    Chapter, Common, Date, Document, Entry, Generator, Image, Link, Meta, Person, Place, Tag, Text,
    TextInput,
};
use super::{Options, html};

/// Namespace URIs → the prefix feed readers know them by. Feed formats'
/// own namespaces map to no prefix.
fn known_prefix(uri: &str) -> Option<&'static str> {
    let uri = uri.trim();
    let lower;
    let uri = if uri.bytes().any(|b| b.is_ascii_uppercase()) {
        lower = uri.to_ascii_lowercase();
        lower.as_str()
    } else {
        uri
    };
    Some(match uri.trim_end_matches('/') {
        "http://backend.userland.com/rss"
        | "http://backend.userland.com/rss2"
        | "http://blogs.law.harvard.edu/tech/rss"
        | "http://purl.org/rss/1.0"
        | "http://my.netscape.com/rdf/simple/0.9"
        | "http://example.com/newformat#"
        | "http://example.com/necho"
        | "http://purl.org/echo"
        | "uri/of/echo/namespace#"
        | "http://purl.org/pie"
        | "http://purl.org/atom/ns#"
        | "http://www.w3.org/2005/atom"
        | "http://purl.org/rss/1.0/modules/rss091#" => "",
        "http://webns.net/mvcb" => "admin",
        "http://purl.org/rss/1.0/modules/aggregation" => "ag",
        "http://purl.org/rss/1.0/modules/annotate" => "annotate",
        "http://media.tangent.org/rss/1.0" => "audio",
        "http://backend.userland.com/blogchannelmodule" => "blogChannel",
        "http://creativecommons.org/ns#license" | "http://web.resource.org/cc" => "cc",
        "http://cyber.law.harvard.edu/rss/creativecommonsrssmodule.html"
        | "http://backend.userland.com/creativecommonsrssmodule" => "creativeCommons",
        "http://purl.org/rss/1.0/modules/company" => "co",
        "http://purl.org/rss/1.0/modules/content" => "content",
        "http://my.theinfo.org/changed/1.0/rss" => "cp",
        "http://purl.org/dc/elements/1.1" => "dc",
        "http://purl.org/dc/terms" => "dcterms",
        "http://purl.org/rss/1.0/modules/email" => "email",
        "http://purl.org/rss/1.0/modules/event" => "ev",
        "http://rssnamespace.org/feedburner/ext/1.0" => "feedburner",
        "http://freshmeat.net/rss/fm" => "fm",
        "http://xmlns.com/foaf/0.1" => "foaf",
        "http://www.w3.org/2003/01/geo/wgs84_pos#" => "geo",
        "http://www.georss.org/georss" => "georss",
        "http://www.opengis.net/gml" => "gml",
        "http://postneo.com/icbm" => "icbm",
        "http://purl.org/rss/1.0/modules/image" => "image",
        "http://www.itunes.com/dtds/podcast-1.0.dtd"
        | "http://example.com/dtds/podcast-1.0.dtd" => "itunes",
        "http://purl.org/rss/1.0/modules/link" => "l",
        "http://search.yahoo.com/mrss" => "media",
        "http://madskills.com/public/xml/rss/module/pingback" => "pingback",
        "http://prismstandard.org/namespaces/1.2/basic" => "prism",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#" => "rdf",
        "http://www.w3.org/2000/01/rdf-schema#" => "rdfs",
        "http://purl.org/rss/1.0/modules/reference" => "ref",
        "http://purl.org/rss/1.0/modules/richequiv" => "reqv",
        "http://purl.org/rss/1.0/modules/search" => "search",
        "http://purl.org/rss/1.0/modules/slash" => "slash",
        "http://schemas.xmlsoap.org/soap/envelope" => "soap",
        "http://purl.org/rss/1.0/modules/servicestatus" => "ss",
        "http://hacks.benhammersley.com/rss/streaming" => "str",
        "http://purl.org/rss/1.0/modules/subscription" => "sub",
        "http://purl.org/rss/1.0/modules/syndication" => "sy",
        "http://schemas.pocketsoap.com/rss/mydescmodule" => "szf",
        "http://purl.org/rss/1.0/modules/taxonomy" => "taxo",
        "http://purl.org/rss/1.0/modules/threading" => "thr",
        "http://purl.org/rss/1.0/modules/textinput" => "ti",
        "http://madskills.com/public/xml/rss/module/trackback" => "trackback",
        "http://wellformedweb.org/commentapi" => "wfw",
        "http://purl.org/rss/1.0/modules/wiki" => "wiki",
        "http://www.w3.org/1999/xhtml" => "xhtml",
        "http://www.w3.org/2000/svg" => "svg",
        "http://www.w3.org/1998/math/mathml" => "mathml",
        "http://www.w3.org/1999/xlink" => "xlink",
        "http://www.w3.org/xml/1998/namespace" => "xml",
        "http://podlove.org/simple-chapters" => "psc",
        "http://purl.org/syndication/thread/1.0" => "thr",
        _ => return None,
    })
}

/// An element open on the stack: its name, and the base URL and language
/// in force inside it.
struct Frame<'a> {
    /// The name as written, to match its end tag.
    qname: &'a str,
    /// The name markup inside a text construct is written with: the local
    /// name for XHTML, SVG and MathML (HTML knows them unprefixed), else
    /// the name as written.
    markup_name: &'a str,
    name: Arc<str>,
    base: Arc<str>,
    lang: Option<Arc<str>>,
}

/// Text being gathered for the innermost element that wants it.
struct Capture {
    name: Arc<str>,
    depth: usize,
    text: String,
    /// A text construct (title, summary, content…): child elements are
    /// part of its markup. Otherwise a child element means this was a
    /// container after all, and the capture is dropped.
    construct: Option<Construct>,
}

struct Construct {
    mime: String,
    base64: bool,
    src: Option<String>,
    base: Arc<str>,
    lang: Option<String>,
    /// Inline XHTML: references stay escaped, as markup.
    markup: bool,
    /// HTML-typed text that came wrapped in a literal XHTML `<div>`, as
    /// inline XHTML does (a publisher mixing the two): the wrapper goes.
    xhtml_wrapper: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Author,
    Contributor,
    Publisher,
}

struct Parser<'a> {
    /// The document's own URL: the base of its relative links.
    doc_url: &'a str,
    options: Options,
    doc: Document,
    frames: Vec<Frame<'a>>,
    capture: Option<Capture>,
    in_entry: bool,
    in_image: bool,
    in_textinput: bool,
    in_skip_hours: bool,
    source: Option<Meta>,
    person: Option<(Role, Person, usize)>,
    /// An Atom `<link>` without `href`, waiting for its text.
    text_link: Option<Link>,
    /// The RSS `<guid>` may be the link (isPermaLink not "false").
    guid_is_permalink: bool,
    /// `<language>` read so far: the default for text without xml:lang.
    default_lang: Option<String>,
    in_chapters: bool,
    /// Entities the document's DOCTYPE declares, and how many bytes their
    /// references may still expand to.
    entities: Vec<(String, String)>,
    entity_budget: usize,
    /// The GML shape being read, if any.
    gml: Option<Geometry>,
    /// The entry's `media:description`, its summary if it has no other.
    media_summary: Option<Text>,
    /// Namespace URI → known prefix, and element names, per document.
    prefixes: Vec<(String, Option<&'static str>)>,
    names: FxHashMap<(&'a str, Option<&'static str>), Arc<str>>,
    /// Namespace declarations in force, innermost last.
    bindings: Vec<Binding<'a>>,
}

/// `xmlns:prefix="uri"` (or `xmlns="uri"`, prefix empty) declared on the
/// element at `depth`, with the prefix feed readers know the URI by
/// (`None` for a namespace no handler knows).
struct Binding<'a> {
    depth: usize,
    prefix: &'a str,
    known: Option<&'static str>,
}

/// Parses an XML feed (already UTF-8) fetched from `base_url`.
pub fn parse<'a>(src: &'a str, base_url: &'a str, options: Options) -> Document {
    // quick-xml skips a byte-order mark it meets first, and its positions
    // then no longer match the text: a mark left after decoding (a
    // document with two) goes before it starts.
    let src = src.trim_start_matches('\u{feff}');
    // The plain reader, not quick-xml's namespace-resolving one: feeds
    // declare few namespaces, and resolving them here, only where a name or
    // an attribute needs it, costs a third of what resolving every event
    // does.
    let mut reader = Reader::from_str(src);
    let config = reader.config_mut();
    config.expand_empty_elements = true;
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.allow_dangling_amp = true;
    let mut parser = Parser {
        doc_url: base_url,
        options,
        doc: Document::default(),
        frames: Vec::new(),
        capture: None,
        in_entry: false,
        in_image: false,
        in_textinput: false,
        in_skip_hours: false,
        source: None,
        person: None,
        text_link: None,
        guid_is_permalink: false,
        default_lang: None,
        in_chapters: false,
        entities: Vec::new(),
        entity_budget: ENTITY_BUDGET,
        gml: None,
        media_summary: None,
        prefixes: Vec::new(),
        names: FxHashMap::default(),
        bindings: Vec::new(),
    };
    let mut root_seen = false;
    loop {
        let before = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(error) => {
                parser.flag(format!("not well-formed XML: {error}"));
                parser.doc.truncated = true;
                break;
            }
        };
        match event {
            Event::Start(start) => {
                let after = reader.buffer_position() as usize;
                let raw = tag_text(src, before, after);
                let depth = parser.frames.len() + 1;
                // Most elements carry no attributes: skip the work then.
                let attrs = if start.attributes_raw().trim().is_empty() {
                    Vec::new()
                } else {
                    parser.attributes(&start, raw, depth)
                };
                let known = parser.resolve_element(start.name().0);
                if !root_seen {
                    root_seen = true;
                    parser.root(&start, &attrs);
                }
                parser.start(&start, known, attrs, raw);
            }
            Event::End(end) => {
                let after = reader.buffer_position() as usize;
                let raw = tag_text(src, before, after);
                parser.end(end.name().0, raw);
            }
            Event::Text(text) => {
                if let Some(capture) = parser.capture.as_mut() {
                    append(&mut capture.text, text.xml10_content());
                }
            }
            Event::CData(data) => {
                if let Some(capture) = parser.capture.as_mut() {
                    let data = data.xml10_content();
                    if capture.construct.as_ref().is_some_and(|c| c.markup) {
                        html::escape_into(&data, &mut capture.text);
                    } else {
                        append(&mut capture.text, data);
                    }
                }
            }
            Event::GeneralRef(reference) => {
                let name: &str = &reference;
                let markup = parser
                    .capture
                    .as_ref()
                    .and_then(|c| c.construct.as_ref())
                    .is_some_and(|c| c.markup);
                let declared = parser.declared_entity(name);
                let resolved: Option<Cow<'_, str>> = match reference.resolve_char_ref() {
                    // Old feeds write windows-1252 punctuation as
                    // references to C1 controls (`&#146;` for an
                    // apostrophe), as browsers read them; XML takes them
                    // literally as invisible controls. Readers want what
                    // was meant.
                    Ok(Some(c)) => Some(Cow::Owned(
                        windows_1252_punctuation(c).unwrap_or(c).to_string(),
                    )),
                    Ok(None) if declared.is_some() => declared.map(Cow::Owned),
                    Ok(None) => match quick_xml::escape::resolve_xml_entity(name) {
                        Some(text) => Some(Cow::Borrowed(text)),
                        None => {
                            let html = quick_xml::escape::resolve_html5_entity(name);
                            if html.is_some() {
                                // HTML's entities are not XML's: a strict
                                // parser stops here; we read them as a
                                // browser would.
                                parser.flag(format!("undefined entity &{name};"));
                            }
                            html.map(Cow::Borrowed)
                        }
                    },
                    Err(_) => None,
                };
                if let Some(capture) = parser.capture.as_mut() {
                    match resolved {
                        // Inline XHTML is markup: what the reference means,
                        // escaped again as markup needs.
                        Some(text) if markup => html::escape_into(&text, &mut capture.text),
                        Some(text) => capture.text.push_str(&text),
                        None => {
                            capture.text.push('&');
                            capture.text.push_str(name);
                            capture.text.push(';');
                        }
                    }
                }
            }
            Event::DocType(doctype) => {
                let doctype = doctype.xml10_content();
                if doctype.contains("-//Netscape Communications//DTD RSS 0.91//EN") {
                    parser.doc.version = "rss091n".into();
                }
                parser.entities = declared_entities(&doctype);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !root_seen {
        parser.flag("the document has no root element".to_owned());
    }
    if parser.frames.len() > 1 {
        parser.flag("the document ends inside an element".to_owned());
        parser.doc.truncated = true;
    }
    // Close what the document left open, so what was read counts, except
    // an entry cut off in the middle: it comes whole with the next poll.
    if parser.in_entry {
        parser.doc.entries.pop();
        parser.in_entry = false;
        parser.source = None;
        // What was being read inside it goes with it.
        parser.capture = None;
        parser.person = None;
        if let Some(at) = parser
            .frames
            .iter()
            .rposition(|f| matches!(&*f.name, "item" | "entry"))
        {
            parser.frames.truncate(at);
        }
    }
    while let Some(frame) = parser.frames.pop() {
        parser.close_frame(frame, "");
    }
    if parser.doc.feed.common.language.is_none() {
        parser.doc.feed.common.language = parser.options.language.take();
    }
    parser.doc
}

fn attr_value(attr: &quick_xml::events::attributes::Attribute<'_>) -> String {
    attr.normalized_value_with(quick_xml::XmlVersion::Implicit1_0, 4, |name| {
        quick_xml::escape::resolve_xml_entity(name)
            .or_else(|| quick_xml::escape::resolve_html5_entity(name))
    })
    .map(Cow::into_owned)
    .unwrap_or_else(|_| attr.value.to_string())
}

fn get<'v>(attrs: &'v [(String, String)], key: &str) -> Option<&'v str> {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn resolve(base: &str, href: &str) -> String {
    let href = href.trim();
    if href.is_empty() {
        return base.to_owned();
    }
    // Already absolute: kept as written (most links are; no URL parse).
    let lower = href.get(..8).unwrap_or(href);
    let scheme_len = if lower.eq_ignore_ascii_case("https://") {
        8
    } else if lower
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("http://"))
    {
        7
    } else {
        0
    };
    if scheme_len > 0 && !href[scheme_len..].starts_with('/') {
        return href.to_owned();
    }
    match Url::parse(base).and_then(|b| b.join(href)) {
        Ok(url)
            if matches!(
                url.scheme(),
                "http" | "https" | "ftp" | "file" | "magnet" | "mailto" | "feed" | "urn" | "tag"
            ) =>
        {
            url.to_string()
        }
        _ => href.to_owned(),
    }
}

/// A `<link>`'s attributes as a link to `href`; its type defaults to HTML
/// (an Atom feed's for `rel="self"`).
fn link_of(attrs: &[(String, String)], href: String) -> Link {
    let rel = get(attrs, "rel").unwrap_or("alternate").trim().to_owned();
    let mime = get(attrs, "type")
        .map(|t| t.trim().to_owned())
        .unwrap_or_else(|| {
            if rel == "self" {
                "application/atom+xml"
            } else {
                "text/html"
            }
            .to_owned()
        });
    Link {
        href,
        mime: Some(mime),
        title: get(attrs, "title").map(str::to_owned),
        length: get(attrs, "length").map(str::to_owned),
        hreflang: get(attrs, "hreflang").map(str::to_owned),
        rel,
    }
}

/// Atom's `type` / `mode` values, and RSS's, as media types.
fn mime_of(kind: &str) -> String {
    match kind.trim().to_ascii_lowercase().as_str() {
        "text" | "plain" | "" => "text/plain".into(),
        "html" => "text/html".into(),
        "xhtml" => "application/xhtml+xml".into(),
        other => other.to_owned(),
    }
}

impl<'a> Parser<'a> {
    fn flag(&mut self, reason: String) {
        self.doc.bozo.get_or_insert(reason);
    }

    /// What a reference to an entity the DOCTYPE declares stands for,
    /// while the expansion budget lasts (declared entities are where
    /// "billion laughs" documents hide their payload).
    fn declared_entity(&mut self, name: &str) -> Option<String> {
        let value = self
            .entities
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())?;
        if value.len() > self.entity_budget {
            self.flag(format!("entity &{name}; expands past the limit"));
            return None;
        }
        self.entity_budget -= value.len();
        Some(value)
    }

    fn base(&self) -> &str {
        self.frames.last().map_or(self.doc_url, |f| &f.base)
    }

    fn base_rc(&self) -> Arc<str> {
        self.frames
            .last()
            .map_or_else(|| Arc::from(self.doc_url), |f| f.base.clone())
    }

    fn lang(&self) -> Option<String> {
        self.frames
            .last()
            .and_then(|f| f.lang.as_deref().map(str::to_owned))
            .or_else(|| self.default_lang.clone())
            .or_else(|| self.options.language.clone())
    }

    fn is_atom(&self) -> bool {
        self.doc.version.starts_with("atom")
    }

    /// The root element names the format.
    fn root(&mut self, start: &BytesStart<'_>, attrs: &[(String, String)]) {
        // The root's xml:lang is the feed's language until it says otherwise.
        if let Some(lang) = get(attrs, "xml:lang")
            .map(language_tag)
            .filter(|l| !l.is_empty())
        {
            self.doc.feed.common.language = Some(lang);
        }
        // An RDF root may bind RSS 1.0 to a prefix (`<rss:channel>`).
        let rdf = start.local_name().into_inner().eq_ignore_ascii_case("rdf");
        for (key, value) in attrs {
            let binds = key == "xmlns" || (rdf && key.starts_with("xmlns:"));
            if !binds || !self.doc.version.is_empty() {
                continue;
            }
            let uri = value.trim().to_ascii_lowercase();
            let uri = uri.trim_end_matches('/');
            self.doc.version = match uri {
                "http://www.w3.org/2005/atom" => "atom10",
                "http://purl.org/rss/1.0" => "rss10",
                "http://my.netscape.com/rdf/simple/0.9" => "rss090",
                _ => continue,
            }
            .into();
        }
        let local = start.local_name().into_inner().to_ascii_lowercase();
        let version = get(attrs, "version").unwrap_or_default().trim();
        match local.as_str() {
            // A Netscape doctype made it rss091n already, if the version agrees.
            "rss"
                if self.doc.version.is_empty()
                    || (self.doc.version == "rss091n" && version != "0.91") =>
            {
                self.doc.version = match version {
                    "0.91" => "rss091u",
                    "0.92" => "rss092",
                    "0.93" => "rss093",
                    "0.94" => "rss094",
                    v if v.starts_with("2.") => "rss20",
                    _ => "rss",
                }
                .into();
            }
            "feed" if self.doc.version.is_empty() => {
                self.doc.version = match version {
                    "0.1" => "atom01",
                    "0.2" => "atom02",
                    "0.3" => "atom03",
                    _ => "atom",
                }
                .into();
            }
            "channel" if self.doc.version.is_empty() => self.doc.version = "cdf".into(),
            _ => {}
        }
    }

    fn common(&mut self) -> &mut Common {
        if let Some(source) = self.source.as_mut() {
            return &mut source.common;
        }
        if self.in_entry
            && let Some(entry) = self.doc.entries.last_mut()
        {
            return &mut entry.common;
        }
        &mut self.doc.feed.common
    }

    fn meta(&mut self) -> Option<&mut Meta> {
        if let Some(source) = self.source.as_mut() {
            return Some(source);
        }
        (!self.in_entry).then_some(&mut self.doc.feed)
    }

    fn entry(&mut self) -> Option<&mut Entry> {
        if self.in_entry && self.source.is_none() {
            self.doc.entries.last_mut()
        } else {
            None
        }
    }

    /// An element's attributes, its namespace declarations first taken into
    /// force: names lowercased, `xml:*`, `rdf:*` and other namespaced ones
    /// by their known prefix, values unescaped (HTML entities too).
    fn attributes(
        &mut self,
        start: &BytesStart<'_>,
        raw: &'a str,
        depth: usize,
    ) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        for attr in start.html_attributes().with_checks(false).flatten() {
            let qname = attr.key.0;
            let value = attr_value(&attr);
            let declared = if qname == "xmlns" {
                Some("")
            } else {
                qname.strip_prefix("xmlns:")
            };
            if let Some(prefix) = declared {
                // Borrow the prefix from the source, which outlives us.
                let prefix = raw.find(qname).map_or("", |at| {
                    &raw[at + qname.len() - prefix.len()..at + qname.len()]
                });
                let known = self.prefix_of(&value);
                self.bindings.push(Binding {
                    depth,
                    prefix,
                    known,
                });
            }
            pairs.push((qname, value));
        }
        // Prefixes resolve once every declaration on the element is read.
        pairs
            .into_iter()
            .map(|(qname, value)| {
                if qname == "xmlns" || qname.starts_with("xmlns:") {
                    return (qname.to_owned(), value);
                }
                let key = match qname.split_once(':') {
                    Some(("xml", local)) => format!("xml:{}", local.to_ascii_lowercase()),
                    Some((prefix, local)) => match self.lookup(prefix) {
                        Some(Some(known)) if !known.is_empty() => {
                            format!("{known}:{}", local.to_ascii_lowercase())
                        }
                        _ => local.to_ascii_lowercase(),
                    },
                    None => qname.to_ascii_lowercase(),
                };
                (key, value)
            })
            .collect()
    }

    /// The known prefix bound to `prefix` (empty: the default namespace):
    /// `None` when it is not declared, `Some(None)` for a namespace no
    /// handler knows.
    fn lookup(&self, prefix: &str) -> Option<Option<&'static str>> {
        self.bindings
            .iter()
            .rev()
            .find(|b| b.prefix == prefix)
            .map(|b| b.known)
    }

    /// The known prefix of an element's namespace; an undeclared prefix is
    /// flagged and read as an unknown namespace.
    fn resolve_element(&mut self, qname: &str) -> Option<&'static str> {
        match qname.split_once(':') {
            Some(("xml", _)) => Some("xml"),
            Some((prefix, _)) => match self.lookup(prefix) {
                Some(known) => known,
                None => {
                    self.flag(format!("undeclared namespace prefix {prefix}"));
                    None
                }
            },
            None => self.lookup("").flatten(),
        }
    }

    /// The prefix feed readers know a namespace by, looked up once per
    /// namespace and document.
    fn prefix_of(&mut self, uri: &str) -> Option<&'static str> {
        if let Some((_, prefix)) = self.prefixes.iter().find(|(u, _)| u == uri) {
            return *prefix;
        }
        let prefix = known_prefix(uri);
        self.prefixes.push((uri.to_owned(), prefix));
        prefix
    }

    /// An element's name as handlers know it: `prefix_local`, lowercased.
    fn element_name(
        &mut self,
        qname: &'a str,
        local: &str,
        known: Option<&'static str>,
    ) -> Arc<str> {
        if let Some(name) = self.names.get(&(qname, known)) {
            return name.clone();
        }
        // An unknown namespace keeps the document's own prefix.
        let prefix = known.unwrap_or_else(|| qname.split_once(':').map_or("", |(p, _)| p));
        let mut name = String::with_capacity(prefix.len() + 1 + local.len());
        if !prefix.is_empty() {
            if known.is_some() {
                name.push_str(prefix);
            } else {
                name.extend(prefix.chars().map(|c| c.to_ascii_lowercase()));
            }
            name.push('_');
        }
        name.extend(local.chars().map(|c| c.to_ascii_lowercase()));
        let name: Arc<str> = Arc::from(name);
        if self.names.len() < 1024 {
            self.names.insert((qname, known), name.clone());
        }
        name
    }

    fn start(
        &mut self,
        start: &BytesStart<'_>,
        known: Option<&'static str>,
        attrs: Vec<(String, String)>,
        raw: &'a str,
    ) {
        // The name as written, borrowed from the source: `<` then the name.
        let qname_len = start.name().0.len();
        let qname = raw
            .find('<')
            .and_then(|at| raw.get(at + 1..at + 1 + qname_len))
            .unwrap_or_default();
        let name = self.element_name(qname, start.local_name().into_inner(), known);
        let markup_name = match known {
            Some("xhtml" | "svg" | "mathml") => qname.split_once(':').map_or(qname, |(_, l)| l),
            _ => qname,
        };

        // Inside a text construct every element is markup.
        if let Some(capture) = self.capture.as_mut()
            && let Some(construct) = capture.construct.as_mut()
        {
            if !construct.markup
                && known == Some("xhtml")
                && markup_name == "div"
                // A child of the construct's own element.
                && capture.depth == self.frames.len()
                && capture.text.trim().is_empty()
            {
                construct.xhtml_wrapper = true;
            }
            // Written out again from what the XML says, so attribute
            // values carry their meaning, escaped once.
            capture.text.push('<');
            capture.text.push_str(markup_name);
            for (key, value) in &attrs {
                if key == "xmlns" || key.starts_with("xmlns:") {
                    continue;
                }
                capture.text.push(' ');
                capture.text.push_str(key);
                capture.text.push_str("=\"");
                html::escape_attribute_into(value, &mut capture.text);
                capture.text.push('"');
            }
            capture.text.push('>');
            self.frames.push(Frame {
                qname,
                markup_name,
                name,
                base: self.base_rc(),
                lang: self.frames.last().and_then(|f| f.lang.clone()),
            });
            return;
        }
        // A child element: what was being captured is a container. Text
        // written before the child (`<category>News <image>…`) is still
        // the element's value.
        if let Some(capture) = self.capture.take()
            && !capture.text.trim().is_empty()
        {
            self.finish_capture(capture);
        }

        // CDF names its base with a plain `BASE` attribute.
        let declared_base = get(&attrs, "xml:base").or_else(|| {
            (self.doc.version == "cdf" && matches!(&*name, "channel" | "item"))
                .then(|| get(&attrs, "base"))
                .flatten()
        });
        let base = match declared_base {
            Some(b) if self.base().is_empty() => Arc::from(b.trim()),
            // A base that is no web address (`javascript:`…) is ignored.
            Some(b) => {
                let resolved = resolve(self.base(), b);
                if resolved.contains("://") {
                    Arc::from(resolved)
                } else {
                    self.base_rc()
                }
            }
            None => self.base_rc(),
        };
        // xml:lang is inherited; an empty one unsets it.
        let lang = match get(&attrs, "xml:lang") {
            Some(lang) => Some(language_tag(lang))
                .filter(|l| !l.is_empty())
                .map(Arc::from),
            None => self.frames.last().and_then(|f| f.lang.clone()),
        };
        self.frames.push(Frame {
            qname,
            markup_name,
            name: name.clone(),
            base,
            lang,
        });
        let depth = self.frames.len();
        self.open(&name, &attrs, depth);
    }

    /// The name a capture goes by: usually its element's own (shared).
    fn capture_name(&self, name: &str) -> Arc<str> {
        match self.frames.last() {
            Some(frame) if &*frame.name == name => frame.name.clone(),
            _ => Arc::from(name),
        }
    }

    fn capture_plain(&mut self, name: &str, depth: usize) {
        self.capture = Some(Capture {
            name: self.capture_name(name),
            depth,
            text: String::new(),
            construct: None,
        });
    }

    fn capture_text(
        &mut self,
        name: &str,
        attrs: &[(String, String)],
        default: &str,
        depth: usize,
    ) {
        let kind = get(attrs, "type");
        let mime = match kind {
            Some(kind) => mime_of(kind),
            None => default.to_owned(),
        };
        // Atom: any type that is not text or XML is base64.
        let base64 = get(attrs, "mode").is_some_and(|m| m.eq_ignore_ascii_case("base64"))
            || !(mime.starts_with("text/") || mime.ends_with("+xml") || mime.ends_with("/xml"));
        let markup =
            mime == "application/xhtml+xml" || mime.ends_with("+xml") || mime.ends_with("/xml");
        let src = get(attrs, "src").map(|s| resolve(self.base(), s));
        self.capture = Some(Capture {
            name: self.capture_name(name),
            depth,
            text: String::new(),
            construct: Some(Construct {
                mime,
                base64,
                src,
                base: self.base_rc(),
                lang: self.lang(),
                markup,
                xhtml_wrapper: false,
            }),
        });
    }

    fn open(&mut self, name: &str, attrs: &[(String, String)], depth: usize) {
        match name {
            // The root holds the feed; nothing to read from it here.
            "rss" | "rdf_rdf" | "feed" if depth == 1 => {}
            "channel" => self.cdf_attributes(attrs),
            "item" | "entry" => {
                self.in_entry = true;
                self.gml = None;
                self.doc.entries.push(Entry::default());
                self.guid_is_permalink = false;
                if let Some(about) = get(attrs, "rdf:about")
                    && let Some(entry) = self.doc.entries.last_mut()
                {
                    entry.common.id = Some(about.to_owned());
                }
                self.cdf_attributes(attrs);
            }
            // CDF (Microsoft's Channel Definition Format).
            "abstract" => self.capture_text("description", attrs, "text/plain", depth),
            // Media RSS: a title that stands in for a missing one.
            "media_title" => self.capture_text("media_title", attrs, "text/plain", depth),
            "media_description" => {
                self.capture_text("media_description", attrs, "text/plain", depth);
            }
            "lastmod" => self.capture_plain("modified", depth),
            "source" if self.in_entry => {
                if let Some(url) = get(attrs, "url") {
                    // RSS: a title and the feed's URL.
                    let mut meta = Meta::default();
                    meta.common.links.push(Link {
                        rel: "self".into(),
                        href: resolve(self.base(), url),
                        ..Link::default()
                    });
                    self.source = Some(meta);
                    self.capture_plain("source", depth);
                } else {
                    self.source = Some(Meta::default());
                }
            }
            "image" => {
                self.in_image = true;
                self.common().image.get_or_insert_with(Image::default);
            }
            "textinput" => {
                self.in_textinput = true;
                if let Some(meta) = self.meta() {
                    meta.textinput.get_or_insert_with(TextInput::default);
                }
            }
            "skiphours" => self.in_skip_hours = true,
            "author" | "contributor" | "itunes_owner" => {
                let role = match name {
                    "author" => Role::Author,
                    "contributor" => Role::Contributor,
                    _ => Role::Publisher,
                };
                self.person = Some((role, Person::default(), depth));
                if name != "itunes_owner" {
                    // RSS `<author>` is text; Atom's has children.
                    self.capture_plain(name, depth);
                }
            }
            "title" | "dc_title" => self.capture_text(name, attrs, "text/plain", depth),
            "description" | "dc_description" => self.capture_text(name, attrs, "text/html", depth),
            "summary" | "itunes_summary" => {
                let default = if self.is_atom() {
                    "text/plain"
                } else {
                    "text/html"
                };
                self.capture_text(name, attrs, default, depth)
            }
            "subtitle" | "tagline" | "itunes_subtitle" | "info" | "rights" | "copyright"
            | "dc_rights" => self.capture_text(name, attrs, "text/plain", depth),
            // FeedBurner's note to browsers is the feed's `info`.
            "feedburner_browserfriendly" => self.capture_text("info", attrs, "text/plain", depth),
            "content" => {
                let default = if self.is_atom() {
                    "text/plain"
                } else {
                    "text/html"
                };
                self.capture_text(name, attrs, default, depth)
            }
            "content_encoded" | "body" | "fullitem" => {
                self.capture_text(name, attrs, "text/html", depth)
            }
            "xhtml_body" => self.capture_text(name, attrs, "application/xhtml+xml", depth),
            "link" => self.open_link(attrs, depth),
            "guid" => {
                self.guid_is_permalink = get(attrs, "ispermalink")
                    .is_none_or(|v| !v.trim().eq_ignore_ascii_case("false"));
                self.capture_plain(name, depth);
            }
            "enclosure" => {
                let url = get(attrs, "url").or_else(|| get(attrs, "href"));
                let link = Link {
                    rel: "enclosure".into(),
                    href: url.map(|u| resolve(self.base(), u)).unwrap_or_default(),
                    mime: get(attrs, "type").map(str::to_owned),
                    length: get(attrs, "length").map(str::to_owned),
                    ..Link::default()
                };
                self.common().links.push(link);
            }
            "category" | "dc_subject" | "itunes_category" | "media_category" => {
                let term = get(attrs, "term").or_else(|| get(attrs, "text"));
                let scheme = get(attrs, "scheme")
                    .or_else(|| get(attrs, "domain"))
                    .or(match name {
                        "itunes_category" => Some("http://www.itunes.com/"),
                        // Media RSS's default scheme, by its specification.
                        "media_category" => Some("http://search.yahoo.com/mrss/category_schema"),
                        _ => None,
                    });
                if term.is_some()
                    || matches!(name, "category" | "media_category") && scheme.is_some()
                {
                    let tag = Tag {
                        term: term.map(str::to_owned),
                        scheme: scheme.map(str::to_owned),
                        label: get(attrs, "label").map(str::to_owned),
                    };
                    self.add_tag(tag);
                    if name == "itunes_category" {
                        return;
                    }
                }
                self.capture_plain(name, depth);
            }
            "generator" => {
                let generator = Generator {
                    href: get(attrs, "uri")
                        .or_else(|| get(attrs, "url"))
                        .map(|u| resolve(self.base(), u)),
                    version: get(attrs, "version").map(str::to_owned),
                    name: None,
                };
                if let Some(meta) = self.meta() {
                    meta.generator = Some(generator);
                }
                self.capture_plain(name, depth);
            }
            "admin_generatoragent" => {
                if let Some(href) = get(attrs, "rdf:resource") {
                    let href = resolve(self.base(), href);
                    if let Some(meta) = self.meta() {
                        meta.generator.get_or_insert_with(Generator::default).href = Some(href);
                    }
                }
            }
            "admin_errorreportsto" => {
                if let Some(href) = get(attrs, "rdf:resource") {
                    let href = href.to_owned();
                    self.common()
                        .extra
                        .push((Arc::from("errorreportsto"), href));
                }
            }
            "cc_license" | "creativeCommons_license" if get(attrs, "rdf:resource").is_some() => {
                let href = get(attrs, "rdf:resource").unwrap_or_default().to_owned();
                self.add_license(href);
            }
            "cloud" => {
                if let Some(meta) = self.meta() {
                    meta.cloud = attrs.to_vec();
                }
            }
            "itunes_image" => {
                if let Some(href) = get(attrs, "href").or_else(|| get(attrs, "url")) {
                    let href = href.to_owned();
                    self.common().image.get_or_insert_with(Image::default).href = Some(href);
                }
            }
            "itunes_link" if get(attrs, "rel") == Some("image") => {
                if let Some(href) = get(attrs, "href") {
                    let href = resolve(self.base(), href);
                    self.common().image.get_or_insert_with(Image::default).href = Some(href);
                }
            }
            "itunes_link" => {
                let link = Link {
                    rel: get(attrs, "rel").unwrap_or("alternate").to_owned(),
                    href: get(attrs, "href")
                        .map(|h| resolve(self.base(), h))
                        .unwrap_or_default(),
                    mime: get(attrs, "type").map(str::to_owned),
                    ..Link::default()
                };
                self.common().links.push(link);
            }
            "media_content" => {
                let attrs = attrs.to_vec();
                self.common().media.content.push(attrs);
            }
            "media_thumbnail" => {
                let attrs = attrs.to_vec();
                self.common().media.thumbnails.push(attrs);
                self.capture_plain(name, depth);
            }
            "media_player" => {
                let attrs = attrs.to_vec();
                self.common().media.player = Some(attrs);
                self.capture_plain(name, depth);
            }
            "media_credit" => {
                let role = get(attrs, "role").map(str::to_owned);
                self.common().media.credits.push((role, String::new()));
                self.capture_plain(name, depth);
            }
            "media_rating" => {
                let scheme = get(attrs, "scheme").map(str::to_owned);
                self.common().media.rating = Some((scheme, String::new()));
                self.capture_plain(name, depth);
            }
            "media_restriction" => {
                let attrs = attrs.to_vec();
                self.common().media.restriction = Some((attrs, Vec::new()));
                self.capture_plain(name, depth);
            }
            "media_license" => {
                let attrs = attrs.to_vec();
                self.common().media.license = Some((attrs, String::new()));
                self.capture_plain(name, depth);
            }
            "psc_chapters" => {
                // Simple Chapters allows one list per entry: later ones are
                // ignored, not merged.
                let version = get(attrs, "version").map(str::to_owned);
                let first = match self.entry() {
                    Some(entry) if entry.chapters.is_none() => {
                        entry.chapters = Some((version, Vec::new()));
                        true
                    }
                    _ => false,
                };
                self.in_chapters = first;
            }
            "psc_chapter" if self.in_chapters => {
                let chapter = Chapter {
                    start: get(attrs, "start").unwrap_or_default().to_owned(),
                    title: get(attrs, "title").map(str::to_owned),
                    href: get(attrs, "href").map(str::to_owned),
                    image: get(attrs, "image").map(str::to_owned),
                };
                if let Some((_, chapters)) = self.entry().and_then(|e| e.chapters.as_mut()) {
                    chapters.push(chapter);
                }
            }
            "newlocation" | "itunes_new-feed-url" => self.capture_plain(name, depth),
            // Atom threading (RFC 4685): what this entry answers.
            "thr_in-reply-to" => {
                let base = self.base().to_owned();
                let attrs: Vec<(String, String)> = attrs
                    .iter()
                    .map(|(key, value)| match key.as_str() {
                        "href" | "source" => (key.clone(), resolve(&base, value)),
                        _ => (key.clone(), value.clone()),
                    })
                    .collect();
                self.common().in_reply_to = Some(attrs);
            }
            "gml_point" | "gml_linestring" | "gml_polygon" | "gml_envelope" => {
                self.gml = Some(Geometry::of(name, attrs));
            }
            "items" | "rdf_seq" | "rdf_li" | "skipdays" | "media_group" | "georss_where"
            | "gml_exterior" | "gml_linearring" => {}
            _ => self.capture_plain(name, depth),
        }
    }

    /// CDF names a channel's or item's page in its `href` attribute, and
    /// when it last changed in `lastmod`.
    fn cdf_attributes(&mut self, attrs: &[(String, String)]) {
        if self.doc.version != "cdf" {
            return;
        }
        if let Some(href) = get(attrs, "href") {
            let href = resolve(self.base(), href);
            self.common().add_page_link(href);
        }
        if let Some(lastmod) = get(attrs, "lastmod") {
            let date = self.date(lastmod.to_owned());
            self.common().updated = Some(date);
        }
    }

    fn open_link(&mut self, attrs: &[(String, String)], depth: usize) {
        let Some(href) = get(attrs, "href") else {
            if get(attrs, "rel").is_none() || self.in_image || self.in_textinput {
                // RSS: the link is the element's text.
                self.capture_plain("link", depth);
            } else {
                // An Atom link written with its URL as text: a link of its
                // kind, whose href comes at its end.
                self.text_link = Some(link_of(attrs, String::new()));
                self.capture_plain("link_text", depth);
            }
            return;
        };
        let link = link_of(attrs, resolve(self.base(), href));
        if self.in_image || self.in_textinput {
            return;
        }
        self.add_link(link);
    }

    /// A link of the entry or feed: its page link when it is the first
    /// alternate HTML one, its license when it is one.
    fn add_link(&mut self, link: Link) {
        let is_page = link.rel == "alternate"
            && matches!(
                link.mime.as_deref(),
                Some("text/html" | "application/xhtml+xml")
            );
        let common = self.common();
        if is_page && common.link.is_none() {
            common.link = Some(link.href.clone());
        }
        if link.rel == "license" && common.license.is_none() {
            common.license = Some(link.href.clone());
        }
        common.links.push(link);
    }

    fn add_tag(&mut self, tag: Tag) {
        let tags = &mut self.common().tags;
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }

    fn add_license(&mut self, href: String) {
        let common = self.common();
        common.license = Some(href.clone());
        common.links.push(Link {
            rel: "license".into(),
            href,
            ..Link::default()
        });
    }

    fn end(&mut self, qname: &str, raw: &str) {
        // Find the element this end tag closes; a stray end tag is ignored.
        let Some(index) = self.frames.iter().rposition(|f| f.qname == qname) else {
            self.flag(format!("unexpected end tag </{qname}>"));
            return;
        };
        if index + 1 != self.frames.len() {
            self.flag(format!("mismatched end tag </{qname}>"));
        }
        while self.frames.len() > index + 1 {
            let frame = self.frames.pop().unwrap_or_else(|| unreachable!());
            self.close_frame(frame, "");
        }
        if let Some(frame) = self.frames.pop() {
            self.close_frame(frame, raw);
        }
    }

    fn close_frame(&mut self, frame: Frame<'a>, raw: &str) {
        // Declarations made on the closed element end with it.
        while self
            .bindings
            .last()
            .is_some_and(|b| b.depth > self.frames.len())
        {
            self.bindings.pop();
        }
        let depth = self.frames.len() + 1;
        if let Some(capture) = self.capture.as_mut() {
            if capture.depth < depth {
                // The end of an element inside a text construct.
                if raw.is_empty() && html::is_void(frame.markup_name) {
                    // `<br/>`: an end tag would read as a second `<br>`.
                } else if frame.markup_name == frame.qname && !raw.is_empty() {
                    capture.text.push_str(raw);
                } else {
                    // Also the end of an empty element (`<circle/>`),
                    // which the reader gives as a start and an end.
                    capture.text.push_str("</");
                    capture.text.push_str(frame.markup_name);
                    capture.text.push('>');
                }
                return;
            }
            if capture.depth == depth {
                let capture = self.capture.take().unwrap_or_else(|| unreachable!());
                self.finish_capture(capture);
            }
        }
        self.close(&frame.name, depth);
    }

    /// End of an element that had no capture (or after its capture).
    fn close(&mut self, name: &str, depth: usize) {
        match name {
            "item" | "entry" => {
                self.in_entry = false;
                let media_summary = self.media_summary.take();
                if let Some(entry) = self.doc.entries.last_mut() {
                    finish_common(&mut entry.common);
                    // Media RSS describes what has no summary of its own
                    // (YouTube's feeds put the whole description there).
                    if entry.summary.is_none() {
                        entry.summary = media_summary;
                    }
                }
            }
            "channel" | "feed" if depth <= 2 => finish_common(&mut self.doc.feed.common),
            "source" if self.in_entry => {
                if let Some(mut source) = self.source.take() {
                    finish_common(&mut source.common);
                    if let Some(entry) = self.doc.entries.last_mut() {
                        entry.source = Some(Box::new(source));
                    }
                }
            }
            "image" => self.in_image = false,
            "textinput" => self.in_textinput = false,
            "skiphours" => self.in_skip_hours = false,
            "psc_chapters" => self.in_chapters = false,
            "author" | "contributor" | "itunes_owner" => {
                let Some((role, person, at)) = self.person.take() else {
                    return;
                };
                if at != depth {
                    self.person = Some((role, person, at));
                    return;
                }
                if person.is_empty() {
                    return;
                }
                let common = self.common();
                match role {
                    Role::Author => {
                        common.authors.push(person);
                    }
                    Role::Contributor => common.contributors.push(person),
                    Role::Publisher => {
                        if common.publisher.is_none() {
                            common.publisher = person.display();
                        }
                        common.publisher_detail = Some(person);
                    }
                }
            }
            _ => {}
        }
    }

    fn finish_capture(&mut self, capture: Capture) {
        let Capture {
            name,
            text,
            construct,
            ..
        } = capture;
        match construct {
            Some(construct) => self.finish_text(&name, text, construct),
            None => self.finish_plain(name, text),
        }
    }

    fn finish_text(&mut self, name: &str, value: String, construct: Construct) {
        let Construct {
            mut mime,
            base64,
            src,
            base,
            lang,
            markup,
            xhtml_wrapper,
        } = construct;
        let mut value = value;
        if base64 {
            use base64::Engine as _;
            let cleaned: String = value.split_whitespace().collect();
            if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(cleaned) {
                value = String::from_utf8_lossy(&bytes).into_owned();
            }
        }
        // Text a CMS encoded as UTF-8 twice ("â€¦" for "…"), often through
        // character references, is read once more.
        value = tidings_text::repair_mojibake(Cow::Owned(value)).into_owned();
        if markup || xhtml_wrapper {
            // Atom 1.0 wraps inline XHTML in a <div> that is not content.
            if self.doc.version == "atom10" {
                value = html::unwrap_xhtml_div(&value);
            }
        } else if !(self.is_atom() || mime != "text/plain") && html::looks_like_html(&value) {
            mime = "text/html".into();
        }
        if matches!(mime.as_str(), "text/html" | "application/xhtml+xml") {
            value = html::clean(value, &base, self.options.sanitize_html);
        }
        // Feed readers trim every text; the XML's indentation is not text.
        trim_in_place(&mut value);
        let text = Text {
            value,
            mime,
            language: lang,
            base,
            src,
        };

        if self.in_image {
            let image = self.common().image.get_or_insert_with(Image::default);
            match name {
                "title" => image.title = Some(text.value),
                "description" => image.description = Some(text.value),
                _ => {}
            }
            return;
        }
        if self.in_textinput {
            if let Some(input) = self.meta().and_then(|m| m.textinput.as_mut()) {
                match name {
                    "title" => input.title = Some(text.value),
                    "description" => input.description = Some(text.value),
                    _ => {}
                }
            }
            return;
        }
        match name {
            "title" | "dc_title" => {
                let common = self.common();
                if common.title.is_none() || name == "title" {
                    common.title = Some(text);
                }
            }
            "media_title" => {
                let common = self.common();
                common.media.title = Some(text.value.clone());
                if common.title.is_none() {
                    common.title = Some(text);
                }
            }
            "media_description" => {
                self.common().media.description = Some(text.value.clone());
                if self.in_entry {
                    self.media_summary = Some(text);
                }
            }
            "description" | "dc_description" | "summary" | "itunes_summary" => {
                if let Some(entry) = self.entry() {
                    if name == "itunes_summary" && entry.summary.is_some() {
                        return;
                    }
                    if entry.summary.is_some() && matches!(name, "summary" | "description") {
                        // Atom 0.3 feeds put the full text in a second
                        // summary; RSS items with both a summary and a
                        // description carry the full text in the second.
                        entry.content.push(text);
                    } else {
                        entry.summary = Some(text);
                    }
                } else if let Some(meta) = self.meta() {
                    if name == "itunes_summary" && meta.subtitle.is_some() {
                        return;
                    }
                    meta.subtitle = Some(text);
                }
            }
            "subtitle" | "tagline" | "itunes_subtitle" => {
                if let Some(meta) = self.meta() {
                    if name == "itunes_subtitle" && meta.subtitle.is_some() {
                        return;
                    }
                    meta.subtitle = Some(text);
                } else {
                    self.common()
                        .extra
                        .push((Arc::from("subtitle"), text.value));
                }
            }
            "info" => {
                if let Some(meta) = self.meta() {
                    meta.info = Some(text);
                }
            }
            "rights" | "copyright" | "dc_rights" => self.common().rights = Some(text),
            "content" | "content_encoded" | "body" | "fullitem" | "xhtml_body" => {
                if let Some(entry) = self.entry() {
                    entry.content.push(text);
                }
            }
            _ => {}
        }
    }

    fn date(&mut self, raw: String) -> Date {
        let raw = raw.trim().to_owned();
        let parsed = parse_date(&raw);
        Date { raw, parsed }
    }

    fn finish_plain(&mut self, element: Arc<str>, mut text: String) {
        let name: &str = &element;
        // iTunes flags are read exactly as written; everything else trimmed.
        let exact = matches!(name, "itunes_block" | "itunes_explicit").then(|| text.clone());
        trim_in_place(&mut text);
        // Person parts first: they belong to the person being read.
        if let Some((_, person, _)) = self.person.as_mut() {
            let value = text.clone();
            match name {
                "name" | "itunes_name" => {
                    person.name = Some(value);
                    return;
                }
                "email" | "itunes_email" => {
                    person.email = Some(value);
                    return;
                }
                "uri" | "url" | "homepage" => {
                    let base = self.base_rc();
                    if let Some((_, person, _)) = self.person.as_mut() {
                        person.href = Some(resolve(&base, &value));
                    }
                    return;
                }
                "author" | "contributor" => {
                    // A text-only `<author>`: RSS's `addr (Name)`.
                    let (role, _, _) = self.person.take().unwrap_or_else(|| unreachable!());
                    if value.is_empty() {
                        return;
                    }
                    let person = person_from_text(&value);
                    let common = self.common();
                    if role == Role::Author {
                        common.author.get_or_insert(value);
                        common.authors.push(person);
                    } else {
                        common.contributors.push(person);
                    }
                    return;
                }
                _ => {}
            }
        }
        if self.in_image {
            let base = self.base_rc();
            let image = self.common().image.get_or_insert_with(Image::default);
            let value = text.clone();
            match name {
                "url" => image.href = Some(resolve(&base, &value)),
                "link" => image.link = Some(resolve(&base, &value)),
                "width" => image.width = Some(value),
                "height" => image.height = Some(value),
                "title" => image.title = Some(value),
                "description" => image.description = Some(value),
                _ => {}
            }
            return;
        }
        if self.in_textinput {
            let base = self.base_rc();
            let value = text.clone();
            if let Some(input) = self.meta().and_then(|m| m.textinput.as_mut()) {
                match name {
                    "name" => input.name = Some(value),
                    "link" => input.link = Some(resolve(&base, &value)),
                    _ => {}
                }
            }
            return;
        }
        if self.in_skip_hours {
            if name == "hour"
                && let Ok(hour) = text.trim().parse::<u8>()
            {
                let hour = if hour == 24 { 0 } else { hour };
                if hour < 24 && !self.doc.feed.skip_hours.contains(&hour) {
                    self.doc.feed.skip_hours.push(hour);
                }
            }
            return;
        }
        let value = text;
        let base = self.base_rc();
        match name {
            "link" => {
                if value.is_empty() {
                    return;
                }
                let href = resolve(&base, &value);
                self.common().add_page_link(href);
            }
            "link_text" => {
                if let Some(mut link) = self.text_link.take()
                    && !value.is_empty()
                {
                    link.href = resolve(&base, &value);
                    self.add_link(link);
                }
            }
            "id" => {
                if value.is_empty() {
                    return;
                }
                // An Atom id is an IRI; one written as a path
                // (`/2026/11/post`) is a reference to resolve, as links are.
                // Anything else (`tag:…`, `1234`) is kept as written.
                let value = if value.starts_with('/') && !value.starts_with("//") {
                    resolve(&base, &value)
                } else {
                    value
                };
                self.common().id = Some(value);
            }
            "guid" => {
                let permalink = self.guid_is_permalink;
                let Some(entry) = self.entry() else { return };
                entry.common.id = Some(value.clone());
                entry.guidislink = permalink && entry.common.link.is_none();
                if entry.guidislink {
                    entry.common.add_page_link(resolve(&base, &value));
                }
            }
            "source" => {
                if let Some(source) = self.source.as_mut() {
                    source.common.title = Some(Text {
                        value,
                        mime: "text/plain".into(),
                        ..Text::default()
                    });
                }
                // The RSS source ends with its text: hand it to the entry.
                if let Some(mut source) = self.source.take() {
                    finish_common(&mut source.common);
                    if let Some(entry) = self.doc.entries.last_mut() {
                        entry.source = Some(Box::new(source));
                    }
                }
            }
            "pubdate" | "published" | "issued" | "dcterms_issued" => {
                let date = self.date(value);
                self.common().published = Some(date);
            }
            "updated" | "modified" | "dc_date" | "dcterms_modified" | "lastbuilddate" => {
                let date = self.date(value);
                let common = self.common();
                if common.updated.is_none() || name == "updated" || name == "modified" {
                    common.updated = Some(date);
                }
            }
            "created" | "dcterms_created" => {
                let date = self.date(value);
                self.common().created = Some(date);
            }
            "expirationdate" => {
                let date = self.date(value);
                if let Some(entry) = self.entry() {
                    entry.expired = Some(date);
                }
            }
            "dcterms_valid" => {
                let mut start = None;
                let mut end = None;
                for part in value.split(';') {
                    if let Some((key, date)) = part.split_once('=') {
                        match key.trim() {
                            "start" => start = Some(self.date(date.to_owned())),
                            "end" => end = Some(self.date(date.to_owned())),
                            _ => {}
                        }
                    }
                }
                if let Some(meta) = self.meta() {
                    meta.validity_start = start;
                    meta.validity_end = end;
                }
            }
            "dc_creator" | "dc_author" | "managingeditor" | "itunes_author" => {
                if value.is_empty() {
                    return;
                }
                let person = person_from_text(&value);
                let common = self.common();
                if name == "itunes_author" && common.author.is_some() {
                    return;
                }
                common.author.get_or_insert(value);
                common.authors.push(person);
            }
            "dc_contributor" => {
                if !value.is_empty() {
                    self.common().contributors.push(Person {
                        name: Some(value),
                        ..Person::default()
                    });
                }
            }
            "webmaster" | "dc_publisher" => {
                let person = person_from_text(&value);
                let common = self.common();
                common.publisher = Some(value);
                common.publisher_detail = Some(person);
            }
            "category" | "dc_subject" | "media_category" => {
                if value.is_empty() {
                    return;
                }
                let tags = &mut self.common().tags;
                // `<category term="x" scheme="s">x</category>` is one tag.
                let repeated = name == "category"
                    && tags.last().is_some_and(|t| {
                        t.scheme.is_some() && t.term.as_deref() == Some(value.as_str())
                    });
                if let Some(last) = tags.last_mut().filter(|t| t.term.is_none()) {
                    last.term = Some(value);
                } else if !repeated {
                    let tag = Tag {
                        term: Some(value),
                        ..Tag::default()
                    };
                    self.add_tag(tag);
                }
            }
            // Keywords separated by commas; `<tags>` is made up but common.
            "tags" | "itunes_keywords" | "media_keywords" => {
                let scheme = (name != "tags").then_some("http://www.itunes.com/");
                for word in value.split(',').map(str::trim).filter(|w| !w.is_empty()) {
                    let tag = Tag {
                        term: Some(word.to_owned()),
                        scheme: scheme.map(str::to_owned),
                        label: None,
                    };
                    if name == "itunes_keywords" {
                        self.common().itunes_keywords.push(word.to_owned());
                    }
                    self.add_tag(tag);
                }
                if name == "media_keywords" {
                    self.common().media.keywords = Some(value);
                }
            }
            "language" | "dc_language" => {
                if value.is_empty() {
                    return;
                }
                if self.default_lang.is_none() && !self.in_entry {
                    self.default_lang = Some(value.clone());
                }
                self.common().language = Some(value);
            }
            "generator" => {
                if let Some(meta) = self.meta() {
                    let generator = meta.generator.get_or_insert_with(Generator::default);
                    generator.name = Some(value);
                }
            }
            "ttl" => {
                if let Some(meta) = self.meta() {
                    meta.ttl = Some(value);
                }
            }
            "docs" | "icon" => {
                let href = resolve(&base, &value);
                if let Some(meta) = self.meta() {
                    let slot = if name == "docs" {
                        &mut meta.docs
                    } else {
                        &mut meta.icon
                    };
                    *slot = Some(href);
                }
            }
            "logo" => {
                let href = resolve(&base, &value);
                if let Some(meta) = self.meta() {
                    meta.logo = Some(href.clone());
                    meta.common.image.get_or_insert_with(Image::default).href = Some(href);
                }
            }
            "comments" | "wfw_comment" | "wfw_commentrss" => {
                let href = resolve(&base, &value);
                if let Some(entry) = self.entry() {
                    let slot = match name {
                        "comments" => &mut entry.comments,
                        "wfw_comment" => &mut entry.wfw_comment,
                        _ => &mut entry.wfw_commentrss,
                    };
                    *slot = Some(href);
                }
            }
            "cc_license" | "creativeCommons_license" => {
                if !value.is_empty() {
                    self.add_license(value);
                }
            }
            // iTunes reads these values exactly as its specification
            // spells them; so do podcast apps.
            "itunes_block" => {
                let blocked = exact.as_deref() == Some("yes");
                self.common().itunes_block = Some(blocked);
            }
            "itunes_explicit" => {
                let explicit = match exact.as_deref().unwrap_or_default() {
                    "yes" | "explicit" | "true" => Some(true),
                    "no" | "clean" | "false" => Some(false),
                    _ => None,
                };
                self.common().itunes_explicit = explicit;
            }
            "itunes_duration" => self.common().itunes_duration = Some(value),
            "newlocation" | "itunes_new-feed-url" => {
                let href = resolve(&base, &value);
                self.doc.feed.new_location = Some(href);
            }
            "media_credit" => {
                if let Some(last) = self.common().media.credits.last_mut() {
                    last.1 = value;
                }
            }
            "media_rating" => {
                if let Some(rating) = self.common().media.rating.as_mut() {
                    rating.1 = value;
                }
            }
            "media_restriction" => {
                if let Some(restriction) = self.common().media.restriction.as_mut() {
                    restriction.1 = value.split_whitespace().map(str::to_owned).collect();
                }
            }
            "media_license" => {
                if let Some(license) = self.common().media.license.as_mut() {
                    license.1 = value;
                }
            }
            "media_thumbnail" | "media_player" => {}
            // Simple GeoRSS writes latitude first, in two dimensions.
            "georss_point" => self.place(&Geometry::simple("Point"), &value),
            "georss_line" => self.place(&Geometry::simple("LineString"), &value),
            "georss_polygon" => self.place(&Geometry::simple("Polygon"), &value),
            "georss_box" => self.place(&Geometry::simple("Box"), &value),
            "gml_pos" | "gml_poslist" | "gml_lowercorner" | "gml_uppercorner"
                if self.common().place.is_none() =>
            {
                let geometry = self
                    .gml
                    .clone()
                    .unwrap_or_else(|| Geometry::simple("Point"));
                self.place(&geometry, &value);
            }
            "geo_lat" | "geo_long" | "icbm_latitude" | "icbm_longitude" => {
                self.common().extra.push((element.clone(), value));
            }
            "hour" | "day" => {}
            _ => {
                self.common().extra.push((element.clone(), value));
            }
        }
    }

    fn place(&mut self, geometry: &Geometry, value: &str) {
        let numbers: Vec<f64> = value
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .filter_map(|w| w.parse().ok())
            .collect();
        let dims = geometry.dims;
        if numbers.len() < dims || !numbers.len().is_multiple_of(dims) {
            return;
        }
        let coordinates: Vec<Vec<f64>> = numbers
            .chunks(dims)
            .map(|position| {
                let mut position = position.to_vec();
                if geometry.latitude_first {
                    position.swap(0, 1);
                }
                position
            })
            .collect();
        let kind = geometry.kind;
        if kind == "Polygon" && coordinates.len() < 4 {
            return;
        }
        if kind == "Point" && coordinates.len() != 1 {
            return;
        }
        self.common().place = Some(Place {
            kind: kind.to_owned(),
            coordinates,
        });
    }
}

/// A GeoRSS or GML shape being read: its kind and how its positions are
/// written.
#[derive(Clone, Debug)]
struct Geometry {
    kind: &'static str,
    /// Geographic coordinates put latitude first; GeoJSON puts it second.
    latitude_first: bool,
    /// Numbers per position (GML's `srsDimension`: 3 with a height).
    dims: usize,
}

impl Geometry {
    fn simple(kind: &'static str) -> Self {
        Self {
            kind,
            latitude_first: true,
            dims: 2,
        }
    }

    /// A GML element's shape and reference system. EPSG numbers its
    /// geographic systems (latitude, longitude) 4000 to 4999; projected
    /// ones (UTM's easting, northing) are read as written.
    fn of(name: &str, attrs: &[(String, String)]) -> Self {
        let kind = match name {
            "gml_point" => "Point",
            "gml_linestring" => "LineString",
            "gml_polygon" => "Polygon",
            _ => "Box",
        };
        let latitude_first = get(attrs, "srsname")
            .filter(|srs| srs.to_ascii_uppercase().contains("EPSG"))
            .and_then(|srs| srs.rsplit(':').next()?.trim().parse::<u32>().ok())
            .is_none_or(|code| (4000..5000).contains(&code));
        let dims = get(attrs, "srsdimension")
            .and_then(|d| d.trim().parse::<usize>().ok())
            .filter(|d| (2..=3).contains(d))
            .unwrap_or(2);
        Self {
            kind,
            latitude_first,
            dims,
        }
    }
}

/// The text of the tag the reader just read, between its positions before
/// and after it; never a slice through a character, whatever the reader's
/// positions say about broken input.
fn tag_text(src: &str, before: usize, after: usize) -> &str {
    let floor = |mut at: usize| {
        at = at.min(src.len());
        while !src.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let (from, to) = (floor(before.min(after)), floor(after));
    &src[from..to]
}

/// Bytes that references to declared entities may expand to in one
/// document, and the most entities read from its DOCTYPE.
const ENTITY_BUDGET: usize = 64 * 1024;
const MOST_ENTITIES: usize = 64;

/// The internal entities a DOCTYPE declares (`<!ENTITY id "tag:…">`),
/// taken literally: a value's own references are not expanded again.
/// Parameter and external entities are ignored.
fn declared_entities(doctype: &str) -> Vec<(String, String)> {
    let mut entities = Vec::new();
    let mut rest = doctype;
    while let Some(at) = rest.find("<!ENTITY") {
        rest = &rest[at + "<!ENTITY".len()..];
        let declaration = rest.trim_start();
        let name_end = declaration
            .find(char::is_whitespace)
            .unwrap_or(declaration.len());
        let name = &declaration[..name_end];
        let value = declaration[name_end..].trim_start();
        let Some(quote) = value.chars().next().filter(|c| matches!(c, '"' | '\'')) else {
            continue;
        };
        let Some(end) = value[1..].find(quote) else {
            break;
        };
        let valid = name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
            && !name.is_empty();
        if valid && entities.len() < MOST_ENTITIES {
            entities.push((name.to_owned(), value[1..1 + end].to_owned()));
        }
    }
    entities
}

/// Text onto a capture: the first piece taken whole (one allocation of
/// the right size, the usual case), later ones appended.
fn append(text: &mut String, piece: Cow<'_, str>) {
    if text.is_empty() {
        *text = piece.into_owned();
    } else {
        text.push_str(&piece);
    }
}

/// A language tag as BCP 47 writes it: `en_US` is `en-US`.
fn language_tag(lang: &str) -> String {
    lang.trim().replace('_', "-")
}

fn trim_in_place(text: &mut String) {
    let end = text.trim_end().len();
    text.truncate(end);
    let start = text.len() - text.trim_start().len();
    if start > 0 {
        text.drain(..start);
    }
}

/// After a feed or an entry ends: the display forms derived from its
/// people.
fn finish_common(common: &mut Common) {
    if common.author.is_none()
        && let Some(first) = common.authors.first()
    {
        common.author = first.display();
    }
}

/// A person from free text: RSS's `addr (Name)`, `Name <addr>`, or a name.
pub fn person_from_text(text: &str) -> Person {
    let text = text.trim();
    let email = text
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '<' | '>' | ','))
        .map(|w| w.trim_start_matches("mailto:"))
        .find(|w| {
            w.split_once('@').is_some_and(|(user, host)| {
                !user.is_empty() && host.contains('.') && !host.ends_with('.')
            })
        })
        .map(str::to_owned);
    let mut name = text.to_owned();
    if let Some(email) = &email {
        name = name
            .replace(&format!("mailto:{email}"), "")
            .replace(email.as_str(), "")
            .replace("()", "")
            .replace("<>", "")
            .replace("&lt;&gt;", "");
        let trimmed = name.trim();
        let trimmed = trimmed.strip_prefix('(').unwrap_or(trimmed);
        let trimmed = trimmed.strip_suffix(')').unwrap_or(trimmed);
        name = trimmed.trim().to_owned();
    }
    Person {
        name: (!name.is_empty()).then_some(name),
        email,
        href: None,
    }
}
