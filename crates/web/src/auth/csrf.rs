//! Protection against cross-site request forgery.
//!
//! - A form sent by a logged-in browser carries a hidden `csrf` field equal
//!   to its session's token.
//! - An API call authenticated by the session cookie sends the token in the
//!   `X-CSRF-Token` header; calls with a bearer token need none (a browser
//!   never adds one by itself).
//! - The forms used before a session exists (login, password reset) use a
//!   double-submit token: the `cx_form` cookie and a hidden field must match.
//!
//! Tokens are compared in constant time.

use super::Principal;

/// The header an API call authenticated by a session cookie must carry.
pub const HEADER: &str = "x-csrf-token";

/// Compares two strings in time that depends only on their lengths.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether `given` is the token of the principal's session. A principal
/// authenticated by an API token has no session token, so no form of its
/// passes.
pub fn session_token_matches(principal: &Principal, given: Option<&str>) -> bool {
    match (principal.csrf(), given) {
        (Some(expected), Some(given)) => !expected.is_empty() && same(expected, given),
        _ => false,
    }
}

/// Whether the double-submit cookie and the form field agree.
pub fn double_submit_matches(cookie: Option<&str>, field: Option<&str>) -> bool {
    match (cookie, field) {
        (Some(c), Some(f)) => c.len() == 64 && same(c, f),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_match_only_when_equal() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
        let token = "1".repeat(64);
        assert!(double_submit_matches(Some(&token), Some(&token)));
        assert!(!double_submit_matches(Some(&token), None));
        assert!(!double_submit_matches(None, Some(&token)));
        assert!(!double_submit_matches(Some("x"), Some("x")), "too short to be ours");
    }
}
