//! Browser tests: the real `changxiao demo` server driven through Debian's
//! Chromium with chromedriver (W3C WebDriver).
//!
//! They run when `CHANGXIAO_E2E=1` (CI sets it) and then fail if Chromium or
//! chromedriver is missing; otherwise each test says it was skipped and
//! passes. `CHANGXIAO_SCREENSHOTS=1` also writes `docs/screenshot-tree.png`,
//! `docs/screenshot-phone.png` and `docs/screenshot-rollup.png`. One demo
//! server and one chromedriver serve all the tests; each test has its own
//! browser and profile.

mod browser;

use anyhow::{Context, Result, bail, ensure};
use browser::{Session, harness, locale};
use serde_json::{Value, json};
use std::collections::HashMap;

/// A link to an organization in the "under it" list of an organization page.
/// Demo logins (printed by `changxiao demo`): the county's organization
/// department reads the whole tree; the secretary holds one branch.
const SUPERVISOR: (&str, &str) = ("zuzhibu", "demo-zuzhibu-2025");
const SECRETARY: (&str, &str) = ("shuji", "demo-shuji-2025");

#[derive(Debug)]

struct ChildLink {
    href: String,
    name: String,
    members: i64,
}

impl ChildLink {
    fn selector(&self) -> String {
        format!("ul.cards li.child a[href=\"{}\"]", self.href)
    }
}

fn child_links(s: &Session) -> Result<Vec<ChildLink>> {
    let found = s.js(
        "return Array.from(document.querySelectorAll('ul.cards li.child')).map(li => {
           const a = li.querySelector('a'), c = li.querySelector('.count');
           return [a.getAttribute('href'), a.textContent.trim(), c ? parseInt(c.textContent.replace(/\\D/g, ''), 10) : -1];
         })",
        json!([]),
    )?;
    let rows = found.as_array().cloned().unwrap_or_default();
    Ok(rows
        .iter()
        .map(|r| ChildLink {
            href: r[0].as_str().unwrap_or_default().to_owned(),
            name: r[1].as_str().unwrap_or_default().to_owned(),
            members: r[2].as_i64().unwrap_or(-1),
        })
        .collect())
}

/// The value of the fact labelled `label` on an organization or person page.
fn fact(s: &Session, label: &str) -> Result<Option<String>> {
    let value = s.js(
        "for (const div of document.querySelectorAll('dl.facts > div')) {
           const dt = div.querySelector('dt'), dd = div.querySelector('dd');
           if (dt && dd && dt.textContent.trim() === arguments[0]) return dd.textContent.trim();
         }
         return null;",
        json!([label]),
    )?;
    Ok(value.as_str().map(str::to_owned))
}

fn word<'a>(words: &'a HashMap<String, String>, key: &str) -> Result<&'a str> {
    words.get(key).map(String::as_str).with_context(|| format!("no {key} in the locale file"))
}

fn html_lang(s: &Session) -> Result<String> {
    Ok(s.js("return document.documentElement.lang", json!([]))?.as_str().unwrap_or_default().to_owned())
}

/// Opens `/` and checks that it lands on the demo county's page; its path.
fn open_county(s: &Session, zh: &HashMap<String, String>) -> Result<String> {
    s.open("/")?;
    let path = s.current_path()?;
    ensure!(path.starts_with("/orgs/"), "`/` should lead to the county's page, but the browser is at {path}");
    let h1 = s.h1()?;
    ensure!(h1.contains(demo::COUNTY_NAME), "the county page's heading {h1:?} should name {}", demo::COUNTY_NAME);
    let title = s.js("return document.title", json!([]))?;
    ensure!(title.as_str().unwrap_or_default().contains(demo::COUNTY_NAME), "the county page's title {title} should name the county");
    let level = fact(s, word(zh, "org-level")?)?;
    ensure!(level.as_deref() == Some(word(zh, "org-level-county")?), "the county page shows level {level:?}");
    Ok(path)
}

