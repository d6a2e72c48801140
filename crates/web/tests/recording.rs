#![allow(clippy::unwrap_used)]
//! Recording activities once, on the real application: the recording form
//! filled in from the due list, sent once even when sent twice, refused
//! with the reason beside its field and nothing stored; plans held later;
//! final minutes corrected only with a reason kept in the history; two
//! writers of one record (the second gets a conflict and loses nothing);
//! and every activity kind of the catalogue recorded and read back through
//! the API.

use domain::access::Role;
use domain::{CadreRank, Id, PositionKind};
use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::app::{Reply, Session, TestApp, multipart, spawn_app};
use testkit::html::Dom;

/// Adds members to the branch (joined in 2000) and returns their ids.
async fn add_members(app: &TestApp, names: &[&str]) -> Vec<Id> {
    let mut ids = Vec::new();
    for n in names {
        ids.push(app.builder().member(n, &app.tree.branch).joined("2000-03-01").await);
    }
    ids
}

/// The value of the recording form's hidden input `name`.
fn hidden(page: &Reply, name: &str) -> String {
    let css = format!("form.record input[type=hidden][name=\"{name}\"]");
    page.dom().attr(&css, "value").unwrap_or_else(|| panic!("no {name} on the page: {}", page.text))
}

/// The value of the option chosen in the recording form's select `name` ("" when none is).
fn chosen(form: &Dom, name: &str) -> String {
    form.attr(&format!("form.record select[name=\"{name}\"] option[selected]"), "value").unwrap_or_default()
}

async fn count_activities(app: &TestApp) -> usize {
    app.dump().await.lines().filter(|l| l.starts_with("activities ")).count()
}

/// The fields a browser sends for the form as shown, unchanged (what a
/// secretary sends when everything filled in is right).
fn as_shown(page: &Reply) -> Vec<(String, String)> {
    let form = page.dom();
    let mut fields = Vec::new();
    for name in ["csrf", "form_key", "kind", "people_host"] {
        fields.push((name.to_owned(), hidden(page, name)));
    }
    fields.push(("status".into(), "held".into()));
    for (input, name) in [("rf-held-on", "held_on"), ("rf-duration", "duration_minutes")] {
        fields.push((name.to_owned(), form.attr(&format!("input#{input}[name={name}]"), "value").unwrap()));
    }
    fields.push(("host_org_id".into(), chosen(&form, "host_org_id")));
    let mut i = 0;
    while form.has(&format!("form.record select[name=agenda_kind_{i}]")) {
        fields.push((format!("agenda_kind_{i}"), chosen(&form, &format!("agenda_kind_{i}"))));
        fields.push((format!("agenda_title_{i}"), String::new()));
        i += 1;
    }
    for id in form.attrs("form.record input[name=participant]", "value") {
        fields.push(("participant".into(), id));
    }
    fields
}

async fn post_fields(s: &Session, path: &str, fields: &[(String, String)]) -> Reply {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    s.post_form_as_is(path, &pairs).await
}

fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    fields.retain(|(k, _)| k != name);
    fields.push((name.to_owned(), value.to_owned()));
}

