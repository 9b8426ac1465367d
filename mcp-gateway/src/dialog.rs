//! The dialog engine: what one chat message does.
//!
//! Every message goes one way: frame → session → dialog → upstream calls →
//! reply. In the dialog, in order:
//!
//! 1. an admin's open confirmation ("yes" / "no") is settled ([`admin::pending`]);
//! 2. the message is understood by mcp-intent's `analyze_intent`, given the
//!    recent turns, the products shown and the product in focus, and read
//!    into a typed [`Understanding`];
//! 3. the question the assistant asked last ("which one do you mean?") is
//!    answered first when the message picks one of its options;
//! 4. a shaky understanding gets a question back; admin intents go to
//!    [`admin::route`] for admins only (and mcp-admin checks again);
//! 5. shopping intents act on the typed [`state::Dialog`] kept with the
//!    conversation ([`shop`]): searches and their refinements, references
//!    resolved in a fixed order ([`resolve`]), basket changes only for a
//!    product the shopper chose, shop information from the help pages.
//!
//! 6. a turn the rules could answer only with "which product?" or "I did not
//!    understand" is offered to mcp-intent's `resolve_turn` ([`model`]): with
//!    an AI provider configured, a model may resolve it to one action on a
//!    product of the state, checked there and here; offline, the rules'
//!    answer stands.
//!
//! Tool results are read into the storefront's own types
//! ([`mcp_storefront::cards`]); a refusal a shopper can see is worded here,
//! from the Fluent files in the session's language, never the tool's text
//! (which is written for a model).

pub mod admin;
pub mod intent;
mod model;
pub mod resolve;
mod shop;
pub mod state;

use museo_sdk::telemetry::TraceContext;
use rmcp::model::JsonObject;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::auth::Role;
use crate::gateway::{CallError, Gateway, ProgressTx, Session, first_text};
use crate::protocol::ServerFrame;
use crate::reply::{self, Phrase};
pub use intent::{Entities, Intent, Understanding};

/// Below this confidence the gateway asks instead of acting.
pub const CLARIFY_BELOW: f64 = 0.55;
/// Below this confidence it asks instead of looking something up (a search,
/// a product, the basket, a help page).
pub const LOOK_UP_BELOW: f64 = 0.35;

/// What the gateway answers to one message.
#[derive(Debug)]
pub struct Answer {
    /// The intent it acted on.
    pub intent: Intent,
    /// The reply text.
    pub text: String,
    /// Structured data for the app (products, basket, the question's options…).
    pub data: Option<Value>,
    /// `ok`, `clarify`, `refused`, `tool_error` or `error` (metrics, logs).
    pub outcome: &'static str,
}

impl Answer {
    /// An answer.
    pub fn new(intent: Intent, text: String, data: Option<Value>, outcome: &'static str) -> Self {
        Self {
            intent,
            text,
            data,
            outcome,
        }
    }

    /// A done action.
    pub fn ok(intent: Intent, text: String, data: Option<Value>) -> Self {
        Self::new(intent, text, data, "ok")
    }

    /// A clarifying question.
    pub fn clarify(intent: Intent, text: String) -> Self {
        Self::new(intent, text, None, "clarify")
    }
}

/// A tool's refusal as its server words it for clients:
/// `_meta["dev.museo/error"]` of the result (`code` plus facts).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct ToolError {
    /// `out_of_stock`, `insufficient_stock`, `not_found`, `basket_closed`,
    /// `invalid_argument`, `unavailable`…
    pub code: String,
    /// Units left (`insufficient_stock`).
    #[serde(default)]
    pub available: Option<i64>,
    /// The product's title, when the server named it.
    #[serde(default)]
    pub title: Option<String>,
}

/// Why a tool call did not give a result.
#[derive(Debug)]
pub enum Failed {
    /// The tool refused: its code when it gave one, and its text (for admins
    /// and logs; never shown to a shopper).
    Refused {
        /// The machine-readable refusal.
        error: Option<ToolError>,
        /// The tool's text.
        text: String,
    },
    /// The session's role may not reach the server.
    Forbidden,
    /// The server is down or timed out, or its result did not read.
    Unavailable,
}

