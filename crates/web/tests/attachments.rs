#![allow(clippy::unwrap_used)]
//! Attachments over HTTP, on the real application with a real attachment
//! directory: a secretary adds a file through the API or the activity's
//! page (multipart bodies built here by hand) and gets the same bytes back
//! with headers that keep the browser from running anything; a program
//! renamed `.pdf`, a web page or an oversized file is refused with nothing
//! stored; a reader in another branch gets 404.

use domain::access::Role;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE};
use serde_json::json;
use testkit::activities::activity as new_activity;
use testkit::app::{Reply, Session, TestApp, content_type, multipart, spawn_app};
use testkit::files::{exe, files_on_disk, pdf};

/// Uploads one file through the API (session cookie and CSRF header).
async fn api_upload(s: &Session, activity: &str, file_name: &str, bytes: &[u8]) -> Reply {
    let body = multipart(&[], &[("file", file_name, bytes)]);
    s.post_bytes(&format!("/api/v1/activities/{activity}/attachments"), &content_type(), body).await
}

/// Sends the activity page's upload form as a browser would.
async fn page_upload(s: &Session, activity: &str, csrf: Option<&str>, file_name: &str, bytes: &[u8]) -> Reply {
    let fields: Vec<(&str, &str)> = csrf.map(|c| ("csrf", c)).into_iter().collect();
    s.post_multipart(&format!("/activities/{activity}/attachments"), multipart(&fields, &[("file", file_name, bytes)])).await
}

/// A GET that keeps the body as bytes.
async fn get_bytes(s: &Session, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let response = s.client.get(s.url(path)).send().await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.bytes().await.unwrap().to_vec())
}

