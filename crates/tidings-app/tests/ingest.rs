//! Ingestion against a simulated publisher on localhost: polite fetching,
//! hostile and broken answers, identity across feeds, and several workers
//! sharing one database. Every test runs on SQLite and on PostgreSQL.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use chrono::{TimeDelta, Utc};
use tidings_app::{App, AppConfig, FetchSummary};
use tidings_core::{Clock, Feed, ManualClock, SystemClock};
use tidings_fetch::{FetchOptions, NetworkPolicy};
use tidings_store::Store;
use tidings_store::testing::TestDatabase;

tidings_store::on_both_databases!(
    a_site_page_leads_to_its_feed,
    polite_and_hostile_publishers,
    private_addresses_are_refused_unless_allowed,
    one_story_in_two_feeds_is_one_article,
    two_workers_never_fetch_a_feed_twice,
    a_stopped_workers_leases_are_taken_over,
    a_stopping_worker_claims_nothing_new,
    teasers_get_their_full_article_from_the_page,
    a_page_reached_by_another_address_is_the_same_article,
    a_site_rule_names_the_body,
    a_page_is_read_in_the_charset_its_server_names,
);

/// Requests the publisher received, by path.
#[derive(Clone, Default)]
struct Hits(Arc<Mutex<HashMap<String, usize>>>);

impl Hits {
    fn count(&self, path: &str) -> usize {
        self.0.lock().unwrap().get(path).copied().unwrap_or(0)
    }
    fn total(&self) -> usize {
        self.0.lock().unwrap().values().sum()
    }
}

