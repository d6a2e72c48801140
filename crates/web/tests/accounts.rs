//! Accounts through the real HTTP layer: logging in and out, sessions that
//! expire, malformed credentials, CSRF on forms and API calls, login
//! throttling, password changes and reset links, account management and the
//! auditor's page — and that no secret is stored or shown twice.
#![allow(clippy::unwrap_used)]

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, COOKIE};
use serde_json::json;
use testkit::app::{PASSWORD, Reply, hidden_csrf, login_with, plain_client, session_from_secret, spawn_app, submit_login};
use testkit::html::Dom;

const EVIL: &str = "<script>alert('x')</script>";

fn minutes_ago(n: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::minutes(n)).to_rfc3339()
}

/// Whether markup typed by someone comes back escaped, as the bytes are sent.
fn escaped(text: &str) -> bool {
    text.contains("&lt;script&gt;") || text.contains("&#60;script&#62;")
}

// ── logging in and out ──────────────────────────────────────────────────

#[tokio::test]
async fn anonymous_visitors_are_sent_to_the_login_page_and_api_callers_get_401() {
    let app = spawn_app().await;
    let path = format!("/orgs/{}?lang=en", app.tree.branch);
    let page = Reply::of(app.client.get(app.url(&path)).send().await.unwrap()).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), Some(format!("/login?next=/orgs/{}%3Flang%3Den", app.tree.branch).as_str()));
    for path in ["/", "/account", "/admin/accounts", "/audit", "/search?q=x"] {
        let r = Reply::of(app.client.get(app.url(path)).send().await.unwrap()).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert!(r.location().unwrap().starts_with("/login?next="), "{path}");
    }
    let before = app.dump().await;
    let api = Reply::of(app.client.get(app.url("/api/v1/orgs")).send().await.unwrap()).await;
    assert_eq!((api.status, api.code()), (StatusCode::UNAUTHORIZED, Some("unauthenticated")));
    assert!(api.headers["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
    let body = json!({"parent_id": app.tree.village.as_str(), "name": "第三党支部", "level": "grassroots", "kind": "branch", "founded_on": "2020-01-01"});
    let post = Reply::of(app.client.post(app.url("/api/v1/orgs")).json(&body).send().await.unwrap()).await;
    assert_eq!(post.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.dump().await, before);
    for public in ["/login", "/healthz", "/api/v1/openapi.json", "/static/app.css"] {
        assert_eq!(app.client.get(app.url(public)).send().await.unwrap().status(), StatusCode::OK, "{public} is public");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn logging_in_starts_a_session_in_an_http_only_cookie_and_goes_back_to_where_the_visitor_was() {
    let app = spawn_app().await;
    let token = testkit::app::form_token(&app).await;
    let next = format!("/orgs/{}", app.tree.branch);
    let form = [("login", "secretary"), ("password", PASSWORD), ("csrf", token.as_str()), ("next", next.as_str())];
    let r =
        Reply::of(app.client.post(app.url("/login")).header(COOKIE, format!("cx_form={token}")).form(&form).send().await.unwrap()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location(), Some(next.as_str()));
    let session = r.set_cookie("cx_session").unwrap();
    for part in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(part), "{session} lacks {part}");
    }
    assert!(!session.contains("Secure"), "plain HTTP here");
    let secret = r.cookie("cx_session").unwrap();
    assert!(!app.dump().await.contains(&secret), "only the session's hash is stored");
    let page = app.get_with_cookie(&next, &format!("cx_session={secret}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.dom().select_text("nav.account-bar .who strong"), "王书记", "the header names who is logged in");

    let evil_next = [("login", "secretary"), ("password", PASSWORD), ("csrf", token.as_str()), ("next", "//evil.example/")];
    let r = Reply::of(app.client.post(app.url("/login")).header(COOKIE, format!("cx_form={token}")).form(&evil_next).send().await.unwrap())
        .await;
    assert_eq!(r.location(), Some("/"), "only local addresses are followed");
    let again = app.get_with_cookie("/login?next=/account", &format!("cx_session={secret}")).await;
    assert_eq!(again.location(), Some("/account"), "a logged-in visitor skips the form");
    app.cleanup().await;
}

#[tokio::test]
async fn cookies_are_marked_secure_behind_a_tls_proxy() {
    let app = spawn_app().await;
    let login = Reply::of(app.client.get(app.url("/login")).header("x-forwarded-proto", "https").send().await.unwrap()).await;
    let form_cookie = login.headers["set-cookie"].to_str().unwrap();
    assert!(form_cookie.contains("; Secure") && form_cookie.contains("HttpOnly"), "{form_cookie}");
    let token = login.cookie("cx_form").unwrap();
    let form = [("login", "secretary"), ("password", PASSWORD), ("csrf", token.as_str())];
    let request = app.client.post(app.url("/login")).header("x-forwarded-proto", "https").header(COOKIE, format!("cx_form={token}"));
    let r = Reply::of(request.form(&form).send().await.unwrap()).await;
    let session = r.set_cookie("cx_session").unwrap();
    assert!(session.ends_with("; Secure"), "{session}");
    app.cleanup().await;
}

#[tokio::test]
async fn a_wrong_password_gets_one_generic_message_and_no_session() {
    let app = spawn_app().await;
    let wrong_password = submit_login(&app, "secretary", "not the password").await;
    let no_such_login = submit_login(&app, "nobody", "not the password").await;
    for r in [&wrong_password, &no_such_login] {
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.says("登录名或密码不正确"));
        assert!(r.cookie("cx_session").is_none());
        assert!(!r.text.contains("not the password"), "the password is never shown again");
    }
    let failures = app.store.history(&format!("login:{}", "nobody")).await.unwrap();
    assert_eq!(failures.len(), 1, "the failed login is audited");
    app.cleanup().await;
}

#[tokio::test]
async fn repeated_failures_are_slowed_down_and_the_owner_gets_in_once_the_wait_is_over() {
    let app = spawn_app().await;
    let mut statuses = Vec::new();
    let mut last = None;
    for _ in 0..6 {
        let r = submit_login(&app, "secretary", "wrong password!").await;
        statuses.push(r.status.as_u16());
        last = Some(r);
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429], "five free failures, then a wait");
    let throttled = last.unwrap();
    let wait: i64 = throttled.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait >= 1, "Retry-After: {wait}");
    assert!(throttled.says("登录失败次数过多"), "{}", throttled.text);

    let right_too_soon = submit_login(&app, "secretary", PASSWORD).await;
    assert_eq!(right_too_soon.status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    assert!(right_too_soon.cookie("cx_session").is_none());

    // An hour passes.
    app.sql("UPDATE login_failures SET last_failure_at = $1", &[&minutes_ago(60)]).await;
    let later = submit_login(&app, "secretary", PASSWORD).await;
    assert_eq!(later.status, StatusCode::SEE_OTHER, "{}", later.text);
    assert!(later.cookie("cx_session").is_some());
    app.cleanup().await;
}

#[tokio::test]
async fn logging_out_ends_the_session_for_good() {
    let app = spawn_app().await;
    let secretary = app.login("secretary").await;
    let r = secretary.post_form("/logout", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/login"));
    let cleared = r.headers["set-cookie"].to_str().unwrap();
    assert!(cleared.starts_with("cx_session=;") && cleared.contains("Max-Age=0"), "{cleared}");
    let after = secretary.get(&format!("/orgs/{}", app.tree.branch)).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "the old cookie no longer works");
    assert_eq!(secretary.get("/api/v1/orgs").await.status, StatusCode::UNAUTHORIZED);
    app.cleanup().await;
}

#[tokio::test]
async fn a_session_idle_for_longer_than_the_timeout_ends() {
    let app = spawn_app().await;
    let secretary = app.login("secretary").await;
    let branch = format!("/orgs/{}", app.tree.branch);
    app.sql("UPDATE sessions SET last_seen_at = $1", &[&minutes_ago(29)]).await;
    assert_eq!(secretary.get(&branch).await.status, StatusCode::OK, "29 idle minutes are fine");
    app.sql("UPDATE sessions SET last_seen_at = $1", &[&minutes_ago(31)]).await;
    assert_eq!(secretary.get(&branch).await.status, StatusCode::SEE_OTHER, "31 are not");
    assert_eq!(secretary.get("/api/v1/orgs").await.status, StatusCode::UNAUTHORIZED);
    assert!(!app.dump().await.contains("sessions token_hash"), "the expired session is gone");
    app.cleanup().await;
}

#[tokio::test]
async fn a_tiny_idle_timeout_in_the_configuration_ends_sessions_quickly() {
    let app =
        testkit::app::spawn_app_with(web::AuthConfig { idle_timeout: chrono::Duration::milliseconds(200), secure_cookies: true }).await;
    let r = submit_login(&app, "secretary", PASSWORD).await;
    let session = r.set_cookie("cx_session").unwrap();
    assert!(session.contains("; Secure"), "secure_cookies marks every cookie Secure");
    let cookie = format!("cx_session={}", r.cookie("cx_session").unwrap());
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(app.get_with_cookie("/account", &cookie).await.status, StatusCode::SEE_OTHER);
    app.cleanup().await;
}

#[tokio::test]
async fn malformed_or_unknown_credentials_are_anonymous_never_an_error() {
    let app = spawn_app().await;
    let real = app.login("secretary").await;
    let expired = app.login("dept").await;
    app.sql("UPDATE sessions SET last_seen_at = $1 WHERE account_id = $2", &[&minutes_ago(90), app.accounts.dept.as_str()]).await;
    let cookies = [
        "cx_session=garbage".to_owned(),
        format!("cx_session={}", "a".repeat(10 * 1024)),
        format!("cx_session={}", "0".repeat(64)),
        format!("cx_session={}", "z".repeat(64)),
        format!("cx_session={}", real.secret.to_uppercase()),
        format!("cx_session=\"{}", real.secret),
        "cx_session=".to_owned(),
        "cx_session".to_owned(),
        ";;;=;".to_owned(),
        expired.cookie.clone(),
    ];
    let branch = format!("/orgs/{}", app.tree.branch);
    for cookie in &cookies {
        let page = app.get_with_cookie(&branch, cookie).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "page with {:.40}", cookie);
        let api = app.get_with_cookie("/api/v1/orgs", cookie).await;
        assert_eq!(api.status, StatusCode::UNAUTHORIZED, "API with {:.40}", cookie);
    }
    for header in [
        "Bearer",
        "Bearer cx_",
        "Bearer garbage",
        "Basic c2VjcmV0YXJ5OnB3",
        &format!("Bearer cx_{}", "0".repeat(64)),
        &format!("Bearer cx_{}", "f".repeat(10_000)),
    ] {
        let r = Reply::of(plain_client().get(app.url("/api/v1/orgs")).header(AUTHORIZATION, header).send().await.unwrap()).await;
        assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, Some("unauthenticated")), "{:.40}", header);
    }
    assert_eq!(real.get(&branch).await.status, StatusCode::OK, "the real session still works");
    app.cleanup().await;
}

