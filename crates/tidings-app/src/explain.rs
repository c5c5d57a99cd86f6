//! Explanations on the article and story pages: a story's highlights drawn
//! from several outlets, and "ask about this" answered from the sources'
//! own sentences, each cited. Offline: no model, no network.

use sha2::{Digest, Sha256};
use tidings_ai::llm::{
    GroundedSentence, LlmClient, answer_messages, check_bullets, check_grounding,
    highlights_messages,
};
use tidings_ai::{
    ANSWER_SENTENCES, Answerer, Cited, Highlighter, Passage, StorySource, Unanswered,
};
use tidings_core::{Article, ArticleId, StoryId};
use tidings_store::ArticleTag;

use crate::{App, AppError, Result};

/// Outlets a story's highlights and answers draw on, at most (newest first).
const STORY_SOURCES: i64 = 24;
/// Sentences retrieved for the model to reword.
const MODEL_PASSAGES: usize = 6;
/// How recent a story must be (hours) for a pass to have the model word
/// its highlights: the front page's.
const STORY_HOURS: i64 = 48;
/// Longest question taken, in characters.
pub const MAX_QUESTION: usize = 300;

/// A sentence quoted from an article, with what its citation shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub text: String,
    pub article: ArticleId,
    pub source_name: String,
    pub title: String,
}

/// A sentence a language model wrote from quoted passages, with the
/// passages it cites (checked to hold what it says).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedSentence {
    pub text: String,
    pub quotes: Vec<Quote>,
}

/// The answer to a question about an article or a story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Sentences of the sources that bear on the question, best first.
    Quotes(Vec<Quote>),
    /// The configured model's wording of those sentences, every sentence
    /// cited and checked.
    Generated(Vec<GeneratedSentence>),
    /// The question names nothing to look for.
    Vague,
    /// No sentence of the sources bears on it: they do not say.
    NotInSources,
}

impl App {
    /// A story's highlights: the best of its outlets' own highlights, the
    /// first ones from different outlets, each naming where it came from.
    pub async fn story_highlights(&self, story: StoryId) -> Result<Vec<Quote>> {
        let articles = self.store.story_highlights(story, STORY_SOURCES).await?;
        let texts: Vec<String> = articles.iter().map(|a| a.highlights.join("\n")).collect();
        let sources: Vec<StorySource<'_>> = articles
            .iter()
            .zip(&texts)
            .map(|(a, text)| StorySource {
                id: a.article.0 as u64,
                title: &a.title,
                text,
            })
            .collect();
        let picked = Highlighter::default().story(&sources);
        Ok(picked
            .into_iter()
            .filter_map(|h| {
                let a = articles.iter().find(|a| a.article.0 as u64 == h.source)?;
                Some(Quote {
                    text: h.text,
                    article: a.article,
                    source_name: a.source_name.clone(),
                    title: a.title.clone(),
                })
            })
            .collect())
    }

    /// Has the configured model word the highlights of up to `limit` of
    /// the top stories whose highlights it has not seen yet (a story's
    /// sources change, and so its highlights: the model is asked again).
    /// The reply is kept as it came; whether it holds up is checked when a
    /// page shows it ([`App::story_model_highlights`]). Returns how many
    /// stories the model was asked about. Does nothing without a model.
    pub async fn reword_story_highlights(&self, limit: usize) -> Result<usize> {
        let Some(llm) = &self.llm else { return Ok(0) };
        let mut asked = 0;
        for story in self.top_stories(STORY_HOURS, limit).await? {
            let quotes = self.story_highlights(story.id).await?;
            // One article's highlights are its own, worded already.
            let articles: std::collections::HashSet<ArticleId> =
                quotes.iter().map(|q| q.article).collect();
            if articles.len() < 2 {
                continue;
            }
            let texts: Vec<&str> = quotes.iter().map(|q| q.text.as_str()).collect();
            let key = story_highlights_key(llm, &texts);
            if self.store.cached_reply(&key).await?.is_some() {
                continue;
            }
            let title = story.title.clone().unwrap_or_default();
            match llm.chat(&highlights_messages(&title, &texts)).await {
                Ok(reply) => {
                    self.store
                        .cache_reply(&key, &reply, self.clock.now())
                        .await?;
                    asked += 1;
                }
                // Unavailable or over budget: try again on a later pass.
                Err(error) => {
                    tracing::warn!(%error, "the model did not word a story's highlights");
                    break;
                }
            }
        }
        Ok(asked)
    }

