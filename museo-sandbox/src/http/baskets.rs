//! Basket and order endpoints.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use museo_sdk::museo::IDEMPOTENCY_KEY;
use museo_sdk::types::{Basket, Order, PaymentLink};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::{ApiJson, ApiPath, AppState};
use crate::error::{ApiError, ApiResult};
use crate::store::{baskets, checkout};

/// Body of `POST /v1/baskets/{id}/items`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddItem {
    product_id: String,
    #[serde(default = "one")]
    quantity: i64,
}

fn one() -> i64 {
    1
}

/// Body of `PUT /v1/baskets/{id}/items/{product}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetItem {
    quantity: i64,
}

fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    match headers.get(IDEMPOTENCY_KEY) {
        None => Ok(None),
        Some(value) => {
            let key = value.to_str().map_err(|_| {
                ApiError::bad_request("invalid_header", "Idempotency-Key must be visible ASCII")
            })?;
            if key.is_empty() || key.len() > 200 {
                return Err(ApiError::bad_request(
                    "invalid_header",
                    "Idempotency-Key must have 1 to 200 characters",
                ));
            }
            Ok(Some(key.to_owned()))
        }
    }
}

/// Runs `f` once per idempotency key and route: a repeat returns the first answer.
fn once<T, F>(tx: &Connection, key: Option<&str>, route: &str, f: F) -> ApiResult<T>
where
    T: serde::Serialize + DeserializeOwned,
    F: FnOnce(&Connection) -> ApiResult<T>,
{
    let Some(key) = key else { return f(tx) };
    let stored: Option<String> = tx
        .prepare_cached("SELECT body FROM idempotency WHERE key = ?1 AND route = ?2")?
        .query_row(params![key, route], |r| r.get(0))
        .optional()?;
    if let Some(body) = stored {
        return serde_json::from_str(&body).map_err(|e| ApiError::Internal(e.to_string()));
    }
    // Keys are kept for a day, like the idempotency windows of payment APIs.
    tx.prepare_cached("DELETE FROM idempotency WHERE created_at < ?1")?
        .execute([crate::store::now().as_second() - 24 * 3600])?;
    let value = f(tx)?;
    let body = serde_json::to_string(&value).map_err(|e| ApiError::Internal(e.to_string()))?;
    tx.execute(
        "INSERT INTO idempotency (key, route, status, body, created_at) VALUES (?1, ?2, 200, ?3, ?4)",
        params![key, route, body, crate::store::now().as_second()],
    )?;
    Ok(value)
}

/// `POST /v1/baskets`.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<(StatusCode, Json<Basket>)> {
    let key = idempotency_key(&headers)?;
    let basket = state
        .db
        .write(move |tx| {
            once(tx, key.as_deref(), "create_basket", |tx| {
                baskets::get(tx, &baskets::create(tx)?)
            })
        })
        .await?;
    Ok((StatusCode::CREATED, Json(basket)))
}

/// `GET /v1/baskets/{id}`.
pub async fn get_basket(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Basket>> {
    state.db.read(move |c| baskets::get(c, &id)).await.map(Json)
}

/// `POST /v1/baskets/{id}/items`: adds units.
pub async fn add_item(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AddItem>,
) -> ApiResult<Json<Basket>> {
    baskets::check_quantity(body.quantity, false)?;
    let key = idempotency_key(&headers)?;
    let route = format!("add_item:{id}");
    state
        .db
        .write(move |tx| {
            once(tx, key.as_deref(), &route, |tx| {
                baskets::set_line(tx, &id, &body.product_id, body.quantity, true)?;
                baskets::get(tx, &id)
            })
        })
        .await
        .map(Json)
}

/// `PUT /v1/baskets/{id}/items/{product}`: sets a line's quantity.
pub async fn set_item(
    State(state): State<AppState>,
    ApiPath((id, product)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<SetItem>,
) -> ApiResult<Json<Basket>> {
    baskets::check_quantity(body.quantity, true)?;
    state
        .db
        .write(move |tx| {
            baskets::set_line(tx, &id, &product, body.quantity, false)?;
            baskets::get(tx, &id)
        })
        .await
        .map(Json)
}

/// `DELETE /v1/baskets/{id}/items/{product}`.
pub async fn remove_item(
    State(state): State<AppState>,
    ApiPath((id, product)): ApiPath<(String, String)>,
) -> ApiResult<Json<Basket>> {
    state
        .db
        .write(move |tx| {
            baskets::remove_line(tx, &id, &product)?;
            baskets::get(tx, &id)
        })
        .await
        .map(Json)
}

/// `POST /v1/baskets/{id}/payment-link`.
pub async fn payment_link(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<(StatusCode, Json<PaymentLink>)> {
    let signer = state.signer.clone();
    let base = state.base_url.clone();
    let link = state
        .db
        .write(move |tx| checkout::create_link(tx, &id, &signer, &base))
        .await?;
    Ok((StatusCode::CREATED, Json(link)))
}

/// `GET /v1/orders/{id}`.
pub async fn get_order(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Order>> {
    state
        .db
        .read(move |c| checkout::get_order(c, &id))
        .await
        .map(|v| Json(v.order))
}
