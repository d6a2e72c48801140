#![allow(clippy::unwrap_used)]
//! Research projects and the problems raised at life meetings, through the
//! real application over HTTP: a branch starts a project, records a
//! grassroots visit and a case analysis for it, and the project stops being
//! marked "尚无成果" once it has a result; problems raised at a democratic
//! life meeting are stored for the rectification ledger and listed; bad
//! input is a 422 (stale versions a 409) naming the field, storing nothing.

use domain::access::Role;
use domain::{Id, PositionKind};
use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::activities::activity as new_activity;
use testkit::app::{Reply, Session, TestApp, spawn_app};

/// Adds a member to `org`, joined in 1999, through the store.
async fn member(app: &TestApp, org: &Id, name: &str) -> Id {
    app.builder().member(name, org).joined("1999-07-01").await
}

fn project(app: &TestApp, team: &[&Id]) -> Value {
    json!({
        "org_id": app.tree.branch.to_string(),
        "topic": "村级集体经济发展情况调研",
        "lead_id": app.tree.secretary.to_string(),
        "team": team.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        "started_on": "2026-10-01",
    })
}

fn activity(kind: &str, host: &Id, held_on: &str, agenda: &[&str]) -> Value {
    new_activity(kind, host, held_on).minutes(120).agenda(agenda).json()
}

