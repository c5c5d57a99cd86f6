//! Feed bytes in any encoding to UTF-8.
//!
//! Order of authority: a byte-order mark, then the HTTP charset (RFC 7303
//! puts it above the document's own claim), then the XML declaration, then
//! UTF-8. Bytes that are not valid in the chosen encoding become U+FFFD
//! (or, for a document claiming UTF-8 that is not, are read as
//! windows-1252, the usual truth behind such feeds). A document that names
//! no encoding and is not UTF-8 is read in the encoding chardetng (Firefox's
//! detector) guesses from its bytes. The result always carries an XML
//! declaration that says UTF-8, so the XML parser does not decode it a
//! second time.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
pub(crate) use tidings_text::encoding::charset_of;

/// How a body is to be read: the one decision both [`decode`] and
/// [`detect_encoding`] rest on.
enum Reading<'a> {
    /// UTF-32 (encoding_rs does not decode it), after `skip` BOM bytes.
    Utf32 { big_endian: bool, skip: usize },
    /// A byte-order mark named the encoding.
    Bom {
        encoding: &'static Encoding,
        skip: usize,
    },
    /// UTF-16 recognised by its zero bytes, without a BOM.
    Utf16(&'static Encoding),
    /// An ASCII-compatible document in the encoding the HTTP charset or the
    /// XML declaration names (`label`), else UTF-8.
    Labelled {
        encoding: &'static Encoding,
        label: Option<&'a str>,
        /// The XML declaration names UTF-8 (or nothing we know).
        declares_utf8: bool,
    },
}

fn reading<'a>(body: &'a [u8], http_charset: Option<&'a str>) -> Reading<'a> {
    if let Some((big_endian, skip)) = utf32_layout(body) {
        return Reading::Utf32 { big_endian, skip };
    }
    if let Some((encoding, skip)) = Encoding::for_bom(body) {
        return Reading::Bom { encoding, skip };
    }
    if let Some(encoding) = utf16_without_bom(body) {
        return Reading::Utf16(encoding);
    }
    let declared = xml_declared_encoding(body);
    let known = |label: &str| {
        Encoding::for_label(label.trim().trim_matches('"').as_bytes())
            // UTF-16 named in an ASCII-compatible document is a false claim.
            .filter(|e| *e != UTF_16BE && *e != UTF_16LE)
    };
    let chosen = http_charset
        .and_then(|label| Some((known(label)?, label)))
        .or_else(|| declared.and_then(|label| Some((known(label)?, label))));
    Reading::Labelled {
        encoding: chosen.map_or(UTF_8, |(encoding, _)| encoding),
        label: chosen.map(|(_, label)| label),
        declares_utf8: declared
            .is_none_or(|d| Encoding::for_label(d.as_bytes()).is_none_or(|e| e == UTF_8)),
    }
}

/// A body read as UTF-8, with what [`Decoded::fault`] needs to say what
/// was wrong with how it named its encoding (worked out while decoding,
/// so nothing is scanned twice).
pub(crate) struct Decoded<'a> {
    pub text: Cow<'a, str>,
    /// The encoding chardetng guessed for a body that names none and is
    /// not UTF-8.
    guessed: Option<&'static Encoding>,
    /// An encoding the XML declaration names that no one knows, read as
    /// UTF-8 instead.
    unknown_label: Option<&'a str>,
}

/// `body` as UTF-8; `url`, where it came from, helps guess an encoding the
/// body does not name (a `.jp` site's is likelier Shift_JIS).
pub(crate) fn decode<'a>(
    body: &'a [u8],
    http_charset: Option<&str>,
    url: Option<&str>,
) -> Decoded<'a> {
    let redeclared = |text: String| Cow::Owned(declare_utf8(text));
    let (mut guessed, mut unknown_label) = (None, None);
    let text = match reading(body, http_charset) {
        Reading::Utf32 { big_endian, skip } => redeclared(decode_utf32(&body[skip..], big_endian)),
        Reading::Bom { encoding, skip } => redeclared(
            encoding
                .decode_without_bom_handling(&body[skip..])
                .0
                .into_owned(),
        ),
        Reading::Utf16(encoding) => {
            redeclared(encoding.decode_without_bom_handling(body).0.into_owned())
        }
        Reading::Labelled {
            encoding,
            declares_utf8,
            label,
        } if encoding == UTF_8 => {
            if label.is_none() {
                unknown_label = xml_declared_encoding(body);
            }
            match simdutf8::basic::from_utf8(body) {
                Err(_) if label.is_none() => {
                    let host = url.and_then(host_of);
                    let encoding = tidings_text::encoding::guess_encoding(body, host.as_deref());
                    guessed = Some(encoding);
                    redeclared(encoding.decode_without_bom_handling(body).0.into_owned())
                }
                Err(_) => redeclared(WINDOWS_1252.decode(body).0.into_owned()),
                Ok(text) if declares_utf8 => Cow::Borrowed(text),
                Ok(text) => redeclared(text.to_owned()),
            }
        }
        Reading::Labelled { encoding, .. } => {
            redeclared(encoding.decode_without_bom_handling(body).0.into_owned())
        }
    };
    Decoded {
        text,
        guessed,
        unknown_label,
    }
}

