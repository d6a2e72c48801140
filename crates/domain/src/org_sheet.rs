//! The organization-tree import template: its columns, and the reading of a
//! [`Table`] into organizations to create under the import's target, with the
//! same every-problem-at-once reporting as the roster.
//!
//! A parent is named by name or path `A/B`, either an organization that
//! already exists (the store resolves it) or another row of the same file.
//! Rules that need only the file are checked here: duplicates, a row that is
//! its own parent, cycles, and placements where both ends are in the file.

use crate::error::{Field, FieldError, Problem};
use crate::org::{OrgKind, OrgLevel, UnitType, check_placement};
use crate::sheet::{
    Cell, ColumnMap, ImportErrors, RowError, SheetRow, Table, cell_text, data_rows, keep, org_path, required_date, required_text,
};
use crate::text::Name;
use chrono::NaiveDate;
use std::collections::HashMap;

/// The template's columns, in template order.
pub const ORG_COLUMNS: [Field; 6] = [Field::Name, Field::Parent, Field::Level, Field::Kind, Field::UnitType, Field::FoundedOn];

/// Columns an organization file must have.
pub const ORG_REQUIRED: [Field; 4] = [Field::Name, Field::Level, Field::Kind, Field::FoundedOn];

/// The Chinese header of a column of this template: the name column is
/// 组织名称, the others use their field's name.
pub fn org_header(field: Field) -> &'static str {
    match field {
        Field::Name => crate::columns::ORG_NAME_COLUMN,
        other => other.column_name(),
    }
}

/// The template's Chinese headers, in order.
pub fn org_template_headers() -> Vec<&'static str> {
    ORG_COLUMNS.iter().map(|f| org_header(*f)).collect()
}

/// One organization as read from a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgEntry {
    pub line: usize,
    pub name: Name,
    /// The parent's name or path `A/B`; `None` puts the organization directly
    /// under the import's target.
    pub parent: Option<String>,
    /// The line of the row in this file the parent names, when exactly one
    /// row matches; otherwise the parent must already exist.
    pub parent_line: Option<usize>,
    pub level: OrgLevel,
    pub kind: OrgKind,
    pub unit_type: Option<UnitType>,
    /// The founding day; a month without a day means its first day.
    pub founded_on: NaiveDate,
}

/// A row's values, each `None` where it could not be read.
struct Partial {
    line: usize,
    name: Option<Name>,
    parent: Option<Option<String>>,
    level: Option<OrgLevel>,
    kind: Option<OrgKind>,
    unit_type: Option<Option<UnitType>>,
    founded_on: Option<NaiveDate>,
}

