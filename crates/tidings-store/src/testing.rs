//! Per-test databases, for this crate's conformance suite and for the
//! integration tests of the crates above it.
//!
//! SQLite: a fresh file in a temporary folder. PostgreSQL (when
//! `TIDINGS_TEST_POSTGRES` names a server): a fresh database cloned from a
//! template migrated once per schema version, the way crates.io does it, so a
//! test pays for `CREATE DATABASE … TEMPLATE`, not for migrations.
//!
//! When `TIDINGS_TEST_POSTGRES` is unset the PostgreSQL half of a test is
//! skipped with a printed reason, unless `CI` is set: then it fails, so CI
//! can never pass without PostgreSQL really used.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::{Connection, Executor, PgConnection};
use url::Url;

use crate::db::POSTGRES_MIGRATOR;
use crate::{Store, StoreOptions};

/// Declares each listed `async fn name(db: &TestDatabase)` as two tests,
/// `sqlite::name` and `postgres::name`, each on a database of its own (the
/// PostgreSQL one skipped, saying why, without `TIDINGS_TEST_POSTGRES`).
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::testing::sqlite().await;
                    super::$name(&db).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(db) = $crate::testing::postgres().await else { return };
                    super::$name(&db).await;
                }
            )*
        }
    };
}

/// The environment variable naming the PostgreSQL server tests use, as a URL
/// of a database the tests may connect to (they create their own beside it).
pub const POSTGRES_ENV: &str = "TIDINGS_TEST_POSTGRES";

/// A database that exists for one test and is dropped after it.
pub struct TestDatabase {
    store: Store,
    url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The URL of this test's database, for a process started by the test.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.cleanup, Cleanup::Postgres { .. })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs inside the test's runtime, which must not block on
            // itself: use a thread with a runtime of its own.
            let dropped = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                runtime.block_on(async move {
                    let mut admin = PgConnection::connect(&admin_url).await?;
                    admin
                        .execute(
                            format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str(),
                        )
                        .await?;
                    admin.close().await
                })
            })
            .join();
            if let Ok(Err(error)) = dropped {
                eprintln!("could not drop test database: {error}");
            }
        }
    }
}

/// A migrated store on a new SQLite file.
pub async fn sqlite() -> TestDatabase {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}", dir.path().join("tidings.db").display());
    let store = Store::connect(&url, &StoreOptions::default())
        .await
        .expect("open SQLite");
    store.migrate().await.expect("migrate SQLite");
    TestDatabase {
        store,
        url,
        cleanup: Cleanup::Sqlite(dir),
    }
}

/// The PostgreSQL server URL for tests, or `None` (after saying why) when
/// tests should skip PostgreSQL.
pub fn postgres_url() -> Option<String> {
    match std::env::var(POSTGRES_ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("{POSTGRES_ENV} is not set under CI: PostgreSQL tests must run")
        }
        _ => {
            eprintln!("skipping the PostgreSQL half: set {POSTGRES_ENV}=postgres://… to run it");
            None
        }
    }
}

/// A migrated store on a new PostgreSQL database, or `None` when
/// `TIDINGS_TEST_POSTGRES` is unset. Panics when the server is unreachable.
pub async fn postgres() -> Option<TestDatabase> {
    let admin_url = postgres_url()?;
    let template = ensure_template(&admin_url).await;
    let name = format!("tidings_test_{}_{:08x}", unix_seconds(), rand_u32());
    let mut admin = connect_admin(&admin_url).await;
    admin
        .execute(format!(r#"CREATE DATABASE "{name}" TEMPLATE "{template}""#).as_str())
        .await
        .expect("create test database from template");
    admin.close().await.ok();
    let url = database_url(&admin_url, &name);
    let store = Store::connect(&url, &StoreOptions::default())
        .await
        .expect("connect to test database");
    Some(TestDatabase {
        store,
        url,
        cleanup: Cleanup::Postgres { admin_url, name },
    })
}

async fn connect_admin(admin_url: &str) -> PgConnection {
    PgConnection::connect(admin_url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {POSTGRES_ENV}={admin_url} is unreachable: {e}"))
}

/// Creates the migrated template for the current migrations once, whatever
/// number of test processes race for it, and returns its name.
async fn ensure_template(admin_url: &str) -> String {
    let mut hasher = DefaultHasher::new();
    for migration in POSTGRES_MIGRATOR.iter() {
        migration.version.hash(&mut hasher);
        migration.checksum.hash(&mut hasher);
    }
    let template = format!("tidings_template_{:016x}", hasher.finish());

    let mut admin = connect_admin(admin_url).await;
    // A session-level advisory lock serialises creation across processes.
    const LOCK: i64 = 0x7469_6469_6e67; // "tiding"
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(LOCK)
        .execute(&mut admin)
        .await
        .expect("advisory lock");
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&template)
            .fetch_one(&mut admin)
            .await
            .expect("look up template");
    if !exists {
        drop_stale_databases(&mut admin).await;
        admin
            .execute(format!(r#"CREATE DATABASE "{template}""#).as_str())
            .await
            .expect("create template database");
        let store = Store::connect(
            &database_url(admin_url, &template),
            &StoreOptions {
                max_connections: 1,
                ..StoreOptions::default()
            },
        )
        .await
        .expect("connect to template");
        store.migrate().await.expect("migrate template");
        store.close().await;
    }
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(LOCK)
        .execute(&mut admin)
        .await
        .expect("advisory unlock");
    admin.close().await.ok();
    template
}

/// Templates of older schemas, and test databases a crashed run left behind
/// more than an hour ago.
async fn drop_stale_databases(admin: &mut PgConnection) {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname FROM pg_database
         WHERE datname LIKE 'tidings\\_template\\_%' OR datname LIKE 'tidings\\_test\\_%'",
    )
    .fetch_all(&mut *admin)
    .await
    .unwrap_or_default();
    let hour_ago = unix_seconds().saturating_sub(3600);
    for name in names {
        let stale = match name.strip_prefix("tidings_test_") {
            Some(rest) => rest
                .split('_')
                .next()
                .and_then(|s| s.parse::<u64>().ok())
                .is_some_and(|created| created < hour_ago),
            None => true,
        };
        if stale {
            let _ = admin
                .execute(format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str())
                .await;
        }
    }
}

fn database_url(server_url: &str, database: &str) -> String {
    let mut url = Url::parse(server_url).expect("PostgreSQL URL");
    url.set_path(database);
    url.to_string()
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

fn rand_u32() -> u32 {
    let mut hasher = DefaultHasher::new();
    SystemTime::now().hash(&mut hasher);
    std::thread::current().id().hash(&mut hasher);
    std::process::id().hash(&mut hasher);
    hasher.finish() as u32
}
