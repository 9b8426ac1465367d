//! Parsers for shop chat in English, Spanish and French, shared by the
//! intent analyser, the storefront (reading price ranges and colours out of a
//! search) and the admin server (reading a product out of a sentence).
//!
//! Everything works on [`fold`]ed text: lowercase, accents removed, so
//! "Nymphéas", "nympheas" and "NYMPHEAS" are one word, and a shopper who
//! types without accents ("cuanto cuesta") is understood.

mod money;
mod numbers;
mod verbs;
mod vocab;

pub use money::{Currency as PriceCurrency, PriceBounds, parse_amount, price_bounds};
pub use numbers::{is_very, number_word, quantity, times_count};
pub use verbs::imperative;
pub use vocab::{category, colour};

/// Lowercases, removes accents ("œ" and "æ" become two letters) and turns every character that is not a
/// letter, digit or one of `+ . , @ € $ £ % - _` into a space; runs of three
/// or more identical letters shrink to two ("goood" → "good", "holaaa" →
/// "holaa", which spelling correction then maps to "hola").
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    let mut last: Option<char> = None;
    let mut run = 0;
    for c in text.chars().flat_map(char::to_lowercase) {
        // Ligatures are two letters, as people type them ("oeil" for "Œil").
        let (c, c2) = match c {
            'œ' => ('o', Some('e')),
            'æ' => ('a', Some('e')),
            c => (fold_char(c), None),
        };
        if let Some(second) = c2 {
            out.push(c);
            out.push(second);
            last = Some(second);
            run = 0;
            continue;
        }
        let c = if c.is_alphanumeric()
            || matches!(c, '+' | '.' | ',' | '@' | '€' | '$' | '£' | '%' | '-' | '_')
        {
            c
        } else {
            ' '
        };
        if Some(c) == last && c.is_alphabetic() {
            run += 1;
            if run >= 2 {
                continue;
            }
        } else {
            run = 0;
        }
        last = Some(c);
        out.push(c);
    }
    out
}

/// One character without its accent (`é` → `e`, `ñ` → `n`, `ç` → `c`).
pub fn fold_char(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        'œ' => 'o',
        'æ' => 'a',
        '’' | '`' | '´' => '\'',
        c => c,
    }
}

/// The words of folded text: split on spaces, trailing `.`/`,` removed
/// (but "49.90" and "9,50" stay whole).
pub fn words(folded: &str) -> Vec<&str> {
    folded
        .split(' ')
        .map(|w| w.trim_matches(|c: char| matches!(c, '.' | ',' | '-' | '_')))
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_case_accents_and_stutter() {
        assert_eq!(fold("Nymphéas"), "nympheas");
        assert_eq!(fold("¿Cuánto cuesta?"), " cuanto cuesta ");
        assert_eq!(fold("holaaaa"), "holaa");
        assert_eq!(fold("Goood"), "good");
        assert_eq!(
            words(&fold("Hi, I'll take 2.")),
            vec!["hi", "i", "ll", "take", "2"]
        );
        assert_eq!(
            words(&fold("49,90 € ou 9.5")),
            vec!["49,90", "€", "ou", "9.5"]
        );
    }
}
