//! Both status stores through one suite — the in-memory one and real Redis
//! (127.0.0.1:6379 or `REDIS_URL`, a key prefix per test, removed after) —
//! and two notifier instances sharing one Redis.

use std::sync::Arc;

use anyhow::{Context as _, ensure};
use jiff::Timestamp;
use mcp_notify::status::{Channel, Event, MessageRecord, Status, fold};
use mcp_notify::store::{Claim, MemoryStore, RedisStore, StatusStore, record_provider_event};
use secrecy::SecretString;
use serde_json::json;

use crate::support::{
    config, connect, drop_prefix, files, ok, redis_url, unique_prefix, wait_for_status,
};

fn record(id: &str) -> MessageRecord {
    MessageRecord {
        message_id: id.to_owned(),
        channel: Channel::Whatsapp,
        to: "+34612345678".to_owned(),
        provider: "whatsapp".to_owned(),
        provider_message_id: None,
        template: Some("order_confirmation".to_owned()),
        locale: "es-ES".to_owned(),
        created_at: Timestamp::now(),
        attempts: 1,
        fingerprint: "f".repeat(64),
        idempotency_key: None,
        outbox_path: None,
    }
}

async fn suite(store: &dyn StatusStore) -> anyhow::Result<()> {
    // Idempotency keys: the first claim wins.
    ensure!(store.claim_idempotency("key-1", "msg_a").await? == Claim::Claimed);
    ensure!(store.claim_idempotency("key-1", "msg_b").await? == Claim::Taken("msg_a".to_owned()));
    // Records round-trip.
    let saved = record("msg_a");
    store.put_message(&saved).await?;
    ensure!(store.get_message("msg_a").await? == Some(saved));
    ensure!(store.get_message("msg_missing").await?.is_none());
    // Histories: duplicates dropped, order kept, status folded monotonically.
    for status in [Status::Queued, Status::Accepted] {
        ensure!(
            store
                .append_event("msg_a", &Event::now(status, "whatsapp"))
                .await?
        );
    }
    ensure!(
        !store
            .append_event("msg_a", &Event::now(Status::Accepted, "whatsapp"))
            .await?,
        "duplicate appended"
    );
    store.link_provider("whatsapp", "wamid.A", "msg_a").await?;
    for status in [
        Status::Read,
        Status::Delivered,
        Status::Read,
        Status::Failed,
    ] {
        let event = Event::now(status, "whatsapp").with_error("late");
        ensure!(
            record_provider_event(store, "whatsapp", "wamid.A", &event).await?
                == Some("msg_a".to_owned())
        );
    }
    let history = store.history("msg_a").await?;
    let order: Vec<Status> = history.iter().map(|e| e.status).collect();
    ensure!(
        order
            == [
                Status::Queued,
                Status::Accepted,
                Status::Read,
                Status::Delivered,
                Status::Failed
            ],
        "{order:?}"
    );
    ensure!(fold(&history).0 == Some(Status::Read));
    // A report before the link is parked, then moved in by the link.
    let early = Event::now(Status::Sent, "twilio");
    ensure!(
        record_provider_event(store, "twilio", "SM1", &early)
            .await?
            .is_none()
    );
    ensure!(store.history("msg_b").await?.is_empty());
    store
        .append_event("msg_b", &Event::now(Status::Accepted, "twilio"))
        .await?;
    store.link_provider("twilio", "SM1", "msg_b").await?;
    let history = store.history("msg_b").await?;
    ensure!(
        history.iter().map(|e| e.status).collect::<Vec<_>>() == [Status::Accepted, Status::Sent],
        "{history:?}"
    );
    ensure!(store.find_by_provider("twilio", "SM1").await? == Some("msg_b".to_owned()));
    // Linking again does not replay anything.
    store.link_provider("twilio", "SM1", "msg_b").await?;
    ensure!(store.history("msg_b").await?.len() == 2);
    // Inbound times: the latest wins, whatever the arrival order.
    let later = Timestamp::from_second(1_750_000_000)?;
    let earlier = Timestamp::from_second(1_749_000_000)?;
    store.note_inbound("+34612345678", later).await?;
    store.note_inbound("+34612345678", earlier).await?;
    ensure!(store.last_inbound("+34612345678").await? == Some(later));
    ensure!(store.last_inbound("+33612345678").await?.is_none());
    Ok(())
}

#[tokio::test]
async fn the_memory_store_keeps_the_rules() -> anyhow::Result<()> {
    suite(&MemoryStore::new()).await
}

#[tokio::test]
async fn the_redis_store_keeps_the_rules() -> anyhow::Result<()> {
    let prefix = unique_prefix("suite");
    let store = RedisStore::connect(&redis_url(), &prefix)
        .await
        .context("Redis must run on 127.0.0.1:6379 (or REDIS_URL) for these tests")?;
    let result = suite(&store).await;
    drop_prefix(&prefix).await?;
    result
}

#[tokio::test]
async fn concurrent_reports_to_redis_are_each_recorded_once() -> anyhow::Result<()> {
    let prefix = unique_prefix("race");
    let store = Arc::new(RedisStore::connect(&redis_url(), &prefix).await?);
    store.link_provider("whatsapp", "wamid.R", "msg_r").await?;
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let status = [
                    Status::Sent,
                    Status::Delivered,
                    Status::Read,
                    Status::Delivered,
                ][i % 4];
                record_provider_event(
                    store.as_ref(),
                    "whatsapp",
                    "wamid.R",
                    &Event::now(status, "whatsapp"),
                )
                .await
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    let history = store.history("msg_r").await?;
    let result = (|| {
        ensure!(history.len() == 3, "{history:?}");
        ensure!(fold(&history).0 == Some(Status::Read));
        Ok(())
    })();
    drop_prefix(&prefix).await?;
    result
}

#[tokio::test]
async fn two_instances_share_statuses_and_idempotency_through_redis() -> anyhow::Result<()> {
    let prefix = unique_prefix("instances");
    let dir = tempfile::tempdir()?;
    let mut config = config(dir.path());
    config.redis_url = Some(SecretString::from(redis_url()));
    config.redis_prefix = prefix.clone();
    let first = mcp_notify::build(&config).await?;
    let second = mcp_notify::build(&config).await?;
    let (a, b) = (connect(&first).await?, connect(&second).await?);
    let result = async {
        let args = json!({ "to": "ana@example.com", "subject": "Hola", "text": "Tu pedido está listo.", "idempotency_key": "shared-1", "locale": "es" });
        let sent = ok(&a, "send_email", args.clone()).await?;
        let again = ok(&b, "send_email", args).await?;
        ensure!(again["message_id"] == sent["message_id"] && again["duplicate"] == true, "{again}");
        let id = sent["message_id"].as_str().context("id")?;
        let report = wait_for_status(&b, id, "delivered").await?;
        ensure!(report["locale"] == "es-ES" && report["channel"] == "email", "{report}");
        ensure!(files(dir.path(), "eml", 1).await?.len() == 1, "sent twice");
        Ok(())
    }
    .await;
    drop_prefix(&prefix).await?;
    result
}

#[tokio::test]
async fn an_unreachable_redis_stops_the_start_with_its_name() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut config = config(dir.path());
    config.redis_url = Some(SecretString::from("redis://127.0.0.1:1/".to_owned()));
    let error = mcp_notify::build(&config)
        .await
        .expect_err("no Redis on port 1");
    ensure!(format!("{error:#}").contains("REDIS_URL"), "{error:#}");
    Ok(())
}
