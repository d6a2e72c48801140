//! The real application on a real database, over HTTP: [`spawn_app`]
//! serves it on a free local port with the [`Tree`] (the county's tree and
//! its branch's secretary 王建国) and one account per role; [`TestApp::login`] logs in
//! through the real login form (form token, cookie, redirect) and reads the
//! session's CSRF token from a page; every answer is a [`Reply`], read as
//! JSON (`body`) or as a parsed page ([`Reply::dom`]).

use crate::db;
use crate::html::{Dom, Element};
use crate::world::Builder;
use domain::Id;
use domain::access::Role;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, HeaderMap, HeaderValue, LOCATION, SET_COOKIE};
use serde_json::Value;
use std::path::{Path, PathBuf};
use store::Store;
use store::testing::TestDb;
use web::{AppState, AuthConfig, Today};

pub use crate::world::PASSWORD;

/// A running application and what a test needs to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:port`
    pub base: String,
    pub store: Store,
    /// A client without credentials that does not follow redirects.
    pub client: reqwest::Client,
    pub tree: Tree,
    pub accounts: Accounts,
    db: TestDb,
}

/// The tree every application starts with: the county's tree and its
/// branch's secretary 王建国 (`app.tree.branch`, `app.tree.secretary`).
pub use crate::world::SmallTree as Tree;

/// One account per role, each with the password [`PASSWORD`]; the login is
/// the field's name.
pub struct Accounts {
    /// `secretary` (王书记): secretary of the branch, linked to 王建国's record.
    pub secretary: Id,
    /// `dept` (镇组织委员): organization department of the township.
    pub dept: Id,
    /// `supervisor` (县委组织部): organization department of the county.
    pub supervisor: Id,
    /// `admin` (县系统管理员): administrator of the county.
    pub admin: Id,
    /// `auditor` (县安全审计员): security auditor of the county.
    pub auditor: Id,
}

impl TestApp {
    /// The test's data directory (attachment files live in `attachments/`).
    pub fn data_dir(&self) -> &Path {
        self.db.path()
    }

    /// Where the application keeps attachment files.
    pub fn files_dir(&self) -> PathBuf {
        self.db.path().join("attachments")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Writes more of the world into the application's database.
    pub fn builder(&self) -> Builder<'_> {
        Builder::new(&self.store)
    }

    /// Logs in as one of the seeded accounts.
    pub async fn login(&self, login: &str) -> Session {
        login_with(self, login, PASSWORD).await
    }

    /// An anonymous GET, without following redirects.
    pub async fn get(&self, path: &str) -> Reply {
        Reply::of(self.client.get(self.url(path)).send().await.unwrap()).await
    }

    /// A GET that sends exactly this `Cookie` header.
    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> Reply {
        Reply::of(self.client.get(self.url(path)).header(COOKIE, cookie).send().await.unwrap()).await
    }

    /// Every row of the database, to show that something changed nothing.
    pub async fn dump(&self) -> String {
        self.store.dump().await.unwrap()
    }

    /// Runs one SQL statement on the test database with text parameters
    /// (to age sessions and login failures as if time had passed).
    pub async fn sql(&self, statement: &str, params: &[&str]) {
        db::execute(&self.db, statement, params).await;
    }

    /// Drops the PostgreSQL database, if the test used one.
    pub async fn cleanup(self) {
        self.db.cleanup().await.unwrap();
    }
}

/// The application on a fresh database with the [`Tree`] and [`Accounts`],
/// on [`TODAY`](crate::TODAY), keeping attachments and uploaded
/// spreadsheets beside the database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(AuthConfig::default()).await
}

pub async fn spawn_app_with(auth: AuthConfig) -> TestApp {
    let db = TestDb::new().await.unwrap();
    let store = db.store.clone();
    let tree = Tree::build(&store).await;
    let accounts = seed_accounts(&store, &tree).await;
    let state = AppState { auth, ..AppState::new(store.clone(), Today::Fixed(crate::today())).unwrap() };
    let base = serve(state.with_files(db.path().join("attachments")).with_uploads(db.path().join("imports"))).await;
    TestApp { base, store, client: plain_client(), tree, accounts, db }
}

/// Serves `state` on a free local port; returns its base URL.
pub async fn serve(state: AppState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, web::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap();
    });
    format!("http://{addr}")
}

/// A client that sends no credentials and follows no redirect.
pub fn plain_client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

