//! The requirement catalogue: the documents' "systems" as data. One TOML file
//! per source document (in `catalogue/` at the top of the repository, embedded
//! in the binary), plus `vocabulary.toml` with the activity, agenda-item and
//! visit kinds. Loading checks everything and either gives a whole catalogue or
//! an error that names the file and line; nothing is half-loaded.

use crate::period::PeriodKind;
use domain::Message;
use domain::{CadreRank, OrgKind, OrgLevel, PositionKind};
use serde::Deserialize;
use std::collections::HashMap;

/// Index of an activity kind in [`Catalogue::activity_kinds`].
pub type KindIx = u16;
/// Index of a requirement in [`Catalogue::requirements`].
pub type RequirementIx = u16;

/// A word of the vocabulary (an activity, agenda-item or visit kind).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub code: String,
    pub zh: String,
    pub en: String,
    /// How long an activity of this kind usually lasts, in minutes: what a
    /// recording form offers when there is no earlier record to copy.
    pub minutes: Option<u32>,
    /// Other words written for it in spreadsheets (earlier or shorter names).
    pub also: Vec<String>,
}

impl Term {
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// The two languages of the product.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "zh-CN" | "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// The polarity of a typical-case analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    Positive,
    Negative,
}

impl Polarity {
    pub fn code(self) -> &'static str {
        match self {
            Polarity::Positive => "positive",
            Polarity::Negative => "negative",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "positive" => Some(Polarity::Positive),
            "negative" => Some(Polarity::Negative),
            _ => None,
        }
    }
}

/// Whether the subjects of a requirement are organizations or people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SubjectKind {
    Organization,
    Person,
}

impl SubjectKind {
    pub fn code(self) -> &'static str {
        match self {
            SubjectKind::Organization => "organization",
            SubjectKind::Person => "person",
        }
    }
}

/// Positions held in organizations of some kinds and levels (empty lists
/// mean any).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PositionRule {
    pub positions: Vec<PositionKind>,
    pub org_kinds: Vec<OrgKind>,
    pub org_levels: Vec<OrgLevel>,
}

impl PositionRule {
    pub fn matches(&self, position: PositionKind, kind: OrgKind, level: OrgLevel) -> bool {
        (self.positions.is_empty() || self.positions.contains(&position))
            && (self.org_kinds.is_empty() || self.org_kinds.contains(&kind))
            && (self.org_levels.is_empty() || self.org_levels.contains(&level))
    }
}

/// What kind of source sets a requirement's obligation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// A national text (regulations, the Opinions) sets it.
    National,
    /// Common practice that provinces usually write down; the default is
    /// that practice, and a local rule may change it.
    CommonPractice,
    /// A method the documents offer, not a duty: a record counts when made,
    /// and no subject is ever marked as having missed it.
    Method,
    /// Added by a province or an organization for its subtree.
    Local,
}

impl SourceKind {
    pub fn code(self) -> &'static str {
        match self {
            SourceKind::National => "national",
            SourceKind::CommonPractice => "common_practice",
            SourceKind::Method => "method",
            SourceKind::Local => "local",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "national" => Some(SourceKind::National),
            "common_practice" => Some(SourceKind::CommonPractice),
            "method" => Some(SourceKind::Method),
            _ => None,
        }
    }
}

/// Whom a requirement binds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Binding {
    /// Organizations of these kinds at these levels (empty lists mean any).
    Organizations { kinds: Vec<OrgKind>, levels: Vec<OrgLevel> },
    /// Every party member.
    Members,
    /// Holders of positions.
    PositionHolders(PositionRule),
    /// Cadres of at least this rank.
    Cadres { min_rank: CadreRank },
}

/// Which organization must host a satisfying activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostRule {
    /// The subject organization itself.
    Subject,
    /// The subject or any organization under it (group meetings of a branch's groups).
    SubjectSubtree,
    /// Any organization.
    Any,
}

/// The quorum a meeting needs to count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quorum {
    /// 半数以上: at least half of those expected were present (以上
    /// includes the number itself).
    HalfOrMore,
    /// 超过半数: more than half of those expected were present.
    MoreThanHalf,
    /// For a meeting that votes or elects (an agenda item of kind `item`):
    /// more than half of the members with a vote (full members) expected
    /// were present. Meetings without the item need no quorum.
    VotersMoreThanHalf { item: u16 },
}

/// For requirements met only when every part is met ("each kind of visit",
/// "one positive and one negative case").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EachOf {
    VisitKinds(Vec<u16>),
    Polarities(Vec<Polarity>),
}

