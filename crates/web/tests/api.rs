//! The JSON API through real HTTP against the real application: paging,
//! the organization tree, members, idempotent POSTs, and every kind of bad
//! input (each shown to change nothing in the database).
#![allow(clippy::unwrap_used)]

use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashSet;
use testkit::app::{Reply, Session, TestApp, spawn_app};

/// A valid ID number for someone born on `birth` (YYYYMMDD).
fn id_number(birth: &str, sequence: &str) -> String {
    testkit::id_number(&format!("510823{birth}{sequence}"))
}

fn new_branch(app: &TestApp, parent: &str, name: &str) -> Value {
    let _ = app;
    json!({"parent_id": parent, "name": name, "level": "grassroots", "kind": "branch", "unit_type": "village", "founded_on": "2020-01-01"})
}

fn new_member(org_id: &str, name: &str, id_number: &str) -> Value {
    json!({
        "org_id": org_id, "name": name, "ethnicity": "汉族", "id_number": id_number, "category": "full",
        "join_date": "2010-07-01", "full_member_date": "2011-07-01", "phone": "13912345678", "positions": ["committee_member"]
    })
}

// ── organizations ────────────────────────────────────────────────────────

#[tokio::test]
async fn listing_orgs_with_a_cursor_visits_every_org_exactly_once() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let village = app.tree.village.to_string();
    for i in 0..20 {
        let created = admin.post_json("/api/v1/orgs", &new_branch(&app, &village, &format!("第{i}党支部"))).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    }
    let mut seen = Vec::new();
    let mut pages = 0;
    let mut next: Option<String> = None;
    loop {
        let path = match &next {
            Some(cursor) => format!("/api/v1/orgs?limit=7&cursor={cursor}"),
            None => "/api/v1/orgs?limit=7".to_owned(),
        };
        let page = admin.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        let items = page.body["items"].as_array().unwrap();
        assert!(items.len() <= 7);
        seen.extend(items.iter().map(|o| o["id"].as_str().unwrap().to_owned()));
        pages += 1;
        match page.body["next_cursor"].as_str() {
            Some(cursor) => next = Some(cursor.to_owned()),
            None => break,
        }
    }
    let distinct: HashSet<&String> = seen.iter().collect();
    assert_eq!(seen.len(), 26, "6 seeded + 20 created");
    assert_eq!(distinct.len(), seen.len(), "no org twice");
    assert_eq!(pages, 4);
    let under_village = admin.get(&format!("/api/v1/orgs?under={village}&limit=500")).await;
    assert_eq!(
        under_village.body["items"].as_array().unwrap().len(),
        24,
        "the village, its two branches, their group and the 20 new branches"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn an_org_can_be_founded_read_and_renamed() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let created = admin.post_json("/api/v1/orgs", &new_branch(&app, app.tree.village.as_str(), "石桥村第三党支部")).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.id();
    assert_eq!(created.location(), Some(format!("/api/v1/orgs/{id}").as_str()));
    assert_eq!(created.body["parent_id"], app.tree.village.as_str());
    assert_eq!(created.body["level"], "grassroots");
    assert_eq!(created.body["kind"], "branch");
    assert_eq!(created.body["founded_on"], "2020-01-01");
    assert_eq!(created.body["closed_on"], Value::Null);
    assert_eq!(created.version(), 1);

    let read = admin.get(&format!("/api/v1/orgs/{id}")).await;
    assert_eq!(read.body, created.body);

    let renamed =
        admin.patch_json(&format!("/api/v1/orgs/{id}"), &json!({"name": "石桥村产业党支部", "unit_type": null, "version": 1})).await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    assert_eq!(renamed.body["name"], "石桥村产业党支部");
    assert_eq!(renamed.body["unit_type"], Value::Null);
    assert_eq!(renamed.version(), 2);
    let history = app.store.history(&id).await.unwrap();
    assert_eq!(history.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["create", "update"]);
    assert!(history.iter().all(|e| e.actor == app.accounts.admin.as_str()), "the administrator made both changes");
    app.cleanup().await;
}

