//! The HTTP client publishers see.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{StatusCode, redirect};
use thiserror::Error;

#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Sent with every request; names tidings and how to reach its operator.
    pub user_agent: String,
    /// Limit for connecting, per request.
    pub connect_timeout: Duration,
    /// Limit for a whole request, body included.
    pub timeout: Duration,
    /// Largest body read; larger ones are refused, not truncated.
    pub max_body_bytes: usize,
    pub max_redirects: usize,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            user_agent: format!(
                "tidings/{} (self-hosted news reader; +https://github.com/tidings-news/tidings)",
                env!("CARGO_PKG_VERSION")
            ),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_body_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
        }
    }
}

/// The validators of a previous response, for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What a fetch brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// 304: the copy we have is current.
    NotModified,
    Body {
        body: Bytes,
        /// The URL after redirects: relative links resolve against it.
        final_url: String,
        content_type: Option<String>,
        validators: Validators,
    },
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum FetchError {
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("timed out: {0}")]
    Timeout(String),
    #[error("too many redirects (more than {0})")]
    TooManyRedirects(usize),
    #[error("HTTP {0}")]
    Status(String),
    #[error("response larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("failed reading the response: {0}")]
    Body(String),
}

/// A shareable HTTP client (connection pools inside).
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    options: FetchOptions,
}

impl Fetcher {
    pub fn new(options: FetchOptions) -> Result<Self, FetchError> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static(
                "application/rss+xml, application/atom+xml, application/feed+json, \
                 application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5",
            ),
        );
        let client = reqwest::Client::builder()
            .user_agent(&options.user_agent)
            .default_headers(headers)
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .redirect(redirect::Policy::limited(options.max_redirects))
            .build()
            .map_err(|e| FetchError::Connect(error_chain(&e)))?;
        Ok(Self { client, options })
    }

    /// GETs `url`, conditionally when `validators` has any, reading at most
    /// `max_body_bytes`.
    pub async fn get(&self, url: &str, validators: &Validators) -> Result<Fetched, FetchError> {
        let parsed = url::Url::parse(url).map_err(|e| FetchError::InvalidUrl(e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(FetchError::InvalidUrl(format!(
                "unsupported scheme {:?}",
                parsed.scheme()
            )));
        }
        let mut request = self.client.get(parsed);
        if let Some(etag) = &validators.etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(last_modified) = &validators.last_modified {
            request = request.header(header::IF_MODIFIED_SINCE, last_modified);
        }
        let mut response = request.send().await.map_err(|e| self.classify(e))?;

        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError::Status(status.to_string()));
        }
        let limit = self.options.max_body_bytes;
        if response
            .content_length()
            .is_some_and(|len| len > limit as u64)
        {
            return Err(FetchError::TooLarge { limit });
        }
        let header_text = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header_text(header::CONTENT_TYPE);
        let validators = Validators {
            etag: header_text(header::ETAG),
            last_modified: header_text(header::LAST_MODIFIED),
        };
        let final_url = response.url().to_string();

        // Read in chunks so a lying or absent Content-Length cannot make us
        // buffer more than the limit.
        let mut body = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.classify(e))? {
            if body.len() + chunk.len() > limit {
                return Err(FetchError::TooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched::Body {
            body: body.freeze(),
            final_url,
            content_type,
            validators,
        })
    }

    fn classify(&self, error: reqwest::Error) -> FetchError {
        let detail = error_chain(&error);
        if error.is_redirect() {
            FetchError::TooManyRedirects(self.options.max_redirects)
        } else if error.is_timeout() {
            FetchError::Timeout(detail)
        } else if error.is_connect() {
            FetchError::Connect(detail)
        } else if error.is_body() || error.is_decode() {
            FetchError::Body(detail)
        } else {
            FetchError::Connect(detail)
        }
    }
}

/// The error and its causes on one line: reqwest's own message alone ("error
/// sending request") does not say what went wrong.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