#[tokio::test]
async fn a_committee_meeting_is_recorded_from_the_due_list_once() {
    let app = spawn_app().await;
    let members = add_members(&app, &["李明", "张红"]).await;
    let s = app.login("secretary").await;
    // Last month's meeting: its agenda is the template of the next one.
    let last = json!({
        "kind": "branch_committee_meeting", "host_org_id": app.tree.branch.to_string(), "held_on": "2026-10-20", "duration_minutes": 75,
        "agenda": [{"kind": "theory_study", "title": "学习最新重要讲话"}, {"kind": "business", "title": "发展党员"}],
    });
    assert_eq!(s.post_json("/api/v1/activities", &last).await.status, StatusCode::CREATED);
    let org_page = s.get(&format!("/orgs/{}", app.tree.branch)).await;
    let link = format!("/orgs/{}/record?requirement=branch-committee-meeting", app.tree.branch);
    assert!(org_page.dom().links_to(&link), "the due list links to the form: {}", org_page.text);

    let form = s.get(&link).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    assert_eq!(hidden(&form, "kind"), "branch_committee_meeting");
    let dom = form.dom();
    assert_eq!(chosen(&dom, "agenda_kind_0"), "theory_study", "last month's agenda, in order");
    let subjects = dom.attrs("form.record input[name^=agenda_title_]", "value");
    assert!(
        subjects.contains(&"学习最新重要讲话".to_owned()) && subjects.contains(&"发展党员".to_owned()),
        "with its subjects: {subjects:?}"
    );
    let duration = dom.find("input#rf-duration");
    let attrs = ["name", "type", "min", "max", "inputmode", "value"].map(|a| duration.attr(a).unwrap_or_default());
    assert_eq!(attrs, ["duration_minutes", "number", "1", "1440", "numeric", "75"], "and its length");
    let expected = dom.attrs("form.record input[name=participant]", "value");
    assert!(expected.contains(&app.tree.secretary.to_string()), "the committee is expected");
    assert!(!expected.contains(&members[0].to_string()), "a committee meeting expects the committee only");

    let mut fields = as_shown(&form);
    fields.push(("minutes".into(), "研究了冬季慰问安排。".into()));
    let before = count_activities(&app).await;
    let saved = post_fields(&s, &format!("/orgs/{}/record", app.tree.branch), &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let location = saved.location().unwrap().to_owned();
    assert!(location.starts_with("/activities/") && location.ends_with("?saved=1"), "{location}");
    assert_eq!(count_activities(&app).await, before + 1);

    // The same form sent again (a double click, a reload) records nothing more.
    let again = post_fields(&s, &format!("/orgs/{}/record", app.tree.branch), &fields).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let id = location.trim_start_matches("/activities/").split('?').next().unwrap().to_owned();
    assert_eq!(again.location().unwrap(), format!("/activities/{id}?saved=1&again=1"));
    assert_eq!(count_activities(&app).await, before + 1);

    let page = s.get(&location).await;
    assert!(page.says("研究了冬季慰问安排。"), "{}", page.text);
    assert!(page.dom().has("#satisfied"));
    let api = s.get(&format!("/api/v1/activities/{id}")).await;
    assert_eq!(api.body["status"], "held");
    assert_eq!(api.body["minutes_state"], "draft");
    assert_eq!(api.body["agenda"][0]["kind"], "theory_study");
    app.cleanup().await;
}

#[tokio::test]
async fn a_refused_form_comes_back_with_the_reason_and_stores_nothing() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let form = s.get(&format!("/orgs/{}/record?kind=members_assembly", app.tree.branch)).await;
    assert_eq!(form.status, StatusCode::OK);
    let good = as_shown(&form);
    let path = format!("/orgs/{}/record", app.tree.branch);
    let before = count_activities(&app).await;

    let mut future = good.clone();
    set(&mut future, "held_on", "2026-12-24");
    let refused = post_fields(&s, &path, &future).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert!(refused.says("举办日期"), "the field is named: {}", refused.text);
    assert_eq!(refused.dom().attr("input#rf-held-on", "value").as_deref(), Some("2026-12-24"), "what was typed is kept");

    let mut no_agenda = good.clone();
    no_agenda.retain(|(k, _)| !k.starts_with("agenda_"));
    let refused = post_fields(&s, &path, &no_agenda).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.says("议程"), "{}", refused.text);

    let mut outsider = good.clone();
    let stranger = add_stranger(&app).await;
    outsider.push(("participant".into(), stranger.to_string()));
    let refused = post_fields(&s, &path, &outsider).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.says("参加人员"), "{}", refused.text);

    let mut no_reason = good.clone();
    no_reason.push((format!("absent_{}", app.tree.secretary), "1".into()));
    let refused = post_fields(&s, &path, &no_reason).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.says("缺席须写明原因"), "{}", refused.text);

    let mut bad_csrf = good.clone();
    set(&mut bad_csrf, "csrf", "forged");
    assert_eq!(post_fields(&s, &path, &bad_csrf).await.status, StatusCode::FORBIDDEN);

    assert_eq!(count_activities(&app).await, before, "nothing was stored");
    // Another branch's form is out of reach for this secretary.
    assert_eq!(s.get(&format!("/orgs/{}/record?kind=members_assembly", app.tree.other_branch)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(post_fields(&s, &format!("/orgs/{}/record", app.tree.other_branch), &good).await.status, StatusCode::NOT_FOUND);
    app.cleanup().await;
}

/// A member of the other branch.
async fn add_stranger(app: &TestApp) -> Id {
    app.builder().member("赵外", &app.tree.other_branch).joined("2001-05-01").await
}

#[tokio::test]
async fn a_plan_is_held_later_with_the_day_it_was_planned_for_kept() {
    let app = spawn_app().await;
    let members = add_members(&app, &["李明"]).await;
    let s = app.login("secretary").await;
    let form = s.get(&format!("/orgs/{}/record?kind=theme_party_day", app.tree.branch)).await;
    let mut fields = as_shown(&form);
    set(&mut fields, "status", "planned");
    set(&mut fields, "held_on", "2026-12-05");
    let saved = post_fields(&s, &format!("/orgs/{}/record", app.tree.branch), &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "a plan may lie in the future: {}", saved.text);
    let id = saved.location().unwrap().trim_start_matches("/activities/").split('?').next().unwrap().to_owned();
    let plan = s.get(&format!("/api/v1/activities/{id}")).await;
    assert_eq!(plan.body["status"], "planned");
    let org_page = s.get(&format!("/orgs/{}", app.tree.branch)).await;
    assert!(org_page.dom().links_to(&format!("/activities/{id}")), "the org page lists the plan");

    // Absences cannot be marked on a plan.
    let mut early = fields.clone();
    set(&mut early, "form_key", "another-key");
    early.push((format!("absent_{}", members[0]), "1".into()));
    early.push((format!("reason_{}", members[0]), "外出".into()));
    let refused = post_fields(&s, &format!("/orgs/{}/record", app.tree.branch), &early).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);

    let page = s.get(&format!("/activities/{id}")).await;
    assert!(page.dom().links_to(&format!("/activities/{id}/edit")), "mark as held: {}", page.text);
    let edit = s.get(&format!("/activities/{id}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.text);
    let mut held = as_shown(&edit);
    set(&mut held, "held_on", "2026-11-22");
    held.push(("version".into(), hidden(&edit, "version")));
    held.push((format!("absent_{}", members[0]), "1".into()));
    held.push((format!("reason_{}", members[0]), "生病住院".into()));
    let done = post_fields(&s, &format!("/activities/{id}/edit"), &held).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    let after = s.get(&format!("/api/v1/activities/{id}")).await;
    assert_eq!(after.body["status"], "held");
    assert_eq!(after.body["held_on"], "2026-11-22");
    assert_eq!(after.body["planned_on"], "2026-12-05");
    assert_eq!(after.body["version"], 2);
    let absent: Vec<&Value> = after.body["participants"].as_array().unwrap().iter().filter(|p| p["present"] == false).collect();
    assert_eq!(absent.len(), 1);
    assert_eq!(absent[0]["absence_reason"], "生病住院");
    // A held activity counts: the branch's theme party day of November is met.
    let grid = s.get(&format!("/orgs/{}/compliance?year=2026", app.tree.branch)).await;
    assert!(grid.dom().links_to(&format!("/activities/{id}")), "{}", grid.text);
    app.cleanup().await;
}

#[tokio::test]
async fn a_plan_can_be_cancelled_and_then_changes_no_more() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let mut plan = json!({
        "kind": "members_assembly", "host_org_id": app.tree.branch.to_string(), "held_on": "2026-12-10", "duration_minutes": 90,
        "status": "planned", "agenda": [{"kind": "theory_study"}],
    });
    let created = s.post_json("/api/v1/activities", &plan).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.id();
    let cancelled = s.post_json(&format!("/api/v1/activities/{id}/cancel?version=1"), &json!({})).await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text);
    assert_eq!(cancelled.body["status"], "cancelled");
    plan["status"] = json!("held");
    plan["held_on"] = json!("2026-11-20");
    let put = s.put_json(&format!("/api/v1/activities/{id}?version=2"), &plan).await;
    assert_eq!(put.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", put.text);
    assert_eq!(put.field(), Some("status"));
    assert_eq!(s.get(&format!("/api/v1/activities/{id}")).await.body["status"], "cancelled");
    app.cleanup().await;
}

#[tokio::test]
async fn final_minutes_are_corrected_only_with_a_reason_kept_in_the_history() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let mut body = json!({
        "kind": "branch_committee_meeting", "host_org_id": app.tree.branch.to_string(), "held_on": "2026-11-20", "duration_minutes": 60,
        "agenda": [{"kind": "theory_study"}, {"kind": "business", "title": "发展党员"}],
        "minutes": "会议研究了发展党员工作。", "minutes_state": "final",
    });
    let created = s.post_json("/api/v1/activities", &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.id();
    body["minutes"] = json!("会议研究了发展党员工作和冬季慰问。");
    let put = |v: i64, b: &Value| {
        let s = &s;
        let b = b.clone();
        let path = format!("/api/v1/activities/{id}?version={v}");
        async move { s.put_json(&path, &b).await }
    };
    let no_reason = put(1, &body).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", no_reason.text);
    assert_eq!(no_reason.field(), Some("correction_reason"));
    let mut to_draft = body.clone();
    to_draft["minutes_state"] = json!("draft");
    to_draft["correction_reason"] = json!("漏记");
    let back = put(1, &to_draft).await;
    assert_eq!(back.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(back.field(), Some("minutes_state"));
    body["correction_reason"] = json!("漏记冬季慰问议题");
    let corrected = put(1, &body).await;
    assert_eq!(corrected.status, StatusCode::OK, "{}", corrected.text);
    assert_eq!(corrected.body["version"], 2);
    assert_eq!(corrected.body["minutes"], "会议研究了发展党员工作和冬季慰问。");
    let page = s.get(&format!("/activities/{id}")).await;
    assert!(page.says("漏记冬季慰问议题"), "the correction is listed: {}", page.text);
    assert!(page.dom().links_to(&format!("/activities/{id}/edit")), "{}", page.text);
    let history = app.dump().await;
    assert!(
        history.lines().any(|l| l.starts_with("audit_log ") && l.contains("correct") && l.contains("漏记冬季慰问议题")),
        "the audit trail has it"
    );
    // Creating with a correction reason makes no sense.
    let mut create = body.clone();
    create["held_on"] = json!("2026-11-21");
    let refused = s.post_json("/api/v1/activities", &create).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.field(), Some("correction_reason"));
    app.cleanup().await;
}

#[tokio::test]
async fn the_second_of_two_writers_gets_a_conflict_and_the_first_keeps_its_change() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let body = json!({
        "kind": "members_assembly", "host_org_id": app.tree.branch.to_string(), "held_on": "2026-11-20", "duration_minutes": 90,
        "agenda": [{"kind": "theory_study"}], "minutes": "初稿",
    });
    let id = s.post_json("/api/v1/activities", &body).await.id();
    let mut first = body.clone();
    first["minutes"] = json!("甲修改的记录");
    let mut second = body.clone();
    second["title"] = json!("乙改的标题");
    let path = format!("/api/v1/activities/{id}?version=1");
    let (a, b) = tokio::join!(s.client.put(s.url(&path)).json(&first).send(), s.client.put(s.url(&path)).json(&second).send());
    let (a, b) = (Reply::of(a.unwrap()).await, Reply::of(b.unwrap()).await);
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{} / {}", a.text, b.text);
    let winner = if a.status == StatusCode::OK { &a } else { &b };
    let now = s.get(&format!("/api/v1/activities/{id}")).await;
    assert_eq!(now.body["version"], 2);
    assert_eq!(now.body["minutes"], winner.body["minutes"], "the winner's change is kept whole");
    assert_eq!(now.body["title"], winner.body["title"]);
    // The form of a stale version is shown again with what was typed.
    let edit = s.get(&format!("/activities/{id}/edit")).await;
    let mut stale = as_shown(&edit);
    stale.push(("version".into(), "1".into()));
    stale.push(("minutes".into(), "丙的新内容".into()));
    let refused = post_fields(&s, &format!("/activities/{id}/edit"), &stale).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert!(refused.says("丙的新内容"), "nothing typed is lost");
    assert_eq!(hidden(&refused, "version"), "2", "the form now carries the current version");
    app.cleanup().await;
}

