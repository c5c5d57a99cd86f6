//! HTML inside feeds: relative URLs made absolute against the element's
//! base, and markup made safe to show (an allow-list of elements,
//! attributes, CSS properties and URL schemes; scripts, styles and applets
//! dropped with their content). The token stream is rewritten in place,
//! as feed readers do, rather than rebuilt as a tree: a fragment stays the
//! fragment its author wrote, minus what is dangerous.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use url::Url;

const ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "big",
    "blockquote",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "command",
    "datagrid",
    "datalist",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "em",
    "event-source",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "i",
    "img",
    "input",
    "ins",
    "kbd",
    "keygen",
    "label",
    "legend",
    "li",
    "m",
    "map",
    "menu",
    "meter",
    "multicol",
    "nav",
    "nextid",
    "noscript",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "pre",
    "progress",
    "q",
    "s",
    "samp",
    "section",
    "select",
    "small",
    "sound",
    "source",
    "spacer",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "video",
];

/// Dropped with everything inside them.
const DROPPED_WITH_CONTENT: &[&str] = &["script", "applet", "style"];

const ATTRIBUTES: &[&str] = &[
    "abbr",
    "accept",
    "accept-charset",
    "accesskey",
    "action",
    "align",
    "alt",
    "autocomplete",
    "autofocus",
    "axis",
    "background",
    "balance",
    "bgcolor",
    "bgproperties",
    "border",
    "bordercolor",
    "bordercolordark",
    "bordercolorlight",
    "bottompadding",
    "cellpadding",
    "cellspacing",
    "ch",
    "challenge",
    "char",
    "charoff",
    "charset",
    "checked",
    "choff",
    "cite",
    "class",
    "clear",
    "color",
    "cols",
    "colspan",
    "compact",
    "contenteditable",
    "controls",
    "coords",
    "data",
    "datafld",
    "datapagesize",
    "datasrc",
    "datetime",
    "default",
    "delay",
    "dir",
    "disabled",
    "draggable",
    "dynsrc",
    "enctype",
    "end",
    "face",
    "for",
    "form",
    "frame",
    "galleryimg",
    "gutter",
    "headers",
    "height",
    "hidden",
    "hidefocus",
    "high",
    "href",
    "hreflang",
    "hspace",
    "icon",
    "id",
    "inputmode",
    "ismap",
    "keytype",
    "label",
    "lang",
    "leftspacing",
    "list",
    "longdesc",
    "loop",
    "loopcount",
    "loopend",
    "loopstart",
    "low",
    "lowsrc",
    "max",
    "maxlength",
    "media",
    "method",
    "min",
    "multiple",
    "name",
    "nohref",
    "noshade",
    "nowrap",
    "open",
    "optimum",
    "pattern",
    "ping",
    "point-size",
    "poster",
    "pqg",
    "preload",
    "prompt",
    "radiogroup",
    "readonly",
    "rel",
    "repeat-max",
    "repeat-min",
    "replace",
    "required",
    "rev",
    "rightspacing",
    "rows",
    "rowspan",
    "rules",
    "scope",
    "selected",
    "shape",
    "size",
    "span",
    "src",
    "start",
    "step",
    "style",
    "summary",
    "suppress",
    "tabindex",
    "target",
    "template",
    "title",
    "toppadding",
    "type",
    "unselectable",
    "urn",
    "usemap",
    "valign",
    "value",
    "variable",
    "volume",
    "vrml",
    "vspace",
    "width",
    "wrap",
    "xml:lang",
];

