//! Sentences from running text, for highlights and answers.
//!
//! A rule-based splitter: a sentence ends at `.`, `!`, `?` or `…` (with any
//! closing quotes or brackets after it) followed by white space and something
//! that can start a sentence, and at every line break that ends a paragraph.
//! A period after a known abbreviation ("Mr.", "U.S.", "Jan.") or a single
//! initial ("J. K. Rowling") does not end a sentence. Unicode's sentence
//! boundaries (UAX #29) would split "Mr. Smith" in two, which is the common
//! case in news text, so the rules here are written for news.

/// The sentences of `text`, trimmed, in order, as slices of `text`.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for paragraph in text.split(['\n', '\r']) {
        split_paragraph(paragraph, &mut out);
    }
    out
}

fn split_paragraph<'a>(paragraph: &'a str, out: &mut Vec<&'a str>) {
    let bytes = paragraph.as_bytes();
    let mut start = 0;
    let mut chars = paragraph.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        // Take the run of terminators and closing marks: `?!`, `."`, `.)`.
        let mut end = i + c.len_utf8();
        while let Some(&(j, n)) = chars.peek() {
            if matches!(
                n,
                '.' | '!' | '?' | '…' | '"' | '\'' | '”' | '’' | ')' | ']' | '»'
            ) {
                end = j + n.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        // A boundary needs white space next, then a sentence start.
        let rest = &paragraph[end..];
        let Some(next) = rest.chars().next() else {
            break;
        };
        if !next.is_whitespace() {
            continue;
        }
        let after = rest.trim_start();
        let Some(first) = after.chars().next() else {
            break;
        };
        let starts_sentence = first.is_uppercase()
            || first.is_numeric()
            || matches!(
                first,
                '"' | '\'' | '“' | '‘' | '(' | '[' | '«' | '¿' | '¡' | '-' | '—'
            );
        // Text that is already tokenized ("the end . the next") marks its
        // boundaries with a free-standing period, whatever case follows.
        let free_standing = c == '.' && i > 0 && bytes[i - 1] == b' ';
        if !(starts_sentence || free_standing) {
            continue;
        }
        if c == '.' && !free_standing && ends_with_abbreviation(&paragraph[start..i]) {
            continue;
        }
        push_trimmed(&paragraph[start..end], out);
        start = end;
    }
    push_trimmed(&paragraph[start..], out);
}

fn push_trimmed<'a>(s: &'a str, out: &mut Vec<&'a str>) {
    let s = s.trim();
    if !s.is_empty() {
        out.push(s);
    }
}

/// Whether the text before a period ends with a word that takes a period
/// without ending the sentence.
fn ends_with_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"')
        .next()
        .unwrap_or("");
    if word.is_empty() {
        return false;
    }
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    // "J." and "U.S." and "e.g.": initials, with or without inner periods.
    if letters == 1 || (word.contains('.') && word.split('.').all(|p| p.chars().count() <= 1)) {
        return true;
    }
    let lower = word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

/// Words that are written with a period in news English and rarely end a
/// sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "gen", "gov", "sen", "rep",
    "col", "lt", "sgt", "capt", "cmdr", "adm", "maj", "cpl", "pvt", "rev", "hon", "pres", "supt",
    "insp", "det", "inc", "ltd", "co", "corp", "bros", "plc", "llc", "vs", "etc", "approx", "no",
    "nos", "vol", "fig", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "ave",
    "blvd", "rd", "est", "dept", "univ", "assn", "mass", "calif", "conn", "fla", "ill", "penn",
    "tenn", "wash", "ariz", "colo", "ky", "la", "mich", "minn", "nev", "okla", "ore", "tex", "va",
    "wis", "al", "cf",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_terminators_followed_by_a_capital() {
        assert_eq!(
            sentences("The vote passed. Markets rose! Did it last? Nobody knows."),
            [
                "The vote passed.",
                "Markets rose!",
                "Did it last?",
                "Nobody knows."
            ]
        );
    }

    #[test]
    fn keeps_abbreviations_and_initials_inside_a_sentence() {
        assert_eq!(
            sentences("Mr. Smith met Dr. J. K. Rowling in the U.S. on Jan. 5. They talked."),
            [
                "Mr. Smith met Dr. J. K. Rowling in the U.S. on Jan. 5.",
                "They talked."
            ]
        );
    }

    #[test]
    fn closing_quotes_stay_with_their_sentence() {
        assert_eq!(
            sentences("\"We will win.\" She left. (It rained.) Then snow."),
            [
                "\"We will win.\"",
                "She left.",
                "(It rained.)",
                "Then snow."
            ]
        );
    }

    #[test]
    fn numbers_and_lower_case_continuations_do_not_split() {
        assert_eq!(
            sentences("Prices rose 2.5 per cent. e.g. this one. Shares fell."),
            ["Prices rose 2.5 per cent. e.g. this one.", "Shares fell."]
        );
    }

    #[test]
    fn paragraphs_always_end_sentences() {
        assert_eq!(
            sentences("A headline without a stop\n\nThe body starts here. Ends"),
            ["A headline without a stop", "The body starts here.", "Ends"]
        );
    }

    #[test]
    fn tokenized_text_splits_on_free_standing_periods() {
        assert_eq!(
            sentences("police say it is fine . with plenty at stake , fans wait ."),
            [
                "police say it is fine .",
                "with plenty at stake , fans wait ."
            ]
        );
    }

    #[test]
    fn any_input_is_covered_without_panicking() {
        for text in [
            "",
            ".",
            "...",
            "?!",
            "a. b",
            "é. É",
            "\"",
            ". . .",
            "Mr.",
            "x.\u{2026} Y",
        ] {
            let joined: usize = sentences(text).iter().map(|s| s.len()).sum();
            assert!(joined <= text.len());
        }
    }
}
