//! From cell values to a checked [`ProductInput`]: the part every format
//! shares. A [`Draft`] holds the raw text of one row (or JSON object) by
//! field; [`build`] parses it, and [`finish`] checks the API's limits so a
//! bad row is reported with its own line number.

use std::borrow::Cow;
use std::collections::BTreeMap;

use museo_sdk::types::{Currency, Lang, Localized, Money, ProductInput, VariantInput};

use crate::import::header::Field;
use crate::import::text::{
    category_slug, clean_text, html_to_text, looks_like_html, one_line, push_unique, slugify,
    split_list,
};
use crate::import::values::{check_sku, limits, parse_price, parse_published, parse_stock};

/// Settings every row is built with.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    /// Currency of prices that do not name one.
    pub(crate) currency: Currency,
    /// Overrides every product's `published`.
    pub(crate) publish: Option<bool>,
}

/// Why one row could not become a product: the field at fault and a message
/// a person can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub(crate) field: Option<String>,
    pub(crate) message: String,
}

impl FieldError {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: Some(field.into()),
            message: message.into(),
        }
    }
}

/// Warnings gathered while importing: each distinct message once, and
/// repeated notes (a generated SKU per variant) counted with a first example,
/// so memory stays bounded whatever the file size.
#[derive(Debug, Default)]
pub(crate) struct Notes {
    messages: Vec<String>,
    counted: BTreeMap<&'static str, (u64, String)>,
}

impl Notes {
    const MAX_MESSAGES: usize = 50;

    /// Adds a message unless it is already there.
    pub(crate) fn warn(&mut self, message: impl Into<String>) {
        let message = message.into();
        if self.messages.len() < Self::MAX_MESSAGES && !self.messages.contains(&message) {
            self.messages.push(message);
        }
    }

    /// Counts one more occurrence of `kind`, keeping the first `example`.
    pub(crate) fn count(&mut self, kind: &'static str, example: impl FnOnce() -> String) {
        self.counted
            .entry(kind)
            .and_modify(|(n, _)| *n += 1)
            .or_insert_with(|| (1, example()));
    }

    /// Every warning, counted ones summarised.
    pub(crate) fn render(&self) -> Vec<String> {
        let mut out = self.messages.clone();
        for (kind, (n, example)) in &self.counted {
            out.push(format!("{kind}: {n} (first: {example})"));
        }
        out
    }
}

/// A cell's text and the column it came from (for messages).
#[derive(Debug, Clone)]
pub(crate) struct Val<'a> {
    pub(crate) column: &'a str,
    pub(crate) text: Cow<'a, str>,
}

/// A variant as a JSON object gives it, before parsing.
#[derive(Debug, Clone, Default)]
pub(crate) struct VariantDraft {
    pub(crate) sku: String,
    pub(crate) title: Localized,
    pub(crate) price: Option<String>,
    pub(crate) stock: Option<String>,
    pub(crate) attributes: BTreeMap<String, String>,
}

