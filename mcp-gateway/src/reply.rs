//! What the gateway says itself, built from the tools' structured results
//! in the reader's language and locale, and formatted for their channel.
//!
//! The words live in `locales/{en,es,fr}/gateway.ftl` (Fluent, with plural
//! variants where a count changes the wording), loaded by [`l10n`]. The
//! language comes from the session's BCP-47 locale tag (`fr-FR` → French,
//! anything unknown → English); money and dates follow the whole tag
//! through [`museo_sdk::locale`], so `fr-FR` reads `49,90 €`, `en-IE`
//! `€49.90` and `en-US` `$49.90`. Amounts are always formatted here from
//! the structured `{ amount, currency }`: a tool's `display` string is only
//! a fallback, because it was written for the tool's idea of the locale.
//! [`markup`] knows each channel's conventions and escapes untrusted text.

mod admin;
mod l10n;
mod markup;
mod shop;
#[cfg(test)]
mod tests;

use museo_sdk::locale::{format_datetime, try_format_money};
use museo_sdk::types::Lang;
use serde_json::Value;

pub use admin::admin;
use l10n::{format, message, n, s};
pub use shop::{
    LineChange, Refusal, basket_line, choices, help_page, help_score, order, picked, refusal,
};

/// How a channel shows text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The web admin and shop: markdown (`**bold**`, `- ` lists, `[text](url)` links).
    Web,
    /// WhatsApp: plain text with `*bold*`, short lines and lists, bare URLs.
    WhatsApp,
    /// The CLI: plain text.
    Plain,
    /// The mobile app: plain text (the app renders the reply's `data` itself).
    Mobile,
}

impl Channel {
    /// From the `hello.channel` value (`web`, `whatsapp`, `mobile`, `cli`);
    /// anything else is the web.
    pub fn from_name(name: Option<&str>) -> Self {
        match name.map(str::trim) {
            Some(n) if n.eq_ignore_ascii_case("whatsapp") => Channel::WhatsApp,
            Some(n) if n.eq_ignore_ascii_case("cli") => Channel::Plain,
            Some(n) if n.eq_ignore_ascii_case("mobile") => Channel::Mobile,
            _ => Channel::Web,
        }
    }
}

/// A fixed phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phrase {
    /// Greeting.
    Greeting,
    /// What the assistant can do.
    Help,
    /// Goodbye.
    Goodbye,
    /// Not understood.
    Unknown,
    /// Which product?
    WhichProduct,
    /// The basket is empty / no basket yet.
    NoBasket,
    /// A change asked of an empty basket: what to add?
    NothingToChange,
    /// Admin only.
    AdminOnly,
    /// Nothing found.
    NothingFound,
    /// A service is down.
    Unavailable,
    /// Unsure what was meant.
    Clarify,
    /// An import without a file: which one?
    WhichFile,
    /// A notification without an address: ask for the e-mail address.
    NeedEmail,
    /// The session sends faster than its rate limit.
    RateLimited,
    /// The session's role may not do this.
    Forbidden,
    /// After an import's dry run: say yes to import for real, or no.
    ConfirmImport,
    /// A pending action (delete, import) was called off.
    Cancelled,
    /// A confirmation came for a question already answered (another window).
    AlreadyAnswered,
    /// A notification without its text: what should it say?
    NeedText,
    /// How many units?
    HowMany,
    /// "More" after the last page.
    NoMore,
    /// A refinement that matches nothing.
    RefineEmpty,
    /// No help page answers.
    HelpNone,
    /// Which order? (its number)
    WhichOrder,
}

impl Phrase {
    /// Every phrase.
    pub const ALL: [Phrase; 24] = [
        Phrase::Greeting,
        Phrase::Help,
        Phrase::Goodbye,
        Phrase::Unknown,
        Phrase::WhichProduct,
        Phrase::NoBasket,
        Phrase::NothingToChange,
        Phrase::AdminOnly,
        Phrase::NothingFound,
        Phrase::Unavailable,
        Phrase::Clarify,
        Phrase::WhichFile,
        Phrase::NeedEmail,
        Phrase::RateLimited,
        Phrase::Forbidden,
        Phrase::ConfirmImport,
        Phrase::Cancelled,
        Phrase::AlreadyAnswered,
        Phrase::NeedText,
        Phrase::HowMany,
        Phrase::NoMore,
        Phrase::RefineEmpty,
        Phrase::HelpNone,
        Phrase::WhichOrder,
    ];

