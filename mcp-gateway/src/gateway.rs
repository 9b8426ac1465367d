//! Sessions and routing: a `message` goes to mcp-intent's `analyze_intent`
//! with the recent turns, the intent picks a server and tool (the routing
//! table in [`Gateway::route`]), arguments come from the entities and the
//! conversation (products shown, the basket), and the tool's structured
//! result becomes the reply. A `call` is a direct tool call. Roles are
//! checked here, before any call to mcp-admin, whatever the intent said.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use museo_sdk::auth::META_AUTHORIZATION;
use museo_sdk::telemetry::TraceContext;
use museo_sdk::types::Lang;
use rmcp::model::{CallToolResult, JsonObject};
use serde_json::{Value, json};

use crate::auth::{AdminTokens, ApiKey, Role};
use crate::children::{Child, ChildError};
use crate::protocol::ServerFrame;
use crate::reply::{self, Channel, Phrase};
use crate::store::{Conversation, ConversationStore, Shown, Store, Turn};

/// Below this confidence the gateway asks instead of acting.
pub const CLARIFY_BELOW: f64 = 0.55;

/// Servers a customer may call directly.
const CUSTOMER_SERVERS: [&str; 2] = ["mcp-storefront", "mcp-intent"];

/// Counters for `/metrics`.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Frames received, by type.
    pub frames: Mutex<HashMap<String, u64>>,
    /// Replies by intent.
    pub intents: Mutex<HashMap<String, u64>>,
    /// Error frames sent.
    pub errors: AtomicU64,
    /// Open WebSocket sessions.
    pub sessions: AtomicUsize,
    /// Sum of request latencies (ms) and their count.
    pub latency_ms_sum: AtomicU64,
    /// Requests answered.
    pub requests: AtomicU64,
}

impl Metrics {
    fn bump(map: &Mutex<HashMap<String, u64>>, key: &str) {
        if let Ok(mut map) = map.lock() {
            *map.entry(key.to_owned()).or_default() += 1;
        }
    }

    /// Counts a frame of `kind`.
    pub fn frame(&self, kind: &str) {
        Self::bump(&self.frames, kind);
    }
}

/// Everything sessions share.
#[derive(Debug)]
pub struct Gateway {
    /// The MCP servers by name.
    pub children: HashMap<String, Arc<Child>>,
    /// Conversations.
    pub store: Store,
    /// Tokens for mcp-admin.
    pub tokens: AdminTokens,
    /// Configured API keys.
    pub keys: Vec<ApiKey>,
    /// Counters.
    pub metrics: Metrics,
    /// Most open sessions.
    pub max_sessions: usize,
    /// Frames per second one session may send (`GATEWAY_RATE_PER_SECOND`, default 20).
    pub rate_per_second: u32,
    /// Set when the store failed and the gateway runs without it.
    pub store_degraded: std::sync::atomic::AtomicBool,
}

/// One WebSocket session's state.
#[derive(Debug)]
pub struct Session {
    /// Its id.
    pub id: String,
    /// Its role.
    pub role: Role,
    /// Who (for `sub` in admin tokens).
    pub subject: String,
    /// Its language.
    pub lang: Lang,
    /// True when the language was given (hello, phone, Accept-Language).
    pub lang_fixed: bool,
    /// How replies are formatted.
    pub channel: Channel,
    /// What the store holds for it (also kept here when the store is down).
    pub conversation: Conversation,
}

impl Gateway {
    async fn child_call(
        &self,
        server: &str,
        tool: &str,
        args: JsonObject,
        session: &Session,
        ctx: &TraceContext,
    ) -> Result<CallToolResult, ChildError> {
        let child = self
            .children
            .get(server)
            .ok_or_else(|| ChildError::Unavailable(server.to_owned(), "no such server".into()))?;
        let mut meta = JsonObject::new();
        ctx.child().inject_meta(&mut meta);
        if server == "mcp-admin" {
            // Checked here, where the action happens, whatever led to it.
            if session.role != Role::Admin {
                return Err(ChildError::Unavailable(
                    server.to_owned(),
                    "forbidden".into(),
                ));
            }
            let token = self
                .tokens
                .mint(&session.subject)
                .map_err(|e| ChildError::Unavailable(server.to_owned(), e.to_string()))?;
            meta.insert(META_AUTHORIZATION.into(), Value::String(token));
        }
        child.call(tool, args, meta).await
    }

