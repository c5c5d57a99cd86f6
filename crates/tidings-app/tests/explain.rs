//! "Ask about this" with and without a language model: the offline answer
//! quotes the article; a configured model (here a local fake speaking the
//! chat-completions protocol) rewords it with citations, is cached, and any
//! failure (timeout, garbage, refusal, an answer its citations do not
//! support) falls back to the offline answer.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::post;
use chrono::{TimeDelta, Utc};
use tidings_ai::llm::LlmConfig;
use tidings_app::{Answer, App, AppConfig};
use tidings_core::{Article, ArticleId, FeedEntry, IdGenerator, ManualClock};
use tidings_store::testing::TestDatabase;

tidings_store::on_both_databases!(
    a_model_rewords_answers_and_failures_fall_back,
    a_model_rewords_highlights_only_when_grounded,
    a_model_words_story_highlights_once_and_only_when_grounded
);

const TEXT: &str = "The council voted on Tuesday to rebuild the harbour wall at a cost of four million pounds. \
    Work starts in March and should take two years, the mayor said. \
    Fishermen welcomed the decision after a winter of storms.";

#[derive(Clone, Default)]
struct Fake {
    calls: Arc<AtomicUsize>,
}

async fn chat(State(fake): State<Fake>, body: String) -> axum::response::Response {
    fake.calls.fetch_add(1, Ordering::SeqCst);
    let request: serde_json::Value = serde_json::from_str(&body).unwrap();
    let content = match request["model"].as_str().unwrap() {
        "good" => "The wall will cost four million pounds [1].",
        "bullets" => {
            "- The council voted to rebuild the harbour wall for four million pounds [1]\n\
                      - Work starts in March and should take two years [2]"
        }
        "refuse" => "NOT IN SOURCES",
        // Each of the first two numbered sentences it is given, as a bullet.
        "echo" => {
            let asked = request["messages"][1]["content"].as_str().unwrap();
            let bullets: Vec<String> = ["[1] ", "[2] "]
                .iter()
                .filter_map(|n| asked.lines().find_map(|l| l.strip_prefix(n)))
                .enumerate()
                .map(|(i, s)| format!("- {s} [{}]", i + 1))
                .collect();
            let reply = serde_json::json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": bullets.join("\n")}}]});
            return (
                [(header::CONTENT_TYPE, "application/json")],
                reply.to_string(),
            )
                .into_response();
        }
        "invent" => "The prime minister paid for the wall with lottery money [1].",
        "slow" => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            "too late [1]"
        }
        _ => return ([(header::CONTENT_TYPE, "application/json")], "{\"oops\":").into_response(),
    };
    let reply = serde_json::json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]});
    (
        [(header::CONTENT_TYPE, "application/json")],
        reply.to_string(),
    )
        .into_response()
}

async fn fake_server() -> (String, Fake) {
    let fake = Fake::default();
    let app = Router::new()
        .route("/v1/chat/completions", post(chat))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/v1"), fake)
}

