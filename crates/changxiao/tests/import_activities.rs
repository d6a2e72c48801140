//! `changxiao import activities` on the real binary: a small village tree
//! is built through the organization and roster imports, then held
//! activities come in from an XLSX and a GB18030 CSV file, count in the
//! evaluation, and a second import of the same file creates nothing. A file
//! with bad rows is refused whole, naming every bad row and its column.
//! Runs on PostgreSQL too when `CHANGXIAO_TEST_DATABASE_URL` is set.
#![allow(clippy::unwrap_used)]

use domain::{Field, Id};
use std::path::{Path, PathBuf};
use store::activities::Activity;
use testkit::cli::{Cli, DataDir, Ran};
use testkit::files::write_gb18030;
use testkit::world::Builder;
use testkit::{TODAY, today};

/// A valid ID number of someone born on 1980-01-01.
fn id_number(seq: u32) -> String {
    testkit::id_number(&format!("51282319800101{seq:03}"))
}

/// A data directory with a village tree: 石桥村党委 with 第一支部 (陈七 its
/// secretary, 张三, 李四, 王五) and 第二支部 (孙八, another 王五, 周九).
struct Village {
    /// On PostgreSQL when the environment names a server.
    data: DataDir,
    village: String,
    first_branch: String,
}

impl Village {
    fn new() -> Self {
        let data = DataDir::from_env("acts");
        let cli = Cli::new(env!("CARGO_BIN_EXE_changxiao")).on(&data);
        let migrated = cli.run(&["migrate"]);
        assert!(migrated.success(), "{}", migrated.stderr);
        let county = data.with_store(async |store| Builder::new(store).county("清河县委").founded("1980-01-01").await);
        let orgs = data.file("orgs.csv");
        std::fs::write(
            &orgs,
            "组织名称,上级组织,组织层级,组织类别,单位类型,成立日期\n\
             石桥村党委,,基层,党委,村,2019-01-01\n\
             第一支部,石桥村党委,基层,党支部,村,2019-01-01\n\
             第二支部,石桥村党委,基层,党支部,村,2019-01-01\n",
        )
        .unwrap();
        let out = cli.run(&["import", "orgs", orgs.to_str().unwrap(), "--org", county.as_str()]);
        assert!(out.success(), "{}", out.stderr);
        let (village, first_branch) = data.with_store(async |store| {
            let village = store.search_orgs("石桥村党委", None, today(), 5).await.unwrap().pop().unwrap().id;
            let branch = store.search_orgs("第一支部", Some(&village), today(), 5).await.unwrap().pop().unwrap().id;
            (village.to_string(), branch.to_string())
        });
        let roster = data.file("roster.csv");
        let people = [
            ("陈七", 1, "第一支部", "书记"),
            ("张三", 2, "第一支部", ""),
            ("李四", 3, "第一支部", ""),
            ("王五", 4, "第一支部", ""),
            ("孙八", 5, "第二支部", ""),
            ("王五", 6, "第二支部", ""),
            ("周九", 7, "第二支部", ""),
        ];
        let mut csv = String::from("姓名,公民身份号码,人员类别,入党日期,所在党组织,党内职务\n");
        for (name, seq, branch, position) in people {
            csv.push_str(&format!("{name},{},正式党员,2000-07-01,{branch},{position}\n", id_number(seq)));
        }
        std::fs::write(&roster, csv).unwrap();
        let out = cli.run(&["import", "roster", roster.to_str().unwrap(), "--org", &village]);
        assert!(out.success(), "{}", out.stderr);
        Village { data, village, first_branch }
    }

    /// Runs the binary on this village's data.
    fn run(&self, args: &[&str]) -> Ran {
        Cli::new(env!("CARGO_BIN_EXE_changxiao")).on(&self.data).run(args)
    }

    fn import(&self, file: &Path) -> Ran {
        self.run(&["import", "activities", file.to_str().unwrap(), "--org", &self.village])
    }

    fn dump(&self) -> String {
        self.data.dump()
    }

    fn file(&self, name: &str) -> PathBuf {
        self.data.file(name)
    }

