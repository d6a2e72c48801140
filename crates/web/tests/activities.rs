#![allow(clippy::unwrap_used)]
//! Activities, requirement settings and exemptions through the JSON API, on
//! the real application: a secretary records and reads the branch's
//! activities, a retried POST creates one, another branch's secretary sees
//! nothing, bad input is a 422 naming the field and changes nothing, and
//! settings and exemptions need `supervise`.

use domain::access::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::activities::activity;
use testkit::app::{TestApp, spawn_app};

/// The branch's November assembly, presented by its secretary.
fn assembly(app: &TestApp) -> Value {
    activity("members_assembly", &app.tree.branch, "2026-11-20")
        .titled("十一月党员大会")
        .starting("19:30")
        .presented_by(&app.tree.secretary)
        .agenda_item("theory_study", "学习最新重要讲话")
        .agenda(&["business"])
        .json()
}

#[tokio::test]
async fn a_secretary_records_an_activity_and_reads_it_back() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let created = s.post_json("/api/v1/activities", &assembly(&app)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.id();
    assert_eq!(created.location(), Some(format!("/api/v1/activities/{id}").as_str()));
    let body = &created.body;
    assert_eq!(body["kind"], "members_assembly");
    assert_eq!(body["starts_at"], "19:30");
    assert_eq!(body["agenda"][0]["kind"], "theory_study");
    assert_eq!(body["version"], 1);
    assert!(body["created_at"].as_str().unwrap().ends_with("+08:00"), "{}", created.text);
    // Without a list, the branch's members are expected; all present.
    assert_eq!(body["participants"], json!([{"person_id": app.tree.secretary.to_string(), "present": true, "absence_reason": null}]));

    let read = s.get(&format!("/api/v1/activities/{id}")).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body, created.body);
    let list = s.get(&format!("/api/v1/activities?org={}&from=2026-11-01&kind=members_assembly", app.tree.branch)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(list.body["items"][0]["id"], id.as_str());
    let mine = s.get("/api/v1/activities").await;
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 1, "without org: the caller's subtrees");
    let before = s.get(&format!("/api/v1/activities?org={}&to=2026-11-19", app.tree.village)).await;
    assert_eq!(before.status, StatusCode::NOT_FOUND, "the village is outside the secretary's grant");

    // Absences are recorded by exception, with their reason.
    let mut with_absence = assembly(&app);
    with_absence["participants"] = json!([app.tree.secretary.to_string()]);
    with_absence["absentees"] = json!([{"person_id": app.tree.secretary.to_string(), "reason": "出差"}]);
    let absent = s.post_json("/api/v1/activities", &with_absence).await;
    assert_eq!(absent.status, StatusCode::CREATED, "{}", absent.text);
    assert_eq!(absent.body["participants"][0]["present"], false);
    assert_eq!(absent.body["participants"][0]["absence_reason"], "出差");
    // The reason is the recording secretary's and the supervisors' to read;
    // the administrator reads the record without it, and lists never carry it.
    let path = format!("/api/v1/activities/{}", absent.body["id"].as_str().unwrap());
    assert_eq!(s.get(&path).await.body["participants"][0]["absence_reason"], "出差");
    assert_eq!(app.login("supervisor").await.get(&path).await.body["participants"][0]["absence_reason"], "出差");
    let admin = app.login("admin").await.get(&path).await;
    assert_eq!(admin.status, StatusCode::OK);
    assert_eq!(admin.body["participants"][0]["present"], false);
    assert_eq!(admin.body["participants"][0]["absence_reason"], json!(null));
    let listed = s.get("/api/v1/activities").await;
    assert!(
        listed.body["items"].as_array().unwrap().iter().all(|a| a["participants"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["absence_reason"].is_null()))
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_retried_post_with_the_same_key_records_one_activity() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let first = s.post_json_with_key("/api/v1/activities", "assembly-2026-11", &assembly(&app)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let again = s.post_json_with_key("/api/v1/activities", "assembly-2026-11", &assembly(&app)).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.headers.get("idempotent-replayed").and_then(|v| v.to_str().ok()), Some("true"));
    assert_eq!(again.id(), first.id());
    let list = s.get(&format!("/api/v1/activities?org={}", app.tree.branch)).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    let mut other = assembly(&app);
    other["duration_minutes"] = json!(30);
    let reused = s.post_json_with_key("/api/v1/activities", "assembly-2026-11", &other).await;
    assert_eq!((reused.status, reused.code()), (StatusCode::UNPROCESSABLE_ENTITY, Some("idempotency_key_reused")));
    app.cleanup().await;
}