/// What each kind needs beyond the common fields, and the organization
/// that hosts it in the small tree.
fn kind_body(app: &TestApp, kind: &str) -> Value {
    let county_level = matches!(
        kind,
        "center_group_study"
            | "standing_committee_meeting"
            | "party_group_meeting"
            | "reading_class"
            | "democratic_life_meeting"
            | "training"
            | "political_checkup"
    );
    let host = if county_level { &app.tree.county } else { &app.tree.branch };
    let mut body = json!({
        "kind": kind, "host_org_id": host.to_string(), "held_on": "2026-11-18", "duration_minutes": 120,
        "agenda": [{"kind": "theory_study"}, {"kind": "other", "title": kind}],
    });
    match kind {
        "grassroots_visit" => {
            body["visit_kind"] = json!("investigate");
            body["presenter_id"] = json!(app.tree.secretary.to_string());
        }
        "case_analysis" => body["polarity"] = json!("negative"),
        "democratic_life_meeting" => {
            body["agenda"] =
                json!([{"kind": "three_musts_comparison"}, {"kind": "negative_case_analysis"}, {"kind": "criticism_self_criticism"}]);
        }
        "organizational_life_meeting" => body["agenda"] = json!([{"kind": "criticism_self_criticism"}, {"kind": "democratic_appraisal"}]),
        "political_birthday" => body["agenda"] = json!([{"kind": "oath_review"}]),
        "party_class" | "party_lesson" => body["presenter_id"] = json!(app.tree.secretary.to_string()),
        _ => {}
    }
    body
}

