//! Shopify's product CSV export.
//!
//! One row per variant, plus rows that only add an image, all sharing the
//! product's `Handle`; the first row of a product carries its `Title`,
//! `Body (HTML)`, `Vendor`, `Type`, `Tags` and `Published`/`Status`. Three
//! header generations are read:
//!
//! - **before 2023**: `Handle, Title, Body (HTML), Vendor, Type` (or
//!   `Standardized/Custom Product Type`), `Tags, Published, Option1 Name,
//!   Option1 Value, …, Variant SKU, Variant Grams, Variant Inventory Tracker,
//!   Variant Inventory Qty, …, Variant Price, …, Image Src, Image Position, …,
//!   Variant Image, …, Status`;
//! - **2023–2024**: adds `Product Category` and `Option1 Linked To`; `Variant
//!   Inventory Qty` is missing from exports of stores with several locations;
//! - **2025 template**: `Title, URL handle, Description, Vendor, Product
//!   category, Type, Tags, Published on online store, Status, SKU, Barcode,
//!   Option1 name, Option1 value, …, Price, Compare-at price, …, Inventory
//!   quantity, …, Product image URL, …, Variant image URL, …`.
//!
//! Rows are grouped while consecutive rows have the same handle (a row with
//! neither handle nor title continues the product above); a product is
//! emitted when the handle changes, so memory holds one product's rows, at
//! most [`MAX_GROUP_ROWS`].
//!
//! Mapping: handle → `handle`; Title → `title.en` (Shopify exports one
//! language; the API fills the others); Body (HTML) → `description.en` as
//! plain text; Type, else the last segment of Product Category → `category`
//! (`Home & Garden > Decor` → `decor`); Tags → `tags`; every Image Src and
//! Variant Image → `images` (deduplicated, in order); Status (active → true,
//! draft/archived → false) and Published together → `published`; Vendor →
//! the attribute `vendor`.
//!
//! Variants: a product whose only variant is Shopify's default (`Option1
//! Name` = `Title`, value `Default Title`) has none; otherwise each variant
//! row becomes a variant with its SKU (`<HANDLE>-<n>` when empty, noted in
//! the warnings), its option values joined by ` / ` as title, its price when
//! it differs from the product's, its `Variant Inventory Qty` as stock and
//! `{option name: value}` as attributes. The product's price is the lowest
//! variant price, its stock the sum, its SKU the single variant's SKU, or
//! the handle in capitals when there are several. Shopify allows negative
//! inventory (oversold items): it is imported as 0, with a warning.

use museo_sdk::types::{Localized, Money, ProductInput, VariantInput};

use crate::import::Out;
use crate::import::header::attribute_key;
use crate::import::product::{FieldError, Notes, finish};
use crate::import::text::{
    category_slug, header_words, html_to_text, one_line, push_unique, slugify, split_list,
};
use crate::import::values::{
    check_sku, limits, parse_price, parse_published, parse_stock, sku_from, variant_sku,
};
use csv::StringRecord;

/// The most rows one product may span (variants and image rows).
pub(crate) const MAX_GROUP_ROWS: usize = 1000;

/// Column positions.
#[derive(Debug, Default, Clone, Copy)]
struct Columns {
    handle: Option<usize>,
    title: Option<usize>,
    body: Option<usize>,
    vendor: Option<usize>,
    product_type: Option<usize>,
    product_category: Option<usize>,
    tags: Option<usize>,
    published: Option<usize>,
    status: Option<usize>,
    option_names: [Option<usize>; 3],
    option_values: [Option<usize>; 3],
    sku: Option<usize>,
    qty: Option<usize>,
    price: Option<usize>,
    image: Option<usize>,
    variant_image: Option<usize>,
}

/// Column prefixes of Shopify's export that the importer knowingly leaves out.
const UNUSED_PREFIXES: [&str; 22] = [
    "variant ",
    "option",
    "image ",
    "seo ",
    "google shopping",
    "gift card",
    "cost per item",
    "unit price",
    "included ",
    "price ",
    "compare at price",
    "compare-at price",
    "barcode",
    "charge tax",
    "tax code",
    "inventory ",
    "weight ",
    "requires shipping",
    "fulfillment service",
    "continue selling",
    "published scope",
    "id",
];

