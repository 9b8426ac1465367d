//! Checks a provider's raw JSON before it may stand in for the pattern answer.
//!
//! The top-level fields are all-or-nothing: a wrong intent, confidence or
//! language makes the whole answer [`AiError::Invalid`]. Entities are kept key
//! by key: unknown keys, `null`s and values of the wrong type are dropped (and
//! logged at debug level), because one bad entity should not throw away a good
//! classification.

use serde_json::{Map, Value};

use super::{AiAnswer, AiError};
use crate::INTENTS;

/// The languages an answer may report.
pub const LANGUAGES: [&str; 3] = ["en", "es", "fr"];

/// The entity keys of the fixed `analyze_intent` contract.
pub const ENTITY_KEYS: [&str; 26] = [
    "query",
    "product_ref",
    "sku",
    "quantity",
    "price_min",
    "price_max",
    "price",
    "currency",
    "stock",
    "title",
    "color",
    "category",
    "email",
    "phone",
    "file",
    "quantity_delta",
    "ordinal",
    "anaphora",
    "name",
    "refine",
    "sort",
    "pick",
    "in_stock",
    "more",
    "topic",
    "order_id",
];

/// The values `sort` may take.
pub const SORTS: &[&str] = &["price_asc", "price_desc"];
/// The values `pick` may take.
pub const PICKS: &[&str] = &["cheapest", "dearest"];
/// The values `topic` may take (the shop's help pages).
pub const TOPICS: &[&str] = &[
    "shipping",
    "returns",
    "payment",
    "gift-wrapping",
    "contact",
    "product-care",
    "faq",
];

/// Longest string entity kept, in characters.
const MAX_ENTITY_CHARS: usize = 200;

/// The JSON type an entity key must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntityKind {
    /// A whole number ≥ 0.
    Count,
    /// A whole number, maybe negative (`quantity_delta`, `ordinal`).
    Signed,
    /// `true` or `false`.
    Flag,
    /// One of a fixed set of strings.
    Choice(&'static [&'static str]),
    /// A number ≥ 0.
    Amount,
    /// Three uppercase letters (ISO 4217).
    Currency,
    /// An E.164 phone number.
    Phone,
    /// An e-mail address.
    Email,
    /// An id or name: a string, or a whole number turned into one.
    Reference,
    /// Free text of at most 200 characters.
    Text,
}

/// The kind of entity `key`, or `None` when it is not a contract key.
pub(crate) fn entity_kind(key: &str) -> Option<EntityKind> {
    Some(match key {
        "quantity" | "stock" => EntityKind::Count,
        "price_min" | "price_max" | "price" => EntityKind::Amount,
        "currency" => EntityKind::Currency,
        "phone" => EntityKind::Phone,
        "email" => EntityKind::Email,
        "product_ref" | "sku" | "order_id" => EntityKind::Reference,
        "query" | "title" | "color" | "category" | "file" | "name" => EntityKind::Text,
        "quantity_delta" | "ordinal" => EntityKind::Signed,
        "anaphora" | "refine" | "in_stock" | "more" => EntityKind::Flag,
        "sort" => EntityKind::Choice(SORTS),
        "pick" => EntityKind::Choice(PICKS),
        "topic" => EntityKind::Choice(TOPICS),
        _ => return None,
    })
}

/// Turns a provider's raw answer into an [`AiAnswer`], or says why it cannot.
pub fn validate(raw: Value) -> Result<AiAnswer, AiError> {
    let Value::Object(mut object) = raw else {
        return Err(invalid(format!(
            "expected a JSON object, got {}",
            type_name(&raw)
        )));
    };
    let intent = match object.remove("intent") {
        Some(Value::String(intent)) if INTENTS.contains(&intent.as_str()) => intent,
        Some(Value::String(intent)) => {
            return Err(invalid(format!(
                "intent `{}` is not one of the fixed intent ids",
                clip(&intent, 60)
            )));
        }
        Some(other) => {
            return Err(invalid(format!(
                "intent must be a string, got {}",
                type_name(&other)
            )));
        }
        None => return Err(invalid("intent is missing")),
    };
    let confidence = match object.remove("confidence") {
        Some(Value::Number(n)) => match n.as_f64() {
            Some(c) if (0.0..=1.0).contains(&c) => c,
            _ => return Err(invalid(format!("confidence {n} is not in [0, 1]"))),
        },
        Some(other) => {
            return Err(invalid(format!(
                "confidence must be a number, got {}",
                type_name(&other)
            )));
        }
        None => return Err(invalid("confidence is missing")),
    };
    let language = match object.remove("language") {
        Some(Value::String(language)) if LANGUAGES.contains(&language.as_str()) => language,
        Some(Value::String(language)) => {
            return Err(invalid(format!(
                "language `{}` is not en, es or fr",
                clip(&language, 20)
            )));
        }
        Some(other) => {
            return Err(invalid(format!(
                "language must be a string, got {}",
                type_name(&other)
            )));
        }
        None => return Err(invalid("language is missing")),
    };
    let entities = match object.remove("entities") {
        Some(Value::Object(entities)) => clean_entities(entities),
        Some(other) => {
            return Err(invalid(format!(
                "entities must be an object, got {}",
                type_name(&other)
            )));
        }
        None => return Err(invalid("entities is missing")),
    };
    Ok(AiAnswer {
        intent,
        confidence,
        language,
        entities,
    })
}

