//! Who is asking, and whether they may: the [`Principal`] behind a request
//! (an account, its grants, and how it proved itself — a session cookie or
//! an API token) and the one permission check every handler goes through,
//! [`Principal::require`], built on [`domain::access::can`].
//!
//! A request outside the principal's grants gets [`Denied::NotFound`], which
//! every layer answers exactly like a record that does not exist. Malformed
//! cookies and headers make a request anonymous, never an error.

pub mod cookies;
pub mod csrf;

use crate::AppState;
use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use chrono::NaiveDate;
use domain::access::{Action, Grant, TokenScope, can, scopes};
use domain::{Id, Organization, Person};
use std::net::SocketAddr;
use std::sync::Arc;
use store::accounts::Account;
use store::{Actor, StoreError};

/// How sessions and their cookies behave.
#[derive(Clone, Debug)]
pub struct AuthConfig {
    /// A session unused for longer than this ends (default 30 minutes).
    pub idle_timeout: chrono::Duration,
    /// Mark cookies `Secure` on every response (set when TLS ends in front
    /// of the server and it does not send `X-Forwarded-Proto: https`).
    pub secure_cookies: bool,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig { idle_timeout: chrono::Duration::minutes(30), secure_cookies: false }
    }
}

/// How a principal proved who it is.
#[derive(Clone, Debug)]
pub enum Via {
    /// A browser session: the cookie's secret (to end it) and its CSRF token.
    Session { secret: String, csrf: String },
    /// An API token, limited to a subtree and a scope.
    Token { token_id: Id, org_id: Id, scope: TokenScope },
}

/// An authenticated account acting through one request.
#[derive(Clone, Debug)]
pub struct Principal {
    pub account: Account,
    /// All of the account's grants (the check sees which are in force).
    pub grants: Vec<Grant>,
    pub via: Via,
    /// The client address, for the audit trail.
    pub address: Option<String>,
}

/// Why a check refused.
#[derive(Debug)]
pub enum Denied {
    /// Outside the grants, or no such record: answered alike.
    NotFound,
    /// Inside a read-only token's subtree, but the action writes.
    InsufficientScope,
    Store(StoreError),
}

impl From<StoreError> for Denied {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Denied::NotFound,
            other => Denied::Store(other),
        }
    }
}

impl Principal {
    /// The audit actor of this principal's writes.
    pub fn actor(&self) -> Actor {
        Actor { id: self.account.id.to_string(), address: self.address.clone() }
    }

    /// The session's CSRF token (none for API tokens).
    pub fn csrf(&self) -> Option<&str> {
        match &self.via {
            Via::Session { csrf, .. } => Some(csrf),
            Via::Token { .. } => None,
        }
    }

    /// The permission check: `action` on a record of the organization whose
    /// path from the root is `path`, decided by [`can`] on the account's
    /// grants and, for an API token, by its subtree and scope.
    pub fn check(&self, action: Action, path: &[Id], today: NaiveDate) -> Result<(), Denied> {
        let inside_token = match &self.via {
            Via::Token { org_id, .. } => path.contains(org_id),
            Via::Session { .. } => true,
        };
        if !(inside_token && can(&self.grants, action, path, today)) {
            return Err(Denied::NotFound);
        }
        match &self.via {
            Via::Token { scope, .. } if !scope.allows(action) => Err(Denied::InsufficientScope),
            _ => Ok(()),
        }
    }

    /// Whether [`Principal::check`] passes.
    pub fn may(&self, action: Action, path: &[Id], today: NaiveDate) -> bool {
        self.check(action, path, today).is_ok()
    }

    /// Whether the principal may do `action` anywhere at all (for menus and
    /// pages that are not about one record, such as account management).
    pub fn holds(&self, action: Action, today: NaiveDate) -> bool {
        let scope_ok = match &self.via {
            Via::Token { scope, .. } => scope.allows(action),
            Via::Session { .. } => true,
        };
        scope_ok && !scopes(&self.grants, action, today).is_empty()
    }

    /// The organization `org_id` as on `on`, if the principal may do
    /// `action` on it; otherwise the same [`Denied::NotFound`] as a missing one.
    pub async fn require(&self, state: &AppState, action: Action, org_id: &Id, on: NaiveDate) -> Result<Organization, Denied> {
        let org = state.store.org(org_id, on).await?.ok_or(Denied::NotFound)?;
        self.check(action, &org.path, state.today.date())?;
        Ok(org)
    }

    /// A member as on `on` with their organization, if the principal may do
    /// `action` on that organization.
    pub async fn require_person(
        &self,
        state: &AppState,
        action: Action,
        person_id: &Id,
        on: NaiveDate,
    ) -> Result<(Person, Organization), Denied> {
        let person = state.store.person(person_id, on).await?.ok_or(Denied::NotFound)?;
        let org = self.require(state, action, &person.org_id, on).await?;
        Ok((person, org))
    }

    /// Records in the audit trail that this principal was shown a member's
    /// masked ID number (nothing when the member has none).
    pub async fn record_id_number_view(&self, store: &store::Store, person: &Person) -> Result<(), StoreError> {
        if person.id_number_masked.is_none() {
            return Ok(());
        }
        let mut w = store.writer(&self.actor()).await?;
        w.record(person.province_id.as_str(), "view_id_number", "person", person.id.as_str(), None, None);
        w.commit().await
    }

