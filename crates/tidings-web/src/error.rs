//! The one place where use-case errors become pages.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use tidings_app::AppError;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    heading: &'a str,
    message: &'a str,
}

/// An error on its way to the reader.
#[derive(Debug)]
pub enum WebError {
    NotFound,
    /// A state-changing request without this visitor's CSRF token.
    Csrf,
    App(AppError),
    Render(askama::Error),
}

impl From<AppError> for WebError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::NotFound(_) => Self::NotFound,
            other => Self::App(other),
        }
    }
}

impl From<askama::Error> for WebError {
    fn from(error: askama::Error) -> Self {
        Self::Render(error)
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, heading, message) = match &self {
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "There is nothing at this address. The article may have been removed, or the link is mistyped.",
            ),
            Self::Csrf => (
                StatusCode::FORBIDDEN,
                "This form has expired",
                "The form was not sent from this site's current page. Go back, reload the page and try again.",
            ),
            Self::App(AppError::Invalid(message)) => {
                (StatusCode::BAD_REQUEST, "Bad request", message.as_str())
            }
            Self::App(AppError::Forbidden(message)) => {
                (StatusCode::FORBIDDEN, "Not allowed", message.as_str())
            }
            Self::App(AppError::RateLimited(message)) => {
                (StatusCode::TOO_MANY_REQUESTS, "Slow down", message.as_str())
            }
            Self::App(AppError::Unauthenticated) => (
                StatusCode::UNAUTHORIZED,
                "Sign in first",
                "This needs an account: sign in or create one from the Account page.",
            ),
            Self::App(AppError::BadCredentials) => (
                StatusCode::UNAUTHORIZED,
                "Wrong user name or password",
                "Wrong user name or password.",
            ),
            Self::App(AppError::Conflict(_)) => {
                (StatusCode::CONFLICT, "Conflict", "That already exists.")
            }
            Self::App(_) | Self::Render(_) => {
                tracing::error!(error = ?self, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "tidings could not answer this request. Please try again in a moment.",
                )
            }
        };
        error_page(status, heading, message)
    }
}

pub(crate) fn error_page(status: StatusCode, heading: &str, message: &str) -> Response {
    let page = ErrorPage {
        status: status.as_u16(),
        heading,
        message,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, heading.to_owned()).into_response(),
    }
}
