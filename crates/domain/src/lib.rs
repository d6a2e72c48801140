//! The domain of Changxiao: organizations, people and the values they are made
//! of, as types that cannot hold invalid values ("parse, don't validate").
//!
//! Nothing here performs I/O; storage, the web and the command line build on it.
#![forbid(unsafe_code)]

pub mod access;
pub mod activity_sheet;
pub mod coded;
pub mod columns;
pub mod dates;
pub mod error;
pub mod id;
pub mod id_number;
pub mod message;
pub mod org;
pub mod org_sheet;
pub mod person;
pub mod province;
pub mod roster;
pub mod sheet;
pub mod text;

pub use dates::PartialDate;
pub use error::{Field, FieldError, Problem};
pub use id::Id;
pub use id_number::IdNumber;
pub use message::{Arg, Message};
pub use org::{OrgKind, OrgLevel, Organization, UnitType};
pub use person::{CadreRank, MemberCategory, MemberStatus, Person, PhoneNumber, PositionKind, Sex};
pub use province::ProvinceCode;
pub use text::{Name, Text};
