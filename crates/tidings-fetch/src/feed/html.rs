//! HTML inside feeds: relative URLs made absolute against the element's
//! base, and markup made safe to show (an allow-list of elements,
//! attributes, CSS properties and URL schemes; scripts, styles and applets
//! dropped with their content). The token stream is rewritten in place,
//! as feed readers do, rather than rebuilt as a tree: a fragment stays the
//! fragment its author wrote, minus what is dangerous.

use url::Url;

#[rustfmt::skip]
const ELEMENTS: &[&str] = &[
    "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "big",
    "blockquote", "br", "button", "canvas", "caption", "center", "cite", "code", "col", "colgroup",
    "command", "datagrid", "datalist", "dd", "del", "details", "dfn", "dialog", "dir", "div", "dl",
    "dt", "em", "event-source", "fieldset", "figcaption", "figure", "font", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "input", "ins", "kbd", "keygen",
    "label", "legend", "li", "m", "map", "menu", "meter", "multicol", "nav", "nextid", "noscript",
    "ol", "optgroup", "option", "output", "p", "pre", "progress", "q", "s", "samp", "section",
    "select", "small", "sound", "source", "spacer", "span", "strike", "strong", "sub", "sup",
    "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul",
    "var", "video",
];

/// Dropped with everything inside them.
const DROPPED_WITH_CONTENT: &[&str] = &["script", "applet", "style"];

#[rustfmt::skip]
const ATTRIBUTES: &[&str] = &[
    "abbr", "accept", "accept-charset", "accesskey", "action", "align", "alt", "autocomplete",
    "autofocus", "axis", "background", "balance", "bgcolor", "bgproperties", "border",
    "bordercolor", "bordercolordark", "bordercolorlight", "bottompadding", "cellpadding",
    "cellspacing", "ch", "challenge", "char", "charoff", "charset", "checked", "choff", "cite",
    "class", "clear", "color", "cols", "colspan", "compact", "contenteditable", "controls",
    "coords", "data", "datafld", "datapagesize", "datasrc", "datetime", "default", "delay", "dir",
    "disabled", "draggable", "dynsrc", "enctype", "end", "face", "for", "form", "frame",
    "galleryimg", "gutter", "headers", "height", "hidden", "hidefocus", "high", "href", "hreflang",
    "hspace", "icon", "id", "inputmode", "ismap", "keytype", "label", "lang", "leftspacing",
    "list", "longdesc", "loop", "loopcount", "loopend", "loopstart", "low", "lowsrc", "max",
    "maxlength", "media", "method", "min", "multiple", "name", "nohref", "noshade", "nowrap",
    "open", "optimum", "pattern", "ping", "point-size", "poster", "pqg", "preload", "prompt",
    "radiogroup", "readonly", "rel", "repeat-max", "repeat-min", "replace", "required", "rev",
    "rightspacing", "rows", "rowspan", "rules", "scope", "selected", "shape", "size", "span",
    "src", "start", "step", "style", "summary", "suppress", "tabindex", "target", "template",
    "title", "toppadding", "type", "unselectable", "urn", "usemap", "valign", "value", "variable",
    "volume", "vrml", "vspace", "width", "wrap", "xml:lang",
];

/// SVG elements kept inside `<svg>`, with the case SVG gives them. No
/// script, no `foreignObject` (HTML again, outside these rules) and no
/// animation elements: `<animate attributeName="href">` can set a link to
/// a script.
#[rustfmt::skip]
const SVG_ELEMENTS: &[&str] = &[
    "a", "circle", "clipPath", "defs", "desc", "ellipse", "g", "image", "line", "linearGradient",
    "marker", "mask", "path", "pattern", "polygon", "polyline", "radialGradient", "rect", "stop",
    "svg", "switch", "symbol", "text", "textPath", "title", "tspan", "use",
];

#[rustfmt::skip]
const SVG_ATTRIBUTES: &[&str] = &[
    "alignment-baseline", "baseline-shift", "baseProfile", "class", "clip-path", "clip-rule",
    "clipPathUnits", "color", "cx", "cy", "d", "direction", "display", "dominant-baseline", "dx",
    "dy", "fill", "fill-opacity", "fill-rule", "font-family", "font-size", "font-style",
    "font-variant", "font-weight", "fx", "fy", "gradientTransform", "gradientUnits", "height",
    "href", "id", "lang", "lengthAdjust", "letter-spacing", "marker-end", "marker-mid",
    "marker-start", "markerHeight", "markerUnits", "markerWidth", "mask", "maskContentUnits",
    "maskUnits", "offset", "opacity", "orient", "overflow", "patternContentUnits",
    "patternTransform", "patternUnits", "points", "preserveAspectRatio", "r", "refX", "refY",
    "rotate", "rx", "ry", "spreadMethod", "startOffset", "stop-color", "stop-opacity", "stroke",
    "stroke-dasharray", "stroke-dashoffset", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "stroke-opacity", "stroke-width", "style", "systemLanguage",
    "text-anchor", "text-decoration", "textLength", "transform", "version", "viewBox",
    "visibility", "width", "word-spacing", "writing-mode", "x", "x1", "x2", "xlink:href",
    "xlink:show", "xlink:title", "xlink:type", "xml:lang", "xml:space", "y", "y1", "y2",
];