#[tokio::test]
async fn the_secretary_of_another_branch_sees_nothing() {
    let app = spawn_app().await;
    app.builder().account("secretary2", "第二支部书记").role(Role::Secretary, &app.tree.other_branch).await;
    let s = app.login("secretary").await;
    let id = s.post_json("/api/v1/activities", &assembly(&app)).await.id();
    let other = app.login("secretary2").await;
    let read = other.get(&format!("/api/v1/activities/{id}")).await;
    assert_eq!((read.status, read.code()), (StatusCode::NOT_FOUND, Some("not_found")));
    let list = other.get(&format!("/api/v1/activities?org={}", app.tree.branch)).await;
    assert_eq!(list.status, StatusCode::NOT_FOUND);
    let theirs = other.get("/api/v1/activities").await;
    assert_eq!(theirs.body["items"], json!([]));
    let before = app.dump().await;
    let posted = other.post_json("/api/v1/activities", &assembly(&app)).await;
    assert_eq!((posted.status, posted.code(), posted.field()), (StatusCode::UNPROCESSABLE_ENTITY, Some("not_found"), Some("host_org_id")));
    let deleted = other.delete(&format!("/api/v1/activities/{id}?version=1")).await;
    assert_eq!(deleted.status, StatusCode::NOT_FOUND);
    assert_eq!(app.dump().await, before);
    // The township's organization department reads it; it records nothing.
    let dept = app.login("dept").await;
    assert_eq!(dept.get(&format!("/api/v1/activities/{id}")).await.status, StatusCode::OK);
    assert_eq!(dept.post_json("/api/v1/activities", &assembly(&app)).await.field(), Some("host_org_id"));
    app.cleanup().await;
}

#[tokio::test]
async fn bad_activities_are_refused_naming_the_field_and_change_nothing() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let cases: Vec<(&str, Value, &str)> = vec![
        ("kind", json!("tea_party"), "unknown_value"),
        ("held_on", json!("2026-11-24"), "in_future"),
        ("held_on", json!("2026-13-01"), "not_a_date"),
        ("held_on", json!("1999-12-31"), "invalid"),
        ("duration_minutes", json!(0), "invalid"),
        ("duration_minutes", Value::Null, "required"),
        ("starts_at", json!("7pm"), "not_a_time"),
        ("presenter_id", json!(domain::Id::generate().to_string()), "not_found"),
        ("participants", json!([domain::Id::generate().to_string()]), "invalid"),
        ("absentees", json!([{"person_id": app.tree.secretary.to_string(), "reason": ""}]), "invalid"),
        ("agenda", json!([{"kind": "karaoke"}]), "unknown_value"),
        ("visit_kind", json!("publicize"), "invalid"),
        ("polarity", json!("positive"), "invalid"),
        ("title", json!("x".repeat(201)), "too_long"),
    ];
    let before = app.dump().await;
    for (field, value, code) in cases {
        let mut body = assembly(&app);
        body[field] = value;
        let r = s.post_json("/api/v1/activities", &body).await;
        assert_eq!((r.status, r.field(), r.code()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field), Some(code)), "{field}: {}", r.text);
    }
    let mut visit = assembly(&app);
    visit["kind"] = json!("grassroots_visit");
    let r = s.post_json("/api/v1/activities", &visit).await;
    assert_eq!((r.status, r.field(), r.code()), (StatusCode::UNPROCESSABLE_ENTITY, Some("visit_kind"), Some("required")));
    let mut unknown = assembly(&app);
    unknown["colour"] = json!("red");
    assert_eq!(s.post_json("/api/v1/activities", &unknown).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.dump().await, before, "a refused activity changed something");
    app.cleanup().await;
}

#[tokio::test]
async fn an_activity_is_deleted_with_its_current_version() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let id = s.post_json("/api/v1/activities", &assembly(&app)).await.id();
    let stale = s.delete(&format!("/api/v1/activities/{id}?version=3")).await;
    assert_eq!((stale.status, stale.code()), (StatusCode::CONFLICT, Some("version_conflict")));
    let missing = s.delete(&format!("/api/v1/activities/{id}")).await;
    assert_eq!((missing.status, missing.field()), (StatusCode::UNPROCESSABLE_ENTITY, Some("version")));
    let done = s.delete(&format!("/api/v1/activities/{id}?version=1")).await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.text);
    assert_eq!(s.get(&format!("/api/v1/activities/{id}")).await.status, StatusCode::NOT_FOUND);
    app.cleanup().await;
}