#[tokio::test]
async fn a_stale_version_gets_409_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let branch = app.tree.branch.to_string();
    let before = app.dump().await;
    let stale = admin.patch_json(&format!("/api/v1/orgs/{branch}"), &json!({"name": "新名称", "version": 7})).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
    assert_eq!(stale.code(), Some("version_conflict"));
    let stale_move =
        admin.post_json(&format!("/api/v1/orgs/{branch}/move"), &json!({"parent_id": app.tree.township.as_str(), "version": 2})).await;
    assert_eq!(stale_move.status, StatusCode::CONFLICT);
    let stale_person = admin.patch_json(&format!("/api/v1/people/{}", app.tree.secretary), &json!({"name": "王建设", "version": 9})).await;
    assert_eq!(stale_person.status, StatusCode::CONFLICT);
    assert_eq!(app.dump().await, before);
    app.cleanup().await;
}

#[tokio::test]
async fn a_patch_without_a_version_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let before = app.dump().await;
    let r = admin.patch_json(&format!("/api/v1/orgs/{}", app.tree.branch), &json!({"name": "新名称"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!((r.code(), r.field()), (Some("required"), Some("version")));
    assert_eq!(app.dump().await, before);
    app.cleanup().await;
}

#[tokio::test]
async fn moving_a_branch_takes_its_group_along_and_the_old_path_stays_on_record() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let (township, branch, group) = (app.tree.township.to_string(), app.tree.branch.to_string(), app.tree.group.to_string());
    let new_village = admin.post_json(
                "/api/v1/orgs",
        &json!({"parent_id": township, "name": "中共白沙村委员会", "level": "grassroots", "kind": "committee", "unit_type": "village", "founded_on": "2001-01-01"}),
    )
    .await
    .id();
    let moved = admin.post_json(&format!("/api/v1/orgs/{branch}/move"), &json!({"parent_id": new_village, "version": 1})).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    assert_eq!(moved.body["parent_id"], new_village.as_str());
    assert_eq!(moved.version(), 2);

    let ids = |r: &Reply| r.body["items"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    let now = admin.get(&format!("/api/v1/orgs/{group}/path")).await;
    assert_eq!(ids(&now), [app.tree.county.to_string(), township.clone(), new_village.clone(), branch.clone(), group.clone()]);
    let day_before = admin.get(&format!("/api/v1/orgs/{group}/path?on=2026-11-22")).await;
    assert_eq!(
        ids(&day_before),
        [app.tree.county.to_string(), township.clone(), app.tree.village.to_string(), branch.clone(), group.clone()]
    );
    let children = admin.get(&format!("/api/v1/orgs/{new_village}/children")).await;
    assert_eq!(ids(&children), [branch.as_str()]);
    let old_children = admin.get(&format!("/api/v1/orgs/{}/children", app.tree.village)).await;
    assert_eq!(ids(&old_children), [app.tree.other_branch.to_string()]);
    let branch_before = admin.get(&format!("/api/v1/orgs/{branch}?on=2026-11-22")).await;
    assert_eq!(branch_before.body["parent_id"], app.tree.village.as_str());
    app.cleanup().await;
}

#[tokio::test]
async fn an_org_cannot_move_under_its_own_descendant() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let before = app.dump().await;
    let r = admin
        .post_json(&format!("/api/v1/orgs/{}/move", app.tree.village), &json!({"parent_id": app.tree.branch.as_str(), "version": 1}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.field(), Some("parent_id"));
    assert_eq!(app.dump().await, before);
    app.cleanup().await;
}

#[tokio::test]
async fn an_org_closes_only_once_no_members_or_open_children_remain() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let (branch, group) = (app.tree.branch.to_string(), app.tree.group.to_string());
    let before = app.dump().await;
    let with_child = admin.post_json(&format!("/api/v1/orgs/{branch}/close"), &json!({"version": 1})).await;
    assert_eq!(with_child.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", with_child.text);
    assert_eq!(with_child.code(), Some("rule_violated"));
    assert_eq!(app.dump().await, before);

    let group_closed = admin.post_json(&format!("/api/v1/orgs/{group}/close"), &json!({"version": 1})).await;
    assert_eq!(group_closed.status, StatusCode::OK, "{}", group_closed.text);
    assert_eq!(group_closed.body["closed_on"], testkit::TODAY);

    let before = app.dump().await;
    let with_member = admin.post_json(&format!("/api/v1/orgs/{branch}/close"), &json!({"version": 1})).await;
    assert_eq!(with_member.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", with_member.text);
    assert_eq!(with_member.body["error"]["message"], "该组织仍有党员，请先转移组织关系");
    assert_eq!(app.dump().await, before);

    let moved = admin
        .post_json(&format!("/api/v1/people/{}/move", app.tree.secretary), &json!({"org_id": app.tree.other_branch.as_str(), "version": 1}))
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    let closed = admin.post_json(&format!("/api/v1/orgs/{branch}/close"), &json!({"version": 1})).await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text);
    assert_eq!(closed.body["closed_on"], testkit::TODAY);
    assert_eq!(closed.version(), 2);
    app.cleanup().await;
}

// ── people ───────────────────────────────────────────────────────────────

#[tokio::test]
async fn a_member_can_be_recorded_read_changed_and_moved_between_branches() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let (branch, other) = (app.tree.branch.to_string(), app.tree.other_branch.to_string());
    let number = id_number("19850712", "341");
    let created = admin.post_json("/api/v1/people", &new_member(&branch, "李明", &number)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.id();
    assert_eq!(created.location(), Some(format!("/api/v1/people/{id}").as_str()));
    assert!(!created.text.contains(&number) && !created.text.contains("13912345678"), "{}", created.text);
    assert_eq!(created.body["id_number_masked"], format!("510***********{}", &number[14..]));
    assert_eq!(created.body["phone_masked"], "139****5678");
    assert_eq!(created.body["sex"], "male");
    assert_eq!(created.body["birth_date"], "1985-07-12");
    assert_eq!(created.body["join_date"], "2010-07-01");
    assert_eq!(created.body["positions"], json!(["committee_member"]));
    assert_eq!(created.body["org_id"], branch.as_str());

    assert_eq!(admin.get(&format!("/api/v1/people/{id}")).await.body, created.body);

    let changed = admin
        .patch_json(
            &format!("/api/v1/people/{id}"),
            &json!({"cadre_rank": "section", "phone": null, "positions": ["secretary"], "version": 1}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!(changed.body["cadre_rank"], "section");
    assert_eq!(changed.body["phone_masked"], Value::Null);
    assert_eq!(changed.body["positions"], json!(["secretary"]));

    let moved = admin.post_json(&format!("/api/v1/people/{id}/move"), &json!({"org_id": other, "version": 2})).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    assert_eq!(moved.body["org_id"], other.as_str());
    assert_eq!(moved.body["positions"], json!([]));
    assert_eq!(moved.version(), 3);

    let ids = |r: &Reply| r.body["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert!(ids(&admin.get(&format!("/api/v1/people?under={other}")).await).contains(&id));
    assert!(!ids(&admin.get(&format!("/api/v1/people?under={branch}")).await).contains(&id));
    let yesterday = admin.get(&format!("/api/v1/people/{id}?on=2026-11-22")).await;
    assert_eq!(yesterday.body["org_id"], branch.as_str());
    app.cleanup().await;
}

#[tokio::test]
async fn members_are_paged_and_searched_within_a_subtree() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let other = app.tree.other_branch.to_string();
    for i in 0..5 {
        let r = admin.post_json("/api/v1/people", &new_member(&other, &format!("赵{i}"), &id_number("19800101", &format!("12{i}")))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let first = admin.get(&format!("/api/v1/people?under={}&limit=4", app.tree.county)).await;
    assert_eq!(first.body["items"].as_array().unwrap().len(), 4);
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let second = admin.get(&format!("/api/v1/people?under={}&limit=4&cursor={cursor}", app.tree.county)).await;
    assert_eq!(second.body["items"].as_array().unwrap().len(), 2, "5 new members and the secretary");
    assert_eq!(second.body["next_cursor"], Value::Null);
    let found = admin.get("/api/v1/people?q=%E8%B5%B5").await;
    assert_eq!(found.body["items"].as_array().unwrap().len(), 5, "{}", found.text);
    let none = admin.get(&format!("/api/v1/people?q=%E8%B5%B5&under={}", app.tree.branch)).await;
    assert_eq!(none.body["items"], json!([]));
    app.cleanup().await;
}

#[tokio::test]
async fn a_bad_check_digit_is_refused_without_echoing_the_number() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let good = id_number("19850712", "341");
    let wrong_digit = if good.ends_with('1') { '2' } else { '1' };
    let bad = format!("{}{wrong_digit}", &good[..17]);
    let before = app.dump().await;
    let r = admin.post_json("/api/v1/people", &new_member(app.tree.branch.as_str(), "李明", &bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!((r.code(), r.field()), (Some("bad_check_digit"), Some("id_number")));
    assert!(!r.text.contains(&bad[..17]) && !r.text.contains("19850712"), "{}", r.text);
    assert_eq!(app.dump().await, before);
    app.cleanup().await;
}

#[tokio::test]
async fn an_id_number_sent_as_a_number_is_not_echoed_either() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let before = app.dump().await;
    let raw = r#"{"org_id": "x", "name": "李明", "id_number": 510823198507123412, "category": "full", "join_date": "2010-07-01"}"#;
    let r = admin.post_bytes("/api/v1/people", "application/json", raw).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!((r.code(), r.field()), (Some("bad_json"), Some("id_number")));
    assert!(!r.text.contains("5108231985"), "{}", r.text);
    assert_eq!(app.dump().await, before);
    app.cleanup().await;
}

#[tokio::test]
async fn a_join_date_in_the_future_is_refused() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let before = app.dump().await;
    let mut body = new_member(app.tree.branch.as_str(), "李明", &id_number("19850712", "341"));
    body["join_date"] = json!("2027-01-01");
    body["full_member_date"] = Value::Null;
    let r = admin.post_json("/api/v1/people", &body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!((r.code(), r.field()), (Some("in_future"), Some("join_date")));
    assert_eq!(app.dump().await, before);
    app.cleanup().await;
}

#[tokio::test]
async fn joining_before_eighteen_is_refused() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let before = app.dump().await;
    let mut body = new_member(app.tree.branch.as_str(), "李明", &id_number("19950712", "341"));
    body["join_date"] = json!("2013-06");
    body["full_member_date"] = Value::Null;
    let r = admin.post_json("/api/v1/people", &body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!((r.code(), r.field()), (Some("joined_before_eighteen"), Some("join_date")));
    assert_eq!(app.dump().await, before);
    app.cleanup().await;
}

#[tokio::test]
async fn a_month_without_a_day_is_a_valid_join_date() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let mut body = new_member(app.tree.branch.as_str(), "李明", &id_number("19850712", "341"));
    body["join_date"] = json!("2010-07");
    let r = admin.post_json("/api/v1/people", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["join_date"], "2010-07");
    app.cleanup().await;
}

#[tokio::test]
async fn a_member_missing_required_fields_is_refused_naming_the_first() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let before = app.dump().await;
    let r = admin.post_json("/api/v1/people", &json!({"org_id": app.tree.branch.as_str(), "name": "李明"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!((r.code(), r.field()), (Some("required"), Some("id_number")));
    let r = admin.post_json("/api/v1/orgs", &json!({"name": "x"})).await;
    assert_eq!((r.code(), r.field()), (Some("required"), Some("parent_id")));
    assert_eq!(app.dump().await, before);
    app.cleanup().await;
}

// ── idempotency ──────────────────────────────────────────────────────────

#[tokio::test]
async fn a_retried_post_with_the_same_idempotency_key_creates_nothing_new() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let body = new_branch(&app, app.tree.village.as_str(), "石桥村第三党支部");
    let first = admin.post_json_with_key("/api/v1/orgs", "create-third-branch", &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let after_first = app.dump().await;
    let retry = admin.post_json_with_key("/api/v1/orgs", "create-third-branch", &body).await;
    assert_eq!(retry.status, first.status);
    assert_eq!(retry.text, first.text);
    assert_eq!(retry.location(), first.location());
    assert_eq!(app.dump().await, after_first);
    let children = admin.get(&format!("/api/v1/orgs/{}/children", app.tree.village)).await;
    assert_eq!(children.body["items"].as_array().unwrap().len(), 3);
    app.cleanup().await;
}

#[tokio::test]
async fn reusing_an_idempotency_key_for_another_request_is_refused() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let first = admin.post_json_with_key("/api/v1/orgs", "k-1", &new_branch(&app, app.tree.village.as_str(), "第三党支部")).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let before = app.dump().await;
    let other = admin.post_json_with_key("/api/v1/orgs", "k-1", &new_branch(&app, app.tree.village.as_str(), "第四党支部")).await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", other.text);
    assert_eq!(other.code(), Some("idempotency_key_reused"));
    assert_eq!(app.dump().await, before);
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_posts_with_one_key_create_one_record() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let body = new_member(app.tree.other_branch.as_str(), "孙立", &id_number("19900101", "123"));
    let replies = futures_join(&admin, &body).await;
    for r in &replies {
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        assert_eq!(r.text, replies[0].text);
    }
    let listed = admin.get(&format!("/api/v1/people?under={}", app.tree.other_branch)).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
    app.cleanup().await;
}

async fn futures_join(s: &Session, body: &Value) -> Vec<Reply> {
    let mut handles = Vec::new();
    for _ in 0..6 {
        let request = s.client.post(s.url("/api/v1/people")).header("Idempotency-Key", "same-member").json(body);
        handles.push(tokio::spawn(async move { request.send().await }));
    }
    let mut replies = Vec::new();
    for handle in handles {
        replies.push(Reply::of(handle.await.unwrap().unwrap()).await);
    }
    replies
}

// ── bad input ────────────────────────────────────────────────────────────

#[tokio::test]
async fn malformed_json_is_a_400() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let before = app.dump().await;
    for raw in [r#"{"name": "#, "not json", "[1, 2, 3]", ""] {
        let r = admin.post_bytes("/api/v1/orgs", "application/json", raw).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{raw}: {}", r.text);
        assert_eq!(r.code(), Some("bad_json"));
    }
    assert_eq!(app.dump().await, before);
    app.cleanup().await;
}

#[tokio::test]
async fn a_body_not_declared_as_json_is_a_415_and_a_wrong_method_a_405() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let before = app.dump().await;
    let body = new_branch(&app, app.tree.village.as_str(), "第三党支部").to_string();
    let r = admin.post_bytes("/api/v1/orgs", "text/plain", body).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.text);
    assert_eq!(r.code(), Some("unsupported_media_type"));
    let r = admin.delete(&format!("/api/v1/orgs/{}", app.tree.branch)).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{}", r.text);
    assert_eq!(r.code(), Some("method_not_allowed"));
    let r = admin.get("/api/v1/nothing-here").await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, Some("not_found")));
    assert_eq!(app.dump().await, before);
    app.cleanup().await;
}

#[tokio::test]
async fn a_wrong_type_is_a_400_naming_the_field() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let before = app.dump().await;
    let r = admin.patch_json(&format!("/api/v1/orgs/{}", app.tree.branch), &json!({"name": "新名称", "version": "1"})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!((r.code(), r.field()), (Some("bad_json"), Some("version")));
    assert_eq!(app.dump().await, before);
    app.cleanup().await;
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_a_413() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let before = app.dump().await;
    let huge = format!(r#"{{"name": "{}"}}"#, "a".repeat(2 * 1024 * 1024));
    let r = admin.post_bytes("/api/v1/orgs", "application/json", huge).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);
    assert_eq!(r.code(), Some("payload_too_large"));
    assert_eq!(app.dump().await, before);
    app.cleanup().await;
}

#[tokio::test]
async fn unknown_fields_are_refused_by_name() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let before = app.dump().await;
    let mut body = new_branch(&app, app.tree.village.as_str(), "第三党支部");
    body["secretary"] = json!("王五");
    let r = admin.post_json("/api/v1/orgs", &body).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!((r.code(), r.field()), (Some("unknown_field"), Some("secretary")));
    assert_eq!(app.dump().await, before);
    app.cleanup().await;
}

