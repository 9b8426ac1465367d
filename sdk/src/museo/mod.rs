//! The typed client of the Museo REST API (`docs/museo-api.md`).
//!
//! One `reqwest::Client` per process. Every call carries the caller's trace
//! context (`traceparent`, `X-Request-Id`). Only requests that are safe to
//! repeat are retried — GET, PUT, DELETE, and POSTs carrying an
//! `Idempotency-Key` — with exponential backoff and jitter, and only on
//! answers that say "later" (timeouts, 429, 502-504). Admin calls carry a
//! fresh single-use service-account JWT per attempt: the admin API refuses a
//! replayed `jti`, so a retry must never reuse the token of the attempt before.

mod error;

use std::sync::Arc;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use error::MuseoError;

use crate::auth::{Minter, TokenRequest};
use crate::config::MuseoConfig;
use crate::telemetry::{TRACEPARENT, TraceContext, X_REQUEST_ID};
use crate::types::{
    ApiErrorBody, Basket, BulkRequest, BulkResponse, Category, HelpPage, Order, Page, PaymentLink,
    Product, ProductInput, ProductPatch, ProductQuery, ProductSearchPage,
};

/// The scope admin tokens carry.
pub const SCOPE_PRODUCTS_WRITE: &str = "products:write";
/// The header carrying an idempotency key on POSTs.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// Client of the Museo REST API.
#[derive(Debug, Clone)]
pub struct MuseoClient {
    http: reqwest::Client,
    config: Arc<MuseoConfig>,
    minter: Option<Arc<Minter>>,
}

/// Who an admin call is made for: the verified person behind the service
/// account, recorded by the API's audit log. `None`: the account itself.
pub type OnBehalfOf<'a> = Option<&'a str>;

impl MuseoClient {
    /// A client for `config`, without admin rights.
    pub fn new(config: MuseoConfig) -> Result<Self, MuseoError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("museo-sdk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| MuseoError::Transport(e.to_string()))?;
        Ok(Self {
            http,
            config: Arc::new(config),
            minter: None,
        })
    }

    /// Gives the client a service account for admin calls.
    pub fn with_service_account(mut self, minter: Arc<Minter>) -> Self {
        self.minter = Some(minter);
        self
    }

    /// The API's base URL.
    pub fn base_url(&self) -> &url::Url {
        &self.config.url
    }

    /// `GET /v1/products`: search and filter.
    pub async fn search_products(
        &self,
        query: &ProductQuery,
        ctx: &TraceContext,
    ) -> Result<Page<Product>, MuseoError> {
        self.send(Call::get("v1/products").query(query), ctx).await
    }

    /// `GET /v1/products` with the search's explanation: `any_of` (words of
    /// which at least one must match, besides every word of `q`: "mugs or
    /// cups") and, in the answer, `relaxed` when no product matched every
    /// word and the API left some out or accepted any one.
    pub async fn search_products_matched(
        &self,
        query: &ProductQuery,
        any_of: Option<&str>,
        ctx: &TraceContext,
    ) -> Result<ProductSearchPage, MuseoError> {
        let mut params = serde_json::to_value(query).map_err(|e| {
            MuseoError::InvalidRequest(format!("search parameters do not serialize: {e}"))
        })?;
        if let (Some(any_of), serde_json::Value::Object(map)) = (any_of, &mut params) {
            map.insert(
                "any_of".into(),
                serde_json::Value::String(any_of.to_owned()),
            );
        }
        self.send(Call::get("v1/products").query(&params), ctx)
            .await
    }

    /// `GET /v1/products/{ref}` by id, SKU or handle.
    pub async fn get_product(
        &self,
        reference: &str,
        ctx: &TraceContext,
    ) -> Result<Product, MuseoError> {
        self.send(
            Call::get(&format!("v1/products/{}", segment(reference)?)),
            ctx,
        )
        .await
    }

    /// `GET /v1/categories`.
    pub async fn list_categories(&self, ctx: &TraceContext) -> Result<Vec<Category>, MuseoError> {
        self.send(Call::get("v1/categories"), ctx).await
    }

