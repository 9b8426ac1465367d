//! Which product a message means, resolved against the dialog's state.
//!
//! The order (the first that answers wins):
//! 1. a SKU or id the shopper wrote;
//! 2. the pending question's options (see [`pick_option`], called first by
//!    the dialog);
//! 3. a position in the products shown ("the second one", "le dernier");
//! 4. words naming a product: the basket's lines first when the action is on
//!    the basket, then the products shown, then the product in focus; a name
//!    matching none of them is searched for in the catalog;
//! 5. a pronoun ("it", "lo", "le"): the product in focus, else the basket's
//!    last line for a basket action, else the only product shown;
//! 6. nothing at all: the same as a pronoun.
//!
//! A name matches a product when every telling word of it (accents, case
//! and plurals aside) is in the product's title. Nothing here guesses:
//! when several products fit, the answer is [`Target::Choose`] with them,
//! and the dialog asks.

use museo_sdk::parse::{fold, words};

use super::intent::Entities;
use super::state::{Dialog, Item, Question};

/// Which product a message means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// This one: from the shopper's own words or an explicit pick.
    One(Item),
    /// Several fit: ask, offering these.
    Choose(Vec<Item>),
    /// Named but not among what the dialog knows: search for these words.
    Search(String),
    /// Nothing to go on: ask.
    Unknown,
}

/// Where the action happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// On a product of the catalog (show, ask about, add).
    Catalog,
    /// On a line of the basket (remove, change the quantity).
    Basket,
}

/// How the message points at a product.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pointer {
    /// A SKU or id written in the message.
    Code(String),
    /// A SKU mcp-intent resolved from the history itself.
    Resolved(String),
    /// A position, 1-based; -1 is the last.
    Ordinal(i64),
    /// Naming words.
    Name(Vec<String>),
    /// A pronoun.
    Back,
    /// Nothing.
    None,
}

/// Words that never tell products apart, in en/es/fr (folded).
const FILLER: &[&str] = &[
    // Chatter that names nothing ("ok pas grave ajoute-le", "ahora la vela
    // porfa", "and the tote again"). ("Fine" and "great" name: "fine bone
    // china", "The Great Wave".)
    "meanwhile",
    "anyways",
    "again",
    "still",
    "though",
    "later",
    "today",
    "cheers",
    "ugh",
    "hey",
    "yep",
    "luego",
    "ahora",
    "tmb",
    "porfa",
    "puis",
    "maintenant",
    "encore",
    "enfin",
    "mince",
    "super",
    "pas",
    "grave",
    "mieux",
    // The basket and putting in it: "mets-le dans le panier", "ponlo en el
    // carrito" name no product.
    "dans",
    "panier",
    "mets",
    "mettez",
    "cesta",
    "carrito",
    "carro",
    "canasta",
    "ajoute",
    "ajoutez",
    "anade",
    "agrega",
    "pon",
    // English
    "the",
    "a",
    // Who it is for: "make it 2, one for my sister", "una para mi hermana"
    "mis",
    "sister",
    "brother",
    "mum",
    "mom",
    "dad",
    "friend",
    "hermana",
    "hermano",
    "madre",
    "padre",
    "amiga",
    "amigo",
    "soeur",
    "frere",
    "mere",
    "pere",
    "amie",
    "ami",
    "nephew",
    "niece",
    "sobrino",
    "sobrina",
    "neveu",
    "neveux",
    "nieces",
    "nephews",
    "sobrinos",
    "sobrinas",
    "cousin",
    "cousins",
    "cousine",
    "cousines",
    "primo",
    "primos",
    "prima",
    "primas",
    "copines",
    "copains",
    "amigos",
    "amigas",
    "amis",
    "amies",
    "friends",
    // Giving: "y el set de acuarelas, me da 4"
    "da",
    "deme",
    "dame",
    // Units: "et les chaussettes le baiser, 2 paires"
    "paires",
    "pairs",
    "pares",
    "lots",
    "packs",
    "unidades",
    "unites",
    "units",
    "copies",
    "exemplaires",
    "ejemplares",
    // Texting: "q sean 5 tarjetas"
    "q",
    "sean",
    // Taking it: "esa si, dame 2", "sale, la quiero", "me lo quedo", "jle prends"
    "si",
    "sale",
    "quedo",
    "igual",
    "jle",
    "an",
    "one",
    "ones",
    "of",
    "with",
    "in",
    "on",
    "for",
    "my",
    "your",
    "that",
    "this",
    "those",
    "these",
    "them",
    "it",
    "please",
    "pls",
    "also",
    "too",
    "and",
    "or",
    "another",
    "some",
    "thing",
    "things",
    "product",
    "item",
    "basket",
    "cart",
    "add",
    "remove",
    "want",
    "like",
    "would",
    "i",
    "me",
    "to",
    "from",
    "more",
    "less",
    "just",
    "only",
    "same",
    "other",
    // Spanish
    "el",
    "la",
    "los",
    "las",
    "un",
    "una",
    "unos",
    "unas",
    "de",
    "del",
    "al",
    "con",
    "en",
    "por",
    "para",
    "y",
    "o",
    "que",
    "lo",
    "le",
    "mi",
    "tu",
    "su",
    "favor",
    "tambien",
    "otro",
    "otra",
    "cesta",
    "carrito",
    "quiero",
    "quisiera",
    "anade",
    "pon",
    "quita",
    "eso",
    "esa",
    "ese",
    "esta",
    "este",
    "esto",
    "mas",
    "menos",
    "producto",
    "articulo",
    // French
    "les",
    "l",
    "une",
    "des",
    "du",
    "d",
    "au",
    "aux",
    "avec",
    "pour",
    "et",
    "ou",
    "ce",
    "cet",
    "cette",
    "ces",
    "celui",
    "celle",
    "ceux",
    "celles",
    "ci",
    "mon",
    "ma",
    "mes",
    "panier",
    "aussi",
    "svp",
    "stp",
    "autre",
    "je",
    "veux",
    "voudrais",
    "ajoute",
    "enleve",
    "retire",
    "qui",
    "produit",
    "article",
    "plus",
    "moins",
    // Chat around the words: acknowledgements, verbs of buying and showing
    "oh",
    "ah",
    "eh",
    "right",
    "ok",
    "okay",
    "then",
    "so",
    "well",
    "yes",
    "yeah",
    "hmm",
    "um",
    "cool",
    "nice",
    "perfect",
    "thanks",
    "thx",
    "instead",
    "actually",
    "as",
    "take",
    "ill",
    "get",
    "buy",
    "put",
    "give",
    "need",
    "now",
    "show",
    "see",
    "view",
    "vale",
    "bueno",
    "pues",
    "entonces",
    "genial",
    "perfecto",
    "gracias",
    "llevo",
    "dame",
    "ponme",
    "ya",
    "bon",
    "alors",
    "parfait",
    "merci",
    "plutot",
    "finalement",
    // A change of mind around the name ("no espera, mejor la de fuji rojo")
    "no",
    "non",
    "nope",
    "wait",
    "espera",
    "attends",
    "oui",
    "ouais",
    "dommage",
    "sorry",
    "pardon",
    "perdon",
    "desole",
    // Laughter and interjections
    "nah",
    "off",
    // Asking after stock ("dispo ?") is no part of a name, and searching
    // with it would leave out the product when it is sold out.
    "dispo",
    "disponible",
    "disponibles",
    "available",
    "stock",
    "trop",
    "cher",
    "chere",
    "caro",
    "cara",
    "demasiado",
    "expensive",
    "pricey",
    "money",
    "much",
    "quand",
    "meme",
    "offrir",
    "est",
    "fine",
    "sure",
    "alright",
    "tant",
    "pis",
    "ben",
    "bah",
    "bref",
    "allez",
    "venga",
    "claro",
    "listo",
    "lol",
    "haha",
    "jaja",
    "jajaja",
    "mdr",
    "uf",
    "uff",
    "anademe",
    "agregame",
    "agregala",
    "agregalo",
    "ponmelo",
    "ponmela",
    "ponmelos",
    "ponmelas",
    "mete",
    "metelo",
    "ajoutez",
    "moi",
    "mettez",
    "mettez-en",
    "mets-en",
    "mets-moi",
    "mettez-moi",
    "ajoute-moi",
    "ajoutez-moi",
    "ajoute-le",
    "ajoute-la",
    "ajoute-les",
    "quitalo",
    "quitala",
    "quitalos",
    "quitalas",
    "anyway",
    "dale",
    "prends",
    "prend",
    "mets",
    "donne",
];

/// Words joining the products of a request for several ("the mug and
/// two postcards", "la taza, el delantal y la postal").
const JOINS: &[&str] = &["and", "y", "e", "et", "plus", "pis", "&", "+"];

/// Whether `title` joins what the first part names to what the last part
/// names with a word a request is split at ("Vincent et les tournesols"
/// for "le livre Vincent" + "les tournesols"): the request named one title.
pub fn joins_parts(title: &str, first: &[&String], last: &[&String]) -> bool {
    let folded = fold(title);
    let all = words(&folded);
    all.iter().enumerate().any(|(k, w)| {
        JOINS.contains(w)
            && all[..k].iter().any(|t| first.iter().any(|f| alike(t, f)))
            && all[k + 1..]
                .iter()
                .any(|t| last.iter().any(|l| alike(t, l)))
    })
}

/// The products of a request naming several, each with its quantity:
/// `None` unless at least two parts have telling words.
pub fn several(message: &str) -> Option<Vec<(i64, String)>> {
    // "(pour elle et ses copines)": an aside names no product.
    let mut plain = String::with_capacity(message.len());
    let mut depth = 0usize;
    for c in message.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let folded = fold(&plain.replace(',', " , "));
    let mut parts: Vec<Vec<&str>> = vec![Vec::new()];
    // Whether each part follows a joining word ("and", "y", "+"), not a comma.
    let mut joined = vec![false];
    for word in folded.split_whitespace() {
        if word == "," || JOINS.contains(&word) {
            parts.push(Vec::new());
            joined.push(word != ",");
        } else if let Some(part) = parts.last_mut() {
            part.push(word);
        }
    }
    let mut items: Vec<(Option<i64>, String)> = Vec::new();
    // A part with a number and no name ("la vela de delft, añádeme 2")
    // counts the product named next to it.
    let mut count = None;
    for (k, part) in parts.iter().enumerate() {
        let quantity = part
            .iter()
            .find_map(|w| {
                w.parse::<i64>()
                    .ok()
                    .or_else(|| museo_sdk::parse::number_word(w).map(i64::from))
            })
            .filter(|q| (1..=100).contains(q));
        let mut words = telling(&part.join(" "));
        // "Una postal de la gran ola y otra de nenúfares", "a great wave
        // postcard and a water lilies one": the kind is the one before.
        if let Some((_, before)) = items.last()
            && !words.is_empty()
        {
            let before: Vec<&str> = before.split(' ').collect();
            // ("3 postales de los girasoles y 2 de la gran ola": a count
            // then "de" too.)
            let of = matches!(
                part.as_slice(),
                [
                    "otra" | "otro" | "una" | "uno" | "un" | "une" | "autre",
                    "de" | "d" | "du",
                    ..
                ]
            ) || matches!(part.as_slice(), [n, "de" | "d" | "du" | "des" | "of", ..]
                if n.parse::<i64>().is_ok() || museo_sdk::parse::number_word(n).is_some())
                && only_position(&part.join(" ")).is_none();
            if of && let Some(kind) = before.first() {
                words.insert(0, (*kind).to_owned());
            } else if part.last() == Some(&"one")
                && let Some(kind) = before.last()
            {
                words.push((*kind).to_owned());
            }
        }
        // "Add it and the water lilies cushion", "je le prends + le puzzle
        // grande vague", "ok, la quiero. y el libro de sorolla tb": the
        // product talked about first, then the one named (an empty name
        // points back).
        // ("Me lo llevo, regaleme 3" is one product: a comma alone is no
        // "and"; "je la prends, avec la housse…" is two.)
        if words.is_empty()
            && items.is_empty()
            && part.iter().any(|w| points_back(w))
            && parts[k + 1..]
                .iter()
                .zip(&joined[k + 1..])
                .find(|(p, _)| !telling(&p.join(" ")).is_empty())
                .is_some_and(|(p, joined)| {
                    *joined || matches!(p.first(), Some(&("with" | "avec" | "con" | "also")))
                })
        {
            items.push((quantity.or(count.take()), String::new()));
            continue;
        }
        if words.is_empty() {
            match items.last_mut() {
                Some((q @ None, _)) => *q = quantity,
                _ => count = count.or(quantity),
            }
            continue;
        }
        items.push((quantity.or(count.take()), words.join(" ")));
    }
    (items.len() >= 2).then(|| {
        items
            .into_iter()
            .map(|(q, name)| (q.unwrap_or(1), name))
            .collect()
    })
}

