//! Full-text search: FTS5 on SQLite, `tsvector` on PostgreSQL. The one
//! place where the two dialects differ most, so each has its own SQL.

use chrono::{DateTime, Utc};
use tidings_core::{ArticleCard, SourceId};

use crate::articles::CardRow;
use crate::db::{Db, on_reader};
use crate::{Result, Store};

/// Marks the start of a matched word in a snippet (the text is plain and
/// unescaped; the caller escapes it, then turns the marks into markup).
pub const MATCH_START: char = '\u{2}';
/// Marks the end of a matched word in a snippet.
pub const MATCH_END: char = '\u{3}';

/// Matches ranked per search: the newest this many. Ranking every match of
/// a common word over a million articles costs seconds; news readers want
/// the recent ones, and a date range reaches older matches.
const CANDIDATES: i64 = 2_000;

/// What a reader searches for.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    /// Words as typed.
    pub text: String,
    pub source: Option<SourceId>,
    /// A feed category (folder).
    pub topic: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub card: ArticleCard,
    /// Plain text around the matches, matches between [`MATCH_START`] and
    /// [`MATCH_END`].
    pub snippet: String,
}

#[derive(sqlx::FromRow)]
struct HitRow {
    #[sqlx(flatten)]
    card: CardRow,
    snippet: Option<String>,
}

/// An FTS5 query from words as typed: every word must appear (quoted, so
/// nothing a reader types is FTS syntax).
fn fts5_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(32)
        .map(|w| format!("\"{w}\""))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

impl Store {
    /// Merges the SQLite full-text index's segments, doing at most about
    /// `pages` pages of work. Every committed batch of articles adds a
    /// segment, and a match reads every segment: on a million articles
    /// fed in batches, a two-word search took 81 ms before merging and
    /// 24 ms after. Called a little at a time so no pass holds the writer
    /// long. PostgreSQL's GIN index needs nothing of the kind (autovacuum
    /// flushes its pending list).
    pub async fn merge_search_index(&self, pages: i64) -> Result<()> {
        if let Db::Sqlite { writer, .. } = &self.db {
            // A negative budget merges across levels, towards one segment.
            sqlx::query("INSERT INTO articles_fts (articles_fts, rank) VALUES ('merge', $1)")
                .bind(-pages.abs())
                .execute(writer)
                .await?;
        }
        Ok(())
    }

    /// Articles matching `query`, best first: relevance (title matches
    /// weigh more) discounted by age, so that among equally good matches
    /// the newer comes first.
    pub async fn search(&self, query: &SearchQuery, now: DateTime<Utc>) -> Result<Vec<SearchHit>> {
        let (sql, words) = match &self.db {
            Db::Sqlite { .. } => {
                let Some(fts) = fts5_query(&query.text) else {
                    return Ok(Vec::new());
                };
                let filtered = query.source.is_some()
                    || query.topic.is_some()
                    || query.since.is_some()
                    || query.until.is_some();
                (sqlite_search(filtered), fts)
            }
            Db::Postgres(_) => {
                if query.text.trim().is_empty() {
                    return Ok(Vec::new());
                }
                (POSTGRES_SEARCH.to_owned(), query.text.clone())
            }
        };
        let rows: Vec<HitRow> = on_reader!(&self.db, |pool| {
            sqlx::query_as(&sql)
                .bind(&words)
                .bind(query.source.map(|s| s.0))
                .bind(query.topic.as_deref())
                .bind(query.since)
                .bind(query.until)
                .bind(now)
                .bind(query.limit)
                .bind(query.offset)
                .bind(CANDIDATES)
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|row| SearchHit {
                snippet: row.snippet.unwrap_or_default(),
                card: ArticleCard::from(row.card),
            })
            .collect())
    }
}