/// A members' assembly of the branch, recorded through the API; its id.
async fn activity(app: &TestApp, s: &Session) -> String {
    let body = new_activity("members_assembly", &app.tree.branch, "2026-11-20").titled("十一月党员大会").agenda(&["theory_study"]).json();
    let created = s.post_json("/api/v1/activities", &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    created.id()
}

#[tokio::test]
async fn a_secretary_adds_a_file_and_gets_the_same_bytes_back_with_safe_headers() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let id = activity(&app, &s).await;
    let created = api_upload(&s, &id, "会议记录 扫描件.pdf", &pdf()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let attachment = created.id();
    assert_eq!(created.location(), Some(format!("/api/v1/attachments/{attachment}").as_str()));
    assert_eq!(created.body["file_name"], "会议记录 扫描件.pdf");
    assert_eq!(created.body["media_type"], "application/pdf");
    assert_eq!(created.body["size_bytes"], pdf().len());
    assert_eq!(created.body["activity_id"], id.as_str());
    assert_eq!(created.body["download_href"], format!("/attachments/{attachment}"));

    let list = s.get(&format!("/api/v1/activities/{id}/attachments")).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(list.body["items"][0]["id"], attachment.as_str());

    let (status, headers, bytes) = get_bytes(&s, &format!("/attachments/{attachment}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, pdf());
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(header("content-type"), "application/pdf");
    assert_eq!(
        header("content-disposition"),
        "attachment; filename=\"________.pdf\"; filename*=UTF-8''%E4%BC%9A%E8%AE%AE%E8%AE%B0%E5%BD%95%20%E6%89%AB%E6%8F%8F%E4%BB%B6.pdf"
    );
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("content-security-policy"), "sandbox");
    assert_eq!(header("cache-control"), "no-store", "a signed-in download stays out of every cache");
    // API clients read the same bytes.
    let (status, headers, bytes) = get_bytes(&s, &format!("/api/v1/attachments/{attachment}/content")).await;
    assert_eq!((status, bytes), (StatusCode::OK, pdf()));
    assert_eq!(headers.get("content-security-policy").unwrap(), "sandbox");

    // A file over the 1 MiB limit of JSON bodies goes through the upload route.
    let mut scan = pdf();
    scan.resize(3 * 1024 * 1024, b' ');
    let big = api_upload(&s, &id, "scan.pdf", &scan).await;
    assert_eq!(big.status, StatusCode::CREATED, "{}", big.text);
    assert_eq!(files_on_disk(&app.files_dir()).len(), 2);

    let removed = Reply::of(s.client.delete(s.url(&format!("/api/v1/attachments/{attachment}"))).send().await.unwrap()).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text);
    assert_eq!(s.get(&format!("/api/v1/activities/{id}/attachments")).await.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(get_bytes(&s, &format!("/attachments/{attachment}")).await.0, StatusCode::NOT_FOUND);
    app.cleanup().await;
}

#[tokio::test]
async fn disguised_programs_and_web_pages_are_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let id = activity(&app, &s).await;
    let before = app.dump().await;

    let refused = api_upload(&s, &id, "通知.pdf", &exe()).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert_eq!(refused.field(), Some("attachment"));
    let message = refused.message();
    assert!(message.contains("Windows 可执行程序") && message.contains("通知.pdf"), "{message}");

    let page = b"<!DOCTYPE html><html><body><script>fetch('/api/v1/orgs')</script></body></html>";
    for name in ["page.html", "page.txt", "page.pdf"] {
        let refused = api_upload(&s, &id, name, page).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {}", refused.text);
        assert_eq!(refused.field(), Some("attachment"));
        assert!(refused.message().contains("网页或 SVG 图片"), "{}", refused.text);
    }
    let png_named_pdf = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR";
    let refused = api_upload(&s, &id, "合影.pdf", png_named_pdf).await;
    assert!(refused.message().contains("PNG 图片") && refused.message().contains(".png"), "{}", refused.text);

    // Not a multipart body, no file, a stray field: refused too.
    let json = s.post_json(&format!("/api/v1/activities/{id}/attachments"), &json!({"file": "x"})).await;
    assert_eq!((json.status, json.code()), (StatusCode::BAD_REQUEST, Some("bad_multipart")), "{}", json.text);
    let empty = s.post_bytes(&format!("/api/v1/activities/{id}/attachments"), &content_type(), multipart(&[("note", "x")], &[])).await;
    assert_eq!((empty.status, empty.field()), (StatusCode::BAD_REQUEST, Some("note")), "{}", empty.text);
    // A session call without its CSRF header stores nothing either.
    let forged = s.post_multipart(&format!("/api/v1/activities/{id}/attachments"), multipart(&[], &[("file", "a.pdf", &pdf())])).await;
    assert_eq!((forged.status, forged.code()), (StatusCode::FORBIDDEN, Some("csrf")));

    assert_eq!(app.dump().await, before, "a refused upload changed the database");
    assert_eq!(files_on_disk(&app.files_dir()), Vec::<String>::new(), "a refused upload left a file");
    app.cleanup().await;
}

#[tokio::test]
async fn an_oversized_file_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let id = activity(&app, &s).await;
    let before = app.dump().await;
    let limit = store::attachments::MAX_ATTACHMENT_BYTES;

    let mut over = pdf();
    over.resize(limit + 1, b' ');
    let refused = api_upload(&s, &id, "大.pdf", &over).await;
    assert_eq!((refused.status, refused.field()), (StatusCode::PAYLOAD_TOO_LARGE, Some("file")), "{}", refused.text);
    assert!(refused.message().contains("20 MB"), "{}", refused.text);

    // Beyond the upload route's body limit the server stops reading: the
    // answer is 413, unless the connection closes before it arrives.
    over.resize(web::api::attachments::MAX_UPLOAD_BODY_BYTES + 1024, b' ');
    let request = s
        .client
        .post(s.url(&format!("/api/v1/activities/{id}/attachments")))
        .header(CONTENT_TYPE, content_type())
        .body(multipart(&[], &[("file", "更大.pdf", &over)]));
    if let Ok(response) = request.send().await {
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }
    // The page's form says so in words.
    over.truncate(limit + 1);
    let page = page_upload(&s, &id, Some(&s.csrf), "大.pdf", &over).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", page.text);
    assert!(page.says("文件超过 20 MB"), "{}", page.text);

    assert_eq!(app.dump().await, before);
    assert_eq!(files_on_disk(&app.files_dir()), Vec::<String>::new());
    app.cleanup().await;
}