    /// Its message id in `gateway.ftl`.
    fn id(self) -> &'static str {
        match self {
            Phrase::Greeting => "greeting",
            Phrase::Help => "help",
            Phrase::Goodbye => "goodbye",
            Phrase::Unknown => "unknown",
            Phrase::WhichProduct => "which-product",
            Phrase::NoBasket => "no-basket",
            Phrase::NothingToChange => "nothing-to-change",
            Phrase::AdminOnly => "admin-only",
            Phrase::NothingFound => "nothing-found",
            Phrase::Unavailable => "unavailable",
            Phrase::Clarify => "clarify",
            Phrase::WhichFile => "which-file",
            Phrase::NeedEmail => "need-email",
            Phrase::RateLimited => "rate-limited",
            Phrase::Forbidden => "forbidden",
            Phrase::ConfirmImport => "confirm-import",
            Phrase::Cancelled => "cancelled",
            Phrase::AlreadyAnswered => "already-answered",
            Phrase::NeedText => "need-text",
            Phrase::HowMany => "how-many",
            Phrase::NoMore => "no-more",
            Phrase::RefineEmpty => "refine-empty",
            Phrase::HelpNone => "help-none",
            Phrase::WhichOrder => "which-order",
        }
    }
}

/// The phrase in the language of `locale` (a BCP-47 tag; English when it
/// names another language).
pub fn phrase(p: Phrase, locale: &str) -> String {
    message(lang_of(locale), p.id())
}

/// Asks an admin to confirm sending `text` to `to` (an address or number).
pub fn confirm_send(to: &str, text: &str, locale: &str) -> String {
    let lang = lang_of(locale);
    format(
        lang,
        "confirm-send",
        &[
            ("to", s(markup::one_line(to))),
            ("text", s(markup::one_line(text))),
        ],
    )
}

/// Asks an admin to confirm deleting the product called `title` (or its
/// SKU). There is no channel here, so the title is only put on one line.
pub fn confirm_delete(title: &str, locale: &str) -> String {
    let lang = lang_of(locale);
    let product = match markup::one_line(title) {
        t if t.is_empty() => message(lang, "untitled"),
        t => t,
    };
    format(lang, "confirm-delete", &[("product", s(product))])
}

/// A `search_products` result: how many were found, then one numbered line
/// per product (numbered, since "the second one" refers back to it).
pub fn products(result: &Value, locale: &str, channel: Channel) -> String {
    let lang = lang_of(locale);
    let Some(products) = result["products"].as_array().filter(|p| !p.is_empty()) else {
        return phrase(Phrase::NothingFound, locale);
    };
    let found = count_of(products.len());
    let head = if result["next_cursor"]
        .as_str()
        .is_some_and(|c| !c.is_empty())
    {
        "products-first"
    } else {
        "products-found"
    };
    let mut lines = Vec::new();
    if result["understood"]["relaxed"] == true {
        lines.push(message(lang, "products-partial"));
    }
    lines.push(format(lang, head, &[("count", n(found))]));
    lines.extend(product_lines(products, lang, locale, channel));
    lines.join("\n")
}

/// One numbered line per product (name, price, stock), then how many more
/// there are beyond the channel's list limit.
fn product_lines(products: &[Value], lang: Lang, locale: &str, channel: Channel) -> Vec<String> {
    let mut lines = Vec::new();
    let shown = products.len().min(channel.list_limit());
    for (i, product) in products.iter().take(shown).enumerate() {
        let name = channel.bold(&channel.name(&title_or_sku(product, lang)));
        let name = match product["url"].as_str() {
            Some(url) => channel.link(&name, url).unwrap_or(name),
            None => name,
        };
        let mut line = format!("{}. {name}", i + 1);
        if let Some(price) = money(&product["price"], locale) {
            line.push_str(" — ");
            line.push_str(&channel.text(&price));
        }
        let available = product["in_stock"]
            .as_bool()
            .or_else(|| product["stock"].as_i64().map(|s| s > 0));
        if available == Some(false) {
            line.push_str(&format!(" ({})", message(lang, "out-of-stock")));
        }
        lines.push(line);
    }
    if products.len() > shown {
        let more = count_of(products.len() - shown);
        lines.push(format(lang, "products-more", &[("count", n(more))]));
    }
    lines
}

