//! The routing table: an understood intent becomes a tool call on a server,
//! with arguments from the entities and the conversation (the products shown,
//! the basket), and the tool's structured result becomes the reply.
//!
//! | intent | server → tool |
//! |---|---|
//! | `product.search` | storefront `search_products` |
//! | `product.details` | storefront `get_product` |
//! | `product.question` | storefront `answer_product_question` |
//! | `basket.add` / `basket.remove` / `basket.view` | storefront `add_to_basket` / `remove_from_basket` / `view_basket` |
//! | `checkout.pay` | storefront `get_payment_link` |
//! | `admin.product.create` / `update` | admin `create_product` / `update_product` |
//! | `admin.product.delete` | admin `delete_product`, after the admin confirms |
//! | `admin.product.import` | admin `import_products`: a dry run, then the import once confirmed |
//! | `notify.send` | notify `send_email` / `send_sms` |
//! | `greeting`, `help`, `goodbye`, `unknown` | answered by the gateway |
//!
//! A product named but not among those shown is searched for; several
//! matches are listed with a question, never guessed. A missing entity (no
//! product, no basket, no file, no address) gets a question. Admin intents
//! from a customer are refused here without calling anything, and again in
//! [`Gateway::child_call`] should any path reach it.
//!
//! Destructive or bulk admin actions wait for a yes: the action is kept in
//! the conversation ([`Pending`]) and run only when the next message from the
//! same session confirms it within [`PENDING_TTL_SECS`].

use museo_sdk::telemetry::TraceContext;
use rmcp::model::JsonObject;
use serde_json::{Value, json};

use crate::auth::Role;
use crate::gateway::{CallError, Gateway, ProgressTx, Session, first_text};
use crate::reply::{self, Phrase};
use crate::store::Shown;

/// How long a confirmation question stays open.
pub const PENDING_TTL_SECS: i64 = 300;

/// What the gateway answers to one message.
#[derive(Debug)]
pub struct Answer {
    /// The intent it acted on.
    pub intent: String,
    /// The reply text.
    pub text: String,
    /// Structured data for the app (products, basket…).
    pub data: Option<Value>,
    /// `ok`, `clarify`, `refused`, `tool_error` or `error` (metrics, logs).
    pub outcome: &'static str,
}

impl Answer {
    fn new(intent: &str, text: String, data: Option<Value>, outcome: &'static str) -> Self {
        Self {
            intent: intent.to_owned(),
            text,
            data,
            outcome,
        }
    }

    /// A clarifying question.
    pub fn clarify(intent: &str, text: String) -> Self {
        Self::new(intent, text, None, "clarify")
    }
}

