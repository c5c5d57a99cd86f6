//! Account, comment and moderation pages and forms. Each POST checks the
//! visitor's CSRF token first, then hands over to a use case.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use tidings_app::AppError;
use tidings_core::{ArticleId, CommentId, CommentTarget, CommentsMode, StoryId, UserId};

use crate::views::{CommentView, LoggedView, When};
use crate::visitor::{
    FORM_COOKIE, SESSION_COOKIE, Visitor, expired_cookie, form_cookie, session_cookie,
};
use crate::{AppState, WebError};

/// A page, with the cookies the visitor needs set.
fn page(status: StatusCode, html: String, cookies: Vec<HeaderValue>) -> Response {
    let mut response = (status, Html(html)).into_response();
    for c in cookies {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    // Pages with a form or an account in them are nobody else's.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

fn see_other(location: &str, cookies: Vec<HeaderValue>) -> Response {
    let mut response = Redirect::to(location).into_response();
    for c in cookies {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    response
}

/// Only same-site paths are followed after a form (no open redirect).
fn local_path(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    }
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SignInPage<'a> {
    signing_up: bool,
    /// The OpenID provider's name, when one is configured.
    provider: Option<&'a str>,
    csrf: String,
    name: &'a str,
    next: &'a str,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct NextParam {
    #[serde(default)]
    next: String,
}

#[derive(Debug, Deserialize)]
pub struct CredentialsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn credentials_page(
    state: &AppState,
    visitor: &Visitor,
    signing_up: bool,
    status: StatusCode,
    name: &str,
    next: &str,
    error: Option<String>,
) -> Result<Response, WebError> {
    let html = SignInPage {
        signing_up,
        provider: state.app.oidc_provider(),
        csrf: visitor.csrf(state).await?,
        name,
        next: local_path(next),
        error,
    }
    .render()?;
    let cookies = visitor
        .new_form_cookie
        .iter()
        .map(|c| form_cookie(c))
        .collect();
    Ok(page(status, html, cookies))
}

pub async fn sign_in_page(
    State(state): State<AppState>,
    visitor: Visitor,
    axum::extract::Query(q): axum::extract::Query<NextParam>,
) -> Result<Response, WebError> {
    credentials_page(&state, &visitor, false, StatusCode::OK, "", &q.next, None).await
}

pub async fn sign_up_page(
    State(state): State<AppState>,
    visitor: Visitor,
    axum::extract::Query(q): axum::extract::Query<NextParam>,
) -> Result<Response, WebError> {
    credentials_page(&state, &visitor, true, StatusCode::OK, "", &q.next, None).await
}

/// Signs in (or up): a new session cookie replaces the form cookie.
async fn enter(
    state: AppState,
    visitor: Visitor,
    form: CredentialsForm,
    signing_up: bool,
) -> Result<Response, WebError> {
    visitor.check_csrf(&state, &form.csrf).await?;
    let result = if signing_up {
        state
            .app
            .sign_up(&form.name, &form.password, &visitor.ip)
            .await
    } else {
        state
            .app
            .sign_in(&form.name, &form.password, &visitor.ip)
            .await
    };
    let (status, message) = match result {
        Ok(session) => {
            if let Some(old) = &visitor.session {
                state.app.sign_out(old).await?;
            }
            return Ok(see_other(
                local_path(&form.next),
                vec![session_cookie(&session.token), expired_cookie(FORM_COOKIE)],
            ));
        }
        Err(AppError::BadCredentials) => (
            StatusCode::UNAUTHORIZED,
            "Wrong user name or password.".to_owned(),
        ),
        Err(AppError::RateLimited(m)) => (StatusCode::TOO_MANY_REQUESTS, m),
        Err(AppError::Invalid(m)) => (StatusCode::BAD_REQUEST, m),
        Err(AppError::Conflict(_)) => (StatusCode::CONFLICT, "That name is taken.".to_owned()),
        Err(other) => return Err(other.into()),
    };
    credentials_page(
        &state,
        &visitor,
        signing_up,
        status,
        &form.name,
        &form.next,
        Some(message),
    )
    .await
}

pub async fn sign_in(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<CredentialsForm>,
) -> Result<Response, WebError> {
    enter(state, visitor, form, false).await
}

pub async fn sign_up(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<CredentialsForm>,
) -> Result<Response, WebError> {
    enter(state, visitor, form, true).await
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn sign_out(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    visitor.check_csrf(&state, &form.csrf).await?;
    if let Some(token) = &visitor.session {
        state.app.sign_out(token).await?;
    }
    Ok(see_other("/", vec![expired_cookie(SESSION_COOKIE)]))
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    name: &'a str,
    role: &'a str,
    moderates: bool,
    csrf: String,
    message: Option<String>,
}

pub async fn account_page(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, WebError> {
    account(&state, &visitor, StatusCode::OK, None).await
}

async fn account(
    state: &AppState,
    visitor: &Visitor,
    status: StatusCode,
    message: Option<String>,
) -> Result<Response, WebError> {
    let Some(user) = &visitor.user else {
        return Ok(see_other("/signin?next=/account", vec![]));
    };
    let html = AccountPage {
        name: &user.name,
        role: user.role.as_str(),
        moderates: user.role.moderates(),
        csrf: visitor.csrf(state).await?,
        message,
    }
    .render()?;
    Ok(page(status, html, vec![]))
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    visitor.check_csrf(&state, &form.csrf).await?;
    let user = visitor.signed_in()?;
    let token = visitor.session.as_deref().unwrap_or_default();
    let (status, message) = match state
        .app
        .change_password(user, token, &form.current, &form.new)
        .await
    {
        Ok(()) => (
            StatusCode::OK,
            "Password changed. Other browsers were signed out.".to_owned(),
        ),
        Err(AppError::BadCredentials) => (
            StatusCode::UNAUTHORIZED,
            "The current password is wrong.".to_owned(),
        ),
        Err(AppError::Invalid(m)) => (StatusCode::BAD_REQUEST, m),
        Err(other) => return Err(other.into()),
    };
    account(&state, &visitor, status, Some(message)).await
}

#[derive(Debug, Deserialize)]
pub struct DeleteAccountForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
    /// "keep" (anonymised) or "remove".
    #[serde(default)]
    comments: String,
}

pub async fn delete_account(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<DeleteAccountForm>,
) -> Result<Response, WebError> {
    visitor.check_csrf(&state, &form.csrf).await?;
    let user = visitor.signed_in()?;
    match state
        .app
        .delete_account(user, &form.password, form.comments != "remove")
        .await
    {
        Ok(()) => Ok(see_other("/", vec![expired_cookie(SESSION_COOKIE)])),
        Err(AppError::BadCredentials) => {
            account(
                &state,
                &visitor,
                StatusCode::UNAUTHORIZED,
                Some("The password is wrong; the account was kept.".into()),
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    parent: Option<String>,
}

/// Where a comment shows, anchored at it.
fn comment_href(target: CommentTarget, id: CommentId) -> String {
    format!("{}#comment-{id}", target.href())
}

async fn post(
    state: AppState,
    visitor: Visitor,
    target: CommentTarget,
    form: CommentForm,
) -> Result<Response, WebError> {
    visitor.check_csrf(&state, &form.csrf).await?;
    let user = visitor.signed_in()?;
    let parent = match form
        .parent
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(p) => Some(
            p.parse::<CommentId>()
                .map_err(|_| WebError::App(AppError::Invalid("no such comment".into())))?,
        ),
        None => None,
    };
    let comment = state
        .app
        .post_comment(user, target, parent, &form.body, &visitor.ip)
        .await?;
    Ok(see_other(&comment_href(target, comment.id), vec![]))
}

pub async fn post_article_comment(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(form): Form<CommentForm>,
) -> Result<Response, WebError> {
    let id: ArticleId = id.parse().map_err(|_| WebError::NotFound)?;
    post(state, visitor, CommentTarget::Article(id), form).await
}

pub async fn post_story_comment(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(form): Form<CommentForm>,
) -> Result<Response, WebError> {
    let id: StoryId = id.parse().map_err(|_| WebError::NotFound)?;
    post(state, visitor, CommentTarget::Story(id), form).await
}

#[derive(Template)]
#[template(path = "comment_edit.html")]
struct EditPage {
    comment: CommentView,
    markdown: String,
    csrf: String,
}

pub async fn edit_comment_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: CommentId = id.parse().map_err(|_| WebError::NotFound)?;
    let user = visitor.signed_in()?;
    let comment = state.app.comment(id).await?;
    if comment.author.as_ref().map(|(a, _)| *a) != Some(user.id) || comment.deleted {
        return Err(WebError::App(AppError::Forbidden(
            "only its author can edit a comment".into(),
        )));
    }
    let now = state.app.clock().now();
    let html = EditPage {
        markdown: comment.markdown.clone(),
        comment: CommentView::new(&comment, 0, false, false, now),
        csrf: visitor.csrf(&state).await?,
    }
    .render()?;
    Ok(page(StatusCode::OK, html, vec![]))
}

pub async fn edit_comment(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(form): Form<CommentForm>,
) -> Result<Response, WebError> {
    let id: CommentId = id.parse().map_err(|_| WebError::NotFound)?;
    visitor.check_csrf(&state, &form.csrf).await?;
    let user = visitor.signed_in()?;
    let comment = state.app.edit_comment(user, id, &form.body).await?;
    Ok(see_other(&comment_href(comment.target, id), vec![]))
}

pub async fn delete_comment(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    let id: CommentId = id.parse().map_err(|_| WebError::NotFound)?;
    visitor.check_csrf(&state, &form.csrf).await?;
    let user = visitor.signed_in()?;
    let comment = state.app.delete_comment(user, id).await?;
    Ok(see_other(
        &format!("{}#comments", comment.target.href()),
        vec![],
    ))
}

#[derive(Debug, Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

pub async fn report_comment(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(form): Form<ReportForm>,
) -> Result<Response, WebError> {
    let id: CommentId = id.parse().map_err(|_| WebError::NotFound)?;
    visitor.check_csrf(&state, &form.csrf).await?;
    let user = visitor.signed_in()?;
    let comment = state
        .app
        .report_comment(user, id, &form.reason, &visitor.ip)
        .await?;
    Ok(see_other(
        &format!("{}?reported=1#comment-{id}", comment.target.href()),
        vec![],
    ))
}

#[derive(Template)]
#[template(path = "moderation.html")]
struct ModerationPage {
    reports: Vec<(CommentView, String, String, When)>,
    held: Vec<CommentView>,
    log: Vec<LoggedView>,
    mode: &'static str,
    filter: String,
    is_admin: bool,
    csrf: String,
}

pub async fn moderation_page(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, WebError> {
    let user = visitor.signed_in()?;
    let (reports, held) = state.app.moderation_queue(user).await?;
    let log = state.app.moderation_log(user).await?;
    let now = state.app.clock().now();
    let html = ModerationPage {
        reports: reports
            .iter()
            .map(|r| {
                (
                    CommentView::new(&r.comment, 0, false, false, now),
                    r.reporter.clone(),
                    r.reason.clone(),
                    When::new(r.reported_at, now),
                )
            })
            .collect(),
        held: held
            .iter()
            .map(|c| CommentView::new(c, 0, false, false, now))
            .collect(),
        log: log.iter().map(|l| LoggedView::new(l, now)).collect(),
        mode: state.app.comments_mode().await?.as_str(),
        filter: state.app.comment_filter().await?.join("\n"),
        is_admin: user.role == tidings_core::Role::Admin,
        csrf: visitor.csrf(&state).await?,
    }
    .render()?;
    Ok(page(StatusCode::OK, html, vec![]))
}

#[derive(Debug, Deserialize)]
pub struct ModerateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    note: String,
}

pub async fn moderate_comment(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<ModerateForm>,
) -> Result<Response, WebError> {
    let id: CommentId = id.parse().map_err(|_| WebError::NotFound)?;
    let hide = match action.as_str() {
        "hide" => true,
        "restore" => false,
        _ => return Err(WebError::NotFound),
    };
    visitor.check_csrf(&state, &form.csrf).await?;
    let user = visitor.signed_in()?;
    state
        .app
        .moderate_comment(user, id, hide, &form.note)
        .await?;
    Ok(see_other("/moderation", vec![]))
}

pub async fn moderate_user(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<ModerateForm>,
) -> Result<Response, WebError> {
    let id: UserId = id.parse().map_err(|_| WebError::NotFound)?;
    let ban = match action.as_str() {
        "ban" => true,
        "unban" => false,
        _ => return Err(WebError::NotFound),
    };
    visitor.check_csrf(&state, &form.csrf).await?;
    let user = visitor.signed_in()?;
    state.app.ban_user(user, id, ban, &form.note).await?;
    Ok(see_other("/moderation", vec![]))
}

#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    mode: Option<String>,
    #[serde(default)]
    filter: Option<String>,
}

pub async fn moderation_settings(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<SettingsForm>,
) -> Result<Response, WebError> {
    visitor.check_csrf(&state, &form.csrf).await?;
    let user = visitor.signed_in()?;
    if let Some(mode) = &form.mode {
        let mode: CommentsMode = mode
            .parse()
            .map_err(|e: String| WebError::App(AppError::Invalid(e)))?;
        state.app.set_comments_mode(user, mode).await?;
    }
    if let Some(filter) = &form.filter {
        let words: Vec<String> = filter.lines().map(str::to_owned).collect();
        state.app.set_comment_filter(user, &words).await?;
    }
    Ok(see_other("/moderation", vec![]))
}

#[derive(Debug, Deserialize)]
pub struct ToggleForm {
    #[serde(default)]
    csrf: String,
    /// "1" to set, anything else to clear.
    #[serde(default)]
    on: String,
}

/// Checks a toggle form: the signed-in reader, and whether to set or clear.
async fn toggled<'v>(
    state: &AppState,
    visitor: &'v Visitor,
    form: &ToggleForm,
) -> Result<(&'v tidings_core::User, bool), WebError> {
    visitor.check_csrf(state, &form.csrf).await?;
    Ok((visitor.signed_in()?, form.on == "1"))
}

/// Saves an article for later, or unsaves it.
pub async fn save_article(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(form): Form<ToggleForm>,
) -> Result<Response, WebError> {
    let id: ArticleId = id.parse().map_err(|_| WebError::NotFound)?;
    let (user, on) = toggled(&state, &visitor, &form).await?;
    state.app.set_saved(user, id, on).await?;
    Ok(see_other(&format!("/articles/{id}"), vec![]))
}

/// Marks an article read, or unread.
pub async fn mark_read(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(form): Form<ToggleForm>,
) -> Result<Response, WebError> {
    let id: ArticleId = id.parse().map_err(|_| WebError::NotFound)?;
    let (user, on) = toggled(&state, &visitor, &form).await?;
    state.app.set_read(user, id, on).await?;
    Ok(see_other(&format!("/articles/{id}"), vec![]))
}

pub async fn follow_source(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(form): Form<ToggleForm>,
) -> Result<Response, WebError> {
    let id: tidings_core::SourceId = id.parse().map_err(|_| WebError::NotFound)?;
    let (user, on) = toggled(&state, &visitor, &form).await?;
    state.app.follow_source(user, id, on).await?;
    Ok(see_other(&format!("/sources/{id}"), vec![]))
}

pub async fn follow_topic(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(name): Path<String>,
    Form(form): Form<ToggleForm>,
) -> Result<Response, WebError> {
    let (user, on) = toggled(&state, &visitor, &form).await?;
    state.app.follow_topic(user, &name, on).await?;
    Ok(see_other(
        &format!("/topics/{}", crate::views::percent_encode_path(&name)),
        vec![],
    ))
}

const OIDC_COOKIE: &str = "tidings_oidc";

/// Starts a sign-in with the OpenID provider.
pub async fn oidc_start(
    State(state): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<NextParam>,
) -> Result<Response, WebError> {
    let start = state.app.oidc_start(local_path(&q.next)).await?;
    let cookie = HeaderValue::from_str(&format!(
        "{OIDC_COOKIE}={}; Path=/signin/oidc; HttpOnly; Secure; SameSite=Lax; Max-Age={}",
        start.cookie,
        tidings_app::OIDC_FLOW_SECS
    ))
    .map_err(|_| WebError::App(AppError::Invalid("bad sign-in state".into())))?;
    Ok(see_other(&start.authorize_url, vec![cookie]))
}

#[derive(Debug, Default, Deserialize)]
pub struct CallbackParams {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    error: Option<String>,
}

/// The provider sends the browser back here.
pub async fn oidc_callback(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: axum::http::HeaderMap,
    axum::extract::Query(params): axum::extract::Query<CallbackParams>,
) -> Result<Response, WebError> {
    if let Some(error) = params.error {
        let message = format!(
            "The sign-in provider said: {}",
            error.chars().take(100).collect::<String>()
        );
        return credentials_page(
            &state,
            &visitor,
            false,
            StatusCode::UNAUTHORIZED,
            "",
            "/",
            Some(message),
        )
        .await;
    }
    let cookie = crate::visitor::cookie_value(&headers, OIDC_COOKIE).unwrap_or_default();
    let (session, next) = state
        .app
        .oidc_finish(cookie, &params.state, &params.code)
        .await?;
    if let Some(old) = &visitor.session {
        state.app.sign_out(old).await?;
    }
    let clear = HeaderValue::from_str(&format!(
        "{OIDC_COOKIE}=; Path=/signin/oidc; HttpOnly; Secure; SameSite=Lax; Max-Age=0"
    ))
    .expect("a valid header value");
    Ok(see_other(
        local_path(&next),
        vec![
            session_cookie(&session.token),
            clear,
            expired_cookie(FORM_COOKIE),
        ],
    ))
}
