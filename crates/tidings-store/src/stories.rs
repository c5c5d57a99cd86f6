//! Stories: what the story engine decided (placements, moves, related
//! articles), the aggregates lists show, operators' corrections, and the
//! lease that keeps the engine to one node at a time.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use tidings_core::{ArticleCard, ArticleId, SourceId, Story, StoryId, StoryInput, StoryPlacement};

use crate::articles::CardRow;
use crate::db::{on_reader, on_writer};
use crate::{Result, Store, StoreError, one_row};

#[derive(sqlx::FromRow)]
struct InputRow {
    id: i64,
    sort_at: DateTime<Utc>,
    title: Option<String>,
    /// The plain text recorded when the article was placed.
    search_text: Option<String>,
    body_text: Option<String>,
    content: Option<String>,
    summary: Option<String>,
    source_name: String,
    embedding: Option<Vec<u8>>,
    embedding_model: Option<String>,
}

impl From<InputRow> for StoryInput {
    fn from(row: InputRow) -> Self {
        let plain = row.search_text.or(row.body_text);
        let (text, text_is_html) = match (plain, row.content, row.summary) {
            (Some(text), _, _) => (Some(text), false),
            (None, Some(html), _) | (None, None, Some(html)) => (Some(html), true),
            (None, None, None) => (None, false),
        };
        Self {
            id: ArticleId(row.id),
            sort_at: row.sort_at,
            title: row.title,
            text,
            text_is_html,
            source_name: row.source_name,
            embedding: row
                .embedding
                .as_deref()
                .and_then(embedding_from_bytes)
                .zip(row.embedding_model),
        }
    }
}

/// An embedding as stored: little-endian f32s.
fn embedding_to_bytes(embedding: &[f32]) -> Vec<u8> {
    embedding.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// A stored embedding; `None` for a blob that cannot be one.
fn embedding_from_bytes(bytes: &[u8]) -> Option<Vec<f32>> {
    if bytes.is_empty() || !bytes.len().is_multiple_of(4) {
        return None;
    }
    Some(
        bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
    )
}

#[derive(sqlx::FromRow)]
struct PlacedRow {
    #[sqlx(flatten)]
    input: InputRow,
    story_id: i64,
    dup_group_id: Option<i64>,
    story_pinned: bool,
}

#[derive(sqlx::FromRow)]
struct StoryRow {
    id: i64,
    title: Option<String>,
    lead_article_id: Option<i64>,
    first_article_id: Option<i64>,
    first_source_id: Option<i64>,
    first_source_name: Option<String>,
    first_seen_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    article_count: i64,
    source_count: i64,
}

impl From<StoryRow> for Story {
    fn from(row: StoryRow) -> Self {
        Self {
            id: StoryId(row.id),
            title: row.title,
            lead_article_id: row.lead_article_id.map(ArticleId),
            first_article_id: row.first_article_id.map(ArticleId),
            first_source_id: row.first_source_id.map(SourceId),
            first_source_name: row.first_source_name,
            first_seen_at: row.first_seen_at,
            updated_at: row.updated_at,
            article_count: row.article_count,
            source_count: row.source_count,
        }
    }
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    #[sqlx(flatten)]
    card: CardRow,
    story_id: Option<i64>,
    dup_group_id: Option<i64>,
}

/// An article's highlights, with what a citation of it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleHighlights {
    pub article: ArticleId,
    pub title: String,
    pub source_name: String,
    pub highlights: Vec<String>,
}

/// An article's plain text, with what a citation of it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleText {
    pub article: ArticleId,
    pub title: String,
    pub source_name: String,
    pub text: String,
}

/// An article of a story (or a related one), with where it belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryMember {
    pub card: ArticleCard,
    pub story: Option<StoryId>,
    /// Its near-duplicate group (its own id when it is an original).
    pub group: ArticleId,
}

impl From<MemberRow> for StoryMember {
    fn from(row: MemberRow) -> Self {
        let card = ArticleCard::from(row.card);
        Self {
            group: row.dup_group_id.map_or(card.id, ArticleId),
            story: row.story_id.map(StoryId),
            card,
        }
    }
}

