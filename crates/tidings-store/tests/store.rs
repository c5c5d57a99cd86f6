//! The store conformance suite: every test runs on SQLite and on PostgreSQL
//! (`TIDINGS_TEST_POSTGRES`), each on a database of its own.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use tidings_core::{
    ArticleId, ExtractMode, ExtractedBody, ExtractionState, Feed, FeedEntry, FeedId, FeedOutcome,
    IdGenerator, InsertReport, NewFeed, SourceId,
};
use tidings_store::testing::{self, TestDatabase};
use tidings_store::{FetchFailure, FetchSuccess, Store, StoreError};

tidings_store::on_both_databases!(
    sources_are_unique_by_host,
    a_source_keeps_the_first_name_it_is_given,
    feeds_are_unique_by_url,
    entries_are_stored_once_per_feed,
    one_article_seen_through_two_feeds_is_one_article,
    entries_without_url_are_kept_apart,
    operator_interval_and_resume,
    teasers_are_queued_for_extraction,
    extract_mode_always_and_never,
    articles_read_back_exactly,
    latest_articles_sort_newest_first,
    due_feeds_are_leased_to_one_worker,
    expired_leases_are_taken_over,
    fetch_outcomes_are_recorded,
    unknown_ids_are_not_found,
    articles_take_the_identity_their_page_declares,
);

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 8, 0, 0).unwrap()
}

struct Fixture {
    ids: IdGenerator,
}

impl Fixture {
    fn new() -> Self {
        Self {
            ids: IdGenerator::new(),
        }
    }

    async fn feed(&self, store: &Store, url: &str) -> Feed {
        let new = NewFeed::new(url.parse().unwrap());
        let source = store
            .ensure_source(&new.source_host(), SourceId(self.ids.next(t0())), t0())
            .await
            .unwrap();
        store
            .insert_feed(FeedId(self.ids.next(t0())), source.id, &new, t0())
            .await
            .unwrap()
    }

    async fn insert(
        &self,
        store: &Store,
        feed: &Feed,
        entries: &[FeedEntry],
        now: DateTime<Utc>,
    ) -> u64 {
        self.insert_report(store, feed, entries, now)
            .await
            .new_articles
    }

    async fn insert_report(
        &self,
        store: &Store,
        feed: &Feed,
        entries: &[FeedEntry],
        now: DateTime<Utc>,
    ) -> InsertReport {
        store
            .insert_entries(feed, entries, now, || ArticleId(self.ids.next(now)))
            .await
            .unwrap()
    }
}

fn entry(guid: &str, title: &str, published: Option<DateTime<Utc>>) -> FeedEntry {
    FeedEntry {
        guid: guid.to_owned(),
        url: Some(format!("https://news.example/{guid}")),
        url_key: Some(format!("news.example/{guid}")),
        content_hash: format!("sha256:{guid}"),
        title: Some(title.to_owned()),
        author: Some("Ann Writer".to_owned()),
        summary: Some("<p>Summary</p>".to_owned()),
        content: Some("<p>Body with ünïcödé</p>".to_owned()),
        language: Some("en".to_owned()),
        published_at: published,
    }
}

async fn sources_are_unique_by_host(db: &TestDatabase) {
    let store = db.store();
    let a = store
        .ensure_source("news.example", SourceId(1), t0())
        .await
        .unwrap();
    let b = store
        .ensure_source("news.example", SourceId(2), t0())
        .await
        .unwrap();
    assert_eq!(a.id, SourceId(1));
    assert_eq!(b.id, SourceId(1), "the existing source is returned");
    assert_eq!(a.name, "news.example");
    assert_eq!(a.created_at, t0());
}

async fn a_source_keeps_the_first_name_it_is_given(db: &TestDatabase) {
    let store = db.store();
    let source = store
        .ensure_source("news.example", SourceId(1), t0())
        .await
        .unwrap();
    store
        .name_source_if_unnamed(source.id, "Example News", Some("https://news.example/"))
        .await
        .unwrap();
    store
        .name_source_if_unnamed(source.id, "Example News - Sport", None)
        .await
        .unwrap();
    let source = store.source(source.id).await.unwrap();
    assert_eq!(source.name, "Example News");
    assert_eq!(source.site_url.as_deref(), Some("https://news.example/"));
}