/// Presentation MathML kept inside `<math>` (no `maction`, no
/// `annotation-xml`, which may carry HTML).
#[rustfmt::skip]
const MATHML_ELEMENTS: &[&str] = &[
    "annotation", "maligngroup", "malignmark", "math", "menclose", "merror", "mfenced", "mfrac",
    "mi", "mlabeledtr", "mmultiscripts", "mn", "mo", "mover", "mpadded", "mphantom",
    "mprescripts", "mroot", "mrow", "ms", "mspace", "msqrt", "mstyle", "msub", "msubsup", "msup",
    "mtable", "mtd", "mtext", "mtr", "munder", "munderover", "none", "semantics",
];

#[rustfmt::skip]
const MATHML_ATTRIBUTES: &[&str] = &[
    "accent", "accentunder", "align", "bevelled", "close", "columnalign", "columnlines",
    "columnspacing", "columnspan", "denomalign", "depth", "dir", "display", "displaystyle",
    "encoding", "equalcolumns", "equalrows", "fence", "fontstyle", "fontweight", "frame", "height",
    "largeop", "linethickness", "lspace", "mathbackground", "mathcolor", "mathsize",
    "mathvariant", "maxsize", "minsize", "movablelimits", "notation", "numalign", "open",
    "rowalign", "rowlines", "rowspacing", "rowspan", "rspace", "scriptlevel", "selection",
    "separator", "separators", "stretchy", "subscriptshift", "superscriptshift", "symmetric",
    "width", "xlink:href", "xlink:show", "xlink:type",
];

const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";
const MATHML_NAMESPACE: &str = "http://www.w3.org/1998/Math/MathML";
const XLINK_NAMESPACE: &str = "http://www.w3.org/1999/xlink";

/// `name` as `list` spells it (SVG's names are case-sensitive; the
/// scanner lowercases what it reads).
fn spelled<'l>(list: &[&'l str], name: &str) -> Option<&'l str> {
    list.iter().copied().find(|n| n.eq_ignore_ascii_case(name))
}

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

#[rustfmt::skip]
const CSS_PROPERTIES: &[&str] = &[
    "azimuth", "background-color", "border-bottom-color", "border-collapse", "border-color",
    "border-left-color", "border-right-color", "border-top-color", "clear", "color", "cursor",
    "direction", "display", "elevation", "float", "font", "font-family", "font-size", "font-style",
    "font-variant", "font-weight", "height", "letter-spacing", "line-height", "overflow", "pause",
    "pause-after", "pause-before", "pitch", "pitch-range", "richness", "speak", "speak-header",
    "speak-numeral", "speak-punctuation", "speech-rate", "stress", "text-align", "text-decoration",
    "text-indent", "unicode-bidi", "vertical-align", "voice-family", "volume", "white-space",
    "width",
];

#[rustfmt::skip]
const CSS_KEYWORDS: &[&str] = &[
    "auto", "aqua", "black", "block", "blue", "bold", "both", "bottom", "brown", "center",
    "collapse", "dashed", "dotted", "fuchsia", "gray", "green", "!important", "italic", "left",
    "lime", "maroon", "medium", "none", "navy", "normal", "nowrap", "olive", "pointer", "purple",
    "red", "right", "solid", "silver", "teal", "top", "transparent", "underline", "white",
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

/// HTML's void elements, which have no end tag.
pub fn is_void(name: &str) -> bool {
    VOID.iter().any(|v| v.eq_ignore_ascii_case(name))
}

pub fn escape_attribute_into(text: &str, out: &mut String) {
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

fn escape_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_attribute_into(text, &mut out);
    out
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
        Some(inner) if inner.len() > open_end => inner[open_end + 1..].to_owned(),
        _ => value.to_owned(),
    }
}

