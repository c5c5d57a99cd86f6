//! Sign-in with OpenID Connect against a local fake provider (discovery,
//! authorization code with PKCE, RS256 ID tokens, published keys), on both
//! databases: the happy path links one account to one identity, and every
//! forged or mismatched step is refused.
//!
//! `fixtures/oidc-test-key.pem` is a throwaway RSA key made for this test
//! only; `oidc-test-key.n` is its public modulus (base64url).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use chrono::Utc;
use sha2::{Digest, Sha256};
use tidings_app::{App, AppConfig, OidcConfig};
use tidings_core::ManualClock;
use tidings_store::testing::TestDatabase;

mod common;
use common::Browser;

tidings_store::on_both_databases!(openid_connect_sign_in);

/// What the fake provider will put in the ID token for a code.
#[derive(Clone)]
struct Grant {
    nonce: String,
    challenge: String,
    sub: String,
    username: String,
    /// How to spoil the token: "", "audience", "issuer", "expired", "nonce", "hs256".
    spoil: &'static str,
}

#[derive(Clone)]
struct Provider {
    base: String,
    grants: Arc<Mutex<HashMap<String, Grant>>>,
}

async fn discovery(State(p): State<Provider>) -> impl IntoResponse {
    let doc = serde_json::json!({
        "issuer": p.base,
        "authorization_endpoint": format!("{}/authorize", p.base),
        "token_endpoint": format!("{}/token", p.base),
        "jwks_uri": format!("{}/jwks", p.base),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        doc.to_string(),
    )
}

async fn jwks() -> impl IntoResponse {
    let n = include_str!("fixtures/oidc-test-key.n").trim();
    let set = serde_json::json!({"keys": [{"kty": "RSA", "kid": "test-1", "use": "sig", "alg": "RS256", "n": n, "e": "AQAB"}]});
    (
        [(header::CONTENT_TYPE, "application/json")],
        set.to_string(),
    )
}

async fn token(
    State(p): State<Provider>,
    Form(form): Form<HashMap<String, String>>,
) -> axum::response::Response {
    let Some(grant) = p.grants.lock().unwrap().remove(&form["code"]) else {
        return (StatusCode::BAD_REQUEST, "{\"error\":\"invalid_grant\"}").into_response();
    };
    // PKCE: the verifier must hash to the challenge sent at /authorize.
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    let hashed = base64_url(&Sha256::digest(verifier.as_bytes()));
    if hashed != grant.challenge || form.get("client_secret").map(String::as_str) != Some("s3cret")
    {
        return (StatusCode::BAD_REQUEST, "{\"error\":\"invalid_grant\"}").into_response();
    }
    let now = Utc::now().timestamp();
    let mut claims = serde_json::json!({
        "iss": p.base, "aud": "tidings", "sub": grant.sub, "iat": now, "exp": now + 300,
        "nonce": grant.nonce, "preferred_username": grant.username,
    });
    match grant.spoil {
        "audience" => claims["aud"] = "someone-else".into(),
        "issuer" => claims["iss"] = "https://evil.example".into(),
        "expired" => claims["exp"] = (now - 3600).into(),
        "nonce" => claims["nonce"] = "replayed".into(),
        _ => {}
    }
    let id_token = if grant.spoil == "hs256" {
        let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        jsonwebtoken::encode(
            &header,
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(b"guess"),
        )
        .unwrap()
    } else {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        header.kid = Some("test-1".into());
        let key =
            jsonwebtoken::EncodingKey::from_rsa_pem(include_bytes!("fixtures/oidc-test-key.pem"))
                .unwrap();
        jsonwebtoken::encode(&header, &claims, &key).unwrap()
    };
    let body =
        serde_json::json!({"access_token": "at", "token_type": "Bearer", "id_token": id_token});
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

async fn provider() -> Provider {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let p = Provider {
        base,
        grants: Arc::default(),
    };
    let app = axum::Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks", get(jwks))
        .route("/token", post(token))
        .with_state(p.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    p
}

fn query(url: &str) -> HashMap<String, String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

/// Starts a sign-in in `browser`, lets the provider grant it (spoiled as
/// asked), and follows the callback. Returns the callback's answer.
async fn sign_in(
    browser: &mut Browser,
    p: &Provider,
    sub: &str,
    spoil: &'static str,
    tamper_state: bool,
) -> common::Page {
    let start = browser.get("/signin/oidc?next=/for-you").await;
    assert_eq!(start.status, StatusCode::SEE_OTHER, "{}", start.body);
    let authorize = start.location().to_owned();
    assert!(
        authorize.starts_with(&format!("{}/authorize?", p.base)),
        "{authorize}"
    );
    let q = query(&authorize);
    assert_eq!(q["client_id"], "tidings");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(
        q["redirect_uri"],
        "https://news.example/signin/oidc/callback"
    );
    let code = format!("code-{sub}-{spoil}");
    p.grants.lock().unwrap().insert(
        code.clone(),
        Grant {
            nonce: q["nonce"].clone(),
            challenge: q["code_challenge"].clone(),
            sub: sub.into(),
            username: "alice".into(),
            spoil,
        },
    );
    let state = if tamper_state {
        "forged".to_owned()
    } else {
        q["state"].clone()
    };
    browser
        .get(&format!("/signin/oidc/callback?code={code}&state={state}"))
        .await
}

async fn openid_connect_sign_in(db: &TestDatabase) {
    let p = provider().await;
    let mut config = AppConfig::new(db.url());
    config.oidc = Some(OidcConfig {
        issuer: p.base.clone(),
        client_id: "tidings".into(),
        client_secret: "s3cret".into(),
        redirect_uri: "https://news.example/signin/oidc/callback".into(),
        display_name: "Example ID".into(),
    });
    let app = App::with_store(
        db.store().clone(),
        config,
        Arc::new(ManualClock::new(Utc::now())),
    )
    .unwrap();
    let router = tidings_web::router(app.clone());

    let mut browser = Browser::new(&router);
    assert!(
        browser
            .get("/signin")
            .await
            .body
            .contains("Sign in with Example ID")
    );
    let done = sign_in(&mut browser, &p, "user-1", "", false).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/for-you");
    assert!(browser.cookies.contains_key("tidings_session"));
    let account = browser.get("/account").await;
    assert!(
        account.body.contains("Signed in as <strong>alice</strong>"),
        "{}",
        account.body
    );

    // The same identity again: the same account. Another identity that
    // wants the same name gets a free one.
    let mut again = Browser::new(&router);
    sign_in(&mut again, &p, "user-1", "", false).await;
    assert!(
        again
            .get("/account")
            .await
            .body
            .contains("<strong>alice</strong>")
    );
    let mut other = Browser::new(&router);
    sign_in(&mut other, &p, "user-2", "", false).await;
    let page = other.get("/account").await;
    assert!(
        page.body.contains("Signed in as <strong>alice")
            && !page.body.contains("<strong>alice</strong>"),
        "{}",
        page.body
    );
    // No password signs in to an account made by the provider.
    let mut guesser = Browser::new(&router);
    assert_eq!(
        guesser.sign_in("alice", "any password at all").await.status,
        StatusCode::UNAUTHORIZED
    );

    // Every forged or mismatched step is refused, and signs nobody in.
    for spoil in ["audience", "issuer", "expired", "nonce", "hs256"] {
        let mut victim = Browser::new(&router);
        let page = sign_in(&mut victim, &p, "user-3", spoil, false).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{spoil}: {}", page.body);
        assert!(!victim.cookies.contains_key("tidings_session"), "{spoil}");
    }
    let mut victim = Browser::new(&router);
    assert_eq!(
        sign_in(&mut victim, &p, "user-3", "", true).await.status,
        StatusCode::FORBIDDEN,
        "forged state"
    );
    // A callback without the flow cookie (another browser's code).
    let mut stranger = Browser::new(&router);
    let page = stranger.get("/signin/oidc/callback?code=x&state=y").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    // The provider's own error is shown, not a crash.
    let page = stranger
        .get("/signin/oidc/callback?error=access_denied")
        .await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert!(page.body.contains("access_denied"));
}