/// One batch of the story engine's decisions, written together.
#[derive(Debug, Clone, Default)]
pub struct StoryBatch {
    pub placements: Vec<StoryPlacement>,
    /// Articles placed earlier that refinement moved: (article, new story).
    pub moves: Vec<(ArticleId, StoryId)>,
    /// (article, related article, score), both directions wanted.
    pub related: Vec<(ArticleId, ArticleId, f64)>,
    /// Representative article of stories the batch touched.
    pub leads: Vec<(StoryId, ArticleId)>,
    /// The plain text of newly placed articles, for search.
    pub search_texts: Vec<(ArticleId, String)>,
    /// The highlights of newly placed articles, best sentences in order.
    pub highlights: Vec<(ArticleId, Vec<String>)>,
    /// The tags of newly placed articles, most telling first.
    pub tags: Vec<(ArticleId, Vec<ArticleTag>)>,
}

/// A tag on an article: what it names (`person`, `organization`, `place`,
/// `keyword`), the key shared by every article with it, and its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleTag {
    pub kind: String,
    pub key: String,
    pub label: String,
}

const STORY_COLUMNS: &str = "st.id, st.title, st.lead_article_id, st.first_article_id,
    st.first_source_id, src.name AS first_source_name, st.first_seen_at, st.updated_at,
    st.article_count, st.source_count";

const MEMBER_COLUMNS: &str = "a.id, a.title, a.url, a.source_id, s.name AS source_name,
    a.sort_at, a.story_id, a.dup_group_id, substr(a.search_text, 1, 300) AS preview";

/// Rows per multi-row statement: 5 parameters a row stays far below
/// SQLite's and PostgreSQL's limits on parameters.
const ROWS_PER_STATEMENT: usize = 200;

