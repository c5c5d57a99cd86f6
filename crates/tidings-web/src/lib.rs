//! tidings' HTTP edge. Handlers only translate: request → use case on
//! [`tidings_app::App`] → page. No SQL and no business rules here.

mod cache;
mod community;
mod error;
mod pages;
mod views;
mod visitor;
mod websub;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{get, post};
use tidings_app::App;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use error::WebError;

/// The state every handler receives.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    /// The first front page as last rendered.
    front_page: std::sync::Arc<std::sync::Mutex<Option<RenderedPage>>>,
    /// Article bodies as last sanitized.
    bodies: std::sync::Arc<views::BodyCache>,
}

/// A page's HTML, its gzip encoding (made once, on first demand) and when
/// it was rendered (by the app's clock).
/// Bytes, so serving a copy costs a reference count, not a copy.
type RenderedPage = (
    chrono::DateTime<chrono::Utc>,
    axum::body::Bytes,
    std::sync::Arc<std::sync::OnceLock<axum::body::Bytes>>,
);

/// The whole site as one router.
pub fn router(app: App) -> Router {
    let state = AppState {
        app,
        front_page: Default::default(),
        bodies: Default::default(),
    };
    Router::new()
        .route("/", get(pages::front_page))
        .route("/articles/{id}", get(pages::article_page))
        .route("/stories/{id}", get(pages::story_page))
        .route("/sources/{id}", get(pages::source_page))
        .route("/search", get(pages::search_page))
        .route("/topics", get(pages::topics_page))
        .route("/topics/{name}", get(pages::topic_page))
        .route(
            "/signin",
            get(community::sign_in_page).post(community::sign_in),
        )
        .route(
            "/signup",
            get(community::sign_up_page).post(community::sign_up),
        )
        .route("/signin/oidc", get(community::oidc_start))
        .route("/signin/oidc/callback", get(community::oidc_callback))
        .route("/signout", post(community::sign_out))
        .route("/account", get(community::account_page))
        .route("/account/password", post(community::change_password))
        .route("/account/delete", post(community::delete_account))
        .route(
            "/articles/{id}/comments",
            post(community::post_article_comment),
        )
        .route(
            "/stories/{id}/comments",
            post(community::post_story_comment),
        )
        .route(
            "/comments/{id}/edit",
            get(community::edit_comment_page).post(community::edit_comment),
        )
        .route("/articles/{id}/save", post(community::save_article))
        .route("/articles/{id}/read", post(community::mark_read))
        .route("/sources/{id}/follow", post(community::follow_source))
        .route("/topics/{name}/follow", post(community::follow_topic))
        .route("/tags/{kind}/{key}", get(pages::tag_page))
        .route("/for-you", get(pages::for_you_page))
        .route("/saved", get(pages::saved_page))
        .route("/comments/{id}/delete", post(community::delete_comment))
        .route("/comments/{id}/report", post(community::report_comment))
        .route("/moderation", get(community::moderation_page))
        .route("/moderation/settings", post(community::moderation_settings))
        .route(
            "/moderation/comments/{id}/{action}",
            post(community::moderate_comment),
        )
        .route(
            "/moderation/users/{id}/{action}",
            post(community::moderate_user),
        )
        .route("/static/{name}", get(cache::static_asset))
        .route("/manifest.webmanifest", get(cache::manifest))
        .route("/sw.js", get(cache::service_worker))
        .route("/offline", get(pages::offline_page))
        .route("/healthz", get(pages::health))
        .route(
            "/websub/{feed}",
            get(websub::verify)
                .post(websub::push)
                .layer(DefaultBodyLimit::max(websub::MAX_PUSH_BYTES)),
        )
        .fallback(pages::not_found)
        .with_state(state)
        .layer(axum::middleware::from_fn(cache::etag))
        .layer(security_header(
            header::CONTENT_SECURITY_POLICY,
            // Publishers' images load from their own hosts; nothing else
            // leaves the site, and no script runs that we did not serve.
            "default-src 'self'; img-src 'self' https: http: data:; media-src 'self' https:; \
             style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ))
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(
            header::REFERRER_POLICY,
            "strict-origin-when-cross-origin",
        ))
        // gzip's fastest level: pages are small HTML, where level 1 is within
        // a few percent of the default's size at a fraction of its time
        // (measured on article pages, see docs/BENCHMARKS.md).
        .layer(
            tower_http::compression::CompressionLayer::new()
                .quality(tower_http::CompressionLevel::Fastest),
        )
        .layer(TraceLayer::new_for_http())
}

fn security_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