    /// Saves the session's conversation; a store failure degrades, never fails the reply.
    pub async fn save(&self, session: &Session) {
        match self.store.save(&session.id, &session.conversation).await {
            Ok(()) => {
                if self.store_degraded.swap(false, Ordering::Relaxed) {
                    tracing::info!("conversation store is back");
                }
            }
            Err(e) => {
                if !self.store_degraded.swap(true, Ordering::Relaxed) {
                    tracing::warn!(error = %e, "conversation store unavailable: serving from session memory until it returns");
                }
            }
        }
    }

    /// A direct `call` frame.
    pub async fn call(
        &self,
        session: &Session,
        id: String,
        server: &str,
        tool: &str,
        args: JsonObject,
    ) -> ServerFrame {
        let ctx = TraceContext::new_root();
        let correlation_id = ctx.correlation_id();
        if session.role != Role::Admin && !CUSTOMER_SERVERS.contains(&server) {
            tracing::warn!(%correlation_id, server, tool, "direct call refused: role customer");
            self.metrics.errors.fetch_add(1, Ordering::Relaxed);
            return ServerFrame::Error {
                id: Some(id),
                correlation_id,
                code: "forbidden".into(),
                message: format!(
                    "{server} is for shop administrators; this session's role is customer"
                ),
            };
        }
        match self.child_call(server, tool, args, session, &ctx).await {
            Ok(result) => ServerFrame::Result {
                id,
                correlation_id,
                structured: result.structured_content.clone(),
                text: first_text(&result),
                is_error: result.is_error == Some(true),
            },
            Err(e) => {
                self.metrics.errors.fetch_add(1, Ordering::Relaxed);
                let code = match &e {
                    ChildError::Unavailable(_, why) if why == "no such server" => "unknown_server",
                    ChildError::Timeout(..) => "timeout",
                    _ => "unavailable",
                };
                ServerFrame::Error {
                    id: Some(id),
                    correlation_id,
                    code: code.into(),
                    message: e.to_string(),
                }
            }
        }
    }

    /// A chat `message`.
    pub async fn message(&self, session: &mut Session, id: String, text: &str) -> ServerFrame {
        let ctx = TraceContext::new_root();
        let correlation_id = ctx.correlation_id();
        let started = std::time::Instant::now();
        let history: Vec<Value> = session
            .conversation
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
        let mut history = history;
        if let Some(last) = history.iter_mut().rev().find(|t| t["role"] == "assistant")
            && !session.conversation.products.is_empty()
        {
            last["entities"] = json!({ "products": session.conversation.products });
        }
        let mut args = JsonObject::new();
        args.insert("message".into(), json!(text));
        if session.lang_fixed {
            args.insert("locale".into(), json!(session.lang.code()));
        }
        args.insert("history".into(), Value::Array(history));
        let analysis = match self
            .child_call("mcp-intent", "analyze_intent", args, session, &ctx)
            .await
        {
            Ok(result) if result.is_error != Some(true) => {
                result.structured_content.unwrap_or_default()
            }
            Ok(result) => {
                return ServerFrame::Error {
                    id: Some(id),
                    correlation_id,
                    code: "bad_message".into(),
                    message: first_text(&result),
                };
            }
            Err(e) => {
                self.metrics.errors.fetch_add(1, Ordering::Relaxed);
                return ServerFrame::Error {
                    id: Some(id),
                    correlation_id,
                    code: "unavailable".into(),
                    message: e.to_string(),
                };
            }
        };
        let intent = analysis["intent"].as_str().unwrap_or("unknown").to_owned();
        let confidence = analysis["confidence"].as_f64().unwrap_or(0.0);
        if !session.lang_fixed
            && let Some(lang) = analysis["language"].as_str().and_then(Lang::from_tag)
        {
            session.lang = lang;
        }
        tracing::info!(%correlation_id, session = %session.id, %intent, confidence, "routed");
        Metrics::bump(&self.metrics.intents, &intent);
        let entities = analysis["entities"].clone();
        let (reply, data) = if confidence < CLARIFY_BELOW
            && !matches!(intent.as_str(), "greeting" | "goodbye" | "help")
        {
            (
                reply::phrase(Phrase::Clarify, session.lang).to_owned(),
                None,
            )
        } else {
            self.route(session, &intent, &entities, text, &ctx).await
        };
        session.conversation.push(Turn {
            role: "user".into(),
            text: text.chars().take(2000).collect(),
            intent: None,
        });
        session.conversation.push(Turn {
            role: "assistant".into(),
            text: reply.chars().take(2000).collect(),
            intent: Some(intent.clone()),
        });
        session.conversation.locale = session.lang.code().into();
        self.save(session).await;
        let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.metrics.latency_ms_sum.fetch_add(ms, Ordering::Relaxed);
        self.metrics.requests.fetch_add(1, Ordering::Relaxed);
        ServerFrame::Reply {
            id,
            correlation_id,
            intent,
            text: reply,
            data,
        }
    }