async fn feeds_are_unique_by_url(db: &TestDatabase) {
    let store = db.store();
    let fixture = Fixture::new();
    let feed = fixture.feed(store, "https://news.example/rss").await;
    assert_eq!(feed.state.next_fetch_at, t0(), "a new feed is due at once");
    assert_eq!(feed.state.error_count, 0);
    let again = store
        .insert_feed(
            FeedId(99),
            feed.source_id,
            &NewFeed::new("https://news.example/rss".parse().unwrap()),
            t0(),
        )
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    fixture.feed(store, "https://news.example/atom").await;
    let feeds = store.feeds().await.unwrap();
    assert_eq!(feeds.len(), 2);
    assert_eq!(feeds[0], feed);
}

async fn entries_are_stored_once_per_feed(db: &TestDatabase) {
    let store = db.store();
    let fixture = Fixture::new();
    let world = fixture.feed(store, "https://news.example/world").await;
    let sport = fixture.feed(store, "https://news.example/sport").await;
    let entries = [entry("a", "A", None), entry("b", "B", None)];
    assert_eq!(fixture.insert(store, &world, &entries, t0()).await, 2);
    assert_eq!(fixture.insert(store, &world, &entries, t0()).await, 0);
    let later = [entry("b", "B edited", None), entry("c", "C", None)];
    assert_eq!(fixture.insert(store, &world, &later, t0()).await, 1);
    // The same GUID in another feed, at another URL, is another article.
    let mut other = entry("a", "A", None);
    other.url_key = Some("sport.example/a".into());
    assert_eq!(fixture.insert(store, &sport, &[other], t0()).await, 1);
    assert_eq!(store.count_articles().await.unwrap(), 4);
}

async fn one_article_seen_through_two_feeds_is_one_article(db: &TestDatabase) {
    let store = db.store();
    let fixture = Fixture::new();
    let world = fixture.feed(store, "https://news.example/world").await;
    let top = fixture.feed(store, "https://news.example/top").await;
    let story = entry("story", "Story", None);
    let first = fixture
        .insert_report(store, &world, std::slice::from_ref(&story), t0())
        .await;
    assert_eq!(
        first,
        InsertReport {
            new_articles: 1,
            new_appearances: 0
        }
    );
    // Same URL key in another feed, under another GUID.
    let mut again = story.clone();
    again.guid = "top-123".into();
    let second = fixture
        .insert_report(store, &top, &[again.clone()], t0())
        .await;
    assert_eq!(
        second,
        InsertReport {
            new_articles: 0,
            new_appearances: 1
        }
    );
    let repeat = fixture.insert_report(store, &top, &[again], t0()).await;
    assert_eq!(repeat, InsertReport::default());
    assert_eq!(store.count_articles().await.unwrap(), 1);
    let article = store.latest_articles(1).await.unwrap().remove(0);
    assert_eq!(store.appearance_count(article.id).await.unwrap(), 2);
}

async fn entries_without_url_are_kept_apart(db: &TestDatabase) {
    let store = db.store();
    let fixture = Fixture::new();
    let feed = fixture.feed(store, "https://news.example/world").await;
    let mut a = entry("a", "A", None);
    let mut b = entry("b", "B", None);
    for e in [&mut a, &mut b] {
        e.url = None;
        e.url_key = None;
    }
    assert_eq!(fixture.insert(store, &feed, &[a.clone(), b], t0()).await, 2);
    assert_eq!(fixture.insert(store, &feed, &[a], t0()).await, 0);
}