/// The raw text of one product by field.
#[derive(Debug, Default)]
pub(crate) struct Draft<'a> {
    pub(crate) sku: Option<Val<'a>>,
    pub(crate) handle: Option<Val<'a>>,
    pub(crate) title: [Option<Val<'a>>; 3],
    pub(crate) description: [Option<Val<'a>>; 3],
    pub(crate) short_description: [Option<Val<'a>>; 3],
    pub(crate) price: Option<Val<'a>>,
    pub(crate) sale_price: Option<Val<'a>>,
    pub(crate) currency: Option<Val<'a>>,
    pub(crate) stock: Option<Val<'a>>,
    pub(crate) category: Option<Val<'a>>,
    pub(crate) published: Option<Val<'a>>,
    pub(crate) tags: Vec<String>,
    pub(crate) images: Vec<String>,
    pub(crate) attributes: BTreeMap<String, String>,
    pub(crate) variants: Vec<VariantDraft>,
    /// The first problem met while filling the draft.
    pub(crate) error: Option<FieldError>,
}

impl<'a> Draft<'a> {
    /// Puts a cell's text in its field. Empty cells are skipped; for a field
    /// filled twice the first non-empty value wins; lists accumulate.
    pub(crate) fn set(&mut self, field: &Field, column: &'a str, text: Cow<'a, str>) {
        if text.trim().is_empty() || self.error.is_some() {
            return;
        }
        if text.len() > limits::CELL_BYTES {
            self.error = Some(FieldError::new(
                field.name(),
                format!(
                    "column `{column}` holds {} KiB; a cell may hold at most {} KiB (is a quote left open?)",
                    text.len() / 1024,
                    limits::CELL_BYTES / 1024
                ),
            ));
            return;
        }
        let val = Val { column, text };
        let slot = match field {
            Field::Sku => &mut self.sku,
            Field::Handle => &mut self.handle,
            Field::Title(lang) => &mut self.title[*lang as usize],
            Field::Description(lang) => &mut self.description[*lang as usize],
            Field::ShortDescription(lang) => &mut self.short_description[*lang as usize],
            Field::Price => &mut self.price,
            Field::SalePrice => &mut self.sale_price,
            Field::Currency => &mut self.currency,
            Field::Stock => &mut self.stock,
            Field::Category => &mut self.category,
            Field::Published => &mut self.published,
            Field::Tags => {
                for tag in split_list(&val.text, &[',', ';', '|']) {
                    push_unique(&mut self.tags, &tag);
                }
                return;
            }
            Field::Images => {
                for url in split_images(&val.text) {
                    push_unique(&mut self.images, url);
                }
                return;
            }
            Field::Attribute(key) => {
                self.attributes
                    .entry(key.clone())
                    .or_insert_with(|| one_line(&val.text).into_owned());
                return;
            }
            // Structured values come from JSON only, which fills them itself.
            Field::Attributes | Field::Variants => return,
        };
        if slot.is_none() {
            *slot = Some(val);
        }
    }
}

/// Image URLs in one cell: separated by spaces, newlines, `;`, `|`, or a
/// comma before the next `http` (a comma inside a URL stays).
pub(crate) fn split_images(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(|c: char| c.is_whitespace() || c == ';' || c == '|')
        .flat_map(|piece| {
            let mut parts = Vec::new();
            let mut rest = piece;
            while let Some(at) = rest.get(1..).and_then(|r| r.find(",http")).map(|i| i + 1) {
                parts.push(&rest[..at]);
                rest = &rest[at + 1..];
            }
            parts.push(rest);
            parts
        })
        .map(|url| url.trim_matches(','))
        .filter(|url| !url.is_empty())
}

/// Builds and checks the product of a draft.
pub(crate) fn build(
    draft: Draft<'_>,
    ctx: &Ctx,
    notes: &mut Notes,
) -> Result<ProductInput, FieldError> {
    if let Some(error) = draft.error {
        return Err(error);
    }
    let title = localized(&draft.title, |t| one_line(t).into_owned());
    if title.is_empty() {
        let lang = Lang::ALL
            .iter()
            .find(|l| draft.title[**l as usize].is_some())
            .copied()
            .unwrap_or(Lang::En);
        return Err(FieldError::new(
            format!("title.{}", lang.code()),
            "the title is missing: every product needs one",
        ));
    }
    let currency = match &draft.currency {
        Some(val) => Currency::parse(&val.text).map_err(|_| {
            FieldError::new(
                "price",
                format!(
                    "column `{}`: `{}` is not a currency code (EUR, USD, GBP…)",
                    val.column, val.text
                ),
            )
        })?,
        None => ctx.currency,
    };
    let price = price_of(draft.price.as_ref(), draft.sale_price.as_ref(), currency)?;
    let stock = match &draft.stock {
        Some(val) => parse_stock(&val.text)
            .map_err(|e| FieldError::new("stock", format!("column `{}`: {e}", val.column)))?,
        None => None,
    };
    let sku = match &draft.sku {
        Some(val) => {
            let sku = val.text.trim();
            check_sku(sku)
                .map_err(|e| FieldError::new("sku", format!("column `{}`: {e}", val.column)))?;
            Some(sku.to_owned())
        }
        None => None,
    };
    let published = match &draft.published {
        Some(val) => parse_published(&val.text)
            .map_err(|e| FieldError::new("published", format!("column `{}`: {e}", val.column)))?,
        None => None,
    };
    let mut description = Localized::default();
    for lang in Lang::ALL {
        let i = lang as usize;
        let text = draft.description[i]
            .as_ref()
            .or(draft.short_description[i].as_ref())
            .map(|v| plain_description(&v.text))
            .unwrap_or_default();
        *lang_slot(&mut description, lang) = text;
    }
    let handle = draft
        .handle
        .as_ref()
        .map(|v| slugify(&v.text, limits::SLUG_CHARS))
        .filter(|h| !h.is_empty());
    let category = draft.category.as_ref().and_then(|v| category_slug(&v.text));
    let mut variants = Vec::with_capacity(draft.variants.len());
    for (i, v) in draft.variants.into_iter().enumerate() {
        let field = |name: &str| format!("variants[{i}].{name}");
        let price = match &v.price {
            Some(p) => {
                Some(parse_price(p, currency).map_err(|e| FieldError::new(field("price"), e))?)
            }
            None => None,
        };
        let stock = match &v.stock {
            Some(s) => parse_stock(s).map_err(|e| FieldError::new(field("stock"), e))?,
            None => None,
        };
        variants.push(VariantInput {
            sku: v.sku,
            title: v.title,
            price,
            stock: stock.unwrap_or(0),
            attributes: v.attributes,
        });
    }
    let input = ProductInput {
        sku,
        handle,
        title,
        description,
        price,
        stock,
        category,
        tags: draft.tags,
        attributes: draft.attributes,
        images: draft.images,
        variants,
        published,
    };
    finish(input, ctx, notes)
}

/// The price of a row: the regular price, or the sale price when there is
/// one and it is lower (or when it is the only one).
fn price_of(
    regular: Option<&Val<'_>>,
    sale: Option<&Val<'_>>,
    currency: Currency,
) -> Result<Money, FieldError> {
    let parse = |val: &Val<'_>, field: &str| {
        parse_price(&val.text, currency)
            .map_err(|e| FieldError::new(field, format!("column `{}`: {e}", val.column)))
    };
    let regular = regular.map(|v| parse(v, "price")).transpose()?;
    let sale = sale.map(|v| parse(v, "sale_price")).transpose()?;
    match (regular, sale) {
        (Some(regular), Some(sale)) => Ok(lower_of(regular, sale)),
        (Some(price), None) | (None, Some(price)) => Ok(price),
        (None, None) => Err(FieldError::new(
            "price",
            "the price is missing: every product needs one",
        )),
    }
}

/// The lower of two prices in the same currency; `a` when they differ in currency.
pub(crate) fn lower_of(a: Money, b: Money) -> Money {
    match (a.to_minor(), b.to_minor()) {
        (Ok((x, cx)), Ok((y, cy))) if cx == cy && y < x => b,
        _ => a,
    }
}

/// Plain text of a description cell: HTML is converted, other text cleaned.
pub(crate) fn plain_description(text: &str) -> String {
    if looks_like_html(text) {
        html_to_text(text)
    } else {
        clean_text(text).into_owned()
    }
}

fn localized(vals: &[Option<Val<'_>>; 3], f: impl Fn(&str) -> String) -> Localized {
    let get = |i: usize| vals[i].as_ref().map(|v| f(&v.text)).unwrap_or_default();
    Localized {
        en: get(0),
        es: get(1),
        fr: get(2),
    }
}

pub(crate) fn lang_slot(text: &mut Localized, lang: Lang) -> &mut String {
    match lang {
        Lang::En => &mut text.en,
        Lang::Es => &mut text.es,
        Lang::Fr => &mut text.fr,
    }
}

/// Checks a product against the API's limits and applies the `publish`
/// override. Images past the 20th are dropped with a warning; anything else
/// out of bounds fails the row.
pub(crate) fn finish(
    mut input: ProductInput,
    ctx: &Ctx,
    notes: &mut Notes,
) -> Result<ProductInput, FieldError> {
    for lang in Lang::ALL {
        let title = lang_slot(&mut input.title, lang);
        let chars = title.chars().count();
        if chars > limits::TITLE_CHARS {
            return Err(FieldError::new(
                format!("title.{}", lang.code()),
                format!(
                    "the title has {chars} characters; the most is {}",
                    limits::TITLE_CHARS
                ),
            ));
        }
        let description = lang_slot(&mut input.description, lang);
        let chars = description.chars().count();
        if chars > limits::DESCRIPTION_CHARS {
            return Err(FieldError::new(
                format!("description.{}", lang.code()),
                format!(
                    "the description has {chars} characters; the most is {}",
                    limits::DESCRIPTION_CHARS
                ),
            ));
        }
    }
    if input.tags.len() > limits::TAGS {
        return Err(FieldError::new(
            "tags",
            format!("{} tags; the most is {}", input.tags.len(), limits::TAGS),
        ));
    }
    if let Some(tag) = input
        .tags
        .iter()
        .find(|t| t.chars().count() > limits::TAG_CHARS)
    {
        return Err(FieldError::new(
            "tags",
            format!(
                "the tag `{}…` is longer than {} characters",
                tag.chars().take(20).collect::<String>(),
                limits::TAG_CHARS
            ),
        ));
    }
    if let Some(url) = input
        .images
        .iter()
        .find(|u| u.chars().count() > limits::IMAGE_CHARS)
    {
        return Err(FieldError::new(
            "images",
            format!(
                "the image URL `{}…` is longer than {} characters",
                url.chars().take(40).collect::<String>(),
                limits::IMAGE_CHARS
            ),
        ));
    }
    if input.images.len() > limits::IMAGES {
        let extra = input.images.len() - limits::IMAGES;
        input.images.truncate(limits::IMAGES);
        let title = input.title.get(Lang::En).to_owned();
        notes.count("images past the 20th dropped", || {
            format!("`{title}` had {extra} more")
        });
    }
    if input.attributes.len() > limits::ATTRIBUTES {
        return Err(FieldError::new(
            "attributes",
            format!(
                "{} attributes; the most is {}",
                input.attributes.len(),
                limits::ATTRIBUTES
            ),
        ));
    }
    if let Some((key, _)) = input
        .attributes
        .iter()
        .find(|(_, v)| v.chars().count() > limits::ATTRIBUTE_VALUE_CHARS)
    {
        return Err(FieldError::new(
            format!("attributes.{key}"),
            format!(
                "the value is longer than {} characters",
                limits::ATTRIBUTE_VALUE_CHARS
            ),
        ));
    }
    if input.variants.len() > limits::VARIANTS {
        return Err(FieldError::new(
            "variants",
            format!(
                "{} variants; the most is {}",
                input.variants.len(),
                limits::VARIANTS
            ),
        ));
    }
    let mut seen: Vec<String> = Vec::with_capacity(input.variants.len());
    for (i, variant) in input.variants.iter().enumerate() {
        check_sku(&variant.sku).map_err(|e| FieldError::new(format!("variants[{i}].sku"), e))?;
        let lower = variant.sku.to_ascii_lowercase();
        if seen.contains(&lower) {
            return Err(FieldError::new(
                format!("variants[{i}].sku"),
                format!("two variants have the SKU `{}`", variant.sku),
            ));
        }
        seen.push(lower);
        if variant.title.get(Lang::En).chars().count() > limits::TITLE_CHARS {
            return Err(FieldError::new(
                format!("variants[{i}].title"),
                format!(
                    "the variant title is longer than {} characters",
                    limits::TITLE_CHARS
                ),
            ));
        }
    }
    if ctx.publish.is_some() {
        input.published = ctx.publish;
    }
    Ok(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Ctx {
        Ctx {
            currency: Currency::parse("EUR").expect("EUR"),
            publish: None,
        }
    }

    fn draft<'a>(cells: &[(Field, &'a str)]) -> Draft<'a> {
        let mut d = Draft::default();
        for (field, text) in cells {
            d.set(field, "col", Cow::Borrowed(*text));
        }
        d
    }

    #[test]
    fn a_full_row_builds() {
        let d = draft(&[
            (Field::Sku, "VASE-01"),
            (Field::Title(Lang::Es), "Jarrón  azul"),
            (Field::Title(Lang::Fr), "Vase bleu"),
            (
                Field::Description(Lang::Es),
                "<p>Hecho a mano &amp; pintado</p>",
            ),
            (Field::Price, "1.234,50 €"),
            (Field::Stock, "12.0"),
            (Field::Category, "Hogar > Cerámica"),
            (Field::Tags, "azul, cerámica; azul"),
            (
                Field::Images,
                "https://x/a.jpg, https://x/b.jpg https://x/a.jpg",
            ),
            (Field::Published, "sí"),
            (Field::Handle, "Jarrón Azul"),
            (Field::Attribute("material".into()), "gres"),
        ]);
        let p = build(d, &ctx(), &mut Notes::default()).expect("valid");
        assert_eq!(p.sku.as_deref(), Some("VASE-01"));
        assert_eq!(p.title.es, "Jarrón azul");
        assert_eq!(p.title.fr, "Vase bleu");
        assert_eq!(p.title.en, "");
        assert_eq!(p.description.es, "Hecho a mano & pintado");
        assert_eq!(p.price.amount, "1234.50");
        assert_eq!(p.stock, Some(12));
        assert_eq!(p.category.as_deref(), Some("ceramica"));
        assert_eq!(p.tags, vec!["azul", "cerámica"]);
        assert_eq!(p.images, vec!["https://x/a.jpg", "https://x/b.jpg"]);
        assert_eq!(p.published, Some(true));
        assert_eq!(p.handle.as_deref(), Some("jarron-azul"));
        assert_eq!(
            p.attributes.get("material").map(String::as_str),
            Some("gres")
        );
    }

    #[test]
    fn sale_price_wins_when_lower_and_currency_column_applies() {
        let d = draft(&[
            (Field::Title(Lang::En), "Mug"),
            (Field::Price, "20"),
            (Field::SalePrice, "15.5"),
            (Field::Currency, "usd"),
        ]);
        let p = build(d, &ctx(), &mut Notes::default()).expect("valid");
        assert_eq!(
            (p.price.amount.as_str(), p.price.currency.as_str()),
            ("15.50", "USD")
        );
        let d = draft(&[
            (Field::Title(Lang::En), "Mug"),
            (Field::Price, "20"),
            (Field::SalePrice, "25"),
        ]);
        assert_eq!(
            build(d, &ctx(), &mut Notes::default())
                .expect("valid")
                .price
                .amount,
            "20.00"
        );
    }

    #[test]
    fn each_problem_names_its_field() {
        let cases: [(&[(Field, &str)], &str); 7] = [
            (&[(Field::Price, "5")], "title.en"),
            (&[(Field::Title(Lang::En), "x")], "price"),
            (
                &[(Field::Title(Lang::En), "x"), (Field::Price, "abc")],
                "price",
            ),
            (
                &[
                    (Field::Title(Lang::En), "x"),
                    (Field::Price, "5"),
                    (Field::Stock, "-3"),
                ],
                "stock",
            ),
            (
                &[
                    (Field::Title(Lang::En), "x"),
                    (Field::Price, "5"),
                    (Field::Sku, "BAD SKU!"),
                ],
                "sku",
            ),
            (
                &[
                    (Field::Title(Lang::En), "x"),
                    (Field::Price, "5"),
                    (Field::Published, "perhaps"),
                ],
                "published",
            ),
            (
                &[
                    (Field::Title(Lang::En), "x"),
                    (Field::Price, "5"),
                    (Field::Currency, "EURO"),
                ],
                "price",
            ),
        ];
        for (cells, field) in cases {
            let err = build(draft(cells), &ctx(), &mut Notes::default()).expect_err(field);
            assert_eq!(err.field.as_deref(), Some(field), "{err:?}");
        }
        let long = "x".repeat(201);
        let err = build(
            draft(&[(Field::Title(Lang::En), &long), (Field::Price, "5")]),
            &ctx(),
            &mut Notes::default(),
        )
        .expect_err("long title");
        assert!(err.message.contains("201 characters"), "{err:?}");
        let huge = "y".repeat(70_000);
        let err = build(
            draft(&[
                (Field::Title(Lang::En), "t"),
                (Field::Description(Lang::En), &huge),
                (Field::Price, "5"),
            ]),
            &ctx(),
            &mut Notes::default(),
        )
        .expect_err("huge cell");
        assert_eq!(err.field.as_deref(), Some("description.en"));
    }

    #[test]
    fn images_past_twenty_are_dropped_with_a_note() {
        let urls: Vec<String> = (0..25).map(|i| format!("https://x/{i}.jpg")).collect();
        let joined = urls.join(" ");
        let mut notes = Notes::default();
        let p = build(
            draft(&[
                (Field::Title(Lang::En), "t"),
                (Field::Price, "5"),
                (Field::Images, &joined),
            ]),
            &ctx(),
            &mut notes,
        )
        .expect("valid");
        assert_eq!(p.images.len(), 20);
        assert_eq!(notes.render().len(), 1);
    }

    #[test]
    fn image_cells_split_between_urls_only() {
        let urls: Vec<&str> =
            split_images("https://a/x,w_1.jpg,https://b/y.jpg; /img/z.png\nhttps://c").collect();
        assert_eq!(
            urls,
            vec![
                "https://a/x,w_1.jpg",
                "https://b/y.jpg",
                "/img/z.png",
                "https://c"
            ]
        );
    }
}
