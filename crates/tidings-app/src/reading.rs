//! What readers see: the latest articles and one article.

use tidings_core::{Article, ArticleCard, ArticleId, Source, SourceId};

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

    /// A source's articles, newest first, continuing below `before`.
    pub async fn source_articles(
        &self,
        id: SourceId,
        before: Option<ArticleId>,
        limit: usize,
    ) -> Result<Vec<ArticleCard>> {
        Ok(self
            .store
            .source_articles(id, before, limit.clamp(1, 200) as i64)
            .await?)
    }
}