fn rss(title: &str, items: &[(&str, &str)]) -> String {
    let now = Utc::now().to_rfc2822();
    let items: String = items
        .iter()
        .map(|(guid, link)| {
            format!("<item><guid>{guid}</guid><title>Item {guid}</title><link>{link}</link><pubDate>{now}</pubDate></item>")
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>\
         <link>http://publisher.test/</link>{items}</channel></rss>"
    )
}

fn harbour_page(canonical: Option<&str>) -> axum::response::Html<String> {
    let paragraph = "The council voted on Tuesday to rebuild the harbour wall, \
        after a winter of storms left it cracked, and engineers said the work would \
        take two years, cost more than planned, and close the north quay.";
    let canonical = canonical
        .map(|href| format!(r#"<link rel="canonical" href="{href}">"#))
        .unwrap_or_default();
    axum::response::Html(format!(
        r#"<html><head><title>Harbour wall | Gazette</title>{canonical}
        <meta property="og:image" content="/img/wall.jpg"></head><body>
        <nav><a href="/">Home</a></nav>
        <article><h1>Harbour wall to be rebuilt</h1>
        <p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p></article>
        <footer>Copyright</footer></body></html>"#
    ))
}

async fn publisher() -> (String, Hits) {
    let hits = Hits::default();
    let counted = hits.clone();
    let app = Router::new()
        .route(
            "/home.html",
            get(|| async {
                axum::response::Html(
                    r#"<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head></html>"#,
                )
            }),
        )
        .route(
            "/teaser.xml",
            get(|| async { rss("Teasers", &[("t1", "/story/full"), ("t2", "/story/missing")]) }),
        )
        .route("/story/full", get(|| async { harbour_page(None) }))
        // A Russian page in windows-1251: its server says so, its own
        // (stale) meta tag says Latin-1, and the server is right.
        .route(
            "/teaser-1251.xml",
            get(|| async { rss("Cyrillic", &[("c1", "/story/cyrillic")]) }),
        )
        .route(
            "/story/cyrillic",
            get(|| async {
                let paragraph = "Совет в четверг проголосовал за восстановление стены \
                    гавани, и инженеры сказали, что работа займёт два года.";
                let page = format!(
                    "<html><head><meta charset=\"iso-8859-1\"><title>Стена</title></head><body><article>\
                     <h1>Стену гавани восстановят</h1><p>{paragraph}</p><p>{paragraph}</p>\
                     <p>{paragraph}</p></article></body></html>"
                );
                let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&page);
                (
                    [(header::CONTENT_TYPE, "text/html; charset=windows-1251")],
                    bytes.into_owned(),
                )
            }),
        )
        // The same article behind a link shortener, and as an AMP copy that
        // names its canonical address.
        .route("/short/77", get(|| async { Redirect::permanent("/story/full") }))
        .route("/amp/full", get(|| async { harbour_page(Some("/story/full")) }))
        .route(
            "/teaser-again.xml",
            get(|| async { rss("Elsewhere", &[("s1", "/short/77"), ("s2", "/amp/full")]) }),
        )
        .route("/robots.txt", get(|| async { "User-agent: *\nDisallow: /private/\n" }))
        .route(
            "/feed.xml",
            get(|headers: HeaderMap| async move {
                if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v == "\"v1\"") {
                    return StatusCode::NOT_MODIFIED.into_response();
                }
                (
                    [(header::ETAG, "\"v1\""), (header::CACHE_CONTROL, "max-age=7200")],
                    rss("Main", &[("m1", "/news/1"), ("m2", "/news/2")]),
                )
                    .into_response()
            }),
        )
        .route(
            "/429.xml",
            get(|| async { (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "3600")]) }),
        )
        .route("/moved.xml", get(|| async { Redirect::permanent("/moved-here.xml") }))
        .route("/moved-here.xml", get(|| async { rss("Moved", &[("mv1", "/news/moved")]) }))
        .route(
            "/loop/{n}",
            get(|Path(n): Path<u32>| async move { Redirect::temporary(&format!("/loop/{}", n + 1)) }),
        )
        .route(
            "/metadata.xml",
            get(|| async { Redirect::temporary("http://169.254.169.254/latest/meta-data/") }),
        )
        .route(
            "/mapped.xml",
            get(|| async { Redirect::temporary("http://[::ffff:169.254.169.254]/latest/") }),
        )
        .route(
            "/slow.xml",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                rss("Slow", &[])
            }),
        )
        .route("/huge.xml", get(|| async { " ".repeat(2 * 1024 * 1024) }))
        .route(
            "/latin1.xml",
            get(|| async {
                let mut body = b"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss version=\"2.0\"><channel><title>Caf\xe9 Gazette</title>".to_vec();
                body.extend_from_slice(b"<item><guid>l1</guid><title>Cr\xe8me br\xfbl\xe9e</title></item></channel></rss>");
                ([(header::CONTENT_TYPE, "application/rss+xml")], body)
            }),
        )
        .route("/private/feed.xml", get(|| async { rss("Private", &[("p1", "/p")]) }))
        .route(
            "/shared-a.xml",
            get(|| async { rss("Wire A", &[("a-77", "/story/77?utm_source=a")]) }),
        )
        .route(
            "/shared-b.xml",
            get(|| async { rss("Wire B", &[("b-xyz", "/story/77/?utm_medium=b#top")]) }),
        )
        .route(
            "/n/{n}",
            get(|Path(n): Path<String>| async move {
                tokio::time::sleep(Duration::from_millis(5)).await;
                rss(&format!("Feed {n}"), &[(&format!("n-{n}"), &format!("/n-story/{n}"))])
            }),
        )
        .layer(axum::middleware::from_fn(
            move |uri: Uri, request: axum::extract::Request, next: axum::middleware::Next| {
                let counted = counted.clone();
                async move {
                    *counted.0.lock().unwrap().entry(uri.path().to_owned()).or_default() += 1;
                    next.run(request).await
                }
            },
        ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, hits)
}

