//! Extractors that turn an HTTP request into checked values, each failure
//! already an [`ApiError`]: the authenticated caller, record ids in the path,
//! query strings, JSON bodies and POST requests with their `Idempotency-Key`.

use crate::AppState;
use crate::auth::{self, Principal, Via, csrf};
use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, OriginalUri, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use domain::{Id, Message};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use store::Actor;

/// The authenticated caller of an API endpoint: by `Authorization: Bearer
/// cx_…`, or by the session cookie — then a request that changes anything
/// must also send the session's token in `X-CSRF-Token`. Anonymous → 401
/// `unauthenticated`; a missing or wrong CSRF token → 403 `csrf`.
#[derive(Clone, Debug)]
pub struct Caller(pub Arc<Principal>);

impl std::ops::Deref for Caller {
    type Target = Principal;

    fn deref(&self) -> &Principal {
        &self.0
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let principal = auth::authenticate(parts, state, true).await?.ok_or_else(ApiError::unauthenticated)?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe && matches!(principal.via, Via::Session { .. }) {
            let given = parts.headers.get(csrf::HEADER).and_then(|v| v.to_str().ok());
            if !csrf::session_token_matches(&principal, given) {
                return Err(ApiError::csrf());
            }
        }
        Ok(Caller(principal))
    }
}

/// The record id in the path. Anything but 32 lowercase hex digits is
/// answered like an id that does not exist: 404.
#[derive(Clone, Debug)]
pub struct PathId(pub Id);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state).await.map_err(|_| ApiError::not_found())?;
        Id::parse(&raw).map(PathId).ok_or_else(ApiError::not_found)
    }
}

/// A query string read into `T` (whose fields should all be optional
/// strings, checked by the handler so errors can name the parameter).
#[derive(Clone, Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| ApiQuery(q))
            .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "bad_query", Message::new("api-bad-query")))
    }
}

/// A JSON body read into `T`, with the bytes as received.
///
/// Every field of `T` must be optional (or `#[serde(default)]`) and `T` must
/// deny unknown fields: then a body that fails to deserialize can be blamed
/// on one top-level field by trying the fields one at a time, and the error
/// names it. Required values are checked by the handler, which reports a
/// missing one as 422 `required` with its field.
#[derive(Clone, Debug)]
pub struct ApiJson<T> {
    pub value: T,
    pub raw: Bytes,
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(req.headers()) {
            return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", Message::new("api-not-json")));
        }
        let raw = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    Message::new("api-body-too-large").count("max", crate::MAX_BODY_BYTES),
                )
            } else {
                ApiError::new(StatusCode::BAD_REQUEST, "bad_body", Message::new("api-bad-body"))
            }
        })?;
        let value = parse_body(&raw)?;
        Ok(ApiJson { value, raw })
    }
}

fn is_json(headers: &axum::http::HeaderMap) -> bool {
    let Some(content_type) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Reads `raw` as `T`, blaming a failure on the field that causes it. The
/// messages quote no values: a mistyped ID number must not come back.
fn parse_body<T: DeserializeOwned>(raw: &[u8]) -> Result<T, ApiError> {
    let json: serde_json::Value = serde_json::from_slice(raw)
        .map_err(|e| ApiError::bad_json(Message::new("api-malformed-json").count("line", e.line()).count("column", e.column())))?;
    let serde_json::Value::Object(object) = &json else {
        return Err(ApiError::bad_json(Message::new("api-not-an-object")));
    };
    let whole = match T::deserialize(&json) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    for (key, value) in object {
        let alone = serde_json::Value::Object([(key.clone(), value.clone())].into_iter().collect());
        if let Err(e) = T::deserialize(&alone) {
            let message = e.to_string();
            let name = printable_field_name(key);
            if message.starts_with("unknown field") {
                let error = ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "unknown_field",
                    Message::new("api-unknown-field").text("field", name.as_deref().unwrap_or("?")),
                );
                return Err(match name {
                    Some(n) => error.with_field(n),
                    None => error,
                });
            }
            let expected = message.split_once("expected ").map(|(_, rest)| rest.split(" at line").next().unwrap_or(rest).to_owned());
            let key = name.as_deref().unwrap_or("?");
            let error = ApiError::bad_json(match expected {
                Some(expected) => Message::new("api-wrong-type-expected").text("field", key).text("expected", expected),
                None => Message::new("api-wrong-type").text("field", key),
            });
            return Err(match name {
                Some(n) => error.with_field(n),
                None => error,
            });
        }
    }
    // serde's message may quote a value (an ID number sent as a string), so only its kind is logged.
    tracing::debug!(kind = ?whole.classify(), "unattributed JSON body error");
    Err(ApiError::bad_json(Message::new("api-body-mismatch")))
}

