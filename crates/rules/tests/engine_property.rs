//! The engine against a brute-force reference that shares no code with it,
//! over thousands of generated worlds: full evaluation equals the reference,
//! incremental updates equal full evaluation, roll-ups equal counted cells,
//! and deliberately wrong engines are caught.
#![allow(clippy::unwrap_used)]

mod support;

use proptest::prelude::*;
use rules::catalogue::Catalogue;
use rules::{Calendar, Cell, Engine, Mutation, Status, Subject};
use seeded::Seeded;
use std::sync::OnceLock;
use support::reference::{self, RefCell};
use support::worlds;

fn catalogue() -> &'static Catalogue {
    static CAT: OnceLock<Catalogue> = OnceLock::new();
    CAT.get_or_init(|| Catalogue::embedded().unwrap())
}

fn as_ref_cells(cells: Vec<Cell>) -> Vec<RefCell> {
    let mut out: Vec<RefCell> = cells
        .into_iter()
        .map(|c| RefCell {
            requirement: c.requirement,
            subject: match c.subject {
                Subject::Org(o) => (0, o),
                Subject::Person(p) => (1, p),
            },
            period: c.period.label(),
            status: c.status.code(),
            why: c.why.code(),
            found: c.found,
            needed: c.needed,
            evidence: c.evidence,
        })
        .collect();
    out.sort();
    out
}

fn full(case: &worlds::Case) -> Engine {
    Engine::new(catalogue(), Calendar::default(), case.world.clone(), &case.settings, 2025, case.as_of).unwrap()
}

fn first_difference(a: &[RefCell], b: &[RefCell]) -> String {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return format!("engine {x:?}\nreference {y:?}");
        }
    }
    format!("lengths {} and {}", a.len(), b.len())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn full_evaluation_equals_the_reference(seed in any::<u64>()) {
        let case = worlds::generate(catalogue(), seed);
        let engine = as_ref_cells(full(&case).cells());
        let expected = reference::evaluate(catalogue(), &case.world, &case.settings, 2025, case.as_of);
        prop_assert!(engine == expected, "seed {seed}: {}", first_difference(&engine, &expected));
    }

    #[test]
    fn incremental_updates_equal_full_evaluation(seed in any::<u64>()) {
        let case = worlds::generate(catalogue(), seed);
        let mut r = Seeded::new(seed ^ 0x5eed);
        // Start from a world where some activities are missing and others differ.
        let mut start = case.world.clone();
        let theory = catalogue().agenda_kind("theory_study").unwrap();
        let (n_orgs, n_people) = (start.orgs.len() as u32, start.people.len() as u32);
        for slot in start.activities.iter_mut() {
            match r.below(3u64) {
                0 => *slot = None,
                1 => *slot = Some(worlds::activity(catalogue(), &mut r, n_orgs, n_people, theory)),
                _ => {}
            }
        }
        let extra = r.below(4u64) as usize;
        for _ in 0..extra {
            start.activities.push(Some(worlds::activity(catalogue(), &mut r, n_orgs, n_people, theory)));
        }
        let mut engine = Engine::new(catalogue(), Calendar::default(), start, &case.settings, 2025, case.as_of).unwrap();
        // Bring every slot to its final state in a shuffled order.
        let total = case.world.activities.len() + extra;
        let mut order: Vec<usize> = (0..total).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, r.below(i as u64 + 1) as usize);
        }
        for ix in order {
            match case.world.activities.get(ix).cloned().flatten() {
                Some(fact) => engine.upsert_activity(ix as u32, fact).unwrap(),
                None => engine.remove_activity(ix as u32),
            }
        }
        let incremental = as_ref_cells(engine.cells());
        let expected = as_ref_cells(full(&case).cells());
        prop_assert!(incremental == expected, "seed {seed}: {}", first_difference(&incremental, &expected));
        // Roll-ups agree with the cells under each organization.
        for org in 0..n_orgs {
            let rollup = engine.rollup(org);
            for (req, counts) in rollup.counts.iter().enumerate() {
                for (s, status) in Status::ALL.iter().enumerate() {
                    let counted = engine.cells_in(org).iter().filter(|c| usize::from(c.requirement) == req && c.status == *status).count() as u64;
                    prop_assert_eq!(counts[s], counted, "seed {} org {} req {} {:?}", seed, org, req, status);
                }
            }
        }
    }
}

/// Each deliberately wrong engine disagrees with the reference on some world.
#[test]
fn the_property_test_catches_wrong_engines() {
    for mutation in [Mutation::QuorumFlipped, Mutation::NoLateWindow] {
        let caught = (0..3000u64).any(|seed| {
            let case = worlds::generate(catalogue(), seed);
            let wrong = as_ref_cells(full(&case).with_mutation(mutation).cells());
            wrong != reference::evaluate(catalogue(), &case.world, &case.settings, 2025, case.as_of)
        });
        assert!(caught, "{mutation:?} was not caught");
    }
}

/// The generated worlds reach every status and nearly every reason, so the
/// comparisons above are not vacuous.
#[test]
fn generated_worlds_cover_every_status_and_reason() {
    let mut statuses = std::collections::BTreeMap::new();
    let mut whys = std::collections::BTreeMap::new();
    for seed in 0..400u64 {
        let case = worlds::generate(catalogue(), seed);
        for c in full(&case).cells() {
            *statuses.entry(c.status.code()).or_insert(0u32) += 1;
            *whys.entry(c.why.code()).or_insert(0u32) += 1;
        }
    }
    for s in Status::ALL {
        assert!(statuses.get(s.code()).copied().unwrap_or(0) > 10, "status {} is rare: {statuses:?}", s.code());
    }
    assert!(whys.len() >= 15, "reasons seen: {whys:?}");
}
