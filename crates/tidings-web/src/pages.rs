//! The site's pages.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use tidings_core::{ArticleId, CommentSort, CommentTarget, SourceId, StoryId};

use crate::views::{
    AnswerView, ArticleView, AskView, CardView, CommentView, CommentsView, CoverageView, QuoteView,
    StoryView, outlets,
};
use crate::views::{FollowView, MarksView, TagView, percent_encode_path, tag_kind_label};
use crate::visitor::Visitor;
use crate::{AppState, WebError};

const FRONT_PAGE_SIZE: usize = 60;

#[derive(Template)]
#[template(path = "front.html")]
struct FrontPage {
    stories: Vec<StoryView>,
    cards: Vec<CardView>,
    next_href: Option<String>,
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
    ask: AskView,
    comments: CommentsView,
    marks: Option<MarksView>,
    tags: Vec<TagView>,
}

#[derive(Template)]
#[template(path = "story.html")]
struct StoryPage {
    story: StoryView,
    entries: Vec<CoverageView>,
    highlights: Vec<QuoteView>,
    /// The model's wording of the highlights, each sentence with the quotes
    /// it rests on (empty without a model).
    worded: Vec<(String, Vec<QuoteView>)>,
    ask: AskView,
    comments: CommentsView,
    tags: Vec<TagView>,
}

/// An article or story page's query: a question for its Ask box, and the
/// order and page of its comments.
#[derive(Debug, Default, serde::Deserialize)]
pub struct AskParams {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    sort: Option<String>,
    #[serde(default)]
    cpage: Option<String>,
    #[serde(default)]
    reported: Option<String>,
}

/// The comments section for `target` as `visitor` sees it.
async fn comments_view(
    state: &AppState,
    visitor: &Visitor,
    target: CommentTarget,
    params: &AskParams,
) -> Result<CommentsView, WebError> {
    let sort: CommentSort = params
        .sort
        .as_deref()
        .unwrap_or("")
        .parse()
        .unwrap_or_default();
    let page = params
        .cpage
        .as_deref()
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);
    let thread = state
        .app
        .thread(target, visitor.user.as_ref(), sort, page)
        .await?;
    let now = state.app.clock().now();
    let (csrf, closed) = match &visitor.user {
        Some(user) => {
            let closed = state.app.posting_refusal(user).await?.map(str::to_owned);
            (visitor.csrf(state).await?, closed)
        }
        None => (String::new(), None),
    };
    Ok(CommentsView {
        action: format!("{}/comments", target.href()),
        page_href: target.href(),
        count: thread.count,
        nodes: thread
            .nodes
            .iter()
            .map(|n| CommentView::from_node(n, now))
            .collect(),
        user: visitor.user.as_ref().map(|u| u.name.clone()),
        moderator: visitor.user.as_ref().is_some_and(|u| u.role.moderates()),
        csrf,
        sort: match sort {
            CommentSort::Oldest => "oldest",
            CommentSort::Newest => "newest",
            CommentSort::Top => "top",
        },
        page: thread.page,
        pages: thread.pages,
        closed,
        reported: params.reported.is_some(),
    })
}

/// A page that may hold a signed-in reader's own view is theirs alone.
fn personal(visitor: &Visitor, html: String) -> Response {
    let mut response = Html(html).into_response();
    if visitor.user.is_some() {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    response
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    q: String,
    from: String,
    to: String,
    topic: String,
    source: Option<SourceId>,
    error: Option<String>,
    hits: Vec<HitView>,
    prev_href: Option<String>,
    next_href: Option<String>,
}

struct HitView {
    card: CardView,
    /// Escaped text with `<mark>`ed matches: safe to insert.
    snippet_html: String,
}

#[derive(Template)]
#[template(path = "source.html")]
struct SourcePage {
    follow: Option<FollowView>,
    name: String,
    site_url: Option<String>,
    cards: Vec<CardView>,
    next_href: Option<String>,
}

#[derive(Template)]
#[template(path = "topic.html")]
struct TopicPage {
    follow: Option<FollowView>,
    name: String,
    cards: Vec<CardView>,
    next_href: Option<String>,
}

#[derive(Template)]
#[template(path = "topics.html")]
struct TopicsPage {
    topics: Vec<(String, String, i64)>,
}

/// A page's cursor parameter: `?before=ARTICLE_ID`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Cursor {
    #[serde(default)]
    before: Option<String>,
}

