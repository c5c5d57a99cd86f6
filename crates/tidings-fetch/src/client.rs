//! The HTTP client publishers see: honest User-Agent, conditional GET,
//! robots.txt, per-host limits, bounded time and size, and the SSRF guard
//! on every connection and redirect.

use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use chrono::{DateTime, Utc};
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{StatusCode, redirect};
use thiserror::Error;
use url::Url;

use crate::guard::{BlockedAddress, GuardedResolver, NetworkPolicy};
use crate::hosts::HostGate;
use crate::robots::{MAX_ROBOTS_BYTES, RobotsCache, Rules};

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
    /// Requests in flight to one host at a time.
    pub per_host_concurrency: usize,
    /// Least time between the starts of two requests to one host.
    pub per_host_delay: Duration,
    /// Whether robots.txt rules are honoured.
    pub respect_robots: bool,
    /// Which addresses may be reached.
    pub network: NetworkPolicy,
}

/// The User-Agent tidings sends unless told otherwise; `contact` (a URL or
/// address where the operator can be reached) is appended when given.
pub fn default_user_agent(contact: Option<&str>) -> String {
    let contact = contact.map_or_else(
        || "+https://github.com/tidings-news/tidings".to_owned(),
        |c| format!("+{c}"),
    );
    format!(
        "tidings/{} (self-hosted news reader; {contact})",
        env!("CARGO_PKG_VERSION")
    )
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            user_agent: default_user_agent(None),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_body_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
            per_host_concurrency: 2,
            per_host_delay: Duration::from_secs(1),
            respect_robots: true,
            network: NetworkPolicy::default(),
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
    NotModified {
        /// How long the server says the resource stays fresh
        /// (Cache-Control max-age, Expires).
        fresh_for: Option<Duration>,
    },
    Body {
        body: Bytes,
        /// The URL after redirects: relative links resolve against it.
        final_url: String,
        content_type: Option<String>,
        /// The language the response declares (`Content-Language`).
        content_language: Option<String>,
        validators: Validators,
        fresh_for: Option<Duration>,
    },
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum FetchError {
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    #[error("{0}")]
    Blocked(String),
    #[error("not fetched: {0}")]
    Robots(String),
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("timed out: {0}")]
    Timeout(String),
    #[error("too many redirects (more than {0})")]
    TooManyRedirects(usize),
    #[error("HTTP {status}{}", retry_after.map(|d| format!(" (retry after {}s)", d.as_secs())).unwrap_or_default())]
    Status {
        status: String,
        /// From a 429 or 503's Retry-After header.
        retry_after: Option<Duration>,
    },
    #[error("response larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("failed reading the response: {0}")]
    Body(String),
}