async fn seed_accounts(store: &Store, tree: &Tree) -> Accounts {
    let b = Builder::new(store);
    Accounts {
        // The branch secretary's own account, linked to their member record.
        secretary: b.account("secretary", "王书记").person(&tree.secretary).role(Role::Secretary, &tree.branch).await,
        dept: b.account("dept", "镇组织委员").role(Role::OrgDepartment, &tree.township).await,
        supervisor: b.account("supervisor", "县委组织部").role(Role::OrgDepartment, &tree.county).await,
        admin: b.account("admin", "县系统管理员").role(Role::Administrator, &tree.county).await,
        auditor: b.account("auditor", "县安全审计员").role(Role::SecurityAuditor, &tree.county).await,
    }
}

/// A response as the tests look at it: its status, headers and text, the
/// text as JSON (`Null` when it is none), and on demand as a parsed page.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Reply {
    pub async fn of(response: reqwest::Response) -> Reply {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply { status, headers, text, body }
    }

    /// The page, parsed.
    pub fn dom(&self) -> Dom {
        Dom::parse(&self.text)
    }

    /// Whether the page's text, as a reader sees it, holds `words`.
    pub fn says(&self, words: &str) -> bool {
        self.dom().says(words)
    }

    pub fn location(&self) -> Option<&str> {
        self.headers.get(LOCATION).and_then(|v| v.to_str().ok())
    }

    /// The `code` of an API error.
    pub fn code(&self) -> Option<&str> {
        self.body["error"]["code"].as_str()
    }

    /// The `message` of an API error (empty when there is none).
    pub fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or_default()
    }

    /// The `field` an API error names.
    pub fn field(&self) -> Option<&str> {
        self.body["error"]["field"].as_str()
    }

    pub fn id(&self) -> String {
        self.body["id"].as_str().unwrap_or_else(|| panic!("no id in {}", self.text)).to_owned()
    }

    pub fn version(&self) -> i64 {
        self.body["version"].as_i64().unwrap_or_else(|| panic!("no version in {}", self.text))
    }

    /// The value of a cookie this response sets.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookie(name).and_then(|c| c.split(';').next()?.split_once('=').map(|(_, v)| v.to_owned()))
    }

    /// The secret a page shows once (a token, a first password, a link): the
    /// text of its `code.secret-value`.
    pub fn shown_secret(&self) -> String {
        self.dom().select_text("code.secret-value")
    }

    /// The whole `Set-Cookie` header that sets the cookie `name`.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.split_once('=').is_some_and(|(n, _)| n == name))
            .map(str::to_owned)
    }
}

/// The item of `requirement` in a page's list of duties: an organization's
/// "this month" or a person's obligations (`li.duty[data-requirement]`).
pub fn duty<'a>(page: &'a Dom, requirement: &str) -> Element<'a> {
    page.find(&format!("li.duty[data-requirement=\"{requirement}\"]"))
}

/// A logged-in browser: its session cookie and CSRF token, and a client
/// that sends both (the token as `X-CSRF-Token`, as API calls need it).
pub struct Session {
    pub base: String,
    pub account: Option<Id>,
    /// `cx_session=…`
    pub cookie: String,
    pub secret: String,
    pub csrf: String,
    pub client: reqwest::Client,
}

/// A double-submit form token, as the login page hands it out.
pub async fn form_token(app: &TestApp) -> String {
    app.get("/login").await.cookie("cx_form").expect("the login page sets the form token")
}

/// Sends the login form as a browser would (form token cookie and field).
pub async fn submit_login(app: &TestApp, login: &str, password: &str) -> Reply {
    let token = form_token(app).await;
    let request = app.client.post(app.url("/login")).header(COOKIE, format!("cx_form={token}")).form(&[
        ("login", login),
        ("password", password),
        ("csrf", token.as_str()),
        ("next", "/"),
    ]);
    Reply::of(request.send().await.unwrap()).await
}

/// Logs in through the form and reads the session's CSRF token from a page.
pub async fn login_with(app: &TestApp, login: &str, password: &str) -> Session {
    let reply = submit_login(app, login, password).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "login as {login}: {}", reply.text);
    let secret = reply.cookie("cx_session").expect("a session cookie");
    session_from_secret(app, &secret).await
}

