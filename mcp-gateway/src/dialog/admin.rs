//! Admin intents: product creation, updates, deletes and imports, and
//! notifications. Deletes, imports and messages to customers wait for the
//! admin's yes ([`pending`]); the role was checked by the caller and is
//! checked again in [`Gateway::child_call`].
//!
//! A question's yes is good once: its one-time key is taken from the store
//! (atomically, in Redis) before the action runs, so a second window of the
//! same session, or a second gateway, cannot run it again or after a no.

use museo_sdk::telemetry::TraceContext;
use serde_json::{Value, json};

use super::resolve::{Scope, Target, resolve};
use super::{Answer, Intent, Understanding, tool};
use crate::gateway::{Gateway, ProgressTx, Session};
use crate::reply::{self, Phrase};
use crate::store::{ConversationStore as _, Pending};

/// How long a confirmation question stays open.
pub const PENDING_TTL_SECS: i64 = 300;

/// Keeps `pending` as the session's open question and records its one-time
/// key; `Err` with the answer to give when the store cannot record it (no
/// question is asked that could not be answered safely).
async fn ask(
    gateway: &Gateway,
    session: &mut Session,
    intent: Intent,
    pending: Pending,
) -> Result<(), Answer> {
    let key = pending.once_key(&session.id);
    let ttl = std::time::Duration::from_secs(PENDING_TTL_SECS as u64);
    if let Err(e) = gateway.store.put_once(&key, ttl).await {
        tracing::warn!(error = %e, "cannot record a confirmation question");
        return Err(Answer::new(
            intent,
            reply::phrase(Phrase::Unavailable, &session.locale),
            None,
            "error",
        ));
    }
    session.conversation.pending = Some(pending);
    Ok(())
}

/// What a notification should say: the words after "saying", "que diga",
/// "disant"… or after a colon, without quotes.
fn message_body(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let after = [
        " saying ",
        " that says ",
        " que diga ",
        " diciendo ",
        " diciéndole ",
        " disant ",
        " qui dit ",
        " pour dire ",
    ]
    .iter()
    .filter_map(|cue| lower.find(cue).map(|i| i + cue.len()))
    .min()
    .or_else(|| lower.find(": ").map(|i| i + 2))?;
    let body = text.get(after..)?.trim().trim_matches(|c: char| {
        matches!(c, '"' | '\'' | '«' | '»' | '“' | '”' | '‘' | '’') || c.is_whitespace()
    });
    (!body.is_empty()).then(|| body.to_owned())
}

