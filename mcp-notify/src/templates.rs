//! The shipped message templates, and rendering them in the reader's language.
//!
//! Templates are minijinja files embedded in the binary from
//! `mcp-notify/templates/{en,es,fr}/`: for each template a subject
//! (`NAME.subject.txt`), an e-mail text part (`NAME.txt`), an e-mail HTML
//! part (`NAME.html`, extending that language's `layout.html`) and a short
//! text for SMS and WhatsApp (`NAME.message.txt`). A language without a
//! variant falls back to English.
//!
//! - **Variables** are whatever the sources use, found by minijinja's
//!   `undeclared_variables`, so `list_templates` can never disagree with the
//!   files. Rendering is strict: a variable that is not given is an error
//!   before anything is sent (checked up front, with the whole list, and
//!   enforced again by minijinja's strict undefined behaviour).
//! - **Money and dates** go through filters backed by
//!   [`museo_sdk::locale`]: `{{ total | money(currency) }}`,
//!   `{{ order_date | date }}`, `{{ expires_at | datetime }}`, written for the
//!   locale the message is rendered in.
//! - **HTML** parts are auto-escaped (minijinja escapes every value in a
//!   `.html` template), so `<script>` in a customer's name arrives as text.
//!   Variables ending in `_url` must be absolute `http(s)` URLs, so a
//!   `javascript:` link cannot be slipped into a button.
//! - **WhatsApp template messages** need a template approved by Meta, with
//!   positional parameters. Each `message.txt` is that template's body: its
//!   `{{ … }}` expressions, in order, are the parameters `{{1}}`, `{{2}}`…
//!   ([`WhatsAppLanguage::body`] is the text to submit for approval under the
//!   same name, one translation per language code).

use std::collections::{BTreeMap, BTreeSet};

use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind, State, UndefinedBehavior};
use museo_sdk::locale::{FormatLocale, date_for, datetime_for, try_format_money};
use museo_sdk::types::Lang;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Map;

use crate::status::Channel;
use crate::validate::{MAX_VARIABLE_CHARS, MAX_VARIABLES, quote};

/// The language every template has, and the fallback.
pub const DEFAULT_LANG: Lang = Lang::En;

/// The variable the renderer sets itself: the locale's BCP-47 tag.
const LOCALE_VAR: &str = "locale";

/// The shipped templates, with what each is for.
const SHIPPED: [(&str, &str); 4] = [
    (
        "order_confirmation",
        "Confirms an order: number, date, total and a link to follow it.",
    ),
    (
        "shipping_update",
        "Tells that an order has shipped: carrier, tracking number and link, estimated delivery date.",
    ),
    (
        "payment_link",
        "Sends a checkout link for a basket, with its total and when the link expires.",
    ),
    (
        "back_in_stock",
        "Tells a customer that a product they wanted is available again, with its price and link.",
    ),
];

/// The four files of one template in one language, as `(name, source)`.
macro_rules! template_parts {
    ($lang:literal, $name:literal) => {
        [
            (
                concat!($lang, "/", $name, ".subject.txt"),
                include_str!(concat!("../templates/", $lang, "/", $name, ".subject.txt")),
            ),
            (
                concat!($lang, "/", $name, ".txt"),
                include_str!(concat!("../templates/", $lang, "/", $name, ".txt")),
            ),
            (
                concat!($lang, "/", $name, ".html"),
                include_str!(concat!("../templates/", $lang, "/", $name, ".html")),
            ),
            (
                concat!($lang, "/", $name, ".message.txt"),
                include_str!(concat!("../templates/", $lang, "/", $name, ".message.txt")),
            ),
        ]
    };
}

const LAYOUTS: &[(&str, &str)] = &[
    (
        "en/layout.html",
        include_str!("../templates/en/layout.html"),
    ),
    (
        "es/layout.html",
        include_str!("../templates/es/layout.html"),
    ),
    (
        "fr/layout.html",
        include_str!("../templates/fr/layout.html"),
    ),
];

