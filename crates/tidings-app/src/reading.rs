//! What readers see: the latest articles and one article.

use tidings_core::{Article, ArticleCard, ArticleId, Source, SourceId};

use tidings_store::ArticleList;

use crate::{App, AppError, Result};

impl App {
    /// The newest articles, at most `limit` (capped at 200).
    pub async fn latest_articles(&self, limit: usize) -> Result<Vec<ArticleCard>> {
        let limit = limit.clamp(1, 200) as i64;
        Ok(self.store.latest_articles(limit).await?)
    }

    pub async fn article(&self, id: ArticleId) -> Result<Article> {
        self.store
            .article(id)
            .await
            .map_err(|e| match AppError::from(e) {
                AppError::NotFound(_) => AppError::NotFound("article"),
                other => other,
            })
    }

    pub async fn source(&self, id: SourceId) -> Result<Source> {
        self.store
            .source(id)
            .await
            .map_err(|e| match AppError::from(e) {
                AppError::NotFound(_) => AppError::NotFound("source"),
                other => other,
            })
    }

    /// A list of articles (latest, a source's, a topic's), newest first,
    /// continuing below `before`.
    pub async fn list_articles(
        &self,
        list: &ArticleList,
        before: Option<ArticleId>,
        limit: usize,
    ) -> Result<Vec<ArticleCard>> {
        Ok(self
            .store
            .list_articles(list, before, limit.clamp(1, 200) as i64)
            .await?)
    }

    /// Topics (feed folders) with their article counts.
    pub async fn topics(&self) -> Result<Vec<(String, i64)>> {
        Ok(self.store.topics().await?)
    }
}
