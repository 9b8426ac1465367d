//! The gateway's HTTP surface on one port: `/ws` (the chat protocol),
//! `/healthz`, `/readyz`, `/metrics`, `/.well-known/jwks.json`, and the
//! operator endpoints `/admin/servers` (status; `POST …/{name}/start|stop|restart`),
//! which need an admin credential.
//!
//! A WebSocket session reads one frame at a time and answers it before the
//! next (a chat is a conversation: turns are ordered), forwarding the
//! progress of a long request as `progress` frames meanwhile. On shutdown a
//! session finishes the request it is on, then closes with 1001.

use std::sync::Arc;

use axum::Router;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures::{SinkExt as _, StreamExt as _};
use serde_json::json;
use tokio::sync::mpsc;

use crate::auth::{Identity, Role};
use crate::children::Progress;
use crate::gateway::{Gateway, Session};
use crate::protocol::{self, ClientFrame, ServerFrame};
use crate::reply::{self, Channel, Phrase};
use crate::store::ConversationStore as _;

/// Longest chat message, in characters (what mcp-intent analyses).
pub const MAX_TEXT_CHARS: usize = 2000;

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
        .route("/admin/servers", get(servers))
        .route("/admin/servers/{name}/{action}", post(control))
        // The names of the first release, kept working.
        .route("/admin/children", get(servers))
        .route(
            "/admin/children/{name}/restart",
            post(|state, Path(name): Path<String>, headers| {
                control(state, Path((name, "restart".to_owned())), headers)
            }),
        )
        .with_state(gateway)
}

async fn jwks(State(gateway): State<Arc<Gateway>>) -> impl IntoResponse {
    axum::Json(gateway.tokens.jwks())
}

/// Ready when every server runs, the store answers and the gateway is not
/// draining. The body says which is not, without server names or errors
/// (those are for operators, at `/admin/servers`).
async fn readyz(State(gateway): State<Arc<Gateway>>) -> Response {
    let total = gateway.children.len();
    let running = gateway
        .children
        .values()
        .filter(|c| c.status().state == "running")
        .count();
    let store = gateway.store.ping().await;
    let draining = gateway.shutdown.is_cancelled();
    let ready = store && !draining && running == total;
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        axum::Json(json!({
            "ready": ready,
            "store": store,
            "draining": draining,
            "servers": { "running": running, "total": total },
        })),
    )
        .into_response()
}

/// The credential in `Authorization`: `None` without the header,
/// `Some(Err(()))` for one that is not `Bearer <token>` (the scheme is
/// case-insensitive, RFC 7235).
fn bearer(headers: &HeaderMap) -> Option<Result<&str, ()>> {
    let value = headers.get(header::AUTHORIZATION)?;
    Some(
        value
            .to_str()
            .ok()
            .and_then(|v| v.trim().split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|token| !token.is_empty())
            .ok_or(()),
    )
}

fn not_bearer() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        axum::Json(json!({ "error": "unauthorized", "message": "Authorization must be `Bearer <token>` (an API key or JWT)" })),
    )
        .into_response()
}

/// `Ok` for an admin credential; the response to send otherwise.
async fn require_admin(gateway: &Gateway, headers: &HeaderMap) -> Result<Identity, Response> {
    let token = match bearer(headers) {
        Some(Ok(token)) => token,
        Some(Err(())) => return Err(not_bearer()),
        None => {
            return Err((
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                axum::Json(json!({ "error": "unauthorized", "message": "an admin API key or JWT is required (Authorization: Bearer …)" })),
            )
                .into_response());
        }
    };
    match gateway.auth.authenticate(token).await {
        Ok(identity) if identity.role == Role::Admin => Ok(identity),
        Ok(_) => Err((
            StatusCode::FORBIDDEN,
            axum::Json(
                json!({ "error": "forbidden", "message": "this credential's role is customer" }),
            ),
        )
            .into_response()),
        Err(failure) => Err((
            StatusCode::from_u16(failure.status()).unwrap_or(StatusCode::UNAUTHORIZED),
            [(header::WWW_AUTHENTICATE, "Bearer")],
            axum::Json(json!({ "error": failure.code(), "message": failure.to_string() })),
        )
            .into_response()),
    }
}

