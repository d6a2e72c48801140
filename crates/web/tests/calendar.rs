#![allow(clippy::unwrap_used)]
//! Calendar subscriptions and the outbox on the real application: a link
//! made on a person's or an organization's page is shown once and opens,
//! without a session, an iCalendar feed of exactly that subject's open
//! obligations; a revoked, replaced or unknown link is a 404; someone who
//! cannot read the subject cannot make one; a link stops when its maker
//! may no longer read the subject; the person page lists the outbox.

use domain::Id;
use domain::access::Role;
use reqwest::StatusCode;
use store::obligations::{OpenObligations, SubjectRef};
use testkit::app::{Reply, TestApp, spawn_app};
use testkit::today;

/// The token of the subscription address a page shows once.
fn token_in(page: &Reply) -> String {
    let address = page.shown_secret();
    let token = address.split("/calendar/").nth(1).and_then(|t| t.strip_suffix(".ics"));
    token.unwrap_or_else(|| panic!("no address on the page: {}", page.text)).to_owned()
}

async fn fetch(app: &TestApp, token: &str) -> Reply {
    Reply::of(app.client.get(app.url(&format!("/calendar/{token}.ics"))).send().await.unwrap()).await
}

/// What a calendar client reads: the folded lines joined again.
fn unfold(ics: &str) -> String {
    ics.replace("\r\n ", "")
}

/// The UIDs the feed of `subject` must list: its open obligations now.
async fn expected_uids(app: &TestApp, subject: SubjectRef) -> Vec<String> {
    let evaluator = jobs::FreshEvaluator::embedded().unwrap();
    let open = evaluator.open_obligations(&app.store, today(), std::slice::from_ref(&subject)).await.unwrap().pop().unwrap();
    open.iter().map(|o| format!("UID:{}+{}+{}@changxiao", o.requirement_id, subject.id(), o.period.label())).collect()
}

#[tokio::test]
async fn a_link_made_on_the_person_page_opens_their_open_obligations_without_a_session() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let person = app.tree.secretary.to_string();
    let page = s.get(&format!("/people/{person}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.dom().has(&format!("form[action=\"/people/{person}/calendar\"]")), "{}", page.text);

    let created = s.post_form(&format!("/people/{person}/calendar"), &[]).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    assert_eq!(created.headers.get("cache-control").unwrap(), "no-store", "the address is a secret shown once");
    let token = token_in(&created);
    assert_eq!(token.len(), 96, "{token}");
    assert_eq!(created.shown_secret(), format!("{}/calendar/{token}.ics", app.base), "an absolute address");
    assert!(created.dom().links_to(&format!("webcal://{}/calendar/{token}.ics", app.base.trim_start_matches("http://"))));
    assert!(!app.dump().await.contains(&token[32..]), "only a hash is stored");

    let feed = fetch(&app, &token).await;
    assert_eq!(feed.status, StatusCode::OK, "{}", feed.text);
    assert_eq!(feed.headers.get("content-type").unwrap(), "text/calendar; charset=utf-8");
    let ics = unfold(&feed.text);
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), "{ics}");
    assert!(ics.contains("X-WR-CALNAME:王建国 · 长效\r\n"), "{ics}");
    let uids = expected_uids(&app, SubjectRef::Person(app.tree.secretary.clone())).await;
    assert!(!uids.is_empty(), "the secretary has something due");
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), uids.len());
    for uid in &uids {
        assert!(ics.contains(&format!("{uid}\r\n")), "{uid} in {ics}");
    }
    assert!(ics.contains("SUMMARY:党支部书记讲党课\r\n"), "{ics}");
    assert!(ics.contains("DTSTART;VALUE=DATE:20261231\r\n"), "a yearly obligation falls due on the year's last day");
    assert!(ics.contains("DESCRIPTION:已开展0次，要求1次\\n2026 · 待办，截止2026-12-31\r\n"), "{ics}");
    assert!(!ics.contains(app.tree.branch.as_str()), "nothing of the branch in the person's feed");
    assert_eq!(fetch(&app, &token).await.text.matches("UID:").count(), uids.len(), "the same events each time");

    let page = s.get(&format!("/people/{person}")).await;
    assert!(page.dom().has(&format!("form[action=\"/people/{person}/calendar/revoke\"]")), "the live link can be revoked");
    let revoked = s.post_form(&format!("/people/{person}/calendar/revoke"), &[]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(revoked.location(), Some(format!("/people/{person}#calendar").as_str()));
    assert_eq!(fetch(&app, &token).await.status, StatusCode::NOT_FOUND, "a revoked link");
    let dump = app.dump().await;
    assert!(dump.contains("entity=\"calendar_feed\""), "creating and revoking are audited");
    assert_eq!(dump.matches("action=\"revoke\" entity=\"calendar_feed\"").count(), 1, "{dump}");
    app.cleanup().await;
}

