use super::*;
use chrono::NaiveDate;
use domain::{Field, FieldError, Problem};

#[test]
fn every_locale_file_parses() {
    assert_eq!(parse_errors(), Vec::<String>::new());
}

#[test]
fn both_languages_have_exactly_the_same_message_ids() {
    let zh = ids(Lang::ZhCn);
    let en = ids(Lang::En);
    let only_zh: Vec<_> = zh.iter().filter(|k| !en.contains(k)).collect();
    let only_en: Vec<_> = en.iter().filter(|k| !zh.contains(k)).collect();
    assert!(only_zh.is_empty() && only_en.is_empty(), "only in zh-CN: {only_zh:?}; only in en: {only_en:?}");
    let mut unique = zh.clone();
    unique.dedup();
    assert_eq!(unique.len(), zh.len(), "a message id is defined twice");
    assert!(zh.len() > 600);
}

#[test]
fn every_field_has_a_label_in_both_languages() {
    for lang in Lang::ALL {
        for field in Field::ALL {
            let id = format!("field-{}", field.code().replace('_', "-"));
            assert!(has(lang, &id), "{} lacks {id}", lang.code());
        }
    }
}

#[test]
fn every_problem_has_words_in_both_languages() {
    let problems = [
        Problem::Required,
        Problem::NotADate,
        Problem::NotANumber,
        Problem::TooLong { max: 5 },
        Problem::ControlCharacter,
        Problem::UnknownValue { allowed: "a".into() },
        Problem::BadCheckDigit,
        Problem::BadIdNumber,
        Problem::InFuture,
        Problem::JoinedBeforeEighteen,
        Problem::BeforeJoinDate,
        Problem::Duplicate { first_row: 0 },
        Problem::Duplicate { first_row: 3 },
        Problem::NotFound,
        Problem::Ambiguous,
    ];
    for lang in Lang::ALL {
        for p in &problems {
            assert!(has(lang, p.message().id), "{} lacks {}", lang.code(), p.message().id);
        }
    }
}

#[test]
fn a_field_error_reads_as_one_sentence_in_the_readers_language() {
    let e = FieldError::new(Field::JoinDate, Problem::NotADate, "2023-13-40");
    assert_eq!(render(Lang::ZhCn, &e.message()), "入党日期：“2023-13-40”不是日期");
    assert_eq!(render(Lang::En, &e.message()), "Join date: '2023-13-40' is not a date");
    let row = Message::new("row-error").count("row", 17).message("message", e.message());
    assert_eq!(render(Lang::ZhCn, &row), "第17行 入党日期：“2023-13-40”不是日期");
    assert_eq!(render(Lang::En, &row), "Row 17: Join date: '2023-13-40' is not a date");
    let e = FieldError::new(Field::Name, Problem::TooLong { max: 100 }, "");
    assert_eq!(render(Lang::En, &e.message()), "Name: is longer than 100 characters");
}

#[test]
fn arguments_render_by_their_kind() {
    let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
    let m = Message::new("row-error").text("row", "x").message("message", Message::new("problem-required"));
    assert_eq!(render(Lang::En, &m), "Row x: is required");
    let m = Message::new("row-error").date("row", day).code("message", "org_kind", "branch");
    assert_eq!(render(Lang::ZhCn, &m), "第2026-03-01行 党支部");
}

#[test]
fn a_missing_message_shows_its_id_and_tags_parse() {
    assert_eq!(t(Lang::En, "no-such-message"), "no-such-message");
    assert_eq!(render(Lang::En, &Message::new("no-such-message").number("n", 3)), "no-such-message (n=3)");
    assert_eq!(t(Lang::ZhCn, "position-secretary"), "书记");
    assert_eq!(label(Lang::En, "org_kind", "branch"), "Branch");
    assert_eq!(label(Lang::En, "org_kind", "no_such"), "no_such");
    assert_eq!(Lang::parse("EN"), Some(Lang::En));
    assert_eq!(Lang::parse("zh-cn"), Some(Lang::ZhCn));
    assert_eq!(Lang::parse("zh-Hans-CN"), Some(Lang::ZhCn));
    assert_eq!(Lang::parse("zh-TW"), None);
    assert_eq!(Lang::parse("fr"), None);
}

#[test]
fn accept_language_picks_the_best_known_language() {
    assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Some(Lang::En));
    assert_eq!(Lang::from_accept_language("fr;q=1, en;q=0.5, zh-CN;q=0.8"), Some(Lang::ZhCn));
    assert_eq!(Lang::from_accept_language("en;q=0, zh"), Some(Lang::ZhCn));
    assert_eq!(Lang::from_accept_language("fr, de"), None);
    assert_eq!(Lang::from_accept_language(""), None);
}

#[test]
fn arguments_pass_through_t_args() {
    assert_eq!(
        t_args(Lang::En, "record-entered-late", &[("days", Value::from(3_i64))]),
        t_args(Lang::En, "record-entered-late", &[("days", 3_i64.into())])
    );
    assert!(t_args(Lang::ZhCn, "record-entered-late", &[("days", 3_i64.into())]).contains('3'));
}

#[test]
fn every_domain_code_has_a_label_in_both_languages() {
    let mut keys = Vec::new();
    let mut add = |vocabulary: &str, codes: Vec<String>| keys.extend(codes.into_iter().map(|c| message_id(vocabulary, &c)));
    add("org_level", domain::OrgLevel::ALL.iter().map(|v| v.code().to_owned()).collect());
    add("org_kind", domain::OrgKind::ALL.iter().map(|v| v.code().to_owned()).collect());
    add("unit_type", domain::UnitType::ALL.iter().map(|v| v.code().to_owned()).collect());
    add("sex", domain::Sex::ALL.iter().map(|v| v.code().to_owned()).collect());
    add("member_category", domain::MemberCategory::ALL.iter().map(|v| v.code().to_owned()).collect());
    add("member_status", domain::MemberStatus::ALL.iter().map(|v| v.code().to_owned()).collect());
    add("position", domain::PositionKind::ALL.iter().map(|v| v.code().to_owned()).collect());
    add("cadre_rank", domain::CadreRank::ALL.iter().map(|v| v.code().to_owned()).collect());
    add("month", (1..=12).map(|m: u32| m.to_string()).collect());
    add("role", domain::access::Role::ALL.iter().map(|v| v.code().to_owned()).collect());
    add("token_scope", domain::access::TokenScope::ALL.iter().map(|v| v.code().to_owned()).collect());
    for lang in Lang::ALL {
        for key in &keys {
            assert!(has(lang, key), "{} lacks {key}", lang.code());
        }
    }
}
