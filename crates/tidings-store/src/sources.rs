//! Publishers.

use chrono::{DateTime, Utc};
use tidings_core::{Source, SourceId};

use crate::db::{on_reader, on_writer};
use crate::{Result, Store, StoreError};

#[derive(sqlx::FromRow)]
struct SourceRow {
    id: i64,
    name: String,
    host: String,
    site_url: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<SourceRow> for Source {
    fn from(row: SourceRow) -> Self {
        Self {
            id: SourceId(row.id),
            name: row.name,
            host: row.host,
            site_url: row.site_url,
            created_at: row.created_at,
        }
    }
}

impl Store {
    /// The source for `host`, created (named after its host, with `new_id`)
    /// when it is new.
    pub async fn ensure_source(
        &self,
        host: &str,
        new_id: SourceId,
        now: DateTime<Utc>,
    ) -> Result<Source> {
        // The no-op update makes RETURNING yield the row whether it was
        // inserted now or existed already.
        const SQL: &str = "INSERT INTO sources (id, host, name, site_url, created_at)
            VALUES ($1, $2, $2, NULL, $3)
            ON CONFLICT (host) DO UPDATE SET host = excluded.host
            RETURNING id, name, host, site_url, created_at";
        let row = on_writer!(&self.db, |pool| {
            sqlx::query_as::<_, SourceRow>(SQL)
                .bind(new_id.0)
                .bind(host)
                .bind(now)
                .fetch_one(pool)
                .await?
        });
        Ok(row.into())
    }

    pub async fn source(&self, id: SourceId) -> Result<Source> {
        const SQL: &str = "SELECT id, name, host, site_url, created_at FROM sources WHERE id = $1";
        let row = on_reader!(&self.db, |pool| {
            sqlx::query_as::<_, SourceRow>(SQL)
                .bind(id.0)
                .fetch_optional(pool)
                .await?
        });
        row.map(Source::from).ok_or(StoreError::NotFound)
    }

    /// Names a source still known only by its host (its first feed's title is
    /// a better name than a host name); a name already given is kept.
    pub async fn name_source_if_unnamed(
        &self,
        id: SourceId,
        name: &str,
        site_url: Option<&str>,
    ) -> Result<()> {
        const SQL: &str = "UPDATE sources
            SET name = $2, site_url = COALESCE(site_url, $3)
            WHERE id = $1 AND name = host";
        on_writer!(&self.db, |pool| {
            sqlx::query(SQL)
                .bind(id.0)
                .bind(name)
                .bind(site_url)
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}