#[tokio::test]
async fn an_organization_feed_lists_only_the_organizations_own_obligations() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let branch = app.tree.branch.to_string();
    let page = s.get(&format!("/orgs/{branch}")).await;
    assert!(page.dom().has(&format!("form[action=\"/orgs/{branch}/calendar\"]")), "{}", page.text);
    let token = token_in(&s.post_form(&format!("/orgs/{branch}/calendar"), &[]).await);
    let person_token = token_in(&s.post_form(&format!("/people/{}/calendar", app.tree.secretary), &[]).await);

    let ics = unfold(&fetch(&app, &token).await.text);
    let uids = expected_uids(&app, SubjectRef::Org(app.tree.branch.clone())).await;
    assert!(!uids.is_empty());
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), uids.len());
    for uid in &uids {
        assert!(ics.contains(uid.as_str()), "{uid}");
    }
    assert!(ics.contains("SUMMARY:党支部委员会会议（支委会）\r\n") && ics.contains("DTSTART;VALUE=DATE:20261130\r\n"), "{ics}");
    assert!(!ics.contains(app.tree.secretary.as_str()), "no person's obligations in the branch's feed");
    assert!(!ics.contains(app.tree.other_branch.as_str()));

    // A new link replaces the old one; an unknown one is the same 404.
    let replaced = token_in(&s.post_form(&format!("/orgs/{branch}/calendar"), &[]).await);
    assert_eq!(fetch(&app, &token).await.status, StatusCode::NOT_FOUND);
    assert_eq!(fetch(&app, &replaced).await.status, StatusCode::OK);
    assert_eq!(fetch(&app, &person_token).await.status, StatusCode::OK, "the person's link is another subject's");
    let unknown = format!("{}{}", &replaced[..32], "ab".repeat(32));
    for bad in [unknown.as_str(), "nonsense", &replaced[..40]] {
        assert_eq!(fetch(&app, bad).await.status, StatusCode::NOT_FOUND, "{bad}");
    }
    let no_suffix = Reply::of(app.client.get(app.url(&format!("/calendar/{replaced}"))).send().await.unwrap()).await;
    assert_eq!(no_suffix.status, StatusCode::NOT_FOUND);
    app.cleanup().await;
}

