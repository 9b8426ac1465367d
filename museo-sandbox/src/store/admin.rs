//! Admin writes: single-use token ids, the audit log, bulk upsert.
//!
//! Bulk semantics (also in `docs/museo-api.md`): items are validated one by
//! one; an invalid item is reported as `failed` with its error and does not
//! stop the others. Each item is applied inside its own savepoint, so a
//! failing item leaves no trace, and all applied items commit together in one
//! transaction — a crash or an internal error mid-request writes nothing at
//! all. A SKU appearing twice in one request fails the second occurrence
//! (never a silent overwrite). `dry_run` runs the same code and rolls back.

use std::collections::HashSet;

use museo_sdk::types::{
    ApiErrorBody, BulkItemResult, BulkMode, BulkOutcome, BulkRequest, BulkResponse, ProductInput,
    ProductPatch,
};
use rusqlite::{Connection, params};

use super::catalog;
use super::now;
use crate::error::{ApiError, ApiResult};

/// Most items in one bulk request.
pub const MAX_BULK_ITEMS: usize = 1000;

/// Records a token id as used; a second use is refused.
pub fn consume_jti(tx: &Connection, jti: &str, exp: i64) -> ApiResult<()> {
    if jti.is_empty() || jti.len() > 200 {
        return Err(ApiError::Auth(museo_sdk::auth::AuthError::Malformed(
            "jti must have 1 to 200 characters".into(),
        )));
    }
    tx.prepare_cached("DELETE FROM used_jti WHERE exp < ?1")?
        .execute([now().as_second() - 300])?;
    let inserted = tx
        .prepare_cached("INSERT OR IGNORE INTO used_jti (jti, exp) VALUES (?1, ?2)")?
        .execute(params![jti, exp])?;
    if inserted == 0 {
        return Err(ApiError::Replayed);
    }
    Ok(())
}

/// Who is acting, from a verified admin token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The service account (token `iss`).
    pub account: String,
    /// The person it acts for (token `sub`).
    pub on_behalf_of: String,
    /// The request's correlation id.
    pub correlation_id: String,
}

/// Appends an audit entry.
pub fn audit(
    tx: &Connection,
    actor: &Actor,
    action: &str,
    target: &str,
    details: serde_json::Value,
) -> ApiResult<()> {
    tx.prepare_cached(
        "INSERT INTO audit_log (at, actor, on_behalf_of, action, target, details, correlation_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        now().to_string(),
        actor.account,
        actor.on_behalf_of,
        action,
        target,
        details.to_string(),
        actor.correlation_id
    ])?;
    Ok(())
}

/// One audit entry.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct AuditEntry {
    /// Entry number.
    pub id: i64,
    /// When.
    pub at: String,
    /// The service account.
    pub actor: String,
    /// The person it acted for.
    pub on_behalf_of: String,
    /// `product.create`, `product.update`, `product.delete`, `products.bulk`.
    pub action: String,
    /// The product id (or `bulk`).
    pub target: String,
    /// What changed.
    pub details: serde_json::Value,
    /// Correlation id of the request.
    pub correlation_id: String,
}