async fn servers(State(gateway): State<Arc<Gateway>>, headers: HeaderMap) -> Response {
    if let Err(response) = require_admin(&gateway, &headers).await {
        return response;
    }
    let mut list = Vec::new();
    for child in gateway.children.values() {
        list.push(child.status());
    }
    axum::Json(list).into_response()
}

async fn control(
    State(gateway): State<Arc<Gateway>>,
    Path((name, action)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let identity = match require_admin(&gateway, &headers).await {
        Ok(identity) => identity,
        Err(response) => return response,
    };
    let Some(child) = gateway.children.get(&name) else {
        return (
            StatusCode::NOT_FOUND,
            axum::Json(json!({ "error": "unknown_server", "message": "no such server" })),
        )
            .into_response();
    };
    tracing::info!(server = %name, action, by = %identity.subject, "operator action");
    let outcome = match action.as_str() {
        "start" => child.start_now().await,
        "restart" => child.restart().await,
        "stop" => {
            child.stop_now().await;
            Ok(())
        }
        _ => {
            return (
                StatusCode::NOT_FOUND,
                axum::Json(json!({ "error": "unknown_action", "message": "actions: start, stop, restart" })),
            )
                .into_response();
        }
    };
    let status = child.status();
    match outcome {
        Ok(()) => axum::Json(status).into_response(),
        Err(e) => (
            StatusCode::BAD_GATEWAY,
            axum::Json(
                json!({ "error": "start_failed", "message": e.to_string(), "status": status }),
            ),
        )
            .into_response(),
    }
}

async fn metrics(State(gateway): State<Arc<Gateway>>) -> impl IntoResponse {
    for child in gateway.children.values() {
        let status = child.status();
        gateway
            .metrics
            .child(&status.name, status.restarts, status.state == "running");
    }
    gateway.metrics.store(gateway.store.ping().await);
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        gateway.metrics.encode(),
    )
}

async fn upgrade(
    State(gateway): State<Arc<Gateway>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if gateway.shutdown.is_cancelled() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
    }
    if gateway.sessions.len() >= gateway.limits.max_sessions {
        gateway.metrics.error("too_many_sessions");
        return (StatusCode::SERVICE_UNAVAILABLE, "too many sessions").into_response();
    }
    // A bad header credential is refused before the upgrade; none is a customer.
    let identity = match bearer(&headers) {
        Some(Err(())) => return not_bearer(),
        Some(Ok(token)) => match gateway.auth.authenticate(token).await {
            Ok(identity) => Some(identity),
            Err(failure) => {
                return (
                    StatusCode::from_u16(failure.status()).unwrap_or(StatusCode::UNAUTHORIZED),
                    [(header::WWW_AUTHENTICATE, "Bearer")],
                    failure.to_string(),
                )
                    .into_response();
            }
        },
        None => None,
    };
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|h| h.to_str().ok())
        .and_then(crate::locale::from_accept_language);
    let tracker = gateway.sessions.clone();
    // An idle session holds its read buffer: 8 KiB, not tungstenite's
    // 128 KiB default (it grows for a big frame, up to the frame limit).
    ws.read_buffer_size(8 * 1024)
        .max_message_size(gateway.limits.max_frame_bytes)
        .max_frame_size(gateway.limits.max_frame_bytes)
        .on_upgrade(move |socket| tracker.track_future(session(gateway, socket, identity, accept)))
}

/// An `error` frame for a frame refused before any request began; logged
/// with its correlation id, so a client's report can be found.
fn error(id: Option<String>, code: &str, message: impl Into<String>) -> ServerFrame {
    let correlation_id = museo_sdk::telemetry::TraceContext::new_root().correlation_id();
    tracing::info!(%correlation_id, code, "frame refused");
    ServerFrame::Error {
        id,
        correlation_id,
        code: code.into(),
        message: message.into(),
    }
}

type Tx = futures::stream::SplitSink<WebSocket, Message>;

async fn send(socket: &mut Tx, frame: &ServerFrame) -> bool {
    match serde_json::to_string(frame) {
        Ok(text) => socket.send(Message::Text(text.into())).await.is_ok(),
        Err(_) => false,
    }
}

