//! Personal content inside audit entries, sealed with the personal-data key.
//!
//! Before an entry is hashed and stored, the value of every personal field
//! of its record (absence reasons, minutes, dates of birth, contact details;
//! [`PERSONAL_FIELDS`]), wherever it sits in the before/after JSON, is
//! replaced by `{"sealed": <ciphertext>, "fp": <keyed fingerprint>}`. The
//! chain covers the sealed form, so it verifies without the key. The field's
//! name stays visible; two sealed values are equal exactly when their
//! fingerprints are, so a reader without the key still sees which fields
//! changed. [`unseal`] gives the content back to whoever holds the key.

use crate::PiiKeys;
use serde_json::{Map, Value};

/// The fields whose values are personal content, by name, at any depth.
pub const PERSONAL_FIELDS: &[&str] =
    &["absence_reason", "minutes", "birth_date", "phone", "phone_masked", "id_number_masked", "email", "findings", "reason"];

const SEALED: &str = "sealed";
const FINGERPRINT: &str = "fp";

/// The JSON with every personal value sealed (null values stay null).
pub fn seal(keys: &PiiKeys, value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = if PERSONAL_FIELDS.contains(&k.as_str()) && !v.is_null() && !is_sealed(&v) {
                        seal_one(keys, &k, &v)
                    } else {
                        seal(keys, v)
                    };
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(|v| seal(keys, v)).collect()),
        other => other,
    }
}

fn seal_one(keys: &PiiKeys, field: &str, value: &Value) -> Value {
    let plain = value.to_string();
    let mut fingerprint = keys.fingerprint(&format!("{field}\u{1f}{plain}"));
    fingerprint.truncate(16);
    let mut map = Map::new();
    map.insert(SEALED.to_owned(), Value::String(keys.encrypt(&plain)));
    map.insert(FINGERPRINT.to_owned(), Value::String(fingerprint));
    Value::Object(map)
}

/// Whether a value is a sealed personal value.
pub fn is_sealed(value: &Value) -> bool {
    value.as_object().is_some_and(|m| m.len() == 2 && m.get(SEALED).is_some_and(Value::is_string) && m.contains_key(FINGERPRINT))
}

/// Whether the JSON holds any sealed value.
pub fn holds_sealed(value: &Value) -> bool {
    match value {
        _ if is_sealed(value) => true,
        Value::Object(map) => map.values().any(holds_sealed),
        Value::Array(items) => items.iter().any(holds_sealed),
        _ => false,
    }
}

/// The JSON with every sealed value opened with `keys`; a value that does
/// not open (another key) stays sealed.
pub fn unseal(keys: &PiiKeys, value: Value) -> Value {
    if is_sealed(&value) {
        let opened = value
            .get(SEALED)
            .and_then(Value::as_str)
            .and_then(|c| keys.decrypt(c).ok())
            .and_then(|plain| serde_json::from_str::<Value>(&plain).ok());
        return opened.unwrap_or(value);
    }
    match value {
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, unseal(keys, v))).collect()),
        Value::Array(items) => Value::Array(items.into_iter().map(|v| unseal(keys, v)).collect()),
        other => other,
    }
}

/// The JSON with every sealed value replaced by `marker`, for readers
/// who may not see the content.
pub fn conceal(value: &Value, marker: &str) -> Value {
    if is_sealed(value) {
        return Value::String(marker.to_owned());
    }
    match value {
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), conceal(v, marker))).collect()),
        Value::Array(items) => Value::Array(items.iter().map(|v| conceal(v, marker)).collect()),
        other => other.clone(),
    }
}

/// The top-level fields whose values differ between `before` and `after`
/// (sealed values compared by fingerprint), in name order.
pub fn changed_fields(before: Option<&Value>, after: Option<&Value>) -> Vec<String> {
    let empty = Map::new();
    let b = before.and_then(Value::as_object).unwrap_or(&empty);
    let a = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut names: Vec<String> = b.keys().chain(a.keys()).cloned().collect();
    names.sort();
    names.dedup();
    names.retain(|name| comparable(b.get(name)) != comparable(a.get(name)));
    names
}

/// A value with every sealed part reduced to its fingerprint.
fn comparable(value: Option<&Value>) -> Option<Value> {
    fn strip(v: &Value) -> Value {
        if is_sealed(v) {
            return v.get(FINGERPRINT).cloned().unwrap_or(Value::Null);
        }
        match v {
            Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), strip(v))).collect()),
            Value::Array(items) => Value::Array(items.iter().map(strip).collect()),
            other => other.clone(),
        }
    }
    value.map(strip)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keys() -> PiiKeys {
        PiiKeys::from_hex(&"3c".repeat(64), "test").unwrap()
    }

    #[test]
    fn personal_values_are_sealed_at_any_depth_and_open_with_the_key() {
        let before = json!({"title": "三会一课", "minutes": "讨论了张三的病情", "participants": [{"person_id": "p1", "absence_reason": "住院治疗"}]});
        let sealed = seal(&keys(), before.clone());
        let text = sealed.to_string();
        assert!(!text.contains("病情") && !text.contains("住院治疗") && text.contains("三会一课"), "{text}");
        assert!(holds_sealed(&sealed));
        assert_eq!(unseal(&keys(), sealed.clone()), before);
        let other = PiiKeys::from_hex(&"4d".repeat(64), "test").unwrap();
        assert!(holds_sealed(&unseal(&other, sealed.clone())), "another key opens nothing");
        assert_eq!(conceal(&sealed, "*")["participants"][0]["absence_reason"], json!("*"));
    }

    #[test]
    fn changed_fields_compare_sealed_values_by_fingerprint() {
        let k = keys();
        let before = seal(&k, json!({"minutes": "甲", "birth_date": "1970-03-07", "name": "王"}));
        let after = seal(&k, json!({"minutes": "乙", "birth_date": "1970-03-07", "name": "王"}));
        assert_eq!(changed_fields(Some(&before), Some(&after)), vec!["minutes".to_owned()]);
        assert_eq!(changed_fields(None, Some(&after)), vec!["birth_date", "minutes", "name"]);
        assert_eq!(seal(&k, json!({"minutes": null})), json!({"minutes": null}));
    }
}
