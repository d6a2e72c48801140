//! Provinces by their administrative division code (GB/T 2260): the two
//! digits that open every citizen ID number and every division code below
//! province level (11 Beijing … 65 Xinjiang, 71 Taiwan, 81 Hong Kong,
//! 82 Macao).

use crate::error::{Field, FieldError, Problem};
use std::fmt;

/// The codes of the provincial-level divisions.
const CODES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// A province's two-digit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProvinceCode(u8);

impl ProvinceCode {
    /// Reads two digits, or the first two of a longer division code
    /// (`510000`, `512823`), naming `field` if they are not a province's.
    pub fn parse(field: Field, raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(FieldError::new(field, Problem::Required, raw));
        }
        let digits = s.get(..2).filter(|d| d.bytes().all(|b| b.is_ascii_digit()) && s.bytes().all(|b| b.is_ascii_digit()));
        match digits.and_then(|d| d.parse::<u8>().ok()).filter(|n| CODES.contains(n)) {
            Some(n) if s.len() == 2 || s.len() == 6 => Ok(ProvinceCode(n)),
            _ => Err(FieldError::new(field, Problem::rule("province-code-bad"), raw)),
        }
    }

    pub fn number(self) -> u8 {
        self.0
    }
}

impl fmt::Display for ProvinceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Id;

    #[test]
    fn codes_read_two_digits_or_a_division_code_and_give_one_id_each() {
        let sichuan = ProvinceCode::parse(Field::Organization, "51").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ProvinceCode::parse(Field::Organization, "512823"), Ok(sichuan));
        assert_eq!(sichuan.to_string(), "51");
        for bad in ["", "5", "10", "99", "5128", "ab", "51x", " 24 "] {
            assert!(ProvinceCode::parse(Field::Organization, bad).is_err(), "{bad:?}");
        }
        let beijing = ProvinceCode::parse(Field::Organization, "11").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Id::of_province(sichuan), Id::of_province(sichuan));
        assert_ne!(Id::of_province(sichuan), Id::of_province(beijing));
        assert!(Id::parse(Id::of_province(sichuan).as_str()).is_some());
    }
}
