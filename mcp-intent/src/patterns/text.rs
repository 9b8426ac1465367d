//! A message as the rules see it: aligned raw and folded words, with
//! spelling corrected against the rules' own vocabulary.

use museo_sdk::parse::fold;

use super::spell::Speller;

/// One word of the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// As written, lowercased (accents kept: used in entities).
    pub raw: String,
    /// Folded and spelling-corrected (used for matching).
    pub norm: String,
}

/// A tokenised message.
#[derive(Debug, Clone)]
pub struct Text {
    /// The words, in order.
    pub words: Vec<Word>,
    /// `norm` of every word joined by single spaces, padded with a space at
    /// both ends so phrase matching can use word boundaries.
    pub padded: String,
    /// Word starts in `padded` as (first byte, offset), sorted by byte, so a
    /// phrase is only compared where its first byte already matches.
    starts: Vec<(u8, usize)>,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '@' | '+' | '€' | '$' | '£' | '%' | '_')
}

/// Pronouns French and Spanish attach with a dash ("montre-moi", "puis-je",
/// "ajoute-le"): split off so "montre moi" matches.
const CLITICS: &[&str] = &[
    "moi", "toi", "le", "la", "les", "lui", "nous", "vous", "je", "tu", "il", "elle", "on", "ce",
    "ci", "là", "y", "en", "leur", "nos", "m",
];

/// French imperatives said to "vous" that the rules know said to "tu"
/// ("mettez-le" is "mets-le", "donnez-m'en 12" "donne-moi-en 12").
const VOUS_IMPERATIVES: &[(&str, &str)] = &[
    ("mettez", "mets"),
    ("remettez", "remets"),
    ("donnez", "donne"),
];

/// What follows a "j" written without its apostrophe ("jen", "jveux").
const SMS_J: &[&str] = &[
    "en", "veux", "voudrais", "prends", "prend", "paye", "paie", "le", "la", "les", "peux", "vais",
    "suis", "ai", "achete", "regle",
];

/// Splits lowercased text into words: letters, digits and `@ + € $ £ % _`,
/// with `-`, `.` and `,` kept inside a word ("t-shirt", "49,90", "a.b@c.es").
pub fn split(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let inner = matches!(c, '-' | '.' | ',')
            && !current.is_empty()
            && chars.get(i + 1).is_some_and(|n| is_word_char(*n))
            && (c != ',' || current.ends_with(|p: char| p.is_ascii_digit()));
        if is_word_char(c) || inner {
            current.push(c);
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out.into_iter()
        .flat_map(|word| match word.rsplit_once('-') {
            Some((head, tail)) if CLITICS.contains(&tail) && !head.is_empty() => {
                let mut parts: Vec<String> = Vec::new();
                match head.rsplit_once('-') {
                    // "dis-le-moi", "va-t-il": peel a second clitic.
                    Some((h, t)) if CLITICS.contains(&t) || t == "t" => {
                        parts.push(h.to_owned());
                        parts.push(t.to_owned());
                    }
                    _ => parts.push(head.to_owned()),
                }
                parts.push(tail.to_owned());
                parts
            }
            // "Jen prends 2", "jveux le tote": French texting drops the
            // apostrophe of "j'".
            _ if let Some(rest) = word.strip_prefix('j')
                && SMS_J.contains(&rest) =>
            {
                vec!["j".to_owned(), rest.to_owned()]
            }
            // "Agréguelo", "póngame": the verb as the rules know it, and
            // the pronoun that points back as a word of its own.
            _ if let Some((verb, thing)) = museo_sdk::parse::imperative(&fold(&word)) => {
                std::iter::once(verb)
                    .chain(thing.map(str::to_owned))
                    .collect()
            }
            // "x2", "3x": a count written as a multiplication.
            _ => vec![museo_sdk::parse::times_count(&word).map_or(word.clone(), str::to_owned)],
        })
        .map(
            |word| match VOUS_IMPERATIVES.iter().find(|(vous, _)| *vous == word) {
                Some((_, tu)) => (*tu).to_owned(),
                None => word,
            },
        )
        .collect()
}

/// Whether one normalised word is among `patterns` (a trailing `*` matches
/// a prefix; phrases of several words never match a single word).
pub fn word_in(word: &str, patterns: &[&str]) -> bool {
    patterns.iter().any(|p| match p.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => word == *p,
    })
}