    /// The routing table: intent → server, tool and arguments.
    async fn route(
        &self,
        session: &mut Session,
        intent: &str,
        entities: &Value,
        text: &str,
        ctx: &TraceContext,
    ) -> (String, Option<Value>) {
        let lang = session.lang;
        let channel = session.channel;
        let locale = json!(lang.code());
        let say = |p: Phrase| (reply::phrase(p, lang).to_owned(), None);
        match intent {
            "greeting" => say(Phrase::Greeting),
            "help" => say(Phrase::Help),
            "goodbye" => say(Phrase::Goodbye),
            "product.search" => {
                let mut args = obj(
                    json!({ "query": entities["query"].as_str().unwrap_or(text), "locale": locale, "limit": 5 }),
                );
                for key in ["price_min", "price_max"] {
                    if let Some(v) = entities[key].as_f64() {
                        args.insert(key.into(), json!(v));
                    }
                }
                match self
                    .tool(session, "mcp-storefront", "search_products", args, ctx)
                    .await
                {
                    Ok(result) => {
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
                        (reply::products(&result, lang, channel), Some(result))
                    }
                    Err(message) => (message, None),
                }
            }
            "product.details" | "product.question" | "basket.add" | "basket.remove" => {
                let Some(product) = self.resolve(session, entities) else {
                    return say(Phrase::WhichProduct);
                };
                match intent {
                    "product.details" => match self.tool(session, "mcp-storefront", "get_product", obj(json!({ "product_id": product, "locale": locale })), ctx).await {
                        Ok(result) => (reply::details(&result, lang, channel), Some(result)),
                        Err(message) => (message, None),
                    },
                    "product.question" => match self.tool(session, "mcp-storefront", "answer_product_question", obj(json!({ "product_id": product, "question": text, "locale": locale })), ctx).await {
                        Ok(result) => (result["answer"].as_str().unwrap_or_default().to_owned(), Some(result)),
                        Err(message) => (message, None),
                    },
                    "basket.add" => {
                        let quantity = entities["quantity"].as_i64().unwrap_or(1).max(1);
                        let mut args = obj(json!({ "product_id": product, "quantity": quantity, "locale": locale }));
                        if let Some(basket) = &session.conversation.basket_id {
                            args.insert("basket_id".into(), json!(basket));
                        }
                        match self.tool(session, "mcp-storefront", "add_to_basket", args, ctx).await {
                            Ok(result) => {
                                session.conversation.basket_id = result["basket_id"].as_str().map(str::to_owned);
                                let title = result["items"].as_array().and_then(|items| items.iter().find(|i| i["product_id"] == product || i["sku"] == product)).and_then(|i| i["title"].as_str()).unwrap_or(&product).to_owned();
                                (reply::basket(&result, lang, channel, Some((&title, quantity))), Some(result))
                            }
                            Err(message) => (message, None),
                        }
                    }
                    _ => {
                        let Some(basket) = session.conversation.basket_id.clone() else {
                            return say(Phrase::NoBasket);
                        };
                        let mut args = obj(json!({ "basket_id": basket, "product_id": product, "locale": locale }));
                        if let Some(q) = entities["quantity"].as_i64() {
                            args.insert("quantity".into(), json!(q));
                        }
                        match self.tool(session, "mcp-storefront", "remove_from_basket", args, ctx).await {
                            Ok(result) => (reply::basket(&result, lang, channel, None), Some(result)),
                            Err(message) => (message, None),
                        }
                    }
                }
            }
            "basket.view" | "checkout.pay" => {
                let Some(basket) = session.conversation.basket_id.clone() else {
                    return say(Phrase::NoBasket);
                };
                let (tool, pay) = if intent == "checkout.pay" {
                    ("get_payment_link", true)
                } else {
                    ("view_basket", false)
                };
                match self
                    .tool(
                        session,
                        "mcp-storefront",
                        tool,
                        obj(json!({ "basket_id": basket, "locale": locale })),
                        ctx,
                    )
                    .await
                {
                    Ok(result) if pay => (reply::payment(&result, lang, channel), Some(result)),
                    Ok(result) => (reply::basket(&result, lang, channel, None), Some(result)),
                    Err(message) => (message, None),
                }
            }
            admin if admin.starts_with("admin.") || admin == "notify.send" => {
                if session.role != Role::Admin {
                    tracing::warn!(session = %session.id, intent = admin, "admin intent from a customer: refused without calling anything");
                    return say(Phrase::AdminOnly);
                }
                let (server, tool, args) = match admin {
                    "admin.product.create" => (
                        "mcp-admin",
                        "create_product",
                        obj(json!({ "description": text, "locale": locale })),
                    ),
                    "admin.product.update" => match self.resolve(session, entities) {
                        Some(product) => (
                            "mcp-admin",
                            "update_product",
                            obj(
                                json!({ "product_id": product, "changes": text, "locale": locale }),
                            ),
                        ),
                        None => return say(Phrase::WhichProduct),
                    },
                    "admin.product.delete" => match self.resolve(session, entities) {
                        Some(product) => (
                            "mcp-admin",
                            "delete_product",
                            obj(json!({ "product_id": product })),
                        ),
                        None => return say(Phrase::WhichProduct),
                    },
                    "admin.product.import" => match entities["file"].as_str() {
                        Some(file) => (
                            "mcp-admin",
                            "import_products",
                            obj(json!({ "path": file, "dry_run": true })),
                        ),
                        None => {
                            return (
                                match lang {
                                    Lang::En => "Which file? Give its path on the server.",
                                    Lang::Es => "¿Qué archivo? Indica su ruta en el servidor.",
                                    Lang::Fr => "Quel fichier ? Donnez son chemin sur le serveur.",
                                }
                                .to_owned(),
                                None,
                            );
                        }
                    },
                    _ => match entities["email"].as_str() {
                        Some(to) => (
                            "mcp-notify",
                            "send_email",
                            obj(
                                json!({ "to": to, "text": text, "subject": "Museo", "locale": locale }),
                            ),
                        ),
                        None => return say(Phrase::Unknown),
                    },
                };
                match self.tool(session, server, tool, args, ctx).await {
                    Ok(result) => (summary(tool, &result, lang), Some(result)),
                    Err(message) => (message, None),
                }
            }
            _ => say(Phrase::Unknown),
        }
    }

