//! Who may see and change what, through the real HTTP layer: every role
//! against every kind of page and API call, inside and outside its
//! subtree; lists and searches that stay inside the grants; API tokens
//! limited to their subtree and scope.
#![allow(clippy::unwrap_used)]

use domain::access::Role;
use domain::{Id, UnitType};
use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::app::{Bearer, Reply, Session, TestApp, spawn_app};

/// Who asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anonymous,
    /// Secretary of the branch.
    Secretary,
    /// Organization department of the township.
    Dept,
    /// Administrator of the county.
    Admin,
    /// Security auditor of the county.
    Auditor,
}

/// What they ask for.
#[derive(Clone, Copy, Debug)]
enum What {
    OrgPage,
    PersonPage,
    /// The "history" section of the organization's page.
    History,
    ApiOrg,
    ApiPeopleUnder,
    ApiPersonPatch,
    ApiOrgCreateUnder,
    AdminAccounts,
    Audit,
}

/// Where the record lies.
#[derive(Clone, Copy, Debug)]
enum Place {
    /// The branch (inside every reader's subtree).
    Branch,
    /// The second branch of the same village (outside the secretary's branch).
    Sibling,
    /// A branch of another county (outside everyone's grants).
    Elsewhere,
}

use Place::*;
use What::*;
use Who::*;

/// Expected answers: a status, or for `History` whether the section is
/// "shown" or "hidden" on a page that opens.
#[rustfmt::skip]
const EXPECTED: &[(Who, What, [&str; 3])] = &[
    //                                 Branch    Sibling   Elsewhere
    (Anonymous, OrgPage,           ["303",    "303",    "303"]),
    (Anonymous, PersonPage,        ["303",    "303",    "303"]),
    (Anonymous, History,           ["303",    "303",    "303"]),
    (Anonymous, ApiOrg,            ["401",    "401",    "401"]),
    (Anonymous, ApiPeopleUnder,    ["401",    "401",    "401"]),
    (Anonymous, ApiPersonPatch,    ["401",    "401",    "401"]),
    (Anonymous, ApiOrgCreateUnder, ["401",    "401",    "401"]),
    (Anonymous, AdminAccounts,     ["303",    "303",    "303"]),
    (Anonymous, Audit,             ["303",    "303",    "303"]),

    (Secretary, OrgPage,           ["200",    "404",    "404"]),
    (Secretary, PersonPage,        ["200",    "404",    "404"]),
    (Secretary, History,           ["shown",  "404",    "404"]),
    (Secretary, ApiOrg,            ["200",    "404",    "404"]),
    (Secretary, ApiPeopleUnder,    ["200",    "404",    "404"]),
    (Secretary, ApiPersonPatch,    ["200",    "404",    "404"]),
    (Secretary, ApiOrgCreateUnder, ["422",    "422",    "422"]),
    (Secretary, AdminAccounts,     ["404",    "404",    "404"]),
    (Secretary, Audit,             ["404",    "404",    "404"]),

    (Dept,      OrgPage,           ["200",    "200",    "404"]),
    (Dept,      PersonPage,        ["200",    "200",    "404"]),
    (Dept,      History,           ["shown",  "shown",  "404"]),
    (Dept,      ApiOrg,            ["200",    "200",    "404"]),
    (Dept,      ApiPeopleUnder,    ["200",    "200",    "404"]),
    (Dept,      ApiPersonPatch,    ["404",    "404",    "404"]),
    (Dept,      ApiOrgCreateUnder, ["422",    "422",    "422"]),
    (Dept,      AdminAccounts,     ["404",    "404",    "404"]),
    (Dept,      Audit,             ["404",    "404",    "404"]),

    (Admin,     OrgPage,           ["200",    "200",    "404"]),
    (Admin,     PersonPage,        ["200",    "200",    "404"]),
    (Admin,     History,           ["hidden", "hidden", "404"]),
    (Admin,     ApiOrg,            ["200",    "200",    "404"]),
    (Admin,     ApiPeopleUnder,    ["200",    "200",    "404"]),
    (Admin,     ApiPersonPatch,    ["200",    "200",    "404"]),
    (Admin,     ApiOrgCreateUnder, ["201",    "201",    "422"]),
    (Admin,     AdminAccounts,     ["200",    "200",    "200"]),
    (Admin,     Audit,             ["404",    "404",    "404"]),

    (Auditor,   OrgPage,           ["404",    "404",    "404"]),
    (Auditor,   PersonPage,        ["404",    "404",    "404"]),
    (Auditor,   History,           ["404",    "404",    "404"]),
    (Auditor,   ApiOrg,            ["404",    "404",    "404"]),
    (Auditor,   ApiPeopleUnder,    ["404",    "404",    "404"]),
    (Auditor,   ApiPersonPatch,    ["404",    "404",    "404"]),
    (Auditor,   ApiOrgCreateUnder, ["422",    "422",    "422"]),
    (Auditor,   AdminAccounts,     ["404",    "404",    "404"]),
    (Auditor,   Audit,             ["200",    "200",    "200"]),
];