const VOID: &[&str] = &[
    "area", "base", "basefont", "br", "col", "command", "embed", "frame", "hr", "img", "input",
    "isindex", "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// (element, attribute) pairs holding a URL.
const URL_ATTRIBUTES: &[(&str, &str)] = &[
    ("a", "href"),
    ("applet", "codebase"),
    ("area", "href"),
    ("audio", "src"),
    ("blockquote", "cite"),
    ("body", "background"),
    ("del", "cite"),
    ("form", "action"),
    ("frame", "longdesc"),
    ("frame", "src"),
    ("iframe", "longdesc"),
    ("iframe", "src"),
    ("head", "profile"),
    ("img", "longdesc"),
    ("img", "src"),
    ("img", "usemap"),
    ("input", "src"),
    ("input", "usemap"),
    ("ins", "cite"),
    ("link", "href"),
    ("object", "classid"),
    ("object", "codebase"),
    ("object", "data"),
    ("object", "usemap"),
    ("q", "cite"),
    ("script", "src"),
    ("source", "src"),
    ("video", "poster"),
    ("video", "src"),
];

const SCHEMES: &[&str] = &[
    "file", "ftp", "gopher", "h323", "hdl", "http", "https", "imap", "magnet", "mailto", "mms",
    "news", "nntp", "prospero", "rsync", "rtsp", "rtspu", "sftp", "shttp", "sip", "sips", "snews",
    "svn", "svn+ssh", "telnet", "wais", "aim", "callto", "cvs", "facetime", "feed", "git", "gtalk",
    "irc", "ircs", "irc6", "itms", "msnim", "skype", "ssh", "smb", "ymsg",
];

const CSS_PROPERTIES: &[&str] = &[
    "azimuth",
    "background-color",
    "border-bottom-color",
    "border-collapse",
    "border-color",
    "border-left-color",
    "border-right-color",
    "border-top-color",
    "clear",
    "color",
    "cursor",
    "direction",
    "display",
    "elevation",
    "float",
    "font",
    "font-family",
    "font-size",
    "font-style",
    "font-variant",
    "font-weight",
    "height",
    "letter-spacing",
    "line-height",
    "overflow",
    "pause",
    "pause-after",
    "pause-before",
    "pitch",
    "pitch-range",
    "richness",
    "speak",
    "speak-header",
    "speak-numeral",
    "speak-punctuation",
    "speech-rate",
    "stress",
    "text-align",
    "text-decoration",
    "text-indent",
    "unicode-bidi",
    "vertical-align",
    "voice-family",
    "volume",
    "white-space",
    "width",
];

const CSS_KEYWORDS: &[&str] = &[
    "auto",
    "aqua",
    "black",
    "block",
    "blue",
    "bold",
    "both",
    "bottom",
    "brown",
    "center",
    "collapse",
    "dashed",
    "dotted",
    "fuchsia",
    "gray",
    "green",
    "!important",
    "italic",
    "left",
    "lime",
    "maroon",
    "medium",
    "none",
    "navy",
    "normal",
    "nowrap",
    "olive",
    "pointer",
    "purple",
    "red",
    "right",
    "solid",
    "silver",
    "teal",
    "top",
    "transparent",
    "underline",
    "white",
    "yellow",
];

/// Escapes text for HTML (`&`, `<`, `>`) onto `out`.
pub fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

fn escape_attribute_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// Atom's inline XHTML comes wrapped in one `<div>` that is not content.
pub fn unwrap_xhtml_div(value: &str) -> String {
    let trimmed = value.trim();
    let Some(open_end) = trimmed.find('>') else {
        return value.to_owned();
    };
    let open = &trimmed[..open_end];
    let name = open
        .trim_start_matches('<')
        .split_whitespace()
        .next()
        .unwrap_or_default();
    let local = name.rsplit(':').next().unwrap_or_default();
    if !trimmed.starts_with('<') || local != "div" || open.ends_with('/') {
        return value.to_owned();
    }
    let close = format!("</{name}>");
    match trimmed.strip_suffix(close.as_str()) {
        Some(inner) if inner.len() >= open_end + 1 => inner[open_end + 1..].to_owned(),
        _ => value.to_owned(),
    }
}

/// Whether plain text is really HTML: it closes an element or uses an
/// entity, and every element it names is one HTML allows.
pub fn looks_like_html(text: &str) -> bool {
    let closes = text.match_indices("</").any(|(at, _)| {
        let rest = &text[at + 2..];
        let name_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        name_len > 0 && rest[name_len..].starts_with('>')
    });
    let entity = text.match_indices('&').any(|(at, _)| {
        let rest = &text[at + 1..];
        let rest = rest.strip_prefix('#').unwrap_or(rest);
        let len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        len > 0 && rest[len..].starts_with(';')
    });
    if !closes && !entity {
        return false;
    }
    let tags_ok = text.match_indices('<').all(|(at, _)| {
        let rest = text[at + 1..].trim_start_matches('/');
        let len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        len == 0 || ELEMENTS.contains(&rest[..len].to_ascii_lowercase().as_str())
    });
    let entities_ok = text.match_indices('&').all(|(at, _)| {
        let rest = &text[at + 1..];
        let len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        len == 0
            || !rest[len..].starts_with(';')
            || quick_xml::escape::resolve_html5_entity(&rest[..len]).is_some()
    });
    tags_ok && entities_ok
}

/// HTML from a feed with its relative URLs made absolute against `base`,
/// and, with `sanitize`, made safe to show. Without `sanitize` the
/// publisher's markup is kept byte for byte but for the URLs rewritten,
/// without tokenizing.
pub fn clean(html: String, base: &str, sanitize: bool) -> String {
    if !html.contains(['<', '&']) {
        return html;
    }
    if !sanitize {
        return resolve_urls(&html, base).unwrap_or(html);
    }
    let html = html.as_str();
    let base = Url::parse(base).ok();
    let sink = Sanitizer {
        out: RefCell::new(String::with_capacity(html.len())),
        dropping: RefCell::new(Vec::new()),
        base,
    };
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.out.into_inner()
}

/// Every URL attribute inside a tag whose value is relative (no scheme)
/// rewritten as an absolute URL against `base`; the rest untouched. A
/// scan for `name=value`, not a tokenizer: most feed HTML has nothing to
/// rewrite and costs one pass over its `=` signs.
fn resolve_urls(html: &str, base: &str) -> Option<String> {
    if base.is_empty() {
        return None;
    }
    let mut base_url: Option<Url> = None;
    let bytes = html.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    for at in memchr::memchr_iter(b'=', bytes) {
        let name_end = bytes[..at]
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .map_or(0, |i| i + 1);
        let name_start = bytes[..name_end]
            .iter()
            .rposition(|b| !b.is_ascii_alphabetic())
            .map_or(0, |i| i + 1);
        if name_start == 0 || !bytes[name_start - 1].is_ascii_whitespace() {
            continue; // not an attribute name (or `data-src`, `x:href`)
        }
        let name = &html[name_start..name_end];
        if !URL_ATTRIBUTES
            .iter()
            .any(|(_, attribute)| attribute.eq_ignore_ascii_case(name))
        {
            continue;
        }
        // Inside a tag: the last `<` before the name comes after the last `>`.
        let open = memchr::memrchr(b'<', &bytes[..name_start]);
        let close = memchr::memrchr(b'>', &bytes[..name_start]);
        if open.is_none() || close > open {
            continue;
        }
        let mut start = at + 1;
        while bytes.get(start).is_some_and(u8::is_ascii_whitespace) {
            start += 1;
        }
        let (start, end) = match bytes.get(start) {
            Some(quote @ (b'"' | b'\'')) => {
                let Some(len) = memchr::memchr(*quote, &bytes[start + 1..]) else {
                    continue;
                };
                (start + 1, start + 1 + len)
            }
            Some(_) => {
                let len = bytes[start..]
                    .iter()
                    .position(|b| b.is_ascii_whitespace() || *b == b'>')
                    .unwrap_or(bytes.len() - start);
                (start, start + len)
            }
            None => continue,
        };
        let value = &html[start..end];
        if start < copied || has_scheme(value) {
            continue;
        }
        if base_url.is_none() {
            base_url = Some(Url::parse(base).ok()?);
        }
        let Some(Ok(resolved)) = base_url.as_ref().map(|b| b.join(value.trim())) else {
            continue;
        };
        if out.is_empty() {
            out.reserve(html.len() + 64);
        }
        out.push_str(&html[copied..start]);
        out.push_str(resolved.as_str());
        copied = end;
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&html[copied..]);
    Some(out)
}

fn has_scheme(value: &str) -> bool {
    let value = value.trim_start();
    let len = value
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        .count();
    len > 0 && value.as_bytes()[0].is_ascii_alphabetic() && value[len..].starts_with(':')
}

struct Sanitizer {
    out: RefCell<String>,
    /// Elements being dropped with their content, innermost last.
    dropping: RefCell<Vec<String>>,
    base: Option<Url>,
}

impl Sanitizer {
    /// A URL made absolute, or nothing when its scheme is not a safe one.
    fn url(&self, value: &str) -> String {
        let value = value.trim();
        let resolved = match &self.base {
            Some(base) => base.join(value).map(String::from).ok(),
            None => Url::parse(value).map(String::from).ok(),
        };
        match resolved {
            Some(url) => {
                let scheme = url
                    .split(':')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                if SCHEMES.contains(&scheme.as_str()) {
                    url
                } else {
                    String::new()
                }
            }
            // A relative URL with nothing to resolve against stays as it
            // is, unless it names a scheme we refuse.
            None => match value.split_once(':') {
                Some((scheme, _))
                    if !scheme.contains('/')
                        && !SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()) =>
                {
                    String::new()
                }
                _ => value.to_owned(),
            },
        }
    }
}

