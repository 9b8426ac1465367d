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
use crate::store::{Pending, Shown};

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

fn resolve(shown: &[Shown], entities: &Value) -> Target {
    if let Some(sku) = entities["sku"].as_str().filter(|s| !s.trim().is_empty()) {
        return Target::Id(sku.trim().to_owned());
    }
    let Some(reference) = entities["product_ref"]
        .as_str()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    else {
        return match shown {
            [only] => Target::Id(only.id.clone()),
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
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if let Some((_, n)) = ORDINALS
        .iter()
        .find(|(names, _)| words.iter().any(|w| names.iter().any(|n| w.starts_with(n))))
    {
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
        // "add two of those": the product in focus is the first one shown.
        return shown
            .first()
            .map_or(Target::Unknown, |p| Target::Id(p.id.clone()));
    }
    if let Some(found) = shown
        .iter()
        .find(|p| p.title.to_lowercase().contains(&lower))
    {
        return Target::Id(found.id.clone());
    }
    // An id or SKU (no spaces, has a digit) is used as is; a name is searched.
    if !reference.contains(' ') && reference.chars().any(|c| c.is_ascii_digit()) {
        return Target::Id(reference.to_owned());
    }
    Target::Search(reference.to_owned())
}

fn remember(session: &mut Session, result: &Value) {
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
    match resolve(&session.conversation.products, entities) {
        Target::Id(id) => Ok(id),
        Target::Unknown => Err(Answer::clarify(
            intent,
            reply::phrase(Phrase::WhichProduct, &session.locale),
        )),
        Target::Search(name) => {
            let args = json!({ "query": name, "locale": session.locale, "limit": 5 });
            match tool(
                gateway,
                session,
                "mcp-storefront",
                "search_products",
                args,
                ctx,
                None,
            )
            .await
            {
                Called::Ok(result) => {
                    let found = result["products"].as_array().map_or(0, Vec::len);
                    match found {
                        0 => Err(Answer::clarify(
                            intent,
                            reply::phrase(Phrase::NothingFound, &session.locale),
                        )),
                        1 => Ok(result["products"][0]["id"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned()),
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
            let called = tool(
                gateway,
                session,
                "mcp-storefront",
                "search_products",
                args,
                ctx,
                None,
            )
            .await;
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
                    let called = tool(
                        gateway,
                        session,
                        "mcp-storefront",
                        "get_product",
                        args,
                        ctx,
                        None,
                    )
                    .await;
                    done(called, &|r| reply::details(r, &locale, channel))
                }
                "product.question" => {
                    let args = json!({ "product_id": product, "question": text, "locale": locale });
                    let called = tool(
                        gateway,
                        session,
                        "mcp-storefront",
                        "answer_product_question",
                        args,
                        ctx,
                        None,
                    )
                    .await;
                    done(called, &|r| reply::answer(r, &locale, channel))
                }
                "basket.add" => {
                    let quantity = entities["quantity"].as_i64().unwrap_or(1);
                    let mut args =
                        json!({ "product_id": product, "quantity": quantity, "locale": locale });
                    if let Some(basket) = &session.conversation.basket_id {
                        args["basket_id"] = json!(basket);
                    }
                    let called = tool(
                        gateway,
                        session,
                        "mcp-storefront",
                        "add_to_basket",
                        args,
                        ctx,
                        None,
                    )
                    .await;
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
                    let called = tool(
                        gateway,
                        session,
                        "mcp-storefront",
                        "remove_from_basket",
                        args,
                        ctx,
                        None,
                    )
                    .await;
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
                let called = tool(
                    gateway,
                    session,
                    "mcp-storefront",
                    "get_payment_link",
                    args,
                    ctx,
                    None,
                )
                .await;
                done(called, &|r| reply::payment(r, &locale, channel))
            } else {
                let called = tool(
                    gateway,
                    session,
                    "mcp-storefront",
                    "view_basket",
                    args,
                    ctx,
                    None,
                )
                .await;
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
            admin_route(gateway, session, admin, entities, text, ctx, progress).await
        }
        _ => Answer::new(
            intent,
            reply::phrase(Phrase::Unknown, &locale),
            None,
            "clarify",
        ),
    }
}

async fn admin_route(
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
    let ask = |p: Phrase| Answer::clarify(intent, reply::phrase(p, &locale));
    let (server, name, args) = match intent {
        "admin.product.create" => (
            "mcp-admin",
            "create_product",
            json!({ "description": text, "locale": locale }),
        ),
        "admin.product.update" | "admin.product.delete" => {
            let product = match resolve(&session.conversation.products, entities) {
                Target::Id(p) | Target::Search(p) => p,
                Target::Unknown => return ask(Phrase::WhichProduct),
            };
            if intent == "admin.product.update" {
                (
                    "mcp-admin",
                    "update_product",
                    json!({ "product_id": product, "changes": text, "locale": locale }),
                )
            } else {
                // Look it up first: the question names what will be deleted.
                let args = json!({ "product_id": product });
                return match tool(
                    gateway,
                    session,
                    "mcp-admin",
                    "get_product",
                    args,
                    ctx,
                    None,
                )
                .await
                {
                    Called::Ok(found) => {
                        let id = found["id"].as_str().unwrap_or(&product).to_owned();
                        let title = reply::title_of(&found, &locale);
                        session.conversation.pending = Some(Pending::new(
                            "delete_product",
                            json!({ "product_id": id, "confirm": true }),
                        ));
                        Answer::new(
                            intent,
                            reply::confirm_delete(&title, &locale),
                            Some(found),
                            "clarify",
                        )
                    }
                    Called::Failed(text, outcome) => Answer::new(intent, text, None, outcome),
                };
            }
        }
        "admin.product.import" => {
            let Some(file) = entities["file"].as_str().filter(|f| !f.trim().is_empty()) else {
                return ask(Phrase::WhichFile);
            };
            // A dry run first; the import itself once the admin says yes.
            let args = json!({ "path": file, "dry_run": true });
            return match tool(
                gateway,
                session,
                "mcp-admin",
                "import_products",
                args,
                ctx,
                progress,
            )
            .await
            {
                Called::Ok(plan) => {
                    session.conversation.pending = Some(Pending::new(
                        "import_products",
                        json!({ "path": file, "dry_run": false }),
                    ));
                    let text = format!(
                        "{}\n{}",
                        reply::admin("import_products", &plan, &locale, channel),
                        reply::phrase(Phrase::ConfirmImport, &locale)
                    );
                    Answer::new(intent, text, Some(plan), "clarify")
                }
                Called::Failed(text, outcome) => Answer::new(intent, text, None, outcome),
            };
        }
        _ => match (entities["email"].as_str(), entities["phone"].as_str()) {
            (Some(to), _) => (
                "mcp-notify",
                "send_email",
                json!({ "to": to, "subject": "Museo", "text": text, "locale": locale }),
            ),
            (None, Some(to)) => (
                "mcp-notify",
                "send_sms",
                json!({ "to": to, "body": text, "locale": locale }),
            ),
            (None, None) => return ask(Phrase::NeedEmail),
        },
    };
    let called = tool(gateway, session, server, name, args, ctx, progress).await;
    match called {
        Called::Ok(result) => Answer::new(
            intent,
            reply::admin(name, &result, &locale, channel),
            Some(result),
            "ok",
        ),
        Called::Failed(text, outcome) => Answer::new(intent, text, None, outcome),
    }
}

const YES: [&str; 20] = [
    "yes",
    "y",
    "yeah",
    "yep",
    "sure",
    "ok",
    "okay",
    "confirm",
    "confirmed",
    "go ahead",
    "do it",
    "sí",
    "si",
    "claro",
    "vale",
    "confirmo",
    "adelante",
    "oui",
    "d'accord",
    "vas-y",
];
const NO: [&str; 9] = [
    "no", "n", "nope", "cancel", "stop", "cancelar", "non", "annuler", "annule",
];

fn normalise(text: &str) -> String {
    text.trim()
        .trim_matches(|c: char| c.is_ascii_punctuation() || c == '¡' || c == '¿')
        .trim()
        .to_lowercase()
}

/// A message that answers an open confirmation question: `Some(answer)`
/// when it did (yes runs the action, no drops it); `None` to analyse it as
/// usual (any other message also drops the question).
pub async fn pending(
    gateway: &Gateway,
    session: &mut Session,
    text: &str,
    ctx: &TraceContext,
    progress: Option<&ProgressTx>,
) -> Option<Answer> {
    let pending = session.conversation.pending.take()?;
    let reply_word = normalise(text);
    if pending.age_secs() > PENDING_TTL_SECS {
        return None;
    }
    let intent = match pending.tool.as_str() {
        "delete_product" => "admin.product.delete",
        _ => "admin.product.import",
    };
    if NO.contains(&reply_word.as_str()) {
        return Some(Answer::new(
            intent,
            reply::phrase(Phrase::Cancelled, &session.locale),
            None,
            "ok",
        ));
    }
    if !YES.contains(&reply_word.as_str()) {
        return None;
    }
    let called = tool(
        gateway,
        session,
        "mcp-admin",
        &pending.tool,
        pending.args,
        ctx,
        progress,
    )
    .await;
    Some(match called {
        Called::Ok(result) => Answer::new(
            intent,
            reply::admin(&pending.tool, &result, &session.locale, session.channel),
            Some(result),
            "ok",
        ),
        Called::Failed(text, outcome) => Answer::new(intent, text, None, outcome),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown() -> Vec<Shown> {
        ["Water Lilies mug", "Great Wave print", "Klimt silk scarf"]
            .iter()
            .enumerate()
            .map(|(i, title)| Shown {
                id: format!("prd_{i}"),
                sku: format!("SKU-{i}"),
                title: (*title).into(),
            })
            .collect()
    }

    #[test]
    fn references_resolve_against_what_was_shown() {
        let shown = shown();
        for (entities, want) in [
            (
                json!({ "product_ref": "the second one" }),
                Target::Id("prd_1".into()),
            ),
            (
                json!({ "product_ref": "la tercera" }),
                Target::Id("prd_2".into()),
            ),
            (
                json!({ "product_ref": "le dernier" }),
                Target::Id("prd_2".into()),
            ),
            (
                json!({ "product_ref": "those" }),
                Target::Id("prd_0".into()),
            ),
            (
                json!({ "product_ref": "sku-1" }),
                Target::Id("prd_1".into()),
            ),
            (
                json!({ "product_ref": "scarf" }),
                Target::Id("prd_2".into()),
            ),
            (
                json!({ "sku": "MUG-NYMPH-01" }),
                Target::Id("MUG-NYMPH-01".into()),
            ),
            (
                json!({ "product_ref": "MUG-NYMPH-01" }),
                Target::Id("MUG-NYMPH-01".into()),
            ),
            (
                json!({ "product_ref": "Van Gogh sunflowers tote" }),
                Target::Search("Van Gogh sunflowers tote".into()),
            ),
            (json!({ "product_ref": "the fifth one" }), Target::Unknown),
            (json!({}), Target::Unknown),
            (json!({ "product_ref": 42 }), Target::Unknown),
        ] {
            assert_eq!(resolve(&shown, &entities), want, "{entities}");
        }
        assert_eq!(resolve(&shown[..1], &json!({})), Target::Id("prd_0".into()));
        assert_eq!(
            resolve(&[], &json!({ "product_ref": "those" })),
            Target::Unknown
        );
    }

    #[test]
    fn confirmations_in_three_languages() {
        for yes in ["Yes!", "sí", "¡Sí!", "oui", "OK.", "vale", "d'accord"] {
            assert!(YES.contains(&normalise(yes).as_str()), "{yes}");
        }
        for no in ["no", "Non.", "cancel", "annuler"] {
            assert!(NO.contains(&normalise(no).as_str()), "{no}");
        }
        assert!(!YES.contains(&normalise("yes, but delete everything else too").as_str()));
    }
}