impl EachOf {
    pub fn len(&self) -> usize {
        match self {
            EachOf::VisitKinds(v) => v.len(),
            EachOf::Polarities(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What a satisfying activity looks like.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Satisfaction {
    pub kinds: Vec<KindIx>,
    pub host: HostRule,
    pub presenter_is_subject: bool,
    pub attended_by_subject: bool,
    /// Held at a grassroots unit or a branch.
    pub host_grassroots: bool,
    pub first_agenda_item: Option<u16>,
    pub agenda_includes: Vec<u16>,
    pub quorum: Option<Quorum>,
    pub each_of: Option<EachOf>,
}

/// A requirement counted in class hours (学时) from attended activities.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoursRule {
    /// Class hours a year.
    pub minimum: u32,
    /// Activity kinds whose attended duration counts.
    pub kinds: Vec<KindIx>,
    /// A higher minimum for holders of some positions.
    pub raised: Option<(u32, PositionRule)>,
}

/// One requirement of the catalogue (or a local one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub id: String,
    pub zh: String,
    pub en: String,
    /// The clause it comes from, e.g. "Opinions 2024 §1 item 2".
    pub clause: String,
    /// The file (or local setting) it was defined in.
    pub source: String,
    /// Whether a national text, common practice or a local rule sets it.
    pub source_kind: SourceKind,
    pub subject: SubjectKind,
    pub binds: Binding,
    pub period: PeriodKind,
    pub count: u32,
    /// Whether a province or organization may set the period and count.
    pub locally_set: bool,
    /// No document sets a frequency: until a local setting applies, every
    /// cell is not applicable, pending the local rule (`period` and `count`
    /// only shape those cells).
    pub pending_local_rule: bool,
    pub satisfied_by: Satisfaction,
    pub hours: Option<HoursRule>,
    /// A feature the requirement needs that is not built yet: every cell is
    /// not applicable, with this as the reason.
    pub feature_not_built: Option<String>,
}

impl Requirement {
    pub fn title(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// A source document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    pub file: String,
    pub zh: String,
    pub en: String,
}

/// How long after a period ends a missing record is "overdue" rather than
/// "missed" (records are often entered days later).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LateWindow {
    pub days: u32,
    /// Counted in working days of the calendar rather than calendar days.
    pub working_days: bool,
}

impl LateWindow {
    /// Reads `10d` (calendar days) or `7wd` (working days).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if let Some(n) = s.strip_suffix("wd") {
            return n.parse().ok().filter(|n| *n <= 366).map(|days| LateWindow { days, working_days: true });
        }
        s.strip_suffix('d').and_then(|n| n.parse().ok()).filter(|n| *n <= 366).map(|days| LateWindow { days, working_days: false })
    }

    pub fn code(&self) -> String {
        format!("{}{}", self.days, if self.working_days { "wd" } else { "d" })
    }
}

/// The loaded catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalogue {
    pub documents: Vec<Document>,
    pub activity_kinds: Vec<Term>,
    pub agenda_kinds: Vec<Term>,
    pub visit_kinds: Vec<Term>,
    pub requirements: Vec<Requirement>,
    /// Kinds of meeting whose expected participants are the committee (the
    /// holders of positions in the host), not all its members.
    pub committee_meeting_kinds: Vec<KindIx>,
    /// Minutes in one class hour (学时), 45 by default.
    pub class_hour_minutes: u32,
    pub late_window: LateWindow,
}

/// A catalogue file or local definition that cannot be loaded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
pub struct CatalogueError {
    pub file: String,
    pub line: Option<usize>,
    /// Names the field and the problem.
    pub message: Message,
}

impl CatalogueError {
    /// Where and what, for people: the file, the line if known, the problem.
    pub fn message(&self) -> Message {
        match self.line {
            Some(line) => Message::new("file-line-error").text("file", self.file.clone()).count("line", line),
            None => Message::new("file-error").text("file", self.file.clone()),
        }
        .message("problem", self.message.clone())
    }
}

/// The catalogue shipped with the product.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("vocabulary.toml", include_str!("../../../catalogue/vocabulary.toml")),
    ("opinions-2024.toml", include_str!("../../../catalogue/opinions-2024.toml")),
    ("branch-work-regulations-2018.toml", include_str!("../../../catalogue/branch-work-regulations-2018.toml")),
    ("member-education-regulations-2019.toml", include_str!("../../../catalogue/member-education-regulations-2019.toml")),
];

impl Catalogue {
    /// The catalogue embedded in the binary.
    pub fn embedded() -> Result<Self, CatalogueError> {
        let catalogue = Self::load(EMBEDDED.iter().copied())?;
        crate::vocabulary::check(&catalogue).map_err(|missing| CatalogueError {
            file: "vocabulary.toml".into(),
            line: None,
            message: Message::new("catalogue-missing-kind").text("table", missing.table).text("code", missing.code),
        })?;
        Ok(catalogue)
    }