impl TokenSink for Sanitizer {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut out = self.out.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                if DROPPED_WITH_CONTENT.contains(&name) {
                    let mut dropping = self.dropping.borrow_mut();
                    match tag.kind {
                        TagKind::StartTag if !tag.self_closing => dropping.push(name.to_owned()),
                        TagKind::EndTag => {
                            if let Some(at) = dropping.iter().rposition(|d| d == name) {
                                dropping.truncate(at);
                            }
                        }
                        TagKind::StartTag => {}
                    }
                    return TokenSinkResult::Continue;
                }
                if !self.dropping.borrow().is_empty() || !ELEMENTS.contains(&name) {
                    return TokenSinkResult::Continue;
                }
                match tag.kind {
                    TagKind::StartTag => {
                        out.push('<');
                        out.push_str(name);
                        for attr in &tag.attrs {
                            let key: &str = &attr.name.local;
                            let key_owned;
                            let key = match &attr.name.prefix {
                                Some(prefix) => {
                                    key_owned = format!("{prefix}:{key}");
                                    key_owned.as_str()
                                }
                                None => key,
                            };
                            if !ATTRIBUTES.contains(&key) {
                                continue;
                            }
                            let value: std::borrow::Cow<'_, str> = if key == "style" {
                                clean_style(&attr.value).into()
                            } else if URL_ATTRIBUTES.contains(&(name, key)) {
                                self.url(&attr.value).into()
                            } else {
                                (&*attr.value).into()
                            };
                            out.push(' ');
                            out.push_str(key);
                            out.push_str("=\"");
                            escape_attribute_into(&value, &mut out);
                            out.push('"');
                        }
                        if VOID.contains(&name) {
                            out.push_str(" />");
                        } else {
                            out.push('>');
                        }
                    }
                    TagKind::EndTag => {
                        if !VOID.contains(&name) {
                            out.push_str("</");
                            out.push_str(name);
                            out.push('>');
                        }
                    }
                }
            }
            Token::CharacterTokens(text) => {
                if self.dropping.borrow().is_empty() {
                    escape_into(&text, &mut out);
                }
            }
            Token::CommentToken(text) => {
                if self.dropping.borrow().is_empty() && !text.contains("-->") {
                    out.push_str("<!--");
                    out.push_str(&text);
                    out.push_str("-->");
                }
            }
            Token::NullCharacterToken
            | Token::DoctypeToken(_)
            | Token::EOFToken
            | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}

