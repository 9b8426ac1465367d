//! The `resolve_turn` contract: a dialog engine whose rules could not read a
//! message asks a model what the message does to the conversation's state.
//!
//! The caller sends the message and the products the conversation knows
//! (listed, in focus, in the basket, offered in a question), each under an
//! opaque reference it chose (`p1`, `p2`…); it never sends product ids, so a
//! model cannot name a product that is not in the state. The answer is one
//! [`TurnAction`] on one of those references, and [`check`] refuses anything
//! else: an unknown reference, a removal of a product not in the basket, a
//! quantity out of range. Whatever does not pass, and every answer below
//! [`RESOLVE_CONFIDENT`], comes back as [`TurnAction::None`]: the caller then
//! says what it would have said without a model.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ai::AiError;
use crate::ai::validation::{clip, type_name};

/// Most products one request may carry.
pub const MAX_STATE_PRODUCTS: usize = 60;
/// Longest product title or question accepted, in characters.
pub const MAX_STATE_TEXT: usize = 300;
/// Longest reference accepted, in characters.
pub const MAX_REFERENCE_CHARS: usize = 16;
/// Most units one resolved action may add or set.
pub const MAX_UNITS: i64 = 99;
/// Below this confidence a model's resolution is not acted on.
pub const RESOLVE_CONFIDENT: f64 = 0.7;

/// What the message does to the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TurnAction {
    /// Nothing the state can carry out: the caller answers on its own.
    None,
    /// Show the product.
    Show,
    /// Put `quantity` units (default 1) in the basket.
    Add,
    /// Take the product out of the basket (`quantity` units, or the line).
    Remove,
    /// Set the basket line to `quantity` units.
    SetQuantity,
    /// Change the basket line by `quantity` units (signed).
    ChangeQuantity,
}

impl TurnAction {
    /// Every action, as the answer schema lists them.
    pub const ALL: [&'static str; 6] = [
        "none",
        "show",
        "add",
        "remove",
        "set_quantity",
        "change_quantity",
    ];

    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "none" => Self::None,
            "show" => Self::Show,
            "add" => Self::Add,
            "remove" => Self::Remove,
            "set_quantity" => Self::SetQuantity,
            "change_quantity" => Self::ChangeQuantity,
            _ => return None,
        })
    }
}

/// A product the conversation knows, under the caller's reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StateProduct {
    /// The caller's opaque reference (at most 16 characters, such as `p3`);
    /// the answer names products only by it.
    #[serde(rename = "ref")]
    pub reference: String,
    /// The product's title as the shopper saw it.
    pub title: String,
    /// Its 1-based position in the list last shown, when it is in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown: Option<u32>,
    /// Units of it in the basket (0: not in the basket).
    #[serde(default)]
    pub in_basket: u32,
    /// Whether it is the product last spoken about ("it").
    #[serde(default)]
    pub focus: bool,
    /// Whether it is one of the options of the question the assistant asked.
    #[serde(default)]
    pub offered: bool,
}

/// Input of `resolve_turn`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResolveRequest {
    /// The message, as the person wrote it.
    pub message: String,
    /// BCP-47 locale hint such as `es-MX`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Recent turns, oldest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<crate::Turn>>,
    /// The products of the conversation's state (at most 60).
    #[serde(default)]
    pub products: Vec<StateProduct>,
    /// The question the assistant asked last and is waiting on, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asked: Option<String>,
}

/// Result of `resolve_turn`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Resolution {
    /// What to do; `none` when nothing was resolved.
    pub action: TurnAction,
    /// The reference of the product acted on (absent for `none`).
    // Absent, never null, in what is sent: the schema says so for strict clients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub product: Option<String>,
    /// Units: to add (1..=99), to take out, to set (0..=99), or the signed
    /// change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "i64")]
    pub quantity: Option<i64>,
    /// The model's confidence in [0, 1]; 0 for `none`.
    pub confidence: f64,
}

impl Resolution {
    /// Nothing resolved.
    pub fn none() -> Self {
        Self {
            action: TurnAction::None,
            product: None,
            quantity: None,
            confidence: 0.0,
        }
    }
}