/// From the county page, clicks a township, then a grassroots organization,
/// then the first child with members until a page lists members (a branch).
/// Returns the path of each page visited.
fn drill_to_branch(s: &Session, zh: &HashMap<String, String>) -> Result<Vec<String>> {
    let county = s.current_path()?;
    let level_label = word(zh, "org-level")?;
    let mut visited = vec![county.clone()];

    // Townships stand beside the county's own bodies; their names say 镇, 乡 or 街道.
    let mut children = child_links(s)?;
    ensure!(!children.is_empty(), "the county page lists no organizations under it");
    children.sort_by_key(|c| !["镇", "乡", "街道"].iter().any(|w| c.name.contains(w)));
    let township = word(zh, "org-level-township")?;
    let mut found = false;
    for child in &children {
        s.click_to_navigate(&child.selector())?;
        if fact(s, level_label)?.as_deref() == Some(township) {
            found = true;
            break;
        }
        s.open(&county)?;
    }
    ensure!(found, "no organization under the county page is at the township level ({township}); children: {children:?}");
    visited.push(s.current_path()?);

    let grassroots = word(zh, "org-level-grassroots")?;
    let children = child_links(s)?;
    let Some(first) = children.iter().find(|c| c.members > 0) else {
        bail!("the township page {} lists no organization with members: {children:?}", s.current_path()?)
    };
    s.click_to_navigate(&first.selector())?;
    let level = fact(s, level_label)?;
    ensure!(level.as_deref() == Some(grassroots), "{} ({}) should be at the grassroots level, shows {level:?}", first.name, first.href);
    visited.push(s.current_path()?);

    for _ in 0..8 {
        if s.exists("table.rows tbody th.name a[href^=\"/people/\"]")? {
            return Ok(visited);
        }
        let children = child_links(s)?;
        let Some(first) = children.iter().find(|c| c.members > 0) else {
            bail!("{} lists neither members nor an organization with members: {children:?}", s.current_path()?)
        };
        s.click_to_navigate(&first.selector())?;
        visited.push(s.current_path()?);
    }
    bail!("no member list after following the tree down: {visited:?}")
}

/// The names in the member list of a branch page.
fn member_names(s: &Session) -> Result<Vec<String>> {
    let names =
        s.js("return Array.from(document.querySelectorAll('table.rows tbody th.name a')).map(a => a.textContent.trim())", json!([]))?;
    Ok(names.as_array().cloned().unwrap_or_default().iter().map(|n| n.as_str().unwrap_or_default().to_owned()).collect())
}

#[test]
fn the_tree_leads_from_the_county_down_to_a_branch_and_a_member() -> Result<()> {
    if !browser::enabled("tree drill-down") {
        return Ok(());
    }
    let zh = locale("zh-CN")?;
    let s = harness()?.session(1280, 900)?;
    s.login(SUPERVISOR.0, SUPERVISOR.1)?;
    open_county(&s, &zh)?;
    let visited = drill_to_branch(&s, &zh)?;
    let branch = s.current_path()?;

    let body = s.body_text()?;
    ensure!(body.contains(word(&zh, "org-members")?), "the branch page {branch} has no member-list heading");
    let names = member_names(&s)?;
    ensure!(!names.is_empty() && names.iter().all(|n| !n.is_empty()), "the branch page {branch} shows member names {names:?}");
    for name in names.iter().take(5) {
        ensure!(body.contains(name.as_str()), "{name} is not visible on {branch}");
    }
    let crumbs = s.js("return document.querySelectorAll('ol.crumbs a').length", json!([]))?.as_u64().unwrap_or(0);
    ensure!(crumbs as usize >= visited.len() - 1, "the branch page's breadcrumb has {crumbs} links after visiting {visited:?}");

    s.click_to_navigate("table.rows tbody th.name a")?;
    let person = s.current_path()?;
    ensure!(person.starts_with("/people/"), "the member link led to {person}");
    let h1 = s.h1()?;
    ensure!(h1 == names[0], "the person page's heading is {h1:?}, the link said {:?}", names[0]);
    ensure!(s.body_text()?.contains(word(&zh, "person-details")?), "the person page {person} has no details section");

    // The person's organization links back to the branch.
    s.click_to_navigate("dl.facts a[href^=\"/orgs/\"]")?;
    ensure!(s.current_path()? == branch, "the person's organization link should lead back to {branch}, not {}", s.current_path()?);
    Ok(())
}

