//! What every page needs besides its own data: the language (from
//! `?lang=`, else the `lang` cookie, else zh-CN — never Accept-Language),
//! the language-switch links that keep the current address, the text
//! for the header's search box, and who is logged in (for the header's
//! name, links and logout button).

use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri, header};
use domain::access::Action;
use i18n::Lang;
use std::convert::Infallible;

/// The language and header of the page being served.
#[derive(Clone, Debug)]
pub struct PageContext {
    pub lang: Lang,
    /// This address in Chinese.
    pub zh_href: String,
    /// This address in English.
    pub en_href: String,
    /// The text shown in the header's search box.
    pub query: String,
    /// The stylesheet's fingerprinted address.
    pub css_href: &'static str,
    /// The logged-in account, if any.
    pub user: Option<HeaderUser>,
}

/// What the header shows of the logged-in account.
#[derive(Clone, Debug)]
pub struct HeaderUser {
    pub name: String,
    /// For the logout button's form.
    pub csrf: String,
    /// May read records (sees the search box).
    pub reader: bool,
    /// May manage accounts (sees 账号管理).
    pub admin: bool,
    /// May read the audit trail (sees 审计).
    pub auditor: bool,
    /// May bring in spreadsheets (sees 导入表格).
    pub importer: bool,
}

impl PageContext {
    pub fn new(uri: &Uri, headers: &HeaderMap) -> Self {
        let lang = lang_from_query(uri).or_else(|| lang_from_cookie(headers)).unwrap_or(Lang::ZhCn);
        PageContext {
            lang,
            zh_href: switch_href(uri, Lang::ZhCn),
            en_href: switch_href(uri, Lang::En),
            query: String::new(),
            css_href: super::STYLESHEET_HREF.as_str(),
            user: None,
        }
    }

    /// The words of message `id` in the page's language.
    pub fn t<'a>(&self, id: &'a str) -> &'a str {
        i18n::t(self.lang, id)
    }

    /// A typed message in the page's language.
    pub fn render(&self, message: &domain::Message) -> String {
        i18n::render(self.lang, message)
    }
}

impl FromRequestParts<AppState> for PageContext {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let mut ctx = PageContext::new(&parts.uri, &parts.headers);
        // A failing lookup shows the header as logged out; the page's own
        // `Viewer` reports the failure.
        if let Ok(Some(p)) = crate::auth::authenticate(parts, state, false).await {
            let today = state.today.date();
            ctx.user = Some(HeaderUser {
                name: p.account.display_name.to_string(),
                csrf: p.csrf().unwrap_or_default().to_owned(),
                reader: p.holds(Action::Read, today),
                admin: p.holds(Action::ManageAccounts, today),
                auditor: p.holds(Action::ReadAudit, today),
                importer: p.holds(Action::Import, today),
            });
        }
        Ok(ctx)
    }
}

/// The raw `key=value` pairs of the query string.
fn query_pairs(uri: &Uri) -> impl Iterator<Item = (&str, &str)> {
    uri.query().unwrap_or_default().split('&').filter(|p| !p.is_empty()).map(|p| p.split_once('=').unwrap_or((p, "")))
}

/// The language asked for with `?lang=`, if a known one.
pub fn lang_from_query(uri: &Uri) -> Option<Lang> {
    query_pairs(uri).filter(|(k, _)| *k == "lang").find_map(|(_, v)| Lang::parse(v))
}

/// The language remembered in the `lang` cookie, if a known one.
pub fn lang_from_cookie(headers: &HeaderMap) -> Option<Lang> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(name, _)| *name == "lang")
        .find_map(|(_, value)| Lang::parse(value))
}

/// The current address with `lang` set to `lang`, other query parameters kept
/// (they are already percent-encoded, as received).
fn switch_href(uri: &Uri, lang: Lang) -> String {
    // A path starting with "//" would read as another host in a link.
    let path = format!("/{}", uri.path().trim_start_matches('/'));
    let mut query: Vec<String> = query_pairs(uri).filter(|(k, _)| *k != "lang").map(|(k, v)| format!("{k}={v}")).collect();
    query.push(format!("lang={}", lang.code()));
    format!("{path}?{}", query.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn uri(s: &str) -> Uri {
        s.parse().expect("a valid URI")
    }

    #[test]
    fn the_query_wins_over_the_cookie_and_zh_cn_is_the_default() {
        let mut headers = HeaderMap::new();
        assert_eq!(PageContext::new(&uri("/"), &headers).lang, Lang::ZhCn);
        headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("en-US,en"));
        assert_eq!(PageContext::new(&uri("/"), &headers).lang, Lang::ZhCn);
        headers.insert(header::COOKIE, HeaderValue::from_static("a=b; lang=en"));
        assert_eq!(PageContext::new(&uri("/"), &headers).lang, Lang::En);
        assert_eq!(PageContext::new(&uri("/?lang=zh-CN"), &headers).lang, Lang::ZhCn);
        assert_eq!(PageContext::new(&uri("/?lang=xx"), &headers).lang, Lang::En);
    }

    #[test]
    fn switch_links_keep_the_path_and_other_parameters() {
        let ctx = PageContext::new(&uri("/search?q=%E7%9F%B3&lang=en"), &HeaderMap::new());
        assert_eq!(ctx.zh_href, "/search?q=%E7%9F%B3&lang=zh-CN");
        assert_eq!(ctx.en_href, "/search?q=%E7%9F%B3&lang=en");
        let odd = Uri::builder().path_and_query("//evil.example/x").build().expect("a path-only URI");
        let ctx = PageContext::new(&odd, &HeaderMap::new());
        assert_eq!(ctx.zh_href, "/evil.example/x?lang=zh-CN");
    }
}
