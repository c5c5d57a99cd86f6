//! HTTP caching: fingerprinted static assets (cached for a year, renamed
//! when they change) and ETags on pages (a revalidation that matches costs a
//! 304 and no body).

use std::sync::LazyLock;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The stylesheet, compiled in.
pub const STYLE: &str = include_str!("../static/style.css");

/// The stylesheet's URL, named by a hash of its content.
pub static STYLE_HREF: LazyLock<String> = LazyLock::new(|| {
    format!(
        "/static/style.{:016x}.css",
        xxhash_rust::xxh3::xxh3_64(STYLE.as_bytes())
    )
});

/// The fingerprinted URL of the stylesheet, for templates.
pub fn style_href() -> &'static str {
    &STYLE_HREF
}

const ICON: &str = include_str!("../static/icon.svg");
const APP_JS: &str = include_str!("../static/app.js");
const MANIFEST: &str = include_str!("../static/manifest.webmanifest");
const SERVICE_WORKER: &str = include_str!("../static/sw.js");

/// The service worker, with the stylesheet it keeps and a version that
/// changes whenever it or the stylesheet does (so the browser updates it).
static SERVICE_WORKER_JS: LazyLock<String> = LazyLock::new(|| {
    let version = xxhash_rust::xxh3::xxh3_64(format!("{SERVICE_WORKER}{STYLE}").as_bytes());
    SERVICE_WORKER
        .replace("__VERSION__", &format!("{version:016x}"))
        .replace("__STYLE__", style_href())
});

fn asset(content_type: &'static str, cache: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response()
}

/// Serves `/static/NAME`: the fingerprinted stylesheet immutable for a year
/// (an old fingerprint, from a page cached before a deploy, still gets
/// today's file, briefly cached), the icon and the app script for a day.
pub async fn static_asset(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    match name.as_str() {
        "icon.svg" => asset("image/svg+xml", "public, max-age=86400", ICON),
        "app.js" => asset(
            "text/javascript; charset=utf-8",
            "public, max-age=86400",
            APP_JS,
        ),
        _ if name.starts_with("style") && name.ends_with(".css") => {
            let current = STYLE_HREF.trim_start_matches("/static/") == name;
            let cache = if current {
                "public, max-age=31536000, immutable"
            } else {
                "public, max-age=300"
            };
            asset("text/css; charset=utf-8", cache, STYLE)
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

pub async fn manifest() -> Response {
    asset(
        "application/manifest+json",
        "public, max-age=86400",
        MANIFEST,
    )
}

/// The service worker, always revalidated so updates reach readers.
pub async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SERVICE_WORKER_JS.as_str(),
    )
        .into_response()
}

/// Far above any page: buffering a page to tag it must not fail.
const MAX_TAGGED: usize = 16 * 1024 * 1024;

/// Tags successful GET pages with a (weak) ETag of their bytes and answers
/// `If-None-Match` revalidations with 304. Pages are rendered per request
/// (relative times change), so the tag is of what was rendered: a page that
/// reads the same is not sent again.
pub async fn etag(request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return next.run(request).await;
    }
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    // A signed-in reader's pages (marked private) are neither tagged nor
    // kept: they hold their account and its forms.
    if response.status() != StatusCode::OK
        || !is_html
        || response.headers().contains_key(header::ETAG)
        || response.headers().contains_key(header::CACHE_CONTROL)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_TAGGED).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    // Weak: the same page may travel gzipped or not.
    let tag = format!("W/\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(&bytes));
    let tag_value = HeaderValue::from_str(&tag).expect("hex is a valid header");
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    let matches = if_none_match
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    parts.headers.insert(header::ETAG, tag_value);
    if matches {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}