    /// Every activity recorded, by day, with the names of the people it names.
    fn activities(&self) -> Vec<Recorded> {
        let url = self.data.url();
        self.data.with_store(async |store| {
            let village = Id::parse(&self.village).unwrap();
            sqlx::any::install_default_drivers();
            let pool = sqlx::AnyPool::connect(&url).await.unwrap();
            let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM activities WHERE deleted_at IS NULL").fetch_all(&pool).await.unwrap();
            pool.close().await;
            let mut found = Vec::new();
            for id in ids {
                found.push(store.activity(&Id::from_stored(id)).await.unwrap().unwrap());
            }
            found.sort_by_key(|a| a.held_on);
            let names: std::collections::HashMap<Id, String> =
                store.members(&village, today(), 100).await.unwrap().into_iter().map(|p| (p.id, p.name.to_string())).collect();
            let mut out = Vec::new();
            for a in found {
                let people = a.participants.iter().map(|p| (names[&p.person_id].clone(), p.present, p.absence_reason.clone())).collect();
                let presenter = a.presenter_id.as_ref().map(|id| names[id].clone());
                out.push((a, people, presenter));
            }
            out
        })
    }
}

/// An activity, its participants (name, present, reason for absence) and its presenter's name.
type Recorded = (Activity, Vec<(String, bool, Option<String>)>, Option<String>);

fn headers() -> Vec<&'static str> {
    domain::activity_sheet::activity_template_headers()
}

/// A row in template order from (column, value) pairs.
fn row(given: &[(Field, &str)]) -> Vec<String> {
    domain::activity_sheet::ACTIVITY_COLUMNS
        .iter()
        .map(|f| given.iter().find(|(g, _)| g == f).map_or(String::new(), |(_, v)| v.to_string()))
        .collect()
}

fn csv_line(cells: &[String]) -> String {
    let quoted: Vec<String> = cells.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
    format!("{}\n", quoted.join(","))
}