/// Whether plain text is really HTML: it closes an element or uses an
/// entity, and every element it names is one HTML allows.
pub fn looks_like_html(text: &str) -> bool {
    // The length of the word (letters, digits, `_`) that `rest` starts with.
    let word = |rest: &str| {
        rest.bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count()
    };
    let closes = text.match_indices("</").any(|(at, _)| {
        let rest = &text[at + 2..];
        let len = word(rest);
        len > 0 && rest[len..].starts_with('>')
    });
    let entity = text.match_indices('&').any(|(at, _)| {
        let rest = &text[at + 1..];
        let rest = rest.strip_prefix('#').unwrap_or(rest);
        let len = word(rest);
        len > 0 && rest[len..].starts_with(';')
    });
    if !closes && !entity {
        return false;
    }
    let tags_ok = text.match_indices('<').all(|(at, _)| {
        let rest = text[at + 1..].trim_start_matches('/');
        let len = word(rest);
        len == 0 || ELEMENTS.contains(&rest[..len].to_ascii_lowercase().as_str())
    });
    let entities_ok = text.match_indices('&').all(|(at, _)| {
        let rest = &text[at + 1..];
        let len = word(rest);
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
    if memchr::memchr2(b'<', b'&', html.as_bytes()).is_none() {
        return html;
    }
    if !sanitize {
        return resolve_urls(&html, base).unwrap_or(html);
    }
    let mut sanitizer = Sanitizer {
        out: String::with_capacity(html.len()),
        base: Url::parse(base).ok(),
        svg: 0,
        math: 0,
    };
    sanitizer.run(&html);
    sanitizer.out
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

/// A value that reads, as a browser would read a URL, as a `javascript:`,
/// `vbscript:` or `data:` one.
fn names_script(value: &str) -> bool {
    let plain: String = value
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .take(11)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|scheme| plain.starts_with(scheme))
}

/// A URL with its percent-encoded non-ASCII characters written as the
/// characters (an IRI); every other escape stays as it is.
fn as_iri(url: &str) -> String {
    let bytes = url.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        // A run of escapes of bytes above 0x7F, decoded only when they
        // make whole UTF-8 characters.
        let mut run = Vec::new();
        let mut end = at;
        while end + 3 <= bytes.len()
            && bytes[end] == b'%'
            && let Some(byte) = std::str::from_utf8(&bytes[end + 1..end + 3])
                .ok()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            && byte >= 0x80
        {
            run.push(byte);
            end += 3;
        }
        if !run.is_empty() && std::str::from_utf8(&run).is_ok() {
            out.extend_from_slice(&run);
            at = end;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| url.to_owned())
}

/// `scheme://…`, or a scheme that is never relative (`mailto:`).
fn written_absolute(value: &str) -> bool {
    if !has_scheme(value) {
        return false;
    }
    let (scheme, rest) = value.split_once(':').unwrap_or_default();
    rest.starts_with("//")
        || !["http", "https", "ftp", "file"]
            .iter()
            .any(|s| s.eq_ignore_ascii_case(scheme))
}

fn has_scheme(value: &str) -> bool {
    let value = value.trim_start();
    let len = value
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        .count();
    len > 0 && value.as_bytes()[0].is_ascii_alphabetic() && value[len..].starts_with(':')
}

/// Rewrites an HTML fragment token by token, the way feed readers always
/// have: text and character references pass as written, allowed tags are
/// written out again with their allowed attributes, the rest is dropped.
/// A hand-written scanner rather than an HTML5 tokenizer, because the
/// tokenizer decodes text it then has to escape again, and cannot keep
/// `&#38;` as the publisher wrote it.
struct Sanitizer {
    out: String,
    base: Option<Url>,
    /// How many `<svg>` and `<math>` elements are open: inside them, their
    /// own vocabularies are allowed as well as HTML's.
    svg: usize,
    math: usize,
}

/// Which vocabulary an element comes from, and so which attributes it may
/// keep.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Vocabulary {
    Html,
    Svg,
    MathMl,
}

/// What an HTML fragment is made of, in order, as the scanner reads it.
/// Declarations and processing instructions are skipped; so is what a
/// script, style or applet holds (its end tag still comes).
enum Piece<'h> {
    Text(&'h str),
    /// A comment's body; `None` when the comment never closes.
    Comment(Option<&'h str>),
    Tag(Tag<'h>),
}

fn pieces(html: &str) -> Pieces<'_> {
    Pieces { html, at: 0 }
}

struct Pieces<'h> {
    html: &'h str,
    at: usize,
}

impl<'h> Iterator for Pieces<'h> {
    type Item = Piece<'h>;

    fn next(&mut self) -> Option<Piece<'h>> {
        let html = self.html;
        loop {
            let at = self.at;
            if at >= html.len() {
                return None;
            }
            match memchr::memchr(b'<', &html.as_bytes()[at..]) {
                None => {
                    self.at = html.len();
                    return Some(Piece::Text(&html[at..]));
                }
                Some(0) => {}
                Some(len) => {
                    self.at = at + len;
                    return Some(Piece::Text(&html[at..at + len]));
                }
            }
            let rest = &html[at..];
            if let Some(comment) = rest.strip_prefix("<!--") {
                let end = comment.find("-->");
                self.at = at + 4 + end.map_or(comment.len(), |e| e + 3);
                return Some(Piece::Comment(end.map(|e| &comment[..e])));
            }
            if rest.starts_with("<!") || rest.starts_with("<?") {
                self.at = at + rest.find('>').map_or(rest.len(), |e| e + 1);
                continue;
            }
            let Some((tag, len)) = scan_tag(rest) else {
                // A `<` that starts no tag is text.
                self.at = at + 1;
                return Some(Piece::Text(&html[at..at + 1]));
            };
            self.at = at + len;
            if !tag.end && DROPPED_WITH_CONTENT.contains(&tag.name.as_str()) {
                // Raw text up to the element's own end tag.
                let body = &html[self.at..];
                self.at += find_ignore_case(body, &format!("</{}", tag.name)).unwrap_or(body.len());
            }
            return Some(Piece::Tag(tag));
        }
    }
}