/// Every shipped template in every language.
const TEMPLATE_FILES: &[[(&str, &str); 4]] = &[
    template_parts!("en", "order_confirmation"),
    template_parts!("es", "order_confirmation"),
    template_parts!("fr", "order_confirmation"),
    template_parts!("en", "shipping_update"),
    template_parts!("es", "shipping_update"),
    template_parts!("fr", "shipping_update"),
    template_parts!("en", "payment_link"),
    template_parts!("es", "payment_link"),
    template_parts!("fr", "payment_link"),
    template_parts!("en", "back_in_stock"),
    template_parts!("es", "back_in_stock"),
    template_parts!("fr", "back_in_stock"),
];

/// The HTML part of an e-mail written as free text: the paragraphs in the
/// language's layout, escaped, line breaks kept.
const PLAIN_HTML: &str = r#"{% extends layout %}{% block title %}{{ subject }}{% endblock %}{% block content %}{% for lines in paragraphs %}<p>{% for line in lines %}{{ line }}{% if not loop.last %}<br>
{% endif %}{% endfor %}</p>
{% endfor %}{% endblock %}"#;

/// The variables one channel needs.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ChannelVariables {
    /// The channel.
    pub channel: Channel,
    /// Variables it needs, sorted.
    pub variables: Vec<String>,
}

/// A WhatsApp template translation: what to register with Meta, and how
/// parameters are filled.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct WhatsAppLanguage {
    /// The `language.code` sent to the Cloud API (`en`, `es`, `fr`).
    pub code: String,
    /// The body to submit for approval, with positional parameters `{{1}}`, `{{2}}`…
    pub body: String,
    /// What fills each parameter, in order (template expressions).
    pub parameters: Vec<String>,
}

/// One template, as `list_templates` shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TemplateInfo {
    /// The name to pass as `template`.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Channels it can be sent on.
    pub channels: Vec<Channel>,
    /// Languages it is written in; any other locale falls back to `default_locale`.
    pub locales: Vec<String>,
    /// The fallback language.
    pub default_locale: String,
    /// Every variable it uses on any channel (all needed for e-mail), sorted.
    pub variables: Vec<String>,
    /// The variables each channel needs (SMS and WhatsApp use the short text only).
    pub variables_by_channel: Vec<ChannelVariables>,
    /// The WhatsApp template of the same name, per language.
    pub whatsapp: Vec<WhatsAppLanguage>,
}

/// An e-mail rendered from a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    /// The subject line.
    pub subject: String,
    /// The text/plain part.
    pub text: String,
    /// The text/html part.
    pub html: String,
}

/// A short text (SMS, WhatsApp) rendered from a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedMessage {
    /// The text as the reader sees it.
    pub text: String,
    /// The WhatsApp template parameters, in order.
    pub parameters: Vec<String>,
}

/// Why a template could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// No template by that name.
    #[error(
        "there is no template {name:?}; the templates are {available} (list_templates shows what each needs)"
    )]
    Unknown {
        /// The name asked for.
        name: String,
        /// The names there are.
        available: String,
    },
    /// Variables the template uses were not given.
    #[error(
        "template {name} ({channel}) needs variables that were not given: {missing}. It uses: {needed}"
    )]
    Missing {
        /// The template.
        name: String,
        /// The channel.
        channel: &'static str,
        /// The variables missing.
        missing: String,
        /// Every variable it needs on that channel.
        needed: String,
    },
    /// A variable's value is not usable.
    #[error("variable `{name}` {message}")]
    BadVariable {
        /// The variable.
        name: String,
        /// What is wrong with it.
        message: String,
    },
    /// Rendering failed (a filter refused a value).
    #[error("template {name} could not be rendered: {message}")]
    Render {
        /// The template.
        name: String,
        /// minijinja's explanation.
        message: String,
    },
}

/// The templates, parsed once, and what each needs.
#[derive(Debug)]
pub struct Catalog {
    env: Environment<'static>,
    infos: Vec<TemplateInfo>,
}

