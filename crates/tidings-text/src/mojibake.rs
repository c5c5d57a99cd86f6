//! Text encoded as UTF-8 twice: "Investorâ€™s" for "Investor’s". A CMS
//! that reads UTF-8 as windows-1252 (or Latin-1) and saves it again as
//! UTF-8 turns every non-ASCII character into two to four characters from
//! the top of windows-1252. Read back as bytes, such a run is valid UTF-8
//! again, which text that really means "â€™" practically never is.
//!
//! Its cousin is a C1 control character (U+0080–U+009F) in the text:
//! windows-1252 punctuation read as Latin-1 ("don\u{92}t"). No text means
//! those invisible controls; they become the punctuation they stand for.

use std::borrow::Cow;

use encoding_rs::WINDOWS_1252;

use crate::encoding::windows_1252_punctuation;

/// `text` with every run of twice-encoded characters decoded once more,
/// and C1 controls read as the windows-1252 characters they stand for.
pub fn repair_mojibake(text: Cow<'_, str>) -> Cow<'_, str> {
    let s = &*text;
    let mut out: Option<String> = None;
    // Bytes of `s` before `copied` are in `out` already.
    let mut copied = 0;
    let mut at = 0;
    // A run starts with a character from U+00C2 to U+00F4, which UTF-8
    // writes as 0xC3 and a second byte; a C1 control is 0xC2 and a second
    // byte: look for those bytes only.
    while let Some(found) = memchr::memchr2(0xC2, 0xC3, &s.as_bytes()[at..]) {
        let start = at + found;
        let repaired = if s.as_bytes()[start] == 0xC2 {
            s[start..]
                .chars()
                .next()
                .and_then(windows_1252_punctuation)
                .map(|c| (c, 2))
        } else {
            redecode(&s[start..])
        };
        match repaired {
            Some((decoded, taken)) => {
                let out = out.get_or_insert_with(|| String::with_capacity(s.len()));
                out.push_str(&s[copied..start]);
                out.push(decoded);
                at = start + taken;
                copied = at;
            }
            None => at = start + 1,
        }
    }
    match out {
        Some(mut out) => {
            out.push_str(&s[copied..]);
            Cow::Owned(out)
        }
        None => text,
    }
}

/// The character that `text` starts with once its first characters are
/// read back as UTF-8 bytes, and how many bytes of `text` it took.
fn redecode(text: &str) -> Option<(char, usize)> {
    let mut chars = text.chars();
    let lead = chars.next()?;
    let n = lead_length(lead)?;
    let mut bytes = [0u8; 4];
    bytes[0] = byte_of(lead)?;
    let mut taken = lead.len_utf8();
    for byte in bytes.iter_mut().take(n).skip(1) {
        let c = chars.next()?;
        *byte = byte_of(c).filter(|b| (0x80..=0xBF).contains(b))?;
        taken += c.len_utf8();
    }
    let decoded = std::str::from_utf8(&bytes[..n]).ok()?.chars().next()?;
    Some((decoded, taken))
}

/// How long the UTF-8 sequence is that a character, read as a byte,
/// would start.
fn lead_length(c: char) -> Option<usize> {
    match c as u32 {
        0xC2..=0xDF => Some(2),
        0xE0..=0xEF => Some(3),
        0xF0..=0xF4 => Some(4),
        _ => None,
    }
}

/// The byte a character was decoded from: Latin-1 for the first 256 code
/// points, windows-1252 for the punctuation it puts at 0x80–0x9F.
fn byte_of(c: char) -> Option<u8> {
    if (c as u32) <= 0xFF {
        return Some(c as u8);
    }
    let mut buffer = [0u8; 4];
    let (bytes, _, unmappable) = WINDOWS_1252.encode(c.encode_utf8(&mut buffer));
    (!unmappable && bytes.len() == 1).then(|| bytes[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(text: &str) -> String {
        repair_mojibake(Cow::Borrowed(text)).into_owned()
    }

    #[test]
    fn twice_encoded_text_is_read_once_more() {
        // Through windows-1252, and through Latin-1 (C1 controls kept).
        assert_eq!(fixed("Investorâ€™s guide"), "Investor’s guide");
        assert_eq!(
            fixed("Investor\u{e2}\u{80}\u{99}s guide"),
            "Investor’s guide"
        );
        assert_eq!(fixed("cafÃ© â€” naÃ¯ve"), "café — naïve");
        assert_eq!(fixed("ðŸ˜€ emoji"), "😀 emoji");
    }

    #[test]
    fn c1_controls_are_the_punctuation_they_stand_for() {
        assert_eq!(
            fixed("don\u{92}t \u{93}quote\u{94} \u{85}"),
            "don’t “quote” …"
        );
        // Undefined in windows-1252: left alone.
        assert_eq!(fixed("a\u{81}b"), "a\u{81}b");
        // A twice-encoded run still reads whole.
        assert_eq!(fixed("it\u{e2}\u{80}\u{99}s"), "it’s");
    }

    #[test]
    fn real_accents_stay() {
        for text in [
            "café",
            "Ça va? À bientôt",
            "naïve façade",
            "Größe",
            "Â alone",
            "price: 5 €",
        ] {
            assert_eq!(fixed(text), text);
            assert!(matches!(
                repair_mojibake(Cow::Borrowed(text)),
                Cow::Borrowed(_)
            ));
        }
    }
}