/// A pronoun standing for the product talked about, in a part of a
/// request for several ("add it", "la quiero", "je le prends").
fn points_back(word: &str) -> bool {
    matches!(
        word.trim_matches(|c: char| !c.is_alphanumeric()),
        "it" | "that"
            | "this"
            | "lo"
            | "la"
            | "esa"
            | "ese"
            | "esta"
            | "este"
            | "le"
            | "l"
            | "celui"
            | "celle"
            | "ca"
    )
}

/// Words around a bare number that change nothing about it: "no wait, 5",
/// "make it 2", "ponme dos", "vale pues 2", "mets-en deux", "ok 2 alors".
const AROUND_A_NUMBER: &[&str] = &[
    // English
    "no",
    "nope",
    "nah",
    "na",
    "wait",
    "hang",
    "on",
    "make",
    "it",
    "that",
    "them",
    "ok",
    "okay",
    "then",
    "so",
    "actually",
    "just",
    "only",
    "instead",
    "please",
    "pls",
    "oh",
    "ah",
    "hmm",
    "um",
    "sorry",
    "i",
    "ll",
    "meant",
    "mean",
    "id",
    "d",
    "rather",
    "let",
    "lets",
    "s",
    "fine",
    "is",
    "well",
    "take",
    "have",
    "want",
    "go",
    "with",
    "yes",
    "yeah",
    "sure",
    "of",
    "those",
    "units",
    "pieces",
    "total",
    "in",
    // Spanish
    "espera",
    "mejor",
    "ponme",
    "pon",
    "ponlo",
    "ponla",
    "ponlos",
    "ponlas",
    // Voseo and other regional imperatives: "poneme 2", "agregame 2".
    "poneme",
    "agregame",
    "agregale",
    "anademe",
    "sumame",
    "mandame",
    "pongamos",
    "que",
    "sean",
    "vale",
    "pues",
    "entonces",
    "bueno",
    "perdon",
    "quiero",
    "dame",
    "solo",
    "si",
    "me",
    "llevo",
    "unidades",
    "de",
    // French
    "non",
    "attends",
    "en",
    "fait",
    "plutot",
    "alors",
    "finalement",
    "mets",
    "mettez",
    "m",
    "moi",
    "euh",
    "disons",
    "accord",
    "bon",
    "je",
    "veux",
    "prends",
    "oui",
    "j",
    "seulement",
    "juste",
    "cool",
    "great",
    "nice",
    "perfect",
    "perfecto",
    "genial",
    "parfait",
    "super",
    "seul",
    "seule",
    "sola",
    "solamente",
    "nomas",
    "exemplaires",
    "copies",
    "copy",
    "need",
    "ll",
    "get",
    "stp",
    "svp",
    "porfa",
    // "Non c'est trop, finalement un seul", "too many, just 2", "demasiadas,
    // mejor 3"
    "c",
    "est",
    "cest",
    "trop",
    "beaucoup",
    "too",
    "much",
    "many",
    "demasiado",
    "demasiada",
    "demasiados",
    "demasiadas",
];

/// The one of `options` most like `old` in kind: sharing the most telling
/// words of its title ("Bolsa de tela Fuji rojo" for "Bolsa de tela La gran
/// ola"), when one shares more than every other.
pub fn same_kind(options: &[Item], old: &Item) -> Option<Item> {
    let old_words = telling(&old.title);
    let mut scored: Vec<(usize, &Item)> = options
        .iter()
        .map(|i| (shared(&old_words, &i.title), i))
        .collect();
    scored.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
    match scored.as_slice() {
        [(best, item), rest @ ..] if *best > 0 && rest.iter().all(|(n, _)| n < best) => {
            Some((*item).clone())
        }
        _ => None,
    }
}

/// Whether the (folded) message has a verb of putting in ("add", "pon",
/// "ajoute", "agrega").
pub fn puts_in(folded: &str) -> bool {
    words(folded).iter().any(|w| {
        matches!(
            *w,
            "pon"
                | "ponme"
                | "add"
                | "put"
                | "mets"
                | "mettez"
                | "ajoute"
                | "ajoutez"
                | "anade"
                | "anademe"
                | "agrega"
                | "agregame"
                | "dame"
        )
    })
}

/// What a product is made of: a question's subject, not a name.
const MATERIALS: &[&str] = &[
    "silver",
    "plata",
    "argent",
    "gold",
    "oro",
    "or",
    "silk",
    "seda",
    "soie",
    "cotton",
    "algodon",
    "coton",
    "wool",
    "lana",
    "laine",
    "leather",
    "cuero",
    "cuir",
    "glass",
    "vidrio",
    "verre",
    "wood",
    "madera",
    "bois",
    "ceramic",
    "ceramica",
    "ceramique",
    "porcelain",
    "porcelana",
    "porcelaine",
    "linen",
    "lino",
    "lin",
    "brass",
    "laton",
    "laiton",
    "real",
    "verdad",
    "vrai",
    "solid",
    "macizo",
    "massif",
];

/// Whether every telling word of a name is a material ("plata", "real
/// gold", "vraie soie").
pub fn only_materials(name: &str) -> bool {
    let telling = telling(name);
    !telling.is_empty() && telling.iter().all(|w| MATERIALS.contains(&w.as_str()))
}

/// "Los gemelos de la gran ola", "la statuette petite danseuse de degas",
/// "the kiss socks": a product named with a definite article and nothing
/// else — no word of buying, no count, no "please" —, which shows a
/// product rather than orders it.
pub fn only_names(message: &str) -> bool {
    let folded = fold(message);
    let all = words(&folded);
    let start = all
        .iter()
        .position(|w| {
            !matches!(
                *w,
                "ok" | "okay"
                    | "vale"
                    | "bon"
                    | "oh"
                    | "ah"
                    | "perfect"
                    | "perfecto"
                    | "parfait"
                    | "great"
                    | "genial"
                    | "super"
                    | "cool"
                    | "nice"
                    | "bueno"
            )
        })
        .unwrap_or(all.len());
    let polite = |w: &str| {
        matches!(
            w,
            "please" | "pls" | "plz" | "porfa" | "favor" | "svp" | "stp" | "plait" | "thanks"
        )
    };
    // "Ok the kiss necklace then", "y el libro tb": a choice, or one more.
    let choosing = |w: &str| {
        matches!(
            w,
            "then"
                | "entonces"
                | "pues"
                | "alors"
                | "too"
                | "tb"
                | "tmb"
                | "tbn"
                | "tambien"
                | "aussi"
                | "instead"
        )
    };
    matches!(
        all.get(start).copied(),
        Some("the" | "el" | "la" | "los" | "las" | "le" | "les" | "l")
    ) && !buys(&folded)
        && !all.iter().any(|w| choosing(w))
        && !all.iter().any(|w| {
            polite(w)
                || w.parse::<i64>().is_ok()
                || museo_sdk::parse::number_word(w).is_some_and(|n| n > 1)
        })
}

/// "Put the priciest pair in my basket", "mets la moins chère": the one of
/// the products shown picked by its price, when prices tell.
pub fn by_price(dialog: &Dialog, message: &str) -> Option<Item> {
    // Words from their start ("mas car" is in "más caro", not in
    // "christmas card").
    let folded = format!(" {}", words(&fold(message)).join(" "));
    let says = |phrases: &[&str]| phrases.iter().any(|p| folded.contains(&format!(" {p}")));
    let cheapest = says(&[
        "cheapest",
        "least expensive",
        "mas barat",
        "mas economic",
        "moins cher",
    ]);
    let dearest = says(&[
        "priciest",
        "dearest",
        "most expensive",
        "mas car",
        "plus cher",
    ]);
    let priced = dialog.shown.iter().filter_map(|i| Some((i.minor()?, i)));
    let found = match (cheapest, dearest) {
        (true, false) => priced.min_by_key(|(minor, _)| *minor),
        (false, true) => priced.max_by_key(|(minor, _)| *minor),
        _ => None,
    };
    found.map(|(_, item)| item.clone())
}

/// "La de los girasoles", "el de Sorolla", "celle en soie", "the wave
/// one": a product picked among those shown by a mark of it, not named in
/// full.
pub fn picks_by_mark(message: &str) -> bool {
    let folded = fold(message);
    let all = words(&folded);
    matches!(
        all.as_slice(),
        ["la" | "el" | "las" | "los" | "le" | "les" | "l", "de" | "del" | "en" | "con" | "du" | "des" | "a", ..]
            | ["celle" | "celui" | "celles" | "ceux" | "esa" | "ese" | "esta" | "este", ..]
    ) || all.last() == Some(&"one")
        || all.last() == Some(&"ones")
        // "La lámina", "the pendant": the one of that kind shown.
        || all.len() == 2
}

/// "Righto. the kiss pendant necklace pls", "ok the stoneware great wave
/// mug instead", "ok I'll just get a scarf. the mucha stole": one product
/// named with a definite article, asked for (please, instead, a word of
/// buying) and not looked for ("show me the mugs please") nor asked
/// about. Taken when one title alone has every word of the name.
pub fn requests_the(message: &str) -> bool {
    const ASKING_FOR: &[&str] = &[
        "please", "pls", "plz", "porfa", "favor", "svp", "stp", "plait", "instead", "lugar",
        "plutot",
    ];
    const THE: &[&str] = &["the", "el", "la", "los", "las", "le", "les", "l"];
    let folded = fold(message);
    let all = words(&folded);
    !message.contains('?')
        && (all.iter().any(|w| ASKING_FOR.contains(w)) || buys(&folded))
        && all.iter().any(|w| THE.contains(w))
        && !all.iter().any(|w| LOOKING.contains(w))
        && !takes_out(&all)
}