impl Catalog {
    /// Parses the shipped templates.
    ///
    /// # Panics
    /// When a shipped template does not parse: they are compiled into the
    /// binary and covered by tests, so this is a build defect, not input.
    pub fn shipped() -> Self {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.add_filter("money", money_filter);
        env.add_filter("date", date_filter);
        env.add_filter("datetime", datetime_filter);
        for (name, source) in LAYOUTS
            .iter()
            .chain(TEMPLATE_FILES.iter().flatten())
            .chain(std::iter::once(&("plain.html", PLAIN_HTML)))
        {
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("shipped template {name} does not parse: {e}"));
        }
        let mut catalog = Self {
            env,
            infos: Vec::new(),
        };
        catalog.infos = SHIPPED
            .iter()
            .map(|(name, description)| catalog.describe(name, description))
            .collect();
        catalog
    }

    /// Every template.
    pub fn list(&self) -> &[TemplateInfo] {
        &self.infos
    }

    /// One template by name.
    pub fn get(&self, name: &str) -> Result<&TemplateInfo, TemplateError> {
        self.infos
            .iter()
            .find(|info| info.name == name)
            .ok_or_else(|| TemplateError::Unknown {
                name: quote(name, 60),
                available: self
                    .infos
                    .iter()
                    .map(|i| i.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// The language a template is rendered in for `locale`, and whether that
    /// is a fallback.
    pub fn language(&self, locale: &str) -> (Lang, bool) {
        match Lang::from_tag(locale) {
            Some(lang) => (lang, false),
            None => (DEFAULT_LANG, true),
        }
    }

    /// Renders the e-mail parts of `name`.
    pub fn render_email(
        &self,
        name: &str,
        variables: &Map<String, serde_json::Value>,
        locale: FormatLocale,
    ) -> Result<RenderedEmail, TemplateError> {
        let info = self.get(name)?;
        check_variables(info, Channel::Email, variables)?;
        let context = context(variables, locale);
        let lang = locale.lang().code();
        let render =
            |part: &str| self.render_file(name, &format!("{lang}/{name}.{part}"), &context);
        Ok(RenderedEmail {
            // One line; no-break spaces (in money) are kept.
            subject: render("subject.txt")?
                .replace(['\r', '\n'], " ")
                .trim()
                .to_owned(),
            text: render("txt")?,
            html: render("html")?,
        })
    }

    /// Renders the short text of `name` (SMS and WhatsApp) and its WhatsApp parameters.
    pub fn render_message(
        &self,
        name: &str,
        channel: Channel,
        variables: &Map<String, serde_json::Value>,
        locale: FormatLocale,
    ) -> Result<RenderedMessage, TemplateError> {
        let info = self.get(name)?;
        check_variables(info, channel, variables)?;
        let context = context(variables, locale);
        let file = format!("{}/{name}.message.txt", locale.lang().code());
        let text = self.render_file(name, &file, &context)?;
        let source = self
            .env
            .get_template(&file)
            .map(|t| t.source().to_owned())
            .map_err(|e| render_error(name, &e))?;
        let mut parameters = Vec::new();
        for expression in expressions(&source) {
            let value = self
                .env
                .compile_expression(expression)
                .and_then(|compiled| compiled.eval(&context))
                .map_err(|e| render_error(name, &e))?;
            parameters.push(value.to_string());
        }
        Ok(RenderedMessage { text, parameters })
    }

    /// The HTML part for an e-mail written as free text.
    pub fn plain_html(
        &self,
        subject: &str,
        text: &str,
        lang: Lang,
    ) -> Result<String, TemplateError> {
        let paragraphs: Vec<Vec<String>> = text
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| p.lines().map(str::to_owned).collect())
            .collect();
        let context = minijinja::context! {
            layout => format!("{}/layout.html", lang.code()),
            subject => subject.to_owned(),
            paragraphs => paragraphs,
        };
        self.render_file("plain", "plain.html", &context)
    }

    fn render_file(
        &self,
        name: &str,
        file: &str,
        context: &Value,
    ) -> Result<String, TemplateError> {
        self.env
            .get_template(file)
            .and_then(|template| template.render(context))
            .map_err(|e| render_error(name, &e))
    }

    fn variables_of(&self, file: &str) -> BTreeSet<String> {
        self.env
            .get_template(file)
            .map(|t| t.undeclared_variables(false))
            .unwrap_or_default()
            .into_iter()
            .filter(|v| v != LOCALE_VAR)
            .collect()
    }

    fn describe(&self, name: &str, description: &str) -> TemplateInfo {
        let mut email = BTreeSet::new();
        let mut message = BTreeSet::new();
        let mut whatsapp = Vec::new();
        for lang in Lang::ALL {
            let code = lang.code();
            for part in ["subject.txt", "txt", "html"] {
                email.extend(self.variables_of(&format!("{code}/{name}.{part}")));
            }
            let file = format!("{code}/{name}.message.txt");
            message.extend(self.variables_of(&file));
            let source = self
                .env
                .get_template(&file)
                .map(|t| t.source().to_owned())
                .unwrap_or_default();
            whatsapp.push(WhatsAppLanguage {
                code: code.to_owned(),
                body: positional_body(&source),
                parameters: expressions(&source).map(str::to_owned).collect(),
            });
        }
        let all: BTreeSet<String> = email.union(&message).cloned().collect();
        TemplateInfo {
            name: name.to_owned(),
            description: description.to_owned(),
            channels: Channel::ALL.to_vec(),
            locales: Lang::ALL.iter().map(|l| l.code().to_owned()).collect(),
            default_locale: DEFAULT_LANG.code().to_owned(),
            variables: all.into_iter().collect(),
            variables_by_channel: vec![
                ChannelVariables {
                    channel: Channel::Email,
                    variables: email.into_iter().collect(),
                },
                ChannelVariables {
                    channel: Channel::Sms,
                    variables: message.iter().cloned().collect(),
                },
                ChannelVariables {
                    channel: Channel::Whatsapp,
                    variables: message.into_iter().collect(),
                },
            ],
            whatsapp,
        }
    }
}

/// The `{{ … }}` expressions of a template source, in order.
fn expressions(source: &str) -> impl Iterator<Item = &str> {
    source.split("{{").skip(1).filter_map(|rest| {
        rest.split_once("}}")
            .map(|(expression, _)| expression.trim().trim_matches('-').trim())
    })
}

/// A template source with each `{{ … }}` replaced by `{{1}}`, `{{2}}`….
fn positional_body(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    let mut index = 0;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start..].find("}}") else {
            break;
        };
        index += 1;
        out.push_str(&rest[..start]);
        out.push_str(&format!("{{{{{index}}}}}"));
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out.trim_end().to_owned()
}

fn render_error(name: &str, error: &Error) -> TemplateError {
    let mut message = match error.detail() {
        Some(detail) => detail.to_owned(),
        None => error.kind().to_string(),
    };
    if error.kind() == ErrorKind::UndefinedError {
        message = format!("a variable it uses is undefined ({message})");
    }
    TemplateError::Render {
        name: name.to_owned(),
        message,
    }
}

fn context(variables: &Map<String, serde_json::Value>, locale: FormatLocale) -> Value {
    let mut map: BTreeMap<String, Value> = variables
        .iter()
        .map(|(k, v)| (k.clone(), scalar(v)))
        .collect();
    map.insert(LOCALE_VAR.to_owned(), Value::from(locale.tag()));
    Value::from(map)
}

/// A JSON scalar as a template value ([`check_value`] refuses anything else).
fn scalar(value: &serde_json::Value) -> Value {
    match value {
        serde_json::Value::String(text) => Value::from(text.as_str()),
        serde_json::Value::Bool(flag) => Value::from(*flag),
        serde_json::Value::Number(number) => {
            if let Some(int) = number.as_i64() {
                Value::from(int)
            } else if let Some(int) = number.as_u64() {
                Value::from(int)
            } else {
                // Kept as written so that money keeps its decimals exactly.
                Value::from(number.to_string())
            }
        }
        _ => Value::from(()),
    }
}

/// Refuses missing variables (all at once) and values that cannot be used.
fn check_variables(
    info: &TemplateInfo,
    channel: Channel,
    variables: &Map<String, serde_json::Value>,
) -> Result<(), TemplateError> {
    if variables.len() > MAX_VARIABLES {
        return Err(TemplateError::BadVariable {
            name: "variables".to_owned(),
            message: format!(
                "are too many: {} (at most {MAX_VARIABLES})",
                variables.len()
            ),
        });
    }
    for (name, value) in variables {
        check_value(name, value)?;
    }
    let needed = info
        .variables_by_channel
        .iter()
        .find(|c| c.channel == channel)
        .map(|c| c.variables.as_slice())
        .unwrap_or_default();
    let missing: Vec<&str> = needed
        .iter()
        .filter(|v| {
            variables
                .get(v.as_str())
                .is_none_or(serde_json::Value::is_null)
        })
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(TemplateError::Missing {
            name: info.name.clone(),
            channel: channel.as_str(),
            missing: missing.join(", "),
            needed: needed.join(", "),
        });
    }
    Ok(())
}

