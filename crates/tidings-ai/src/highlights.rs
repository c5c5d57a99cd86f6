//! Highlights: the few sentences that say what an article, or a story, is
//! about, chosen from the sources' own sentences (extractive, so a highlight
//! never states what the source does not).
//!
//! Each clean sentence is scored by how central it is (cosine of its TF-IDF
//! vector with the whole text's), how early it comes (news puts the point
//! first) and how close it is to the headline; then sentences are picked
//! greedily, each new one penalised by its likeness to those already picked
//! (maximal marginal relevance), until 3 are picked and a word budget is
//! spent, or 4 are. An article's highlights read in the article's order.
//!
//! A story's highlights draw on every outlet: a sentence scores by how much
//! it agrees with the story as all outlets tell it, so what several outlets
//! report rises; the first picks come from different outlets, and each
//! highlight names the article it came from.

use rustc_hash::FxHashMap;
use tidings_text::Analyzer;

use crate::sentences::{Candidate, candidates};

/// How many highlights, and how long.
#[derive(Debug, Clone, PartialEq)]
pub struct HighlightConfig {
    /// Highlights wanted even once the word budget is spent (if there are
    /// that many clean sentences).
    pub min_bullets: usize,
    /// Never more highlights than this.
    pub max_bullets: usize,
    /// Words after which no highlight beyond `min_bullets` is added: about the
    /// length of a news site's highlights box.
    pub word_budget: usize,
    /// How fast a sentence's weight falls with its position: weight is
    /// `1 / (1 + position)^position_decay`.
    pub position_decay: f32,
    /// Weight of likeness to the headline, next to centrality.
    pub title_weight: f32,
    /// Penalty per unit of likeness to a sentence already picked.
    pub redundancy: f32,
    /// A sentence this alike to one already picked is never picked.
    pub max_overlap: f32,
    /// Sentences of about this many words read best as bullets; shorter and
    /// longer ones are weighed down.
    pub ideal_words: (usize, usize),
    /// Sentences looked at per story source (its opening, where the news is).
    pub story_sentences_per_source: usize,
}

impl Default for HighlightConfig {
    fn default() -> Self {
        Self {
            min_bullets: 3,
            max_bullets: 4,
            word_budget: 50,
            position_decay: 1.0,
            title_weight: 0.5,
            redundancy: 0.6,
            max_overlap: 0.5,
            ideal_words: (10, 30),
            story_sentences_per_source: 10,
        }
    }
}

/// One outlet's article in a story.
#[derive(Debug, Clone)]
pub struct StorySource<'a> {
    /// The caller's id for the article (returned with its highlights).
    pub id: u64,
    pub title: &'a str,
    pub text: &'a str,
}

/// A story highlight and the article it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryHighlight {
    pub text: String,
    /// [`StorySource::id`] of the article that wrote it.
    pub source: u64,
}

/// Picks highlights; cheap to keep, share and call from many threads.
pub struct Highlighter {
    analyzer: Analyzer,
    config: HighlightConfig,
}

impl Default for Highlighter {
    fn default() -> Self {
        Self::new(HighlightConfig::default())
    }
}

/// A sentence under consideration, with its weights.
struct Scored {
    candidate: Candidate,
    source: u64,
    vector: Vector,
    score: f32,
}

impl Highlighter {
    pub fn new(config: HighlightConfig) -> Self {
        Self {
            analyzer: Analyzer::english(),
            config,
        }
    }

    pub fn config(&self) -> &HighlightConfig {
        &self.config
    }