impl Failed {
    /// The refusal's code, if the tool gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Failed::Refused { error: Some(e), .. } => Some(e.code.as_str()),
            _ => None,
        }
    }

    /// The answer for an admin: the tool's own text when it refused.
    pub fn for_admin(self, intent: Intent, locale: &str) -> Answer {
        match self {
            Failed::Refused { text, .. } => Answer::new(intent, text, None, "tool_error"),
            Failed::Forbidden => Answer::new(
                intent,
                reply::phrase(Phrase::AdminOnly, locale),
                None,
                "refused",
            ),
            Failed::Unavailable => Answer::new(
                intent,
                reply::phrase(Phrase::Unavailable, locale),
                None,
                "error",
            ),
        }
    }
}

/// Calls `tool` on `server` for the session: its structured result, or why not.
pub async fn tool(
    gateway: &Gateway,
    session: &Session,
    server: &str,
    tool: &str,
    args: Value,
    ctx: &TraceContext,
    progress: Option<&ProgressTx>,
) -> Result<Value, Failed> {
    let args = match args {
        Value::Object(map) => map,
        _ => JsonObject::new(),
    };
    match gateway
        .child_call(server, tool, args, session, ctx, progress)
        .await
    {
        Ok(result) if result.is_error == Some(true) => {
            let error = result
                .meta
                .as_ref()
                .and_then(|meta| meta.get("dev.museo/error"))
                .and_then(|e| serde_json::from_value(e.clone()).ok());
            Err(Failed::Refused {
                error,
                text: first_text(&result),
            })
        }
        Ok(result) => Ok(result.structured_content.unwrap_or_default()),
        Err(CallError::Forbidden(_)) => Err(Failed::Forbidden),
        Err(e) => {
            tracing::warn!(correlation_id = %ctx.correlation_id(), server, tool, error = ?e, "tool call failed");
            Err(Failed::Unavailable)
        }
    }
}

/// A storefront call read into `T` (one of the storefront's result types),
/// with the result as sent (what the reply renders and the app receives).
pub async fn shop_call<T: DeserializeOwned>(
    gateway: &Gateway,
    session: &Session,
    name: &str,
    args: Value,
    ctx: &TraceContext,
) -> Result<(T, Value), Failed> {
    let value = tool(gateway, session, "mcp-storefront", name, args, ctx, None).await?;
    match serde_json::from_value(value.clone()) {
        Ok(typed) => Ok((typed, value)),
        Err(e) => {
            tracing::warn!(correlation_id = %ctx.correlation_id(), tool = name, error = %e, "unreadable storefront result");
            Err(Failed::Unavailable)
        }
    }
}

/// One chat message: the answer, or the error frame to send instead.
pub async fn turn(
    gateway: &Gateway,
    session: &mut Session,
    text: &str,
    ctx: &TraceContext,
    progress: Option<&ProgressTx>,
) -> Result<Answer, ServerFrame> {
    let before = session.conversation.dialog.focus.clone();
    let answer = respond(gateway, session, text, ctx, progress).await;
    // The product in focus before, when the turn moved to another.
    let dialog = &mut session.conversation.dialog;
    if let (Some(before), Some(now)) = (before, &dialog.focus)
        && before.id != now.id
    {
        dialog.earlier = Some(before);
    }
    answer
}

