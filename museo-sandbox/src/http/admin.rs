//! Admin endpoints, behind service-account JWTs.
//!
//! [`Admin`] is the first extractor of every admin handler, so a request is
//! authenticated before its body is even read: signature against the
//! registered account's key, algorithm allow-list, `aud`, `exp`/`nbf`, token
//! lifetime, the `products:write` scope, the `iss` owning the `kid`, and
//! finally the single-use `jti`. Any failure answers 401/403 and changes
//! nothing; the jti is recorded only for a token that passed every check.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use museo_sdk::auth::AuthError;
use museo_sdk::types::{
    BulkRequest, BulkResponse, Page, Product, ProductInput, ProductPatch, ProductQuery,
};
use serde::Deserialize;

use super::{ApiJson, ApiPath, ApiQuery, AppState, Ctx};
use crate::error::{ApiError, ApiResult};
use crate::store::admin::{self, Actor, AuditEntry};
use crate::store::catalog;

/// An authenticated admin request.
#[derive(Debug, Clone)]
pub struct Admin(pub Actor);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Ctx(ctx) = Ctx::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|e| match e {});
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or(AuthError::MissingToken)?;
        let header = header
            .to_str()
            .map_err(|_| AuthError::Malformed("Authorization is not ASCII".into()))?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| AuthError::Malformed("use `Authorization: Bearer <JWT>`".into()))?;
        let verified = state.verifier.verify(token).await?;
        let owner = state
            .key_owners
            .get(&verified.kid)
            .ok_or(AuthError::UnknownKey {
                kid: Some(verified.kid.clone()),
            })?;
        if owner != &verified.claims.iss {
            return Err(AuthError::WrongIssuer.into());
        }
        let (jti, exp) = (verified.claims.jti.clone(), verified.claims.exp as i64);
        state
            .db
            .write(move |tx| admin::consume_jti(tx, &jti, exp))
            .await?;
        let actor = Actor {
            account: verified.claims.iss.clone(),
            on_behalf_of: verified.claims.sub.clone(),
            correlation_id: ctx.correlation_id(),
        };
        tracing::info!(account = %actor.account, on_behalf_of = %actor.on_behalf_of, "admin request authenticated");
        Ok(Admin(actor))
    }
}

/// `POST /v1/admin/products`.
pub async fn create(
    State(state): State<AppState>,
    Admin(actor): Admin,
    ApiJson(input): ApiJson<ProductInput>,
) -> ApiResult<(StatusCode, Json<Product>)> {
    let valid = catalog::validate(input)?;
    let base = state.base_url.clone();
    let product = state
        .db
        .write(move |tx| {
            let seq = catalog::insert(tx, &valid, None)?;
            let product = catalog::by_seq(tx, seq, &base)?;
            admin::audit(
                tx,
                &actor,
                "product.create",
                &product.id,
                serde_json::json!({ "sku": product.sku }),
            )?;
            Ok(product)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(product)))
}

/// `GET /v1/admin/products/{reference}` (drafts included).
pub async fn get_product(
    State(state): State<AppState>,
    _admin: Admin,
    ApiPath(reference): ApiPath<String>,
) -> ApiResult<Json<Product>> {
    let base = state.base_url.clone();
    state
        .db
        .read(move |c| catalog::get(c, &reference, true, &base))
        .await
        .map(Json)
}

/// `GET /v1/admin/products`: search with drafts available.
pub async fn list(
    State(state): State<AppState>,
    _admin: Admin,
    ApiQuery(query): ApiQuery<ProductQuery>,
) -> ApiResult<Json<Page<Product>>> {
    super::catalog::run_search(&state, query, None, true)
        .await
        .map(|page| Json(super::catalog::plain(page)))
}

/// `PATCH /v1/admin/products/{reference}`.
pub async fn update(
    State(state): State<AppState>,
    Admin(actor): Admin,
    ApiPath(reference): ApiPath<String>,
    ApiJson(patch): ApiJson<ProductPatch>,
) -> ApiResult<Json<Product>> {
    let base = state.base_url.clone();
    state
        .db
        .write(move |tx| {
            let seq = catalog::find_seq(tx, &reference, true)?
                .ok_or_else(|| catalog::not_found(&reference))?;
            let fields: Vec<String> = serde_json::to_value(&patch)
                .ok()
                .and_then(|v| {
                    v.as_object().map(|o| {
                        o.iter()
                            .filter(|(_, v)| !v.is_null())
                            .map(|(k, _)| k.clone())
                            .collect()
                    })
                })
                .unwrap_or_default();
            let changed = catalog::update(tx, seq, patch, &base)?;
            let product = catalog::by_seq(tx, seq, &base)?;
            if changed {
                admin::audit(
                    tx,
                    &actor,
                    "product.update",
                    &product.id,
                    serde_json::json!({ "fields": fields }),
                )?;
            }
            Ok(product)
        })
        .await
        .map(Json)
}

/// `DELETE /v1/admin/products/{reference}`: returns what was deleted.
pub async fn delete(
    State(state): State<AppState>,
    Admin(actor): Admin,
    ApiPath(reference): ApiPath<String>,
) -> ApiResult<Json<Product>> {
    let base = state.base_url.clone();
    state
        .db
        .write(move |tx| {
            let seq = catalog::find_seq(tx, &reference, true)?
                .ok_or_else(|| catalog::not_found(&reference))?;
            let product = catalog::by_seq(tx, seq, &base)?;
            catalog::delete(tx, seq)?;
            admin::audit(
                tx,
                &actor,
                "product.delete",
                &product.id,
                serde_json::json!({ "sku": product.sku }),
            )?;
            Ok(product)
        })
        .await
        .map(Json)
}

/// `POST /v1/admin/products/bulk`.
pub async fn bulk(
    State(state): State<AppState>,
    Admin(actor): Admin,
    ApiJson(request): ApiJson<BulkRequest>,
) -> ApiResult<Json<BulkResponse>> {
    let base = state.base_url.clone();
    state
        .db
        .write(move |tx| admin::bulk(tx, request, &actor, &base))
        .await
        .map(Json)
}

/// Query of `GET /v1/admin/audit`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    limit: Option<u32>,
}

/// `GET /v1/admin/audit`: newest entries first.
pub async fn audit(
    State(state): State<AppState>,
    _admin: Admin,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    let limit = query.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::field("limit", "limit must be between 1 and 500"));
    }
    state
        .db
        .read(move |c| admin::audit_entries(c, limit))
        .await
        .map(Json)
}
