//! The site, in process against the router, on both databases: pages,
//! relative times, sanitized bodies, real 404s, and security headers.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{TimeDelta, TimeZone, Utc};
use tidings_app::{App, AppConfig};
use tidings_core::{ArticleId, FeedEntry, IdGenerator, ManualClock};
use tidings_store::testing::TestDatabase;
use tower::ServiceExt;

tidings_store::on_both_databases!(
    empty_site,
    pages_show_articles,
    stories_show_on_pages,
    lists_page_with_stable_cursors,
    unknown_pages_are_real_404s,
    a_story_page_shows_the_models_wording_with_its_sources
);

async fn get(router: &Router, path: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = router
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

/// Publishes one entry, `https://{host}/1`, in `host`'s feed, fetched at
/// `now`.
async fn publish_one(
    db: &TestDatabase,
    app: &App,
    ids: &IdGenerator,
    now: chrono::DateTime<Utc>,
    (host, title): (&str, &str),
    content: String,
    published: chrono::DateTime<Utc>,
) {
    let feed = app
        .follow_url(&format!("https://{host}/rss"))
        .await
        .unwrap();
    let entry = FeedEntry {
        guid: "1".into(),
        url: Some(format!("https://{host}/1")),
        url_key: Some(format!("{host}/1")),
        content_hash: host.into(),
        title: Some(title.into()),
        content: Some(content),
        published_at: Some(published),
        ..FeedEntry::default()
    };
    db.store()
        .insert_entries(&feed, &[entry], now, || ArticleId(ids.next(now)))
        .await
        .unwrap();
}

fn site(db: &TestDatabase, clock: &ManualClock) -> (App, Router) {
    let app = App::with_store(
        db.store().clone(),
        AppConfig::new(db.url()),
        Arc::new(clock.clone()),
    )
    .unwrap();
    let router = tidings_web::router(app.clone());
    (app, router)
}

async fn empty_site(db: &TestDatabase) {
    let clock = ManualClock::new(Utc::now());
    let (_, router) = site(db, &clock);
    let (status, headers, body) = get(&router, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("No articles yet"), "{body}");
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");

    // Pages carry an ETag; revalidating with it costs a 304 and no body.
    let etag = headers[header::ETAG].clone();
    let revalidated = router
        .clone()
        .oneshot(
            Request::get("/")
                .header(header::IF_NONE_MATCH, etag.clone())
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(revalidated.headers()[header::ETAG], etag);
    let empty = axum::body::to_bytes(revalidated.into_body(), usize::MAX)
        .await
        .unwrap();
    assert!(empty.is_empty());

    // The front page is compressed once per rendering: the cached copy
    // comes gzipped to those who accept it, and decodes to the same page.
    for _ in 0..2 {
        let response = router
            .clone()
            .oneshot(
                Request::get("/")
                    .header(header::ACCEPT_ENCODING, "br;q=0, gzip")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let mut html = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut html)
            .unwrap();
        assert_eq!(html, body);
    }

    // The stylesheet's URL is named by its content and cached for a year.
    let start = body.find("/static/style.").unwrap();
    let end = start + body[start..].find('"').unwrap();
    let (status, headers, _) = get(&router, &body[start..end]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    // Installable: a manifest, an icon, a service worker that keeps the
    // offline page and the stylesheet of this deploy, and an offline page.
    assert!(body.contains("rel=\"manifest\"") && body.contains("/static/app.js"));
    let (status, headers, manifest) = get(&router, "/manifest.webmanifest").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/manifest+json");
    assert!(manifest.contains("\"start_url\": \"/\""));
    let (status, headers, worker) = get(&router, "/sw.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(worker.contains(&body[start..end]) && !worker.contains("__VERSION__"));
    let (status, _, offline) = get(&router, "/offline").await;
    assert_eq!(status, StatusCode::OK);
    assert!(offline.contains("You are offline"));
    assert_eq!(get(&router, "/static/icon.svg").await.0, StatusCode::OK);
    assert_eq!(
        get(&router, "/static/nope.js").await.0,
        StatusCode::NOT_FOUND
    );

    let (status, headers, css) = get(&router, "/static/style.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(css.contains(".card"));
    assert_eq!(get(&router, "/healthz").await.2, "ok");
}

async fn pages_show_articles(db: &TestDatabase) {
    let now = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
    let clock = ManualClock::new(now);
    let (app, router) = site(db, &clock);
    let feed = app.follow_url("https://harbour.example/rss").await.unwrap();
    let ids = IdGenerator::new();
    let entry = |guid: &str, title: &str, hours: i64, content: &str| FeedEntry {
        guid: guid.into(),
        url: Some(format!("https://harbour.example/{guid}")),
        url_key: Some(format!("harbour.example/{guid}")),
        content_hash: guid.into(),
        title: Some(title.into()),
        author: Some("Ann <Writer>".into()),
        content: Some(content.into()),
        published_at: Some(now - TimeDelta::hours(hours)),
        ..FeedEntry::default()
    };
    let entries = [
        entry("old", "Harbour wall repaired", 30, "<p>Old news</p>"),
        entry(
            "new",
            "Tide <b>tables</b> & ferries",
            4,
            r#"<p onclick="x()">Body <a href="/rel">link</a></p><script>alert(1)</script><iframe src="//evil"></iframe>"#,
        ),
    ];
    db.store()
        .insert_entries(&feed, &entries, now, || ArticleId(ids.next(now)))
        .await
        .unwrap();

    let (status, _, front) = get(&router, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !front.contains("<b>tables"),
        "titles are text, escaped: {front}"
    );
    let new = front.find("Tide &#60;b&#62;tables&#60;/b&#62; &#38; ferries");
    let old = front.find("Harbour wall repaired");
    assert!(
        new.is_some() && old.is_some() && new < old,
        "newest first: {front}"
    );
    assert!(
        front.contains("4 hours ago") && front.contains("1 day ago"),
        "{front}"
    );
    assert!(front.contains("harbour.example"), "source shown: {front}");

    let start = front.find("href=\"/articles/").unwrap() + "href=\"".len();
    let end = start + front[start..].find('"').unwrap();
    let (status, _, page) = get(&router, &front[start..end]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("<time datetime=\"2026-11-29T08:00:00Z\""),
        "{page}"
    );
    assert!(page.contains("4 hours ago"));
    assert!(
        page.contains("Ann &#60;Writer&#62;"),
        "author escaped: {page}"
    );
    // The only scripts are the site's own (service worker registration)
    // and the article's JSON-LD data, which does not run.
    assert_eq!(
        page.matches("<script").count(),
        page.matches("<script src=\"/static/app.js\" defer>")
            .count()
            + page
                .matches("<script type=\"application/ld+json\">")
                .count(),
        "{page}"
    );
    let ld_start = page
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD")
        + "<script type=\"application/ld+json\">".len();
    let ld_end = ld_start + page[ld_start..].find("</script>").unwrap();
    let ld: serde_json::Value = serde_json::from_str(&page[ld_start..ld_end]).unwrap();
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], "Tide <b>tables</b> & ferries");
    assert!(page.contains("<link rel=\"canonical\" href=\"https://harbour.example/new\">"));
    assert!(page.contains("<meta property=\"og:title\""));
    assert!(
        !page.contains("alert(1)") && !page.contains("onclick") && !page.contains("<iframe"),
        "{page}"
    );
    assert!(
        page.contains("href=\"https://harbour.example/rel\""),
        "relative link resolved: {page}"
    );
    assert!(
        page.contains("href=\"https://harbour.example/new\""),
        "link to the original: {page}"
    );

    // Time moves on: the relative time follows the clock.
    clock.advance(TimeDelta::hours(20));
    let (_, _, front) = get(&router, "/").await;
    assert!(
        front.contains("1 day ago") && front.contains("2 days ago"),
        "{front}"
    );
}

const WIRE: &str = "The European Central Bank left interest rates unchanged on Thursday, \
    with its president saying that inflation in the euro zone was expected to stay low for a \
    prolonged period. Officials discussed buying bonds to support the economy, but no decision \
    was taken, and markets reacted calmly to the announcement in Frankfurt. Analysts said the \
    bank could act at its next meeting in June if prices kept falling, and that the strong euro \
    was hurting exporters in southern Europe, where factories have cut jobs this winter.";

/// What each outlet prints under its articles (boilerplate, not content).
const WIRE_FOOTER: &str = "Our journalism is funded by readers like you. Subscribe today for \
    unlimited access to every article, the morning newsletter, the archive and the app, and \
    support independent reporting from our newsroom and correspondents around the world, \
    every day of the year, wherever you are.";

async fn stories_show_on_pages(db: &TestDatabase) {
    let now = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
    let clock = ManualClock::new(now);
    let (app, router) = site(db, &clock);
    let ids = IdGenerator::new();
    let mut publish = Vec::new();
    for (host, title, body, minutes) in [
        ("wire.example", "ECB holds rates", WIRE.to_owned(), 240),
        (
            "copy.example",
            "Rates unchanged at ECB",
            format!("FRANKFURT - {WIRE}"),
            200,
        ),
        (
            "view.example",
            "ECB holds rates as strong euro hurts exporters",
            "The ECB kept interest rates on hold on Thursday and its president said inflation \
             in the euro zone would stay low for a prolonged period; exporters in southern \
             Europe complain that the strong euro hurts them, and analysts expect the central \
             bank to act in June if prices keep falling, after a winter of job cuts."
                .repeat(2),
            31,
        ),
        (
            "sport.example",
            "Lakers beat Celtics in overtime",
            "LeBron James scored 40 points as the Lakers won in Boston after overtime, their \
             fifth straight win on the road, and the coach praised a defence that held the \
             Celtics to their lowest score of the season in front of a sold-out arena."
                .repeat(2),
            20,
        ),
    ] {
        // Long enough to be full text: no page to fetch.
        let content = format!("<p>{body}</p><p>{WIRE_FOOTER}</p>");
        let published = now - TimeDelta::minutes(minutes);
        publish_one(db, &app, &ids, now, (host, title), content, published).await;
        publish.push(title);
    }
    let placed = app
        .place_stories(&tokio_util::sync::CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(placed.placed, 4);

    let (_, _, front) = get(&router, "/").await;
    assert!(front.contains("Top stories"), "{front}");
    assert!(front.contains("3 outlets · 3 articles"), "{front}");
    let start = front.find("href=\"/stories/").unwrap() + "href=\"".len();
    let end = start + front[start..].find('"').unwrap();
    let story_href = front[start..end].to_owned();

    let (status, _, story) = get(&router, &story_href).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        story.contains("first reported by <span class=\"source\">wire.example"),
        "{story}"
    );
    assert!(
        story.contains("also at copy.example"),
        "copies are one entry: {story}"
    );
    assert!(story.contains("ECB holds rates as strong euro hurts exporters"));
    assert!(!story.contains("Lakers"));
    // A story's highlights come from several outlets, each cited.
    let box_start = story
        .find("<h2 id=\"highlights-title\">Highlights</h2>")
        .expect("story highlights");
    let box_end = box_start + story[box_start..].find("</aside>").unwrap();
    let highlights = &story[box_start..box_end];
    assert!(
        highlights.matches("<cite><a href=\"/articles/").count() >= 3,
        "{highlights}"
    );
    assert!(
        highlights.contains("view.example") && highlights.contains("wire.example"),
        "{highlights}"
    );
    let (_, _, asked) = get(
        &router,
        &format!("{story_href}?q=When+could+the+bank+act%3F"),
    )
    .await;
    let answer = &asked[asked.find("class=\"answer\"").expect("an answer")..];
    assert!(answer.contains("June"), "{answer}");

    let wire = app.latest_articles(10).await.unwrap();
    let wire = wire
        .iter()
        .find(|c| c.title.as_deref() == Some("ECB holds rates"))
        .unwrap();
    let (_, _, page) = get(&router, &format!("/articles/{}", wire.id)).await;
    assert!(page.contains("Also published by copy.example"), "{page}");
    // Highlights: sentences of the article itself, the lead first, never
    // the outlet's footer.
    let box_start = page
        .find("<h2 id=\"highlights-title\">Highlights</h2>")
        .expect("highlights box");
    let box_end = box_start + page[box_start..].find("</aside>").unwrap();
    let highlights = &page[box_start..box_end];
    assert!(highlights.matches("<li>").count() >= 3, "{highlights}");
    assert!(
        highlights
            .contains("<li>The European Central Bank left interest rates unchanged on Thursday"),
        "{highlights}"
    );
    assert!(!highlights.contains("Subscribe"), "{highlights}");
    // Tags: the organisation and place it names, linked to their pages,
    // which list the story.
    let tag = "/tags/organization/european%20central%20bank";
    assert!(page.contains(&format!("href=\"{tag}\"")), "{page}");
    assert!(page.contains("href=\"/tags/place/frankfurt\""), "{page}");
    let (status, _, tagged) = get(&router, tag).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        tagged.contains("<h1>European Central Bank</h1>"),
        "{tagged}"
    );
    assert!(tagged.contains("href=\"/stories/"), "{tagged}");
    assert_eq!(
        get(&router, "/tags/organization/nobody").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(get(&router, "/tags/weird/x").await.0, StatusCode::NOT_FOUND);
    // Ask: answered with the article's own sentence, cited; what it does
    // not say is not answered.
    assert!(page.contains("Ask about this article"));
    let (_, _, asked) = get(
        &router,
        &format!("/articles/{}?q=What+did+officials+discuss%3F", wire.id),
    )
    .await;
    let answer = &asked[asked.find("class=\"answer\"").expect("an answer")..];
    assert!(
        answer.contains("Officials discussed buying bonds to support the economy"),
        "{answer}"
    );
    assert!(
        answer.contains(&format!("href=\"/articles/{}\"", wire.id)),
        "cited: {answer}"
    );
    let (_, _, unknown) = get(
        &router,
        &format!("/articles/{}?q=Who+won+the+football%3F", wire.id),
    )
    .await;
    assert!(
        unknown.contains("No sentence answers that in this article."),
        "{unknown}"
    );
    let (_, _, hostile) = get(
        &router,
        &format!("/articles/{}?q=%3Cscript%3Ealert(1)%3C/script%3E", wire.id),
    )
    .await;
    assert!(!hostile.contains("<script>alert"), "{hostile}");
    let more = page.find("More on this story").expect("more on this story");
    assert!(page[more..].contains("ECB holds rates as strong euro hurts exporters"));
    assert!(page[more..].contains("31 minutes ago"), "{page}");
    assert!(
        page[more..].contains("<p class=\"preview\">The ECB kept interest rates on hold"),
        "each item previews its text: {page}"
    );
    assert!(
        page.contains(&format!("href=\"{story_href}\"")),
        "full coverage link"
    );
    if let Some(related) = page.find("Related articles") {
        assert!(
            !page[related..].contains("Rates unchanged at ECB"),
            "never a copy"
        );
    }

    // Search finds an article by a word of its body, marks it, and escapes
    // whatever was typed.
    let (status, _, found) = get(&router, "/search?q=exporters+complain").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        found.contains("ECB holds rates as strong euro hurts exporters"),
        "{found}"
    );
    assert!(found.contains("<mark>complain</mark>"), "{found}");
    assert!(!found.contains("Lakers"));
    let (status, _, hostile) = get(&router, "/search?q=%3Cscript%3Ealert(1)%3C/script%3E").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!hostile.contains("<script>alert"), "{hostile}");
    let (_, _, filtered) = get(&router, "/search?q=ecb&from=2026-11-29&topic=Nope").await;
    assert!(filtered.contains("No articles match"), "{filtered}");
    let (_, _, bad_date) = get(&router, "/search?q=ecb&from=yesterday").await;
    assert!(bad_date.contains("is not a date"), "{bad_date}");

    // The source page lists the publisher's articles.
    let source_href = format!("/sources/{}", wire.source_id);
    assert!(
        page.contains(&format!("href=\"{source_href}\"")),
        "source linked"
    );
    let (status, _, source) = get(&router, &source_href).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        source.contains("<h1>wire.example</h1>") && source.contains("ECB holds rates"),
        "{source}"
    );
    assert_eq!(get(&router, "/sources/123").await.0, StatusCode::NOT_FOUND);
}