/// Why a `resolve_turn` request is refused before any model is asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// Too many products.
    #[error("`products` has {0} entries; at most {MAX_STATE_PRODUCTS} are accepted")]
    TooManyProducts(usize),
    /// A reference is empty, too long or repeated.
    #[error(
        "product reference `{0}` is empty, longer than {MAX_REFERENCE_CHARS} characters or repeated"
    )]
    BadReference(String),
    /// A title or the question is empty or too long.
    #[error("a product title or `asked` is empty or longer than {MAX_STATE_TEXT} characters")]
    BadText,
}

/// Checks the state part of a request (the message is checked as for
/// `analyze_intent`).
pub fn check_state(request: &ResolveRequest) -> Result<(), StateError> {
    if request.products.len() > MAX_STATE_PRODUCTS {
        return Err(StateError::TooManyProducts(request.products.len()));
    }
    let mut seen = std::collections::HashSet::new();
    for product in &request.products {
        let reference = product.reference.trim();
        if reference.is_empty()
            || reference.chars().count() > MAX_REFERENCE_CHARS
            || !seen.insert(reference)
        {
            return Err(StateError::BadReference(clip(&product.reference, 20)));
        }
        if !fits(&product.title) {
            return Err(StateError::BadText);
        }
    }
    if request.asked.as_deref().is_some_and(|a| !fits(a)) {
        return Err(StateError::BadText);
    }
    Ok(())
}

fn fits(text: &str) -> bool {
    !text.trim().is_empty() && text.chars().count() <= MAX_STATE_TEXT
}

/// Turns a model's raw answer into a [`Resolution`] that `request`'s state
/// can carry out, or says why not.
pub fn check(raw: Value, request: &ResolveRequest) -> Result<Resolution, AiError> {
    let Value::Object(object) = raw else {
        return Err(invalid(format!(
            "expected a JSON object, got {}",
            type_name(&raw)
        )));
    };
    let action = match object.get("action") {
        Some(Value::String(name)) => TurnAction::parse(name)
            .ok_or_else(|| invalid(format!("action `{}` is not known", clip(name, 30))))?,
        Some(other) => {
            return Err(invalid(format!(
                "action must be a string, got {}",
                type_name(other)
            )));
        }
        None => return Err(invalid("action is missing".into())),
    };
    let confidence = object
        .get("confidence")
        .and_then(Value::as_f64)
        .filter(|c| (0.0..=1.0).contains(c))
        .ok_or_else(|| invalid("confidence must be a number in [0, 1]".into()))?;
    if action == TurnAction::None {
        return Ok(Resolution::none());
    }
    let reference = match object.get("product") {
        Some(Value::String(reference)) => reference.trim(),
        _ => return Err(invalid(format!("{action:?} needs a product reference"))),
    };
    let product = request
        .products
        .iter()
        .find(|p| p.reference.trim() == reference)
        .ok_or_else(|| {
            invalid(format!(
                "product `{}` is not one of the references sent",
                clip(reference, 20)
            ))
        })?;
    let quantity = match object.get("quantity") {
        None | Some(Value::Null) => None,
        Some(value) => Some(
            value
                .as_i64()
                .or_else(|| {
                    let f = value.as_f64()?;
                    (f.fract() == 0.0 && f.abs() <= 1e6).then_some(f as i64)
                })
                .ok_or_else(|| invalid("quantity must be a whole number".into()))?,
        ),
    };
    let in_basket = i64::from(product.in_basket);
    let quantity = match action {
        TurnAction::None | TurnAction::Show => None,
        TurnAction::Add => Some(quantity.unwrap_or(1)).filter(|q| (1..=MAX_UNITS).contains(q)),
        TurnAction::Remove if in_basket == 0 => {
            return Err(invalid(format!("`{reference}` is not in the basket")));
        }
        TurnAction::Remove => match quantity {
            None => None,
            Some(q) if (1..=in_basket).contains(&q) => Some(q),
            Some(_) => return Err(invalid("quantity to remove is out of range".into())),
        },
        TurnAction::SetQuantity | TurnAction::ChangeQuantity if in_basket == 0 => {
            return Err(invalid(format!("`{reference}` is not in the basket")));
        }
        TurnAction::SetQuantity => quantity.filter(|q| (0..=MAX_UNITS).contains(q)),
        TurnAction::ChangeQuantity => {
            quantity.filter(|q| *q != 0 && (-in_basket..=MAX_UNITS).contains(q))
        }
    };
    if quantity.is_none()
        && matches!(
            action,
            TurnAction::Add | TurnAction::SetQuantity | TurnAction::ChangeQuantity
        )
    {
        return Err(invalid(format!("{action:?} needs a quantity in range")));
    }
    Ok(Resolution {
        action,
        product: Some(product.reference.trim().to_owned()),
        quantity,
        confidence,
    })
}

