//! Products and categories: reading, validating, writing, indexing.

use std::collections::BTreeMap;

use museo_sdk::types::{
    Category, Currency, Localized, Money, Product, ProductInput, ProductPatch, Variant,
    VariantInput,
};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{new_id, now, parse_ts};
use crate::error::{ApiError, ApiResult};

/// Columns read by [`row_to_product`], in order.
pub const COLUMNS: &str = "p.seq, p.id, p.sku, p.handle, p.title_en, p.title_es, p.title_fr, \
    p.desc_en, p.desc_es, p.desc_fr, p.price_minor, p.currency, p.stock, p.category, p.tags, \
    p.attributes, p.images, p.variants, p.published, p.created_at, p.updated_at";

/// Largest stock a product may declare; keeps arithmetic far from overflow.
pub const MAX_STOCK: i64 = 1_000_000_000;
/// Largest price in minor units (10 million in a two-decimal currency).
pub const MAX_PRICE_MINOR: i64 = 1_000_000_000;

fn json<T: serde::de::DeserializeOwned>(raw: &str) -> rusqlite::Result<T> {
    serde_json::from_str(raw).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Maps a row selected with [`COLUMNS`] to the wire product; `base` is the
/// public URL of the shop (for the product page link).
pub fn row_to_product(row: &Row<'_>, base: &str) -> rusqlite::Result<Product> {
    let currency: String = row.get(11)?;
    let currency = Currency::parse(&currency).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(11, rusqlite::types::Type::Text, Box::new(e))
    })?;
    let stock: i64 = row.get(12)?;
    let handle: String = row.get(3)?;
    Ok(Product {
        id: row.get(1)?,
        sku: row.get(2)?,
        url: format!("{}/products/{handle}", base.trim_end_matches('/')),
        handle,
        title: Localized {
            en: row.get(4)?,
            es: row.get(5)?,
            fr: row.get(6)?,
        },
        description: Localized {
            en: row.get(7)?,
            es: row.get(8)?,
            fr: row.get(9)?,
        },
        price: Money::from_minor(row.get(10)?, currency),
        stock,
        in_stock: stock > 0,
        category: row.get(13)?,
        tags: json(&row.get::<_, String>(14)?)?,
        attributes: json(&row.get::<_, String>(15)?)?,
        images: json(&row.get::<_, String>(16)?)?,
        variants: json(&row.get::<_, String>(17)?)?,
        published: row.get(18)?,
        created_at: parse_ts(&row.get::<_, String>(19)?)?,
        updated_at: parse_ts(&row.get::<_, String>(20)?)?,
    })
}

/// Finds a product's `seq` by id, SKU (case-insensitive) or handle, in that
/// order. Three indexed lookups: one `OR` query would scan the table.
pub fn find_seq(
    conn: &Connection,
    reference: &str,
    include_unpublished: bool,
) -> ApiResult<Option<i64>> {
    let reference = reference.trim();
    for sql in [
        "SELECT seq, published FROM products WHERE id = ?1",
        "SELECT seq, published FROM products WHERE sku = ?1",
        "SELECT seq, published FROM products WHERE handle = ?1",
    ] {
        let found: Option<(i64, bool)> = conn
            .prepare_cached(sql)?
            .query_row([reference], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((seq, published)) = found {
            return Ok((published || include_unpublished).then_some(seq));
        }
    }
    Ok(None)
}

/// Finds a product's `seq` by SKU alone (case-insensitive), published or not.
/// Uniqueness and upserts go by SKU, never by id or handle.
pub fn find_by_sku(conn: &Connection, sku: &str) -> ApiResult<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT seq FROM products WHERE sku = ?1")?
        .query_row([sku.trim()], |r| r.get(0))
        .optional()?)
}