    /// The highlights of one article, in the article's order.
    pub fn article(&self, title: &str, text: &str) -> Vec<String> {
        let candidates = candidates(text);
        if candidates.is_empty() {
            return Vec::new();
        }
        let mut terms = Terms::default();
        let sentence_terms: Vec<Vec<u32>> = candidates
            .iter()
            .map(|c| terms.ids(&self.analyzer, &c.text))
            .collect();
        let idf = terms.idf(&sentence_terms);
        let vectors: Vec<Vector> = sentence_terms
            .iter()
            .map(|t| Vector::weighted(t, &idf))
            .collect();
        let whole = Vector::sum(&vectors);
        let title = Vector::weighted(&terms.known_ids(&self.analyzer, title), &idf);
        let scored = candidates
            .into_iter()
            .zip(vectors)
            .map(|(candidate, vector)| {
                let relevance =
                    vector.cosine(&whole) + self.config.title_weight * vector.cosine(&title);
                let score = relevance
                    * self.position_weight(candidate.position)
                    * self.length_weight(candidate.words);
                Scored {
                    candidate,
                    source: 0,
                    vector,
                    score,
                }
            })
            .collect();
        let mut picked = self.pick(scored, false);
        picked.sort_by_key(|s| s.candidate.position);
        picked.into_iter().map(|s| s.candidate.text).collect()
    }

    /// The highlights of a story told by several outlets, most telling first.
    pub fn story(&self, sources: &[StorySource<'_>]) -> Vec<StoryHighlight> {
        let mut terms = Terms::default();
        let mut pool: Vec<(u64, Candidate, Vec<u32>)> = Vec::new();
        let mut per_source: Vec<Vec<usize>> = Vec::new();
        for source in sources {
            let mut mine = Vec::new();
            for candidate in candidates(source.text)
                .into_iter()
                .take(self.config.story_sentences_per_source)
            {
                let ids = terms.ids(&self.analyzer, &candidate.text);
                mine.push(pool.len());
                pool.push((source.id, candidate, ids));
            }
            per_source.push(mine);
        }
        if pool.is_empty() {
            return Vec::new();
        }
        let all_terms: Vec<Vec<u32>> = pool.iter().map(|(_, _, t)| t.clone()).collect();
        let idf = terms.idf(&all_terms);
        let vectors: Vec<Vector> = all_terms
            .iter()
            .map(|t| Vector::weighted(t, &idf))
            .collect();
        // Every outlet counts once in the story as a whole, however long its
        // article.
        let outlets: Vec<Vector> = per_source
            .iter()
            .map(|idx| Vector::sum_normalized(idx.iter().map(|&i| &vectors[i])))
            .collect();
        let story = Vector::sum_of(outlets.iter());
        let titles: Vec<Vector> = sources
            .iter()
            .map(|s| Vector::weighted(&terms.known_ids(&self.analyzer, s.title), &idf))
            .collect();
        let headline = Vector::sum_of(titles.iter());
        let scored = pool
            .into_iter()
            .zip(vectors)
            .map(|((source, candidate, _), vector)| {
                let relevance =
                    vector.cosine(&story) + self.config.title_weight * vector.cosine(&headline);
                let score = relevance
                    * self.position_weight(candidate.position)
                    * self.length_weight(candidate.words);
                Scored {
                    candidate,
                    source,
                    vector,
                    score,
                }
            })
            .collect();
        self.pick(scored, sources.len() > 1)
            .into_iter()
            .map(|s| StoryHighlight {
                text: s.candidate.text,
                source: s.source,
            })
            .collect()
    }

    fn position_weight(&self, position: usize) -> f32 {
        (1.0 + position as f32).powf(-self.config.position_decay)
    }

    fn length_weight(&self, words: usize) -> f32 {
        let (short, long) = self.config.ideal_words;
        let words = words as f32;
        if words < short as f32 {
            (words / short as f32).sqrt()
        } else if words > long as f32 {
            (long as f32 / words).sqrt()
        } else {
            1.0
        }
    }

    /// Maximal marginal relevance: best first, each next one weighed down by
    /// its likeness to those picked; with `spread`, a source already quoted
    /// waits until every other source had its chance at the same score.
    fn pick(&self, mut pool: Vec<Scored>, spread: bool) -> Vec<Scored> {
        let config = &self.config;
        let mut picked: Vec<Scored> = Vec::new();
        let mut words = 0;
        while picked.len() < config.max_bullets && !pool.is_empty() {
            if picked.len() >= config.min_bullets && words >= config.word_budget {
                break;
            }
            let mut best: Option<(usize, f32)> = None;
            for (i, s) in pool.iter().enumerate() {
                let overlap = picked
                    .iter()
                    .map(|p| p.vector.cosine(&s.vector))
                    .fold(0.0f32, f32::max);
                if overlap > config.max_overlap {
                    continue;
                }
                let mut value = s.score - config.redundancy * overlap * s.score.max(0.0);
                if spread && picked.iter().any(|p| p.source == s.source) {
                    value *= 0.5;
                }
                if best.is_none_or(|(_, v)| value > v) {
                    best = Some((i, value));
                }
            }
            let Some((i, _)) = best else { break };
            let s = pool.swap_remove(i);
            words += s.candidate.words;
            picked.push(s);
        }
        picked
    }
}

/// Term ids local to one call.
#[derive(Default)]
struct Terms {
    ids: FxHashMap<String, u32>,
}

impl Terms {
    fn ids(&mut self, analyzer: &Analyzer, text: &str) -> Vec<u32> {
        analyzer
            .terms(text)
            .into_iter()
            .map(|t| {
                let next = self.ids.len() as u32;
                *self.ids.entry(t).or_insert(next)
            })
            .collect()
    }

