//! Domain types: publishers, feeds, their entries and the articles they bring.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::id::{ArticleId, FeedId, SourceId, StoryId};

/// The stored spelling of a unit enum: `as_str`, `Display` and `FromStr`
/// from one list of variant–text pairs, so they cannot drift apart.
macro_rules! text_enum {
    ($name:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $name {
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok(Self::$variant),)+
                    other => Err(format!(
                        "{other:?} is not {}: {}",
                        $what,
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}

/// A publisher: one web site, known by its host, that may offer several feeds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub id: SourceId,
    pub name: String,
    pub host: String,
    pub site_url: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A feed as a user asks to follow it (from the command line or OPML).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFeed {
    pub url: url::Url,
    pub title: Option<String>,
    pub site_url: Option<String>,
    /// The folder it is filed in (an OPML outline's parent).
    pub category: Option<String>,
}

impl NewFeed {
    pub fn new(url: url::Url) -> Self {
        Self {
            url,
            title: None,
            site_url: None,
            category: None,
        }
    }

    /// The publisher's key until the feed names its site: the feed's host.
    pub fn source_host(&self) -> String {
        host_key(&self.url).unwrap_or_default()
    }
}

/// The key a publisher is known by: host plus any explicit port,
/// lower-cased. `None` for URLs without a host.
pub fn host_key(url: &url::Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

/// How the last poll of a feed ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedOutcome {
    /// Fetched and parsed.
    Ok,
    /// The server answered 304: nothing changed, nothing parsed.
    NotModified,
    /// Fetching or parsing failed; `FeedState::last_error` says why.
    Error,
}

text_enum!(FeedOutcome, "a feed outcome", {
    Ok => "ok",
    NotModified => "not_modified",
    Error => "error",
});

/// What polling has learnt about a feed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FeedState {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_fetched_at: Option<DateTime<Utc>>,
    pub last_outcome: Option<FeedOutcome>,
    pub last_error: Option<String>,
    /// Consecutive failures; zero after any success.
    pub error_count: i32,
    /// When the current run of failures began.
    pub failing_since: Option<DateTime<Utc>>,
    /// Set while the feed fails for so long it is only tried rarely.
    pub paused: bool,
    /// The interval the schedule chose at the last poll.
    pub interval_secs: Option<i64>,
    pub next_fetch_at: DateTime<Utc>,
}

/// A followed feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Feed {
    pub id: FeedId,
    pub source_id: SourceId,
    pub url: String,
    pub title: Option<String>,
    pub site_url: Option<String>,
    pub category: Option<String>,
    /// The operator's polling interval for this feed, overriding the
    /// adaptive one.
    pub poll_interval_secs: Option<i64>,
    /// Where its WebSub subscription stands, if it has one.
    pub push: Option<WebSubState>,
    /// When its articles' pages are fetched for the full text.
    pub extract_mode: ExtractMode,
    pub created_at: DateTime<Utc>,
    pub state: FeedState,
}

impl Feed {
    /// The feed's title, or its URL while it has none.
    pub fn display_name(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.url)
    }
}

/// A feed document after parsing, independent of its format.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedFeed {
    pub title: Option<String>,
    pub site_url: Option<String>,
    /// RSS `<ttl>`, in minutes.
    pub ttl_minutes: Option<u32>,
    /// RSS `<skipHours>`: UTC hours in which not to poll.
    pub skip_hours: Vec<u8>,
    /// WebSub: the hub (`<link rel="hub">`) and the feed's own URL
    /// (`<link rel="self">`), the topic to subscribe to.
    pub hub_url: Option<String>,
    pub self_url: Option<String>,
    pub entries: Vec<FeedEntry>,
}

