//! What the dialog step costs a chat message: the work between mcp-intent's
//! analysis and the storefront calls (reading corrections, changes of mind
//! and lists, resolving which product, picking a question's option), timed
//! on every user message of the dev conversation sets against a dialog with
//! a list shown, a product in focus, a basket of three lines and an open
//! question. The analysis and the tool calls are not counted (`load` times
//! whole messages).
//!
//! ```sh
//! cargo run --release -p mcp-gateway --example dialog_step -- [ROUNDS]
//! ```

#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use mcp_gateway::dialog::intent::Entities;
use mcp_gateway::dialog::resolve::{self, Scope};
use mcp_gateway::dialog::state::{Action, Basket, Dialog, Item, Line, Question, Search};

fn item(sku: &str, title: &str) -> Item {
    Item {
        id: format!("prd_{sku}"),
        sku: sku.to_owned(),
        title: title.to_owned(),
        price: None,
        stock: Some(10),
    }
}

/// A dialog in the middle of a conversation.
fn dialog() -> Dialog {
    let shown = vec![
        item("MUG-WAVE-01", "The Great Wave stoneware mug"),
        item("MUG-SUNFL-01", "Sunflowers mug"),
        item("MUG-KISS-01", "The Kiss mug"),
        item("MUG-EGYPT-01", "Eye of Horus mug"),
        item("MUG-ALMOND-01", "Almond Blossom mug"),
    ];
    let lines = [
        "PC-SUNFL-01 Sunflowers postcard",
        "TOTE-HOKU-01 Red Fuji tote bag",
    ]
    .iter()
    .filter_map(|l| l.split_once(' '))
    .map(|(sku, title)| item(sku, title))
    .chain(shown.first().cloned())
    .map(|item| Line { item, quantity: 2 })
    .collect();
    Dialog {
        search: Some(Search {
            query: "mugs".into(),
            ..Search::default()
        }),
        focus: shown.get(1).cloned(),
        question: Some(Question {
            action: Action::Add { quantity: 1 },
            options: shown.clone(),
            name: None,
        }),
        shown,
        basket: Some(Basket {
            id: "bsk_1".into(),
            lines,
            last: Some("prd_PC-SUNFL-01".into()),
        }),
        ..Dialog::default()
    }
}

/// The dialog step's reading of one message.
fn step(dialog: &Dialog, message: &str) -> usize {
    let mut work = 0;
    work += resolve::bare_quantity(message).map_or(0, |_| 1);
    work += usize::from(resolve::changes_mind(message));
    work += resolve::several(message).map_or(0, |p| p.len());
    work += usize::from(resolve::counted_list(message));
    work += resolve::counted_one(message).map_or(0, |_| 1);
    let entities = Entities {
        name: Some(message.to_owned()),
        ..Entities::default()
    };
    if let Some(question) = &dialog.question {
        work += resolve::pick_option(question, &entities, message).map_or(0, |_| 1);
    }
    for scope in [Scope::Catalog, Scope::Basket] {
        if let resolve::Target::One(item) = resolve::resolve(dialog, &entities, message, scope) {
            work += resolve::names_another(message, &item).map_or(1, |_| 2);
        }
    }
    work
}

fn main() -> anyhow::Result<()> {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|r| r.parse())
        .transpose()?
        .unwrap_or(20);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/conversations");
    let mut messages = Vec::new();
    for set in ["dev.jsonl", "dev2.jsonl"] {
        let text = std::fs::read_to_string(format!("{dir}/{set}"))?;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let conversation: serde_json::Value = serde_json::from_str(line)?;
            for turn in conversation["turns"].as_array().into_iter().flatten() {
                if let Some(user) = turn["user"].as_str() {
                    messages.push(user.to_owned());
                }
            }
        }
    }
    let dialog = dialog();
    let mut times: Vec<Duration> = Vec::with_capacity(messages.len() * rounds);
    let mut work = 0;
    for _ in 0..rounds {
        for message in &messages {
            let start = Instant::now();
            work += step(&dialog, message);
            times.push(start.elapsed());
        }
    }
    times.sort_unstable();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "dialog step over {} messages × {rounds} rounds: p50 {:?}, p99 {:?}, max {:?} (work {work})",
        messages.len(),
        at(0.5),
        at(0.99),
        times.last().copied().unwrap_or_default()
    );
    Ok(())
}