/// Whether a message asks to buy ("add", "I'll take", "la quiero", "je
/// prends", "into the basket"), beyond naming a product: what tells "the
/// pendant one" (an answer to "which one?") from "add the pendant one".
pub fn buys(folded: &str) -> bool {
    puts_in(folded)
        || words(folded).iter().any(|w| {
            ["agrega", "agregu", "anade", "ajoute", "pon", "mete", "meta"]
                .iter()
                .any(|verb| w.starts_with(verb))
                || matches!(
                    *w,
                    "take"
                        | "buy"
                        | "want"
                        | "get"
                        | "order"
                        | "basket"
                        | "cart"
                        | "quiero"
                        | "llevo"
                        | "dame"
                        | "deme"
                        | "regala"
                        | "regalame"
                        | "regaleme"
                        | "compro"
                        | "cesta"
                        | "carrito"
                        | "prends"
                        | "prend"
                        | "veux"
                        | "voudrais"
                        | "achete"
                        | "panier"
                )
        })
}

/// "Can I pay by card?", "¿con qué puedo pagar?", "paiement par bizum
/// possible ?": a question about paying (the help pages), not a request
/// for the payment link.
pub fn asks_how_to_pay(message: &str) -> bool {
    let folded = fold(message);
    let all = words(&folded);
    let method = all.iter().any(|w| {
        matches!(
            *w,
            "card"
                | "cards"
                | "tarjeta"
                | "tarjetas"
                | "carte"
                | "cartes"
                | "paypal"
                | "bizum"
                | "visa"
                | "mastercard"
                | "amex"
                | "cash"
                | "efectivo"
                | "especes"
                | "transfer"
                | "transferencia"
                | "virement"
                | "apple"
                | "google"
                | "methods"
                | "metodos"
                | "formas"
                | "moyens"
                | "safe"
                | "secure"
                | "seguro"
                | "segura"
                | "securise"
                | "accept"
                | "aceptan"
                | "aceptais"
                | "acceptez"
                | "installments"
                | "plazos"
        )
    });
    let asking = message.contains('?')
        || all.iter().any(|w| {
            matches!(
                *w,
                "can"
                    | "do"
                    | "does"
                    | "how"
                    | "which"
                    | "what"
                    | "puedo"
                    | "que"
                    | "como"
                    | "cual"
                    | "quels"
                    | "quel"
                    | "comment"
                    | "possible"
                    | "peut"
                    | "peux"
            )
        });
    method && asking
        || all.starts_with(&["con", "que"])
        || all.starts_with(&["how", "can", "i", "pay"])
}

/// "¿Cuánto es?", "cuanto les debo", "ça fait combien maintenant", "how
/// much now": nothing but a question for the basket's total.
pub fn asks_total(message: &str) -> bool {
    // "Ok fine he can do it with his dad. total?": the last clause asks.
    let last = message
        .rsplit(['.', '!', '?', ';', ','])
        .find(|clause| !clause.trim().is_empty())
        .unwrap_or(message);
    comes_to(message) || asks_total_alone(message) || last != message && asks_total_alone(last)
}

/// "What does it all come to", "what's it come to": the basket's total.
fn comes_to(message: &str) -> bool {
    let folded = fold(message);
    let all = words(&folded);
    all.windows(2)
        .any(|w| matches!(w, ["come" | "comes" | "coming", "to"]))
        && all.iter().any(|w| matches!(*w, "what" | "whats" | "much"))
}

fn asks_total_alone(message: &str) -> bool {
    let folded = fold(message);
    let all = words(&folded);
    let key = all.iter().any(|w| {
        matches!(
            *w,
            "cuanto" | "cuantos" | "combien" | "total" | "owe" | "debo" | "dois" | "much"
        )
    });
    let only = all.iter().all(|w| {
        matches!(
            *w,
            "cuanto"
                | "cuantos"
                | "combien"
                | "total"
                | "owe"
                | "debo"
                | "dois"
                | "much"
                | "how"
                | "is"
                | "now"
                | "so"
                | "far"
                | "in"
                | "all"
                | "do"
                | "i"
                | "e"
                | "es"
                | "son"
                | "sale"
                | "seria"
                | "les"
                | "te"
                | "le"
                | "ahora"
                | "en"
                | "todo"
                | "y"
                | "ca"
                | "fait"
                | "maintenant"
                | "au"
                | "tout"
                | "alors"
                | "et"
                | "je"
                | "vous"
                | "ok"
                | "vale"
                | "bon"
        )
    });
    key && only
}

/// "Cuánto les debo", "combien je vous dois", "the total": words of owing,
/// about the basket whatever is in focus.
pub fn owes(message: &str) -> bool {
    comes_to(message)
        || words(&fold(message)).iter().any(|w| {
            matches!(
                *w,
                "debo" | "owe" | "dois" | "total" | "todo" | "tout" | "together"
            )
        })
}

/// Whether a bare "how much" may be about the product in focus rather than
/// the basket: a product is in focus and the basket is not just that one
/// product's line ("uh, cuánto sale?" right after adding a statue asks its
/// price either way, and a question says so).
pub fn about_the_focus(dialog: &Dialog) -> bool {
    let Some(focus) = &dialog.focus else {
        return false;
    };
    dialog
        .basket
        .as_ref()
        .is_none_or(|b| match b.lines.as_slice() {
            // Two of it: the total is the answer that says more.
            [only] => only.item.id == focus.id && only.quantity == 1,
            lines => lines.is_empty(),
        })
}

/// "¿A qué huele?", "elle mesure combien", "c'est quoi exactement ?",
/// "cuánto era": a short question with a word of asking and nothing of
/// buying, taking out, searching or the shop: about the product in focus.
pub fn asks_about_it(message: &str) -> bool {
    const ASKING: &[&str] = &[
        // English
        "what", "whats", "how", "which", "does", "is", "smell", "weigh", "size", "big",
        // Spanish
        "que", "cuanto", "cuanta", "cuantos", "cuantas", "como", "cual", "mide", "miden", "huele",
        "pesa", "sirve", "tamano", "era", // French
        "quoi", "combien", "quel", "quelle", "comment", "mesure", "mesurent", "sent", "pese",
        "taille", "coutait",
    ];
    const NOT_ABOUT_IT: &[&str] = &[
        "basket",
        "cart",
        "cesta",
        "carrito",
        "panier",
        "total",
        "shipping",
        "envio",
        "livraison",
        "delivery",
        "return",
        "devolucion",
        "retour",
        "pay",
        "pagar",
        "payer",
        "order",
        "pedido",
        "commande",
        "you",
        "your",
        "vous",
        "usted",
        "ustedes",
        "tienda",
        "shop",
        "boutique",
        "others",
        "otros",
        "autres",
        "more",
        "mas",
        "plus",
        "help",
        "ayuda",
        "aide",
        "can",
        "puedes",
        "puede",
        "pueden",
        "hacer",
        "peux",
        "pouvez",
        "faire",
        "work",
        "funciona",
        "marche",
        "fonctionne",
        "debo",
        "debe",
        "owe",
        "dois",
        "doit",
        "todo",
        "tout",
        "suma",
        "suman",
        "together",
        "altogether",
        "ensemble",
    ];
    let folded = fold(message);
    let all = words(&folded);
    (1..=6).contains(&all.len())
        && all.iter().any(|w| ASKING.contains(w))
        && !all.iter().any(|w| NOT_ABOUT_IT.contains(w))
        && !all.iter().any(|w| w.chars().any(|c| c.is_ascii_digit()))
        && !buys(&folded)
        && !takes_out(&all)
}

/// "One more", "une de plus", "pon otro", "dame otra", "2 más": units
/// more of the product just put in, and nothing else; the count.
pub fn more_of_it(message: &str) -> Option<i64> {
    let folded = fold(message);
    let all = words(&folded);
    let more = all.iter().any(|w| {
        matches!(
            *w,
            "more" | "another" | "mas" | "otra" | "otro" | "plus" | "encore" | "autre"
        )
    });
    let mut count = None;
    for w in &all {
        if let Ok(n) = w.parse::<i64>() {
            if count.is_some() {
                return None;
            }
            count = Some(n);
        } else if let Some(n) = museo_sdk::parse::number_word(w)
            .filter(|_| !matches!(*w, "un" | "une" | "una" | "uno" | "one" | "a" | "an"))
        {
            if count.is_some() {
                return None;
            }
            count = Some(i64::from(n));
        } else if !matches!(
            *w,
            "one"
                | "a"
                | "an"
                | "un"
                | "une"
                | "una"
                | "uno"
                | "de"
                | "more"
                | "another"
                | "mas"
                | "otra"
                | "otro"
                | "plus"
                | "encore"
                | "autre"
                | "pon"
                | "ponme"
                | "dame"
                | "mete"
                | "and"
                | "y"
                | "ya"
                | "va"
                | "ok"
                | "et"
                | "remettez"
                | "remets"
                | "rajoute"
                | "rajoutez"
                | "mets"
                | "mettez"
                | "en"
                | "add"
                | "please"
                | "pls"
                | "svp"
                | "stp"
                | "bon"
                | "vale"
                | "porfa"
                | "of"
                | "it"
                | "that"
                | "those"
                | "them"
                | "same"
                | "igual"
                | "lo"
                | "la"
                | "le"
                | "les"
                | "mismo"
                | "misma"
                | "meme"
        ) {
            return None;
        }
    }
    more.then(|| count.unwrap_or(1))
        .filter(|n| (1..=100).contains(n))
}

/// The words after a message's joining word ("i la tarjeta navideña" →
/// "la tarjeta navideña"): what it names when mcp-intent found no name.
pub fn after_join(message: &str) -> Option<String> {
    let folded = fold(message);
    let all = words(&folded);
    let rest = match all.as_slice() {
        [first, rest @ ..] if JOINS.contains(first) || *first == "i" => rest,
        _ => return None,
    };
    (!rest.is_empty()).then(|| rest.join(" "))
}

/// Whether the message has a word of paying or checking out (not a card:
/// cards are products too).
pub fn says_pay(message: &str) -> bool {
    words(&fold(message)).iter().any(|w| {
        matches!(
            *w,
            "pay"
                | "paying"
                | "checkout"
                | "pagar"
                | "pago"
                | "pagarlo"
                | "payer"
                | "paiement"
                | "regler"
                | "link"
                | "enlace"
                | "lien"
        )
    })
}

/// "Y la taza de los girasoles?", "pis le pendentif libellule ?", "what
/// about the tote?": a product named after a joining word, with nothing
/// asked of it — the question just answered, asked again of `name`, or
/// (with none) a look at it. Acknowledgements may come first ("uf entonces
/// no. y la de Seurat?").
pub fn and_the(message: &str, name: &str) -> bool {
    const LINKING: &[&str] = &[
        "the", "a", "an", "of", "one", "that", "this", "about", "what", "how", "then", "too",
        "also", "yes", "el", "la", "los", "las", "lo", "un", "una", "uno", "de", "del", "ese",
        "esa", "si", "que", "tal", "entonces", "tambien", "le", "les", "l", "du", "des", "d",
        "une", "celui", "celle", "oui", "alors", "aussi", "quid",
    ];
    if !message.contains('?') {
        return false;
    }
    let folded = fold(message);
    let all = words(&folded);
    let Some(join) = all.iter().position(|w| JOINS.contains(w) || *w == "about") else {
        return false;
    };
    let folded_name = fold(name);
    let named = words(&folded_name);
    let rest = &all[join + 1..];
    join <= 4
        && !all[..join].iter().any(|w| named.contains(w))
        && rest.iter().any(|w| named.contains(w))
        && rest
            .iter()
            .all(|w| named.contains(w) || LINKING.contains(w) || JOINS.contains(w))
}

