//! Writes through the API: [`crate::write::write`] with the call's
//! `Idempotency-Key` (kept per account), the answer as JSON. A retry with the
//! same key and body gets the stored answer back (same status, same body,
//! the header `Idempotent-Replayed: true`) while creating nothing; the same
//! key with another request is refused.

use super::extract::{Change, Idempotency, Post};
use crate::error::ApiError;
use crate::write::{self, Answered, Key, Outcome};
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use domain::Message;
use serde::Serialize;
use store::idempotency::StoredResponse;
use store::{Actor, Audited, Store};

/// What a write answers: the status, the body and, for a new record, where
/// it lives now.
pub struct Answer<B> {
    status: StatusCode,
    body: B,
    location: Option<String>,
}

impl<B> Answer<B> {
    /// 201 with the new record and its address.
    pub fn created(body: B, location: String) -> Self {
        Answer { status: StatusCode::CREATED, body, location: Some(location) }
    }

    /// Another status, without an address.
    pub fn new(status: StatusCode, body: B) -> Self {
        Answer { status, body, location: None }
    }

    /// 200 with the record as it now stands.
    pub fn ok(body: B) -> Self {
        Answer { status: StatusCode::OK, body, location: None }
    }
}

impl Answer<()> {
    /// 204: done, nothing to show.
    pub fn no_content() -> Self {
        Answer { status: StatusCode::NO_CONTENT, body: (), location: None }
    }
}

/// A finished write: the response, and what the work gave unless the
/// answer was replayed (then nothing was written).
pub enum Written<V> {
    Fresh(V, Response),
    Replayed(Response),
}

impl<V> Written<V> {
    /// The response, after `after` has seen what was written (never on a replay).
    pub fn then(self, after: impl FnOnce(V)) -> Response {
        match self {
            Written::Fresh(value, response) => {
                after(value);
                response
            }
            Written::Replayed(response) => response,
        }
    }

    /// The response, when nothing needs to follow the write.
    pub fn response(self) -> Response {
        self.then(|_| ())
    }
}

impl<T> Post<T> {
    /// Does `work` as this call's write (see the module).
    pub async fn write<V, B: Serialize>(
        &self,
        store: &Store,
        work: impl AsyncFnOnce(&mut Audited) -> Result<(V, Answer<B>), ApiError>,
    ) -> Result<Written<V>, ApiError> {
        run(store, &self.actor, &self.path, self.idempotency.as_ref(), work).await
    }
}

impl Change {
    /// Does `work` as this call's write (see the module).
    pub async fn write<V, B: Serialize>(
        &self,
        store: &Store,
        work: impl AsyncFnOnce(&mut Audited) -> Result<(V, Answer<B>), ApiError>,
    ) -> Result<Written<V>, ApiError> {
        run(store, &self.actor, &self.path, self.idempotency.as_ref(), work).await
    }
}

/// What the work gave, with the answer to send after the commit.
struct Done<V> {
    value: V,
    status: StatusCode,
    location: Option<String>,
    body: String,
}

async fn run<V, B: Serialize>(
    store: &Store,
    actor: &Actor,
    path: &str,
    idempotency: Option<&Idempotency>,
    work: impl AsyncFnOnce(&mut Audited) -> Result<(V, Answer<B>), ApiError>,
) -> Result<Written<V>, ApiError> {
    let key = idempotency.map(|i| Key { key: &i.key, request_hash: &i.request_hash });
    let outcome = write::write(store, actor, key, async |w: &mut Audited| {
        let (value, answer) = work(w).await?;
        let body = if answer.status == StatusCode::NO_CONTENT {
            String::new()
        } else {
            serde_json::to_string(&answer.body).map_err(|e| {
                tracing::error!(error = %e, "response did not serialize");
                ApiError::internal()
            })?
        };
        let answered = Answered { status: answer.status.as_u16(), body: body.clone() };
        Ok::<_, ApiError>((Done { value, status: answer.status, location: answer.location, body }, answered))
    })
    .await?;
    match outcome {
        Outcome::Written(done) => {
            let response = json_response(done.status, done.body, done.location.as_deref(), false);
            Ok(Written::Fresh(done.value, response))
        }
        Outcome::Replayed(stored) => Ok(Written::Replayed(replay(stored, path))),
        Outcome::KeyReused => {
            Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused", Message::new("api-idempotency-key-reused"))
                .with_field("Idempotency-Key"))
        }
    }
}

/// A stored answer sent again; a 201's address is rebuilt from the body's id.
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
    if status != StatusCode::NO_CONTENT {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    if let Some(value) = location.and_then(|l| HeaderValue::from_str(l).ok()) {
        headers.insert(header::LOCATION, value);
    }
    if replayed {
        headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}
