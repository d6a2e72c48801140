//! The web face of Changxiao: server-rendered pages (zh-CN by default,
//! English on request), the JSON API under `/api/v1` with its OpenAPI
//! description, and the health check.
//!
//! Everything but the login and password-reset pages, the stylesheet, the
//! health check, the OpenAPI description and the calendar feeds (whose
//! secret token is the credential) needs an authenticated principal
//! ([`auth`]), and every record is checked against its grants.
//!
//! Handlers are thin: they parse the request into domain values, call the
//! store, and render. Everything served comes from this server (no external
//! assets), so the product works on an intranet.
#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod error;
pub mod evaluation;
pub mod pages;
pub mod uploads;
pub mod write;

use axum::Router;
use axum::routing::get;
use chrono::NaiveDate;
use rules::{Calendar, CalendarError, Catalogue, CatalogueError};
use std::path::PathBuf;
use std::sync::Arc;
use store::Store;

pub use auth::AuthConfig;

/// Which day it is for every date-dependent answer.
#[derive(Clone, Copy, Debug)]
pub enum Today {
    /// A fixed day (`--today`), for reproducible output.
    Fixed(NaiveDate),
    /// The current day in Asia/Shanghai.
    Clock,
}

impl Today {
    pub fn date(self) -> NaiveDate {
        match self {
            Today::Fixed(d) => d,
            Today::Clock => chrono::Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive(),
        }
    }
}

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub today: Today,
    pub auth: AuthConfig,
    /// The requirement catalogue and its vocabulary (activity, agenda-item
    /// and visit kinds), loaded once at start.
    pub catalogue: Arc<Catalogue>,
    /// The evaluation of the requirements, kept current.
    pub evaluations: Arc<evaluation::Evaluations>,
    /// Where attachment files are kept (`<data dir>/attachments`); `None`
    /// refuses uploads with a clear error (503).
    pub files: Option<Arc<store::attachments::Files>>,
    /// Where uploaded spreadsheets are kept (`<data dir>/imports`); `None`
    /// refuses uploads with a clear error (503).
    pub uploads: Option<Arc<store::attachments::Files>>,
}

impl AppState {
    /// The state with the embedded catalogue and the default session
    /// settings; fails if the embedded catalogue does not load.
    pub fn new(store: Store, today: Today) -> Result<Self, StartError> {
        let calendar = Calendar::embedded()?;
        Ok(Self::with_catalogue(store, today, Arc::new(Catalogue::embedded()?), calendar))
    }

    /// The state with a catalogue and calendar already loaded.
    pub fn with_catalogue(store: Store, today: Today, catalogue: Arc<Catalogue>, calendar: Calendar) -> Self {
        let evaluations = Arc::new(evaluation::Evaluations::new(catalogue.clone(), calendar));
        AppState { store, today, auth: AuthConfig::default(), catalogue, evaluations, files: None, uploads: None }
    }

    /// The same state keeping attachment files under `dir`.
    pub fn with_files(mut self, dir: PathBuf) -> Self {
        self.files = Some(Arc::new(store::attachments::Files::new(dir)));
        self
    }

    /// The same state keeping uploaded spreadsheets under `dir`.
    pub fn with_uploads(mut self, dir: PathBuf) -> Self {
        self.uploads = Some(Arc::new(store::attachments::Files::new(dir)));
        self
    }
}

/// Why the application cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("the requirement catalogue: {0}")]
    Catalogue(#[from] CatalogueError),
    #[error("the working-day calendars: {0}")]
    Calendar(#[from] CalendarError),
}

/// Largest request body accepted anywhere (JSON and forms).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The whole application.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(credentialed_headers))
        .with_state(state)
}

/// Every response says `X-Content-Type-Options: nosniff`; every response
/// to a request that carried credentials (a session cookie or an
/// `Authorization` header) is `Cache-Control: no-store`, so that nothing a
/// signed-in person read stays in a browser's or a proxy's cache. The
/// stylesheet, the same for everyone, keeps its own caching.
async fn credentialed_headers(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let credentialed = auth::cookies::session_secret(request.headers()).is_some() || request.headers().contains_key(header::AUTHORIZATION);
    let shared = request.uri().path().starts_with("/static/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if credentialed && !shared {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
