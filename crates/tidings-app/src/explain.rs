//! Explanations on the article and story pages: a story's highlights drawn
//! from several outlets, and "ask about this" answered from the sources'
//! own sentences, each cited. Offline: no model, no network.

use tidings_ai::{Answerer, Highlighter, Passage, StorySource, Unanswered};
use tidings_core::{Article, ArticleId, StoryId};

use crate::{App, AppError, Result};

/// Outlets a story's highlights and answers draw on, at most (newest first).
const STORY_SOURCES: i64 = 24;
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

/// The answer to a question about an article or a story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Sentences of the sources that bear on the question, best first.
    Quotes(Vec<Quote>),
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

    /// Answers `question` from the article's own text.
    pub fn ask_article(&self, article: &Article, question: &str) -> Result<Answer> {
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
        Ok(answer(question, &passages, |_| {
            (article.id, article.source_name.clone(), title.clone())
        }))
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
        Ok(answer(question, &passages, |source| {
            let a = articles
                .iter()
                .find(|a| a.article.0 as u64 == source)
                .expect("every quote comes from a passage");
            (a.article, a.source_name.clone(), a.title.clone())
        }))
    }
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

fn answer(
    question: &str,
    passages: &[Passage<'_>],
    cite: impl Fn(u64) -> (ArticleId, String, String),
) -> Answer {
    match Answerer::default().answer(question, passages) {
        Ok(cited) => Answer::Quotes(
            cited
                .into_iter()
                .map(|c| {
                    let (article, source_name, title) = cite(c.source);
                    Quote {
                        text: c.text,
                        article,
                        source_name,
                        title,
                    }
                })
                .collect(),
        ),
        Err(Unanswered::VagueQuestion) => Answer::Vague,
        Err(Unanswered::NotInSources) => Answer::NotInSources,
    }
}
