//! The server-rendered pages, driven over HTTP against the real app on a
//! real database: the tree, members, search, languages, escaping, errors and
//! the headers every page carries.
#![allow(clippy::unwrap_used)]

mod support;

use domain::{Field, Id, MemberCategory, MemberStatus, Name, OrgKind, OrgLevel, PartialDate, PositionKind, UnitType};
use i18n::{Lang, has};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, COOKIE, HeaderMap, LOCATION, SET_COOKIE};
use store::Actor;
use store::orgs::NewOrg;
use store::people::NewPerson;
use support::{Session, TestApp};

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

async fn get(viewer: &Session, path: &str) -> Page {
    page(viewer.get(path).await)
}

async fn get_with_cookie(viewer: &Session, path: &str, cookie: &str) -> Page {
    page(viewer.get_with_cookie(path, cookie).await)
}

fn page(reply: support::Reply) -> Page {
    Page { status: reply.status, headers: reply.headers, body: reply.text }
}

fn name(s: &str) -> Name {
    Name::parse(Field::Name, s).unwrap()
}

fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Records a plain full member in `org` and returns their id.
async fn add_member(app: &TestApp, org: &Id, member_name: &str) -> Id {
    let mut w = app.store.writer(&Actor::system("test")).await.unwrap();
    let new = NewPerson {
        id: None,
        org_id: org.clone(),
        name: name(member_name),
        sex: Some(domain::Sex::Female),
        ethnicity: None,
        birth_date: Some(PartialDate::full(day("1958-12-01"))),
        category: MemberCategory::Full,
        status: MemberStatus::Active,
        join_date: PartialDate::full(day("1980-03-15")),
        full_member_date: None,
        cadre_rank: domain::CadreRank::None,
        id_number: None,
        phone: None,
        positions: vec![(org.clone(), PositionKind::CommitteeMember)],
    };
    let id = app.store.create_person(&mut w, new).await.unwrap().id;
    w.commit().await.unwrap();
    id
}

/// Founds a branch under the village and returns its id.
async fn add_branch(app: &TestApp, branch_name: &str) -> Id {
    let mut w = app.store.writer(&Actor::system("test")).await.unwrap();
    let new = NewOrg {
        id: None,
        parent_id: Some(app.tree.village.clone()),
        name: name(branch_name),
        level: OrgLevel::Grassroots,
        kind: OrgKind::Branch,
        unit_type: Some(UnitType::Village),
        founded_on: day("2010-01-01"),
    };
    let id = app.store.create_org(&mut w, new).await.unwrap().id;
    w.commit().await.unwrap();
    id
}

/// The `<li>` of the list item that links to `href`.
fn list_item<'a>(body: &'a str, href: &str) -> &'a str {
    let link = format!("href=\"{href}\"");
    let at = body.find(&link).unwrap_or_else(|| panic!("no link to {href}"));
    let end = body[at..].find("</li>").map_or(body.len(), |e| at + e);
    &body[at..end]
}

#[tokio::test]
async fn the_root_address_redirects_to_the_county() {
    let app = support::spawn_app().await;
    let viewer = app.login("supervisor").await;
    let page = get(&viewer, "/").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.headers[LOCATION], format!("/orgs/{}", app.tree.county).as_str());
    app.cleanup().await;
}