#[test]
fn an_xlsx_file_of_held_activities_imports_once_and_counts_in_the_evaluation() {
    let v = Village::new();
    let file = v.file("活动.xlsx");
    let rows = vec![
        row(&[
            (Field::ActivityKind, "支部党员大会"),
            (Field::Host, "第一支部"),
            (Field::HeldOn, "2026-03-15"),
            (Field::StartsAt, "09:00"),
            (Field::Duration, "90"),
            (Field::Agenda, "第一议题：学习习近平总书记最新重要讲话精神；研究工作/议事：讨论发展党员"),
            (Field::Absentee, "李四（出差）"),
            (Field::Title, "三月支部党员大会"),
        ]),
        row(&[
            (Field::ActivityKind, "party_lesson"),
            (Field::Host, "石桥村党委 / 第一支部"),
            (Field::HeldOn, "2026/3/20"),
            (Field::Duration, "60分钟"),
            (Field::Presenter, "陈七"),
            (Field::Agenda, "其他：专题学习"),
        ]),
        row(&[
            (Field::ActivityKind, "Typical case analysis"),
            (Field::HeldOn, "2026年4月2日"),
            (Field::StartsAt, "14:30"),
            (Field::Duration, "120"),
            (Field::Agenda, "反面典型案例剖析：某村干部违纪案"),
            (Field::Polarity, "反面"),
            (Field::Minutes, "会上逐一发言。\n会后整改。"),
        ]),
    ];
    std::fs::write(&file, sheets::write_xlsx(&headers(), &rows).unwrap()).unwrap();

    let first = v.import(&file);
    assert!(first.success(), "{}", first.stderr);
    assert!(first.stdout.contains("新增 3"), "{}", first.stdout);
    let recorded = v.activities();
    assert_eq!(recorded.len(), 3);
    let (assembly, people, _) = &recorded[0];
    assert_eq!((assembly.kind.as_str(), assembly.starts_at.as_deref(), assembly.duration_minutes), ("members_assembly", Some("09:00"), 90));
    assert_eq!(assembly.status, store::activities::ActivityStatus::Held);
    assert_eq!(assembly.host_org_id.as_str(), v.first_branch);
    assert_eq!(assembly.agenda[0].kind, "theory_study");
    assert_eq!(assembly.agenda[1].title.as_deref(), Some("讨论发展党员"));
    let mut names: Vec<&str> = people.iter().map(|(n, ..)| n.as_str()).collect();
    names.sort();
    assert_eq!(names, ["张三", "李四", "王五", "陈七"], "everyone of the branch is expected");
    for (name, present, reason) in people {
        let absent = name == "李四";
        assert_eq!((*present, reason.as_deref()), (!absent, absent.then_some("出差")), "{name}");
    }
    let (lesson, _, presenter) = &recorded[1];
    assert_eq!((lesson.kind.as_str(), presenter.as_deref()), ("party_lesson", Some("陈七")));
    let (case, people, _) = &recorded[2];
    assert_eq!((case.polarity.as_deref(), case.host_org_id.as_str()), (Some("negative"), v.village.as_str()));
    assert_eq!(people.len(), 7, "a village committee expects the members of its whole subtree");
    assert_eq!(case.minutes.as_deref(), Some("会上逐一发言。\n会后整改。"));

    let before = v.dump();
    let second = v.import(&file);
    assert!(second.success(), "{}", second.stderr);
    assert!(second.stdout.contains("新增 0") && second.stdout.contains("未变 3"), "{}", second.stdout);
    assert_eq!(v.dump(), before, "the second import writes nothing");

    let out = v.run(&["evaluate", "--org", &v.first_branch, "--year", "2026", "--as-of", TODAY]);
    assert!(out.success(), "{}", out.stderr);
    let doc = out.json();
    let evidence: Vec<&str> = doc["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["subject"] == v.first_branch.as_str())
        .flat_map(|c| c["evidence"].as_array().unwrap().iter().filter_map(|e| e.as_str()))
        .collect();
    assert!(evidence.contains(&assembly.id.as_str()), "the imported assembly is evidence for its branch: {evidence:?}");
}

#[test]
fn a_gb18030_csv_file_imports_and_a_second_import_creates_nothing() {
    let v = Village::new();
    let file = v.file("活动.csv");
    let mut text = csv_line(&headers().iter().map(|h| h.to_string()).collect::<Vec<_>>());
    text.push_str(&csv_line(&row(&[
        (Field::ActivityKind, "主题党日"),
        (Field::Host, "第二支部"),
        (Field::HeldOn, "2026年5月10日"),
        (Field::StartsAt, "8点30"),
        (Field::Duration, "120"),
        (Field::Agenda, "其他：清理河道"),
        (Field::Absentee, "周九（外出务工）"),
        (Field::Title, "五月主题党日"),
    ])));
    text.push_str(&csv_line(&row(&[
        (Field::ActivityKind, "组织生活会"),
        (Field::Host, "石桥村党委/第二支部"),
        (Field::HeldOn, "2026-06-01"),
        (Field::Duration, "90"),
        (Field::Agenda, "批评和自我批评\n民主评议党员"),
        (Field::Absentee, "王五（病假）"),
    ])));
    write_gb18030(&file, &text);

    let first = v.import(&file);
    assert!(first.success(), "{}", first.stderr);
    assert!(first.stdout.contains("新增 2"), "{}", first.stdout);
    let recorded = v.activities();
    assert_eq!(recorded.len(), 2);
    let (day, people, _) = &recorded[0];
    assert_eq!(
        (day.kind.as_str(), day.starts_at.as_deref(), day.title.as_deref()),
        ("theme_party_day", Some("08:30"), Some("五月主题党日"))
    );
    assert_eq!(people.len(), 3);
    assert!(people.contains(&("周九".to_owned(), false, Some("外出务工".to_owned()))), "{people:?}");
    let (life, people, _) = &recorded[1];
    assert_eq!(life.agenda.iter().map(|a| a.kind.as_str()).collect::<Vec<_>>(), ["criticism_self_criticism", "democratic_appraisal"]);
    assert!(people.contains(&("王五".to_owned(), false, Some("病假".to_owned()))), "the 王五 of the host's branch: {people:?}");

    let before = v.dump();
    let second = v.import(&file);
    assert!(second.success(), "{}", second.stderr);
    assert!(second.stdout.contains("未变 2"), "{}", second.stdout);
    assert_eq!(v.dump(), before);
}

#[test]
fn a_file_with_bad_rows_is_refused_whole_naming_every_bad_row_and_its_column() {
    let v = Village::new();
    let good = |changes: &[(Field, &'static str)]| {
        let mut given = vec![
            (Field::ActivityKind, "支部委员会会议"),
            (Field::Host, "第一支部"),
            (Field::HeldOn, "2026-07-01"),
            (Field::StartsAt, "19:00"),
            (Field::Duration, "60"),
            (Field::Agenda, "第一议题；研究工作/议事"),
        ];
        given.retain(|(f, _)| !changes.iter().any(|(c, _)| c == f));
        given.extend_from_slice(changes);
        row(&given)
    };
    let rows = [
        good(&[(Field::ActivityKind, "茶话会")]),
        good(&[(Field::Host, "不存在的支部")]),
        good(&[(Field::HeldOn, "2026-12-01")]),
        good(&[(Field::ActivityKind, "支部党员大会"), (Field::Absentee, "孙八（病假）")]),
        good(&[(Field::Agenda, "")]),
        good(&[(Field::Duration, "0")]),
        good(&[
            (Field::ActivityKind, "典型案例剖析"),
            (Field::Host, "石桥村党委"),
            (Field::Polarity, "正面"),
            (Field::Absentee, "王五（出差）"),
        ]),
        good(&[]),
        good(&[(Field::Title, "另一次")]),
    ];
    let file = v.file("bad.csv");
    let mut text = csv_line(&headers().iter().map(|h| h.to_string()).collect::<Vec<_>>());
    for r in &rows {
        text.push_str(&csv_line(r));
    }
    std::fs::write(&file, text).unwrap();

    let before = v.dump();
    let out = v.import(&file);
    assert_eq!(out.code(), Some(2), "{}", out.stderr);
    let err = &out.stderr;
    for expected in [
        "第2行 活动类型：“茶话会”不是活动类型",
        "第3行 主办组织：“不存在的支部”不在“石桥村党委”之下",
        "第4行 举办日期：“2026-12-01”晚于今天",
        "第5行 缺席人员：“孙八”当日不是主办组织（含下级组织）的党员",
        "第6行 议程：不能为空",
        "第7行 时长（分钟）：“0”须为 1 至 1440 分钟",
        "第8行 缺席人员：“王五”有多名同名人员",
        "第10行 举办日期：“2026-07-01”与第9行的活动类型、主办组织、举办日期和开始时间都相同",
    ] {
        assert!(err.contains(expected), "missing «{expected}» in:\n{err}");
    }
    assert!(!err.contains("第9行 "), "the good row is not reported: {err}");
    assert_eq!(err.lines().filter(|l| l.contains("第")).count(), 8, "{err}");
    assert_eq!(v.dump(), before, "nothing is written when any row is bad");
    assert!(v.activities().is_empty());
}

#[test]
fn the_activity_template_has_the_columns_and_an_example_that_is_never_imported() {
    let v = Village::new();
    for name in ["activities.xlsx", "activities.csv"] {
        let file = v.file(name);
        let out = v.run(&["import", "template", file.to_str().unwrap(), "--activities"]);
        assert!(out.success(), "{}", out.stderr);
        let table = sheets::read_table_from_path(&file).unwrap();
        assert_eq!(table.headers, headers());
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0].cells[0].to_text(), "支部党员大会");
        let out = v.import(&file);
        assert_eq!(out.code(), Some(2), "{}", out.stderr);
        assert!(out.stderr.contains("第2行 标题：“示例：三月支部党员大会（导入前请删除此行）”是模板中的示例行，请删除"), "{}", out.stderr);
    }
    let out = v.run(&["import", "template", v.file("t.xlsx").to_str().unwrap(), "--activities", "--orgs"]);
    assert!(!out.success());
    assert!(v.activities().is_empty());
}