#[tokio::test]
async fn exemptions_need_supervise_and_are_read_by_the_branch() {
    let app = spawn_app().await;
    let body = json!({
        "requirement_id": "theme-party-day",
        "subject_kind": "organization",
        "subject_id": app.tree.branch.to_string(),
        "from": "2026-07-01",
        "to": "2026-08-31",
        "reason": "汛期抢险",
    });
    let secretary = app.login("secretary").await;
    let before = app.dump().await;
    let refused = secretary.post_json("/api/v1/exemptions", &body).await;
    assert_eq!((refused.status, refused.field()), (StatusCode::UNPROCESSABLE_ENTITY, Some("subject_id")), "{}", refused.text);
    assert_eq!(app.dump().await, before);

    let supervisor = app.login("supervisor").await;
    let mut backwards = body.clone();
    backwards["to"] = json!("2026-06-30");
    let r = supervisor.post_json("/api/v1/exemptions", &backwards).await;
    assert_eq!((r.status, r.field()), (StatusCode::UNPROCESSABLE_ENTITY, Some("to")));
    let mut unknown = body.clone();
    unknown["requirement_id"] = json!("no-such-requirement");
    assert_eq!(supervisor.post_json("/api/v1/exemptions", &unknown).await.field(), Some("requirement_id"));
    let created = supervisor.post_json("/api/v1/exemptions", &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.body["approved_by"], app.accounts.supervisor.to_string());

    let listed = secretary.get(&format!("/api/v1/orgs/{}/exemptions", app.tree.branch)).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
    let id = created.id();
    let path = format!("/api/v1/exemptions/{id}/revoke");
    assert_eq!(secretary.post_json(&path, &json!({"version": 1})).await.status, StatusCode::NOT_FOUND);
    let revoked = supervisor.post_json(&path, &json!({"version": 1})).await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text);
    assert!(revoked.body["revoked_at"].is_string());
    assert_eq!(secretary.get(&format!("/api/v1/orgs/{}/exemptions", app.tree.branch)).await.body["items"], json!([]));
    app.cleanup().await;
}

#[tokio::test]
async fn requirement_settings_need_supervise_and_are_inherited() {
    let app = spawn_app().await;
    let body = json!({
        "requirement_id": "center-group-study",
        "period": "quarter",
        "count": 2,
        "valid_from": "2026-01-01",
        "reason": "县委决定按季度开展",
    });
    let path = format!("/api/v1/orgs/{}/requirement-settings", app.tree.county);
    let secretary = app.login("secretary").await;
    assert_eq!(secretary.post_json(&path, &body).await.status, StatusCode::NOT_FOUND);
    let supervisor = app.login("supervisor").await;
    for (field, value, expected) in [
        ("period", json!("fortnight"), "period"),
        ("count", json!(0), "count"),
        ("requirement_id", json!("theme-party-day"), "requirement_id"),
        ("valid_from", json!("2026-02-30"), "valid_from"),
        ("reason", Value::Null, "reason"),
    ] {
        let mut bad = body.clone();
        bad[field] = value;
        let r = supervisor.post_json(&path, &bad).await;
        assert_eq!((r.status, r.field()), (StatusCode::UNPROCESSABLE_ENTITY, Some(expected)), "{field}: {}", r.text);
    }
    let bad_definition = json!({"definition": "[[requirement]]\nid = \"x-y\"\n", "valid_from": "2026-01-01", "reason": "试行"});
    let r = supervisor.post_json(&path, &bad_definition).await;
    assert_eq!((r.status, r.field()), (StatusCode::UNPROCESSABLE_ENTITY, Some("definition")), "{}", r.text);
    assert!(r.body["error"]["message"].as_str().unwrap().contains("definition"), "{}", r.text);

    let created = supervisor.post_json(&path, &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let listed = secretary.get(&format!("/api/v1/orgs/{}/requirement-settings", app.tree.branch)).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.body["items"][0]["inherited"], true);
    assert_eq!(listed.body["items"][0]["period"], "quarter");

    let end = format!("/api/v1/requirement-settings/{}/end", created.id());
    assert_eq!(secretary.post_json(&end, &json!({"version": 1})).await.status, StatusCode::NOT_FOUND);
    assert_eq!(supervisor.post_json(&end, &json!({"version": 4})).await.status, StatusCode::CONFLICT);
    let ended = supervisor.post_json(&end, &json!({"version": 1, "on": "2026-11-23"})).await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.text);
    assert_eq!(ended.body["ended_on"], "2026-11-23");
    app.cleanup().await;
}

#[tokio::test]
async fn the_openapi_document_describes_the_new_endpoints() {
    let app = spawn_app().await;
    let doc: Value = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    for path in [
        "/api/v1/activities",
        "/api/v1/activities/{id}",
        "/api/v1/orgs/{id}/requirement-settings",
        "/api/v1/requirement-settings/{id}/end",
        "/api/v1/orgs/{id}/exemptions",
        "/api/v1/exemptions",
        "/api/v1/exemptions/{id}/revoke",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not described");
    }
    assert!(doc["paths"]["/api/v1/activities/{id}"]["delete"].is_object());
    assert!(doc["components"]["schemas"]["NewActivity"].is_object());
    app.cleanup().await;
}
