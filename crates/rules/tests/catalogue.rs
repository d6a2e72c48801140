//! The requirement catalogue: the embedded files load and hold what the
//! documents say; bad files are refused with an error naming the file, the
//! line and the field.
#![allow(clippy::unwrap_used)]

use domain::{OrgKind, OrgLevel, PositionKind};
use rules::catalogue::{Binding, EachOf, HostRule, Polarity, Quorum, SourceKind, SubjectKind};
use rules::{Catalogue, CatalogueError, PeriodKind};

// ------------------------------------------------------------ the embedded one

fn embedded() -> Catalogue {
    Catalogue::embedded().unwrap()
}

const IDS: [&str; 21] = [
    "first-issue",
    "center-group-study",
    "reading-class",
    "special-party-class",
    "secretary-party-class",
    "committee-secretary-party-class",
    "theme-party-day",
    "political-birthday",
    "four-under-grassroots",
    "typical-cases",
    "political-checkup",
    "democratic-life-meeting",
    "organizational-life-meeting",
    "discipline-education",
    "livelihood-list",
    "rectification",
    "branch-committee-meeting",
    "group-meeting",
    "members-assembly",
    "party-lesson",
    "study-hours",
];

#[test]
fn the_embedded_catalogue_holds_exactly_the_twenty_one_requirements() {
    let cat = embedded();
    let mut ids: Vec<&str> = cat.requirements.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    let mut expected = IDS.to_vec();
    expected.sort_unstable();
    assert_eq!(ids, expected);
    assert_eq!(cat.documents.len(), 3);
    assert_eq!(cat.class_hour_minutes, 45);
    assert_eq!(cat.late_window.code(), "10d");
    assert_eq!(cat.activity_kinds.len(), 19);
    assert_eq!(cat.agenda_kinds.len(), 10);
    assert_eq!(cat.visit_kinds.len(), 4);
}

#[test]
fn every_requirement_has_titles_and_a_clause_from_its_document() {
    for r in &embedded().requirements {
        assert!(!r.zh.is_empty() && !r.en.is_empty() && !r.clause.is_empty(), "{}", r.id);
        let prefix = match r.source.as_str() {
            "opinions-2024.toml" => "Opinions 2024 §",
            "branch-work-regulations-2018.toml" => "Branch work regulations 2018 Art. ",
            "member-education-regulations-2019.toml" => "Member education regulations 2019 Art. ",
            other => panic!("{} comes from unexpected file {other}", r.id),
        };
        assert!(r.clause.starts_with(prefix), "{}: {}", r.id, r.clause);
    }
}

fn req<'a>(cat: &'a Catalogue, id: &str) -> &'a rules::Requirement {
    &cat.requirements[usize::from(cat.requirement(id).unwrap())]
}

fn kinds(cat: &Catalogue, list: &[u16]) -> Vec<String> {
    list.iter().map(|k| cat.activity_kinds[usize::from(*k)].code.clone()).collect()
}

#[test]
fn the_first_issue_binds_meetings_of_committees_to_open_with_theory_study() {
    let cat = embedded();
    let r = req(&cat, "first-issue");
    assert_eq!(r.period, PeriodKind::PerMeeting);
    assert_eq!(kinds(&cat, &r.satisfied_by.kinds), ["standing_committee_meeting", "party_group_meeting", "center_group_study"]);
    assert_eq!(r.satisfied_by.first_agenda_item, cat.agenda_kind("theory_study"));
    assert_eq!(r.clause, "Opinions 2024 §1 item 1");
}

#[test]
fn a_special_party_class_is_given_by_the_leader_at_the_grassroots() {
    let cat = embedded();
    let r = req(&cat, "special-party-class");
    assert_eq!(r.subject, SubjectKind::Person);
    assert!(r.satisfied_by.host_grassroots && r.satisfied_by.presenter_is_subject);
    assert_eq!(r.satisfied_by.host, HostRule::Any);
    let Binding::PositionHolders(rule) = &r.binds else { panic!("{:?}", r.binds) };
    assert_eq!(rule.positions.len(), 3);
    assert_eq!(rule.org_levels, [OrgLevel::Central, OrgLevel::Provincial, OrgLevel::City, OrgLevel::County, OrgLevel::Township]);
}

#[test]
fn what_the_opinions_ask_of_all_levels_binds_township_committees_too() {
    let cat = embedded();
    for id in ["first-issue", "center-group-study", "reading-class"] {
        let Binding::Organizations { kinds, levels } = &req(&cat, id).binds else { panic!("{id}") };
        assert!(levels.contains(&OrgLevel::Township) && kinds.contains(&OrgKind::Committee), "{id}: {levels:?}");
        assert!(!levels.contains(&OrgLevel::Grassroots), "{id}: grassroots units are not 各级党委 of the Opinions");
    }
}