async fn lists_page_with_stable_cursors(db: &TestDatabase) {
    let now = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
    let clock = ManualClock::new(now);
    let (_, router) = site(db, &clock);
    let store = db.store();
    let ids = IdGenerator::new();
    let mut new = tidings_core::NewFeed::new("https://gazette.example/rss".parse().unwrap());
    new.category = Some("Local news".into());
    let source = store
        .ensure_source(
            &new.source_host(),
            tidings_core::SourceId(ids.next(now)),
            now,
        )
        .await
        .unwrap();
    let feed = store
        .insert_feed(tidings_core::FeedId(ids.next(now)), source.id, &new, now)
        .await
        .unwrap();
    let entries: Vec<FeedEntry> = (0..65)
        .map(|i| FeedEntry {
            guid: format!("g{i}"),
            url: Some(format!("https://gazette.example/{i}")),
            url_key: Some(format!("gazette.example/{i}")),
            content_hash: format!("h{i}"),
            title: Some(format!("Story number {i:02}")),
            content: Some(format!("<p>{}</p>", "Text. ".repeat(100))),
            published_at: Some(now - TimeDelta::minutes(i)),
            ..FeedEntry::default()
        })
        .collect();
    store
        .insert_entries(&feed, &entries, now, || ArticleId(ids.next(now)))
        .await
        .unwrap();

    let titles = |page: &str| -> Vec<String> {
        page.match_indices("Story number ")
            .map(|(i, _)| page[i..i + 15].to_owned())
            .collect()
    };
    let next = |page: &str| -> Option<String> {
        let i = page.find("rel=\"next\" href=\"")? + "rel=\"next\" href=\"".len();
        Some(page[i..i + page[i..].find('"')?].replace("&#38;", "&"))
    };
    let (_, _, first) = get(&router, "/").await;
    let first_titles = titles(&first);
    assert_eq!(first_titles.len(), 60);
    assert_eq!(first_titles[0], "Story number 00", "newest first");
    let (_, _, second) = get(&router, &next(&first).expect("a next page")).await;
    let second_titles = titles(&second);
    assert_eq!(second_titles.len(), 5);
    assert_eq!(
        second_titles[0], "Story number 60",
        "continues where the first stopped"
    );
    assert!(next(&second).is_none());

    // Topics come from feed folders.
    let (_, _, topics) = get(&router, "/topics").await;
    assert!(topics.contains("href=\"/topics/Local%20news\""), "{topics}");
    let (status, _, topic) = get(&router, "/topics/Local%20news").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(titles(&topic).len(), 30);
    assert!(
        next(&topic)
            .unwrap()
            .starts_with("/topics/Local%20news?before=")
    );
    assert_eq!(get(&router, "/topics/Nope").await.0, StatusCode::NOT_FOUND);
}