#[tokio::test]
async fn injection_strings_are_stored_as_text_and_returned_verbatim() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let script = "<script>alert('x')</script>";
    let sql = "'; DROP TABLE people; --";
    let org = admin.post_json("/api/v1/orgs", &new_branch(&app, app.tree.village.as_str(), script)).await;
    assert_eq!(org.status, StatusCode::CREATED, "{}", org.text);
    assert_eq!(admin.get(&format!("/api/v1/orgs/{}", org.id())).await.body["name"], script);
    let person = admin.post_json("/api/v1/people", &new_member(&org.id(), sql, &id_number("19850712", "341"))).await;
    assert_eq!(person.status, StatusCode::CREATED, "{}", person.text);
    assert_eq!(admin.get(&format!("/api/v1/people/{}", person.id())).await.body["name"], sql);
    let search = admin.get("/api/v1/people?q=%27%3B%20DROP").await;
    assert_eq!(search.body["items"][0]["name"], sql, "{}", search.text);
    assert_eq!(admin.get("/api/v1/people").await.body["items"].as_array().unwrap().len(), 2);
    app.cleanup().await;
}

#[tokio::test]
async fn malformed_ids_are_answered_like_missing_ones() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let before = app.dump().await;
    let upper = app.tree.branch.as_str().to_uppercase();
    for path in [
        "/api/v1/orgs/1".to_owned(),
        "/api/v1/orgs/..%2F..%2Fetc%2Fpasswd".to_owned(),
        format!("/api/v1/orgs/{upper}"),
        format!("/api/v1/orgs/{upper}/path"),
        "/api/v1/people/%27%20OR%201%3D1".to_owned(),
        format!("/api/v1/people/{}", domain::Id::generate()),
        format!("/api/v1/orgs?under={upper}"),
    ] {
        let r = admin.get(&path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text);
        assert_eq!(r.code(), Some("not_found"));
    }
    let r = admin.patch_json(&format!("/api/v1/orgs/{upper}"), &json!({"name": "x", "version": 1})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = admin.post_json("/api/v1/people/not-an-id/move", &json!({"org_id": app.tree.branch.as_str(), "version": 1})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.dump().await, before);
    app.cleanup().await;
}

