#![allow(clippy::unwrap_used)]
//! The compliance pages on the real application and a real database: the
//! organization page's "this month", the year grid with its evidence links,
//! roll-ups whose every number is the cells behind it, the activity record,
//! local settings and exemptions through their forms, and a person's
//! obligations. Activities are recorded through the JSON API, as a
//! secretary would, so that the evaluation is updated as the server runs.
//!
//! The day is 2026-11-23: November and the fourth quarter are under way,
//! October's records could be entered until 10 November and are now missed.

use domain::Id;
use domain::access::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::activities::activity as new_activity;
use testkit::app::{Session, TestApp, duty, spawn_app};
use testkit::html::{Dom, Element};

/// Records a committee member of `org` (through the store, before any page
/// is served) and returns their id.
async fn add_member(app: &TestApp, org: &Id, name: &str) -> Id {
    app.builder().member(name, org).committee_member().joined("1990-03-15").await
}

/// An activity of `kind` held by `host` on `held_on` at 19:30, with the theory study first.
fn activity(kind: &str, host: &Id, held_on: &str) -> Value {
    new_activity(kind, host, held_on).starting("19:30").agenda_item("theory_study", "学习最新重要讲话").agenda(&["business"]).json()
}

/// Records an activity through the API and returns its id.
async fn record(s: &Session, body: &Value) -> String {
    let created = s.post_json("/api/v1/activities", body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    created.id()
}

/// The cell of the grid for `requirement` in `period` (`2026-Q4`, `2026-11`).
fn grid_cell<'a>(grid: &'a Dom, requirement: &str, period: &str) -> Element<'a> {
    grid.find(&format!("tr[data-requirement=\"{requirement}\"] td[data-period=\"{period}\"]"))
}

/// The count of `status` in the roll-up row of `requirement`, and where it links.
fn rollup_count(rollup: &Dom, requirement: &str, status: &str) -> (u64, Option<String>) {
    let cell = rollup.find(&format!("tr[data-requirement=\"{requirement}\"] td[data-status=\"{status}\"]"));
    (cell.text().parse().unwrap(), cell.first("a").and_then(|a| a.attr("href")).map(str::to_owned))
}

/// The (subject link, period) of every row of a drill-down page.
fn drill_rows(drill: &Dom) -> Vec<(String, String)> {
    let rows = drill.select("tr.cell-row");
    rows.iter().map(|r| (r.find("th a").attr("href").unwrap().to_owned(), r.attr("data-period").unwrap().to_owned())).collect()
}

#[tokio::test]
async fn the_branch_page_shows_what_is_due_this_month_and_links_to_the_year() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let page = s.get(&format!("/orgs/{}", app.tree.branch)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let dom = page.dom();
    let this_month = dom.find("section.duties[aria-labelledby=this-month]");
    assert_eq!(this_month.select_text("h2"), "本月事项", "{this_month}");
    let theme_day = duty(&dom, "theme-party-day");
    assert!(theme_day.has_class("st-due") && theme_day.says("待落实"), "{theme_day}");
    assert!(theme_day.says("2026年11月"), "{theme_day}");
    let assembly = duty(&dom, "members-assembly");
    assert!(assembly.says("待落实") && assembly.says("2026年第四季度"), "{assembly}");
    assert!(assembly.says("已开展0次，要求1次"), "the reason is given: {assembly}");
    // Due comes before what is met or exempt.
    assert!(this_month.has("li.duty.st-due"), "{this_month}");
    assert!(dom.links_to(&format!("/orgs/{}/compliance?year=2026", app.tree.branch)));
    assert!(dom.links_to(&format!("/orgs/{}/rollup?year=2026", app.tree.branch)));
    let en = s.get_with_cookie(&format!("/orgs/{}", app.tree.branch), "lang=en").await.dom();
    assert!(en.select_text("#this-month") == "This month" && duty(&en, "theme-party-day").says("Due"), "{}", en.text());
    app.cleanup().await;
}

