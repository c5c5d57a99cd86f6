//! The two pools behind a [`Store`](crate::Store) and the dispatch macros that
//! run the same SQL text on either.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::error::StoreError;

pub(crate) static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
pub(crate) static POSTGRES_MIGRATOR: sqlx::migrate::Migrator =
    sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// Connection settings that are not part of the URL.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Most connections a PostgreSQL pool, or SQLite's read pool, opens.
    pub max_connections: u32,
    /// How long SQLite waits for another process's write lock.
    pub busy_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            max_connections: 8,
            busy_timeout: Duration::from_secs(10),
        }
    }
}

/// How much of the database file each SQLite reader maps into memory
/// rather than copying page by page with `pread` (the OS page cache holds
/// the file either way). On a million articles, reading pages through
/// system calls was a third of a loaded search's time. Address space, not
/// memory: a larger file is mapped up to this and read beyond it.
const READER_MMAP_BYTES: u64 = 16 << 30;

/// SQLite allows one writer at a time, so it gets a single-connection write
/// pool (writers queue in-process instead of failing with SQLITE_BUSY) and a
/// read pool that WAL lets run beside it.
#[derive(Clone, Debug)]
pub(crate) enum Db {
    Sqlite {
        reader: SqlitePool,
        writer: SqlitePool,
    },
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to a pool that may only read.
macro_rules! on_reader {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite { reader: $pool, .. } => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` with `$pool` bound to a pool that may write.
macro_rules! on_writer {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite { writer: $pool, .. } => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}

pub(crate) use {on_reader, on_writer};

impl Db {
    pub(crate) async fn connect(url: &str, options: &StoreOptions) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            let connect = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(options.busy_timeout);
            // The writer first: it creates the file and switches it to WAL.
            let writer = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(connect.clone())
                .await?;
            // Searches run on the readers, so only they need the ranking
            // function.
            let reader = SqlitePoolOptions::new()
                .max_connections(options.max_connections.max(1))
                .after_connect(|conn, _| Box::pin(crate::search_rank::register(conn)))
                .connect_with(
                    connect
                        .read_only(true)
                        .pragma("mmap_size", READER_MMAP_BYTES.to_string()),
                )
                .await?;
            Ok(Self::Sqlite { reader, writer })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let connect = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections.max(1))
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(connect)
                .await?;
            Ok(Self::Postgres(pool))
        } else {
            Err(StoreError::UnsupportedUrl(url.to_owned()))
        }
    }

    pub(crate) async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Self::Sqlite { writer, .. } => SQLITE_MIGRATOR.run(writer).await?,
            Self::Postgres(pool) => POSTGRES_MIGRATOR.run(pool).await?,
        }
        Ok(())
    }

    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Self::Sqlite { .. } => Dialect::Sqlite,
            Self::Postgres(_) => Dialect::Postgres,
        }
    }

    pub(crate) async fn close(&self) {
        match self {
            Self::Sqlite { reader, writer } => {
                reader.close().await;
                writer.close().await;
            }
            Self::Postgres(pool) => pool.close().await,
        }
    }
}
