//! What earlier turns tell about the current one: the products last shown,
//! the product in focus, the last search, and what the assistant just asked.

use museo_sdk::types::Lang;
use serde_json::{Map, Value};

use crate::analyze::{Role, Turn};

/// A product shown in an earlier turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// Its SKU (what `product_ref` resolves to).
    pub sku: String,
    /// Its title as shown (empty when the turn gave none).
    pub title: String,
}

/// What the assistant's last message asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// "Do you want the payment link?"
    PaymentLink,
    /// "Shall I add it to your basket?"
    AddToBasket,
    /// "Anything else?"
    AnythingElse,
    /// "Which one do you mean?" with the candidates listed: the next turn
    /// picks one for the request the user made before.
    WhichOne,
    /// The assistant refused a basket change (out of stock, not enough
    /// left): the next quantity or product is a new try at adding.
    Refused,
    /// "What is your order number?"
    OrderNumber,
}

/// The conversation so far, digested.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The last list of products shown, in order.
    pub shown: Vec<Shown>,
    /// The intent of the last user turn.
    pub last_intent: Option<String>,
    /// The entities of the last search.
    pub last_search: Option<Map<String, Value>>,
    /// What the assistant just offered.
    pub offer: Option<Offer>,
    /// The language the user wrote in before.
    pub lang: Option<Lang>,
    /// The product the assistant last spoke about (an assistant turn's
    /// `product_ref` entity), when it is not simply the first one shown.
    pub focused: Option<String>,
    /// Some user turn put a product in the basket or changed a line
    /// (`basket.add` / `basket.update`): the basket has been filled.
    pub basket_filled: bool,
    /// The user turn before the last one asked to change the basket
    /// (a question in between: "add the mug" / "is it big?" / "make it 2").
    pub basket_change_before: bool,
}

impl Context {
    /// Digests `history` (oldest first).
    pub fn from_history(history: &[Turn]) -> Self {
        let mut ctx = Self::default();
        for turn in history {
            match turn.role {
                Role::Assistant => {
                    if let Some(products) = turn
                        .entities
                        .as_ref()
                        .and_then(|e| e.get("products"))
                        .and_then(Value::as_array)
                    {
                        let shown: Vec<Shown> = products
                            .iter()
                            .filter_map(|p| {
                                let sku = p
                                    .get("sku")
                                    .or_else(|| p.get("id"))
                                    .and_then(Value::as_str)?;
                                let title = p
                                    .get("title")
                                    .and_then(Value::as_str)
                                    .unwrap_or_default()
                                    .to_owned();
                                Some(Shown {
                                    sku: sku.to_owned(),
                                    title,
                                })
                            })
                            .collect();
                        if !shown.is_empty() {
                            ctx.shown = shown;
                            ctx.focused = None;
                        }
                    }
                    if let Some(focus) = turn
                        .entities
                        .as_ref()
                        .and_then(|e| e.get("product_ref"))
                        .and_then(Value::as_str)
                        .filter(|f| !f.trim().is_empty())
                    {
                        ctx.focused = Some(focus.to_owned());
                    }
                    ctx.offer = offer(&turn.text);
                }
                Role::User => {
                    ctx.basket_change_before = matches!(
                        ctx.last_intent.as_deref(),
                        Some("basket.add" | "basket.update" | "basket.remove")
                    );
                    ctx.last_intent.clone_from(&turn.intent);
                    if matches!(turn.intent.as_deref(), Some("basket.add" | "basket.update")) {
                        ctx.basket_filled = true;
                    }
                    if turn.intent.as_deref() == Some("product.search") {
                        // A dialog engine sends the intent without entities:
                        // the search still happened.
                        ctx.last_search = Some(turn.entities.clone().unwrap_or_default());
                    }
                    ctx.offer = None;
                }
            }
        }
        // The conversation's language: that of the last user turn long
        // enough to tell (detecting every turn would cost for nothing).
        if let Some(turn) = history
            .iter()
            .rev()
            .filter(|t| t.role == Role::User)
            .find(|t| t.text.split_whitespace().count() > 2)
        {
            let folded = museo_sdk::parse::fold(&turn.text);
            let words = museo_sdk::parse::words(&folded);
            ctx.lang = Some(super::language::detect(&turn.text, &words, None, None));
        }
        ctx
    }

    /// The product an ordinal points at (`-1` = last).
    pub fn ordinal(&self, index: i32) -> Option<&str> {
        let i = if index < 0 {
            self.shown.len().checked_sub(1)?
        } else {
            index as usize
        };
        self.shown.get(i).map(|s| s.sku.as_str())
    }

    /// Whether `words` name one of the products shown: every content word
    /// (three letters or more, not a determiner) starts a word of its
    /// title, or the reverse ("nenufares" / "Nenúfares", "pegatinas").
    pub fn names_shown(&self, words: &[&str]) -> bool {
        const SKIP: &[&str] = &[
            "the", "one", "ones", "los", "las", "del", "une", "des", "les", "celui", "celle",
            "ceux", "celles", "please", "pls", "then", "too", "also", "with", "con", "avec",
        ];
        let content: Vec<&str> = words
            .iter()
            .copied()
            .filter(|w| w.chars().count() >= 3 && !SKIP.contains(w))
            .collect();
        if content.is_empty() {
            return false;
        }
        let matches = |title: &str| {
            let folded = museo_sdk::parse::fold(title);
            let words: Vec<&str> = folded
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            content.iter().all(|w| {
                words
                    .iter()
                    .any(|t| t.len() >= 3 && (t.starts_with(w) || w.starts_with(t)) || t == w)
            })
        };
        self.shown
            .iter()
            .filter(|s| !s.title.is_empty() && matches(&s.title))
            .count()
            == 1
    }

    /// The product "it"/"those" points at: the one the assistant last spoke
    /// about, else the only one shown, or the first.
    pub fn focus(&self) -> Option<&str> {
        self.focused
            .as_deref()
            .or_else(|| self.shown.first().map(|s| s.sku.as_str()))
    }
}

fn offer(text: &str) -> Option<Offer> {
    let t = museo_sdk::parse::fold(text);
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if has(&[
        "payment link",
        "enlace de pago",
        "lien de paiement",
        "pay now",
        "pagar ahora",
        "payer maintenant",
    ]) {
        Some(Offer::PaymentLink)
    } else if has(&[
        "add it",
        "to your basket",
        "a tu cesta",
        "a tu carrito",
        "au panier",
        "a votre panier",
        "anadirlo",
        "l ajouter",
    ]) && text.contains('?')
    {
        Some(Offer::AddToBasket)
    } else if has(&[
        "which one do you mean",
        "which product do you mean",
        "reply with its number",
        "cual quieres decir",
        "cual de ellos",
        "responde con su numero",
        "lequel voulez",
        "laquelle voulez",
        "repondez avec son numero",
    ]) {
        Some(Offer::WhichOne)
    } else if has(&[
        "out of stock",
        "left in stock",
        "agotado",
        "agotada",
        "solo queda",
        "solo quedan",
        "rupture de stock",
        "il ne reste",
    ]) {
        Some(Offer::Refused)
    } else if has(&["order number", "numero de pedido", "numero de commande"]) {
        Some(Offer::OrderNumber)
    } else if has(&["anything else", "algo mas", "autre chose"]) {
        Some(Offer::AnythingElse)
    } else {
        None
    }
}
