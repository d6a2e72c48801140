//! The server-rendered pages, driven over HTTP against the real app on a
//! real database: the tree, members, search, languages, escaping, errors and
//! the headers every page carries.
#![allow(clippy::unwrap_used)]

use domain::access::Role;
use domain::{Id, UnitType};
use i18n::{Lang, has};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use testkit::app::{Reply, TestApp, spawn_app};
use testkit::world::Builder;

/// Records a woman born 1958-12-01, joined 1980-03-15, on the committee of `org`; her id.
async fn add_member(app: &TestApp, org: &Id, member_name: &str) -> Id {
    app.builder().member(member_name, org).committee_member().female().born("1958-12-01").joined("1980-03-15").await
}

/// Founds a branch of the village in 2010 and returns its id.
async fn add_branch(app: &TestApp, branch_name: &str) -> Id {
    app.builder().branch(branch_name, &app.tree.village).unit(UnitType::Village).founded("2010-01-01").await
}

#[tokio::test]
async fn the_root_address_redirects_to_the_county() {
    let app = spawn_app().await;
    let viewer = app.login("supervisor").await;
    let page = viewer.get("/").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.headers[LOCATION], format!("/orgs/{}", app.tree.county).as_str());
    app.cleanup().await;
}

#[tokio::test]
async fn the_county_page_lists_the_township_with_the_members_of_its_whole_subtree() {
    let app = spawn_app().await;
    let viewer = app.login("supervisor").await;
    add_member(&app, &app.tree.other_branch, "李秀英").await;
    let page = viewer.get(&format!("/orgs/{}", app.tree.county)).await;
    assert_eq!(page.status, StatusCode::OK);
    let dom = page.dom();
    assert_eq!(dom.select_text("h1"), "中共青川县委员会");
    let township = dom.item_linking_to(&format!("/orgs/{}", app.tree.township));
    assert!(township.says("中共临溪镇委员会"), "{township}");
    assert_eq!(township.select_text("strong.count"), "2", "both branches' members count: {township}");
    // The county lists organizations, not people.
    assert!(!page.text.contains("王建国"));
    app.cleanup().await;
}

#[tokio::test]
async fn drilling_down_to_the_branch_shows_its_secretary_with_a_masked_phone() {
    let app = spawn_app().await;
    let viewer = app.login("supervisor").await;
    let t = &app.tree;
    let mut page = viewer.get(&format!("/orgs/{}", t.county)).await;
    for next in [&t.township, &t.village, &t.branch] {
        let href = format!("/orgs/{next}");
        assert!(page.dom().links_to(&href), "no link down to {href}");
        page = viewer.get(&href).await;
        assert_eq!(page.status, StatusCode::OK);
    }
    let dom = page.dom();
    assert_eq!(dom.select_text("h1"), "石桥村第一党支部");
    // The breadcrumb leads back up to the county.
    assert!(dom.find("ol.crumbs").links_to(&format!("/orgs/{}", t.county)));
    let secretary = dom.find(&format!("a[href=\"/people/{}\"]", t.secretary)).closest("tr").unwrap();
    assert!(secretary.says("王建国"), "{secretary}");
    assert!(secretary.says("书记"), "{secretary}");
    assert!(secretary.says("138****8000"), "{secretary}");
    assert!(!page.text.contains("13800138000"), "the full phone number is never shown");
    assert!(!page.text.contains("510***"), "the ID number is not on the list");
    assert!(secretary.says("1995-07-01"), "{secretary}");
    app.cleanup().await;
}

#[tokio::test]
async fn the_member_list_shows_age_and_sex_and_the_group_a_member_is_in() {
    let app = spawn_app().await;
    let viewer = app.login("supervisor").await;
    add_member(&app, &app.tree.group, "赵桂兰").await;
    let dom = viewer.get(&format!("/orgs/{}", app.tree.branch)).await.dom();
    let row = dom.select("tbody tr").into_iter().find(|tr| tr.select_text("th a") == "赵桂兰").expect("赵桂兰 is listed");
    let cell = |label: &str| row.select_text(&format!("td[data-label=\"{label}\"]"));
    assert_eq!(cell("年龄"), "67", "born 1958-12-01, 67 on 2026-11-23");
    assert_eq!(cell("性别"), "女");
    assert_eq!(row.select_text("th .meta"), "第一党小组", "members of the group are listed with their group");
    assert!(cell("职务").contains("委员"), "{row}");
    app.cleanup().await;
}