    /// Calls a tool for the chat: the structured result, or the message to show.
    async fn tool(
        &self,
        session: &Session,
        server: &str,
        tool: &str,
        args: JsonObject,
        ctx: &TraceContext,
    ) -> Result<Value, String> {
        match self.child_call(server, tool, args, session, ctx).await {
            Ok(result) if result.is_error == Some(true) => Err(first_text(&result)),
            Ok(result) => Ok(result.structured_content.unwrap_or_default()),
            Err(e) => {
                tracing::warn!(correlation_id = %ctx.correlation_id(), error = %e, "tool call failed");
                Err(reply::phrase(Phrase::Unavailable, session.lang).to_owned())
            }
        }
    }

    /// The product a message refers to: a SKU, "the second one", a name, or the last shown.
    fn resolve(&self, session: &Session, entities: &Value) -> Option<String> {
        let shown = &session.conversation.products;
        if let Some(sku) = entities["sku"].as_str() {
            return Some(sku.to_owned());
        }
        if let Some(reference) = entities["product_ref"].as_str() {
            let lower = reference.to_lowercase();
            if let Some(found) = shown.iter().find(|p| {
                p.id == reference
                    || p.sku.eq_ignore_ascii_case(reference)
                    || p.title.to_lowercase() == lower
            }) {
                return Some(found.id.clone());
            }
            let ordinal = ORDINALS
                .iter()
                .find(|(words, _)| words.iter().any(|w| lower.contains(w)))
                .map(|(_, n)| *n);
            if let Some(n) = ordinal {
                return shown.get(n).map(|p| p.id.clone());
            }
            if let Some(found) = shown
                .iter()
                .find(|p| p.title.to_lowercase().contains(&lower))
            {
                return Some(found.id.clone());
            }
            if !reference.trim().is_empty() && shown.is_empty() {
                return Some(reference.to_owned());
            }
        }
        if shown.len() == 1 || entities["product_ref"].is_string() {
            return shown.first().map(|p| p.id.clone());
        }
        shown.first().map(|p| p.id.clone())
    }
}

