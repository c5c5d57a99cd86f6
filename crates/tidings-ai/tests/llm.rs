//! The model client against a local fake server that speaks the
//! chat-completions protocol: plain and streamed replies, errors, retries,
//! timeouts, garbage, refusals, keys and the hourly budget.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use tidings_ai::llm::{
    LlmClient, LlmConfig, LlmError, Message, Ungrounded, answer_messages, check_grounding,
};

#[derive(Clone, Default)]
struct Fake {
    calls: Arc<AtomicUsize>,
}

fn completion(content: &str) -> String {
    serde_json::json!({
        "id": "c1", "object": "chat.completion", "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]
    })
    .to_string()
}

async fn chat(State(fake): State<Fake>, headers: HeaderMap, body: String) -> Response {
    let n = fake.calls.fetch_add(1, Ordering::SeqCst);
    let request: serde_json::Value = serde_json::from_str(&body).expect("a JSON request");
    let model = request["model"].as_str().unwrap_or_default().to_owned();
    let json = [(header::CONTENT_TYPE, "application/json")];
    let answer = "The council will rebuild the harbour wall [1].";
    match model.as_str() {
        "plain" => (json, completion(answer)).into_response(),
        "stream" => {
            assert_eq!(request["stream"], true);
            let mut sse = String::new();
            for piece in ["The council will ", "rebuild the harbour ", "wall [1]."] {
                let chunk =
                    serde_json::json!({"choices": [{"index": 0, "delta": {"content": piece}}]});
                sse.push_str(&format!("data: {chunk}\n\n"));
            }
            sse.push_str("data: [DONE]\n\n");
            ([(header::CONTENT_TYPE, "text/event-stream")], sse).into_response()
        }
        "keyed" => {
            if headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                == Some("Bearer sk-test")
            {
                (json, completion(answer)).into_response()
            } else {
                (
                    StatusCode::UNAUTHORIZED,
                    "{\"error\":{\"message\":\"bad key\"}}",
                )
                    .into_response()
            }
        }
        "flaky" if n == 0 => (StatusCode::SERVICE_UNAVAILABLE, "busy").into_response(),
        "flaky" => (json, completion(answer)).into_response(),
        "bad-request" => (StatusCode::BAD_REQUEST, "{\"error\":\"no\"}").into_response(),
        "slow" => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            (json, completion(answer)).into_response()
        }
        "garbage" => (json, "<html>definitely not JSON</html>").into_response(),
        "cut-stream" => (
            [(header::CONTENT_TYPE, "text/event-stream")],
            "data: {\"choices\":[{\"delta\":{\"content\":\"The\"}}]}\n\n",
        )
            .into_response(),
        "refuse" => (json, completion("NOT IN SOURCES")).into_response(),
        "invent" => (
            json,
            completion("The prime minister resigned over the harbour scandal [1]."),
        )
            .into_response(),
        other => panic!("unknown fake model {other}"),
    }
}

/// A fake `/embeddings`: each input's vector counts its letters a..z (so
/// texts that share words point the same way), returned in reverse order
/// with their indexes, as servers may.
async fn embeddings(State(fake): State<Fake>, body: String) -> Response {
    let n = fake.calls.fetch_add(1, Ordering::SeqCst);
    let request: serde_json::Value = serde_json::from_str(&body).expect("a JSON request");
    let inputs: Vec<String> = request["input"]
        .as_array()
        .expect("input is a list")
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    let letters = |text: &str| -> Vec<f32> {
        let mut v = vec![0.0; 26];
        for c in text
            .to_ascii_lowercase()
            .bytes()
            .filter(u8::is_ascii_lowercase)
        {
            v[(c - b'a') as usize] += 1.0;
        }
        v
    };
    let mut data: Vec<serde_json::Value> = inputs
        .iter()
        .enumerate()
        .map(|(i, t)| serde_json::json!({"object": "embedding", "index": i, "embedding": letters(t)}))
        .collect();
    data.reverse();
    let json = [(header::CONTENT_TYPE, "application/json")];
    match request["model"].as_str().unwrap_or_default() {
        "embed" => (
            json,
            serde_json::json!({"object": "list", "data": data}).to_string(),
        )
            .into_response(),
        "embed-flaky" if n == 0 => (StatusCode::TOO_MANY_REQUESTS, "slow down").into_response(),
        "embed-flaky" => (json, serde_json::json!({"data": data}).to_string()).into_response(),
        "embed-short" => {
            data.pop();
            (json, serde_json::json!({"data": data}).to_string()).into_response()
        }
        "embed-ragged" => {
            data[0]["embedding"] = serde_json::json!([1.0, 2.0]);
            (json, serde_json::json!({"data": data}).to_string()).into_response()
        }
        "embed-garbage" => (json, "{\"data\": \"nope\"}").into_response(),
        other => panic!("unknown fake embedding model {other}"),
    }
}

async fn fake_server() -> (String, Fake) {
    let fake = Fake::default();
    let app = Router::new()
        .route("/v1/chat/completions", post(chat))
        .route("/v1/embeddings", post(embeddings))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/v1"), fake)
}

