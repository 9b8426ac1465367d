//! Spanish imperatives as shoppers write them: with the pronouns attached
//! ("agréguelo", "métela", "quíteme una taza", "póngame dos") and in the
//! forms of *usted* and *vos* ("agregue", "ponga", "poné") beside the *tú*
//! form the rules know.

/// Imperative forms (folded) and the *tú* form they stand for.
const IMPERATIVES: &[(&str, &str)] = &[
    ("agrega", "agrega"),
    ("agregue", "agrega"),
    ("anade", "anade"),
    ("anada", "anade"),
    ("pon", "pon"),
    ("pone", "pon"),
    ("ponga", "pon"),
    ("mete", "mete"),
    ("meta", "mete"),
    ("saca", "saca"),
    ("saque", "saca"),
    ("quita", "quita"),
    ("quite", "quita"),
    ("echa", "echa"),
    ("eche", "echa"),
    ("manda", "manda"),
    ("mande", "manda"),
    ("borra", "borra"),
    ("borre", "borra"),
    ("elimina", "elimina"),
    ("elimine", "elimina"),
    ("suma", "suma"),
    ("sume", "suma"),
    ("muestra", "muestra"),
    ("muestre", "muestra"),
    ("ensena", "ensena"),
    ("ensene", "ensena"),
    // Giving: "deme", "dame", and the Colombian "regáleme" (give me).
    ("da", "da"),
    ("de", "da"),
    ("regala", "da"),
    ("regale", "da"),
];

/// *Usted* and *vos* forms read without a pronoun. ("Quite" is English,
/// "de" a preposition, "meta" a goal and "me regala" a request of its own.)
const PLAIN: &[&str] = &[
    "agregue", "anada", "ponga", "pone", "saque", "eche", "mande", "borre", "elimine", "sume",
    "muestre", "ensene",
];

/// Pronouns a Spanish imperative takes at its end, longest first.
const PRONOUNS: &[&str] = &[
    "melos", "melas", "selos", "selas", "noslo", "nosla", "melo", "mela", "selo", "sela", "los",
    "las", "les", "nos", "lo", "la", "le", "me",
];

/// A Spanish imperative with its pronouns attached, split into the verb in
/// its *tú* form, keeping a "me" ("póngame" → "ponme"), and the pronoun
/// that points at a thing, if any: "agréguelo" → `("agrega", Some("lo"))`,
/// "quíteme" → `("quitame", None)`. A word already in its *tú* form
/// ("dame", "mándame") is left as it is. `folded` is one
/// [`fold`](super::fold)ed word. Only forms with a pronoun are read, except
/// the *usted* and *vos* forms ("agregue la postal", "poné dos"), so a word
/// that merely ends like one ("sale", "dela", "dale") is left alone.
pub fn imperative(folded: &str) -> Option<(String, Option<&'static str>)> {
    if PLAIN.contains(&folded) {
        let (_, tu) = IMPERATIVES.iter().find(|(form, _)| *form == folded)?;
        return Some(((*tu).to_owned(), None));
    }
    PRONOUNS.iter().find_map(|pronoun| {
        let stem = folded.strip_suffix(pronoun)?;
        let (_, tu) = IMPERATIVES.iter().find(|(form, _)| *form == stem)?;
        let (to_me, thing) = match pronoun
            .strip_prefix("me")
            .or_else(|| pronoun.strip_prefix("nos"))
        {
            Some(rest) => (true, rest),
            None => (false, pronoun.strip_prefix("se").unwrap_or(pronoun)),
        };
        // "Dale", "dele": "go on", not "give it".
        if *tu == "da" && !to_me {
            return None;
        }
        let verb = if to_me {
            format!("{tu}me")
        } else {
            (*tu).to_owned()
        };
        let thing = (!thing.is_empty()).then_some(thing);
        // "Dame", "mándame": already as the rules know them.
        (thing.is_some() || verb != folded).then_some((verb, thing))
    })
}

#[cfg(test)]
mod tests {
    use super::imperative;

    #[test]
    fn pronouns_come_off_imperatives_in_three_forms() {
        let cases = [
            ("agreguelo", "agrega", Some("lo")),
            ("agregala", "agrega", Some("la")),
            ("metelo", "mete", Some("lo")),
            ("metala", "mete", Some("la")),
            ("saquelo", "saca", Some("lo")),
            ("quiteme", "quitame", None),
            ("pongame", "ponme", None),
            ("poneme", "ponme", None),
            ("deme", "dame", None),
            ("demelo", "dame", Some("lo")),
            ("regaleme", "dame", None),
            ("mandelo", "manda", Some("lo")),
            ("borrelo", "borra", Some("lo")),
            ("echalo", "echa", Some("lo")),
            ("muestremelos", "muestrame", Some("los")),
            ("agregue", "agrega", None),
            ("agregueme", "agregame", None),
            ("mandamelo", "mandame", Some("lo")),
            ("ponga", "pon", None),
        ];
        for (word, verb, thing) in cases {
            assert_eq!(imperative(word), Some((verb.to_owned(), thing)), "{word}");
        }
    }

    #[test]
    fn words_that_only_end_like_one_are_left_alone() {
        for word in [
            "sale", "dela", "dale", "dele", "de", "meta", "quite", "la", "lo", "tela", "pala",
            "mesa", "taza", "postal", "agrega", "quita", "regala", "dame", "mandame", "ponme",
        ] {
            assert_eq!(imperative(word), None, "{word}");
        }
    }
}
