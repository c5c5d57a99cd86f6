//! Stories formed during ingestion, on SQLite and on PostgreSQL: three
//! outlets publish a wire story, a syndicated copy of it, another take on
//! the same event and unrelated news; after a poll, copies are folded,
//! takes share a story, and only one node runs the story engine.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use tidings_app::{App, AppConfig};
use tidings_core::{ArticleId, SystemClock};
use tidings_fetch::{FetchOptions, NetworkPolicy};
use tidings_store::testing::TestDatabase;
use tokio_util::sync::CancellationToken;

tidings_store::on_both_databases!(articles_become_stories_as_they_arrive);

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

fn node(db: &TestDatabase) -> App {
    let mut config = AppConfig::new(db.url());
    config.fetch = FetchOptions {
        per_host_delay: std::time::Duration::ZERO,
        network: NetworkPolicy {
            allowed: vec!["127.0.0.0/8".parse().unwrap()],
        },
        ..FetchOptions::default()
    };
    App::with_store(db.store().clone(), config, Arc::new(SystemClock)).unwrap()
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