/// The SQLite search (FTS5). Without filters the candidates come straight
/// from the FTS index in rowid (time) order, which SQLite walks without
/// ranking every match; with filters the join decides. Snippets are made
/// for the page's rows only.
fn sqlite_search(filtered: bool) -> String {
    let candidates = if filtered {
        "SELECT articles_fts.rowid AS id, tidings_rank(articles_fts, 4.0, 1.0) AS score
         FROM articles_fts
         JOIN articles a ON a.id = articles_fts.rowid
         WHERE articles_fts MATCH $1
           AND ($2 IS NULL OR a.source_id = $2)
           AND ($3 IS NULL OR a.feed_id IN (SELECT id FROM feeds WHERE category = $3))
           AND ($4 IS NULL OR a.sort_at >= $4)
           AND ($5 IS NULL OR a.sort_at < $5)
         ORDER BY articles_fts.rowid DESC
         LIMIT $9"
    } else {
        "SELECT rowid AS id, tidings_rank(articles_fts, 4.0, 1.0) AS score
         FROM articles_fts
         WHERE articles_fts MATCH $1
           AND $2 IS NULL AND $3 IS NULL AND $4 IS NULL AND $5 IS NULL
         ORDER BY rowid DESC
         LIMIT $9"
    };
    format!(
        "WITH candidates AS ({candidates}),
         page AS (
             SELECT c.id, c.score
                 / (1.0 + MAX(0.0, julianday($6) - julianday(a.sort_at)) / 7.0) AS rank
             FROM candidates c JOIN articles a INDEXED BY articles_id_sort_at ON a.id = c.id
             ORDER BY rank, c.id DESC
             LIMIT $7 OFFSET $8
         )
         SELECT a.id, a.title, a.url, a.source_id, s.name AS source_name, a.sort_at,
             NULL AS preview, snippet(articles_fts, -1, char(2), char(3), '…', 24) AS snippet
         FROM articles_fts
         JOIN page p ON p.id = articles_fts.rowid
         JOIN articles a ON a.id = p.id
         JOIN sources s ON s.id = a.source_id
         WHERE articles_fts MATCH $1
           AND articles_fts.rowid IN (SELECT id FROM page)
         ORDER BY p.rank, p.id DESC"
    )
}

/// The PostgreSQL search (`tsvector`), same parameters as [`sqlite_search`].
const POSTGRES_SEARCH: &str = "WITH q AS (SELECT websearch_to_tsquery('english', $1) AS q),
         candidates AS (
             SELECT a.id, ts_rank_cd(a.search_vector, q.q) AS score
             FROM articles a, q
             WHERE a.search_vector @@ q.q
               AND ($2::BIGINT IS NULL OR a.source_id = $2)
               AND ($3::TEXT IS NULL OR a.feed_id IN (SELECT id FROM feeds WHERE category = $3))
               AND ($4::TIMESTAMPTZ IS NULL OR a.sort_at >= $4)
               AND ($5::TIMESTAMPTZ IS NULL OR a.sort_at < $5)
             ORDER BY a.id DESC
             LIMIT $9
         ),
         page AS (
             SELECT a.id, a.title, a.url, a.source_id, a.sort_at, a.search_text,
                 c.score / (1.0 + GREATEST(0.0,
                     EXTRACT(EPOCH FROM ($6 - a.sort_at)) / 604800.0)) AS rank
             FROM candidates c JOIN articles a ON a.id = c.id
             ORDER BY rank DESC, a.id DESC
             LIMIT $7 OFFSET $8
         )
         SELECT p.id, p.title, p.url, p.source_id, s.name AS source_name, p.sort_at,
             NULL::TEXT AS preview,
             ts_headline('english', coalesce(p.search_text, p.title, ''), q.q,
                 'StartSel=' || chr(2) || ',StopSel=' || chr(3)
                 || ',MaxWords=35,MinWords=15,MaxFragments=1') AS snippet
         FROM page p JOIN sources s ON s.id = p.source_id, q
         ORDER BY p.rank DESC, p.id DESC";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_words_never_become_fts_syntax() {
        assert_eq!(
            fts5_query("harbour AND \"wall\" OR NEAR(x*"),
            Some("\"harbour\" \"AND\" \"wall\" \"OR\" \"NEAR\" \"x\"".into())
        );
        assert_eq!(fts5_query(" -- "), None);
    }
}