/// "And one Kiss mug", "y la corbata", "the plush too": a message that
/// goes on from the product just put in to another, with nothing to ask.
pub fn goes_on(message: &str) -> bool {
    let folded = fold(message);
    let all = words(&folded);
    // The words that join ("and", "y", "pis", the list's JOINS) or add
    // ("also", "también", "aussi"), and the acknowledgements before them.
    const ALSO: &[&str] = &["also", "tambien", "aussi"];
    let joins = |w: &str| JOINS.contains(&w) || ALSO.contains(&w);
    let ack = |w: &str| {
        matches!(
            w,
            "ok" | "okay"
                | "vale"
                | "bon"
                | "cool"
                | "great"
                | "ugh"
                | "hmm"
                | "oh"
                | "ah"
                | "right"
                | "alright"
                | "well"
                | "uf"
                | "vaya"
                | "bueno"
                | "ouf"
                | "bof"
        )
    };
    // "Ugh ok. and the kiss socks": acknowledgements first.
    let lead: Vec<&str> = all.iter().copied().skip_while(|w| ack(w)).collect();
    let first = lead.iter().find(|w| !joins(w) && **w != "i").copied();
    // "i la tarjeta": a "y" mistyped, before an article.
    let joined = match lead.as_slice() {
        [first, ..] if joins(first) => true,
        ["i", article, ..] => matches!(*article, "la" | "el" | "los" | "las" | "un" | "una"),
        _ => false,
    };
    let too = all.last().is_some_and(|w| *w == "too" || ALSO.contains(w));
    let asks = message.contains('?')
        || first.is_some_and(|w| {
            matches!(
                w,
                "what"
                    | "how"
                    | "which"
                    | "do"
                    | "does"
                    | "is"
                    | "are"
                    | "que"
                    | "cual"
                    | "como"
                    | "cuanto"
                    | "quel"
                    | "quelle"
                    | "combien"
                    | "comment"
                    | "est"
                    | "si"
            )
        });
    // "Y el fular de gasa de degas, de q es?" asks about the next product.
    let asks =
        asks || all.iter().skip(1).any(|w| {
            matches!(
                *w,
                "q" | "cuanto" | "cuanta" | "combien" | "how" | "what" | "quoi" | "quel" | "quelle"
            )
        }) || all.windows(2).any(|w| matches!(w, ["que", "es"]));
    // "Y de las postales pon una menos" changes a line; it names no next product.
    let changes = says_fewer(message) || takes_out(&all);
    (joined || too) && !asks && !changes && all.len() <= 8
}

/// "Celui-là", "that one", "ese": a word pointing at one product.
pub fn points_at_one(message: &str) -> bool {
    let folded = fold(message);
    let all = words(&folded);
    all.windows(2)
        .any(|w| matches!(w, ["that" | "this", "one"]))
        || all.iter().any(|w| {
            matches!(
                *w,
                "celui" | "celle" | "celui-la" | "celle-la" | "ese" | "esa" | "este" | "esta"
            )
        })
}

/// "Je prends les deux", "I'll take both", "me llevo las dos": both of the
/// two products the shopper was choosing between, one of each. A word of
/// buying, or the words alone ("both please"); no question, no other count
/// and nothing taken out.
pub fn takes_both(message: &str) -> bool {
    let folded = fold(message);
    let all = words(&folded);
    let both = all.iter().any(|w| matches!(*w, "both" | "ambos" | "ambas"))
        || all.windows(2).any(|p| {
            matches!(
                p,
                ["les", "deux"] | ["los", "dos"] | ["las", "dos"] | ["the", "two"]
            )
        });
    let counts = all
        .iter()
        .filter(|w| {
            w.chars().all(|c| c.is_ascii_digit())
                || !matches!(**w, "deux" | "dos" | "two")
                    && museo_sdk::parse::number_word(w).is_some_and(|n| n > 1)
        })
        .count();
    both && counts == 0
        && !message.contains('?')
        && !takes_out(&all)
        && (buys(&folded) || all.len() <= 4)
}

/// "Esa también", "celui-là aussi", "that one too": the product pointed
/// at, as well as what was taken before (nothing else said).
pub fn that_one_too(message: &str) -> bool {
    let folded = fold(message);
    let all = words(&folded);
    let too = all.iter().any(|w| {
        matches!(
            *w,
            "too" | "also" | "tambien" | "aussi" | "tb" | "tmb" | "tbn"
        )
    });
    too && all.len() <= 4 && points_at_one(message) && !takes_out(&all) && !message.contains('?')
}

/// "Chain", "la cadena", "le couvercle": a name that is a part of a
/// product (asked about the one in focus), not a product.
pub fn a_part_of_it(name: &str) -> bool {
    const PARTS: &[&str] = &[
        "chain",
        "strap",
        "lid",
        "handle",
        "lining",
        "clasp",
        "cord",
        "cadena",
        "correa",
        "tapa",
        "asa",
        "forro",
        "cierre",
        "cordon",
        "chaine",
        "bride",
        "couvercle",
        "anse",
        "doublure",
        "fermoir",
    ];
    let folded = fold(name);
    let all: Vec<&str> = words(&folded)
        .into_iter()
        .filter(|w| {
            !matches!(
                *w,
                "the" | "el" | "la" | "le" | "l" | "its" | "su" | "sa" | "son"
            )
        })
        .collect();
    all.len() == 1 && PARTS.contains(&all[0])
}

/// "Add something nice", "añade algo bonito", "ajoute un truc sympa":
/// a thing asked for with no word that could name a product.
pub fn only_vague(message: &str) -> bool {
    const VAGUE: &[&str] = &[
        "something",
        "anything",
        "thing",
        "stuff",
        "nice",
        "cool",
        "good",
        "lovely",
        "pretty",
        "beautiful",
        "cute",
        "random",
        "algo",
        "cosa",
        "bonito",
        "bonita",
        "chulo",
        "chula",
        "lindo",
        "linda",
        "bueno",
        "buena",
        "truc",
        "chose",
        "quelque",
        "sympa",
        "joli",
        "jolie",
        "beau",
        "belle",
        "n'importe",
        "importe",
        "quoi",
    ];
    const THING: &[&str] = &[
        "something",
        "anything",
        "thing",
        "stuff",
        "algo",
        "cosa",
        "truc",
        "chose",
        "quelque",
    ];
    let own = telling(message);
    let folded = fold(message);
    words(&folded).iter().any(|w| THING.contains(w))
        && own.iter().all(|w| VAGUE.contains(&w.as_str()))
}

/// "Un deuxième", "a second one", "una segunda": one more unit, said as
/// an ordinal after an article.
pub fn a_second_one(message: &str) -> bool {
    let folded = fold(message);
    words(&folded).windows(2).any(|w| {
        matches!(
            w,
            [
                "un" | "une" | "a" | "una" | "uno",
                "deuxieme" | "second" | "segundo" | "segunda"
            ]
        )
    })
}

/// "4 of them", "3 de ellas", "2 d'entre eux": a count of the product
/// just named, not another product.
pub fn counts_them(message: &str) -> bool {
    let folded = fold(message);
    words(&folded).windows(2).any(|w| {
        matches!(
            w,
            ["of", "them" | "those" | "these"]
                | ["de", "ellos" | "ellas" | "esos" | "esas"]
                | ["d", "entre"]
        )
    })
}

/// Words of asking, in three languages ("que" and "qui" are left out: they
/// also join clauses, "la que es azul").
const ASKING_WORDS: &[&str] = &[
    "what", "whats", "which", "how", "when", "where", "why", "cual", "cuales", "como", "cuanto",
    "cuanta", "cuantos", "cuantas", "donde", "cuando", "quel", "quelle", "quels", "quelles",
    "comment", "combien", "quand", "pourquoi", "quoi",
];

/// "Y el fular de gasa de Degas, ¿de qué es?", "c'est quoi": a message
/// that ends asking about what it names.
pub fn ends_asking(message: &str) -> bool {
    let folded = fold(message);
    let all = words(&folded);
    // "Et le parapluie enfant du lièvre, c'est pour quel âge": a last
    // clause with a word of asking. ("Que" and "qui" also join clauses.)
    // (A message of one clause, "what about the kiss socks", is a look.)
    let last = fold(message.rsplit([',', ';']).next().unwrap_or_default());
    let clause = words(&last);
    // ("The mummy dig kit, how old do they need to be": a clause that opens
    // with a word of asking may be longer.)
    if clause.len() < all.len()
        && (clause.len() <= 6 && clause.iter().any(|w| ASKING_WORDS.contains(w))
            || clause.len() <= 10 && clause.first().is_some_and(|w| ASKING_WORDS.contains(w)))
    {
        return true;
    }
    // "Y la estola, de q color es": "que" asks when the clause ends on
    // what the product is or has.
    if clause.len() < all.len()
        && clause.len() <= 6
        && clause[..clause.len().saturating_sub(1)]
            .iter()
            .any(|w| matches!(*w, "q" | "que"))
        && clause.last().is_some_and(|w| {
            matches!(
                *w,
                "es" | "son"
                    | "tiene"
                    | "tienen"
                    | "trae"
                    | "traen"
                    | "lleva"
                    | "llevan"
                    | "mide"
                    | "miden"
                    | "pesa"
                    | "pesan"
                    | "esta"
                    | "estan"
            )
        })
    {
        return true;
    }
    matches!(
        all.as_slice(),
        [.., "q" | "que", "es"]
            | [
                ..,
                "q" | "que",
                _,
                "es" | "son" | "tiene" | "trae" | "lleva" | "mide" | "pesa"
            ]
            | [.., "est", "quoi"]
            | [.., "what", "is", "it"]
            | [.., "es", "de", "que"]
            | [.., "c" | "cest" | "est", "combien"]
            | [.., "how", "much"]
            | [.., "cuanto", "es" | "sale" | "cuesta" | "vale"]
    )
}

/// "Le pendentif libellule, c'est fait en quoi": the first clause of a
/// message with several, when it names one product with a definite article
/// ("le pendentif libellule"), not a kind in the plural ("les mugs").
pub fn names_the_one(message: &str) -> Option<String> {
    let (first, _) = message.split_once(',')?;
    let folded = fold(first);
    let all = words(&folded);
    let lead = all
        .iter()
        .position(|w| !matches!(*w, "ok" | "bon" | "vale" | "alors" | "y" | "et" | "and"))?;
    let singular = matches!(all[lead], "the" | "el" | "la" | "le" | "l");
    (singular && all.len() - lead >= 2).then(|| first.trim().to_owned())
}

/// "Finalement, retirez 2 cartes de Noël", "saca la taza": words of taking
/// out, and none of buying.
pub fn only_takes_away(message: &str) -> bool {
    let folded = fold(message);
    takes_out(&words(&folded)) && !buys(&folded) || takes_it_out(message)
}

/// "Enlève le chat et mets le lièvre", "saca la de girasoles y ponme la
/// taza del almendro": two parts joined by "and", the first taking out and
/// the second putting in; their words, in that order.
pub fn swaps(message: &str) -> Option<(String, String)> {
    let folded = fold(message);
    let all = words(&folded);
    let join = all.iter().position(|w| matches!(*w, "and" | "y" | "et"))?;
    let (first, second) = (&all[..join], &all[join + 1..]);
    let puts = |part: &[&str]| buys(&part.join(" "));
    (takes_out(first) && !puts(first) && puts(second) && !takes_out(second))
        .then(|| (first.join(" "), second.join(" ")))
}

/// "Take the letters book out", "take that out": "take" is taking out
/// when "out" ends the message.
pub fn takes_it_out(message: &str) -> bool {
    let folded = fold(message);
    let all = words(&folded);
    all.contains(&"take") && all.last() == Some(&"out")
}

