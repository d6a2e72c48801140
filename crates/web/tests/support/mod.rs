//! Test support: start the real application on a real database (a fresh
//! SQLite file, or a fresh PostgreSQL database when
//! `CHANGXIAO_TEST_DATABASE_URL` is set) and a small organization tree.
#![allow(dead_code)]

use chrono::NaiveDate;
use domain::{Field, Id, Name, OrgKind, OrgLevel, UnitType};
use store::orgs::NewOrg;
use store::people::NewPerson;
use store::{Actor, Store};
use web::{AppState, Today};

pub const TODAY: &str = "2026-11-23";

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// A running application and what a test needs to talk to it.
pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub client: reqwest::Client,
    pub tree: SmallTree,
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

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Drops the PostgreSQL database, if the test used one.
    pub async fn cleanup(self) {
        self.db.cleanup().await.unwrap();
    }
}

pub async fn spawn_app() -> TestApp {
    let db = store::testing::TestDb::new().await.unwrap();
    let store = db.store.clone();
    let tree = seed(&store).await;
    let state = AppState { store: store.clone(), today: Today::Fixed(today()) };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, web::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap();
    });
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    TestApp { base: format!("http://{addr}"), store, client, tree, db }
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
