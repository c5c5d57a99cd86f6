//! tidings' use cases: what the command line and the web layer ask for,
//! expressed over the store, the fetcher and the pure stages.

mod accounts;
mod comments;
mod coverage;
mod error;
mod explain;
mod extraction;
mod feeds;
mod ingest;
mod oidc;
mod personal;
mod reading;
mod search;
mod stories;
mod websub;
mod worker;

use std::sync::Arc;

use chrono::TimeDelta;
use tidings_core::{Clock, IdGenerator, Schedule};
use tidings_fetch::{FetchOptions, Fetcher};
use tidings_store::{Store, StoreOptions};

pub use accounts::{ClientIp, Session};
pub use comments::{CommentNode, Thread};
pub use coverage::{Coverage, CoverageItem};
pub use error::AppError;
pub use explain::{Answer, GeneratedSentence, MAX_QUESTION, Quote};
pub use extraction::ExtractSummary;
pub use feeds::{Followed, ImportReport};
pub use ingest::{FeedReport, FetchObserver, FetchSummary, PollResult};
pub use oidc::{OIDC_FLOW_SECS, OidcConfig, OidcStart};
pub use personal::{Follows, ReaderMarks};
pub use search::{SEARCH_PAGE, Search, snippet_html};
pub use stories::StorySummary;
pub use tidings_store::{ArticleList, ArticleTag, LoggedAction};
pub use websub::PushReport;
pub use worker::run_worker;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// Settings of the use cases (the binary fills them from its config).
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub database_url: String,
    pub store: StoreOptions,
    pub fetch: FetchOptions,
    pub schedule: Schedule,
    /// Feeds fetched at the same time by one worker.
    pub fetch_concurrency: usize,
    /// How long a claimed feed stays reserved to this worker; a crashed
    /// worker's feeds return to the pool after it.
    pub lease: TimeDelta,
    /// Where WebSub hubs can reach this instance (`https://news.example`);
    /// without it, tidings does not subscribe and only polls.
    pub public_url: Option<url::Url>,
    /// Operators' per-site extraction rules.
    pub site_rules: Arc<tidings_extract::SiteRules>,
    /// An optional language model that rewords answers (offline without).
    pub llm: Option<tidings_ai::llm::LlmConfig>,
    /// An optional embeddings endpoint and model: among the stories an
    /// article is close enough to join, and among its related articles,
    /// embeddings then choose (TF-IDF without).
    pub embeddings: Option<tidings_ai::llm::LlmConfig>,
    /// Optional sign-in with an OpenID Connect provider.
    pub oidc: Option<OidcConfig>,
}

impl AppConfig {
    pub fn new(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            store: StoreOptions::default(),
            fetch: FetchOptions::default(),
            schedule: Schedule::default(),
            fetch_concurrency: 16,
            lease: TimeDelta::minutes(5),
            public_url: None,
            site_rules: Arc::default(),
            llm: None,
            embeddings: None,
            oidc: None,
        }
    }
}

/// The application: cheap to clone, shared by the web layer and the worker.
#[derive(Clone)]
pub struct App {
    store: Store,
    fetcher: Fetcher,
    clock: Arc<dyn Clock>,
    ids: Arc<IdGenerator>,
    config: Arc<AppConfig>,
    /// Names this process's leases, so a log line or a row says who holds one.
    worker_id: Arc<str>,
    /// The story engine, when this node runs it.
    stories: Arc<tokio::sync::Mutex<stories::EngineSlot>>,
    /// The key CSRF tokens are signed with, shared by every node (kept in
    /// the database), loaded once.
    csrf_key: Arc<tokio::sync::OnceCell<Vec<u8>>>,
    /// The configured language model, if any.
    llm: Option<tidings_ai::llm::LlmClient>,
    /// The configured embeddings model, if any.
    embedder: Option<tidings_ai::llm::LlmClient>,
    /// The OpenID provider's endpoints, once read.
    oidc: Arc<oidc::OidcState>,
    /// Article pages' coverage lists, reused for a few seconds.
    coverage_cache: Arc<coverage::CoverageCache>,
}

impl App {
    /// Connects to the database, applies pending migrations, and builds the
    /// HTTP client.
    pub async fn open(config: AppConfig, clock: Arc<dyn Clock>) -> Result<Self> {
        let store = Store::connect(&config.database_url, &config.store).await?;
        store.migrate().await?;
        Self::with_store(store, config, clock)
    }

    /// Builds the app over an existing (migrated) store.
    pub fn with_store(store: Store, config: AppConfig, clock: Arc<dyn Clock>) -> Result<Self> {
        let fetcher = Fetcher::new(config.fetch.clone())
            .map_err(|e| AppError::Invalid(format!("HTTP client: {e}")))?;
        let llm = match &config.llm {
            Some(llm) => Some(
                tidings_ai::llm::LlmClient::new(llm.clone())
                    .map_err(|e| AppError::Invalid(format!("language model: {e}")))?,
            ),
            None => None,
        };
        let embedder = match &config.embeddings {
            Some(embeddings) => Some(
                tidings_ai::llm::LlmClient::new(embeddings.clone())
                    .map_err(|e| AppError::Invalid(format!("embeddings model: {e}")))?,
            ),
            None => None,
        };
        let ids = Arc::new(IdGenerator::new());
        // Random, not time-derived: two apps built in the same millisecond
        // (two nodes in one test process) must not share leases.
        let worker_id = format!("{}-{:08x}", std::process::id(), rand::random::<u32>());
        Ok(Self {
            store,
            fetcher,
            clock,
            ids,
            config: Arc::new(config),
            worker_id: worker_id.into(),
            stories: Arc::default(),
            csrf_key: Arc::default(),
            llm,
            embedder,
            oidc: Arc::default(),
            coverage_cache: Arc::default(),
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    pub async fn close(&self) {
        self.store.close().await
    }
}