/// The domain name `url` is at (none for an IP address).
fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url).ok()?.domain().map(str::to_owned)
}

/// The name of the encoding [`decode`] reads `body` in, as feedparser
/// reports it: the label the document or server gave, lower-cased.
pub fn detect_encoding(body: &[u8], content_type: Option<&str>) -> String {
    let http_charset = charset_of(content_type);
    let label = match reading(body, http_charset) {
        Reading::Utf32 { big_endian, .. } => {
            return if big_endian { "utf-32be" } else { "utf-32le" }.to_owned();
        }
        Reading::Bom { encoding, .. } | Reading::Utf16(encoding) => {
            return encoding.name().to_ascii_lowercase();
        }
        Reading::Labelled { label, .. } => label,
    };
    // RFC 3023: text/xml without a charset is US-ASCII whatever the
    // document says (bytes above 127 are then read as windows-1252).
    let http_named = label.is_some() && label == http_charset;
    if !http_named && implies_ascii(content_type) {
        return "us-ascii".to_owned();
    }
    match label {
        Some(label) if Encoding::for_label(label.as_bytes()) == Some(UTF_8) => if is_utf8(body) {
            "utf-8"
        } else {
            "windows-1252"
        }
        .to_owned(),
        // GB2312 documents are read as its superset (as browsers do).
        Some(label) if label.eq_ignore_ascii_case("gb2312") => "gb18030".to_owned(),
        Some(label) => label.trim().trim_matches('"').to_ascii_lowercase(),
        None if is_utf8(body) => "utf-8".to_owned(),
        None => guessed_name(tidings_text::encoding::guess_encoding(body, None)).to_owned(),
    }
}

