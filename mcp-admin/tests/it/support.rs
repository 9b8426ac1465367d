//! Helpers: a sandbox on a temp dir, an admin server over it, clients.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, ensure};
use mcp_admin::AdminServer;
use mcp_admin::auth::Gate;
use museo_sandbox::{RunningSandbox, SandboxConfig};
use museo_sdk::auth::{Minter, TokenRequest};
use museo_sdk::config::MuseoConfig;
use museo_sdk::museo::MuseoClient;
use rmcp::model::{
    CallToolRequestParams, CallToolResult, ClientCapabilities, ClientConfig, ElicitRequestParams,
    ElicitResult, ElicitationAction, JsonObject, MetaObject, ProgressNotificationParam,
    RequestMetaObject,
};
use rmcp::service::{NotificationContext, RequestContext, RoleClient, RunningService};
use rmcp::{ClientHandler, ErrorData, ServiceExt as _};
use secrecy::ExposeSecret as _;
use serde_json::{Value, json};

/// Upper bound for any single step.
pub const STEP: Duration = Duration::from_secs(60);

/// Fails instead of hanging.
pub async fn bounded<T>(what: &str, future: impl Future<Output = T>) -> anyhow::Result<T> {
    tokio::time::timeout(STEP, future)
        .await
        .with_context(|| format!("{what} took longer than {STEP:?}"))
}

/// A test client: records progress, answers elicitations as told.
#[derive(Debug, Clone, Default)]
pub struct TestClient {
    /// Progress notifications received.
    pub progress: Arc<Mutex<Vec<ProgressNotificationParam>>>,
    /// `Some(answer)`: advertise elicitation and answer `{confirm: answer}`.
    pub elicit: Option<bool>,
    /// Elicitation messages received.
    pub asked: Arc<Mutex<Vec<String>>>,
}

impl ClientHandler for TestClient {
    fn get_info(&self) -> ClientConfig {
        let mut info = ClientConfig::default();
        if self.elicit.is_some() {
            info.capabilities = ClientCapabilities::builder().enable_elicitation().build();
        }
        info
    }

    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, ErrorData> {
        if let ElicitRequestParams::FormElicitationParams { message, .. } = &request
            && let Ok(mut asked) = self.asked.lock()
        {
            asked.push(message.clone());
        }
        Ok(match self.elicit {
            Some(true) => ElicitResult::new(ElicitationAction::Accept)
                .with_content(json!({ "confirm": true })),
            Some(false) => ElicitResult::new(ElicitationAction::Decline),
            None => ElicitResult::new(ElicitationAction::Cancel),
        })
    }

    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        if let Ok(mut progress) = self.progress.lock() {
            progress.push(params);
        }
    }
}

/// A connected client.
pub type Client = RunningService<RoleClient, TestClient>;

/// A sandbox on a temp dir, kept while the guard lives.
pub struct Shop {
    /// The sandbox.
    pub sandbox: RunningSandbox,
    /// Its data dir.
    pub dir: tempfile::TempDir,
}

