//! The logged-in person behind a page, and the forms they send.
//!
//! [`Viewer`] is the principal of a page request (by session cookie only;
//! API tokens do not open pages). Anonymous requests are sent to
//! `/login?next=<this address>`; an account that must change its password
//! is sent to `/account/password` first. [`CsrfForm`] reads a POSTed form
//! and refuses it with 403 unless its `csrf` field is the session's token.

use super::{PageContext, PageError};
use crate::AppState;
use crate::auth::{self, Principal, csrf};
use axum::extract::{Form, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// The authenticated principal of a page.
#[derive(Clone, Debug)]
pub struct Viewer(pub Arc<Principal>);

impl std::ops::Deref for Viewer {
    type Target = Principal;

    fn deref(&self) -> &Principal {
        &self.0
    }
}

/// Pages an account that must change its password may still reach.
const OPEN_WHILE_CHANGING_PASSWORD: [&str; 2] = ["/account/password", "/logout"];

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match auth::authenticate(parts, state, false).await {
            Ok(Some(principal)) => {
                if principal.account.must_change_password && !OPEN_WHILE_CHANGING_PASSWORD.contains(&parts.uri.path()) {
                    return Err(Redirect::to("/account/password").into_response());
                }
                Ok(Viewer(principal))
            }
            Ok(None) => Err(Redirect::to(&login_address(parts)).into_response()),
            Err(e) => Err(PageContext::new(&parts.uri, &parts.headers).respond(Err(PageError::Store(e)))),
        }
    }
}

/// `/login?next=…` coming back to this page (a GET) or to its form's page.
fn login_address(parts: &Parts) -> String {
    let here = if parts.method == axum::http::Method::GET {
        parts.uri.path_and_query().map_or("/", |pq| pq.as_str()).to_owned()
    } else {
        "/".to_owned()
    };
    format!("/login?next={}", percent_encode(&here))
}

/// Percent-encodes everything but unreserved characters and `/`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A local address to go on to after logging in: a path on this server
/// (`/…`, not `//…` or `/\…`, which browsers read as another host), else `/`.
pub fn safe_next(raw: Option<&str>) -> String {
    let Some(next) = raw.map(str::trim) else { return "/".to_owned() };
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 2000
        && !next.chars().any(|c| c.is_control() || c == '\\');
    if local { next.to_owned() } else { "/".to_owned() }
}

/// A form POSTed by a logged-in browser, its `csrf` field checked against
/// the session (403 and nothing done otherwise). `T` reads the other fields
/// as strings (use `Option<String>` for each).
pub struct CsrfForm<T> {
    pub viewer: Viewer,
    pub form: T,
}

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, state).await?;
        let ctx = PageContext::new(&parts.uri, &parts.headers);
        let Ok(Form(pairs)) = Form::<Vec<(String, String)>>::from_request(Request::from_parts(parts, body), state).await else {
            return Err(ctx.respond(Err(PageError::BadRequest)));
        };
        let given = pairs.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str());
        if !csrf::session_token_matches(&viewer, given) {
            return Err(ctx.respond(Err(PageError::Forbidden)));
        }
        let form = fields_into(pairs).ok_or_else(|| ctx.respond(Err(PageError::BadRequest)))?;
        Ok(CsrfForm { viewer, form })
    }
}

/// A form whose only field is its CSRF token (a button such as "log out").
#[derive(Debug, serde::Deserialize)]
pub struct NoFields {}

/// Reads form fields (the first value of each name) into `T`.
pub fn fields_into<T: DeserializeOwned>(pairs: Vec<(String, String)>) -> Option<T> {
    let mut map = serde_json::Map::new();
    for (k, v) in pairs {
        if k != "csrf" && !map.contains_key(&k) {
            map.insert(k, serde_json::Value::String(v));
        }
    }
    serde_json::from_value(serde_json::Value::Object(map)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/orgs/abc?lang=en")), "/orgs/abc?lang=en");
        for bad in ["//evil.example/x", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "orgs", "", "/a\nb"] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn the_next_address_is_percent_encoded() {
        assert_eq!(percent_encode("/search?q=石&lang=en"), "/search%3Fq%3D%E7%9F%B3%26lang%3Den");
    }
}