#[test]
fn the_language_switch_changes_the_words_and_is_remembered() -> Result<()> {
    if !browser::enabled("language switch") {
        return Ok(());
    }
    let (zh, en) = (locale("zh-CN")?, locale("en")?);
    let s = harness()?.session(1280, 900)?;
    s.login(SUPERVISOR.0, SUPERVISOR.1)?;
    open_county(&s, &zh)?;
    ensure!(html_lang(&s)? == "zh-CN", "a fresh browser should see Chinese, the page says lang={}", html_lang(&s)?);
    ensure!(s.body_text()?.contains(word(&zh, "org-children")?), "the Chinese county page lacks {}", word(&zh, "org-children")?);

    let english = "nav.langs a[hreflang=\"en\"]";
    let switch = s.find(english)?;
    ensure!(s.text(&switch)? == word(&zh, "lang-en")?, "the English switch link reads {:?}", s.text(&switch)?);
    s.click_to_navigate(english)?;
    let check_english = |s: &Session, page: &str| -> Result<()> {
        ensure!(html_lang(s)? == "en", "{page}: lang={} after choosing English", html_lang(s)?);
        let body = s.body_text()?;
        for key in ["org-level", "org-total-members", "nav-search"] {
            ensure!(body.contains(word(&en, key)?), "{page}: the English page lacks {key} = {:?}", word(&en, key)?);
        }
        ensure!(
            !body.contains(word(&zh, "org-total-members")?),
            "{page}: the English page still shows {}",
            word(&zh, "org-total-members")?
        );
        Ok(())
    };
    check_english(&s, "the county page")?;
    ensure!(s.body_text()?.contains(word(&en, "org-children")?), "the English county page lacks {:?}", word(&en, "org-children")?);
    ensure!(s.exists("nav.langs a[hreflang=\"en\"][aria-current]")?, "the English switch link should be marked current");

    // Another page, reached by a plain link without ?lang=: still English (the cookie).
    let children = child_links(&s)?;
    let Some(child) = children.first() else { bail!("the county page lists no children") };
    s.click_to_navigate(&child.selector())?;
    ensure!(!s.current_path()?.contains("lang="), "the child link carries the language: {}", s.current_path()?);
    check_english(&s, "a child page")?;

    // And back to Chinese, remembered as well.
    let chinese = "nav.langs a[hreflang=\"zh-CN\"]";
    ensure!(s.text(&s.find(chinese)?)? == word(&en, "lang-zh")?, "the Chinese switch link should read {}", word(&en, "lang-zh")?);
    s.click_to_navigate(chinese)?;
    ensure!(html_lang(&s)? == "zh-CN", "lang={} after choosing Chinese", html_lang(&s)?);
    s.click_to_navigate("ol.crumbs a")?;
    ensure!(html_lang(&s)? == "zh-CN", "the county page, reached by the breadcrumb, says lang={}", html_lang(&s)?);
    let body = s.body_text()?;
    ensure!(body.contains(word(&zh, "org-total-members")?), "the county page is not in Chinese again");
    ensure!(!body.contains(word(&en, "org-total-members")?), "the county page still shows English words");
    Ok(())
}

