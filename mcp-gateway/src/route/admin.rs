//! Admin intents: product creation, updates, deletes and imports, and
//! notifications. Deletes and imports wait for the admin's yes
//! ([`pending`]); the role was checked by the caller and is checked again in
//! [`Gateway::child_call`].

use museo_sdk::telemetry::TraceContext;
use serde_json::{Value, json};

use super::{Answer, Called, PENDING_TTL_SECS, Target, resolve, tool};
use crate::gateway::{Gateway, ProgressTx, Session};
use crate::reply::{self, Phrase};
use crate::store::Pending;

pub(super) async fn route(
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
            let focus = session.conversation.focus.as_deref();
            let product = match resolve(&session.conversation.products, focus, entities) {
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
                        let mut pending = Pending::new(
                            "delete_product",
                            json!({ "product_id": id, "confirm": true }),
                        );
                        pending.title = Some(found["title"].clone());
                        session.conversation.pending = Some(pending);
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

pub(super) const YES: [&str; 20] = [
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
pub(super) const NO: [&str; 9] = [
    "no", "n", "nope", "cancel", "stop", "cancelar", "non", "annuler", "annule",
];

pub(super) fn normalise(text: &str) -> String {
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
        Called::Ok(result) => {
            let mut shown = result.clone();
            if let Some(title) = pending.title.filter(|t| !t.is_null()) {
                shown["title"] = title;
            }
            Answer::new(
                intent,
                reply::admin(&pending.tool, &shown, &session.locale, session.channel),
                Some(result),
                "ok",
            )
        }
        Called::Failed(text, outcome) => Answer::new(intent, text, None, outcome),
    })
}
