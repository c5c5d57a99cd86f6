//! Page bytes to UTF-8: a byte-order mark, then a `<meta charset>` (or
//! `http-equiv` Content-Type) in the first 2 KiB, then UTF-8, read as
//! windows-1252 when it is not valid UTF-8.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

pub(crate) fn to_utf8(html: &[u8]) -> Cow<'_, str> {
    if let Some((encoding, bom)) = Encoding::for_bom(html) {
        return encoding.decode_without_bom_handling(&html[bom..]).0;
    }
    let declared = declared_charset(&html[..html.len().min(2048)])
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        .unwrap_or(UTF_8);
    if declared == UTF_8 {
        match std::str::from_utf8(html) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => WINDOWS_1252.decode_without_bom_handling(html).0,
        }
    } else {
        declared.decode_without_bom_handling(html).0
    }
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
    fn meta_charset_is_honoured() {
        let page =
            b"<html><head><meta charset=\"windows-1251\"></head><body>\xcf\xf0\xe8</body></html>";
        assert!(to_utf8(page).contains("При"));
        let page =
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">caf\xe9";
        assert!(to_utf8(page).ends_with("café"));
        assert!(matches!(to_utf8("plain ü".as_bytes()), Cow::Borrowed(_)));
        assert!(to_utf8(b"broken \xe9 utf8").contains('é'));
    }
}