fn check_value(name: &str, value: &serde_json::Value) -> Result<(), TemplateError> {
    let bad = |message: String| TemplateError::BadVariable {
        name: quote(name, 40),
        message,
    };
    let well_named = name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !well_named {
        return Err(bad(
            "is not a variable name: use lowercase letters, digits and _ (list_templates shows the names)".to_owned(),
        ));
    }
    let text = match value {
        serde_json::Value::String(text) => text,
        serde_json::Value::Number(_) | serde_json::Value::Bool(_) | serde_json::Value::Null => {
            return Ok(());
        }
        _ => return Err(bad("must be a string, a number or a boolean".to_owned())),
    };
    let chars = text.chars().count();
    if chars > MAX_VARIABLE_CHARS {
        return Err(bad(format!(
            "is too long: {chars} characters (at most {MAX_VARIABLE_CHARS})"
        )));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        return Err(bad("contains control characters".to_owned()));
    }
    if name.ends_with("_url") {
        let ok = url::Url::parse(text.trim())
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
        if !ok {
            return Err(bad(format!(
                "must be an absolute http:// or https:// URL, got {:?}",
                quote(text, 60)
            )));
        }
    }
    Ok(())
}

fn locale_of(state: &State) -> FormatLocale {
    state
        .lookup(LOCALE_VAR)
        .and_then(|v| v.as_str().map(FormatLocale::negotiate))
        .unwrap_or(FormatLocale::EnUs)
}