    /// `GET /v1/help`: the shop's help pages (shipping, returns, payment,
    /// FAQ…). With `query`, only the pages matching its words, best first;
    /// the API refuses a query that is blank or longer than 200 characters.
    pub async fn list_help_pages(
        &self,
        query: Option<&str>,
        ctx: &TraceContext,
    ) -> Result<Vec<HelpPage>, MuseoError> {
        let call = Call::get("v1/help").query(&serde_json::json!({ "q": query }));
        self.send(call, ctx).await
    }

    /// `GET /v1/help/{slug}`: one help page.
    pub async fn get_help_page(
        &self,
        slug: &str,
        ctx: &TraceContext,
    ) -> Result<HelpPage, MuseoError> {
        self.send(Call::get(&format!("v1/help/{}", segment(slug)?)), ctx)
            .await
    }

    /// `POST /v1/baskets`: a new empty basket. With an idempotency key the
    /// same key always yields the same basket, and the call is retried.
    pub async fn create_basket(
        &self,
        idempotency_key: Option<&str>,
        ctx: &TraceContext,
    ) -> Result<Basket, MuseoError> {
        let call = Call::new(Method::POST, "v1/baskets").json(&serde_json::json!({}))?;
        self.send(call.idempotency_key(idempotency_key), ctx).await
    }

    /// `GET /v1/baskets/{id}`.
    pub async fn get_basket(
        &self,
        basket_id: &str,
        ctx: &TraceContext,
    ) -> Result<Basket, MuseoError> {
        self.send(
            Call::get(&format!("v1/baskets/{}", segment(basket_id)?)),
            ctx,
        )
        .await
    }

    /// `POST /v1/baskets/{id}/items`: adds `quantity` units (to an existing line if any).
    pub async fn add_basket_item(
        &self,
        basket_id: &str,
        product_id: &str,
        quantity: i64,
        idempotency_key: Option<&str>,
        ctx: &TraceContext,
    ) -> Result<Basket, MuseoError> {
        let path = format!("v1/baskets/{}/items", segment(basket_id)?);
        let body = serde_json::json!({ "product_id": product_id, "quantity": quantity });
        let call = Call::new(Method::POST, &path)
            .json(&body)?
            .idempotency_key(idempotency_key);
        self.send(call, ctx).await
    }

    /// `PUT /v1/baskets/{id}/items/{product}`: sets a line's quantity (0 removes it).
    pub async fn set_basket_item(
        &self,
        basket_id: &str,
        product_id: &str,
        quantity: i64,
        ctx: &TraceContext,
    ) -> Result<Basket, MuseoError> {
        let path = format!(
            "v1/baskets/{}/items/{}",
            segment(basket_id)?,
            segment(product_id)?
        );
        let call =
            Call::new(Method::PUT, &path).json(&serde_json::json!({ "quantity": quantity }))?;
        self.send(call, ctx).await
    }

    /// `DELETE /v1/baskets/{id}/items/{product}`: removes a line.
    pub async fn remove_basket_item(
        &self,
        basket_id: &str,
        product_id: &str,
        ctx: &TraceContext,
    ) -> Result<Basket, MuseoError> {
        let path = format!(
            "v1/baskets/{}/items/{}",
            segment(basket_id)?,
            segment(product_id)?
        );
        self.send(Call::new(Method::DELETE, &path), ctx).await
    }

    /// `POST /v1/baskets/{id}/payment-link`: a signed checkout link for the
    /// whole basket. Asking again for an unchanged basket returns the same
    /// pending order, so this call is safe to retry.
    pub async fn create_payment_link(
        &self,
        basket_id: &str,
        ctx: &TraceContext,
    ) -> Result<PaymentLink, MuseoError> {
        let path = format!("v1/baskets/{}/payment-link", segment(basket_id)?);
        let call = Call::new(Method::POST, &path).json(&serde_json::json!({}))?;
        self.send(call.retry_safe(), ctx).await
    }

    /// `GET /v1/orders/{id}`.
    pub async fn get_order(&self, order_id: &str, ctx: &TraceContext) -> Result<Order, MuseoError> {
        self.send(Call::get(&format!("v1/orders/{}", segment(order_id)?)), ctx)
            .await
    }

