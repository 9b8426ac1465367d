//! Orders, signed payment links and payment.
//!
//! A payment link pays one order: a snapshot of the basket's lines and total
//! at the time the link was made. The link's token is
//! `base64url(order_id.expiry).base64url(HMAC-SHA256(secret, that))`, so it
//! cannot be forged or extended, and the checkout page needs no session.
//! Asking for a link again while the basket is unchanged returns the same
//! pending order; a changed basket gets a new order.
//!
//! Paying takes the stock of every line in one transaction with
//! `UPDATE … SET stock = stock - q WHERE stock >= q`: either every line is
//! available and the order is paid, or nothing changes and the page says which
//! product ran out.

use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use museo_sdk::types::{Currency, Money, Order, PaymentLink};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{baskets, new_id, now, parse_ts};
use crate::error::{ApiError, ApiResult};

/// How long a payment link works.
pub const LINK_TTL_SECS: i64 = 30 * 60;

/// One line of an order, frozen when the link was made.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OrderLine {
    /// The product's id (ids are never reused, unlike row numbers).
    pub product_id: String,
    /// SKU.
    pub sku: String,
    /// English title (the checkout page shows all languages' fallback).
    pub title: String,
    /// Units.
    pub quantity: i64,
    /// Unit price, minor units.
    pub unit_minor: i64,
}

/// Signs and verifies payment-link tokens.
#[derive(Clone)]
pub struct LinkSigner {
    key: hmac::Key,
}

impl std::fmt::Debug for LinkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkSigner(<secret>)")
    }
}

impl LinkSigner {
    /// A signer for `secret` (≥ 32 bytes, checked by the config).
    pub fn new(secret: &[u8]) -> Self {
        Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, secret),
        }
    }

    /// The token for an order and expiry.
    pub fn sign(&self, order_id: &str, expires_at: i64) -> String {
        let payload = format!("{order_id}.{expires_at}");
        let tag = hmac::sign(&self.key, payload.as_bytes());
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(payload),
            URL_SAFE_NO_PAD.encode(tag.as_ref())
        )
    }

    /// The order id of a valid, unexpired token.
    pub fn verify(&self, token: &str, now_secs: i64) -> ApiResult<String> {
        let invalid =
            || ApiError::NotFound("this payment link is not valid; ask for a new one".into());
        let (payload, tag) = token.split_once('.').ok_or_else(invalid)?;
        let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| invalid())?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| invalid())?;
        hmac::verify(&self.key, &payload, &tag).map_err(|_| invalid())?;
        let payload = String::from_utf8(payload).map_err(|_| invalid())?;
        let (order_id, expires) = payload.rsplit_once('.').ok_or_else(invalid)?;
        let expires: i64 = expires.parse().map_err(|_| invalid())?;
        if now_secs >= expires {
            return Err(ApiError::Gone(
                "this payment link has expired; ask for a new one".into(),
            ));
        }
        Ok(order_id.to_owned())
    }
}