    /// The roots of the disjoint subtrees where `action` is allowed (grant
    /// scopes cut down to an API token's subtree), by name: what lists and
    /// searches without an explicit subtree range over.
    pub async fn roots(&self, state: &AppState, action: Action) -> Result<Vec<Organization>, StoreError> {
        let today = state.today.date();
        let mut roots = Vec::new();
        for id in scopes(&self.grants, action, today) {
            if let Some(org) = state.store.org(&id, today).await? {
                roots.push(org);
            }
        }
        if let Via::Token { org_id, scope, .. } = &self.via {
            if !scope.allows(action) {
                return Ok(Vec::new());
            }
            let Some(token_root) = state.store.org(org_id, today).await? else {
                return Ok(Vec::new());
            };
            roots = roots
                .into_iter()
                .filter_map(|r| {
                    if token_root.path.contains(&r.id) {
                        Some(token_root.clone())
                    } else if r.path.contains(&token_root.id) {
                        Some(r)
                    } else {
                        None
                    }
                })
                .collect();
        }
        let mut disjoint: Vec<Organization> = Vec::new();
        for org in &roots {
            let covered = roots.iter().any(|other| other.id != org.id && org.path.contains(&other.id));
            if !covered && !disjoint.iter().any(|d| d.id == org.id) {
                disjoint.push(org.clone());
            }
        }
        disjoint.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
        Ok(disjoint)
    }
}

/// The client's address (for the audit trail and login throttling), when
/// the server was started with connection info.
#[derive(Clone, Debug)]
pub struct ClientAddress(pub Option<String>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_address(parts)))
    }
}

fn client_address(parts: &Parts) -> Option<String> {
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip().to_string())
}

/// The result of authenticating one request, kept in its extensions so
/// that several extractors look the session up once.
#[derive(Clone)]
struct Authenticated {
    bearer_allowed: bool,
    principal: Option<Arc<Principal>>,
}

/// The principal behind a request: by its session cookie, and (when
/// `bearer_allowed`, i.e. for the API) by an `Authorization: Bearer cx_…`
/// header, which then decides alone. `None` for anonymous requests,
/// including every malformed, unknown, expired or revoked credential.
pub async fn authenticate(parts: &mut Parts, state: &AppState, bearer_allowed: bool) -> Result<Option<Arc<Principal>>, StoreError> {
    if let Some(done) = parts.extensions.get::<Authenticated>()
        && done.bearer_allowed == bearer_allowed
    {
        return Ok(done.principal.clone());
    }
    let address = client_address(parts);
    let principal = lookup(&parts.headers, state, bearer_allowed, address).await?.map(Arc::new);
    parts.extensions.insert(Authenticated { bearer_allowed, principal: principal.clone() });
    Ok(principal)
}

async fn lookup(
    headers: &HeaderMap,
    state: &AppState,
    bearer_allowed: bool,
    address: Option<String>,
) -> Result<Option<Principal>, StoreError> {
    let store = &state.store;
    if bearer_allowed && let Some(value) = headers.get(header::AUTHORIZATION) {
        let Some(secret) = bearer_secret(value.as_bytes()) else {
            return Ok(None);
        };
        let Some((account, token)) = store.api_token_by_secret(secret).await? else {
            return Ok(None);
        };
        let grants = store.grants_of(&account.id).await?.into_iter().map(|g| g.grant).collect();
        let via = Via::Token { token_id: token.id, org_id: token.org_id, scope: token.scope };
        return Ok(Some(Principal { account, grants, via, address }));
    }
    let Some(secret) = cookies::session_secret(headers) else {
        return Ok(None);
    };
    let Some(session) = store.session(&secret, state.auth.idle_timeout).await? else {
        return Ok(None);
    };
    let grants = store.grants_of(&session.account.id).await?.into_iter().map(|g| g.grant).collect();
    let via = Via::Session { secret, csrf: session.csrf_token };
    Ok(Some(Principal { account: session.account, grants, via, address }))
}

/// The secret of an `Authorization: Bearer cx_<64 hex>` header, if that is what it is.
fn bearer_secret(value: &[u8]) -> Option<&str> {
    let value = std::str::from_utf8(value).ok()?.trim();
    let (scheme, secret) = value.split_once(' ')?;
    let secret = secret.trim();
    let hex = secret.strip_prefix("cx_")?;
    let well_formed = scheme.eq_ignore_ascii_case("bearer") && hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit());
    well_formed.then_some(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_formed_bearer_tokens_are_looked_up() {
        let good = format!("cx_{}", "a1".repeat(32));
        assert_eq!(bearer_secret(format!("Bearer {good}").as_bytes()), Some(good.as_str()));
        assert_eq!(bearer_secret(format!("bearer  {good} ").as_bytes()), Some(good.as_str()));
        for bad in
            ["Bearer", "Bearer cx_zz", "Basic dXNlcjpwYXNz", "Bearer cx_", &format!("Token {good}"), &format!("Bearer {}", "a1".repeat(32))]
        {
            assert_eq!(bearer_secret(bad.as_bytes()), None, "{bad}");
        }
        assert_eq!(bearer_secret(&[0xff, 0xfe]), None);
    }
}
