//! robots.txt, fetched once per origin and kept for a day.
//!
//! 2xx: its rules apply (for the `tidings` token, else `*`). 4xx: no rules
//! (everything allowed), as crawlers agree. 5xx or unreachable: nothing is
//! fetched from the origin for an hour — a site in trouble gets no load.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use texting_robots::Robot;
use tokio::time::Instant;

pub(crate) const ROBOTS_TOKEN: &str = "tidings";
const KEEP_RULES: Duration = Duration::from_secs(24 * 3600);
const KEEP_FAILURE: Duration = Duration::from_secs(3600);
pub(crate) const MAX_ROBOTS_BYTES: usize = 512 * 1024;

#[derive(Debug, Clone)]
pub(crate) enum Rules {
    AllowAll,
    /// The origin could not tell us (5xx, unreachable).
    Unavailable(String),
    Parsed(Arc<Robot>),
}

impl Rules {
    pub(crate) fn from_response(status: u16, body: &[u8]) -> Self {
        match status {
            200..=299 => match Robot::new(ROBOTS_TOKEN, body) {
                Ok(robot) => Self::Parsed(Arc::new(robot)),
                Err(_) => Self::AllowAll,
            },
            400..=499 => Self::AllowAll,
            other => Self::Unavailable(format!("robots.txt answered HTTP {other}")),
        }
    }

    /// `Ok(crawl delay)` when `url` may be fetched, else why not.
    pub(crate) fn check(&self, url: &str) -> Result<Option<Duration>, String> {
        match self {
            Self::AllowAll => Ok(None),
            Self::Unavailable(why) => Err(why.clone()),
            Self::Parsed(robot) => {
                if robot.allowed(url) {
                    Ok(robot
                        .delay
                        .map(|d| Duration::from_secs_f32(d.clamp(0.0, 60.0))))
                } else {
                    Err("disallowed by robots.txt".to_owned())
                }
            }
        }
    }

    fn keep_for(&self) -> Duration {
        match self {
            Self::Unavailable(_) => KEEP_FAILURE,
            _ => KEEP_RULES,
        }
    }
}

/// Per-origin cache; one lock per origin so concurrent requests to a new
/// origin fetch its robots.txt once.
#[derive(Debug, Default)]
pub(crate) struct RobotsCache {
    origins: Mutex<HashMap<String, Arc<OriginEntry>>>,
}

/// An origin's rules and when they expire; locked while being fetched.
type OriginEntry = tokio::sync::Mutex<Option<(Instant, Rules)>>;

impl RobotsCache {
    pub(crate) async fn rules<F, Fut>(&self, origin: &str, fetch: F) -> Rules
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Rules>,
    {
        let entry = {
            let mut origins = self.origins.lock().expect("robots cache lock");
            if origins.len() > 16_384 {
                origins.retain(|_, e| Arc::strong_count(e) > 1);
            }
            origins.entry(origin.to_owned()).or_default().clone()
        };
        let mut cached = entry.lock().await;
        if let Some((expires, rules)) = cached.as_ref()
            && *expires > Instant::now()
        {
            return rules.clone();
        }
        let rules = fetch().await;
        *cached = Some((Instant::now() + rules.keep_for(), rules.clone()));
        rules
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_follow_status_and_content() {
        let body = b"User-agent: *\nDisallow: /private\nCrawl-delay: 3\n\nUser-agent: tidings\nDisallow: /no-tidings\n";
        let rules = Rules::from_response(200, body);
        assert!(rules.check("https://a.example/no-tidings/feed").is_err());
        // A group for our token replaces the `*` group.
        assert!(rules.check("https://a.example/private/feed").is_ok());
        assert!(
            Rules::from_response(404, b"")
                .check("https://a.example/x")
                .is_ok()
        );
        assert!(
            Rules::from_response(503, b"")
                .check("https://a.example/x")
                .is_err()
        );

        let star =
            Rules::from_response(200, b"User-agent: *\nDisallow: /private\nCrawl-delay: 3\n");
        assert!(star.check("https://a.example/private/feed").is_err());
        assert_eq!(
            star.check("https://a.example/feed").unwrap(),
            Some(Duration::from_secs(3))
        );
    }
}