#[tokio::test]
async fn every_activity_kind_is_recorded_and_read_back_through_the_api() {
    let app = spawn_app().await;
    app.builder().account("countyoffice", "县委办").role(Role::Secretary, &app.tree.county).await;
    let branch = app.login("secretary").await;
    let county = app.login("countyoffice").await;
    let catalogue = rules::Catalogue::embedded().unwrap();
    assert!(catalogue.activity_kinds.len() >= 19);
    for kind in &catalogue.activity_kinds {
        let body = kind_body(&app, &kind.code);
        let s = if body["host_org_id"] == app.tree.county.to_string() { &county } else { &branch };
        let created = s.post_json("/api/v1/activities", &body).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}: {}", kind.code, created.text);
        let read = s.get(&format!("/api/v1/activities/{}", created.id())).await;
        assert_eq!(read.status, StatusCode::OK);
        assert_eq!(read.body["kind"], kind.code.as_str());
        let kinds = |v: &Value| v.as_array().unwrap().iter().map(|i| i["kind"].clone()).collect::<Vec<_>>();
        assert_eq!(kinds(&read.body["agenda"]), kinds(&body["agenda"]), "{}", kind.code);
        let page = s.get(&format!("/activities/{}", created.id())).await;
        assert_eq!(page.status, StatusCode::OK, "{}: {}", kind.code, page.text);
        // Its recording form opens pre-filled for the same kind.
        let form = s.get(&format!("/orgs/{}/record?kind={}", body["host_org_id"].as_str().unwrap(), kind.code)).await;
        assert_eq!(form.status, StatusCode::OK, "{}: {}", kind.code, form.text);
        assert_eq!(hidden(&form, "kind"), kind.code);
        if kind.code == "standing_committee_meeting" {
            // Meetings the "first issue" system binds open with the study item.
            assert_eq!(chosen(&form.dom(), "agenda_kind_0"), "theory_study", "{}", form.text);
        }
    }
    // A plan needs an agenda too, and a held record is never in the future.
    let mut empty = kind_body(&app, "members_assembly");
    empty["agenda"] = json!([]);
    let refused = branch.post_json("/api/v1/activities", &empty).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.field(), Some("agenda"));
    let mut status = kind_body(&app, "members_assembly");
    status["status"] = json!("cancelled");
    let refused = branch.post_json("/api/v1/activities", &status).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.field(), Some("status"));
    app.cleanup().await;
}