#[test]
fn every_requirement_says_what_kind_of_source_sets_it() {
    let cat = embedded();
    let kind = |id: &str| req(&cat, id).source_kind;
    for id in ["first-issue", "reading-class", "special-party-class", "committee-secretary-party-class", "members-assembly", "study-hours"]
    {
        assert_eq!(kind(id), SourceKind::National, "{id}");
    }
    for id in ["party-lesson", "secretary-party-class", "center-group-study"] {
        assert_eq!(kind(id), SourceKind::CommonPractice, "{id}");
        assert!(req(&cat, id).locally_set, "common practice is locally adjustable: {id}");
    }
    assert_eq!(kind("political-birthday"), SourceKind::Method);
    // Frequencies no document sets wait for the local rule.
    for id in ["four-under-grassroots", "political-checkup", "discipline-education"] {
        let r = req(&cat, id);
        assert!(r.pending_local_rule && r.locally_set && r.feature_not_built.is_none(), "{id}");
    }
    let pending: Vec<&str> = cat.requirements.iter().filter(|r| r.pending_local_rule).map(|r| r.id.as_str()).collect();
    assert_eq!(pending, ["four-under-grassroots", "political-checkup", "discipline-education"]);
}

#[test]
fn branch_secretaries_by_practice_and_committee_secretaries_by_article_16_give_a_party_class() {
    let cat = embedded();
    let Binding::PositionHolders(branch) = &req(&cat, "secretary-party-class").binds else { panic!() };
    assert_eq!(
        (branch.positions.as_slice(), branch.org_kinds.as_slice()),
        (&[PositionKind::Secretary][..], &[OrgKind::GeneralBranch, OrgKind::Branch][..])
    );
    let committee = req(&cat, "committee-secretary-party-class");
    let Binding::PositionHolders(rule) = &committee.binds else { panic!() };
    assert_eq!(
        (rule.positions.as_slice(), rule.org_kinds.as_slice()),
        (&[PositionKind::Secretary][..], &[OrgKind::Committee, OrgKind::PartyGroup][..])
    );
    assert!(rule.org_levels.is_empty(), "every level");
    assert!(committee.clause.contains("Member education regulations 2019 Art. 16"), "{}", committee.clause);
    assert_eq!(committee.period, PeriodKind::Year);
}

#[test]
fn the_three_meetings_carry_their_frequency_and_quorum() {
    let cat = embedded();
    let committee = req(&cat, "branch-committee-meeting");
    assert_eq!((committee.period, committee.satisfied_by.quorum), (PeriodKind::Month, Some(Quorum::HalfOrMore)));
    assert_eq!(req(&cat, "members-assembly").period, PeriodKind::Quarter);
    let vote = cat.agenda_kind("vote").unwrap();
    assert_eq!(req(&cat, "members-assembly").satisfied_by.quorum, Some(Quorum::VotersMoreThanHalf { item: vote }));
    assert_eq!(req(&cat, "group-meeting").satisfied_by.quorum, None);
    assert_eq!(kinds(&cat, &req(&cat, "party-lesson").satisfied_by.kinds), ["party_lesson", "party_class"]);
}

#[test]
fn study_hours_are_32_and_56_for_grassroots_secretaries_and_committee_members() {
    let cat = embedded();
    let hours = req(&cat, "study-hours").hours.as_ref().unwrap();
    assert_eq!(hours.minimum, 32);
    assert_eq!(hours.kinds.len(), 9);
    let (raised, rule) = hours.raised.as_ref().unwrap();
    assert_eq!(*raised, 56);
    assert_eq!(rule.positions.len(), 6, "secretary, deputy, and every kind of committee member");
    assert!(rule.positions.contains(&PositionKind::DisciplineMember));
    assert_eq!(req(&cat, "study-hours").binds, Binding::Members);
}

