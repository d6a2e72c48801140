//! The rules of Changxiao: the requirement catalogue (the documents'
//! "systems" as data), period arithmetic, working-day calendars and the
//! evaluation engine that turns (catalogue, tree, activities, exemptions,
//! as-of date) into cells saying what is met, due, overdue or missed, and why.
//!
//! Everything here is pure: files are passed in as text, nothing is read or
//! written, and the same input always gives the same cells. (The
//! province-sized dataset the engine is benchmarked on is generated and
//! written by the `province-gen` crate, outside.) The engine's deliberately
//! wrong variants exist only with the `mutants` feature, which only this
//! crate's tests enable.
#![forbid(unsafe_code)]

pub mod calendar;
pub mod catalogue;
pub mod engine;
pub mod period;
pub mod settings;
pub mod vocabulary;
pub mod why;
pub mod world;

pub use calendar::{Calendar, CalendarError};
pub use catalogue::{Catalogue, CatalogueError, Requirement, RequirementIx};
#[cfg(feature = "mutants")]
pub use engine::Mutation;
pub use engine::{Cell, Engine, Rollup, Status, Subject};
pub use period::{Period, PeriodKind};
pub use settings::{Exemption, LocalSetting, Settings};
pub use world::{ActivityFact, MembershipFact, OrgFact, PersonFact, PositionFact, Voters, World};