/// "Tenés el colgante de la libélula?": a question of three words or more,
/// with no word of buying (asked, a product is shown, never put in the
/// basket). ("Cotton?" asks about the product in focus.)
pub fn asks_without_buying(message: &str) -> bool {
    message.trim_end().ends_with('?')
        && message.split_whitespace().count() >= 3
        && !buys(&fold(message))
}

/// "Carnets ou agendas", "mugs or cups", "de Monet o de Klimt": either of
/// two things asked for.
pub fn offers_either(message: &str) -> bool {
    let folded = fold(message);
    let all = words(&folded);
    all.len() >= 3
        && all[1..all.len() - 1]
            .iter()
            .any(|w| matches!(*w, "or" | "ou" | "o"))
}

/// "Non en fait pas le stylo", "no wait, not the pen": the words of what
/// the message rules out, when it names nothing else.
pub fn only_rules_out(message: &str) -> Option<Vec<String>> {
    const CHATTER: &[&str] = &[
        "non",
        "fait",
        "actually",
        "wait",
        "mejor",
        "finalmente",
        "finalement",
        "plutot",
        "hmm",
        "okay",
        "bueno",
        "pues",
        "alors",
        "bon",
        "sorry",
        "perdon",
        "pardon",
    ];
    let (kept, ruled_out) = negated(message)?;
    kept.iter()
        .all(|w| CHATTER.contains(&w.as_str()))
        .then_some(ruled_out)
}

/// "Mucha four seasons print": a number word between two words of a name,
/// which is part of the name, not a count ("3 livres…", "…, deux" are).
pub fn count_inside_name(message: &str) -> bool {
    let folded = fold(message);
    folded.split(',').any(|part| {
        let all = words(part);
        all.windows(3).any(|w| {
            // (Two or more: "a", "un", "une" are articles inside names.)
            museo_sdk::parse::number_word(w[1]).is_some_and(|n| n >= 2)
                && w[1].parse::<u32>().is_err()
                && !telling(w[0]).is_empty()
                && !telling(w[2]).is_empty()
        })
    })
}

/// "Customs?", "¿hay que pagar aduana?", "frais de douane": a question of
/// duties on a delivery.
pub fn asks_customs(message: &str) -> bool {
    words(&fold(message)).iter().any(|w| {
        matches!(
            *w,
            "customs"
                | "duties"
                | "duty"
                | "aduana"
                | "aduanas"
                | "aranceles"
                | "douane"
                | "douanes"
        )
    })
}

/// "Ponme un par", "dame tres", "give me 2": a verb of giving, which
/// names no basket line (after a question about a product not in the
/// basket it means that product).
pub fn gives(message: &str) -> bool {
    let folded = fold(message);
    let all = words(&folded);
    all.windows(2)
        .any(|w| matches!(w, ["give", "me"] | ["i'll" | "ill", "take"]))
        || all.iter().any(|w| {
            matches!(
                *w,
                "ponme" | "dame" | "meteme" | "donne-moi" | "donnez-moi" | "mets-m'en" | "prends"
            )
        })
}

/// The message with counts written as a multiplication ("washi tape x2",
/// "3x postcards", "×4") as plain numbers, which every reading below
/// (and mcp-intent) counts.
pub fn plain_counts(message: &str) -> std::borrow::Cow<'_, str> {
    let core = |w: &str| -> String {
        w.trim_matches(|c: char| !c.is_alphanumeric() && c != '×')
            .to_owned()
    };
    let times = |w: &str| museo_sdk::parse::times_count(&core(w)).map(str::to_owned);
    if !message.split_whitespace().any(|w| times(w).is_some()) {
        return std::borrow::Cow::Borrowed(message);
    }
    let words: Vec<String> = message
        .split_whitespace()
        .map(|w| times(w).map_or_else(|| w.to_owned(), |n| w.replacen(&core(w), &n, 1)))
        .collect();
    std::borrow::Cow::Owned(words.join(" "))
}

/// "Y la de los girasoles?" after the Las Meninas mug, "la taza de los
/// girasoles y la de las meninas", "et celle de Degas", "and the
/// sunflowers one?": a name that leaves its kind out ("la de…", "celle
/// de…", "the one with…", "the … one") is of the kind
/// `like` names (a title or a name with a kind word in it). The name with
/// that word before it, when the name has none of its own.
pub fn of_the_same_kind(message: &str, name: &str, like: &str) -> Option<String> {
    let folded = fold(message);
    let all = words(&folded);
    let elliptic = all.windows(2).any(|p| {
        matches!(
            p,
            [
                "la" | "el" | "las" | "los" | "celle" | "celui" | "celles" | "ceux",
                "de" | "del" | "des" | "du" | "con" | "avec"
            ] | ["one" | "ones", "with"]
        )
    }) || all.len() >= 3 && matches!(all.last(), Some(&"one" | &"ones"));
    let has_kind = |text: &str| {
        let folded = fold(text);
        words(&folded)
            .into_iter()
            .find(|w| museo_sdk::parse::category(w).is_some())
            .map(str::to_owned)
    };
    if !elliptic || has_kind(name).is_some() {
        return None;
    }
    has_kind(like).map(|kind| format!("{kind} {name}"))
}

/// The message without the greeting it opens with ("hola! quiero la bolsa
/// de tela de la lechera", "ey q tal, quiero el pañuelo de seda", "epa,
/// quiero 4 tazas…", "bonjour, je voudrais…"): a greeting names no product,
/// yet it was read into the name or kept the name from being read. Only
/// when a greeting word opens the message and at least two words follow it.
pub fn without_greeting(message: &str) -> std::borrow::Cow<'_, str> {
    const GREETING: &[&str] = &[
        "hola", "ola", "buenas", "wenas", "hey", "ey", "epa", "hi", "hello", "hiya", "howdy",
        "bonjour", "bonsoir", "salut", "coucou", "allo", "saludos", "buenos",
    ];
    const WITH_IT: &[&str] = &[
        "que", "q", "tal", "onda", "dia", "dias", "tardes", "noches", "buen", "there", "all", "y",
        "ca", "va", "tout", "le", "monde",
    ];
    let parts: Vec<&str> = message.split_whitespace().collect();
    let plain = |w: &str| fold(w.trim_matches(|c: char| !c.is_alphanumeric()));
    if !parts
        .first()
        .is_some_and(|w| GREETING.contains(&plain(w).as_str()))
    {
        return std::borrow::Cow::Borrowed(message);
    }
    let mut end = 0;
    for (i, w) in parts.iter().enumerate() {
        let p = plain(w);
        if !(GREETING.contains(&p.as_str()) || WITH_IT.contains(&p.as_str())) {
            break;
        }
        end = i + 1;
        // "Hola!", "epa,": punctuation closes the greeting.
        if w.ends_with([',', '!', '.', ':', ';']) {
            break;
        }
    }
    let rest = parts[end.min(parts.len())..].join(" ");
    let folded = fold(&rest);
    // Only an order: a search or a question read well with its greeting.
    let asks = buys(&folded)
        || words(&folded).iter().any(|w| {
            matches!(
                *w,
                "quiero" | "quisiera" | "necesito" | "want" | "need" | "voudrais" | "veux"
            )
        });
    if parts.len() < end + 2 || !asks {
        return std::borrow::Cow::Borrowed(message);
    }
    std::borrow::Cow::Owned(rest)
}

/// The message without the acknowledgement it opens with, when punctuation
/// closes it ("great. remove the cat", "boo. the pearl drop earrings then",
/// "vaya... pues la bolsa de la gran ola", "Dommage. Alors le mug"): "great"
/// is also a word of "The Great Wave", and read into the name it kept the
/// basket's cat from being found. Up to three words, each an
/// acknowledgement, the last ending in `,` `.` `!` `;` or `…`, and two words
/// at least after them. Refusals ("no, the red one") keep their "no".
pub fn without_acknowledgement(message: &str) -> std::borrow::Cow<'_, str> {
    #[rustfmt::skip]
    const ACK: &[&str] = &[
        // English
        "ok", "okay", "k", "great", "perfect", "cool", "nice", "awesome", "lovely", "fine",
        "right", "alright", "sure", "yes", "yeah", "yep", "hmm", "hm", "ugh", "aww", "aw", "oh",
        "ah", "boo", "well", "wow", "damn", "shame", "oops", "sorry", "haha", "lol",
        "good", "brilliant", "excellent", "grand", "gotcha", "hmmm", "meh",
        // Spanish
        "vale", "bueno", "buenisimo", "genial", "perfecto", "perfecta", "si", "claro", "vaya",
        "uy", "ay", "pues", "bien", "listo", "dale", "guay", "chevere", "jaja",
        "jajaja", "okey", "mmm", "uf", "ufff", "ostras", "bah", "mira", "oye", "lastima",
        "orale", "va", "venga", "entendido", "anda",
        // French
        "bon", "d'accord", "daccord", "parfait", "super", "genial", "top", "oui",
        "ouais", "dommage", "zut", "mince", "ben", "bof", "nickel", "voila", "hum",
        "euh", "tant", "pis",
    ];
    let parts: Vec<&str> = message.split_whitespace().collect();
    let plain = |w: &str| fold(w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\''));
    let closes = |w: &str| w.ends_with([',', '!', '.', ';', '…']);
    let mut end = None;
    for (i, w) in parts.iter().enumerate().take(3) {
        if !ACK.contains(&plain(w).as_str()) {
            break;
        }
        if closes(w) {
            end = Some(i + 1);
            break;
        }
    }
    match end {
        Some(end) if parts.len() >= end + 2 => std::borrow::Cow::Owned(parts[end..].join(" ")),
        _ => std::borrow::Cow::Borrowed(message),
    }
}

/// The message without French "très" (very), which folds to Spanish
/// "tres" (three): "Très bien, je prends les deux" counts nothing. Written
/// without its accent, "tres" goes only before a word it qualifies ("tres
/// bien", "tres joli"); "tres tazas" stays three.
pub fn without_very(message: &str) -> std::borrow::Cow<'_, str> {
    let words: Vec<&str> = message.split_whitespace().collect();
    let plain = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
    };
    let very = |i: usize| {
        let next = words.get(i + 1).map(|n| fold(&plain(n)));
        museo_sdk::parse::is_very(&plain(words[i]), next.as_deref())
    };
    if !(0..words.len()).any(very) {
        return std::borrow::Cow::Borrowed(message);
    }
    let kept: Vec<&str> = (0..words.len())
        .filter(|&i| !very(i))
        .map(|i| words[i])
        .collect();
    std::borrow::Cow::Owned(kept.join(" "))
}

