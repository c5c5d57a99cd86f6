//! Stories formed during ingestion, on SQLite and on PostgreSQL: three
//! outlets publish a wire story, a syndicated copy of it, another take on
//! the same event and unrelated news; after a poll, copies are folded,
//! takes share a story, and only one node runs the story engine.

use std::sync::Arc;

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::routing::{get, post};
use tidings_app::{App, AppConfig};
use tidings_core::{ArticleId, SystemClock};
use tidings_fetch::{FetchOptions, NetworkPolicy};
use tidings_store::testing::TestDatabase;
use tokio_util::sync::CancellationToken;

tidings_store::on_both_databases!(
    articles_become_stories_as_they_arrive,
    embeddings_are_made_once_kept_and_optional
);

const WIRE: &str = "The European Central Bank left interest rates unchanged on Thursday, \
    with its president saying that inflation in the euro zone was expected to stay low \
    for a prolonged period. Officials discussed buying bonds to support the economy, but \
    no decision was taken, and markets reacted calmly to the announcement in Frankfurt. \
    Analysts said the bank could act at its next meeting in June if prices kept falling, \
    and that the strong euro was hurting exporters in southern Europe.";

fn item(guid: &str, title: &str, body: &str, minutes_ago: i64) -> String {
    let date = (chrono::Utc::now() - chrono::TimeDelta::minutes(minutes_ago)).to_rfc2822();
    format!(
        "<item><guid>{guid}</guid><title>{title}</title><link>/{guid}</link>\
         <pubDate>{date}</pubDate><description><![CDATA[<p>{body}</p>]]></description></item>"
    )
}

/// An outlet on its own loopback address (a source is a host).
async fn outlet(ip: &str, items: String) -> String {
    let feed = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{ip}</title>{items}</channel></rss>"
    );
    let app = Router::new().route("/rss", get(move || async move { feed.clone() }));
    let listener = tokio::net::TcpListener::bind(format!("{ip}:0"))
        .await
        .unwrap();
    let url = format!("http://{}/rss", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// A node's settings: feeds on loopback, no delay between requests.
fn config(db: &TestDatabase) -> AppConfig {
    let mut config = AppConfig::new(db.url());
    config.fetch = FetchOptions {
        per_host_delay: std::time::Duration::ZERO,
        network: NetworkPolicy {
            allowed: vec!["127.0.0.0/8".parse().unwrap()],
        },
        ..FetchOptions::default()
    };
    config
}

fn node(db: &TestDatabase) -> App {
    App::with_store(db.store().clone(), config(db), Arc::new(SystemClock)).unwrap()
}

async fn id_of(app: &App, title: &str) -> ArticleId {
    app.latest_articles(100)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.title.as_deref() == Some(title))
        .unwrap_or_else(|| panic!("no article {title}"))
        .id
}

async fn articles_become_stories_as_they_arrive(db: &TestDatabase) {
    let wire_a = outlet(
        "127.0.0.1",
        item("ecb", "ECB holds rates", WIRE, 60)
            + &item(
                "nba",
                "Lakers beat Celtics in overtime",
                "LeBron James scored 40 points as the Lakers won in Boston after overtime, \
                 their fifth straight win on the road this season.",
                50,
            ),
    )
    .await;
    let copy_b = outlet(
        "127.0.0.2",
        item(
            "wire-1",
            "Rates unchanged at the ECB",
            &format!("FRANKFURT (Reuters) - {WIRE} (Reporting by staff; Editing by desk)"),
            40,
        ),
    )
    .await;
    let take_c = outlet(
        "127.0.0.3",
        item(
            "ecb-view",
            "ECB holds rates as strong euro worries exporters",
            "The ECB kept interest rates on hold on Thursday and its president said inflation \
             in the euro zone would stay low; exporters in southern Europe complain that the \
             strong euro hurts them, and analysts expect action in June.",
            30,
        ),
    )
    .await;

    let a = node(db);
    let b = node(db);
    for url in [&wire_a, &copy_b, &take_c] {
        a.follow_url(url).await.unwrap();
    }
    a.fetch_due(false, &()).await.unwrap();
    let stop = CancellationToken::new();
    // The feeds carry teasers and the pages are gone: extraction fails and
    // the feeds' text is what gets placed, as in the worker's order.
    a.extract_pending(&stop).await.unwrap();
    let placed = a.place_stories(&stop).await.unwrap();
    assert_eq!(placed.placed, 4, "{placed:?}");

    let ecb = id_of(&a, "ECB holds rates").await;
    let copy = id_of(&a, "Rates unchanged at the ECB").await;
    let take = id_of(&a, "ECB holds rates as strong euro worries exporters").await;
    let nba = id_of(&a, "Lakers beat Celtics in overtime").await;

    let article = a.article(ecb).await.unwrap();
    let coverage = a.coverage(&article).await.unwrap();
    let story = coverage.story.clone().expect("placed in a story");
    assert_eq!(
        (story.article_count, story.source_count),
        (3, 3),
        "{story:?}"
    );
    assert_eq!(
        story.first_article_id,
        Some(ecb),
        "first reported by outlet A"
    );
    assert_eq!(
        coverage.also_at.len(),
        1,
        "the copy ran at outlet B: {coverage:?}"
    );
    let more: Vec<ArticleId> = coverage.more_on_story.iter().map(|i| i.card.id).collect();
    assert_eq!(more, [take], "the other take, not the copy: {more:?}");
    assert!(
        coverage
            .related
            .iter()
            .all(|i| ![ecb, copy, take].contains(&i.card.id)),
        "related coverage is other stories: {coverage:?}"
    );
    let nba_story = a
        .coverage(&a.article(nba).await.unwrap())
        .await
        .unwrap()
        .story
        .unwrap();
    assert_ne!(nba_story.id, story.id);

    // Node B finds the engine's lease held by node A and leaves the work.
    let b_pass = b.place_stories(&stop).await.unwrap();
    assert_eq!((b_pass.placed, b_pass.reloaded), (0, false));

    // An operator on node B moves the take to the sports story by mistake;
    // node A notices the edit and reloads before its next batch.
    b.move_to_story(take, nba_story.id).await.unwrap();
    let after = a.place_stories(&stop).await.unwrap();
    assert!(after.reloaded, "{after:?}");
    let moved = a.coverage(&a.article(take).await.unwrap()).await.unwrap();
    assert_eq!(moved.story.unwrap().id, nba_story.id);
    let new_story = b.split_story(nba_story.id, &[take]).await.unwrap();
    assert_eq!(a.story(new_story).await.unwrap().article_count, 1);
    assert!(
        b.split_story(nba_story.id, &[ecb]).await.is_err(),
        "not in that story"
    );
    a.release_story_lease().await;
}

