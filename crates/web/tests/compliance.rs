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

mod support;

use domain::access::Role;
use domain::{Field, Id, MemberCategory, MemberStatus, Name, PartialDate, PositionKind};
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::Actor;
use store::people::NewPerson;
use support::{Reply, Session, TestApp, add_account, spawn_app};

fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Records a plain member of `org` (through the store, before any page is
/// served) and returns their id.
async fn add_member(app: &TestApp, org: &Id, name: &str) -> Id {
    let mut w = app.store.writer(&Actor::system("test")).await.unwrap();
    let new = NewPerson {
        id: None,
        org_id: org.clone(),
        name: Name::parse(Field::Name, name).unwrap(),
        sex: None,
        ethnicity: None,
        birth_date: None,
        category: MemberCategory::Full,
        status: MemberStatus::Active,
        join_date: PartialDate::full(day("1990-03-15")),
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

/// An activity of `kind` held by `host` on `held_on`, with the theory study first.
fn activity(kind: &str, host: &Id, held_on: &str) -> Value {
    json!({
        "kind": kind,
        "host_org_id": host.to_string(),
        "held_on": held_on,
        "starts_at": "19:30",
        "duration_minutes": 90,
        "agenda": [{"kind": "theory_study", "title": "学习最新重要讲话"}, {"kind": "business"}],
    })
}

/// Records an activity through the API and returns its id.
async fn record(s: &Session, body: &Value) -> String {
    let created = s.post_json("/api/v1/activities", body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    created.id()
}

/// The rows of the grid (or roll-up) of one requirement: from its first
/// `<tr data-requirement="…">` to the first row of another requirement.
fn requirement_rows<'a>(body: &'a str, requirement: &str) -> &'a str {
    let marker = format!("<tr data-requirement=\"{requirement}\"");
    let start = body.find(&marker).unwrap_or_else(|| panic!("no row of {requirement}"));
    let mut end = start + marker.len();
    loop {
        match body[end..].find("<tr data-requirement=\"") {
            Some(at) if body[end + at..].starts_with(&marker) => end += at + marker.len(),
            Some(at) => return &body[start..end + at],
            None => return &body[start..body[start..].find("</tbody>").map_or(body.len(), |e| start + e)],
        }
    }
}

/// The `<td …>…</td>` of the grid cell of `requirement` for `period` (`2026-Q4`).
fn grid_cell<'a>(body: &'a str, requirement: &str, period: &str) -> &'a str {
    let rows = requirement_rows(body, requirement);
    let at = rows.find(&format!("data-period=\"{period}\"")).unwrap_or_else(|| panic!("no cell {period} of {requirement}: {rows}"));
    let start = rows[..at].rfind("<td").unwrap();
    let end = rows[at..].find("</td>").map_or(rows.len(), |e| at + e);
    &rows[start..end]
}

/// The count of `status` in the roll-up row of `requirement`.
fn rollup_count(body: &str, requirement: &str, status: &str) -> (u64, Option<String>) {
    let row = requirement_rows(body, requirement);
    let marker = format!("data-status=\"{status}\">");
    let at = row.find(&marker).unwrap() + marker.len();
    let cell = &row[at..at + row[at..].find("</td>").unwrap()];
    match cell.strip_prefix("<a href=\"") {
        Some(rest) => {
            let (href, rest) = rest.split_once("\">").unwrap();
            let n = rest.trim_end_matches("</a>").parse().unwrap();
            (n, Some(href.replace("&amp;", "&")))
        }
        None => (cell.parse().unwrap(), None),
    }
}

/// The (subject link, period) of every row of a drill-down page.
fn drill_rows(body: &str) -> Vec<(String, String)> {
    body.split("<tr class=\"cell-row\" data-period=\"")
        .skip(1)
        .map(|row| {
            let (period, rest) = row.split_once('"').unwrap();
            let href = rest.split("<a href=\"").nth(1).unwrap().split('"').next().unwrap();
            (href.to_owned(), period.to_owned())
        })
        .collect()
}

