//! Writes behind an `Idempotency-Key`: the key is claimed in the write's own
//! transaction, the response is stored with the write, and a retry with the
//! same key and body gets the stored response back (same status, same body)
//! while creating nothing. The same key with another request is refused.

use super::extract::Post;
use crate::error::ApiError;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Serialize;
use store::idempotency::{Claim, StoredResponse};
use store::{Audited, Store};

/// How a POST goes on after its key is looked at.
pub enum Begun {
    /// Do the write in this transaction.
    Fresh(Write),
    /// The request was answered before: send this again.
    Replay(Response),
}

/// An open write transaction, with the idempotency key it holds (if any).
pub struct Write {
    pub w: Audited,
    key: Option<String>,
}

/// Opens the write transaction for a POST and claims its key.
pub async fn begin<T>(store: &Store, post: &Post<T>) -> Result<Begun, ApiError> {
    let mut w = store.writer(&post.actor).await?;
    let Some(idempotency) = &post.idempotency else {
        return Ok(Begun::Fresh(Write { w, key: None }));
    };
    match store.claim_idempotency_key(&mut w, &idempotency.key, &idempotency.request_hash).await? {
        Claim::Claimed => Ok(Begun::Fresh(Write { w, key: Some(idempotency.key.clone()) })),
        Claim::Used(stored) => {
            drop(w);
            if stored.request_hash != idempotency.request_hash {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "idempotency_key_reused",
                    domain::Message::new("api-idempotency-key-reused"),
                )
                .with_field("Idempotency-Key"));
            }
            Ok(Begun::Replay(replay(stored, &post.path)))
        }
    }
}

impl Write {
    /// Stores the response under the key (if any), commits, and answers.
    /// `location` is set on 201 responses as `{collection path}/{id}`.
    pub async fn finish<B: Serialize>(
        mut self,
        store: &Store,
        status: StatusCode,
        body: &B,
        location: Option<String>,
    ) -> Result<Response, ApiError> {
        let text = serde_json::to_string(body).map_err(|e| {
            tracing::error!(error = %e, "response did not serialize");
            ApiError::internal()
        })?;
        if let Some(key) = &self.key {
            store.save_idempotent_response(&mut self.w, key, status.as_u16(), &text).await?;
        }
        self.w.commit().await?;
        Ok(json_response(status, text, location.as_deref(), false))
    }
}

fn replay(stored: StoredResponse, path: &str) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let location = (status == StatusCode::CREATED)
        .then(|| serde_json::from_str::<serde_json::Value>(&stored.body).ok())
        .flatten()
        .and_then(|body| body.get("id").and_then(|id| id.as_str()).map(|id| format!("{path}/{id}")));
    json_response(status, stored.body, location.as_deref(), true)
}

fn json_response(status: StatusCode, body: String, location: Option<&str>, replayed: bool) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Some(value) = location.and_then(|l| HeaderValue::from_str(l).ok()) {
        headers.insert(header::LOCATION, value);
    }
    if replayed {
        headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}