/// The answer to one chat message, the dialog's state updated.
async fn respond(
    gateway: &Gateway,
    session: &mut Session,
    text: &str,
    ctx: &TraceContext,
    progress: Option<&ProgressTx>,
) -> Result<Answer, ServerFrame> {
    if let Some(answer) = admin::pending(gateway, session, text, ctx, progress).await {
        return Ok(answer);
    }
    let counted = resolve::plain_counts(text);
    let greeted = resolve::without_greeting(&counted);
    let greeted = resolve::without_acknowledgement(&greeted);
    let plain = resolve::without_very(&greeted);
    let text = &*resolve::without_recipients(&plain);
    let understood = understand(gateway, session, text, ctx).await?;
    // The language a conversation is held in follows its messages, but a
    // short one ("¿cuánto es?", "ok 2") says too little to switch it.
    let first = session.conversation.turns.is_empty();
    if !session.locale_fixed
        && (first || text.split_whitespace().count() > 3)
        && let Some(lang) = understood.language
    {
        session.locale = lang.code().into();
    }
    gateway.metrics.intent(understood.intent.id());
    let intent = understood.intent;
    // The last question is answered first; any other message drops it.
    let just = session.conversation.dialog.just.take();
    let asked = session.conversation.dialog.asked.take();
    let pending = session.conversation.dialog.question.clone();
    if let Some(question) = session.conversation.dialog.question.take()
        && let Some(answer) =
            shop::answer_question(gateway, session, question, &understood, text, ctx).await
    {
        return Ok(answer);
    }
    // Right after a basket change, a bare number is about that product, and
    // "no wait, the red one" takes it back for another.
    if let Some(just) = just {
        // "Vale, las 3 que haya": as many as are left of the product just
        // refused for its stock (or the count said, when fewer).
        if let state::Just::Refused { item } = &just
            && resolve::takes_what_is_left(text)
        {
            let item = item.clone();
            return Ok(shop::what_is_left(gateway, session, item, text, ctx).await);
        }
        if let Some(quantity) = resolve::bare_quantity(text)
            && (quantity > 0 || matches!(just, state::Just::Changed { .. }))
        {
            return Ok(shop::correct(gateway, session, just, quantity, ctx).await);
        }
        // "One more", "pon otro": more of the product just put in.
        if let state::Just::Changed { item } = &just
            && let Some(more) = resolve::more_of_it(text)
        {
            return Ok(shop::more_of(gateway, session, item.clone(), more, ctx).await);
        }
        // "Remove the mug" → "and the tote too": the next line goes out.
        let asks = text.contains('?') || resolve::ends_asking(text);
        if let state::Just::Changed { item } = &just
            && !asks
            && !session.conversation.dialog.holds(item)
            && matches!(
                intent,
                Intent::Unknown | Intent::Search | Intent::Details | Intent::Add | Intent::Update
            )
            && resolve::goes_on(text)
            && let Some(answer) = shop::on_named(
                gateway,
                session,
                &understood,
                state::Action::Remove { quantity: None },
                text,
                None,
                ctx,
            )
            .await
        {
            return Ok(answer);
        }
        // "And one Kiss mug", "y la corbata": the next product goes in.
        // ("i la tarjeta navideña" may read as paying by card.)
        if let state::Just::Changed { item: last } = &just
            && !asks
            && (matches!(intent, Intent::Unknown | Intent::Search | Intent::Details)
                || intent == Intent::Pay && !resolve::says_pay(text))
            && resolve::goes_on(text)
            && let Some(answer) =
                shop::next_one(gateway, session, &understood, text, last, ctx).await
        {
            return Ok(answer);
        }
        // "Non en fait pas le stylo" right after the pen went in: out.
        if let state::Just::Changed { item } = &just
            && let Some(out) = resolve::only_rules_out(text)
            && resolve::names(&out, &item.title)
            && session.conversation.dialog.holds(item)
        {
            return Ok(shop::carry_out(
                gateway,
                session,
                state::Action::Remove { quantity: None },
                item.clone(),
                ctx,
            )
            .await);
        }
        if let state::Just::Changed { item } = just
            && matches!(
                intent,
                Intent::Add | Intent::Update | Intent::Unknown | Intent::Search | Intent::Details
            )
            && resolve::changes_mind(text)
            && let Some(answer) =
                shop::replace(gateway, session, item, &understood, text, ctx).await
        {
            return Ok(answer);
        }
    } else if let Some(focus) = session.conversation.dialog.focus.clone()
        && session.conversation.dialog.holds(&focus)
        && !(text.contains('?') || resolve::ends_asking(text))
        && matches!(intent, Intent::Unknown | Intent::Search | Intent::Details)
        && resolve::goes_on(text)
        && let Some(answer) = shop::next_one(gateway, session, &understood, text, &focus, ctx).await
    {
        // "Ugh ok. and the kiss socks" after a question about the mug in the
        // basket: the conversation is still filling the basket.
        return Ok(answer);
    } else if let Some(more) = resolve::more_of_it(text)
        && let Some(line) = resolve::basket_default(&session.conversation.dialog)
        && session
            .conversation
            .dialog
            .focus
            .as_ref()
            .is_none_or(|f| f.id == line.id)
    {
        // "Dame otro igual" a turn later: more of the line last changed.
        return Ok(shop::more_of(gateway, session, line, more, ctx).await);
    } else if resolve::bare_quantity(text).is_some()
        && resolve::corrects(text)
        && !shop::has_lines(&session.conversation.dialog)
    {
        // "Mejor 2", "non 2" with nothing in the basket: nothing to correct.
        return Ok(Answer::ok(
            Intent::Update,
            reply::phrase(Phrase::NothingToChange, &session.locale),
            None,
        ));
    } else if let Some(quantity) = resolve::bare_quantity(text).filter(|q| *q > 0)
        && matches!(
            intent,
            Intent::Unknown | Intent::Add | Intent::Update | Intent::Search
        )
        && let Some(focus) = session.conversation.dialog.focus.clone()
    {
        // "2 copies pls" while one product is in focus: that many of it.
        return Ok(shop::count_of_focus(gateway, session, focus, quantity, ctx).await);
    }
    // "Add something nice": nothing names a product; ask, add nothing.
    if intent == Intent::Add && resolve::only_vague(text) {
        return Ok(Answer::clarify(
            intent,
            reply::phrase(Phrase::WhichProduct, &session.locale),
        ));
    }
    // "Je prends les deux", "I'll take both": one of each of the two
    // products offered in the question just asked, else of the two last
    // spoken about, else of the two shown.
    if resolve::takes_both(text)
        && let Some(both) = shop::the_two(&session.conversation.dialog, pending.as_ref())
    {
        session.conversation.dialog.question = None;
        return Ok(shop::add_both(gateway, session, both, ctx).await);
    }
    // "Esa también", "celui-là aussi" after a question about a product
    // not in the basket: that product goes in too.
    if matches!(intent, Intent::Unknown | Intent::Add)
        && resolve::that_one_too(text)
        && shop::has_lines(&session.conversation.dialog)
        && let Some(focus) = session.conversation.dialog.focus.clone()
        && !session.conversation.dialog.holds(&focus)
    {
        return Ok(shop::count_of_focus(gateway, session, focus, 1, ctx).await);
    }
    // "¿A qué huele?", "elle mesure combien" that mcp-intent could not
    // place: a question about the product in focus.
    // ("¿Cuánto sale?" with an empty basket asks the price of the product
    // in focus, not a total.)
    let understood = if matches!(intent, Intent::Unknown | Intent::Details)
        && pending.is_none()
        && !text.contains('?')
        && !session.conversation.dialog.shown.is_empty()
        && let Some(position) = resolve::only_position(text)
    {
        // "Second one pls", "3rd one", "le premier alors" right after a
        // list: a position and nothing else is a choice, and the shopper's
        // own (see docs/decisions.md).
        Understanding {
            intent: Intent::Add,
            confidence: understood.confidence.max(CLARIFY_BELOW),
            entities: Entities {
                ordinal: Some(position),
                quantity: Some(1),
                ..Entities::default()
            },
            ..understood
        }
    } else if (matches!(intent, Intent::Unknown | Intent::Help)
        || intent == Intent::View && !shop::has_lines(&session.conversation.dialog))
        && session.conversation.dialog.focus.is_some()
        && resolve::asks_about_it(text)
    {
        Understanding {
            intent: Intent::Question,
            confidence: 0.9,
            entities: Entities {
                anaphora: true,
                ..Entities::default()
            },
            ..understood
        }
    } else if intent == Intent::Question
        && session.conversation.dialog.focus.is_some()
        && understood
            .entities
            .name
            .as_deref()
            .is_some_and(resolve::a_part_of_it)
    {
        // "How long is the chain?": the chain of the product in focus,
        // not a product called "chain".
        Understanding {
            entities: Entities {
                name: None,
                product_ref: None,
                anaphora: true,
                ..understood.entities.clone()
            },
            ..understood
        }
    } else if matches!(intent, Intent::Unknown | Intent::Help | Intent::StoreInfo)
        && resolve::asks_customs(text)
    {
        // "Il y a des frais de douane ?": the shipping page says who pays
        // duties outside the EU (mcp-intent leaves customs to no page).
        Understanding {
            intent: Intent::StoreInfo,
            confidence: 0.9,
            entities: Entities {
                topic: Some("shipping".into()),
                ..Entities::default()
            },
            ..understood
        }
    } else if intent == Intent::Add && resolve::only_takes_away(text)
        || intent == Intent::Search && resolve::takes_it_out(text)
    {
        // "Finalement, retirez 2 cartes de Noël" read as an order, "take
        // the letters book out" read as a search: a message of taking out
        // with no word of buying takes out (what was searched for names
        // the line).
        let mut entities = understood.entities.clone();
        if entities.name.is_none() {
            entities.name = entities.query.take();
        }
        Understanding {
            intent: Intent::Remove,
            entities,
            ..understood
        }
    } else if intent == Intent::Add
        && resolve::asks_without_buying(text)
        && !resolve::ends_asking(text)
    {
        // "¿Tenés el colgante de la libélula?": asked, it is shown.
        Understanding {
            intent: Intent::Details,
            confidence: understood.confidence.max(LOOK_UP_BELOW),
            ..understood
        }
    } else if (matches!(intent, Intent::Add | Intent::Details)
        || intent == Intent::Search && resolve::names_the_one(text).is_some())
        && resolve::ends_asking(text)
    {
        // "Y el fular de gasa de Degas, de q es": a question about it.
        // ("Le pendentif libellule, c'est fait en quoi" may read as a
        // search: the product is what the first clause names.)
        let mut entities = understood.entities.clone();
        if intent == Intent::Search {
            entities.name = resolve::names_the_one(text);
            entities.query = None;
        }
        Understanding {
            intent: Intent::Question,
            confidence: understood.confidence.max(LOOK_UP_BELOW),
            entities,
            ..understood
        }
    } else if intent == Intent::Add
        && (understood.confidence < CLARIFY_BELOW && resolve::only_names(text)
            || resolve::count_inside_name(text) && !resolve::buys(&museo_sdk::parse::fold(text)))
    {
        // "Les cubes en bois temple grec", read as a shaky order, or "mucha
        // four seasons print", whose "four" is no count: a product named
        // and nothing of buying is looked at, which costs nothing.
        Understanding {
            intent: Intent::Details,
            confidence: CLARIFY_BELOW,
            ..understood
        }
    } else {
        understood
    };
    let intent = understood.intent;
    // Changing the basket needs a sure reading; looking things up costs
    // nothing when it is wrong, and a question would cost a turn.
    let needed = match intent {
        // "Y la del jardín de las delicias, 3": a name and a count are an
        // order however shaky the reading; the name must still resolve to
        // one product by its words, or the shopper is asked.
        Intent::Add
            if understood.entities.name.is_some()
                && resolve::own_count(text).is_some()
                && !text.contains('?') =>
        {
            LOOK_UP_BELOW
        }
        Intent::Add | Intent::Update | Intent::Remove | Intent::Pay => CLARIFY_BELOW,
        Intent::Greeting | Intent::Goodbye | Intent::Help => 0.0,
        _ if intent.is_admin() => CLARIFY_BELOW,
        _ => LOOK_UP_BELOW,
    };
    if intent == Intent::Unknown
        && let Some(answer) = shop::names_products(gateway, session, text, ctx).await
    {
        return Ok(answer);
    }
    if understood.confidence < needed {
        let clarify = Answer::clarify(intent, reply::phrase(Phrase::Clarify, &session.locale));
        return Ok(or_the_model(gateway, session, text, clarify, pending, ctx).await);
    }
    if intent.is_admin() {
        if session.role != Role::Admin {
            tracing::warn!(correlation_id = %ctx.correlation_id(), intent = intent.id(), "admin intent from a customer: refused without calling anything");
            return Ok(Answer::new(
                intent,
                reply::phrase(Phrase::AdminOnly, &session.locale),
                None,
                "refused",
            ));
        }
        return Ok(admin::route(gateway, session, &understood, text, ctx, progress).await);
    }
    // "Y la taza de los girasoles?": the question just answered, asked of
    // another product (or, with none, a look at it).
    // ("And the sunflowers mug?" may read as a search.)
    if (matches!(intent, Intent::Question | Intent::Details)
        || intent == Intent::Search && asked.is_some())
        && let Some(name) = understood.entities.name_or_query()
        && resolve::and_the(text, name)
    {
        return Ok(shop::and_the(gateway, session, &understood, text, asked, ctx).await);
    }
    let understood = shop::reread(&session.conversation.dialog, &understood, text);
    // "La taza de los nenúfares porfa" right after two went in may read as
    // setting the line: a count nobody wrote changes nothing.
    if understood.intent == Intent::Update
        && understood.entities.quantity.is_some()
        && understood.entities.quantity_delta.is_none()
        && resolve::first_count(text).is_none()
        && !resolve::says_one(text)
    {
        return Ok(Answer::clarify(
            Intent::Update,
            reply::phrase(Phrase::HowMany, &session.locale),
        ));
    }
    let answer = shop::act(gateway, session, &understood, text, ctx).await;
    Ok(or_the_model(gateway, session, text, answer, pending, ctx).await)
}