/// Creates (or returns the still-valid) pending order for a basket and its link.
pub fn create_link(
    tx: &Connection,
    basket_id: &str,
    signer: &LinkSigner,
    base: &str,
) -> ApiResult<PaymentLink> {
    let (lines, fingerprint, total, currency) = snapshot(tx, basket_id)?;
    let lines_json =
        serde_json::to_string(&lines).map_err(|e| ApiError::Internal(e.to_string()))?;
    let now_secs = now().as_second();
    let existing = tx
        .prepare_cached(
            "SELECT id, expires_at FROM orders WHERE basket_id = ?1 AND status = 'pending' \
             AND fingerprint = ?2 AND expires_at > ?3 + 60 ORDER BY created_at DESC LIMIT 1",
        )?
        .query_row(params![basket_id, fingerprint, now_secs], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })
        .optional()?;
    let (order_id, expires) = match existing {
        Some(found) => found,
        None => {
            let id = new_id("ord");
            let expires = now_secs + LINK_TTL_SECS;
            tx.execute(
                "INSERT INTO orders (id, basket_id, status, total_minor, currency, lines, fingerprint, expires_at, created_at) \
                 VALUES (?1, ?2, 'pending', ?3, ?4, ?5, ?6, ?7, ?8)",
                params![id, basket_id, total, currency.code(), lines_json, fingerprint, expires, now().to_string()],
            )?;
            record_event(
                tx,
                "order.created",
                &id,
                serde_json::json!({ "basket_id": basket_id, "total_minor": total }),
            )?;
            (id, expires)
        }
    };
    let token = signer.sign(&order_id, expires);
    Ok(PaymentLink {
        basket_id: basket_id.to_owned(),
        url: format!("{}/checkout/{token}", base.trim_end_matches('/')),
        order_id,
        expires_at: jiff::Timestamp::from_second(expires)
            .map_err(|e| ApiError::Internal(e.to_string()))?,
        total: Money::from_minor(total, currency),
    })
}

/// A basket ready to be paid: its lines, their fingerprint, total and currency.
/// Refuses closed or empty baskets and lines that cannot be bought now.
fn snapshot(
    tx: &Connection,
    basket_id: &str,
) -> ApiResult<(Vec<OrderLine>, String, i64, Currency)> {
    let basket = baskets::get(tx, basket_id)?;
    if basket.status != "open" {
        return Err(ApiError::conflict(
            "basket_closed",
            "this basket has already been paid",
        ));
    }
    if basket.items.is_empty() {
        return Err(ApiError::conflict(
            "basket_empty",
            "the basket is empty; add products before asking for a payment link",
        ));
    }
    let mut lines = Vec::with_capacity(basket.items.len());
    for line in &basket.items {
        if !line.published {
            return Err(ApiError::conflict(
                "unavailable",
                format!(
                    "{} is no longer sold; remove it from the basket first",
                    line.sku
                ),
            ));
        }
        if line.quantity > line.available {
            return Err(ApiError::conflict(
                "insufficient_stock",
                format!(
                    "only {} of {} left; lower the quantity first",
                    line.available, line.sku
                ),
            ));
        }
        let (unit_minor, _) = line
            .unit_price
            .to_minor()
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        lines.push(OrderLine {
            product_id: line.product_id.clone(),
            sku: line.sku.clone(),
            title: line.title.en.clone(),
            quantity: line.quantity,
            unit_minor,
        });
    }
    let (total, currency) = basket
        .total
        .to_minor()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let encoded = serde_json::to_string(&lines).map_err(|e| ApiError::Internal(e.to_string()))?;
    let digest = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        format!("{encoded}|{total}").as_bytes(),
    );
    Ok((
        lines,
        URL_SAFE_NO_PAD.encode(digest.as_ref()),
        total,
        currency,
    ))
}

/// An order with its frozen lines, for the checkout page.
#[derive(Debug, Clone)]
pub struct OrderView {
    /// The order.
    pub order: Order,
    /// Its lines.
    pub lines: Vec<OrderLine>,
    /// Its currency.
    pub currency: Currency,
}