/// A branch with one member, somewhere.
struct Target {
    org: Id,
    person: Id,
}

/// Records a woman, joined 1990-03-15, in `org`.
async fn add_member(app: &TestApp, org: &Id, member: &str) -> Id {
    app.builder().member(member, org).female().joined("1990-03-15").await
}

/// Another county with one branch and one member: outside every seeded grant.
async fn another_county(app: &TestApp) -> Target {
    let b = app.builder();
    let county = b.county("中共临江县委员会").founded("2001-01-01").await;
    let org = b.branch("临江村党支部", &county).unit(UnitType::Village).founded("2001-01-01").await;
    let person = add_member(app, &org, "李临江").await;
    Target { org, person }
}

fn status(reply: &Reply) -> String {
    reply.status.as_u16().to_string()
}

async fn ask(app: &TestApp, session: Option<&Session>, what: What, target: &Target) -> String {
    let anonymous = testkit::app::plain_client();
    let client = session.map_or(&anonymous, |s| &s.client);
    let url = |path: String| app.url(&path);
    let send = |request: reqwest::RequestBuilder| async move { Reply::of(request.send().await.unwrap()).await };
    match what {
        OrgPage => status(&send(client.get(url(format!("/orgs/{}", target.org)))).await),
        PersonPage => status(&send(client.get(url(format!("/people/{}", target.person)))).await),
        History => {
            let page = send(client.get(url(format!("/orgs/{}", target.org)))).await;
            match (page.status, page.dom().has("#history")) {
                (StatusCode::OK, true) => "shown".into(),
                (StatusCode::OK, false) => "hidden".into(),
                _ => status(&page),
            }
        }
        ApiOrg => status(&send(client.get(url(format!("/api/v1/orgs/{}", target.org)))).await),
        ApiPeopleUnder => status(&send(client.get(url(format!("/api/v1/people?under={}", target.org)))).await),
        ApiPersonPatch => {
            let version = app.store.person(&target.person, testkit::today()).await.unwrap().unwrap().version;
            let body = json!({"cadre_rank": "none", "version": version});
            status(&send(client.patch(url(format!("/api/v1/people/{}", target.person))).json(&body)).await)
        }
        ApiOrgCreateUnder => {
            let body =
                json!({"parent_id": target.org, "name": "新党小组", "level": "grassroots", "kind": "group", "founded_on": "2020-01-01"});
            status(&send(client.post(url("/api/v1/orgs".into())).json(&body)).await)
        }
        AdminAccounts => status(&send(client.get(url("/admin/accounts".into()))).await),
        Audit => status(&send(client.get(url("/audit".into()))).await),
    }
}

#[tokio::test]
async fn every_role_gets_what_its_grant_allows_on_every_kind_of_record_inside_and_outside_its_subtree() {
    let app = spawn_app().await;
    let sibling_member = add_member(&app, &app.tree.other_branch, "赵二支").await;
    let places = [
        (Branch, Target { org: app.tree.branch.clone(), person: app.tree.secretary.clone() }),
        (Sibling, Target { org: app.tree.other_branch.clone(), person: sibling_member }),
        (Elsewhere, another_county(&app).await),
    ];
    let sessions = [
        (Secretary, app.login("secretary").await),
        (Dept, app.login("dept").await),
        (Admin, app.login("admin").await),
        (Auditor, app.login("auditor").await),
    ];
    let mut wrong = Vec::new();
    for (who, what, expected) in EXPECTED {
        let session = sessions.iter().find(|(w, _)| w == who).map(|(_, s)| s);
        for (i, (place, target)) in places.iter().enumerate() {
            let got = ask(&app, session, *what, target).await;
            if got != expected[i] {
                wrong.push(format!("{who:?} {what:?} {place:?}: expected {}, got {got}", expected[i]));
            }
        }
    }
    assert!(wrong.is_empty(), "{} of {} answers are wrong:\n{}", wrong.len(), EXPECTED.len() * 3, wrong.join("\n"));
    app.cleanup().await;
}