#[tokio::test]
async fn overlong_names_nul_characters_and_direction_overrides_are_refused() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let before = app.dump().await;
    for (name, code) in [
        ("长".repeat(10_000), "too_long"),
        ("石桥\u{0}支部".to_owned(), "control_character"),
        ("石桥\u{202E}支部".to_owned(), "control_character"),
    ] {
        let r = admin.post_json("/api/v1/orgs", &new_branch(&app, app.tree.village.as_str(), &name)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert_eq!((r.code(), r.field()), (Some(code), Some("name")));
        assert!(r.text.len() < 1_000, "the error does not repeat the whole name");
        let r = admin.post_json("/api/v1/people", &new_member(app.tree.branch.as_str(), &name, &id_number("19850712", "341"))).await;
        assert_eq!((r.code(), r.field()), (Some(code), Some("name")));
    }
    assert_eq!(app.dump().await, before);
    app.cleanup().await;
}

#[tokio::test]
async fn bad_paging_parameters_are_refused_naming_them() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    for (query, field) in
        [("limit=0", "limit"), ("limit=501", "limit"), ("limit=ten", "limit"), ("cursor=zzz", "cursor"), ("on=2026-13-01", "on")]
    {
        let r = admin.get(&format!("/api/v1/orgs?{query}")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {}", r.text);
        assert_eq!(r.field(), Some(field));
    }
    app.cleanup().await;
}