    /// Whether the expected participants of this kind are the committee.
    pub fn is_committee_meeting(&self, code: &str) -> bool {
        self.kind(code).is_some_and(|k| self.committee_meeting_kinds.contains(&k))
    }

    pub fn kind(&self, code: &str) -> Option<KindIx> {
        self.activity_kinds.iter().position(|t| t.code == code).and_then(|i| KindIx::try_from(i).ok())
    }

    pub fn agenda_kind(&self, code: &str) -> Option<u16> {
        self.agenda_kinds.iter().position(|t| t.code == code).and_then(|i| u16::try_from(i).ok())
    }

    pub fn visit_kind(&self, code: &str) -> Option<u16> {
        self.visit_kinds.iter().position(|t| t.code == code).and_then(|i| u16::try_from(i).ok())
    }

    pub fn requirement(&self, id: &str) -> Option<RequirementIx> {
        self.requirements.iter().position(|r| r.id == id).and_then(|i| RequirementIx::try_from(i).ok())
    }

    /// Loads the vocabulary file (the one defining `activity_kind`s) and the
    /// requirement files, given as (file name, text).
    pub fn load<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, CatalogueError> {
        let mut parsed = Vec::new();
        for (name, text) in files {
            let raw: RawFile = basic_toml::from_str(text).map_err(|e| toml_error(name, text, &e))?;
            parsed.push((name, text, raw));
        }
        let mut cat = Catalogue {
            documents: Vec::new(),
            activity_kinds: Vec::new(),
            agenda_kinds: Vec::new(),
            visit_kinds: Vec::new(),
            requirements: Vec::new(),
            committee_meeting_kinds: Vec::new(),
            class_hour_minutes: 45,
            late_window: LateWindow { days: 10, working_days: false },
        };
        for (name, text, raw) in &parsed {
            let at = Locator::new(name, text);
            vocab(&at, "activity_kind", &raw.activity_kind, &mut cat.activity_kinds)?;
            vocab(&at, "agenda_kind", &raw.agenda_kind, &mut cat.agenda_kinds)?;
            vocab(&at, "visit_kind", &raw.visit_kind, &mut cat.visit_kinds)?;
            if let Some(m) = raw.class_hour_minutes {
                if !(1..=240).contains(&m) {
                    return Err(at.error_at("class_hour_minutes", Message::new("catalogue-class-hour-minutes")));
                }
                cat.class_hour_minutes = m;
            }
            if let Some(w) = &raw.late_entry_window {
                cat.late_window =
                    LateWindow::parse(w).ok_or_else(|| at.error_at(w, Message::new("catalogue-late-window").text("value", w.clone())))?;
            }
        }
        for (name, text, raw) in &parsed {
            let at = Locator::new(name, text);
            for code in &raw.committee_meeting_kinds {
                let kind = cat.kind(code).ok_or_else(|| at.error_at(code, unknown("committee_meeting_kinds", "activity_kind", code)))?;
                cat.committee_meeting_kinds.push(kind);
            }
        }
        if cat.activity_kinds.is_empty() {
            return Err(CatalogueError { file: "vocabulary.toml".into(), line: None, message: Message::new("catalogue-no-activity-kind") });
        }
        for (name, text, raw) in &parsed {
            let at = Locator::new(name, text);
            if let Some(doc) = &raw.document {
                cat.documents.push(Document { file: (*name).to_owned(), zh: doc.zh.clone(), en: doc.en.clone() });
            } else if !raw.requirement.is_empty() {
                return Err(at.error_at("[[requirement]]", Message::new("catalogue-no-document")));
            }
            for (i, r) in raw.requirement.iter().enumerate() {
                let at = at.entry("requirement", i);
                let req = cat.resolve(&at, r, None)?;
                if cat.requirements.iter().any(|o| o.id == req.id) {
                    return Err(at.error_at_key_after(&req.id, "id", Message::new("catalogue-duplicate-id").text("id", req.id.clone())));
                }
                cat.requirements.push(req);
            }
        }
        Ok(cat)
    }

    /// Reads one local requirement written in the catalogue's TOML form (a
    /// single `[[requirement]]`), checked against this catalogue's
    /// vocabulary; `source` names where it came from in error messages.
    pub fn parse_local_requirement(&self, source: &str, text: &str) -> Result<Requirement, CatalogueError> {
        let raw: RawFile = basic_toml::from_str(text).map_err(|e| toml_error(source, text, &e))?;
        let at = Locator::new(source, text).entry("requirement", 0);
        if raw.document.is_some() || !raw.activity_kind.is_empty() || !raw.agenda_kind.is_empty() || !raw.visit_kind.is_empty() {
            return Err(at.error(None, Message::new("catalogue-local-only-requirement")));
        }
        let [r] = raw.requirement.as_slice() else {
            return Err(at.error(None, Message::new("catalogue-local-one-requirement")));
        };
        let req = self.resolve(&at, r, Some(SourceKind::Local))?;
        if self.requirement(&req.id).is_some() {
            return Err(at.error_at_key_after(&req.id, "id", Message::new("catalogue-local-id-taken").text("id", req.id.clone())));
        }
        Ok(req)
    }