#[tokio::test]
async fn a_record_outside_the_grant_gets_exactly_the_answer_of_a_missing_one() {
    let app = spawn_app().await;
    let secretary = app.login("secretary").await;
    let missing = Id::generate();
    for (outside, absent) in [
        (format!("/api/v1/orgs/{}", app.tree.other_branch), format!("/api/v1/orgs/{missing}")),
        (format!("/api/v1/people?under={}", app.tree.village), format!("/api/v1/people?under={missing}")),
    ] {
        let (a, b) = (secretary.get(&outside).await, secretary.get(&absent).await);
        assert_eq!((a.status, &a.text), (b.status, &b.text), "{outside} answers like {absent}");
    }
    let page_outside = secretary.get(&format!("/orgs/{}", app.tree.other_branch)).await;
    let page_absent = secretary.get(&format!("/orgs/{missing}")).await;
    assert_eq!(page_outside.status, StatusCode::NOT_FOUND);
    let without_address = |text: &str, id: &Id| text.replace(id.as_str(), "ID");
    assert_eq!(
        without_address(&page_outside.text, &app.tree.other_branch),
        without_address(&page_absent.text, &missing),
        "the same not-found page, but for the address in the language links"
    );
    let body =
        |parent: &str| json!({"parent_id": parent, "name": "新党小组", "level": "grassroots", "kind": "group", "founded_on": "2020-01-01"});
    let a = secretary.post_json("/api/v1/orgs", &body(app.tree.other_branch.as_str())).await;
    let b = secretary.post_json("/api/v1/orgs", &body(missing.as_str())).await;
    assert_eq!((a.status, a.code(), a.field()), (StatusCode::UNPROCESSABLE_ENTITY, Some("not_found"), Some("parent_id")));
    assert_eq!(a.text, b.text, "an organization named in the body is answered alike too");
    app.cleanup().await;
}