#[tokio::test]
async fn writes_are_audited_with_the_client_address() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let id = admin.post_json("/api/v1/orgs", &new_branch(&app, app.tree.village.as_str(), "第三党支部")).await.id();
    let entries = app.store.history(&id).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].actor, app.accounts.admin.as_str());
    assert!(app.dump().await.contains(r#"address="127.0.0.1""#));
    app.cleanup().await;
}

// ── OpenAPI ──────────────────────────────────────────────────────────────

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let r = admin.get("/api/v1/openapi.json").await;
    if let Ok(path) = std::env::var("CHANGXIAO_WRITE_OPENAPI") {
        std::fs::write(path, &r.text).unwrap();
    }
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body["openapi"].as_str().unwrap().starts_with("3."), "{}", r.body["openapi"]);
    let paths = r.body["paths"].as_object().unwrap();
    for (path, methods) in [
        ("/api/v1/orgs", &["get", "post"][..]),
        ("/api/v1/orgs/{id}", &["get", "patch"]),
        ("/api/v1/orgs/{id}/move", &["post"]),
        ("/api/v1/orgs/{id}/close", &["post"]),
        ("/api/v1/orgs/{id}/children", &["get"]),
        ("/api/v1/orgs/{id}/path", &["get"]),
        ("/api/v1/people", &["get", "post"]),
        ("/api/v1/people/{id}", &["get", "patch"]),
        ("/api/v1/people/{id}/move", &["post"]),
        ("/api/v1/openapi.json", &["get"]),
    ] {
        for method in methods {
            assert!(paths.get(path).and_then(|p| p.get(*method)).is_some(), "{method} {path} is described");
        }
    }
    let operation_ids: Vec<&str> =
        paths.values().flat_map(|p| p.as_object().unwrap().values()).filter_map(|op| op["operationId"].as_str()).collect();
    assert_eq!(operation_ids.iter().collect::<HashSet<_>>().len(), operation_ids.len(), "operation ids are unique");
    let schemas = r.body["components"]["schemas"].as_object().unwrap();
    for name in ["ErrorBody", "Organization", "OrganizationPage", "NewOrganization", "Person", "NewPerson", "OrgKind", "PositionKind"] {
        assert!(schemas.contains_key(name), "schema {name}");
    }
    assert_eq!(schemas["OrgKind"]["enum"].as_array().unwrap().len(), domain::OrgKind::ALL.len());
    app.cleanup().await;
}

