//! A small learned fallback: multinomial naive Bayes over words and word
//! pairs, trained at start-up on the labelled examples shipped in
//! `data/intents.jsonl` (about 500 messages; training takes milliseconds).
//!
//! The rules are precise but only know the phrasings they list; this model
//! generalises to new wordings of the same intents ("hiya", "how much do I
//! owe you"). It is consulted only when no rule is confident, it never
//! proposes an `admin.*` intent on its own (precision for admin beats
//! recall), and its confidence is capped below the rules'.

use std::collections::HashMap;

use serde::Deserialize;

use super::text::Text;
use crate::INTENTS;

const DATA: [&str; 8] = [
    include_str!("../../data/intents.jsonl"),
    include_str!("../../data/train_extra.jsonl"),
    include_str!("../../data/train_extra2.jsonl"),
    include_str!("../../data/train_extra3.jsonl"),
    include_str!("../../data/train_extra4.jsonl"),
    include_str!("../../data/train_extra5.jsonl"),
    include_str!("../../data/train_conv.jsonl"),
    include_str!("../../data/train_conv2.jsonl"),
];

#[derive(Deserialize)]
struct Example {
    message: String,
    intent: String,
    split: String,
    #[serde(default)]
    history: Option<serde_json::Value>,
}

/// The trained model.
#[derive(Debug, Default)]
pub struct Learned {
    counts: HashMap<String, [f64; INTENTS.len()]>,
    totals: [f64; INTENTS.len()],
    docs: [f64; INTENTS.len()],
}

/// Features of a message: its words and adjacent word pairs.
pub fn features(text: &Text) -> Vec<String> {
    let norms = text.norms();
    let mut out: Vec<String> = norms.iter().map(|w| (*w).to_owned()).collect();
    out.extend(norms.windows(2).map(|p| format!("{}_{}", p[0], p[1])));
    out
}

impl Learned {
    /// Trains on the shipped examples, tokenised with `tokenize`.
    pub fn train(tokenize: impl Fn(&str) -> Text) -> Self {
        let mut model = Self::default();
        for line in DATA
            .iter()
            .flat_map(|d| d.lines())
            .filter(|l| !l.trim().is_empty())
        {
            let Ok(example) = serde_json::from_str::<Example>(line) else {
                continue;
            };
            // Follow-ups depend on the conversation, not on their words; the
            // test split stays out so it keeps measuring something.
            if example.history.is_some() || !matches!(example.split.as_str(), "dev" | "train") {
                continue;
            }
            let Some(class) = INTENTS.iter().position(|i| *i == example.intent) else {
                continue;
            };
            model.docs[class] += 1.0;
            for feature in features(&tokenize(&example.message)) {
                model.counts.entry(feature).or_insert([0.0; INTENTS.len()])[class] += 1.0;
                model.totals[class] += 1.0;
            }
        }
        model
    }

    /// Class probabilities for a message, best first.
    pub fn predict(&self, text: &Text) -> Vec<(&'static str, f64)> {
        let vocabulary = self.counts.len() as f64 + 1.0;
        let documents: f64 = self.docs.iter().sum::<f64>().max(1.0);
        let mut scores = [0.0f64; INTENTS.len()];
        for (class, score) in scores.iter_mut().enumerate() {
            *score = ((self.docs[class] + 1.0) / (documents + INTENTS.len() as f64)).ln();
        }
        let features = features(text);
        let known: Vec<&[f64; INTENTS.len()]> =
            features.iter().filter_map(|f| self.counts.get(f)).collect();
        if known.is_empty() {
            return Vec::new();
        }
        for counts in known {
            for (class, score) in scores.iter_mut().enumerate() {
                *score += ((counts[class] + 0.5) / (self.totals[class] + 0.5 * vocabulary)).ln();
            }
        }
        let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = scores.iter().map(|s| (s - max).exp()).sum();
        let mut out: Vec<(&'static str, f64)> = INTENTS
            .iter()
            .zip(scores)
            .map(|(intent, s)| (*intent, (s - max).exp() / sum))
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out
    }
}