fn config(db: &TestDatabase, allow_loopback: bool) -> AppConfig {
    let mut config = AppConfig::new(db.url());
    config.fetch = FetchOptions {
        timeout: Duration::from_secs(1),
        connect_timeout: Duration::from_secs(1),
        max_body_bytes: 1024 * 1024,
        per_host_concurrency: 8,
        per_host_delay: Duration::ZERO,
        network: NetworkPolicy {
            allowed: if allow_loopback {
                vec!["127.0.0.0/8".parse().unwrap()]
            } else {
                vec![]
            },
        },
        ..FetchOptions::default()
    };
    config
}

fn app(db: &TestDatabase, allow_loopback: bool, clock: Arc<dyn Clock>) -> App {
    App::with_store(db.store().clone(), config(db, allow_loopback), clock).unwrap()
}

async fn feed_by_path(store: &Store, base: &str, path: &str) -> Feed {
    let url = format!("{base}{path}");
    store
        .feeds()
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.url == url)
        .unwrap_or_else(|| panic!("no feed {url}"))
}

async fn a_site_page_leads_to_its_feed(db: &TestDatabase) {
    let (base, _) = publisher().await;
    let app = app(db, true, Arc::new(SystemClock));
    let followed = app.add_feed(&format!("{base}/home.html")).await.unwrap();
    assert_eq!(followed.feed.url, format!("{base}/feed.xml"));
    assert_eq!(followed.found_on, Some(format!("{base}/home.html")));
    // A feed URL is followed as it is; so is one that cannot be reached now.
    let direct = app
        .add_feed(&format!("{base}/moved-here.xml"))
        .await
        .unwrap();
    assert_eq!(
        (direct.feed.url, direct.found_on),
        (format!("{base}/moved-here.xml"), None)
    );
    let down = app.add_feed("http://127.0.0.1:9/feed.xml").await.unwrap();
    assert_eq!(down.feed.url, "http://127.0.0.1:9/feed.xml");
}

async fn polite_and_hostile_publishers(db: &TestDatabase) {
    let (base, hits) = publisher().await;
    let app = app(db, true, Arc::new(SystemClock));
    let paths = [
        "/feed.xml",
        "/429.xml",
        "/moved.xml",
        "/loop/0",
        "/metadata.xml",
        "/mapped.xml",
        "/slow.xml",
        "/huge.xml",
        "/latin1.xml",
        "/private/feed.xml",
    ];
    for path in paths {
        app.follow_url(&format!("{base}{path}")).await.unwrap();
    }
    let summary = app.fetch_due(false, &()).await.unwrap();
    assert_eq!(summary.feeds, paths.len());
    assert_eq!(summary.fetched, 3, "{summary:?}");
    assert_eq!(summary.new_articles, 4, "{summary:?}");

    let store = db.store();
    let error_of = |feed: &Feed| feed.state.last_error.clone().unwrap_or_default();
    let expect_error = |feed: Feed, needle: &str| {
        assert!(
            error_of(&feed).contains(needle),
            "{}: {:?}",
            feed.url,
            error_of(&feed)
        );
        assert_eq!(feed.state.error_count, 1);
    };

    let main = feed_by_path(store, &base, "/feed.xml").await;
    assert_eq!(main.state.etag.as_deref(), Some("\"v1\""));
    let waited = main.state.next_fetch_at - main.state.last_fetched_at.unwrap();
    assert!(
        waited >= TimeDelta::hours(2),
        "max-age=7200 is a floor: {waited}"
    );

    let throttled = feed_by_path(store, &base, "/429.xml").await;
    let waited = throttled.state.next_fetch_at - throttled.state.last_fetched_at.unwrap();
    assert!(
        waited >= TimeDelta::hours(1),
        "Retry-After honoured: {waited}"
    );
    expect_error(throttled, "429 Too Many Requests");

    let moved = feed_by_path(store, &base, "/moved.xml").await;
    assert!(
        moved.state.last_error.is_none(),
        "{:?}",
        moved.state.last_error
    );
    expect_error(
        feed_by_path(store, &base, "/loop/0").await,
        "too many redirects",
    );
    expect_error(
        feed_by_path(store, &base, "/metadata.xml").await,
        "refused to connect to non-public address 169.254.169.254",
    );
    expect_error(
        feed_by_path(store, &base, "/mapped.xml").await,
        "refused to connect to non-public address",
    );
    expect_error(feed_by_path(store, &base, "/slow.xml").await, "timed out");
    expect_error(
        feed_by_path(store, &base, "/huge.xml").await,
        "larger than 1048576 bytes",
    );
    expect_error(
        feed_by_path(store, &base, "/private/feed.xml").await,
        "disallowed by robots.txt",
    );
    assert_eq!(hits.count("/private/feed.xml"), 0, "robots.txt is obeyed");
    assert_eq!(
        hits.count("/robots.txt"),
        1,
        "robots.txt is fetched once per origin"
    );
    assert_eq!(hits.count("/loop/6"), 0, "at most 5 redirects are followed");

    let latin1 = feed_by_path(store, &base, "/latin1.xml").await;
    assert_eq!(latin1.title.as_deref(), Some("Café Gazette"));
    let titles: Vec<_> = store
        .latest_articles(50)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|a| a.title)
        .collect();
    assert!(titles.contains(&"Crème brûlée".to_owned()), "{titles:?}");

    // Forced second pass: the conditional GET costs a 304 and no parse.
    let again = app.fetch_due(true, &()).await.unwrap();
    assert_eq!(again.not_modified, 1, "{again:?}");
    assert_eq!(again.new_articles, 0, "{again:?}");
    let main = feed_by_path(store, &base, "/feed.xml").await;
    assert_eq!(
        main.state.last_outcome.map(|o| o.as_str()),
        Some("not_modified")
    );
    assert_eq!(main.state.error_count, 0);
}

