//! What bytes say about their own encoding, for feeds and pages alike: the
//! charset a Content-Type names, a guess for bytes that name none, and the
//! punctuation that C1 control characters stand for.

use encoding_rs::{Encoding, WINDOWS_1252};

/// The charset parameter of a Content-Type header (quoted either way).
pub fn charset_of(content_type: Option<&str>) -> Option<&str> {
    content_type?.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']))
            .filter(|v| !v.is_empty())
    })
}

/// The encoding of bytes that name none and are not UTF-8, from the bytes
/// and the top-level domain of the `host` they came from (a `.jp` site's
/// are likelier Shift_JIS): chardetng, the statistics Firefox uses for
/// such pages.
pub fn guess_encoding(bytes: &[u8], host: Option<&str>) -> &'static Encoding {
    let tld = host.and_then(top_level_domain);
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    detector.guess(tld.as_deref().map(str::as_bytes), false)
}

/// `jp` for `news.example.jp`; none for an IP address or what is no host.
pub fn top_level_domain(host: &str) -> Option<String> {
    let tld = host.trim_end_matches('.').rsplit('.').next()?;
    (!tld.is_empty()
        && !tld.bytes().all(|b| b.is_ascii_digit())
        && tld.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    .then(|| tld.to_ascii_lowercase())
}

/// The windows-1252 character a C1 control (U+0080–U+009F) stands for:
/// its punctuation read as Latin-1 (`\u{92}` for `’`). None for any other
/// character, and for the five codes windows-1252 leaves undefined.
pub fn windows_1252_punctuation(c: char) -> Option<char> {
    let byte = u8::try_from(u32::from(c))
        .ok()
        .filter(|b| (0x80..=0x9F).contains(b))?;
    let bytes = [byte];
    let (decoded, _) = WINDOWS_1252.decode_without_bom_handling(&bytes);
    decoded.chars().next().filter(|d| *d != c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_level_domain_is_the_hosts_last_label() {
        assert_eq!(top_level_domain("news.example.JP").as_deref(), Some("jp"));
        assert_eq!(top_level_domain("127.0.0.1"), None);
        assert_eq!(top_level_domain("[::1]"), None);
        assert_eq!(top_level_domain("not a url"), None);
    }

    #[test]
    fn c1_controls_map_to_their_punctuation() {
        assert_eq!(windows_1252_punctuation('\u{92}'), Some('’'));
        assert_eq!(windows_1252_punctuation('\u{85}'), Some('…'));
        assert_eq!(windows_1252_punctuation('\u{81}'), None);
        assert_eq!(windows_1252_punctuation('a'), None);
    }
}
