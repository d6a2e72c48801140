//! The citizen identity number (公民身份号码, GB 11643-1999): 18 characters,
//! a region code, the birth date, a sequence code whose last digit gives the
//! sex, and an ISO 7064 MOD 11-2 check character.
//!
//! The value is personal data: it is never formatted by `Debug` or `Display`,
//! only through [`IdNumber::masked`] or explicitly with [`IdNumber::expose`].

use crate::error::{Field, FieldError, Problem};
use crate::person::Sex;
use chrono::NaiveDate;
use std::fmt;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [u8; 11] = *b"10X98765432";

/// A validated identity number.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

impl IdNumber {
    /// Validates length, digits, birth date and check character. A lowercase
    /// `x` is accepted and stored as `X`.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim().to_ascii_uppercase();
        if s.is_empty() {
            return Err(FieldError::new(Field::IdNumber, Problem::Required, raw));
        }
        let bytes = s.as_bytes();
        let shape_ok = bytes.len() == 18 && bytes[..17].iter().all(u8::is_ascii_digit) && (bytes[17].is_ascii_digit() || bytes[17] == b'X');
        if !shape_ok || birth_date_of(&s).is_none() {
            return Err(FieldError::new(Field::IdNumber, Problem::BadIdNumber, raw));
        }
        if check_char(&bytes[..17]) != bytes[17] {
            return Err(FieldError::new(Field::IdNumber, Problem::BadCheckDigit, raw));
        }
        Ok(IdNumber(s))
    }

    /// Completes 17 digits with their check character (used to make demo data).
    pub fn with_check_char(first17: &str) -> Option<Self> {
        let b = first17.as_bytes();
        if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let mut s = first17.to_owned();
        s.push(check_char(b) as char);
        IdNumber::parse(&s).ok()
    }

    pub fn birth_date(&self) -> NaiveDate {
        birth_date_of(&self.0).unwrap_or(NaiveDate::MIN)
    }

    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 { Sex::Male } else { Sex::Female }
    }

    /// `110***********1234`: the first three and the last four characters.
    pub fn masked(&self) -> String {
        format!("{}***********{}", &self.0[..3], &self.0[14..])
    }

    /// The full number, for encryption, keyed hashing and export only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    CHECK[(sum % 11) as usize]
}

fn birth_date_of(s: &str) -> Option<NaiveDate> {
    let y = s.get(6..10)?.parse().ok()?;
    let m = s.get(10..12)?.parse().ok()?;
    let d = s.get(12..14)?.parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d).filter(|d| *d >= NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN))
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 11010519491231002X is the standard's own worked example.
    #[test]
    fn the_standards_example_is_valid() {
        let id = IdNumber::parse("11010519491231002x").unwrap();
        assert_eq!(id.expose(), "11010519491231002X");
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.masked(), "110***********002X");
        assert!(!format!("{id:?}").contains("19491231"));
    }

    #[test]
    fn a_wrong_check_digit_is_named() {
        assert_eq!(IdNumber::parse("110105194912310021").unwrap_err().problem, Problem::BadCheckDigit);
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for s in ["", "123", "1101051949123100211", "11010519491331002X", "1101051949123100X2", "１１0105194912310021"] {
            assert!(IdNumber::parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn completing_seventeen_digits_gives_a_valid_number() {
        let id = IdNumber::with_check_char("32010219850712341").unwrap();
        assert!(IdNumber::parse(id.expose()).is_ok());
        assert_eq!(id.sex(), Sex::Male);
    }
}
