//! JSON arrays and NDJSON, streamed one object at a time.
//!
//! A JSON file is an array of products, or an object whose `products` (or
//! `items`, as in a bulk request body) member is that array, or one product
//! object. The array is walked element by element with serde_json reading
//! each element straight from the stream, so a large array is never held
//! whole: only the current element is in memory (at most
//! [`MAX_RECORD_BYTES`](crate::import::MAX_RECORD_BYTES)). NDJSON has one
//! object per line; blank lines are skipped.
//!
//! Objects following one another (NDJSON whose first line was too long to
//! recognise) are read one after the other as items.
//!
//! An object's keys are read like CSV headers (`title`, `precio`, `Título
//! (ES)`, `attribute:material`…), so both `{"title": "Mug", "price": "9.90",
//! "stock": 3}` and the API's own `ProductInput` shape work: `title` and
//! `description` may be text or `{"en", "es", "fr"}`, `price` text, a number
//! or `{"amount", "currency"}`, `tags` and `images` a list or a
//! comma-separated text, `attributes` an object, `variants` a list of
//! `{sku, title, price, stock, attributes}`. Keys without a language fill
//! the language the object's keys are written in (`nombre`, `precio` →
//! Spanish; English otherwise). An element that is not an
//! object, or an NDJSON line that does not parse, is a row error; a syntax
//! error inside a JSON array ends the import (the rest cannot be found).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Cursor, Read};
use std::sync::Arc;

use museo_sdk::types::{Lang, Localized, ProductInput};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::import::header::{Field, Keys, attribute_key};
use crate::import::product::{Ctx, Draft, FieldError, Notes, VariantDraft, build, lang_slot};
use crate::import::text::push_unique;
use crate::import::{CountingReader, ImportError, MAX_RECORD_BYTES, Out, Progress, RowUnit};

/// Where the reader stands.
enum Mode {
    /// Inside the array, before an element (`first` before the first one).
    Array { first: bool },
    /// NDJSON, line by line.
    Lines,
    /// One object read whole at open.
    Single(Option<Map<String, Value>>),
    /// More top-level objects after the first (NDJSON in a `.json` file
    /// whose first line was too long to tell).
    Concatenated,
    /// Nothing more.
    Done,
}

/// The products of a JSON or NDJSON stream.
pub(crate) struct JsonItems {
    input: BufReader<Box<dyn Read + Send>>,
    mode: Mode,
    /// Items (JSON) or lines (NDJSON) read so far.
    position: u64,
    items: u64,
    language: Option<Lang>,
    progress: Arc<Progress>,
    unknown: HashSet<String>,
    keys: Keys,
}

impl JsonItems {
    /// Starts reading; for JSON, finds the array of products.
    pub(crate) fn open(
        prefix: Vec<u8>,
        rest: CountingReader,
        ndjson: bool,
        language: Option<Lang>,
        progress: Arc<Progress>,
    ) -> Result<JsonItems, ImportError> {
        let mut start = Cursor::new(prefix);
        if start.get_ref().starts_with(b"\xEF\xBB\xBF") {
            start.set_position(3);
        }
        let stream: Box<dyn Read + Send> = Box::new(start.chain(rest));
        let mut input = BufReader::with_capacity(64 * 1024, stream);
        let mode = if ndjson {
            Mode::Lines
        } else {
            top_level(&mut input)?
        };
        Ok(JsonItems {
            input,
            mode,
            position: 0,
            items: 0,
            language,
            progress,
            unknown: HashSet::new(),
            keys: Keys::default(),
        })
    }

    pub(crate) fn unit(&self) -> RowUnit {
        match self.mode {
            Mode::Lines => RowUnit::Line,
            _ => RowUnit::Item,
        }
    }

    pub(crate) fn rows_read(&self) -> u64 {
        self.items
    }