impl FetchError {
    /// How long the server asked us to wait before trying again.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// A shareable HTTP client (connection pools, host slots and robots.txt
/// cache inside).
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    options: Arc<FetchOptions>,
    hosts: Arc<HostGate>,
    robots: Arc<RobotsCache>,
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
        let policy = Arc::new(options.network.clone());
        let redirect_policy = policy.clone();
        let max_redirects = options.max_redirects;
        let client = reqwest::Client::builder()
            .user_agent(&options.user_agent)
            .default_headers(headers)
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            // A proxy would resolve names itself, past the guard.
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver { policy }))
            .redirect(redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() > max_redirects {
                    return attempt.error(TooManyRedirects);
                }
                if !matches!(attempt.url().scheme(), "http" | "https") {
                    return attempt.stop();
                }
                match redirect_policy.check_url(attempt.url()) {
                    Ok(()) => attempt.follow(),
                    Err(blocked) => attempt.error(blocked),
                }
            }))
            .build()
            .map_err(|e| FetchError::Connect(error_chain(&e)))?;
        Ok(Self {
            client,
            hosts: Arc::new(HostGate::new(
                options.per_host_concurrency,
                options.per_host_delay,
            )),
            robots: Arc::new(RobotsCache::default()),
            options: Arc::new(options),
        })
    }

    /// GETs `url`, conditionally when `validators` has any, reading at most
    /// `max_body_bytes`.
    pub async fn get(&self, url: &str, validators: &Validators) -> Result<Fetched, FetchError> {
        self.fetch(url, validators, None).await
    }

    /// GETs an article's page (asking for HTML), following the same rules
    /// as feeds: robots.txt, per-host limits, the guard, the size cap.
    pub async fn get_page(&self, url: &str) -> Result<Fetched, FetchError> {
        const HTML: &str = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5";
        self.fetch(url, &Validators::default(), Some(HTML)).await
    }

    async fn fetch(
        &self,
        url: &str,
        validators: &Validators,
        accept: Option<&'static str>,
    ) -> Result<Fetched, FetchError> {
        let parsed = self.check(url)?;
        let host = parsed.host_str().unwrap_or_default().to_owned();
        let crawl_delay = if self.options.respect_robots {
            self.robots_allow(&parsed).await?
        } else {
            None
        };
        let _slot = self.hosts.enter(&host, crawl_delay).await;

        let mut request = self.client.get(parsed);
        if let Some(accept) = accept {
            request = request.header(header::ACCEPT, accept);
        }
        if let Some(etag) = &validators.etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(last_modified) = &validators.last_modified {
            request = request.header(header::IF_MODIFIED_SINCE, last_modified);
        }
        let response = request.send().await.map_err(|e| self.classify(e))?;

        let status = response.status();
        let fresh_for = freshness(response.headers(), Utc::now());
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified { fresh_for });
        }
        if !status.is_success() {
            let retry_after = match status {
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
                    retry_after(response.headers(), Utc::now())
                }
                _ => None,
            };
            return Err(FetchError::Status {
                status: status.to_string(),
                retry_after,
            });
        }
        let header_text = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header_text(header::CONTENT_TYPE);
        let content_language = header_text(header::CONTENT_LANGUAGE);
        let validators = Validators {
            etag: header_text(header::ETAG),
            last_modified: header_text(header::LAST_MODIFIED),
        };
        let final_url = response.url().to_string();
        let body = self
            .read_body(response, self.options.max_body_bytes)
            .await?;
        Ok(Fetched::Body {
            body,
            final_url,
            content_type,
            content_language,
            validators,
            fresh_for,
        })
    }

    /// POSTs `body` (an API call, such as to a WebSub hub: guarded and
    /// spaced like any request, but not subject to robots.txt, which
    /// governs crawling).
    pub(crate) async fn post(
        &self,
        url: &str,
        content_type: &'static str,
        body: String,
    ) -> Result<reqwest::Response, FetchError> {
        let parsed = self.check(url)?;
        let host = parsed.host_str().unwrap_or_default().to_owned();
        let _slot = self.hosts.enter(&host, None).await;
        self.client
            .post(parsed)
            .header(header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .map_err(|e| self.classify(e))
    }

    fn check(&self, url: &str) -> Result<Url, FetchError> {
        let parsed = Url::parse(url).map_err(|e| FetchError::InvalidUrl(e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(FetchError::InvalidUrl(format!(
                "{url:?} is not an http(s) URL"
            )));
        }
        self.options
            .network
            .check_url(&parsed)
            .map_err(|blocked| FetchError::Blocked(blocked.to_string()))?;
        Ok(parsed)
    }

    /// Reads a body in chunks so a lying or absent Content-Length cannot
    /// make us buffer more than `limit`.
    async fn read_body(
        &self,
        mut response: reqwest::Response,
        limit: usize,
    ) -> Result<Bytes, FetchError> {
        if response
            .content_length()
            .is_some_and(|len| len > limit as u64)
        {
            return Err(FetchError::TooLarge { limit });
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.classify(e))? {
            if body.len() + chunk.len() > limit {
                return Err(FetchError::TooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    /// The crawl delay robots.txt asks for, or why `url` must not be fetched.
    async fn robots_allow(&self, url: &Url) -> Result<Option<Duration>, FetchError> {
        let origin = url.origin().ascii_serialization();
        let rules = self
            .robots
            .rules(&origin, || self.fetch_robots(url.clone()))
            .await;
        rules.check(url.as_str()).map_err(FetchError::Robots)
    }

    async fn fetch_robots(&self, mut url: Url) -> Rules {
        url.set_path("/robots.txt");
        url.set_query(None);
        url.set_fragment(None);
        let host = url.host_str().unwrap_or_default().to_owned();
        let _slot = self.hosts.enter(&host, None).await;
        let response = match self.client.get(url).send().await {
            Ok(response) => response,
            Err(error) => return Rules::Unavailable(self.classify(error).to_string()),
        };
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            return Rules::from_response(status, b"");
        }
        match self.read_body(response, MAX_ROBOTS_BYTES).await {
            Ok(body) => Rules::from_response(status, &body),
            // An oversized robots.txt: crawlers use its first 500 KiB; we
            // take it as having no rules we can read.
            Err(FetchError::TooLarge { .. }) => Rules::AllowAll,
            Err(error) => Rules::Unavailable(error.to_string()),
        }
    }

    fn classify(&self, error: reqwest::Error) -> FetchError {
        let detail = error_chain(&error);
        if let Some(blocked) = find_cause::<BlockedAddress>(&error) {
            FetchError::Blocked(blocked.to_string())
        } else if find_cause::<TooManyRedirects>(&error).is_some() {
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

#[derive(Debug, Error)]
#[error("too many redirects")]
struct TooManyRedirects;

fn find_cause<'a, T: std::error::Error + 'static>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(found) = error.downcast_ref::<T>() {
            return Some(found);
        }
        current = error.source();
    }
    None
}

/// How long a response stays fresh: `Cache-Control: max-age` (or
/// `s-maxage`), else `Expires` minus `Date` (or now).
fn freshness(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let directives = headers
        .get_all(header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|d| d.trim().to_ascii_lowercase());
    let mut max_age = None;
    for directive in directives {
        if let Some(seconds) = directive
            .strip_prefix("s-maxage=")
            .or_else(|| directive.strip_prefix("max-age="))
            && let Ok(seconds) = seconds.trim_matches('"').parse::<u64>()
        {
            max_age = Some(max_age.map_or(seconds, |m: u64| m.max(seconds)));
        }
    }
    if let Some(seconds) = max_age {
        return Some(Duration::from_secs(seconds));
    }
    let date = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok())
            .map(DateTime::<Utc>::from)
    };
    let expires = date(header::EXPIRES)?;
    let reference = date(header::DATE).unwrap_or(now);
    (expires - reference).to_std().ok()
}

/// `Retry-After` as seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::<Utc>::from(httpdate::parse_http_date(value).ok()?);
    Some((at - now).to_std().unwrap_or_default())
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn freshness_from_cache_control_or_expires() {
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 10, 0, 0).unwrap();
        assert_eq!(
            freshness(&headers(&[("cache-control", "public, max-age=600")]), now),
            Some(Duration::from_secs(600))
        );
        assert_eq!(
            freshness(
                &headers(&[
                    ("date", "Sun, 29 Nov 2026 10:00:00 GMT"),
                    ("expires", "Sun, 29 Nov 2026 11:00:00 GMT")
                ]),
                now
            ),
            Some(Duration::from_secs(3600))
        );
        assert_eq!(freshness(&headers(&[("expires", "0")]), now), None);
        assert_eq!(freshness(&headers(&[]), now), None);
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 10, 0, 0).unwrap();
        assert_eq!(
            retry_after(&headers(&[("retry-after", "120")]), now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            retry_after(
                &headers(&[("retry-after", "Sun, 29 Nov 2026 10:30:00 GMT")]),
                now
            ),
            Some(Duration::from_secs(1800))
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")]), now), None);
    }
}