    /// Checks one raw requirement against the vocabulary, field by field in
    /// a fixed order (the first error found is the one reported). A local
    /// requirement passes its kind of source (`local`), which its text may
    /// not set; a catalogue file must state it.
    fn resolve(&self, at: &Locator, r: &RawRequirement, local: Option<SourceKind>) -> Result<Requirement, CatalogueError> {
        let id = checked_id(at, r)?;
        let f = Fields { at, id };
        for (field, value) in [("zh", &r.zh), ("en", &r.en), ("clause", &r.clause)] {
            if value.trim().is_empty() {
                return Err(f.fail_key(field, Message::new("catalogue-empty").text("field", field)));
            }
        }
        let subject = match r.subject.as_str() {
            "organization" => SubjectKind::Organization,
            "person" => SubjectKind::Person,
            other => return Err(f.fail(other, one_of("subject", other, "organization, person"))),
        };
        let period = PeriodKind::parse(&r.period)
            .ok_or_else(|| f.fail(&r.period, one_of("period", &r.period, "month, quarter, half, year, per_meeting, join_month")))?;
        let count = r.count.unwrap_or(1);
        if count == 0 || count > 366 {
            return Err(f.fail_key("count", between("count", count, 1, 366)));
        }
        if r.pending_local_rule && !r.locally_set {
            return Err(f.fail_key("pending_local_rule", Message::new("catalogue-pending-needs-local")));
        }
        let binds = binding(&f, r, subject)?;
        let kinds = self.kind_list(&f, &r.kinds, "kinds")?;
        let host = host_rule(&f, r, subject)?;
        if subject == SubjectKind::Organization && (r.presenter_is_subject || r.attended_by_subject) {
            return Err(f.fail("_is_subject", Message::new("catalogue-subject-flags-for-people")));
        }
        let agenda = |code: &String, field: &str| self.agenda_kind(code).ok_or_else(|| f.fail(code, unknown(field, "agenda_kind", code)));
        let first_agenda_item = r.first_agenda_item.as_ref().map(|c| agenda(c, "first_agenda_item")).transpose()?;
        let agenda_includes = r.agenda_includes.iter().map(|c| agenda(c, "agenda_includes")).collect::<Result<Vec<_>, _>>()?;
        let quorum = match (r.quorum.as_deref(), &r.quorum_item) {
            (None, None) => None,
            (Some("half_or_more"), None) => Some(Quorum::HalfOrMore),
            (Some("more_than_half"), None) => Some(Quorum::MoreThanHalf),
            (Some("voters_more_than_half"), Some(item)) => Some(Quorum::VotersMoreThanHalf { item: agenda(item, "quorum_item")? }),
            (Some("voters_more_than_half"), None) => return Err(f.fail_key("quorum", Message::new("catalogue-quorum-item-required"))),
            (Some("half_or_more" | "more_than_half") | None, Some(_)) => {
                return Err(f.fail_key("quorum_item", Message::new("catalogue-quorum-item-for-votes")));
            }
            (Some(other), _) => return Err(f.fail(other, one_of("quorum", other, "half_or_more, more_than_half, voters_more_than_half"))),
        };
        let each_of = self.each_of(&f, r)?;
        let hours = self.hours(&f, r, subject)?;
        let shape = Shape { subject, period, binds: &binds, kinds: &kinds, hours: hours.as_ref() };
        check_shape(&f, r, &shape)?;
        let source_kind = source_kind(&f, r, local)?;
        Ok(Requirement {
            id: id.to_owned(),
            zh: r.zh.trim().to_owned(),
            en: r.en.trim().to_owned(),
            clause: r.clause.trim().to_owned(),
            source: at.file.to_owned(),
            source_kind,
            subject,
            binds,
            period,
            count,
            locally_set: r.locally_set,
            pending_local_rule: r.pending_local_rule,
            satisfied_by: Satisfaction {
                kinds,
                host,
                presenter_is_subject: r.presenter_is_subject,
                attended_by_subject: r.attended_by_subject,
                host_grassroots: r.host_grassroots,
                first_agenda_item,
                agenda_includes,
                quorum,
                each_of,
            },
            hours,
            feature_not_built: r.feature_not_built.clone(),
        })
    }

    /// Activity kinds by code.
    fn kind_list(&self, f: &Fields, list: &[String], field: &str) -> Result<Vec<KindIx>, CatalogueError> {
        list.iter().map(|k| self.kind(k).ok_or_else(|| f.fail(k, unknown(field, "activity_kind", k)))).collect()
    }