async fn operator_interval_and_resume(db: &TestDatabase) {
    let store = db.store();
    let fixture = Fixture::new();
    let feed = fixture.feed(store, "https://news.example/rss").await;
    store.set_poll_interval(feed.id, Some(600)).await.unwrap();
    assert_eq!(
        store.feed(feed.id).await.unwrap().poll_interval_secs,
        Some(600)
    );
    store.set_poll_interval(feed.id, None).await.unwrap();
    assert_eq!(store.feed(feed.id).await.unwrap().poll_interval_secs, None);

    let failure = FetchFailure {
        error: "HTTP 410 Gone".into(),
        fetched_at: t0(),
        next_fetch_at: t0() + TimeDelta::days(7),
        paused: true,
    };
    store.record_fetch_failure(feed.id, &failure).await.unwrap();
    let paused = store.feed(feed.id).await.unwrap();
    assert!(paused.state.paused);
    assert_eq!(paused.state.failing_since, Some(t0()));
    let later = t0() + TimeDelta::hours(1);
    store.resume_feed(feed.id, later).await.unwrap();
    let resumed = store.feed(feed.id).await.unwrap();
    assert!(!resumed.state.paused);
    assert_eq!(resumed.state.error_count, 0);
    assert_eq!(resumed.state.next_fetch_at, later);
    assert!(matches!(
        store.resume_feed(FeedId(1), later).await,
        Err(StoreError::NotFound)
    ));
}

async fn articles_read_back_exactly(db: &TestDatabase) {
    let store = db.store();
    let fixture = Fixture::new();
    let feed = fixture.feed(store, "https://news.example/rss").await;
    let published = Utc.timestamp_micros(1_796_000_000_123_456).unwrap();
    let now = published + TimeDelta::hours(4);
    fixture
        .insert(
            store,
            &feed,
            &[entry("x", "Headline", Some(published))],
            now,
        )
        .await;
    let card = store.latest_articles(10).await.unwrap().remove(0);
    let article = store.article(card.id).await.unwrap();
    assert_eq!(article.title.as_deref(), Some("Headline"));
    assert_eq!(article.source_name, "news.example");
    assert_eq!(article.feed_id, feed.id);
    assert_eq!(article.guid, "x");
    assert_eq!(article.url.as_deref(), Some("https://news.example/x"));
    assert_eq!(article.author.as_deref(), Some("Ann Writer"));
    assert_eq!(article.content.as_deref(), Some("<p>Body with ünïcödé</p>"));
    assert_eq!(article.language.as_deref(), Some("en"));
    assert_eq!(
        article.published_at,
        Some(published),
        "microseconds survive"
    );
    assert_eq!(article.fetched_at, now);
    assert_eq!(article.sort_at, published);
}

async fn latest_articles_sort_newest_first(db: &TestDatabase) {
    let store = db.store();
    let fixture = Fixture::new();
    let feed = fixture.feed(store, "https://news.example/rss").await;
    let now = t0();
    let entries = [
        entry("old", "Old", Some(now - TimeDelta::days(3))),
        entry("new", "New", Some(now - TimeDelta::minutes(5))),
        // A date in the future sorts at first sight, not above everything.
        entry("future", "Future", Some(now + TimeDelta::days(2))),
        entry("undated", "Undated", None),
        entry("mid", "Mid", Some(now - TimeDelta::hours(2))),
    ];
    fixture.insert(store, &feed, &entries, now).await;
    let titles: Vec<_> = store
        .latest_articles(10)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.title.unwrap())
        .collect();
    // "future" and "undated" share first-seen time; the later id wins.
    assert_eq!(titles, ["Undated", "Future", "New", "Mid", "Old"]);
    assert_eq!(store.latest_articles(2).await.unwrap().len(), 2);
}

async fn due_feeds_are_leased_to_one_worker(db: &TestDatabase) {
    let store = db.store();
    let fixture = Fixture::new();
    for n in 0..5 {
        fixture
            .feed(store, &format!("https://news.example/{n}"))
            .await;
    }
    let lease = t0() + TimeDelta::minutes(5);
    let a = store
        .claim_due_feeds("a", t0(), t0(), lease, 3)
        .await
        .unwrap();
    let b = store
        .claim_due_feeds("b", t0(), t0(), lease, 10)
        .await
        .unwrap();
    let c = store
        .claim_due_feeds("c", t0(), t0(), lease, 10)
        .await
        .unwrap();
    assert_eq!(a.len(), 3);
    assert_eq!(b.len(), 2);
    assert!(c.is_empty(), "every due feed is leased");
    let mut all: Vec<_> = a.iter().chain(&b).map(|f| f.id).collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 5, "no feed was handed out twice");

    // Not due yet: nothing to claim.
    let other = Fixture::new();
    other.feed(store, "https://other.example/").await;
    let early = store
        .claim_due_feeds("d", t0() - TimeDelta::seconds(1), t0(), lease, 10)
        .await
        .unwrap();
    assert!(early.is_empty());
}