    /// Reads one element or line; false at the end.
    pub(crate) fn step(&mut self, out: &mut Out<'_>) -> bool {
        let input = &mut self.input;
        match &mut self.mode {
            Mode::Done => false,
            Mode::Single(object) => {
                if let Some(object) = object.take() {
                    self.position = 1;
                    self.items = 1;
                    let result = object_product(
                        &object,
                        self.language,
                        out.ctx,
                        out.notes,
                        &mut self.unknown,
                        &mut self.keys,
                    );
                    out.result(1, result);
                }
                self.mode = Mode::Concatenated;
                true
            }
            Mode::Concatenated => {
                if let Err(message) = skip_ws(input) {
                    out.fatal(self.position + 1, message);
                    return false;
                }
                match peek(input) {
                    Ok(None) => return false,
                    Ok(Some(b'{')) => {}
                    Ok(Some(other)) => {
                        out.fatal(
                            self.position + 1,
                            format!("unexpected `{}` after the JSON value", other as char),
                        );
                        return false;
                    }
                    Err(message) => {
                        out.fatal(self.position + 1, message);
                        return false;
                    }
                }
                self.position += 1;
                self.items += 1;
                self.progress.mark();
                match read_value(input) {
                    Ok(Value::Object(object)) => {
                        let result = object_product(
                            &object,
                            self.language,
                            out.ctx,
                            out.notes,
                            &mut self.unknown,
                            &mut self.keys,
                        );
                        out.result(self.position, result);
                        true
                    }
                    Ok(other) => {
                        out.error(self.position, not_an_object(&other));
                        true
                    }
                    Err(message) => {
                        out.fatal(
                            self.position,
                            format!("item {} is not valid JSON: {message}", self.position),
                        );
                        false
                    }
                }
            }
            Mode::Array { first } => {
                let was_first = *first;
                *first = false;
                if let Err(message) = skip_ws(input) {
                    out.fatal(self.position + 1, message);
                    return false;
                }
                match peek(input) {
                    Ok(Some(b']')) => {
                        input.consume(1);
                        self.mode = Mode::Done;
                        return false;
                    }
                    Ok(Some(b',')) if !was_first => {
                        input.consume(1);
                    }
                    Ok(_) if was_first => {}
                    Ok(Some(other)) => {
                        out.fatal(
                            self.position,
                            format!(
                                "expected `,` or `]` after item {}, found `{}`",
                                self.position, other as char
                            ),
                        );
                        return false;
                    }
                    Ok(None) => {
                        out.fatal(
                            self.position,
                            "the JSON array is not closed with `]`".into(),
                        );
                        return false;
                    }
                    Err(message) => {
                        out.fatal(self.position + 1, message);
                        return false;
                    }
                }
                if let Err(message) = skip_ws(input) {
                    out.fatal(self.position + 1, message);
                    return false;
                }
                // `[1, 2,]`: a trailing comma is forgiven.
                if let Ok(Some(b']')) = peek(input) {
                    input.consume(1);
                    self.mode = Mode::Done;
                    return false;
                }
                self.position += 1;
                self.items += 1;
                self.progress.mark();
                match read_value(input) {
                    Ok(Value::Object(object)) => {
                        let result = object_product(
                            &object,
                            self.language,
                            out.ctx,
                            out.notes,
                            &mut self.unknown,
                            &mut self.keys,
                        );
                        out.result(self.position, result);
                        true
                    }
                    Ok(other) => {
                        out.error(self.position, not_an_object(&other));
                        true
                    }
                    Err(message) => {
                        out.fatal(
                            self.position,
                            format!("item {} is not valid JSON: {message}", self.position),
                        );
                        false
                    }
                }
            }
            Mode::Lines => {
                self.progress.mark();
                let mut line = Vec::new();
                let read = input
                    .by_ref()
                    .take(MAX_RECORD_BYTES + 1)
                    .read_until(b'\n', &mut line);
                match read {
                    Ok(0) => return false,
                    Ok(_) => {}
                    Err(e) => {
                        out.fatal(self.position + 1, format!("cannot read further: {e}"));
                        return false;
                    }
                }
                self.position += 1;
                if line.len() as u64 > MAX_RECORD_BYTES && !line.ends_with(b"\n") {
                    // Skip the rest of an overlong line without keeping it.
                    loop {
                        let (found, used) = match input.fill_buf() {
                            Ok([]) | Err(_) => break,
                            Ok(buf) => match buf.iter().position(|b| *b == b'\n') {
                                Some(i) => (true, i + 1),
                                None => (false, buf.len()),
                            },
                        };
                        input.consume(used);
                        if found {
                            break;
                        }
                    }
                    self.items += 1;
                    out.error(
                        self.position,
                        FieldError {
                            field: None,
                            message: format!(
                                "the line is longer than {} MiB",
                                MAX_RECORD_BYTES / (1024 * 1024)
                            ),
                        },
                    );
                    return true;
                }
                if line.trim_ascii().is_empty() {
                    return true;
                }
                self.items += 1;
                match serde_json::from_slice::<Value>(line.trim_ascii()) {
                    Ok(Value::Object(object)) => {
                        let result = object_product(
                            &object,
                            self.language,
                            out.ctx,
                            out.notes,
                            &mut self.unknown,
                            &mut self.keys,
                        );
                        out.result(self.position, result);
                    }
                    Ok(other) => out.error(self.position, not_an_object(&other)),
                    Err(e) => out.error(
                        self.position,
                        FieldError {
                            field: None,
                            message: format!("not valid JSON: {e}"),
                        },
                    ),
                }
                true
            }
        }
    }
}

impl std::fmt::Debug for JsonItems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonItems")
            .field("position", &self.position)
            .finish_non_exhaustive()
    }
}

