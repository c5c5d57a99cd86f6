//! WebSub end to end: the feed names a hub, tidings subscribes, the hub
//! verifies intent through the web callback, pushes signed content, and
//! the subscription is renewed before its lease ends. Both databases.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Form;
use axum::http::{Request, StatusCode};
use axum::routing::{get, post};
use chrono::{TimeDelta, Utc};
use std::collections::HashMap;
use tidings_app::{App, AppConfig};
use tidings_core::ManualClock;
use tidings_fetch::{FetchOptions, NetworkPolicy, websub_sign};
use tidings_store::testing::TestDatabase;
use tower::ServiceExt;

tidings_store::on_both_databases!(subscribe_verify_push_and_renew);

type Requests = Arc<Mutex<Vec<HashMap<String, String>>>>;

fn feed_xml(base: &str, items: &[&str]) -> String {
    let items: String = items
        .iter()
        .map(|id| {
            format!(
                "<item><guid>{id}</guid><title>Story {id}</title><link>{base}/s/{id}</link></item>"
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
        <title>Pushy News</title><link>{base}/</link>
        <atom:link rel="hub" href="{base}/hub"/><atom:link rel="self" href="{base}/feed.xml"/>
        {items}</channel></rss>"#
    )
}

async fn publisher_with_hub() -> (String, Requests) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let requests: Requests = Arc::default();
    let recorded = requests.clone();
    let feed_base = base.clone();
    let app = Router::new()
        .route(
            "/feed.xml",
            get(move || {
                let base = feed_base.clone();
                async move { feed_xml(&base, &["1"]) }
            }),
        )
        .route(
            "/hub",
            post(move |Form(form): Form<HashMap<String, String>>| {
                let recorded = recorded.clone();
                async move {
                    recorded.lock().unwrap().push(form);
                    StatusCode::ACCEPTED
                }
            }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, requests)
}

async fn call(router: &Router, request: Request<Body>) -> (StatusCode, String) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}

async fn subscribe_verify_push_and_renew(db: &TestDatabase) {
    let (base, hub_requests) = publisher_with_hub().await;
    let clock = ManualClock::new(Utc::now());
    let mut config = AppConfig::new(db.url());
    config.public_url = Some("http://tidings.test/".parse().unwrap());
    config.fetch = FetchOptions {
        per_host_delay: Duration::ZERO,
        network: NetworkPolicy {
            allowed: vec!["127.0.0.0/8".parse().unwrap()],
        },
        ..FetchOptions::default()
    };
    let app = App::with_store(db.store().clone(), config, Arc::new(clock.clone())).unwrap();
    let router = tidings_web::router(app.clone());
    let feed = app.follow_url(&format!("{base}/feed.xml")).await.unwrap();

    // Polling finds the hub and subscribes.
    app.fetch_due(false, &()).await.unwrap();
    let request = hub_requests
        .lock()
        .unwrap()
        .last()
        .cloned()
        .expect("a subscribe request");
    assert_eq!(request["hub.mode"], "subscribe");
    assert_eq!(request["hub.topic"], format!("{base}/feed.xml"));
    let callback = format!("http://tidings.test/websub/{}", feed.id);
    assert_eq!(request["hub.callback"], callback);
    let secret = request["hub.secret"].clone();
    assert!(secret.len() >= 32);
    let path = format!("/websub/{}", feed.id);

    // The hub verifies intent; a wrong topic is not ours to confirm.
    let topic = url::form_urlencoded::byte_serialize(format!("{base}/feed.xml").as_bytes())
        .collect::<String>();
    let wrong = Request::get(format!(
        "{path}?hub.mode=subscribe&hub.topic=https%3A%2F%2Fevil.example%2F&hub.challenge=x"
    ))
    .body(Body::empty())
    .unwrap();
    assert_eq!(call(&router, wrong).await.0, StatusCode::NOT_FOUND);
    let verify = Request::get(format!(
        "{path}?hub.mode=subscribe&hub.topic={topic}&hub.challenge=c-123&hub.lease_seconds=600"
    ))
    .body(Body::empty())
    .unwrap();
    assert_eq!(
        call(&router, verify).await,
        (StatusCode::OK, "c-123".to_owned())
    );
    assert_eq!(
        db.store().feed(feed.id).await.unwrap().push,
        Some(tidings_core::WebSubState::Active)
    );

    // A push with a bad signature is refused and stores nothing.
    let pushed = feed_xml(&base, &["1", "2"]);
    let forged = Request::post(&path)
        .header("content-type", "application/rss+xml")
        .header(
            "x-hub-signature",
            websub_sign("not-the-secret", pushed.as_bytes()),
        )
        .body(Body::from(pushed.clone()))
        .unwrap();
    assert_eq!(call(&router, forged).await.0, StatusCode::FORBIDDEN);
    let unsigned = Request::post(&path)
        .body(Body::from(pushed.clone()))
        .unwrap();
    assert_eq!(call(&router, unsigned).await.0, StatusCode::FORBIDDEN);
    assert_eq!(db.store().count_articles().await.unwrap(), 1);

    // A signed push is stored at once.
    let signed = Request::post(&path)
        .header("content-type", "application/rss+xml")
        .header("x-hub-signature", websub_sign(&secret, pushed.as_bytes()))
        .body(Body::from(pushed))
        .unwrap();
    assert_eq!(call(&router, signed).await.0, StatusCode::ACCEPTED);
    assert_eq!(db.store().count_articles().await.unwrap(), 2);

    // Polling goes on; no new request while the lease is young...
    app.fetch_due(true, &()).await.unwrap();
    assert_eq!(hub_requests.lock().unwrap().len(), 1);
    // ...and the subscription is renewed in the lease's last half.
    clock.advance(TimeDelta::seconds(301));
    app.fetch_due(true, &()).await.unwrap();
    let requests = hub_requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 2, "renewed before the lease ends");
    assert_eq!(requests[1]["hub.mode"], "subscribe");
}
