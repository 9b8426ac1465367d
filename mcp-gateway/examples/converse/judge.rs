//! Plays a conversation set over the gateway's WebSocket and judges every
//! turn against what the set expects (format: the README of
//! `mcp-gateway/data/conversations/`). Shared by the `converse` example and
//! the gateway's integration tests.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use anyhow::{Context as _, bail};
use futures::{SinkExt as _, StreamExt as _};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

/// One or several acceptable values.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    /// One.
    One(String),
    /// Any of these.
    Many(Vec<String>),
}

impl OneOrMany {
    fn accepts(&self, got: &str) -> bool {
        match self {
            OneOrMany::One(want) => want == got,
            OneOrMany::Many(wants) => wants.iter().any(|w| w == got),
        }
    }
}

/// A turn of a conversation and what must hold after it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TurnSpec {
    /// The shopper's message.
    pub user: String,
    /// The intent(s) the reply may report.
    #[serde(default)]
    pub intent: Option<OneOrMany>,
    /// The whole basket after the turn, `{SKU or placeholder: quantity}`.
    pub basket: BTreeMap<String, i64>,
    /// Whether the reply must (or must not) ask something.
    #[serde(default)]
    pub ask: Option<bool>,
    /// Texts the reply must contain (each may list `|` alternatives).
    #[serde(default)]
    pub say: Vec<String>,
    /// SKUs the reply must list.
    #[serde(default)]
    pub shows: Vec<String>,
    /// SKUs the reply must not list.
    #[serde(default)]
    pub not_shows: Vec<String>,
}

/// A conversation of a set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conversation {
    /// Unique id.
    pub id: String,
    /// `en`, `es` or `fr`.
    pub lang: String,
    /// The app's `hello` locale, if any.
    #[serde(default)]
    pub locale: Option<String>,
    /// What it exercises.
    #[serde(default)]
    pub note: Option<String>,
    /// Its turns.
    pub turns: Vec<TurnSpec>,
}

/// Reads a set (JSON lines).
pub fn read_set(text: &str) -> anyhow::Result<Vec<Conversation>> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).with_context(|| format!("line {}", i + 1)))
        .collect()
}

/// How one turn went.
#[derive(Debug, Clone)]
pub struct TurnVerdict {
    /// Everything held.
    pub ok: bool,
    /// The basket changed, and not by the change the turn expected: a
    /// change nobody asked for. (A right change on top of an earlier wrong
    /// turn is not counted again.)
    pub wrong_action: bool,
    /// What did not hold.
    pub problems: Vec<String>,
    /// The reply's intent.
    pub intent: String,
    /// The reply's text.
    pub text: String,
}

/// How one conversation went.
#[derive(Debug, Clone)]
pub struct Played {
    /// Its id.
    pub id: String,
    /// Its language.
    pub lang: String,
    /// Each turn.
    pub turns: Vec<TurnVerdict>,
}

impl Played {
    /// Every turn right.
    pub fn ok(&self) -> bool {
        self.turns.iter().all(|t| t.ok)
    }
}

/// Lowercase without accents, for `say`.
fn fold(text: &str) -> String {
    museo_sdk::parse::fold(text)
}

struct Client {
    stream: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    next_id: u64,
}

impl Client {
    async fn send(&mut self, frame: Value) -> anyhow::Result<()> {
        self.stream
            .send(Message::Text(frame.to_string().into()))
            .await?;
        Ok(())
    }

    async fn next(&mut self) -> anyhow::Result<Value> {
        loop {
            let message = tokio::time::timeout(Duration::from_secs(60), self.stream.next())
                .await
                .context("no frame within 60 s")?
                .context("connection closed")??;
            match message {
                Message::Text(text) => {
                    let frame: Value = serde_json::from_str(&text)?;
                    if frame["type"] != "progress" {
                        return Ok(frame);
                    }
                }
                Message::Close(frame) => bail!("closed: {frame:?}"),
                _ => {}
            }
        }
    }

    async fn request(&mut self, mut frame: Value) -> anyhow::Result<Value> {
        self.next_id += 1;
        let id = format!("t{}", self.next_id);
        frame["id"] = json!(id);
        self.send(frame).await?;
        loop {
            let answer = self.next().await?;
            if answer["id"] == id.as_str() {
                return Ok(answer);
            }
        }
    }
}

