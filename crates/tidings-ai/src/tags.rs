//! Tags for an article, offline: the people, organisations and places it
//! names, and its keywords.
//!
//! Names are runs of capitalised words ("Bank of England", "Joe Biden"),
//! not counting a sentence's first word unless the text capitalises it
//! elsewhere too. A name is typed by its context: a title before it ("Mr",
//! "President") or a verb of saying after it makes a person, an
//! organisation word in it ("Bank", "Council", "Inc") or an acronym makes an
//! organisation, a preposition of place before it ("in", "from") makes a
//! place. A surname alone counts toward the full name it shortens. Names
//! typed no way are left out rather than guessed. Keywords are the
//! article's most frequent meaningful words (headline words count double),
//! in the form the article uses most.

use std::collections::HashMap;

use tidings_text::Analyzer;

/// What a tag names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TagKind {
    Person,
    Organization,
    Place,
    Keyword,
}

impl TagKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TagKind::Person => "person",
            TagKind::Organization => "organization",
            TagKind::Place => "place",
            TagKind::Keyword => "keyword",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "person" => Some(TagKind::Person),
            "organization" => Some(TagKind::Organization),
            "place" => Some(TagKind::Place),
            "keyword" => Some(TagKind::Keyword),
            _ => None,
        }
    }
}

/// One tag of an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub kind: TagKind,
    /// As the article writes it: "Bank of England".
    pub label: String,
    /// The same tag across articles: folded, lower-cased, one space.
    pub key: String,
}

const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "sir",
    "dame",
    "lord",
    "lady",
    "president",
    "senator",
    "sen",
    "rep",
    "gov",
    "governor",
    "judge",
    "justice",
    "chancellor",
    "minister",
    "secretary",
    "pope",
    "king",
    "queen",
    "prince",
    "princess",
    "coach",
    "manager",
    "professor",
    "prof",
    "general",
    "gen",
    "captain",
    "capt",
    "mayor",
    "ceo",
    "chairman",
    "chairwoman",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "striker",
    "midfielder",
    "defender",
    "goalkeeper",
    "singer",
    "actor",
    "actress",
    "author",
    "director",
    "premier",
    "officer",
    "sheriff",
    "detective",
    "inspector",
    "sergeant",
    "bishop",
    "archbishop",
    "rabbi",
    "imam",
    "father",
];
const SAYING: &[&str] = &[
    "said",
    "says",
    "told",
    "added",
    "explained",
    "wrote",
    "tweeted",
    "claimed",
    "insisted",
    "argued",
    "warned",
    "announced",
    "admitted",
    "denied",
    "confirmed",
    "stated",
];
const ORG_WORDS: &[&str] = &[
    "inc",
    "corp",
    "corporation",
    "ltd",
    "llc",
    "plc",
    "co",
    "group",
    "bank",
    "university",
    "college",
    "school",
    "council",
    "party",
    "ministry",
    "department",
    "agency",
    "association",
    "federation",
    "union",
    "commission",
    "committee",
    "court",
    "police",
    "army",
    "navy",
    "company",
    "institute",
    "foundation",
    "club",
    "fc",
    "united",
    "airlines",
    "airways",
    "news",
    "times",
    "post",
    "service",
    "services",
    "office",
    "organisation",
    "organization",
    "board",
    "authority",
    "house",
    "senate",
    "congress",
    "parliament",
    "government",
    "hospital",
    "trust",
    "fund",
    "reserve",
    "exchange",
    "network",
    "league",
    "team",
    "studios",
    "motors",
    "labs",
    "technologies",
    "systems",
    "media",
    "press",
    "church",
    "assembly",
    "forces",
    "guard",
    "labour",
    "treasury",
    "conservatives",
    "tories",
    "democrats",
    "republicans",
];
const PLACE_PREPOSITIONS: &[&str] = &["in", "at", "from", "near", "across", "outside", "inside"];
/// Acronyms that name countries, not organisations.
const COUNTRY_ACRONYMS: &[&str] = &["US", "USA", "UK", "UAE", "DRC", "PRC"];
/// Frequent words that say nothing about what an article is about.
const BLAND: &[&str] = &[
    "said",
    "says",
    "told",
    "added",
    "year",
    "years",
    "time",
    "times",
    "people",
    "week",
    "weeks",
    "first",
    "last",
    "back",
    "best",
    "left",
    "named",
    "made",
    "make",
    "take",
    "taken",
    "going",
    "good",
    "well",
    "still",
    "including",
    "according",
    "there",
    "their",
    "would",
    "could",
    "should",
    "also",
    "just",
    "like",
    "many",
    "much",
    "more",
    "most",
    "other",
    "another",
    "come",
    "came",
    "went",
    "want",
    "think",
    "know",
    "thing",
    "things",
    "something",
    "really",
    "since",
    "while",
    "around",
];
/// Lower-case words allowed inside a name: "Bank of England".
const CONNECTORS: &[&str] = &["of", "de", "del", "da", "van", "von", "der", "la", "le"];
/// Capitalised words that do not start a name.
const NOT_NAMES: &[&str] = &[
    "the",
    "a",
    "an",
    "but",
    "and",
    "or",
    "in",
    "on",
    "at",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "this",
    "that",
    "these",
    "those",
    "there",
    "when",
    "while",
    "if",
    "as",
    "after",
    "before",
    "his",
    "her",
    "their",
    "our",
    "its",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "mr",
    "mrs",
    "ms",
    "dr",
    "so",
    "yet",
    "however",
    "meanwhile",
    "also",
    "for",
    "with",
    "from",
    "by",
    "to",
    "of",
    "what",
    "why",
    "how",
    "who",
    "where",
    "one",
    "two",
    "three",
    "some",
    "many",
    "more",
    "most",
    "all",
    "no",
    "not",
    "yes",
    "last",
    "next",
    "new",
    "now",
    "then",
    "here",
    "read",
    "click",
    "photo",
];