fn client(base: &str, model: &str, stream: bool) -> LlmClient {
    let mut config = LlmConfig::new(base, model);
    config.stream = stream;
    config.timeout = Duration::from_millis(700);
    config.retries = 1;
    LlmClient::new(config).unwrap()
}

const PASSAGES: [&str; 1] = ["The council voted to rebuild the harbour wall after the storms."];

fn ask() -> Vec<Message> {
    answer_messages("What will the council do?", &PASSAGES)
}

#[tokio::test]
async fn plain_and_streamed_replies_are_read_and_grounded() {
    let (base, _) = fake_server().await;
    for (model, stream) in [("plain", false), ("stream", true)] {
        let reply = client(&base, model, stream).chat(&ask()).await.unwrap();
        assert_eq!(reply, "The council will rebuild the harbour wall [1].");
        let grounded = check_grounding(&reply, &PASSAGES).unwrap();
        assert_eq!(grounded[0].cites, [0]);
    }
}

#[tokio::test]
async fn errors_are_retried_when_worth_it_and_reported_otherwise() {
    let (base, fake) = fake_server().await;
    assert!(
        client(&base, "flaky", false).chat(&ask()).await.is_ok(),
        "a 503 is retried"
    );
    assert_eq!(fake.calls.load(Ordering::SeqCst), 2);

    let before = fake.calls.load(Ordering::SeqCst);
    let error = client(&base, "bad-request", false)
        .chat(&ask())
        .await
        .unwrap_err();
    assert!(
        matches!(error, LlmError::Status { status: 400, .. }),
        "{error}"
    );
    assert_eq!(
        fake.calls.load(Ordering::SeqCst),
        before + 1,
        "a 400 is not retried"
    );

    let started = std::time::Instant::now();
    let error = client(&base, "slow", false).chat(&ask()).await.unwrap_err();
    assert!(matches!(error, LlmError::Timeout), "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "gave up in time: {:?}",
        started.elapsed()
    );

    for model in ["garbage", "cut-stream"] {
        let error = client(&base, model, false).chat(&ask()).await.unwrap_err();
        assert!(matches!(error, LlmError::Garbage(_)), "{model}: {error}");
    }
    let error = client(&base, "keyed", false)
        .chat(&ask())
        .await
        .unwrap_err();
    assert!(
        matches!(error, LlmError::Status { status: 401, .. }),
        "{error}"
    );
    let mut config = LlmConfig::new(base.as_str(), "keyed");
    config.api_key = Some("sk-test".into());
    assert!(LlmClient::new(config).unwrap().chat(&ask()).await.is_ok());
}

#[tokio::test]
async fn refusals_and_inventions_are_not_shown() {
    let (base, _) = fake_server().await;
    let refused = client(&base, "refuse", false).chat(&ask()).await.unwrap();
    assert_eq!(
        check_grounding(&refused, &PASSAGES),
        Err(Ungrounded::Refused)
    );
    let invented = client(&base, "invent", false).chat(&ask()).await.unwrap();
    assert!(matches!(
        check_grounding(&invented, &PASSAGES),
        Err(Ungrounded::Unsupported(_))
    ));
}

#[tokio::test]
async fn the_hourly_budget_is_kept() {
    let (base, fake) = fake_server().await;
    let mut config = LlmConfig::new(base.as_str(), "plain");
    config.calls_per_hour = 2;
    let client = LlmClient::new(config).unwrap();
    assert!(client.chat(&ask()).await.is_ok());
    assert!(client.clone().chat(&ask()).await.is_ok());
    assert!(matches!(
        client.chat(&ask()).await,
        Err(LlmError::OverBudget)
    ));
    assert_eq!(fake.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn embeddings_come_back_in_input_order_at_unit_length() {
    let (base, _) = fake_server().await;
    let texts = ["harbour wall", "harbour walls", "zzz"];
    let vectors = client(&base, "embed", false).embed(&texts).await.unwrap();
    assert_eq!(vectors.len(), 3);
    for v in &vectors {
        let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5, "{norm}");
    }
    let cos = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
    // The server answered in reverse: the order comes from the indexes.
    assert!(cos(&vectors[0], &vectors[1]) > 0.9);
    assert!(cos(&vectors[0], &vectors[2]) < 0.1);
    assert_eq!(vectors[2][25], 1.0);
    // Nothing to embed: no call.
    assert!(
        client(&base, "embed", false)
            .embed(&[])
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn embedding_failures_are_retried_or_refused() {
    let (base, fake) = fake_server().await;
    let texts = ["harbour wall", "storm"];
    let before = fake.calls.load(Ordering::SeqCst);
    assert_eq!(
        client(&base, "embed-flaky", false)
            .embed(&texts)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        fake.calls.load(Ordering::SeqCst) - before,
        2,
        "one retry after 429"
    );
    for model in ["embed-short", "embed-ragged", "embed-garbage"] {
        let error = client(&base, model, false).embed(&texts).await.unwrap_err();
        assert!(matches!(error, LlmError::Garbage(_)), "{model}: {error:?}");
    }
}