fn not_an_object(value: &Value) -> FieldError {
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    FieldError {
        field: None,
        message: format!("this is {kind}, not a product object"),
    }
}

/// Finds the products at the top of a JSON document: an array, an object
/// with a `products` (or `items`) array, or one product object.
fn top_level(input: &mut BufReader<Box<dyn Read + Send>>) -> Result<Mode, ImportError> {
    skip_ws(input).map_err(ImportError::Json)?;
    match peek(input).map_err(ImportError::Json)? {
        Some(b'[') => {
            input.consume(1);
            Ok(Mode::Array { first: true })
        }
        Some(b'{') => {
            input.consume(1);
            let mut object = Map::new();
            loop {
                skip_ws(input).map_err(ImportError::Json)?;
                match peek(input).map_err(ImportError::Json)? {
                    Some(b'}') => {
                        input.consume(1);
                        return Ok(Mode::Single(Some(object)));
                    }
                    Some(b',') if !object.is_empty() => {
                        input.consume(1);
                        continue;
                    }
                    Some(b'"') => {}
                    _ => {
                        return Err(ImportError::Json(
                            "expected a key in the top-level object".into(),
                        ));
                    }
                }
                let key =
                    String::deserialize(&mut serde_json::Deserializer::from_reader(&mut *input))
                        .map_err(|e| ImportError::Json(e.to_string()))?;
                skip_ws(input).map_err(ImportError::Json)?;
                if peek(input).map_err(ImportError::Json)? != Some(b':') {
                    return Err(ImportError::Json(format!(
                        "expected `:` after the key `{key}`"
                    )));
                }
                input.consume(1);
                skip_ws(input).map_err(ImportError::Json)?;
                let wrapper = matches!(key.to_ascii_lowercase().as_str(), "products" | "items");
                if wrapper && peek(input).map_err(ImportError::Json)? == Some(b'[') {
                    input.consume(1);
                    return Ok(Mode::Array { first: true });
                }
                let value = read_value(input).map_err(ImportError::Json)?;
                object.insert(key, value);
            }
        }
        Some(other) => Err(ImportError::Json(format!(
            "expected an array `[…]` of products or an object, found `{}`",
            other as char
        ))),
        None => Err(ImportError::Json("the file is empty".into())),
    }
}

fn peek(input: &mut impl BufRead) -> Result<Option<u8>, String> {
    input
        .fill_buf()
        .map(|buf| buf.first().copied())
        .map_err(|e| e.to_string())
}

fn skip_ws(input: &mut impl BufRead) -> Result<(), String> {
    loop {
        let buf = input.fill_buf().map_err(|e| e.to_string())?;
        if buf.is_empty() {
            return Ok(());
        }
        let n = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let all = n == buf.len();
        input.consume(n);
        if !all {
            return Ok(());
        }
    }
}

