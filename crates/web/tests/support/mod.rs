//! Test support: start the real application on a real database (a fresh
//! SQLite file, or a fresh PostgreSQL database when
//! `CHANGXIAO_TEST_DATABASE_URL` is set) with a small organization tree and
//! one account per role, and log in through the real login form.
#![allow(dead_code)]

use chrono::NaiveDate;
use domain::access::{Login, Password, Role};
use domain::{Field, Id, Name, OrgKind, OrgLevel, UnitType};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, HeaderMap, HeaderValue, LOCATION, SET_COOKIE};
use serde_json::Value;
use store::orgs::NewOrg;
use store::people::NewPerson;
use store::{Actor, Store};
use web::{AppState, AuthConfig, Today};

pub const TODAY: &str = "2026-11-23";

/// The password of every seeded account.
pub const PASSWORD: &str = "correct horse battery";

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// A running application and what a test needs to talk to it.
pub struct TestApp {
    pub base: String,
    pub store: Store,
    /// A client without credentials that does not follow redirects.
    pub client: reqwest::Client,
    pub tree: SmallTree,
    pub accounts: Accounts,
    db: store::testing::TestDb,
}

/// The ids of the small tree every test starts with:
/// county ─ township ─ village committee ─ branch ─ group, plus a second branch.
pub struct SmallTree {
    pub county: Id,
    pub township: Id,
    pub village: Id,
    pub branch: Id,
    pub group: Id,
    pub other_branch: Id,
    pub secretary: Id,
}

/// One account per role, each with the password [`PASSWORD`]; the login is
/// the field's name.
pub struct Accounts {
    /// `secretary`: secretary of the branch.
    pub secretary: Id,
    /// `dept`: organization department of the township.
    pub dept: Id,
    /// `supervisor`: organization department of the county.
    pub supervisor: Id,
    /// `admin`: administrator of the county.
    pub admin: Id,
    /// `auditor`: security auditor of the county.
    pub auditor: Id,
}

impl TestApp {
    /// The test's data directory (attachment files live in `attachments/`).
    pub fn data_dir(&self) -> &std::path::Path {
        self.db.path()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Logs in as one of the seeded accounts.
    pub async fn login(&self, login: &str) -> Session {
        login_with(self, login, PASSWORD).await
    }

    /// Every row of the database, to show that something changed nothing.
    pub async fn dump(&self) -> String {
        self.store.dump().await.unwrap()
    }

    /// Runs one SQL statement on the test database with text parameters
    /// (to age sessions and login failures as if time had passed).
    pub async fn sql(&self, statement: &str, params: &[&str]) {
        sqlx::any::install_default_drivers();
        let url = if self.db.is_postgres() { self.db.url().to_owned() } else { store::sqlite_url(self.db.path()) };
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        let mut query = sqlx::query(statement);
        for p in params {
            query = query.bind(*p);
        }
        query.execute(&pool).await.unwrap();
        pool.close().await;
    }

    /// Where the application keeps attachment files (inside the test's
    /// temporary directory, which lives as long as this app).
    pub fn files_dir(&self) -> std::path::PathBuf {
        self.db.path().join("attachments")
    }

    /// Drops the PostgreSQL database, if the test used one.
    pub async fn cleanup(self) {
        self.db.cleanup().await.unwrap();
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(AuthConfig::default()).await
}

pub async fn spawn_app_with(auth: AuthConfig) -> TestApp {
    let db = store::testing::TestDb::new().await.unwrap();
    let store = db.store.clone();
    let tree = seed(&store).await;
    let accounts = seed_accounts(&store, &tree).await;
    let state = AppState { auth, ..AppState::new(store.clone(), Today::Fixed(today())).unwrap() };
    // Attachment files beside the database, in the test's own temporary directory.
    let base = serve(state.with_files(db.path().join("attachments"))).await;
    TestApp { base, store, client: plain_client(), tree, accounts, db }
}

/// Serves the application on a free local port; returns its base URL.
pub async fn serve(state: AppState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, web::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap();
    });
    format!("http://{addr}")
}