#[tokio::test]
async fn the_grid_shows_a_met_quarter_with_a_link_to_its_record() {
    let app = spawn_app().await;
    let absent = add_member(&app, &app.tree.branch, "李秀英").await;
    let s = app.login("secretary").await;
    let mut body = activity("members_assembly", &app.tree.branch, "2026-11-20");
    body["title"] = json!("第四季度党员大会");
    body["presenter_id"] = json!(app.tree.secretary.to_string());
    body["participants"] = json!([app.tree.secretary.to_string(), absent.to_string()]);
    body["absentees"] = json!([{"person_id": absent.to_string(), "reason": "外出务工"}]);
    // A vote, with one of the two members with a vote absent: no more than half present, no quorum.
    body["agenda"] = json!([{"kind": "theory_study"}, {"kind": "vote", "title": "表决接收预备党员"}]);
    let without_quorum = record(&s, &body).await;
    body["participants"] = json!([app.tree.secretary.to_string()]);
    body["absentees"] = json!([]);
    let id = record(&s, &body).await;

    let grid = s.get(&format!("/orgs/{}/compliance", app.tree.branch)).await;
    assert_eq!(grid.status, StatusCode::OK, "{}", grid.text);
    let grid = grid.dom();
    let q4 = grid_cell(&grid, "members-assembly", "2026-Q4");
    assert!(q4.attr("colspan") == Some("3") && q4.has_class("st-met") && q4.says("已落实"), "{q4}");
    assert!(q4.links_to(&format!("/activities/{id}")), "the met cell links to its evidence: {q4}");
    assert!(!q4.hrefs().iter().any(|h| h.contains(&without_quorum)), "the meeting without a quorum is not evidence: {q4}");
    let q1 = grid_cell(&grid, "members-assembly", "2026-Q1");
    assert!(q1.has_class("st-missed") && q1.says("未落实") && q1.attr("title").is_some(), "{q1}");
    let november = grid_cell(&grid, "theme-party-day", "2026-11");
    assert!(november.attr("colspan") == Some("1") && november.says("待落实"), "{november}");
    assert!(!grid.has("[data-period=\"2026-12\"]"), "December has not begun");
    assert!(grid.has("div.scroll table.grid"), "the table scrolls inside its box");
    let years = grid.find("nav.years").hrefs();
    assert!(
        years.iter().any(|h| h.ends_with("?year=2025")) && years.iter().any(|h| h.ends_with("?year=2026")),
        "a year switcher: {years:?}"
    );
    let last_year = s.get(&format!("/orgs/{}/compliance?year=2025", app.tree.branch)).await;
    assert_eq!(last_year.status, StatusCode::OK);
    assert!(grid_cell(&last_year.dom(), "members-assembly", "2025-Q4").says("未落实"));
    assert_eq!(s.get(&format!("/orgs/{}/compliance?year=2027", app.tree.branch)).await.status, StatusCode::NOT_FOUND);

    let record_page = s.get(&format!("/activities/{id}")).await;
    assert_eq!(record_page.status, StatusCode::OK, "{}", record_page.text);
    let text = &record_page.text;
    let dom = record_page.dom();
    assert!(dom.says("支部党员大会") && dom.says("第四季度党员大会"), "{text}");
    assert!(dom.links_to(&format!("/orgs/{}", app.tree.branch)) && dom.says("2026-11-20") && dom.says("19:30"));
    assert!(dom.says("90 分钟") && dom.says("第一议题"), "{text}");
    let presenter = dom.find(&format!("dl.facts a[href=\"/people/{}\"]", app.tree.secretary));
    assert_eq!(presenter.text(), "王建国", "the presenter: {text}");
    let satisfied = dom.find("#satisfied ~ table");
    assert!(satisfied.says("支部党员大会") && satisfied.says("2026年第四季度") && satisfied.says("石桥村第一党支部"), "{satisfied}");
    assert!(!dom.has("#entered-on"), "the entry time is for supervisors");
    let supervisor = app.login("supervisor").await;
    let seen = supervisor.get(&format!("/activities/{without_quorum}")).await;
    let seen_dom = seen.dom();
    assert!(seen_dom.select_text("#entered-on").contains("录入于"), "{}", seen.text);
    assert!(seen_dom.says("李秀英") && seen_dom.says("外出务工"), "the absent with their reason: {}", seen.text);
    // Without a quorum the assembly counts for no assembly requirement, but
    // the minutes of those present still add to their study hours.
    let counted = seen_dom.find("#satisfied ~ table");
    assert!(!counted.texts("th[scope=row]").iter().any(|t| t.starts_with("支部党员大会")), "{counted}");
    assert!(counted.says("党员集中学习培训学时"), "{counted}");
    app.cleanup().await;
}