async fn private_addresses_are_refused_unless_allowed(db: &TestDatabase) {
    let (base, hits) = publisher().await;
    let app = app(db, false, Arc::new(SystemClock));
    // Adding one says why at once, and follows nothing.
    let refused = app.add_feed(&format!("{base}/feed.xml")).await;
    assert!(
        matches!(&refused, Err(tidings_app::AppError::Invalid(why)) if why.contains("non-public")),
        "{refused:?}"
    );
    assert!(db.store().feeds().await.unwrap().is_empty());
    app.follow_url(&format!("{base}/feed.xml")).await.unwrap();
    // A name that resolves to loopback is refused the same way.
    let port = base.rsplit(':').next().unwrap();
    app.follow_url(&format!("http://localhost:{port}/feed.xml"))
        .await
        .unwrap();
    let summary = app.fetch_due(false, &()).await.unwrap();
    assert_eq!(summary.failed, 2, "{summary:?}");
    for feed in db.store().feeds().await.unwrap() {
        let error = feed.state.last_error.unwrap();
        assert!(
            error.contains("refused to connect to non-public address"),
            "{error}"
        );
    }
    assert_eq!(
        hits.total(),
        0,
        "not one request reached the private address"
    );
}

async fn one_story_in_two_feeds_is_one_article(db: &TestDatabase) {
    let (base, _) = publisher().await;
    let app = app(db, true, Arc::new(SystemClock));
    app.follow_url(&format!("{base}/shared-a.xml"))
        .await
        .unwrap();
    app.follow_url(&format!("{base}/shared-b.xml"))
        .await
        .unwrap();
    let summary = app.fetch_due(false, &()).await.unwrap();
    assert_eq!(
        (summary.new_articles, summary.new_appearances),
        (1, 1),
        "{summary:?}"
    );
    let articles = db.store().latest_articles(10).await.unwrap();
    assert_eq!(articles.len(), 1);
    // Whichever feed came first gave its spelling, tracking removed.
    let url = articles[0].url.clone().unwrap();
    assert!(
        [format!("{base}/story/77"), format!("{base}/story/77/")].contains(&url),
        "{url}"
    );
    assert_eq!(
        db.store().appearance_count(articles[0].id).await.unwrap(),
        2
    );
}