#[tokio::test]
async fn only_those_who_may_read_the_record_download_its_files() {
    let app = spawn_app().await;
    app.builder().account("secretary2", "第二支部书记").role(Role::Secretary, &app.tree.other_branch).await;
    let s = app.login("secretary").await;
    let id = activity(&app, &s).await;
    let attachment = api_upload(&s, &id, "a.pdf", &pdf()).await.id();

    let other = app.login("secretary2").await;
    assert_eq!(get_bytes(&other, &format!("/attachments/{attachment}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get_bytes(&other, &format!("/api/v1/attachments/{attachment}/content")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(other.get(&format!("/api/v1/attachments/{attachment}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get(&format!("/api/v1/activities/{id}/attachments")).await.status, StatusCode::NOT_FOUND);
    let upload = api_upload(&other, &id, "b.pdf", &pdf()).await;
    assert_eq!(upload.status, StatusCode::NOT_FOUND, "{}", upload.text);
    let delete = Reply::of(other.client.delete(other.url(&format!("/api/v1/attachments/{attachment}"))).send().await.unwrap()).await;
    assert_eq!(delete.status, StatusCode::NOT_FOUND);
    // An id that is not one, or one of nothing: the same 404.
    assert_eq!(get_bytes(&s, "/attachments/not-an-id").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get_bytes(&s, &format!("/attachments/{id}")).await.0, StatusCode::NOT_FOUND);

    // The township's organization department reads the branch's records, and
    // their files, but records nothing there.
    let dept = app.login("dept").await;
    let (status, _, bytes) = get_bytes(&dept, &format!("/attachments/{attachment}")).await;
    assert_eq!((status, bytes), (StatusCode::OK, pdf()));
    let delete = Reply::of(dept.client.delete(dept.url(&format!("/api/v1/attachments/{attachment}"))).send().await.unwrap()).await;
    assert_eq!(delete.status, StatusCode::NOT_FOUND);
    // Anonymous visitors are sent to log in.
    let anonymous = Reply::of(testkit::app::plain_client().get(app.url(&format!("/attachments/{attachment}"))).send().await.unwrap()).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location().unwrap().starts_with("/login"));
    assert_eq!(s.get(&format!("/api/v1/activities/{id}/attachments")).await.body["items"].as_array().unwrap().len(), 1);
    app.cleanup().await;
}

#[tokio::test]
async fn the_activity_page_lists_files_and_takes_an_upload() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let id = activity(&app, &s).await;
    let page = s.get(&format!("/activities/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let dom = page.dom();
    assert!(dom.find("#attachments").says("附件可有可无"), "files are said to be optional");
    let form = dom.find("#attachments form[method=post]");
    assert_eq!(form.attr("enctype"), Some("multipart/form-data"), "{form}");
    assert_eq!(form.attr_of("input[type=file]", "accept"), Some(store::attachments::ACCEPT));

    // Without the session's token nothing happens.
    let before = app.dump().await;
    let forged = page_upload(&s, &id, Some("0000"), "纪要.pdf", &pdf()).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(page_upload(&s, &id, None, "纪要.pdf", &pdf()).await.status, StatusCode::FORBIDDEN);
    // A disguised program is refused in words, beside the form.
    let refused = page_upload(&s, &id, Some(&s.csrf), "纪要.pdf", &exe()).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.says("Windows 可执行程序"), "{}", refused.text);
    assert!(refused.says("文件未添加") && refused.dom().has("input[type=file]"), "the form beside it: {}", refused.text);
    assert_eq!(app.dump().await, before);
    assert_eq!(files_on_disk(&app.files_dir()), Vec::<String>::new());

    let added = page_upload(&s, &id, Some(&s.csrf), "纪要.pdf", &pdf()).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    assert_eq!(added.location(), Some(format!("/activities/{id}#attachments").as_str()));
    let page = s.get(&format!("/activities/{id}")).await;
    let files = page.dom();
    let listed = files.find("#attachments tbody tr");
    assert!(listed.says("纪要.pdf") && listed.says("PDF 文件"), "{listed}");
    let attachment = s.get(&format!("/api/v1/activities/{id}/attachments")).await.body["items"][0]["id"].as_str().unwrap().to_owned();
    assert!(listed.links_to(&format!("/attachments/{attachment}")), "{listed}");

    // Those who only read see the list, not the form.
    let dept = app.login("dept").await.get(&format!("/activities/{id}")).await;
    let read_only = dept.dom();
    assert!(read_only.find("#attachments").says("纪要.pdf"));
    assert!(!read_only.has("[type=file], [action*=\"/remove\"], [href*=\"/remove\"]"), "{}", dept.text);

    let removed = s.post_form(&format!("/attachments/{attachment}/remove"), &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.text);
    assert!(!s.get(&format!("/activities/{id}")).await.text.contains("纪要.pdf"));
    app.cleanup().await;
}

#[tokio::test]
async fn a_retried_upload_with_the_same_key_adds_the_file_once() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let id = activity(&app, &s).await;
    let send = |name: &'static str| {
        s.client
            .post(s.url(&format!("/api/v1/activities/{id}/attachments")))
            .header(CONTENT_TYPE, content_type())
            .header("Idempotency-Key", "upload-1")
            .body(multipart(&[], &[("file", name, &pdf())]))
            .send()
    };
    let first = Reply::of(send("a.pdf").await.unwrap()).await;
    let again = Reply::of(send("a.pdf").await.unwrap()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    assert_eq!((again.status, again.body.clone()), (StatusCode::CREATED, first.body.clone()));
    assert_eq!(again.headers.get("idempotent-replayed").unwrap(), "true");
    assert_eq!(again.location(), first.location());
    let other = Reply::of(send("b.pdf").await.unwrap()).await;
    assert_eq!(other.code(), Some("idempotency_key_reused"), "{}", other.text);
    assert_eq!(s.get(&format!("/api/v1/activities/{id}/attachments")).await.body["items"].as_array().unwrap().len(), 1);
    app.cleanup().await;
}