/// One tag as scanned: name lowercased, attributes with names lowercased
/// and values as written (references not decoded).
struct Tag<'h> {
    name: String,
    end: bool,
    /// Written `<name … />`: HTML ignores that, but SVG and MathML
    /// elements are closed by it.
    self_closing: bool,
    attrs: Vec<(String, &'h str)>,
}

impl Sanitizer {
    fn run(&mut self, html: &str) {
        for piece in pieces(html) {
            match piece {
                Piece::Text(text) => self.text(text),
                // Browsers end comments in more ways than `-->` (`--!>`,
                // `<!-->`): only a comment with no markup characters and
                // no `--` in it is kept, so none can end early.
                Piece::Comment(Some(body))
                    if !body.contains(['<', '>']) && !body.contains("--") =>
                {
                    self.out.push_str("<!--");
                    self.out.push_str(body);
                    self.out.push_str("-->");
                }
                Piece::Comment(_) => {}
                Piece::Tag(tag) => self.tag(tag),
            }
        }
    }

    fn text(&mut self, text: &str) {
        let mut rest = text;
        // A `>` in text opens nothing: it stays as written.
        while let Some(at) = memchr::memchr2(b'<', b'&', rest.as_bytes()) {
            self.out.push_str(&rest[..at]);
            let c = rest.as_bytes()[at];
            rest = &rest[at + 1..];
            match c {
                b'<' => self.out.push_str("&lt;"),
                // A reference stays as written (`&#X61;` as `&#x61;`, and
                // one to a C1 control as the windows-1252 character it
                // stands for, as browsers read it); a bare `&` is escaped.
                _ if starts_reference(rest) => {
                    self.out.push('&');
                    if let Some((punctuation, used)) = c1_reference(rest) {
                        self.out
                            .push_str(&format!("#x{:x};", u32::from(punctuation)));
                        rest = &rest[used..];
                    } else if let Some(hex) = rest.strip_prefix("#X") {
                        self.out.push_str("#x");
                        rest = hex;
                    }
                }
                _ => self.out.push_str("&amp;"),
            }
        }
        self.out.push_str(rest);
    }

