#![allow(clippy::unwrap_used)]
//! Political birthdays and the coordination of grassroots visits on the real
//! application and a real database: a branch's page lists the month's
//! birthdays (its group's members too), the one-step form records one
//! activity with all of them present and meets the `political-birthday`
//! requirement of each (as their own page shows), bad input is refused
//! naming the field with nothing stored, and the visits planned or held at
//! a unit within fourteen days of a day are listed — cancelled ones not —
//! through the API and on the page of a planned visit.
//!
//! The day is 2026-11-23.

use domain::Id;
use domain::access::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::activities::ActivityStatus;
use testkit::activities::activity;
use testkit::app::{Session, TestApp, duty, spawn_app};
use testkit::html::{Dom, Element};

/// Records a member of `org` who joined on `joined` (through the store, before any page is served).
async fn add_member(app: &TestApp, org: &Id, name: &str, joined: &str) -> Id {
    app.builder().member(name, org).joined(joined).await
}

/// The branch's November birthdays: 张红 (2001-11-05) in the branch and 刘军
/// (2010-11) in its group; 陈平 joined in March, 周强 belongs to the other
/// branch. The secretary 王建国 joined in July 1995.
struct Members {
    zhang: Id,
    liu: Id,
    chen: Id,
    zhou: Id,
}

async fn members(app: &TestApp) -> Members {
    Members {
        zhang: add_member(app, &app.tree.branch, "张红", "2001-11-05").await,
        liu: add_member(app, &app.tree.group, "刘军", "2010-11").await,
        chen: add_member(app, &app.tree.branch, "陈平", "1999-03-01").await,
        zhou: add_member(app, &app.tree.other_branch, "周强", "2005-11-11").await,
    }
}

/// The row of a person on the birthday page.
fn row<'a>(page: &'a Dom, person: &Id) -> Element<'a> {
    page.find(&format!("tr[data-person=\"{person}\"]"))
}

