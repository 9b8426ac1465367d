//! WooCommerce's product CSV export.
//!
//! Headers: `ID, Type, SKU, Name, Published, Is featured?, Visibility in
//! catalog, Short description, Description, Date sale price starts, Date sale
//! price ends, Tax status, Tax class, In stock?, Stock, …, Sale price, Regular
//! price, Categories, Tags, Shipping class, Images, …, Parent, …, Attribute 1
//! name, Attribute 1 value(s), Attribute 1 visible, Attribute 1 global, …`.
//!
//! `Type` is `simple`, `variable`, `variation`, `grouped` or `external`
//! (possibly followed by `, virtual` or `, downloadable`). Simple, external
//! and grouped rows are one product each. A `variable` row and the
//! `variation` rows right after it whose `Parent` names it (`id:<ID>` or its
//! SKU) become one product with variants; a variation that does not follow
//! its parent is a row error (field `parent`). WooCommerce exports
//! variations right after their parent, so only that parent is kept in memory.
//!
//! Mapping: Name → `title.en`; Description (HTML, as plain text), else Short
//! description → `description.en`; Regular price, or Sale price when present
//! and lower (the sale dates are not read) → `price`; Stock, or 0 when `In
//! stock?` is 0 → `stock`; the last segment of the first of Categories
//! (`Prints > Posters, Gifts` → `posters`) → `category`; Tags → `tags`;
//! Images (`url1, url2`) → `images`; Published 1 → true, 0 (private) and -1
//! (draft) → false; `Attribute N name`/`value(s)` → attributes. A variable
//! product's price is its lowest variation price and its stock their sum;
//! the attributes its variations vary on belong to the variants, each titled
//! by its values joined with ` / `. A variation without SKU gets
//! `<PARENT SKU>-<n>` (noted in the warnings).

use std::borrow::Cow;
use std::collections::BTreeMap;

use csv::StringRecord;
use museo_sdk::types::{Lang, Localized, Money, ProductInput, VariantInput};

use crate::import::Out;
use crate::import::header::{Field, attribute_key};
use crate::import::product::split_images;
use crate::import::product::{Draft, FieldError, Notes, build, lower_of};
use crate::import::text::{header_words, one_line, push_unique};
use crate::import::values::{check_sku, parse_price, parse_stock, sku_from, variant_sku};

/// The most variations one product may have in the file.
const MAX_VARIATIONS: usize = 1000;

#[derive(Debug, Default)]
struct Columns {
    id: Option<usize>,
    kind: Option<usize>,
    sku: Option<usize>,
    name: Option<usize>,
    published: Option<usize>,
    short_description: Option<usize>,
    description: Option<usize>,
    regular_price: Option<usize>,
    sale_price: Option<usize>,
    stock: Option<usize>,
    in_stock: Option<usize>,
    categories: Option<usize>,
    tags: Option<usize>,
    images: Option<usize>,
    parent: Option<usize>,
    /// `Attribute N name` and `Attribute N value(s)` pairs.
    attributes: Vec<(usize, usize)>,
}

/// Columns of the export that are knowingly not imported.
const UNUSED: [&str; 24] = [
    "isfeatured",
    "visibilityincatalog",
    "datesalepricestarts",
    "datesalepriceends",
    "taxstatus",
    "taxclass",
    "lowstockamount",
    "backordersallowed",
    "soldindividually",
    "weightkg",
    "lengthcm",
    "widthcm",
    "heightcm",
    "weightlbs",
    "allowcustomerreviews",
    "purchasenote",
    "shippingclass",
    "downloadlimit",
    "downloadexpirydays",
    "groupedproducts",
    "upsells",
    "crosssells",
    "externalurl",
    "buttontext",
];

/// A row's cells.
#[derive(Debug, Default)]
struct WooRow {
    row: u64,
    id: String,
    kind: String,
    sku: String,
    name: String,
    published: String,
    short_description: String,
    description: String,
    regular_price: String,
    sale_price: String,
    stock: String,
    in_stock: String,
    categories: String,
    tags: String,
    images: String,
    parent: String,
    attributes: Vec<(String, String)>,
}