    fn tag(&mut self, tag: Tag<'_>) {
        let name = tag.name.as_str();
        // SVG and MathML inside HTML are allowed in their own elements
        // (an HTML element inside them is still HTML).
        let (vocabulary, written) = if name == "svg" || (self.svg > 0 && name != "math") {
            match spelled(SVG_ELEMENTS, name) {
                Some(svg) => (Vocabulary::Svg, svg),
                None => (Vocabulary::Html, name),
            }
        } else if name == "math" || self.math > 0 {
            match spelled(MATHML_ELEMENTS, name) {
                Some(math) => (Vocabulary::MathMl, math),
                None => (Vocabulary::Html, name),
            }
        } else {
            (Vocabulary::Html, name)
        };
        if vocabulary == Vocabulary::Html && !ELEMENTS.contains(&name) {
            return;
        }
        if tag.end {
            match name {
                // A stray end tag closes nothing.
                "svg" if self.svg == 0 => return,
                "math" if self.math == 0 => return,
                "svg" => self.svg -= 1,
                "math" => self.math -= 1,
                _ => {}
            }
            if !VOID.contains(&name) {
                self.out.push_str("</");
                self.out.push_str(written);
                self.out.push('>');
            }
            return;
        }
        match name {
            "svg" => self.svg += 1,
            "math" => self.math += 1,
            _ => {}
        }
        let allowed = match vocabulary {
            Vocabulary::Html => ATTRIBUTES,
            Vocabulary::Svg => SVG_ATTRIBUTES,
            Vocabulary::MathMl => MATHML_ATTRIBUTES,
        };
        let mut attrs: Vec<(&str, String)> = Vec::with_capacity(tag.attrs.len() + 1);
        for (key, raw) in &tag.attrs {
            let Some(key) = spelled(allowed, key) else {
                continue;
            };
            // SVG and MathML attributes mean more than HTML's (references,
            // animation targets): none may even look like a script URL.
            if vocabulary != Vocabulary::Html && names_script(&decode_references(raw)) {
                continue;
            }
            let value = if key == "style" {
                // A style with nothing harmless left goes entirely.
                match clean_style(&decode_references(raw)) {
                    style if style.is_empty() => continue,
                    style => escape_attribute(&style),
                }
            } else if is_url_attribute(key) {
                let url = decode_references(raw);
                if vocabulary != Vocabulary::Html && url.trim_start().starts_with('#') {
                    // A reference inside the drawing (`<use href="#leaf">`)
                    // stays one: resolved, it would point at another page.
                    escape_attribute(url.trim())
                } else {
                    escape_attribute(&self.url(&url))
                }
            } else {
                // As written, with only what would break the quoting escaped.
                let mut value = String::with_capacity(raw.len());
                for c in raw.chars() {
                    match c {
                        '"' => value.push_str("&quot;"),
                        '<' => value.push_str("&lt;"),
                        '>' => value.push_str("&gt;"),
                        c => value.push(c),
                    }
                }
                value
            };
            attrs.push((key, value));
        }
        // Foreign elements name their namespace, as XHTML needs.
        match written {
            "svg" if vocabulary == Vocabulary::Svg => attrs.push(("xmlns", SVG_NAMESPACE.into())),
            "math" if vocabulary == Vocabulary::MathMl => {
                attrs.push(("xmlns", MATHML_NAMESPACE.into()));
            }
            _ => {}
        }
        if vocabulary != Vocabulary::Html && attrs.iter().any(|(k, _)| k.starts_with("xlink:")) {
            attrs.push(("xmlns:xlink", XLINK_NAMESPACE.into()));
        }
        // In name order, as feed readers write them: the same markup comes
        // out the same whatever order its attributes were written in.
        attrs.sort_by_cached_key(|(key, _)| key.to_ascii_lowercase());
        self.out.push('<');
        self.out.push_str(written);
        for (key, value) in attrs {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            self.out.push_str(&value);
            self.out.push('"');
        }
        if VOID.contains(&name) {
            self.out.push_str(" />");
        } else if tag.self_closing && vocabulary != Vocabulary::Html {
            // Closed as written: without the slash, what follows would
            // become its content (feedparser drops it; browsers do not).
            self.out.push_str(" />");
            match name {
                "svg" => self.svg -= 1,
                "math" => self.math -= 1,
                _ => {}
            }
        } else {
            self.out.push('>');
        }
    }

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
                if !SCHEMES.contains(&scheme.as_str()) {
                    String::new()
                } else if written_absolute(value) {
                    // An absolute URL stays as its author wrote it (only
                    // its scheme mattered); a relative one is resolved.
                    value.to_owned()
                } else if value.is_ascii() {
                    url
                } else {
                    // Resolving percent-encodes the author's letters
                    // (`À` as `%C3%80`); they are written back as letters.
                    as_iri(&url)
                }
            }
            // A relative URL with nothing to resolve against stays as it
            // is, unless it names a scheme we refuse (tabs and newlines,
            // which browsers ignore inside a scheme, are ignored here too).
            None => {
                let plain: String = value
                    .chars()
                    .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                    .collect();
                match plain.split_once(':') {
                    Some((scheme, _))
                        if !scheme.contains(['/', '?', '#'])
                            && !SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()) =>
                    {
                        String::new()
                    }
                    _ => value.to_owned(),
                }
            }
        }
    }
}