/// The session of a cookie secret, with its CSRF token read from a page.
pub async fn session_from_secret(app: &TestApp, secret: &str) -> Session {
    let cookie = format!("cx_session={secret}");
    let page = Reply::of(app.client.get(app.url("/account/password")).header(COOKIE, &cookie).send().await.unwrap()).await;
    let csrf = hidden_csrf(&page.text).unwrap_or_else(|| panic!("no CSRF field on the page: {}", page.text));
    let mut headers = HeaderMap::new();
    headers.insert(COOKIE, HeaderValue::from_str(&cookie).unwrap());
    headers.insert("x-csrf-token", HeaderValue::from_str(&csrf).unwrap());
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).default_headers(headers).build().unwrap();
    let account = app.store.session(secret, chrono::Duration::hours(1)).await.unwrap().map(|s| s.account.id);
    Session { base: app.base.clone(), account, cookie, secret: secret.to_owned(), csrf, client }
}

/// The value of the first hidden `csrf` field of a page.
pub fn hidden_csrf(html: &str) -> Option<String> {
    Dom::parse(html).attr("input[name=csrf]", "value")
}

impl Session {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> Reply {
        Reply::of(self.client.get(self.url(path)).send().await.unwrap()).await
    }

    /// A GET with another cookie besides the session (such as `lang=en`).
    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> Reply {
        let all = format!("{}; {cookie}", self.cookie);
        Reply::of(plain_client().get(self.url(path)).header(COOKIE, all).send().await.unwrap()).await
    }

    /// Sends a form with the session's CSRF token, as the page's form would.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut all: Vec<(&str, &str)> = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form_as_is(path, &all).await
    }

    /// Sends exactly these form fields (to test a missing or forged token).
    pub async fn post_form_as_is(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        Reply::of(plain_client().post(self.url(path)).header(COOKIE, &self.cookie).form(fields).send().await.unwrap()).await
    }

    /// Sends a multipart form (see [`multipart`]) with the session's cookie.
    pub async fn post_multipart(&self, path: &str, body: Vec<u8>) -> Reply {
        let request = plain_client().post(self.url(path)).header(COOKIE, &self.cookie).header("content-type", content_type());
        Reply::of(request.body(body).send().await.unwrap()).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Reply {
        Reply::of(self.client.post(self.url(path)).json(body).send().await.unwrap()).await
    }

    /// A POST of exactly these bytes, declared as `content_type`.
    pub async fn post_bytes(&self, path: &str, content_type: &str, body: impl Into<reqwest::Body>) -> Reply {
        Reply::of(self.client.post(self.url(path)).header("content-type", content_type).body(body).send().await.unwrap()).await
    }

    /// A POST of JSON with an `Idempotency-Key`, as a client that may retry sends it.
    pub async fn post_json_with_key(&self, path: &str, key: &str, body: &Value) -> Reply {
        Reply::of(self.client.post(self.url(path)).header("Idempotency-Key", key).json(body).send().await.unwrap()).await
    }

    pub async fn patch_json(&self, path: &str, body: &Value) -> Reply {
        Reply::of(self.client.patch(self.url(path)).json(body).send().await.unwrap()).await
    }

    pub async fn put_json(&self, path: &str, body: &Value) -> Reply {
        Reply::of(self.client.put(self.url(path)).json(body).send().await.unwrap()).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        Reply::of(self.client.delete(self.url(path)).send().await.unwrap()).await
    }
}

/// An API client with a bearer token.
pub struct Bearer {
    pub base: String,
    pub token: String,
    client: reqwest::Client,
}

impl Bearer {
    pub fn new(base: &str, token: &str) -> Bearer {
        Bearer { base: base.to_owned(), token: token.to_owned(), client: plain_client() }
    }

    pub async fn get(&self, path: &str) -> Reply {
        Reply::of(self.client.get(format!("{}{path}", self.base)).bearer_auth(&self.token).send().await.unwrap()).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Reply {
        Reply::of(self.client.post(format!("{}{path}", self.base)).bearer_auth(&self.token).json(body).send().await.unwrap()).await
    }

    pub async fn patch_json(&self, path: &str, body: &Value) -> Reply {
        Reply::of(self.client.patch(format!("{}{path}", self.base)).bearer_auth(&self.token).json(body).send().await.unwrap()).await
    }
}

pub const BOUNDARY: &str = "----changxiao-test-7MA4YWxkTrZu0gW";

/// A multipart/form-data body: text fields, then files (field, file name, bytes).
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes());
    }
    for (field, file_name, bytes) in files {
        body.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").bytes());
    body
}

/// The Content-Type of a body made by [`multipart`].
pub fn content_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}
