//! Baskets: lines with stock checks and totals.
//!
//! Adding checks the product's current stock, but does not reserve it: stock
//! is taken only when an order is paid (see `checkout`). Two baskets may hold
//! the last item; the first to pay gets it and the other payment is refused
//! with `insufficient_stock`. Reserving on add would let abandoned baskets
//! lock stock away from shoppers who are ready to pay.

use museo_sdk::types::{Basket, BasketLine, Currency, Localized, Money};
use rusqlite::{Connection, OptionalExtension, params};

use super::catalog::{find_seq, truncate};
use super::{new_id, now, parse_ts};
use crate::error::{ApiError, ApiResult};

/// Most units of one product in one basket.
pub const MAX_LINE_QUANTITY: i64 = 1000;
/// Most lines in one basket.
pub const MAX_LINES: i64 = 100;

/// Creates an empty basket.
pub fn create(tx: &Connection) -> ApiResult<String> {
    let id = new_id("bsk");
    let at = now().to_string();
    tx.execute(
        "INSERT INTO baskets (id, currency, status, created_at, updated_at) VALUES (?1, NULL, 'open', ?2, ?2)",
        params![id, at],
    )?;
    Ok(id)
}

fn not_found(id: &str) -> ApiError {
    ApiError::NotFound(format!(
        "no basket `{}`; create one first",
        truncate(id, 80)
    ))
}

/// Reads a basket with its lines and total.
pub fn get(conn: &Connection, id: &str) -> ApiResult<Basket> {
    let head = conn
        .prepare_cached(
            "SELECT currency, status, created_at, updated_at FROM baskets WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .optional()?;
    let Some((currency, status, created_at, updated_at)) = head else {
        return Err(not_found(id));
    };
    let currency = Currency::parse(currency.as_deref().unwrap_or("EUR"))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.sku, p.title_en, p.title_es, p.title_fr, i.quantity, p.price_minor, p.stock, p.published \
         FROM basket_items i JOIN products p ON p.seq = i.product_seq WHERE i.basket_id = ?1 ORDER BY i.position",
    )?;
    let mut total: i64 = 0;
    let mut count: i64 = 0;
    let items = stmt
        .query_map([id], |r| {
            let quantity: i64 = r.get(5)?;
            let unit: i64 = r.get(6)?;
            Ok((
                BasketLine {
                    product_id: r.get(0)?,
                    sku: r.get(1)?,
                    title: Localized {
                        en: r.get(2)?,
                        es: r.get(3)?,
                        fr: r.get(4)?,
                    },
                    quantity,
                    unit_price: Money::from_minor(unit, currency),
                    line_total: Money::from_minor(unit * quantity, currency),
                    available: r.get(7)?,
                    published: r.get(8)?,
                },
                unit * quantity,
            ))
        })?
        .map(|row| {
            row.map(|(line, line_total)| {
                total += line_total;
                count += line.quantity;
                line
            })
        })
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Basket {
        id: id.to_owned(),
        currency: currency.code().to_owned(),
        items,
        item_count: count,
        total: Money::from_minor(total, currency),
        status,
        created_at: parse_ts(&created_at)?,
        updated_at: parse_ts(&updated_at)?,
    })
}

fn open_basket(tx: &Connection, id: &str) -> ApiResult<Option<String>> {
    let row = tx
        .prepare_cached("SELECT status, currency FROM baskets WHERE id = ?1")?
        .query_row([id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })
        .optional()?;
    match row {
        None => Err(not_found(id)),
        Some((status, _)) if status != "open" => Err(ApiError::conflict(
            "basket_closed",
            "this basket has been paid and can no longer change; start a new basket",
        )),
        Some((_, currency)) => Ok(currency),
    }
}

/// Validates a quantity given by a client.
pub fn check_quantity(quantity: i64, allow_zero: bool) -> ApiResult<()> {
    let min = i64::from(!allow_zero);
    if !(min..=MAX_LINE_QUANTITY).contains(&quantity) {
        return Err(ApiError::field(
            "quantity",
            format!("quantity must be between {min} and {MAX_LINE_QUANTITY}"),
        ));
    }
    Ok(())
}

struct ProductStock {
    seq: i64,
    sku: String,
    stock: i64,
    currency: String,
    published: bool,
}