#[tokio::test]
async fn errors_are_worded_in_the_language_the_call_asks_for() {
    let app = spawn_app().await;
    let ask = |lang: Option<&'static str>| {
        let mut request = app.client.get(app.url("/api/v1/orgs"));
        if let Some(lang) = lang {
            request = request.header(reqwest::header::ACCEPT_LANGUAGE, lang);
        }
        request.send()
    };
    for (lang, words) in [
        (None, "请先登录，或提供有效的 API 令牌"),
        (Some("zh-CN,zh;q=0.9"), "请先登录，或提供有效的 API 令牌"),
        (Some("en-GB,en;q=0.8"), "log in, or send a valid API token (Authorization: Bearer cx_…)"),
        (Some("fr, de"), "请先登录，或提供有效的 API 令牌"),
    ] {
        let response = ask(lang).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(response.headers().get_all(reqwest::header::VARY).iter().any(|v| v == "Accept-Language"), "{lang:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unauthenticated");
        assert_eq!(body["error"]["message"], words, "{lang:?}");
    }
    let s = app.login("admin").await;
    let bad = app
        .client
        .post(app.url("/api/v1/orgs"))
        .header(reqwest::header::COOKIE, &s.cookie)
        .header("x-csrf-token", &s.csrf)
        .header(reqwest::header::ACCEPT_LANGUAGE, "en")
        .json(&json!({"parent_id": app.tree.county, "name": "", "level": "township", "kind": "committee", "founded_on": "2020-01-01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = bad.json().await.unwrap();
    assert_eq!((body["error"]["code"].as_str(), body["error"]["field"].as_str()), (Some("required"), Some("name")));
    assert_eq!(body["error"]["message"], "Name: is required");
    app.cleanup().await;
}
