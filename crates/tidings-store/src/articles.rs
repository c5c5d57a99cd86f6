//! Articles as feeds bring them.

use chrono::{DateTime, Utc};
use tidings_core::{Article, ArticleCard, ArticleId, Feed, FeedEntry, FeedId, SourceId};

use crate::db::{on_reader, on_writer};
use crate::{Result, Store, StoreError};

#[derive(sqlx::FromRow)]
struct ArticleRow {
    id: i64,
    feed_id: i64,
    source_id: i64,
    source_name: String,
    guid: String,
    url: Option<String>,
    title: Option<String>,
    author: Option<String>,
    summary: Option<String>,
    content: Option<String>,
    language: Option<String>,
    published_at: Option<DateTime<Utc>>,
    fetched_at: DateTime<Utc>,
    sort_at: DateTime<Utc>,
}

impl From<ArticleRow> for Article {
    fn from(row: ArticleRow) -> Self {
        Self {
            id: ArticleId(row.id),
            feed_id: FeedId(row.feed_id),
            source_id: SourceId(row.source_id),
            source_name: row.source_name,
            url: row.url,
            guid: row.guid,
            title: row.title,
            author: row.author,
            summary: row.summary,
            content: row.content,
            language: row.language,
            published_at: row.published_at,
            fetched_at: row.fetched_at,
            sort_at: row.sort_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct CardRow {
    id: i64,
    title: Option<String>,
    url: Option<String>,
    source_id: i64,
    source_name: String,
    sort_at: DateTime<Utc>,
}

impl From<CardRow> for ArticleCard {
    fn from(row: CardRow) -> Self {
        Self {
            id: ArticleId(row.id),
            title: row.title,
            url: row.url,
            source_id: SourceId(row.source_id),
            source_name: row.source_name,
            sort_at: row.sort_at,
        }
    }
}

impl Store {
    /// Stores the entries of `feed` not stored before (by GUID within the
    /// feed), all or none. `next_id` is asked for one id per entry. Returns
    /// how many were new.
    pub async fn insert_entries(
        &self,
        feed: &Feed,
        entries: &[FeedEntry],
        now: DateTime<Utc>,
        mut next_id: impl FnMut() -> ArticleId,
    ) -> Result<u64> {
        const SQL: &str = "INSERT INTO articles (id, feed_id, source_id, guid, url, title, author,
                summary, content, language, published_at, fetched_at, sort_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            ON CONFLICT (feed_id, guid) DO NOTHING";
        if entries.is_empty() {
            return Ok(0);
        }
        let inserted = on_writer!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let mut inserted = 0;
            for entry in entries {
                inserted += sqlx::query(SQL)
                    .bind(next_id().0)
                    .bind(feed.id.0)
                    .bind(feed.source_id.0)
                    .bind(&entry.guid)
                    .bind(entry.url.as_deref())
                    .bind(entry.title.as_deref())
                    .bind(entry.author.as_deref())
                    .bind(entry.summary.as_deref())
                    .bind(entry.content.as_deref())
                    .bind(entry.language.as_deref())
                    .bind(entry.published_at)
                    .bind(now)
                    .bind(entry.sort_time(now))
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
            inserted
        });
        Ok(inserted)
    }

    /// The newest articles first.
    pub async fn latest_articles(&self, limit: i64) -> Result<Vec<ArticleCard>> {
        const SQL: &str =
            "SELECT a.id, a.title, a.url, a.source_id, s.name AS source_name, a.sort_at
            FROM articles a JOIN sources s ON s.id = a.source_id
            ORDER BY a.sort_at DESC, a.id DESC
            LIMIT $1";
        let rows = on_reader!(&self.db, |pool| {
            sqlx::query_as::<_, CardRow>(SQL)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(ArticleCard::from).collect())
    }

    pub async fn article(&self, id: ArticleId) -> Result<Article> {
        const SQL: &str = "SELECT a.id, a.feed_id, a.source_id, s.name AS source_name, a.guid,
                a.url, a.title, a.author, a.summary, a.content, a.language,
                a.published_at, a.fetched_at, a.sort_at
            FROM articles a JOIN sources s ON s.id = a.source_id
            WHERE a.id = $1";
        let row = on_reader!(&self.db, |pool| {
            sqlx::query_as::<_, ArticleRow>(SQL)
                .bind(id.0)
                .fetch_optional(pool)
                .await?
        });
        row.map(Article::from).ok_or(StoreError::NotFound)
    }

    pub async fn count_articles(&self) -> Result<i64> {
        const SQL: &str = "SELECT COUNT(*) FROM articles";
        let count = on_reader!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(SQL).fetch_one(pool).await?
        });
        Ok(count)
    }
}
