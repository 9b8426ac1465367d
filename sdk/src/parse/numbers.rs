//! Numbers written as words or digits, and quantities.

/// Whether `word` (lowercased, accents kept) is French "très" (very), which
/// folds to Spanish "tres" (three): written with its accent always; without
/// it, only before a word it qualifies (`next`, folded: "tres bien", "tres
/// joli"), so "tres tazas" stays three.
pub fn is_very(word: &str, next: Option<&str>) -> bool {
    const QUALIFIED: &[&str] = &[
        "bien",
        "bon",
        "bonne",
        "beau",
        "belle",
        "joli",
        "jolie",
        "cher",
        "chere",
        "sympa",
        "interessant",
        "grand",
        "grande",
        "petit",
        "petite",
        "content",
        "contente",
    ];
    word == "très" || word == "tres" && next.is_some_and(|n| QUALIFIED.contains(&n))
}

/// The value of a number word in English, Spanish or French (folded), 0–100.
pub fn number_word(word: &str) -> Option<u32> {
    let n = match word {
        "zero" | "cero" | "zéro" => 0,
        "one" | "a" | "an" | "uno" | "una" | "un" | "une" => 1,
        "two" | "couple" | "dos" | "deux" | "pair" => 2,
        "three" | "tres" | "trois" => 3,
        "four" | "cuatro" | "quatre" => 4,
        "five" | "cinco" | "cinq" => 5,
        "six" | "seis" => 6,
        "seven" | "siete" | "sept" => 7,
        "eight" | "ocho" | "huit" => 8,
        "nine" | "nueve" | "neuf" => 9,
        "ten" | "diez" | "dix" => 10,
        "eleven" | "once" | "onze" => 11,
        "twelve" | "doce" | "douze" | "dozen" | "docena" | "douzaine" => 12,
        "thirteen" | "trece" | "treize" => 13,
        "fourteen" | "catorce" | "quatorze" => 14,
        "fifteen" | "quince" | "quinze" => 15,
        "sixteen" | "dieciseis" | "seize" => 16,
        "seventeen" | "diecisiete" | "dix-sept" => 17,
        "eighteen" | "dieciocho" | "dix-huit" => 18,
        "nineteen" | "diecinueve" | "dix-neuf" => 19,
        "twenty" | "veinte" | "vingt" => 20,
        "twenty-five" | "veinticinco" | "vingt-cinq" => 25,
        "thirty" | "treinta" | "trente" => 30,
        "forty" | "cuarenta" | "quarante" => 40,
        "fifty" | "cincuenta" | "cinquante" => 50,
        "sixty" | "sesenta" | "soixante" => 60,
        "seventy" | "setenta" | "soixante-dix" => 70,
        "eighty" | "ochenta" | "quatre-vingt" | "quatre-vingts" => 80,
        "ninety" | "noventa" | "quatre-vingt-dix" => 90,
        "hundred" | "cien" | "ciento" | "cent" => 100,
        _ => return None,
    };
    Some(n)
}

/// A count written as a multiplication ("x2", "3x", "×4"): its digits.
pub fn times_count(word: &str) -> Option<&str> {
    let digits = word
        .strip_prefix(['x', 'X', '×'])
        .or_else(|| word.strip_suffix(['x', 'X', '×']))?;
    (!digits.is_empty() && digits.len() <= 3 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(digits)
}

/// A whole number in a word list starting at `i`: digits ("3") or words
/// ("three", "twenty five", "vingt-cinq"). Returns the value and how many
/// words it used. Articles ("a", "un") count only when `articles` is true.
pub fn quantity(words: &[&str], i: usize, articles: bool) -> Option<(u32, usize)> {
    let word = *words.get(i)?;
    if let Ok(n) = word.parse::<u32>() {
        return Some((n, 1));
    }
    if !articles && matches!(word, "a" | "an" | "un" | "une" | "una" | "uno") {
        return None;
    }
    let first = number_word(word)?;
    // "twenty five", "veinte y cinco", "quarante deux".
    if first >= 20 && first % 10 == 0 {
        let (next, used) = match words.get(i + 1) {
            Some(&"y") | Some(&"et") => (words.get(i + 2).copied(), 2),
            other => (other.copied(), 1),
        };
        if let Some(unit) = next.and_then(number_word).filter(|u| (1..=9).contains(u)) {
            return Some((first + unit, 1 + used));
        }
    }
    Some((first, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_tres_is_very_not_three() {
        assert!(is_very("très", None));
        assert!(is_very("tres", Some("bien")));
        assert!(!is_very("tres", Some("tazas")), "Spanish three");
        assert!(!is_very("tres", None));
    }

    #[test]
    fn words_and_digits() {
        let w = ["add", "two", "mugs"];
        assert_eq!(quantity(&w, 1, false), Some((2, 1)));
        assert_eq!(quantity(&["12"], 0, false), Some((12, 1)));
        assert_eq!(quantity(&["twenty", "five"], 0, false), Some((25, 2)));
        assert_eq!(quantity(&["quarante", "et", "un"], 0, false), Some((41, 3)));
        assert_eq!(quantity(&["une"], 0, false), None);
        assert_eq!(quantity(&["une"], 0, true), Some((1, 1)));
        assert_eq!(number_word("trois"), Some(3));
        assert_eq!(number_word("dos"), Some(2));
    }

    #[test]
    fn counts_written_as_times() {
        assert_eq!(times_count("x2"), Some("2"));
        assert_eq!(times_count("3x"), Some("3"));
        assert_eq!(times_count("×12"), Some("12"));
        assert_eq!(times_count("x"), None);
        assert_eq!(times_count("xl"), None);
        assert_eq!(times_count("x1000"), None);
    }
}