/// Runs `request`, sending its progress as `progress` frames for `id` until
/// it answers. `None` when the session must end: the client went away (the
/// request is dropped, which cancels it on the server) or the gateway's drain
/// time ran out. Frames that arrive meanwhile wait in the inbox.
async fn with_progress<F>(
    tx: &mut Tx,
    inbox: &mut Inbox,
    abort: &tokio_util::sync::CancellationToken,
    id: &str,
    request: impl FnOnce(mpsc::UnboundedSender<Progress>) -> F,
) -> Option<ServerFrame>
where
    F: std::future::Future<Output = ServerFrame>,
{
    let (progress_tx, mut progress_rx) = mpsc::unbounded_channel();
    let request = request(progress_tx);
    tokio::pin!(request);
    let frame = |p: Progress| ServerFrame::Progress {
        id: id.to_owned(),
        progress: p.progress,
        total: p.total,
        message: p.message,
    };
    loop {
        tokio::select! {
            // Progress first: an update that arrived before the answer goes out before it.
            biased;
            () = abort.cancelled() => {
                close(tx, 1001, "the gateway is restarting; reconnect and resume your session").await;
                return None;
            }
            Some(p) = progress_rx.recv() => {
                if !send(tx, &frame(p)).await {
                    return None;
                }
            }
            answer = &mut request => {
                while let Ok(p) = progress_rx.try_recv() {
                    if !send(tx, &frame(p)).await {
                        return None;
                    }
                }
                return Some(answer);
            }
            left = inbox.read_ahead(), if inbox.can_read_ahead() => {
                if left {
                    return None;
                }
            }
        }
    }
}

/// The frames of a session: read ahead while a request runs, so the request
/// notices a client that leaves (and is cancelled), and later frames keep
/// their order.
struct Inbox {
    rx: futures::stream::SplitStream<WebSocket>,
    queued: std::collections::VecDeque<Result<Message, axum::Error>>,
    ended: bool,
}

/// Frames read ahead during one request; beyond this the socket is not
/// read (TCP backpressure) until the request answers.
const READ_AHEAD: usize = 16;

impl Inbox {
    async fn next(&mut self) -> Option<Result<Message, axum::Error>> {
        if let Some(message) = self.queued.pop_front() {
            return Some(message);
        }
        if self.ended {
            return None;
        }
        self.rx.next().await
    }

    fn can_read_ahead(&self) -> bool {
        !self.ended && self.queued.len() < READ_AHEAD
    }

    /// Reads one frame into the queue; `true` when the client has left.
    async fn read_ahead(&mut self) -> bool {
        match self.rx.next().await {
            None | Some(Ok(Message::Close(_)) | Err(_)) => {
                self.ended = true;
                true
            }
            Some(message) => {
                self.queued.push_back(message);
                false
            }
        }
    }
}

async fn close(tx: &mut Tx, code: u16, reason: &str) {
    let _ = tx
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.to_owned().into(),
        })))
        .await;
}

/// A token bucket: `rate` frames per second, bursts of `rate`.
struct Bucket {
    rate: f64,
    tokens: f64,
    last: tokio::time::Instant,
}

impl Bucket {
    fn new(rate: u32) -> Self {
        Self {
            rate: f64::from(rate),
            tokens: f64::from(rate),
            last: tokio::time::Instant::now(),
        }
    }

    fn take(&mut self) -> bool {
        let now = tokio::time::Instant::now();
        self.tokens =
            (self.tokens + now.duration_since(self.last).as_secs_f64() * self.rate).min(self.rate);
        self.last = now;
        if self.tokens < 1.0 {
            return false;
        }
        self.tokens -= 1.0;
        true
    }
}