/// Reads every data row of an organization file. The entries come back in an
/// order where a parent that is in the file precedes its children.
pub fn parse_org_sheet(table: &Table, today: NaiveDate) -> Result<Vec<OrgEntry>, ImportErrors> {
    let mut errors = ImportErrors::default();
    let named: Vec<(Field, &str)> = ORG_COLUMNS.iter().map(|f| (*f, org_header(*f))).collect();
    let (columns, rows) = match (ColumnMap::with_column_names(table, &named, &ORG_REQUIRED), data_rows(table)) {
        (Ok(c), Ok(r)) => (c, r),
        (c, r) => {
            errors.errors.extend(c.err().unwrap_or_default());
            errors.errors.extend(r.err());
            return errors.into_result(Vec::new());
        }
    };
    let mut push = |line: usize, e: FieldError| errors.errors.push(RowError::new(line, e));
    let partials: Vec<Partial> = rows.iter().map(|row| parse_row(&columns, row, today, &mut push)).collect();

    // Duplicate (parent, name) pairs.
    let mut first_seen: HashMap<(&str, &str), usize> = HashMap::new();
    for p in &partials {
        if let (Some(name), Some(parent)) = (&p.name, &p.parent) {
            let key = (parent.as_deref().unwrap_or(""), name.as_str());
            match first_seen.get(&key) {
                Some(&first_row) => push(p.line, FieldError::new(Field::Name, Problem::Duplicate { first_row }, name.as_str())),
                None => {
                    first_seen.insert(key, p.line);
                }
            }
        }
    }

    // Parents that are rows of this file.
    let mut parent_of: Vec<Option<usize>> = vec![None; partials.len()];
    for (i, p) in partials.iter().enumerate() {
        let Some(Some(parent)) = &p.parent else {
            continue;
        };
        let candidates: Vec<usize> = (0..partials.len()).filter(|&j| names_row(parent, &partials[j])).collect();
        if candidates.contains(&i) {
            push(p.line, FieldError::new(Field::Parent, Problem::rule("parent-is-itself"), parent));
        } else if candidates.len() > 1 {
            push(p.line, FieldError::new(Field::Parent, Problem::Ambiguous, parent));
        } else if let Some(&j) = candidates.first() {
            parent_of[i] = Some(j);
            let parent_row = &partials[j];
            if let (Some(level), Some(kind), Some(parent_level), Some(parent_kind)) = (p.level, p.kind, parent_row.level, parent_row.kind)
                && let Err(e) = check_placement(level, kind, parent_level, parent_kind)
            {
                push(p.line, FieldError::rule(Field::Parent, e.message(), parent));
            }
        }
    }

    // Cycles among rows of the file, and each row's depth in the file.
    let mut depth = vec![0usize; partials.len()];
    for (i, p) in partials.iter().enumerate() {
        let mut at = i;
        while let Some(up) = parent_of[at] {
            depth[i] += 1;
            at = up;
            if at == i || depth[i] > partials.len() {
                let parent = p.parent.clone().flatten().unwrap_or_default();
                push(p.line, FieldError::new(Field::Parent, Problem::rule("parent-cycle"), &parent));
                break;
            }
        }
    }

    if !errors.is_empty() {
        return errors.into_result(Vec::new());
    }
    let mut entries: Vec<(usize, OrgEntry)> = partials
        .into_iter()
        .enumerate()
        .filter_map(|(i, p)| {
            Some((
                depth[i],
                OrgEntry {
                    line: p.line,
                    name: p.name?,
                    parent: p.parent?,
                    parent_line: parent_of[i].map(|j| rows[j].line),
                    level: p.level?,
                    kind: p.kind?,
                    unit_type: p.unit_type?,
                    founded_on: p.founded_on?,
                },
            ))
        })
        .collect();
    entries.sort_by_key(|(d, _)| *d);
    Ok(entries.into_iter().map(|(_, e)| e).collect())
}

fn parse_row(columns: &ColumnMap, row: &SheetRow, today: NaiveDate, push: &mut impl FnMut(usize, FieldError)) -> Partial {
    let cell = |field| columns.cell(row, field);
    let mut errors = Vec::new();
    let name = keep(&mut errors, required_text(Field::Name, cell(Field::Name)).and_then(|s| Name::parse(Field::Name, &s)));
    let parent =
        keep(&mut errors, cell_text(Field::Parent, cell(Field::Parent)).and_then(|s| s.map(|s| org_path(Field::Parent, &s)).transpose()));
    let level = keep(&mut errors, required_text(Field::Level, cell(Field::Level)).and_then(|s| OrgLevel::parse(&s)));
    let kind = keep(&mut errors, required_text(Field::Kind, cell(Field::Kind)).and_then(|s| OrgKind::parse(&s)));
    let unit_type = keep(&mut errors, optional_unit_type(cell(Field::UnitType)));
    let founded_on = keep(
        &mut errors,
        required_date(Field::FoundedOn, cell(Field::FoundedOn)).and_then(|d| {
            if d.first_day() > today {
                Err(FieldError::new(Field::FoundedOn, Problem::InFuture, &d.to_string()))
            } else {
                Ok(d.first_day())
            }
        }),
    );
    for e in errors {
        push(row.line, e);
    }
    Partial { line: row.line, name, parent, level, kind, unit_type, founded_on }
}

