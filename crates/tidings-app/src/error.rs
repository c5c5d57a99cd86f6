use thiserror::Error;
use tidings_store::StoreError;

/// The kinds of failure a use case reports; the edges (CLI, web) turn them
/// into exit codes, status codes and pages.
#[derive(Debug, Error)]
pub enum AppError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Invalid(String),
    #[error("{0} already exists")]
    Conflict(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Too many attempts: try again later.
    #[error("{0}")]
    RateLimited(String),
    /// The request needs a signed-in account.
    #[error("sign in first")]
    Unauthenticated,
    /// A wrong user name or password (never says which).
    #[error("wrong user name or password")]
    BadCredentials,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::NotFound("record"),
            StoreError::Conflict(what) => Self::Conflict(what),
            other => Self::Store(other),
        }
    }
}