async fn session(
    gateway: Arc<Gateway>,
    socket: WebSocket,
    identity: Option<Identity>,
    accept: Option<String>,
) {
    gateway.metrics.sessions.inc();
    let (mut tx, rx) = socket.split();
    let mut inbox = Inbox {
        rx,
        queued: std::collections::VecDeque::new(),
        ended: false,
    };
    let abort = gateway.abort.clone();
    let mut state: Option<Session> = None;
    let mut bucket = Bucket::new(gateway.limits.rate_per_second);
    loop {
        let message = tokio::select! {
            // Shutdown first: no new request starts once the drain began.
            biased;
            () = gateway.shutdown.cancelled() => {
                close(&mut tx, 1001, "the gateway is restarting; reconnect and resume your session").await;
                break;
            }
            message = inbox.next() => message,
        };
        let Some(message) = message else { break };
        let locale = state.as_ref().map_or_else(
            || accept.clone().unwrap_or_else(|| "en".into()),
            |s| s.locale.clone(),
        );
        let text = match message {
            Ok(Message::Text(text)) => text,
            Ok(Message::Binary(_)) => {
                gateway.metrics.frame("binary");
                let frame = if bucket.take() {
                    gateway.metrics.error("bad_frame");
                    error(
                        None,
                        "bad_frame",
                        "binary frames are not supported; send JSON text",
                    )
                } else {
                    gateway.metrics.error("rate_limited");
                    error(
                        None,
                        "rate_limited",
                        reply::phrase(Phrase::RateLimited, &locale),
                    )
                };
                if !send(&mut tx, &frame).await {
                    break;
                }
                continue;
            }
            Ok(Message::Close(_)) => break,
            Ok(_) => continue,
            Err(e) => {
                // Oversized frames end here: tell the client why.
                let text = e.to_string().to_lowercase();
                if text.contains("too long") || text.contains("too big") {
                    gateway.metrics.error("frame_too_big");
                    let reason = format!(
                        "frames are at most {} bytes",
                        gateway.limits.max_frame_bytes
                    );
                    close(&mut tx, 1009, &reason).await;
                }
                break;
            }
        };
        if !bucket.take() {
            gateway.metrics.error("rate_limited");
            let frame = error(
                protocol::parse(&text)
                    .ok()
                    .and_then(|f| f.id().map(str::to_owned)),
                "rate_limited",
                reply::phrase(Phrase::RateLimited, &locale),
            );
            if !send(&mut tx, &frame).await {
                break;
            }
            continue;
        }
        let frame = match protocol::parse(&text) {
            Ok(frame) => frame,
            Err((id, code, message)) => {
                gateway.metrics.frame("invalid");
                gateway.metrics.error(code);
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
                let hello = Hello {
                    token,
                    resume: session,
                    locale,
                    channel,
                    phone,
                };
                match open(&gateway, hello, identity.clone(), accept.clone()).await {
                    Ok(opened) => {
                        let welcome = ServerFrame::Welcome {
                            session: opened.id.clone(),
                            locale: opened.locale.clone(),
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
                    None => state
                        .insert(default_session(&gateway, identity.as_ref(), accept.clone()).await),
                };
                if text.trim().is_empty() {
                    gateway.metrics.error("bad_frame");
                    error(Some(id), "bad_frame", "`text` is empty")
                } else if text.chars().count() > MAX_TEXT_CHARS {
                    gateway.metrics.error("bad_frame");
                    error(
                        Some(id),
                        "bad_frame",
                        format!("`text` is over {MAX_TEXT_CHARS} characters"),
                    )
                } else {
                    let gw = &gateway;
                    let request_id = id.clone();
                    match with_progress(&mut tx, &mut inbox, &abort, &request_id, |p| async move {
                        gw.message(opened, id, &text, Some(&p)).await
                    })
                    .await
                    {
                        Some(frame) => frame,
                        None => break,
                    }
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
                    None => state
                        .insert(default_session(&gateway, identity.as_ref(), accept.clone()).await),
                };
                let opened = &*opened;
                let gw = &gateway;
                let request_id = id.clone();
                match with_progress(&mut tx, &mut inbox, &abort, &request_id, |p| async move {
                    gw.call(opened, id, &server, &tool, arguments, Some(&p))
                        .await
                })
                .await
                {
                    Some(frame) => frame,
                    None => break,
                }
            }
        };
        if !send(&mut tx, &reply).await {
            break;
        }
    }
    gateway.metrics.sessions.dec();
}

/// A session opened by a first `message` or `call` without `hello`.
async fn default_session(
    gateway: &Gateway,
    identity: Option<&Identity>,
    accept: Option<String>,
) -> Session {
    match open(gateway, Hello::default(), identity.cloned(), accept.clone()).await {
        Ok(session) => session,
        // Without a token, channel or session to check, opening cannot fail.
        Err(_) => {
            let (role, subject) = who(identity.cloned());
            Session::new(role, subject, accept, Channel::Web)
        }
    }
}

/// The role and subject of a credential. Subjects are namespaced by how they
/// were proven, so an API key's name and a JWT's `sub` never collide.
fn who(identity: Option<Identity>) -> (Role, String) {
    identity.map_or((Role::Customer, ANONYMOUS.to_owned()), |i| {
        (i.role, format!("{}:{}", i.via, i.subject))
    })
}

/// The subject of sessions without credentials.
const ANONYMOUS: &str = "anonymous";

/// A `hello` frame's fields.
#[derive(Default)]
struct Hello {
    token: Option<String>,
    resume: Option<String>,
    locale: Option<String>,
    channel: Option<String>,
    phone: Option<String>,
}

/// Opens (or resumes) a session. The role comes from this connection's
/// credentials — the `hello` token, else the upgrade's bearer — never from a
/// stored conversation.
async fn open(
    gateway: &Gateway,
    hello: Hello,
    header_identity: Option<Identity>,
    accept: Option<String>,
) -> Result<Session, ServerFrame> {
    let identity = match hello
        .token
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => header_identity,
        Some(token) => match gateway.auth.authenticate(token).await {
            Ok(identity) => Some(identity),
            Err(failure) => {
                gateway.metrics.error(failure.code());
                return Err(error(
                    None,
                    failure.code(),
                    format!("{failure}; connect without a token to shop as a customer"),
                ));
            }
        },
    };
    let (role, subject) = who(identity);
    let channel = match hello.channel.as_deref() {
        None => Channel::Web,
        Some(name @ ("web" | "whatsapp" | "mobile" | "cli")) => Channel::from_name(Some(name)),
        Some(_) => {
            gateway.metrics.error("bad_frame");
            return Err(error(
                None,
                "bad_frame",
                "channel must be web, whatsapp, mobile or cli",
            ));
        }
    };
    if let Some(locale) = hello.locale.as_deref()
        && crate::locale::valid_tag(locale).is_none()
    {
        tracing::debug!("hello.locale is not an en/es/fr BCP-47 tag; using the next source");
    }
    let locale = hello
        .locale
        .as_deref()
        .and_then(crate::locale::valid_tag)
        .or_else(|| hello.phone.as_deref().and_then(crate::locale::from_phone))
        .or(accept);
    let mut session = Session::new(role, subject, locale, channel);
    if let Some(id) = hello.resume {
        let well_formed = id.len() <= 100
            && id.starts_with("ses_")
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !well_formed {
            gateway.metrics.error("bad_frame");
            return Err(error(
                None,
                "bad_frame",
                "`session` is not a session id from a welcome frame",
            ));
        }
        match gateway.store.load(&id).await {
            // Signing in keeps an anonymous basket; nobody takes over another's.
            Ok(Some(conversation))
                if conversation.subject == session.subject || conversation.subject == ANONYMOUS =>
            {
                if !session.locale_fixed && !conversation.locale.is_empty() {
                    session.locale = conversation.locale.clone();
                    session.locale_fixed = conversation.locale_fixed;
                }
                session.conversation = conversation;
                // A pending admin action never survives into a session with another role.
                if role != Role::Admin {
                    session.conversation.pending = None;
                }
                session.id = id;
            }
            Ok(Some(_)) => {
                tracing::warn!("asked to resume another subject's session: starting a new one");
            }
            Ok(None) => {
                tracing::info!("asked to resume an unknown or expired session: starting a new one");
            }
            Err(e) => tracing::warn!(error = %e, "could not resume a session: store unavailable"),
        }
    }
    session.conversation.role = session.role.as_str().into();
    session.conversation.subject = session.subject.clone();
    session.conversation.locale = session.locale.clone();
    session.conversation.locale_fixed = session.locale_fixed;
    gateway.save(&session).await;
    Ok(session)
}