pub fn plain_client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn name(s: &str) -> Name {
    Name::parse(Field::Name, s).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn org(
    store: &Store,
    w: &mut store::Audited,
    parent: Option<&Id>,
    n: &str,
    level: OrgLevel,
    kind: OrgKind,
    unit: Option<UnitType>,
) -> Id {
    let new = NewOrg { id: None, parent_id: parent.cloned(), name: name(n), level, kind, unit_type: unit, founded_on: day("2000-01-01") };
    store.create_org(w, new).await.unwrap().id
}

pub async fn seed(store: &Store) -> SmallTree {
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let county = org(store, &mut w, None, "中共青川县委员会", OrgLevel::County, OrgKind::Committee, None).await;
    let township = org(store, &mut w, Some(&county), "中共临溪镇委员会", OrgLevel::Township, OrgKind::Committee, None).await;
    let village =
        org(store, &mut w, Some(&township), "中共石桥村委员会", OrgLevel::Grassroots, OrgKind::Committee, Some(UnitType::Village)).await;
    let branch =
        org(store, &mut w, Some(&village), "石桥村第一党支部", OrgLevel::Grassroots, OrgKind::Branch, Some(UnitType::Village)).await;
    let group = org(store, &mut w, Some(&branch), "第一党小组", OrgLevel::Grassroots, OrgKind::Group, None).await;
    let other_branch =
        org(store, &mut w, Some(&village), "石桥村第二党支部", OrgLevel::Grassroots, OrgKind::Branch, Some(UnitType::Village)).await;
    let id_number = domain::IdNumber::with_check_char("51082319700307123").unwrap();
    let secretary = NewPerson {
        id: None,
        org_id: branch.clone(),
        name: name("王建国"),
        sex: None,
        ethnicity: Some("汉族".into()),
        birth_date: None,
        category: domain::MemberCategory::Full,
        status: domain::MemberStatus::Active,
        join_date: domain::PartialDate::full(day("1995-07-01")),
        full_member_date: Some(domain::PartialDate::full(day("1996-07-01"))),
        cadre_rank: domain::CadreRank::None,
        id_number: Some(id_number),
        phone: Some(domain::PhoneNumber::parse("13800138000").unwrap()),
        positions: vec![(branch.clone(), domain::PositionKind::Secretary)],
    };
    let secretary = store.create_person(&mut w, secretary).await.unwrap().id;
    w.commit().await.unwrap();
    SmallTree { county, township, village, branch, group, other_branch, secretary }
}

/// Creates an account with [`PASSWORD`] holding `role` on `org` from 2020 on.
pub async fn add_account(store: &Store, login: &str, display_name: &str, role: Role, org: &Id) -> Id {
    add_account_of(store, login, display_name, role, org, None).await
}

/// An account linked to the person it belongs to.
pub async fn add_account_of(store: &Store, login: &str, display_name: &str, role: Role, org: &Id, person: Option<&Id>) -> Id {
    let mut w = store.writer(&Actor::system("test")).await.unwrap();
    let login = Login::parse(login).unwrap();
    let password = Password::parse(PASSWORD, &login).unwrap();
    let account = store.create_account(&mut w, login, name(display_name), person.cloned(), &password, false).await.unwrap();
    store.add_grant(&mut w, &account.id, role, org, day("2020-01-01")).await.unwrap();
    w.commit().await.unwrap();
    account.id
}

async fn seed_accounts(store: &Store, tree: &SmallTree) -> Accounts {
    Accounts {
        // The branch secretary's own account, linked to their member record.
        secretary: add_account_of(store, "secretary", "王书记", Role::Secretary, &tree.branch, Some(&tree.secretary)).await,
        dept: add_account(store, "dept", "镇组织委员", Role::OrgDepartment, &tree.township).await,
        supervisor: add_account(store, "supervisor", "县委组织部", Role::OrgDepartment, &tree.county).await,
        admin: add_account(store, "admin", "县系统管理员", Role::Administrator, &tree.county).await,
        auditor: add_account(store, "auditor", "县安全审计员", Role::SecurityAuditor, &tree.county).await,
    }
}

/// A response as the tests look at it.
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

    pub fn location(&self) -> Option<&str> {
        self.headers.get(LOCATION).and_then(|v| v.to_str().ok())
    }

    pub fn code(&self) -> Option<&str> {
        self.body["error"]["code"].as_str()
    }

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
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .filter_map(|pair| pair.split_once('='))
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_owned())
    }
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
    let page = Reply::of(app.client.get(app.url("/login")).send().await.unwrap()).await;
    page.cookie("cx_form").expect("the login page sets the form token")
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
    let at = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    html[at..].split('"').next().map(str::to_owned)
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

    pub async fn post_json(&self, path: &str, body: &Value) -> Reply {
        Reply::of(self.client.post(self.url(path)).json(body).send().await.unwrap()).await
    }

    pub async fn patch_json(&self, path: &str, body: &Value) -> Reply {
        Reply::of(self.client.patch(self.url(path)).json(body).send().await.unwrap()).await
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