#[tokio::test]
async fn one_class_by_a_county_leader_at_a_branch_counts_for_the_leader_the_branch_and_every_attendee() {
    let app = spawn_app().await;
    add_members(&app, &["李明", "张红"]).await;
    let leader = app.builder().member("陈县长", &app.tree.county).joined("1990-06-01");
    let leader = leader.holds_in(&app.tree.county, PositionKind::LeadershipMember).cadre(CadreRank::CountyDeputy).await;
    let s = app.login("secretary").await;
    // The branch's form offers the county leader among the leaders above it.
    let form = s.get(&format!("/orgs/{}/record?kind=party_class", app.tree.branch)).await;
    assert!(form.dom().has(&format!("select#rf-presenter option[value=\"{leader}\"]")), "{}", form.text);
    let body = json!({
        "kind": "party_class", "host_org_id": app.tree.branch.to_string(), "held_on": "2026-11-20", "duration_minutes": 90,
        "presenter_id": leader.to_string(), "agenda": [{"kind": "other", "title": "学习贯彻党的创新理论"}],
    });
    let created = s.post_json("/api/v1/activities", &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let supervisor = app.login("supervisor").await;
    let page = supervisor.get(&format!("/activities/{}", created.id())).await;
    let catalogue = rules::Catalogue::embedded().unwrap();
    let title = |id: &str| catalogue.requirements.iter().find(|r| r.id == id).unwrap().zh.clone();
    let dom = page.dom();
    let satisfied = dom.find("#satisfied ~ table");
    let counted = |requirement: &str| {
        satisfied.select("tbody tr").into_iter().filter(|r| r.select_text("th") == title(requirement)).collect::<Vec<_>>()
    };
    assert!(counted("special-party-class").iter().any(|r| r.says("陈县长")), "the leader's class: {satisfied}");
    assert!(counted("party-lesson").iter().any(|r| r.says("石桥村第一党支部")), "the branch's lesson: {satisfied}");
    assert_eq!(counted("study-hours").len(), 3, "every attendee's study hours: {satisfied}");
    // The day it was entered is shown to the supervisor, not to the secretary.
    assert!(dom.has("#entered-on"));
    assert!(!s.get(&format!("/activities/{}", created.id())).await.dom().has("#entered-on"));
    app.cleanup().await;
}

#[tokio::test]
async fn the_form_names_nobody_outside_the_grant_and_relists_people_when_the_host_changes() {
    let app = spawn_app().await;
    let stranger = add_stranger(&app).await;
    add_members(&app, &["李明"]).await;
    let s = app.login("secretary").await;
    let form = s.get(&format!("/orgs/{}/record?kind=members_assembly", app.tree.branch)).await;
    let good = as_shown(&form);
    let path = format!("/orgs/{}/record", app.tree.branch);
    // A host the secretary may not record for, and a stranger's id, sent back
    // with a bad date: the form comes back without their names.
    let mut probe = good.clone();
    set(&mut probe, "host_org_id", app.tree.village.as_str());
    set(&mut probe, "held_on", "");
    probe.push(("participant".into(), stranger.to_string()));
    probe.push(("presenter_id".into(), stranger.to_string()));
    let refused = post_fields(&s, &path, &probe).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!refused.text.contains("赵外"), "no name from outside the grant: {}", refused.text);
    assert!(!refused.dom().texts("option").iter().any(|o| o.ends_with("中共石桥村委员会")), "no host outside the grant");

    // The group under the branch chosen as host: the people are listed again for it.
    let mut moved = good.clone();
    set(&mut moved, "host_org_id", app.tree.group.as_str());
    let before = count_activities(&app).await;
    let relisted = post_fields(&s, &path, &moved).await;
    assert_eq!(relisted.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", relisted.text);
    assert!(relisted.says("重新列出"), "{}", relisted.text);
    assert_eq!(hidden(&relisted, "people_host"), app.tree.group.to_string());
    assert_eq!(count_activities(&app).await, before);
    let again = as_shown(&relisted);
    let mut again = again;
    set(&mut again, "host_org_id", app.tree.group.as_str());
    let saved = post_fields(&s, &path, &again).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    assert_eq!(count_activities(&app).await, before + 1);

    // The same key with a changed form (back, another day) is another record.
    let mut other_day = again.clone();
    set(&mut other_day, "held_on", "2026-11-02");
    let second = post_fields(&s, &path, &other_day).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.text);
    assert!(!second.location().unwrap().contains("again=1"), "{:?}", second.location());
    assert_eq!(count_activities(&app).await, before + 2);
    app.cleanup().await;
}

