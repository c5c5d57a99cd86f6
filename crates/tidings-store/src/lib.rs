//! tidings' storage: the only crate with SQL.
//!
//! One [`Store`] over either SQLite (the zero-set-up default) or PostgreSQL
//! (to scale out), chosen by the database URL. Most statements are the same
//! text on both dialects and run through [`db::on_reader!`]/[`db::on_writer!`];
//! per-dialect SQL appears only where the dialects really differ (claiming
//! due feeds, for one).

mod articles;
mod community;
mod db;
mod error;
mod feeds;
mod schema;
mod search;
mod search_rank;
mod sources;
mod stories;
#[cfg(feature = "testing")]
pub mod testing;
mod websub;

pub use articles::ArticleList;
pub use community::{LoggedAction, NewComment};
pub use db::{Dialect, StoreOptions};
pub use error::StoreError;
pub use feeds::{FetchFailure, FetchSuccess};
pub use search::{MATCH_END, MATCH_START, SearchHit, SearchQuery};
pub use stories::{ArticleHighlights, ArticleTag, ArticleText, StoryBatch, StoryMember};

use db::Db;

/// Handle to the database; cheap to clone (pools inside).
#[derive(Clone, Debug)]
pub struct Store {
    db: Db,
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An update meant for one row: none touched means the row does not exist.
fn one_row(rows_affected: u64) -> Result<()> {
    if rows_affected == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

impl Store {
    /// Connects to `url` (`sqlite://path`, `postgres://…`). Creates a missing
    /// SQLite file; does not migrate (see [`Store::migrate`]).
    pub async fn connect(url: &str, options: &StoreOptions) -> Result<Self> {
        Ok(Self {
            db: Db::connect(url, options).await?,
        })
    }

    /// Applies pending migrations of this store's dialect.
    pub async fn migrate(&self) -> Result<()> {
        self.db.migrate().await
    }

    pub fn dialect(&self) -> Dialect {
        self.db.dialect()
    }

    /// Waits for in-flight queries and closes every connection.
    pub async fn close(&self) {
        self.db.close().await
    }
}