fn product_for_basket(tx: &Connection, reference: &str) -> ApiResult<ProductStock> {
    // Drafts and withdrawn products are found too, so a line holding one can
    // still be lowered or removed; `set_line` refuses to grow such a line.
    let seq = find_seq(tx, reference, true)?.ok_or_else(|| super::catalog::not_found(reference))?;
    Ok(tx
        .prepare_cached("SELECT seq, sku, stock, currency, published FROM products WHERE seq = ?1")?
        .query_row([seq], |r| {
            Ok(ProductStock {
                seq: r.get(0)?,
                sku: r.get(1)?,
                stock: r.get(2)?,
                currency: r.get(3)?,
                published: r.get(4)?,
            })
        })?)
}

fn current_quantity(tx: &Connection, basket: &str, seq: i64) -> ApiResult<i64> {
    Ok(tx
        .prepare_cached(
            "SELECT quantity FROM basket_items WHERE basket_id = ?1 AND product_seq = ?2",
        )?
        .query_row(params![basket, seq], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

fn stock_error(product: &ProductStock, wanted: i64) -> ApiError {
    if product.stock == 0 {
        ApiError::conflict("out_of_stock", format!("{} is out of stock", product.sku))
    } else {
        ApiError::conflict(
            "insufficient_stock",
            format!(
                "only {} of {} in stock; the basket would hold {wanted}",
                product.stock, product.sku
            ),
        )
    }
}

/// Sets the quantity of a product's line to `quantity` (0 removes it),
/// checking stock when it grows. `add` adds to the current quantity instead.
pub fn set_line(
    tx: &Connection,
    basket: &str,
    reference: &str,
    quantity: i64,
    add: bool,
) -> ApiResult<()> {
    let currency = open_basket(tx, basket)?;
    let product = product_for_basket(tx, reference)?;
    let current = current_quantity(tx, basket, product.seq)?;
    let target = if add { current + quantity } else { quantity };
    if target > MAX_LINE_QUANTITY {
        return Err(ApiError::field(
            "quantity",
            format!("a basket holds at most {MAX_LINE_QUANTITY} of one product"),
        ));
    }
    if target > current && !product.published {
        return Err(super::catalog::not_found(reference));
    }
    if target > current && target > product.stock {
        return Err(stock_error(&product, target));
    }
    if let Some(currency) = &currency
        && currency != &product.currency
    {
        return Err(ApiError::conflict(
            "currency_mismatch",
            format!(
                "this basket is in {currency} and {} is priced in {}",
                product.sku, product.currency
            ),
        ));
    }
    if target == 0 {
        tx.execute(
            "DELETE FROM basket_items WHERE basket_id = ?1 AND product_seq = ?2",
            params![basket, product.seq],
        )?;
    } else if current == 0 {
        let lines: i64 = tx.query_row(
            "SELECT count(*) FROM basket_items WHERE basket_id = ?1",
            [basket],
            |r| r.get(0),
        )?;
        if lines >= MAX_LINES {
            return Err(ApiError::conflict(
                "basket_full",
                format!("a basket holds at most {MAX_LINES} different products"),
            ));
        }
        tx.execute(
            "INSERT INTO basket_items (basket_id, product_seq, quantity, position) \
             VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), 0) + 1 FROM basket_items WHERE basket_id = ?1))",
            params![basket, product.seq, target],
        )?;
    } else {
        tx.execute(
            "UPDATE basket_items SET quantity = ?3 WHERE basket_id = ?1 AND product_seq = ?2",
            params![basket, product.seq, target],
        )?;
    }
    let remaining: i64 = tx.query_row(
        "SELECT count(*) FROM basket_items WHERE basket_id = ?1",
        [basket],
        |r| r.get(0),
    )?;
    let currency = if remaining == 0 {
        None
    } else {
        Some(product.currency)
    };
    tx.execute(
        "UPDATE baskets SET currency = ?2, updated_at = ?3 WHERE id = ?1",
        params![basket, currency, now().to_string()],
    )?;
    Ok(())
}

/// Removes a product's line; removing a line that is not there is not an error
/// (DELETE is idempotent), but an unknown product is.
pub fn remove_line(tx: &Connection, basket: &str, reference: &str) -> ApiResult<()> {
    set_line(tx, basket, reference, 0, false)
}
