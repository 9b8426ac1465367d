//! A gateway on port 0 and a WebSocket client.

use std::time::Duration;

use anyhow::{Context as _, bail};
use futures::{SinkExt as _, StreamExt as _};
use museo_sdk::config::EnvSource;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

/// A test environment.
pub struct Env(pub Vec<(String, String)>);

impl EnvSource for Env {
    fn var(&self, key: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }
}

/// A running gateway.
pub struct Running {
    /// Its ws:// URL.
    pub url: String,
    /// Its http:// base URL.
    pub http: String,
    /// Shared state.
    pub gateway: std::sync::Arc<mcp_gateway::gateway::Gateway>,
    /// Stops it (graceful shutdown).
    pub stop: Option<tokio::sync::oneshot::Sender<()>>,
    /// The serving task: ends when the gateway has drained.
    pub served: tokio::task::JoinHandle<anyhow::Result<()>>,
    _started: mcp_gateway::start::Started,
}

impl Running {
    /// The Museo API the gateway's children use.
    pub fn backend_url(&self) -> String {
        self._started.backend.client.base_url().to_string()
    }

    /// Shuts it down and waits for the drain.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.served).await?
    }
}

/// Starts a gateway over `data_dir` with `extra` environment, the built-in
/// servers in-process (`in_process`) or as the sibling binaries.
pub async fn gateway(
    data_dir: &std::path::Path,
    in_process: bool,
    extra: &[(&str, String)],
) -> anyhow::Result<Running> {
    let builtins = if in_process {
        mcp_gateway::start::Builtins::InProcess
    } else {
        mcp_gateway::start::Builtins::Processes
    };
    gateway_with(
        data_dir,
        mcp_gateway::config::Config::default(),
        builtins,
        extra,
    )
    .await
}

/// Starts a gateway with `config`.
pub async fn gateway_with(
    data_dir: &std::path::Path,
    config: mcp_gateway::config::Config,
    builtins: mcp_gateway::start::Builtins,
    extra: &[(&str, String)],
) -> anyhow::Result<Running> {
    let mut vars = vec![(
        "MUSEO_SANDBOX_DATA_DIR".to_owned(),
        data_dir.display().to_string(),
    )];
    vars.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
    let started = mcp_gateway::start::start(&Env(vars), config, builtins).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let gateway = started.gateway.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(mcp_gateway::start::run(
        gateway.clone(),
        listener,
        async move {
            let _ = stopped.await;
        },
    ));
    Ok(Running {
        url: format!("ws://{addr}/ws"),
        http: format!("http://{addr}"),
        gateway,
        stop: Some(stop),
        served,
        _started: started,
    })
}

/// A WebSocket client.
pub struct Ws {
    stream: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

/// A gateway (servers in-process) where `admin` and `customer` are API keys.
pub async fn gateway_with_keys(
    data_dir: &std::path::Path,
    admin: &str,
    customer: &str,
) -> anyhow::Result<Running> {
    gateway(
        data_dir,
        true,
        &[("GATEWAY_API_KEYS", api_keys(admin, customer))],
    )
    .await
}

impl Ws {
    /// Connects.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let (stream, _) = tokio_tungstenite::connect_async(url).await?;
        Ok(Self { stream })
    }

    /// Sends a JSON frame.
    pub async fn send(&mut self, frame: Value) -> anyhow::Result<()> {
        self.stream
            .send(Message::Text(frame.to_string().into()))
            .await?;
        Ok(())
    }

    /// Sends raw text.
    pub async fn send_raw(&mut self, message: Message) -> anyhow::Result<()> {
        self.stream.send(message).await?;
        Ok(())
    }

    /// The next JSON frame.
    pub async fn next(&mut self) -> anyhow::Result<Value> {
        loop {
            let message = tokio::time::timeout(Duration::from_secs(60), self.stream.next())
                .await
                .context("no frame within 60 s")?
                .context("connection closed")??;
            match message {
                Message::Text(text) => return Ok(serde_json::from_str(&text)?),
                Message::Close(frame) => bail!("closed: {frame:?}"),
                _ => {}
            }
        }
    }

    /// The next raw message (for close codes).
    pub async fn next_raw(&mut self) -> anyhow::Result<Option<Message>> {
        Ok(
            tokio::time::timeout(Duration::from_secs(10), self.stream.next())
                .await?
                .transpose()?,
        )
    }

    /// hello → welcome.
    pub async fn hello(&mut self, hello: Value) -> anyhow::Result<Value> {
        let mut frame = json!({ "type": "hello" });
        if let (Some(frame), Some(extra)) = (frame.as_object_mut(), hello.as_object()) {
            frame.extend(extra.clone());
        }
        self.send(frame).await?;
        self.next().await
    }

    /// message → reply.
    pub async fn say(&mut self, id: &str, text: &str) -> anyhow::Result<Value> {
        self.send(json!({ "type": "message", "id": id, "text": text }))
            .await?;
        self.next().await
    }
}

// Helpers for frames.rs, http.rs and followups.rs.

/// A gateway's parts, built but not served: for the router in-process
/// (`tower::ServiceExt::oneshot`) and for calling the gateway directly.
pub async fn started(
    data_dir: &std::path::Path,
    config: mcp_gateway::config::Config,
    extra: &[(&str, String)],
) -> anyhow::Result<mcp_gateway::start::Started> {
    let mut vars = vec![(
        "MUSEO_SANDBOX_DATA_DIR".to_owned(),
        data_dir.display().to_string(),
    )];
    vars.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
    mcp_gateway::start::start(&Env(vars), config, mcp_gateway::start::Builtins::InProcess).await
}

/// `GATEWAY_API_KEYS` with an admin key (named carla) and a customer key
/// (named sam).
pub fn api_keys(admin: &str, customer: &str) -> String {
    format!(
        "admin:{}:carla,customer:{}:sam",
        mcp_gateway::auth::sha256_hex(admin),
        mcp_gateway::auth::sha256_hex(customer)
    )
}

impl Ws {
    /// Connects with extra headers on the upgrade request; `Ok(Err(status))`
    /// when the gateway answers the upgrade with an HTTP error instead.
    pub async fn connect_with(
        url: &str,
        headers: &[(&str, &str)],
    ) -> anyhow::Result<Result<Self, u16>> {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
        let mut request = url.into_client_request()?;
        for (name, value) in headers {
            request.headers_mut().insert(
                tokio_tungstenite::tungstenite::http::HeaderName::from_bytes(name.as_bytes())?,
                tokio_tungstenite::tungstenite::http::HeaderValue::from_str(value)?,
            );
        }
        match tokio_tungstenite::connect_async(request).await {
            Ok((stream, _)) => Ok(Ok(Self { stream })),
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                Ok(Err(response.status().as_u16()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// call → its answer (`result` or `error`), skipping `progress` frames.
    pub async fn call(
        &mut self,
        id: &str,
        server: &str,
        tool: &str,
        arguments: Value,
    ) -> anyhow::Result<Value> {
        self.send(json!({ "type": "call", "id": id, "server": server, "tool": tool, "arguments": arguments }))
            .await?;
        loop {
            let frame = self.next().await?;
            if frame["type"] != "progress" {
                return Ok(frame);
            }
        }
    }
}