const ORDINALS: [(&[&str], usize); 5] = [
    (
        &["first", "primer", "primera", "premier", "première", "1st"],
        0,
    ),
    (&["second", "segund", "deuxième", "2nd"], 1),
    (&["third", "tercer", "troisième", "3rd"], 2),
    (&["fourth", "cuart", "quatrième", "4th"], 3),
    (&["fifth", "quint", "cinquième", "5th"], 4),
];

fn summary(tool: &str, result: &Value, lang: Lang) -> String {
    match tool {
        "create_product" => match lang {
            Lang::En => format!(
                "Created {} ({}) at {} {} — saved as a draft unless published.",
                result["title"]["en"]
                    .as_str()
                    .filter(|t| !t.is_empty())
                    .unwrap_or(result["sku"].as_str().unwrap_or_default()),
                result["sku"].as_str().unwrap_or_default(),
                result["price"]["amount"].as_str().unwrap_or_default(),
                result["price"]["currency"].as_str().unwrap_or_default()
            ),
            Lang::Es => format!(
                "Producto creado: {} a {} {}.",
                result["sku"].as_str().unwrap_or_default(),
                result["price"]["amount"].as_str().unwrap_or_default(),
                result["price"]["currency"].as_str().unwrap_or_default()
            ),
            Lang::Fr => format!(
                "Produit créé : {} à {} {}.",
                result["sku"].as_str().unwrap_or_default(),
                result["price"]["amount"].as_str().unwrap_or_default(),
                result["price"]["currency"].as_str().unwrap_or_default()
            ),
        },
        "update_product" => match lang {
            Lang::En => format!("Updated {}.", result["sku"].as_str().unwrap_or_default()),
            Lang::Es => format!(
                "Actualizado {}.",
                result["sku"].as_str().unwrap_or_default()
            ),
            Lang::Fr => format!("{} mis à jour.", result["sku"].as_str().unwrap_or_default()),
        },
        "delete_product" => format!("✓ {}", result["sku"].as_str().unwrap_or_default()),
        "import_products" => format!(
            "dry run: {} create, {} update, {} unchanged, {} failed",
            result["created"], result["updated"], result["unchanged"], result["failed_count"]
        ),
        _ => format!("{}: {}", tool, result["status"].as_str().unwrap_or("ok")),
    }
}

fn obj(value: Value) -> JsonObject {
    match value {
        Value::Object(map) => map,
        _ => JsonObject::new(),
    }
}

fn first_text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .find_map(|b| b.as_text())
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

/// How long sessions may be idle before the store forgets them.
pub const SESSION_TTL: Duration = Duration::from_secs(24 * 3600);