#[tokio::test]
async fn the_person_page_shows_the_masked_id_number_and_the_history() {
    let app = spawn_app().await;
    let viewer = app.login("supervisor").await;
    let page = viewer.get(&format!("/people/{}", app.tree.secretary)).await;
    assert_eq!(page.status, StatusCode::OK);
    let dom = page.dom();
    assert_eq!(dom.select_text("h1"), "王建国");
    assert!(dom.says("510***********"), "masked ID number");
    assert!(!page.text.contains("51082319700307123"), "never the full ID number");
    assert!(dom.says("138****8000"));
    assert!(!page.text.contains("13800138000"));
    assert!(dom.links_to(&format!("/orgs/{}", app.tree.branch)));
    assert!(dom.says("石桥村第一党支部"));
    assert!(dom.says("汉族"));
    assert!(dom.says("7月"), "political birthday month");
    assert!(dom.says("1996-07-01"), "full-member date");
    assert!(dom.says("新建") && dom.says("system:test"), "the creation is in the history");
    app.cleanup().await;
}

#[tokio::test]
async fn lang_en_switches_to_english_and_the_cookie_keeps_it() {
    let app = spawn_app().await;
    let viewer = app.login("supervisor").await;
    let path = format!("/orgs/{}", app.tree.branch);
    let zh = viewer.get(&path).await;
    assert_eq!(zh.dom().attr("html", "lang").as_deref(), Some("zh-CN"));
    assert!(zh.says("书记"));
    assert!(zh.headers.get(SET_COOKIE).is_none());
    assert!(zh.dom().links_to(&format!("{path}?lang=en")), "a switch link keeps the path");

    let en = viewer.get(&format!("{path}?lang=en")).await;
    assert_eq!(en.status, StatusCode::OK);
    assert_eq!(en.dom().attr("html", "lang").as_deref(), Some("en"));
    assert!(en.says("Secretary"));
    assert!(!en.text.contains("书记"));
    assert!(en.dom().links_to(&format!("{path}?lang=zh-CN")));
    let cookie = en.headers[SET_COOKIE].to_str().unwrap();
    for part in ["lang=en", "Path=/", "SameSite=Lax", "HttpOnly", "Max-Age=31536000"] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }

    let next = viewer.get_with_cookie(&path, "lang=en").await;
    assert!(next.says("Secretary"), "the cookie keeps English");
    let back = viewer.get_with_cookie(&format!("{path}?lang=zh-CN"), "lang=en").await;
    assert!(back.says("书记"), "the query wins over the cookie");
    assert!(back.headers[SET_COOKIE].to_str().unwrap().contains("lang=zh-CN"));

    let browser_english = viewer.client.get(viewer.url(&path)).header("accept-language", "en-US,en;q=0.9").send().await.unwrap();
    assert!(Reply::of(browser_english).await.says("书记"), "zh-CN regardless of Accept-Language");
    app.cleanup().await;
}

#[tokio::test]
async fn search_finds_organizations_and_people_by_part_of_a_chinese_name() {
    let app = spawn_app().await;
    let viewer = app.login("supervisor").await;
    let page = viewer.get("/search?q=%E7%9F%B3%E6%A1%A5").await; // 石桥
    assert_eq!(page.status, StatusCode::OK);
    let dom = page.dom();
    for (id, org_name) in
        [(&app.tree.village, "中共石桥村委员会"), (&app.tree.branch, "石桥村第一党支部"), (&app.tree.other_branch, "石桥村第二党支部")]
    {
        let found = dom.item_linking_to(&format!("/orgs/{id}"));
        assert_eq!(found.select_text("a"), org_name, "{org_name} not found");
    }
    assert!(!dom.links_to(&format!("/orgs/{}", app.tree.township)));
    assert_eq!(dom.attr("input[name=q]", "value").as_deref(), Some("石桥"), "the query stays in the search box");

    let page = viewer.get("/search?q=%E7%8E%8B%E5%BB%BA").await; // 王建
    let found = page.dom().item_linking_to(&format!("/people/{}", app.tree.secretary)).select_text("a");
    assert_eq!(found, "王建国");

    let empty = viewer.get("/search").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.dom().has("input[name=q]"));
    assert!(!empty.dom().hrefs().iter().any(|h| h.starts_with("/orgs/")), "no results without a query");
    app.cleanup().await;
}

