//! OpenAPI schemas of the domain's closed vocabularies: each is a string
//! enum listing the stable codes, generated from the domain type itself so
//! the description cannot drift from what the API accepts.

use std::borrow::Cow;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

macro_rules! code_schema {
    ($(#[$meta:meta])* $name:ident, $domain:ty, $description:literal) => {
        $(#[$meta])*
        #[doc = $description]
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some($description))
                    .enum_values(Some(<$domain>::ALL.iter().map(|v| v.code())))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    };
}

code_schema!(OrgLevel, domain::OrgLevel, "The level at which an organization stands.");
code_schema!(OrgKind, domain::OrgKind, "The kind of organization (committee, branch, group of members, ...).");
code_schema!(UnitType, domain::UnitType, "The kind of unit a grassroots organization is set up in.");
code_schema!(Sex, domain::Sex, "Sex, as in the ID number.");
code_schema!(MemberCategory, domain::MemberCategory, "Full or probationary member.");
code_schema!(MemberStatus, domain::MemberStatus, "Where the member stands now.");
code_schema!(CadreRank, domain::CadreRank, "The cadre rank, `none` if none.");
code_schema!(PositionKind, domain::PositionKind, "A position held in the member's organization.");

/// A date whose day may be unknown: `YYYY-MM-DD` or `YYYY-MM`.
pub struct PartialDate;

impl utoipa::PartialSchema for PartialDate {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r"^\d{4}-\d{2}(-\d{2})?$"))
            .description(Some("A date, `YYYY-MM-DD`, or `YYYY-MM` when the day is unknown."))
            .examples(["1995-07-01", "1985-07"])
            .into()
    }
}

impl utoipa::ToSchema for PartialDate {}

/// A record id: an opaque string (today 32 lowercase hex digits).
pub struct RecordId;

impl utoipa::PartialSchema for RecordId {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("An opaque record id."))
            .examples(["0192f5c3a1b27c3e9d4f5a6b7c8d9e0f"])
            .into()
    }
}

impl utoipa::ToSchema for RecordId {}