impl Cursor {
    fn article(&self) -> Option<ArticleId> {
        self.before.as_deref().and_then(|b| b.parse().ok())
    }
}

/// The link to the page after `cards`, when there may be one.
fn next_page(path: &str, cards: &[tidings_core::ArticleCard], page_size: usize) -> Option<String> {
    (cards.len() == page_size)
        .then(|| cards.last().map(|c| format!("{path}?before={}", c.id)))
        .flatten()
}

/// How long a rendered front page is served again.
const FRONT_PAGE_FRESH: chrono::TimeDelta = chrono::TimeDelta::seconds(5);

/// Articles per page of a source.
const SOURCE_PAGE_SIZE: usize = 30;

/// Top stories on the front page: covered in the last day, by more than one
/// article.
const TOP_STORIES: usize = 10;
const TOP_STORY_HOURS: i64 = 24;

pub async fn front_page(
    State(state): State<AppState>,
    Query(cursor): Query<Cursor>,
    headers: axum::http::HeaderMap,
) -> Result<Response, WebError> {
    let now = state.app.clock().now();
    let before = cursor.article();
    // The busiest page, the same for everyone: rendered at most every few
    // seconds ("4 minutes ago" may lag by that much), and compressed once
    // per rendering rather than once per request.
    let cached = state.front_page.lock().expect("not poisoned").clone();
    if before.is_none()
        && let Some((at, html, gzipped)) = cached
        && at <= now
        && now - at < FRONT_PAGE_FRESH
    {
        let wants_gzip = headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|e| {
                let mut parts = e.split(';').map(str::trim);
                parts.next() == Some("gzip")
                    && !parts.any(|p| matches!(p, "q=0" | "q=0.0" | "q=0.00" | "q=0.000"))
            });
        if !wants_gzip {
            return Ok(Html(html).into_response());
        }
        let body = gzipped.get_or_init(|| gzip(&html).into()).clone();
        return Ok((
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CONTENT_ENCODING, "gzip"),
                (header::VARY, "accept-encoding"),
            ],
            body,
        )
            .into_response());
    }
    let latest = state
        .app
        .list_articles(&tidings_app::ArticleList::Latest, before, FRONT_PAGE_SIZE)
        .await?;
    // Top stories lead the first page only.
    let stories = if before.is_none() {
        state
            .app
            .top_stories(TOP_STORY_HOURS, TOP_STORIES * 2)
            .await?
            .iter()
            .filter(|story| story.article_count > 1)
            .take(TOP_STORIES)
            .map(|story| StoryView::new(story, now))
            .collect()
    } else {
        Vec::new()
    };
    let html = FrontPage {
        stories,
        next_href: next_page("/", &latest, FRONT_PAGE_SIZE),
        cards: latest.iter().map(|card| CardView::new(card, now)).collect(),
    }
    .render()?;
    if before.is_none() {
        *state.front_page.lock().expect("not poisoned") =
            Some((now, html.clone().into(), Default::default()));
    }
    Ok(Html(html).into_response())
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

pub async fn topic_page(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(cursor): Query<Cursor>,
    visitor: Visitor,
) -> Result<Response, WebError> {
    let now = state.app.clock().now();
    let list = tidings_app::ArticleList::Topic(name.clone());
    let cards = state
        .app
        .list_articles(&list, cursor.article(), SOURCE_PAGE_SIZE)
        .await?;
    if cards.is_empty() && cursor.article().is_none() {
        return Err(WebError::NotFound);
    }
    let path = format!("/topics/{}", percent_encode_path(&name));
    let follow = match &visitor.user {
        Some(user) => Some(FollowView {
            action: format!("{path}/follow"),
            following: state.app.follows(user).await?.topics.contains(&name),
            csrf: visitor.csrf(&state).await?,
        }),
        None => None,
    };
    Ok(personal(
        &visitor,
        TopicPage {
            follow,
            next_href: next_page(&path, &cards, SOURCE_PAGE_SIZE),
            cards: cards.iter().map(|c| CardView::new(c, now)).collect(),
            name,
        }
        .render()?,
    ))
}