/// A whole basket (`add_to_basket`, `view_basket`, `remove_from_basket`),
/// after "Added 2 × …" when `added` names what was just added.
pub fn basket(
    result: &Value,
    locale: &str,
    channel: Channel,
    added: Option<(&str, i64)>,
) -> String {
    let lang = lang_of(locale);
    let mut lines = Vec::new();
    if let Some((title, quantity)) = added {
        let product = channel.bold(&channel.name(title));
        lines.push(format(
            lang,
            "basket-added",
            &[("quantity", n(quantity)), ("product", s(product))],
        ));
    }
    let items = result["items"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    if items.is_empty() {
        lines.push(phrase(Phrase::NoBasket, locale));
        return lines.join("\n");
    }
    let units = result["item_count"].as_i64().unwrap_or_else(|| {
        items
            .iter()
            .map(|i| i["quantity"].as_i64().unwrap_or(1))
            .sum()
    });
    lines.push(format(lang, "basket-header", &[("count", n(units))]));
    let shown = items.len().min(channel.list_limit());
    for item in &items[..shown] {
        let quantity = item["quantity"].as_i64().unwrap_or(1);
        let mut line = format!("- {quantity} × {}", channel.name(&title_or_sku(item, lang)));
        if let Some(total) = money(&item["line_total"], locale) {
            line.push_str(" — ");
            line.push_str(&channel.text(&total));
        }
        lines.push(line);
    }
    if items.len() > shown {
        let more = count_of(items.len() - shown);
        lines.push(format(lang, "basket-more", &[("count", n(more))]));
    }
    if let Some(total) = money(&result["total"], locale) {
        let total = channel.bold(&channel.text(&total));
        lines.push(format(lang, "basket-total", &[("total", s(total))]));
    }
    for warning in result["warnings"].as_array().into_iter().flatten().take(3) {
        if let Some(warning) = warning.as_str().filter(|w| !w.trim().is_empty()) {
            lines.push(format!("⚠ {}", channel.text(warning)));
        }
    }
    lines.join("\n")
}

/// A `get_payment_link` result: the total, the link, and until when it works
/// (in words, for the locale, in UTC).
pub fn payment(result: &Value, locale: &str, channel: Channel) -> String {
    let lang = lang_of(locale);
    let url = result["url"].as_str().unwrap_or_default();
    let label = channel.text(&message(lang, "payment-action"));
    let link = match (channel.link(&label, url), channel.bare_url(url)) {
        (Some(link), _) => link,
        (None, Some(url)) => format(lang, "payment-action-url", &[("url", s(url))]),
        (None, None) => return message(lang, "payment-no-link"),
    };
    let mut lines = Vec::new();
    if let Some(total) = money(&result["total"], locale) {
        let total = channel.bold(&channel.text(&total));
        lines.push(format(lang, "payment-total", &[("total", s(total))]));
    }
    lines.push(link);
    let expires = result["expires_at"]
        .as_str()
        .and_then(|at| at.trim().parse::<jiff::Timestamp>().ok());
    if let Some(at) = expires {
        let expires = format_datetime(at, locale);
        lines.push(format(lang, "payment-expires", &[("expires", s(expires))]));
    }
    lines.join("\n")
}

/// A `get_product` result: name, price and stock, the description, and a
/// link to the product page.
pub fn details(result: &Value, locale: &str, channel: Channel) -> String {
    let lang = lang_of(locale);
    let mut lines = vec![headline(result, locale, channel)];
    let description = markup::shorten(
        &markup::one_line(result["description"].as_str().unwrap_or_default()),
        channel.text_limit(),
    );
    if !description.is_empty() {
        lines.push(channel.text(&description));
    }
    let url = result["url"].as_str().unwrap_or_default();
    let label = message(lang, "details-link");
    if let Some(link) = channel.link(&channel.text(&label), url) {
        lines.push(link);
    } else if let Some(url) = channel.bare_url(url) {
        lines.push(format(lang, "details-link-url", &[("url", s(url))]));
    }
    lines.join("\n")
}

/// A product's name, price and stock on one line ("**Las Meninas mug** —
/// €13.90 (12 in stock)").
pub fn headline(result: &Value, locale: &str, channel: Channel) -> String {
    let lang = lang_of(locale);
    let mut head = channel.bold(&channel.name(&title_or_sku(result, lang)));
    if let Some(price) = money(&result["price"], locale) {
        head.push_str(" — ");
        head.push_str(&channel.text(&price));
    }
    let stock = match result["stock"].as_i64() {
        Some(stock) if stock > 0 => Some(format(lang, "stock-count", &[("count", n(stock))])),
        Some(_) => Some(message(lang, "out-of-stock")),
        None if result["in_stock"] == false => Some(message(lang, "out-of-stock")),
        None => None,
    };
    if let Some(stock) = stock {
        head.push_str(&format!(" ({stock})"));
    }
    head
}

/// An `answer_product_question` result: the answer mcp-storefront wrote
/// from the product's own fields (already in the reader's language), or,
/// when it has none, a sentence saying the product information does not
/// answer the question.
pub fn answer(result: &Value, locale: &str, channel: Channel) -> String {
    let lang = lang_of(locale);
    let text = result["answer"].as_str().map(str::trim).unwrap_or_default();
    if text.is_empty() {
        let product = channel.bold(&channel.name(&title_or_sku(result, lang)));
        return format(lang, "answer-none", &[("product", s(product))]);
    }
    channel.text(&markup::shorten(text, channel.text_limit() * 2))
}

/// The language of a locale tag, English for any other.
fn lang_of(locale: &str) -> Lang {
    Lang::from_tag(locale).unwrap_or(Lang::En)
}

/// Money from `{ amount, currency }` for `locale`; the result's `display`
/// when the amount or currency is missing or unreadable; `None` when there
/// is nothing to show.
fn money(value: &Value, locale: &str) -> Option<String> {
    let amount = match &value["amount"] {
        Value::String(amount) => Some(amount.clone()),
        Value::Number(amount) => Some(amount.to_string()),
        _ => None,
    };
    let currency = value["currency"].as_str();
    if let (Some(amount), Some(currency)) = (&amount, currency)
        && let Ok(formatted) = try_format_money(amount, currency, locale)
    {
        return Some(formatted);
    }
    if let Some(display) = value["display"].as_str().filter(|d| !d.trim().is_empty()) {
        return Some(display.trim().to_owned());
    }
    match (amount, currency) {
        (Some(amount), Some(currency)) => Some(format!("{} {}", amount.trim(), currency.trim())),
        (Some(amount), None) if !amount.trim().is_empty() => Some(amount.trim().to_owned()),
        _ => None,
    }
}

/// What to call a product (a search card, an API or admin product, a
/// basket line) for a reader in `locale`: its title in that language (or
/// the first language that has one), else its SKU, else its id, else
/// "(untitled product)". Plain text, not escaped for any channel.
pub fn title_of(product: &Value, locale: &str) -> String {
    title_or_sku(product, lang_of(locale))
}

/// A text given as a string or per language (`{ "en": …, "fr": … }`, as
/// mcp-admin returns products), in `lang` or the first language that has
/// one.
fn localized(value: &Value, lang: Lang) -> Option<String> {
    let pick = |v: &Value| {
        v.as_str()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    match value {
        Value::String(_) => pick(value),
        Value::Object(by_lang) => std::iter::once(lang.code())
            .chain(Lang::ALL.iter().map(|l| l.code()))
            .find_map(|code| by_lang.get(code).and_then(pick)),
        _ => None,
    }
}

/// What to call a product, line or answer: its title, else its SKU, else
/// its id, else "(untitled product)".
fn title_or_sku(value: &Value, lang: Lang) -> String {
    localized(&value["title"], lang)
        .or_else(|| localized(&value["sku"], lang))
        .or_else(|| localized(&value["product_id"], lang))
        .or_else(|| localized(&value["id"], lang))
        .unwrap_or_else(|| message(lang, "untitled"))
}

/// A count for a Fluent argument.
fn count_of(len: usize) -> i64 {
    i64::try_from(len).unwrap_or(i64::MAX)
}
