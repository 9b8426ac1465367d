//! Conversations in a real Redis that is stopped and started again: the
//! gateway keeps answering from session memory, `/readyz` says the store is
//! down, and once Redis is back turns are written again, so another gateway
//! instance can resume the session.
//!
//! The test runs its own `redis-server` on a free port (the machine's shared
//! one on 6379 is used by other tests and must not be stopped).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, ensure};
use serde_json::json;

use crate::support::{Ws, gateway};

struct Redis {
    process: Option<Child>,
}

impl Redis {
    fn start(port: u16) -> anyhow::Result<Self> {
        let process = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("redis-server must be installed (.ci/run installs it)")?;
        let redis = Self {
            process: Some(process),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            ensure!(Instant::now() < deadline, "redis-server did not listen");
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(redis)
    }

    fn stop(&mut self) {
        if let Some(mut process) = self.process.take() {
            let _ = process.kill();
            let _ = process.wait();
        }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

#[tokio::test]
async fn redis_stopped_and_restarted() -> anyhow::Result<()> {
    let port = free_port()?;
    let mut redis = Redis::start(port)?;
    let url = [("REDIS_URL", format!("redis://127.0.0.1:{port}"))];
    let dir = tempfile::tempdir()?;
    let first = gateway(dir.path(), true, &url).await?;
    let http = reqwest::Client::new();
    let ready = |base: String| {
        let http = http.clone();
        async move {
            http.get(format!("{base}/readyz"))
                .send()
                .await
                .map(|r| r.status().as_u16())
        }
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while ready(first.http.clone()).await? != 200 {
        ensure!(Instant::now() < deadline, "never ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let mut ws = Ws::connect(&first.url).await?;
    let welcome = ws.hello(json!({ "locale": "fr-FR" })).await?;
    let session = welcome["session"].as_str().context("session")?.to_owned();
    let found = ws.say("1", "je cherche des foulards en soie").await?;
    ensure!(found["intent"] == "product.search", "{found}");

    redis.stop();
    // Served from session memory while Redis is down.
    let started = Instant::now();
    // "Two of those" after a list of several: which one is asked, never guessed.
    let mut added = ws.say("2", "ajoute-en deux au panier").await?;
    if added["data"]["question"].is_object() {
        added = ws.say("2b", "1").await?;
    }
    ensure!(
        added["intent"] == "basket.add" && added["data"]["items"][0]["quantity"] == 2,
        "{added}"
    );
    ensure!(
        started.elapsed() < Duration::from_secs(10),
        "a reply with Redis down took {:?}",
        started.elapsed()
    );
    ensure!(
        ready(first.http.clone()).await? == 503,
        "readyz reports the store down"
    );
    ensure!(
        first
            .gateway
            .store_degraded
            .load(std::sync::atomic::Ordering::Relaxed)
    );

    let _redis = Redis::start(port)?;
    // The connection manager reconnects by itself; the next turn is written.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let shown = ws.say("3", "mon panier").await?;
        ensure!(shown["intent"] == "basket.view", "{shown}");
        if !first
            .gateway
            .store_degraded
            .load(std::sync::atomic::Ordering::Relaxed)
        {
            break;
        }
        ensure!(Instant::now() < deadline, "the store never came back");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    ensure!(ready(first.http.clone()).await? == 200);

    // Another instance resumes from what was written after the restart.
    let second = gateway(dir.path(), true, &url).await?;
    let mut again = Ws::connect(&second.url).await?;
    let resumed = again.hello(json!({ "session": session })).await?;
    ensure!(
        resumed["session"] == session.as_str() && resumed["locale"] == "fr-FR",
        "{resumed}"
    );
    let basket = again.say("4", "qu'y a-t-il dans mon panier ?").await?;
    ensure!(
        basket["intent"] == "basket.view" && basket["data"]["items"][0]["quantity"] == 2,
        "{basket}"
    );
    first.shutdown().await?;
    second.shutdown().await
}