impl WooRow {
    /// The row's stock: Stock, or 0 when `In stock?` says no.
    fn stock_text(&self) -> &str {
        if self.stock.is_empty() && matches!(self.in_stock.as_str(), "0" | "no" | "false") {
            "0"
        } else {
            &self.stock
        }
    }

    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.name.len() + self.description.len() + self.short_description.len() + self.images.len()
    }
}

#[derive(Debug)]
struct Parent {
    head: WooRow,
    variations: Vec<WooRow>,
    failed: bool,
}

/// The WooCommerce layout's state: the columns and the variable product
/// whose variations are being read.
#[derive(Debug)]
pub(crate) struct WooCommerce {
    columns: Columns,
    pending: Option<Parent>,
}

impl WooCommerce {
    pub(crate) fn new(headers: &[String], notes: &mut Notes) -> Self {
        let mut c = Columns::default();
        let mut names: BTreeMap<u32, usize> = BTreeMap::new();
        let mut values: BTreeMap<u32, usize> = BTreeMap::new();
        let mut unknown = Vec::new();
        for (i, header) in headers.iter().enumerate() {
            let key = header_words(header).replace(' ', "");
            let slot = match key.as_str() {
                "id" => &mut c.id,
                "type" => &mut c.kind,
                "sku" => &mut c.sku,
                "name" => &mut c.name,
                "published" => &mut c.published,
                "shortdescription" => &mut c.short_description,
                "description" => &mut c.description,
                "regularprice" => &mut c.regular_price,
                "saleprice" => &mut c.sale_price,
                "stock" => &mut c.stock,
                "instock" => &mut c.in_stock,
                "categories" => &mut c.categories,
                "tags" => &mut c.tags,
                "images" => &mut c.images,
                "parent" => &mut c.parent,
                other => {
                    if let Some(rest) = other.strip_prefix("attribute") {
                        let digits: String =
                            rest.chars().take_while(char::is_ascii_digit).collect();
                        if let Ok(n) = digits.parse::<u32>() {
                            match &rest[digits.len()..] {
                                "name" => {
                                    names.insert(n, i);
                                }
                                "values" | "value" => {
                                    values.insert(n, i);
                                }
                                _ => {}
                            }
                            continue;
                        }
                    }
                    let known = UNUSED.contains(&other)
                        || other.starts_with("download")
                        || other.starts_with("gtin")
                        || other == "brands"
                        || other == "position";
                    if !known && !header.trim().is_empty() {
                        unknown.push(header.trim().to_owned());
                    }
                    continue;
                }
            };
            if slot.is_none() {
                *slot = Some(i);
            }
        }
        c.attributes = names
            .iter()
            .filter_map(|(n, name)| values.get(n).map(|value| (*name, *value)))
            .collect();
        if !unknown.is_empty() {
            notes.warn(format!("ignored columns: {}", unknown.join(", ")));
        }
        WooCommerce {
            columns: c,
            pending: None,
        }
    }