#[tokio::test]
async fn a_server_without_a_file_directory_refuses_uploads_plainly() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let id = activity(&app, &s).await;
    // The same database served without an attachment directory.
    let base = testkit::app::serve(web::AppState::new(app.store.clone(), web::Today::Fixed(testkit::today())).unwrap()).await;
    let request = s
        .client
        .post(format!("{base}/api/v1/activities/{id}/attachments"))
        .header(CONTENT_TYPE, content_type())
        .body(multipart(&[], &[("file", "a.pdf", &pdf())]));
    let refused = Reply::of(request.send().await.unwrap()).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::SERVICE_UNAVAILABLE, Some("attachments_unavailable")), "{}", refused.text);
    let page =
        Reply::of(testkit::app::plain_client().get(format!("{base}/activities/{id}")).header(COOKIE, &s.cookie).send().await.unwrap())
            .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.dom().has("[type=file]"), "no form where files cannot be kept");
    assert_eq!(s.get(&format!("/api/v1/activities/{id}/attachments")).await.body["items"], json!([]));
    app.cleanup().await;
}

#[tokio::test]
async fn the_openapi_document_describes_the_upload() {
    let app = spawn_app().await;
    let doc: serde_json::Value =
        testkit::app::plain_client().get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    let upload = &doc["paths"]["/api/v1/activities/{id}/attachments"]["post"];
    let schema = &upload["requestBody"]["content"]["multipart/form-data"]["schema"];
    assert!(schema.is_object(), "{upload}");
    assert!(upload["responses"]["413"].is_object() && upload["responses"]["422"].is_object());
    assert!(doc["paths"]["/api/v1/activities/{id}/attachments"]["get"].is_object());
    assert!(doc["paths"]["/api/v1/attachments/{id}"]["delete"].is_object());
    assert!(doc["paths"]["/api/v1/attachments/{id}/content"]["get"].is_object());
    assert_eq!(doc["components"]["schemas"]["AttachmentUpload"]["properties"]["file"]["format"], "binary");
    app.cleanup().await;
}

#[tokio::test]
async fn a_data_directory_that_cannot_hold_files_is_a_failure_of_ours_not_of_the_request() {
    let app = spawn_app().await;
    let s = app.login("secretary").await;
    let id = activity(&app, &s).await;
    // Where the attachments folder should be, there is a file: nothing can be stored.
    std::fs::write(app.data_dir().join("attachments"), b"not a folder").unwrap();
    let before = app.dump().await;
    let refused = api_upload(&s, &id, "会议记录.pdf", b"%PDF-1.7\n...").await;
    assert_eq!(refused.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", refused.text);
    assert_eq!(refused.body["error"]["code"], "internal");
    assert_eq!(refused.body["error"]["message"], "服务器内部错误");
    assert!(!refused.text.contains("attachments"), "nothing internal is said: {}", refused.text);
    assert_eq!(app.dump().await, before, "nothing was stored");
    app.cleanup().await;
}