/// Reads a product by `seq`.
pub fn by_seq(conn: &Connection, seq: i64, base: &str) -> ApiResult<Product> {
    let sql = format!("SELECT {COLUMNS} FROM products p WHERE p.seq = ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(stmt.query_row([seq], |r| row_to_product(r, base))?)
}

/// Reads a product by id, SKU or handle, or says it does not exist.
pub fn get(
    conn: &Connection,
    reference: &str,
    include_unpublished: bool,
    base: &str,
) -> ApiResult<Product> {
    match find_seq(conn, reference, include_unpublished)? {
        Some(seq) => by_seq(conn, seq, base),
        None => Err(not_found(reference)),
    }
}

/// The error for an unknown product reference.
pub fn not_found(reference: &str) -> ApiError {
    ApiError::NotFound(format!(
        "no product with id, SKU or handle `{}`; search the catalog to find it",
        truncate(reference, 80)
    ))
}

/// Shortens user text quoted back in messages.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

/// All categories with their published product counts.
pub fn categories(conn: &Connection) -> ApiResult<Vec<Category>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.slug, c.name_en, c.name_es, c.name_fr, \
         (SELECT count(*) FROM products p WHERE p.category = c.slug AND p.published = 1) \
         FROM categories c ORDER BY c.slug",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Category {
            slug: r.get(0)?,
            name: Localized {
                en: r.get(1)?,
                es: r.get(2)?,
                fr: r.get(3)?,
            },
            product_count: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A product input that passed validation, in storage units.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidProduct {
    /// SKU, or `None` to generate one.
    pub sku: Option<String>,
    /// Handle, or `None` to derive one from the title.
    pub handle: Option<String>,
    /// Titles, every language filled.
    pub title: Localized,
    /// Descriptions, every language filled (possibly empty everywhere).
    pub description: Localized,
    /// Price in minor units.
    pub price_minor: i64,
    /// Currency.
    pub currency: Currency,
    /// Stock.
    pub stock: i64,
    /// Category slug.
    pub category: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Attributes.
    pub attributes: BTreeMap<String, String>,
    /// Images.
    pub images: Vec<String>,
    /// Variants.
    pub variants: Vec<Variant>,
    /// Published.
    pub published: bool,
}

/// Checks a product input and converts it to storage units.
pub fn validate(input: ProductInput) -> ApiResult<ValidProduct> {
    let sku = input
        .sku
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    if let Some(sku) = &sku {
        validate_sku("sku", sku)?;
    }
    let handle = input
        .handle
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty());
    if let Some(handle) = &handle {
        validate_handle(handle)?;
    }
    if input.title.is_empty() {
        return Err(ApiError::field(
            "title",
            "a title is required in at least one language (en, es or fr)",
        ));
    }
    let title = input.title.filled();
    check_text("title", &title, 200)?;
    let description = input.description.filled();
    check_text("description", &description, 5000)?;
    let (price_minor, currency) = validate_price("price", &input.price)?;
    let stock = input.stock.unwrap_or(0);
    validate_stock("stock", stock)?;
    let category = input
        .category
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    let category = category.unwrap_or_else(|| "uncategorised".to_owned());
    validate_slug("category", &category)?;
    let tags = clean_list("tags", input.tags, 50, 60)?;
    let images = clean_list("images", input.images, 20, 500)?;
    let attributes = clean_attributes(input.attributes)?;
    let variants = validate_variants(input.variants, currency)?;
    let stock = if variants.is_empty() {
        stock
    } else {
        variants.iter().map(|v| v.stock).sum()
    };
    Ok(ValidProduct {
        sku,
        handle,
        title,
        description,
        price_minor,
        currency,
        stock,
        category,
        tags,
        attributes,
        images,
        variants,
        published: input.published.unwrap_or(false),
    })
}

fn validate_variants(inputs: Vec<VariantInput>, currency: Currency) -> ApiResult<Vec<Variant>> {
    if inputs.len() > 100 {
        return Err(ApiError::field("variants", "at most 100 variants"));
    }
    let mut seen = std::collections::HashSet::new();
    inputs
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let field = format!("variants[{i}]");
            validate_sku(&format!("{field}.sku"), v.sku.trim())?;
            if !seen.insert(v.sku.trim().to_ascii_uppercase()) {
                return Err(ApiError::field(
                    &format!("{field}.sku"),
                    "duplicate variant SKU",
                ));
            }
            validate_stock(&format!("{field}.stock"), v.stock)?;
            let price = match &v.price {
                Some(price) => {
                    let (minor, cur) = validate_price(&format!("{field}.price"), price)?;
                    if cur != currency {
                        return Err(ApiError::field(
                            &format!("{field}.price"),
                            "a variant's currency must be the product's",
                        ));
                    }
                    Some(Money::from_minor(minor, cur))
                }
                None => None,
            };
            Ok(Variant {
                sku: v.sku.trim().to_owned(),
                title: v.title.filled(),
                price,
                stock: v.stock,
                attributes: clean_attributes(v.attributes)?,
            })
        })
        .collect()
}