pub async fn topics_page(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let topics = state
        .app
        .topics()
        .await?
        .into_iter()
        .map(|(name, count)| {
            (
                format!("/topics/{}", percent_encode_path(&name)),
                name,
                count,
            )
        })
        .collect();
    Ok(Html(TopicsPage { topics }.render()?))
}

pub async fn article_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(ask): Query<AskParams>,
    visitor: Visitor,
) -> Result<Response, WebError> {
    // Anything but a number names no article: 404, not 400.
    let id: ArticleId = id.parse().map_err(|_| WebError::NotFound)?;
    let article = state.app.article(id).await?;
    let comments = comments_view(&state, &visitor, CommentTarget::Article(id), &ask).await?;
    let marks = match &visitor.user {
        Some(user) => {
            let marks = state.app.reader_marks(user, id).await?;
            Some(MarksView {
                href: format!("/articles/{id}"),
                saved: marks.saved,
                read: marks.read,
                csrf: visitor.csrf(&state).await?,
            })
        }
        None => None,
    };
    let question = ask.q.unwrap_or_default();
    let answer = if question.trim().is_empty() {
        None
    } else {
        Some(state.app.ask_article(&article, &question).await)
    };
    let coverage = state.app.coverage(&article).await?;
    let now = state.app.clock().now();
    let items = |items: &[tidings_app::CoverageItem]| {
        items.iter().map(|i| CoverageView::new(i, now)).collect()
    };
    Ok(personal(
        &visitor,
        ArticlePage {
            article: ArticleView::new(&article, now, &state.bodies),
            story: coverage.story.as_ref().map(|s| StoryView::new(s, now)),
            also_at: outlets(coverage.also_at.iter().map(|(_, name)| name.as_str())),
            more_on_story: items(&coverage.more_on_story),
            related: items(&coverage.related),
            ask: AskView::new(format!("/articles/{id}"), "article", &question, answer),
            comments,
            marks,
            tags: state
                .app
                .article_tags(id)
                .await?
                .iter()
                .map(TagView::new)
                .collect(),
        }
        .render()?,
    ))
}

pub async fn story_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(ask): Query<AskParams>,
    visitor: Visitor,
) -> Result<Response, WebError> {
    let id: StoryId = id.parse().map_err(|_| WebError::NotFound)?;
    let story = state.app.story(id).await?;
    let comments = comments_view(&state, &visitor, CommentTarget::Story(id), &ask).await?;
    let entries = state.app.story_coverage(id).await?;
    let highlights = state.app.story_highlights(id).await?;
    let worded = state.app.story_model_highlights(&highlights).await;
    let question = ask.q.unwrap_or_default();
    let answer = if question.trim().is_empty() {
        None
    } else {
        Some(state.app.ask_story(id, &question).await)
    };
    let now = state.app.clock().now();
    Ok(personal(
        &visitor,
        StoryPage {
            story: StoryView::new(&story, now),
            entries: entries.iter().map(|i| CoverageView::new(i, now)).collect(),
            highlights: highlights.iter().map(QuoteView::new).collect(),
            worded: worded
                .iter()
                .map(|s| {
                    (
                        s.text.clone(),
                        s.quotes.iter().map(QuoteView::new).collect(),
                    )
                })
                .collect(),
            ask: AskView::new(format!("/stories/{id}"), "story", &question, answer),
            comments,
            tags: state
                .app
                .story_tags(id)
                .await?
                .iter()
                .map(TagView::new)
                .collect(),
        }
        .render()?,
    ))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    page: Option<String>,
}