/// On a phone-sized window, doubles the text size and checks that nothing
/// scrolls sideways and that every resource came from the server itself.
fn check_phone_page(s: &Session, page: &str) -> Result<()> {
    let report = s.js(
        "const root = document.documentElement;
         const before = parseFloat(getComputedStyle(root).fontSize);
         root.style.fontSize = (before * 2) + 'px';
         const after = parseFloat(getComputedStyle(root).fontSize);
         const width = root.clientWidth;
         const wide = [];
         if (root.scrollWidth > width) {
           for (const el of document.body.querySelectorAll('*')) {
             const r = el.getBoundingClientRect();
             if (r.width > 0 && r.right > width + 0.5) {
               const cls = el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\\s+/g, '.') : '';
               wide.push(el.tagName.toLowerCase() + cls + ' right=' + Math.round(r.right) + ' text=' + JSON.stringify((el.textContent || '').trim().slice(0, 40)));
             }
           }
         }
         const resources = performance.getEntriesByType('resource').map(e => e.name);
         return { before, after, width, innerWidth: window.innerWidth, scrollWidth: root.scrollWidth, wide: wide.slice(0, 12), resources };",
        json!([]),
    )?;
    let number = |key: &str| report[key].as_f64().unwrap_or(f64::NAN);
    ensure!(number("innerWidth") <= 390.0, "{page}: the window should be 390px wide, it is {}", report["innerWidth"]);
    ensure!((number("after") - 2.0 * number("before")).abs() < 0.01, "{page}: the text did not double: {report}");
    ensure!(
        number("scrollWidth") <= number("width"),
        "{page}: scrolls sideways at 390px with 200% text ({}px wide content in {}px); elements past the right edge: {:#}",
        report["scrollWidth"],
        report["width"],
        report["wide"]
    );
    let resources = report["resources"].as_array().cloned().unwrap_or_default();
    ensure!(!resources.is_empty(), "{page}: loaded no resources at all (not even the stylesheet)");
    let origin = format!("{}/", s.origin);
    let outside: Vec<&Value> = resources.iter().filter(|r| !r.as_str().unwrap_or_default().starts_with(&origin)).collect();
    ensure!(outside.is_empty(), "{page}: loaded resources from outside the server: {outside:?}");
    Ok(())
}

#[test]
fn pages_fit_a_phone_with_doubled_text_and_load_nothing_from_outside() -> Result<()> {
    if !browser::enabled("phone size") {
        return Ok(());
    }
    let zh = locale("zh-CN")?;
    let s = harness()?.session(390, 844)?;
    s.login(SUPERVISOR.0, SUPERVISOR.1)?;

    open_county(&s, &zh)?;
    check_phone_page(&s, "the county page")?;

    drill_to_branch(&s, &zh)?;
    let branch = s.current_path()?;
    check_phone_page(&s, &format!("the branch page {branch}"))?;
    let names = member_names(&s)?;
    let Some(name) = names.first() else { bail!("the branch page {branch} lists no members") };

    s.click_to_navigate("table.rows tbody th.name a")?;
    let person = s.current_path()?;
    check_phone_page(&s, &format!("the person page {person}"))?;

    // Search for the member's surname with the header's search box.
    let surname: String = name.chars().take(1).collect();
    let input = s.find("#site-q")?;
    s.type_into(&input, &surname)?;
    s.click_to_navigate("form.search button[type=\"submit\"]")?;
    let results = s.current_path()?;
    ensure!(results.starts_with("/search?"), "the search form led to {results}");
    ensure!(s.exists("main a[href^=\"/people/\"]")?, "searching {surname:?} found no member on {results}");
    check_phone_page(&s, &format!("the search results {results}"))?;
    Ok(())
}

#[test]
fn screenshots_of_the_tree_on_a_desktop_and_a_phone() -> Result<()> {
    if !browser::enabled("screenshots") {
        return Ok(());
    }
    let write = std::env::var("CHANGXIAO_SCREENSHOTS").is_ok_and(|v| v == "1");
    let zh = locale("zh-CN")?;
    let docs = browser::workspace_root().join("docs");
    for (width, height, file) in
        [(1280, 900, "screenshot-tree.png"), (390, 844, "screenshot-phone.png"), (1280, 900, "screenshot-rollup.png")]
    {
        let s = harness()?.session(width, height)?;
        s.login(SUPERVISOR.0, SUPERVISOR.1)?;
        let county = open_county(&s, &zh)?;
        if file == "screenshot-rollup.png" {
            s.open(&format!("{county}/rollup?year=2025"))?;
            ensure!(s.exists("main table")?, "the county's roll-up shows no table");
        }
        let png = s.screenshot()?;
        let (w, h) = browser::png_size(&png)?;
        ensure!((w, h) == (width, height), "the screenshot for {file} is {w}×{h}, expected {width}×{height}");
        if write {
            std::fs::create_dir_all(&docs).with_context(|| format!("creating {}", docs.display()))?;
            let path = docs.join(file);
            std::fs::write(&path, &png).with_context(|| format!("writing {}", path.display()))?;
            println!("wrote {}", path.display());
        }
    }
    Ok(())
}

