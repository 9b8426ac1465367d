//! Wiring: configuration in, a running server out.
//!
//! [`build`] turns a [`NotifyConfig`] into the pieces — the status store
//! (Redis or memory), each channel's provider (real or outbox), the
//! [`Notifier`] and the webhook routes — without serving anything, so tests
//! can assemble the same thing the binary runs. [`run`] serves them: MCP over
//! stdio or Streamable HTTP (with the webhooks next to `/mcp`), plus a
//! webhook listener of its own with `--webhooks` in stdio mode.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use axum::Router;
use museo_sdk::serve::ServeArgs;
use secrecy::ExposeSecret as _;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::config::NotifyConfig;
use crate::notifier::{Notifier, Providers};
use crate::provider::Provider;
use crate::provider::outbox::OutboxProvider;
use crate::provider::smtp::SmtpProvider;
use crate::provider::twilio::TwilioProvider;
use crate::provider::whatsapp::WhatsAppProvider;
use crate::server::NotifyServer;
use crate::store::{MemoryStore, RedisStore, StatusStore};
use crate::webhooks;

/// Everything mcp-notify serves, built from its configuration.
#[derive(Debug, Clone)]
pub struct App {
    /// Sends messages and reads statuses.
    pub notifier: Arc<Notifier>,
    /// The webhook routes (`/webhooks/twilio`, `/webhooks/whatsapp`).
    pub webhooks: Router,
}

impl App {
    /// A new MCP server over this app's notifier.
    pub fn server(&self) -> NotifyServer {
        NotifyServer::new(Arc::clone(&self.notifier))
    }
}

/// Connects the store and builds the providers `config` asks for.
pub async fn build(config: &NotifyConfig) -> anyhow::Result<App> {
    let store: Arc<dyn StatusStore> = match &config.redis_url {
        Some(url) => Arc::new(
            RedisStore::connect(url.expose_secret(), &config.redis_prefix)
                .await
                .with_context(|| format!("{}: cannot use Redis", museo_sdk::env::REDIS_URL))?,
        ),
        None => Arc::new(MemoryStore::new()),
    };
    let client = reqwest::Client::builder()
        .timeout(config.provider_timeout)
        .user_agent(concat!("mcp-notify/", env!("CARGO_PKG_VERSION")))
        .build()
        .context("cannot build the HTTP client")?;
    let outbox: Arc<dyn Provider> = Arc::new(OutboxProvider::new(
        config.outbox_dir.clone(),
        config.outbox_step,
        Arc::clone(&store),
    ));
    let email: Arc<dyn Provider> = match &config.smtp {
        Some(smtp) => Arc::new(
            SmtpProvider::new(smtp, config.provider_timeout)
                .map_err(|e| anyhow::anyhow!("SMTP_HOST: {e}"))?,
        ),
        None => Arc::clone(&outbox),
    };
    let callback = webhooks::twilio_callback_url(&config.webhooks);
    let sms: Arc<dyn Provider> = match &config.twilio {
        Some(twilio) => {
            if callback.is_none() {
                tracing::warn!(
                    "NOTIFY_PUBLIC_URL is not set: Twilio cannot post delivery reports, so SMS statuses stop at what the API answers"
                );
            }
            Arc::new(TwilioProvider::new(
                twilio.clone(),
                client.clone(),
                callback,
            ))
        }
        None => Arc::clone(&outbox),
    };
    let whatsapp: Arc<dyn Provider> = match &config.whatsapp {
        Some(whatsapp) => {
            if config.webhooks.meta_app_secret.is_none() {
                tracing::warn!(
                    "WHATSAPP_APP_SECRET is not set: Meta's webhooks are refused, so WhatsApp statuses and the 24-hour window are not tracked"
                );
            }
            Arc::new(WhatsAppProvider::new(whatsapp.clone(), client))
        }
        None => outbox,
    };
    let email_from = crate::validate::mailbox(&config.email_from)
        .map_err(|e| anyhow::anyhow!("{}: {e}", crate::config::env::NOTIFY_EMAIL_FROM))?;
    let notifier = Arc::new(Notifier::new(
        Arc::clone(&store),
        Providers {
            email,
            sms,
            whatsapp,
        },
        email_from,
        config.retry,
    ));
    Ok(App {
        notifier,
        webhooks: webhooks::router(store, config.webhooks.clone()),
    })
}

/// Serves mcp-notify until SIGTERM or ctrl-c (or, on stdio, the end of
/// stdin). `webhooks` is an extra listener for the webhook routes, for
/// stdio mode (in HTTP mode they are also served next to `/mcp`).
pub async fn run(
    serve: ServeArgs,
    webhooks: Option<SocketAddr>,
    config: NotifyConfig,
) -> anyhow::Result<()> {
    let app = build(&config).await?;
    for line in config.describe() {
        tracing::info!("{line}");
    }
    let stop = CancellationToken::new();
    let listener = match webhooks {
        Some(addr) => {
            let listener = TcpListener::bind(addr)
                .await
                .with_context(|| format!("--webhooks: cannot listen on {addr}"))?;
            tracing::info!(url = %format!("http://{}/webhooks/", listener.local_addr()?), "serving webhooks");
            let routes = app.webhooks.clone();
            let stop = stop.clone();
            Some(tokio::spawn(async move {
                axum::serve(listener, routes)
                    .with_graceful_shutdown(stop.cancelled_owned())
                    .await
            }))
        }
        None => None,
    };
    let server = app.server();
    let routes = app.webhooks.clone();
    let result = museo_sdk::serve::run_with(
        serve,
        "mcp-notify",
        move || server.clone(),
        move |router| router.merge(routes),
    )
    .await;
    stop.cancel();
    if let Some(task) = listener {
        match tokio::time::timeout(museo_sdk::serve::DRAIN_TIMEOUT, task).await {
            Ok(Ok(Err(error))) => tracing::warn!(%error, "webhook listener failed"),
            Ok(Err(error)) => tracing::warn!(%error, "webhook listener panicked"),
            Ok(Ok(Ok(()))) => {}
            Err(_) => tracing::warn!("webhook listener still busy at shutdown"),
        }
    }
    result
}