#[test]
fn each_of_and_feature_gaps_are_read() {
    let cat = embedded();
    let visits = req(&cat, "four-under-grassroots");
    assert!(matches!(&visits.satisfied_by.each_of, Some(EachOf::VisitKinds(v)) if v.len() == 4));
    assert!(visits.locally_set);
    assert_eq!(req(&cat, "typical-cases").satisfied_by.each_of, Some(EachOf::Polarities(vec![Polarity::Positive, Polarity::Negative])));
    assert_eq!(req(&cat, "democratic-life-meeting").satisfied_by.agenda_includes.len(), 2);
    assert_eq!(req(&cat, "political-birthday").period, PeriodKind::JoinMonth);
    assert!(req(&cat, "political-birthday").satisfied_by.attended_by_subject);
    for id in ["livelihood-list", "rectification"] {
        assert!(req(&cat, id).feature_not_built.is_some(), "{id}");
    }
    assert!(req(&cat, "center-group-study").feature_not_built.is_none());
}

// ------------------------------------------------------------------ bad input

/// A small vocabulary for the bad-input cases.
const VOCAB: &str = r#"class_hour_minutes = 45
late_entry_window = "10d"

[[activity_kind]]
code = "meeting"
zh = "会议"
en = "Meeting"

[[activity_kind]]
code = "visit"
zh = "走访"
en = "Visit"

[[agenda_kind]]
code = "theory_study"
zh = "学习"
en = "Study"

[[visit_kind]]
code = "publicize"
zh = "宣传"
en = "Publicize"
"#;

/// A good requirement file; line numbers are in the comments of the tests.
const GOOD: &str = r#"[document]
zh = "文件"
en = "Document"

[[requirement]]
id = "x"
zh = "要求"
en = "Requirement"
clause = "Art. 1"
subject = "organization"
org_kinds = ["branch"]
org_levels = ["county"]
period = "month"
kinds = ["meeting"]
source_kind = "national"
"#;

/// `GOOD` with line `n` (1-based) replaced by `line`; a line past the end is appended.
fn edit(n: usize, line: &str) -> String {
    let mut lines: Vec<&str> = GOOD.lines().collect();
    if n > lines.len() {
        lines.push(line);
    } else {
        lines[n - 1] = line;
    }
    lines.join("\n") + "\n"
}

fn load(files: &[(&str, &str)]) -> Result<Catalogue, CatalogueError> {
    let mut all = vec![("vocabulary.toml", VOCAB)];
    all.extend_from_slice(files);
    Catalogue::load(all)
}

/// Loading `text` as `doc.toml` fails at `line` with a message containing `words`.
#[track_caller]
fn refused(text: &str, line: usize, words: &str) {
    let err = load(&[("doc.toml", text)]).unwrap_err();
    assert_eq!((err.file.as_str(), err.line), ("doc.toml", Some(line)), "{err}");
    assert!(i18n::render(i18n::Lang::En, &err.message).contains(words), "{err}");
}

#[test]
fn the_good_file_loads() {
    let cat = load(&[("doc.toml", GOOD)]).unwrap();
    assert_eq!(cat.requirements.len(), 1);
    assert_eq!(cat.requirements[0].source, "doc.toml");
}

#[test]
fn a_toml_syntax_error_names_its_line() {
    refused(&edit(13, "period = \"month"), 13, "at line 13");
}

#[test]
fn an_unknown_field_is_named_with_its_line() {
    refused(&edit(13, "perod = \"month\""), 13, "perod");
}

#[test]
fn an_unknown_activity_kind_is_refused() {
    refused(&edit(14, "kinds = [\"meting\"]"), 14, "kinds: unknown activity kind 'meting'");
}

#[test]
fn a_bad_period_is_refused() {
    refused(&edit(13, "period = \"fortnight\""), 13, "period: 'fortnight'");
}

#[test]
fn unknown_organization_kinds_levels_and_positions_are_refused() {
    refused(&edit(11, "org_kinds = [\"brunch\"]"), 11, "org_kinds: unknown organization kind 'brunch'");
    refused(&edit(12, "org_levels = [\"village-ish\"]"), 12, "org_levels: unknown level 'village-ish'");
    let person = edit(10, "subject = \"person\"\nwho = \"position_holders\"\npositions = [\"sekretary\"]");
    let person = person.replace("org_kinds = [\"branch\"]\norg_levels = [\"county\"]\n", "");
    refused(&person, 12, "positions: unknown position 'sekretary'");
}

#[test]
fn a_count_of_zero_is_refused_at_its_own_line() {
    // line 12 reads `org_levels = ["county"]`, which must not be taken for `count`.
    refused(&edit(15, "count = 0"), 15, "count: 0");
}

#[test]
fn per_meeting_is_for_organizations_only() {
    let text = edit(10, "subject = \"person\"\nwho = \"members\"\nattended_by_subject = true")
        .replace("org_kinds = [\"branch\"]\norg_levels = [\"county\"]\n", "");
    refused(&text.replace("\"month\"", "\"per_meeting\""), 13, "period: per_meeting");
}