    /// The model's wording of a story's highlights (`quotes`, from
    /// [`App::story_highlights`]), each sentence with the quotes it rests
    /// on; empty when no model is configured, none has been asked about
    /// these quotes yet, or its wording does not hold up. Never calls the
    /// model: pages do not wait for it.
    pub async fn story_model_highlights(&self, quotes: &[Quote]) -> Vec<GeneratedSentence> {
        let Some(llm) = &self.llm else {
            return Vec::new();
        };
        let texts: Vec<&str> = quotes.iter().map(|q| q.text.as_str()).collect();
        let Ok(Some(reply)) = self
            .store
            .cached_reply(&story_highlights_key(llm, &texts))
            .await
        else {
            return Vec::new();
        };
        match check_bullets(&reply, &texts) {
            Ok(bullets) => bullets
                .into_iter()
                .map(|b| GeneratedSentence {
                    text: b.text,
                    quotes: b.cites.iter().map(|&i| quotes[i].clone()).collect(),
                })
                .collect(),
            Err(why) => {
                tracing::debug!(?why, "the model's story highlights are not grounded");
                Vec::new()
            }
        }
    }

    /// Has the configured model reword the highlights of up to `limit`
    /// articles (newest first); a wording that fails the grounding check is
    /// recorded as refused and the offline highlights stay. Returns how many
    /// articles got the model's wording. Does nothing without a model.
    pub async fn reword_highlights(&self, limit: i64) -> Result<usize> {
        let Some(llm) = &self.llm else { return Ok(0) };
        let mut reworded = 0;
        for (article, title, highlights) in self.store.highlights_to_reword(limit).await? {
            let sources: Vec<&str> = highlights.iter().map(String::as_str).collect();
            let bullets = match llm.chat(&highlights_messages(&title, &sources)).await {
                Ok(reply) => match check_bullets(&reply, &sources) {
                    Ok(bullets) => bullets,
                    Err(why) => {
                        tracing::info!(%article, ?why, "the model's highlights are not grounded; keeping the offline ones");
                        Vec::new()
                    }
                },
                // Unavailable or over budget: try again on a later pass.
                Err(error) => {
                    tracing::warn!(%error, "the model did not reword highlights");
                    break;
                }
            };
            let stored: Vec<(String, Vec<usize>)> =
                bullets.into_iter().map(|b| (b.text, b.cites)).collect();
            if !stored.is_empty() {
                reworded += 1;
            }
            self.store.set_model_highlights(article, &stored).await?;
        }
        Ok(reworded)
    }

    /// An article's tags (people, organisations, places, keywords).
    pub async fn article_tags(&self, article: ArticleId) -> Result<Vec<ArticleTag>> {
        Ok(self.store.article_tags(article).await?)
    }

    /// The tags most of a story's articles share.
    pub async fn story_tags(&self, story: StoryId) -> Result<Vec<ArticleTag>> {
        Ok(self.store.story_tags(story, 10).await?)
    }

    /// The stories about a person, organisation, place or keyword, latest
    /// first, with the tag's label.
    pub async fn tag_stories(
        &self,
        kind: &str,
        key: &str,
    ) -> Result<(String, Vec<tidings_core::Story>)> {
        if tidings_ai::TagKind::parse(kind).is_none() {
            return Err(AppError::NotFound("tag"));
        }
        let (label, stories) = self.store.tag_stories(kind, key, 100).await?;
        let label = label.ok_or(AppError::NotFound("tag"))?;
        Ok((label, stories))
    }

    /// Answers `question` from the article's own text.
    pub async fn ask_article(&self, article: &Article, question: &str) -> Result<Answer> {
        let question = checked(question)?;
        let html = article
            .body_html
            .as_deref()
            .or(article.content.as_deref())
            .or(article.summary.as_deref())
            .unwrap_or("");
        let text = tidings_extract::html_to_text(html);
        let title = article.title.clone().unwrap_or_default();
        let passages = [Passage {
            source: article.id.0 as u64,
            text: &text,
        }];
        Ok(self
            .answer(question, &passages, |_| {
                (article.id, article.source_name.clone(), title.clone())
            })
            .await)
    }