/// A `style` attribute keeping only harmless properties: no URLs, no
/// expressions, nothing but plain values.
fn clean_style(style: &str) -> String {
    // No url(...) at all.
    let mut text = String::with_capacity(style.len());
    let mut rest = style;
    while let Some(at) = rest.to_ascii_lowercase().find("url") {
        let after = rest[at + 3..].trim_start();
        if let Some(inner) = after.strip_prefix('(')
            && let Some(end) = inner.find(')')
        {
            text.push_str(&rest[..at]);
            text.push(' ');
            rest = inner[end + 1..].trim_start();
        } else {
            text.push_str(&rest[..at + 3]);
            rest = &rest[at + 3..];
        }
    }
    text.push_str(rest);
    // Only plain characters, quoted words and number lists get through.
    if !gauntlet(&text) {
        return String::new();
    }
    let mut clean = Vec::new();
    for declaration in text.split(';') {
        let declaration = declaration.trim();
        if declaration.is_empty() {
            continue;
        }
        let Some((property, value)) = declaration.split_once(':') else {
            return String::new();
        };
        let property = property.trim();
        let value = value.trim();
        if value.contains(':')
            || property.is_empty()
            || !property
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return String::new();
        }
        if value.is_empty() {
            continue;
        }
        let lower = property.to_ascii_lowercase();
        let keep = CSS_PROPERTIES.contains(&lower.as_str())
            || (matches!(
                lower.split('-').next(),
                Some("background" | "border" | "margin" | "padding")
            ) && value
                .split_whitespace()
                .all(|word| CSS_KEYWORDS.contains(&word) || valid_css_value(word)));
        if keep {
            clean.push(format!("{property}: {value};"));
        }
    }
    clean.join(" ")
}

