//! Introspection of the live schema, so tests can hold the two dialects'
//! migrations to the same shape.

use crate::db::Db;
use crate::{Result, Store};

impl Store {
    /// Every `(table, column)` of tidings' own tables, sorted.
    pub async fn schema_columns(&self) -> Result<Vec<(String, String)>> {
        let mut columns: Vec<(String, String)> = match &self.db {
            Db::Sqlite { reader, .. } => {
                sqlx::query_as(
                    "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
                       AND m.name NOT LIKE '\\_sqlx%' ESCAPE '\\'",
                )
                .fetch_all(reader)
                .await?
            }
            Db::Postgres(pool) => {
                sqlx::query_as(
                    "SELECT table_name::text, column_name::text FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx%'",
                )
                .fetch_all(pool)
                .await?
            }
        };
        columns.sort();
        Ok(columns)
    }
}