#[test]
fn a_person_requirement_names_whom_it_binds() {
    let text = edit(10, "subject = \"person\"").replace("org_kinds = [\"branch\"]\norg_levels = [\"county\"]\n", "");
    refused(&text, 10, "who:");
}

#[test]
fn an_unknown_agenda_kind_is_refused() {
    refused(&edit(15, "first_agenda_item = \"theory\""), 15, "first_agenda_item: unknown agenda item kind 'theory'");
    refused(&edit(15, "agenda_includes = [\"theory_study\", \"gossip\"]"), 15, "agenda_includes: unknown agenda item kind 'gossip'");
}

#[test]
fn each_visit_kind_and_each_polarity_exclude_each_other() {
    refused(&edit(15, "each_visit_kind = [\"publicize\"]\neach_polarity = [\"positive\"]"), 15, "each_visit_kind/each_polarity");
}

#[test]
fn a_requirement_file_needs_its_document() {
    let text = GOOD.replace("[document]\nzh = \"文件\"\nen = \"Document\"\n", "# no document\n# here\n\n");
    refused(&text, 5, "[document]");
}

#[test]
fn a_duplicate_requirement_id_is_refused_in_the_second_file() {
    let err = load(&[("a.toml", GOOD), ("b.toml", &format!("# the same id again\n{GOOD}"))]).unwrap_err();
    assert_eq!((err.file.as_str(), err.line), ("b.toml", Some(7)), "{err}");
    assert!(i18n::render(i18n::Lang::En, &err.message).contains("id: duplicate requirement id 'x'"), "{err}");
}

#[test]
fn a_duplicate_requirement_id_in_one_file_points_at_the_second() {
    let second = GOOD.split_once("[[requirement]]").unwrap().1;
    let text = format!("{GOOD}\n[[requirement]]{second}");
    let err = load(&[("doc.toml", &text)]).unwrap_err();
    assert_eq!(err.line, Some(18), "{err}");
}

#[test]
fn a_requirement_without_its_kind_of_source_or_with_an_unknown_one_is_refused() {
    refused(&GOOD.replace("source_kind = \"national\"\n", ""), 6, "source_kind: say what sets the requirement");
    refused(&edit(15, "source_kind = \"custom\""), 15, "source_kind: 'custom' is not one of national, common_practice, method");
}

#[test]
fn a_quorum_is_one_of_the_three_readings_and_a_vote_names_its_item() {
    refused(
        &edit(15, "quorum = \"two_thirds\""),
        15,
        "quorum: 'two_thirds' is not one of half_or_more, more_than_half, voters_more_than_half",
    );
    refused(&edit(15, "quorum = \"voters_more_than_half\""), 15, "quorum: a vote's quorum needs quorum_item");
    refused(&edit(15, "quorum_item = \"theory_study\""), 15, "quorum_item: only quorum = \"voters_more_than_half\"");
    refused(&format!("{GOOD}quorum = \"voters_more_than_half\"\nquorum_item = \"tally\"\n"), 17, "tally");
    let cat = load(&[("doc.toml", &format!("{GOOD}quorum = \"voters_more_than_half\"\nquorum_item = \"theory_study\"\n"))]).unwrap();
    assert_eq!(cat.requirements[0].satisfied_by.quorum, Some(Quorum::VotersMoreThanHalf { item: 0 }));
}

#[test]
fn only_a_locally_set_frequency_can_wait_for_the_local_rule() {
    let pending = format!("{GOOD}pending_local_rule = true\n");
    refused(&pending, 16, "pending_local_rule: only a requirement whose frequency is set locally");
    let cat = load(&[("doc.toml", &format!("{pending}locally_set = true\n"))]).unwrap();
    assert!(cat.requirements[0].pending_local_rule);
}

#[test]
fn a_local_requirement_is_set_by_the_local_rule_and_may_not_say_otherwise() {
    let cat = load(&[("doc.toml", GOOD)]).unwrap();
    assert_eq!(cat.parse_local_requirement("county", LOCAL).unwrap().source_kind, SourceKind::Local);
    let err = cat.parse_local_requirement("county", &format!("{LOCAL}source_kind = \"national\"\n")).unwrap_err();
    assert!(
        i18n::render(i18n::Lang::En, &err.message).contains("source_kind: a local requirement is always set by the local rule"),
        "{err}"
    );
}