/// The message without who the products are for: "make it 2, one for my
/// sister", "mejor 2, uno para mí y otro para mi prima", "5 packs for my
/// class", "mándame 2, una es para regalar", "pour ma fille". Such a phrase
/// names no product, yet its words ("class", "regalo") would be searched
/// as one, and its "one" would be read as a count. A phrase is the word
/// for "for" and a possessive with at most three words after it (up to a
/// comma, "and", or a preposition such as "in": "para mi casa en
/// Canarias" keeps "en Canarias"), or "for" and a gift ("for a present",
/// "para regalar"), with the "one" / "it's" before it.
pub fn without_recipients(message: &str) -> std::borrow::Cow<'_, str> {
    const FOR: &[&str] = &["for", "para", "pa", "pour"];
    const POSSESSIVES: &[&str] = &[
        "my", "his", "her", "our", "their", "mi", "mis", "su", "sus", "nuestra", "nuestro",
        "nuestros", "nuestras", "tu", "tus", "mon", "ma", "mes", "son", "sa", "ses", "notre",
        "nos", "ton", "ta", "tes",
    ];
    const GIFTS: &[&str] = &[
        "gift", "present", "regalo", "regalar", "cadeau", "offrir", "cadeaux", "regalos",
    ];
    const ARTICLES: &[&str] = &["a", "an", "un", "una", "une"];
    const BEFORE: &[&str] = &[
        "one", "uno", "una", "un", "une", "otro", "otra", "another", "es", "son", "est", "c",
        "cest", "sont", "its", "it", "s", "they", "re", "theyre", "is", "are", "ce", "q", "que",
        "xq", "porque", "because", "cause", "coz", "car",
    ];
    const STOPS: &[&str] = &["in", "en", "a", "to", "at", "au", "aux", "de", "del", "of"];
    let tokens: Vec<&str> = message.split_whitespace().collect();
    let key = |t: &str| fold(t.trim_matches(|c: char| !c.is_alphanumeric()));
    let ends_clause = |t: &str| t.ends_with([',', '.', ';', '!', '?', ':']);
    let mut keep = vec![true; tokens.len()];
    let mut i = 0;
    while i + 1 < tokens.len() {
        if !FOR.contains(&key(tokens[i]).as_str()) || ends_clause(tokens[i]) {
            i += 1;
            continue;
        }
        let next = key(tokens[i + 1]);
        let end = if POSSESSIVES.contains(&next.as_str()) {
            let mut end = i + 1;
            while end - (i + 1) < 3
                && !ends_clause(tokens[end])
                && let Some(word) = tokens.get(end + 1).map(|t| key(t))
                && !JOINS.contains(&word.as_str())
                && !STOPS.contains(&word.as_str())
            {
                end += 1;
            }
            Some(end)
        } else if GIFTS.contains(&next.as_str()) {
            Some(i + 1)
        } else if ARTICLES.contains(&next.as_str())
            && !ends_clause(tokens[i + 1])
            && tokens
                .get(i + 2)
                .is_some_and(|t| GIFTS.contains(&key(t).as_str()))
        {
            Some(i + 2)
        } else {
            None
        };
        let Some(end) = end else {
            i += 1;
            continue;
        };
        let mut start = i;
        while start > 0
            && i - start < 3
            && !ends_clause(tokens[start - 1])
            && BEFORE.contains(&key(tokens[start - 1]).as_str())
        {
            start -= 1;
        }
        keep[start..=end].iter_mut().for_each(|k| *k = false);
        i = end + 1;
    }
    if keep.iter().all(|k| *k) {
        return std::borrow::Cow::Borrowed(message);
    }
    let mut kept: Vec<&str> = tokens
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(t, _)| *t)
        .collect();
    // "mejor 2, uno para mí y otro…" leaves "mejor 2, y": no dangling "and".
    while kept
        .last()
        .is_some_and(|t| JOINS.contains(&key(t).as_str()) || key(t).is_empty())
    {
        kept.pop();
    }
    let mut out = kept.join(" ");
    let out_trimmed = out.trim_end_matches([',', ';', ' ']).len();
    out.truncate(out_trimmed);
    // The question mark of a removed phrase still asks.
    if message.trim_end().ends_with('?') && !out.ends_with('?') {
        out.push('?');
    }
    if out.trim().is_empty() {
        return std::borrow::Cow::Borrowed(message);
    }
    std::borrow::Cow::Owned(out)
}

/// "Vale pues las 3 que haya", "ok the 2 you have then", "je prends ce
/// qu'il reste": as many as are left, said right after a refusal for stock.
pub fn takes_what_is_left(message: &str) -> bool {
    const LEFT: &[&[&str]] = &[
        &["you", "have"],
        &["you", "ve", "got"],
        &["you", "got"],
        &["what", "s", "left"],
        &["whats", "left"],
        &["what", "is", "left"],
        &["that", "s", "left"],
        &["thats", "left"],
        &["are", "left"],
        &["remaining"],
        &["all", "of", "them"],
        &["que", "haya"],
        &["q", "haya"],
        &["que", "hay"],
        &["q", "hay"],
        &["que", "quedan"],
        &["q", "quedan"],
        &["que", "queden"],
        &["que", "queda"],
        &["que", "tengais"],
        &["q", "tengais"],
        &["que", "teneis"],
        &["q", "teneis"],
        &["que", "tengan"],
        &["que", "tienen"],
        &["que", "tienes"],
        &["q", "tienes"],
        &["restantes"],
        &["qu", "il", "reste"],
        &["qui", "reste"],
        &["qui", "restent"],
        &["que", "vous", "avez"],
        &["qu", "il", "y", "a"],
        &["restants"],
    ];
    let folded = fold(message);
    let all = words(&folded);
    // "How many have you got then?" asks; it takes nothing.
    let asks = message.contains('?')
        || all.windows(2).any(|w| matches!(w, ["how", "many"]))
        || all
            .iter()
            .any(|w| matches!(*w, "cuantas" | "cuantos" | "combien"));
    !asks
        && LEFT
            .iter()
            .any(|cue| all.windows(cue.len()).any(|w| w == *cue))
}

/// A count a message says of its own: a number, a number word above one,
/// or Spanish "uno"/"una" (which, unlike "one", is never a pronoun for a
/// product: "the brass one" counts nothing).
pub fn own_count(message: &str) -> Option<i64> {
    let folded = fold(message);
    let all = words(&folded);
    (0..all.len())
        .find_map(|i| match all[i] {
            "uno" | "una" => Some(1),
            w if w.parse::<u32>().is_ok() => count_at(&all, i),
            _ => count_at(&all, i).filter(|n| *n > 1),
        })
        .filter(|n| (1..=1000).contains(n))
}

/// The first count a message says ("las 3 que haya" → 3), articles aside.
pub fn first_count(message: &str) -> Option<i64> {
    let folded = fold(message);
    let all = words(&folded);
    (0..all.len())
        .find_map(|i| count_at(&all, i))
        .filter(|n| (1..=1000).contains(n))
}

/// The number written at `i` (digits or words, "twenty five"), articles
/// aside.
fn count_at(all: &[&str], i: usize) -> Option<i64> {
    museo_sdk::parse::quantity(all, i, false).map(|(n, _)| i64::from(n))
}

/// "Une seule tasse", "solo un delantal", "mets-en un": one said with an
/// article or "only".
pub fn says_one(message: &str) -> bool {
    words(&fold(message)).iter().any(|w| {
        museo_sdk::parse::number_word(w) == Some(1)
            || matches!(*w, "single" | "seul" | "seule" | "solo" | "sola")
    })
}

/// "Nah sácalo", "enlève-le", "remove it": a short message that only takes
/// something out (the line it means is the basket's default).
pub fn only_takes_out(message: &str) -> bool {
    let folded = fold(message);
    let all = words(&folded);
    all.len() <= 3 && takes_out(&all)
}

/// A word of fewer ("una menos", "un de moins", "one less"): such a
/// message never adds.
pub fn says_fewer(message: &str) -> bool {
    words(&fold(message))
        .iter()
        .any(|w| matches!(*w, "menos" | "moins" | "less" | "fewer"))
}

/// "Una taza menos", "deux cartes de moins", "one mug less": the words
/// naming the product and how many fewer (1 when no number is said);
/// `None` when no word names anything.
pub fn fewer_of(message: &str) -> Option<(String, i64)> {
    let folded = fold(message);
    let mut count = None;
    let mut name = Vec::new();
    for word in words(&folded) {
        let n = word
            .parse::<i64>()
            .ok()
            .or_else(|| museo_sdk::parse::number_word(word).map(i64::from));
        match n {
            Some(n) if count.is_none() && (1..=1000).contains(&n) => count = Some(n),
            _ if matches!(word, "menos" | "moins" | "less" | "fewer" | "de" | "of") => {}
            _ => name.push(word),
        }
    }
    (!name.is_empty()).then(|| (name.join(" "), count.unwrap_or(1)))
}

/// Whether the words ask to take something out ("remove", "quítalo",
/// "enlève-le").
fn takes_out(words: &[&str]) -> bool {
    words.iter().any(|w| {
        w.starts_with("quita")
            || w.starts_with("enleve")
            || w.starts_with("retire")
            || matches!(
                *w,
                "remove" | "delete" | "out" | "saca" | "sacalo" | "elimina"
            )
    })
}

/// "No wait, the red one", "en fait non le lièvre", "mejor la de fuji
/// rojo", "the hare instead": the shopper takes back the product just put
/// in the basket for another. A question, or "too"/"also", is no change of
/// mind.
pub fn changes_mind(message: &str) -> bool {
    let folded = fold(message);
    let all = words(&folded);
    let early = all.iter().take(4).any(|w| {
        matches!(
            *w,
            "no" | "non" | "nope" | "not" | "instead" | "rather" | "plutot" | "mejor"
        )
    });
    let late = all.last().is_some_and(|w| *w == "instead")
        || folded.contains("a la place")
        || folded.contains("en su lugar");
    let more = all.iter().any(|w| {
        matches!(
            *w,
            "too" | "also" | "tambien" | "aussi" | "more" | "mas" | "plus"
        )
    });
    // "No, remove the mug" takes out; "uf no, quítalo y pon los de perla"
    // takes out and puts in.
    let removes = takes_out(&all);
    let puts = puts_in(&folded);
    (early || late) && !more && (!removes || puts) && !message.contains('?')
}

/// The number of a message that is nothing but a number and words around
/// one ("no wait, 5", "ponme dos"): what a correction of the last basket
/// change looks like. An article alone counts one ("juste un alors").
/// A word correcting what was said before ("mejor 2", "non 2",
/// "actually 3"): with nothing in the basket there is nothing to correct.
pub fn corrects(message: &str) -> bool {
    words(&fold(message)).iter().any(|w| {
        matches!(
            *w,
            "mejor"
                | "make"
                | "no"
                | "non"
                | "plutot"
                | "actually"
                | "rather"
                | "instead"
                | "fait"
                | "finalmente"
                | "finalement"
                | "wait"
                | "espera"
                | "attends"
        )
    })
}

pub fn bare_quantity(message: &str) -> Option<i64> {
    let folded = fold(message);
    let mut number = None;
    // "Juste un alors", "solo una": an article with no noun counts one,
    // unless a number says otherwise.
    let mut article = false;
    for word in folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if matches!(word, "a" | "an" | "un" | "une" | "una") {
            if number.is_none() {
                number = Some(1);
                article = true;
            }
            continue;
        }
        let n = match word.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => museo_sdk::parse::number_word(word).map(i64::from),
        };
        match n {
            Some(n) if number.is_none() || article => {
                number = Some(n);
                article = false;
            }
            Some(_) => return None,
            None if AROUND_A_NUMBER.contains(&word) => {}
            None => return None,
        }
    }
    number.filter(|n| (0..=1000).contains(n))
}

/// Words of looking rather than taking ("show", "tienes", "avez-vous").
const LOOKING: &[&str] = &[
    "show",
    "see",
    "have",
    "any",
    "find",
    "looking",
    "search",
    "muestrame",
    "ensename",
    "tienes",
    "teneis",
    "tienen",
    "hay",
    "busco",
    "montre",
    "montrez",
    "avez",
    "cherche",
    "voir",
    // "Un cadeau pour ma copine, elle adore Klimt": a gift to find.
    "gift",
    "present",
    "regalo",
    "regalar",
    "cadeau",
    "offrir",
    "loves",
    "encanta",
    "adore",
    "fan",
];

