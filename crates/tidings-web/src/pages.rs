//! The site's pages.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use tidings_core::{ArticleId, StoryId};

use crate::views::{ArticleView, CardView, CoverageView, StoryView, outlets};
use crate::{AppState, WebError};

const FRONT_PAGE_SIZE: usize = 60;

#[derive(Template)]
#[template(path = "front.html")]
struct FrontPage {
    stories: Vec<StoryView>,
    cards: Vec<CardView>,
}

#[derive(Template)]
#[template(path = "article.html")]
struct ArticlePage {
    article: ArticleView,
    story: Option<StoryView>,
    /// Other outlets that ran this very text.
    also_at: String,
    more_on_story: Vec<CoverageView>,
    related: Vec<CoverageView>,
}

#[derive(Template)]
#[template(path = "story.html")]
struct StoryPage {
    story: StoryView,
    entries: Vec<CoverageView>,
}

/// Top stories on the front page: covered in the last day, by more than one
/// article.
const TOP_STORIES: usize = 10;
const TOP_STORY_HOURS: i64 = 24;

pub async fn front_page(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let now = state.app.clock().now();
    let cards = state
        .app
        .latest_articles(FRONT_PAGE_SIZE)
        .await?
        .iter()
        .map(|card| CardView::new(card, now))
        .collect();
    let stories = state
        .app
        .top_stories(TOP_STORY_HOURS, TOP_STORIES * 2)
        .await?
        .iter()
        .filter(|story| story.article_count > 1)
        .take(TOP_STORIES)
        .map(|story| StoryView::new(story, now))
        .collect();
    Ok(Html(FrontPage { stories, cards }.render()?))
}

pub async fn article_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    // Anything but a number names no article: 404, not 400.
    let id: ArticleId = id.parse().map_err(|_| WebError::NotFound)?;
    let article = state.app.article(id).await?;
    let coverage = state.app.coverage(&article).await?;
    let now = state.app.clock().now();
    let items = |items: &[tidings_app::CoverageItem]| {
        items.iter().map(|i| CoverageView::new(i, now)).collect()
    };
    Ok(Html(
        ArticlePage {
            article: ArticleView::new(&article, now),
            story: coverage.story.as_ref().map(|s| StoryView::new(s, now)),
            also_at: outlets(coverage.also_at.iter().map(|(_, name)| name.as_str())),
            more_on_story: items(&coverage.more_on_story),
            related: items(&coverage.related),
        }
        .render()?,
    ))
}

pub async fn story_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let id: StoryId = id.parse().map_err(|_| WebError::NotFound)?;
    let story = state.app.story(id).await?;
    let entries = state.app.story_coverage(id).await?;
    let now = state.app.clock().now();
    Ok(Html(
        StoryPage {
            story: StoryView::new(&story, now),
            entries: entries.iter().map(|i| CoverageView::new(i, now)).collect(),
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