/// A turn the rules could answer only with a question that offers nothing
/// ("which product?", "I did not understand") is offered to the model
/// first ([`model`]), with the question the assistant had asked, if any.
async fn or_the_model(
    gateway: &Gateway,
    session: &mut Session,
    text: &str,
    answer: Answer,
    pending: Option<state::Question>,
    ctx: &TraceContext,
) -> Answer {
    if answer.outcome != "clarify" || session.conversation.dialog.question.is_some() {
        return answer;
    }
    model::resolve(gateway, session, text, pending, ctx)
        .await
        .unwrap_or(answer)
}

/// `analyze_intent` with the recent turns, the products shown and the
/// product in focus.
async fn understand(
    gateway: &Gateway,
    session: &Session,
    text: &str,
    ctx: &TraceContext,
) -> Result<Understanding, ServerFrame> {
    if !gateway.children.contains_key("mcp-intent") {
        return Err(ServerFrame::Error {
            id: None,
            correlation_id: ctx.correlation_id(),
            code: "unavailable".into(),
            message:
                "chat is not configured on this gateway (no mcp-intent server); use call frames"
                    .into(),
        });
    }
    let conversation = &session.conversation;
    let mut history: Vec<Value> = conversation
        .turns
        .iter()
        .map(|t| {
            let mut turn = json!({ "role": t.role, "text": t.text });
            if let Some(intent) = &t.intent {
                turn["intent"] = json!(intent);
            }
            turn
        })
        .collect();
    // What was shown, and which product the last answer was about.
    let dialog = &conversation.dialog;
    if let Some(last) = history.iter_mut().rev().find(|t| t["role"] == "assistant") {
        let mut entities = serde_json::Map::new();
        if !dialog.shown.is_empty() {
            let shown: Vec<Value> = dialog
                .shown
                .iter()
                .map(|i| json!({ "id": i.id, "sku": i.sku, "title": i.title }))
                .collect();
            entities.insert("products".into(), Value::Array(shown));
        }
        if let Some(focus) = &dialog.focus {
            entities.insert("product_ref".into(), json!(focus.sku));
        }
        if !entities.is_empty() {
            last["entities"] = Value::Object(entities);
        }
    }
    let mut args = json!({ "message": text, "history": history });
    if session.locale_fixed {
        args["locale"] = json!(session.locale);
    }
    let error = |code: &str, message: String| ServerFrame::Error {
        id: None,
        correlation_id: ctx.correlation_id(),
        code: code.into(),
        message,
    };
    match tool(
        gateway,
        session,
        "mcp-intent",
        "analyze_intent",
        args,
        ctx,
        None,
    )
    .await
    {
        Ok(value) => match serde_json::from_value::<mcp_intent::Analysis>(value) {
            Ok(analysis) => Ok(Understanding::from_analysis(analysis)),
            Err(e) => {
                tracing::warn!(correlation_id = %ctx.correlation_id(), error = %e, "unreadable analysis");
                Err(error(
                    "unavailable",
                    reply::phrase(Phrase::Unavailable, &session.locale),
                ))
            }
        },
        Err(Failed::Refused { text, .. }) => Err(error("bad_message", text)),
        Err(Failed::Unavailable | Failed::Forbidden) => Err(error(
            "unavailable",
            reply::phrase(Phrase::Unavailable, &session.locale),
        )),
    }
}