/// "A sunflowers postcard and an almond blossom postcard", "una postal de
/// los girasoles y una de almendro en flor", "2 mugs and a tote": several
/// products, the first counted (an article or a number), and no words of
/// looking ("show", "tienes", "avez-vous").
pub fn counted_list(message: &str) -> bool {
    let folded = fold(message);
    let all = words(&folded);
    let counted = all.first().is_some_and(|w| {
        matches!(*w, "a" | "an" | "un" | "une" | "una" | "uno")
            || w.parse::<u32>().is_ok_and(|n| (1..=100).contains(&n))
            || museo_sdk::parse::number_word(w).is_some()
    });
    counted
        && !all.iter().any(|w| LOOKING.contains(w))
        && !takes_out(&all)
        && several(message).is_some()
}

/// "3 livres les ciels de turner", "2 eye of horus mugs": a count first,
/// then a name, and no words of looking: an order for that many of one
/// product. The count and the name.
pub fn counted_one(message: &str) -> Option<(i64, String)> {
    let folded = fold(message);
    let all = words(&folded);
    // "Dame 4 imanes de nevera", "kiero una taza d las meninas": a word of
    // wanting before the count; then an article counts one.
    const BUYING: &[&str] = &[
        "dame", "ponme", "quiero", "kiero", "mandame", "metedme", "want", "take", "veux",
        "voudrais", "prends",
    ];
    const AROUND: &[&str] = &[
        "necesito", "i", "need", "ll", "give", "me", "je", "ok", "vale", "pues", "entonces",
        "alors",
    ];
    let wanting = all
        .iter()
        .take_while(|w| BUYING.contains(w) || AROUND.contains(w))
        .count();
    let (first, rest) = all[wanting..].split_first()?;
    let buying = all[..wanting].iter().any(|w| BUYING.contains(w));
    let article = buying && matches!(*first, "un" | "una" | "une" | "a" | "an" | "one");
    let count: i64 = if article {
        1
    } else {
        first
            .parse()
            .ok()
            .or_else(|| museo_sdk::parse::number_word(first).map(i64::from))
            .filter(|n| (2..=100).contains(n))?
    };
    let name = telling(&rest.join(" "));
    let looking = all.iter().any(|w| {
        matches!(
            *w,
            "show"
                | "have"
                | "any"
                | "muestrame"
                | "tienes"
                | "teneis"
                | "hay"
                | "montre"
                | "montrez"
                | "avez"
        )
    });
    (!name.is_empty() && !looking && !takes_out(&all)).then(|| (count, name.join(" ")))
}

/// Ordinal words, for a reference given only as words (`product_ref`).
const ORDINALS: [(&[&str], i64); 6] = [
    (
        &[
            "first", "1st", "primer", "primera", "primero", "premier", "premiere", "1er", "1re",
            "1ro",
        ],
        1,
    ),
    (
        &[
            "second", "2nd", "segund", "deuxieme", "seconde", "2eme", "2do", "2da",
        ],
        2,
    ),
    (
        &["third", "3rd", "tercer", "troisieme", "3eme", "3ro", "3ra"],
        3,
    ),
    (&["fourth", "4th", "cuart", "quatrieme", "4eme", "4to"], 4),
    (&["fifth", "5th", "quint", "cinquieme"], 5),
    (&["last", "ultimo", "ultima", "dernier", "derniere"], -1),
];

/// The telling words of a name: folded, filler and numbers dropped.
pub fn telling(name: &str) -> Vec<String> {
    words(&fold(name))
        .into_iter()
        .filter(|w| {
            !FILLER.contains(w)
                && !w.chars().all(|c| c.is_ascii_digit())
                && museo_sdk::parse::number_word(w).is_none()
        })
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_owned)
        .collect()
}

/// Same word, plurals and endings aside: the words differ by three letters
/// at most, at their ends ("girasoles" is "girasol", "egipcia" "egipcio",
/// "nenúfares" "nenúfar"; "watercolour" is not "water", nor "cat"
/// "catalogue"); two-letter words are equal.
fn alike(a: &str, b: &str) -> bool {
    let (la, lb) = (a.chars().count(), b.chars().count());
    let n = la.min(lb);
    if n < 3 {
        return a == b;
    }
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    la.abs_diff(lb) <= 3 && common >= n.min(4).max(n.saturating_sub(2))
}

/// Whether the shopper's `word` is the start of the title's (four letters
/// at least): "boli" for "bolígrafo", "nymph" for "nymphéas".
fn shortens(word: &str, title_word: &str) -> bool {
    word.chars().count() >= 4 && title_word.starts_with(word)
}

/// Whether every telling word is a word of `title` as written, plurals
/// aside ("magnets" is not "magnétiques"): what tells one title among
/// several that [`names`] lets through.
pub fn names_exactly(telling: &[String], title: &str) -> bool {
    let folded = fold(title);
    let title_words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    !telling.is_empty()
        && telling.iter().all(|w| {
            title_words
                .iter()
                .any(|t| t == w || t.trim_end_matches('s') == w.trim_end_matches('s'))
        })
}

/// Whether every telling word but one is in `title` ("el libro de
/// Sorolla": the book's title does not say "libro").
pub fn names_but_one(telling: &[String], title: &str) -> bool {
    telling.len() >= 2 && shared(telling, title) + 1 == telling.len()
}

/// Whether `title` has most of the telling words, two at least.
pub fn names_most(telling: &[String], title: &str) -> bool {
    let shared = shared(telling, title);
    shared >= 2 && 2 * shared >= telling.len()
}

/// Whether every telling word is in `title`.
pub fn names(telling: &[String], title: &str) -> bool {
    !telling.is_empty() && shared(telling, title) == telling.len()
}

/// How many of the telling words are in `title` (plurals and endings aside).
pub fn shared(telling: &[String], title: &str) -> usize {
    let title = fold(title);
    // "Marque-page" is "marque page" to a shopper.
    let title_words: Vec<&str> = words(&title)
        .into_iter()
        .flat_map(|w| w.split('-'))
        .filter(|w| !w.is_empty())
        .collect();
    telling
        .iter()
        .filter(|w| title_words.iter().any(|t| alike(t, w) || shortens(w, t)))
        .count()
}

/// The one basket line whose title shares the most of `telling`'s words,
/// when no other line shares as many, with the words its title has not
/// ("tie", "bit" of "the tie actually, bit pricey" → the silk tie, and
/// "bit" left over).
pub fn best_line(dialog: &Dialog, telling: &[String]) -> Option<(Item, Vec<String>)> {
    let mut scored: Vec<(usize, &Item)> = dialog
        .basket
        .iter()
        .flat_map(|b| b.lines.iter().map(|l| &l.item))
        .map(|item| (shared(telling, &item.title), item))
        .collect();
    scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    let (best, item) = *scored.first()?;
    if best == 0 || scored.get(1).is_some_and(|(next, _)| *next == best) {
        return None;
    }
    let left = telling
        .iter()
        .filter(|w| shared(std::slice::from_ref(*w), &item.title) == 0)
        .cloned()
        .collect();
    Some((item.clone(), left))
}

/// Whether `word` is in `title` (plurals and endings aside).
pub fn in_title(word: &str, title: &str) -> bool {
    shared(&[word.to_owned()], title) == 1
}

fn looks_like_code(s: &str) -> bool {
    let s = s.trim();
    s.len() >= 4
        && s.len() <= 64
        && !s.contains(char::is_whitespace)
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && (s.chars().any(|c| c.is_ascii_digit()) || s.starts_with("prd_"))
}

fn ordinal_of(reference: &str) -> Option<i64> {
    let folded = fold(reference);
    let words = words(&folded);
    // "The second one", "la última": a short reference. In a longer one
    // ("The Last Supper print") an ordinal word is part of a name.
    if words.len() > 3 {
        return None;
    }
    ORDINALS
        .iter()
        .find(|(names, _)| words.iter().any(|w| names.iter().any(|n| w.starts_with(n))))
        .map(|(_, n)| *n)
}

fn pointer(entities: &Entities, message: &str) -> Pointer {
    let in_message = |code: &str| message.to_lowercase().contains(&code.to_lowercase());
    if let Some(sku) = entities.sku.as_deref().filter(|s| in_message(s)) {
        return Pointer::Code(sku.to_owned());
    }
    if let Some(reference) = entities.product_ref.as_deref()
        && looks_like_code(reference)
        && in_message(reference)
    {
        return Pointer::Code(reference.to_owned());
    }
    if let Some(n) = entities.ordinal {
        return Pointer::Ordinal(n);
    }
    if let Some(name) = &entities.name {
        let telling = telling(name);
        if !telling.is_empty() {
            return Pointer::Name(telling);
        }
    }
    if entities.anaphora {
        return Pointer::Back;
    }
    // An analysis without `name`/`ordinal`/`anaphora`: read `product_ref`.
    match entities.product_ref.as_deref() {
        Some(r) if looks_like_code(r) => Pointer::Resolved(r.to_owned()),
        Some(r) => match ordinal_of(r) {
            Some(n) => Pointer::Ordinal(n),
            None => match telling(r) {
                t if t.is_empty() => Pointer::Back,
                t => Pointer::Name(t),
            },
        },
        None => match entities.sku.as_deref() {
            Some(sku) => Pointer::Resolved(sku.to_owned()),
            None => Pointer::None,
        },
    }
}

/// The words of the last search that name the kind of product it listed:
/// those most of the titles shown have ("láminas" of "busco láminas de
/// van gogh", whose Spanish titles say "Lámina…" and not "Van Gogh"), else
/// every telling word of the search.
pub fn kind_searched(dialog: &Dialog) -> Vec<String> {
    let Some(search) = &dialog.search else {
        return Vec::new();
    };
    let all = telling(&search.query);
    let shown = dialog.shown.len();
    let common: Vec<String> = all
        .iter()
        .filter(|w| {
            let having = dialog
                .shown
                .iter()
                .filter(|i| shared(std::slice::from_ref(*w), &i.title) == 1)
                .count();
            shown >= 2 && having * 2 > shown
        })
        .cloned()
        .collect();
    if common.is_empty() { all } else { common }
}

/// The telling words a message names its product by, when it names one by
/// words (not by a code, a position or a pronoun).
pub fn named_by(entities: &Entities, message: &str) -> Option<Vec<String>> {
    match pointer(entities, message) {
        Pointer::Name(telling) => Some(telling),
        _ => None,
    }
}

/// Whether `title` says more than `telling` names: a telling word of the
/// title that the name has not ("the starry night mug" of "The Starry
/// Night colour-changing mug").
pub fn says_more(telling: &[String], title: &str) -> bool {
    self::telling(title)
        .iter()
        .any(|t| !telling.iter().any(|w| alike(t, w)))
}

/// What may come with a position and leave it a pick ("the first one
/// then", "le premier alors", "ok la segunda pues").
const PICK_CHATTER: &[&str] = &[
    "one", "ones", "then", "ok", "okay", "alors", "bon", "entonces", "pues", "vale", "va", "dale",
    // Taking it: "gimme the first", "deme la segunda", "jprends le deuxième".
    "gimme", "give", "take", "dame", "deme", "quiero", "llevo", "donne", "donnez", "moi", "prends",
    "jprends", "veux", "voudrais",
    // Praise and "too": "lovely, and the first one too", "y la última también".
    "lovely", "great", "perfect", "perfecto", "parfait", "nice", "cool", "super", "too", "also",
    "tambien", "tb", "tmb", "tbn", "aussi", "and", "y", "et",
];

