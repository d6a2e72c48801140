//! Indexes from a key (organization or person) to activity numbers: built
//! once per engine by counting sort, so a key's activities are one slice,
//! with activities recorded since kept beside it. An index may hold stale
//! entries after edits (an activity moved to another host, or deleted);
//! every reader checks each activity against the world again.

use std::collections::BTreeMap;

/// An index from a key (organization or person) to activity numbers, built
/// once by counting sort, with additions kept beside it. Entries may be
/// stale after edits; readers re-check each activity.
#[derive(Default)]
pub(super) struct Index {
    offsets: Vec<u32>,
    items: Vec<u32>,
    extra: BTreeMap<u32, Vec<u32>>,
}

impl Index {
    /// Keys outside `0..keys` are left out (the world is checked beside
    /// the build, not before it).
    pub(super) fn build(keys: usize, pairs: impl Fn(&mut dyn FnMut(u32, u32))) -> Self {
        let mut counts = vec![0u32; keys + 1];
        pairs(&mut |k, _| {
            if let Some(c) = counts.get_mut(k as usize + 1) {
                *c += 1;
            }
        });
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let mut items = vec![0u32; counts[keys] as usize];
        let mut next = counts.clone();
        pairs(&mut |k, a| {
            if (k as usize) < keys {
                let slot = &mut next[k as usize];
                items[*slot as usize] = a;
                *slot += 1;
            }
        });
        Index { offsets: counts, items, extra: BTreeMap::new() }
    }

    #[inline]
    pub(super) fn base(&self, from: u32, to: u32) -> &[u32] {
        let lo = self.offsets.get(from as usize).copied().unwrap_or(0) as usize;
        let hi = self.offsets.get(to as usize).copied().unwrap_or(0) as usize;
        self.items.get(lo..hi).unwrap_or(&[])
    }

    /// Activities under keys `from..to` (may repeat and may be stale).
    #[inline]
    pub(super) fn collect(&self, from: u32, to: u32, out: &mut Vec<u32>) {
        out.extend_from_slice(self.base(from, to));
        for (_, list) in self.extra.range(from..to) {
            out.extend_from_slice(list);
        }
    }

    pub(super) fn add(&mut self, key: u32, activity: u32) {
        if self.base(key, key + 1).binary_search(&activity).is_ok() {
            return;
        }
        let list = self.extra.entry(key).or_default();
        if !list.contains(&activity) {
            list.push(activity);
        }
    }
}
