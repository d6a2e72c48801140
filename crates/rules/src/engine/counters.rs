//! The roll-up counters: Fenwick trees of cell counts over the organizations
//! in pre-order, so that any subtree's count is two prefix sums.

/// A Fenwick tree of counts over organizations in pre-order. A tree with
/// no count yet holds no memory; it is allocated on the first count.
#[derive(Clone, Default)]
pub(super) struct Fenwick {
    pub(super) tree: Vec<i32>,
    /// The number of organizations.
    pub(super) n: usize,
}

impl Fenwick {
    /// Builds the tree in place from counts at 1-based positions
    /// (`counts[0]` unused, `counts.len()` = organizations + 1).
    pub(super) fn from_counts(mut counts: Vec<i32>, n: usize) -> Self {
        if counts.iter().all(|c| *c == 0) {
            return Fenwick { tree: Vec::new(), n };
        }
        for i in 1..counts.len() {
            let j = i + (i & i.wrapping_neg());
            if j < counts.len() {
                let v = counts[i];
                counts[j] += v;
            }
        }
        Fenwick { tree: counts, n }
    }

    #[inline]
    pub(super) fn add(&mut self, at: u32, delta: i32) {
        if self.tree.is_empty() {
            self.tree = vec![0; self.n + 1];
        }
        let mut i = at as usize + 1;
        while i < self.tree.len() {
            self.tree[i] += delta;
            i += i & i.wrapping_neg();
        }
    }

    #[inline]
    pub(super) fn prefix(&self, end: u32) -> i64 {
        let mut i = (end as usize).min(self.tree.len().saturating_sub(1));
        let mut s = 0i64;
        while i > 0 {
            s += i64::from(self.tree[i]);
            i -= i & i.wrapping_neg();
        }
        s
    }
}