pub(super) async fn route(
    gateway: &Gateway,
    session: &mut Session,
    understood: &Understanding,
    text: &str,
    ctx: &TraceContext,
    progress: Option<&ProgressTx>,
) -> Answer {
    let intent = understood.intent;
    let entities = &Value::Object(understood.entities.raw.clone());
    let locale = session.locale.clone();
    let channel = session.channel;
    let ask_for = |p: Phrase| Answer::clarify(intent, reply::phrase(p, &locale));
    let (server, name, args) = match intent {
        Intent::AdminCreate => (
            "mcp-admin",
            "create_product",
            json!({ "description": text, "locale": locale }),
        ),
        Intent::AdminUpdate | Intent::AdminDelete => {
            let dialog = &session.conversation.dialog;
            let product = match resolve(dialog, &understood.entities, text, Scope::Catalog) {
                Target::One(item) => item.id,
                Target::Search(name) => name,
                Target::Choose(_) | Target::Unknown => return ask_for(Phrase::WhichProduct),
            };
            if intent == Intent::AdminUpdate {
                // The sentence, and what intent analysis read from it: mcp-admin
                // takes the structured fields over its own reading.
                let mut args = json!({ "product_id": product, "changes": text, "locale": locale });
                for key in ["price", "currency", "stock", "category"] {
                    if !entities[key].is_null() {
                        args[key] = entities[key].clone();
                    }
                }
                ("mcp-admin", "update_product", args)
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
                    Ok(found) => {
                        let id = found["id"].as_str().unwrap_or(&product).to_owned();
                        let title = reply::title_of(&found, &locale);
                        let mut pending = Pending::new(
                            "mcp-admin",
                            "delete_product",
                            json!({ "product_id": id, "confirm": true }),
                        );
                        pending.title = Some(found["title"].clone());
                        if let Err(answer) = ask(gateway, session, intent, pending).await {
                            return answer;
                        }
                        Answer::new(
                            intent,
                            reply::confirm_delete(&title, &locale),
                            Some(found),
                            "clarify",
                        )
                    }
                    Err(failed) => failed.for_admin(intent, &locale),
                };
            }
        }
        Intent::AdminImport => {
            let Some(file) = entities["file"].as_str().filter(|f| !f.trim().is_empty()) else {
                return ask_for(Phrase::WhichFile);
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
                Ok(plan) => {
                    let pending = Pending::new(
                        "mcp-admin",
                        "import_products",
                        json!({ "path": file, "dry_run": false }),
                    );
                    if let Err(answer) = ask(gateway, session, intent, pending).await {
                        return answer;
                    }
                    let text = format!(
                        "{}\n{}",
                        reply::admin("import_products", &plan, &locale, channel),
                        reply::phrase(Phrase::ConfirmImport, &locale)
                    );
                    Answer::new(intent, text, Some(plan), "clarify")
                }
                Err(failed) => failed.for_admin(intent, &locale),
            };
        }
        _ => {
            let (name, to, args) = match (entities["email"].as_str(), entities["phone"].as_str()) {
                (Some(to), _) => ("send_email", to, json!({ "to": to, "subject": "Museo" })),
                (None, Some(to)) => ("send_sms", to, json!({ "to": to })),
                (None, None) => return ask_for(Phrase::NeedEmail),
            };
            let Some(body) = message_body(text) else {
                return ask_for(Phrase::NeedText);
            };
            let mut args = args;
            let field = if name == "send_email" { "text" } else { "body" };
            args[field] = json!(body);
            args["locale"] = json!(locale);
            // The same message is never sent twice, whatever is retried.
            args["idempotency_key"] = json!(uuid::Uuid::new_v4().simple().to_string());
            let question = reply::confirm_send(to, &body, &locale);
            if let Err(answer) = ask(
                gateway,
                session,
                intent,
                Pending::new("mcp-notify", name, args),
            )
            .await
            {
                return answer;
            }
            return Answer::new(intent, question, None, "clarify");
        }
    };
    let called = tool(gateway, session, server, name, args, ctx, progress).await;
    match called {
        Ok(result) => Answer::new(
            intent,
            reply::admin(name, &result, &locale, channel),
            Some(result),
            "ok",
        ),
        Err(failed) => failed.for_admin(intent, &locale),
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
        "delete_product" => Intent::AdminDelete,
        "import_products" => Intent::AdminImport,
        _ => Intent::Notify,
    };
    let yes = YES.contains(&reply_word.as_str());
    if !yes && !NO.contains(&reply_word.as_str()) {
        return None;
    }
    let locale = session.locale.clone();
    // Good once, on any window or instance: a no spends it as well.
    match gateway
        .store
        .take_once(&pending.once_key(&session.id))
        .await
    {
        Ok(true) => {}
        Ok(false) => {
            return Some(Answer::new(
                intent,
                reply::phrase(Phrase::AlreadyAnswered, &locale),
                None,
                "ok",
            ));
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot check a confirmation: nothing done");
            return Some(Answer::new(
                intent,
                reply::phrase(Phrase::Unavailable, &locale),
                None,
                "error",
            ));
        }
    }
    if !yes {
        return Some(Answer::new(
            intent,
            reply::phrase(Phrase::Cancelled, &locale),
            None,
            "ok",
        ));
    }
    let called = tool(
        gateway,
        session,
        &pending.server,
        &pending.tool,
        pending.args,
        ctx,
        progress,
    )
    .await;
    Some(match called {
        Ok(result) => {
            let mut shown = result.clone();
            if let Some(title) = pending.title.filter(|t| !t.is_null()) {
                shown["title"] = title;
            }
            Answer::new(
                intent,
                reply::admin(&pending.tool, &shown, &locale, session.channel),
                Some(result),
                "ok",
            )
        }
        Err(failed) => failed.for_admin(intent, &locale),
    })
}

#[cfg(test)]
mod tests {
    use super::message_body;

    #[test]
    fn the_message_is_what_follows_the_cue() {
        for (text, body) in [
            (
                "send an email to ana@example.com saying your order has shipped",
                Some("your order has shipped"),
            ),
            (
                "envía un correo a ana@example.com que diga «tu pedido ha salido»",
                Some("tu pedido ha salido"),
            ),
            (
                "envoie un e-mail à ana@example.com : votre commande est partie",
                Some("votre commande est partie"),
            ),
            (
                "text +34600111222: \"ready for pickup\"",
                Some("ready for pickup"),
            ),
            ("send an email to ana@example.com", None),
            ("send an email to ana@example.com saying ", None),
        ] {
            assert_eq!(message_body(text).as_deref(), body, "{text}");
        }
    }
}