    /// The parts of an "each of" requirement: visit kinds or polarities.
    fn each_of(&self, f: &Fields, r: &RawRequirement) -> Result<Option<EachOf>, CatalogueError> {
        Ok(match (r.each_visit_kind.is_empty(), r.each_polarity.is_empty()) {
            (true, true) => None,
            (false, true) => Some(EachOf::VisitKinds(
                r.each_visit_kind
                    .iter()
                    .map(|c| self.visit_kind(c).ok_or_else(|| f.fail(c, unknown("each_visit_kind", "visit_kind", c))))
                    .collect::<Result<_, _>>()?,
            )),
            (true, false) => Some(EachOf::Polarities(
                r.each_polarity
                    .iter()
                    .map(|c| Polarity::parse(c).ok_or_else(|| f.fail(c, one_of("each_polarity", c, "positive, negative"))))
                    .collect::<Result<_, _>>()?,
            )),
            (false, false) => return Err(f.fail("each_", Message::new("catalogue-each-of-both"))),
        })
    }

    /// The class hours of a person requirement.
    fn hours(&self, f: &Fields, r: &RawRequirement, subject: SubjectKind) -> Result<Option<HoursRule>, CatalogueError> {
        let Some(h) = &r.hours else { return Ok(None) };
        if subject != SubjectKind::Person {
            return Err(f.fail_key("hours", Message::new("catalogue-hours-for-people")));
        }
        if h.minimum == 0 || h.minimum > 2000 {
            return Err(f.fail_key("minimum", between("hours.minimum", h.minimum, 1, 2000)));
        }
        let raised = match &h.raised {
            None => None,
            Some(raised) => {
                let rule = position_rule(f, (&raised.positions, &raised.position_org_kinds, &raised.position_org_levels), "hours.raised.")?;
                if raised.minimum < h.minimum {
                    return Err(f.fail_key("raised", Message::new("catalogue-raised-below-minimum")));
                }
                Some((raised.minimum, rule))
            }
        };
        Ok(Some(HoursRule { minimum: h.minimum, kinds: self.kind_list(f, &h.kinds, "hours.kinds")?, raised }))
    }
}

/// The id of a raw requirement, trimmed, if it is well-formed.
fn checked_id<'r>(at: &Locator, r: &'r RawRequirement) -> Result<&'r str, CatalogueError> {
    let id = r.id.trim();
    let id_ok = !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !id_ok {
        return Err(at.error_at(&r.id, Message::new("catalogue-bad-id").text("id", r.id.clone())));
    }
    Ok(id)
}

/// Errors about the fields of one requirement, placed at the line of a
/// value or of a key after the requirement's start.
struct Fields<'l, 'a> {
    at: &'l Locator<'a>,
    id: &'l str,
}

impl Fields<'_, '_> {
    /// At the line of the value `needle`.
    fn fail(&self, needle: &str, problem: Message) -> CatalogueError {
        self.at.error_at_after(self.id, needle, self.of_requirement(problem))
    }

    /// For a field rather than a value: the line where the field is set.
    fn fail_key(&self, key: &str, problem: Message) -> CatalogueError {
        self.at.error_at_key_after(self.id, key, self.of_requirement(problem))
    }

    fn of_requirement(&self, problem: Message) -> Message {
        Message::new("catalogue-in-requirement").text("id", self.id).message("problem", problem)
    }
}

/// Positions in organizations of some kinds and levels, from the three
/// lists of codes; `field` prefixes the field names in messages.
fn position_rule(f: &Fields, p: (&[String], &[String], &[String]), field: &str) -> Result<PositionRule, CatalogueError> {
    Ok(PositionRule {
        positions: coded_list(p.0, PositionKind::parse).map_err(|v| f.fail(&v, unknown(&format!("{field}positions"), "position", &v)))?,
        org_kinds: coded_list(p.1, OrgKind::parse)
            .map_err(|v| f.fail(&v, unknown(&format!("{field}position_org_kinds"), "org_kind", &v)))?,
        org_levels: coded_list(p.2, OrgLevel::parse)
            .map_err(|v| f.fail(&v, unknown(&format!("{field}position_org_levels"), "org_level", &v)))?,
    })
}

/// The kind of source: stated by a catalogue file, `local` for a local requirement.
fn source_kind(f: &Fields, r: &RawRequirement, local: Option<SourceKind>) -> Result<SourceKind, CatalogueError> {
    match (local, r.source_kind.as_deref()) {
        (Some(kind), None) => Ok(kind),
        (Some(_), Some(other)) => Err(f.fail_key("source_kind", Message::new("catalogue-local-source-kind").text("value", other))),
        (None, None) => Err(f.fail_key("id", Message::new("catalogue-source-kind-required"))),
        (None, Some(raw)) => {
            SourceKind::parse(raw).ok_or_else(|| f.fail(raw, one_of("source_kind", raw, "national, common_practice, method")))
        }
    }
}