#[tokio::test]
async fn the_county_page_lists_the_township_with_the_members_of_its_whole_subtree() {
    let app = support::spawn_app().await;
    let viewer = app.login("supervisor").await;
    add_member(&app, &app.tree.other_branch, "李秀英").await;
    let page = get(&viewer, &format!("/orgs/{}", app.tree.county)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<h1>中共青川县委员会</h1>"));
    let township = list_item(&page.body, &format!("/orgs/{}", app.tree.township));
    assert!(township.contains("中共临溪镇委员会"), "{township}");
    assert!(township.contains("<strong class=\"count\">2</strong>"), "both branches' members count: {township}");
    // The county lists organizations, not people.
    assert!(!page.body.contains("王建国"));
    app.cleanup().await;
}

#[tokio::test]
async fn drilling_down_to_the_branch_shows_its_secretary_with_a_masked_phone() {
    let app = support::spawn_app().await;
    let viewer = app.login("supervisor").await;
    let t = &app.tree;
    let mut body = get(&viewer, &format!("/orgs/{}", t.county)).await.body;
    for next in [&t.township, &t.village, &t.branch] {
        let href = format!("/orgs/{next}");
        assert!(body.contains(&format!("href=\"{href}\"")), "no link down to {href}");
        let page = get(&viewer, &href).await;
        assert_eq!(page.status, StatusCode::OK);
        body = page.body;
    }
    assert!(body.contains("<h1>石桥村第一党支部</h1>"));
    // The breadcrumb leads back up to the county.
    assert!(body.contains(&format!("href=\"/orgs/{}\"", t.county)));
    assert!(body.contains(&format!("href=\"/people/{}\"", t.secretary)));
    assert!(body.contains("王建国"));
    assert!(body.contains("书记"));
    assert!(body.contains("138****8000"));
    assert!(!body.contains("13800138000"), "the full phone number is never shown");
    assert!(!body.contains("510***"), "the ID number is not on the list");
    assert!(body.contains("1995-07-01"));
    app.cleanup().await;
}

#[tokio::test]
async fn the_member_list_shows_age_and_sex_and_the_group_a_member_is_in() {
    let app = support::spawn_app().await;
    let viewer = app.login("supervisor").await;
    add_member(&app, &app.tree.group, "赵桂兰").await;
    let body = get(&viewer, &format!("/orgs/{}", app.tree.branch)).await.body;
    assert!(body.contains("赵桂兰"));
    assert!(body.contains(">67<"), "born 1958-12-01, 67 on 2026-11-23");
    assert!(body.contains(">女<"));
    assert!(body.contains("第一党小组"), "members of the group are listed with their group");
    assert!(body.contains("委员"));
    app.cleanup().await;
}

#[tokio::test]
async fn the_person_page_shows_the_masked_id_number_and_the_history() {
    let app = support::spawn_app().await;
    let viewer = app.login("supervisor").await;
    let page = get(&viewer, &format!("/people/{}", app.tree.secretary)).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.body;
    assert!(body.contains("<h1>王建国</h1>"));
    assert!(body.contains("510***********"), "masked ID number");
    assert!(!body.contains("51082319700307123"), "never the full ID number");
    assert!(body.contains("138****8000"));
    assert!(!body.contains("13800138000"));
    assert!(body.contains(&format!("href=\"/orgs/{}\"", app.tree.branch)));
    assert!(body.contains("石桥村第一党支部"));
    assert!(body.contains("汉族"));
    assert!(body.contains("7月"), "political birthday month");
    assert!(body.contains("1996-07-01"), "full-member date");
    assert!(body.contains("新建") && body.contains("system:test"), "the creation is in the history");
    app.cleanup().await;
}

#[tokio::test]
async fn lang_en_switches_to_english_and_the_cookie_keeps_it() {
    let app = support::spawn_app().await;
    let viewer = app.login("supervisor").await;
    let path = format!("/orgs/{}", app.tree.branch);
    let zh = get(&viewer, &path).await;
    assert!(zh.body.contains("<html lang=\"zh-CN\">"));
    assert!(zh.body.contains("书记"));
    assert!(zh.headers.get(SET_COOKIE).is_none());
    assert!(zh.body.contains(&format!("href=\"{path}?lang=en\"")), "a switch link keeps the path");

    let en = get(&viewer, &format!("{path}?lang=en")).await;
    assert_eq!(en.status, StatusCode::OK);
    assert!(en.body.contains("<html lang=\"en\">"));
    assert!(en.body.contains("Secretary"));
    assert!(!en.body.contains("书记"));
    assert!(en.body.contains(&format!("href=\"{path}?lang=zh-CN\"")));
    let cookie = en.headers[SET_COOKIE].to_str().unwrap();
    for part in ["lang=en", "Path=/", "SameSite=Lax", "HttpOnly", "Max-Age=31536000"] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }

    let next = get_with_cookie(&viewer, &path, "lang=en").await;
    assert!(next.body.contains("Secretary"), "the cookie keeps English");
    let back = get_with_cookie(&viewer, &format!("{path}?lang=zh-CN"), "lang=en").await;
    assert!(back.body.contains("书记"), "the query wins over the cookie");
    assert!(back.headers[SET_COOKIE].to_str().unwrap().contains("lang=zh-CN"));

    let browser_english = viewer.client.get(viewer.url(&path)).header("accept-language", "en-US,en;q=0.9").send().await.unwrap();
    assert!(browser_english.text().await.unwrap().contains("书记"), "zh-CN regardless of Accept-Language");
    app.cleanup().await;
}