#[tokio::test]
async fn the_department_reads_its_subtree_but_may_not_change_a_member() {
    let app = spawn_app().await;
    let dept = app.login("dept").await;
    let before = app.dump().await;
    let r = dept.patch_json(&format!("/api/v1/people/{}", app.tree.secretary), &json!({"name": "王建设", "version": 1})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let body = json!({"org_id": app.tree.other_branch.as_str(), "version": 1});
    let r = dept.post_json(&format!("/api/v1/people/{}/move", app.tree.secretary), &body).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    assert_eq!(app.dump().await, before);
    assert_eq!(dept.get(&format!("/api/v1/people/{}", app.tree.secretary)).await.status, StatusCode::OK);
    app.cleanup().await;
}

#[tokio::test]
async fn a_secretary_cannot_move_a_member_into_a_branch_outside_the_grant() {
    let app = spawn_app().await;
    let secretary = app.login("secretary").await;
    let before = app.dump().await;
    let body = json!({"org_id": app.tree.other_branch.as_str(), "version": 1});
    let r = secretary.post_json(&format!("/api/v1/people/{}/move", app.tree.secretary), &body).await;
    assert_eq!((r.status, r.code(), r.field()), (StatusCode::UNPROCESSABLE_ENTITY, Some("not_found"), Some("org_id")), "{}", r.text);
    assert_eq!(app.dump().await, before);
    let into_group = json!({"org_id": app.tree.group.as_str(), "version": 1});
    let r = secretary.post_json(&format!("/api/v1/people/{}/move", app.tree.secretary), &into_group).await;
    assert_eq!(r.status, StatusCode::OK, "moving within the branch is allowed: {}", r.text);
    app.cleanup().await;
}

#[tokio::test]
async fn lists_and_searches_without_a_subtree_stay_inside_the_grants() {
    let app = spawn_app().await;
    let elsewhere = another_county(&app).await;
    add_member(&app, &app.tree.other_branch, "石桥赵").await;
    let secretary = app.login("secretary").await;
    let ids = |r: &Reply| r.body["items"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    let orgs = ids(&secretary.get("/api/v1/orgs").await);
    let mut expected = vec![app.tree.branch.to_string(), app.tree.group.to_string()];
    expected.sort();
    assert_eq!(orgs, expected, "the branch and its group, nothing above or beside");
    assert_eq!(ids(&secretary.get("/api/v1/people").await), [app.tree.secretary.to_string()]);
    assert_eq!(secretary.get("/api/v1/people?q=%E7%9F%B3").await.body["items"], json!([]), "石桥赵 is in another branch");

    let page = secretary.get("/search?q=%E7%9F%B3%E6%A1%A5").await.dom(); // 石桥
    assert!(page.links_to(&format!("/orgs/{}", app.tree.branch)));
    assert!(!page.links_to(&format!("/orgs/{}", app.tree.other_branch)));
    assert!(!page.links_to(&format!("/orgs/{}", app.tree.village)));

    let admin = app.login("admin").await;
    let all = ids(&admin.get("/api/v1/orgs?limit=500").await);
    assert_eq!(all.len(), 6, "the county's six organizations");
    assert!(!all.contains(&elsewhere.org.to_string()));
    let people = ids(&admin.get("/api/v1/people?limit=500").await);
    assert!(!people.contains(&elsewhere.person.to_string()) && people.len() == 2);
    assert_eq!(secretary.get("/").await.location(), Some(format!("/orgs/{}", app.tree.branch).as_str()), "home is the branch");
    app.cleanup().await;
}

#[tokio::test]
async fn lists_over_several_subtrees_are_merged_and_paged_with_one_cursor() {
    let app = spawn_app().await;
    let elsewhere = another_county(&app).await;
    app.builder().grant(&app.accounts.secretary, Role::Secretary, &elsewhere.org).await;
    let secretary = app.login("secretary").await;
    let mut seen = Vec::new();
    let mut path = "/api/v1/orgs?limit=1".to_owned();
    loop {
        let page = secretary.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        seen.extend(page.body["items"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()));
        match page.body["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/orgs?limit=1&cursor={c}"),
            None => break,
        }
    }
    let mut expected = vec![app.tree.branch.to_string(), app.tree.group.to_string(), elsewhere.org.to_string()];
    expected.sort();
    assert_eq!(seen, expected, "both subtrees, in id order, each once");
    let home = secretary.get("/").await;
    assert_eq!(home.status, StatusCode::OK, "a choice of two starting points");
    let home = home.dom();
    assert!(home.links_to(&format!("/orgs/{}", elsewhere.org)) && home.links_to(&format!("/orgs/{}", app.tree.branch)));
    app.cleanup().await;
}

#[tokio::test]
async fn the_path_and_breadcrumb_show_only_the_organizations_the_viewer_may_open() {
    let app = spawn_app().await;
    let secretary = app.login("secretary").await;
    let path = secretary.get(&format!("/api/v1/orgs/{}/path", app.tree.group)).await;
    let names: Vec<&str> = path.body["items"].as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["石桥村第一党支部", "第一党小组"]);
    let page = secretary.get(&format!("/orgs/{}", app.tree.group)).await;
    let crumbs = page.dom();
    assert!(crumbs.find("ol.crumbs").links_to(&format!("/orgs/{}", app.tree.branch)));
    assert!(!crumbs.links_to(&format!("/orgs/{}", app.tree.village)), "no link that would only lead to 404");
    assert!(!page.text.contains("中共青川县委员会"));
    app.cleanup().await;
}

#[tokio::test]
async fn the_header_offers_each_role_its_own_pages() {
    let app = spawn_app().await;
    let admin = app.login("admin").await.get("/account").await.dom();
    assert!(admin.links_to("/admin/accounts") && !admin.links_to("/audit"));
    assert!(admin.says("县系统管理员") && admin.has("form[action=\"/logout\"]"));
    let auditor = app.login("auditor").await.get("/account").await.dom();
    assert!(auditor.links_to("/audit") && !auditor.links_to("/admin/accounts"));
    assert!(!auditor.has("form[action=\"/search\"]"), "an auditor has nothing to search");
    let secretary = app.login("secretary").await.get("/account").await.dom();
    assert!(!secretary.links_to("/audit") && !secretary.links_to("/admin/accounts"));
    assert!(secretary.has("form[action=\"/search\"]") && secretary.says("支部书记") && secretary.says("石桥村第一党支部"));
    app.cleanup().await;
}

#[tokio::test]
async fn an_auditor_starts_at_the_audit_trail_and_cannot_search_records() {
    let app = spawn_app().await;
    let auditor = app.login("auditor").await;
    assert_eq!(auditor.get("/").await.location(), Some("/audit"));
    assert_eq!(auditor.get("/search?q=%E7%8E%8B").await.status, StatusCode::NOT_FOUND);
    assert_eq!(auditor.get("/api/v1/people?q=%E7%8E%8B").await.body["items"], json!([]));
    assert_eq!(auditor.get("/api/v1/orgs").await.body["items"], json!([]));
    app.cleanup().await;
}