/// One entry of a feed, normalised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedEntry {
    /// The entry's identity within its feed: its GUID/id, else its link.
    pub guid: String,
    /// Absolute link to the article, tracking parameters removed.
    pub url: Option<String>,
    /// The article's identity across feeds, from its URL (see
    /// `tidings_fetch::url_key`).
    pub url_key: Option<String>,
    /// Hash of the entry's text, to recognise a copy without a shared URL.
    pub content_hash: String,
    pub title: Option<String>,
    pub author: Option<String>,
    /// Short description, raw HTML as published.
    pub summary: Option<String>,
    /// Full content when the feed carries it, raw HTML as published.
    pub content: Option<String>,
    pub language: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
}

impl FeedEntry {
    /// Whether the feed carries only a teaser, so the page should be
    /// fetched for the full article: under 500 characters of text in the
    /// content (or, without content, the summary).
    pub fn needs_extraction(&self) -> bool {
        const FULL_TEXT: usize = 500;
        self.url.is_some()
            && self
                .content
                .as_deref()
                .or(self.summary.as_deref())
                .is_none_or(|html| visible_chars(html) < FULL_TEXT)
    }

    /// When the article should be sorted: its published date unless that is
    /// missing or in the future (seen when publishers mislabel time zones), in
    /// which case when we first saw it. An old article never sorts as new.
    pub fn sort_time(&self, first_seen: DateTime<Utc>) -> DateTime<Utc> {
        match self.published_at {
            Some(published) if published <= first_seen => published,
            _ => first_seen,
        }
    }
}

/// What storing a feed's entries did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InsertReport {
    /// Articles never seen before.
    pub new_articles: u64,
    /// Entries that are a known article seen through another feed (or under
    /// another GUID): one more appearance, not another article.
    pub new_appearances: u64,
}

/// Characters of `html` outside its tags: a cheap measure of how much text
/// it holds.
fn visible_chars(html: &str) -> usize {
    let mut in_tag = false;
    html.chars()
        .filter(|c| match c {
            '<' => {
                in_tag = true;
                false
            }
            '>' => {
                in_tag = false;
                false
            }
            c => !in_tag && !c.is_whitespace(),
        })
        .count()
}

/// When a feed's articles get their page fetched for the full text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtractMode {
    /// When the feed carries only a teaser.
    #[default]
    Auto,
    /// For every article (feeds whose text is always cut or mangled).
    Always,
    /// Never (the feed is complete, or its site refuses readers).
    Never,
}

text_enum!(ExtractMode, "an extraction mode", {
    Auto => "auto",
    Always => "always",
    Never => "never",
});

impl ExtractMode {
    /// Whether `entry`, in a feed with this mode, needs its page.
    pub fn wants(self, entry: &FeedEntry) -> bool {
        match self {
            Self::Auto => entry.needs_extraction(),
            Self::Always => entry.url.is_some(),
            Self::Never => false,
        }
    }
}

/// Where fetching an article's page for its full text stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtractionState {
    /// The feed carried a teaser; the page is still to be fetched.
    Pending,
    /// The page's article is stored.
    Done,
    /// Fetching or extracting failed; the feed's text is shown.
    Failed,
}

text_enum!(ExtractionState, "an extraction state", {
    Pending => "pending",
    Done => "done",
    Failed => "failed",
});

/// The article a page gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtractedBody {
    /// Sanitized HTML.
    pub html: String,
    pub text: String,
    pub lead_image: Option<String>,
    pub word_count: i32,
    /// Found by an operator's per-site rule rather than the heuristics.
    pub by_rules: bool,
    /// What the page says of itself; each fills only what the feed left
    /// out (the feed's own values win).
    pub title: Option<String>,
    pub author: Option<String>,
    /// Never in the future; moves the article back in the lists when the
    /// feed gave no date and the page is older than its first sighting.
    pub published_at: Option<DateTime<Utc>>,
}

