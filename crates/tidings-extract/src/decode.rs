//! Page bytes to UTF-8: a byte-order mark, then the HTTP charset, then a
//! `<meta charset>` (or `http-equiv` Content-Type) in the first 2 KiB, then
//! UTF-8 (the order HTML gives them). A page that declares UTF-8 and is not
//! is read as windows-1252 (a Western CMS's usual mistake); one that
//! declares nothing and is not UTF-8 is read in the encoding
//! [`tidings_text::encoding::guess_encoding`] guesses. Text encoded twice
//! is repaired.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use url::Url;

/// `html` as UTF-8; `url`, where the page came from, helps guess an
/// encoding the page does not name (a `.jp` site's is likelier Shift_JIS).
pub(crate) fn to_utf8<'h>(
    html: &'h [u8],
    content_type: Option<&str>,
    url: Option<&Url>,
) -> Cow<'h, str> {
    tidings_text::repair_mojibake(decoded(html, content_type, url))
}

fn decoded<'h>(html: &'h [u8], content_type: Option<&str>, url: Option<&Url>) -> Cow<'h, str> {
    if let Some((encoding, bom)) = Encoding::for_bom(html) {
        return encoding.decode_without_bom_handling(&html[bom..]).0;
    }
    let declared = tidings_text::encoding::charset_of(content_type)
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        .or_else(|| {
            declared_charset(&html[..html.len().min(2048)])
                .and_then(|label| Encoding::for_label(label.as_bytes()))
        });
    match declared {
        Some(encoding) if encoding != UTF_8 => encoding.decode_without_bom_handling(html).0,
        _ => match std::str::from_utf8(html) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) if declared.is_some() => WINDOWS_1252.decode_without_bom_handling(html).0,
            Err(_) => {
                tidings_text::encoding::guess_encoding(html, url.and_then(Url::domain))
                    .decode_without_bom_handling(html)
                    .0
            }
        },
    }
}

/// Elements never closed, so not counted as nesting.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
            | "p"
            | "li"
            | "option"
            | "td"
            | "tr"
            | "th"
    )
}

/// Cuts the page where its elements nest deeper than `max`. The HTML parser
/// checks scopes against the stack of open elements, which makes absurdly
/// deep pages (hostile or broken) cost quadratic time; no article nests a
/// thousand deep. Elements whose end tags are optional are not counted.
pub(crate) fn limit_depth(html: &str, max: usize) -> &str {
    let bytes = html.as_bytes();
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(offset) = memchr::memchr(b'<', &bytes[at..]) {
        let start = at + offset;
        let rest = &bytes[start + 1..];
        let closing = rest.first() == Some(&b'/');
        let name_start = usize::from(closing);
        let name_len = rest[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        at = start + 1;
        if name_len == 0 {
            continue;
        }
        // Lower-cased on the stack: no void element has a long name.
        let name = &bytes[start + 1 + name_start..start + 1 + name_start + name_len];
        let mut lower = [0u8; 10];
        if name.len() <= lower.len() {
            let lower = &mut lower[..name.len()];
            lower.copy_from_slice(name);
            lower.make_ascii_lowercase();
            if std::str::from_utf8(lower).is_ok_and(is_void) {
                continue;
            }
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            let end = memchr::memchr(b'>', rest).map_or(rest.len(), |e| e);
            let self_closing = end > 0 && rest[end - 1] == b'/';
            if !self_closing {
                depth += 1;
                if depth > max {
                    return &html[..start];
                }
            }
        }
    }
    html
}

fn declared_charset(head: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let value: String = head[at..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    (!value.is_empty()).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_nesting_is_cut() {
        let deep = format!(
            "<body>{}x{}</body>",
            "<div>".repeat(5000),
            "</div>".repeat(5000)
        );
        let cut = limit_depth(&deep, 1000);
        assert!(cut.len() < deep.len() / 4);
        let page =
            "<html><body><div><p>one<p>two<img src=x><br><ul><li>a<li>b</ul></div></body></html>";
        assert_eq!(
            limit_depth(page, 4),
            page,
            "optional end tags and void elements do not count"
        );
    }

    #[test]
    fn meta_charset_is_honoured() {
        let page =
            b"<html><head><meta charset=\"windows-1251\"></head><body>\xcf\xf0\xe8</body></html>";
        assert!(to_utf8(page, None, None).contains("При"));
        let page =
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">caf\xe9";
        assert!(to_utf8(page, None, None).ends_with("café"));
        assert!(matches!(
            to_utf8("plain ü".as_bytes(), None, None),
            Cow::Borrowed(_)
        ));
        assert!(to_utf8(b"broken \xe9 utf8", None, None).contains('é'));
        // Declared UTF-8 that is not: windows-1252, the usual truth.
        assert!(to_utf8(b"<meta charset=utf-8>\x93quoted\x94", None, None).contains("“quoted”"));
    }

    #[test]
    fn the_http_charset_outranks_the_page() {
        let page = b"<meta charset=\"iso-8859-1\"><p>\xcf\xf0\xe8</p>";
        assert!(to_utf8(page, Some("text/html; charset=windows-1251"), None).contains("При"));
        assert!(to_utf8(page, Some("text/html"), None).contains("Ïðè"));
    }

    #[test]
    fn undeclared_pages_in_other_encodings_are_guessed() {
        let text = "色々調べてたら、サポートしていないことが判明。もともと使っていなかった。";
        let page = format!("<html><body><p>{text}</p></body></html>");
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(&page);
        assert!(to_utf8(&bytes, None, None).contains(text));
        // The site's top-level domain is a hint, not a rule.
        let site = Url::parse("https://news.example.jp/a/1").unwrap();
        assert!(to_utf8(&bytes, None, Some(&site)).contains(text));
        let text = "Наверное, единственное, во что сегодня можно верить безоговорочно.";
        let page = format!("<html><body><p>{text}</p></body></html>");
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&page);
        assert!(to_utf8(&bytes, None, None).contains(text));
    }
}
