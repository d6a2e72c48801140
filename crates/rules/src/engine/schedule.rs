//! The full evaluation spread over threads: each requirement's subjects are
//! cut into ranges (work items) that as many threads as there are cores (at
//! most 8) take in turn; then each requirement's chunks are put together, in
//! subject order, and its roll-up counters built, again one requirement per
//! work item.
//!
//! The result does not depend on the number of threads or on which thread
//! took which item: chunks are placed by their item's index. A work item lost
//! to a panicking thread is done again on the calling thread.

use super::policy::{Policy, with_policy};
use super::{Chunk, Engine, Fenwick, NO_ROW, Part, ReqCells, Row};
use crate::catalogue::{RequirementIx, SubjectKind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A range of subjects `from..to` of one requirement.
#[derive(Clone, Copy)]
struct WorkItem {
    requirement: RequirementIx,
    from: u32,
    to: u32,
}

/// Runs `work(i)` for every `i` in `0..items` on `threads` scoped threads,
/// each taking the next item in turn. The results by item; `None` for the
/// items of a thread that panicked.
fn on_threads<T: Send>(items: usize, threads: usize, work: impl Fn(usize) -> T + Sync) -> Vec<Option<T>> {
    let next = AtomicUsize::new(0);
    let mut done: Vec<Option<T>> = (0..items).map(|_| None).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= items {
                            break;
                        }
                        out.push((i, work(i)));
                    }
                    out
                })
            })
            .collect();
        for h in handles {
            for (i, result) in h.join().unwrap_or_default() {
                done[i] = Some(result);
            }
        }
    });
    done
}

impl Engine {
    /// The number of subjects (organizations or people) of a requirement.
    fn subjects_of(&self, r: RequirementIx) -> u32 {
        (match self.requirements[usize::from(r)].subject {
            SubjectKind::Organization => self.world.orgs.len(),
            SubjectKind::Person => self.world.people.len(),
        }) as u32
    }

    /// Ranges of subjects of each requirement: a sixteenth of its subjects,
    /// at least 4,096.
    fn work_items(&self) -> Vec<WorkItem> {
        let mut work = Vec::new();
        for ri in 0..self.requirements.len() {
            let requirement = ri as RequirementIx;
            let subjects = self.subjects_of(requirement);
            let step = (subjects / 16).max(4096);
            let mut from = 0;
            while from < subjects {
                let to = subjects.min(from.saturating_add(step));
                work.push(WorkItem { requirement, from, to });
                from = to;
            }
        }
        work
    }

    /// Evaluates every row of every requirement and builds the roll-up counters.
    pub(super) fn evaluate_all(&mut self) {
        with_policy!(self, evaluate_all_with())
    }

    fn evaluate_all_with<P: Policy>(&mut self) {
        let n = self.requirements.len();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
        let this = &*self;
        let work = this.work_items();
        let mut done = on_threads(work.len(), threads, |i| {
            let item = work[i];
            this.evaluate_chunk::<P>(item.requirement, item.from, item.to)
        });
        // Chunks grouped by requirement, in subject order.
        let mut groups: Vec<Vec<Chunk>> = (0..n).map(|_| Vec::new()).collect();
        for (item, chunk) in work.iter().zip(done.iter_mut()) {
            let chunk = chunk.take().unwrap_or_else(|| this.evaluate_chunk::<P>(item.requirement, item.from, item.to));
            groups[usize::from(item.requirement)].push(chunk);
        }
        // Each requirement merged and its roll-up counters built on whichever thread takes it.
        let groups: Vec<Mutex<Option<Vec<Chunk>>>> = groups.into_iter().map(|g| Mutex::new(Some(g))).collect();
        let merged = on_threads(n, threads, |r| {
            let chunks = groups[r].lock().ok().and_then(|mut g| g.take()).unwrap_or_default();
            let rc = this.merge(r as RequirementIx, chunks);
            let fenwick = this.fenwick_for(&rc);
            (rc, fenwick)
        });
        let (results, fenwick): (Vec<ReqCells>, Vec<[Fenwick; 6]>) =
            merged.into_iter().enumerate().map(|(r, m)| m.unwrap_or_else(|| this.merge_alone::<P>(r as RequirementIx))).unzip();
        self.fenwick = fenwick;
        self.results = results;
    }

    /// Puts the chunks of one requirement, in subject order, into one set of
    /// rows; their cells stay where the threads wrote them.
    fn merge(&self, r: RequirementIx, chunks: Vec<Chunk>) -> ReqCells {
        let mut rc = ReqCells { row_of: vec![NO_ROW; self.subjects_of(r) as usize], ..ReqCells::default() };
        rc.rows.reserve_exact(chunks.iter().map(|c| c.rows.len()).sum());
        for (part, chunk) in chunks.into_iter().enumerate() {
            for row in chunk.rows {
                rc.row_of[row.subject as usize] = rc.rows.len() as u32;
                rc.rows.push(Row { part: part as u32, ..row });
            }
            rc.parts.push(Part { cells: chunk.cells, evidence: chunk.evidence });
        }
        rc
    }

    /// Evaluates one requirement on this thread (when a worker was lost).
    fn merge_alone<P: Policy>(&self, r: RequirementIx) -> (ReqCells, [Fenwick; 6]) {
        let rc = self.merge(r, vec![self.evaluate_chunk::<P>(r, 0, self.subjects_of(r))]);
        let fenwick = self.fenwick_for(&rc);
        (rc, fenwick)
    }

    /// The roll-up counters of one requirement: cells by status, counted
    /// under each row's home organization.
    fn fenwick_for(&self, rc: &ReqCells) -> [Fenwick; 6] {
        let n = self.world.orgs.len();
        let mut counts: [Vec<i32>; 6] = std::array::from_fn(|_| Vec::new());
        for row in &rc.rows {
            for c in rc.cells(row) {
                let slot = &mut counts[c.status.slot()];
                if slot.is_empty() {
                    *slot = vec![0i32; n + 1];
                }
                if let Some(count) = slot.get_mut(row.home as usize + 1) {
                    *count += 1;
                }
            }
        }
        counts.map(|c| if c.is_empty() { Fenwick { tree: Vec::new(), n } } else { Fenwick::from_counts(c, n) })
    }
}