#[tokio::test]
async fn search_finds_organizations_and_people_by_part_of_a_chinese_name() {
    let app = support::spawn_app().await;
    let viewer = app.login("supervisor").await;
    let page = get(&viewer, "/search?q=%E7%9F%B3%E6%A1%A5").await; // 石桥
    assert_eq!(page.status, StatusCode::OK);
    for (id, org_name) in
        [(&app.tree.village, "中共石桥村委员会"), (&app.tree.branch, "石桥村第一党支部"), (&app.tree.other_branch, "石桥村第二党支部")]
    {
        assert!(page.body.contains(&format!("href=\"/orgs/{id}\"")), "{org_name} not found");
        assert!(page.body.contains(org_name));
    }
    assert!(!page.body.contains(&format!("href=\"/orgs/{}\"", app.tree.township)));
    assert!(page.body.contains("value=\"石桥\""), "the query stays in the search box");

    let page = get(&viewer, "/search?q=%E7%8E%8B%E5%BB%BA").await; // 王建
    assert!(page.body.contains(&format!("href=\"/people/{}\"", app.tree.secretary)));
    assert!(page.body.contains("王建国"));

    let empty = get(&viewer, "/search").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("name=\"q\""));
    assert!(!empty.body.contains("href=\"/orgs/"), "no results without a query");
    app.cleanup().await;
}

