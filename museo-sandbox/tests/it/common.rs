//! A real sandbox per test: its own temp data dir, SQLite file and port.

use std::sync::Arc;

use museo_sandbox::{RunningSandbox, SandboxConfig};
use museo_sdk::auth::{Minter, ServiceAccount, TokenRequest};
use museo_sdk::museo::SCOPE_PRODUCTS_WRITE;
use secrecy::ExposeSecret;
use serde_json::Value;

pub struct TestSandbox {
    pub sandbox: RunningSandbox,
    pub http: reqwest::Client,
    pub account: ServiceAccount,
    _dir: tempfile::TempDir,
}

impl TestSandbox {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(edit: impl FnOnce(&mut SandboxConfig)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = SandboxConfig::dev(dir.path().to_path_buf());
        edit(&mut config);
        let sandbox = museo_sandbox::spawn(config, None)
            .await
            .expect("sandbox starts");
        let account = sandbox.dev_account.clone().expect("dev account");
        Self {
            sandbox,
            http: reqwest::Client::new(),
            account,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.sandbox.url.as_str().trim_end_matches('/'),
            path
        )
    }

    pub fn minter(&self) -> Arc<Minter> {
        Arc::new(Minter::new(self.account.clone()))
    }

    /// A fresh, valid admin token acting for `sub`.
    pub fn admin_token(&self, sub: &str) -> String {
        let request = TokenRequest::new(sub, museo_sdk::config::DEFAULT_ADMIN_AUDIENCE)
            .with_scopes([SCOPE_PRODUCTS_WRITE]);
        self.minter()
            .one_time(&request)
            .expect("mint")
            .expose_secret()
            .to_owned()
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let response = self.http.get(self.url(path)).send().await.expect("request");
        status_json(response).await
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> (u16, Value) {
        let mut request = self.http.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        status_json(request.send().await.expect("request")).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body), None)
            .await
    }

    pub async fn new_basket(&self) -> String {
        let (status, basket) = self.post("/v1/baskets", serde_json::json!({})).await;
        assert_eq!(status, 201, "{basket}");
        basket["id"].as_str().expect("basket id").to_owned()
    }

    /// A published product's full JSON, by SKU.
    pub async fn product(&self, sku: &str) -> Value {
        let (status, product) = self.get(&format!("/v1/products/{sku}")).await;
        assert_eq!(status, 200, "{product}");
        product
    }

    /// The number of rows of `table` (read straight from the SQLite file).
    pub fn count(&self, sql: &str) -> i64 {
        let conn = rusqlite_open(&self.sandbox.data_dir.join("museo.db"));
        conn.query_row(sql, [], |r| r.get(0)).expect("count query")
    }
}

fn rusqlite_open(path: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("open db")
}

pub async fn status_json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

/// SKUs returned by a search response.
pub fn skus(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| p["sku"].as_str().expect("sku").to_owned())
        .collect()
}