async fn expired_leases_are_taken_over(db: &TestDatabase) {
    let store = db.store();
    let fixture = Fixture::new();
    fixture.feed(store, "https://news.example/rss").await;
    let lease = t0() + TimeDelta::minutes(5);
    assert_eq!(
        store
            .claim_due_feeds("dead", t0(), t0(), lease, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    let before = t0() + TimeDelta::minutes(4);
    assert!(
        store
            .claim_due_feeds("b", before, before, lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let after = lease;
    let taken = store
        .claim_due_feeds("b", after, after, after + TimeDelta::minutes(5), 10)
        .await
        .unwrap();
    assert_eq!(taken.len(), 1, "an expired lease is taken over");
}

async fn fetch_outcomes_are_recorded(db: &TestDatabase) {
    let store = db.store();
    let fixture = Fixture::new();
    let feed = fixture.feed(store, "https://news.example/rss").await;
    let lease = t0() + TimeDelta::minutes(5);
    store
        .claim_due_feeds("w", t0(), t0(), lease, 1)
        .await
        .unwrap();
    for n in 1..=2 {
        store
            .record_fetch_failure(
                feed.id,
                &FetchFailure {
                    error: format!("HTTP 500 Internal Server Error ({n})"),
                    fetched_at: t0() + TimeDelta::minutes(n),
                    next_fetch_at: t0() + TimeDelta::minutes(10 * n),
                    paused: false,
                },
            )
            .await
            .unwrap();
    }
    let failed = store.feed(feed.id).await.unwrap();
    assert_eq!(failed.state.last_outcome, Some(FeedOutcome::Error));
    assert_eq!(failed.state.error_count, 2);
    assert_eq!(
        failed.state.last_error.as_deref(),
        Some("HTTP 500 Internal Server Error (2)")
    );
    assert_eq!(failed.state.next_fetch_at, t0() + TimeDelta::minutes(20));
    assert_eq!(
        failed.state.failing_since,
        Some(t0() + TimeDelta::minutes(1)),
        "the run's start"
    );
    // The lease was released: claimable again once due.
    let due = t0() + TimeDelta::minutes(20);
    assert_eq!(
        store
            .claim_due_feeds("w", due, due, due + TimeDelta::minutes(5), 1)
            .await
            .unwrap()
            .len(),
        1
    );

    let success = FetchSuccess {
        outcome: FeedOutcome::Ok,
        title: Some("Example News".to_owned()),
        site_url: Some("https://news.example/".to_owned()),
        etag: Some("\"v1\"".to_owned()),
        last_modified: Some("Sun, 29 Nov 2026 08:00:00 GMT".to_owned()),
        fetched_at: due,
        next_fetch_at: due + TimeDelta::minutes(30),
        interval_secs: 1800,
    };
    store.record_fetch_success(feed.id, &success).await.unwrap();
    let ok = store.feed(feed.id).await.unwrap();
    assert_eq!(ok.state.last_outcome, Some(FeedOutcome::Ok));
    assert_eq!(ok.state.error_count, 0);
    assert_eq!(ok.state.last_error, None);
    assert_eq!(ok.state.etag.as_deref(), Some("\"v1\""));
    assert_eq!(ok.title.as_deref(), Some("Example News"));
    assert_eq!(ok.state.last_fetched_at, Some(due));
    assert_eq!(ok.state.failing_since, None);
    assert_eq!(ok.state.interval_secs, Some(1800));

    // A 304 carries no title: the known one stays.
    store
        .record_fetch_success(
            feed.id,
            &FetchSuccess {
                outcome: FeedOutcome::NotModified,
                title: None,
                ..success
            },
        )
        .await
        .unwrap();
    let unchanged = store.feed(feed.id).await.unwrap();
    assert_eq!(unchanged.state.last_outcome, Some(FeedOutcome::NotModified));
    assert_eq!(unchanged.title.as_deref(), Some("Example News"));
}

async fn unknown_ids_are_not_found(db: &TestDatabase) {
    let store = db.store();
    assert!(matches!(
        store.article(ArticleId(42)).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.feed(FeedId(42)).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.source(SourceId(42)).await,
        Err(StoreError::NotFound)
    ));
    let failure = FetchFailure {
        error: "x".into(),
        fetched_at: t0(),
        next_fetch_at: t0(),
        paused: false,
    };
    assert!(matches!(
        store.record_fetch_failure(FeedId(42), &failure).await,
        Err(StoreError::NotFound)
    ));
}

/// Both dialects' migrations must describe the same tables and columns,
/// except the full-text index, which each dialect keeps its own way (FTS5
/// tables on SQLite, a `tsvector` column on PostgreSQL).
#[tokio::test]
async fn both_schemas_have_the_same_tables_and_columns() {
    let Some(pg) = testing::postgres().await else {
        return;
    };
    let sqlite = testing::sqlite().await;
    let search_index = |(table, column): &(String, String)| {
        table.starts_with("articles_fts") || (table == "articles" && column == "search_vector")
    };
    let mut sqlite_columns = sqlite.store().schema_columns().await.unwrap();
    let mut pg_columns = pg.store().schema_columns().await.unwrap();
    assert!(sqlite_columns.iter().any(|c| c.0 == "articles_fts"));
    assert!(pg_columns.iter().any(|c| c.1 == "search_vector"));
    sqlite_columns.retain(|c| !search_index(c));
    pg_columns.retain(|c| !search_index(c));
    assert!(!sqlite_columns.is_empty());
    assert_eq!(sqlite_columns, pg_columns);
}

#[tokio::test]
async fn unsupported_urls_are_refused() {
    let result = Store::connect("mysql://localhost/x", &Default::default()).await;
    assert!(matches!(result, Err(StoreError::UnsupportedUrl(_))));
}

async fn teasers_are_queued_for_extraction(db: &TestDatabase) {
    let store = db.store();
    let fixture = Fixture::new();
    let feed = fixture.feed(store, "https://news.example/rss").await;
    let mut teaser = entry("teaser", "Teaser", None);
    teaser.content = None;
    teaser.author = None;
    teaser.summary = Some("<p>Just a line.</p>".into());
    let mut failing = entry("failing", "Failing", None);
    failing.content = None;
    let mut full = entry("full", "Full", None);
    full.content = Some(format!("<p>{}</p>", "word ".repeat(200)));
    fixture
        .insert(store, &feed, &[teaser, failing, full], t0())
        .await;

    let lease = t0() + TimeDelta::minutes(5);
    let claimed = store
        .claim_pending_extractions(t0(), lease, 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 2, "the full-text entry needs no page");
    assert!(
        claimed
            .iter()
            .all(|(_, url)| url.starts_with("https://news.example/"))
    );
    assert!(
        store
            .claim_pending_extractions(t0(), lease, 10)
            .await
            .unwrap()
            .is_empty()
    );

    let body = ExtractedBody {
        by_rules: true,
        html: "<p>The whole story.</p>".into(),
        text: "The whole story.".into(),
        lead_image: Some("https://news.example/i.jpg".into()),
        word_count: 3,
        title: Some("The page's own headline".into()),
        author: Some("Bo Lee".into()),
        published_at: Some(t0() - TimeDelta::days(2)),
    };
    // The teaser (first claimed: ids in order) had no author and no date.
    let (done_id, failed_id) = (claimed[0].0, claimed[1].0);
    store
        .record_extraction(done_id, &Ok(body), t0())
        .await
        .unwrap();
    store
        .record_extraction(failed_id, &Err("HTTP 404 Not Found".into()), t0())
        .await
        .unwrap();
    let done = store.article(done_id).await.unwrap();
    assert_eq!(done.extraction, Some(ExtractionState::Done));
    assert_eq!(done.body_html.as_deref(), Some("<p>The whole story.</p>"));
    assert_eq!(done.body_source(), tidings_core::BodySource::Rules);
    // The page fills what the feed left out, and only that; an article the
    // feed gave no date moves back to when the page says it was published.
    assert_eq!(done.title.as_deref(), Some("Teaser"));
    assert_eq!(done.author.as_deref(), Some("Bo Lee"));
    assert_eq!(done.published_at, Some(t0() - TimeDelta::days(2)));
    assert_eq!(done.sort_at, t0() - TimeDelta::days(2));
    assert_eq!(
        done.lead_image.as_deref(),
        Some("https://news.example/i.jpg")
    );
    let failed = store.article(failed_id).await.unwrap();
    assert_eq!(failed.extraction, Some(ExtractionState::Failed));
    assert_eq!(failed.body_source(), tidings_core::BodySource::Feed);
    assert_eq!(
        failed.extraction_error.as_deref(),
        Some("HTTP 404 Not Found")
    );
    let after = t0() + TimeDelta::hours(1);
    assert!(
        store
            .claim_pending_extractions(after, after + TimeDelta::minutes(5), 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn extract_mode_always_and_never(db: &TestDatabase) {
    let store = db.store();
    let fixture = Fixture::new();
    let always = fixture.feed(store, "https://news.example/always").await;
    let never = fixture.feed(store, "https://news.example/never").await;
    store
        .set_extract_mode(always.id, ExtractMode::Always)
        .await
        .unwrap();
    store
        .set_extract_mode(never.id, ExtractMode::Never)
        .await
        .unwrap();
    let always = store.feed(always.id).await.unwrap();
    let never = store.feed(never.id).await.unwrap();
    assert_eq!(always.extract_mode, ExtractMode::Always);

    let mut full = entry("full", "Full", None);
    full.content = Some(format!("<p>{}</p>", "word ".repeat(200)));
    let mut teaser = entry("teaser", "Teaser", None);
    teaser.content = None;
    teaser.author = None;
    teaser.url_key = Some("news.example/teaser-never".into());
    fixture.insert(store, &always, &[full], t0()).await;
    fixture.insert(store, &never, &[teaser], t0()).await;
    let claimed = store
        .claim_pending_extractions(t0(), t0() + TimeDelta::minutes(5), 10)
        .await
        .unwrap();
    let urls: Vec<_> = claimed.into_iter().map(|(_, url)| url).collect();
    assert_eq!(
        urls,
        ["https://news.example/full"],
        "always: even a full text; never: not even a teaser"
    );
    assert!(matches!(
        store.set_extract_mode(FeedId(1), ExtractMode::Auto).await,
        Err(StoreError::NotFound)
    ));
}

async fn articles_take_the_identity_their_page_declares(db: &TestDatabase) {
    let store = db.store();
    let fixture = Fixture::new();
    let feed = fixture.feed(store, "https://news.example/rss").await;
    fixture
        .insert(
            store,
            &feed,
            &[
                entry("a", "A", None),
                entry("b", "B", None),
                entry("c", "C", None),
            ],
            t0(),
        )
        .await;
    let ids: Vec<ArticleId> = store
        .latest_articles(10)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    let (a, b) = (ids[0], ids[1]);
    // A new address nobody holds: the article moves there.
    let kept = store
        .rekey_article(a, "https://news.example/story/a", "news.example/story/a")
        .await
        .unwrap();
    assert_eq!(kept, a);
    assert_eq!(
        store.article(a).await.unwrap().url.as_deref(),
        Some("https://news.example/story/a")
    );
    // An address another article holds: one article, both appearances.
    let merged = store
        .rekey_article(b, "https://news.example/story/a", "news.example/story/a")
        .await
        .unwrap();
    assert_eq!(merged, a);
    assert!(matches!(store.article(b).await, Err(StoreError::NotFound)));
    assert_eq!(store.appearance_count(a).await.unwrap(), 2);
    assert_eq!(store.count_articles().await.unwrap(), 2);
}