async fn birthday_count(app: &TestApp, s: &Session) -> usize {
    let list = s.get(&format!("/api/v1/activities?org={}&kind=political_birthday", app.tree.branch)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    list.body["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn the_branch_sees_this_months_birthdays_with_join_date_and_years() {
    let app = spawn_app().await;
    let m = members(&app).await;
    let s = app.login("secretary").await;
    let org = s.get(&format!("/orgs/{}", app.tree.branch)).await;
    assert!(org.dom().links_to(&format!("/orgs/{}/birthdays", app.tree.branch)), "a link from the branch page: {}", org.text);

    let page = s.get(&format!("/orgs/{}/birthdays", app.tree.branch)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let dom = page.dom();
    assert!(dom.says("2026年11月"), "{}", page.text);
    let zhang = row(&dom, &m.zhang);
    let years = |row: Element<'_>| row.select_text("strong.count");
    assert!(zhang.says("张红") && zhang.says("2001-11-05") && years(zhang) == "25" && zhang.says("尚未开展"), "{zhang}");
    let liu = row(&dom, &m.liu);
    assert!(liu.says("刘军") && liu.says("2010-11") && years(liu) == "16" && liu.says("第一党小组"), "{liu}");
    for other in [&m.chen, &m.zhou, &app.tree.secretary] {
        assert!(!dom.has(&format!("[data-person=\"{other}\"]")), "{other} is not listed");
    }
    // Everyone still to celebrate is ticked; the committee is offered as presenter.
    for person in [&m.zhang, &m.liu] {
        let tick = dom.find(&format!("input[name=\"member_{person}\"]"));
        assert!(tick.attr("value") == Some("1") && tick.attr("checked").is_some(), "{tick}");
    }
    let presenter = dom.find(&format!("select#bd-presenter option[value=\"{}\"]", app.tree.secretary));
    assert!(presenter.attr("selected").is_some() && presenter.text() == "王建国（书记）", "{presenter}");
    assert_eq!(dom.attr("input#bd-held-on", "value").as_deref(), Some("2026-11-23"), "today by default");

    let july = s.get(&format!("/orgs/{}/birthdays?month=2026-07", app.tree.branch)).await;
    assert_eq!(years(row(&july.dom(), &app.tree.secretary)), "31", "{}", july.text);
    let en = s.get_with_cookie(&format!("/orgs/{}/birthdays", app.tree.branch), "lang=en").await;
    assert!(en.says("November 2026") && en.says("Record the political birthday"), "{}", en.text);
    assert_eq!(s.get(&format!("/orgs/{}/birthdays?month=2026-13", app.tree.branch)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(s.get(&format!("/orgs/{}/birthdays", app.tree.village)).await.status, StatusCode::NOT_FOUND, "outside the grant");

    // The same through the API.
    let api = s.get(&format!("/api/v1/orgs/{}/political-birthdays?month=2026-11", app.tree.branch)).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.text);
    assert_eq!(api.body["month"], "2026-11");
    let items: Vec<(&str, &str, i64)> = api.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["name"].as_str().unwrap(), i["join_date"].as_str().unwrap(), i["years"].as_i64().unwrap()))
        .collect();
    assert_eq!(items, vec![("刘军", "2010-11", 16), ("张红", "2001-11-05", 25)]);
    assert!(api.body["items"][0]["celebrated_activity_id"].is_null());
    let bad = s.get(&format!("/api/v1/orgs/{}/political-birthdays?month=2026-1", app.tree.branch)).await;
    assert_eq!((bad.status, bad.field()), (StatusCode::UNPROCESSABLE_ENTITY, Some("month")));
    // The township's organization department reads it but records nothing here.
    let dept = app.login("dept").await;
    let read = dept.get(&format!("/orgs/{}/birthdays", app.tree.branch)).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(!read.dom().has("input[name^=member_]"), "no form for a reader");
    app.cleanup().await;
}

#[tokio::test]
async fn one_step_records_one_activity_with_all_present_and_meets_their_requirement() {
    let app = spawn_app().await;
    let m = members(&app).await;
    let s = app.login("secretary").await;
    // Before: the birthday is due for 张红 this month.
    let before = s.get(&format!("/people/{}", m.zhang)).await;
    assert!(!duty(&before.dom(), "political-birthday").says("已有记录"), "{}", before.text);

    let zhang = format!("member_{}", m.zhang);
    let liu = format!("member_{}", m.liu);
    let secretary = app.tree.secretary.to_string();
    let sent = s
        .post_form(
            &format!("/orgs/{}/birthdays", app.tree.branch),
            &[("month", "2026-11"), ("held_on", "2026-11-20"), ("presenter", &secretary), (&zhang, "1"), (&liu, "1")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    let location = sent.location().unwrap().to_owned();
    let id = location.strip_prefix("/activities/").unwrap().to_owned();
    assert_eq!(birthday_count(&app, &s).await, 1);

    let record = s.get(&format!("/api/v1/activities/{id}")).await;
    assert_eq!(record.body["kind"], "political_birthday");
    assert_eq!(record.body["held_on"], "2026-11-20");
    assert_eq!(record.body["status"], "held");
    assert_eq!(record.body["duration_minutes"], 60);
    assert_eq!(record.body["presenter_id"], secretary.as_str());
    assert_eq!(record.body["agenda"], json!([{"kind": "oath_review", "title": "重温入党誓词"}, {"kind": "other", "title": "政治生日"}]));
    let mut present: Vec<String> = record.body["participants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["present"] == json!(true))
        .map(|p| p["person_id"].as_str().unwrap().to_owned())
        .collect();
    present.sort();
    let mut expected = vec![m.zhang.to_string(), m.liu.to_string(), secretary.clone()];
    expected.sort();
    assert_eq!(present, expected, "the chosen and the committee, all present");
    assert_eq!(record.body["participants"].as_array().unwrap().len(), 3);

    // The activity page, and the requirement met on each one's own page.
    let page = s.get(&location).await;
    assert!(page.says("政治生日") && page.says("重温入党誓词"), "{}", page.text);
    for person in [&m.zhang, &m.liu] {
        let own = s.get(&format!("/people/{person}")).await.dom();
        let birthday = duty(&own, "political-birthday");
        assert!(birthday.says("已有记录") && birthday.links_to(&format!("/activities/{id}")), "{birthday}");
    }
    // The list says so, and nobody is ticked any more.
    let list = s.get(&format!("/orgs/{}/birthdays", app.tree.branch)).await;
    let listed = list.dom();
    let zhang = row(&listed, &m.zhang);
    assert!(zhang.links_to(&format!("/activities/{id}")) && zhang.says("2026-11-20"), "{zhang}");
    assert!(!listed.has("input[value=\"1\"][checked]"), "{}", list.text);

    // Through the API, with an idempotency key: one more record, once.
    let body = json!({"held_on": "2026-11-22", "person_ids": [m.liu.to_string()]});
    let api = format!("/api/v1/orgs/{}/political-birthdays", app.tree.branch);
    let first = s.post_json_with_key(&api, "bd-1", &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    assert_eq!(first.location(), Some(format!("/api/v1/activities/{}", first.id()).as_str()));
    let again = s.post_json_with_key(&api, "bd-1", &body).await;
    assert_eq!((again.status, again.id()), (StatusCode::CREATED, first.id()));
    assert_eq!(birthday_count(&app, &s).await, 2);
    app.cleanup().await;
}

#[tokio::test]
async fn bad_birthdays_are_refused_naming_the_field_and_store_nothing() {
    let app = spawn_app().await;
    let m = members(&app).await;
    app.builder().account("secretary2", "第二支部书记").role(Role::Secretary, &app.tree.other_branch).await;
    let s = app.login("secretary").await;
    let path = format!("/orgs/{}/birthdays", app.tree.branch);
    let zhang = format!("member_{}", m.zhang);
    let zhou = format!("member_{}", m.zhou);
    let chen = format!("member_{}", m.chen);
    let other = app.login("secretary2").await;
    let dept = app.login("dept").await;
    let before = app.dump().await;

    let future = s.post_form(&path, &[("month", "2026-11"), ("held_on", "2026-11-24"), (&zhang, "1")]).await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", future.text);
    let e = future.dom().select_text("#bd-held-on-error");
    assert!(e.starts_with("举办日期") && e.contains("晚于今天"), "{e}");
    assert_eq!(future.dom().attr("input#bd-held-on", "value").as_deref(), Some("2026-11-24"), "what was typed is shown again");
    let not_a_date = s.post_form(&path, &[("held_on", "20.11.2026"), (&zhang, "1")]).await;
    let e = not_a_date.dom().select_text("#bd-held-on-error");
    assert!(e.starts_with("举办日期") && e.contains("不是日期"), "{e}");
    let outsider = s.post_form(&path, &[("held_on", "2026-11-20"), (&zhang, "1"), (&zhou, "1")]).await;
    assert_eq!(outsider.status, StatusCode::UNPROCESSABLE_ENTITY);
    let e = outsider.dom().select_text("#bd-members-error");
    assert!(e.starts_with("参加人员") && e.contains("当日不是本支部"), "{e}");
    let march = s.post_form(&path, &[("held_on", "2026-11-20"), (&chen, "1")]).await;
    let e = march.dom().select_text("#bd-members-error");
    assert!(e.starts_with("参加人员") && e.contains("陈平的政治生日不在2026年11月"), "{e}");
    let nobody = s.post_form(&path, &[("held_on", "2026-11-20")]).await;
    assert_eq!(nobody.status, StatusCode::UNPROCESSABLE_ENTITY);
    let e = nobody.dom().select_text("#bd-members-error");
    assert!(e.starts_with("参加人员") && e.contains("请至少选择"), "{e}");
    let en = s.post_form(&format!("{path}?lang=en"), &[("held_on", "2026-11-20")]).await;
    assert!(en.says("choose at least one member"), "{}", en.text);
    let forged = s.post_form_as_is(&path, &[("csrf", "forged"), ("held_on", "2026-11-20"), (&zhang, "1")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(other.post_form(&path, &[("held_on", "2026-11-20"), (&zhang, "1")]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(dept.post_form(&path, &[("held_on", "2026-11-20"), (&zhang, "1")]).await.status, StatusCode::NOT_FOUND, "read only");

    // The API names its fields.
    let api = format!("/api/v1/orgs/{}/political-birthdays", app.tree.branch);
    let cases: Vec<(Value, &str)> = vec![
        (json!({"held_on": "2026-11-24", "person_ids": [m.zhang.to_string()]}), "held_on"),
        (json!({"person_ids": [m.zhang.to_string()]}), "held_on"),
        (json!({"held_on": "2026-11-20", "person_ids": []}), "person_ids"),
        (json!({"held_on": "2026-11-20"}), "person_ids"),
        (json!({"held_on": "2026-11-20", "person_ids": [m.zhou.to_string()]}), "person_ids"),
        (json!({"held_on": "2026-11-20", "person_ids": ["not-an-id"]}), "person_ids"),
        (json!({"held_on": "2026-11-20", "person_ids": [m.zhang.to_string()], "presenter_id": m.zhou.to_string()}), "presenter_id"),
    ];
    for (body, field) in cases {
        let refused = s.post_json(&api, &body).await;
        assert_eq!((refused.status, refused.field()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{body}: {}", refused.text);
    }
    let unknown = s.post_json(&api, &json!({"held_on": "2026-11-20", "person_ids": [m.zhang.to_string()], "colour": "red"})).await;
    assert_eq!((unknown.status, unknown.field()), (StatusCode::BAD_REQUEST, Some("colour")));
    assert_eq!(
        other.post_json(&api, &json!({"held_on": "2026-11-20", "person_ids": [m.zhang.to_string()]})).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.dump().await, before, "nothing stored");
    app.cleanup().await;
}

/// A grassroots visit to the branch by `leader`, through the API.
async fn visit(s: &Session, app: &TestApp, leader: &Id, on: &str, kind: &str, status: ActivityStatus) -> String {
    let body = activity("grassroots_visit", &app.tree.branch, on).minutes(120).presented_by(leader).agenda_item("other", "走访");
    let created = s.post_json("/api/v1/activities", &body.visit(kind).status(status).json()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    created.id()
}

#[tokio::test]
async fn visits_to_the_same_unit_within_two_weeks_are_listed_and_cancelled_ones_not() {
    use ActivityStatus::{Held, Planned};
    let app = spawn_app().await;
    let b = app.builder();
    let first = b.member("李县长", &app.tree.county).leads(&app.tree.county).joined("1990-06-01").await;
    let second = b.member("赵副书记", &app.tree.county).leads(&app.tree.county).joined("1992-06-01").await;
    let s = app.login("secretary").await;
    let this = visit(&s, &app, &first, "2026-12-01", "investigate", Planned).await;
    let planned = visit(&s, &app, &second, "2026-12-06", "publicize", Planned).await;
    let held = visit(&s, &app, &first, "2026-11-20", "receive_petitions", Held).await;
    visit(&s, &app, &second, "2026-12-20", "on_site_work", Planned).await;
    let cancelled = visit(&s, &app, &second, "2026-12-03", "on_site_work", Planned).await;
    let done = s.post_json(&format!("/api/v1/activities/{cancelled}/cancel?version=1"), &json!({})).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);

    let near = s.get(&format!("/api/v1/orgs/{}/planned-visits?around=2026-12-01&exclude={this}", app.tree.branch)).await;
    assert_eq!(near.status, StatusCode::OK, "{}", near.text);
    assert_eq!(near.body["window_days"], 14);
    let rows: Vec<(&str, &str, &str, &str, i64)> = near.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap(),
                v["status"].as_str().unwrap(),
                v["presenter_name"].as_str().unwrap(),
                v["visit_kind"].as_str().unwrap(),
                v["days_apart"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![(held.as_str(), "held", "李县长", "receive_petitions", -11), (planned.as_str(), "planned", "赵副书记", "publicize", 5)]
    );
    let all = s.get(&format!("/api/v1/orgs/{}/planned-visits?around=2026-12-01", app.tree.branch)).await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 3, "with the visit itself");
    let bad = s.get(&format!("/api/v1/orgs/{}/planned-visits?around=tomorrow", app.tree.branch)).await;
    assert_eq!((bad.status, bad.field()), (StatusCode::UNPROCESSABLE_ENTITY, Some("around")));
    assert_eq!(s.get(&format!("/api/v1/orgs/{}/planned-visits", app.tree.other_branch)).await.status, StatusCode::NOT_FOUND);

    // The page of the planned visit shows the others, and suggests spreading.
    let page = s.get(&format!("/activities/{this}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let dom = page.dom();
    let section = dom.find("section#visit-coordination");
    let visit_row = |id: &str| section.find(&format!("a[href=\"/activities/{id}\"]")).closest("tr").unwrap();
    let later = visit_row(&planned);
    assert!(later.says("赵副书记") && later.says("晚 5 天"), "{section}");
    assert!(visit_row(&held).says("已开展"), "{section}");
    assert!(!section.hrefs().iter().any(|h| h.contains(&cancelled)) && !section.links_to(&format!("/activities/{this}")), "{section}");
    assert!(section.says("为避免扎堆、重复走访"), "{section}");
    // A held visit's page has no such section; a quiet fortnight says so.
    assert!(!s.get(&format!("/activities/{held}")).await.dom().has("#visit-coordination"));
    let lone = visit(&s, &app, &first, "2027-03-01", "publicize", Planned).await;
    let quiet = s.get(&format!("/activities/{lone}")).await;
    assert!(quiet.says("前后两周内没有其他领导") && !quiet.says("为避免扎堆"), "{}", quiet.text);
    app.cleanup().await;
}

#[tokio::test]
async fn the_openapi_document_describes_the_birthday_and_visit_endpoints() {
    let app = spawn_app().await;
    let doc: Value = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    for (path, methods) in [("/api/v1/orgs/{id}/political-birthdays", &["get", "post"][..]), ("/api/v1/orgs/{id}/planned-visits", &["get"])]
    {
        for method in methods {
            assert!(doc["paths"][path][method].is_object(), "{method} {path} is described");
        }
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in ["BirthdayList", "BirthdayMember", "NewPoliticalBirthday", "NearbyVisitList", "NearbyVisit"] {
        assert!(schemas.contains_key(name), "schema {name}");
    }
    let required = &schemas["NewPoliticalBirthday"]["required"];
    assert!(required.as_array().unwrap().iter().any(|f| f == "person_ids"), "{required}");
    app.cleanup().await;
}