/// The text between the first `start` and the next `end`.
fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let at = body.find(start).unwrap_or_else(|| panic!("no {start}"));
    let rest = &body[at..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// The `<li>` of a requirement in the "this month" or obligations list.
fn duty<'a>(body: &'a str, requirement: &str) -> &'a str {
    let marker = format!("data-requirement=\"{requirement}\">");
    let at = body.find(&marker).unwrap_or_else(|| panic!("no item of {requirement}"));
    let start = body[..at].rfind("<li").unwrap();
    let end = body[at..].find("</li>").map_or(body.len(), |e| at + e);
    &body[start..end]
}

#[tokio::test]
async fn the_branch_page_shows_what_is_due_this_month_and_links_to_the_year() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let page = s.get(&format!("/orgs/{}", app.tree.branch)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("本月事项"), "{}", page.text);
    let theme_day = duty(&page.text, "theme-party-day");
    assert!(theme_day.contains("st-due") && theme_day.contains("待落实"), "{theme_day}");
    assert!(theme_day.contains("2026年11月"), "{theme_day}");
    let assembly = duty(&page.text, "members-assembly");
    assert!(assembly.contains("待落实") && assembly.contains("2026年第四季度"), "{assembly}");
    assert!(assembly.contains("已开展0次，要求1次"), "the reason is given: {assembly}");
    // Due comes before what is met or exempt.
    assert!(
        page.text.find("st-due").unwrap()
            < page.text.find("本月事项").unwrap() + page.text[page.text.find("本月事项").unwrap()..].find("</section>").unwrap()
    );
    assert!(page.text.contains(&format!("href=\"/orgs/{}/compliance?year=2026\"", app.tree.branch)));
    assert!(page.text.contains(&format!("href=\"/orgs/{}/rollup?year=2026\"", app.tree.branch)));
    let en = s.get_with_cookie(&format!("/orgs/{}", app.tree.branch), "lang=en").await;
    assert!(en.text.contains("This month") && duty(&en.text, "theme-party-day").contains("Due"), "{}", en.text);
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
    // One of two expected is absent: no more than half present, no quorum.
    let without_quorum = record(&s, &body).await;
    body["participants"] = json!([app.tree.secretary.to_string()]);
    body["absentees"] = json!([]);
    let id = record(&s, &body).await;

    let grid = s.get(&format!("/orgs/{}/compliance", app.tree.branch)).await;
    assert_eq!(grid.status, StatusCode::OK, "{}", grid.text);
    let q4 = grid_cell(&grid.text, "members-assembly", "2026-Q4");
    assert!(q4.contains("colspan=\"3\"") && q4.contains("st-met") && q4.contains("已落实"), "{q4}");
    assert!(q4.contains(&format!("href=\"/activities/{id}\"")), "the met cell links to its evidence: {q4}");
    assert!(!q4.contains(&without_quorum), "the meeting without a quorum is not evidence: {q4}");
    let q1 = grid_cell(&grid.text, "members-assembly", "2026-Q1");
    assert!(q1.contains("st-missed") && q1.contains("未落实") && q1.contains("title=\""), "{q1}");
    let november = grid_cell(&grid.text, "theme-party-day", "2026-11");
    assert!(november.contains("colspan=\"1\"") && november.contains("待落实"), "{november}");
    assert!(!grid.text.contains("data-period=\"2026-12\""), "December has not begun");
    assert!(grid.text.contains("class=\"scroll\""), "the table scrolls inside its box");
    assert!(grid.text.contains("?year=2025") && grid.text.contains("?year=2026"), "a year switcher");
    let last_year = s.get(&format!("/orgs/{}/compliance?year=2025", app.tree.branch)).await;
    assert_eq!(last_year.status, StatusCode::OK);
    assert!(grid_cell(&last_year.text, "members-assembly", "2025-Q4").contains("未落实"));
    assert_eq!(s.get(&format!("/orgs/{}/compliance?year=2027", app.tree.branch)).await.status, StatusCode::NOT_FOUND);

    let record_page = s.get(&format!("/activities/{id}")).await;
    assert_eq!(record_page.status, StatusCode::OK, "{}", record_page.text);
    let text = &record_page.text;
    assert!(text.contains("支部党员大会") && text.contains("第四季度党员大会"), "{text}");
    assert!(text.contains(&format!("href=\"/orgs/{}\"", app.tree.branch)) && text.contains("2026-11-20") && text.contains("19:30"));
    assert!(text.contains("90 分钟") && text.contains("第一议题"), "{text}");
    assert!(text.contains(&format!("href=\"/people/{}\">王建国</a>", app.tree.secretary)), "the presenter: {text}");
    let satisfied = &text[text.find("id=\"satisfied\"").unwrap()..];
    assert!(
        satisfied.contains("支部党员大会") && satisfied.contains("2026年第四季度") && satisfied.contains("石桥村第一党支部"),
        "{satisfied}"
    );
    assert!(!text.contains("id=\"entered-on\""), "the entry time is for supervisors");
    let supervisor = app.login("supervisor").await;
    let seen = supervisor.get(&format!("/activities/{without_quorum}")).await;
    assert!(seen.text.contains("id=\"entered-on\"") && seen.text.contains("录入于"), "{}", seen.text);
    assert!(seen.text.contains("李秀英") && seen.text.contains("外出务工"), "the absent with their reason: {}", seen.text);
    // Without a quorum the assembly counts for no assembly requirement, but
    // the minutes of those present still add to their study hours.
    let counted = &seen.text[seen.text.find("id=\"satisfied\"").unwrap()..];
    assert!(!counted.contains("<th scope=\"row\">支部党员大会"), "{counted}");
    assert!(counted.contains("党员集中学习培训学时"), "{counted}");
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

    // Two branches, January to November; March held in one of them.
    assert_eq!(rollup_count(&page.text, "theme-party-day", "met").0, 1);
    assert_eq!(rollup_count(&page.text, "theme-party-day", "missed").0, 19);
    assert_eq!(rollup_count(&page.text, "theme-party-day", "due").0, 2);
    let theme_day = requirement_rows(&page.text, "theme-party-day");
    assert!(theme_day.contains(">5%</a>"), "1 of 20: the denominator is large enough: {theme_day}");
    let assembly = requirement_rows(&page.text, "members-assembly");
    assert!(assembly.contains("样本少，只看个数") && !assembly.contains('%'), "7 is too few for a rate: {assembly}");

    let mut checked = 0;
    for row in page.text.split("<tr data-requirement=\"").skip(1) {
        let requirement = row.split('"').next().unwrap();
        for status in ["met", "due", "overdue", "missed", "exempt", "not_applicable"] {
            let (n, href) = rollup_count(&page.text, requirement, status);
            let Some(href) = href else {
                assert_eq!(n, 0);
                continue;
            };
            let drill = supervisor.get(&href).await;
            assert_eq!(drill.status, StatusCode::OK, "{href}: {}", drill.text);
            assert_eq!(drill_rows(&drill.text).len() as u64, n, "{requirement} {status}");
            assert!(drill.text.contains(&format!("<strong class=\"count\" id=\"drill-total\">{n}</strong>")));
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
    let rows = drill_rows(&page.text);
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
    assert!(page.text.contains("未落实") && page.text.contains("已开展0次，要求1次"), "{}", page.text);
    assert!(page.text.contains("不按完成情况排名"));
    let all = dept.get(&format!("/orgs/{}/rollup/theme-party-day?year=2026", app.tree.township)).await;
    assert_eq!(drill_rows(&all.text).len(), 22, "every cell of both branches, January to November");
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
    add_account(&app.store, "secretary2", "第二支部书记", Role::Secretary, &app.tree.other_branch).await;
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
    assert!(grid_cell(&grid.text, "center-group-study", "2026-01").contains("colspan=\"1\""), "monthly by default");
    let settings = supervisor.get(&format!("/orgs/{county}/settings")).await;
    assert_eq!(settings.status, StatusCode::OK, "{}", settings.text);
    let choices = between(&settings.text, "id=\"fq-requirement\"", "</select>");
    assert!(choices.contains("<option value=\"center-group-study\""), "{choices}");
    assert!(!choices.contains("members-assembly"), "only frequencies the documents leave open: {choices}");

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
    assert!(refused.text.contains("id=\"fq-count-error\">次数：“0”须为 1 至 366 的整数</p>"), "{}", refused.text);
    assert!(refused.text.contains("value=\"0\" aria-invalid=\"true\""), "what was typed is kept");
    assert!(refused.text.contains("县委决定按季度集中学习"));
    let english = Reply::of(
        support::plain_client()
            .post(supervisor.url(&format!("{path}?lang=en")))
            .header(reqwest::header::COOKIE, &supervisor.cookie)
            .form(&[[("csrf", supervisor.csrf.as_str())].as_slice(), fields.as_slice()].concat())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(english.text.contains("id=\"fq-count-error\">Count: &#39;0&#39; must be a whole number from 1 to 366</p>"), "{}", english.text);
    fields[2] = ("count", "two");
    let not_a_number = supervisor.post_form(&path, &fields).await;
    assert!(not_a_number.text.contains("id=\"fq-count-error\">次数：“two”不是数字"), "{}", not_a_number.text);
    fields[2] = ("count", "1");
    fields[0] = ("requirement", "members-assembly");
    let fixed = supervisor.post_form(&path, &fields).await;
    assert!(fixed.text.contains("id=\"fq-requirement-error\">制度要求：“members-assembly”其频次由文件规定"), "{}", fixed.text);
    assert_eq!(app.dump().await, before, "nothing was changed");

    fields[0] = ("requirement", "center-group-study");
    let saved = supervisor.post_form(&path, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    assert_eq!(saved.location(), Some(format!("/orgs/{county}/settings?saved=1").as_str()));
    let grid = supervisor.get(&format!("/orgs/{county}/compliance")).await;
    let q1 = grid_cell(&grid.text, "center-group-study", "2026-Q1");
    assert!(q1.contains("colspan=\"3\"") && q1.contains("未落实"), "{q1}");
    assert!(!grid.text.contains("data-period=\"2026-01\""), "no monthly cells any more");
    let listed = supervisor.get(&format!("/orgs/{county}/settings?saved=1")).await;
    assert!(listed.text.contains("已保存") && listed.text.contains("每季度 1 次"), "{}", listed.text);
    // The township sees the county's setting as inherited, without forms.
    let dept = app.login("dept").await;
    let inherited = dept.get(&format!("/orgs/{}/settings", app.tree.township)).await;
    assert!(inherited.text.contains("上级设置") && inherited.text.contains("每季度 1 次"), "{}", inherited.text);
    assert!(!inherited.text.contains("/end\""), "a setting made above cannot be ended here");
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
    assert!(grid_cell(&grid.text, "members-assembly", "2026-Q4").contains("st-met"));

    let page = dept.get(&format!("/orgs/{branch}/settings")).await;
    assert!(page.text.contains("<option value=\"organization\">石桥村第一党支部"), "{}", page.text);
    assert!(page.text.contains(&format!("<option value=\"person:{}\">王建国</option>", app.tree.secretary)));
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
    assert!(refused.text.contains("id=\"ex-to-error\">截止日期：“2026-10-01”早于起始日期"), "{}", refused.text);
    let stranger = [
        ("requirement", "study-hours"),
        ("subject", &format!("person:{}", Id::generate())),
        ("from", "2026-10-01"),
        ("to", "2026-12-31"),
        ("reason", "x"),
    ];
    let refused = dept.post_form(&format!("/orgs/{branch}/exemptions"), &stranger).await;
    assert!(refused.text.contains("id=\"ex-subject-error\""), "{}", refused.text);
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
    let grid = dept.get(&format!("/orgs/{branch}/compliance")).await;
    let q4 = grid_cell(&grid.text, "members-assembly", "2026-Q4");
    assert!(q4.contains("st-exempt") && q4.contains("已豁免") && !q4.contains("已落实"), "exempt, never met: {q4}");
    let month = dept.get(&format!("/orgs/{branch}")).await;
    assert!(duty(&month.text, "members-assembly").contains("已豁免"));
    let rollup = dept.get(&format!("/orgs/{branch}/rollup")).await;
    assert_eq!(rollup_count(&rollup.text, "members-assembly", "exempt").0, 1);
    assert_eq!(rollup_count(&rollup.text, "members-assembly", "met").0, 0);

    let listed = dept.get(&format!("/orgs/{branch}/settings")).await;
    assert!(listed.text.contains("村两委换届") && listed.text.contains("镇组织委员（dept）"), "the approver: {}", listed.text);
    let at = listed.text.find("/exemptions/").unwrap() + "/exemptions/".len();
    let exemption = &listed.text[at..at + 32];
    let revoked = dept.post_form(&format!("/orgs/{branch}/exemptions/{exemption}/revoke"), &[("version", "1")]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.text);
    let grid = dept.get(&format!("/orgs/{branch}/compliance")).await;
    let q4 = grid_cell(&grid.text, "members-assembly", "2026-Q4");
    assert!(q4.contains("st-met") && q4.contains(&id), "{q4}");
    let again = dept.post_form(&format!("/orgs/{branch}/exemptions/{exemption}/revoke"), &[("version", "2")]).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "a revoked exemption is no longer listed");
    app.cleanup().await;
}

#[tokio::test]
async fn recording_an_activity_changes_the_org_page_while_the_server_runs() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let path = format!("/orgs/{}", app.tree.branch);
    assert!(duty(&s.get(&path).await.text, "theme-party-day").contains("st-due"));
    let id = record(&s, &activity("theme_party_day", &app.tree.branch, "2026-11-20")).await;
    let page = s.get(&path).await;
    let theme_day = duty(&page.text, "theme-party-day");
    assert!(theme_day.contains("st-met") && theme_day.contains("已落实"), "{theme_day}");
    assert!(theme_day.contains(&format!("href=\"/activities/{id}\"")), "{theme_day}");
    let deleted = Reply::of(s.client.delete(s.url(&format!("/api/v1/activities/{id}?version=1"))).send().await.unwrap()).await;
    assert!(deleted.status.is_success(), "{}", deleted.text);
    assert!(duty(&s.get(&path).await.text, "theme-party-day").contains("st-due"), "and back when it is deleted");
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
    assert!(page.text.contains("我的事项") && page.text.contains("仅供了解"), "{}", page.text);
    let class = duty(&page.text, "secretary-party-class");
    assert!(class.contains("已有记录") && class.contains(&format!("href=\"/activities/{id}\"")), "{class}");
    let birthday = duty(&page.text, "political-birthday");
    assert!(birthday.contains("2026年7月") && birthday.contains("没有记录"), "the month of joining: {birthday}");
    let hours = duty(&page.text, "study-hours");
    assert!(hours.contains("本年已累计 2 学时，全年标准 56 学时"), "90 minutes of a secretary's 56 hours: {hours}");
    assert!(page.text.contains("计入学时的活动") && page.text.matches(&format!("href=\"/activities/{id}\"")).count() == 2);
    let en = s.get_with_cookie(&format!("/people/{}", app.tree.secretary), "lang=en").await;
    assert!(duty(&en.text, "study-hours").contains("2 of 56 class hours so far this year"), "{}", en.text);
    for demanding in ["待落实", "未落实"] {
        let section = &page.text[page.text.find("id=\"obligations\"").unwrap()..];
        let section = &section[..section.find("</section>").unwrap()];
        assert!(!section.contains(demanding), "nothing is demanded of a member: {section}");
    }
    app.cleanup().await;
}