/// Whom a requirement binds.
fn binding(f: &Fields, r: &RawRequirement, subject: SubjectKind) -> Result<Binding, CatalogueError> {
    let org_kinds = coded_list(&r.org_kinds, OrgKind::parse).map_err(|v| f.fail(&v, unknown("org_kinds", "org_kind", &v)))?;
    let org_levels = coded_list(&r.org_levels, OrgLevel::parse).map_err(|v| f.fail(&v, unknown("org_levels", "org_level", &v)))?;
    let binds = match (subject, r.who.as_deref()) {
        (SubjectKind::Organization, None) => Binding::Organizations { kinds: org_kinds, levels: org_levels },
        (SubjectKind::Organization, Some(_)) => {
            return Err(f.fail_key("who", Message::new("catalogue-who-for-people")));
        }
        (SubjectKind::Person, Some("members")) => Binding::Members,
        (SubjectKind::Person, Some("position_holders")) => {
            let rule = position_rule(f, (&r.positions, &r.position_org_kinds, &r.position_org_levels), "")?;
            if rule.positions.is_empty() {
                return Err(f.fail_key("who", Message::new("catalogue-positions-empty")));
            }
            Binding::PositionHolders(rule)
        }
        (SubjectKind::Person, Some("cadres")) => {
            let raw = r.min_cadre_rank.as_deref().ok_or_else(|| f.fail_key("who", Message::new("catalogue-min-rank-required")))?;
            Binding::Cadres { min_rank: CadreRank::parse(raw).map_err(|_| f.fail(raw, unknown("min_cadre_rank", "cadre_rank", raw)))? }
        }
        (SubjectKind::Person, Some(other)) => {
            return Err(f.fail(other, one_of("who", other, "members, position_holders, cadres")));
        }
        (SubjectKind::Person, None) => return Err(f.fail_key("subject", Message::new("catalogue-who-required"))),
    };
    if subject == SubjectKind::Organization && !(r.org_kinds.is_empty() && r.org_levels.is_empty()) && matches!(binds, Binding::Members) {
        return Err(f.fail_key("org_kinds", Message::new("catalogue-org-kinds-for-orgs")));
    }
    Ok(binds)
}

/// Which organization must host a satisfying activity.
fn host_rule(f: &Fields, r: &RawRequirement, subject: SubjectKind) -> Result<HostRule, CatalogueError> {
    Ok(match r.host.as_deref() {
        None if subject == SubjectKind::Organization => HostRule::Subject,
        None => HostRule::Any,
        Some("subject") if subject == SubjectKind::Organization => HostRule::Subject,
        Some("subject_subtree") if subject == SubjectKind::Organization => HostRule::SubjectSubtree,
        Some("any") if subject == SubjectKind::Person => HostRule::Any,
        Some(other) => {
            return Err(f.fail(other, Message::new("catalogue-bad-host").text("value", other)));
        }
    })
}

/// The parts of a resolved requirement that must fit together.
struct Shape<'s> {
    subject: SubjectKind,
    period: PeriodKind,
    binds: &'s Binding,
    kinds: &'s [KindIx],
    hours: Option<&'s HoursRule>,
}

/// Checks that the subject, binding, period, kinds and hours fit together.
fn check_shape(f: &Fields, r: &RawRequirement, s: &Shape) -> Result<(), CatalogueError> {
    if s.subject == SubjectKind::Person && !s.kinds.is_empty() && !r.presenter_is_subject && !r.attended_by_subject {
        return Err(f.fail_key("kinds", Message::new("catalogue-person-how")));
    }
    if s.kinds.is_empty() && s.hours.is_none() && r.feature_not_built.is_none() {
        return Err(f.fail_key("kinds", Message::new("catalogue-no-kinds")));
    }
    if s.period == PeriodKind::JoinMonth && !matches!(s.binds, Binding::Members) {
        return Err(f.fail(&r.period, Message::new("catalogue-join-month-members")));
    }
    if s.period == PeriodKind::PerMeeting && s.subject != SubjectKind::Organization {
        return Err(f.fail(&r.period, Message::new("catalogue-per-meeting-orgs")));
    }
    if s.hours.is_some() && r.pending_local_rule {
        return Err(f.fail_key("pending_local_rule", Message::new("catalogue-pending-hours")));
    }
    if s.hours.is_some() && s.period != PeriodKind::Year {
        return Err(f.fail(&r.period, Message::new("catalogue-hours-per-year")));
    }
    Ok(())
}

fn coded_list<T>(list: &[String], parse: impl Fn(&str) -> Result<T, domain::FieldError>) -> Result<Vec<T>, String> {
    list.iter().map(|s| parse(s).map_err(|_| s.clone())).collect()
}

