//! The gateway's messages: `locales/{en,es,fr}/gateway.ftl`, compiled in and
//! parsed once into thread-safe Fluent bundles.
//!
//! Unicode isolation marks are off: the text goes to chat apps, where the
//! invisible FSI/PDI characters around every argument would end up in
//! copied SKUs and URLs. A message missing from a language falls back to
//! English, then to its id, so a gap never breaks a reply (the unit tests
//! keep the three files in step).

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use museo_sdk::types::Lang;
use unic_langid::LanguageIdentifier;

/// The `.ftl` source of each language.
pub(super) fn source(lang: Lang) -> &'static str {
    match lang {
        Lang::En => include_str!("../../locales/en/gateway.ftl"),
        Lang::Es => include_str!("../../locales/es/gateway.ftl"),
        Lang::Fr => include_str!("../../locales/fr/gateway.ftl"),
    }
}

type Bundle = FluentBundle<FluentResource>;

/// One bundle per language, in [`Lang::ALL`] order.
static BUNDLES: LazyLock<[Bundle; 3]> = LazyLock::new(|| Lang::ALL.map(bundle));

fn bundle(lang: Lang) -> Bundle {
    let resource =
        FluentResource::try_new(source(lang).to_owned()).unwrap_or_else(|(partial, errors)| {
            tracing::error!(lang = lang.code(), ?errors, "gateway.ftl has syntax errors");
            partial
        });
    let id: LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    bundle.set_use_isolating(false);
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!(
            lang = lang.code(),
            ?errors,
            "gateway.ftl has duplicate messages"
        );
    }
    bundle
}

pub(super) fn bundle_for(lang: Lang) -> &'static Bundle {
    let index = match lang {
        Lang::En => 0,
        Lang::Es => 1,
        Lang::Fr => 2,
    };
    &BUNDLES[index]
}

/// Message `id` in `lang`, with no arguments.
pub(super) fn message(lang: Lang, id: &str) -> String {
    format(lang, id, &[])
}

/// Message `id` in `lang` with named arguments: strings already formatted
/// for the reader, numbers as numbers so plural variants can choose.
pub(super) fn format(lang: Lang, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let mut fluent_args = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        fluent_args.set(*name, value.clone());
    }
    for lang in [lang, Lang::En] {
        let bundle = bundle_for(lang);
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            continue;
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(
                lang = lang.code(),
                id,
                ?errors,
                "a gateway message did not format cleanly"
            );
        }
        return text.into_owned();
    }
    tracing::warn!(id, "no such gateway message");
    id.to_owned()
}

/// A string argument.
pub(super) fn s(value: impl Into<String>) -> FluentValue<'static> {
    FluentValue::from(value.into())
}

/// A number argument (counts, rows), which plural variants select on.
pub(super) fn n(value: i64) -> FluentValue<'static> {
    FluentValue::from(value)
}
