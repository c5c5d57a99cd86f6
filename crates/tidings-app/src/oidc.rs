//! Optional sign-in with OpenID Connect (authorization code flow with PKCE),
//! next to local accounts.
//!
//! The flow's secrets (state, nonce, PKCE verifier, where to return) travel
//! in a short-lived cookie signed with the key every node shares, so any
//! node can finish a sign-in another started. The ID token is checked in
//! full: signature against the issuer's published keys (RS256/ES256), issuer,
//! audience, expiry and nonce. An identity (issuer, subject) is linked to one
//! local account, created at its first sign-in with a free name.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tidings_core::{Role, UserId, username_key};
use tokio::sync::OnceCell;

use crate::{App, AppError, Result, Session};

/// The identity provider, as the operator configured it.
#[derive(Clone)]
pub struct OidcConfig {
    /// The issuer URL (its `/.well-known/openid-configuration` is read).
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Where the provider sends the browser back:
    /// `https://news.example/signin/oidc/callback`.
    pub redirect_uri: String,
    /// Shown on the sign-in button ("Sign in with …").
    pub display_name: String,
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("redirect_uri", &self.redirect_uri)
            .finish()
    }
}

#[derive(Debug, Clone, Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
}

/// The provider's endpoints and keys, read once.
#[derive(Default)]
pub(crate) struct OidcState {
    discovery: OnceCell<Discovery>,
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: String,
}

#[derive(Debug, Deserialize)]
struct Claims {
    sub: String,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    preferred_username: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

/// Where a started sign-in sends the browser, and the cookie it must carry
/// back.
#[derive(Debug, Clone)]
pub struct OidcStart {
    pub authorize_url: String,
    /// The signed flow cookie's value.
    pub cookie: String,
}

/// How long a started sign-in may take.
pub const OIDC_FLOW_SECS: i64 = 600;

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

impl App {
    /// The provider's name for the sign-in button, when OIDC is configured.
    pub fn oidc_provider(&self) -> Option<&str> {
        self.config.oidc.as_ref().map(|c| c.display_name.as_str())
    }

    fn oidc_config(&self) -> Result<&OidcConfig> {
        self.config
            .oidc
            .as_ref()
            .ok_or(AppError::NotFound("OpenID Connect sign-in"))
    }

    fn oidc_http(&self) -> Result<reqwest::Client> {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| AppError::Invalid(format!("HTTP client: {e}")))
    }

    async fn discovery(&self) -> Result<&Discovery> {
        let config = self.oidc_config()?;
        self.oidc
            .discovery
            .get_or_try_init(|| async {
                let url = format!(
                    "{}/.well-known/openid-configuration",
                    config.issuer.trim_end_matches('/')
                );
                let body = self
                    .oidc_http()?
                    .get(&url)
                    .send()
                    .await
                    .and_then(|r| r.error_for_status())
                    .map_err(|e| AppError::Invalid(format!("OpenID provider: {e}")))?
                    .text()
                    .await
                    .map_err(|e| AppError::Invalid(format!("OpenID provider: {e}")))?;
                let discovery: Discovery = serde_json::from_str(&body)
                    .map_err(|e| AppError::Invalid(format!("OpenID discovery document: {e}")))?;
                if discovery.issuer.trim_end_matches('/') != config.issuer.trim_end_matches('/') {
                    return Err(AppError::Invalid(
                        "the OpenID provider names another issuer".into(),
                    ));
                }
                Ok(discovery)
            })
            .await
    }