/// A guessed encoding by the name feed readers report it under (those of
/// the `chardet` library feedparser uses): the legacy standard a document
/// is written in rather than the superset it is decoded as.
fn guessed_name(encoding: &'static Encoding) -> &'static str {
    match encoding.name() {
        "GBK" | "gb18030" => "GB2312",
        "windows-874" => "TIS-620",
        "Shift_JIS" => "SHIFT_JIS",
        "KOI8-U" => "KOI8-R",
        name => name,
    }
}

/// The media type of a Content-Type header, lowercased.
fn media_type(content_type: Option<&str>) -> Option<String> {
    content_type
        .and_then(|c| c.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .filter(|m| !m.is_empty())
}

/// RFC 3023's text types for XML, whose default charset is US-ASCII.
fn implies_ascii(content_type: Option<&str>) -> bool {
    media_type(content_type).is_some_and(|m| {
        m.starts_with("text/") && (m.ends_with("xml") || m == "text/xml-external-parsed-entity")
    })
}

impl Decoded<'_> {
    /// What was wrong with how `body` named its encoding, if anything: the
    /// document is still read (as [`decode`] decided), but a reader should
    /// know its text may not be what the publisher meant.
    pub(crate) fn fault(&self, body: &[u8], content_type: Option<&str>) -> Option<String> {
        if let Some(media) = media_type(content_type) {
            let xml_or_json = media.ends_with("xml")
                || media.ends_with("json")
                || media.ends_with("-external-parsed-entity")
                || media.ends_with("/xml-dtd")
                || media == "application/octet-stream";
            if !xml_or_json {
                return Some(format!("served as {media}, not as XML"));
            }
        }
        if let Some(declared) = self.unknown_label {
            return Some(format!("unknown encoding {declared:?}, read as UTF-8"));
        }
        if let Some(guessed) = self.guessed {
            return Some(format!(
                "no encoding named and the body is not UTF-8: read as {}, a guess",
                guessed.name()
            ));
        }
        if charset_of(content_type).is_none() && implies_ascii(content_type) && !body.is_ascii() {
            return Some(
                "text/xml without a charset means US-ASCII, but the body is not: \
                 read as the document declares"
                    .to_owned(),
            );
        }
        None
    }
}

/// UTF-8 validation, SIMD-accelerated: every feed body goes through it.
fn is_utf8(bytes: &[u8]) -> bool {
    simdutf8::basic::from_utf8(bytes).is_ok()
}

fn xml_declared_encoding(body: &[u8]) -> Option<&str> {
    let head = &body[..body.len().min(1024)];
    let start = head.windows(5).position(|w| w == b"<?xml")?;
    let end = start + head[start..].windows(2).position(|w| w == b"?>")?;
    let declaration = std::str::from_utf8(&head[start..end]).ok()?;
    let after = &declaration[declaration.find("encoding")? + "encoding".len()..];
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &after[1..];
    Some(&value[..value.find(quote)?])
}

/// Replaces the XML declaration's encoding with UTF-8 (JSON and
/// undeclared documents are left as they are).
fn declare_utf8(text: String) -> String {
    let trimmed = text.trim_start();
    if !trimmed.starts_with("<?xml") {
        return text;
    }
    let offset = text.len() - trimmed.len();
    match trimmed.find("?>") {
        Some(end) => {
            let mut out = String::with_capacity(text.len());
            out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
            out.push_str(&text[offset + end + 2..]);
            out
        }
        None => text,
    }
}

/// UTF-32, with or without BOM (encoding_rs does not decode it).
/// UTF-32 with or without BOM: (big-endian, BOM length).
fn utf32_layout(body: &[u8]) -> Option<(bool, usize)> {
    match body {
        [0, 0, 0xFE, 0xFF, ..] => Some((true, 4)),
        [0xFF, 0xFE, 0, 0, ..] => Some((false, 4)),
        [0, 0, 0, b'<', ..] | [0, 0, 0, b'{', ..] => Some((true, 0)),
        [b'<', 0, 0, 0, ..] | [b'{', 0, 0, 0, ..] => Some((false, 0)),
        _ => None,
    }
}

fn decode_utf32(bytes: &[u8], big_endian: bool) -> String {
    bytes
        .chunks_exact(4)
        .map(|c| {
            let unit = if big_endian {
                u32::from_be_bytes([c[0], c[1], c[2], c[3]])
            } else {
                u32::from_le_bytes([c[0], c[1], c[2], c[3]])
            };
            char::from_u32(unit).unwrap_or(char::REPLACEMENT_CHARACTER)
        })
        .collect()
}

fn utf16_without_bom(body: &[u8]) -> Option<&'static Encoding> {
    match body {
        [0, b'<', 0, _, ..] | [0, b'{', ..] => Some(UTF_16BE),
        [b'<', 0, _, 0, ..] | [b'{', 0, ..] => Some(UTF_16LE),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to_utf8<'a>(body: &'a [u8], http_charset: Option<&str>, url: Option<&str>) -> Cow<'a, str> {
        decode(body, http_charset, url).text
    }

    fn encoding_fault(
        body: &[u8],
        content_type: Option<&str>,
        url: Option<&str>,
    ) -> Option<String> {
        decode(body, charset_of(content_type), url).fault(body, content_type)
    }

    /// The hint [`decode`] gives the guess for a body from `url`.
    fn top_level_domain(url: &str) -> Option<String> {
        host_of(url)
            .as_deref()
            .and_then(tidings_text::encoding::top_level_domain)
    }

    fn text(text: Cow<'_, str>) -> String {
        text.into_owned()
    }

    #[test]
    fn utf8_passes_through_untouched() {
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss>é</rss>".as_bytes();
        assert!(matches!(to_utf8(body, None, None), Cow::Borrowed(_)));
        assert!(matches!(
            to_utf8(body, Some("utf-8"), None),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn declared_latin1_is_converted_and_redeclared() {
        let body = b"<?xml version='1.0' encoding='iso-8859-1'?><rss>caf\xe9</rss>";
        assert_eq!(
            text(to_utf8(body, None, None)),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss>café</rss>"
        );
    }

    #[test]
    fn http_charset_wins_over_the_declaration() {
        let body = b"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss>\xcf\xf0\xe8\xe2\xe5\xf2</rss>";
        let out = text(to_utf8(body, Some("windows-1251"), None));
        assert!(out.ends_with("<rss>Привет</rss>"), "{out}");
    }

    #[test]
    fn false_utf8_claims_read_as_windows_1252() {
        let body = b"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss>\x93quoted\x94</rss>";
        assert!(text(to_utf8(body, None, None)).contains("\u{201c}quoted\u{201d}"));
    }

    #[test]
    fn utf16_and_utf32_with_and_without_bom() {
        let doc = "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss>ü</rss>";
        let le: Vec<u8> = doc.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = doc.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        let expected = "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss>ü</rss>";
        assert_eq!(text(to_utf8(&le, None, None)), expected);
        assert_eq!(text(to_utf8(&be, None, None)), expected);
        let with_bom: Vec<u8> = [0xFF, 0xFE].into_iter().chain(le).collect();
        assert_eq!(text(to_utf8(&with_bom, None, None)), expected);
        let utf32: Vec<u8> = doc.chars().flat_map(|c| (c as u32).to_be_bytes()).collect();
        assert_eq!(text(to_utf8(&utf32, None, None)), expected);
    }

    #[test]
    fn charset_parameter_is_found() {
        assert_eq!(
            charset_of(Some("text/xml; charset=\"koi8-r\"")),
            Some("koi8-r")
        );
        assert_eq!(charset_of(Some("application/rss+xml")), None);
        assert_eq!(charset_of(None), None);
        // Single quotes too, as some servers write it.
        assert_eq!(
            charset_of(Some("application/atom+xml;charset='us-ascii'")),
            Some("us-ascii")
        );
    }

    #[test]
    fn misnamed_encodings_are_faults_but_still_read() {
        let ascii = b"<?xml version=\"1.0\"?><rss version=\"2.0\"></rss>";
        assert_eq!(
            encoding_fault(ascii, Some("application/rss+xml"), None),
            None
        );
        assert_eq!(encoding_fault(ascii, Some("text/xml"), None), None);
        assert_eq!(encoding_fault(ascii, None, None), None);
        assert!(encoding_fault(ascii, Some("text/plain"), None).is_some());
        assert!(encoding_fault(ascii, Some("text/html; charset=utf-8"), None).is_some());
        let bogus = b"<?xml version=\"1.0\" encoding=\"bogus\"?><rss></rss>";
        assert!(encoding_fault(bogus, None, None).is_some());
        assert_eq!(
            encoding_fault(bogus, Some("text/xml; charset=utf-8"), None),
            None
        );
        // text/xml means US-ASCII without a charset; a UTF-8 body still
        // reads as UTF-8, but the fault is noted.
        let utf8 = "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss>é</rss>".as_bytes();
        assert!(encoding_fault(utf8, Some("text/xml"), None).is_some());
        assert_eq!(encoding_fault(utf8, Some("application/xml"), None), None);
        assert!(to_utf8(utf8, None, None).contains('é'));
    }

    #[test]
    fn undeclared_legacy_encodings_are_guessed_from_the_bytes() {
        for (text, encoding, name) in [
            (
                "Наверное, единственное, во что сегодня можно верить безоговорочно, это погода.",
                encoding_rs::KOI8_R,
                "KOI8-R",
            ),
            (
                "色々調べてたら、サポートしていないことが判明。もともと使っていなかった。",
                encoding_rs::SHIFT_JIS,
                "SHIFT_JIS",
            ),
            (
                "האם תדפיס נייר של אתר אינטרנט שמוצג על מסך משתמש הוא העתק",
                encoding_rs::WINDOWS_1255,
                "windows-1255",
            ),
        ] {
            let document = format!("<rss><title>{text}</title></rss>");
            let (encoded, _, _) = encoding.encode(&document);
            assert!(to_utf8(&encoded, None, None).contains(text), "{name}");
            assert_eq!(detect_encoding(&encoded, None), name);
            assert!(encoding_fault(&encoded, None, None).is_some(), "{name}");
        }
        // A declared encoding is never second-guessed.
        let (latin, _, _) =
            WINDOWS_1252.encode("<?xml version='1.0' encoding='iso-8859-1'?><rss>café</rss>");
        assert!(to_utf8(&latin, None, None).contains("café"));
        assert_eq!(encoding_fault(&latin, None, None), None);
    }

    #[test]
    fn the_top_level_domain_helps_the_guess() {
        assert_eq!(
            top_level_domain("https://news.example.JP/feed").as_deref(),
            Some("jp")
        );
        assert_eq!(top_level_domain("http://127.0.0.1/feed"), None);
        assert_eq!(top_level_domain("http://[::1]/feed"), None);
        assert_eq!(top_level_domain("not a url"), None);
        let text = "Наверное, единственное, во что сегодня можно верить безоговорочно.";
        let document = format!("<rss><title>{text}</title></rss>");
        let (encoded, _, _) = encoding_rs::WINDOWS_1251.encode(&document);
        assert!(to_utf8(&encoded, None, Some("https://gazeta.example.ru/rss")).contains(text));
    }
}