#[test]
fn a_branch_secretary_sees_the_own_branch_and_is_refused_another() -> Result<()> {
    if !browser::enabled("a secretary refused another branch") {
        return Ok(());
    }
    let zh = locale("zh-CN")?;
    // The supervisor finds a branch that is not the secretary's.
    let supervisor = harness()?.session(1280, 900)?;
    supervisor.login(SUPERVISOR.0, SUPERVISOR.1)?;
    open_county(&supervisor, &zh)?;
    let visited = drill_to_branch(&supervisor, &zh)?;
    let other_branch = visited.last().context("no branch reached")?.clone();
    ensure!(supervisor.h1()? != demo::DUPLICATE_NAME_BRANCH, "the drill-down should reach another branch than the secretary's");

    let s = harness()?.session(1280, 900)?;
    s.login(SECRETARY.0, SECRETARY.1)?;
    s.open("/")?;
    let own = s.h1()?;
    ensure!(own == demo::DUPLICATE_NAME_BRANCH, "the secretary's start page should be the own branch, not {own:?}");
    ensure!(!member_names(&s)?.is_empty(), "the secretary sees the branch's members");
    s.open(&other_branch)?;
    let h1 = s.h1()?;
    ensure!(h1 == word(&zh, "error-not-found-title")?, "another branch's page must be refused like a missing one, but shows {h1:?}");
    ensure!(!s.body_text()?.contains(&supervisor.h1()?), "the refused page must not name the other branch");
    Ok(())
}

/// The names of the organizations the demo planted a missed cell of
/// `requirement` for (last year).
fn planted_gap_orgs(requirement: &str) -> Result<Vec<String>> {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).context("the demo's day")?;
    let data = demo::generate(demo::DEFAULT_SEED, today);
    let mut names: Vec<String> = data
        .planted_gaps
        .iter()
        .filter(|g| g.requirement == requirement && g.expected_status == "missed")
        .filter_map(|g| match g.subject {
            demo::GapSubject::Org(i) => data.orgs.get(i).map(|o| o.name.to_string()),
            demo::GapSubject::Person(_) => None,
        })
        .collect();
    names.sort();
    Ok(names)
}

#[test]
fn the_org_department_follows_a_missed_count_of_the_rollup_to_the_planted_gaps() -> Result<()> {
    if !browser::enabled("roll-up to the planted gaps") {
        return Ok(());
    }
    let zh = locale("zh-CN")?;
    let gaps = planted_gap_orgs("members-assembly")?;
    ensure!(!gaps.is_empty(), "the demo plants missed members' assemblies");
    // On a phone: the roll-up's table scrolls inside its box, the page does not.
    let s = harness()?.session(390, 844)?;
    s.login(SUPERVISOR.0, SUPERVISOR.1)?;
    let county = open_county(&s, &zh)?;
    s.click_to_navigate("section.duties a[href*=\"/rollup\"]")?;
    ensure!(s.current_path()?.starts_with(&format!("{county}/rollup")), "the county page's roll-up link led to {}", s.current_path()?);
    s.click_to_navigate("nav.years a[href$=\"?year=2025\"]")?;
    check_phone_page(&s, "the county's roll-up of last year")?;
    s.open(&s.current_path()?)?;
    let missed = "tr[data-requirement=\"members-assembly\"] td[data-status=\"missed\"] a";
    let count: usize = s.text(&s.find(missed)?)?.trim().parse().context("the missed count is a number")?;
    ensure!(count == gaps.len(), "the roll-up counts {count} missed members' assemblies; the demo planted {gaps:?}");
    s.click_to_navigate(missed)?;
    let path = s.current_path()?;
    ensure!(path.contains("/rollup/members-assembly?status=missed"), "the missed count led to {path}");
    let listed =
        s.js("return Array.from(document.querySelectorAll('tr.cell-row th.name > a')).map(a => a.textContent.trim())", json!([]))?;
    let mut listed: Vec<String> =
        listed.as_array().cloned().unwrap_or_default().iter().map(|v| v.as_str().unwrap_or_default().to_owned()).collect();
    listed.sort();
    ensure!(listed == gaps, "the drill-down lists {listed:?}, the demo planted gaps at {gaps:?}");
    ensure!(s.body_text()?.contains(word(&zh, "status-missed")?), "the cells say they were missed");
    check_phone_page(&s, "the drill-down of missed members' assemblies")?;

    // The year grid, a record behind one of its cells and the settings fit the phone too.
    s.open(&format!("{county}/compliance?year=2025"))?;
    ensure!(s.exists("div.scroll table.grid td.st-met a.ev")?, "the county's grid shows met cells with links to their records");
    check_phone_page(&s, "the county's year grid")?;
    s.open(&format!("{county}/compliance?year=2025"))?;
    s.click_to_navigate("table.grid td.st-met a.ev")?;
    ensure!(s.current_path()?.starts_with("/activities/"), "the evidence link led to {}", s.current_path()?);
    ensure!(s.exists("#satisfied")?, "the record lists the requirements it satisfied");
    check_phone_page(&s, "an activity record")?;
    s.open(&format!("{county}/settings"))?;
    check_phone_page(&s, "the county's settings and exemptions")?;
    Ok(())
}

