//! A macro for the closed vocabularies of the domain (levels, kinds,
//! categories...): each value has a stable snake_case code, used in the
//! database, the API and the locale keys, and the words accepted for it in
//! spreadsheets. Display labels live in `locales/`, not here.

/// Defines an enum whose values have a code and accepted spreadsheet words.
#[macro_export]
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident, $field:expr, { $($(#[$vmeta:meta])* $variant:ident => $code:literal [$($alias:literal),*]),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code, as stored and as used in the API.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Reads a code (any case) or one of the accepted Chinese words.
            pub fn parse(raw: &str) -> Result<Self, $crate::error::FieldError> {
                let s = raw.trim();
                $(
                    if s.eq_ignore_ascii_case($code) $(|| s == $alias)* {
                        return Ok($name::$variant);
                    }
                )+
                let problem = if s.is_empty() {
                    $crate::error::Problem::Required
                } else {
                    $crate::error::Problem::UnknownValue { allowed: Self::allowed() }
                };
                Err($crate::error::FieldError::new($field, problem, raw))
            }

            /// The Chinese word written for this value in spreadsheets (the
            /// first accepted word, or the code if there is none).
            pub fn word(self) -> &'static str {
                match self { $($name::$variant => { let words: &[&str] = &[$($alias),*]; words.first().copied().unwrap_or($code) }),+ }
            }

            /// The values accepted, for error messages.
            pub fn allowed() -> String {
                Self::ALL.iter().map(|v| v.word()).collect::<Vec<_>>().join("、")
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code() == s)
                    .ok_or_else(|| serde::de::Error::custom(format!("unknown value '{}'", s)))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