#[tokio::test]
async fn viewing_a_member_page_is_recorded_as_a_view_of_the_masked_id_number() {
    let app = spawn_app().await;
    let dept = app.login("dept").await;
    let views = |app: &TestApp| {
        let store = app.store.clone();
        let id = app.tree.secretary.to_string();
        async move { store.history(&id).await.unwrap().into_iter().filter(|e| e.action == "view_id_number").collect::<Vec<_>>() }
    };
    assert!(views(&app).await.is_empty());
    let page = dept.get(&format!("/people/{}", app.tree.secretary)).await;
    assert!(page.says("510***********"));
    let seen = views(&app).await;
    assert_eq!(seen.len(), 1);
    assert_eq!((seen[0].actor.as_str(), seen[0].entity.as_str()), (app.accounts.dept.as_str(), "person"));
    assert!(app.dump().await.contains("action=\"view_id_number\"") && app.dump().await.contains("address=\"127.0.0.1\""));
    dept.get(&format!("/api/v1/people/{}", app.tree.secretary)).await;
    assert_eq!(views(&app).await.len(), 2, "the API's masked number counts as a view too");
    let later = dept.get(&format!("/people/{}", app.tree.secretary)).await;
    assert!(later.says("查看身份证号") && later.says("镇组织委员"), "the history names the viewer");
    let sibling = add_member(&app, &app.tree.other_branch, "赵二支").await;
    let secretary = app.login("secretary").await;
    assert_eq!(secretary.get(&format!("/people/{sibling}")).await.status, StatusCode::NOT_FOUND);
    let sibling_views = app.store.history(sibling.as_str()).await.unwrap().into_iter().filter(|e| e.action == "view_id_number").count();
    assert_eq!(sibling_views, 0, "a refused page records nothing");
    app.cleanup().await;
}

// ── API tokens ───────────────────────────────────────────────────────────

/// Creates a token on the account page and returns its secret, read from the page.
async fn create_token(session: &Session, token_name: &str, org: &Id, scope: &str) -> String {
    let page = session.post_form("/account/tokens", &[("name", token_name), ("org_id", org.as_str()), ("scope", scope)]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert_eq!(page.headers["cache-control"], "no-store");
    let secret = page.shown_secret();
    let well_formed = secret.len() == 67 && secret.starts_with("cx_") && secret[3..].bytes().all(|b| b.is_ascii_hexdigit());
    assert!(well_formed, "no token on the page: {}", page.text);
    secret
}

#[tokio::test]
async fn a_token_created_on_the_page_is_shown_once_works_as_bearer_and_stops_when_revoked() {
    let app = spawn_app().await;
    let secretary = app.login("secretary").await;
    let secret = create_token(&secretary, "考勤系统", &app.tree.branch, "write").await;
    let account = secretary.get("/account").await;
    assert!(account.says("考勤系统"));
    assert!(!account.text.contains(&secret), "the secret is shown only once");
    assert!(!app.dump().await.contains(&secret[3..]), "only its hash is stored");

    let bearer = Bearer::new(&app.base, &secret);
    assert_eq!(bearer.get(&format!("/api/v1/orgs/{}", app.tree.branch)).await.status, StatusCode::OK);
    let member = json!({"org_id": app.tree.branch.as_str(), "name": "钱多", "id_number": domain::IdNumber::with_check_char("51082319850712341").unwrap().expose(),
        "category": "full", "join_date": "2010-07-01"});
    let created = bearer.post_json("/api/v1/people", &member).await;
    assert_eq!(created.status, StatusCode::CREATED, "a bearer call needs no CSRF token: {}", created.text);
    let history = app.store.history(&created.id()).await.unwrap();
    assert_eq!(history[0].actor, app.accounts.secretary.as_str(), "the token acts as its account");
    assert_eq!(bearer.get(&format!("/orgs/{}", app.tree.branch)).await.status, StatusCode::SEE_OTHER, "tokens do not open pages");

    let token_id = app.store.api_tokens_of(&app.accounts.secretary).await.unwrap()[0].id.clone();
    let revoked = secretary.post_form(&format!("/account/tokens/{token_id}/revoke"), &[]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.text);
    let refused = bearer.get(&format!("/api/v1/orgs/{}", app.tree.branch)).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::UNAUTHORIZED, Some("unauthenticated")));
    app.cleanup().await;
}