#[tokio::test]
async fn names_and_queries_with_markup_are_shown_escaped() {
    let app = support::spawn_app().await;
    let viewer = app.login("supervisor").await;
    let evil = "<script>alert(1)</script>";
    let branch = add_branch(&app, evil).await;
    let person = add_member(&app, &branch, &format!("{evil}张")).await;
    let pages = [
        get(&viewer, &format!("/orgs/{}", app.tree.village)).await,
        get(&viewer, &format!("/orgs/{branch}")).await,
        get(&viewer, &format!("/people/{person}")).await,
        get(&viewer, "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await,
    ];
    for page in &pages {
        assert_eq!(page.status, StatusCode::OK);
        let escaped = page.body.contains("&lt;script&gt;alert(1)") || page.body.contains("&#60;script&#62;alert(1)");
        assert!(escaped, "{}", page.body);
        assert!(!page.body.contains("<script"), "markup from data must not reach the page");
    }
    // The search found both records, not just echoed the query.
    assert!(pages[3].body.contains(&format!("href=\"/orgs/{branch}\"")));
    assert!(pages[3].body.contains(&format!("href=\"/people/{person}\"")));
    app.cleanup().await;
}

#[tokio::test]
async fn unknown_and_malformed_ids_get_the_not_found_page() {
    let app = support::spawn_app().await;
    let viewer = app.login("supervisor").await;
    let unknown = Id::generate();
    for path in [
        format!("/orgs/{unknown}"),
        format!("/people/{unknown}"),
        "/orgs/not-an-id".to_owned(),
        "/people/%2E%2E%2Fetc%2Fpasswd".to_owned(),
        format!("/orgs/{}", app.tree.secretary),
        format!("/people/{}", app.tree.branch),
        format!("/orgs/{}", unknown.as_str().to_uppercase()),
    ] {
        let page = get(&viewer, &path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("找不到这个页面"), "{path}: friendly page");
        assert!(page.headers[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    }
    let en = get(&viewer, &format!("/orgs/{unknown}?lang=en")).await;
    assert_eq!(en.status, StatusCode::NOT_FOUND);
    assert!(en.body.contains("Page not found"));
    app.cleanup().await;
}

#[tokio::test]
async fn the_stylesheet_is_served_from_here_as_css_with_a_long_cache() {
    let app = support::spawn_app().await;
    let viewer = app.login("supervisor").await;
    let page = get(&viewer, &format!("/orgs/{}", app.tree.county)).await;
    let href_at = page.body.find("href=\"/static/app.css?v=").expect("the page links the local stylesheet");
    let href = &page.body[href_at + 6..];
    let href = &href[..href.find('"').unwrap()];
    assert!(!page.body.contains("http://") && !page.body.contains("https://"), "nothing is loaded from outside");
    assert!(page.body.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
    let css = get(&viewer, href).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.headers[CONTENT_TYPE].to_str().unwrap().starts_with("text/css"));
    assert!(css.headers[CACHE_CONTROL].to_str().unwrap().contains("max-age=31536000"));
    assert!(css.body.contains("Noto Sans CJK SC"));
    assert!(!css.body.contains("@import") && !css.body.contains("url("), "no outside fonts or images");
    app.cleanup().await;
}

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = support::spawn_app().await;
    let viewer = app.login("supervisor").await;
    let paths = [
        "/".to_owned(),
        format!("/orgs/{}", app.tree.branch),
        format!("/people/{}", app.tree.secretary),
        "/search?q=x".to_owned(),
        "/orgs/nothing".to_owned(),
        "/static/app.css".to_owned(),
    ];
    for path in paths {
        let page = get(&viewer, &path).await;
        let csp = page.headers.get("content-security-policy").unwrap_or_else(|| panic!("{path}: no CSP")).to_str().unwrap();
        assert!(csp.starts_with("default-src 'self'"), "{path}: {csp}");
        assert_eq!(page.headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(page.headers["referrer-policy"], "same-origin", "{path}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn without_organizations_the_start_page_explains_import_and_demo() {
    let db = store::testing::TestDb::new().await.unwrap();
    let mut w = db.store.writer(&Actor::system("test")).await.unwrap();
    let login = domain::access::Login::parse("first").unwrap();
    let password = domain::access::Password::parse(support::PASSWORD, &login).unwrap();
    let account = db.store.create_account(&mut w, login, name("第一位管理员"), None, &password, false).await.unwrap();
    w.commit().await.unwrap();
    let (secret, _) = db.store.create_session(&account.id, None).await.unwrap();
    let base = support::serve(web::AppState::new(db.store.clone(), web::Today::Fixed(support::today())).unwrap()).await;
    let response = support::plain_client().get(format!("{base}/")).header(COOKIE, format!("cx_session={secret}")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    assert!(body.contains("changxiao import") && body.contains("changxiao demo"), "{body}");
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn an_account_with_grants_on_two_counties_is_offered_both_on_the_start_page() {
    let app = support::spawn_app().await;
    let viewer = app.login("supervisor").await;
    let mut w = app.store.writer(&Actor::system("test")).await.unwrap();
    let new = NewOrg {
        id: None,
        parent_id: None,
        name: name("中共临江县委员会"),
        level: OrgLevel::County,
        kind: OrgKind::Committee,
        unit_type: None,
        founded_on: day("2001-01-01"),
    };
    let other = app.store.create_org(&mut w, new).await.unwrap().id;
    app.store.add_grant(&mut w, &app.accounts.supervisor, domain::access::Role::OrgDepartment, &other, day("2020-01-01")).await.unwrap();
    w.commit().await.unwrap();
    let page = get(&viewer, "/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("href=\"/orgs/{}\"", app.tree.county)));
    assert!(page.body.contains(&format!("href=\"/orgs/{other}\"")));
    app.cleanup().await;
}

/// Every `t("…")` key used by a template or a page module exists in both locales.
#[test]
fn every_key_the_pages_use_is_in_both_locale_files() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = Vec::new();
    let mut dirs = vec![root.join("templates"), root.join("src/pages")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                sources.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    let mut used = 0;
    for (file, text) in &sources {
        for (at, _) in text.match_indices("t(\"") {
            // `t(` as a name of its own (`c.t(`, `i18n::t(`), not the end of `format(`.
            if text[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let Some(key) = text[at + 3..].split('"').next() else {
                continue;
            };
            used += 1;
            for lang in Lang::ALL {
                assert!(has(lang, key), "{file} uses '{key}', missing in {}", lang.code());
            }
        }
    }
    assert!(used > 40, "the scan found the keys ({used})");
}