/// A tool call's outcome as the chat sees it.
enum Called {
    Ok(Value),
    /// The tool refused (its message is for the person) or the call failed.
    Failed(String, &'static str),
}

async fn tool(
    gateway: &Gateway,
    session: &Session,
    server: &str,
    tool: &str,
    args: Value,
    ctx: &TraceContext,
    progress: Option<&ProgressTx>,
) -> Called {
    let args = match args {
        Value::Object(map) => map,
        _ => JsonObject::new(),
    };
    match gateway
        .child_call(server, tool, args, session, ctx, progress)
        .await
    {
        Ok(result) if result.is_error == Some(true) => {
            Called::Failed(first_text(&result), "tool_error")
        }
        Ok(result) => Called::Ok(result.structured_content.unwrap_or_default()),
        Err(CallError::Forbidden(_)) => {
            Called::Failed(reply::phrase(Phrase::AdminOnly, &session.locale), "refused")
        }
        Err(e) => {
            tracing::warn!(correlation_id = %ctx.correlation_id(), server, tool, error = ?e, "tool call failed");
            Called::Failed(reply::phrase(Phrase::Unavailable, &session.locale), "error")
        }
    }
}

/// A storefront tool call for the chat.
async fn shop(
    gateway: &Gateway,
    session: &Session,
    name: &str,
    args: Value,
    ctx: &TraceContext,
) -> Called {
    tool(gateway, session, "mcp-storefront", name, args, ctx, None).await
}

/// Which product a message means.
#[derive(Debug, PartialEq)]
enum Target {
    /// An id or SKU to use.
    Id(String),
    /// A name to search for.
    Search(String),
    /// Nothing to go on.
    Unknown,
}

const ORDINALS: [(&[&str], usize); 6] = [
    (
        &[
            "first",
            "1st",
            "primer",
            "primera",
            "primero",
            "premier",
            "première",
        ],
        0,
    ),
    (&["second", "2nd", "segund", "deuxième", "seconde"], 1),
    (&["third", "3rd", "tercer", "troisième"], 2),
    (&["fourth", "4th", "cuart", "quatrième"], 3),
    (&["fifth", "5th", "quint", "cinquième"], 4),
    (
        &["last", "último", "última", "dernier", "dernière"],
        usize::MAX,
    ),
];

/// Words that point back at what was shown rather than name a product.
const BACK_REFERENCES: [&str; 24] = [
    "it", "that", "this", "those", "these", "them", "that one", "this one", "lo", "la", "eso",
    "esa", "ese", "esas", "esos", "esta", "este", "ça", "cela", "celui", "celle", "ceux", "celles",
    "le",
];

fn resolve(shown: &[Shown], focus: Option<&str>, entities: &Value) -> Target {
    if let Some(sku) = entities["sku"].as_str().filter(|s| !s.trim().is_empty()) {
        return Target::Id(sku.trim().to_owned());
    }
    let Some(reference) = entities["product_ref"]
        .as_str()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    else {
        return match (focus, shown) {
            (Some(focus), _) => Target::Id(focus.to_owned()),
            (None, [only]) => Target::Id(only.id.clone()),
            _ => Target::Unknown,
        };
    };
    let lower = reference.to_lowercase();
    if let Some(found) = shown.iter().find(|p| {
        p.id == reference
            || p.sku.eq_ignore_ascii_case(reference)
            || p.title.to_lowercase() == lower
    }) {
        return Target::Id(found.id.clone());
    }
    if let Some(found) = shown
        .iter()
        .find(|p| p.title.to_lowercase().contains(&lower))
    {
        return Target::Id(found.id.clone());
    }
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    // "The second one", "la última": a short reference. In a longer one
    // ("The Last Supper print") an ordinal word is part of a name.
    let ordinal = (words.len() <= 3)
        .then(|| {
            ORDINALS
                .iter()
                .find(|(names, _)| words.iter().any(|w| names.iter().any(|n| w.starts_with(n))))
        })
        .flatten();
    if let Some((_, n)) = ordinal {
        let index = if *n == usize::MAX {
            shown.len().checked_sub(1)
        } else {
            Some(*n)
        };
        return match index.and_then(|i| shown.get(i)) {
            Some(p) => Target::Id(p.id.clone()),
            None => Target::Unknown,
        };
    }
    if BACK_REFERENCES.contains(&lower.as_str()) {
        // "add two of those": the product last spoken about, else the first shown.
        return focus
            .map(str::to_owned)
            .or_else(|| shown.first().map(|p| p.id.clone()))
            .map_or(Target::Unknown, Target::Id);
    }
    // An id or SKU (no spaces, has a digit) is used as is; a name is searched.
    if !reference.contains(' ') && reference.chars().any(|c| c.is_ascii_digit()) {
        return Target::Id(reference.to_owned());
    }
    Target::Search(reference.to_owned())
}

/// Words too common to tell products apart.
const FILLER: [&str; 24] = [
    "the", "a", "an", "of", "one", "de", "del", "la", "le", "el", "les", "los", "las", "du", "des",
    "un", "une", "una", "uno", "en", "and", "y", "et", "with",
];

/// Whether `title` is plausibly what `name` means: at least half of the
/// name's telling words (accents and case aside, plurals by their stem)
/// are in the title. One search hit that matched a single generic word
/// ("figurine") is shown with a question instead of acted on.
fn names(name: &str, title: &str) -> bool {
    let name = museo_sdk::parse::fold(name);
    let title = museo_sdk::parse::fold(title);
    let title_words = museo_sdk::parse::words(&title);
    let telling: Vec<&str> = museo_sdk::parse::words(&name)
        .into_iter()
        .filter(|w| w.chars().count() >= 3 && !FILLER.contains(w))
        .collect();
    if telling.is_empty() {
        return true;
    }
    // Same first four letters (three for three-letter words): "mugs" is "mug".
    let alike = |a: &str, b: &str| {
        let n = a.chars().count().min(b.chars().count()).min(4);
        n >= 3 && a.chars().take(n).eq(b.chars().take(n))
    };
    let found = telling
        .iter()
        .filter(|w| title_words.iter().any(|t| alike(t, w)))
        .count();
    found * 2 >= telling.len()
}

fn remember(session: &mut Session, result: &Value) {
    session.conversation.focus = None;
    session.conversation.products = result["products"]
        .as_array()
        .into_iter()
        .flatten()
        .take(5)
        .map(|p| Shown {
            id: p["id"].as_str().unwrap_or_default().into(),
            sku: p["sku"].as_str().unwrap_or_default().into(),
            title: p["title"].as_str().unwrap_or_default().into(),
        })
        .collect();
}

/// The product for `intent`, or the answer to give instead (a question, a
/// list to choose from).
async fn product(
    gateway: &Gateway,
    session: &mut Session,
    intent: &str,
    entities: &Value,
    ctx: &TraceContext,
) -> Result<String, Answer> {
    let focus = session.conversation.focus.as_deref();
    match resolve(&session.conversation.products, focus, entities) {
        Target::Id(id) => {
            session.conversation.focus = Some(id.clone());
            Ok(id)
        }
        Target::Unknown => Err(Answer::clarify(
            intent,
            reply::phrase(Phrase::WhichProduct, &session.locale),
        )),
        Target::Search(name) => {
            let args = json!({ "query": name, "locale": session.locale, "limit": 5 });
            match shop(gateway, session, "search_products", args, ctx).await {
                Called::Ok(result) => {
                    let found = result["products"].as_array().map_or(0, Vec::len);
                    match found {
                        0 => Err(Answer::clarify(
                            intent,
                            reply::phrase(Phrase::NothingFound, &session.locale),
                        )),
                        1 if names(
                            &name,
                            result["products"][0]["title"].as_str().unwrap_or_default(),
                        ) =>
                        {
                            let id = result["products"][0]["id"]
                                .as_str()
                                .unwrap_or_default()
                                .to_owned();
                            session.conversation.focus = Some(id.clone());
                            Ok(id)
                        }
                        _ => {
                            remember(session, &result);
                            let text = format!(
                                "{}\n{}",
                                reply::products(&result, &session.locale, session.channel),
                                reply::phrase(Phrase::WhichProduct, &session.locale)
                            );
                            Err(Answer::new(intent, text, Some(result), "clarify"))
                        }
                    }
                }
                Called::Failed(text, outcome) => Err(Answer::new(intent, text, None, outcome)),
            }
        }
    }
}

/// Acts on `intent`.
pub async fn route(
    gateway: &Gateway,
    session: &mut Session,
    intent: &str,
    entities: &Value,
    text: &str,
    ctx: &TraceContext,
    progress: Option<&ProgressTx>,
) -> Answer {
    let locale = session.locale.clone();
    let channel = session.channel;
    let say = |p: Phrase| Answer::new(intent, reply::phrase(p, &locale), None, "ok");
    let done = |called: Called, render: &dyn Fn(&Value) -> String| match called {
        Called::Ok(result) => Answer::new(intent, render(&result), Some(result), "ok"),
        Called::Failed(text, outcome) => Answer::new(intent, text, None, outcome),
    };
    match intent {
        "greeting" => say(Phrase::Greeting),
        "help" => say(Phrase::Help),
        "goodbye" => say(Phrase::Goodbye),
        "product.search" => {
            let mut args = json!({
                "query": entities["query"].as_str().filter(|q| !q.trim().is_empty()).unwrap_or(text),
                "locale": locale,
                "limit": 5,
            });
            for key in ["price_min", "price_max"] {
                if let Some(v) = entities[key].as_f64() {
                    args[key] = json!(v);
                }
            }
            if let Some(category) = entities["category"].as_str() {
                args["category"] = json!(category);
            }
            let called = shop(gateway, session, "search_products", args, ctx).await;
            if let Called::Ok(result) = &called {
                remember(session, result);
            }
            done(called, &|r| reply::products(r, &locale, channel))
        }
        "product.details" | "product.question" | "basket.add" | "basket.remove" => {
            let product = match product(gateway, session, intent, entities, ctx).await {
                Ok(product) => product,
                Err(answer) => return answer,
            };
            match intent {
                "product.details" => {
                    let args = json!({ "product_id": product, "locale": locale });
                    let called = shop(gateway, session, "get_product", args, ctx).await;
                    done(called, &|r| reply::details(r, &locale, channel))
                }
                "product.question" => {
                    let args = json!({ "product_id": product, "question": text, "locale": locale });
                    let called = shop(gateway, session, "answer_product_question", args, ctx).await;
                    done(called, &|r| reply::answer(r, &locale, channel))
                }
                "basket.add" => {
                    let quantity = entities["quantity"].as_i64().unwrap_or(1);
                    let mut args =
                        json!({ "product_id": product, "quantity": quantity, "locale": locale });
                    if let Some(basket) = &session.conversation.basket_id {
                        args["basket_id"] = json!(basket);
                    }
                    let called = shop(gateway, session, "add_to_basket", args, ctx).await;
                    if let Called::Ok(result) = &called {
                        session.conversation.basket_id =
                            result["basket_id"].as_str().map(str::to_owned);
                    }
                    done(called, &|r| {
                        let title = r["items"]
                            .as_array()
                            .and_then(|items| {
                                items.iter().find(|i| {
                                    i["product_id"] == product.as_str()
                                        || i["sku"] == product.as_str()
                                })
                            })
                            .and_then(|i| i["title"].as_str())
                            .unwrap_or(&product);
                        reply::basket(r, &locale, channel, Some((title, quantity)))
                    })
                }
                _ => {
                    let Some(basket) = session.conversation.basket_id.clone() else {
                        return say(Phrase::NoBasket);
                    };
                    let mut args =
                        json!({ "basket_id": basket, "product_id": product, "locale": locale });
                    if let Some(q) = entities["quantity"].as_i64() {
                        args["quantity"] = json!(q);
                    }
                    let called = shop(gateway, session, "remove_from_basket", args, ctx).await;
                    done(called, &|r| reply::basket(r, &locale, channel, None))
                }
            }
        }
        "basket.view" | "checkout.pay" => {
            let Some(basket) = session.conversation.basket_id.clone() else {
                return say(Phrase::NoBasket);
            };
            let args = json!({ "basket_id": basket, "locale": locale });
            if intent == "checkout.pay" {
                let called = shop(gateway, session, "get_payment_link", args, ctx).await;
                done(called, &|r| reply::payment(r, &locale, channel))
            } else {
                let called = shop(gateway, session, "view_basket", args, ctx).await;
                done(called, &|r| reply::basket(r, &locale, channel, None))
            }
        }
        admin if admin.starts_with("admin.") || admin == "notify.send" => {
            if session.role != Role::Admin {
                tracing::warn!(correlation_id = %ctx.correlation_id(), session = %session.id, intent = admin, "admin intent from a customer: refused without calling anything");
                return Answer::new(
                    intent,
                    reply::phrase(Phrase::AdminOnly, &locale),
                    None,
                    "refused",
                );
            }
            admin::route(gateway, session, admin, entities, text, ctx, progress).await
        }
        _ => Answer::new(
            intent,
            reply::phrase(Phrase::Unknown, &locale),
            None,
            "clarify",
        ),
    }
}

mod admin;

pub use admin::pending;

#[cfg(test)]
mod tests;