    /// Answers `question` from the texts of the story's outlets.
    pub async fn ask_story(&self, story: StoryId, question: &str) -> Result<Answer> {
        let question = checked(question)?;
        let articles = self.store.story_texts(story, STORY_SOURCES).await?;
        let passages: Vec<Passage<'_>> = articles
            .iter()
            .map(|a| Passage {
                source: a.article.0 as u64,
                text: &a.text,
            })
            .collect();
        Ok(self
            .answer(question, &passages, |source| {
                let a = articles
                    .iter()
                    .find(|a| a.article.0 as u64 == source)
                    .expect("every quote comes from a passage");
                (a.article, a.source_name.clone(), a.title.clone())
            })
            .await)
    }

    /// The offline answer, reworded by the model when one is configured and
    /// its wording passes the grounding check.
    async fn answer(
        &self,
        question: &str,
        passages: &[Passage<'_>],
        cite: impl Fn(u64) -> (ArticleId, String, String),
    ) -> Answer {
        let quote = |c: &Cited| {
            let (article, source_name, title) = cite(c.source);
            Quote {
                text: c.text.clone(),
                article,
                source_name,
                title,
            }
        };
        // One retrieval serves both: the model rewords the best few, the
        // offline answer quotes the first of them.
        let limit = if self.llm.is_some() {
            MODEL_PASSAGES
        } else {
            ANSWER_SENTENCES
        };
        let retrieved = match Answerer::with_limit(limit).answer(question, passages) {
            Ok(retrieved) => retrieved,
            Err(Unanswered::VagueQuestion) => return Answer::Vague,
            Err(Unanswered::NotInSources) => return Answer::NotInSources,
        };
        if let Some(llm) = &self.llm
            && let Some(sentences) = self.reworded(llm, question, &retrieved).await
        {
            return Answer::Generated(
                sentences
                    .into_iter()
                    .map(|s| GeneratedSentence {
                        text: s.text,
                        quotes: s.cites.iter().map(|&i| quote(&retrieved[i])).collect(),
                    })
                    .collect(),
            );
        }
        Answer::Quotes(retrieved.iter().take(ANSWER_SENTENCES).map(quote).collect())
    }

    /// The model's grounded wording of the retrieved sentences, cached; `None`
    /// on any failure (the offline answer stands).
    async fn reworded(
        &self,
        llm: &LlmClient,
        question: &str,
        retrieved: &[Cited],
    ) -> Option<Vec<GroundedSentence>> {
        let texts: Vec<&str> = retrieved.iter().map(|c| c.text.as_str()).collect();
        let key = cache_key(llm, &["answer", &question.to_lowercase()], &texts);
        let reply = match self.store.cached_reply(&key).await {
            Ok(Some(reply)) => reply,
            _ => match llm.chat(&answer_messages(question, &texts)).await {
                Ok(reply) => {
                    if let Err(error) = self.store.cache_reply(&key, &reply, self.clock.now()).await
                    {
                        tracing::warn!(%error, "could not cache the model's answer");
                    }
                    reply
                }
                Err(error) => {
                    tracing::warn!(%error, "the model did not answer; answering offline");
                    return None;
                }
            },
        };
        match check_grounding(&reply, &texts) {
            Ok(sentences) => Some(sentences),
            Err(why) => {
                tracing::info!(
                    ?why,
                    "the model's answer is not grounded in the sources; answering offline"
                );
                None
            }
        }
    }
}

/// What a model's reply is cached under: the model, what was asked and the
/// passages it was given, so new passages mean a new reply.
fn cache_key(llm: &LlmClient, asked: &[&str], passages: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in std::iter::once(llm.model())
        .chain(asked.iter().copied())
        .chain(passages.iter().copied())
    {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hex::encode(hasher.finalize())
}

/// What a story's worded highlights are cached under.
fn story_highlights_key(llm: &LlmClient, texts: &[&str]) -> String {
    cache_key(llm, &["story highlights"], texts)
}

fn checked(question: &str) -> Result<&str> {
    let question = question.trim();
    if question.is_empty() {
        return Err(AppError::Invalid("ask a question".into()));
    }
    if question.chars().count() > MAX_QUESTION {
        return Err(AppError::Invalid(format!(
            "a question is at most {MAX_QUESTION} characters"
        )));
    }
    Ok(question)
}