fn vocab(at: &Locator, table: &str, raw: &[RawTerm], into: &mut Vec<Term>) -> Result<(), CatalogueError> {
    for (i, t) in raw.iter().enumerate() {
        let at = at.entry(table, i);
        let ok = !t.code.is_empty() && t.code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !ok {
            return Err(at.error_at(&t.code, Message::new("catalogue-bad-code").text("table", table).text("code", t.code.clone())));
        }
        if t.zh.trim().is_empty() || t.en.trim().is_empty() {
            return Err(at.error_at(&t.code, Message::new("catalogue-term-words").text("table", table).text("code", t.code.clone())));
        }
        if into.iter().any(|o| o.code == t.code) {
            return Err(at.error_at(
                &format!("\"{}\"", t.code),
                Message::new("catalogue-duplicate-code").text("table", table).text("code", t.code.clone()),
            ));
        }
        if into.len() >= usize::from(u16::MAX) {
            return Err(at.error(None, Message::new("catalogue-too-many").text("table", table)));
        }
        if t.minutes.is_some_and(|m| !(1..=1440).contains(&m)) {
            return Err(at.error_at(&t.code, Message::new("catalogue-term-minutes").text("table", table).text("code", t.code.clone())));
        }
        into.push(Term { code: t.code.clone(), zh: t.zh.clone(), en: t.en.clone(), minutes: t.minutes, also: t.also.clone() });
    }
    Ok(())
}

/// Finds lines in a file for error messages.
struct Locator<'a> {
    file: &'a str,
    text: &'a str,
    /// The 1-based line of the `[[table]]` header being checked: lines above
    /// it are not searched, so that a value repeated in an earlier table is
    /// not taken for the offending one.
    start: Option<usize>,
}

impl<'a> Locator<'a> {
    fn new(file: &'a str, text: &'a str) -> Self {
        Locator { file, text, start: None }
    }

    /// The same file, searched from the header of the `index`-th `[[table]]`
    /// (from the top if the tables are written inline).
    fn entry(&self, table: &str, index: usize) -> Self {
        let header = format!("[[{table}]]");
        let start = self.text.lines().enumerate().filter(|(_, l)| l.trim() == header).nth(index).map(|(i, _)| i + 1);
        Locator { start, ..*self }
    }

    fn error(&self, line: Option<usize>, message: Message) -> CatalogueError {
        CatalogueError { file: self.file.to_owned(), line, message }
    }

    /// The first line containing `needle`.
    fn error_at(&self, needle: &str, message: Message) -> CatalogueError {
        self.error(self.line_of(needle, self.start.map_or(0, |l| l - 1)), message)
    }

    /// The first line containing the value `needle` (quoted, else bare) at or
    /// after the start of requirement `id` (falling back to that start).
    fn error_at_after(&self, id: &str, needle: &str, message: Message) -> CatalogueError {
        let start = self.start_of(id);
        let line = [format!("\"{needle}\""), format!("'{needle}'"), needle.to_owned()].iter().find_map(|n| self.line_of(n, start - 1));
        self.error(line.or(Some(start)), message)
    }

    /// The line setting field `key` (`key = ...` or a `[....key]` header) at
    /// or after the start of requirement `id` (falling back to that start).
    fn error_at_key_after(&self, id: &str, key: &str, message: Message) -> CatalogueError {
        let start = self.start_of(id);
        let line = key_line(self.text, key, start - 1);
        self.error(line.or(Some(start)), message)
    }

    /// The 1-based line where the requirement being checked starts.
    fn start_of(&self, id: &str) -> usize {
        self.start.or_else(|| self.line_of(&format!("\"{id}\""), 0)).unwrap_or(1)
    }

    fn line_of(&self, needle: &str, skip: usize) -> Option<usize> {
        if needle.is_empty() {
            return None;
        }
        self.text.lines().enumerate().skip(skip).find(|(_, l)| l.contains(needle)).map(|(i, _)| i + 1)
    }
}

/// The 1-based line at or after line `skip` (0-based) that sets `key`.
fn key_line(text: &str, key: &str, skip: usize) -> Option<usize> {
    text.lines().enumerate().skip(skip).find(|(_, l)| sets_key(l, key)).map(|(i, _)| i + 1)
}

/// Whether `line` sets `key` (`key = ...`) or opens its table (`[....key]`).
fn sets_key(line: &str, key: &str) -> bool {
    let l = line.trim();
    l.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with('=')) || l.ends_with(&format!(".{key}]"))
}

fn toml_error(file: &str, text: &str, e: &basic_toml::Error) -> CatalogueError {
    let detail = e.to_string();
    CatalogueError {
        file: file.to_owned(),
        line: toml_error_line(text, &detail),
        message: Message::new("toml-error").text("detail", detail),
    }
}