    /// `POST /v1/admin/products`.
    pub async fn admin_create_product(
        &self,
        input: &ProductInput,
        on_behalf_of: OnBehalfOf<'_>,
        ctx: &TraceContext,
    ) -> Result<Product, MuseoError> {
        let call = Call::new(Method::POST, "v1/admin/products").json(input)?;
        self.send(call.admin(on_behalf_of), ctx).await
    }

    /// `PATCH /v1/admin/products/{ref}`: changes only the fields present.
    pub async fn admin_update_product(
        &self,
        reference: &str,
        patch: &ProductPatch,
        on_behalf_of: OnBehalfOf<'_>,
        ctx: &TraceContext,
    ) -> Result<Product, MuseoError> {
        let path = format!("v1/admin/products/{}", segment(reference)?);
        let call = Call::new(Method::PATCH, &path).json(patch)?;
        // Setting the same fields twice gives the same product.
        self.send(call.retry_safe().admin(on_behalf_of), ctx).await
    }

    /// `DELETE /v1/admin/products/{ref}`; returns the deleted product.
    pub async fn admin_delete_product(
        &self,
        reference: &str,
        on_behalf_of: OnBehalfOf<'_>,
        ctx: &TraceContext,
    ) -> Result<Product, MuseoError> {
        let path = format!("v1/admin/products/{}", segment(reference)?);
        self.send(Call::new(Method::DELETE, &path).admin(on_behalf_of), ctx)
            .await
    }

    /// `GET /v1/admin/products`: search with drafts available
    /// (`include_unpublished`), for the people who manage the catalog.
    pub async fn admin_list_products(
        &self,
        query: &ProductQuery,
        on_behalf_of: OnBehalfOf<'_>,
        ctx: &TraceContext,
    ) -> Result<Page<Product>, MuseoError> {
        self.send(
            Call::get("v1/admin/products")
                .query(query)
                .admin(on_behalf_of),
            ctx,
        )
        .await
    }

    /// `GET /v1/admin/products/{ref}`: any product, published or not.
    pub async fn admin_get_product(
        &self,
        reference: &str,
        on_behalf_of: OnBehalfOf<'_>,
        ctx: &TraceContext,
    ) -> Result<Product, MuseoError> {
        let path = format!("v1/admin/products/{}", segment(reference)?);
        self.send(Call::get(&path).admin(on_behalf_of), ctx).await
    }

    /// `POST /v1/admin/products/bulk`: create or upsert by SKU, per-item results.
    pub async fn admin_bulk(
        &self,
        request: &BulkRequest,
        on_behalf_of: OnBehalfOf<'_>,
        ctx: &TraceContext,
    ) -> Result<BulkResponse, MuseoError> {
        let call = Call::new(Method::POST, "v1/admin/products/bulk").json(request)?;
        // An upsert by SKU converges when repeated; a create does not.
        let call = if request.mode == crate::types::BulkMode::Upsert {
            call.retry_safe()
        } else {
            call
        };
        self.send(call.admin(on_behalf_of), ctx).await
    }

    async fn send<T: DeserializeOwned>(
        &self,
        call: Call,
        ctx: &TraceContext,
    ) -> Result<T, MuseoError> {
        let attempt = || self.attempt::<T>(&call, ctx);
        if !call.retryable() || self.config.retries == 0 {
            return attempt().await;
        }
        let policy = ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(100))
            .with_max_delay(Duration::from_secs(2))
            .with_max_times(self.config.retries as usize)
            .with_jitter();
        attempt
            .retry(policy)
            .when(MuseoError::is_retryable)
            .notify(|err, after| {
                tracing::warn!(error = %err, retry_in_ms = after.as_millis() as u64, "retrying Museo API call");
            })
            .await
    }

    async fn attempt<T: DeserializeOwned>(
        &self,
        call: &Call,
        ctx: &TraceContext,
    ) -> Result<T, MuseoError> {
        let url = self
            .config
            .url
            .join(&call.path)
            .map_err(|e| MuseoError::InvalidRequest(format!("bad path {}: {e}", call.path)))?;
        let child = ctx.child();
        let mut request = self
            .http
            .request(call.method.clone(), url)
            .header(TRACEPARENT, child.traceparent())
            .header(X_REQUEST_ID, ctx.correlation_id());
        if !call.query.is_empty() {
            request = request.query(&call.query);
        }
        if let Some(body) = &call.body {
            request = request.json(body);
        }
        if let Some(key) = &call.idempotency_key {
            request = request.header(IDEMPOTENCY_KEY, key);
        }
        if let Some(admin) = &call.admin {
            let minter = self.minter.as_ref().ok_or(MuseoError::NoServiceAccount)?;
            let subject = admin
                .clone()
                .unwrap_or_else(|| minter.account_id().to_owned());
            let token_request = TokenRequest::new(subject, self.config.admin_audience.clone())
                .with_scopes([SCOPE_PRODUCTS_WRITE]);
            let token = minter.one_time(&token_request)?;
            request = request.bearer_auth(secrecy::ExposeSecret::expose_secret(&token));
        }
        let response = request
            .send()
            .await
            .map_err(|e| MuseoError::Transport(describe(&e)))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| MuseoError::Transport(describe(&e)))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| MuseoError::Decode(e.to_string()));
        }
        Err(api_error(status, &bytes))
    }
}

