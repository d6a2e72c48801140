//! The first-hour guide (`/guide`) of an administrator: the steps from an
//! empty deployment to a county at work — change the one-time password,
//! upload the organization tree, upload the rosters, create the accounts of
//! the secretaries and of the organization department, set the local
//! frequencies — each with what is done and what is left, read from the
//! records (nothing is ticked by hand). While the tree or the roster is
//! still empty it is the administrator's first page.

use crate::AppState;
use crate::pages::views::OrgLink;
use crate::pages::{PageContext, PageError, Viewer, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use domain::Organization;
use domain::access::Action;
use i18n::Lang;
use store::setup::FirstHour;

/// How many names a step lists of what is left.
const NAMED: usize = 10;

pub fn routes() -> Router<AppState> {
    Router::new().route("/guide", get(page))
}

/// One step of the guide.
struct Step {
    title: &'static str,
    explain: &'static str,
    done: bool,
    optional: bool,
    /// What is in place or left, in a sentence.
    state: String,
    /// Organizations the step still lacks, by name (at most [`NAMED`]).
    left: Vec<OrgLink>,
    more: usize,
    links: Vec<(String, &'static str)>,
}

/// The guide of one root.
struct RootGuide {
    org: OrgLink,
    steps: Vec<Step>,
    left: usize,
}

#[derive(Template)]
#[template(path = "guide.html")]
struct GuidePage<'a> {
    c: &'a PageContext,
    roots: Vec<RootGuide>,
}

/// Whether the tree and the roster are still empty under any of the
/// administrator's roots: then the guide is the first page.
pub async fn is_first_hour(state: &AppState, viewer: &Viewer) -> Result<bool, PageError> {
    let today = state.today.date();
    for root in viewer.roots(state, Action::ManageAccounts).await? {
        let progress = state.store.first_hour(&root.id, today).await?;
        if (progress.orgs_below == 0 && !root.kind.is_branch()) || progress.members == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

fn named(orgs: &[Organization], lang: Lang) -> (Vec<OrgLink>, usize) {
    (orgs.iter().take(NAMED).map(|o| OrgLink::new(o, lang)).collect(), orgs.len().saturating_sub(NAMED))
}

fn count(lang: Lang, id: &str, name: &'static str, n: usize) -> String {
    i18n::t_args(lang, id, &[(name, n.into())])
}

fn steps(lang: Lang, root: &Organization, first: &FirstHour, password_changed: bool) -> Vec<Step> {
    let t = |id| i18n::t(lang, id);
    let (empty, more_empty) = named(&first.branches_without_members, lang);
    let (unstaffed, more_unstaffed) = named(&first.branches_without_secretary, lang);
    let tree_needed = !root.kind.is_branch();
    vec![
        Step {
            title: t("guide-password"),
            explain: t("guide-password-explain"),
            done: password_changed,
            optional: false,
            state: t(if password_changed { "guide-password-done" } else { "guide-password-left" }).to_owned(),
            left: Vec::new(),
            more: 0,
            links: vec![("/account/password".to_owned(), t("guide-password-link"))],
        },
        Step {
            title: t("guide-tree"),
            explain: t("guide-tree-explain"),
            done: first.orgs_below > 0 || !tree_needed,
            optional: !tree_needed,
            state: count(lang, "guide-tree-state", "orgs", first.orgs_below),
            left: Vec::new(),
            more: 0,
            links: vec![("/imports/templates/orgs.xlsx".to_owned(), t("guide-template")), ("/imports".to_owned(), t("guide-upload"))],
        },
        Step {
            title: t("guide-roster"),
            explain: t("guide-roster-explain"),
            done: first.members > 0 && first.branches_without_members.is_empty(),
            optional: false,
            state: i18n::t_args(
                lang,
                "guide-roster-state",
                &[("members", first.members.into()), ("empty", first.branches_without_members.len().into())],
            ),
            left: empty,
            more: more_empty,
            links: vec![("/imports/templates/roster.xlsx".to_owned(), t("guide-template")), ("/imports".to_owned(), t("guide-upload"))],
        },
        Step {
            title: t("guide-accounts"),
            explain: t("guide-accounts-explain"),
            done: first.department_accounts > 0 && first.branches_without_secretary.is_empty(),
            optional: false,
            state: i18n::t_args(
                lang,
                "guide-accounts-state",
                &[("department", first.department_accounts.into()), ("unstaffed", first.branches_without_secretary.len().into())],
            ),
            left: unstaffed,
            more: more_unstaffed,
            links: vec![("/admin/accounts".to_owned(), t("guide-accounts-link"))],
        },
        Step {
            title: t("guide-settings"),
            explain: t("guide-settings-explain"),
            done: first.local_settings > 0,
            optional: true,
            state: count(lang, "guide-settings-state", "settings", usize::try_from(first.local_settings).unwrap_or(0)),
            left: Vec::new(),
            more: 0,
            links: vec![(format!("/orgs/{}/settings", root.id), t("guide-settings-link"))],
        },
    ]
}

async fn page(State(state): State<AppState>, ctx: PageContext, viewer: Viewer) -> Response {
    let result = async {
        let today = state.today.date();
        let roots = viewer.roots(&state, Action::ManageAccounts).await?;
        if roots.is_empty() {
            return Err(PageError::NotFound);
        }
        let password_changed = !viewer.account.must_change_password;
        let mut guides = Vec::with_capacity(roots.len());
        for root in roots {
            let first = state.store.first_hour(&root.id, today).await?;
            let steps = steps(ctx.lang, &root, &first, password_changed);
            let left = steps.iter().filter(|s| !s.done && !s.optional).count();
            guides.push(RootGuide { org: OrgLink::new(&root, ctx.lang), steps, left });
        }
        render(&GuidePage { c: &ctx, roots: guides })
    }
    .await;
    ctx.respond(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_of_the_guide_exists_in_both_languages() {
        let root = Organization {
            province_id: domain::Id::generate(),
            id: domain::Id::generate(),
            parent_id: None,
            name: domain::Name::parse(domain::Field::Name, "x").unwrap_or_else(|e| panic!("{e}")),
            level: domain::OrgLevel::County,
            kind: domain::OrgKind::Committee,
            unit_type: None,
            founded_on: chrono::NaiveDate::MIN,
            closed_on: None,
            path: Vec::new(),
            version: 1,
        };
        for lang in Lang::ALL {
            for step in steps(lang, &root, &FirstHour::default(), false) {
                for word in [step.title, step.explain] {
                    assert!(!word.starts_with("guide-"), "{} lacks {word}", lang.code());
                }
                assert!(!step.state.starts_with("guide-"), "{} lacks {}", lang.code(), step.state);
            }
        }
    }
}
