//! The generated world as CSV tables, one per kind of fact, in the format
//! `bench/compare.py` loads into DuckDB and PostgreSQL (documented on
//! [`write_table`]). Writing goes to a writer the caller opens.

use super::Generated;
use chrono::{Datelike, NaiveDate};
use domain::CadreRank;
use rules::catalogue::{Catalogue, Polarity};
use std::io::{self, Write};

/// The tables [`write_table`] writes, one CSV file each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    Orgs,
    People,
    Memberships,
    Positions,
    Activities,
    Attendance,
}

impl Table {
    pub const ALL: [Table; 6] = [Table::Orgs, Table::People, Table::Memberships, Table::Positions, Table::Activities, Table::Attendance];

    /// The file name, e.g. `orgs.csv`.
    pub fn file_name(self) -> &'static str {
        match self {
            Table::Orgs => "orgs.csv",
            Table::People => "people.csv",
            Table::Memberships => "memberships.csv",
            Table::Positions => "positions.csv",
            Table::Activities => "activities.csv",
            Table::Attendance => "attendance.csv",
        }
    }

    /// The header line (without the line end).
    pub fn header(self) -> &'static str {
        match self {
            Table::Orgs => "id,parent,subtree_end,path,level,kind,founded_on,closed_on",
            Table::People => "id,joined_on,cadre_rank,cadre_rank_ord",
            Table::Memberships => "person,org,from_day,to_day",
            Table::Positions => "person,org,kind,from_day,to_day",
            Table::Activities => "id,kind,host,held_on,minutes,presenter,first_agenda,agenda_mask,visit_kind,polarity,present,absent",
            Table::Attendance => "activity,person",
        }
    }
}

/// A line buffer with fast number and date formatting.
struct Lines<'w> {
    out: &'w mut dyn Write,
    buf: Vec<u8>,
}

impl<'w> Lines<'w> {
    fn new(out: &'w mut dyn Write) -> Self {
        Lines { out, buf: Vec::with_capacity(1 << 17) }
    }

    fn num(&mut self, v: u64) -> &mut Self {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut v = v;
        loop {
            i -= 1;
            digits[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        self.buf.extend_from_slice(&digits[i..]);
        self
    }

    fn opt(&mut self, v: Option<u64>) -> &mut Self {
        if let Some(v) = v {
            self.num(v);
        }
        self
    }

    fn text(&mut self, s: &str) -> &mut Self {
        self.buf.extend_from_slice(s.as_bytes());
        self
    }

    fn date(&mut self, d: NaiveDate) -> &mut Self {
        let (y, m, day) = (d.year().clamp(0, 9999) as u32, d.month(), d.day());
        let b = [
            b'0' + (y / 1000) as u8,
            b'0' + (y / 100 % 10) as u8,
            b'0' + (y / 10 % 10) as u8,
            b'0' + (y % 10) as u8,
            b'-',
            b'0' + (m / 10) as u8,
            b'0' + (m % 10) as u8,
            b'-',
            b'0' + (day / 10) as u8,
            b'0' + (day % 10) as u8,
        ];
        self.buf.extend_from_slice(&b);
        self
    }

    fn opt_date(&mut self, d: Option<NaiveDate>) -> &mut Self {
        if let Some(d) = d {
            self.date(d);
        }
        self
    }

    fn comma(&mut self) -> &mut Self {
        self.buf.push(b',');
        self
    }

    fn end(&mut self) -> io::Result<()> {
        self.buf.push(b'\n');
        if self.buf.len() >= 1 << 16 {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.out.flush()
    }
}

/// Writes one table of `g` as CSV (UTF-8, a header line, empty fields for
/// absent values, dates as `YYYY-MM-DD`, codes as in the catalogue and the
/// domain). Activity and agenda kinds are written as the codes of
/// `catalogue`, which must be the one the world was generated for;
/// `agenda_mask` has bit *i* set when agenda item kind *i* is on the agenda.
/// The path of an organization is its ancestors' indices and its own, each
/// followed by a dot (`0.17.18.`).
pub fn write_table(g: &Generated, catalogue: &Catalogue, table: Table, out: &mut dyn Write) -> io::Result<()> {
    let w = &g.world;
    let mut l = Lines::new(out);
    l.text(table.header()).end()?;
    match table {
        Table::Orgs => {
            let mut paths: Vec<String> = Vec::with_capacity(w.orgs.len());
            for (i, o) in w.orgs.iter().enumerate() {
                let mut path = o.parent.and_then(|p| paths.get(p as usize)).cloned().unwrap_or_default();
                path.push_str(&i.to_string());
                path.push('.');
                l.num(i as u64).comma().opt(o.parent.map(u64::from)).comma().num(u64::from(o.subtree_end)).comma();
                l.text(&path).comma().text(o.level.code()).comma().text(o.kind.code()).comma();
                l.date(o.founded_on).comma().opt_date(o.closed_on).end()?;
                paths.push(path);
            }
        }
        Table::People => {
            for (i, p) in w.people.iter().enumerate() {
                let ord = CadreRank::ALL.iter().position(|r| *r == p.cadre_rank).unwrap_or(0) as u64;
                l.num(i as u64).comma().date(p.joined_on).comma().text(p.cadre_rank.code()).comma().num(ord).end()?;
            }
        }
        Table::Memberships => {
            for m in &w.memberships {
                l.num(u64::from(m.person)).comma().num(u64::from(m.org)).comma().date(m.from).comma().opt_date(m.to).end()?;
            }
        }
        Table::Positions => {
            for p in &w.positions {
                l.num(u64::from(p.person)).comma().num(u64::from(p.org)).comma().text(p.kind.code()).comma();
                l.date(p.from).comma().opt_date(p.to).end()?;
            }
        }
        Table::Activities => {
            fn code(terms: &[rules::catalogue::Term], i: u16) -> &str {
                terms.get(usize::from(i)).map_or("", |t| t.code.as_str())
            }
            for (i, a) in w.activities.iter().enumerate() {
                let Some(a) = a else { continue };
                let mask = a.agenda.iter().fold(0u64, |m, &k| m | 1u64.checked_shl(u32::from(k)).unwrap_or(0));
                l.num(i as u64).comma().text(code(&catalogue.activity_kinds, a.kind)).comma().num(u64::from(a.host)).comma();
                l.date(a.held_on).comma().num(u64::from(a.minutes)).comma().opt(a.presenter.map(u64::from)).comma();
                l.text(a.agenda.first().map_or("", |&k| code(&catalogue.agenda_kinds, k))).comma().num(mask).comma();
                l.text(a.visit_kind.map_or("", |v| code(&catalogue.visit_kinds, v))).comma();
                l.text(a.polarity.map_or("", Polarity::code)).comma();
                l.num(a.present.len() as u64).comma().num(u64::from(a.absent)).end()?;
            }
        }
        Table::Attendance => {
            for (i, a) in w.activities.iter().enumerate() {
                let Some(a) = a else { continue };
                for &p in &a.present {
                    l.num(i as u64).comma().num(u64::from(p)).end()?;
                }
            }
        }
    }
    l.flush()
}