/// A `YYYY-MM-DD` date from a form, as the start of that day (UTC).
fn form_date(text: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| Some(d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc()))
        .map_err(|_| format!("“{text}” is not a date (YYYY-MM-DD)"))
}

/// A URL query string from pairs, each value percent-encoded.
fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut url = url::Url::parse("http://x/").expect("a valid base");
    {
        let mut query = url.query_pairs_mut();
        for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
            query.append_pair(k, v);
        }
    }
    url.query().unwrap_or_default().to_owned()
}

pub async fn search_page(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
) -> Result<Html<String>, WebError> {
    let now = state.app.clock().now();
    let page: i64 = params
        .page
        .as_deref()
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .clamp(1, 50);
    let source: Option<SourceId> = params.source.as_deref().and_then(|s| s.parse().ok());
    let mut error = None;
    let (since, until) = match (form_date(&params.from), form_date(&params.to)) {
        (Ok(since), Ok(until)) => (since, until.map(|u| u + chrono::TimeDelta::days(1))),
        (Err(e), _) | (_, Err(e)) => {
            error = Some(e);
            (None, None)
        }
    };
    let mut hits = Vec::new();
    if error.is_none() && !params.q.trim().is_empty() {
        let search = tidings_app::Search {
            text: params.q.clone(),
            source,
            topic: Some(params.topic.trim().to_owned()).filter(|t| !t.is_empty()),
            since,
            until,
            page,
        };
        match state.app.search(&search).await {
            Ok(found) => hits = found,
            Err(tidings_app::AppError::Invalid(reason)) => error = Some(reason),
            Err(other) => return Err(other.into()),
        }
    }
    let source_text = source.map(|s| s.to_string()).unwrap_or_default();
    let href = |page: i64| {
        let page = page.to_string();
        format!(
            "/search?{}",
            query_string(&[
                ("q", &params.q),
                ("from", &params.from),
                ("to", &params.to),
                ("topic", &params.topic),
                ("source", &source_text),
                ("page", &page),
            ])
        )
    };
    let full_page = hits.len() as i64 == tidings_app::SEARCH_PAGE;
    Ok(Html(
        SearchPage {
            prev_href: (page > 1).then(|| href(page - 1)),
            next_href: (full_page && page < 50).then(|| href(page + 1)),
            hits: hits
                .iter()
                .map(|h| HitView {
                    card: CardView::new(&h.card, now),
                    snippet_html: tidings_app::snippet_html(&h.snippet),
                })
                .collect(),
            q: params.q,
            from: params.from,
            to: params.to,
            topic: params.topic,
            source,
            error,
        }
        .render()?,
    ))
}

pub async fn source_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(cursor): Query<Cursor>,
    visitor: Visitor,
) -> Result<Response, WebError> {
    let id: SourceId = id.parse().map_err(|_| WebError::NotFound)?;
    let source = state.app.source(id).await?;
    let cards = state
        .app
        .list_articles(
            &tidings_app::ArticleList::Source(id),
            cursor.article(),
            SOURCE_PAGE_SIZE,
        )
        .await?;
    let now = state.app.clock().now();
    let follow = match &visitor.user {
        Some(user) => Some(FollowView {
            action: format!("/sources/{id}/follow"),
            following: state
                .app
                .follows(user)
                .await?
                .sources
                .iter()
                .any(|(s, _)| *s == id),
            csrf: visitor.csrf(&state).await?,
        }),
        None => None,
    };
    Ok(personal(
        &visitor,
        SourcePage {
            follow,
            next_href: next_page(&format!("/sources/{id}"), &cards, SOURCE_PAGE_SIZE),
            name: source.name,
            site_url: source.site_url,
            cards: cards.iter().map(|c| CardView::new(c, now)).collect(),
        }
        .render()?,
    ))
}

#[derive(Template)]
#[template(path = "offline.html")]
struct OfflinePage;

/// What the service worker shows offline for a page it did not keep.
pub async fn offline_page() -> Result<Html<String>, WebError> {
    Ok(Html(OfflinePage.render()?))
}