/// Reads one JSON value from the stream without reading past it. serde_json
/// never looks past the end of an object, array, string or literal; a number
/// has no end mark, so it is scanned here.
fn read_value(input: &mut BufReader<Box<dyn Read + Send>>) -> Result<Value, String> {
    match peek(input)? {
        Some(b'-' | b'0'..=b'9') => {
            let mut number = Vec::new();
            loop {
                let buf = input.fill_buf().map_err(|e| e.to_string())?;
                let n = buf
                    .iter()
                    .take_while(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                    .count();
                number.extend_from_slice(&buf[..n]);
                let all = n == buf.len() && n > 0;
                input.consume(n);
                if !all || number.len() > 400 {
                    break;
                }
            }
            serde_json::from_slice(&number).map_err(|e| e.to_string())
        }
        Some(_) => Value::deserialize(&mut serde_json::Deserializer::from_reader(&mut *input))
            .map_err(|e| e.to_string()),
        None => Err("unexpected end of the file".into()),
    }
}

/// A scalar as text; `None` for null, arrays and objects.
fn scalar_text(value: &Value) -> Option<Cow<'_, str>> {
    match value {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
        _ => None,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The product of one JSON object.
fn object_product(
    object: &Map<String, Value>,
    language: Option<Lang>,
    ctx: &Ctx,
    notes: &mut Notes,
    unknown: &mut HashSet<String>,
    keys: &mut Keys,
) -> Result<ProductInput, FieldError> {
    let language = language.unwrap_or_else(|| keys.language(object.keys().map(String::as_str)));
    let mut draft = Draft::default();
    for (key, value) in object {
        let Some(field) = keys.field(key, language) else {
            if unknown.len() < 50 && unknown.insert(key.clone()) {
                notes.warn(format!("ignored key `{key}`"));
            }
            continue;
        };
        let wrong = || {
            FieldError::new(
                field.name(),
                format!("`{key}` is {}, which does not fit this field", kind(value)),
            )
        };
        match (&field, value) {
            (_, Value::Null) => {}
            (
                Field::Title(_) | Field::Description(_) | Field::ShortDescription(_),
                Value::Object(texts),
            ) => {
                for (tag, text) in texts {
                    let Some(lang) = Lang::from_tag(tag) else {
                        continue;
                    };
                    let field = match field {
                        Field::Title(_) => Field::Title(lang),
                        Field::Description(_) => Field::Description(lang),
                        _ => Field::ShortDescription(lang),
                    };
                    if let Some(text) = scalar_text(text) {
                        draft.set(&field, key, text);
                    }
                }
            }
            (Field::Price | Field::SalePrice, Value::Object(money)) => {
                if let Some(amount) = money.get("amount").and_then(scalar_text) {
                    draft.set(&field, key, amount);
                }
                if let Some(currency) = money.get("currency").and_then(scalar_text) {
                    draft.set(&Field::Currency, key, currency);
                }
            }
            (Field::Tags | Field::Images, Value::Array(items)) => {
                let list = if field == Field::Tags {
                    &mut draft.tags
                } else {
                    &mut draft.images
                };
                for item in items {
                    let text = scalar_text(item).ok_or_else(wrong)?;
                    push_unique(list, &text);
                }
            }
            (Field::Attributes, Value::Object(attributes)) => {
                for (name, value) in attributes {
                    if let (Some(key), Some(text)) = (attribute_key(name), scalar_text(value)) {
                        draft
                            .attributes
                            .entry(key)
                            .or_insert_with(|| text.trim().to_owned());
                    }
                }
            }
            (Field::Variants, Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    draft.variants.push(variant(item, i, language, keys)?);
                }
            }
            (Field::Attributes | Field::Variants, _) => return Err(wrong()),
            (_, value) => match scalar_text(value) {
                Some(text) => draft.set(&field, key, text),
                None => return Err(wrong()),
            },
        }
    }
    build(draft, ctx, notes)
}

/// A variant object: `sku`, `title` (text or per language), `price` (text,
/// number or money), `stock`, `attributes`, and attribute keys (`size`,
/// `colour`) directly.
fn variant(
    value: &Value,
    i: usize,
    language: Lang,
    keys: &mut Keys,
) -> Result<VariantDraft, FieldError> {
    let field = |name: &str| format!("variants[{i}].{name}");
    let Value::Object(object) = value else {
        return Err(FieldError::new(
            format!("variants[{i}]"),
            "a variant is an object",
        ));
    };
    let mut draft = VariantDraft::default();
    let mut attributes = BTreeMap::new();
    for (key, value) in object {
        match (keys.field(key, language), value) {
            (_, Value::Null) => {}
            (Some(Field::Sku), v) => {
                draft.sku = scalar_text(v)
                    .ok_or_else(|| FieldError::new(field("sku"), "the SKU should be text"))?
                    .trim()
                    .to_owned();
            }
            (Some(Field::Title(_)), Value::Object(texts)) => {
                for (tag, text) in texts {
                    if let (Some(lang), Some(text)) = (Lang::from_tag(tag), scalar_text(text)) {
                        *lang_slot(&mut draft.title, lang) = text.trim().to_owned();
                    }
                }
            }
            (Some(Field::Title(lang)), v) => {
                if let Some(text) = scalar_text(v) {
                    *lang_slot(&mut draft.title, lang) = text.trim().to_owned();
                }
            }
            (Some(Field::Price), Value::Object(money)) => {
                draft.price = money.get("amount").and_then(scalar_text).map(|a| {
                    match money.get("currency").and_then(scalar_text) {
                        Some(c) => format!("{a} {c}"),
                        None => a.into_owned(),
                    }
                });
            }
            (Some(Field::Price), v) => draft.price = scalar_text(v).map(Cow::into_owned),
            (Some(Field::Stock), v) => draft.stock = scalar_text(v).map(Cow::into_owned),
            (Some(Field::Attributes), Value::Object(map)) => {
                for (name, value) in map {
                    if let (Some(key), Some(text)) = (attribute_key(name), scalar_text(value)) {
                        attributes.insert(key, text.trim().to_owned());
                    }
                }
            }
            (Some(Field::Attribute(name)), v) => {
                if let Some(text) = scalar_text(v) {
                    attributes.insert(name, text.trim().to_owned());
                }
            }
            _ => {}
        }
    }
    if draft.sku.is_empty() {
        return Err(FieldError::new(field("sku"), "every variant needs a SKU"));
    }
    if draft.title == Localized::default() {
        draft.title.en = attributes.values().cloned().collect::<Vec<_>>().join(" / ");
    }
    draft.attributes = attributes;
    Ok(draft)
}
