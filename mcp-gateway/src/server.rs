//! The gateway's HTTP surface on one port: `/ws` (the chat protocol),
//! `/healthz`, `/readyz`, `/metrics`, `/.well-known/jwks.json`, and the
//! authenticated admin endpoint `/admin/children` (status, restart).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures::{SinkExt as _, StreamExt as _};
use museo_sdk::types::Lang;
use serde_json::json;

use crate::auth::{self, Role};
use crate::gateway::{Gateway, Metrics, Session};
use crate::protocol::{self, ClientFrame, ServerFrame};
use crate::reply::Channel;
use crate::store::{Conversation, ConversationStore as _};

/// Largest frame accepted; bigger ones close the connection with 1009.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// The router over `gateway`.
pub fn router(gateway: Arc<Gateway>) -> Router {
    Router::new()
        .route("/ws", get(upgrade))
        .route(
            "/healthz",
            get(|| async { axum::Json(json!({ "status": "ok" })) }),
        )
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/.well-known/jwks.json", get(jwks))
        .route("/admin/children", get(children))
        .route("/admin/children/{name}/restart", post(restart))
        .with_state(gateway)
}

async fn jwks(State(gateway): State<Arc<Gateway>>) -> impl IntoResponse {
    axum::Json(gateway.tokens.jwks())
}

async fn readyz(State(gateway): State<Arc<Gateway>>) -> Response {
    let mut children = Vec::new();
    for child in gateway.children.values() {
        children.push(child.status().await);
    }
    let store = gateway.store.ping().await;
    let ready = store && children.iter().all(|c| c.state == "running");
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        axum::Json(json!({ "ready": ready, "store": store, "children": children })),
    )
        .into_response()
}

fn bearer_role(gateway: &Gateway, headers: &HeaderMap) -> Option<Role> {
    let token = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    auth::authenticate(&gateway.keys, token).map(|k| k.role)
}

async fn children(State(gateway): State<Arc<Gateway>>, headers: HeaderMap) -> Response {
    if bearer_role(&gateway, &headers) != Some(Role::Admin) {
        return (StatusCode::UNAUTHORIZED, "an admin API key is required").into_response();
    }
    let mut list = Vec::new();
    for child in gateway.children.values() {
        list.push(child.status().await);
    }
    axum::Json(list).into_response()
}

async fn restart(
    State(gateway): State<Arc<Gateway>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    if bearer_role(&gateway, &headers) != Some(Role::Admin) {
        return (StatusCode::UNAUTHORIZED, "an admin API key is required").into_response();
    }
    match gateway.children.get(&name) {
        Some(child) => {
            child.restart().await;
            axum::Json(child.status().await).into_response()
        }
        None => (StatusCode::NOT_FOUND, "no such server").into_response(),
    }
}

async fn metrics(State(gateway): State<Arc<Gateway>>) -> impl IntoResponse {
    let m: &Metrics = &gateway.metrics;
    let mut out = String::new();
    out.push_str("# TYPE gateway_frames_total counter\n");
    if let Ok(frames) = m.frames.lock() {
        for (kind, n) in frames.iter() {
            out.push_str(&format!("gateway_frames_total{{type=\"{kind}\"}} {n}\n"));
        }
    }
    out.push_str("# TYPE gateway_intents_total counter\n");
    if let Ok(intents) = m.intents.lock() {
        for (intent, n) in intents.iter() {
            out.push_str(&format!(
                "gateway_intents_total{{intent=\"{intent}\"}} {n}\n"
            ));
        }
    }
    out.push_str(&format!(
        "# TYPE gateway_errors_total counter\ngateway_errors_total {}\n",
        m.errors.load(Ordering::Relaxed)
    ));
    out.push_str(&format!(
        "# TYPE gateway_open_sessions gauge\ngateway_open_sessions {}\n",
        m.sessions.load(Ordering::Relaxed)
    ));
    out.push_str(&format!(
        "# TYPE gateway_request_duration_ms summary\ngateway_request_duration_ms_sum {}\ngateway_request_duration_ms_count {}\n",
        m.latency_ms_sum.load(Ordering::Relaxed),
        m.requests.load(Ordering::Relaxed)
    ));
    out.push_str("# TYPE gateway_child_restarts_total counter\n");
    for child in gateway.children.values() {
        let status = child.status().await;
        out.push_str(&format!(
            "gateway_child_restarts_total{{server=\"{}\"}} {}\n",
            status.name, status.restarts
        ));
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out)
}

