//! A feed goes in, an article page comes out: the real `tidings` binary
//! against a local publisher serving this project's fixture feeds, on SQLite
//! and on PostgreSQL.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{TimeDelta, Utc};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
const WORLD_ETAG: &str = "\"world-v1\"";

/// Fixture text with its `{{…}}` dates filled in relative to now, so pages
/// can be checked for "4 hours ago".
fn fixture(name: &str, base: &str) -> String {
    let now = Utc::now();
    let text = std::fs::read_to_string(Path::new(FIXTURES).join(name)).unwrap();
    text.replace("{{4h_rfc2822}}", &(now - TimeDelta::hours(4)).to_rfc2822())
        .replace(
            "{{31m_rfc2822}}",
            &(now - TimeDelta::minutes(31)).to_rfc2822(),
        )
        .replace("{{2h_rfc3339}}", &(now - TimeDelta::hours(2)).to_rfc3339())
        .replace("{{3d_rfc3339}}", &(now - TimeDelta::days(3)).to_rfc3339())
        .replace("{{base}}", base)
}

/// A publisher on localhost: good feeds, and every kind of bad answer.
async fn start_publisher() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = Router::new()
        .route(
            "/world.rss",
            get(|headers: HeaderMap| async move {
                // Honours conditional GET, as a polite server does.
                if headers
                    .get(header::IF_NONE_MATCH)
                    .and_then(|v| v.to_str().ok())
                    == Some(WORLD_ETAG)
                {
                    return StatusCode::NOT_MODIFIED.into_response();
                }
                (
                    [
                        (header::CONTENT_TYPE, "application/rss+xml"),
                        (header::ETAG, WORLD_ETAG),
                    ],
                    fixture("world.rss", ""),
                )
                    .into_response()
            }),
        )
        .route(
            "/science.atom",
            get(|| serve("science.atom", "application/atom+xml")),
        )
        .route(
            "/notes.json",
            get(|| serve("notes.json", "application/feed+json")),
        )
        .route(
            "/broken.xml",
            get(|| serve("broken.xml", "application/xml")),
        )
        .route(
            "/page.html",
            get(|| serve("not-a-feed.html", "text/html; charset=utf-8")),
        )
        .route(
            "/empty.xml",
            get(|| async { ([(header::CONTENT_TYPE, "application/rss+xml")], "") }),
        )
        .route(
            "/500.xml",
            get(|| async { StatusCode::INTERNAL_SERVER_ERROR }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

async fn serve(name: &'static str, content_type: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], fixture(name, "")).into_response()
}

/// A local port nothing listens on.
async fn closed_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

/// Runs the real binary with the test's database options.
struct Tidings {
    options: Vec<String>,
}

impl Tidings {
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tidings"));
        command
            .args(&self.options)
            // The publisher is on loopback, which the SSRF guard refuses
            // unless allowed; and it need not be spared a delay per request.
            .args([
                "--allow-private-networks",
                "127.0.0.0/8",
                "--per-host-delay",
                "10ms",
            ])
            .args(args)
            .env_remove("TIDINGS_DATABASE_URL")
            .env_remove("TIDINGS_CONFIG")
            .env("TIDINGS_LOG", "info")
            .kill_on_drop(true);
        command
    }

    async fn run(&self, args: &[&str]) -> (String, String) {
        let output = self.command(args).output().await.unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(
            output.status.success(),
            "tidings {args:?} failed: {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
            output.status
        );
        (stdout, stderr)
    }

    /// Starts `serve` on a free port and returns it with its address.
    async fn serve(&self) -> (Child, SocketAddr) {
        let mut child = self
            .command(&["serve", "--listen", "127.0.0.1:0", "--worker-tick", "1h"])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let address = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    return rest.trim().parse::<SocketAddr>().unwrap();
                }
            }
            panic!("serve exited before listening");
        })
        .await
        .expect("serve did not start listening within 30s");
        // Keep draining its log so the pipe never fills.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        (child, address)
    }
}

async fn get_page(url: &str) -> (StatusCode, String) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