    /// Ids of the terms of `text` that the sentences use (others weigh
    /// nothing).
    fn known_ids(&self, analyzer: &Analyzer, text: &str) -> Vec<u32> {
        analyzer
            .terms(text)
            .iter()
            .filter_map(|t| self.ids.get(t).copied())
            .collect()
    }

    /// Inverse sentence frequency of every term: words in every sentence say
    /// little about any one of them.
    fn idf(&self, sentences: &[Vec<u32>]) -> Vec<f32> {
        let mut df = vec![0u32; self.ids.len()];
        for terms in sentences {
            let mut seen: Vec<u32> = terms.clone();
            seen.sort_unstable();
            seen.dedup();
            for t in seen {
                df[t as usize] += 1;
            }
        }
        let n = sentences.len() as f32;
        df.into_iter()
            .map(|d| (1.0 + n / d.max(1) as f32).ln())
            .collect()
    }
}

/// A sparse weight vector, sorted by term id, with its norm.
#[derive(Debug, Clone, Default)]
struct Vector {
    entries: Vec<(u32, f32)>,
    norm: f32,
}

impl Vector {
    fn from_map(map: FxHashMap<u32, f32>) -> Self {
        let mut entries: Vec<(u32, f32)> = map.into_iter().collect();
        entries.sort_unstable_by_key(|&(t, _)| t);
        let norm = entries.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        Self { entries, norm }
    }

    /// Log-scaled term counts times idf.
    fn weighted(terms: &[u32], idf: &[f32]) -> Self {
        let mut counts: FxHashMap<u32, f32> = FxHashMap::default();
        for &t in terms {
            *counts.entry(t).or_default() += 1.0;
        }
        for (t, w) in counts.iter_mut() {
            *w = (1.0 + w.ln()) * idf[*t as usize];
        }
        Self::from_map(counts)
    }

    fn sum(vectors: &[Vector]) -> Self {
        Self::sum_of(vectors.iter())
    }

    fn sum_of<'a>(vectors: impl Iterator<Item = &'a Vector>) -> Self {
        let mut map: FxHashMap<u32, f32> = FxHashMap::default();
        for v in vectors {
            for &(t, w) in &v.entries {
                *map.entry(t).or_default() += w;
            }
        }
        Self::from_map(map)
    }