/// The basket's lines as `{SKU: quantity}`, read through a `call` frame.
async fn basket(
    client: &mut Client,
    basket_id: Option<&str>,
) -> anyhow::Result<BTreeMap<String, i64>> {
    let Some(basket_id) = basket_id else {
        return Ok(BTreeMap::new());
    };
    let result = client
        .request(json!({
            "type": "call", "server": "mcp-storefront", "tool": "view_basket",
            "arguments": { "basket_id": basket_id },
        }))
        .await?;
    if result["type"] != "result" || result["is_error"] == true {
        bail!("view_basket: {result}");
    }
    Ok(result["structured"]["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| Some((i["sku"].as_str()?.to_owned(), i["quantity"].as_i64()?)))
        .collect())
}

/// What went in and out of a basket: quantity differences by SKU.
fn change(from: &BTreeMap<String, i64>, to: &BTreeMap<String, i64>) -> BTreeMap<String, i64> {
    let mut delta = to.clone();
    for (sku, q) in from {
        *delta.entry(sku.clone()).or_insert(0) -= q;
    }
    delta.retain(|_, q| *q != 0);
    delta
}

/// Whether a basket change went beyond what was asked: a line changed that
/// the turn did not ask to change, changed the other way, or by more.
/// Doing part of what was asked (one of two products added) fails the turn
/// but changes nothing nobody asked for.
fn unasked(done: &BTreeMap<String, i64>, asked: &BTreeMap<String, i64>) -> bool {
    done.iter().any(|(sku, d)| {
        let a = asked.get(sku).copied().unwrap_or(0);
        a == 0 || a.signum() != d.signum() || d.abs() > a.abs()
    })
}

fn price(product: &Value) -> Option<f64> {
    product["price"]["amount"].as_str()?.parse().ok()
}

/// The SKU a placeholder names in `list`.
fn place(placeholder: &str, list: &[Value]) -> Option<String> {
    let body = placeholder.strip_prefix('@')?;
    let head: String = body.chars().take_while(|c| c.is_ascii_digit()).collect();
    let pick = if !head.is_empty() {
        list.get(head.parse::<usize>().ok()?.checked_sub(1)?)
    } else if body.starts_with("last") {
        list.last()
    } else if body.starts_with("cheapest") {
        list.iter().filter(|p| price(p).is_some()).min_by(|a, b| {
            price(a)
                .partial_cmp(&price(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
    } else if body.starts_with("dearest") {
        list.iter().filter(|p| price(p).is_some()).max_by(|a, b| {
            price(a)
                .partial_cmp(&price(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
    } else {
        None
    };
    pick.and_then(|p| p["sku"].as_str()).map(str::to_owned)
}

/// Plays `conversation` on a fresh session at `url`.
pub async fn play(url: &str, conversation: &Conversation) -> anyhow::Result<Played> {
    let (stream, _) = tokio_tungstenite::connect_async(url)
        .await
        .with_context(|| format!("connect {url}"))?;
    let mut client = Client { stream, next_id: 0 };
    let mut hello = json!({ "type": "hello", "channel": "cli" });
    if let Some(locale) = &conversation.locale {
        hello["locale"] = json!(locale);
    }
    client.send(hello).await?;
    let welcome = client.next().await?;
    if welcome["type"] != "welcome" {
        bail!("no welcome: {welcome}");
    }
    let mut basket_id: Option<String> = None;
    let mut list: Vec<Value> = Vec::new();
    let mut bound: HashMap<String, Option<String>> = HashMap::new();
    let mut before = BTreeMap::new();
    let mut wanted_before = BTreeMap::new();
    let mut turns = Vec::new();
    for spec in &conversation.turns {
        let mut problems = Vec::new();
        // Placeholders are bound against the list shown before this turn.
        let mut sku = |name: &str, problems: &mut Vec<String>| -> String {
            if !name.starts_with('@') {
                return name.to_owned();
            }
            let got = bound
                .entry(name.to_owned())
                .or_insert_with(|| place(name, &list))
                .clone();
            got.unwrap_or_else(|| {
                problems.push(format!("placeholder {name} names nothing shown"));
                format!("(unbound {name})")
            })
        };
        let want: BTreeMap<String, i64> = spec
            .basket
            .iter()
            .map(|(k, q)| (sku(k, &mut problems), *q))
            .collect();
        let shows: Vec<String> = spec.shows.iter().map(|s| sku(s, &mut problems)).collect();
        let not_shows: Vec<String> = spec
            .not_shows
            .iter()
            .map(|s| sku(s, &mut problems))
            .collect();
        let reply = client
            .request(json!({ "type": "message", "text": spec.user }))
            .await?;
        let intent = reply["intent"].as_str().unwrap_or_default().to_owned();
        let text = reply["text"]
            .as_str()
            .or_else(|| reply["message"].as_str())
            .unwrap_or_default()
            .to_owned();
        if reply["type"] != "reply" {
            problems.push(format!("no reply: {reply}"));
        }
        let data = &reply["data"];
        if let Some(id) = data["basket_id"].as_str() {
            basket_id = Some(id.to_owned());
        }
        let listed: Vec<Value> = data["products"].as_array().cloned().unwrap_or_default();
        // A product shown alone (its details) counts as shown too.
        let listed_skus: Vec<&str> = listed
            .iter()
            .filter_map(|p| p["sku"].as_str())
            .chain(
                data["description"]
                    .is_string()
                    .then(|| data["sku"].as_str())
                    .flatten(),
            )
            .collect();
        if let Some(want) = &spec.intent
            && !want.accepts(&intent)
        {
            problems.push(format!("intent {intent}, want {want:?}"));
        }
        let asked = text.contains('?');
        if let Some(ask) = spec.ask
            && ask != asked
        {
            problems.push(format!("asked: {asked}, want {ask}"));
        }
        let folded = fold(&text);
        for say in &spec.say {
            if !say.split('|').any(|alt| folded.contains(&fold(alt.trim()))) {
                problems.push(format!("reply lacks {say:?}"));
            }
        }
        for s in &shows {
            if !listed_skus.contains(&s.as_str()) {
                problems.push(format!("{s} not listed"));
            }
        }
        for s in &not_shows {
            if listed_skus.contains(&s.as_str()) {
                problems.push(format!("{s} listed"));
            }
        }
        let after = basket(&mut client, basket_id.as_deref()).await?;
        let wrong_action = unasked(&change(&before, &after), &change(&wanted_before, &want));
        if after != want {
            problems.push(format!("basket {after:?}, want {want:?}"));
        } else if wrong_action {
            // The basket came out right by a change not asked for: still wrong.
            problems.push(format!("basket changed {before:?} → {after:?}"));
        }
        if !listed.is_empty() {
            list = listed;
        }
        turns.push(TurnVerdict {
            ok: problems.is_empty(),
            wrong_action,
            problems,
            intent,
            text,
        });
        before = after;
        wanted_before = want;
    }
    Ok(Played {
        id: conversation.id.clone(),
        lang: conversation.lang.clone(),
        turns,
    })
}

/// Figures of a set, per language and overall.
#[derive(Debug, Default, Clone, Copy)]
pub struct Figures {
    /// Turns right.
    pub turns_ok: usize,
    /// Turns.
    pub turns: usize,
    /// Whole conversations right.
    pub conversations_ok: usize,
    /// Conversations.
    pub conversations: usize,
    /// Basket changes nobody asked for.
    pub wrong_actions: usize,
}

impl Figures {
    fn add(&mut self, played: &Played) {
        self.turns += played.turns.len();
        self.turns_ok += played.turns.iter().filter(|t| t.ok).count();
        self.conversations += 1;
        self.conversations_ok += usize::from(played.ok());
        self.wrong_actions += played.turns.iter().filter(|t| t.wrong_action).count();
    }

    /// Share of turns right, in percent.
    pub fn turn_rate(&self) -> f64 {
        100.0 * self.turns_ok as f64 / self.turns.max(1) as f64
    }

    /// Share of whole conversations right, in percent.
    pub fn conversation_rate(&self) -> f64 {
        100.0 * self.conversations_ok as f64 / self.conversations.max(1) as f64
    }
}

/// Figures per language (`all` for the whole set).
pub fn tally(played: &[Played]) -> BTreeMap<String, Figures> {
    let mut by = BTreeMap::new();
    for p in played {
        by.entry(p.lang.clone())
            .or_insert_with(Figures::default)
            .add(p);
        by.entry("all".to_owned())
            .or_insert_with(Figures::default)
            .add(p);
    }
    by
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basket(lines: &[(&str, i64)]) -> BTreeMap<String, i64> {
        lines.iter().map(|(s, q)| ((*s).to_owned(), *q)).collect()
    }

    #[test]
    fn part_of_what_was_asked_is_no_unasked_change() {
        let swap = basket(&[("OLD", -1), ("NEW", 1)]);
        assert!(!unasked(&basket(&[("NEW", 1)]), &swap), "half a swap");
        assert!(!unasked(&basket(&[]), &swap), "nothing done");
        assert!(unasked(&basket(&[("OTHER", 1)]), &swap), "another product");
        assert!(unasked(&basket(&[("NEW", 2)]), &swap), "more than asked");
        assert!(unasked(&basket(&[("OLD", 1)]), &swap), "the other way");
    }
}