impl Store {
    /// Takes or renews the lease `name` for `holder` until `until`, unless
    /// another holder's lease is still running. Returns the lease's
    /// generation when held: it changes whenever someone else held the lease
    /// in between (or an operator reset it), so the holder knows whether
    /// what it keeps in memory is still true.
    pub async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        new_generation: i64,
    ) -> Result<Option<i64>> {
        const SQL: &str = "INSERT INTO leases (name, holder, until, generation)
            VALUES ($1, $2, $3, $5)
            ON CONFLICT (name) DO UPDATE SET
                holder = excluded.holder,
                until = excluded.until,
                generation = CASE WHEN leases.holder = excluded.holder
                    THEN leases.generation ELSE excluded.generation END
            WHERE leases.holder = excluded.holder OR leases.until <= $4
            RETURNING generation";
        let generation = on_writer!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(SQL)
                .bind(name)
                .bind(holder)
                .bind(until)
                .bind(now)
                .bind(new_generation)
                .fetch_optional(pool)
                .await?
        });
        Ok(generation)
    }

    /// Gives a lease up (a stopping worker), so another node need not wait.
    pub async fn release_lease(&self, name: &str, holder: &str) -> Result<()> {
        const SQL: &str = "DELETE FROM leases WHERE name = $1 AND holder = $2";
        on_writer!(&self.db, |pool| {
            sqlx::query(SQL)
                .bind(name)
                .bind(holder)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Ends a lease whoever holds it, so its next holder starts from what the
    /// database says (an operator edited what the holder keeps in memory).
    pub async fn reset_lease(&self, name: &str) -> Result<()> {
        const SQL: &str = "DELETE FROM leases WHERE name = $1";
        on_writer!(&self.db, |pool| {
            sqlx::query(SQL)
                .bind(name)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Articles not placed in a story yet whose text is final (extraction
    /// done, failed or not wanted), oldest first.
    pub async fn unplaced_articles(&self, limit: i64) -> Result<Vec<StoryInput>> {
        const SQL: &str =
            "SELECT a.id, a.sort_at, a.title, a.search_text, a.body_text, a.content, a.summary,
                s.name AS source_name, a.embedding, a.embedding_model
            FROM articles a JOIN sources s ON s.id = a.source_id
            WHERE a.story_id IS NULL
              AND (a.extraction_state IS NULL OR a.extraction_state <> 'pending' OR a.url IS NULL)
            ORDER BY a.id
            LIMIT $1";
        let rows = on_reader!(&self.db, |pool| {
            sqlx::query_as::<_, InputRow>(SQL)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(StoryInput::from).collect())
    }

    /// The newest `limit` placed articles sorted at or after `since`, oldest
    /// first, with their placement and whether an operator pinned it: what
    /// the story engine reloads when it starts.
    pub async fn placed_articles_since(
        &self,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<(StoryInput, StoryPlacement, bool)>> {
        const SQL: &str =
            "SELECT a.id, a.sort_at, a.title, a.search_text, a.body_text, a.content, a.summary,
                s.name AS source_name, a.embedding, a.embedding_model, a.story_id, a.dup_group_id, a.story_pinned
            FROM articles a JOIN sources s ON s.id = a.source_id
            WHERE a.story_id IS NOT NULL AND a.sort_at >= $1
            ORDER BY a.id DESC
            LIMIT $2";
        let mut rows = on_reader!(&self.db, |pool| {
            sqlx::query_as::<_, PlacedRow>(SQL)
                .bind(since)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        rows.reverse();
        Ok(rows
            .into_iter()
            .map(|row| {
                let placement = StoryPlacement {
                    article: ArticleId(row.input.id),
                    story: StoryId(row.story_id),
                    group: ArticleId(row.dup_group_id.unwrap_or(row.input.id)),
                };
                (StoryInput::from(row.input), placement, row.story_pinned)
            })
            .collect())
    }

    /// Records articles' embeddings made by `model` (before they are placed).
    pub async fn set_embeddings(
        &self,
        model: &str,
        embeddings: &[(ArticleId, &[f32])],
    ) -> Result<()> {
        const SQL: &str = "UPDATE articles SET embedding = $2, embedding_model = $3 WHERE id = $1";
        if embeddings.is_empty() {
            return Ok(());
        }
        on_writer!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            for (article, embedding) in embeddings {
                sqlx::query(SQL)
                    .bind(article.0)
                    .bind(embedding_to_bytes(embedding))
                    .bind(model)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Writes a batch of the engine's decisions and refreshes the stories
    /// they touch, in one transaction.
    pub async fn record_story_batch(&self, batch: &StoryBatch) -> Result<()> {
        const PLACE: &str = "UPDATE articles SET story_id = $2, dup_group_id = $3 WHERE id = $1";
        const MOVE: &str = "UPDATE articles SET story_id = $2 WHERE id = $1 AND NOT story_pinned";
        // Rows are laid out before the write lock is taken.
        let tag_rows: Vec<(i64, &ArticleTag, i64)> = batch
            .tags
            .iter()
            .flat_map(|(article, tags)| {
                tags.iter()
                    .enumerate()
                    .map(move |(rank, tag)| (article.0, tag, rank as i64))
            })
            .collect();
        // Related pairs both ways; a pair written twice in one statement
        // would make PostgreSQL's upsert fail, so each pair once (the last
        // score wins, as row-by-row writes did).
        let mut pairs: BTreeMap<(i64, i64), f64> = BTreeMap::new();
        for &(a, b, score) in &batch.related {
            pairs.insert((a.0, b.0), score);
            pairs.insert((b.0, a.0), score);
        }
        let pairs: Vec<((i64, i64), f64)> = pairs.into_iter().collect();
        let mut touched: BTreeSet<i64> = BTreeSet::new();
        on_writer!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            for p in &batch.placements {
                sqlx::query(PLACE)
                    .bind(p.article.0)
                    .bind(p.story.0)
                    .bind(p.group.0)
                    .execute(&mut *tx)
                    .await?;
                touched.insert(p.story.0);
            }
            for (article, text) in &batch.search_texts {
                sqlx::query("UPDATE articles SET search_text = $2 WHERE id = $1")
                    .bind(article.0)
                    .bind(text)
                    .execute(&mut *tx)
                    .await?;
            }
            // Many rows a statement: a batch writes thousands of tags and
            // related pairs, and each statement is a round trip to the
            // database (a thread hand-off on SQLite).
            for chunk in batch.tags.chunks(ROWS_PER_STATEMENT) {
                let mut delete =
                    sqlx::QueryBuilder::new("DELETE FROM article_tags WHERE article_id IN (");
                let mut ids = delete.separated(", ");
                for (article, _) in chunk {
                    ids.push_bind(article.0);
                }
                delete.push(")");
                delete.build().execute(&mut *tx).await?;
            }
            for chunk in tag_rows.chunks(ROWS_PER_STATEMENT) {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO article_tags (article_id, kind, tag_key, label, rank) ",
                );
                insert.push_values(chunk, |mut row, (article, tag, rank)| {
                    row.push_bind(*article)
                        .push_bind(&tag.kind)
                        .push_bind(&tag.key)
                        .push_bind(&tag.label)
                        .push_bind(*rank);
                });
                insert.push(" ON CONFLICT DO NOTHING");
                insert.build().execute(&mut *tx).await?;
            }
            for (article, highlights) in &batch.highlights {
                sqlx::query("UPDATE articles SET highlights = $2 WHERE id = $1")
                    .bind(article.0)
                    .bind(join_highlights(highlights))
                    .execute(&mut *tx)
                    .await?;
            }
            for (article, story) in &batch.moves {
                let before: Option<Option<i64>> =
                    sqlx::query_scalar("SELECT story_id FROM articles WHERE id = $1")
                        .bind(article.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                if let Some(Some(before)) = before {
                    touched.insert(before);
                }
                sqlx::query(MOVE)
                    .bind(article.0)
                    .bind(story.0)
                    .execute(&mut *tx)
                    .await?;
                touched.insert(story.0);
            }
            for chunk in pairs.chunks(ROWS_PER_STATEMENT) {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO related_articles (article_id, related_id, score) ",
                );
                insert.push_values(chunk, |mut row, ((x, y), score)| {
                    row.push_bind(*x).push_bind(*y).push_bind(*score);
                });
                insert.push(
                    " ON CONFLICT (article_id, related_id) DO UPDATE SET score = excluded.score",
                );
                insert.build().execute(&mut *tx).await?;
            }
            for &story in &touched {
                refresh_story(&mut tx, story).await?;
            }
            for (story, lead) in &batch.leads {
                sqlx::query(
                    "UPDATE stories SET lead_article_id = $2,
                        title = (SELECT title FROM articles WHERE id = $2)
                     WHERE id = $1 AND EXISTS
                        (SELECT 1 FROM articles WHERE id = $2 AND story_id = $1)",
                )
                .bind(story.0)
                .bind(lead.0)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// An operator's correction: puts `article` in `story` (a new story when
    /// `story` holds no article yet) and pins it there.
    pub async fn move_article_to_story(&self, article: ArticleId, story: StoryId) -> Result<()> {
        on_writer!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let before: Option<Option<i64>> =
                sqlx::query_scalar("SELECT story_id FROM articles WHERE id = $1")
                    .bind(article.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some(before) = before else {
                return Err(StoreError::NotFound);
            };
            let moved =
                sqlx::query("UPDATE articles SET story_id = $2, story_pinned = TRUE WHERE id = $1")
                    .bind(article.0)
                    .bind(story.0)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            one_row(moved)?;
            if let Some(before) = before {
                refresh_story(&mut tx, before).await?;
            }
            refresh_story(&mut tx, story.0).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn story(&self, id: StoryId) -> Result<Story> {
        let sql = format!(
            "SELECT {STORY_COLUMNS} FROM stories st
             LEFT JOIN sources src ON src.id = st.first_source_id
             WHERE st.id = $1"
        );
        let row = on_reader!(&self.db, |pool| {
            sqlx::query_as::<_, StoryRow>(&sql)
                .bind(id.0)
                .fetch_optional(pool)
                .await?
        });
        row.map(Story::from).ok_or(StoreError::NotFound)
    }

    /// Stories updated since `since`, most widely covered first, then newest.
    pub async fn top_stories(&self, since: DateTime<Utc>, limit: i64) -> Result<Vec<Story>> {
        let sql = format!(
            "SELECT {STORY_COLUMNS} FROM stories st
             LEFT JOIN sources src ON src.id = st.first_source_id
             WHERE st.updated_at >= $1
             ORDER BY st.source_count DESC, st.article_count DESC, st.updated_at DESC, st.id DESC
             LIMIT $2"
        );
        let rows = on_reader!(&self.db, |pool| {
            sqlx::query_as::<_, StoryRow>(&sql)
                .bind(since)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(Story::from).collect())
    }

    /// An article's tags, most telling first.
    pub async fn article_tags(&self, article: ArticleId) -> Result<Vec<ArticleTag>> {
        let rows: Vec<(String, String, String)> = on_reader!(&self.db, |pool| {
            sqlx::query_as(
                "SELECT kind, tag_key, label FROM article_tags WHERE article_id = $1 ORDER BY rank",
            )
            .bind(article.0)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(kind, key, label)| ArticleTag { kind, key, label })
            .collect())
    }

    /// The tags most of a story's articles carry, most shared first.
    pub async fn story_tags(&self, story: StoryId, limit: i64) -> Result<Vec<ArticleTag>> {
        let rows: Vec<(String, String, String, i64)> = on_reader!(&self.db, |pool| {
            sqlx::query_as(
                "SELECT t.kind, t.tag_key, MIN(t.label), COUNT(*) AS n
                 FROM article_tags t JOIN articles a ON a.id = t.article_id
                 WHERE a.story_id = $1
                 GROUP BY t.kind, t.tag_key
                 ORDER BY n DESC, MIN(t.rank), t.tag_key
                 LIMIT $2",
            )
            .bind(story.0)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(kind, key, label, _)| ArticleTag { kind, key, label })
            .collect())
    }

    /// The stories with articles tagged `kind`/`key`, latest first, and the
    /// tag's label.
    pub async fn tag_stories(
        &self,
        kind: &str,
        key: &str,
        limit: i64,
    ) -> Result<(Option<String>, Vec<Story>)> {
        let sql = format!(
            "SELECT {STORY_COLUMNS} FROM stories st
             LEFT JOIN sources src ON src.id = st.first_source_id
             WHERE st.id IN (SELECT a.story_id FROM article_tags t JOIN articles a ON a.id = t.article_id
                             WHERE t.kind = $1 AND t.tag_key = $2 AND a.story_id IS NOT NULL)
             ORDER BY st.updated_at DESC, st.id DESC
             LIMIT $3"
        );
        let rows = on_reader!(&self.db, |pool| {
            sqlx::query_as::<_, StoryRow>(&sql)
                .bind(kind)
                .bind(key)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        let label: Option<String> = on_reader!(&self.db, |pool| {
            sqlx::query_scalar(
                "SELECT label FROM article_tags WHERE kind = $1 AND tag_key = $2 LIMIT 1",
            )
            .bind(kind)
            .bind(key)
            .fetch_optional(pool)
            .await?
        });
        Ok((label, rows.into_iter().map(Story::from).collect()))
    }

    /// The articles of a story, newest first.
    pub async fn story_members(&self, story: StoryId, limit: i64) -> Result<Vec<StoryMember>> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id
             WHERE a.story_id = $1
             ORDER BY a.sort_at DESC, a.id DESC
             LIMIT $2"
        );
        let rows = on_reader!(&self.db, |pool| {
            sqlx::query_as::<_, MemberRow>(&sql)
                .bind(story.0)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(StoryMember::from).collect())
    }

    /// The highlights of a story's articles, one article per syndicated
    /// text (the first outlet to run it), newest first.
    pub async fn story_highlights(
        &self,
        story: StoryId,
        limit: i64,
    ) -> Result<Vec<ArticleHighlights>> {
        let rows = self.story_originals(story, "a.highlights", limit).await?;
        Ok(rows
            .into_iter()
            .map(
                |(article, title, source_name, highlights)| ArticleHighlights {
                    article,
                    title,
                    source_name,
                    highlights: split_highlights(Some(&highlights)),
                },
            )
            .collect())
    }

    /// The plain text of a story's articles, one per syndicated text, newest
    /// first.
    pub async fn story_texts(&self, story: StoryId, limit: i64) -> Result<Vec<ArticleText>> {
        let rows = self.story_originals(story, "a.search_text", limit).await?;
        Ok(rows
            .into_iter()
            .map(|(article, title, source_name, text)| ArticleText {
                article,
                title,
                source_name,
                text,
            })
            .collect())
    }

    /// (id, title, source name, `column`) of a story's originals (one per
    /// syndicated text) that have `column`, newest first. `column` is one of
    /// this module's names, never input.
    async fn story_originals(
        &self,
        story: StoryId,
        column: &'static str,
        limit: i64,
    ) -> Result<Vec<(ArticleId, String, String, String)>> {
        let sql = format!(
            "SELECT a.id, a.title, s.name AS source_name, {column}
             FROM articles a JOIN sources s ON s.id = a.source_id
             WHERE a.story_id = $1 AND {column} IS NOT NULL
               AND (a.dup_group_id IS NULL OR a.dup_group_id = a.id)
             ORDER BY a.sort_at DESC, a.id DESC
             LIMIT $2"
        );
        let rows: Vec<(i64, Option<String>, String, String)> = on_reader!(&self.db, |pool| {
            sqlx::query_as(&sql)
                .bind(story.0)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, title, source, value)| {
                (ArticleId(id), title.unwrap_or_default(), source, value)
            })
            .collect())
    }

    /// Articles the engine found related to `article`, best first.
    pub async fn related_articles(
        &self,
        article: ArticleId,
        limit: i64,
    ) -> Result<Vec<StoryMember>> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM related_articles r
             JOIN articles a ON a.id = r.related_id
             JOIN sources s ON s.id = a.source_id
             WHERE r.article_id = $1
             ORDER BY r.score DESC, a.id DESC
             LIMIT $2"
        );
        let rows = on_reader!(&self.db, |pool| {
            sqlx::query_as::<_, MemberRow>(&sql)
                .bind(article.0)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(StoryMember::from).collect())
    }

    /// The story and near-duplicate group of an article, when placed.
    pub async fn article_story(&self, article: ArticleId) -> Result<Option<(StoryId, ArticleId)>> {
        const SQL: &str = "SELECT story_id, dup_group_id FROM articles WHERE id = $1";
        let row: Option<(Option<i64>, Option<i64>)> = on_reader!(&self.db, |pool| {
            sqlx::query_as(SQL)
                .bind(article.0)
                .fetch_optional(pool)
                .await?
        });
        let (story, group) = row.ok_or(StoreError::NotFound)?;
        Ok(story.map(|s| (StoryId(s), ArticleId(group.unwrap_or(article.0)))))
    }
}

/// Rewrites a story's aggregates from its articles; creates the row for a
/// new story and deletes the row of one left empty.
async fn refresh_story<'c, DB>(tx: &mut sqlx::Transaction<'c, DB>, story: i64) -> Result<()>
where
    DB: sqlx::Database,
    for<'e> &'e mut DB::Connection: sqlx::Executor<'e, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    i64: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    const CREATE: &str = "INSERT INTO stories (id, first_seen_at, updated_at)
        SELECT $1, MIN(sort_at), MAX(sort_at) FROM articles WHERE story_id = $1
        HAVING COUNT(*) > 0
        ON CONFLICT (id) DO NOTHING";
    const AGGREGATES: &str = "UPDATE stories SET
            article_count = (SELECT COUNT(*) FROM articles WHERE story_id = $1),
            source_count = (SELECT COUNT(DISTINCT source_id) FROM articles WHERE story_id = $1),
            first_seen_at = COALESCE((SELECT MIN(sort_at) FROM articles WHERE story_id = $1), first_seen_at),
            updated_at = COALESCE((SELECT MAX(sort_at) FROM articles WHERE story_id = $1), updated_at),
            first_article_id = (SELECT id FROM articles WHERE story_id = $1 ORDER BY sort_at, id LIMIT 1),
            first_source_id = (SELECT source_id FROM articles WHERE story_id = $1 ORDER BY sort_at, id LIMIT 1)
        WHERE id = $1";
    // A lead that left the story gives way to the first report.
    const LEAD: &str = "UPDATE stories SET lead_article_id = first_article_id,
            title = (SELECT title FROM articles WHERE id = stories.first_article_id)
        WHERE id = $1 AND (lead_article_id IS NULL OR NOT EXISTS
            (SELECT 1 FROM articles WHERE id = stories.lead_article_id AND story_id = $1))";
    const DROP_EMPTY: &str = "DELETE FROM stories WHERE id = $1
        AND NOT EXISTS (SELECT 1 FROM articles WHERE story_id = $1)";
    for sql in [CREATE, AGGREGATES, LEAD, DROP_EMPTY] {
        sqlx::query(sql).bind(story).execute(&mut **tx).await?;
    }
    Ok(())
}

/// Highlights are stored one per line (a sentence never holds a line break).
fn join_highlights(highlights: &[String]) -> Option<String> {
    let lines: Vec<String> = highlights
        .iter()
        .map(|h| h.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|h| !h.is_empty())
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// The stored highlights, one per line, back into a list.
pub(crate) fn split_highlights(stored: Option<&str>) -> Vec<String> {
    stored
        .map(|s| {
            s.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}