/// The demo's open item of the current year planted for `requirement`
/// (see `demo::PlantedGap`): its subject's id and name.
fn open_item(requirement: &str) -> Result<(String, String)> {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).context("the demo's day")?;
    let data = demo::generate(demo::DEFAULT_SEED, today);
    let gap = data
        .planted_gaps
        .iter()
        .find(|g| g.requirement == requirement && g.expected_status == "due")
        .with_context(|| format!("the demo leaves a {requirement} open this year"))?;
    match gap.subject {
        demo::GapSubject::Org(i) => data.orgs.get(i).map(|o| (o.id.to_string(), o.name.to_string())),
        demo::GapSubject::Person(i) => data.people.get(i).map(|p| (p.id.to_string(), p.name.to_string())),
    }
    .context("the open item's subject exists")
}

/// The status class (`met`, `due`, ...) of the item of `requirement` in the page's duties.
fn duty_status(s: &Session, requirement: &str) -> Result<String> {
    let found = s.js(
        "const li = document.querySelector('section.duties li.duty[data-requirement=\"' + arguments[0] + '\"]');
         return li ? Array.from(li.classList).filter(c => c.startsWith('st-')).map(c => c.slice(3)).join(' ') : null",
        json!([requirement]),
    )?;
    Ok(found.as_str().unwrap_or_default().to_owned())
}

#[test]
fn a_secretary_records_this_months_committee_meeting_from_the_due_list_in_few_steps() -> Result<()> {
    if !browser::enabled("a committee meeting recorded from the due list") {
        return Ok(());
    }
    let (branch_id, branch_name) = open_item("branch-committee-meeting")?;
    ensure!(branch_name == demo::DUPLICATE_NAME_BRANCH, "the open committee meeting is the secretary's branch's");
    let s = harness()?.session(1280, 900)?;
    s.login(SECRETARY.0, SECRETARY.1)?;
    s.open(&format!("/orgs/{branch_id}"))?;
    ensure!(duty_status(&s, "branch-committee-meeting")? == "due", "this month's committee meeting is due before it is recorded");
    // Every click and every field typed into counts.
    let mut touched = 0;
    s.click_to_navigate("section.duties li.duty[data-requirement=\"branch-committee-meeting\"] a.record-link")?;
    touched += 1;
    ensure!(s.current_path()?.starts_with(&format!("/orgs/{branch_id}/record")), "the due item led to {}", s.current_path()?);
    ensure!(s.exists("select#rf-agenda-kind-0 option[value=\"theory_study\"][selected]")?, "last month's agenda is the template");
    if std::env::var("CHANGXIAO_SCREENSHOTS").is_ok_and(|v| v == "1") {
        s.js("document.querySelector('fieldset.attendance').scrollIntoView()", json!([]))?;
        let path = browser::workspace_root().join("docs").join("screenshot-record.png");
        std::fs::write(&path, s.screenshot()?).with_context(|| format!("writing {}", path.display()))?;
    }
    let attendees = s.js("return document.querySelectorAll('ul.attendees li').length", json!([]))?.as_u64().unwrap_or(0);
    ensure!(attendees >= 3, "the committee is listed, everyone present ({attendees})");
    s.click("ul.attendees li:last-child input[type=checkbox]")?;
    touched += 1;
    let reason = s.find("ul.attendees li:last-child input[type=text]")?;
    s.type_into(&reason, "外出务工")?;
    touched += 1;
    let minutes = s.find("#rf-minutes")?;
    s.type_into(&minutes, "传达学习了最新重要讲话精神，研究了冬季困难党员慰问安排。")?;
    touched += 1;
    s.click_to_navigate("form.record button[type=submit]")?;
    touched += 1;
    ensure!(touched <= 10, "recording took {touched} fields and clicks");
    let path = s.current_path()?;
    ensure!(path.starts_with("/activities/"), "saving led to {path}: {}", s.body_text()?);
    ensure!(s.exists("p.notice")?, "the record says it was saved");
    ensure!(s.body_text()?.contains("外出务工"), "the absence and its reason are on the record");
    s.open(&format!("/orgs/{branch_id}"))?;
    ensure!(duty_status(&s, "branch-committee-meeting")? == "met", "after recording, this month's committee meeting is met");
    Ok(())
}