/// An article with everything its page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    pub id: ArticleId,
    pub feed_id: FeedId,
    pub source_id: SourceId,
    pub source_name: String,
    pub url: Option<String>,
    pub guid: String,
    pub title: Option<String>,
    pub author: Option<String>,
    pub summary: Option<String>,
    pub content: Option<String>,
    pub language: Option<String>,
    /// As the publisher gave it (may be absent).
    pub published_at: Option<DateTime<Utc>>,
    /// When tidings first stored it.
    pub fetched_at: DateTime<Utc>,
    /// The instant the article is listed and sorted by.
    pub sort_at: DateTime<Utc>,
    /// Where fetching its page for the full text stands (`None`: the feed
    /// carried the full text).
    pub extraction: Option<ExtractionState>,
    pub extraction_error: Option<String>,
    /// The full article extracted from its page, sanitized.
    pub body_html: Option<String>,
    /// The extracted body was found by an operator's per-site rule.
    pub extracted_by_rules: bool,
    pub lead_image: Option<String>,
    /// Its best sentences (3–4, offline, extractive), once its text is
    /// final; empty before.
    pub highlights: Vec<String>,
    /// The optional language model's wording of them: each bullet with the
    /// highlights (0-based) it rests on, checked to hold what it says.
    pub model_highlights: Vec<(String, Vec<usize>)>,
    /// Its story and near-duplicate group (its own id for an original),
    /// once placed.
    pub placement: Option<(StoryId, ArticleId)>,
}

/// An article as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticleCard {
    pub id: ArticleId,
    pub title: Option<String>,
    pub url: Option<String>,
    pub source_id: SourceId,
    pub source_name: String,
    pub sort_at: DateTime<Utc>,
    /// The start of its text (plain), when known.
    pub preview: Option<String>,
}

/// Where the body an article page shows came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BodySource {
    /// The feed's content or summary.
    Feed,
    /// Extracted from the article's page by the heuristics.
    Extracted,
    /// Extracted from the article's page by an operator's per-site rule.
    Rules,
}

impl Article {
    pub fn body_source(&self) -> BodySource {
        match (self.extraction, self.extracted_by_rules) {
            (Some(ExtractionState::Done), true) => BodySource::Rules,
            (Some(ExtractionState::Done), false) => BodySource::Extracted,
            _ => BodySource::Feed,
        }
    }
}

/// A story as lists and its page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Story {
    pub id: StoryId,
    /// The representative headline: the article closest to the story's centre.
    pub title: Option<String>,
    pub lead_article_id: Option<ArticleId>,
    /// Who reported it first, and when.
    pub first_article_id: Option<ArticleId>,
    pub first_source_id: Option<SourceId>,
    pub first_source_name: Option<String>,
    pub first_seen_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub article_count: i64,
    pub source_count: i64,
}

/// An article as the story engine reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryInput {
    pub id: ArticleId,
    pub sort_at: DateTime<Utc>,
    pub title: Option<String>,
    /// Plain text when there is some (recorded at placement, or the
    /// extracted body), else the feed's content or summary as stored
    /// (possibly HTML).
    pub text: Option<String>,
    pub text_is_html: bool,
    pub source_name: String,
    /// Its embedding at unit length and the model that made it, when an
    /// embeddings endpoint made one.
    pub embedding: Option<(Vec<f32>, String)>,
}