    /// The sum, scaled to unit length.
    fn sum_normalized<'a>(vectors: impl Iterator<Item = &'a Vector>) -> Self {
        let mut v = Self::sum_of(vectors);
        if v.norm > 0.0 {
            for (_, w) in &mut v.entries {
                *w /= v.norm;
            }
            v.norm = 1.0;
        }
        v
    }

    fn cosine(&self, other: &Vector) -> f32 {
        if self.norm == 0.0 || other.norm == 0.0 {
            return 0.0;
        }
        let (mut i, mut j, mut dot) = (0, 0, 0.0);
        while i < self.entries.len() && j < other.entries.len() {
            let (a, b) = (self.entries[i], other.entries[j]);
            match a.0.cmp(&b.0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    dot += a.1 * b.1;
                    i += 1;
                    j += 1;
                }
            }
        }
        dot / (self.norm * other.norm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = "By Jane Doe, Science Reporter\n\
        The river burst its banks on Sunday night, flooding two hundred homes in the valley. \
        Rescue teams worked through the night to reach families trapped by the flood water. \
        The river burst its banks on Sunday night, flooding two hundred homes in the valley. \
        Forecasters had warned that the heavy rain would fall on ground already soaked. \
        The mayor said the town would rebuild the flood defences before next winter. \
        Click here to see photos of the flooding in the valley today.\n\
        Local shops stayed open to sell candles and bread to their neighbours. \
        A farmer said he had never seen the river so high in sixty years on the land.";

    #[test]
    fn an_article_gets_three_or_four_clean_distinct_sentences_in_its_order() {
        let highlighter = Highlighter::default();
        let got = highlighter.article("River floods two hundred homes", ARTICLE);
        assert!((3..=4).contains(&got.len()), "{got:?}");
        for h in &got {
            assert!(
                ARTICLE.contains(h.as_str()),
                "not a sentence of the article: {h}"
            );
            assert!(!h.starts_with("By ") && !h.contains("Click here"), "{h}");
        }
        let mut unique = got.clone();
        unique.dedup();
        assert_eq!(unique.len(), got.len(), "{got:?}");
        let positions: Vec<usize> = got
            .iter()
            .map(|h| ARTICLE.find(h.as_str()).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{got:?}");
        assert!(
            got[0].starts_with("The river burst its banks"),
            "the lead is the point: {got:?}"
        );
    }

    #[test]
    fn short_or_empty_texts_give_what_they_have() {
        let highlighter = Highlighter::default();
        assert!(highlighter.article("Title", "").is_empty());
        assert!(highlighter.article("Title", "Too short. Also.").is_empty());
        assert_eq!(
            highlighter.article("", "The only real sentence of this text is right here."),
            ["The only real sentence of this text is right here."]
        );
    }

    #[test]
    fn a_story_draws_on_several_outlets_and_names_each_source() {
        let a = "The central bank raised interest rates by half a point on Thursday. \
            Borrowing costs are now at their highest level in fifteen years. \
            The decision was unanimous, the bank's minutes show.";
        let b = "Interest rates rose by half a point on Thursday as the central bank fought inflation. \
            Mortgage holders face higher monthly payments from next month. \
            Economists had expected a smaller rise of a quarter point.";
        let c = "Shares fell after the central bank raised interest rates on Thursday. \
            Bank stocks rose while house builders fell sharply in London trading. \
            The pound climbed against the dollar after the announcement.";
        let sources = [
            StorySource {
                id: 1,
                title: "Bank raises rates",
                text: a,
            },
            StorySource {
                id: 2,
                title: "Rates rise by half a point",
                text: b,
            },
            StorySource {
                id: 3,
                title: "Shares fall after rate rise",
                text: c,
            },
        ];
        let got = Highlighter::default().story(&sources);
        assert!((3..=4).contains(&got.len()), "{got:?}");
        let outlets: std::collections::BTreeSet<u64> = got.iter().map(|h| h.source).collect();
        assert!(
            outlets.len() >= 3,
            "the first picks spread over outlets: {got:?}"
        );
        for h in &got {
            let text = sources.iter().find(|s| s.id == h.source).unwrap().text;
            assert!(
                text.contains(h.text.as_str()),
                "{h:?} is not from its source"
            );
        }
        assert!(Highlighter::default().story(&[]).is_empty());
    }
}
