//! Opaque record identifiers: UUIDv7 in its 32-character simple form.
//!
//! Ids are time-ordered (so indexes stay compact) but callers must treat them
//! as opaque strings in URLs and JSON.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The id of any record (organization, person, membership, audit entry...).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id(String);

impl Id {
    /// A fresh id from the clock and the operating system's randomness.
    pub fn generate() -> Self {
        Id(uuid::Uuid::now_v7().simple().to_string())
    }

    /// A deterministic id from a millisecond timestamp and 10 random bytes,
    /// for reproducible data such as the demo.
    pub fn from_parts(unix_millis: u64, random: [u8; 10]) -> Self {
        let uuid = uuid::Builder::from_unix_timestamp_millis(unix_millis, &random).into_uuid();
        Id(uuid.simple().to_string())
    }

    /// The id that stands for a province in every deployment: derived from
    /// its two-digit code (GB/T 2260), so that the records of deployments
    /// below province level carry the same `province_id` and can later be
    /// gathered into one province database.
    pub fn of_province(code: crate::ProvinceCode) -> Self {
        let mut random = [0u8; 10];
        random[9] = code.number();
        Self::from_parts(0, random)
    }

    /// Accepts an id received from outside: 32 lowercase hex digits.
    pub fn parse(s: &str) -> Option<Self> {
        if s.len() == 32 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) { Some(Id(s.to_owned())) } else { None }
    }

    /// Wraps a value read back from storage, where it was validated on the way in.
    pub fn from_stored(s: String) -> Self {
        Id(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_parse_back_and_deterministic_ids_repeat() {
        let id = Id::generate();
        assert_eq!(Id::parse(id.as_str()), Some(id));
        let a = Id::from_parts(1_700_000_000_123, [7; 10]);
        let b = Id::from_parts(1_700_000_000_123, [7; 10]);
        assert_eq!(a, b);
        assert!(Id::parse(a.as_str()).is_some());
        assert!(Id::parse("../etc/passwd").is_none());
        assert!(Id::parse("ABCDEF0123456789ABCDEF0123456789").is_none());
    }
}