fn check_text(field: &str, text: &Localized, max: usize) -> ApiResult<()> {
    for (lang, value) in [("en", &text.en), ("es", &text.es), ("fr", &text.fr)] {
        if value.chars().count() > max {
            return Err(ApiError::field(
                &format!("{field}.{lang}"),
                format!("at most {max} characters"),
            ));
        }
        if value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err(ApiError::field(
                &format!("{field}.{lang}"),
                "control characters are not allowed",
            ));
        }
    }
    Ok(())
}

/// Validates a money amount for a price: a known currency, > 0, bounded.
pub fn validate_price(field: &str, price: &Money) -> ApiResult<(i64, Currency)> {
    let (minor, currency) = price
        .to_minor()
        .map_err(|e| ApiError::field(field, e.to_string()))?;
    if minor <= 0 {
        return Err(ApiError::field(field, "a price must be greater than zero"));
    }
    if minor > MAX_PRICE_MINOR {
        return Err(ApiError::field(
            field,
            "that price is beyond what the shop accepts",
        ));
    }
    Ok((minor, currency))
}

/// Validates a stock level: 0 ≤ stock ≤ [`MAX_STOCK`].
pub fn validate_stock(field: &str, stock: i64) -> ApiResult<()> {
    if !(0..=MAX_STOCK).contains(&stock) {
        return Err(ApiError::field(
            field,
            format!("stock must be between 0 and {MAX_STOCK}"),
        ));
    }
    Ok(())
}

/// SKUs: 1–64 of `A-Z a-z 0-9 . _ -`, starting with a letter or digit.
pub fn validate_sku(field: &str, sku: &str) -> ApiResult<()> {
    let ok = !sku.is_empty()
        && sku.len() <= 64
        && sku.starts_with(|c: char| c.is_ascii_alphanumeric())
        && sku
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::field(
            field,
            "a SKU has 1 to 64 characters among A-Z, 0-9, '.', '_' and '-'",
        ))
    }
}

fn validate_handle(handle: &str) -> ApiResult<()> {
    validate_slug("handle", handle)
}

fn validate_slug(field: &str, slug: &str) -> ApiResult<()> {
    let ok = !slug.is_empty()
        && slug.len() <= 100
        && slug.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(ApiError::field(
            field,
            "use lowercase letters, digits and single dashes (e.g. `tote-bags`)",
        ))
    }
}

fn clean_list(
    field: &str,
    items: Vec<String>,
    max_items: usize,
    max_len: usize,
) -> ApiResult<Vec<String>> {
    if items.len() > max_items {
        return Err(ApiError::field(
            field,
            format!("at most {max_items} entries"),
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let item = item.trim().to_owned();
        if item.chars().count() > max_len {
            return Err(ApiError::field(
                field,
                format!("each entry has at most {max_len} characters"),
            ));
        }
        if !item.is_empty() && !out.contains(&item) {
            out.push(item);
        }
    }
    Ok(out)
}

fn clean_attributes(attributes: BTreeMap<String, String>) -> ApiResult<BTreeMap<String, String>> {
    if attributes.len() > 50 {
        return Err(ApiError::field("attributes", "at most 50 attributes"));
    }
    let mut out = BTreeMap::new();
    for (key, value) in attributes {
        let key = key.trim().to_lowercase();
        if key.is_empty() || key.len() > 60 || value.chars().count() > 500 {
            return Err(ApiError::field(
                "attributes",
                "keys have 1 to 60 characters and values at most 500",
            ));
        }
        out.insert(key, value.trim().to_owned());
    }
    Ok(out)
}

/// A URL-safe slug of a title: lowercase ASCII, accents folded, dashes.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug: String = slug.chars().take(80).collect();
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        "product".to_owned()
    } else {
        slug
    }
}

fn fold_accent(c: char) -> impl Iterator<Item = char> {
    let folded: &str = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "o",
        'œ' | 'Œ' => "oe",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ß' => "ss",
        _ => "",
    };
    let own = if folded.is_empty() { Some(c) } else { None };
    folded.chars().chain(own)
}

