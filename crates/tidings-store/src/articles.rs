//! Articles as feeds bring them.

use chrono::{DateTime, Utc};
use tidings_core::{
    Article, ArticleCard, ArticleId, ExtractedBody, ExtractionState, Feed, FeedEntry, FeedId,
    InsertReport, SourceId,
};

use crate::db::{Db, on_reader, on_writer};
use crate::{Result, Store, StoreError, one_row};

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
    extraction_state: Option<String>,
    extraction_error: Option<String>,
    body_html: Option<String>,
    extracted_by_rules: bool,
    lead_image: Option<String>,
    highlights: Option<String>,
    model_highlights: Option<String>,
    story_id: Option<i64>,
    dup_group_id: Option<i64>,
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
            extraction: row.extraction_state.and_then(|s| s.parse().ok()),
            extraction_error: row.extraction_error,
            body_html: row.body_html,
            extracted_by_rules: row.extracted_by_rules,
            lead_image: row.lead_image,
            placement: row.story_id.map(|s| {
                (
                    tidings_core::StoryId(s),
                    ArticleId(row.dup_group_id.unwrap_or(row.id)),
                )
            }),
            highlights: crate::stories::split_highlights(row.highlights.as_deref()),
            model_highlights: row
                .model_highlights
                .as_deref()
                .unwrap_or_default()
                .lines()
                .filter_map(|line| {
                    let (text, cites) = line.split_once('\t')?;
                    let cites = cites
                        .split(',')
                        .filter_map(|c| c.parse::<usize>().ok()?.checked_sub(1))
                        .collect();
                    Some((text.to_owned(), cites))
                })
                .collect(),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct CardRow {
    id: i64,
    title: Option<String>,
    url: Option<String>,
    source_id: i64,
    source_name: String,
    sort_at: DateTime<Utc>,
    preview: Option<String>,
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
            preview: row.preview,
        }
    }
}

/// Which articles a list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArticleList {
    Latest,
    Source(tidings_core::SourceId),
    /// A feed folder.
    Topic(String),
    /// From the publishers and topics a reader follows (`unread`: only
    /// what they have not marked read).
    Followed {
        user: tidings_core::UserId,
        unread: bool,
    },
    /// What a reader saved for later.
    Saved(tidings_core::UserId),
}

enum ListValue<'a> {
    Id(i64),
    Text(&'a str),
}

impl Store {
    /// Stores what is new in `feed`'s entries, all or none: an entry seen
    /// before in this feed (same GUID) is skipped; one whose URL key names
    /// a known article becomes another appearance of it; anything else is a
    /// new article. `next_id` is asked for ids of new articles.
    pub async fn insert_entries(
        &self,
        feed: &Feed,
        entries: &[FeedEntry],
        now: DateTime<Utc>,
        mut next_id: impl FnMut() -> ArticleId,
    ) -> Result<InsertReport> {
        const KNOWN: &str = "SELECT article_id FROM appearances WHERE feed_id = $1 AND guid = $2";
        const BY_KEY: &str = "SELECT id FROM articles WHERE url_key = $1";
        // No conflict target: a clash on (feed_id, guid) or on url_key (a
        // concurrent insert by another node) both mean "already there".
        const INSERT: &str = "INSERT INTO articles (id, feed_id, source_id, guid, url, url_key,
                content_hash, title, author, summary, content, language, published_at,
                fetched_at, sort_at, extraction_state)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            ON CONFLICT DO NOTHING
            RETURNING id";
        const BY_FIRST_APPEARANCE: &str =
            "SELECT id FROM articles WHERE feed_id = $1 AND guid = $2";
        const APPEAR: &str = "INSERT INTO appearances (feed_id, guid, article_id, first_seen_at)
            VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";

