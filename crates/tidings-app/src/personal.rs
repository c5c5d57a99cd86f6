//! What a signed-in reader keeps: saved articles, followed publishers and
//! topics (their own front page), and articles marked read.

use tidings_core::{ArticleId, SourceId, User};

use crate::{App, Result};

/// A reader's marks on one article.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReaderMarks {
    pub saved: bool,
    pub read: bool,
}

/// What a reader follows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Follows {
    pub sources: Vec<(SourceId, String)>,
    pub topics: Vec<String>,
}

impl App {
    pub async fn set_saved(&self, user: &User, article: ArticleId, saved: bool) -> Result<()> {
        self.store.article(article).await?;
        Ok(self
            .store
            .set_saved(user.id, article, saved, self.clock.now())
            .await?)
    }

    pub async fn set_read(&self, user: &User, article: ArticleId, read: bool) -> Result<()> {
        self.store.article(article).await?;
        Ok(self
            .store
            .set_read(user.id, article, read, self.clock.now())
            .await?)
    }

    pub async fn reader_marks(&self, user: &User, article: ArticleId) -> Result<ReaderMarks> {
        let (saved, read) = self.store.reader_marks(user.id, article).await?;
        Ok(ReaderMarks { saved, read })
    }

    pub async fn follow_source(&self, user: &User, source: SourceId, follow: bool) -> Result<()> {
        self.source(source).await?;
        Ok(self
            .store
            .set_follows_source(user.id, source, follow)
            .await?)
    }

    pub async fn follow_topic(&self, user: &User, topic: &str, follow: bool) -> Result<()> {
        let topic = topic.trim();
        if topic.is_empty() || topic.chars().count() > 200 {
            return Err(crate::AppError::Invalid("no such topic".into()));
        }
        Ok(self.store.set_follows_topic(user.id, topic, follow).await?)
    }

    pub async fn follows(&self, user: &User) -> Result<Follows> {
        let (sources, topics) = self.store.follows(user.id).await?;
        Ok(Follows { sources, topics })
    }
}