// ── CSRF ─────────────────────────────────────────────────────────────────

#[tokio::test]
async fn a_form_without_the_sessions_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let secretary = app.login("secretary").await;
    let before = app.dump().await;
    let token = [("name", "脚本"), ("org_id", app.tree.branch.as_str()), ("scope", "write")];
    let missing = secretary.post_form_as_is("/account/tokens", &token).await;
    let mut forged_fields = vec![("csrf", "0".repeat(64))];
    forged_fields.extend(token.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let forged_fields: Vec<(&str, &str)> = forged_fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let forged = secretary.post_form_as_is("/account/tokens", &forged_fields).await;
    for r in [&missing, &forged] {
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
        assert!(r.says("请求已失效"));
    }
    let logout = secretary.post_form_as_is("/logout", &[]).await;
    assert_eq!(logout.status, StatusCode::FORBIDDEN, "a forged logout is refused too");
    let password = [("current", PASSWORD), ("password", "a new password 1"), ("password2", "a new password 1")];
    assert_eq!(secretary.post_form_as_is("/account/password", &password).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.dump().await, before);
    assert_eq!(secretary.get("/account").await.status, StatusCode::OK, "still logged in");
    app.cleanup().await;
}

#[tokio::test]
async fn an_api_call_by_session_cookie_needs_the_csrf_header_and_a_bearer_call_does_not() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let before = app.dump().await;
    let body = json!({"parent_id": app.tree.village.as_str(), "name": "第三党支部", "level": "grassroots", "kind": "branch", "founded_on": "2020-01-01"});
    let bare = plain_client().post(app.url("/api/v1/orgs")).header(COOKIE, &admin.cookie).json(&body);
    let missing = Reply::of(bare.send().await.unwrap()).await;
    let forged = Reply::of(
        plain_client()
            .post(app.url("/api/v1/orgs"))
            .header(COOKIE, &admin.cookie)
            .header("x-csrf-token", "f".repeat(64))
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let patch = Reply::of(
        plain_client()
            .patch(app.url(&format!("/api/v1/orgs/{}", app.tree.branch)))
            .header(COOKIE, &admin.cookie)
            .json(&json!({"name": "改名", "version": 1}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    for r in [&missing, &forged, &patch] {
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, Some("csrf")), "{}", r.text);
    }
    assert_eq!(app.dump().await, before);
    let read = app.get_with_cookie("/api/v1/orgs", &admin.cookie).await;
    assert_eq!(read.status, StatusCode::OK, "reading needs no CSRF token");
    let with_header = admin.post_json("/api/v1/orgs", &body).await;
    assert_eq!(with_header.status, StatusCode::CREATED, "{}", with_header.text);
    app.cleanup().await;
}

#[tokio::test]
async fn the_login_form_needs_its_double_submit_token() {
    let app = spawn_app().await;
    let before = app.dump().await;
    let token = testkit::app::form_token(&app).await;
    let no_cookie = [("login", "secretary"), ("password", PASSWORD), ("csrf", token.as_str())];
    let r = Reply::of(app.client.post(app.url("/login")).form(&no_cookie).send().await.unwrap()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let other = "1".repeat(64);
    let mismatched = [("login", "secretary"), ("password", PASSWORD), ("csrf", other.as_str())];
    let r =
        Reply::of(app.client.post(app.url("/login")).header(COOKIE, format!("cx_form={token}")).form(&mismatched).send().await.unwrap())
            .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.cookie("cx_session").is_none());
    assert_eq!(app.dump().await, before, "not even a login attempt is recorded");
    app.cleanup().await;
}

// ── passwords ────────────────────────────────────────────────────────────

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_the_other_sessions() {
    let app = spawn_app().await;
    let here = app.login("secretary").await;
    let elsewhere = app.login("secretary").await;
    let before = app.dump().await;
    let new = "a much better password";
    for (fields, why) in [
        ([("current", "wrong password"), ("password", new), ("password2", new)], "当前密码不正确"),
        ([("current", PASSWORD), ("password", new), ("password2", "something else!")], "两次输入的新密码不一致"),
        ([("current", PASSWORD), ("password", "short"), ("password2", "short")], "至少 10 个字符"),
        ([("current", PASSWORD), ("password", "secretary"), ("password2", "secretary")], "至少 10 个字符"),
    ] {
        let r = here.post_form("/account/password", &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{why}");
        assert!(r.says(why), "{why}: {}", r.text);
    }
    assert_eq!(app.dump().await, before, "refused changes change nothing");

    let r = here.post_form("/account/password", &[("current", PASSWORD), ("password", new), ("password2", new)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location(), Some("/account?done=password"));
    let fresh = session_from_secret(&app, &r.cookie("cx_session").expect("a fresh session for this browser")).await;
    assert!(fresh.get("/account?done=password").await.says("密码已修改"));
    assert_eq!(elsewhere.get("/account").await.status, StatusCode::SEE_OTHER, "the other browser is logged out");
    assert_eq!(here.get("/account").await.status, StatusCode::SEE_OTHER, "so is the old cookie of this one");
    assert_eq!(submit_login(&app, "secretary", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    login_with(&app, "secretary", new).await;
    let dump = app.dump().await;
    assert!(!dump.contains(new) && !dump.contains(PASSWORD), "passwords are stored only as argon2id hashes");
    assert!(dump.contains("$argon2id$"));
    app.cleanup().await;
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_then_is_gone() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let page = admin.post_form(&format!("/admin/accounts/{}/reset", app.accounts.secretary), &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert_eq!(page.headers["cache-control"], "no-store");
    let link = page.shown_secret();
    let path = link.strip_prefix(&app.base).expect("a full link to pass on").to_owned();
    assert!(path.starts_with("/reset/") && path.len() == 7 + 64, "the link is shown: {link}");
    assert!(!app.dump().await.contains(&path[7..]), "only the link's hash is stored");
    assert!(!admin.get(&format!("/admin/accounts/{}", app.accounts.secretary)).await.text.contains(&path), "shown once");

    let form = Reply::of(app.client.get(app.url(&path)).send().await.unwrap()).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.says("secretary"));
    let token = form.cookie("cx_form").unwrap();
    let new = "a brand new password";
    let send = |fields: Vec<(&'static str, String)>| {
        let request = app.client.post(app.url(&path)).header(COOKIE, format!("cx_form={token}")).form(&fields);
        async move { Reply::of(request.send().await.unwrap()).await }
    };
    let mismatch = send(vec![("csrf", token.clone()), ("password", new.into()), ("password2", "another one!!".into())]).await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    let forged = send(vec![("csrf", "2".repeat(64)), ("password", new.into()), ("password2", new.into())]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let done = send(vec![("csrf", token.clone()), ("password", new.into()), ("password2", new.into())]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    assert_eq!(done.location(), Some("/login?done=reset"));
    login_with(&app, "secretary", new).await;

    let again = Reply::of(app.client.get(app.url(&path)).send().await.unwrap()).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "the link works once");
    let reuse =
        send(vec![("csrf", token.clone()), ("password", "yet another password".into()), ("password2", "yet another password".into())])
            .await;
    assert_eq!(reuse.status, StatusCode::NOT_FOUND);
    for bad in ["/reset/nothing", &format!("/reset/{}", "a".repeat(64))] {
        assert_eq!(app.client.get(app.url(bad)).send().await.unwrap().status(), StatusCode::NOT_FOUND, "{bad}");
    }
    app.cleanup().await;
}

// ── account management ───────────────────────────────────────────────────

#[tokio::test]
async fn an_administrator_creates_an_account_whose_generated_password_is_shown_once_and_must_be_changed() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let fields = [
        ("login", "li.ming"),
        ("display_name", "李明"),
        ("password", ""),
        ("role", "secretary"),
        ("org_id", app.tree.other_branch.as_str()),
    ];
    let page = admin.post_form("/admin/accounts", &fields).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert_eq!(page.headers["cache-control"], "no-store");
    let password = page.shown_secret();
    assert_eq!(password.len(), 20);
    assert!(!app.dump().await.contains(&password), "the first password is stored hashed");
    assert!(!admin.get("/admin/accounts").await.text.contains(&password), "and shown once");
    assert!(admin.get("/admin/accounts").await.says("li.ming"));

    let first = submit_login(&app, "li.ming", &password).await;
    assert_eq!(first.location(), Some("/account/password"), "a first password must be changed");
    let li = session_from_secret(&app, &first.cookie("cx_session").unwrap()).await;
    assert_eq!(li.get(&format!("/orgs/{}", app.tree.other_branch)).await.location(), Some("/account/password"), "before anything else");
    let new = "li ming's own password";
    let changed = li.post_form("/account/password", &[("current", password.as_str()), ("password", new), ("password2", new)]).await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.text);
    let li = login_with(&app, "li.ming", new).await;
    assert_eq!(li.get(&format!("/orgs/{}", app.tree.other_branch)).await.status, StatusCode::OK);
    assert_eq!(li.get(&format!("/orgs/{}", app.tree.branch)).await.status, StatusCode::NOT_FOUND);
    app.cleanup().await;
}

#[tokio::test]
async fn an_administrator_grants_and_ends_roles_only_inside_the_subtree_and_never_for_themselves() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let secretary_page = format!("/admin/accounts/{}", app.accounts.secretary);
    let granted =
        admin.post_form(&format!("{secretary_page}/grants"), &[("role", "secretary"), ("org_id", app.tree.other_branch.as_str())]).await;
    assert_eq!(granted.status, StatusCode::SEE_OTHER, "{}", granted.text);
    let secretary = app.login("secretary").await;
    assert_eq!(secretary.get(&format!("/orgs/{}", app.tree.other_branch)).await.status, StatusCode::OK, "the new role counts");

    let grant =
        app.store.grants_of(&app.accounts.secretary).await.unwrap().into_iter().find(|g| g.grant.org_id == app.tree.other_branch).unwrap();
    let ended = admin.post_form(&format!("{secretary_page}/grants/{}/end", grant.id), &[]).await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", ended.text);
    assert_eq!(secretary.get(&format!("/orgs/{}", app.tree.other_branch)).await.status, StatusCode::NOT_FOUND, "and stops counting today");
    let history = admin.get(&secretary_page).await;
    assert!(history.says(testkit::TODAY), "the ended role shows its end");

    let before = app.dump().await;
    let own = format!("/admin/accounts/{}", app.accounts.admin);
    assert!(admin.get(&own).await.says("这是您自己的账号"));
    assert_eq!(
        admin.post_form(&format!("{own}/grants"), &[("role", "security_auditor"), ("org_id", app.tree.county.as_str())]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(admin.post_form(&format!("{own}/reset"), &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.dump().await, before, "no administrator widens their own rights");

    let mut w = app.store.writer(&store::Actor::system("test")).await.unwrap();
    let new = store::orgs::NewOrg {
        id: None,
        parent_id: None,
        name: domain::Name::parse(domain::Field::Name, "中共临江县委员会").unwrap(),
        level: domain::OrgLevel::County,
        kind: domain::OrgKind::Committee,
        unit_type: None,
        founded_on: chrono::NaiveDate::from_ymd_opt(2001, 1, 1).unwrap(),
    };
    let elsewhere = app.store.create_org(&mut w, new).await.unwrap().id;
    w.commit().await.unwrap();
    let outsider = app.builder().account("outsider", "外县书记").role(domain::access::Role::Secretary, &elsewhere).await;
    let before = app.dump().await;
    assert_eq!(admin.get(&format!("/admin/accounts/{outsider}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(admin.post_form(&format!("/admin/accounts/{outsider}/reset"), &[]).await.status, StatusCode::NOT_FOUND);
    let outside_org = admin.post_form(&format!("{secretary_page}/grants"), &[("role", "secretary"), ("org_id", elsewhere.as_str())]).await;
    assert_eq!(outside_org.status, StatusCode::UNPROCESSABLE_ENTITY, "no role on an organization outside the subtree");
    assert!(!admin.get("/admin/accounts").await.text.contains("outsider"));
    assert_eq!(app.dump().await, before);

    // An account that also holds a role elsewhere is worth more than this administrator may change.
    let mut w = app.store.writer(&store::Actor::system("test")).await.unwrap();
    app.store
        .add_grant(
            &mut w,
            &outsider,
            domain::access::Role::Secretary,
            &app.tree.branch,
            chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
        )
        .await
        .unwrap();
    w.commit().await.unwrap();
    let before = app.dump().await;
    let shared = admin.get(&format!("/admin/accounts/{outsider}")).await;
    assert_eq!(shared.status, StatusCode::OK);
    assert!(shared.says("管理范围以外") && !shared.dom().has("[action$=\"/reset\"], [href$=\"/reset\"]"));
    assert_eq!(admin.post_form(&format!("/admin/accounts/{outsider}/reset"), &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.dump().await, before);
    app.cleanup().await;
}

#[tokio::test]
async fn injection_strings_in_every_new_text_field_are_stored_as_text_and_shown_escaped() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let bad_login = admin
        .post_form(
            "/admin/accounts",
            &[("login", EVIL), ("display_name", "某人"), ("role", "secretary"), ("org_id", app.tree.branch.as_str())],
        )
        .await;
    assert_eq!(bad_login.status, StatusCode::UNPROCESSABLE_ENTITY, "a login is letters and digits");
    assert!(escaped(&bad_login.text) && !bad_login.text.contains("<script"), "what was typed comes back escaped");
    let login_form = submit_login(&app, EVIL, "whatever it is").await;
    assert!(escaped(&login_form.text) && !login_form.text.contains("<script"));

    let created = admin
        .post_form(
            "/admin/accounts",
            &[
                ("login", "evil"),
                ("display_name", EVIL),
                ("password", "evil's password"),
                ("role", "secretary"),
                ("org_id", app.tree.branch.as_str()),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    let listed = admin.get("/admin/accounts").await;
    assert!(escaped(&listed.text) && !listed.text.contains("<script"));

    let first = submit_login(&app, "evil", "evil's password").await;
    let evil = session_from_secret(&app, &first.cookie("cx_session").unwrap()).await;
    let new = "a better evil password";
    evil.post_form("/account/password", &[("current", "evil's password"), ("password", new), ("password2", new)]).await;
    let evil = login_with(&app, "evil", new).await;
    let token_page = evil.post_form("/account/tokens", &[("name", EVIL), ("org_id", app.tree.branch.as_str()), ("scope", "read")]).await;
    assert_eq!(token_page.status, StatusCode::OK, "{}", token_page.text);
    let account = evil.get("/account").await;
    assert!(escaped(&account.text) && !account.text.contains("<script"), "the header's name and the token's name");
    let stored = app.store.api_tokens_of(&evil.account.clone().unwrap()).await.unwrap();
    assert_eq!(stored[0].name.as_str(), EVIL, "stored as typed");
    assert_eq!(app.store.account_by_login("evil").await.unwrap().unwrap().display_name.as_str(), EVIL);
    app.cleanup().await;
}

#[tokio::test]
async fn no_password_session_secret_or_token_secret_is_stored_or_shown_again() {
    let app = spawn_app().await;
    let secretary = app.login("secretary").await;
    let page = secretary.post_form("/account/tokens", &[("name", "同步"), ("org_id", app.tree.branch.as_str()), ("scope", "read")]).await;
    let token = page.shown_secret();
    assert!(token.starts_with("cx_") && token.len() == 67, "{token}");
    let dump = app.dump().await;
    for secret in [PASSWORD, secretary.secret.as_str(), &token, &token[3..]] {
        assert!(!dump.contains(secret), "the database holds {secret:.10}…");
    }
    for path in ["/account", &format!("/orgs/{}", app.tree.branch), "/account/password"] {
        let text = secretary.get(path).await.text;
        assert!(!text.contains(&token) && !text.contains(&secretary.secret) && !text.contains(PASSWORD), "{path}");
    }
    app.cleanup().await;
}

// ── the audit trail ──────────────────────────────────────────────────────

#[tokio::test]
async fn the_auditor_sees_the_chains_intact_and_every_login_with_its_address() {
    let app = spawn_app().await;
    submit_login(&app, "secretary", "a wrong password").await;
    let auditor = app.login("auditor").await;
    let page = auditor.get("/audit?chain=system").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let dom = page.dom();
    assert!(dom.has("#chain-intact"));
    assert!(dom.says("login_failed") && dom.says("127.0.0.1"));
    assert!(dom.says("县安全审计员（auditor）"), "actors are named by their accounts");
    let province = auditor.get("/audit").await;
    assert!(province.says("中共青川县委员会") && province.says("create"), "the county's chain by default");
    assert!(province.text.contains("&quot;") || province.text.contains("&#34;"), "before/after JSON shown escaped");

    let admin = app.login("admin").await;
    assert_eq!(admin.get("/audit").await.status, StatusCode::NOT_FOUND, "an administrator cannot read the trail");
    assert_eq!(auditor.get(&format!("/audit?chain={}", domain::Id::generate())).await.status, StatusCode::NOT_FOUND);

    app.sql("UPDATE audit_log SET actor = 'someone else' WHERE seq = 2 AND province_id = ''", &[]).await;
    let broken = auditor.get("/audit?chain=system").await;
    assert!(!broken.dom().has("#chain-intact") && broken.says("审计链已被破坏"), "{}", broken.text);
    assert!(broken.says("审计链“系统链”第 2 条记录写入后被改动"), "{}", broken.text);
    app.cleanup().await;
}

/// The entities shown in the trail's rows: "entity id".
fn entities(page: &Reply) -> Vec<String> {
    page.dom().texts("td.entity")
}

#[tokio::test]
async fn an_auditor_of_a_township_reads_the_entries_about_its_subtree_and_not_the_system_chain() {
    let app = spawn_app().await;
    app.builder().account("tn_auditor", "镇安全审计员").role(domain::access::Role::SecurityAuditor, &app.tree.township).await;
    let township = app.login("tn_auditor").await;
    let page = township.get("/audit").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let shown = entities(&page);
    assert!(shown.contains(&format!("organization {}", app.tree.branch)), "a branch of the township: {shown:?}");
    assert!(shown.contains(&format!("person {}", app.tree.secretary)), "a member of the township: {shown:?}");
    assert!(!shown.contains(&format!("organization {}", app.tree.county)), "the county is above the grant: {shown:?}");
    assert!(shown.iter().all(|e| !e.starts_with("grant ") && !e.starts_with("account ")), "grants are the system's: {shown:?}");
    assert_eq!(township.get("/audit?chain=system").await.status, StatusCode::NOT_FOUND, "the system chain needs the root");
    assert!(!page.dom().links_to("/audit?chain=system"));

    let county = app.login("auditor").await.get("/audit").await;
    assert!(entities(&county).contains(&format!("organization {}", app.tree.county)), "the root's auditor reads everything");
    app.cleanup().await;
}

#[tokio::test]
async fn personal_content_is_sealed_in_the_trail_and_only_an_auditor_at_the_root_opens_one_entry() {
    let app = spawn_app().await;
    app.builder().account("tn_auditor", "镇安全审计员").role(domain::access::Role::SecurityAuditor, &app.tree.township).await;
    let absentee = app.builder().member("赵党员", &app.tree.branch).born("1971-05-09").await;
    let meeting = testkit::activities::activity("members_assembly", &app.tree.branch, "2026-10-10")
        .titled("十月党员大会")
        .presented_by(&app.tree.secretary)
        .agenda(&["business"])
        .absent(&absentee, "住院治疗")
        .build();
    let meeting = testkit::activities::record(&app.store, meeting).await;
    let province = app.tree.county.to_string();
    let everything = store::audit_scope::TrailScope::Everything;
    let stored: Vec<String> =
        app.store.audit_page(&province, &everything, None, 500).await.unwrap().iter().map(|e| format!("{:?}", e.after_json)).collect();
    assert!(stored.iter().all(|e| !e.contains("住院治疗") && !e.contains("1971-05-09")), "sealed in the database: {stored:?}");
    assert_eq!(app.store.verify_audit().await.unwrap().first_break, None);

    let auditor = app.login("auditor").await;
    let page = auditor.get("/audit").await;
    assert!(!page.says("住院治疗") && !page.says("1971-05-09"), "{}", page.text);
    assert!(page.says("absence_reason") && page.says("birth_date") && page.says("个人信息已加密"), "field names stay visible");
    let entry = app
        .store
        .audit_page(&province, &everything, None, 500)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.entity_id == meeting.id.as_str())
        .unwrap();
    let seq = entry.seq.to_string();
    let fields = [("chain", province.as_str()), ("seq", seq.as_str())];

    let township = app.login("tn_auditor").await;
    assert!(township.get("/audit").await.says("十月党员大会"), "the township's auditor reads the entry");
    assert_eq!(township.post_form("/audit/open", &fields).await.status, StatusCode::NOT_FOUND, "but cannot open it");
    let opened = |app: &testkit::app::TestApp| {
        let store = app.store.clone();
        async move {
            store
                .audit_page("", &store::audit_scope::TrailScope::Everything, None, 500)
                .await
                .unwrap()
                .into_iter()
                .filter(|e| e.action == "open")
                .count()
        }
    };
    assert_eq!(opened(&app).await, 0);
    for (chain, bad_seq) in [
        (province.as_str(), "abc"),
        (province.as_str(), "-1"),
        (province.as_str(), "0"),
        (province.as_str(), "999999"),
        ("no-such-chain", seq.as_str()),
    ] {
        let reply = auditor.post_form("/audit/open", &[("chain", chain), ("seq", bad_seq)]).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "chain {chain}, seq {bad_seq}");
    }
    assert_eq!(opened(&app).await, 0, "a refused opening is not recorded");

    let open = auditor.post_form("/audit/open", &fields).await;
    assert_eq!(open.status, StatusCode::OK, "{}", open.text);
    assert!(open.says("住院治疗") && open.dom().has("#opening-recorded"), "{}", open.text);
    assert_eq!(opened(&app).await, 1, "the opening is itself in the system chain");
    let system = auditor.get("/audit?chain=system").await;
    assert!(entities(&system).contains(&format!("audit_entry {province}:{seq}")), "{:?}", entities(&system));
    assert_eq!(
        auditor.post_form_as_is("/audit/open", &fields).await.status,
        StatusCode::FORBIDDEN,
        "a form without the token does nothing"
    );
    assert_eq!(opened(&app).await, 1);
    app.cleanup().await;
}

#[tokio::test]
async fn the_auditor_pages_back_through_a_chain_by_sequence_number() {
    let app = spawn_app().await;
    for _ in 0..60 {
        submit_login(&app, "nobody", "a wrong password").await;
        app.sql("DELETE FROM login_failures", &[]).await;
    }
    let auditor = app.login("auditor").await;
    let first = auditor.get("/audit?chain=system").await;
    let older = first.dom().attr("a[href^=\"/audit?chain=system&before=\"]", "href");
    let older = older.unwrap_or_else(|| panic!("a link to older entries: {}", first.text));
    let before: i64 = older.trim_start_matches("/audit?chain=system&before=").parse().unwrap();
    let second = auditor.get(&format!("/audit?chain=system&before={before}")).await;
    assert_eq!(second.status, StatusCode::OK);
    let seqs = |page: &Reply| -> Vec<i64> { page.dom().texts("th[scope=row]").iter().filter_map(|s| s.parse().ok()).collect() };
    let (a, b) = (seqs(&first), seqs(&second));
    assert_eq!(a.len(), 50);
    assert!(!b.is_empty() && b.iter().all(|s| *s < before) && a.iter().all(|s| *s >= before), "{a:?} then {b:?}");
    assert!(a.windows(2).all(|w| w[0] > w[1]), "newest first");
    app.cleanup().await;
}

#[tokio::test]
async fn hidden_fields_carry_the_session_token_on_every_form() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let page = admin.get("/admin/accounts").await.text;
    let dom = Dom::parse(&page);
    let forms = dom.select("form[method=post]");
    let tokens = forms.iter().filter(|f| f.attr_of("input[name=csrf]", "value") == Some(admin.csrf.as_str())).count();
    assert!(forms.len() >= 2 && forms.len() == tokens, "{} forms, {tokens} tokens", forms.len());
    assert_eq!(dom.count("input[name=csrf]"), tokens, "no token outside a form");
    assert_eq!(hidden_csrf(&page).as_deref(), Some(admin.csrf.as_str()));
    app.cleanup().await;
}