/// The text of an HTML fragment (a title, a name): tags, comments and
/// scripts dropped, references decoded, whitespace collapsed to single
/// spaces.
pub fn text_of(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    for piece in pieces(html) {
        match piece {
            Piece::Text(words) => text.push_str(words),
            Piece::Comment(_) => {}
            Piece::Tag(_) => text.push(' '),
        }
    }
    let decoded = decode_references(&text);
    let mut out = String::with_capacity(decoded.len());
    for word in decoded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Attributes that hold a URL on some element, checked as URLs on every
/// element (`<p href="javascript:…">` keeps nothing it should not), with
/// the old IE ones that ran scripts (`dynsrc`, `lowsrc`).
fn is_url_attribute(key: &str) -> bool {
    matches!(key, "dynsrc" | "lowsrc" | "xlink:href")
        || URL_ATTRIBUTES
            .iter()
            .any(|(_, attribute)| *attribute == key)
}

/// After `&#`: a numeric reference's digits, their radix, and how many
/// bytes the `x` and the digits take.
fn reference_digits(number: &str) -> (&str, u32, usize) {
    let (digits, radix) = match number.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    let len = digits
        .bytes()
        .take_while(|b| (*b as char).is_digit(radix))
        .count();
    (&digits[..len], radix, number.len() - digits.len() + len)
}

/// After `&`: a numeric reference to a C1 control (`#146;`), the
/// windows-1252 character it stands for, and the bytes it takes (`;` too).
fn c1_reference(after: &str) -> Option<(char, usize)> {
    let number = after.strip_prefix('#')?;
    let (digits, radix, used) = reference_digits(number);
    let punctuation = u32::from_str_radix(digits, radix)
        .ok()
        .and_then(char::from_u32)
        .and_then(tidings_text::encoding::windows_1252_punctuation)?;
    number[used..]
        .starts_with(';')
        .then_some((punctuation, 1 + used + 1))
}

/// Whether the text after a `&` makes it a character reference or a
/// known entity reference, `;` included.
fn starts_reference(after: &str) -> bool {
    if let Some(number) = after.strip_prefix('#') {
        let (digits, _, used) = reference_digits(number);
        return !digits.is_empty() && number[used..].starts_with(';');
    }
    let len = after.bytes().take_while(u8::is_ascii_alphanumeric).count();
    len > 0
        && after[len..].starts_with(';')
        && quick_xml::escape::resolve_html5_entity(&after[..len]).is_some()
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// A start or end tag at the start of `text` (which begins with `<`), and
/// its length; `None` when `<` starts no tag.
fn scan_tag(text: &str) -> Option<(Tag<'_>, usize)> {
    let bytes = text.as_bytes();
    let mut i = 1;
    let end = bytes.get(i) == Some(&b'/');
    if end {
        i += 1;
    }
    if !bytes.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    let name_start = i;
    while i < bytes.len()
        && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'-' | b'.' | b':' | b'_'))
    {
        i += 1;
    }
    let name = text[name_start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        let mut self_closing = false;
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            self_closing = bytes[i] == b'/';
            i += 1;
        }
        let closes = match bytes.get(i) {
            None => Some((false, bytes.len())),
            Some(b'>') => Some((self_closing, i + 1)),
            Some(_) => None,
        };
        if let Some((self_closing, len)) = closes {
            let tag = Tag {
                name,
                end,
                self_closing,
                attrs,
            };
            return Some((tag, len));
        }
        let key_start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
        {
            i += 1;
        }
        let key = text[key_start..i].to_ascii_lowercase();
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = "";
        if bytes.get(j) == Some(&b'=') {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            match bytes.get(j) {
                Some(quote @ (b'"' | b'\'')) => {
                    let close =
                        memchr::memchr(*quote, &bytes[j + 1..]).map_or(bytes.len(), |e| j + 1 + e);
                    value = &text[j + 1..close];
                    i = (close + 1).min(bytes.len());
                }
                _ => {
                    let start = j;
                    while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                        j += 1;
                    }
                    value = &text[start..j];
                    i = j;
                }
            }
        }
        if key.is_empty() {
            // A stray `=` (ASCII, so the next byte starts a character).
            i = i.max(key_start + 1);
            continue;
        }
        if !attrs.iter().any(|(k, _)| *k == key) {
            attrs.push((key, value));
        }
    }
}

