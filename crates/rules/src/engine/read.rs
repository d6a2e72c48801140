//! Reading the results: cells of a subject or a subtree, ordered by
//! requirement, subject and period, and roll-ups (counts of cells by
//! requirement and status over a subtree, two prefix sums each). Reading
//! never evaluates anything: it only copies stored cells out.

use super::{Cell, CellRec, Engine, NO_ROW, ReqCells, Rollup, Row, Subject};
use crate::catalogue::{RequirementIx, SubjectKind};

impl Engine {
    fn cell_of(&self, r: RequirementIx, subject: Subject, rc: &ReqCells, row: &Row, c: &CellRec) -> Cell {
        let ev = rc.evidence(row, c).to_vec();
        Cell {
            requirement: r,
            subject,
            period: c.period.period(self.year),
            status: c.status,
            why: c.why,
            found: c.found,
            needed: c.needed,
            evidence: ev,
        }
    }

    fn subject_of(&self, r: RequirementIx, s: u32) -> Subject {
        match self.requirements[usize::from(r)].subject {
            SubjectKind::Organization => Subject::Org(s),
            SubjectKind::Person => Subject::Person(s),
        }
    }

    /// The organization a subject counts under in roll-ups: itself, or a
    /// person's organization on the last evaluated day (or latest one).
    pub fn home_of(&self, subject: Subject) -> Option<u32> {
        match subject {
            Subject::Org(o) => ((o as usize) < self.world.orgs.len()).then_some(o),
            Subject::Person(p) => self.home_org(p),
        }
    }

    /// Every cell, ordered by requirement, subject and period.
    pub fn cells(&self) -> Vec<Cell> {
        self.cells_where(|_, _| true)
    }

    /// The cells whose row counts under the subtree of `org`.
    pub fn cells_in(&self, org: u32) -> Vec<Cell> {
        let end = self.world.orgs.get(org as usize).map_or(org, |o| o.subtree_end);
        self.cells_where(|_, row| org <= row.home && row.home < end)
    }

    /// The cells of one subject.
    pub fn cells_of(&self, subject: Subject) -> Vec<Cell> {
        let mut out = Vec::new();
        for (ri, rc) in self.results.iter().enumerate() {
            let r = ri as RequirementIx;
            let s = match (self.requirements[ri].subject, subject) {
                (SubjectKind::Organization, Subject::Org(o)) => o,
                (SubjectKind::Person, Subject::Person(p)) => p,
                _ => continue,
            };
            let Some(&row) = rc.row_of.get(s as usize).filter(|x| **x != NO_ROW) else { continue };
            let row = rc.rows[row as usize];
            for c in rc.cells(&row) {
                out.push(self.cell_of(r, subject, rc, &row, c));
            }
        }
        out
    }

    fn cells_where(&self, keep: impl Fn(RequirementIx, &Row) -> bool) -> Vec<Cell> {
        let mut out = Vec::new();
        for (ri, rc) in self.results.iter().enumerate() {
            let r = ri as RequirementIx;
            for &ix in &rc.row_of {
                if ix == NO_ROW {
                    continue;
                }
                let row = rc.rows[ix as usize];
                if !keep(r, &row) {
                    continue;
                }
                let subject = self.subject_of(r, row.subject);
                for c in rc.cells(&row) {
                    out.push(self.cell_of(r, subject, rc, &row, c));
                }
            }
        }
        out
    }

    /// The number of cells.
    pub fn cell_count(&self) -> usize {
        self.results.iter().map(|rc| rc.rows.iter().map(|r| r.len as usize).sum::<usize>()).sum()
    }

    /// Counts of cells by requirement and status over the subtree of `org`
    /// (people count under their organization).
    pub fn rollup(&self, org: u32) -> Rollup {
        let end = self.world.orgs.get(org as usize).map_or(org, |o| o.subtree_end);
        let counts = self.fenwick.iter().map(|f| std::array::from_fn(|s| (f[s].prefix(end) - f[s].prefix(org)).max(0) as u64)).collect();
        Rollup { counts }
    }
}