fn optional_unit_type(cell: &Cell) -> Result<Option<UnitType>, FieldError> {
    cell_text(Field::UnitType, cell)?.map(|s| UnitType::parse(&s)).transpose()
}

/// Whether the parent reference `A/B/C` can mean the organization of row `p`:
/// its name is `C`, and its own parent path agrees with `A/B` as far as both go.
fn names_row(parent: &str, p: &Partial) -> bool {
    let segments: Vec<&str> = parent.split('/').collect();
    let Some((last, above)) = segments.split_last() else {
        return false;
    };
    let (Some(name), Some(own_parent)) = (&p.name, &p.parent) else {
        return false;
    };
    if name.as_str() != *last {
        return false;
    }
    let own: Vec<&str> = own_parent.as_deref().map_or_else(Vec::new, |s| s.split('/').collect());
    own.ends_with(above) || above.ends_with(&own)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    fn table(rows: &[[&str; 6]]) -> Table {
        Table {
            headers: org_template_headers().iter().map(|h| h.to_string()).collect(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| SheetRow { line: i + 2, cells: r.iter().map(|c| Cell::Text(c.to_string())).collect() })
                .collect(),
        }
    }

    fn messages(t: &Table) -> Vec<String> {
        parse_org_sheet(t, today()).unwrap_err().iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_small_tree_reads_with_parents_before_children() {
        let t = table(&[
            ["第一党小组", "第一支部", "基层", "党小组", "", "2020-03"],
            ["第一支部", "", "基层", "党支部", "村", "2019-01-01"],
            ["第二支部", "城关镇党委", "基层", "branch", "", "2019-01-01"],
        ]);
        let entries = parse_org_sheet(&t, today()).unwrap();
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["第一支部", "第二支部", "第一党小组"]);
        assert_eq!(entries[2].parent_line, Some(3));
        assert_eq!(entries[2].founded_on.to_string(), "2020-03-01");
        assert_eq!(entries[0].unit_type, Some(UnitType::Village));
        assert_eq!(entries[1].parent_line, None);
    }

    #[test]
    fn duplicates_self_parents_cycles_and_bad_placements_are_refused() {
        let t = table(&[
            ["第一支部", "", "基层", "党支部", "", "2019-01-01"],
            ["第一支部", "", "基层", "党支部", "", "2019-01-01"],
            ["甲", "甲", "基层", "党支部", "", "2019-01-01"],
            ["乙", "丙", "基层", "党支部", "", "2019-01-01"],
            ["丙", "乙", "基层", "党支部", "", "2019-01-01"],
            ["组", "丁", "基层", "党小组", "", "2019-01-01"],
            ["丁", "", "基层", "党总支", "", "2019-01-01"],
        ]);
        let m = messages(&t);
        assert!(m[0].contains("row 3, name: \"第一支部\" problem-duplicate (row=2)"), "{m:?}");
        assert!(m[1].starts_with("row 4, parent: \"甲\" parent-is-itself"), "{m:?}");
        assert!(m[2].starts_with("row 5, parent: \"丙\" parent-cycle"), "{m:?}");
        assert!(m[3].starts_with("row 6, parent: \"乙\" parent-cycle"), "{m:?}");
        assert!(m[4].contains("placement-group-outside-branch"), "{m:?}");
        assert_eq!(m.len(), 5);
    }

    #[test]
    fn bad_values_and_a_future_founding_date_are_all_reported() {
        let t = table(&[["", "A//B", "宇宙级", "协会", "工厂", "2026-01-01"]]);
        let m = messages(&t);
        assert_eq!(m.len(), 6, "{m:?}");
        assert!(m.iter().all(|s| s.starts_with("row 2,")));
        assert!(m[5].contains("founded_on: \"2026-01-01\" problem-in-future"));
    }
}