/// A field name fit to repeat in an error: short, ASCII letters, digits and `_`.
fn printable_field_name(key: &str) -> Option<String> {
    let fits = !key.is_empty() && key.len() <= 64 && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    fits.then(|| key.to_owned())
}

/// An `Idempotency-Key` and the hash of the request it came with.
#[derive(Clone, Debug)]
pub struct Idempotency {
    pub key: String,
    /// SHA-256 (hex) of method, path and body.
    pub request_hash: String,
}

/// The longest `Idempotency-Key` accepted.
pub const MAX_IDEMPOTENCY_KEY: usize = 255;

/// A POST: the caller, the parsed body, the request path and, if the client
/// sent one, its idempotency key (kept per account: one account's key never
/// replays another's response).
#[derive(Clone, Debug)]
pub struct Post<T> {
    pub caller: Caller,
    pub actor: Actor,
    pub body: T,
    /// The path as requested, `/api/v1/...`.
    pub path: String,
    pub idempotency: Option<Idempotency>,
}

impl<T: DeserializeOwned> FromRequest<AppState> for Post<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let (mut parts, body) = req.into_parts();
        let caller = Caller::from_request_parts(&mut parts, state).await?;
        let actor = caller.actor();
        let path =
            parts.extensions.get::<OriginalUri>().map_or_else(|| parts.uri.path().to_owned(), |OriginalUri(uri)| uri.path().to_owned());
        let key = idempotency_key(&parts.headers)?;
        let method = parts.method.clone();
        let ApiJson { value, raw } = ApiJson::<T>::from_request(Request::from_parts(parts, body), state).await?;
        let idempotency =
            key.map(|key| Idempotency { key: format!("{}:{key}", caller.account.id), request_hash: request_hash(&method, &path, &raw) });
        Ok(Post { caller, actor, body: value, path, idempotency })
    }
}

/// A change without a body (a DELETE): the caller, the request path and,
/// if the client sent one, its idempotency key.
#[derive(Clone, Debug)]
pub struct Change {
    pub caller: Caller,
    pub actor: Actor,
    pub path: String,
    pub idempotency: Option<Idempotency>,
}

impl FromRequestParts<AppState> for Change {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let actor = caller.actor();
        let path =
            parts.extensions.get::<OriginalUri>().map_or_else(|| parts.uri.path().to_owned(), |OriginalUri(uri)| uri.path().to_owned());
        let key = idempotency_key(&parts.headers)?;
        let idempotency = key
            .map(|key| Idempotency { key: format!("{}:{key}", caller.account.id), request_hash: request_hash(&parts.method, &path, &[]) });
        Ok(Change { caller, actor, path, idempotency })
    }
}

pub(crate) fn idempotency_key(headers: &axum::http::HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default().trim();
    if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_idempotency_key",
            Message::new("api-bad-idempotency-key").count("max", MAX_IDEMPOTENCY_KEY),
        ));
    }
    Ok(Some(key.to_owned()))
}

fn request_hash(method: &Method, path: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(method.as_str().as_bytes());
    hasher.update(b" ");
    hasher.update(path.as_bytes());
    hasher.update(b"\n");
    hasher.update(body);
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: Option<String>,
        version: Option<i64>,
    }

    fn error_of(raw: &str) -> ApiError {
        match parse_body::<Body>(raw.as_bytes()) {
            Ok(b) => panic!("parsed {b:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn a_mistyped_field_is_named_without_quoting_its_value() {
        let e = error_of(r#"{"name": 110105194912310021, "version": 1}"#);
        assert_eq!((e.status, e.code, e.field.as_deref()), (StatusCode::BAD_REQUEST, "bad_json", Some("name")));
        for lang in i18n::Lang::ALL {
            let text = i18n::render(lang, &e.message);
            assert!(!text.contains("1101"), "{text}");
        }
    }

    #[test]
    fn an_unknown_field_is_named() {
        let e = error_of(r#"{"name": "x", "colour": "red"}"#);
        assert_eq!((e.code, e.field.as_deref()), ("unknown_field", Some("colour")));
    }

    #[test]
    fn malformed_json_and_non_objects_are_bad_json() {
        assert_eq!(error_of(r#"{"name": "#).code, "bad_json");
        assert_eq!(error_of("[1, 2]").code, "bad_json");
    }
}