/// Ensures `category` exists, creating it with its slug as name if new.
fn ensure_category(tx: &Connection, slug: &str) -> ApiResult<()> {
    let name = slug.replace('-', " ");
    tx.execute(
        "INSERT OR IGNORE INTO categories (slug, name_en, name_es, name_fr) VALUES (?1, ?2, ?2, ?2)",
        params![slug, name],
    )?;
    Ok(())
}

fn unique_handle(tx: &Connection, base: &str, own_seq: Option<i64>) -> ApiResult<String> {
    let mut stmt = tx.prepare_cached("SELECT seq FROM products WHERE handle = ?1")?;
    for n in 1..1000 {
        let candidate = if n == 1 {
            base.to_owned()
        } else {
            format!("{base}-{n}")
        };
        let holder: Option<i64> = stmt.query_row([&candidate], |r| r.get(0)).optional()?;
        if holder.is_none() || holder == own_seq {
            return Ok(candidate);
        }
    }
    Ok(format!(
        "{base}-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    ))
}

/// Inserts a validated product; `id` is given for seeded products (stable ids).
/// A taken SKU or handle is a `sku_taken`/`handle_taken` conflict.
pub fn insert(tx: &Connection, product: &ValidProduct, id: Option<String>) -> ApiResult<i64> {
    let sku = match &product.sku {
        Some(sku) => {
            if find_by_sku(tx, sku)?.is_some() {
                return Err(ApiError::conflict(
                    "sku_taken",
                    format!("a product with SKU `{sku}` already exists; update it instead"),
                ));
            }
            sku.clone()
        }
        None => format!(
            "{}-{}",
            slugify(&product.title.en)
                .to_ascii_uppercase()
                .chars()
                .take(40)
                .collect::<String>(),
            &uuid::Uuid::new_v4().simple().to_string()[..6].to_ascii_uppercase()
        ),
    };
    let handle = match &product.handle {
        Some(handle) => {
            if tx
                .query_row("SELECT 1 FROM products WHERE handle = ?1", [handle], |_| {
                    Ok(())
                })
                .optional()?
                .is_some()
            {
                return Err(ApiError::conflict(
                    "handle_taken",
                    format!("the handle `{handle}` is taken"),
                ));
            }
            handle.clone()
        }
        None => unique_handle(tx, &slugify(&product.title.en), None)?,
    };
    ensure_category(tx, &product.category)?;
    let at = now().to_string();
    let id = id.unwrap_or_else(|| new_id("prd"));
    tx.prepare_cached(
        "INSERT INTO products (id, sku, handle, title_en, title_es, title_fr, desc_en, desc_es, desc_fr, \
         price_minor, currency, stock, category, tags, attributes, images, variants, published, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?19)",
    )?
    .execute(params![
        id,
        sku,
        handle,
        product.title.en,
        product.title.es,
        product.title.fr,
        product.description.en,
        product.description.es,
        product.description.fr,
        product.price_minor,
        product.currency.code(),
        product.stock,
        product.category,
        to_json(&product.tags),
        to_json(&product.attributes),
        to_json(&product.images),
        to_json(&product.variants),
        product.published,
        at,
    ])?;
    let seq = tx.last_insert_rowid();
    index(tx, seq)?;
    Ok(seq)
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

/// Applies a partial update to product `seq`. Returns whether anything changed.
pub fn update(tx: &Connection, seq: i64, patch: ProductPatch, base: &str) -> ApiResult<bool> {
    let current = by_seq(tx, seq, base)?;
    let mut next = current.clone();
    if let Some(sku) = patch.sku {
        let sku = sku.trim().to_owned();
        validate_sku("sku", &sku)?;
        if let Some(other) = find_by_sku(tx, &sku)?
            && other != seq
        {
            return Err(ApiError::conflict(
                "sku_taken",
                format!("another product already has SKU `{sku}`"),
            ));
        }
        next.sku = sku;
    }
    if let Some(handle) = patch.handle {
        let handle = handle.trim().to_owned();
        validate_handle(&handle)?;
        if unique_handle(tx, &handle, Some(seq))? != handle {
            return Err(ApiError::conflict(
                "handle_taken",
                format!("the handle `{handle}` is taken"),
            ));
        }
        next.handle = handle;
    }
    if let Some(title) = patch.title {
        merge_localized(&mut next.title, title);
        check_text("title", &next.title, 200)?;
    }
    if let Some(description) = patch.description {
        merge_localized(&mut next.description, description);
        check_text("description", &next.description, 5000)?;
    }
    if let Some(price) = patch.price {
        let (minor, currency) = validate_price("price", &price)?;
        if currency.code() != current.price.currency {
            let in_open_basket: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM basket_items i JOIN baskets b ON b.id = i.basket_id \
                 WHERE i.product_seq = ?1 AND b.status = 'open')",
                [seq],
                |r| r.get(0),
            )?;
            if in_open_basket {
                return Err(ApiError::conflict(
                    "currency_in_use",
                    "open baskets hold this product in its current currency; change the amount only, or wait",
                ));
            }
        }
        next.price = Money::from_minor(minor, currency);
    }
    if let Some(stock) = patch.stock {
        validate_stock("stock", stock)?;
        if !current.variants.is_empty() && patch.variants.is_none() {
            return Err(ApiError::field(
                "stock",
                "this product's stock is the sum of its variants'; change the variants",
            ));
        }
        next.stock = stock;
    }
    if let Some(category) = patch.category {
        let category = category.trim().to_owned();
        validate_slug("category", &category)?;
        ensure_category(tx, &category)?;
        next.category = category;
    }
    if let Some(tags) = patch.tags {
        next.tags = clean_list("tags", tags, 50, 60)?;
    }
    if let Some(attributes) = patch.attributes {
        let (remove, set): (Vec<_>, Vec<_>) = attributes
            .into_iter()
            .partition(|(_, v)| v.trim().is_empty());
        for (key, _) in remove {
            next.attributes.remove(&key.trim().to_lowercase());
        }
        next.attributes
            .extend(clean_attributes(set.into_iter().collect())?);
        if next.attributes.len() > 50 {
            return Err(ApiError::field("attributes", "at most 50 attributes"));
        }
    }
    if let Some(images) = patch.images {
        next.images = clean_list("images", images, 20, 500)?;
    }
    if let Some(variants) = patch.variants {
        let (_, currency) = next
            .price
            .to_minor()
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        next.variants = validate_variants(variants, currency)?;
        if !next.variants.is_empty() {
            next.stock = next.variants.iter().map(|v| v.stock).sum();
        }
    }
    if let Some(published) = patch.published {
        next.published = published;
    }
    if next == current {
        return Ok(false);
    }
    let (price_minor, currency) = next
        .price
        .to_minor()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    tx.prepare_cached(
        "UPDATE products SET sku = ?2, handle = ?3, title_en = ?4, title_es = ?5, title_fr = ?6, \
         desc_en = ?7, desc_es = ?8, desc_fr = ?9, price_minor = ?10, currency = ?11, stock = ?12, \
         category = ?13, tags = ?14, attributes = ?15, images = ?16, published = ?17, updated_at = ?18, \
         variants = ?19 WHERE seq = ?1",
    )?
    .execute(params![
        seq,
        next.sku,
        next.handle,
        next.title.en,
        next.title.es,
        next.title.fr,
        next.description.en,
        next.description.es,
        next.description.fr,
        price_minor,
        currency.code(),
        next.stock,
        next.category,
        to_json(&next.tags),
        to_json(&next.attributes),
        to_json(&next.images),
        next.published,
        now().to_string(),
        to_json(&next.variants),
    ])?;
    unindex(tx, seq)?;
    index(tx, seq)?;
    Ok(true)
}

fn merge_localized(into: &mut Localized, from: Localized) {
    for (target, value) in [
        (&mut into.en, from.en),
        (&mut into.es, from.es),
        (&mut into.fr, from.fr),
    ] {
        if !value.trim().is_empty() {
            *target = value.trim().to_owned();
        }
    }
}

/// Deletes product `seq` (basket lines holding it go too; orders keep their snapshot).
pub fn delete(tx: &Connection, seq: i64) -> ApiResult<()> {
    unindex(tx, seq)?;
    tx.execute("DELETE FROM products WHERE seq = ?1", [seq])?;
    // Baskets the delete emptied take the currency of their next product.
    tx.execute(
        "UPDATE baskets SET currency = NULL WHERE status = 'open' AND currency IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM basket_items i WHERE i.basket_id = baskets.id)",
        [],
    )?;
    Ok(())
}

/// Writes product `seq` into the full-text index.
pub fn index(tx: &Connection, seq: i64) -> ApiResult<()> {
    tx.prepare_cached(
        "INSERT INTO products_fts (rowid, titles, meta, descriptions) \
         SELECT p.seq, p.title_en || ' ' || p.title_es || ' ' || p.title_fr, \
           p.sku || ' ' || p.handle || ' ' || replace(p.category, '-', ' ') || ' ' || \
           coalesce(c.name_en || ' ' || c.name_es || ' ' || c.name_fr, '') || ' ' || \
           (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(p.tags)) || ' ' || \
           (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(p.attributes)), \
           p.desc_en || ' ' || p.desc_es || ' ' || p.desc_fr \
         FROM products p LEFT JOIN categories c ON c.slug = p.category WHERE p.seq = ?1",
    )?
    .execute([seq])?;
    Ok(())
}

fn unindex(tx: &Connection, seq: i64) -> ApiResult<()> {
    tx.prepare_cached("DELETE FROM products_fts WHERE rowid = ?1")?
        .execute([seq])?;
    Ok(())
}

/// Seeds categories and products when the catalog is empty; `extra` more
/// generated products beyond the real seed (for benchmarks). Returns the
/// number of products inserted.
pub fn seed_if_empty(conn: &mut Connection, total: usize) -> anyhow::Result<usize> {
    // IMMEDIATE takes the write lock before counting: two processes opening
    // one fresh data dir at once (mcp-storefront and mcp-admin started
    // together by an MCP host) seed it once, the second waits and sees rows.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let count: i64 = tx.query_row("SELECT count(*) FROM products", [], |r| r.get(0))?;
    if count > 0 {
        return Ok(0);
    }
    let total = total.max(crate::seed::catalog().len());
    for category in crate::seed::categories() {
        tx.execute(
            "INSERT OR REPLACE INTO categories (slug, name_en, name_es, name_fr) VALUES (?1, ?2, ?3, ?4)",
            params![category.slug, category.name.en, category.name.es, category.name.fr],
        )?;
    }
    let mut inserted = 0;
    for item in crate::seed::generate(total) {
        let currency = Currency::parse(&item.currency)?;
        let input = ProductInput {
            sku: Some(item.sku.clone()),
            handle: Some(item.handle.clone()),
            title: Localized {
                en: item.title.en,
                es: item.title.es,
                fr: item.title.fr,
            },
            description: Localized {
                en: item.description.en,
                es: item.description.es,
                fr: item.description.fr,
            },
            price: Money::from_minor(item.price_minor, currency),
            stock: Some(item.stock),
            category: Some(item.category),
            tags: item.tags,
            attributes: item.attributes,
            images: item.images,
            variants: item
                .variants
                .into_iter()
                .map(|v| VariantInput {
                    sku: v.sku,
                    title: Localized {
                        en: v.title.en,
                        es: v.title.es,
                        fr: v.title.fr,
                    },
                    price: v.price_minor.map(|m| Money::from_minor(m, currency)),
                    stock: v.stock,
                    attributes: v.attributes,
                })
                .collect(),
            published: Some(true),
        };
        let valid =
            validate(input).map_err(|e| anyhow::anyhow!("seed product {}: {e}", item.sku))?;
        insert(&tx, &valid, Some(stable_id(&item.sku)))
            .map_err(|e| anyhow::anyhow!("seed product {}: {e}", item.sku))?;
        inserted += 1;
    }
    tx.commit()?;
    // Give the planner statistics for the catalog just written.
    conn.execute_batch("ANALYZE")?;
    Ok(inserted)
}

/// The id of a seeded product: derived from its SKU, so it is the same in
/// every fresh database (docs and tests can name it).
pub fn stable_id(sku: &str) -> String {
    let digest = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        sku.to_ascii_uppercase().as_bytes(),
    );
    let hex: String = digest
        .as_ref()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("prd_{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_accents() {
        assert_eq!(
            slugify("Jarrón de cerámica — azul!"),
            "jarron-de-ceramica-azul"
        );
        assert_eq!(slugify("Nymphéas"), "nympheas");
        assert_eq!(slugify("???"), "product");
    }

    #[test]
    fn skus_are_checked() {
        assert!(validate_sku("sku", "VASE-MIRO-01").is_ok());
        for bad in ["", "-X", "a b", "ü", &"X".repeat(65)] {
            assert!(validate_sku("sku", bad).is_err(), "{bad}");
        }
    }
}
