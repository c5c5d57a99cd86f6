//! Words and index terms from running text.

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::stopwords::is_stop_word;

/// Turns text into words (for shingles) and terms (for weights and search).
///
/// Words are runs of letters and digits, lower-cased, with diacritics folded
/// ("Élysée" → "elysee") and a possessive "'s" dropped. Terms are words that
/// carry meaning: no stop words, no single characters, English-stemmed.
pub struct Analyzer {
    stemmer: Stemmer,
}

impl Default for Analyzer {
    fn default() -> Self {
        Self::english()
    }
}

impl Analyzer {
    pub fn english() -> Self {
        Self {
            stemmer: Stemmer::create(Algorithm::English),
        }
    }

    /// Every word of `text`, folded and lower-cased, in order.
    pub fn words(&self, text: &str) -> Vec<String> {
        let mut words = Vec::new();
        for_each_word(text, |word| words.push(word.to_owned()));
        words
    }

    /// The index terms of `text`, in order (repeats kept, for term counts).
    pub fn terms(&self, text: &str) -> Vec<String> {
        let mut terms = Vec::new();
        for_each_word(text, |word| {
            if let Some(term) = self.term(word) {
                terms.push(term);
            }
        });
        terms
    }

    /// The index term for one folded word, or `None` when it carries no meaning.
    pub fn term(&self, word: &str) -> Option<String> {
        if word.chars().count() < 2 || is_stop_word(word) {
            return None;
        }
        if word.bytes().any(|b| b.is_ascii_digit()) {
            return Some(word.to_owned());
        }
        Some(self.stemmer.stem(word).into_owned())
    }
}

/// Calls `f` with each folded, lower-cased word of `text`.
fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            push_folded(&mut word, c);
            continue;
        }
        // "Noyer's" is "noyer"; "don't" is "dont": an apostrophe inside a word
        // does not split it.
        let inside_word = !word.is_empty() && chars.peek().is_some_and(|n| n.is_alphanumeric());
        if is_apostrophe(c) && inside_word {
            let mut rest = chars.clone();
            let possessive = matches!(rest.next(), Some('s' | 'S'))
                && rest.next().is_none_or(|after| !after.is_alphanumeric());
            if possessive {
                chars.next();
            }
            continue;
        }
        if !word.is_empty() {
            f(&word);
            word.clear();
        }
    }
    if !word.is_empty() {
        f(&word);
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

fn push_folded(word: &mut String, c: char) {
    if c.is_ascii() {
        word.push(c.to_ascii_lowercase());
        return;
    }
    for lower in c.to_lowercase() {
        for part in std::iter::once(lower).nfkd() {
            if !is_combining_mark(part) {
                word.push(part);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_and_lower_cased() {
        let a = Analyzer::english();
        assert_eq!(
            a.words("Élysée Palace: Noyer's view, don't PANIC—2014!"),
            ["elysee", "palace", "noyer", "view", "dont", "panic", "2014"]
        );
    }

    #[test]
    fn terms_drop_stop_words_and_stem() {
        let a = Analyzer::english();
        assert_eq!(
            a.terms("The banks were raising rates in 2014 and a U.S. official said"),
            ["bank", "rais", "rate", "2014", "offici"]
        );
    }

    #[test]
    fn other_scripts_are_words_too() {
        let a = Analyzer::english();
        assert_eq!(a.words("Москва — столица"), ["москва", "столица"]);
    }
}