/// A product being grouped.
#[derive(Debug, Default)]
struct Group {
    row: u64,
    handle: String,
    title: String,
    body: String,
    vendor: String,
    product_type: String,
    product_category: String,
    tags: String,
    published: String,
    status: String,
    option_names: [String; 3],
    variants: Vec<VariantRow>,
    images: Vec<String>,
    rows: usize,
    /// Already reported (too many rows): dropped at the flush.
    failed: bool,
}

#[derive(Debug, Default)]
struct VariantRow {
    row: u64,
    values: [String; 3],
    sku: String,
    price: String,
    qty: String,
}

/// The Shopify layout's state: the columns and the product being grouped.
#[derive(Debug)]
pub(crate) struct Shopify {
    columns: Columns,
    names: Vec<String>,
    group: Option<Group>,
}

impl Shopify {
    pub(crate) fn new(headers: &[String], notes: &mut Notes) -> Self {
        let mut c = Columns::default();
        let mut unknown = Vec::new();
        for (i, header) in headers.iter().enumerate() {
            let words = header_words(header);
            let key = words.replace(' ', "");
            let slot = match key.as_str() {
                "handle" | "urlhandle" => &mut c.handle,
                "title" => &mut c.title,
                "bodyhtml" | "body" | "description" => &mut c.body,
                "vendor" => &mut c.vendor,
                "type" | "customproducttype" => &mut c.product_type,
                "productcategory" | "standardizedproducttype" | "standardproducttype" => {
                    &mut c.product_category
                }
                "tags" => &mut c.tags,
                "published" | "publishedononlinestore" => &mut c.published,
                "status" => &mut c.status,
                "option1name" => &mut c.option_names[0],
                "option2name" => &mut c.option_names[1],
                "option3name" => &mut c.option_names[2],
                "option1value" => &mut c.option_values[0],
                "option2value" => &mut c.option_values[1],
                "option3value" => &mut c.option_values[2],
                "variantsku" | "sku" => &mut c.sku,
                "variantinventoryqty" | "inventoryquantity" | "variantinventoryquantity" => {
                    &mut c.qty
                }
                "variantprice" | "price" => &mut c.price,
                "imagesrc" | "productimageurl" => &mut c.image,
                "variantimage" | "variantimageurl" => &mut c.variant_image,
                _ => {
                    let lower = header.trim().to_lowercase();
                    if !header.trim().is_empty()
                        && !UNUSED_PREFIXES.iter().any(|p| lower.starts_with(p))
                    {
                        unknown.push(header.trim().to_owned());
                    }
                    continue;
                }
            };
            if slot.is_none() {
                *slot = Some(i);
            }
        }
        if !unknown.is_empty() {
            notes.warn(format!("ignored columns: {}", unknown.join(", ")));
        }
        Shopify {
            columns: c,
            names: headers.to_vec(),
            group: None,
        }
    }

    pub(crate) fn row(&mut self, row: u64, record: &StringRecord, out: &mut Out<'_>) {
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").trim();
        let c = self.columns;
        let handle = cell(c.handle);
        let title = cell(c.title);
        let continues = self.group.as_ref().is_some_and(|g| {
            if handle.is_empty() {
                title.is_empty()
            } else {
                handle == g.handle
            }
        });
        if !continues {
            self.flush(out);
            if handle.is_empty() && title.is_empty() {
                out.error(
                    row,
                    FieldError::new(
                        "handle",
                        "this row has neither Handle nor Title and does not follow a product",
                    ),
                );
                return;
            }
            self.group = Some(Group {
                row,
                handle: handle.to_owned(),
                ..Group::default()
            });
        }
        let Some(group) = self.group.as_mut() else {
            return;
        };
        if group.failed {
            return;
        }
        if group.rows >= MAX_GROUP_ROWS {
            group.failed = true;
            out.error(
                group.row,
                FieldError::new(
                    "variants",
                    format!(
                        "product `{}` spans more than {MAX_GROUP_ROWS} rows; it is skipped",
                        group.handle
                    ),
                ),
            );
            return;
        }
        group.rows += 1;
        let fill = |slot: &mut String, value: &str| {
            if slot.is_empty() && !value.is_empty() {
                value.clone_into(slot);
            }
        };
        fill(&mut group.title, title);
        fill(&mut group.body, cell(c.body));
        fill(&mut group.vendor, cell(c.vendor));
        fill(&mut group.product_type, cell(c.product_type));
        fill(&mut group.product_category, cell(c.product_category));
        fill(&mut group.tags, cell(c.tags));
        fill(&mut group.published, cell(c.published));
        fill(&mut group.status, cell(c.status));
        for (name, col) in group.option_names.iter_mut().zip(c.option_names) {
            fill(name, cell(col));
        }
        for col in [c.image, c.variant_image] {
            let url = cell(col);
            if !url.is_empty() && url.len() <= limits::CELL_BYTES {
                push_unique(&mut group.images, url);
            }
        }
        let values = c.option_values.map(|col| cell(col).to_owned());
        let (sku, price, qty) = (cell(c.sku), cell(c.price), cell(c.qty));
        if values.iter().any(|v| !v.is_empty()) || !sku.is_empty() || !price.is_empty() {
            group.variants.push(VariantRow {
                row,
                values,
                sku: sku.to_owned(),
                price: price.to_owned(),
                qty: qty.to_owned(),
            });
        }
    }