async fn upgrade(
    State(gateway): State<Arc<Gateway>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if gateway.metrics.sessions.load(Ordering::Relaxed) >= gateway.max_sessions {
        return (StatusCode::SERVICE_UNAVAILABLE, "too many sessions").into_response();
    }
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::to_owned);
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|h| h.to_str().ok())
        .and_then(crate::locale::from_accept_language);
    ws.max_message_size(MAX_FRAME_BYTES)
        .on_upgrade(move |socket| session(gateway, socket, bearer, accept))
}

fn error(id: Option<String>, code: &str, message: impl Into<String>) -> ServerFrame {
    ServerFrame::Error {
        id,
        correlation_id: museo_sdk::telemetry::TraceContext::new_root().correlation_id(),
        code: code.into(),
        message: message.into(),
    }
}

async fn send(
    socket: &mut futures::stream::SplitSink<WebSocket, Message>,
    frame: &ServerFrame,
) -> bool {
    match serde_json::to_string(frame) {
        Ok(text) => socket.send(Message::Text(text.into())).await.is_ok(),
        Err(_) => false,
    }
}

async fn session(
    gateway: Arc<Gateway>,
    socket: WebSocket,
    bearer: Option<String>,
    accept: Option<Lang>,
) {
    gateway.metrics.sessions.fetch_add(1, Ordering::Relaxed);
    let (mut tx, mut rx) = socket.split();
    let mut state: Option<Session> = None;
    let rate = f64::from(gateway.rate_per_second);
    let mut tokens = rate;
    let mut last = tokio::time::Instant::now();
    while let Some(message) = rx.next().await {
        let text = match message {
            Ok(Message::Text(text)) => text,
            Ok(Message::Binary(_)) => {
                gateway.metrics.frame("binary");
                if !send(
                    &mut tx,
                    &error(
                        None,
                        "bad_frame",
                        "binary frames are not supported; send JSON text",
                    ),
                )
                .await
                {
                    break;
                }
                continue;
            }
            Ok(Message::Close(_)) => break,
            Ok(_) => continue,
            Err(e) => {
                // Oversized frames end here: tell the client why.
                let too_big = e.to_string().to_lowercase().contains("too long")
                    || e.to_string().to_lowercase().contains("too big");
                if too_big {
                    let _ = tx
                        .send(Message::Close(Some(CloseFrame {
                            code: 1009,
                            reason: "frame too big".into(),
                        })))
                        .await;
                }
                break;
            }
        };
        // Token bucket per session.
        let now = tokio::time::Instant::now();
        tokens = (tokens + now.duration_since(last).as_secs_f64() * rate).min(rate);
        last = now;
        if tokens < 1.0 {
            gateway.metrics.errors.fetch_add(1, Ordering::Relaxed);
            if !send(
                &mut tx,
                &error(
                    None,
                    "rate_limited",
                    format!("at most {} frames per second", gateway.rate_per_second),
                ),
            )
            .await
            {
                break;
            }
            continue;
        }
        tokens -= 1.0;
        let frame = match protocol::parse(&text) {
            Ok(frame) => frame,
            Err((id, code, message)) => {
                gateway.metrics.frame("invalid");
                gateway.metrics.errors.fetch_add(1, Ordering::Relaxed);
                if !send(&mut tx, &error(id, code, message)).await {
                    break;
                }
                continue;
            }
        };
        let reply = match frame {
            ClientFrame::Hello {
                token,
                session,
                locale,
                channel,
                phone,
            } => {
                gateway.metrics.frame("hello");
                match hello(
                    &gateway,
                    token.or(bearer.clone()),
                    session,
                    locale,
                    channel,
                    phone,
                    accept,
                )
                .await
                {
                    Ok(opened) => {
                        let welcome = ServerFrame::Welcome {
                            session: opened.id.clone(),
                            locale: opened.lang.code().into(),
                            role: opened.role.as_str().into(),
                        };
                        state = Some(opened);
                        welcome
                    }
                    Err(frame) => frame,
                }
            }
            ClientFrame::Message { id, text } => {
                gateway.metrics.frame("message");
                let opened = match state.as_mut() {
                    Some(s) => s,
                    None => {
                        state.insert(default_session(&gateway, bearer.as_deref(), accept).await)
                    }
                };
                if text.trim().is_empty() {
                    error(Some(id), "bad_frame", "`text` is empty")
                } else if text.chars().count() > 4000 {
                    error(Some(id), "bad_frame", "`text` is over 4000 characters")
                } else {
                    gateway.message(opened, id, &text).await
                }
            }
            ClientFrame::Call {
                id,
                server,
                tool,
                arguments,
            } => {
                gateway.metrics.frame("call");
                let opened = match state.as_mut() {
                    Some(s) => s,
                    None => {
                        state.insert(default_session(&gateway, bearer.as_deref(), accept).await)
                    }
                };
                gateway.call(opened, id, &server, &tool, arguments).await
            }
        };
        if !send(&mut tx, &reply).await {
            break;
        }
    }
    gateway.metrics.sessions.fetch_sub(1, Ordering::Relaxed);
}

