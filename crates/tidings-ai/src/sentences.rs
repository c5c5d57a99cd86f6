//! Sentences fit to be quoted on their own.
//!
//! Article text carries more than the article: bylines, timestamps, photo
//! captions, "click here" and "follow us" lines, datelines glued to the first
//! sentence, the same sentence twice (a pull quote). A highlight or an answer
//! must be none of those, so they are dropped or trimmed here, once, for
//! every feature that quotes a source.

use rustc_hash::FxHashSet;

/// Fewer words than this is a fragment, not a statement.
const MIN_WORDS: usize = 5;
/// More words than this is a run-on or a list glued into one "sentence".
const MAX_WORDS: usize = 70;

/// A sentence of a text that can be shown on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The sentence, with any dateline before it removed.
    pub text: String,
    /// Index of the sentence among all sentences of the text (kept or not).
    pub position: usize,
    /// Words in `text`.
    pub words: usize,
}

/// The sentences of `text` that can be quoted, in order, each once.
pub fn candidates(text: &str) -> Vec<Candidate> {
    let mut seen = FxHashSet::default();
    let mut out = Vec::new();
    for (position, sentence) in tidings_text::sentences(text).into_iter().enumerate() {
        let sentence = strip_dateline(sentence);
        let words = sentence
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count();
        if !(MIN_WORDS..=MAX_WORDS).contains(&words) || is_boilerplate(sentence) {
            continue;
        }
        if !seen.insert(fingerprint(sentence)) {
            continue;
        }
        out.push(Candidate {
            text: sentence.to_owned(),
            position,
            words,
        });
    }
    out
}

/// "(CNN) -- Rescuers…", "LONDON (Reuters) - Shares…", "WASHINGTON — The…":
/// the place and agency before the first dash are not part of the sentence.
fn strip_dateline(sentence: &str) -> &str {
    let head: String = sentence.chars().take(60).collect();
    for dash in [" -- ", " — ", " – ", " - "] {
        let Some(at) = head.find(dash) else { continue };
        let prefix = &head[..at];
        let letters: Vec<char> = prefix.chars().filter(|c| c.is_alphabetic()).collect();
        let shouting = !letters.is_empty() && letters.iter().all(|c| c.is_uppercase());
        let agency = prefix.trim_end().ends_with(')');
        if shouting || agency {
            return sentence[at + dash.len()..].trim_start();
        }
    }
    if let Some(rest) = sentence.strip_prefix("(CNN)") {
        return rest.trim_start();
    }
    sentence
}

/// Lines that belong to the page around the article, not to the article.
fn is_boilerplate(sentence: &str) -> bool {
    let lower = sentence.to_lowercase();
    const STARTS: &[&str] = &[
        "by ",
        "published:",
        "updated:",
        "last updated",
        "posted:",
        "click here",
        "read more",
        "read the full",
        "scroll down",
        "follow ",
        "sign up",
        "subscribe",
        "share this",
        "image:",
        "photo:",
        "picture:",
        "video:",
        "watch:",
        "watch the",
        "listen:",
        "caption:",
        "copyright",
        "advertisement",
        "related:",
        "see also",
        "more:",
        "getty images",
        "this article",
        "this story",
        "reporting by",
        "editing by",
        "additional reporting",
        "contact us",
        "email ",
        "download the",
    ];
    const CONTAINS: &[&str] = &[
        "click here",
        "all rights reserved",
        "http://",
        "https://",
        "www.",
        "cookies",
        "newsletter",
        "sign up for",
        "follow us",
        "follow @",
        "on twitter @",
        "(photo:",
        "(image:",
        "(pictured",
        "getty images",
        "associated press contributed",
        "contributed to this report",
        "javascript",
    ];
    if STARTS.iter().any(|s| lower.starts_with(s)) || CONTAINS.iter().any(|s| lower.contains(s)) {
        return true;
    }
    // A heading or a label: no lower-case letter, or a lead-in to a list.
    if !sentence.chars().any(char::is_lowercase) || sentence.trim_end().ends_with(':') {
        return true;
    }
    false
}

/// Sentences that differ only in case, spacing or punctuation are one.
fn fingerprint(sentence: &str) -> String {
    sentence
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        candidates(text).into_iter().map(|c| c.text).collect()
    }

    #[test]
    fn datelines_are_trimmed() {
        assert_eq!(
            texts("(CNN) -- Rescuers reached the village on Tuesday morning after the storm."),
            ["Rescuers reached the village on Tuesday morning after the storm."]
        );
        assert_eq!(
            texts("LONDON (Reuters) - Shares in the bank fell sharply on Monday after results."),
            ["Shares in the bank fell sharply on Monday after results."]
        );
        assert_eq!(
            texts("Critics - including two ministers - said the plan would fail badly."),
            ["Critics - including two ministers - said the plan would fail badly."]
        );
    }

    #[test]
    fn bylines_timestamps_captions_and_calls_to_action_are_dropped() {
        let text = "By Jane Doe and John Roe, Political Reporters\n\
            PUBLISHED: 12:03 EST, 3 March 2014 | UPDATED: 14:10 EST, 3 March 2014\n\
            The minister resigned on Monday after a week of pressure from her party.\n\
            Click here to read the full report on the resignation today.\n\
            Follow us on Twitter for the latest news about this developing story.\n\
            BREAKING NEWS ALERT FROM THE NEWSROOM TODAY\n\
            Here is what we know so far:\n\
            She will stay in parliament as a backbencher, aides said.";
        assert_eq!(
            texts(text),
            [
                "The minister resigned on Monday after a week of pressure from her party.",
                "She will stay in parliament as a backbencher, aides said."
            ]
        );
    }

    #[test]
    fn repeated_sentences_and_fragments_are_kept_once_or_not_at_all() {
        let text = "The dam held through the night, officials said. Too short. \
            \"The dam held through the night,\" officials said.";
        let got = candidates(text);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].position, 0);
        assert_eq!(got[0].words, 8);
    }
}
