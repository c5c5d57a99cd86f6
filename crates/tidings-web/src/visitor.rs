//! Who is asking: the session cookie, the anonymous form cookie, the client
//! address, and the CSRF check every state-changing form passes.
//!
//! CSRF tokens are HMACs of the session token (signed in) or of a random
//! form cookie (signed out, for the sign-in and sign-up forms), so nothing is
//! stored per form and any node can check any token. SameSite=Lax cookies and
//! an Origin check are two more layers.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use tidings_app::ClientIp;
use tidings_core::User;

use crate::{AppState, WebError};

pub const SESSION_COOKIE: &str = "tidings_session";
pub const FORM_COOKIE: &str = "tidings_form";
const SESSION_MAX_AGE: i64 = 30 * 24 * 3600;

/// The visitor of a request.
pub struct Visitor {
    pub user: Option<User>,
    /// The session token, when signed in.
    pub session: Option<String>,
    /// What this visitor's CSRF tokens are bound to.
    binding: String,
    /// A form cookie to set with the response (a first form for a visitor).
    pub new_form_cookie: Option<String>,
    pub ip: ClientIp,
    /// The request's Origin header does not name this site.
    cross_origin: bool,
}

/// The value of the cookie `name`, as sent.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A token cookie: hex, of a sane length, or none at all.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    cookie_value(headers, name)
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let headers = &parts.headers;
        let session = cookie(headers, SESSION_COOKIE).map(str::to_owned);
        let user = match &session {
            Some(token) => state.app.session_user(token).await?,
            None => None,
        };
        // An expired or forged session token is as good as none.
        let session = session.filter(|_| user.is_some());
        let form = cookie(headers, FORM_COOKIE).map(str::to_owned);
        let (binding, new_form_cookie) = match (&session, form) {
            (Some(token), _) => (token.clone(), None),
            (None, Some(form)) => (form, None),
            (None, None) => {
                let fresh = state.app.new_form_binding();
                (fresh.clone(), Some(fresh))
            }
        };
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string());
        // Behind a reverse proxy the site's own name may come as
        // X-Forwarded-Host; either names this site.
        let host = headers
            .get("x-forwarded-host")
            .or_else(|| headers.get(header::HOST))
            .and_then(|h| h.to_str().ok());
        let cross_origin = match (
            headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()),
            host,
        ) {
            (Some(origin), Some(host)) => {
                let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
                origin != "null" && origin_host != host
            }
            (Some(origin), None) => origin != "null",
            _ => false,
        };
        Ok(Self {
            user,
            session,
            binding,
            new_form_cookie,
            ip: ClientIp(ip),
            cross_origin,
        })
    }
}

impl Visitor {
    /// The CSRF token for this visitor's forms.
    pub async fn csrf(&self, state: &AppState) -> Result<String, WebError> {
        Ok(state.app.csrf_token(&self.binding).await?)
    }

    /// Refuses a state-changing request without this visitor's CSRF token,
    /// or from another site.
    pub async fn check_csrf(&self, state: &AppState, token: &str) -> Result<(), WebError> {
        if self.cross_origin
            || self.new_form_cookie.is_some()
            || !state.app.csrf_valid(&self.binding, token).await?
        {
            tracing::warn!(ip = %self.ip.0, "request refused: missing or wrong CSRF token");
            return Err(WebError::Csrf);
        }
        Ok(())
    }

    /// The signed-in user, or 401 with a sign-in page.
    pub fn signed_in(&self) -> Result<&User, WebError> {
        self.user
            .as_ref()
            .ok_or(WebError::App(tidings_app::AppError::Unauthenticated))
    }
}

/// `Set-Cookie` for a new session.
pub fn session_cookie(token: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age={SESSION_MAX_AGE}"
    ))
    .expect("hex is a valid header value")
}

/// `Set-Cookie` that removes a cookie.
pub fn expired_cookie(name: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0"
    ))
    .expect("a valid header value")
}

/// `Set-Cookie` for an anonymous visitor's form binding.
pub fn form_cookie(value: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{FORM_COOKIE}={value}; Path=/; HttpOnly; Secure; SameSite=Lax"
    ))
    .expect("hex is a valid header value")
}