fn gauntlet(style: &str) -> bool {
    let bytes = style.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphanumeric()
            || matches!(b, b':' | b',' | b';' | b'#' | b'%' | b'.' | b'!' | b'_')
            || b.is_ascii_whitespace()
        {
            i += 1;
        } else if b == b'-'
            && i > 0
            && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')
            && bytes
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == b'_')
        {
            i += 1;
        } else if b == b'\'' || b == b'"' {
            let Some(end) = bytes[i + 1..].iter().position(|c| *c == b) else {
                return false;
            };
            let inner = &bytes[i + 1..i + 1 + end];
            if inner.is_empty()
                || !inner
                    .iter()
                    .all(|c| c.is_ascii_alphanumeric() || c.is_ascii_whitespace() || *c == b'_')
            {
                return false;
            }
            i += end + 2;
        } else if b == b'(' {
            let Some(end) = bytes[i + 1..].iter().position(|c| *c == b')') else {
                return false;
            };
            let inner = &bytes[i + 1..i + 1 + end];
            if !inner
                .iter()
                .all(|c| c.is_ascii_digit() || *c == b',' || c.is_ascii_whitespace())
            {
                return false;
            }
            i += end + 2;
        } else {
            return false;
        }
    }
    true
}

/// `#hex`, `rgb(…)`, or a number with a CSS unit.
fn valid_css_value(word: &str) -> bool {
    if let Some(hex) = word.strip_prefix('#') {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if word.starts_with("rgb(") {
        return word[4..]
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'%' | b',' | b')'));
    }
    let number_len = word
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    if number_len > 5 {
        return false;
    }
    matches!(
        &word[number_len..],
        "" | "cm" | "em" | "ex" | "in" | "mm" | "pc" | "pt" | "px" | "%" | "," | ")"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangerous_markup_goes_and_the_rest_stays() {
        let html = r#"<p onclick="x()">Hi <script>alert(1)</script><b>there</b><iframe src="e"></iframe><br></p>"#;
        assert_eq!(clean(html.into(), "", true), "<p>Hi <b>there</b><br /></p>");
        assert_eq!(
            clean(
                r#"<a href="javascript:alert(1)">x</a>"#.into(),
                "http://a.example/",
                true
            ),
            r#"<a href="">x</a>"#
        );
        assert_eq!(
            clean(
                r#"<img src="/i.png" alt="A &amp; B">"#.into(),
                "http://a.example/x/",
                true
            ),
            r#"<img src="http://a.example/i.png" alt="A &amp; B" />"#
        );
    }

    #[test]
    fn without_sanitizing_only_relative_urls_change() {
        let html =
            r#"<p onclick="x()">a <script>s()</script><img src="https://c.example/i.png"></p>"#;
        assert_eq!(
            clean(html.into(), "https://a.example/", false),
            html,
            "nothing to resolve"
        );
        assert_eq!(
            clean(
                r#"<a href="/b" onclick="x()">b</a>"#.into(),
                "https://a.example/x/",
                false
            ),
            r#"<a href="https://a.example/b" onclick="x()">b</a>"#
        );
        assert_eq!(
            clean(
                "<img SRC = 'i.png' data-src=\"x.png\"> src=t.png".into(),
                "https://a.example/",
                false
            ),
            "<img SRC = 'https://a.example/i.png' data-src=\"x.png\"> src=t.png"
        );
        assert_eq!(
            clean("<img src=i.png>".into(), "", false),
            "<img src=i.png>"
        );
        let untouched = r#"<a href="mailto:x@y.z" title="a=b">m</a>"#;
        assert_eq!(clean(untouched.into(), "https://a/", false), untouched);
    }

    #[test]
    fn styles_keep_plain_properties_only() {
        assert_eq!(clean_style("color: red; position: absolute"), "color: red;");
        assert_eq!(clean_style("background: url(javascript:x)"), "");
        assert_eq!(clean_style("margin: 0 auto"), "margin: 0 auto;");
        assert_eq!(clean_style("width: expression(alert(1))"), "");
    }

    #[test]
    fn html_is_recognised_in_plain_text() {
        assert!(looks_like_html("a <b>bold</b> move"));
        assert!(looks_like_html("AT&amp;T"));
        assert!(!looks_like_html("5 < 6 and 7 > 3"));
        assert!(!looks_like_html("<unknown>x</unknown>"));
    }

    #[test]
    fn xhtml_wrapper_is_removed() {
        assert_eq!(
            unwrap_xhtml_div(r#"<div xmlns="http://www.w3.org/1999/xhtml"><p>x</p></div>"#),
            "<p>x</p>"
        );
        assert_eq!(unwrap_xhtml_div("<p>x</p>"), "<p>x</p>");
    }
}
