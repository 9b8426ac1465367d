//! Whole conversations over the real WebSocket, judged turn by turn with
//! the `converse` example's judge: each behaviour of the dialog engine in
//! three languages, and every conversation set in `data/conversations/`
//! with no basket change that nobody asked for.

#[path = "../../examples/converse/judge.rs"]
#[allow(dead_code)]
mod judge;

use anyhow::ensure;

use crate::support::gateway;

/// Plays `set` on a fresh in-process gateway; the verdicts.
async fn play_all(set: &[judge::Conversation]) -> anyhow::Result<Vec<judge::Played>> {
    let dir = tempfile::tempdir()?;
    let running = gateway(dir.path(), true, &[]).await?;
    let mut played = Vec::new();
    for conversation in set {
        played.push(judge::play(&running.url, conversation).await?);
    }
    running.shutdown().await?;
    Ok(played)
}

fn failures(set: &[judge::Conversation], played: &[judge::Played]) -> Vec<String> {
    let mut out = Vec::new();
    for (c, p) in set.iter().zip(played) {
        for (spec, t) in c.turns.iter().zip(&p.turns) {
            if !t.ok {
                out.push(format!(
                    "{} {:?} → {} {:?}: {}",
                    c.id,
                    spec.user,
                    t.intent,
                    t.text,
                    t.problems.join("; ")
                ));
            }
        }
    }
    out
}

/// Every turn of every conversation right.
async fn all_right(jsonl: &str) -> anyhow::Result<()> {
    let set = judge::read_set(jsonl)?;
    let played = play_all(&set).await?;
    let failed = failures(&set, &played);
    ensure!(failed.is_empty(), "{}", failed.join("\n"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_set_changes_no_basket_that_nobody_asked_to_change() -> anyhow::Result<()> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/conversations");
    let mut sets = 0;
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        sets += 1;
        let set = judge::read_set(&std::fs::read_to_string(&path)?)?;
        let played = play_all(&set).await?;
        let figures = judge::tally(&played);
        let all = figures["all"];
        // Blind sets are reported in aggregate only: counts, never turns.
        ensure!(
            all.wrong_actions == 0,
            "{}: {} basket changes nobody asked for",
            path.display(),
            all.wrong_actions
        );
    }
    ensure!(sets >= 2, "the dev set and at least one blind set");
    Ok(())
}
