//! "Ask about this": an answer made of the sources' own sentences that bear
//! on the question, each cited, or an honest "the sources do not say".
//!
//! Sentences are ranked by BM25 over the question's terms (stemmed, stop
//! words dropped), with inverse frequencies from the sentences of the
//! sources themselves, so a word every sentence uses counts for little. A
//! sentence must match enough of the question's weight to count as bearing on
//! it; the best few that do, and that do not repeat each other, are the
//! answer.

use rustc_hash::{FxHashMap, FxHashSet};
use tidings_text::Analyzer;

use crate::sentences::candidates;

/// BM25's term-frequency saturation and length normalisation.
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// Share of the question's term weight a sentence must match to bear on it.
const MIN_COVERAGE: f32 = 0.34;
/// Sentences in an answer, at most.
pub const ANSWER_SENTENCES: usize = 3;
/// A sentence scoring below this share of the best is not worth adding.
const RELATIVE_FLOOR: f32 = 0.5;

/// A text an answer may quote, with the caller's id for citing it.
#[derive(Debug, Clone)]
pub struct Passage<'a> {
    pub source: u64,
    pub text: &'a str,
}

/// One sentence of an answer and the passage that said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cited {
    pub text: String,
    pub source: u64,
}

/// Why a question gets no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unanswered {
    /// The question has no word that carries meaning ("what is it?").
    VagueQuestion,
    /// No sentence of the sources bears on it.
    NotInSources,
}

/// Answers questions from passages; cheap to keep and share.
pub struct Answerer {
    analyzer: Analyzer,
    max_sentences: usize,
}

impl Default for Answerer {
    fn default() -> Self {
        Self::with_limit(ANSWER_SENTENCES)
    }
}

struct Sentence {
    text: String,
    source: u64,
    position: usize,
    terms: FxHashMap<String, f32>,
    len: f32,
}

impl Answerer {
    /// An answerer that quotes at most `max_sentences` sentences (a model
    /// given more passages to reword than a reader is shown).
    pub fn with_limit(max_sentences: usize) -> Self {
        Self {
            analyzer: Analyzer::english(),
            max_sentences: max_sentences.max(1),
        }
    }