/// A part of a request that is only a position ("le premier", "the last
/// one", "la segunda"): that position.
pub fn only_position(part: &str) -> Option<i64> {
    let mut position = None;
    for word in telling(part) {
        match ordinal_of(&word) {
            Some(n) if position.is_none_or(|p| p == n) => position = Some(n),
            None if PICK_CHATTER.contains(&word.as_str()) => {}
            _ => return None,
        }
    }
    position
}

/// The item at a 1-based position (-1: the last).
fn at(list: &[Item], n: i64) -> Option<&Item> {
    match n {
        -1 => list.last(),
        n if n >= 1 => list.get(usize::try_from(n - 1).ok()?),
        _ => None,
    }
}

/// Every item the dialog knows, for a code.
fn known<'a>(dialog: &'a Dialog, code: &str) -> Option<&'a Item> {
    let lines = dialog
        .basket
        .iter()
        .flat_map(|b| b.lines.iter().map(|l| &l.item));
    dialog
        .shown
        .iter()
        .chain(dialog.focus.iter())
        .chain(lines)
        .find(|i| i.id == code || i.sku.eq_ignore_ascii_case(code))
}

fn choose(found: Vec<&Item>) -> Option<Target> {
    match found.as_slice() {
        [] => None,
        [one] => Some(Target::One((*one).clone())),
        _ => Some(Target::Choose(found.into_iter().cloned().collect())),
    }
}

/// The product the basket action means when the shopper did not name one:
/// the focus if it is in the basket, the line last added or changed, or the
/// only line.
pub fn basket_default(dialog: &Dialog) -> Option<Item> {
    let basket = dialog.basket.as_ref()?;
    // The product talked about last (a basket change sets the focus too).
    if let Some(focus) = &dialog.focus
        && let Some(line) = basket.line(focus)
    {
        return Some(line.item.clone());
    }
    if let Some(last) = &basket.last
        && let Some(line) = basket.lines.iter().find(|l| &l.item.id == last)
    {
        return Some(line.item.clone());
    }
    match basket.lines.as_slice() {
        [only] => Some(only.item.clone()),
        _ => None,
    }
}

/// Which product `entities` (from `message`) means for an action in `scope`.
pub fn resolve(dialog: &Dialog, entities: &Entities, message: &str, scope: Scope) -> Target {
    let lines: Vec<&Item> = dialog
        .basket
        .iter()
        .flat_map(|b| b.lines.iter().map(|l| &l.item))
        .collect();
    match pointer(entities, message) {
        Pointer::Code(code) => Target::One(known(dialog, &code).cloned().unwrap_or(Item {
            id: code.clone(),
            sku: code.clone(),
            title: code,
            price: None,
            stock: None,
        })),
        Pointer::Resolved(code) => match known(dialog, &code) {
            Some(item) => Target::One(item.clone()),
            None => Target::Unknown,
        },
        // "The first puzzle with his bedroom" while books are listed: a
        // position whose product is not of the kind named is no position
        // but a name ("My first puzzle: Van Gogh's Bedroom").
        Pointer::Ordinal(n) => {
            let named: Vec<String> = entities
                .name
                .as_deref()
                .or(entities
                    .product_ref
                    .as_deref()
                    .filter(|r| !looks_like_code(r)))
                .map(telling)
                .unwrap_or_default();
            let kind: Vec<String> = named
                .iter()
                .filter(|w| w.chars().count() >= 4 && ordinal_of(w).is_none())
                .cloned()
                .collect();
            match at(&dialog.shown, n) {
                Some(item) if kind.len() >= 2 && shared(&kind, &item.title) == 0 => match scope {
                    Scope::Catalog => Target::Search(named.join(" ")),
                    Scope::Basket => Target::Unknown,
                },
                Some(item) => Target::One(item.clone()),
                None => Target::Unknown,
            }
        }
        Pointer::Name(telling) => {
            let named = |items: &[&Item]| {
                choose(
                    items
                        .iter()
                        .copied()
                        .filter(|i| names(&telling, &i.title))
                        .collect(),
                )
            };
            let shown: Vec<&Item> = dialog.shown.iter().collect();
            let focus: Vec<&Item> = dialog.focus.iter().collect();
            let found = match scope {
                Scope::Basket => named(&lines),
                Scope::Catalog => named(&shown)
                    .or_else(|| named(&focus))
                    .or_else(|| named(&lines)),
            };
            // "Me quedo el de Sorolla" among scarves and a Sorolla print: the
            // scarf, of the kind last searched for. (Among basket lines the
            // last search tells nothing: "enlève le foulard" with two
            // scarves in the basket asks.)
            let found = match found {
                Some(Target::Choose(several)) if scope == Scope::Catalog => {
                    let kind = kind_searched(dialog);
                    let of_kind: Vec<&Item> =
                        several.iter().filter(|i| names(&kind, &i.title)).collect();
                    match of_kind.as_slice() {
                        [one] => Some(Target::One((*one).clone())),
                        _ => Some(Target::Choose(several)),
                    }
                }
                found => found,
            };
            match (found, scope) {
                (Some(target), _) => target,
                // "Too much money, remove them": the words name no line, "them" does.
                (None, Scope::Basket) if entities.anaphora || clitic(message) => {
                    back(dialog, scope)
                }
                (None, Scope::Basket) => Target::Unknown,
                (None, Scope::Catalog) => Target::Search(telling.join(" ")),
            }
        }
        Pointer::Back | Pointer::None => back(dialog, scope),
    }
}

/// A pronoun of taking out fused to its verb ("quítalo", "sácala",
/// "enlève-le"): the words around it name nothing when they match no line.
/// (English "it" is mcp-intent's to read: "the silk one, 3 of them" names.)
fn clitic(message: &str) -> bool {
    words(&fold(message)).iter().any(|w| {
        ["quita", "saca", "elimina", "borra", "retira"]
            .iter()
            .any(|verb| w.starts_with(verb))
            && ["lo", "la", "los", "las"].iter().any(|p| w.ends_with(p))
            || ["-le", "-la", "-les"].iter().any(|p| w.ends_with(p))
    })
}

/// What a pronoun means ("it", "lo", "le"): for a basket action the line
/// last changed, else the product in focus, else the only product shown;
/// several candidates are a question.
pub fn back(dialog: &Dialog, scope: Scope) -> Target {
    let basket = (scope == Scope::Basket)
        .then(|| basket_default(dialog))
        .flatten();
    if let Some(item) = basket {
        return Target::One(item);
    }
    if let Some(focus) = &dialog.focus {
        return Target::One(focus.clone());
    }
    match (scope, dialog.shown.as_slice()) {
        (Scope::Catalog, [only]) => Target::One(only.clone()),
        (Scope::Catalog, []) => Target::Unknown,
        (Scope::Catalog, several) => Target::Choose(several.to_vec()),
        (Scope::Basket, _) => {
            let lines: Vec<Item> = dialog
                .basket
                .iter()
                .flat_map(|b| b.lines.iter().map(|l| l.item.clone()))
                .collect();
            match lines.as_slice() {
                [] => Target::Unknown,
                _ => Target::Choose(lines),
            }
        }
    }
}

/// Words of the message naming something other than `item`: an "it" that
/// mcp-intent resolved to the product in focus while the shopper named
/// another ("too pricey, add the eye of horus pendant instead"). Two telling
/// words or more, fewer than half of them in the item's title or two of
/// them not in it ("and the eye of horus brass bookmark too" is not the
/// Eye of Horus pendant).
pub fn names_another(message: &str, item: &Item) -> Option<String> {
    let own = telling(message);
    let shared = shared(&own, &item.title);
    (own.len() >= 2 && (shared * 2 < own.len() || own.len() - shared >= 2)).then(|| own.join(" "))
}

/// A message ruling something out ("la normal, no la mágica", "the blue
/// one, not the red one", "pas celui en soie"): its telling words before
/// the negation (and in the other comma-separated parts), and those after
/// it; `None` when nothing is ruled out.
fn negated(message: &str) -> Option<(Vec<String>, Vec<String>)> {
    let folded = fold(message);
    let mut kept = Vec::new();
    let mut ruled_out = Vec::new();
    for segment in folded.split(',') {
        let all = words(segment);
        match all
            .iter()
            .position(|w| matches!(*w, "no" | "not" | "pas" | "sin" | "sans" | "ni"))
        {
            Some(at) if ruled_out.is_empty() => {
                kept.extend(telling(&all[..at].join(" ")));
                ruled_out = telling(&all[at + 1..].join(" "));
            }
            _ => kept.extend(telling(segment)),
        }
    }
    (!ruled_out.is_empty()).then_some((kept, ruled_out))
}

/// The option of `question` that the message picks, if it picks one: a
/// bare number ("2"), a position ("the second one"), a name matching one
/// option alone, or a SKU among them.
pub fn pick_option(question: &Question, entities: &Entities, message: &str) -> Option<Item> {
    let trimmed = message
        .trim()
        .trim_start_matches('#')
        .trim_end_matches(['.', ')', '!']);
    if let Ok(n) = trimmed.parse::<i64>() {
        return at(&question.options, n).cloned();
    }
    // "La normal, no la mágica": the options the message rules out are not
    // picked; one left is.
    if let Some((kept, ruled_out)) = negated(message) {
        let left: Vec<&Item> = question
            .options
            .iter()
            .filter(|i| !names(&ruled_out, &i.title))
            .collect();
        let named: Vec<&Item> = left
            .iter()
            .copied()
            .filter(|i| names(&kept, &i.title))
            .collect();
        return match (named.as_slice(), left.as_slice()) {
            ([one], _) | ([], [one]) => Some((*one).clone()),
            _ => None,
        };
    }
    // "Le moins cher": the cheapest of the options, when prices tell.
    if let Some(pick) = entities.pick
        && entities.name.is_none()
    {
        let priced = question
            .options
            .iter()
            .filter_map(|i| Some((i.minor()?, i)));
        let found = match pick {
            super::intent::Sort::PriceAsc => priced.min_by_key(|(minor, _)| *minor),
            super::intent::Sort::PriceDesc => priced.max_by_key(|(minor, _)| *minor),
        };
        return found.map(|(_, item)| item.clone());
    }
    let options: Vec<&Item> = question.options.iter().collect();
    match pointer(entities, message) {
        Pointer::Code(code) | Pointer::Resolved(code) => options
            .into_iter()
            .find(|i| i.id == code || i.sku.eq_ignore_ascii_case(&code))
            .cloned(),
        Pointer::Ordinal(n) => at(&question.options, n).cloned(),
        Pointer::Name(telling) => {
            match choose(
                options
                    .into_iter()
                    .filter(|i| names(&telling, &i.title))
                    .collect(),
            ) {
                Some(Target::One(item)) => Some(item),
                _ => None,
            }
        }
        // The message alone may name one option ("the stoneware one please").
        Pointer::Back | Pointer::None => {
            let telling = telling(message);
            let mut fits = question
                .options
                .iter()
                .filter(|i| names(&telling, &i.title));
            match (fits.next(), fits.next()) {
                (Some(item), None) => Some(item.clone()),
                _ => None,
            }
        }
    }
}

#[cfg(test)]
mod tests;