fn scalar_text(value: &Value) -> Option<String> {
    if value.is_undefined() || value.is_none() {
        return None;
    }
    match value.as_str() {
        Some(text) => Some(text.trim().to_owned()),
        None if value.is_number() => Some(value.to_string()),
        None => None,
    }
}

/// `{{ total | money(currency) }}`: a decimal amount in the message's locale.
fn money_filter(state: &State, value: Value, currency: Value) -> Result<String, Error> {
    let amount = scalar_text(&value).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("money: the amount must be a decimal number such as \"49.90\", got {value}"),
        )
    })?;
    let currency = currency.as_str().ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidOperation,
            "money: the currency must be an ISO 4217 code such as \"EUR\"",
        )
    })?;
    try_format_money(&amount, currency, locale_of(state).tag())
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, format!("money: {e}")))
}

/// `{{ order_date | date }}`: a date (`2025-06-03`) or an instant
/// (`2025-06-03T14:05:00Z`, shown as its UTC date), as a long date.
fn date_filter(state: &State, value: Value) -> Result<String, Error> {
    let text = scalar_text(&value).unwrap_or_default();
    let date = text
        .parse::<jiff::civil::Date>()
        .ok()
        .filter(|_| text.len() == 10)
        .or_else(|| {
            text.parse::<jiff::Timestamp>()
                .ok()
                .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
        })
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "date: expected a date such as \"2025-06-03\" or \"2025-06-03T14:05:00Z\", got {:?}",
                    quote(&text, 40)
                ),
            )
        })?;
    Ok(date_for(date, locale_of(state)))
}