/// Where the story engine placed an article, as the store records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryPlacement {
    pub article: ArticleId,
    pub story: StoryId,
    /// The first copy of its syndicated text (itself when original).
    pub group: ArticleId,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeDelta, TimeZone};

    #[test]
    fn future_and_missing_dates_sort_at_first_seen() {
        let seen = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
        let mut entry = FeedEntry::default();
        assert_eq!(entry.sort_time(seen), seen);
        entry.published_at = Some(seen + TimeDelta::hours(5));
        assert_eq!(entry.sort_time(seen), seen);
        entry.published_at = Some(seen - TimeDelta::days(3));
        assert_eq!(entry.sort_time(seen), seen - TimeDelta::days(3));
    }

    #[test]
    fn websub_renews_in_the_last_half_of_the_lease() {
        let t = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        let mut sub = WebSubSubscription {
            hub: "https://hub.example/".into(),
            topic: "https://a.example/feed".into(),
            secret: "s".into(),
            state: WebSubState::Pending,
            requested_at: t,
            verified_at: None,
            lease_until: None,
        };
        let (hub, topic) = ("https://hub.example/", "https://a.example/feed");
        assert!(!sub.needs_request(hub, topic, t + TimeDelta::minutes(30)));
        assert!(sub.needs_request(hub, topic, t + TimeDelta::hours(2)));
        assert!(sub.needs_request("https://other-hub.example/", topic, t));
        sub.state = WebSubState::Active;
        sub.verified_at = Some(t);
        sub.lease_until = Some(t + TimeDelta::days(10));
        assert!(!sub.needs_request(hub, topic, t + TimeDelta::days(8)));
        assert!(sub.needs_request(hub, topic, t + TimeDelta::days(9)));
        sub.lease_until = Some(t + TimeDelta::minutes(10));
        assert!(!sub.needs_request(hub, topic, t + TimeDelta::minutes(4)));
        assert!(sub.needs_request(hub, topic, t + TimeDelta::minutes(5)));
    }

    #[test]
    fn teasers_need_extraction_full_texts_do_not() {
        let mut entry = FeedEntry {
            url: Some("https://a.example/1".into()),
            summary: Some("<p>A short <b>teaser</b>.</p>".into()),
            ..FeedEntry::default()
        };
        assert!(entry.needs_extraction());
        entry.content = Some(format!("<p>{}</p>", "word ".repeat(200)));
        assert!(!entry.needs_extraction());
        entry.url = None;
        entry.content = None;
        assert!(!entry.needs_extraction(), "nothing to fetch without a URL");
    }

    #[test]
    fn source_host_keeps_explicit_port() {
        let feed = NewFeed::new("http://127.0.0.1:8123/feed.xml".parse().unwrap());
        assert_eq!(feed.source_host(), "127.0.0.1:8123");
        let feed = NewFeed::new("https://News.Example.COM/rss".parse().unwrap());
        assert_eq!(feed.source_host(), "news.example.com");
    }
}

/// Where a WebSub subscription stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WebSubState {
    /// Requested; the hub has not verified our intent yet.
    Pending,
    /// Verified; the hub pushes until the lease ends.
    Active,
    /// The hub refused it.
    Denied,
    /// We ended it, or the hub did.
    Unsubscribed,
}

text_enum!(WebSubState, "a WebSub state", {
    Pending => "pending",
    Active => "active",
    Denied => "denied",
    Unsubscribed => "unsubscribed",
});

/// A feed's WebSub subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebSubSubscription {
    pub hub: String,
    /// The topic URL subscribed to (the feed's `rel="self"`).
    pub topic: String,
    /// The HMAC key the hub signs pushes with.
    #[serde(skip)]
    pub secret: String,
    pub state: WebSubState,
    pub requested_at: DateTime<Utc>,
    pub verified_at: Option<DateTime<Utc>>,
    pub lease_until: Option<DateTime<Utc>>,
}

impl WebSubSubscription {
    /// Whether to send a (new) subscription request now: never made for
    /// this hub and topic, a request unanswered for an hour, or a lease in
    /// its last half (at most its last day).
    pub fn needs_request(&self, hub: &str, topic: &str, now: DateTime<Utc>) -> bool {
        if self.hub != hub || self.topic != topic {
            return true;
        }
        match self.state {
            WebSubState::Pending => now - self.requested_at >= chrono::TimeDelta::hours(1),
            WebSubState::Active => match (self.verified_at, self.lease_until) {
                (Some(verified), Some(until)) => {
                    let margin = ((until - verified) / 2).min(chrono::TimeDelta::days(1));
                    now >= until - margin
                }
                _ => true,
            },
            // A hub that said no is asked again only after a day.
            WebSubState::Denied | WebSubState::Unsubscribed => {
                now - self.requested_at >= chrono::TimeDelta::days(1)
            }
        }
    }
}
