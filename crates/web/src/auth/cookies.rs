//! The cookies of authentication: `cx_session` (the session's secret) and
//! `cx_form` (the double-submit token of the forms used before a session
//! exists: login and password reset). Both are HttpOnly and SameSite, and
//! Secure when the request came over TLS.
//!
//! Reading is forgiving: anything that is not exactly 64 hex digits is as
//! if no cookie had been sent.

use crate::AppState;
use axum::http::{HeaderMap, HeaderValue, header};

pub const SESSION: &str = "cx_session";
pub const FORM: &str = "cx_form";

/// How long the form token lasts: long enough to fill in a form.
const FORM_MAX_AGE_SECS: u32 = 2 * 3600;

/// The value of the first cookie named `name` that is 64 hex digits.
fn secret_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(n, _)| *n == name)
        .map(|(_, value)| value.trim())
        .find(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_owned)
}

/// The session secret sent by the browser, if well formed.
pub fn session_secret(headers: &HeaderMap) -> Option<String> {
    secret_cookie(headers, SESSION)
}

/// The double-submit form token sent by the browser, if well formed.
pub fn form_token(headers: &HeaderMap) -> Option<String> {
    secret_cookie(headers, FORM)
}

/// Whether cookies must be `Secure`: configured so, or the request came
/// through a TLS proxy that says `X-Forwarded-Proto: https`.
pub fn secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.auth.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').next().is_some_and(|p| p.trim().eq_ignore_ascii_case("https")))
}

fn cookie(name: &str, value: &str, same_site: &str, max_age: Option<u32>, secure: bool) -> HeaderValue {
    let mut text = format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}");
    if let Some(age) = max_age {
        text.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        text.push_str("; Secure");
    }
    // Names and values are fixed ASCII or hex, so this cannot fail.
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("cx_invalid=; Max-Age=0"))
}

/// Starts a session in the browser (ends with the browser; the server ends it sooner when idle).
pub fn set_session(secret: &str, secure: bool) -> HeaderValue {
    cookie(SESSION, secret, "Lax", None, secure)
}

pub fn clear_session(secure: bool) -> HeaderValue {
    cookie(SESSION, "", "Lax", Some(0), secure)
}

pub fn set_form(token: &str, secure: bool) -> HeaderValue {
    cookie(FORM, token, "Strict", Some(FORM_MAX_AGE_SECS), secure)
}

pub fn clear_form(secure: bool) -> HeaderValue {
    cookie(FORM, "", "Strict", Some(0), secure)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cookie: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(cookie).expect("a header value"));
        h
    }

    #[test]
    fn only_a_64_hex_digit_session_cookie_counts() {
        let good = "0f".repeat(32);
        assert_eq!(session_secret(&headers(&format!("lang=en; cx_session={good}"))), Some(good.clone()));
        assert_eq!(session_secret(&headers(&format!("cx_session=zz; cx_session={good}"))), Some(good));
        for bad in ["cx_session=", "cx_session=garbage", "cx_session", "other=1", &format!("cx_session={}", "a".repeat(10_000))] {
            assert_eq!(session_secret(&headers(bad)), None, "{bad}");
        }
    }

    #[test]
    fn cookies_are_http_only_and_secure_only_when_asked() {
        let plain = set_session(&"a".repeat(64), false);
        let plain = plain.to_str().expect("ascii");
        assert!(plain.contains("HttpOnly") && plain.contains("SameSite=Lax") && plain.contains("Path=/") && !plain.contains("Secure"));
        assert!(set_session(&"a".repeat(64), true).to_str().expect("ascii").ends_with("; Secure"));
        assert!(clear_session(false).to_str().expect("ascii").contains("Max-Age=0"));
    }
}
