//! The two rules the property test deliberately breaks, as a type parameter
//! of the evaluation: whether a meeting with a quorum counts, and the
//! late-entry window. The evaluation is generic over [`Policy`], so the
//! choice is made once per evaluation (or recomputed row), never inside the
//! loops over activities and periods.
//!
//! The product has one policy, [`Product`], whose functions are the identity
//! and compile away. The wrong variants and [`Mutation`], which picks one of
//! them, exist only with the `mutants` feature, which only the crate's own
//! tests enable; they show that the property test catches a wrong engine.

use crate::catalogue::LateWindow;

/// How the evaluation reads the rules a mutant may bend.
pub(super) trait Policy {
    /// Whether a meeting counts as held with a quorum, given whether more
    /// than half of those expected were present.
    fn counts_as_quorate(has_quorum: bool) -> bool;

    /// The late-entry window applied after a period, given the catalogue's.
    fn late_window(window: LateWindow) -> LateWindow;
}

/// The rules as the documents state them.
pub(super) enum Product {}

impl Policy for Product {
    #[inline(always)]
    fn counts_as_quorate(has_quorum: bool) -> bool {
        has_quorum
    }

    #[inline(always)]
    fn late_window(window: LateWindow) -> LateWindow {
        window
    }
}

/// Deliberately wrong variants of the engine, for showing that the property
/// test catches them (feature `mutants`, never enabled in the product).
#[cfg(feature = "mutants")]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mutation {
    #[default]
    None,
    /// Meetings count when they lack a quorum, and not when they have one.
    QuorumFlipped,
    /// Unmet periods go straight from due to missed.
    NoLateWindow,
}

/// [`Mutation::QuorumFlipped`].
#[cfg(feature = "mutants")]
pub(super) enum QuorumFlipped {}

#[cfg(feature = "mutants")]
impl Policy for QuorumFlipped {
    fn counts_as_quorate(has_quorum: bool) -> bool {
        !has_quorum
    }

    fn late_window(window: LateWindow) -> LateWindow {
        window
    }
}

/// [`Mutation::NoLateWindow`].
#[cfg(feature = "mutants")]
pub(super) enum NoLateWindow {}

#[cfg(feature = "mutants")]
impl Policy for NoLateWindow {
    fn counts_as_quorate(has_quorum: bool) -> bool {
        has_quorum
    }

    fn late_window(window: LateWindow) -> LateWindow {
        LateWindow { days: 0, ..window }
    }
}

/// Calls `$engine.$method::<P>($args)` with the policy of the engine's
/// mutation: always [`Product`] without the `mutants` feature.
macro_rules! with_policy {
    ($engine:expr, $method:ident ( $($arg:expr),* )) => {{
        #[cfg(feature = "mutants")]
        {
            match $engine.mutation {
                $crate::engine::policy::Mutation::None => $engine.$method::<$crate::engine::policy::Product>($($arg),*),
                $crate::engine::policy::Mutation::QuorumFlipped => {
                    $engine.$method::<$crate::engine::policy::QuorumFlipped>($($arg),*)
                }
                $crate::engine::policy::Mutation::NoLateWindow => {
                    $engine.$method::<$crate::engine::policy::NoLateWindow>($($arg),*)
                }
            }
        }
        #[cfg(not(feature = "mutants"))]
        {
            $engine.$method::<$crate::engine::policy::Product>($($arg),*)
        }
    }};
}
pub(super) use with_policy;