#[tokio::test]
async fn plans_stay_plans_unless_held_and_lie_at_most_two_years_ahead() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let mut plan = json!({
        "kind": "theme_party_day", "host_org_id": app.tree.branch.to_string(), "held_on": "2026-12-15", "duration_minutes": 120,
        "status": "planned", "agenda": [{"kind": "theory_study"}],
    });
    let id = s.post_json("/api/v1/activities", &plan).await.id();
    // An update that says nothing of the status keeps the plan a plan.
    plan.as_object_mut().unwrap().remove("status");
    plan["title"] = json!("十二月主题党日");
    let put = s.put_json(&format!("/api/v1/activities/{id}?version=1"), &plan).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    assert_eq!(put.body["status"], "planned");
    let listed = s.get(&format!("/api/v1/activities?org={}&status=planned", app.tree.branch)).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1, "{}", listed.text);
    assert_eq!(s.get(&format!("/api/v1/activities?org={}&status=held", app.tree.branch)).await.body["items"].as_array().unwrap().len(), 0);
    assert_eq!(s.get("/api/v1/activities?status=someday").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The edit form of a plan still ahead keeps it planned on its day.
    let edit = s.get(&format!("/activities/{id}/edit")).await;
    let form = edit.dom();
    assert!(form.find("input[name=status][value=planned]").attr("checked").is_some(), "{}", edit.text);
    assert_eq!(form.attr("input#rf-held-on", "value").as_deref(), Some("2026-12-15"));
    for far in ["2029-01-01", "+262142-12-31"] {
        let mut too_far = plan.clone();
        too_far["status"] = json!("planned");
        too_far["held_on"] = json!(far);
        let refused = s.post_json("/api/v1/activities", &too_far).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{far}: {}", refused.text);
        assert_eq!(refused.field(), Some("held_on"));
    }
    app.cleanup().await;
}