#[test]
fn a_leaders_special_party_class_at_a_branch_counts_for_the_leader_and_the_branch() -> Result<()> {
    if !browser::enabled("a leader's special party class at a branch") {
        return Ok(());
    }
    let (branch_id, _) = open_item("party-lesson")?;
    let (leader_id, leader_name) = open_item("special-party-class")?;
    let supervisor = harness()?.session(1280, 900)?;
    supervisor.login(SUPERVISOR.0, SUPERVISOR.1)?;
    supervisor.open(&format!("/people/{leader_id}"))?;
    ensure!(duty_status(&supervisor, "special-party-class")? == "due", "the leader's class of this year is due at first");

    let s = harness()?.session(1280, 900)?;
    s.login(SECRETARY.0, SECRETARY.1)?;
    s.open(&format!("/orgs/{branch_id}"))?;
    ensure!(duty_status(&s, "party-lesson")? == "due", "the branch's lesson of this quarter is due at first");
    let mut touched = 0;
    s.click_to_navigate("section.duties a.record-link[href$=\"/record\"]")?;
    touched += 1;
    s.click_to_navigate("a[href$=\"/record?kind=party_class\"]")?;
    touched += 1;
    let option = format!("select#rf-presenter option[value=\"{leader_id}\"]");
    ensure!(s.exists(&option)?, "the leaders of the organizations above are offered as presenters ({leader_name})");
    s.click(&option)?;
    touched += 1;
    let title = s.find("#rf-title")?;
    s.type_into(&title, "学习贯彻党的创新理论")?;
    touched += 1;
    s.click_to_navigate("form.record button[type=submit]")?;
    touched += 1;
    ensure!(touched <= 10, "recording took {touched} steps");
    let record = s.current_path()?;
    ensure!(record.starts_with("/activities/"), "saving led to {record}: {}", s.body_text()?);
    // One record, every requirement it meets, listed on its page (the
    // supervisor reads the leader's line too).
    supervisor.open(&record)?;
    let satisfied = supervisor
        .js("return Array.from(document.querySelectorAll('#satisfied + table tbody tr th')).map(th => th.textContent.trim())", json!([]))?;
    let satisfied: Vec<String> =
        satisfied.as_array().cloned().unwrap_or_default().iter().map(|v| v.as_str().unwrap_or_default().to_owned()).collect();
    let catalogue = rules::Catalogue::embedded()?;
    for id in ["special-party-class", "party-lesson", "study-hours"] {
        let title = catalogue.requirements.iter().find(|r| r.id == id).map(|r| r.zh.clone()).context("a catalogue requirement")?;
        ensure!(satisfied.contains(&title), "the record should list {title}; it lists {satisfied:?}");
    }
    s.open(&format!("/orgs/{branch_id}"))?;
    ensure!(duty_status(&s, "party-lesson")? == "met", "the branch's lesson of this quarter is met by the class");
    supervisor.open(&format!("/people/{leader_id}"))?;
    ensure!(duty_status(&supervisor, "special-party-class")? == "met", "the leader's class of this year is met");
    Ok(())
}