async fn unknown_pages_are_real_404s(db: &TestDatabase) {
    let clock = ManualClock::new(Utc::now());
    let (_, router) = site(db, &clock);
    for path in [
        "/articles/1",
        "/articles/-5",
        "/articles/abc",
        "/articles/99999999999999999999",
        "/nope",
    ] {
        let (status, headers, body) = get(&router, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert!(
            body.contains("Page not found") && body.contains("href=\"/\""),
            "{path}: {body}"
        );
    }
}

/// A local stand-in for an OpenAI-compatible chat endpoint that words
/// highlights faithfully: each of the first two sentences it is given, as
/// a bullet citing it.
async fn echoing_model() -> String {
    async fn chat(body: String) -> axum::response::Response {
        use axum::response::IntoResponse;
        let request: serde_json::Value = serde_json::from_str(&body).unwrap();
        let asked = request["messages"][1]["content"]
            .as_str()
            .unwrap()
            .to_owned();
        let bullets: Vec<String> = ["[1] ", "[2] "]
            .iter()
            .filter_map(|n| asked.lines().find_map(|l| l.strip_prefix(n)))
            .enumerate()
            .map(|(i, s)| format!("- {s} [{}]", i + 1))
            .collect();
        let reply = serde_json::json!({"choices": [{"index": 0,
            "message": {"role": "assistant", "content": bullets.join("\n")}}]});
        (
            [(header::CONTENT_TYPE, "application/json")],
            reply.to_string(),
        )
            .into_response()
    }
    let router = Router::new().route("/v1/chat/completions", axum::routing::post(chat));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}/v1")
}