    /// Starts a sign-in: the provider URL to send the browser to, and the
    /// signed cookie that must come back with it.
    pub async fn oidc_start(&self, next: &str) -> Result<OidcStart> {
        let config = self.oidc_config()?;
        let discovery = self.discovery().await?;
        let (state, nonce, verifier) = (random_token(), random_token(), random_token());
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        let mut url = url::Url::parse(&discovery.authorization_endpoint)
            .map_err(|e| AppError::Invalid(format!("authorization endpoint: {e}")))?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &config.client_id)
            .append_pair("redirect_uri", &config.redirect_uri)
            .append_pair("scope", "openid profile email")
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
        let expires = self.clock.now().timestamp() + OIDC_FLOW_SECS;
        let next = URL_SAFE_NO_PAD.encode(next.as_bytes());
        let payload = format!("{state}.{nonce}.{verifier}.{expires}.{next}");
        let signature = self.sign_flow(&payload).await?;
        Ok(OidcStart {
            authorize_url: url.to_string(),
            cookie: format!("{payload}.{signature}"),
        })
    }

    async fn sign_flow(&self, payload: &str) -> Result<String> {
        // The CSRF key, under another label: one shared secret, two uses.
        let token = self.csrf_token(&format!("oidc-flow\0{payload}")).await?;
        Ok(token)
    }

    /// Finishes a sign-in: checks the flow cookie and `state`, trades `code`
    /// for an ID token, checks it, and signs in the linked account (created
    /// at the first sign-in). Returns the session and where to go next.
    pub async fn oidc_finish(
        &self,
        cookie: &str,
        state: &str,
        code: &str,
    ) -> Result<(Session, String)> {
        let refused = |why: &str| {
            tracing::warn!(why, "OpenID Connect sign-in refused");
            AppError::Forbidden(format!("sign-in refused: {why}"))
        };
        let config = self.oidc_config()?;
        let (payload, signature) = cookie
            .rsplit_once('.')
            .ok_or_else(|| refused("no sign-in in progress"))?;
        if !self
            .csrf_valid(&format!("oidc-flow\0{payload}"), signature)
            .await?
        {
            return Err(refused("the sign-in cookie was tampered with"));
        }
        let parts: Vec<&str> = payload.split('.').collect();
        let [flow_state, nonce, verifier, expires, next] = parts[..] else {
            return Err(refused("malformed sign-in cookie"));
        };
        if flow_state != state {
            return Err(refused("state does not match"));
        }
        if expires.parse::<i64>().unwrap_or(0) < self.clock.now().timestamp() {
            return Err(refused("the sign-in took too long"));
        }
        let next = URL_SAFE_NO_PAD
            .decode(next)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_else(|| "/".into());
        let discovery = self.discovery().await?;
        let http = self.oidc_http()?;
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", config.redirect_uri.as_str()),
            ("client_id", config.client_id.as_str()),
            ("client_secret", config.client_secret.as_str()),
            ("code_verifier", verifier),
        ];
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let response = http
            .post(&discovery.token_endpoint)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body)
            .send()
            .await
            .map_err(|e| AppError::Invalid(format!("OpenID token endpoint: {e}")))?;
        if !response.status().is_success() {
            return Err(refused("the provider refused the code"));
        }
        let tokens: TokenResponse = response
            .text()
            .await
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
            .map_err(|_| refused("the token response is not JSON"))?;
        let claims = self
            .verify_id_token(&tokens.id_token, nonce)
            .await
            .map_err(|why| refused(&why))?;
        let user = self.linked_user(&config.issuer, &claims).await?;
        if user.banned {
            tracing::info!(user = %user.name, "banned account signed in through OpenID Connect");
        }
        let session = self.start_session(user).await?;
        Ok((session, next))
    }

    async fn verify_id_token(
        &self,
        token: &str,
        nonce: &str,
    ) -> std::result::Result<Claims, String> {
        let config = self.oidc_config().map_err(|e| e.to_string())?;
        let discovery = self.discovery().await.map_err(|e| e.to_string())?;
        let header = jsonwebtoken::decode_header(token).map_err(|e| format!("ID token: {e}"))?;
        if !matches!(
            header.alg,
            Algorithm::RS256 | Algorithm::ES256 | Algorithm::PS256
        ) {
            return Err(format!("ID token signed with {:?}", header.alg));
        }
        // Keys are read per sign-in: providers rotate them.
        let keys: JwkSet = self
            .oidc_http()
            .map_err(|e| e.to_string())?
            .get(&discovery.jwks_uri)
            .send()
            .await
            .map_err(|e| format!("provider keys: {e}"))?
            .text()
            .await
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
            .map_err(|e| format!("provider keys: {e}"))?;
        let jwk = match &header.kid {
            Some(kid) => keys.find(kid),
            None => keys.keys.first(),
        }
        .ok_or("the ID token's key is not the provider's")?;
        let key = DecodingKey::from_jwk(jwk).map_err(|e| format!("provider key: {e}"))?;
        let mut validation = Validation::new(header.alg);
        validation.set_audience(&[config.client_id.as_str()]);
        validation.set_issuer(&[discovery.issuer.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 60;
        let claims = jsonwebtoken::decode::<Claims>(token, &key, &validation)
            .map_err(|e| format!("ID token: {e}"))?
            .claims;
        if claims.nonce.as_deref() != Some(nonce) {
            return Err("the ID token's nonce does not match".into());
        }
        Ok(claims)
    }

    /// The account linked to this identity, created at its first sign-in.
    async fn linked_user(&self, issuer: &str, claims: &Claims) -> Result<tidings_core::User> {
        if let Some(id) = self.store.identity_user(issuer, &claims.sub).await? {
            return Ok(self.store.user(id).await?);
        }
        let wanted = claims
            .preferred_username
            .clone()
            .or_else(|| {
                claims
                    .email
                    .as_ref()
                    .and_then(|e| e.split('@').next().map(str::to_owned))
            })
            .or_else(|| claims.name.clone())
            .unwrap_or_else(|| "reader".into());
        let base: String = wanted
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
            .take(24)
            .collect();
        let base = if base.chars().count() < 3 {
            format!("reader{base}")
        } else {
            base
        };
        let now = self.clock.now();
        for attempt in 0..20 {
            let name = if attempt == 0 {
                base.clone()
            } else {
                format!("{base}{}", rand::random::<u16>())
            };
            let id = UserId(self.ids.next(now));
            // "!" is no PHC string: no password ever matches it.
            match self
                .store
                .create_user(id, &name, &username_key(&name), "!", Role::Reader, now)
                .await
            {
                Ok(user) => {
                    self.store
                        .link_identity(issuer, &claims.sub, user.id, now)
                        .await?;
                    tracing::info!(user = %user.name, "account created at its first OpenID Connect sign-in");
                    return Ok(user);
                }
                Err(tidings_store::StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Conflict("a free user name".into()))
    }
}