async fn feed_goes_in_article_comes_out(tidings: Tidings) {
    let publisher = start_publisher().await;
    let dead = closed_port().await;
    let good = ["world.rss", "science.atom", "notes.json"].map(|f| format!("{publisher}/{f}"));
    let bad =
        ["500.xml", "page.html", "broken.xml", "empty.xml"].map(|f| format!("{publisher}/{f}"));
    let unreachable = format!("http://127.0.0.1:{dead}/feed.xml");

    // Follow: two through OPML, the rest by URL (one of them twice).
    let opml_dir = tempfile::tempdir().unwrap();
    let opml = opml_dir.path().join("subscriptions.opml");
    std::fs::write(&opml, fixture("subscriptions.opml", &publisher)).unwrap();
    let (out, _) = tidings
        .run(&["feeds", "import", opml.to_str().unwrap()])
        .await;
    assert!(out.contains("2 new feeds, 0 already followed"), "{out}");
    let mut add: Vec<&str> = vec!["feeds", "add", &good[2], &good[0]];
    add.extend(bad.iter().map(String::as_str));
    add.push(&unreachable);
    let (out, _) = tidings.run(&add).await;
    assert!(
        out.contains(&format!("already following {}", good[0])),
        "{out}"
    );

    // Poll: the good feeds are stored, the bad ones fail, nothing stops.
    let (out, _) = tidings.run(&["fetch", "--once"]).await;
    assert!(
        out.contains(
            "polled 8 feeds: 3 fetched, 0 not modified, 5 failed; 4 new articles, 0 seen again"
        ),
        "{out}"
    );

    // Each failing feed says why.
    let (list, _) = tidings.run(&["feeds", "list"]).await;
    for expected in [
        "HTTP 500 Internal Server Error",
        "not a feed",
        "malformed feed",
        "empty response body",
        "could not connect",
    ] {
        assert!(
            list.contains(expected),
            "feeds list lacks {expected:?}:\n{list}"
        );
    }
    assert_eq!(list.matches("error ×1").count(), 5, "{list}");
    assert!(list.contains("Harbour Gazette"), "{list}");

    // Export lists every feed.
    let (exported, _) = tidings.run(&["feeds", "export"]).await;
    assert_eq!(exported.matches("xmlUrl=").count(), 8, "{exported}");

    // The site shows what was fetched.
    let (mut server, address) = tidings.serve().await;
    let site = format!("http://{address}");
    let (status, front) = get_page(&format!("{site}/")).await;
    assert_eq!(status, StatusCode::OK);
    let order: Vec<usize> = [
        "Ferry timetable changes from Monday",
        "Glacier retreat measured from orbit",
        "Tidal barrier closes for the first time this winter",
        "Swifts return early to the valley",
    ]
    .iter()
    .map(|headline| {
        front
            .find(headline)
            .unwrap_or_else(|| panic!("{headline} missing:\n{front}"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "newest first: {order:?}"
    );
    for text in ["31 minutes ago", "2 hours ago", "4 hours ago", "3 days ago"] {
        assert!(front.contains(text), "front page lacks {text:?}");
    }
    for source in ["Harbour Gazette", "Northern Science Review", "Field Notes"] {
        assert!(front.contains(source), "front page lacks source {source:?}");
    }

    // The article page: headline, source, time, sanitized body, original.
    let tidal = front.find("Tidal barrier").unwrap();
    let href_start = front[..tidal].rfind("href=\"/articles/").unwrap() + "href=\"".len();
    let href_end = href_start + front[href_start..].find('"').unwrap();
    let article_url = format!("{site}{}", &front[href_start..href_end]);
    let (status, page) = get_page(&article_url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(
            "<h1 class=\"headline\">Tidal barrier closes for the first time this winter</h1>"
        ),
        "{page}"
    );
    assert!(
        page.contains("Harbour Gazette") && page.contains("Morwenna Pascoe"),
        "{page}"
    );
    assert!(
        page.contains("4 hours ago") && page.contains("<time datetime=\""),
        "{page}"
    );
    assert!(page.contains("<strong>surge tide</strong>"), "{page}");
    assert!(
        !page.contains("pwned") && !page.contains("onclick") && !page.contains("onerror"),
        "{page}"
    );
    assert!(
        page.contains(&format!("href=\"{publisher}/news/flood-plan\"")),
        "{page}"
    );
    assert!(
        page.contains(&format!("href=\"{publisher}/news/tidal-barrier\"")),
        "original link: {page}"
    );
    assert!(page.contains("lang=\"en-gb\""), "{page}");

    // Unknown ids and unknown paths are real 404 pages.
    for path in ["/articles/4242", "/articles/not-a-number", "/no/such/page"] {
        let (status, page) = get_page(&format!("{site}{path}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.contains("Page not found"), "{path}: {page}");
    }

    // A second poll of everything adds nothing; the RSS feed answers 304.
    let (out, _) = tidings.run(&["fetch", "--once", "--all"]).await;
    assert!(
        out.contains(
            "polled 8 feeds: 2 fetched, 1 not modified, 5 failed; 0 new articles, 0 seen again"
        ),
        "{out}"
    );
    let (_, front_again) = get_page(&format!("{site}/")).await;
    assert_eq!(front_again.matches("class=\"card\"").count(), 4);

    // SIGTERM stops the server cleanly.
    let pid = server.id().unwrap().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(20), server.wait())
        .await
        .expect("serve stops after SIGTERM")
        .unwrap();
    assert!(status.success(), "serve exit status {status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_with_default_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("fresh").join("data");
    let tidings = Tidings {
        options: vec!["--data-dir".into(), data_dir.to_str().unwrap().into()],
    };
    feed_goes_in_article_comes_out(tidings).await;
    assert!(
        data_dir.join("tidings.db").exists(),
        "the SQLite file is created on first run"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    let Some(db) = tidings_store::testing::postgres().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let tidings = Tidings {
        options: vec![
            "--database-url".into(),
            db.url().into(),
            "--data-dir".into(),
            dir.path().to_str().unwrap().into(),
        ],
    };
    feed_goes_in_article_comes_out(tidings).await;
    assert_eq!(db.store().count_articles().await.unwrap(), 4);
}
