//! WebSub callbacks: the hub's verification (GET) and its pushes (POST).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tidings_app::AppError;
use tidings_core::FeedId;
use tidings_fetch::SIGNATURE_HEADER;

use crate::AppState;

/// Largest push accepted, as for a polled feed.
pub const MAX_PUSH_BYTES: usize = 10 * 1024 * 1024;

pub async fn verify(
    State(state): State<AppState>,
    Path(feed): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Ok(feed) = feed.parse::<FeedId>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let get = |name: &str| query.get(name).map(String::as_str);
    let (Some(mode), Some(topic)) = (get("hub.mode"), get("hub.topic")) else {
        return (
            StatusCode::BAD_REQUEST,
            "hub.mode and hub.topic are required",
        )
            .into_response();
    };
    let lease = get("hub.lease_seconds").and_then(|s| s.parse::<u64>().ok());
    match state
        .app
        .websub_verify(feed, mode, topic, get("hub.challenge"), lease)
        .await
    {
        Ok(challenge) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            challenge,
        )
            .into_response(),
        Err(error) => status_of(&error).into_response(),
    }
}

pub async fn push(
    State(state): State<AppState>,
    Path(feed): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Ok(feed) = feed.parse::<FeedId>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    match state
        .app
        .websub_push(
            feed,
            text(SIGNATURE_HEADER),
            text(header::CONTENT_TYPE.as_str()),
            body,
        )
        .await
    {
        Ok(_) => StatusCode::ACCEPTED.into_response(),
        Err(error) => (status_of(&error), error.to_string()).into_response(),
    }
}

fn status_of(error: &AppError) -> StatusCode {
    match error {
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Invalid(_) => StatusCode::BAD_REQUEST,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
        AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
        AppError::Store(error) => {
            tracing::error!(%error, "WebSub callback failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}