impl Text {
    /// Tokenises `message`, correcting spelling with `speller`.
    pub fn new(message: &str, speller: &Speller) -> Self {
        let mut words: Vec<Word> = split(message)
            .into_iter()
            .map(|raw| {
                let folded = fold(&raw).trim().to_owned();
                let norm = speller.correct(&folded);
                Word { raw, norm }
            })
            .collect();
        // French "très" (very) is not Spanish "tres" (three): "très bien,
        // je le prends" counts nothing.
        for i in 0..words.len() {
            let very = museo_sdk::parse::is_very(
                &words[i].raw,
                words.get(i + 1).map(|next| next.norm.as_str()),
            );
            if very {
                words[i].norm = "très".to_owned();
            }
        }
        let mut padded = String::with_capacity(message.len() + 2);
        padded.push(' ');
        for w in &words {
            padded.push_str(&w.norm);
            padded.push(' ');
        }
        // Word starts, including those inside a norm that holds a space or a
        // dash ("t shirt", "lave-vaisselle").
        let bytes = padded.as_bytes();
        let mut starts: Vec<(u8, usize)> = (1..bytes.len())
            .filter(|&i| bytes[i] != b' ' && matches!(bytes[i - 1], b' ' | b'-'))
            .map(|i| (bytes[i], i))
            .collect();
        starts.sort_unstable();
        Self {
            words,
            padded,
            starts,
        }
    }

    /// The normalised words.
    pub fn norms(&self) -> Vec<&str> {
        self.words.iter().map(|w| w.norm.as_str()).collect()
    }

    /// True when any phrase occurs on word boundaries. A phrase ending in `*`
    /// matches any word starting with it ("supprim*").
    pub fn has(&self, phrases: &[&str]) -> bool {
        phrases.iter().any(|p| self.has_one(p))
    }

    /// True when `phrase` occurs (see [`Text::has`]). No allocation: this
    /// runs hundreds of times per message.
    pub fn has_one(&self, phrase: &str) -> bool {
        let (needle, prefix) = match phrase.strip_suffix('*') {
            Some(p) => (p, true),
            None => (phrase, false),
        };
        let bytes = self.padded.as_bytes();
        let Some(&first) = needle.as_bytes().first() else {
            return false;
        };
        // Phrases start at a word: compare only at word starts whose first
        // byte matches (building a substring searcher per phrase, or
        // comparing at every word, cost more than the rest of the tier).
        let from = self.starts.partition_point(|(b, _)| *b < first);
        self.starts[from..]
            .iter()
            .take_while(|(b, _)| *b == first)
            .any(|&(_, i)| {
                bytes[i..].starts_with(needle.as_bytes())
                    && (prefix || bytes.get(i + needle.len()) == Some(&b' '))
            })
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when there is no word at all.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn french_texting_keeps_the_j_apart() {
        assert_eq!(split("ok jen prends 2"), ["ok", "j", "en", "prends", "2"]);
        assert_eq!(split("jveux le tote"), ["j", "veux", "le", "tote"]);
        // A word that only begins with "j" stays whole.
        assert_eq!(split("jeans jaunes"), ["jeans", "jaunes"]);
    }

    #[test]
    fn french_vous_imperatives_read_as_tu() {
        assert_eq!(split("ok mettez-le"), ["ok", "mets", "le"]);
        assert_eq!(split("donnez-m'en 12"), ["donne", "m", "en", "12"]);
    }
}