/// Reads an order.
pub fn get_order(conn: &Connection, id: &str) -> ApiResult<OrderView> {
    let row = conn
        .prepare_cached(
            "SELECT id, basket_id, status, total_minor, currency, lines, expires_at, created_at, paid_at FROM orders WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        })
        .optional()?;
    let Some((id, basket_id, status, total, currency, lines, expires, created, paid)) = row else {
        return Err(ApiError::NotFound(format!(
            "no order `{}`",
            super::catalog::truncate(id, 80)
        )));
    };
    let currency = Currency::parse(&currency).map_err(|e| ApiError::Internal(e.to_string()))?;
    let status = if status == "pending" && expires <= now().as_second() {
        "expired".to_owned()
    } else {
        status
    };
    Ok(OrderView {
        order: Order {
            id,
            basket_id,
            status,
            total: Money::from_minor(total, currency),
            created_at: parse_ts(&created)?,
            paid_at: paid.as_deref().map(parse_ts).transpose()?,
        },
        lines: serde_json::from_str(&lines).map_err(|e| ApiError::Internal(e.to_string()))?,
        currency,
    })
}

/// Pays an order: takes the stock of every line or nothing.
pub fn pay(tx: &Connection, order_id: &str) -> ApiResult<OrderView> {
    let view = get_order(tx, order_id)?;
    match view.order.status.as_str() {
        "paid" => return Ok(view),
        "expired" => {
            return Err(ApiError::Gone(
                "this order has expired; ask for a new payment link".into(),
            ));
        }
        _ => {}
    }
    let basket_status: String = tx.query_row(
        "SELECT status FROM baskets WHERE id = ?1",
        [&view.order.basket_id],
        |r| r.get(0),
    )?;
    if basket_status != "open" {
        return Err(ApiError::conflict(
            "basket_closed",
            "this basket was already paid with another link",
        ));
    }
    // A link pays the basket as it was when the link was made; if the basket
    // changed since, this link is stale and a new one must be asked for.
    let (_, current, _, _) = snapshot(tx, &view.order.basket_id)?;
    let frozen: String = tx.query_row(
        "SELECT fingerprint FROM orders WHERE id = ?1",
        [order_id],
        |r| r.get(0),
    )?;
    if current != frozen {
        return Err(ApiError::conflict(
            "basket_changed",
            "the basket changed after this payment link was made; ask for a new link",
        ));
    }
    let mut take = tx.prepare_cached(
        "UPDATE products SET stock = stock - ?2, updated_at = ?3 \
         WHERE id = ?1 AND published = 1 AND stock >= ?2",
    )?;
    let at = now().to_string();
    for line in &view.lines {
        if take.execute(params![line.product_id, line.quantity, at])? != 1 {
            // Returning Err rolls the whole transaction back: no partial order.
            return Err(ApiError::conflict(
                "insufficient_stock",
                format!(
                    "sorry, {} sold out while you were paying; nothing was charged",
                    line.title
                ),
            ));
        }
    }
    tx.execute(
        "UPDATE orders SET status = 'paid', paid_at = ?2 WHERE id = ?1",
        params![order_id, at],
    )?;
    tx.execute(
        "UPDATE baskets SET status = 'ordered', updated_at = ?2 WHERE id = ?1",
        params![view.order.basket_id, at],
    )?;
    record_event(
        tx,
        "order.paid",
        order_id,
        serde_json::json!({ "basket_id": view.order.basket_id }),
    )?;
    get_order(tx, order_id)
}

/// Appends to the event log.
pub fn record_event(
    tx: &Connection,
    kind: &str,
    subject: &str,
    data: serde_json::Value,
) -> ApiResult<()> {
    tx.execute(
        "INSERT INTO events (kind, subject, data, at) VALUES (?1, ?2, ?3, ?4)",
        params![kind, subject, data.to_string(), now().to_string()],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_cannot_be_forged_or_extended() {
        let signer = LinkSigner::new(&[7u8; 32]);
        let token = signer.sign("ord_1", 1000);
        assert_eq!(signer.verify(&token, 999).expect("valid"), "ord_1");
        assert!(matches!(
            signer.verify(&token, 1000),
            Err(ApiError::Gone(_))
        ));
        let (_, tag) = token.split_once('.').expect("two parts");
        let forged = format!("{}.{tag}", URL_SAFE_NO_PAD.encode("ord_1.99999"));
        assert!(matches!(
            signer.verify(&forged, 999),
            Err(ApiError::NotFound(_))
        ));
        let other = LinkSigner::new(&[8u8; 32]);
        assert!(other.verify(&token, 999).is_err());
        assert!(signer.verify("garbage", 0).is_err());
    }
}