#[tokio::test]
async fn a_read_token_cannot_write_and_no_token_reaches_beyond_its_subtree() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let read = Bearer::new(&app.base, &create_token(&admin, "报表", &app.tree.branch, "read").await);
    assert_eq!(read.get(&format!("/api/v1/people/{}", app.tree.secretary)).await.status, StatusCode::OK);
    let before = app.dump().await;
    let r = read.patch_json(&format!("/api/v1/people/{}", app.tree.secretary), &json!({"name": "王建设", "version": 1})).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, Some("insufficient_scope")), "{}", r.text);
    let r = read.patch_json(&format!("/api/v1/orgs/{}", app.tree.other_branch), &json!({"name": "改名", "version": 1})).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, Some("not_found")), "outside the token's subtree: {}", r.text);
    assert_eq!(app.dump().await, before);

    let write = Bearer::new(&app.base, &create_token(&admin, "同步", &app.tree.branch, "write").await);
    let r = write.get(&format!("/api/v1/orgs/{}", app.tree.other_branch)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "the administrator may read it, the token may not");
    assert_eq!(admin.get(&format!("/api/v1/orgs/{}", app.tree.other_branch)).await.status, StatusCode::OK);
    let listed = write.get("/api/v1/orgs").await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 2, "the branch and its group: {}", listed.text);
    let r = write.patch_json(&format!("/api/v1/orgs/{}", app.tree.branch), &json!({"name": "石桥村党支部", "version": 1})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    app.cleanup().await;
}

#[tokio::test]
async fn a_token_is_never_wider_than_its_accounts_grants() {
    let app = spawn_app().await;
    let dept = app.login("dept").await;
    let write = Bearer::new(&app.base, &create_token(&dept, "写入", &app.tree.township, "write").await);
    let before = app.dump().await;
    let r = write.patch_json(&format!("/api/v1/people/{}", app.tree.secretary), &json!({"name": "王建设", "version": 1})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "the department may not change members, nor may its token: {}", r.text);
    assert_eq!(app.dump().await, before);
    let refused = dept.post_form("/account/tokens", &[("name", "县里"), ("org_id", app.tree.county.as_str()), ("scope", "read")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "no token for the county above the grant");
    assert_eq!(app.dump().await, before);
    assert!(testkit::app::plain_client().get(app.url("/api/v1/orgs")).send().await.unwrap().status() == StatusCode::UNAUTHORIZED);
    app.cleanup().await;
}

#[tokio::test]
async fn the_openapi_document_describes_bearer_authentication_and_the_refusals() {
    let app = spawn_app().await;
    let doc: Value = testkit::app::plain_client().get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    assert_eq!(doc["components"]["securitySchemes"]["session"]["in"], "cookie");
    assert!(doc["security"].as_array().unwrap().iter().any(|s| s.get("bearer").is_some()));
    for (path, method) in [("/api/v1/orgs", "get"), ("/api/v1/orgs", "post"), ("/api/v1/people/{id}", "patch")] {
        let responses = &doc["paths"][path][method]["responses"];
        for code in ["401", "403", "404"] {
            assert!(responses.get(code).is_some(), "{method} {path} describes {code}");
        }
    }
    assert_eq!(doc["paths"]["/api/v1/openapi.json"]["get"]["security"], json!([{}]), "the description itself is public");
    assert!(doc["info"]["description"].as_str().unwrap().contains("X-CSRF-Token"));
    app.cleanup().await;
}

#[tokio::test]
async fn every_answer_to_a_signed_in_caller_is_kept_out_of_caches_and_never_sniffed() {
    let app = spawn_app().await;
    let secretary = app.login("secretary").await;
    let missing = Id::generate();
    for path in [
        "/".to_owned(),
        format!("/orgs/{}", app.tree.branch),
        format!("/api/v1/orgs/{}", app.tree.branch),
        format!("/api/v1/orgs/{missing}"),
    ] {
        let reply = secretary.get(&path).await;
        assert!(!reply.status.is_server_error(), "{path}: {}", reply.status);
        assert_eq!(reply.headers["cache-control"], "no-store", "{path}");
        assert_eq!(reply.headers["x-content-type-options"], "nosniff", "{path}");
    }
    let stylesheet = secretary.get("/static/app.css").await;
    assert_eq!(stylesheet.status, StatusCode::OK);
    assert_ne!(stylesheet.headers["cache-control"], "no-store", "the stylesheet is the same for everyone");
    assert_eq!(stylesheet.headers["x-content-type-options"], "nosniff");
    let anonymous = app.get("/api/v1/orgs").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.headers["x-content-type-options"], "nosniff");
    app.cleanup().await;
}