        let mut report = InsertReport::default();
        if entries.is_empty() {
            return Ok(report);
        }
        on_writer!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            for entry in entries {
                let known: Option<i64> = sqlx::query_scalar(KNOWN)
                    .bind(feed.id.0)
                    .bind(&entry.guid)
                    .fetch_optional(&mut *tx)
                    .await?;
                if known.is_some() {
                    continue;
                }
                let mut article: Option<i64> = None;
                if let Some(key) = &entry.url_key {
                    article = sqlx::query_scalar(BY_KEY)
                        .bind(key)
                        .fetch_optional(&mut *tx)
                        .await?;
                }
                let mut created = false;
                if article.is_none() {
                    article = sqlx::query_scalar(INSERT)
                        .bind(next_id().0)
                        .bind(feed.id.0)
                        .bind(feed.source_id.0)
                        .bind(&entry.guid)
                        .bind(entry.url.as_deref())
                        .bind(entry.url_key.as_deref())
                        .bind(&entry.content_hash)
                        .bind(entry.title.as_deref())
                        .bind(entry.author.as_deref())
                        .bind(entry.summary.as_deref())
                        .bind(entry.content.as_deref())
                        .bind(entry.language.as_deref())
                        .bind(entry.published_at)
                        .bind(now)
                        .bind(entry.sort_time(now))
                        .bind(
                            feed.extract_mode
                                .wants(entry)
                                .then_some(ExtractionState::Pending.as_str()),
                        )
                        .fetch_optional(&mut *tx)
                        .await?;
                    created = article.is_some();
                }
                if article.is_none() {
                    // Lost a race: someone stored it between our look-up and
                    // our insert.
                    article = match &entry.url_key {
                        Some(key) => {
                            sqlx::query_scalar(BY_KEY)
                                .bind(key)
                                .fetch_optional(&mut *tx)
                                .await?
                        }
                        None => {
                            sqlx::query_scalar(BY_FIRST_APPEARANCE)
                                .bind(feed.id.0)
                                .bind(&entry.guid)
                                .fetch_optional(&mut *tx)
                                .await?
                        }
                    };
                }
                let Some(article) = article else { continue };
                let appeared = sqlx::query(APPEAR)
                    .bind(feed.id.0)
                    .bind(&entry.guid)
                    .bind(article)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if created {
                    report.new_articles += 1;
                } else if appeared > 0 {
                    report.new_appearances += 1;
                }
            }
            tx.commit().await?;
        });
        Ok(report)
    }

    /// Gives an article the identity its page declares (after redirects, its
    /// `rel=canonical`): its URL and URL key become `url` and `url_key`. When
    /// another article already holds that key, the two are one article: this
    /// one's appearances move to the other and this one goes. Returns the
    /// article that remains.
    pub async fn rekey_article(
        &self,
        id: ArticleId,
        url: &str,
        url_key: &str,
    ) -> Result<ArticleId> {
        match self.try_rekey_article(id, url, url_key).await {
            // Another node gave an article this key between our look-up and
            // our update: now there is a holder to merge into.
            Err(StoreError::Database(sqlx::Error::Database(e))) if e.is_unique_violation() => {
                self.try_rekey_article(id, url, url_key).await
            }
            other => other,
        }
    }

    async fn try_rekey_article(
        &self,
        id: ArticleId,
        url: &str,
        url_key: &str,
    ) -> Result<ArticleId> {
        const HOLDER: &str = "SELECT id FROM articles WHERE url_key = $1 AND id <> $2";
        const MOVE_APPEARANCES: &str =
            "UPDATE appearances SET article_id = $2 WHERE article_id = $1";
        const DELETE: &str = "DELETE FROM articles WHERE id = $1";
        const REKEY: &str = "UPDATE articles SET url = $2, url_key = $3 WHERE id = $1";
        let survivor = on_writer!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let holder: Option<i64> = sqlx::query_scalar(HOLDER)
                .bind(url_key)
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await?;
            let survivor = match holder {
                Some(other) => {
                    sqlx::query(MOVE_APPEARANCES)
                        .bind(id.0)
                        .bind(other)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(DELETE).bind(id.0).execute(&mut *tx).await?;
                    other
                }
                None => {
                    let done = sqlx::query(REKEY)
                        .bind(id.0)
                        .bind(url)
                        .bind(url_key)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    one_row(done)?;
                    id.0
                }
            };
            tx.commit().await?;
            survivor
        });
        Ok(ArticleId(survivor))
    }

    /// How many feed entries lead to `article`.
    pub async fn appearance_count(&self, article: ArticleId) -> Result<i64> {
        const SQL: &str = "SELECT COUNT(*) FROM appearances WHERE article_id = $1";
        let count = on_reader!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(SQL)
                .bind(article.0)
                .fetch_one(pool)
                .await?
        });
        Ok(count)
    }

    /// Leases up to `limit` articles whose page is still to be extracted,
    /// oldest first, until `lease_until`; returns their ids and URLs.
    pub async fn claim_pending_extractions(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<(ArticleId, String)>> {
        let lock = match &self.db {
            Db::Postgres(_) => "FOR UPDATE SKIP LOCKED",
            Db::Sqlite { .. } => "",
        };
        let sql = format!(
            "UPDATE articles SET extraction_lease_until = $2
             WHERE id IN (
                 SELECT id FROM articles
                 WHERE extraction_state = 'pending' AND url IS NOT NULL
                   AND (extraction_lease_until IS NULL OR extraction_lease_until <= $1)
                 ORDER BY id
                 LIMIT $3
                 {lock}
             )
             RETURNING id, url"
        );
        let rows: Vec<(i64, String)> = on_writer!(&self.db, |pool| {
            sqlx::query_as(&sql)
                .bind(now)
                .bind(lease_until)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        let mut claimed: Vec<_> = rows
            .into_iter()
            .map(|(id, url)| (ArticleId(id), url))
            .collect();
        claimed.sort();
        Ok(claimed)
    }

    /// Records an extraction: the body when it worked, why not when it did
    /// not. Releases the lease either way.
    pub async fn record_extraction(
        &self,
        id: ArticleId,
        result: &std::result::Result<ExtractedBody, String>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        // Right-hand sides read the row as it was: `sort_at` moves back only
        // when the feed gave no date.
        const SQL: &str = "UPDATE articles SET extraction_state = $2, extraction_error = $3,
                body_html = $4, body_text = $5, lead_image = $6, word_count = $7,
                extracted_at = $8, extraction_lease_until = NULL, extracted_by_rules = $9,
                title = COALESCE(title, $10), author = COALESCE(author, $11),
                published_at = COALESCE(published_at, $12),
                sort_at = CASE WHEN published_at IS NULL AND $12 IS NOT NULL AND $12 < sort_at
                    THEN $12 ELSE sort_at END
            WHERE id = $1";
        let (state, error, body) = match result {
            Ok(body) => (ExtractionState::Done, None, Some(body)),
            Err(error) => (ExtractionState::Failed, Some(error.as_str()), None),
        };
        let done = on_writer!(&self.db, |pool| {
            sqlx::query(SQL)
                .bind(id.0)
                .bind(state.as_str())
                .bind(error)
                .bind(body.map(|b| b.html.as_str()))
                .bind(body.map(|b| b.text.as_str()))
                .bind(body.and_then(|b| b.lead_image.as_deref()))
                .bind(body.map(|b| b.word_count))
                .bind(now)
                .bind(body.is_some_and(|b| b.by_rules))
                .bind(body.and_then(|b| b.title.as_deref()))
                .bind(body.and_then(|b| b.author.as_deref()))
                .bind(body.and_then(|b| b.published_at).filter(|d| *d <= now))
                .execute(pool)
                .await?
                .rows_affected()
        });
        one_row(done)
    }

    /// The newest articles first.
    pub async fn latest_articles(&self, limit: i64) -> Result<Vec<ArticleCard>> {
        self.list_articles(&ArticleList::Latest, None, limit).await
    }

    /// A list of articles, newest first, after the cursor `before` (an
    /// article id: the list continues below it, whatever arrived since, so
    /// pages never repeat or skip an article).
    pub async fn list_articles(
        &self,
        list: &ArticleList,
        before: Option<ArticleId>,
        limit: i64,
    ) -> Result<Vec<ArticleCard>> {
        let (filter, value): (&str, Option<ListValue<'_>>) = match list {
            ArticleList::Latest => ("", None),
            ArticleList::Source(source) => ("a.source_id = $2", Some(ListValue::Id(source.0))),
            ArticleList::Topic(topic) => (
                "a.feed_id IN (SELECT id FROM feeds WHERE category = $2)",
                Some(ListValue::Text(topic)),
            ),
            ArticleList::Followed { user, unread } => (
                if *unread {
                    "(a.source_id IN (SELECT source_id FROM followed_sources WHERE user_id = $2)
                      OR a.feed_id IN (SELECT f.id FROM feeds f JOIN followed_topics t
                                       ON t.topic = f.category WHERE t.user_id = $2))
                     AND a.id NOT IN (SELECT article_id FROM read_articles WHERE user_id = $2)"
                } else {
                    "(a.source_id IN (SELECT source_id FROM followed_sources WHERE user_id = $2)
                      OR a.feed_id IN (SELECT f.id FROM feeds f JOIN followed_topics t
                                       ON t.topic = f.category WHERE t.user_id = $2))"
                },
                Some(ListValue::Id(user.0)),
            ),
            ArticleList::Saved(user) => (
                "a.id IN (SELECT article_id FROM saved_articles WHERE user_id = $2)",
                Some(ListValue::Id(user.0)),
            ),
        };
        let cursor_param = if value.is_some() { "$3" } else { "$2" };
        let mut conditions: Vec<String> = Vec::new();
        if !filter.is_empty() {
            conditions.push(filter.to_owned());
        }
        if before.is_some() {
            conditions.push(format!(
                "(a.sort_at, a.id) < (SELECT sort_at, id FROM articles WHERE id = {cursor_param})"
            ));
        }
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let sql = format!(
            "SELECT a.id, a.title, a.url, a.source_id, s.name AS source_name, a.sort_at,
                substr(a.search_text, 1, 300) AS preview
             FROM articles a JOIN sources s ON s.id = a.source_id
             {filter}
             ORDER BY a.sort_at DESC, a.id DESC
             LIMIT $1"
        );
        let rows = on_reader!(&self.db, |pool| {
            let mut query = sqlx::query_as::<_, CardRow>(&sql).bind(limit);
            query = match value {
                Some(ListValue::Id(id)) => query.bind(id),
                Some(ListValue::Text(text)) => query.bind(text),
                None => query,
            };
            if let Some(before) = before {
                query = query.bind(before.0);
            }
            query.fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(ArticleCard::from).collect())
    }

    /// Topics (feed folders) with how many articles each holds, largest first.
    pub async fn topics(&self) -> Result<Vec<(String, i64)>> {
        const SQL: &str = "SELECT f.category, COUNT(a.id)
            FROM feeds f JOIN articles a ON a.feed_id = f.id
            WHERE f.category IS NOT NULL AND f.category <> ''
            GROUP BY f.category
            ORDER BY COUNT(a.id) DESC, f.category";
        let rows: Vec<(String, i64)> = on_reader!(&self.db, |pool| {
            sqlx::query_as(SQL).fetch_all(pool).await?
        });
        Ok(rows)
    }

    pub async fn article(&self, id: ArticleId) -> Result<Article> {
        const SQL: &str = "SELECT a.id, a.feed_id, a.source_id, s.name AS source_name, a.guid,
                a.url, a.title, a.author, a.summary, a.content, a.language,
                a.published_at, a.fetched_at, a.sort_at, a.extraction_state,
                a.extraction_error, a.body_html, a.extracted_by_rules, a.lead_image,
                a.highlights, a.model_highlights, a.story_id, a.dup_group_id
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