/// With a model, a story's highlights are the model's wording, each
/// sentence citing the outlet it rests on, and the outlets' own sentences
/// stay one click away.
async fn a_story_page_shows_the_models_wording_with_its_sources(db: &TestDatabase) {
    let mut config = AppConfig::new(db.url());
    let mut llm = tidings_ai::llm::LlmConfig::new(&echoing_model().await, "echo");
    llm.stream = false;
    llm.retries = 0;
    config.llm = Some(llm);
    let now = Utc::now();
    let app = App::with_store(db.store().clone(), config, Arc::new(ManualClock::new(now))).unwrap();
    let router = tidings_web::router(app.clone());
    let ids = IdGenerator::new();
    for (host, title, body) in [
        (
            "paper.example",
            "Harbour wall to be rebuilt",
            "The council voted on Tuesday to rebuild the harbour wall at a cost of four million \
             pounds. Work starts in March and should take two years, the mayor said. Fishermen \
             welcomed the decision after a winter of storms. ",
        ),
        (
            "coast.example",
            "Harbour wall rebuild approved by council",
            "Councillors approved a four million pound plan on Tuesday to rebuild the harbour \
             wall. The mayor said work on the harbour wall would begin in March. Local fishermen \
             said the storms had left the harbour exposed all winter. ",
        ),
    ] {
        let content = format!("<p>{}</p>", body.repeat(4));
        let published = now - TimeDelta::minutes(30);
        publish_one(db, &app, &ids, now, (host, title), content, published).await;
    }
    app.place_stories(&tokio_util::sync::CancellationToken::new())
        .await
        .unwrap();
    let story = app.latest_articles(1).await.unwrap()[0].id;
    let (story, _) = app.article(story).await.unwrap().placement.unwrap();
    let path = format!("/stories/{story}");

    let (_, _, before) = get(&router, &path).await;
    assert!(
        !before.contains("Worded by a language model"),
        "not asked yet"
    );
    assert_eq!(app.reword_story_highlights(10).await.unwrap(), 1);
    let (status, _, page) = get(&router, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Worded by a language model from these sentences of the outlets"),
        "{page}"
    );
    let highlights = &page[page.find("id=\"highlights-title\"").unwrap()..];
    let highlights = &highlights[..highlights.find("</aside>").unwrap()];
    assert!(highlights.matches("<cite>").count() >= 4, "{highlights}");
}