#[tokio::test]
async fn every_number_of_the_rollup_is_the_cells_it_links_to() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    record(&s, &activity("theme_party_day", &app.tree.branch, "2026-03-15")).await;
    record(&s, &activity("members_assembly", &app.tree.branch, "2026-11-20")).await;
    let supervisor = app.login("supervisor").await;
    let page = supervisor.get(&format!("/orgs/{}/rollup", app.tree.county)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let rollup = page.dom();

    // Two branches, January to November; March held in one of them.
    assert_eq!(rollup_count(&rollup, "theme-party-day", "met").0, 1);
    assert_eq!(rollup_count(&rollup, "theme-party-day", "missed").0, 19);
    assert_eq!(rollup_count(&rollup, "theme-party-day", "due").0, 2);
    let theme_day = rollup.find("tr[data-requirement=theme-party-day]");
    assert_eq!(theme_day.select_text("td.rate a"), "5%", "1 of 20: the denominator is large enough: {theme_day}");
    let assembly = rollup.find("tr[data-requirement=members-assembly]");
    assert!(assembly.find("td.rate").says("样本少，只看个数") && !assembly.says("%"), "7 is too few for a rate: {assembly}");

    let mut checked = 0;
    for requirement in rollup.attrs("tr[data-requirement]", "data-requirement") {
        let requirement = requirement.as_str();
        for status in ["met", "due", "overdue", "missed", "exempt", "not_applicable"] {
            let (n, href) = rollup_count(&rollup, requirement, status);
            let Some(href) = href else {
                assert_eq!(n, 0);
                continue;
            };
            let drill = supervisor.get(&href).await;
            assert_eq!(drill.status, StatusCode::OK, "{href}: {}", drill.text);
            let drill = drill.dom();
            assert_eq!(drill_rows(&drill).len() as u64, n, "{requirement} {status}");
            assert_eq!(drill.select_text("strong.count#drill-total"), n.to_string());
            checked += 1;
        }
    }
    assert!(checked >= 8, "{checked} counts followed");
    app.cleanup().await;
}