fn invalid(message: String) -> AiError {
    AiError::Invalid(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn state() -> ResolveRequest {
        let product = |reference: &str, title: &str, in_basket: u32| StateProduct {
            reference: reference.into(),
            title: title.into(),
            shown: None,
            in_basket,
            focus: false,
            offered: false,
        };
        ResolveRequest {
            message: "the one for my aunt".into(),
            locale: None,
            history: None,
            products: vec![
                product("p1", "Great Wave mug", 0),
                product("p2", "Sunflowers tote", 2),
            ],
            asked: None,
        }
    }

    #[test]
    fn a_resolution_on_a_known_reference_passes() {
        let got = check(
            json!({ "action": "add", "product": "p1", "quantity": 2, "confidence": 0.9 }),
            &state(),
        )
        .expect("valid");
        assert_eq!(got.action, TurnAction::Add);
        assert_eq!(got.product.as_deref(), Some("p1"));
        assert_eq!(got.quantity, Some(2));
        let one = check(
            json!({ "action": "add", "product": "p1", "quantity": null, "confidence": 0.9 }),
            &state(),
        )
        .expect("default one");
        assert_eq!(one.quantity, Some(1));
        let out = check(
            json!({ "action": "remove", "product": "p2", "confidence": 0.8 }),
            &state(),
        )
        .expect("line out");
        assert_eq!(out.quantity, None);
    }

    #[test]
    fn what_the_state_cannot_carry_out_is_refused() {
        let refused = [
            json!({ "action": "add", "product": "42", "confidence": 0.9 }),
            json!({ "action": "add", "product": "p1", "quantity": 500, "confidence": 0.9 }),
            json!({ "action": "add", "product": "p1", "quantity": 0, "confidence": 0.9 }),
            json!({ "action": "remove", "product": "p1", "confidence": 0.9 }),
            json!({ "action": "remove", "product": "p2", "quantity": 3, "confidence": 0.9 }),
            json!({ "action": "set_quantity", "product": "p1", "quantity": 2, "confidence": 0.9 }),
            json!({ "action": "set_quantity", "product": "p2", "confidence": 0.9 }),
            json!({ "action": "change_quantity", "product": "p2", "quantity": -3, "confidence": 0.9 }),
            json!({ "action": "checkout", "product": "p1", "confidence": 0.9 }),
            json!({ "action": "add", "confidence": 0.9 }),
            json!({ "action": "add", "product": "p1", "confidence": 1.5 }),
            json!({ "action": "add", "product": "p1", "quantity": "two", "confidence": 0.9 }),
            json!(["add", "p1"]),
        ];
        for raw in refused {
            assert!(
                matches!(check(raw.clone(), &state()), Err(AiError::Invalid(_))),
                "{raw}"
            );
        }
        let none = check(json!({ "action": "none", "confidence": 0.2 }), &state()).expect("none");
        assert_eq!(none, Resolution::none());
    }

    #[test]
    fn a_bad_state_is_refused() {
        let mut many = state();
        many.products = (0..=MAX_STATE_PRODUCTS)
            .map(|i| StateProduct {
                reference: format!("p{i}"),
                title: "x".into(),
                shown: None,
                in_basket: 0,
                focus: false,
                offered: false,
            })
            .collect();
        assert!(matches!(
            check_state(&many),
            Err(StateError::TooManyProducts(_))
        ));
        let mut twice = state();
        twice.products[1].reference = "p1".into();
        assert!(matches!(
            check_state(&twice),
            Err(StateError::BadReference(_))
        ));
        let mut long = state();
        long.products[0].title = "x".repeat(MAX_STATE_TEXT + 1);
        assert_eq!(check_state(&long), Err(StateError::BadText));
        assert_eq!(check_state(&state()), Ok(()));
    }
}