/// How many of each a text gets, at most.
const MAX_NAMES: usize = 6;
const MAX_KEYWORDS: usize = 5;

/// Tags articles; cheap to keep and share.
#[derive(Default)]
pub struct Tagger {
    analyzer: Analyzer,
}

#[derive(Default)]
struct Name {
    label: String,
    count: usize,
    person: usize,
    organization: usize,
    place: usize,
}

fn folded_key(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The word without punctuation around it or a possessive "'s".
fn bare(word: &str) -> &str {
    let w = word.trim_matches(|c: char| !c.is_alphanumeric());
    w.strip_suffix("'s")
        .or_else(|| w.strip_suffix("’s"))
        .unwrap_or(w)
}

fn possessive(word: &str) -> bool {
    let w = word.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’');
    w.ends_with("'s") || w.ends_with("’s")
}

fn capitalised(word: &str) -> bool {
    let w = bare(word);
    w.chars().next().is_some_and(char::is_uppercase) && w.chars().any(char::is_alphabetic)
}

fn acronym(word: &str) -> bool {
    let w = bare(word);
    (2..=6).contains(&w.len()) && w.chars().all(|c| c.is_ascii_uppercase())
}

impl Tagger {
    /// The tags of an article: names first (most mentioned first), then
    /// keywords.
    pub fn tags(&self, title: &str, text: &str) -> Vec<Tag> {
        let mut names: HashMap<String, Name> = HashMap::new();
        let lower_text = format!(" {} ", text.to_lowercase());
        for sentence in tidings_text::sentences(text) {
            let words: Vec<&str> = sentence.split_whitespace().collect();
            let mut i = 0;
            while i < words.len() {
                let first_word = i == 0 || words[i - 1].ends_with(['"', '“', ':']);
                if !capitalised(words[i])
                    || NOT_NAMES.contains(&bare(words[i]).to_lowercase().as_str())
                {
                    i += 1;
                    continue;
                }
                // The run of capitalised words (connectors inside).
                let start = i;
                let mut end = i + 1;
                while end < words.len() {
                    let prev_ends = words[end - 1]
                        .ends_with([',', '.', ';', ':', ')', '"', '”', '?', '!'])
                        || possessive(words[end - 1]);
                    let w = words[end];
                    if prev_ends || w.starts_with(['(', '"', '“']) {
                        break;
                    }
                    if capitalised(w) && !NOT_NAMES.contains(&bare(w).to_lowercase().as_str()) {
                        end += 1;
                    } else if CONNECTORS.contains(&w)
                        && end + 1 < words.len()
                        && capitalised(words[end + 1])
                    {
                        end += 2;
                    } else {
                        break;
                    }
                }
                i = end;
                let parts: Vec<&str> = words[start..end]
                    .iter()
                    .map(|w| bare(w))
                    .filter(|w| !w.is_empty())
                    .collect();
                if parts.is_empty() {
                    continue;
                }
                let label = parts.join(" ");
                if label.chars().count() < 2 {
                    continue;
                }
                // A sentence's first word is a name only if the text
                // capitalises it elsewhere.
                if first_word && parts.len() == 1 && !acronym(parts[0]) {
                    let lower = format!(" {} ", parts[0].to_lowercase());
                    if lower_text.contains(&lower) {
                        continue;
                    }
                }
                let before = start
                    .checked_sub(1)
                    .map(|b| bare(words[b]).to_lowercase())
                    .unwrap_or_default();
                let after: Vec<String> = words[end..(end + 2).min(words.len())]
                    .iter()
                    .map(|w| bare(w).to_lowercase())
                    .collect();
                let lower_parts: Vec<String> = parts.iter().map(|p| p.to_lowercase()).collect();
                let entry = names.entry(folded_key(&label)).or_insert_with(|| Name {
                    label: label.clone(),
                    ..Name::default()
                });
                entry.count += 1;
                if TITLES.contains(&before.as_str())
                    || after.iter().any(|a| SAYING.contains(&a.as_str()))
                {
                    entry.person += 1;
                }
                if parts.len() == 1 && COUNTRY_ACRONYMS.contains(&parts[0]) {
                    entry.place += 3;
                } else if lower_parts.iter().any(|p| ORG_WORDS.contains(&p.as_str()))
                    || (parts.len() == 1 && acronym(parts[0]))
                {
                    entry.organization += 2;
                }
                if PLACE_PREPOSITIONS.contains(&before.as_str()) {
                    entry.place += 1;
                }
            }
        }
        // A surname alone ("Biden") counts toward the full name ("Joe Biden").
        let keys: Vec<String> = names.keys().cloned().collect();
        for key in &keys {
            if key.contains(' ') {
                continue;
            }
            let full = keys
                .iter()
                .filter(|k| k.contains(' ') && k.ends_with(&format!(" {key}")))
                .max_by_key(|k| names[*k].count)
                .cloned();
            if let Some(full) = full {
                let short = names.remove(key).expect("a key of the map");
                let target = names.get_mut(&full).expect("a key of the map");
                target.count += short.count;
                target.person += short.person;
                target.organization += short.organization;
                target.place += short.place;
            }
        }
        let mut typed: Vec<(TagKind, Name)> = names
            .into_values()
            .filter_map(|n| {
                let best = n.person.max(n.organization).max(n.place);
                if best == 0 {
                    return None;
                }
                let kind = if n.organization == best {
                    TagKind::Organization
                } else if n.person == best {
                    TagKind::Person
                } else {
                    TagKind::Place
                };
                // A person is named by two or more words, or said something.
                if kind == TagKind::Person && !n.label.contains(' ') && n.count < 2 {
                    return None;
                }
                Some((kind, n))
            })
            .collect();
        typed.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.1.label.cmp(&b.1.label)));
        let mut tags: Vec<Tag> = typed
            .into_iter()
            .take(MAX_NAMES)
            .map(|(kind, n)| Tag {
                kind,
                key: folded_key(&n.label),
                label: n.label,
            })
            .collect();
        let name_words: std::collections::HashSet<String> = tags
            .iter()
            .flat_map(|t| t.key.split(' ').map(str::to_owned).collect::<Vec<_>>())
            .collect();
        tags.extend(self.keywords(title, text, &name_words));
        tags
    }

    fn keywords(
        &self,
        title: &str,
        text: &str,
        skip: &std::collections::HashSet<String>,
    ) -> Vec<Tag> {
        // term -> (weight, surface form -> count)
        let mut terms: HashMap<String, (f32, HashMap<String, usize>)> = HashMap::new();
        for (source, weight) in [(title, 2.0f32), (text, 1.0)] {
            for word in source.split_whitespace() {
                let w = bare(word).to_lowercase();
                if w.chars().count() < 4
                    || w.chars()
                        .any(|c| c.is_ascii_digit() || c == '\'' || c == '’')
                    || BLAND.contains(&w.as_str())
                    || skip.contains(&w)
                {
                    continue;
                }
                let Some(term) = self.analyzer.term(&w) else {
                    continue;
                };
                let entry = terms.entry(term).or_default();
                entry.0 += weight;
                *entry.1.entry(w).or_default() += 1;
            }
        }
        let mut ranked: Vec<(String, f32, String)> = terms
            .into_iter()
            .filter(|(_, (weight, _))| *weight >= 2.0)
            .map(|(term, (weight, forms))| {
                let form = forms
                    .into_iter()
                    .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                    .map(|(f, _)| f)
                    .unwrap_or_default();
                (term, weight, form)
            })
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)));
        ranked
            .into_iter()
            .take(MAX_KEYWORDS)
            .map(|(_, _, form)| Tag {
                kind: TagKind::Keyword,
                key: form.clone(),
                label: form,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(tags: &[Tag], label: &str) -> Option<TagKind> {
        tags.iter().find(|t| t.label == label).map(|t| t.kind)
    }

    #[test]
    fn people_organisations_places_and_keywords() {
        let text = "The Bank of England raised interest rates on Thursday, its governor Andrew Bailey said. \
            Mr Bailey told reporters in London that inflation was still too high. \
            Shares fell in Frankfurt and Paris after the decision. \
            The IMF had warned that inflation would stay high. Bailey said rates may rise again. \
            Inflation in Britain is the highest of the big economies, the Office for National Statistics said.";
        let tags = Tagger::default().tags("Bank of England raises interest rates", text);
        assert_eq!(
            find(&tags, "Bank of England"),
            Some(TagKind::Organization),
            "{tags:?}"
        );
        assert_eq!(
            find(&tags, "Andrew Bailey"),
            Some(TagKind::Person),
            "{tags:?}"
        );
        assert_eq!(
            find(&tags, "Bailey"),
            None,
            "the surname counts toward the full name: {tags:?}"
        );
        assert_eq!(find(&tags, "London"), Some(TagKind::Place), "{tags:?}");
        assert_eq!(find(&tags, "IMF"), Some(TagKind::Organization), "{tags:?}");
        assert_eq!(
            find(&tags, "Shares"),
            None,
            "a sentence's first word is not a name: {tags:?}"
        );
        assert_eq!(find(&tags, "Thursday"), None, "{tags:?}");
        assert!(
            tags.iter()
                .any(|t| t.kind == TagKind::Keyword
                    && (t.label == "inflation" || t.label == "rates")),
            "{tags:?}"
        );
        let keys: Vec<&str> = tags.iter().map(|t| t.key.as_str()).collect();
        assert!(keys.contains(&"bank of england"), "{keys:?}");
    }

    #[test]
    fn empty_and_hostile_text_gives_no_tags_and_no_panic() {
        let tagger = Tagger::default();
        assert!(tagger.tags("", "").is_empty());
        for text in [
            "A. B. C. D.",
            "\"\"\"\" ,,,, ....",
            "Of Of Of of of The The",
            "É Ö Ü ß",
        ] {
            let _ = tagger.tags(text, text);
        }
    }
}