/// Publishes one entry (`https://{host}/{id}`) in `host`'s feed.
async fn publish(
    db: &TestDatabase,
    app: &App,
    (host, id): (&str, &str),
    title: &str,
    content: String,
    published: chrono::DateTime<Utc>,
) {
    let now = Utc::now();
    let feed = app
        .follow_url(&format!("https://{host}/rss"))
        .await
        .unwrap();
    let ids = IdGenerator::new();
    let entry = FeedEntry {
        guid: id.into(),
        url: Some(format!("https://{host}/{id}")),
        url_key: Some(format!("{host}/{id}")),
        content_hash: id.into(),
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

/// A chat model at `base`, asked once (no retries), without streaming.
fn model_at(base: &str, name: &str) -> Option<LlmConfig> {
    let mut config = LlmConfig::new(base, name);
    config.stream = false;
    config.retries = 0;
    Some(config)
}

async fn article(db: &TestDatabase, app: &App) -> Article {
    let published = Utc::now() - TimeDelta::hours(1);
    let content = format!("<p>{}</p>", TEXT.repeat(4));
    publish(
        db,
        app,
        ("paper.example", "1"),
        "Harbour wall to be rebuilt",
        content,
        published,
    )
    .await;
    let id = app.latest_articles(1).await.unwrap()[0].id;
    app.article(id).await.unwrap()
}

fn app_with(db: &TestDatabase, llm: Option<LlmConfig>) -> App {
    let mut config = AppConfig::new(db.url());
    config.llm = llm;
    App::with_store(
        db.store().clone(),
        config,
        Arc::new(ManualClock::new(Utc::now())),
    )
    .unwrap()
}

const QUESTION: &str = "How much will the harbour wall cost?";

async fn a_model_rewords_answers_and_failures_fall_back(db: &TestDatabase) {
    let offline = app_with(db, None);
    let article = article(db, &offline).await;
    let Answer::Quotes(quotes) = offline.ask_article(&article, QUESTION).await.unwrap() else {
        panic!("the offline answer quotes the article");
    };
    assert!(quotes[0].text.contains("four million pounds"), "{quotes:?}");

    let (base, fake) = fake_server().await;
    let model = |name: &str| {
        model_at(&base, name).map(|mut config| {
            config.timeout = Duration::from_millis(500);
            config
        })
    };
    let good = app_with(db, model("good"));
    match good.ask_article(&article, QUESTION).await.unwrap() {
        Answer::Generated(sentences) => {
            assert_eq!(sentences[0].text, "The wall will cost four million pounds.");
            assert!(sentences[0].quotes[0].text.contains("four million pounds"));
            assert_eq!(sentences[0].quotes[0].article, article.id);
        }
        other => panic!("expected the model's answer, got {other:?}"),
    }
    // Asked again: from the cache, not the model.
    let calls = fake.calls.load(Ordering::SeqCst);
    assert!(matches!(
        good.ask_article(&article, QUESTION).await.unwrap(),
        Answer::Generated(_)
    ));
    assert_eq!(fake.calls.load(Ordering::SeqCst), calls);

    for name in ["refuse", "invent", "slow", "garbage"] {
        let app = app_with(db, model(name));
        match app.ask_article(&article, QUESTION).await.unwrap() {
            Answer::Quotes(quotes) => {
                assert!(quotes[0].text.contains("four million pounds"), "{name}")
            }
            other => panic!("{name}: expected the offline answer, got {other:?}"),
        }
    }
    // What the article does not say stays unanswered, model or not.
    assert!(matches!(
        good.ask_article(&article, "Who won the football on Saturday?")
            .await
            .unwrap(),
        Answer::NotInSources
    ));
}

async fn a_model_rewords_highlights_only_when_grounded(db: &TestDatabase) {
    let (base, _) = fake_server().await;
    let model = |name: &str| model_at(&base, name);
    let app = app_with(db, model("bullets"));
    let first = article(db, &app).await;
    app.place_stories(&tokio_util::sync::CancellationToken::new())
        .await
        .unwrap();
    let placed = app.article(first.id).await.unwrap();
    assert_eq!(placed.highlights.len(), 3, "{:?}", placed.highlights);
    assert!(placed.model_highlights.is_empty());
    assert_eq!(app.reword_highlights(10).await.unwrap(), 1);
    let reworded = app.article(first.id).await.unwrap();
    assert_eq!(
        reworded.model_highlights.len(),
        2,
        "{:?}",
        reworded.model_highlights
    );
    assert_eq!(
        reworded.model_highlights[0],
        (
            "The council voted to rebuild the harbour wall for four million pounds".to_owned(),
            vec![0]
        )
    );
    assert_eq!(reworded.model_highlights[1].1, vec![1]);
    // Asked once: nothing is left to reword.
    assert_eq!(app.reword_highlights(10).await.unwrap(), 0);

    // A model that invents: its wording is refused, the offline highlights stay.
    db.store()
        .set_model_highlights(first.id, &[])
        .await
        .unwrap();
    let inventive = app_with(db, model("invent"));
    let content = format!("<p>{}</p>", [TEXT; 3].join(" "));
    publish(
        db,
        &inventive,
        ("other.example", "2"),
        "Harbour wall plan",
        content,
        Utc::now(),
    )
    .await;
    // The first app holds the story engine's lease: it places the article.
    app.place_stories(&tokio_util::sync::CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(inventive.reword_highlights(10).await.unwrap(), 0);
    let second = inventive.latest_articles(1).await.unwrap()[0].id;
    let second = inventive.article(second).await.unwrap();
    assert!(
        second.model_highlights.is_empty() && !second.highlights.is_empty(),
        "{second:?}"
    );
}

/// A story told by two outlets: the model words its highlights once (a
/// pass asks, the page only reads what was kept), each sentence citing the
/// outlets' quotes; a wording its quotes do not support is not shown.
async fn a_model_words_story_highlights_once_and_only_when_grounded(db: &TestDatabase) {
    let (base, fake) = fake_server().await;
    let model = |name: &str| model_at(&base, name);
    let app = app_with(db, model("echo"));
    let first = article(db, &app).await;
    // Another outlet's take, long enough to stand without extraction.
    let content = "<p>Councillors approved a four million pound plan on Tuesday to rebuild the harbour wall. \
         The mayor said work on the harbour wall would begin in March. \
         Local fishermen said the storms had left the harbour exposed all winter.</p>"
        .repeat(4);
    let title = "Harbour wall rebuild approved by council";
    let published = Utc::now() - TimeDelta::minutes(30);
    publish(db, &app, ("coast.example", "c1"), title, content, published).await;
    app.place_stories(&tokio_util::sync::CancellationToken::new())
        .await
        .unwrap();
    let (story, _) = app.article(first.id).await.unwrap().placement.unwrap();
    let quotes = app.story_highlights(story).await.unwrap();
    let outlets: std::collections::BTreeSet<_> = quotes.iter().map(|q| q.article).collect();
    assert!(outlets.len() >= 2, "two outlets tell the story: {quotes:?}");
    assert!(
        app.story_model_highlights(&quotes).await.is_empty(),
        "not asked yet"
    );

    let calls = fake.calls.load(Ordering::SeqCst);
    assert_eq!(app.reword_story_highlights(10).await.unwrap(), 1);
    let worded = app.story_model_highlights(&quotes).await;
    assert_eq!(worded.len(), 2, "{worded:?}");
    assert_eq!(worded[0].text, quotes[0].text);
    assert_eq!(worded[0].quotes, vec![quotes[0].clone()]);
    // Kept: neither a page nor the next pass asks again.
    assert_eq!(app.reword_story_highlights(10).await.unwrap(), 0);
    assert_eq!(fake.calls.load(Ordering::SeqCst), calls + 1);

    // A model that invents is asked, and not shown.
    let inventive = app_with(db, model("invent"));
    assert_eq!(inventive.reword_story_highlights(10).await.unwrap(), 1);
    assert!(inventive.story_model_highlights(&quotes).await.is_empty());
    // No model: nothing asked, nothing shown.
    let offline = app_with(db, None);
    assert_eq!(offline.reword_story_highlights(10).await.unwrap(), 0);
    assert!(offline.story_model_highlights(&quotes).await.is_empty());
}