#[tokio::test]
async fn the_missed_drill_down_lists_exactly_the_missing_cells_in_the_trees_order() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    record(&s, &activity("theme_party_day", &app.tree.branch, "2026-03-15")).await;
    let dept = app.login("dept").await;
    let page = dept.get(&format!("/orgs/{}/rollup/theme-party-day?status=missed&year=2026", app.tree.township)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let dom = page.dom();
    let rows = drill_rows(&dom);
    let (first, second) = (format!("/orgs/{}", app.tree.branch), format!("/orgs/{}", app.tree.other_branch));
    let mut want: Vec<(String, String)> = Vec::new();
    for (branch, skip) in [(&first, Some(3)), (&second, None)] {
        for m in 1..=10 {
            if Some(m) != skip {
                want.push((branch.clone(), format!("2026-{m:02}")));
            }
        }
    }
    assert_eq!(rows, want, "first branch (by name) before the second, months in order, March held");
    assert!(dom.says("未落实") && dom.says("已开展0次，要求1次"), "{}", page.text);
    assert!(dom.says("不按完成情况排名"));
    let all = dept.get(&format!("/orgs/{}/rollup/theme-party-day?year=2026", app.tree.township)).await;
    assert_eq!(drill_rows(&all.dom()).len(), 22, "every cell of both branches, January to November");
    for bad in ["status=winning", "page=2", "page=0", "year=1999"] {
        let reply = dept.get(&format!("/orgs/{}/rollup/theme-party-day?{bad}", app.tree.township)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{bad}");
    }
    assert_eq!(dept.get(&format!("/orgs/{}/rollup/no-such-requirement", app.tree.township)).await.status, StatusCode::NOT_FOUND);
    app.cleanup().await;
}

#[tokio::test]
async fn the_secretary_of_another_branch_gets_not_found() {
    let app = spawn_app().await;
    app.builder().account("secretary2", "第二支部书记").role(Role::Secretary, &app.tree.other_branch).await;
    let s = app.login("secretary").await;
    let id = record(&s, &activity("members_assembly", &app.tree.branch, "2026-11-20")).await;
    let other = app.login("secretary2").await;
    for path in [
        format!("/orgs/{}/rollup", app.tree.branch),
        format!("/orgs/{}/rollup/members-assembly?status=met", app.tree.branch),
        format!("/orgs/{}/compliance", app.tree.branch),
        format!("/orgs/{}/settings", app.tree.branch),
        format!("/activities/{id}"),
        format!("/orgs/{}/rollup", app.tree.village),
    ] {
        assert_eq!(other.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    // Their own branch is theirs; the secretary may not change settings.
    assert_eq!(other.get(&format!("/orgs/{}/rollup", app.tree.other_branch)).await.status, StatusCode::OK);
    let before = app.dump().await;
    let fields =
        [("requirement", "members-assembly"), ("subject", "organization"), ("from", "2026-10-01"), ("to", "2026-12-31"), ("reason", "x")];
    assert_eq!(s.post_form(&format!("/orgs/{}/exemptions", app.tree.branch), &fields).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.dump().await, before);
    app.cleanup().await;
}

#[tokio::test]
async fn a_bad_count_is_refused_naming_the_field_and_a_good_one_changes_the_grid() {
    let app = spawn_app().await;
    let supervisor = app.login("supervisor").await;
    let county = app.tree.county.to_string();
    let grid = supervisor.get(&format!("/orgs/{county}/compliance")).await;
    assert_eq!(grid_cell(&grid.dom(), "center-group-study", "2026-01").attr("colspan"), Some("1"), "monthly by default");
    let settings = supervisor.get(&format!("/orgs/{county}/settings")).await;
    assert_eq!(settings.status, StatusCode::OK, "{}", settings.text);
    let settings = settings.dom();
    let choices = settings.find("select#fq-requirement");
    assert!(choices.has("option[value=center-group-study]"), "{choices}");
    assert!(!choices.has("option[value=members-assembly]"), "only frequencies the documents leave open: {choices}");

    let before = app.dump().await;
    let path = format!("/orgs/{county}/settings/frequency");
    let mut fields = vec![
        ("requirement", "center-group-study"),
        ("period", "quarter"),
        ("count", "0"),
        ("valid_from", "2026-01-01"),
        ("reason", "县委决定按季度集中学习"),
    ];
    let refused = supervisor.post_form(&path, &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    let form = refused.dom();
    assert_eq!(form.select_text("#fq-count-error"), "次数：“0”须为 1 至 366 的整数", "{}", refused.text);
    let count = form.find("input#fq-count");
    assert!(count.attr("value") == Some("0") && count.attr("aria-invalid") == Some("true"), "what was typed is kept: {count}");
    assert_eq!(form.select_text("#fq-reason"), "县委决定按季度集中学习");
    let english = supervisor.post_form(&format!("{path}?lang=en"), &fields).await;
    assert_eq!(english.dom().select_text("#fq-count-error"), "Count: '0' must be a whole number from 1 to 366", "{}", english.text);
    fields[2] = ("count", "two");
    let not_a_number = supervisor.post_form(&path, &fields).await;
    assert!(not_a_number.dom().select_text("#fq-count-error").starts_with("次数：“two”不是数字"), "{}", not_a_number.text);
    fields[2] = ("count", "1");
    fields[0] = ("requirement", "members-assembly");
    let fixed = supervisor.post_form(&path, &fields).await;
    let error = fixed.dom().select_text("#fq-requirement-error");
    assert!(error.starts_with("制度要求：“members-assembly”其频次由文件规定"), "{}", fixed.text);
    assert_eq!(app.dump().await, before, "nothing was changed");

    fields[0] = ("requirement", "center-group-study");
    let saved = supervisor.post_form(&path, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    assert_eq!(saved.location(), Some(format!("/orgs/{county}/settings?saved=1").as_str()));
    let grid = supervisor.get(&format!("/orgs/{county}/compliance")).await.dom();
    let q1 = grid_cell(&grid, "center-group-study", "2026-Q1");
    assert!(q1.attr("colspan") == Some("3") && q1.says("未落实"), "{q1}");
    assert!(!grid.has("[data-period=\"2026-01\"]"), "no monthly cells any more");
    let listed = supervisor.get(&format!("/orgs/{county}/settings?saved=1")).await;
    assert!(listed.says("已保存") && listed.says("每季度 1 次"), "{}", listed.text);
    // The township sees the county's setting as inherited, without forms.
    let dept = app.login("dept").await;
    let inherited = dept.get(&format!("/orgs/{}/settings", app.tree.township)).await;
    assert!(inherited.says("上级设置") && inherited.says("每季度 1 次"), "{}", inherited.text);
    assert!(!inherited.dom().has("[action$=\"/end\"], [href$=\"/end\"]"), "a setting made above cannot be ended here");
    app.cleanup().await;
}

#[tokio::test]
async fn an_exemption_shows_as_exempt_never_met_and_revoking_it_brings_the_record_back() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let id = record(&s, &activity("members_assembly", &app.tree.branch, "2026-11-20")).await;
    let dept = app.login("dept").await;
    let branch = app.tree.branch.to_string();
    let grid = dept.get(&format!("/orgs/{branch}/compliance")).await;
    assert!(grid_cell(&grid.dom(), "members-assembly", "2026-Q4").has_class("st-met"));

    let page = dept.get(&format!("/orgs/{branch}/settings")).await;
    let subjects = page.dom();
    assert!(subjects.select_text("#ex-subject option[value=organization]").starts_with("石桥村第一党支部"), "{}", page.text);
    assert_eq!(subjects.select_text(&format!("#ex-subject option[value=\"person:{}\"]", app.tree.secretary)), "王建国");
    let before = app.dump().await;
    let bad = [
        ("requirement", "members-assembly"),
        ("subject", "organization"),
        ("from", "2026-12-31"),
        ("to", "2026-10-01"),
        ("reason", "村两委换届"),
    ];
    let refused = dept.post_form(&format!("/orgs/{branch}/exemptions"), &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.dom().select_text("#ex-to-error").starts_with("截止日期：“2026-10-01”早于起始日期"), "{}", refused.text);
    let stranger = [
        ("requirement", "study-hours"),
        ("subject", &format!("person:{}", Id::generate())),
        ("from", "2026-10-01"),
        ("to", "2026-12-31"),
        ("reason", "x"),
    ];
    let refused = dept.post_form(&format!("/orgs/{branch}/exemptions"), &stranger).await;
    assert!(refused.dom().has("#ex-subject-error"), "{}", refused.text);
    assert_eq!(app.dump().await, before);

    let good = [
        ("requirement", "members-assembly"),
        ("subject", "organization"),
        ("from", "2026-10-01"),
        ("to", "2026-12-31"),
        ("reason", "村两委换届"),
    ];
    let done = dept.post_form(&format!("/orgs/{branch}/exemptions"), &good).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    let grid = dept.get(&format!("/orgs/{branch}/compliance")).await.dom();
    let q4 = grid_cell(&grid, "members-assembly", "2026-Q4");
    assert!(q4.has_class("st-exempt") && q4.says("经批准不作要求") && !q4.says("已落实"), "exempt, never met: {q4}");
    let month = dept.get(&format!("/orgs/{branch}")).await;
    assert!(duty(&month.dom(), "members-assembly").says("经批准不作要求"));
    let rollup = dept.get(&format!("/orgs/{branch}/rollup")).await.dom();
    assert_eq!(rollup_count(&rollup, "members-assembly", "exempt").0, 1);
    assert_eq!(rollup_count(&rollup, "members-assembly", "met").0, 0);

    let listed = dept.get(&format!("/orgs/{branch}/settings")).await;
    assert!(listed.says("村两委换届") && listed.says("镇组织委员（dept）"), "the approver: {}", listed.text);
    let revoke = listed.dom().attr("form[action$=\"/revoke\"]", "action").expect("a form that revokes the exemption");
    assert!(revoke.starts_with(&format!("/orgs/{branch}/exemptions/")), "{revoke}");
    let revoked = dept.post_form(&revoke, &[("version", "1")]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.text);
    let grid = dept.get(&format!("/orgs/{branch}/compliance")).await.dom();
    let q4 = grid_cell(&grid, "members-assembly", "2026-Q4");
    assert!(q4.has_class("st-met") && q4.links_to(&format!("/activities/{id}")), "{q4}");
    let again = dept.post_form(&revoke, &[("version", "2")]).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "a revoked exemption is no longer listed");
    app.cleanup().await;
}

#[tokio::test]
async fn recording_an_activity_changes_the_org_page_while_the_server_runs() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let path = format!("/orgs/{}", app.tree.branch);
    assert!(duty(&s.get(&path).await.dom(), "theme-party-day").has_class("st-due"));
    let id = record(&s, &activity("theme_party_day", &app.tree.branch, "2026-11-20")).await;
    let page = s.get(&path).await.dom();
    let theme_day = duty(&page, "theme-party-day");
    assert!(theme_day.has_class("st-met") && theme_day.says("已落实"), "{theme_day}");
    assert!(theme_day.links_to(&format!("/activities/{id}")), "{theme_day}");
    let deleted = s.delete(&format!("/api/v1/activities/{id}?version=1")).await;
    assert!(deleted.status.is_success(), "{}", deleted.text);
    assert!(duty(&s.get(&path).await.dom(), "theme-party-day").has_class("st-due"), "and back when it is deleted");
    app.cleanup().await;
}

#[tokio::test]
async fn a_persons_obligations_are_information_with_their_records() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let mut lesson = activity("party_lesson", &app.tree.branch, "2026-11-20");
    lesson["presenter_id"] = json!(app.tree.secretary.to_string());
    let id = record(&s, &lesson).await;
    let page = s.get(&format!("/people/{}", app.tree.secretary)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let dom = page.dom();
    assert!(dom.says("我的事项") && dom.says("仅供了解"), "{}", page.text);
    let class = duty(&dom, "secretary-party-class");
    assert!(class.says("已有记录") && class.links_to(&format!("/activities/{id}")), "{class}");
    let birthday = duty(&dom, "political-birthday");
    assert!(birthday.says("2026年7月") && birthday.says("没有记录"), "the month of joining: {birthday}");
    let hours = duty(&dom, "study-hours");
    assert!(hours.says("本年已累计 2 学时，全年标准 56 学时"), "90 minutes of a secretary's 56 hours: {hours}");
    assert!(dom.says("计入学时的活动") && dom.count(&format!("a[href=\"/activities/{id}\"]")) == 2);
    let en = s.get_with_cookie(&format!("/people/{}", app.tree.secretary), "lang=en").await;
    assert!(duty(&en.dom(), "study-hours").says("2 of 56 class hours so far this year"), "{}", en.text);
    let section = dom.find("section[aria-labelledby=obligations]");
    for demanding in ["待落实", "未落实"] {
        assert!(!section.says(demanding), "nothing is demanded of a member: {section}");
    }
    app.cleanup().await;
}
