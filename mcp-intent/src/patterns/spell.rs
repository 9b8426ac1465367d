//! Spelling correction against the vocabulary the rules use.
//!
//! A word the rules do not know is replaced by a known word at
//! Damerau-Levenshtein distance 1 ("serch" → "search", "baskte" → "basket",
//! "panir" → "panier"), found through a deletion index (SymSpell's idea): every
//! known word is stored under itself and each of its one-letter deletions,
//! so a lookup costs a handful of hash probes instead of a scan of the
//! vocabulary. Short words (under 4 letters) and numbers are left alone:
//! at that length one edit turns any word into another.

use std::collections::{HashMap, HashSet};

/// The speller.
#[derive(Debug, Default)]
pub struct Speller {
    known: HashSet<String>,
    deletions: HashMap<String, Vec<String>>,
}

fn deletions(word: &str) -> impl Iterator<Item = String> + '_ {
    let chars: Vec<char> = word.chars().collect();
    (0..chars.len()).map(move |skip| {
        chars
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, c)| *c)
            .collect()
    })
}

fn is_transposition(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() != b.len() {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|i| a[*i] != b[*i]).collect();
    diff.len() == 2
        && diff[1] == diff[0] + 1
        && a[diff[0]] == b[diff[1]]
        && a[diff[1]] == b[diff[0]]
}

/// Damerau-Levenshtein distance (optimal string alignment), capped at 2.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 1 {
        return 2;
    }
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()].min(2)
}

impl Speller {
    /// A speller correcting towards `targets` (folded; phrases are split),
    /// which also leaves the words of `known` alone without ever correcting
    /// towards them (ordinary words such as "carte" must not become "cart").
    pub fn new<'a>(
        targets: impl IntoIterator<Item = &'a str>,
        known: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let mut speller = Self::default();
        for phrase in targets {
            for word in phrase
                .trim_end_matches('*')
                .split(' ')
                .filter(|w| !w.is_empty())
            {
                speller.add(word);
            }
        }
        for word in known {
            speller.known.insert(word.to_owned());
        }
        speller
    }

    fn add(&mut self, word: &str) {
        if !self.known.insert(word.to_owned()) || word.chars().count() < 4 {
            return;
        }
        for deletion in deletions(word) {
            self.deletions
                .entry(deletion)
                .or_default()
                .push(word.to_owned());
        }
    }

    /// The known word closest to `word` within one edit, or `word` itself.
    pub fn correct(&self, word: &str) -> String {
        let n = word.chars().count();
        if n < 4
            || self.known.contains(word)
            || word.chars().any(|c| c.is_ascii_digit() || c == '@')
        {
            return word.to_owned();
        }
        // Chat spelling of Spanish "qu" ("kita" → "quita", "ke" → "que").
        if let Some(rest) = word.strip_prefix('k') {
            let respelled = format!("qu{rest}");
            if self.known.contains(&respelled) {
                return respelled;
            }
        }
        // A stretched ending ("holaa") first.
        let chars: Vec<char> = word.chars().collect();
        if chars[n - 1] == chars[n - 2] {
            let shorter: String = chars[..n - 1].iter().collect();
            if self.known.contains(&shorter) {
                return shorter;
            }
        }
        let mut candidates: Vec<&String> = Vec::new();
        // Deletions of the word that are known words (an extra letter typed).
        for deletion in deletions(word) {
            if let Some(found) = self.known.get(&deletion) {
                candidates.push(found);
            }
            // Shared deletions: substitution or transposition.
            if let Some(words) = self.deletions.get(&deletion) {
                candidates.extend(words);
            }
        }
        // The word is a deletion of a known word (a letter missed).
        if let Some(words) = self.deletions.get(word) {
            candidates.extend(words);
        }
        // Four-letter words only get a missing letter or a swap: one
        // substitution turns too many real words into cue words ("tote" →
        // "vote", "pens" → "opens").
        let short = n == 4;
        candidates
            .into_iter()
            .filter(|c| distance(word, c) <= 1)
            .filter(|c| !short || c.chars().count() == 5 || is_transposition(word, c))
            .min_by_key(|c| {
                (
                    c.chars().next() != word.chars().next(),
                    c.len().abs_diff(n),
                    c.as_str(),
                )
            })
            .cloned()
            .unwrap_or_else(|| word.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrects_one_edit() {
        let s = Speller::new(
            [
                "search", "basket", "panier", "checkout", "product", "hola", "carrito", "supprime",
                "hello", "help", "vote", "cart", "quita", "want",
            ],
            ["carte", "tote"],
        );
        assert_eq!(
            s.correct("helo"),
            "hello",
            "a missing letter beats a substitution"
        );
        assert_eq!(s.correct("tote"), "tote");
        assert_eq!(s.correct("carte"), "carte", "known words stay");
        assert_eq!(s.correct("kita"), "quita");
        assert_eq!(s.correct("wnat"), "want");
        assert_eq!(s.correct("pens"), "pens");
        assert_eq!(s.correct("serch"), "search");
        assert_eq!(s.correct("baskte"), "basket");
        assert_eq!(s.correct("panir"), "panier");
        assert_eq!(s.correct("chekout"), "checkout");
        assert_eq!(s.correct("prodcut"), "product");
        assert_eq!(s.correct("holaa"), "hola");
        assert_eq!(s.correct("carrrito"), "carrito");
        assert_eq!(s.correct("supprim"), "supprime");
        assert_eq!(s.correct("zebra"), "zebra");
        assert_eq!(s.correct("mug"), "mug", "short words are left alone");
        assert_eq!(distance("ab", "ba"), 1);
    }
}