impl Shop {
    /// A fresh seeded sandbox.
    pub async fn start() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let sandbox = museo_sandbox::spawn(SandboxConfig::dev(dir.path().to_owned()), None).await?;
        Ok(Self { sandbox, dir })
    }

    /// An API client with the sandbox's dev service account.
    pub fn client(&self) -> anyhow::Result<MuseoClient> {
        let account = self.sandbox.dev_account.clone().context("dev account")?;
        Ok(
            MuseoClient::new(MuseoConfig::for_url(self.sandbox.url.clone()))?
                .with_service_account(Arc::new(Minter::new(account))),
        )
    }

    /// An admin server over this shop behind `gate`, and a client connected to it.
    pub async fn connect(&self, gate: Gate, handler: TestClient) -> anyhow::Result<Client> {
        let server = AdminServer::new(self.client()?, Arc::new(gate));
        let (server_io, client_io) = tokio::io::duplex(1 << 20);
        tokio::spawn(async move {
            if let Ok(running) = server.serve(server_io).await {
                let _ = running.waiting().await;
            }
        });
        bounded("client start", handler.serve(client_io))
            .await?
            .context("client could not connect")
    }

    /// The latest audit entries, read with the dev account.
    pub async fn audit(&self) -> anyhow::Result<Vec<Value>> {
        let account = self.sandbox.dev_account.clone().context("dev account")?;
        let token = Minter::new(account).one_time(
            &TokenRequest::new("test-reader", "museo-admin-api").with_scopes(["products:write"]),
        )?;
        let url = self.sandbox.url.join("v1/admin/audit?limit=50")?;
        let entries: Vec<Value> = reqwest::Client::new()
            .get(url)
            .bearer_auth(token.expose_secret())
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(entries)
    }

    /// Number of products, drafts included, whose text matches `q`.
    pub async fn count(&self, q: &str) -> anyhow::Result<usize> {
        let query = museo_sdk::types::ProductQuery {
            q: Some(q.to_owned()),
            include_unpublished: Some(true),
            limit: Some(100),
            ..Default::default()
        };
        let page = self
            .client()?
            .admin_list_products(
                &query,
                None,
                &museo_sdk::telemetry::TraceContext::new_root(),
            )
            .await?;
        Ok(page.items.len())
    }
}

/// Calls `tool` with `arguments` and optional `_meta`.
pub async fn call_with_meta(
    client: &Client,
    tool: &str,
    arguments: Value,
    meta: Option<JsonObject>,
) -> anyhow::Result<CallToolResult> {
    let Value::Object(map) = arguments else {
        anyhow::bail!("arguments must be an object")
    };
    let mut params = CallToolRequestParams::new(tool.to_owned()).with_arguments(map);
    if let Some(meta) = meta {
        params.meta = Some(RequestMetaObject(MetaObject(meta)));
    }
    Ok(bounded(tool, client.call_tool(params)).await??)
}

/// The structured result of a successful call (checked against its text mirror).
pub async fn ok(client: &Client, tool: &str, arguments: Value) -> anyhow::Result<Value> {
    ok_with_meta(client, tool, arguments, None).await
}

/// [`ok`] with `_meta`.
pub async fn ok_with_meta(
    client: &Client,
    tool: &str,
    arguments: Value,
    meta: Option<JsonObject>,
) -> anyhow::Result<Value> {
    let result = call_with_meta(client, tool, arguments.clone(), meta).await?;
    ensure!(
        result.is_error != Some(true),
        "{tool} {arguments}: {}",
        text(&result)
    );
    let structured = result
        .structured_content
        .clone()
        .context("no structuredContent")?;
    ensure!(
        serde_json::from_str::<Value>(&text(&result))? == structured,
        "text mirror differs"
    );
    Ok(structured)
}

/// The error of a refused call, checked to mention every needle.
pub async fn refused(
    client: &Client,
    tool: &str,
    arguments: Value,
    needles: &[&str],
) -> anyhow::Result<String> {
    refused_with_meta(client, tool, arguments, None, needles).await
}

/// [`refused`] with `_meta`.
pub async fn refused_with_meta(
    client: &Client,
    tool: &str,
    arguments: Value,
    meta: Option<JsonObject>,
    needles: &[&str],
) -> anyhow::Result<String> {
    let result = call_with_meta(client, tool, arguments.clone(), meta).await?;
    ensure!(
        result.is_error == Some(true),
        "{tool} {arguments} should be refused: {result:?}"
    );
    let message = text(&result);
    for needle in needles {
        ensure!(
            message.to_lowercase().contains(&needle.to_lowercase()),
            "{tool} {arguments}: {message:?} does not mention {needle:?}"
        );
    }
    Ok(message)
}

/// The first text block.
pub fn text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .find_map(|b| b.as_text())
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

/// A fixture file's path.
pub fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}