#[tokio::test]
async fn only_those_who_may_read_a_subject_make_its_link_and_it_stops_with_their_grant() {
    let app = spawn_app().await;
    app.builder().account("secretary2", "第二支部书记").role(Role::Secretary, &app.tree.other_branch).await;
    let other = app.login("secretary2").await;
    let s = app.login("secretary").await;
    let before = app.dump().await;
    let refused = other.post_form(&format!("/people/{}/calendar", app.tree.secretary), &[]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(other.post_form(&format!("/orgs/{}/calendar", app.tree.branch), &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(other.post_form(&format!("/orgs/{}/calendar/revoke", app.tree.branch), &[]).await.status, StatusCode::NOT_FOUND);
    let forged = s.post_form_as_is(&format!("/orgs/{}/calendar", app.tree.branch), &[("csrf", "forged")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(app.dump().await == before, "nothing was written");

    let token = token_in(&s.post_form(&format!("/orgs/{}/calendar", app.tree.branch), &[]).await);
    assert_eq!(fetch(&app, &token).await.status, StatusCode::OK);
    let grant = app.store.grants_of(&app.accounts.secretary).await.unwrap().pop().unwrap();
    let mut w = app.store.writer(&store::Actor::system("test")).await.unwrap();
    app.store.end_grant(&mut w, &grant.id, today()).await.unwrap();
    w.commit().await.unwrap();
    assert_eq!(fetch(&app, &token).await.status, StatusCode::NOT_FOUND, "the maker can no longer read the branch");
    app.cleanup().await;
}

#[tokio::test]
async fn the_person_page_lists_the_outbox_and_why_a_message_was_not_sent() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let page = s.get(&format!("/people/{}", app.tree.secretary)).await;
    assert!(page.says("通知 / Outbox") && page.says("暂无通知。"), "{}", page.text);
    let evaluator = jobs::FreshEvaluator::embedded().unwrap();
    let summary = jobs::run_weekly_digests(&app.store, &evaluator, None, i18n::Lang::ZhCn, today()).await.unwrap();
    assert_eq!(summary.queued, 1, "{summary}");
    let page = s.get(&format!("/people/{}", app.tree.secretary)).await;
    let outbox = page.dom();
    let message = outbox.find("#outbox ~ table tbody tr");
    assert!(message.says("长效：本周待办"), "{message}");
    assert!(message.says("2026-W48"), "{message}");
    assert!(message.says("未发送：未配置邮件服务器"), "{message}");
    let en = s.get(&format!("/people/{}?lang=en", app.tree.secretary)).await;
    assert!(en.says("Not sent: no mail server configured"), "{}", en.text);
    app.cleanup().await;
}

#[tokio::test]
async fn an_administrator_sets_the_address_the_digest_is_mailed_to() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let account: &Id = &app.accounts.secretary;
    let path = format!("/admin/accounts/{account}/email");
    let bad = admin.post_form(&path, &[("email", "wang@example.org\r\nBcc: x@example.org")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.says("电子邮箱地址格式不正确"), "{}", bad.text);
    assert_eq!(app.store.account_email(account).await.unwrap(), None);
    let ok = admin.post_form(&path, &[("email", "wang@example.org")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
    assert_eq!(app.store.account_email(account).await.unwrap().as_deref(), Some("wang@example.org"));
    let page = admin.get(&format!("/admin/accounts/{account}")).await;
    assert_eq!(page.dom().attr("input[name=email]", "value").as_deref(), Some("wang@example.org"), "{}", page.text);
    let s = app.login("secretary").await;
    assert_eq!(
        s.post_form(&format!("/admin/accounts/{}/email", app.accounts.dept), &[("email", "x@example.org")]).await.status,
        StatusCode::NOT_FOUND
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_reader_who_is_neither_the_person_nor_a_supervisor_cannot_open_their_feed() {
    let app = spawn_app().await;
    // A second account of the same branch, not linked to the secretary's record.
    app.builder().account("clerk", "支部组织委员").role(Role::Secretary, &app.tree.branch).await;
    let clerk = app.login("clerk").await;
    let person = app.tree.secretary.to_string();
    assert_eq!(clerk.get(&format!("/people/{person}")).await.status, StatusCode::OK, "the clerk may read the person");
    let before = app.dump().await;
    let refused = clerk.post_form(&format!("/people/{person}/calendar"), &[]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.text);
    assert_eq!(app.dump().await, before, "nothing written");
    // The organization department supervising the branch may.
    let supervisor = app.login("supervisor").await;
    let made = supervisor.post_form(&format!("/people/{person}/calendar"), &[]).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.text);
    app.cleanup().await;
}
