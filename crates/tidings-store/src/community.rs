//! Accounts, sessions, comments, reports, the moderation log, rate-limit
//! counters and site settings.

use chrono::{DateTime, Utc};
use tidings_core::{
    ArticleId, Comment, CommentId, CommentTarget, Report, Role, SourceId, User, UserId,
};

use crate::db::{on_reader, on_writer};
use crate::{Result, Store, StoreError};

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    name: String,
    role: String,
    created_at: DateTime<Utc>,
    banned_at: Option<DateTime<Utc>>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        Self {
            id: UserId(row.id),
            name: row.name,
            // An unknown role (a newer version's) gets the least power.
            role: row.role.parse().unwrap_or(Role::Reader),
            created_at: row.created_at,
            banned: row.banned_at.is_some(),
        }
    }
}

const USER_COLUMNS: &str = "u.id, u.name, u.role, u.created_at, u.banned_at";

#[derive(sqlx::FromRow)]
struct CommentRow {
    id: i64,
    target_kind: String,
    target_id: i64,
    parent_id: Option<i64>,
    user_id: Option<i64>,
    author_name: Option<String>,
    markdown: String,
    html: String,
    created_at: DateTime<Utc>,
    edited_at: Option<DateTime<Utc>>,
    deleted_at: Option<DateTime<Utc>>,
    hidden_at: Option<DateTime<Utc>>,
    held: bool,
}

impl TryFrom<CommentRow> for Comment {
    type Error = StoreError;
    fn try_from(row: CommentRow) -> Result<Self> {
        let target = CommentTarget::from_parts(&row.target_kind, row.target_id)
            .ok_or_else(|| StoreError::Corrupt(format!("comment target {:?}", row.target_kind)))?;
        Ok(Self {
            id: CommentId(row.id),
            target,
            parent: row.parent_id.map(CommentId),
            author: row
                .user_id
                .zip(row.author_name)
                .map(|(id, name)| (UserId(id), name)),
            markdown: row.markdown,
            html: row.html,
            created_at: row.created_at,
            edited_at: row.edited_at,
            deleted: row.deleted_at.is_some(),
            hidden: row.hidden_at.is_some(),
            held: row.held,
        })
    }
}

const COMMENT_COLUMNS: &str = "c.id, c.target_kind, c.target_id, c.parent_id, c.user_id,
    u.name AS author_name, c.markdown, c.html, c.created_at, c.edited_at, c.deleted_at,
    c.hidden_at, c.held";

/// A new comment, rendered.
pub struct NewComment<'a> {
    pub id: CommentId,
    pub target: CommentTarget,
    pub parent: Option<CommentId>,
    pub author: UserId,
    pub markdown: &'a str,
    pub html: &'a str,
    pub held: bool,
    pub now: DateTime<Utc>,
}

/// An entry of the moderation log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedAction {
    pub moderator: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub at: DateTime<Utc>,
}

impl Store {
    /// Creates an account; a taken name (in any case) is a conflict.
    pub async fn create_user(
        &self,
        id: UserId,
        name: &str,
        name_key: &str,
        password_hash: &str,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<User> {
        const SQL: &str = "INSERT INTO users (id, name, name_key, password_hash, role, created_at)
            VALUES ($1, $2, $3, $4, $5, $6)";
        let inserted = on_writer!(&self.db, |pool| {
            sqlx::query(SQL)
                .bind(id.0)
                .bind(name)
                .bind(name_key)
                .bind(password_hash)
                .bind(role.as_str())
                .bind(now)
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        });
        match inserted {
            Ok(_) => self.user(id).await,
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(StoreError::Conflict(format!("user name {name:?}")))
            }
            Err(e) => Err(e.into()),
        }
    }