fn api_error(status: StatusCode, bytes: &[u8]) -> MuseoError {
    let body = serde_json::from_slice::<ApiErrorBody>(bytes).unwrap_or_else(|_| ApiErrorBody {
        code: status
            .canonical_reason()
            .unwrap_or("error")
            .to_ascii_lowercase()
            .replace(' ', "_"),
        message: format!("HTTP {status} without a JSON error body"),
        field: None,
        correlation_id: None,
    });
    MuseoError::Api {
        status: status.as_u16(),
        body,
    }
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connect() {
        "connection failed".to_owned()
    } else {
        // reqwest's Display includes the URL, never headers, so no token leaks.
        error.to_string()
    }
}

/// Percent-encodes one path segment, refusing empty or oversized ids.
fn segment(raw: &str) -> Result<String, MuseoError> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > 200 {
        return Err(MuseoError::InvalidRequest(
            "an id must have 1 to 200 characters".into(),
        ));
    }
    Ok(url::form_urlencoded::byte_serialize(raw.as_bytes())
        .collect::<String>()
        .replace('+', "%20"))
}

/// One API request, described so that each retry can rebuild it.
#[derive(Debug)]
struct Call {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<serde_json::Value>,
    idempotency_key: Option<String>,
    retry_safe: bool,
    /// `Some(on_behalf_of)` for admin calls.
    admin: Option<Option<String>>,
}

impl Call {
    fn new(method: Method, path: &str) -> Self {
        Self {
            method,
            path: path.to_owned(),
            query: Vec::new(),
            body: None,
            idempotency_key: None,
            retry_safe: false,
            admin: None,
        }
    }

    fn get(path: &str) -> Self {
        Self::new(Method::GET, path)
    }

    /// Query parameters from a struct; `None` fields are left out.
    fn query(mut self, query: &impl Serialize) -> Self {
        if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(query) {
            self.query = map
                .into_iter()
                .filter_map(|(k, v)| match v {
                    serde_json::Value::Null => None,
                    serde_json::Value::String(s) => Some((k, s)),
                    other => Some((k, other.to_string())),
                })
                .collect();
        }
        self
    }

    fn json(mut self, body: &impl Serialize) -> Result<Self, MuseoError> {
        self.body = Some(
            serde_json::to_value(body).map_err(|e| MuseoError::InvalidRequest(e.to_string()))?,
        );
        Ok(self)
    }

    fn idempotency_key(mut self, key: Option<&str>) -> Self {
        self.idempotency_key = key.map(str::to_owned);
        self
    }

    fn retry_safe(mut self) -> Self {
        self.retry_safe = true;
        self
    }

    fn admin(mut self, on_behalf_of: OnBehalfOf<'_>) -> Self {
        self.admin = Some(on_behalf_of.map(str::to_owned));
        self
    }

    fn retryable(&self) -> bool {
        self.retry_safe
            || self.idempotency_key.is_some()
            || matches!(
                self.method,
                Method::GET | Method::PUT | Method::DELETE | Method::HEAD
            )
    }
}