    fn read(&self, row: u64, record: &StringRecord) -> WooRow {
        let c = &self.columns;
        let cell = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .unwrap_or("")
                .trim()
                .to_owned()
        };
        let kind = cell(c.kind);
        let kind = kind
            .split(',')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        WooRow {
            row,
            id: cell(c.id),
            kind,
            sku: cell(c.sku),
            name: cell(c.name),
            published: cell(c.published),
            short_description: cell(c.short_description),
            description: cell(c.description),
            regular_price: cell(c.regular_price),
            sale_price: cell(c.sale_price),
            stock: cell(c.stock),
            in_stock: cell(c.in_stock).to_ascii_lowercase(),
            categories: cell(c.categories),
            tags: cell(c.tags),
            images: cell(c.images),
            parent: cell(c.parent),
            attributes: c
                .attributes
                .iter()
                .map(|(n, v)| (cell(Some(*n)), cell(Some(*v))))
                .filter(|(n, v)| !n.is_empty() && !v.is_empty())
                .collect(),
        }
    }

    pub(crate) fn row(&mut self, row: u64, record: &StringRecord, out: &mut Out<'_>) {
        let r = self.read(row, record);
        if r.kind == "variation" {
            let label = if r.sku.is_empty() {
                r.name.clone()
            } else {
                r.sku.clone()
            };
            match self.pending.as_mut() {
                Some(parent) if belongs_to(&r.parent, &parent.head) => {
                    if parent.failed {
                        return;
                    }
                    if parent.variations.len() >= MAX_VARIATIONS {
                        parent.failed = true;
                        out.error(
                            parent.head.row,
                            FieldError::new(
                                "variants",
                                format!("more than {MAX_VARIATIONS} variations; the product is skipped"),
                            ),
                        );
                        return;
                    }
                    parent.variations.push(r);
                }
                _ => out.error(
                    row,
                    FieldError::new(
                        "parent",
                        format!(
                            "variation `{label}` belongs to `{}`, which is not the variable product just above it; put variations right after their parent",
                            r.parent
                        ),
                    ),
                ),
            }
            return;
        }
        self.flush(out);
        if r.kind == "variable" {
            self.pending = Some(Parent {
                head: r,
                variations: Vec::new(),
                failed: false,
            });
        } else {
            let result = product(&r, None, out.ctx, out.notes);
            out.result(row, result);
        }
    }

    fn flush(&mut self, out: &mut Out<'_>) {
        let Some(parent) = self.pending.take() else {
            return;
        };
        if parent.failed {
            return;
        }
        match variable_product(parent, out) {
            Ok((row, input)) => out.item(row, input),
            Err((row, error)) => out.error(row, error),
        }
    }

    pub(crate) fn finish(&mut self, out: &mut Out<'_>) {
        self.flush(out);
    }

    #[cfg(test)]
    pub(crate) fn buffered_bytes(&self) -> usize {
        self.pending.as_ref().map_or(0, |p| {
            p.head.bytes() + p.variations.iter().map(WooRow::bytes).sum::<usize>()
        })
    }
}

/// True when a variation's `Parent` (`id:123` or a SKU) names `head`.
fn belongs_to(parent: &str, head: &WooRow) -> bool {
    match parent.strip_prefix("id:") {
        Some(id) => !head.id.is_empty() && id.trim() == head.id,
        None if parent.is_empty() => true,
        None => !head.sku.is_empty() && parent.eq_ignore_ascii_case(&head.sku),
    }
}

/// The product of a simple row, or of a variable row with `price` (the
/// lowest of its variations) and `stock` set.
fn product(
    r: &WooRow,
    variable: Option<(&Money, Option<i64>)>,
    ctx: &crate::import::product::Ctx,
    notes: &mut Notes,
) -> Result<ProductInput, FieldError> {
    let mut draft = Draft::default();
    let mut set = |field: Field, column: &'static str, text: &str| {
        draft.set(&field, column, Cow::Owned(text.to_owned()));
    };
    set(Field::Sku, "SKU", &r.sku);
    set(Field::Title(Lang::En), "Name", &r.name);
    set(Field::Description(Lang::En), "Description", &r.description);
    set(
        Field::ShortDescription(Lang::En),
        "Short description",
        &r.short_description,
    );
    match variable {
        Some((price, stock)) => {
            set(Field::Price, "Regular price", &price.amount);
            set(Field::Currency, "Regular price", &price.currency);
            if let Some(stock) = stock {
                set(Field::Stock, "Stock", &stock.to_string());
            }
        }
        None => {
            set(Field::Price, "Regular price", &r.regular_price);
            set(Field::SalePrice, "Sale price", &r.sale_price);
            set(Field::Stock, "Stock", r.stock_text());
        }
    }
    set(Field::Category, "Categories", &r.categories);
    set(Field::Tags, "Tags", &r.tags);
    set(Field::Images, "Images", &r.images);
    set(Field::Published, "Published", &r.published);
    for (name, value) in &r.attributes {
        if let Some(key) = attribute_key(name) {
            set(Field::Attribute(key), "Attribute value(s)", value);
        }
    }
    build(draft, ctx, notes)
}