    pub async fn user(&self, id: UserId) -> Result<User> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
        let row = on_reader!(&self.db, |pool| {
            sqlx::query_as::<_, UserRow>(&sql)
                .bind(id.0)
                .fetch_optional(pool)
                .await?
        });
        row.map(User::from).ok_or(StoreError::NotFound)
    }

    /// The account named `name_key`, with its password hash.
    pub async fn user_by_name(&self, name_key: &str) -> Result<Option<(User, String)>> {
        let sql =
            format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.name_key = $1");
        let row = on_reader!(&self.db, |pool| {
            sqlx::query_as::<
                _,
                (
                    i64,
                    String,
                    String,
                    DateTime<Utc>,
                    Option<DateTime<Utc>>,
                    String,
                ),
            >(&sql)
            .bind(name_key)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|(id, name, role, created_at, banned_at, hash)| {
            (
                User::from(UserRow {
                    id,
                    name,
                    role,
                    created_at,
                    banned_at,
                }),
                hash,
            )
        }))
    }

    pub async fn password_hash(&self, id: UserId) -> Result<String> {
        let hash: Option<String> = on_reader!(&self.db, |pool| {
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
                .bind(id.0)
                .fetch_optional(pool)
                .await?
        });
        hash.ok_or(StoreError::NotFound)
    }

    pub async fn set_password_hash(&self, id: UserId, hash: &str) -> Result<()> {
        on_writer!(&self.db, |pool| {
            sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
                .bind(id.0)
                .bind(hash)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    pub async fn set_role(&self, id: UserId, role: Role) -> Result<()> {
        let done = on_writer!(&self.db, |pool| {
            sqlx::query("UPDATE users SET role = $2 WHERE id = $1")
                .bind(id.0)
                .bind(role.as_str())
                .execute(pool)
                .await?
                .rows_affected()
        });
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Bans (`Some(now)`) or unbans (`None`) an account; a ban also ends its
    /// sessions' power to post, since every post checks the ban.
    pub async fn set_banned(&self, id: UserId, at: Option<DateTime<Utc>>) -> Result<()> {
        let done = on_writer!(&self.db, |pool| {
            sqlx::query("UPDATE users SET banned_at = $2 WHERE id = $1")
                .bind(id.0)
                .bind(at)
                .execute(pool)
                .await?
                .rows_affected()
        });
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Deletes an account and its sessions; its comments are removed, or kept
    /// without an author (`keep_comments`).
    pub async fn delete_user(&self, id: UserId, keep_comments: bool) -> Result<()> {
        on_writer!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            if keep_comments {
                sqlx::query("UPDATE comments SET user_id = NULL WHERE user_id = $1")
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
            } else {
                // Replies to them stay, under a "deleted" placeholder.
                sqlx::query(
                    "UPDATE comments SET user_id = NULL, markdown = '', html = '', deleted_at = created_at
                     WHERE user_id = $1",
                )
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            }
            for sql in [
                "DELETE FROM user_identities WHERE user_id = $1",
                "DELETE FROM saved_articles WHERE user_id = $1",
                "DELETE FROM read_articles WHERE user_id = $1",
                "DELETE FROM followed_sources WHERE user_id = $1",
                "DELETE FROM followed_topics WHERE user_id = $1",
                "DELETE FROM sessions WHERE user_id = $1",
                "DELETE FROM comment_reports WHERE user_id = $1",
                "DELETE FROM users WHERE id = $1",
            ] {
                sqlx::query(sql).bind(id.0).execute(&mut *tx).await?;
            }
            tx.commit().await?
        });
        Ok(())
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        on_writer!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(token_hash)
            .bind(user.0)
            .bind(now)
            .bind(expires_at)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(())
    }

    /// The account a session token (hash) signs in, unless it expired.
    pub async fn session_user(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2"
        );
        let row = on_reader!(&self.db, |pool| {
            sqlx::query_as::<_, UserRow>(&sql)
                .bind(token_hash)
                .bind(now)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(User::from))
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        on_writer!(&self.db, |pool| {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Ends every session of an account but `keep` (after a password
    /// change, the other browsers are signed out).
    pub async fn delete_other_sessions(&self, user: UserId, keep: &str) -> Result<()> {
        on_writer!(&self.db, |pool| {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                .bind(user.0)
                .bind(keep)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Records an event under `key` and says whether fewer than `limit`
    /// events (this one included) happened since `since`. Old events are
    /// pruned as a side effect.
    pub async fn rate_hit(
        &self,
        key: &str,
        now: DateTime<Utc>,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<bool> {
        let count: i64 = on_writer!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM rate_events WHERE rate_key = $1 AND at <= $2")
                .bind(key)
                .bind(since)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO rate_events (rate_key, at) VALUES ($1, $2)")
                .bind(key)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let count = sqlx::query_scalar("SELECT COUNT(*) FROM rate_events WHERE rate_key = $1")
                .bind(key)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            count
        });
        Ok(count <= limit)
    }

    /// Forgets rate-limit events older than `before` and sessions that
    /// expired: housekeeping, so neither table grows without end.
    pub async fn prune_accounts_state(
        &self,
        before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let pruned = on_writer!(&self.db, |pool| {
            let events = sqlx::query("DELETE FROM rate_events WHERE at < $1")
                .bind(before)
                .execute(pool)
                .await?
                .rows_affected();
            let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected();
            events + sessions
        });
        Ok(pruned)
    }

    /// Events under `key` since `since`.
    pub async fn rate_count(&self, key: &str, since: DateTime<Utc>) -> Result<i64> {
        Ok(on_reader!(&self.db, |pool| {
            sqlx::query_scalar("SELECT COUNT(*) FROM rate_events WHERE rate_key = $1 AND at > $2")
                .bind(key)
                .bind(since)
                .fetch_one(pool)
                .await?
        }))
    }

    /// Forgets the events under `key` (a successful sign-in clears the
    /// failures before it).
    pub async fn rate_clear(&self, key: &str) -> Result<()> {
        on_writer!(&self.db, |pool| {
            sqlx::query("DELETE FROM rate_events WHERE rate_key = $1")
                .bind(key)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    pub async fn setting(&self, name: &str) -> Result<Option<String>> {
        Ok(on_reader!(&self.db, |pool| {
            sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
                .bind(name)
                .fetch_optional(pool)
                .await?
        }))
    }

    pub async fn set_setting(&self, name: &str, value: &str) -> Result<()> {
        on_writer!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO settings (name, value) VALUES ($1, $2)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            )
            .bind(name)
            .bind(value)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(())
    }

    /// The setting `name`, set to `value` first if it has none: every node
    /// gets the same value, whoever came first.
    pub async fn setting_or_insert(&self, name: &str, value: &str) -> Result<String> {
        let stored: String = on_writer!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(value)
            .execute(pool)
            .await?;
            sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
                .bind(name)
                .fetch_one(pool)
                .await?
        });
        Ok(stored)
    }

    /// Articles with offline highlights the model has not been asked to
    /// reword yet, newest first: (id, title, highlights).
    pub async fn highlights_to_reword(
        &self,
        limit: i64,
    ) -> Result<Vec<(ArticleId, String, Vec<String>)>> {
        let rows: Vec<(i64, Option<String>, Option<String>)> = on_reader!(&self.db, |pool| {
            sqlx::query_as(
                "SELECT id, title, highlights FROM articles
                 WHERE highlights IS NOT NULL AND model_highlights IS NULL
                 ORDER BY id DESC LIMIT $1",
            )
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, title, h)| {
                (
                    ArticleId(id),
                    title.unwrap_or_default(),
                    crate::stories::split_highlights(h.as_deref()),
                )
            })
            .collect())
    }

    /// Records the model's highlights (text, offline highlights it rests
    /// on); an empty list records that its wording was refused.
    pub async fn set_model_highlights(
        &self,
        article: ArticleId,
        bullets: &[(String, Vec<usize>)],
    ) -> Result<()> {
        let stored: Vec<String> = bullets
            .iter()
            .map(|(text, cites)| {
                let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                let cites: Vec<String> = cites.iter().map(|c| (c + 1).to_string()).collect();
                format!("{text}\t{}", cites.join(","))
            })
            .collect();
        on_writer!(&self.db, |pool| {
            sqlx::query("UPDATE articles SET model_highlights = $2 WHERE id = $1")
                .bind(article.0)
                .bind(stored.join("\n"))
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// The account an OpenID identity is linked to.
    pub async fn identity_user(&self, issuer: &str, subject: &str) -> Result<Option<UserId>> {
        let id: Option<i64> = on_reader!(&self.db, |pool| {
            sqlx::query_scalar(
                "SELECT user_id FROM user_identities WHERE issuer = $1 AND subject = $2",
            )
            .bind(issuer)
            .bind(subject)
            .fetch_optional(pool)
            .await?
        });
        Ok(id.map(UserId))
    }

    pub async fn link_identity(
        &self,
        issuer: &str,
        subject: &str,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_writer!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO user_identities (issuer, subject, user_id, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(issuer)
            .bind(subject)
            .bind(user.0)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(())
    }

    pub async fn cached_reply(&self, key: &str) -> Result<Option<String>> {
        Ok(on_reader!(&self.db, |pool| {
            sqlx::query_scalar("SELECT reply FROM model_cache WHERE cache_key = $1")
                .bind(key)
                .fetch_optional(pool)
                .await?
        }))
    }

    pub async fn cache_reply(&self, key: &str, reply: &str, now: DateTime<Utc>) -> Result<()> {
        on_writer!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO model_cache (cache_key, reply, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (cache_key) DO UPDATE SET reply = excluded.reply, created_at = excluded.created_at",
            )
            .bind(key)
            .bind(reply)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(())
    }

    /// Saves (or unsaves) an article for a reader.
    pub async fn set_saved(
        &self,
        user: UserId,
        article: ArticleId,
        saved: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.set_article_mark("saved_articles", "saved_at", user, article, saved, now)
            .await
    }

    /// Marks (or unmarks) an article read for a reader.
    pub async fn set_read(
        &self,
        user: UserId,
        article: ArticleId,
        read: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.set_article_mark("read_articles", "read_at", user, article, read, now)
            .await
    }

    /// Sets or clears a reader's mark on an article; `table` and `at` are
    /// this module's own names, never input.
    async fn set_article_mark(
        &self,
        table: &'static str,
        at: &'static str,
        user: UserId,
        article: ArticleId,
        on: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let insert = format!(
            "INSERT INTO {table} (user_id, article_id, {at}) VALUES ($1, $2, $3)
             ON CONFLICT (user_id, article_id) DO NOTHING"
        );
        let delete = format!("DELETE FROM {table} WHERE user_id = $1 AND article_id = $2");
        on_writer!(&self.db, |pool| {
            if on {
                sqlx::query(&insert)
                    .bind(user.0)
                    .bind(article.0)
                    .bind(now)
                    .execute(pool)
                    .await?;
            } else {
                sqlx::query(&delete)
                    .bind(user.0)
                    .bind(article.0)
                    .execute(pool)
                    .await?;
            }
        });
        Ok(())
    }

    /// Whether a reader saved, and read, an article.
    pub async fn reader_marks(&self, user: UserId, article: ArticleId) -> Result<(bool, bool)> {
        let (saved, read): (i64, i64) = on_reader!(&self.db, |pool| {
            sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM saved_articles WHERE user_id = $1 AND article_id = $2),
                        (SELECT COUNT(*) FROM read_articles WHERE user_id = $1 AND article_id = $2)",
            )
            .bind(user.0)
            .bind(article.0)
            .fetch_one(pool)
            .await?
        });
        Ok((saved > 0, read > 0))
    }

    pub async fn set_follows_source(
        &self,
        user: UserId,
        source: SourceId,
        follow: bool,
    ) -> Result<()> {
        on_writer!(&self.db, |pool| {
            if follow {
                sqlx::query(
                    "INSERT INTO followed_sources (user_id, source_id) VALUES ($1, $2)
                     ON CONFLICT (user_id, source_id) DO NOTHING",
                )
                .bind(user.0)
                .bind(source.0)
                .execute(pool)
                .await?;
            } else {
                sqlx::query("DELETE FROM followed_sources WHERE user_id = $1 AND source_id = $2")
                    .bind(user.0)
                    .bind(source.0)
                    .execute(pool)
                    .await?;
            }
        });
        Ok(())
    }

    pub async fn set_follows_topic(&self, user: UserId, topic: &str, follow: bool) -> Result<()> {
        on_writer!(&self.db, |pool| {
            if follow {
                sqlx::query(
                    "INSERT INTO followed_topics (user_id, topic) VALUES ($1, $2)
                     ON CONFLICT (user_id, topic) DO NOTHING",
                )
                .bind(user.0)
                .bind(topic)
                .execute(pool)
                .await?;
            } else {
                sqlx::query("DELETE FROM followed_topics WHERE user_id = $1 AND topic = $2")
                    .bind(user.0)
                    .bind(topic)
                    .execute(pool)
                    .await?;
            }
        });
        Ok(())
    }

    /// The publishers (id, name) and topics a reader follows.
    pub async fn follows(&self, user: UserId) -> Result<(Vec<(SourceId, String)>, Vec<String>)> {
        let sources: Vec<(i64, String)> = on_reader!(&self.db, |pool| {
            sqlx::query_as(
                "SELECT s.id, s.name FROM followed_sources f JOIN sources s ON s.id = f.source_id
                 WHERE f.user_id = $1 ORDER BY s.name",
            )
            .bind(user.0)
            .fetch_all(pool)
            .await?
        });
        let topics: Vec<String> = on_reader!(&self.db, |pool| {
            sqlx::query_scalar(
                "SELECT topic FROM followed_topics WHERE user_id = $1 ORDER BY topic",
            )
            .bind(user.0)
            .fetch_all(pool)
            .await?
        });
        Ok((
            sources
                .into_iter()
                .map(|(id, name)| (SourceId(id), name))
                .collect(),
            topics,
        ))
    }

    pub async fn insert_comment(&self, new: &NewComment<'_>) -> Result<Comment> {
        on_writer!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO comments (id, target_kind, target_id, parent_id, user_id, markdown, html, created_at, held)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(new.id.0)
            .bind(new.target.kind())
            .bind(new.target.id())
            .bind(new.parent.map(|p| p.0))
            .bind(new.author.0)
            .bind(new.markdown)
            .bind(new.html)
            .bind(new.now)
            .bind(new.held)
            .execute(pool)
            .await?
            .rows_affected()
        });
        self.comment(new.id).await
    }

    pub async fn comment(&self, id: CommentId) -> Result<Comment> {
        let sql = format!(
            "SELECT {COMMENT_COLUMNS} FROM comments c LEFT JOIN users u ON u.id = c.user_id WHERE c.id = $1"
        );
        let row = on_reader!(&self.db, |pool| {
            sqlx::query_as::<_, CommentRow>(&sql)
                .bind(id.0)
                .fetch_optional(pool)
                .await?
        });
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    /// Every comment under `target`, oldest first (at most `limit`).
    pub async fn comments(&self, target: CommentTarget, limit: i64) -> Result<Vec<Comment>> {
        let sql = format!(
            "SELECT {COMMENT_COLUMNS} FROM comments c LEFT JOIN users u ON u.id = c.user_id
             WHERE c.target_kind = $1 AND c.target_id = $2
             ORDER BY c.created_at, c.id
             LIMIT $3"
        );
        let rows = on_reader!(&self.db, |pool| {
            sqlx::query_as::<_, CommentRow>(&sql)
                .bind(target.kind())
                .bind(target.id())
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(Comment::try_from).collect()
    }

    pub async fn edit_comment(
        &self,
        id: CommentId,
        markdown: &str,
        html: &str,
        held: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_writer!(&self.db, |pool| {
            sqlx::query("UPDATE comments SET markdown = $2, html = $3, held = $4, edited_at = $5 WHERE id = $1")
                .bind(id.0)
                .bind(markdown)
                .bind(html)
                .bind(held)
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Deleted by its author: the text goes, a placeholder stays for replies.
    pub async fn delete_comment(&self, id: CommentId, now: DateTime<Utc>) -> Result<()> {
        on_writer!(&self.db, |pool| {
            sqlx::query(
                "UPDATE comments SET markdown = '', html = '', deleted_at = $2 WHERE id = $1",
            )
            .bind(id.0)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(())
    }

    /// Hides (`Some`) or restores (`None`) a comment, releases it from the
    /// filter's hold, and closes its reports.
    pub async fn moderate_comment(
        &self,
        id: CommentId,
        hidden_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_writer!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE comments SET hidden_at = $2, held = FALSE WHERE id = $1")
                .bind(id.0)
                .bind(hidden_at)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE comment_reports SET resolved_at = $2 WHERE comment_id = $1 AND resolved_at IS NULL")
                .bind(id.0)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?
        });
        Ok(())
    }

    /// Records a report (one per reader and comment; reporting again
    /// updates the reason).
    pub async fn report_comment(
        &self,
        id: CommentId,
        reporter: UserId,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_writer!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO comment_reports (comment_id, user_id, reason, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (comment_id, user_id) DO UPDATE
                 SET reason = excluded.reason, created_at = excluded.created_at, resolved_at = NULL",
            )
            .bind(id.0)
            .bind(reporter.0)
            .bind(reason)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(())
    }

    /// The moderation queue: open reports, oldest first.
    pub async fn open_reports(&self, limit: i64) -> Result<Vec<Report>> {
        let sql = format!(
            "SELECT {COMMENT_COLUMNS}, r.reason, r.created_at AS reported_at, ru.name AS reporter
             FROM comment_reports r
             JOIN comments c ON c.id = r.comment_id
             LEFT JOIN users u ON u.id = c.user_id
             JOIN users ru ON ru.id = r.user_id
             WHERE r.resolved_at IS NULL
             ORDER BY r.created_at
             LIMIT $1"
        );
        let rows = on_reader!(&self.db, |pool| {
            sqlx::query_as::<_, ReportRow>(&sql)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter()
            .map(|r| {
                Ok(Report {
                    comment: r.comment.try_into()?,
                    reporter: r.reporter,
                    reason: r.reason,
                    reported_at: r.reported_at,
                })
            })
            .collect()
    }

    /// Comments the word and link filter holds, oldest first.
    pub async fn held_comments(&self, limit: i64) -> Result<Vec<Comment>> {
        let sql = format!(
            "SELECT {COMMENT_COLUMNS} FROM comments c LEFT JOIN users u ON u.id = c.user_id
             WHERE c.held AND c.hidden_at IS NULL AND c.deleted_at IS NULL
             ORDER BY c.created_at LIMIT $1"
        );
        let rows = on_reader!(&self.db, |pool| {
            sqlx::query_as::<_, CommentRow>(&sql)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(Comment::try_from).collect()
    }

    pub async fn log_moderation(
        &self,
        id: i64,
        moderator: UserId,
        action: &str,
        subject: &str,
        detail: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_writer!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO moderation_log (id, moderator_id, action, subject, detail, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(moderator.0)
            .bind(action)
            .bind(subject)
            .bind(detail)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(())
    }

    /// The newest moderator actions first.
    pub async fn moderation_log(&self, limit: i64) -> Result<Vec<LoggedAction>> {
        let rows = on_reader!(&self.db, |pool| {
            sqlx::query_as::<_, LogRow>(
                "SELECT u.name AS moderator, l.action, l.subject, l.detail, l.created_at
                 FROM moderation_log l LEFT JOIN users u ON u.id = l.moderator_id
                 ORDER BY l.created_at DESC, l.id DESC LIMIT $1",
            )
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|r| LoggedAction {
                moderator: r.moderator.unwrap_or_else(|| "(deleted)".into()),
                action: r.action,
                subject: r.subject,
                detail: r.detail,
                at: r.created_at,
            })
            .collect())
    }
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    #[sqlx(flatten)]
    comment: CommentRow,
    reason: String,
    reported_at: DateTime<Utc>,
    reporter: String,
}

#[derive(sqlx::FromRow)]
struct LogRow {
    moderator: Option<String>,
    action: String,
    subject: String,
    detail: String,
    created_at: DateTime<Utc>,
}