/// Keeps the contract keys whose values have the right type, normalised.
fn clean_entities(raw: Map<String, Value>) -> Map<String, Value> {
    let mut kept = Map::new();
    let mut dropped = Vec::new();
    for (key, value) in raw {
        match entity_kind(&key).and_then(|kind| clean_value(kind, value)) {
            Some(value) => {
                kept.insert(key, value);
            }
            None => dropped.push(key),
        }
    }
    if !dropped.is_empty() {
        tracing::debug!(?dropped, "AI answer: entities dropped");
    }
    kept
}

/// The normalised value, or `None` when `value` does not fit `kind`.
fn clean_value(kind: EntityKind, value: Value) -> Option<Value> {
    match kind {
        EntityKind::Count => whole_number(&value).map(Value::from),
        EntityKind::Signed => value
            .as_i64()
            .or_else(|| {
                let f = value.as_f64()?;
                (f.is_finite() && f.fract() == 0.0 && f.abs() <= 1e9).then_some(f as i64)
            })
            .map(Value::from),
        EntityKind::Flag => value.as_bool().map(Value::from),
        EntityKind::Choice(values) => value
            .as_str()
            .filter(|v| values.contains(v))
            .map(Value::from),
        EntityKind::Amount => match value.as_f64() {
            Some(amount) if amount.is_finite() && amount >= 0.0 => Some(value),
            _ => None,
        },
        EntityKind::Currency => match value.as_str() {
            Some(code) if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) => {
                Some(value)
            }
            _ => None,
        },
        EntityKind::Phone => text(&value).and_then(e164).map(Value::String),
        EntityKind::Email => text(&value)
            .filter(|email| looks_like_email(email))
            .map(|email| Value::String(email.to_owned())),
        EntityKind::Reference => match &value {
            Value::Number(_) => whole_number(&value).map(|n| Value::String(n.to_string())),
            _ => text(&value).map(|s| Value::String(s.to_owned())),
        },
        EntityKind::Text => text(&value).map(|s| Value::String(s.to_owned())),
    }
}

/// A JSON integer ≥ 0 (a float with no fraction counts: some models write `2.0`).
fn whole_number(value: &Value) -> Option<u64> {
    if let Some(n) = value.as_u64() {
        return Some(n);
    }
    let f = value.as_f64()?;
    // 2^53: beyond it f64 no longer holds every integer.
    (f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f <= 9_007_199_254_740_992.0)
        .then_some(f as u64)
}

/// A trimmed, non-empty string of at most [`MAX_ENTITY_CHARS`] characters.
fn text(value: &Value) -> Option<&str> {
    let s = value.as_str()?.trim();
    (!s.is_empty() && s.chars().count() <= MAX_ENTITY_CHARS).then_some(s)
}

/// `+` and 8 to 15 digits, once spaces, dots, dashes and brackets are removed.
fn e164(raw: &str) -> Option<String> {
    let compact: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect();
    let digits = compact.strip_prefix('+')?;
    (digits.len() >= 8
        && digits.len() <= 15
        && !digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit()))
    .then_some(compact)
}

/// One `@` with something on each side and a dot in the domain; no spaces.
fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

fn invalid(reason: impl Into<String>) -> AiError {
    AiError::Invalid(reason.into())
}

pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// At most `max` characters of `s`, for quoting model output in errors.
pub(crate) fn clip(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn good() -> Value {
        json!({
            "intent": "basket.add",
            "confidence": 0.82,
            "language": "es",
            "entities": { "quantity": 2, "product_ref": "the second one" }
        })
    }

    fn with(field: &str, value: Value) -> Value {
        let mut raw = good();
        raw[field] = value;
        raw
    }

    fn reason(raw: Value) -> String {
        match validate(raw) {
            Err(AiError::Invalid(reason)) => reason,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn a_good_answer_passes_unchanged() {
        let answer = validate(good()).expect("valid");
        assert_eq!(answer.intent, "basket.add");
        assert_eq!(answer.confidence, 0.82);
        assert_eq!(answer.language, "es");
        assert_eq!(
            Value::Object(answer.entities),
            json!({ "quantity": 2, "product_ref": "the second one" })
        );
    }

    #[test]
    fn every_fixed_intent_is_accepted_and_others_are_not() {
        for intent in INTENTS {
            assert_eq!(
                validate(with("intent", json!(intent)))
                    .expect("fixed id")
                    .intent,
                intent
            );
        }
        for bad in ["basket.clear", "BASKET.ADD", "", "admin"] {
            assert!(
                reason(with("intent", json!(bad))).contains("intent"),
                "{bad}"
            );
        }
        assert!(reason(with("intent", json!(3))).contains("string"));
    }

    #[test]
    fn confidence_must_be_a_number_in_the_unit_interval() {
        for ok in [json!(0), json!(1), json!(0.5), json!(1.0)] {
            assert!(validate(with("confidence", ok.clone())).is_ok(), "{ok}");
        }
        for bad in [json!(1.5), json!(-0.1), json!("0.9"), json!(null)] {
            assert!(
                reason(with("confidence", bad.clone())).contains("confidence"),
                "{bad}"
            );
        }
    }

    #[test]
    fn language_is_one_of_three() {
        for bad in [json!("de"), json!("EN"), json!("en-GB"), json!(null)] {
            assert!(
                reason(with("language", bad.clone())).contains("language"),
                "{bad}"
            );
        }
    }

    #[test]
    fn missing_fields_and_non_objects_are_invalid() {
        for field in ["intent", "confidence", "language", "entities"] {
            let mut raw = good();
            raw.as_object_mut().expect("object").remove(field);
            assert!(reason(raw).contains(field), "{field}");
        }
        assert!(reason(with("entities", json!([]))).contains("entities"));
        assert!(reason(json!("basket.add")).contains("object"));
        assert!(reason(json!(null)).contains("object"));
    }

    #[test]
    fn extra_top_level_fields_are_ignored() {
        assert!(validate(with("reasoning", json!("because"))).is_ok());
    }

    #[test]
    fn unknown_entity_keys_and_wrong_types_are_dropped() {
        let raw = with(
            "entities",
            json!({
                "quantity": "two",
                "stock": -1,
                "price_max": 30,
                "price_min": "10",
                "price": -4.5,
                "currency": "eur",
                "colour": "red",
                "color": "red",
                "title": "x".repeat(201),
                "category": "  ",
                "query": null,
                "sku": "MUS-001",
                "email": "not an email",
                "file": ["a.csv"],
                "api_key": "sk-123"
            }),
        );
        let answer = validate(raw).expect("valid despite bad entities");
        assert_eq!(
            Value::Object(answer.entities),
            json!({ "price_max": 30, "color": "red", "sku": "MUS-001" })
        );
    }

    #[test]
    fn entity_values_are_normalised() {
        let raw = with(
            "entities",
            json!({
                "quantity": 3.0,
                "stock": 12,
                "price": 49.9,
                "currency": "EUR",
                "product_ref": 42,
                "query": "  mugs  ",
                "phone": "+34 600 12-34-56",
                "email": "ana@example.es",
                "title": "x".repeat(200)
            }),
        );
        let entities = validate(raw).expect("valid").entities;
        assert_eq!(entities["quantity"], json!(3));
        assert_eq!(entities["stock"], json!(12));
        assert_eq!(entities["price"], json!(49.9));
        assert_eq!(entities["currency"], json!("EUR"));
        assert_eq!(entities["product_ref"], json!("42"));
        assert_eq!(entities["query"], json!("mugs"));
        assert_eq!(entities["phone"], json!("+34600123456"));
        assert_eq!(entities["email"], json!("ana@example.es"));
        assert_eq!(entities["title"].as_str().map(str::len), Some(200));
    }

    #[test]
    fn bad_phones_and_counts_are_dropped() {
        for phone in ["600123456", "+0034600", "+12", "+34 600 abc"] {
            let raw = with("entities", json!({ "phone": phone }));
            assert!(validate(raw).expect("valid").entities.is_empty(), "{phone}");
        }
        for quantity in [json!(1.5), json!(-2), json!(true), json!(1e300)] {
            let raw = with("entities", json!({ "quantity": quantity }));
            assert!(
                validate(raw).expect("valid").entities.is_empty(),
                "{quantity}"
            );
        }
    }

    #[test]
    fn conversational_entities_are_typed() {
        let raw = with(
            "entities",
            json!({
                "quantity_delta": -1,
                "ordinal": 2.0,
                "anaphora": true,
                "refine": "yes",
                "sort": "price_asc",
                "pick": "priciest",
                "topic": "returns",
                "in_stock": true,
                "more": 1,
                "name": "great wave mug",
                "order_id": "ord_123"
            }),
        );
        let entities = validate(raw).expect("valid").entities;
        assert_eq!(
            Value::Object(entities),
            json!({
                "quantity_delta": -1,
                "ordinal": 2,
                "anaphora": true,
                "sort": "price_asc",
                "topic": "returns",
                "in_stock": true,
                "name": "great wave mug",
                "order_id": "ord_123"
            })
        );
    }

    #[test]
    fn every_contract_key_has_a_kind() {
        for key in ENTITY_KEYS {
            assert!(entity_kind(key).is_some(), "{key}");
        }
        assert_eq!(entity_kind("products"), None);
    }

    #[test]
    fn long_model_output_is_clipped_in_reasons() {
        let reason = reason(with("intent", json!("z".repeat(5000))));
        assert!(reason.len() < 200, "{reason}");
    }
}