#[tokio::test]
async fn names_and_queries_with_markup_are_shown_escaped() {
    let app = spawn_app().await;
    let viewer = app.login("supervisor").await;
    let evil = "<script>alert(1)</script>";
    let branch = add_branch(&app, evil).await;
    let person = add_member(&app, &branch, &format!("{evil}张")).await;
    let pages = [
        viewer.get(&format!("/orgs/{}", app.tree.village)).await,
        viewer.get(&format!("/orgs/{branch}")).await,
        viewer.get(&format!("/people/{person}")).await,
        viewer.get("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await,
    ];
    for page in &pages {
        assert_eq!(page.status, StatusCode::OK);
        // Escaping is a matter of the bytes sent, so the text is read as sent.
        let escaped = page.text.contains("&lt;script&gt;alert(1)") || page.text.contains("&#60;script&#62;alert(1)");
        assert!(escaped, "{}", page.text);
        assert!(!page.text.contains("<script"), "markup from data must not reach the page");
    }
    // The search found both records, not just echoed the query.
    assert!(pages[3].dom().links_to(&format!("/orgs/{branch}")));
    assert!(pages[3].dom().links_to(&format!("/people/{person}")));
    app.cleanup().await;
}

#[tokio::test]
async fn unknown_and_malformed_ids_get_the_not_found_page() {
    let app = spawn_app().await;
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
        let page = viewer.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.says("找不到这个页面"), "{path}: friendly page");
        assert!(page.headers[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    }
    let en = viewer.get(&format!("/orgs/{unknown}?lang=en")).await;
    assert_eq!(en.status, StatusCode::NOT_FOUND);
    assert!(en.says("Page not found"));
    app.cleanup().await;
}

#[tokio::test]
async fn the_stylesheet_is_served_from_here_as_css_with_a_long_cache() {
    let app = spawn_app().await;
    let viewer = app.login("supervisor").await;
    let page = viewer.get(&format!("/orgs/{}", app.tree.county)).await;
    let dom = page.dom();
    let href = dom.attr("link[rel=stylesheet]", "href").unwrap();
    assert!(href.starts_with("/static/app.css?v="), "the page links the local stylesheet: {href}");
    assert!(!page.text.contains("http://") && !page.text.contains("https://"), "nothing is loaded from outside");
    assert_eq!(dom.attr("meta[name=viewport]", "content").as_deref(), Some("width=device-width, initial-scale=1"));
    let css = viewer.get(&href).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.headers[CONTENT_TYPE].to_str().unwrap().starts_with("text/css"));
    assert!(css.headers[CACHE_CONTROL].to_str().unwrap().contains("max-age=31536000"));
    assert!(css.text.contains("Noto Sans CJK SC"));
    assert!(!css.text.contains("@import") && !css.text.contains("url("), "no outside fonts or images");
    app.cleanup().await;
}

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = spawn_app().await;
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
        let page = viewer.get(&path).await;
        let csp = page.headers.get("content-security-policy").unwrap_or_else(|| panic!("{path}: no CSP")).to_str().unwrap();
        assert!(csp.starts_with("default-src 'self'"), "{path}: {csp}");
        assert_eq!(page.headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(page.headers["referrer-policy"], "same-origin", "{path}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn without_organizations_the_start_page_explains_import_and_demo() {
    let db = testkit::TestDb::new().await.unwrap();
    let account = Builder::new(&db.store).account("first", "第一位管理员").await;
    let (secret, _) = db.store.create_session(&account, None).await.unwrap();
    let base = testkit::app::serve(web::AppState::new(db.store.clone(), web::Today::Fixed(testkit::today())).unwrap()).await;
    let response =
        testkit::app::plain_client().get(format!("{base}/")).header(COOKIE, format!("cx_session={secret}")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page = Reply::of(response).await;
    assert!(page.says("changxiao import") && page.says("changxiao demo"), "{}", page.text);
    db.cleanup().await.unwrap();
}

#[tokio::test]
async fn an_account_with_grants_on_two_counties_is_offered_both_on_the_start_page() {
    let app = spawn_app().await;
    let viewer = app.login("supervisor").await;
    let other = app.builder().county("中共临江县委员会").founded("2001-01-01").await;
    app.builder().grant(&app.accounts.supervisor, Role::OrgDepartment, &other).await;
    let page = viewer.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.dom().links_to(&format!("/orgs/{}", app.tree.county)));
    assert!(page.dom().links_to(&format!("/orgs/{other}")));
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