/// A fake OpenAI-compatible `/embeddings`: a vector of letter counts per
/// input (model "embed"), or a server error (model "down"). Counts inputs.
async fn embeddings_server() -> (String, Arc<AtomicUsize>) {
    let inputs = Arc::new(AtomicUsize::new(0));
    let seen = inputs.clone();
    let app = Router::new().route(
        "/v1/embeddings",
        post(move |body: String| {
            let seen = seen.clone();
            async move {
                let request: serde_json::Value = serde_json::from_str(&body).unwrap();
                if request["model"] == "down" {
                    return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, String::new());
                }
                let texts = request["input"].as_array().unwrap().clone();
                seen.fetch_add(texts.len(), Ordering::SeqCst);
                let data: Vec<serde_json::Value> = texts
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        let mut v = vec![0.0f32; 26];
                        for c in t.as_str().unwrap().to_ascii_lowercase().bytes() {
                            if c.is_ascii_lowercase() {
                                v[(c - b'a') as usize] += 1.0;
                            }
                        }
                        serde_json::json!({"index": i, "embedding": v})
                    })
                    .collect();
                (
                    axum::http::StatusCode::OK,
                    serde_json::json!({"data": data}).to_string(),
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, inputs)
}

fn node_with_embeddings(db: &TestDatabase, url: &str, model: &str) -> App {
    let mut config = config(db);
    let mut embeddings = tidings_ai::llm::LlmConfig::new(url, model);
    embeddings.retries = 0;
    config.embeddings = Some(embeddings);
    App::with_store(db.store().clone(), config, Arc::new(SystemClock)).unwrap()
}

/// With an embeddings model configured, every article placed is embedded
/// once (its embedding kept in the store, so a restarted engine does not
/// ask again); with the model down, articles are placed all the same.
async fn embeddings_are_made_once_kept_and_optional(db: &TestDatabase) {
    let (url, inputs) = embeddings_server().await;
    let feed = outlet(
        "127.0.0.1",
        item("ecb", "ECB holds rates", WIRE, 60)
            + &item(
                "nba",
                "Lakers beat Celtics in overtime",
                "LeBron James scored 40 points as the Lakers won in Boston after overtime.",
                50,
            ),
    )
    .await;
    let down = node_with_embeddings(db, &url, "down");
    down.follow_url(&feed).await.unwrap();
    down.fetch_due(false, &()).await.unwrap();
    let stop = CancellationToken::new();
    down.extract_pending(&stop).await.unwrap();
    let placed = down.place_stories(&stop).await.unwrap();
    assert_eq!(placed.placed, 2, "placed without the model: {placed:?}");
    let window = chrono::Utc::now() - chrono::TimeDelta::days(3);
    let stored = db.store().placed_articles_since(window, 100).await.unwrap();
    assert!(stored.iter().all(|(input, _, _)| input.embedding.is_none()));
    down.release_story_lease().await;

    // A second outlet's article arrives; this node has a working model.
    let more = outlet(
        "127.0.0.2",
        item("ecb-2", "Rates unchanged at the ECB", WIRE, 40),
    )
    .await;
    let up = node_with_embeddings(db, &url, "embed");
    up.follow_url(&more).await.unwrap();
    up.fetch_due(false, &()).await.unwrap();
    up.extract_pending(&stop).await.unwrap();
    assert_eq!(up.place_stories(&stop).await.unwrap().placed, 1);
    assert_eq!(inputs.load(Ordering::SeqCst), 1, "only the new article");
    let stored = db.store().placed_articles_since(window, 100).await.unwrap();
    let embedded: Vec<&(Vec<f32>, String)> = stored
        .iter()
        .filter_map(|(input, _, _)| input.embedding.as_ref())
        .collect();
    assert_eq!(embedded.len(), 1);
    assert_eq!(embedded[0].1, "embed", "the model that made it");
    let norm: f32 = embedded[0].0.iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-4, "stored at unit length: {norm}");
    up.release_story_lease().await;

    // A restarted node reloads the window with the stored embedding.
    let again = node_with_embeddings(db, &url, "embed");
    let pass = again.place_stories(&stop).await.unwrap();
    assert!(pass.reloaded);
    assert_eq!(inputs.load(Ordering::SeqCst), 1, "nothing embedded twice");
    again.release_story_lease().await;
}
