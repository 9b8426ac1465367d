//! The importer end to end: against the fixture files in
//! `mcp-admin/tests/fixtures` (written by `make_fixtures.py` there), and
//! against generated streams for size and memory.

mod fixtures;
mod streams;

use std::path::PathBuf;

use museo_sdk::types::{Money, ProductInput};

use super::*;

pub(super) fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Everything an import gives, with the importer kept for its accessors.
pub(super) struct Run {
    pub(super) importer: Importer,
    pub(super) items: Vec<ImportItem>,
    pub(super) errors: Vec<RowError>,
}

impl Run {
    pub(super) fn item(&self, sku: &str) -> &ProductInput {
        &self
            .items
            .iter()
            .find(|i| i.input.sku.as_deref() == Some(sku))
            .unwrap_or_else(|| panic!("no item with SKU {sku}: {:#?}", self.items))
            .input
    }

    pub(super) fn rows(&self) -> Vec<u64> {
        self.items.iter().map(|i| i.row).collect()
    }

    pub(super) fn error_rows(&self) -> Vec<(u64, Option<&str>)> {
        self.errors
            .iter()
            .map(|e| (e.row, e.field.as_deref()))
            .collect()
    }
}

pub(super) fn run(importer: Importer) -> Run {
    let mut importer = importer;
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for next in importer.by_ref() {
        match next {
            Ok(item) => items.push(item),
            Err(error) => errors.push(error),
        }
    }
    Run {
        importer,
        items,
        errors,
    }
}

pub(super) fn open_fixture(name: &str) -> Run {
    let importer = Importer::open(Source::Path(fixture(name)), &ImportOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    run(importer)
}

pub(super) fn open_bytes(bytes: &[u8]) -> Result<Run, ImportError> {
    Importer::open(Source::Bytes(bytes.to_vec()), &ImportOptions::default()).map(run)
}

pub(super) fn money(amount: &str, currency: &str) -> Money {
    Money {
        amount: amount.to_owned(),
        currency: currency.to_owned(),
    }
}

pub(super) fn eur(amount: &str) -> Money {
    money(amount, "EUR")
}

pub(super) const CDN: &str = "https://cdn.example.com/products";