const MANY: usize = 300;

async fn two_workers_never_fetch_a_feed_twice(db: &TestDatabase) {
    let (base, hits) = publisher().await;
    let clock = Arc::new(SystemClock);
    let node_a = app(db, true, clock.clone());
    let node_b = app(db, true, clock);
    for n in 0..MANY {
        node_a.follow_url(&format!("{base}/n/{n}")).await.unwrap();
    }
    let (a, b) = tokio::join!(node_a.fetch_due(false, &()), node_b.fetch_due(false, &()));
    let (a, b): (FetchSummary, FetchSummary) = (a.unwrap(), b.unwrap());
    assert_eq!(a.feeds + b.feeds, MANY, "a: {a:?}, b: {b:?}");
    assert!(
        a.feeds > 0 && b.feeds > 0,
        "both workers took part: {a:?} {b:?}"
    );
    for n in 0..MANY {
        assert_eq!(hits.count(&format!("/n/{n}")), 1, "feed {n} fetched once");
    }
    assert_eq!(db.store().count_articles().await.unwrap(), MANY as i64);
    // In this period nothing is due any more.
    let (a, b) = tokio::join!(node_a.fetch_due(false, &()), node_b.fetch_due(false, &()));
    assert_eq!(a.unwrap().feeds + b.unwrap().feeds, 0);
}

async fn a_stopped_workers_leases_are_taken_over(db: &TestDatabase) {
    let (base, hits) = publisher().await;
    let clock = ManualClock::new(Utc::now());
    let live = app(db, true, Arc::new(clock.clone()));
    for n in 0..20 {
        live.follow_url(&format!("{base}/n/{n}")).await.unwrap();
    }
    // A worker claims every feed, then dies without reporting back.
    let now = clock.now();
    let lease = TimeDelta::minutes(5);
    let claimed = db
        .store()
        .claim_due_feeds("dead-node", now, now, now + lease, 1000)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 20);

    let before_expiry = live.fetch_due(false, &()).await.unwrap();
    assert_eq!(before_expiry.feeds, 0, "leased feeds are left alone");
    assert_eq!(hits.total(), 0);

    clock.advance(lease + TimeDelta::seconds(1));
    let after_expiry = live.fetch_due(false, &()).await.unwrap();
    assert_eq!(after_expiry.feeds, 20, "expired leases are taken over");
    assert!(matches!(
        live.feeds().await.unwrap()[0].state.last_outcome,
        Some(tidings_core::FeedOutcome::Ok)
    ));
}

async fn a_stopping_worker_claims_nothing_new(db: &TestDatabase) {
    let (base, hits) = publisher().await;
    let app = app(db, true, Arc::new(SystemClock));
    for n in 0..3 {
        app.follow_url(&format!("{base}/n/{n}")).await.unwrap();
    }
    let stop = tokio_util::sync::CancellationToken::new();
    stop.cancel();
    let summary = app.fetch_due_until(false, &(), &stop).await.unwrap();
    assert_eq!(summary.feeds, 0);
    assert_eq!(hits.total(), 0);
    let now = Utc::now();
    let claimable = db
        .store()
        .claim_due_feeds("other", now, now, now + TimeDelta::minutes(5), 10)
        .await
        .unwrap();
    assert_eq!(claimable.len(), 3, "nothing was left claimed");
}

