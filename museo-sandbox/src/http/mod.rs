//! The HTTP surface: routes, shared state, limits.

mod admin;
mod baskets;
mod catalog;
mod checkout;
mod extract;
mod help;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use museo_sdk::auth::Verifier;

use crate::store::Db;
use crate::store::checkout::LinkSigner;

pub use extract::{ApiJson, ApiPath, ApiQuery, Ctx};
pub use help::{HelpCenter, help_center};

/// Largest body of ordinary requests.
pub const BODY_LIMIT: usize = 64 * 1024;
/// Largest body of a bulk request.
pub const BULK_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// What every handler shares.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Public base URL (payment links, product pages).
    pub base_url: Arc<str>,
    /// Payment-link signer.
    pub signer: LinkSigner,
    /// Verifies admin tokens against the registered service accounts' keys.
    pub verifier: Arc<Verifier>,
    /// Which service account owns each key id.
    pub key_owners: Arc<HashMap<String, String>>,
}

/// The whole API.
pub fn router(state: AppState) -> Router {
    let bulk = Router::new()
        .route("/v1/admin/products/bulk", post(admin::bulk))
        .layer(DefaultBodyLimit::max(BULK_BODY_LIMIT));
    Router::new()
        .route("/", get(index))
        .route("/healthz", get(healthz))
        .route("/openapi.json", get(openapi))
        .route("/v1/products", get(catalog::search))
        .route("/v1/products/{reference}", get(catalog::get_product))
        .route("/v1/categories", get(catalog::categories))
        .route("/v1/help", get(help::list))
        .route("/v1/help/{slug}", get(help::get_page))
        .route("/v1/baskets", post(baskets::create))
        .route("/v1/baskets/{basket}", get(baskets::get_basket))
        .route("/v1/baskets/{basket}/items", post(baskets::add_item))
        .route(
            "/v1/baskets/{basket}/items/{product}",
            axum::routing::put(baskets::set_item).delete(baskets::remove_item),
        )
        .route(
            "/v1/baskets/{basket}/payment-link",
            post(baskets::payment_link),
        )
        .route("/v1/orders/{order}", get(baskets::get_order))
        .route("/v1/admin/products", post(admin::create).get(admin::list))
        .route(
            "/v1/admin/products/{reference}",
            get(admin::get_product)
                .patch(admin::update)
                .delete(admin::delete),
        )
        .route("/v1/admin/audit", get(admin::audit))
        .route("/products/{handle}", get(checkout::product_page))
        .route("/checkout/{token}", get(checkout::page))
        .route("/checkout/{token}/pay", post(checkout::pay))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .merge(bulk)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(extract::correlate))
        .with_state(state)
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> impl IntoResponse {
    match state
        .db
        .read(|c| Ok(c.query_row("SELECT count(*) FROM products", [], |r| r.get::<_, i64>(0))?))
        .await
    {
        Ok(products) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({ "status": "ok", "products": products })),
        ),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(serde_json::json!({ "status": "unavailable" })),
        ),
    }
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], crate::OPENAPI)
}

async fn index(axum::extract::State(state): axum::extract::State<AppState>) -> Html<String> {
    Html(checkout::index_page(&state).await)
}

async fn method_not_allowed() -> crate::error::ApiError {
    crate::error::ApiError::MethodNotAllowed
}

async fn not_found() -> crate::error::ApiError {
    crate::error::ApiError::NotFound("no such endpoint; see /openapi.json".into())
}
