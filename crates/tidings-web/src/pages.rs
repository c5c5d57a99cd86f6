//! The site's pages.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use tidings_core::ArticleId;

use crate::views::{ArticleView, CardView};
use crate::{AppState, WebError};

const FRONT_PAGE_SIZE: usize = 60;

#[derive(Template)]
#[template(path = "front.html")]
struct FrontPage {
    cards: Vec<CardView>,
}

#[derive(Template)]
#[template(path = "article.html")]
struct ArticlePage {
    article: ArticleView,
}

pub async fn front_page(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let now = state.app.clock().now();
    let cards = state
        .app
        .latest_articles(FRONT_PAGE_SIZE)
        .await?
        .iter()
        .map(|card| CardView::new(card, now))
        .collect();
    Ok(Html(FrontPage { cards }.render()?))
}

pub async fn article_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    // Anything but a number names no article: 404, not 400.
    let id: ArticleId = id.parse().map_err(|_| WebError::NotFound)?;
    let article = state.app.article(id).await?;
    let now = state.app.clock().now();
    Ok(Html(
        ArticlePage {
            article: ArticleView::new(&article, now),
        }
        .render()?,
    ))
}

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/style.css"),
    )
        .into_response()
}

pub async fn health() -> &'static str {
    "ok"
}

pub async fn not_found() -> WebError {
    WebError::NotFound
}