    /// Emits the product being grouped.
    fn flush(&mut self, out: &mut Out<'_>) {
        let Some(group) = self.group.take() else {
            return;
        };
        if group.failed {
            return;
        }
        let row = group.row;
        match self.build(group, out) {
            Ok(input) => out.item(row, input),
            Err((row, error)) => out.error(row, error),
        }
    }

    pub(crate) fn finish(&mut self, out: &mut Out<'_>) {
        self.flush(out);
    }

    fn column(&self, i: Option<usize>, fallback: &str) -> String {
        i.and_then(|i| self.names.get(i))
            .map_or_else(|| fallback.to_owned(), |n| n.trim().to_owned())
    }

    fn build(&self, g: Group, out: &mut Out<'_>) -> Result<ProductInput, (u64, FieldError)> {
        let ctx = out.ctx;
        let unit = out.unit;
        let title = one_line(&g.title).into_owned();
        let name = if g.handle.is_empty() {
            title.clone()
        } else {
            g.handle.clone()
        };
        if title.is_empty() {
            return Err((
                g.row,
                FieldError::new("title.en", format!("product `{name}` has no Title")),
            ));
        }
        if g.variants.is_empty() {
            return Err((
                g.row,
                FieldError::new(
                    "price",
                    format!("product `{name}` has no variant row with a price"),
                ),
            ));
        }
        let price_column = self.column(self.columns.price, "Variant Price");
        let qty_column = self.column(self.columns.qty, "Variant Inventory Qty");
        let sku_column = self.column(self.columns.sku, "Variant SKU");
        let mut prices: Vec<Money> = Vec::with_capacity(g.variants.len());
        let mut stocks: Vec<Option<i64>> = Vec::with_capacity(g.variants.len());
        let mut lowest: Option<(i64, usize)> = None;
        for (i, v) in g.variants.iter().enumerate() {
            let price = parse_price(&v.price, ctx.currency).map_err(|e| {
                (
                    v.row,
                    FieldError::new("price", format!("column `{price_column}`: {e}")),
                )
            })?;
            let minor = price.to_minor().map(|(m, _)| m).unwrap_or(i64::MAX);
            if lowest.is_none_or(|(low, _)| minor < low) {
                lowest = Some((minor, i));
            }
            prices.push(price);
            let stock = match v.qty.strip_prefix('-').map(str::parse::<i64>) {
                Some(Ok(_)) => {
                    out.notes
                        .count("negative Shopify inventory imported as 0", || {
                            format!("{unit} {}", v.row)
                        });
                    Some(0)
                }
                _ => parse_stock(&v.qty).map_err(|e| {
                    (
                        v.row,
                        FieldError::new("stock", format!("column `{qty_column}`: {e}")),
                    )
                })?,
            };
            stocks.push(stock);
        }
        let price = lowest
            .and_then(|(_, i)| prices.get(i).cloned())
            .ok_or_else(|| (g.row, FieldError::new("price", "no price")))?;
        let base_sku = sku_from(&name).unwrap_or_else(|| "PRODUCT".to_owned());
        let first = &g.variants[0];
        let default_only = g.variants.len() == 1
            && (g.option_names[0].is_empty() || g.option_names[0].eq_ignore_ascii_case("title"))
            && (first.values[0].is_empty()
                || first.values[0].eq_ignore_ascii_case("default title"));
        let given_sku = |v: &VariantRow| -> Result<Option<String>, (u64, FieldError)> {
            if v.sku.is_empty() {
                return Ok(None);
            }
            check_sku(&v.sku).map_err(|e| {
                (
                    v.row,
                    FieldError::new("sku", format!("column `{sku_column}`: {e}")),
                )
            })?;
            Ok(Some(v.sku.clone()))
        };
        let mut variants = Vec::new();
        // The single variant's SKU, or the handle's for several.
        let sku = match g.variants.len() {
            1 => given_sku(first)?.unwrap_or_else(|| base_sku.clone()),
            _ => base_sku.clone(),
        };
        if !default_only {
            for (n, (v, (price_n, stock))) in g
                .variants
                .iter()
                .zip(prices.iter().zip(&stocks))
                .enumerate()
            {
                let sku = match given_sku(v)? {
                    Some(sku) => sku,
                    None => {
                        let generated = variant_sku(&base_sku, n + 1);
                        out.notes
                            .count("variant SKUs generated (Variant SKU was empty)", || {
                                format!("{unit} {}: {generated}", v.row)
                            });
                        generated
                    }
                };
                let label: Vec<&str> = v
                    .values
                    .iter()
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .collect();
                let mut attributes = std::collections::BTreeMap::new();
                for (name, value) in g.option_names.iter().zip(&v.values) {
                    if let Some(key) = attribute_key(name)
                        && !value.is_empty()
                    {
                        attributes.insert(key, one_line(value).into_owned());
                    }
                }
                variants.push(VariantInput {
                    title: Localized {
                        en: if label.is_empty() {
                            sku.clone()
                        } else {
                            label.join(" / ")
                        },
                        ..Localized::default()
                    },
                    sku,
                    price: (*price_n != price).then(|| price_n.clone()),
                    stock: stock.unwrap_or(0),
                    attributes,
                });
            }
        }
        let stock = if stocks.iter().any(Option::is_some) {
            Some(stocks.iter().flatten().sum())
        } else {
            None
        };
        let status = parse_published(&g.status).map_err(|e| {
            (
                g.row,
                FieldError::new("published", format!("column `Status`: {e}")),
            )
        })?;
        let published_flag = parse_published(&g.published).map_err(|e| {
            (
                g.row,
                FieldError::new("published", format!("column `Published`: {e}")),
            )
        })?;
        let published = match (status, published_flag) {
            (Some(s), Some(p)) => Some(s && p),
            (s, p) => s.or(p),
        };
        let category =
            category_slug(&g.product_type).or_else(|| category_slug(&g.product_category));
        let mut attributes = std::collections::BTreeMap::new();
        if !g.vendor.is_empty() {
            attributes.insert("vendor".to_owned(), one_line(&g.vendor).into_owned());
        }
        let handle = Some(slugify(&g.handle, limits::SLUG_CHARS)).filter(|h| !h.is_empty());
        let input = ProductInput {
            sku: Some(sku),
            handle,
            title: Localized {
                en: title,
                ..Localized::default()
            },
            description: Localized {
                en: html_to_text(&g.body),
                ..Localized::default()
            },
            price,
            stock,
            category,
            tags: split_list(&g.tags, &[',']),
            attributes,
            images: g.images,
            variants,
            published,
        };
        finish(input, ctx, out.notes).map_err(|e| (g.row, e))
    }

    /// Bytes held by the product being grouped.
    #[cfg(test)]
    pub(crate) fn buffered_bytes(&self) -> usize {
        self.group.as_ref().map_or(0, |g| {
            g.body.len()
                + g.title.len()
                + g.images.iter().map(String::len).sum::<usize>()
                + g.variants
                    .iter()
                    .map(|v| {
                        v.sku.len()
                            + v.price.len()
                            + v.qty.len()
                            + v.values.iter().map(String::len).sum::<usize>()
                    })
                    .sum::<usize>()
        })
    }
}