async fn created(s: &Session, path: &str, body: &Value) -> Reply {
    let reply = s.post_json(path, body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{path}: {}", reply.text);
    reply
}

#[tokio::test]
async fn a_project_gathers_its_visits_and_cases_and_is_no_longer_empty_after_a_result() {
    let app = spawn_app().await;
    let li = member(&app, &app.tree.branch, "李党员").await;
    let s = app.login("secretary").await;
    let made = created(&s, "/api/v1/research-projects", &project(&app, &[&li])).await;
    let id = made.id();
    assert_eq!(made.location(), Some(format!("/api/v1/research-projects/{id}").as_str()));
    assert_eq!(made.body["produced_nothing"], true);
    assert_eq!(made.body["team"], json!([li.to_string()]));
    assert_eq!(made.body["version"], 1);

    // A grassroots visit and a case analysis are recorded for the project.
    let mut visit = activity("grassroots_visit", &app.tree.branch, "2026-10-15", &["business"]);
    visit["visit_kind"] = json!("investigate");
    visit["research_project_id"] = json!(id);
    let visit = created(&s, "/api/v1/activities", &visit).await.id();
    let mut case = activity("case_analysis", &app.tree.branch, "2026-10-20", &["business"]);
    case["polarity"] = json!("negative");
    case["research_project_id"] = json!(id);
    let case = created(&s, "/api/v1/activities", &case).await.id();
    let read = s.get(&format!("/api/v1/research-projects/{id}")).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    let linked: Vec<&str> = read.body["activities"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(linked, vec![visit.as_str(), case.as_str()]);
    assert_eq!(read.body["activities"][0]["visit_kind"], "investigate");
    assert_eq!(read.body["activities"][1]["polarity"], "negative");
    assert_eq!(read.body["produced_nothing"], true);

    let list = s.get(&format!("/api/v1/research-projects?org={}", app.tree.branch)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(list.body["items"][0]["produced_nothing"], true);
    let page = s.get(&format!("/orgs/{}/research", app.tree.branch)).await;
    assert_eq!(page.status, StatusCode::OK);
    let listed = page.dom();
    assert_eq!(listed.select_text(".produced-nothing"), "尚无成果", "{}", page.text);
    assert!(listed.says("村级集体经济发展情况调研"));
    let shown = s.get(&format!("/research/{id}")).await;
    assert_eq!(shown.status, StatusCode::OK);
    let project = shown.dom();
    assert!(project.links_to(&format!("/activities/{visit}")) && project.links_to(&format!("/activities/{case}")), "{}", shown.text);
    assert!(s.get(&format!("/orgs/{}", app.tree.branch)).await.dom().links_to(&format!("/orgs/{}/research", app.tree.branch)));

    // A result of kind problem: the project has produced something, and the
    // problem waits on the branch's list for the rectification ledger.
    let result = created(
        &s,
        &format!("/api/v1/research-projects/{id}/results"),
        &json!({"kind": "problem", "description": "村集体经济缺少发展规划"}),
    )
    .await;
    assert_eq!(result.body["kind"], "problem");
    let problem_id = result.body["problem_id"].as_str().unwrap().to_owned();
    assert_eq!(result.body["problem"]["id"], problem_id.as_str());
    assert_eq!(result.body["problem"]["source_project_id"], id.as_str());
    let read = s.get(&format!("/api/v1/research-projects/{id}")).await;
    assert_eq!(read.body["produced_nothing"], false);
    assert_eq!(read.body["results"].as_array().unwrap().len(), 1);
    let page = s.get(&format!("/orgs/{}/research", app.tree.branch)).await;
    assert!(!page.dom().has(".produced-nothing"), "{}", page.text);
    let problems = s.get(&format!("/api/v1/orgs/{}/problems", app.tree.branch)).await;
    assert_eq!(problems.status, StatusCode::OK, "{}", problems.text);
    assert_eq!(problems.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(problems.body["items"][0]["id"], problem_id.as_str());
    assert_eq!(problems.body["items"][0]["description"], "村集体经济缺少发展规划");

    // The findings are written on the project's page; the version moves on.
    let form = s.post_form(&format!("/research/{id}/findings"), &[("findings", "三个村没有集体经济收入。"), ("version", "1")]).await;
    assert_eq!(form.status, StatusCode::SEE_OTHER, "{}", form.text);
    let read = s.get(&format!("/api/v1/research-projects/{id}")).await;
    assert_eq!((read.body["version"].as_i64(), read.body["findings"].as_str()), (Some(2), Some("三个村没有集体经济收入。")));
    let patched = s.patch_json(&format!("/api/v1/research-projects/{id}"), &json!({"version": 2, "topic": "村级集体经济调研"})).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    assert_eq!((patched.body["version"].as_i64(), patched.body["topic"].as_str()), (Some(3), Some("村级集体经济调研")));

    // Another branch sees none of it.
    app.builder().account("secretary2", "第二支部书记").role(Role::Secretary, &app.tree.other_branch).await;
    let other = app.login("secretary2").await;
    assert_eq!(other.get(&format!("/api/v1/research-projects/{id}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get(&format!("/research/{id}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get("/api/v1/research-projects").await.body["items"], json!([]));
    app.cleanup().await;
}

#[tokio::test]
async fn problems_raised_at_a_democratic_life_meeting_are_stored_and_listed() {
    let app = spawn_app().await;
    let b = app.builder();
    let leader = b.member("县委书记", &app.tree.county).secretary().joined("1999-07-01").await;
    let deputy = b.member("县委副书记", &app.tree.county).holds(PositionKind::DeputySecretary).joined("1999-07-01").await;
    app.builder().account("county", "县委办公室").role(Role::Secretary, &app.tree.county).await;
    let s = app.login("county").await;
    let meeting =
        activity("democratic_life_meeting", &app.tree.county, "2026-01-20", &["three_musts_comparison", "negative_case_analysis"]);
    let meeting = created(&s, "/api/v1/activities", &meeting).await.id();
    let raised = created(
        &s,
        &format!("/api/v1/activities/{meeting}/problems"),
        &json!({"problems": [
            {"person_id": leader.to_string(), "description": "调查研究不够深入"},
            {"description": "班子落实“第一议题”制度有时流于形式"},
        ]}),
    )
    .await;
    let items = raised.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["person_id"], leader.to_string().as_str());
    assert_eq!(items[1]["person_id"], Value::Null);
    assert!(items.iter().all(|p| p["source_activity_id"] == meeting.as_str() && p["org_id"] == app.tree.county.to_string().as_str()));
    assert!(items.iter().all(|p| p["raised_on"] == "2026-01-20" && p["version"] == 1));
    let listed = s.get(&format!("/api/v1/activities/{meeting}/problems")).await;
    assert_eq!(listed.body["items"], raised.body["items"]);
    let of_org = s.get(&format!("/api/v1/orgs/{}/problems?subtree=false", app.tree.county)).await;
    assert_eq!(of_org.body["items"].as_array().unwrap().len(), 2);
    // The county's organization department reads them.
    let supervisor = app.login("supervisor").await;
    assert_eq!(supervisor.get(&format!("/api/v1/activities/{meeting}/problems")).await.body["items"].as_array().unwrap().len(), 2);

    // The meeting's page lists them and offers the form; the form adds one per line.
    let page = s.get(&format!("/activities/{meeting}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let problems = page.dom();
    let offered = problems.has(&format!("form[action=\"/activities/{meeting}/problems\"]"));
    assert!(problems.find("#problems").says("调查研究不够深入") && offered, "{}", page.text);
    assert!(!problems.has("#missing-items"), "both required items are on the agenda");
    let form = s
        .post_form(
            &format!("/activities/{meeting}/problems"),
            &[("descriptions", "理论学习不够系统\n\n联系群众不够紧密\n"), ("person", &deputy.to_string())],
        )
        .await;
    assert_eq!(form.status, StatusCode::SEE_OTHER, "{}", form.text);
    let listed = s.get(&format!("/api/v1/activities/{meeting}/problems")).await;
    let items = listed.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    assert!(items[2..].iter().all(|p| p["person_id"] == deputy.to_string().as_str()));
    assert_eq!(items[3]["description"], "联系群众不够紧密");

    // A meeting whose record lacks the negative-case analysis is warned about.
    let lacking = activity("democratic_life_meeting", &app.tree.county, "2026-02-10", &["three_musts_comparison"]);
    let lacking = created(&s, "/api/v1/activities", &lacking).await.id();
    let page = s.get(&format!("/activities/{lacking}")).await;
    assert!(page.dom().select_text("#missing-items").contains("本次记录缺少必备议程"), "{}", page.text);
    app.cleanup().await;
}

#[tokio::test]
async fn bad_input_is_refused_naming_the_field_and_stores_nothing() {
    let app = spawn_app().await;
    let li = member(&app, &app.tree.branch, "李党员").await;
    let stranger = member(&app, &app.tree.other_branch, "周党员").await;
    let s = app.login("secretary").await;
    let id = created(&s, "/api/v1/research-projects", &project(&app, &[&li])).await.id();
    let life = created(
        &s,
        "/api/v1/activities",
        &activity("organizational_life_meeting", &app.tree.branch, "2026-11-10", &["criticism_self_criticism"]),
    )
    .await
    .id();
    let assembly =
        created(&s, "/api/v1/activities", &activity("members_assembly", &app.tree.branch, "2026-11-12", &["theory_study"])).await.id();
    let patched = s.patch_json(&format!("/api/v1/research-projects/{id}"), &json!({"version": 1, "findings": "初步发现"})).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    let before = app.dump().await;

    let refused = |reply: &Reply, status: StatusCode, field: &str| {
        assert_eq!((reply.status, reply.field()), (status, Some(field)), "{}", reply.text);
    };
    let mut unknown_lead = project(&app, &[]);
    unknown_lead["lead_id"] = json!(Id::generate().to_string());
    refused(&s.post_json("/api/v1/research-projects", &unknown_lead).await, StatusCode::UNPROCESSABLE_ENTITY, "lead_id");
    let mut outside_lead = project(&app, &[]);
    outside_lead["lead_id"] = json!(stranger.to_string());
    refused(&s.post_json("/api/v1/research-projects", &outside_lead).await, StatusCode::UNPROCESSABLE_ENTITY, "lead_id");
    let mut empty_topic = project(&app, &[]);
    empty_topic["topic"] = json!("");
    let reply = s.post_json("/api/v1/research-projects", &empty_topic).await;
    refused(&reply, StatusCode::UNPROCESSABLE_ENTITY, "topic");
    assert!(reply.body["error"]["message"].as_str().unwrap().contains("课题"), "{}", reply.text);
    refused(&s.post_json("/api/v1/research-projects", &project(&app, &[&stranger])).await, StatusCode::UNPROCESSABLE_ENTITY, "team");
    let mut future = project(&app, &[]);
    future["started_on"] = json!("2026-11-24");
    refused(&s.post_json("/api/v1/research-projects", &future).await, StatusCode::UNPROCESSABLE_ENTITY, "started_on");
    refused(
        &s.post_json(&format!("/api/v1/research-projects/{id}/results"), &json!({"kind": "plan", "description": "x"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "kind",
    );
    let stale = s.patch_json(&format!("/api/v1/research-projects/{id}"), &json!({"version": 1, "findings": "覆盖别人的修改"})).await;
    assert_eq!((stale.status, stale.code()), (StatusCode::CONFLICT, Some("version_conflict")), "{}", stale.text);

    let one = |person: Option<&Id>| json!({"problems": [{"person_id": person.map(Id::to_string), "description": "问题"}]});
    refused(&s.post_json(&format!("/api/v1/activities/{assembly}/problems"), &one(None)).await, StatusCode::UNPROCESSABLE_ENTITY, "kind");
    refused(
        &s.post_json(&format!("/api/v1/activities/{life}/problems"), &one(Some(&stranger))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "person_id",
    );
    refused(
        &s.post_json(&format!("/api/v1/activities/{life}/problems"), &json!({"problems": []})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "problems",
    );
    refused(
        &s.post_json(&format!("/api/v1/activities/{life}/problems"), &json!({"problems": [{"description": "好"}, {"description": " "}]}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "description",
    );

    // The page forms show the reason beside the field (422) and store nothing.
    let form = s
        .post_form(
            &format!("/orgs/{}/research", app.tree.branch),
            &[("topic", ""), ("lead", &app.tree.secretary.to_string()), ("started_on", "2026-10-01")],
        )
        .await;
    assert_eq!(form.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", form.text);
    assert!(form.dom().select_text("#rs-topic-error").contains("课题：不能为空"), "{}", form.text);
    let form = s
        .post_form(
            &format!("/orgs/{}/research", app.tree.branch),
            &[
                ("topic", "新课题"),
                ("lead", &app.tree.secretary.to_string()),
                ("started_on", "2026-10-01"),
                (&format!("team_{stranger}"), "1"),
            ],
        )
        .await;
    assert_eq!(form.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", form.text);
    let typed = form.dom().attr("input#rs-topic", "value");
    assert!(form.dom().has("#rs-team-error") && typed.as_deref() == Some("新课题"), "the typed topic stays: {}", form.text);
    let form = s.post_form(&format!("/activities/{life}/problems"), &[("descriptions", "问题一"), ("person", &stranger.to_string())]).await;
    assert_eq!(form.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", form.text);
    assert!(form.dom().has("#pb-person-error") && form.dom().select_text("#pb-descriptions") == "问题一", "{}", form.text);
    let form = s.post_form(&format!("/research/{id}/results"), &[("kind", "measure"), ("description", "")]).await;
    assert_eq!(form.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", form.text);
    assert!(form.dom().has("#rr-description-error"), "{}", form.text);
    let forged = s.post_form_as_is(&format!("/activities/{life}/problems"), &[("csrf", "forged"), ("descriptions", "问题")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(app.dump().await, before);
    app.cleanup().await;
}

#[tokio::test]
async fn the_openapi_document_describes_research_and_problems() {
    let app = spawn_app().await;
    let doc: Value = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    for (path, methods) in [
        ("/api/v1/research-projects", &["get", "post"][..]),
        ("/api/v1/research-projects/{id}", &["get", "patch"]),
        ("/api/v1/research-projects/{id}/results", &["post"]),
        ("/api/v1/activities/{id}/problems", &["get", "post"]),
        ("/api/v1/orgs/{id}/problems", &["get"]),
    ] {
        for method in methods {
            assert!(doc["paths"][path][*method].is_object(), "{method} {path} is described");
        }
    }
    for name in [
        "ResearchProject",
        "ResearchProjectPage",
        "NewResearchProject",
        "PatchResearchProject",
        "ResearchResult",
        "NewResearchResult",
        "Problem",
        "ProblemList",
        "RaiseProblems",
    ] {
        assert!(doc["components"]["schemas"][name].is_object(), "schema {name}");
    }
    app.cleanup().await;
}