/// A variable product with its variations.
fn variable_product(
    parent: Parent,
    out: &mut Out<'_>,
) -> Result<(u64, ProductInput), (u64, FieldError)> {
    let head = &parent.head;
    let unit = out.unit;
    if parent.variations.is_empty() {
        // A variable product exported without its variations: import what it has.
        return product(head, None, out.ctx, out.notes)
            .map(|p| (head.row, p))
            .map_err(|e| (head.row, e));
    }
    let base = sku_from(if head.sku.is_empty() {
        &head.name
    } else {
        &head.sku
    })
    .unwrap_or_else(|| "PRODUCT".to_owned());
    let mut variants = Vec::with_capacity(parent.variations.len());
    let mut lowest: Option<Money> = None;
    let mut stock_total: Option<i64> = None;
    let mut images: Vec<String> = Vec::new();
    for (n, v) in parent.variations.iter().enumerate() {
        let price_err = |column: &str, e: String| {
            (
                v.row,
                FieldError::new("price", format!("column `{column}`: {e}")),
            )
        };
        let regular = (!v.regular_price.is_empty())
            .then(|| parse_price(&v.regular_price, out.ctx.currency))
            .transpose()
            .map_err(|e| price_err("Regular price", e))?;
        let sale = (!v.sale_price.is_empty())
            .then(|| parse_price(&v.sale_price, out.ctx.currency))
            .transpose()
            .map_err(|e| price_err("Sale price", e))?;
        let price = match (regular, sale) {
            (Some(r), Some(s)) => lower_of(r, s),
            (Some(p), None) | (None, Some(p)) => p,
            (None, None) => {
                return Err((
                    v.row,
                    FieldError::new("price", "the variation has no Regular price"),
                ));
            }
        };
        let stock = parse_stock(v.stock_text()).map_err(|e| {
            (
                v.row,
                FieldError::new("stock", format!("column `Stock`: {e}")),
            )
        })?;
        if let Some(s) = stock {
            stock_total = Some(stock_total.unwrap_or(0) + s);
        }
        let sku = if v.sku.is_empty() {
            let generated = variant_sku(&base, n + 1);
            out.notes
                .count("variant SKUs generated (SKU was empty)", || {
                    format!("{unit} {}: {generated}", v.row)
                });
            generated
        } else {
            check_sku(&v.sku)
                .map_err(|e| (v.row, FieldError::new("sku", format!("column `SKU`: {e}"))))?;
            v.sku.clone()
        };
        let mut attributes = BTreeMap::new();
        for (name, value) in &v.attributes {
            if let Some(key) = attribute_key(name) {
                attributes.insert(key, one_line(value).into_owned());
            }
        }
        let title = if !v.attributes.is_empty() {
            v.attributes
                .iter()
                .map(|(_, value)| value.as_str())
                .collect::<Vec<_>>()
                .join(" / ")
        } else {
            let prefix = format!("{} - ", head.name);
            match v.name.strip_prefix(&prefix) {
                Some(rest) if !rest.is_empty() => rest.to_owned(),
                _ if !v.name.is_empty() => v.name.clone(),
                _ => sku.clone(),
            }
        };
        for url in split_images(&v.images) {
            push_unique(&mut images, url);
        }
        lowest = Some(match lowest {
            Some(low) => lower_of(low, price.clone()),
            None => price.clone(),
        });
        variants.push((
            price,
            VariantInput {
                sku,
                title: Localized {
                    en: one_line(&title).into_owned(),
                    ..Localized::default()
                },
                price: None,
                stock: stock.unwrap_or(0),
                attributes,
            },
        ));
    }
    let Some(lowest) = lowest else {
        return Err((
            head.row,
            FieldError::new("price", "no variation has a price"),
        ));
    };
    let mut input = product(head, Some((&lowest, stock_total)), out.ctx, out.notes)
        .map_err(|e| (head.row, e))?;
    let varied: Vec<String> = variants
        .iter()
        .flat_map(|(_, v)| v.attributes.keys().cloned())
        .collect();
    input.attributes.retain(|key, _| !varied.contains(key));
    for url in images {
        push_unique(&mut input.images, &url);
    }
    input.variants = variants
        .into_iter()
        .map(|(price, mut variant)| {
            variant.price = (price != lowest).then_some(price);
            variant
        })
        .collect();
    crate::import::product::finish(input, out.ctx, out.notes)
        .map(|input| (head.row, input))
        .map_err(|e| (head.row, e))
}
