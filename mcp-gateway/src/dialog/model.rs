//! When the rules cannot read a turn: mcp-intent's `resolve_turn`.
//!
//! A turn whose answer would be "sorry, which product?" or "I did not
//! understand" is offered to mcp-intent with the products of the dialog's
//! state, each under a reference made up here (`p1`, `p2`…) and never its id.
//! With an AI provider configured (`INTENT_AI_PROVIDER`), the model may
//! answer one action on one of those references; mcp-intent checks it
//! against the state it was sent, and this module maps the reference back to
//! the product it stood for, so the model cannot name a product the shopper
//! was never shown. With the offline default (a mock that declines), and
//! whenever the call fails, the rules' own answer stands.

use mcp_intent::resolution::{Resolution, ResolveRequest, StateProduct, TurnAction};
use museo_sdk::telemetry::TraceContext;
use serde_json::{Value, json};

use super::state::{Action, Dialog, Item, Question};
use super::{Answer, Failed, shop, tool};
use crate::gateway::{Gateway, Session};

/// Most products offered to the model (mcp-intent accepts up to 60).
const MAX_PRODUCTS: usize = 40;

/// The products of the dialog's state under their references, offered
/// first, then shown, the focus and the basket's lines; each once.
fn state_products(dialog: &Dialog, pending: Option<&Question>) -> Vec<(StateProduct, Item)> {
    let mut products: Vec<(StateProduct, Item)> = Vec::new();
    if let Some(question) = dialog.question.as_ref().or(pending) {
        for item in &question.options {
            entry(&mut products, item).offered = true;
        }
    }
    for (at, item) in dialog.shown.iter().enumerate() {
        let position = u32::try_from(at + 1).unwrap_or(u32::MAX);
        let product = entry(&mut products, item);
        product.shown = product.shown.or(Some(position));
    }
    if let Some(focus) = &dialog.focus {
        entry(&mut products, focus).focus = true;
    }
    if let Some(basket) = &dialog.basket {
        for line in &basket.lines {
            entry(&mut products, &line.item).in_basket =
                u32::try_from(line.quantity.max(0)).unwrap_or(u32::MAX);
        }
    }
    products.truncate(MAX_PRODUCTS);
    products
}

/// `item`'s entry, made (with the next reference) the first time.
fn entry<'a>(products: &'a mut Vec<(StateProduct, Item)>, item: &Item) -> &'a mut StateProduct {
    let at = match products.iter().position(|(_, i)| i.id == item.id) {
        Some(at) => at,
        None => {
            products.push((
                StateProduct {
                    reference: format!("p{}", products.len() + 1),
                    title: item.title.chars().take(200).collect(),
                    shown: None,
                    in_basket: 0,
                    focus: false,
                    offered: false,
                },
                item.clone(),
            ));
            products.len() - 1
        }
    };
    &mut products[at].0
}

/// The model's reading of `text`, carried out; `None` when it had none (or
/// no product is in the state, or mcp-intent could not be asked).
pub(super) async fn resolve(
    gateway: &Gateway,
    session: &mut Session,
    text: &str,
    pending: Option<Question>,
    ctx: &TraceContext,
) -> Option<Answer> {
    let products = state_products(&session.conversation.dialog, pending.as_ref());
    if products.is_empty() {
        return None;
    }
    let history: Vec<Value> = session
        .conversation
        .turns
        .iter()
        .rev()
        .take(6)
        .rev()
        .map(|t| json!({ "role": t.role, "text": t.text }))
        .collect();
    let request = ResolveRequest {
        message: text.to_owned(),
        locale: Some(session.locale.clone()),
        history: serde_json::from_value(Value::Array(history)).ok(),
        products: products.iter().map(|(p, _)| p.clone()).collect(),
        // The question is the assistant's last words.
        asked: pending.and_then(|_| {
            let turns = &session.conversation.turns;
            let last = turns.iter().rev().find(|t| t.role == "assistant")?;
            Some(last.text.chars().take(300).collect())
        }),
    };
    let args = serde_json::to_value(&request).ok()?;
    let value = match tool(
        gateway,
        session,
        "mcp-intent",
        "resolve_turn",
        args,
        ctx,
        None,
    )
    .await
    {
        Ok(value) => value,
        Err(Failed::Refused { text, .. }) => {
            tracing::debug!(correlation_id = %ctx.correlation_id(), reason = %text, "resolve_turn refused");
            return None;
        }
        Err(_) => return None,
    };
    let resolution: Resolution = serde_json::from_value(value).ok()?;
    let reference = resolution.product.as_deref()?;
    let item = products
        .iter()
        .find(|(p, _)| p.reference == reference)
        .map(|(_, item)| item.clone())?;
    let action = match (resolution.action, resolution.quantity) {
        (TurnAction::None, _) => return None,
        (TurnAction::Show, _) => Action::Details,
        (TurnAction::Add, quantity) => Action::Add {
            quantity: quantity.unwrap_or(1).clamp(1, 99),
        },
        (TurnAction::Remove, quantity) => Action::Remove { quantity },
        (TurnAction::SetQuantity, Some(quantity)) => Action::Update {
            quantity: Some(quantity),
            delta: None,
        },
        (TurnAction::ChangeQuantity, Some(delta)) => Action::Update {
            quantity: None,
            delta: Some(delta),
        },
        (TurnAction::SetQuantity | TurnAction::ChangeQuantity, None) => return None,
    };
    tracing::info!(correlation_id = %ctx.correlation_id(), action = ?resolution.action, confidence = resolution.confidence, "turn resolved by the model");
    session.conversation.dialog.question = None;
    Some(shop::carry_out(gateway, session, action, item, ctx).await)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialog::state::{Basket, Line, Question};

    fn item(id: &str) -> Item {
        Item {
            id: id.into(),
            sku: format!("SKU-{id}"),
            title: format!("Product {id}"),
            price: None,
            stock: None,
        }
    }

    #[test]
    fn each_product_once_with_everything_the_state_says_of_it() {
        let dialog = Dialog {
            shown: vec![item("a"), item("b"), item("c")],
            focus: Some(item("b")),
            basket: Some(Basket {
                id: "bk".into(),
                lines: vec![
                    Line {
                        item: item("c"),
                        quantity: 2,
                    },
                    Line {
                        item: item("d"),
                        quantity: 1,
                    },
                ],
                last: None,
            }),
            question: Some(Question {
                action: Action::Add { quantity: 1 },
                options: vec![item("c"), item("a")],
                name: None,
            }),
            ..Dialog::default()
        };
        let products = state_products(&dialog, None);
        let seen: Vec<String> = products
            .iter()
            .map(|(p, i)| {
                format!(
                    "{} {} shown {:?} basket {} focus {} offered {}",
                    p.reference, i.id, p.shown, p.in_basket, p.focus, p.offered
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                "p1 c shown Some(3) basket 2 focus false offered true",
                "p2 a shown Some(1) basket 0 focus false offered true",
                "p3 b shown Some(2) basket 0 focus true offered false",
                "p4 d shown None basket 1 focus false offered false",
            ]
        );
        assert!(state_products(&Dialog::default(), None).is_empty());
        // A question just dropped still says what was offered.
        let pending = Question {
            action: Action::Details,
            options: vec![item("e")],
            name: None,
        };
        let after = state_products(&Dialog::default(), Some(&pending));
        assert_eq!(after.len(), 1);
        assert!(after[0].0.offered);
    }
}