/// `field` names a code its vocabulary lacks.
fn unknown(field: &str, vocabulary: &'static str, code: &str) -> Message {
    Message::new("catalogue-unknown-code").text("field", field).code("vocabulary", "vocabulary_name", vocabulary).text("value", code)
}

/// `field` holds none of the values `allowed`.
fn one_of(field: &str, value: &str, allowed: &str) -> Message {
    Message::new("catalogue-not-one-of").text("field", field).text("value", value).text("allowed", allowed)
}

/// `field` holds `value`, outside `min..=max`.
fn between(field: &str, value: u32, min: u32, max: u32) -> Message {
    Message::new("catalogue-out-of-range").text("field", field).number("value", value).number("min", min).number("max", max)
}

/// The line a basic-toml error is about. Syntax errors carry "at line L";
/// errors about fields are placed by basic-toml at the last header of an
/// array of tables, so they are looked up in the text instead: the line
/// setting an unknown field, the header of the first table missing a field,
/// and no line for a missing top-level field. Shared with the calendars.
pub(crate) fn toml_error_line(text: &str, message: &str) -> Option<usize> {
    let reported = message.rsplit_once(" at line ").and_then(|(_, rest)| rest.split_whitespace().next()).and_then(|n| n.parse().ok());
    let quoted = |prefix: &str| message.strip_prefix(prefix).and_then(|rest| rest.split('`').next());
    if let Some(field) = quoted("unknown field `") {
        return key_line(text, field, 0).or(reported);
    }
    if let Some(field) = quoted("missing field `") {
        let table = message.split_once(" for key `").and_then(|(_, rest)| rest.split('`').next())?;
        let headers = [format!("[[{table}]]"), format!("[{table}]")];
        let lines: Vec<&str> = text.lines().collect();
        // The header of the first such table in which no line sets the field.
        let missing = (0..lines.len())
            .filter(|i| headers.iter().any(|h| lines[*i].trim() == h))
            .find(|i| !lines[i + 1..].iter().take_while(|l| !l.trim_start().starts_with('[')).any(|l| sets_key(l, field)));
        return missing.map(|i| i + 1).or(reported);
    }
    reported
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    document: Option<RawDocument>,
    class_hour_minutes: Option<u32>,
    late_entry_window: Option<String>,
    #[serde(default)]
    committee_meeting_kinds: Vec<String>,
    #[serde(default)]
    activity_kind: Vec<RawTerm>,
    #[serde(default)]
    agenda_kind: Vec<RawTerm>,
    #[serde(default)]
    visit_kind: Vec<RawTerm>,
    #[serde(default)]
    requirement: Vec<RawRequirement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    zh: String,
    en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerm {
    code: String,
    zh: String,
    en: String,
    #[serde(default)]
    minutes: Option<u32>,
    #[serde(default)]
    also: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequirement {
    id: String,
    zh: String,
    en: String,
    clause: String,
    source_kind: Option<String>,
    subject: String,
    #[serde(default)]
    org_kinds: Vec<String>,
    #[serde(default)]
    org_levels: Vec<String>,
    who: Option<String>,
    #[serde(default)]
    positions: Vec<String>,
    #[serde(default)]
    position_org_kinds: Vec<String>,
    #[serde(default)]
    position_org_levels: Vec<String>,
    min_cadre_rank: Option<String>,
    period: String,
    count: Option<u32>,
    #[serde(default)]
    locally_set: bool,
    #[serde(default)]
    pending_local_rule: bool,
    #[serde(default)]
    kinds: Vec<String>,
    host: Option<String>,
    #[serde(default)]
    presenter_is_subject: bool,
    #[serde(default)]
    attended_by_subject: bool,
    #[serde(default)]
    host_grassroots: bool,
    first_agenda_item: Option<String>,
    #[serde(default)]
    agenda_includes: Vec<String>,
    quorum: Option<String>,
    quorum_item: Option<String>,
    #[serde(default)]
    each_visit_kind: Vec<String>,
    #[serde(default)]
    each_polarity: Vec<String>,
    hours: Option<RawHours>,
    feature_not_built: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHours {
    minimum: u32,
    #[serde(default)]
    kinds: Vec<String>,
    raised: Option<RawRaised>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRaised {
    minimum: u32,
    #[serde(default)]
    positions: Vec<String>,
    #[serde(default)]
    position_org_kinds: Vec<String>,
    #[serde(default)]
    position_org_levels: Vec<String>,
}

/// Looks up requirements by id.
pub fn index_by_id(cat: &Catalogue) -> HashMap<&str, RequirementIx> {
    cat.requirements.iter().enumerate().filter_map(|(i, r)| Some((r.id.as_str(), RequirementIx::try_from(i).ok()?))).collect()
}