    /// The sentences of `passages` that answer `question`, best first.
    pub fn answer(
        &self,
        question: &str,
        passages: &[Passage<'_>],
    ) -> Result<Vec<Cited>, Unanswered> {
        let asked: FxHashSet<String> = self.analyzer.terms(question).into_iter().collect();
        if asked.is_empty() {
            return Err(Unanswered::VagueQuestion);
        }
        let sentences: Vec<Sentence> = passages
            .iter()
            .flat_map(|p| {
                candidates(p.text).into_iter().map(|c| {
                    let mut terms: FxHashMap<String, f32> = FxHashMap::default();
                    let all = self.analyzer.terms(&c.text);
                    let len = all.len() as f32;
                    for t in all {
                        *terms.entry(t).or_default() += 1.0;
                    }
                    Sentence {
                        text: c.text,
                        source: p.source,
                        position: c.position,
                        terms,
                        len,
                    }
                })
            })
            .collect();
        if sentences.is_empty() {
            return Err(Unanswered::NotInSources);
        }
        let n = sentences.len() as f32;
        let avg_len = sentences.iter().map(|s| s.len).sum::<f32>() / n;
        let idf: FxHashMap<&str, f32> = asked
            .iter()
            .map(|t| {
                let df = sentences.iter().filter(|s| s.terms.contains_key(t)).count() as f32;
                // Terms no sentence has still weigh: they make the question
                // harder to cover, which is the point.
                (t.as_str(), (1.0 + (n - df + 0.5) / (df + 0.5)).ln())
            })
            .collect();
        let total: f32 = idf.values().sum();
        let mut ranked: Vec<(f32, &Sentence)> = sentences
            .iter()
            .filter_map(|s| {
                let mut score = 0.0;
                let mut covered = 0.0;
                for (t, w) in &idf {
                    if let Some(&tf) = s.terms.get(*t) {
                        covered += w;
                        score += w * tf * (K1 + 1.0)
                            / (tf + K1 * (1.0 - B + B * s.len / avg_len.max(1.0)));
                    }
                }
                // Early sentences state the facts; later ones elaborate.
                let score = score * (1.0 + 0.2 / (1.0 + s.position as f32));
                (covered / total >= MIN_COVERAGE).then_some((score, s))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.position.cmp(&b.1.position)));
        let Some(&(best, _)) = ranked.first() else {
            return Err(Unanswered::NotInSources);
        };
        let mut answer: Vec<&Sentence> = Vec::new();
        for (score, s) in ranked {
            if answer.len() == self.max_sentences || score < best * RELATIVE_FLOOR {
                break;
            }
            if answer.iter().any(|a| overlap(a, s, &asked) > 0.6) {
                continue;
            }
            answer.push(s);
        }
        Ok(answer
            .into_iter()
            .map(|s| Cited {
                text: s.text.clone(),
                source: s.source,
            })
            .collect())
    }
}

/// What two sentences say alike beyond the question's own words (which
/// every good answer shares): the share of the smaller one's other terms
/// that the other has too.
fn overlap(a: &Sentence, b: &Sentence, asked: &FxHashSet<String>) -> f32 {
    let beyond = |s: &Sentence| s.terms.keys().filter(|t| !asked.contains(*t)).count();
    let shared = a
        .terms
        .keys()
        .filter(|t| !asked.contains(*t) && b.terms.contains_key(*t))
        .count() as f32;
    shared / (beyond(a).min(beyond(b)).max(1) as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "The river burst its banks on Sunday night, flooding two hundred homes. \
        Rescue teams worked through the night to reach families trapped by the water. \
        Forecasters had warned that heavy rain would fall on ground already soaked. \
        The mayor said the town would rebuild the flood defences before next winter, \
        at a cost of four million pounds. \
        Shops stayed open to sell candles and bread to their neighbours.";

    fn ask(q: &str) -> Result<Vec<String>, Unanswered> {
        let passages = [Passage {
            source: 7,
            text: TEXT,
        }];
        Answerer::default()
            .answer(q, &passages)
            .map(|a| a.into_iter().map(|c| c.text).collect())
    }

    #[test]
    fn the_sentence_that_says_it_answers_and_is_cited() {
        let got = ask("How much will rebuilding the flood defences cost?").unwrap();
        assert!(got[0].contains("four million pounds"), "{got:?}");
        let cited = Answerer::default()
            .answer(
                "Who warned about the rain?",
                &[Passage {
                    source: 7,
                    text: TEXT,
                }],
            )
            .unwrap();
        assert!(cited[0].text.starts_with("Forecasters"), "{cited:?}");
        assert_eq!(cited[0].source, 7);
    }

    #[test]
    fn what_the_sources_do_not_say_is_not_answered() {
        assert_eq!(
            ask("What did the prime minister say about taxes?"),
            Err(Unanswered::NotInSources)
        );
        assert_eq!(ask("what is it?"), Err(Unanswered::VagueQuestion));
        assert_eq!(
            Answerer::default().answer("flood", &[]),
            Err(Unanswered::NotInSources)
        );
    }

    #[test]
    fn answers_quote_several_sources_without_repeating() {
        let a = "Rescue teams reached the trapped families on Monday morning after the flood.";
        let b = "Rescue teams reached the trapped families on Monday morning after the floods.";
        let c = "Army rescue teams used boats to reach families trapped in the flooded valley.";
        let passages = [
            Passage { source: 1, text: a },
            Passage { source: 2, text: b },
            Passage { source: 3, text: c },
        ];
        let got = Answerer::default()
            .answer(
                "When did rescue teams reach the trapped families?",
                &passages,
            )
            .unwrap();
        assert_eq!(got.len(), 2, "{got:?}");
        assert_ne!(got[0].source, got[1].source);
    }
}