#[test]
fn a_duplicate_activity_kind_points_at_the_second_definition() {
    let vocab = format!("{VOCAB}\n[[activity_kind]]\ncode = \"meeting\"\nzh = \"会\"\nen = \"Meeting again\"\n");
    let err = Catalogue::load([("vocabulary.toml", vocab.as_str())]).unwrap_err();
    assert_eq!((err.file.as_str(), err.line), ("vocabulary.toml", Some(25)), "{err}");
    assert!(i18n::render(i18n::Lang::En, &err.message).contains("activity_kind.code: duplicate 'meeting'"), "{err}");
}

#[test]
fn a_bad_late_entry_window_is_refused() {
    let vocab = VOCAB.replace("\"10d\"", "\"ten days\"");
    let err = Catalogue::load([("vocabulary.toml", vocab.as_str())]).unwrap_err();
    assert_eq!((err.file.as_str(), err.line), ("vocabulary.toml", Some(2)), "{err}");
    assert!(i18n::render(i18n::Lang::En, &err.message).contains("late_entry_window"), "{err}");
}

#[test]
fn nothing_is_half_loaded() {
    let bad = edit(14, "kinds = [\"meting\"]");
    assert!(load(&[("good.toml", GOOD), ("bad.toml", &bad.replace("\"x\"", "\"y\""))]).is_err());
}

// ---------------------------------------------------------- local requirements

const LOCAL: &str = r#"# set by the county committee
[[requirement]]
id = "county-visit"
zh = "走访"
en = "Visits"
clause = "County notice 2025 No. 3"
subject = "organization"
org_kinds = ["branch"]
period = "quarter"
count = 2
kinds = ["visit"]
"#;

#[test]
fn a_local_requirement_is_read_against_the_catalogue() {
    let cat = load(&[("doc.toml", GOOD)]).unwrap();
    let r = cat.parse_local_requirement("county", LOCAL).unwrap();
    assert_eq!((r.id.as_str(), r.count, r.period, r.source.as_str()), ("county-visit", 2, PeriodKind::Quarter, "county"));
}

#[test]
fn a_local_requirement_may_not_take_a_catalogue_id() {
    let cat = load(&[("doc.toml", GOOD)]).unwrap();
    let err = cat.parse_local_requirement("county", &LOCAL.replace("county-visit", "x")).unwrap_err();
    assert_eq!((err.file.as_str(), err.line), ("county", Some(3)), "{err}");
    assert!(i18n::render(i18n::Lang::En, &err.message).contains("id: 'x' is already a requirement"), "{err}");
}

#[test]
fn a_local_definition_holds_one_requirement() {
    let cat = load(&[("doc.toml", GOOD)]).unwrap();
    let two = format!("{LOCAL}\n{}", LOCAL.replace("county-visit", "county-visit-2"));
    let err = cat.parse_local_requirement("county", &two).unwrap_err();
    assert_eq!(err.file, "county");
    assert!(i18n::render(i18n::Lang::En, &err.message).contains("exactly one [[requirement]]"), "{err}");
    let err = cat.parse_local_requirement("county", &LOCAL.replace("\"visit\"", "\"vist\"")).unwrap_err();
    assert_eq!(err.line, Some(11), "{err}");
}

#[test]
fn a_missing_field_or_a_wrong_type_is_named_with_its_line() {
    // A missing field is reported at the header of its table.
    refused(&GOOD.replace("clause = \"Art. 1\"\n", ""), 5, "missing field `clause`");
    refused(&edit(15, "count = \"two\""), 15, "requirement.count");
    refused(&edit(15, "locally_set = \"yes\""), 15, "requirement.locally_set");
}

#[test]
fn field_errors_point_into_the_right_one_of_several_requirements() {
    // basic-toml places field errors at the last [[requirement]] header; the
    // line must be that of the requirement at fault.
    let second = GOOD.split_once("[[requirement]]").unwrap().1.replace("\"x\"", "\"y\"");
    let two = |first: &str| format!("{first}\n[[requirement]]{second}");
    refused(&two(&edit(13, "perod = \"month\"")), 13, "unknown field `perod`");
    refused(&two(&GOOD.replace("clause = \"Art. 1\"\n", "")), 5, "missing field `clause`");
    let missing_in_second = format!("{GOOD}\n[[requirement]]{}", second.replace("clause = \"Art. 1\"\n", ""));
    refused(&missing_in_second, 17, "missing field `clause`");
}

#[test]
fn an_empty_title_is_refused_at_its_own_line() {
    // `en = ""`: the needle must be the field, not any line containing "en".
    refused(&edit(8, "en = \" \""), 8, "en: must not be empty");
}