/// `{{ expires_at | datetime }}`: an instant with its offset
/// (`2025-06-03T14:05:00Z`) as a long date and time in UTC.
fn datetime_filter(state: &State, value: Value) -> Result<String, Error> {
    let text = scalar_text(&value).unwrap_or_default();
    let at = text.parse::<jiff::Timestamp>().map_err(|_| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "datetime: expected a date and time with its offset such as \"2025-06-03T14:05:00Z\", got {:?}",
                quote(&text, 40)
            ),
        )
    })?;
    Ok(datetime_for(at, locale_of(state)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn vars(value: serde_json::Value) -> Map<String, serde_json::Value> {
        match value {
            serde_json::Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    fn order() -> Map<String, serde_json::Value> {
        vars(json!({
            "customer_name": "Ana",
            "order_number": "A-1042",
            "order_date": "2025-06-03",
            "total": "1234.5",
            "currency": "EUR",
            "order_url": "https://shop.museo.example/orders/A-1042",
        }))
    }

    #[test]
    fn variables_come_from_the_sources() {
        let catalog = Catalog::shipped();
        let info = catalog.get("order_confirmation").expect("shipped");
        assert_eq!(
            info.variables,
            [
                "currency",
                "customer_name",
                "order_date",
                "order_number",
                "order_url",
                "total"
            ]
        );
        let sms = &info.variables_by_channel[1];
        assert_eq!(sms.channel, Channel::Sms);
        assert!(!sms.variables.contains(&"order_date".to_owned()));
        assert_eq!(catalog.list().len(), 4);
        for info in catalog.list() {
            assert_eq!(info.locales, ["en", "es", "fr"]);
            for language in &info.whatsapp {
                assert!(language.body.contains("{{1}}"), "{}", language.body);
                assert!(!language.body.contains("{{ "), "{}", language.body);
            }
        }
    }

    #[test]
    fn email_in_three_languages_with_local_money_and_dates() {
        let catalog = Catalog::shipped();
        let en = catalog
            .render_email("order_confirmation", &order(), FormatLocale::EnIe)
            .expect("renders");
        assert_eq!(en.subject, "Your Museo order A-1042 is confirmed");
        assert!(en.text.contains("Total: €1,234.50"), "{}", en.text);
        assert!(en.text.contains("Order date: 3 June 2025"), "{}", en.text);
        let es = catalog
            .render_email("order_confirmation", &order(), FormatLocale::EsEs)
            .expect("renders");
        assert!(es.text.contains("Total: 1234,50\u{a0}€"), "{}", es.text);
        assert!(es.text.contains("3 de junio de 2025"), "{}", es.text);
        assert!(es.html.contains("<html lang=\"es\">"));
        let fr = catalog
            .render_email("order_confirmation", &order(), FormatLocale::FrFr)
            .expect("renders");
        assert_eq!(fr.subject, "Votre commande Museo A-1042 est confirmée");
        let mut paid = order();
        paid.insert("payment_url".into(), json!("https://pay.example/1"));
        paid.insert("expires_at".into(), json!("2025-06-03T14:05:00Z"));
        let payment = catalog
            .render_email("payment_link", &paid, FormatLocale::FrFr)
            .expect("renders");
        assert_eq!(
            payment.subject,
            "Votre lien de paiement de 1\u{202f}234,50\u{a0}€"
        );
        assert!(fr.text.contains("1\u{202f}234,50\u{a0}€"), "{}", fr.text);
        assert!(fr.html.contains("3 juin 2025"), "{}", fr.html);
    }

    #[test]
    fn hostile_text_is_escaped_in_html_and_urls_are_checked() {
        let catalog = Catalog::shipped();
        let mut variables = order();
        variables.insert(
            "customer_name".into(),
            json!("<script>alert('x')</script>\"><img src=x onerror=alert(1)>"),
        );
        let email = catalog
            .render_email("order_confirmation", &variables, FormatLocale::EnUs)
            .expect("renders");
        assert!(!email.html.contains("<script>"));
        assert!(!email.html.contains("<img"));
        assert!(email.html.contains("&lt;script&gt;"));
        assert!(email.text.contains("<script>"), "text parts stay literal");
        variables.insert("order_url".into(), json!("javascript:alert(1)"));
        let error = catalog
            .render_email("order_confirmation", &variables, FormatLocale::EnUs)
            .expect_err("refused");
        assert!(error.to_string().contains("order_url"), "{error}");
    }

    #[test]
    fn missing_and_bad_variables_are_named() {
        let catalog = Catalog::shipped();
        let mut variables = order();
        variables.remove("total");
        variables.remove("order_url");
        let error = catalog
            .render_email("order_confirmation", &variables, FormatLocale::EnUs)
            .expect_err("missing");
        assert!(
            error.to_string().contains("not given: order_url, total"),
            "{error}"
        );
        let mut variables = order();
        variables.insert("total".into(), json!("a lot"));
        let error = catalog
            .render_email("order_confirmation", &variables, FormatLocale::EnUs)
            .expect_err("bad amount");
        assert!(
            error.to_string().contains("not a decimal amount"),
            "{error}"
        );
        let mut variables = order();
        variables.insert("order_date".into(), json!("yesterday"));
        let error = catalog
            .render_email("order_confirmation", &variables, FormatLocale::EnUs)
            .expect_err("bad date");
        assert!(
            error.to_string().contains("date: expected a date"),
            "{error}"
        );
        let error = catalog
            .render_email("nope", &order(), FormatLocale::EnUs)
            .expect_err("unknown");
        assert!(error.to_string().contains("order_confirmation"), "{error}");
    }

    #[test]
    fn whatsapp_parameters_follow_the_message_text() {
        let catalog = Catalog::shipped();
        let message = catalog
            .render_message(
                "order_confirmation",
                Channel::Whatsapp,
                &order(),
                FormatLocale::FrFr,
            )
            .expect("renders");
        assert_eq!(
            message.parameters,
            [
                "Ana",
                "A-1042",
                "1\u{202f}234,50\u{a0}€",
                "https://shop.museo.example/orders/A-1042"
            ]
        );
        assert!(
            message.text.starts_with("Museo : merci Ana !"),
            "{}",
            message.text
        );
    }

    #[test]
    fn every_template_renders_in_every_language() {
        let catalog = Catalog::shipped();
        let variables = vars(json!({
            "customer_name": "Ana", "order_number": "A-1", "order_date": "2025-06-03",
            "total": "49.90", "price": "49.90", "currency": "EUR",
            "order_url": "https://x.example/o", "tracking_url": "https://x.example/t",
            "payment_url": "https://x.example/p", "product_url": "https://x.example/q",
            "carrier": "Correos", "tracking_number": "PK123", "estimated_delivery": "2025-06-05",
            "expires_at": "2025-06-04T10:00:00Z", "product_title": "Water Lilies mug",
        }));
        for info in catalog.list() {
            for locale in [FormatLocale::EnUs, FormatLocale::EsEs, FormatLocale::FrFr] {
                let email = catalog
                    .render_email(&info.name, &variables, locale)
                    .expect("email renders");
                assert!(!email.subject.is_empty() && email.html.contains("</html>"));
                let message = catalog
                    .render_message(&info.name, Channel::Sms, &variables, locale)
                    .expect("message renders");
                assert!(message.text.chars().count() < 300, "{}", message.text);
            }
        }
    }

    #[test]
    fn plain_text_email_gets_an_escaped_html_part() {
        let catalog = Catalog::shipped();
        let html = catalog
            .plain_html(
                "Hi",
                "Line <b>one</b>\nline two\n\nSecond paragraph",
                Lang::Fr,
            )
            .expect("renders");
        assert!(html.contains("<html lang=\"fr\">"));
        assert!(
            html.contains("<p>Line &lt;b&gt;one&lt;&#x2f;b&gt;<br>\nline two</p>"),
            "{html}"
        );
        assert!(html.contains("<p>Second paragraph</p>"));
    }

    #[test]
    fn positional_bodies() {
        assert_eq!(
            positional_body("Hi {{ name }}, {{ total | money(currency) }}!\n"),
            "Hi {{1}}, {{2}}!"
        );
        assert_eq!(
            expressions("a {{ x }} b {{- y | f(z) -}}").collect::<Vec<_>>(),
            ["x", "y | f(z)"]
        );
    }
}