pub async fn health() -> &'static str {
    "ok"
}

pub async fn not_found() -> WebError {
    WebError::NotFound
}

#[derive(Template)]
#[template(path = "personal.html")]
struct PersonalPage {
    heading: &'static str,
    intro: String,
    cards: Vec<CardView>,
    next_href: Option<String>,
    follows: Option<tidings_app::Follows>,
    unread: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct PersonalParams {
    #[serde(default)]
    before: Option<String>,
    #[serde(default)]
    unread: Option<String>,
}

/// "For you": the latest from what the reader follows.
pub async fn for_you_page(
    State(state): State<AppState>,
    Query(params): Query<PersonalParams>,
    visitor: Visitor,
) -> Result<Response, WebError> {
    let Some(user) = &visitor.user else {
        return Ok(axum::response::Redirect::to("/signin?next=/for-you").into_response());
    };
    let unread = params.unread.is_some();
    let before = params.before.as_deref().and_then(|b| b.parse().ok());
    let list = tidings_app::ArticleList::Followed {
        user: user.id,
        unread,
    };
    let cards = state
        .app
        .list_articles(&list, before, SOURCE_PAGE_SIZE)
        .await?;
    let follows = state.app.follows(user).await?;
    let now = state.app.clock().now();
    let base = if unread {
        "/for-you?unread=1"
    } else {
        "/for-you"
    };
    let next_href = next_page(base, &cards, SOURCE_PAGE_SIZE).map(|h| {
        if unread {
            h.replacen("?before=", "&before=", 1)
        } else {
            h
        }
    });
    Ok(personal(
        &visitor,
        PersonalPage {
            heading: "For you",
            intro: if follows.sources.is_empty() && follows.topics.is_empty() {
                "Follow publishers and topics from their pages, and their articles gather here."
                    .into()
            } else {
                "The latest from the publishers and topics you follow.".into()
            },
            cards: cards.iter().map(|c| CardView::new(c, now)).collect(),
            next_href,
            follows: Some(follows),
            unread,
        }
        .render()?,
    ))
}

/// The articles a reader saved for later.
pub async fn saved_page(
    State(state): State<AppState>,
    Query(params): Query<PersonalParams>,
    visitor: Visitor,
) -> Result<Response, WebError> {
    let Some(user) = &visitor.user else {
        return Ok(axum::response::Redirect::to("/signin?next=/saved").into_response());
    };
    let before = params.before.as_deref().and_then(|b| b.parse().ok());
    let cards = state
        .app
        .list_articles(
            &tidings_app::ArticleList::Saved(user.id),
            before,
            SOURCE_PAGE_SIZE,
        )
        .await?;
    let now = state.app.clock().now();
    Ok(personal(
        &visitor,
        PersonalPage {
            heading: "Saved for later",
            intro: if cards.is_empty() && before.is_none() {
                "Nothing saved yet: use “Save for later” on an article.".into()
            } else {
                "Articles you saved, newest first. Pages you opened here also open offline.".into()
            },
            next_href: next_page("/saved", &cards, SOURCE_PAGE_SIZE),
            cards: cards.iter().map(|c| CardView::new(c, now)).collect(),
            follows: None,
            unread: false,
        }
        .render()?,
    ))
}

#[derive(Template)]
#[template(path = "tag.html")]
struct TagPage {
    label: String,
    kind: &'static str,
    stories: Vec<StoryView>,
}

/// The stories about a person, organisation, place or keyword.
pub async fn tag_page(
    State(state): State<AppState>,
    Path((kind, key)): Path<(String, String)>,
) -> Result<Html<String>, WebError> {
    let (label, stories) = state.app.tag_stories(&kind, &key).await?;
    let now = state.app.clock().now();
    Ok(Html(
        TagPage {
            label,
            kind: tag_kind_label(&kind),
            stories: stories.iter().map(|s| StoryView::new(s, now)).collect(),
        }
        .render()?,
    ))
}