async fn default_session(gateway: &Gateway, bearer: Option<&str>, accept: Option<Lang>) -> Session {
    let role = bearer
        .and_then(|t| auth::authenticate(&gateway.keys, t))
        .map_or(Role::Customer, |k| k.role);
    new_session(role, "anonymous".into(), accept, Channel::Web)
}

fn new_session(role: Role, subject: String, lang: Option<Lang>, channel: Channel) -> Session {
    Session {
        id: format!("ses_{}", uuid::Uuid::new_v4().simple()),
        role,
        subject,
        lang: lang.unwrap_or(Lang::En),
        lang_fixed: lang.is_some(),
        channel,
        conversation: Conversation::default(),
    }
}

async fn hello(
    gateway: &Gateway,
    token: Option<String>,
    resume: Option<String>,
    locale: Option<String>,
    channel: Option<String>,
    phone: Option<String>,
    accept: Option<Lang>,
) -> Result<Session, ServerFrame> {
    let (role, subject) = match token.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => (Role::Customer, "anonymous".to_owned()),
        Some(token) => match auth::authenticate(&gateway.keys, token) {
            Some(key) => (key.role, key.name.clone()),
            None => {
                return Err(error(
                    None,
                    "unauthorized",
                    "unknown credentials; connect without a token to shop as a customer",
                ));
            }
        },
    };
    if let Some(channel) = channel.as_deref()
        && !matches!(channel, "web" | "whatsapp" | "mobile" | "cli")
    {
        return Err(error(
            None,
            "bad_frame",
            "channel must be web, whatsapp, mobile or cli",
        ));
    }
    let lang = locale
        .as_deref()
        .and_then(Lang::from_tag)
        .or_else(|| phone.as_deref().and_then(crate::locale::from_phone))
        .or(accept);
    let mut session = new_session(role, subject, lang, Channel::from_name(channel.as_deref()));
    if let Some(id) = resume.filter(|s| s.len() <= 100 && s.starts_with("ses_")) {
        match gateway.store.load(&id).await {
            Ok(Some(conversation)) => {
                // The role comes from this connection's credentials, never from the store.
                if session.lang_fixed {
                    // keep the new locale
                } else if let Some(stored) = Lang::from_tag(&conversation.locale) {
                    session.lang = stored;
                    session.lang_fixed = true;
                }
                session.conversation = conversation;
                session.id = id;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "could not resume a session: store unavailable"),
        }
    }
    session.conversation.role = session.role.as_str().into();
    session.conversation.locale = session.lang.code().into();
    gateway.save(&session).await;
    let _ = Duration::ZERO;
    Ok(session)
}