async fn teasers_get_their_full_article_from_the_page(db: &TestDatabase) {
    let (base, _) = publisher().await;
    let app = app(db, true, Arc::new(SystemClock));
    app.follow_url(&format!("{base}/teaser.xml")).await.unwrap();
    app.fetch_due(false, &()).await.unwrap();
    let stop = tokio_util::sync::CancellationToken::new();
    let summary = app.extract_pending(&stop).await.unwrap();
    assert_eq!(
        (summary.pages, summary.extracted, summary.failed),
        (2, 1, 1),
        "{summary:?}"
    );
    let cards = db.store().latest_articles(10).await.unwrap();
    let mut states = Vec::new();
    for card in cards {
        let article = db.store().article(card.id).await.unwrap();
        states.push((article.url.clone().unwrap(), article.extraction));
        if article.url.as_deref().unwrap().ends_with("/story/full") {
            let body = article.body_html.unwrap();
            assert!(body.contains("<p>The council voted on Tuesday"), "{body}");
            assert!(
                !body.contains("Home") && !body.contains("Copyright"),
                "{body}"
            );
            assert_eq!(article.lead_image, Some(format!("{base}/img/wall.jpg")));
        } else {
            let error = article.extraction_error.unwrap();
            assert!(error.contains("404"), "{error}");
        }
    }
    assert_eq!(states.len(), 2, "{states:?}");
    // Nothing is left to do.
    assert_eq!(app.extract_pending(&stop).await.unwrap().pages, 0);
}

async fn a_page_reached_by_another_address_is_the_same_article(db: &TestDatabase) {
    let (base, _) = publisher().await;
    let app = app(db, true, Arc::new(SystemClock));
    app.follow_url(&format!("{base}/teaser.xml")).await.unwrap();
    app.follow_url(&format!("{base}/teaser-again.xml"))
        .await
        .unwrap();
    let polled = app.fetch_due(false, &()).await.unwrap();
    assert_eq!(
        polled.new_articles, 4,
        "four addresses look like four articles"
    );
    let stop = tokio_util::sync::CancellationToken::new();
    app.extract_pending(&stop).await.unwrap();

    // The shortener redirects to /story/full and the AMP copy names it as
    // canonical: one article, three appearances, at its canonical address.
    let store = db.store();
    assert_eq!(store.count_articles().await.unwrap(), 2);
    let full = store
        .latest_articles(10)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.url.as_deref() == Some(&format!("{base}/story/full")))
        .expect("the article at its canonical address");
    assert_eq!(store.appearance_count(full.id).await.unwrap(), 3);
    let article = app.article(full.id).await.unwrap();
    assert!(article.body_html.unwrap().contains("harbour wall"));
}

async fn a_site_rule_names_the_body(db: &TestDatabase) {
    let (base, _) = publisher().await;
    let mut config = config(db, true);
    config.site_rules = Arc::new(
        tidings_extract::SiteRules::new(&[tidings_extract::SiteRule {
            domain: "127.0.0.1".into(),
            keep: vec!["article p".into()],
            drop: vec![],
        }])
        .unwrap(),
    );
    let app = App::with_store(db.store().clone(), config, Arc::new(SystemClock)).unwrap();
    app.follow_url(&format!("{base}/teaser.xml")).await.unwrap();
    app.fetch_due(false, &()).await.unwrap();
    app.extract_pending(&tokio_util::sync::CancellationToken::new())
        .await
        .unwrap();
    let card = db
        .store()
        .latest_articles(10)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.url.as_deref() == Some(&format!("{base}/story/full")))
        .unwrap();
    let article = app.article(card.id).await.unwrap();
    assert_eq!(article.body_source(), tidings_core::BodySource::Rules);
    assert!(article.body_html.unwrap().contains("harbour wall"));
}

async fn a_page_is_read_in_the_charset_its_server_names(db: &TestDatabase) {
    let (base, _) = publisher().await;
    let app = app(db, true, Arc::new(SystemClock));
    app.follow_url(&format!("{base}/teaser-1251.xml"))
        .await
        .unwrap();
    app.fetch_due(false, &()).await.unwrap();
    let stop = tokio_util::sync::CancellationToken::new();
    assert_eq!(app.extract_pending(&stop).await.unwrap().extracted, 1);
    let card = db.store().latest_articles(10).await.unwrap().remove(0);
    let article = app.article(card.id).await.unwrap();
    let body = article.body_html.unwrap();
    assert!(body.contains("проголосовал за восстановление"), "{body}");
}
