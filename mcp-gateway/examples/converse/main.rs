//! Plays a set of whole shopping conversations against a running gateway
//! and prints, per language and overall: turns right, whole conversations
//! right, and wrong actions (basket changes nobody asked for).
//!
//! ```sh
//! cargo run --release -p mcp-gateway                                  # the system
//! cargo run --release -p mcp-gateway --example converse -- dev        # another terminal
//! cargo run --release -p mcp-gateway --example converse -- dev --failures
//! cargo run --release -p mcp-gateway --example converse -- blind1     # aggregate only
//! ```
//!
//! SET is a name in `mcp-gateway/data/conversations/` (`dev`, `blind1`) or a
//! path to a JSON-lines file. `--url` points elsewhere than
//! `ws://127.0.0.1:3300/ws`. `--failures` prints each failed turn with the
//! reply; it is refused for blind sets, which are measured in aggregate
//! only. Exits non-zero when a wrong action happened.

#![allow(clippy::print_stdout)]

mod judge;

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::Parser;

#[derive(Parser)]
struct Args {
    /// The set: `dev`, `blind1`… or a path.
    set: String,
    /// The gateway's WebSocket URL.
    #[arg(long, default_value = "ws://127.0.0.1:3300/ws")]
    url: String,
    /// Print every failed turn (not for blind sets).
    #[arg(long)]
    failures: bool,
    /// Conversations played at once.
    #[arg(long, default_value_t = 4)]
    parallel: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let path = if args.set.ends_with(".jsonl") {
        PathBuf::from(&args.set)
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("data/conversations")
            .join(format!("{}.jsonl", args.set))
    };
    let blind = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("blind"));
    if blind && args.failures {
        bail!("blind sets are measured in aggregate only: no --failures");
    }
    let text = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
    let set = judge::read_set(&text)?;
    let mut played = Vec::with_capacity(set.len());
    for chunk in set.chunks(args.parallel.max(1)) {
        let runs = chunk.iter().map(|c| judge::play(&args.url, c));
        for (conversation, result) in chunk.iter().zip(futures::future::join_all(runs).await) {
            played.push(result.with_context(|| conversation.id.clone())?);
        }
    }
    if args.failures {
        for (p, c) in played.iter().zip(&set) {
            for (i, (t, spec)) in p.turns.iter().zip(&c.turns).enumerate() {
                if !t.ok {
                    println!(
                        "{} turn {} {:?} ({})\n  got {}: {}\n  {}{}\n",
                        p.id,
                        i + 1,
                        spec.user,
                        c.note.as_deref().unwrap_or_default(),
                        t.intent,
                        t.text.replace('\n', " ⏎ "),
                        t.problems.join("; "),
                        if t.wrong_action {
                            "  ** WRONG ACTION **"
                        } else {
                            ""
                        }
                    );
                }
            }
        }
    }
    println!("set {}: {} conversations", path.display(), set.len());
    println!(
        "{:<5} {:>16} {:>22} {:>14}",
        "lang", "turns right", "conversations right", "wrong actions"
    );
    let figures = judge::tally(&played);
    for (lang, f) in &figures {
        println!(
            "{:<5} {:>5}/{:<4} {:>5.1} % {:>7}/{:<4} {:>5.1} % {:>14}",
            lang,
            f.turns_ok,
            f.turns,
            f.turn_rate(),
            f.conversations_ok,
            f.conversations,
            f.conversation_rate(),
            f.wrong_actions
        );
    }
    if figures.get("all").is_some_and(|f| f.wrong_actions > 0) {
        bail!("basket changes nobody asked for");
    }
    Ok(())
}