#[tokio::test]
async fn the_recording_form_refuses_a_disguised_file_and_stores_nothing_and_keeps_a_good_one() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let form = s.get(&format!("/orgs/{}/record?kind=members_assembly", app.tree.branch)).await;
    let fields = as_shown(&form);
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let path = format!("/orgs/{}/record", app.tree.branch);
    let send = |body: Vec<u8>| s.post_multipart(&path, body);
    let before = count_activities(&app).await;
    let program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00 This program cannot be run in DOS mode.";
    let refused = send(multipart(&pairs, &[("file", "会议记录.pdf", program)])).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert!(refused.dom().has("#rf-file-error"), "the reason stands beside the file field: {}", refused.text);
    assert_eq!(count_activities(&app).await, before, "neither the record nor the file is stored");
    assert!(!app.dump().await.lines().any(|l| l.starts_with("attachments ")));

    let pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
    let saved = send(multipart(&pairs, &[("file", "会议记录.pdf", pdf)])).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    assert_eq!(count_activities(&app).await, before + 1);
    assert_eq!(app.dump().await.lines().filter(|l| l.starts_with("attachments ")).count(), 1);
    app.cleanup().await;
}

#[tokio::test]
async fn a_bad_or_stale_version_changes_nothing() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let plan = json!({
        "kind": "members_assembly", "host_org_id": app.tree.branch.to_string(), "held_on": "2026-12-10", "duration_minutes": 90,
        "status": "planned", "agenda": [{"kind": "theory_study"}],
    });
    let id = s.post_json("/api/v1/activities", &plan).await.id();
    for bad in ["abc", ""] {
        let put = s.put_json(&format!("/api/v1/activities/{id}?version={bad}"), &plan).await;
        assert_eq!(put.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", put.text);
        assert_eq!(put.field(), Some("version"));
    }
    // The page's cancel button with a stale version: nothing is cancelled.
    let stale = s.post_form(&format!("/activities/{id}/cancel"), &[("version", "7")]).await;
    assert_eq!(stale.status, StatusCode::SEE_OTHER);
    assert_eq!(stale.location(), Some(format!("/activities/{id}?conflict=1").as_str()));
    assert_eq!(s.get(&format!("/api/v1/activities/{id}")).await.body["status"], "planned");
    let done = s.post_form(&format!("/activities/{id}/cancel"), &[("version", "1")]).await;
    assert_eq!(done.location(), Some(format!("/activities/{id}?saved=1").as_str()));
    assert_eq!(s.get(&format!("/api/v1/activities/{id}")).await.body["status"], "cancelled");
    app.cleanup().await;
}