/// The latest audit entries, newest first.
pub fn audit_entries(conn: &Connection, limit: u32) -> ApiResult<Vec<AuditEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, actor, on_behalf_of, action, target, details, correlation_id FROM audit_log ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok(AuditEntry {
            id: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            on_behalf_of: r.get(3)?,
            action: r.get(4)?,
            target: r.get(5)?,
            details: serde_json::from_str(&r.get::<_, String>(6)?).unwrap_or_default(),
            correlation_id: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Applies a bulk request inside the caller's transaction.
pub fn bulk(
    tx: &Connection,
    request: BulkRequest,
    actor: &Actor,
    base: &str,
) -> ApiResult<BulkResponse> {
    if request.items.is_empty() {
        return Err(ApiError::field("items", "send at least one item"));
    }
    if request.items.len() > MAX_BULK_ITEMS {
        return Err(ApiError::field(
            "items",
            format!("at most {MAX_BULK_ITEMS} items per request; split the batch"),
        ));
    }
    tx.execute_batch("SAVEPOINT bulk")?;
    let mut seen = HashSet::new();
    let mut results = Vec::with_capacity(request.items.len());
    for (index, item) in request.items.into_iter().enumerate() {
        let sku = item
            .sku
            .clone()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        let outcome = match &sku {
            Some(sku) if !seen.insert(sku.to_ascii_uppercase()) => Err(ApiError::conflict(
                "duplicate_in_request",
                format!("SKU `{sku}` appears earlier in this request; each SKU once per request"),
            )),
            None if request.mode == BulkMode::Upsert => Err(ApiError::field(
                "sku",
                "upserts match products by SKU, so every item needs one",
            )),
            _ => apply_item(tx, item, request.mode, base),
        };
        results.push(match outcome {
            Ok((outcome, id)) => BulkItemResult {
                index,
                sku,
                outcome,
                id: Some(id),
                error: None,
            },
            Err(ApiError::Internal(e)) => {
                tx.execute_batch("ROLLBACK TO bulk; RELEASE bulk")?;
                return Err(ApiError::Internal(e));
            }
            Err(e) => {
                let (_, body) = e.parts();
                BulkItemResult {
                    index,
                    sku,
                    outcome: BulkOutcome::Failed,
                    id: None,
                    error: Some(body),
                }
            }
        });
    }
    let count = |o: BulkOutcome| results.iter().filter(|r| r.outcome == o).count();
    let response = BulkResponse {
        dry_run: request.dry_run,
        created: count(BulkOutcome::Created),
        updated: count(BulkOutcome::Updated),
        unchanged: count(BulkOutcome::Unchanged),
        failed: count(BulkOutcome::Failed),
        results,
    };
    if request.dry_run {
        tx.execute_batch("ROLLBACK TO bulk; RELEASE bulk")?;
    } else {
        tx.execute_batch("RELEASE bulk")?;
        audit(
            tx,
            actor,
            "products.bulk",
            "bulk",
            serde_json::json!({
                "mode": request.mode, "created": response.created, "updated": response.updated,
                "unchanged": response.unchanged, "failed": response.failed,
            }),
        )?;
    }
    Ok(response)
}

fn apply_item(
    tx: &Connection,
    item: ProductInput,
    mode: BulkMode,
    base: &str,
) -> ApiResult<(BulkOutcome, String)> {
    let valid = catalog::validate(item.clone())?;
    tx.execute_batch("SAVEPOINT item")?;
    let result = (|| {
        let existing = match &valid.sku {
            Some(sku) => catalog::find_by_sku(tx, sku)?,
            None => None,
        };
        match (existing, mode) {
            (Some(_), BulkMode::Create) => Err(ApiError::conflict(
                "sku_taken",
                format!(
                    "SKU `{}` already exists; use mode `upsert` to update it",
                    valid.sku.clone().unwrap_or_default()
                ),
            )),
            (Some(seq), BulkMode::Upsert) => {
                let patch = ProductPatch {
                    sku: None,
                    handle: item.handle,
                    title: Some(item.title),
                    description: Some(item.description),
                    price: Some(item.price),
                    stock: if item.variants.is_empty() {
                        item.stock
                    } else {
                        None
                    },
                    category: item.category,
                    tags: Some(item.tags),
                    attributes: Some(item.attributes),
                    images: Some(item.images),
                    variants: if item.variants.is_empty() {
                        None
                    } else {
                        Some(item.variants)
                    },
                    published: item.published,
                };
                let changed = catalog::update(tx, seq, patch, base)?;
                let id: String =
                    tx.query_row("SELECT id FROM products WHERE seq = ?1", [seq], |r| {
                        r.get(0)
                    })?;
                Ok((
                    if changed {
                        BulkOutcome::Updated
                    } else {
                        BulkOutcome::Unchanged
                    },
                    id,
                ))
            }
            (None, _) => {
                let seq = catalog::insert(tx, &valid, None)?;
                let id: String =
                    tx.query_row("SELECT id FROM products WHERE seq = ?1", [seq], |r| {
                        r.get(0)
                    })?;
                Ok((BulkOutcome::Created, id))
            }
        }
    })();
    match &result {
        Ok(_) => tx.execute_batch("RELEASE item")?,
        Err(_) => tx.execute_batch("ROLLBACK TO item; RELEASE item")?,
    }
    result
}

/// The error body of a failed item, for callers building reports.
pub fn error_body(e: &ApiError) -> ApiErrorBody {
    e.parts().1
}