/// Character and entity references decoded, as a browser reads an
/// attribute: numeric references with or without `;`, named ones with it.
fn decode_references(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('&') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(number) = after.strip_prefix('#') {
            let (digits, radix, used) = reference_digits(number);
            if !digits.is_empty() {
                let value = u32::from_str_radix(&digits[..digits.len().min(8)], radix).ok();
                out.push(value.and_then(char::from_u32).unwrap_or('\u{fffd}'));
                rest = &number[used..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
                continue;
            }
        } else {
            let len = after.bytes().take_while(u8::is_ascii_alphanumeric).count();
            if after[len..].starts_with(';')
                && let Some(decoded) = quick_xml::escape::resolve_html5_entity(&after[..len])
            {
                out.push_str(decoded);
                rest = &after[len + 1..];
                continue;
            }
        }
        out.push('&');
        rest = after;
    }
    out.push_str(rest);
    out.into()
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
        // Trailing space stays with the value, as written.
        let declaration = declaration.trim_start();
        if declaration.is_empty() {
            continue;
        }
        let Some((property, value)) = declaration.split_once(':') else {
            return String::new();
        };
        let property = property.trim();
        // The value as written after the colon (trailing space kept).
        let value = value.trim_start();
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
        let plain = b.is_ascii_alphanumeric()
            || matches!(b, b':' | b',' | b';' | b'#' | b'%' | b'.' | b'!' | b'_')
            || b.is_ascii_whitespace();
        // A hyphen only inside a word (`font-size`), as in `\w-\w`.
        let joining = b == b'-'
            && i > 0
            && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')
            && bytes
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == b'_');
        if plain || joining {
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
    if let Some(inside) = word.strip_prefix("rgb(") {
        return inside
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'%' | b',' | b')'));
    }
    // At most two digits, an optional point, at most two digits.
    let bytes = word.as_bytes();
    let digits = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let whole = digits(0);
    if whole > 2 {
        return false;
    }
    let mut number_len = whole;
    if bytes.get(number_len) == Some(&b'.') {
        let fraction = digits(number_len + 1);
        if fraction > 2 {
            return false;
        }
        number_len += 1 + fraction;
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
            // Attributes in name order, whatever order they came in.
            r#"<img alt="A &amp; B" src="http://a.example/i.png" />"#
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
    fn filter_evasion_vectors_come_out_inert() {
        let base = "http://a.example/";
        for vector in [
            r#"<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>"#,
            r#"<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>"#,
            r#"<a href="jav&#x09;ascript:alert(1)">x</a>"#,
            r#"<a href="jav	ascript:alert(1)">x</a>"#,
            "<IMG SRC=JaVaScRiPt:alert('XSS')>",
            r#"<img src="x" onerror="alert(1)">"#,
            r#"<IMG """><SCRIPT>alert("XSS")</SCRIPT>">"#,
            "<scr<script>ipt>alert(1)</script>",
            r#"<div style="background-image: url(javascript:alert(1))">x</div>"#,
            r#"<div style="width: expression(alert(1))">x</div>"#,
            "<iframe src=http://evil.example/></iframe>",
            r#"<svg onload="alert(1)"></svg>"#,
            "<STYLE>@import'http://evil.example/xss.css';</STYLE>",
            r#"<a href="vbscript:msgbox(1)">x</a>"#,
            "<!----!><script>alert(1)</script>-->",
            "<!--><script>alert(1)</script>-->",
            r#"<p href="javascript:alert(1)">x</p><img dynsrc="javascript:alert(1)">"#,
            r#"<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>"#,
        ] {
            let out = clean(vector.into(), base, true).to_ascii_lowercase();
            for bad in [
                "javascript",
                "vbscript",
                "data:",
                "<script",
                "onerror",
                "onload",
                "expression",
                "<iframe",
                "<style",
                "<foreignobject",
                "<animate",
                "<set",
            ] {
                assert!(!out.contains(bad), "{vector} → {out}");
            }
        }
    }

    #[test]
    fn resolved_urls_keep_the_authors_letters() {
        assert_eq!(
            clean(
                r#"<a href="&#192;/caf%C3%A9?q=%22x%22">é</a>"#.into(),
                "http://a.example/",
                true
            ),
            r#"<a href="http://a.example/À/café?q=%22x%22">é</a>"#
        );
        assert_eq!(
            as_iri("http://a.example/%C3%28%41"),
            "http://a.example/%C3%28%41"
        );
        assert_eq!(as_iri("http://a.example/%E2%82"), "http://a.example/%E2%82");
    }

    #[test]
    fn references_to_c1_controls_are_the_punctuation_they_stand_for() {
        assert_eq!(
            clean(
                "<p>don&#146;t &#x93;q&#X94; &#129; &#X61;</p>".into(),
                "",
                true
            ),
            "<p>don&#x2019;t &#x201c;q&#x201d; &#129; &#x61;</p>"
        );
    }

    #[test]
    fn svg_and_mathml_keep_their_own_vocabularies() {
        // SVG's names keep their case; the namespace is declared.
        assert_eq!(
            clean(
                r#"<svg viewbox="0 0 10 10" onload="x()"><linearGradient id="g"/><circle r="5" fill="url(#g)"></circle></svg>"#.into(),
                "",
                true
            ),
            r#"<svg viewBox="0 0 10 10" xmlns="http://www.w3.org/2000/svg"><linearGradient id="g" /><circle fill="url(#g)" r="5"></circle></svg>"#
        );
        // References inside the drawing stay inside it.
        assert_eq!(
            clean(
                r##"<svg><symbol id="s"></symbol><use xlink:href="#s"/><a href="/p"><text>t</text></a></svg>"##.into(),
                "http://a.example/feed",
                true
            ),
            r##"<svg xmlns="http://www.w3.org/2000/svg"><symbol id="s"></symbol><use xlink:href="#s" xmlns:xlink="http://www.w3.org/1999/xlink" /><a href="http://a.example/p"><text>t</text></a></svg>"##
        );
        // An SVG element outside `<svg>` is not allowed, nor SVG's
        // attributes on HTML.
        assert_eq!(clean(r#"<circle r="5">x</circle>"#.into(), "", true), "x");
        assert_eq!(
            clean(r#"<p fill="red" class="c">x</p>"#.into(), "", true),
            r#"<p class="c">x</p>"#
        );
        // An HTML element inside SVG is HTML; a stray `</svg>` closes nothing.
        assert_eq!(
            clean("<svg><desc><b>x</b></desc></svg></svg>".into(), "", true),
            r#"<svg xmlns="http://www.w3.org/2000/svg"><desc><b>x</b></desc></svg>"#
        );
        assert_eq!(
            clean(
                r#"<math><mfrac linethickness="0"><mi>a</mi><mn>2</mn></mfrac></math>"#.into(),
                "",
                true
            ),
            r#"<math xmlns="http://www.w3.org/1998/Math/MathML"><mfrac linethickness="0"><mi>a</mi><mn>2</mn></mfrac></math>"#
        );
    }

    #[test]
    fn svg_and_mathml_cannot_carry_script() {
        for vector in [
            r#"<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>"#,
            r#"<svg><a href="javascript:alert(1)"><text>x</text></a></svg>"#,
            r#"<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text>x</text></a></svg>"#,
            r#"<svg><set attributeName="onmouseover" to="alert(1)"/></svg>"#,
            r#"<svg><foreignObject><iframe src="javascript:alert(1)"></iframe></foreignObject></svg>"#,
            r#"<svg><script>alert(1)</script><style>*{}</style></svg>"#,
            r#"<svg><use xlink:href="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"/></svg>"#,
            r#"<svg><image href="javascript:alert(1)" onerror="alert(1)"/></svg>"#,
            r#"<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>"#,
            r#"<math><mi xlink:href="javascript:alert(1)">x</mi><annotation-xml encoding="text/html"><img src=x onerror=alert(1)></annotation-xml></math>"#,
        ] {
            let out = clean(vector.into(), "http://a.example/", true).to_ascii_lowercase();
            for bad in [
                "javascript",
                "data:",
                "<script",
                "<style",
                "onerror",
                "onmouseover",
                "<animate",
                "<set",
                "<foreignobject",
                "<iframe",
                "<maction",
                "<annotation-xml",
            ] {
                assert!(!out.contains(bad), "{vector} → {out}");
            }
        }
    }

    #[test]
    fn inline_svg_in_atom_content_comes_out_whole() {
        let feed = r#"<feed xmlns="http://www.w3.org/2005/Atom" xmlns:s="http://www.w3.org/2000/svg"><entry><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>a<br/>b</p><s:svg viewBox="0 0 2 2"><s:rect width="1" height="1"/></s:svg></div></content></entry></feed>"#;
        for sanitize in [false, true] {
            let options = crate::feed::Options {
                sanitize_html: sanitize,
                language: None,
            };
            let doc = crate::feed::parse_text(feed, "http://a.example/", options).unwrap();
            let value = &doc.entries[0].content[0].value;
            // Prefixes give way to the plain names HTML knows; an empty
            // element gets its end tag, but a void one does not.
            assert!(value.contains("<br"), "{value}");
            assert!(!value.contains("</br>"), "{value}");
            assert!(
                value.contains("<svg") && value.contains("</svg>"),
                "{value}"
            );
            assert!(
                value.contains("</rect>") && !value.contains("s:"),
                "{value}"
            );
        }
    }

    #[test]
    fn references_stay_as_written_and_bare_ampersands_are_escaped() {
        assert_eq!(
            clean("<b>&#38; &amp; &nbsp;</b> Q&A".into(), "", true),
            "<b>&#38; &amp; &nbsp;</b> Q&amp;A"
        );
        assert_eq!(
            clean(
                r#"<a title="&#38;" href="/x?a=1&amp;b=2">t</a>"#.into(),
                "http://a.example/",
                true
            ),
            r#"<a href="http://a.example/x?a=1&amp;b=2" title="&#38;">t</a>"#
        );
    }

    #[test]
    fn stray_equals_signs_before_multibyte_text_are_survived() {
        // Found by the mutation suite: `=` then a quoted value then `╚`.
        let html = "<cpe=\"\u{255a}ext/=\"\u{255a}ext/hed>2004<b>x</b>";
        assert_eq!(text_of(html), "2004 x");
        let _ = clean(html.into(), "http://a.example/", true);
    }

    #[test]
    fn text_of_html_is_its_words() {
        assert_eq!(
            text_of("<em>Breaking:</em>   storm\n hits <script>x()</script>coast"),
            "Breaking: storm hits coast"
        );
        assert_eq!(
            text_of("Tom &amp;amp; Jerry &#8217; 5 < 6"),
            "Tom &amp; Jerry \u{2019} 5 < 6"
        );
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
