//! What the gateway tells an admin after an admin tool ran: mcp-admin's
//! product tools and imports, and mcp-notify's sends.
//!
//! The field names are those of mcp-admin's `views.rs` (`ProductView` is
//! the API product flattened: `title` per language, `price` as
//! `{ amount, currency }`, `published`; `Deleted`; `ImportReport`) and of
//! mcp-notify's `SendOutcome`. Any field may be missing: the summary then
//! says less, never something wrong.

use serde_json::Value;

use super::l10n::{format, message, n, s};
use super::{Channel, count_of, lang_of, localized, money};
use museo_sdk::types::Lang;

/// A summary of `tool`'s structured `result` in the language of `locale`,
/// formatted for `channel`. Tools: `create_product`, `update_product`,
/// `delete_product`, `import_products` (and `get_import_job`, which returns
/// the same report), `send_email`, `send_sms`, `send_whatsapp`; any other
/// gets a plain "Done".
pub fn admin(tool: &str, result: &Value, locale: &str, channel: Channel) -> String {
    let lang = lang_of(locale);
    match tool {
        "create_product" => {
            let state = if result["published"] == true {
                "published"
            } else {
                "draft"
            };
            let head = format(
                lang,
                "admin-created",
                &[
                    ("product", s(product(result, lang, channel))),
                    ("state", s(state)),
                ],
            );
            with_facts(head, result, locale, channel)
        }
        "update_product" => {
            let head = format(
                lang,
                "admin-updated",
                &[("product", s(product(result, lang, channel)))],
            );
            with_facts(head, result, locale, channel)
        }
        "delete_product" => {
            let id = if result["deleted"] == false {
                "admin-not-deleted"
            } else {
                "admin-deleted"
            };
            format(lang, id, &[("product", s(product(result, lang, channel)))])
        }
        "import_products" | "get_import_job" => import(result, lang, channel),
        "send_email" | "send_sms" | "send_whatsapp" => sent(tool, result, lang, channel),
        _ => format(lang, "admin-done", &[("tool", s(channel.text(tool)))]),
    }
}

/// "**Title** (SKU)", or whichever of the two the result has.
fn product(result: &Value, lang: Lang, channel: Channel) -> String {
    let title = localized(&result["title"], lang);
    let sku = localized(&result["sku"], lang);
    match (title, sku) {
        (Some(title), Some(sku)) if title != sku => format!(
            "{} ({})",
            channel.bold(&channel.name(&title)),
            channel.text(&sku)
        ),
        (Some(name), _) | (None, Some(name)) => channel.bold(&channel.name(&name)),
        (None, None) => match localized(&result["id"], lang) {
            Some(id) => channel.text(&id),
            None => message(lang, "untitled"),
        },
    }
}

/// `head`, then the price and stock on a second line when the result has them.
fn with_facts(head: String, result: &Value, locale: &str, channel: Channel) -> String {
    let lang = lang_of(locale);
    let mut facts = Vec::new();
    if let Some(price) = money(&result["price"], locale) {
        facts.push(channel.text(&price));
    }
    match result["stock"].as_i64() {
        Some(stock) if stock > 0 => facts.push(format(lang, "stock-count", &[("count", n(stock))])),
        Some(_) => facts.push(message(lang, "out-of-stock")),
        None => {}
    }
    if facts.is_empty() {
        head
    } else {
        format!("{head}\n{}", facts.join(" · "))
    }
}

/// An `ImportReport`: the outcome, the counts, why it stopped, the first
/// failed rows and the file's warnings.
fn import(result: &Value, lang: Lang, channel: Channel) -> String {
    let status = result["status"].as_str().unwrap_or("done");
    if status == "running" {
        let job = result["job_id"].as_str().unwrap_or("?");
        return format(
            lang,
            "admin-import-running",
            &[("job", s(channel.text(job)))],
        );
    }
    let mut lines = Vec::new();
    match status {
        "cancelled" => {
            let rows = result["rows_read"].as_i64().unwrap_or(0);
            lines.push(format(lang, "admin-import-cancelled", &[("rows", n(rows))]));
        }
        "failed" => lines.push(message(lang, "admin-import-failed")),
        _ => {}
    }
    let failures = result["failed"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let failed = result["failed_count"]
        .as_i64()
        .or_else(|| result["failed"].as_i64())
        .unwrap_or_else(|| count_of(failures.len()));
    let counts = [
        ("created", n(result["created"].as_i64().unwrap_or(0))),
        ("updated", n(result["updated"].as_i64().unwrap_or(0))),
        ("unchanged", n(result["unchanged"].as_i64().unwrap_or(0))),
        ("failed", n(failed)),
    ];
    let counts_id = match (result["dry_run"] == true, status) {
        (true, _) => "admin-import-dry",
        (false, "cancelled" | "failed") => "admin-import-partial",
        (false, _) => "admin-import-done",
    };
    lines.push(format(lang, counts_id, &counts));
    if let Some(reason) = result["stopped"].as_str().filter(|r| !r.trim().is_empty()) {
        lines.push(format(
            lang,
            "admin-import-stopped",
            &[("reason", s(channel.text(reason)))],
        ));
    }
    let limit = channel.list_limit().min(5);
    let shown = failures.len().min(limit);
    for failure in &failures[..shown] {
        let row = failure["row"].as_i64().unwrap_or(0);
        let error = failure["error"].as_str().unwrap_or("?");
        lines.push(format!(
            "- {}",
            format(
                lang,
                "admin-import-failure",
                &[("row", n(row)), ("error", s(channel.text(error)))],
            )
        ));
    }
    let more = failed - count_of(shown);
    if shown > 0 && more > 0 {
        lines.push(format(
            lang,
            "admin-import-more-failures",
            &[("count", n(more))],
        ));
    }
    for warning in result["warnings"]
        .as_array()
        .into_iter()
        .flatten()
        .take(limit.min(3))
    {
        if let Some(warning) = warning.as_str().filter(|w| !w.trim().is_empty()) {
            lines.push(format!("⚠ {}", channel.text(warning)));
        }
    }
    lines.join("\n")
}

/// A `SendOutcome`: what went to whom and where it is now.
fn sent(tool: &str, result: &Value, lang: Lang, channel: Channel) -> String {
    let kind = match result["channel"].as_str() {
        Some(kind @ ("email" | "sms" | "whatsapp")) => kind,
        _ => match tool {
            "send_sms" => "sms",
            "send_whatsapp" => "whatsapp",
            _ => "email",
        },
    };
    let to = result["to"]
        .as_str()
        .filter(|t| !t.trim().is_empty())
        .map_or_else(|| "?".to_owned(), |t| channel.text(t));
    let status = result["status"]
        .as_str()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or("unknown");
    let status = format(
        lang,
        "notify-status",
        &[("status", s(channel.text(status)))],
    );
    let mut lines = vec![format(
        lang,
        "notify-sent",
        &[("channel", s(kind)), ("to", s(to)), ("status", s(status))],
    )];
    if result["duplicate"] == true {
        lines.push(message(lang, "notify-duplicate"));
    }
    if result["provider"] == "outbox" {
        lines.push(message(lang, "notify-outbox"));
    }
    if let Some(id) = result["message_id"]
        .as_str()
        .filter(|t| !t.trim().is_empty())
    {
        lines.push(format(lang, "notify-id", &[("id", s(channel.text(id)))]));
    }
    lines.join("\n")
}
