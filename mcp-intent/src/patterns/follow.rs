//! Follow-up turns of a dialog, read with what came just before: a bare
//! "total?" once the basket has things in it, a product named or picked
//! right after the assistant asked "which one?" or while the shopper is
//! buying, a price or property question about the product in focus, a
//! shop question going on ("how long does it take?" after one about
//! shipping), an order number given after "where is my order?".
//!
//! Each cue is a whole-message shape: the words left once the chatter at
//! both ends is dropped ("ok", "then", "pls", "vale", "alors"…), so that a
//! longer sentence keeps the general rules' reading.

use super::text::Text;

/// Chatter at a message's ends, never part of what it asks.
pub const EDGE: &[&str] = &[
    "ok", "okay", "oh", "ah", "hmm", "um", "so", "and", "then", "now", "right", "well", "pls",
    "please", "plz", "thanks", "thank", "you", "cheers", "great", "cool", "nice", "lovely",
    "perfect", "actually", "too", "also", "instead", "y", "pues", "vale", "bueno", "entonces",
    "porfa", "por", "favor", "gracias", "genial", "perfecto", "tambien", "tb", "et", "alors",
    "bon", "donc", "merci", "svp", "stp", "parfait", "super", "aussi", "plutot", "d", "accord",
    "decime", "dime", "ya", "po", "che", "chevere", "guay", "listo", "dale", "uh", "eh",
];

/// The words between the chatter at both ends.
pub fn core<'a, 'b>(norms: &'b [&'a str]) -> &'b [&'a str] {
    let start = norms
        .iter()
        .position(|w| !EDGE.contains(w))
        .unwrap_or(norms.len());
    let end = norms
        .iter()
        .rposition(|w| !EDGE.contains(w))
        .map_or(start, |e| e + 1);
    &norms[start..end.max(start)]
}

/// Asking for the basket's total, whatever is in focus.
const TOTAL_ALWAYS: &[&str] = &[
    "total",
    "totals",
    "the total",
    "whats the total",
    "what s the total",
    "what is the total",
    "whats my total",
    "what s my total",
    "total so far",
    "how much altogether",
    "how much all together",
    "how much in total",
    "how much total",
    "how much do i owe",
    "how much do i owe you",
    "how much is everything",
    "how much for everything",
    "how much is it all",
    "how much is it altogether",
    "how much is all that",
    "how much is all of that",
    "how much for all that",
    "how much for all of it",
    "cuanto suma",
    "cuanto suma todo",
    "cuanto sale todo",
    "cuanto sale todo junto",
    "ca fait cb en tout",
    "cb en tout",
    "cb au total",
    "el total",
    "en total",
    "cuanto es todo",
    "cuanto es en total",
    "cuanto es el total",
    "cuanto seria todo",
    "cuanto es todo junto",
    "cuanto seria en total",
    "cuanto te debo",
    "cuanto le debo",
    "cuanto llevo",
    "cuanto va",
    "cuanto sube",
    "cuanto sube todo",
    "a cuanto sube",
    "le total",
    "au total",
    "en tout",
    "ca fait combien en tout",
    "ca fait combien au total",
    "combien en tout",
    "combien au total",
    "ca fera combien en tout",
    "c est combien en tout",
    "ca fait combien tout ca",
    "combien pour le tout",
    "ca fait combien le tout",
];

/// "How much is it?": the basket's total once something was put in it,
/// else the price of the product in focus.
const TOTAL_OR_PRICE: &[&str] = &[
    "how much is that",
    "how much will that be",
    "how much is it",
    "how much then",
    "how much does that come to",
    "cuanto es",
    "a cuanto",
    "a cuanto esta",
    "a cuanto sale",
    "cuanto seria",
    "cuanto sale",
    "cuanto me sale",
    "cuanto son",
    "cuanto sera",
    "ca fait combien",
    "combien ca fait",
    "ca fera combien",
    "ca me fait combien",
    "c est combien",
    "ca fait",
    "ca fait cb",
    "c est cb",
    "ca fera cb",
];

/// What a bare total question asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    /// The basket's total.
    Basket,
    /// The basket's total, or the price of the product in focus.
    BasketOrPrice,
}

/// A message that is only a total question ("total pls", "¿cuánto es?",
/// "ça fait combien ?").
pub fn bare_total(norms: &[&str]) -> Option<Total> {
    let core = core(norms);
    if core.is_empty() || core.len() > 7 {
        return None;
    }
    let joined = core.join(" ");
    if TOTAL_ALWAYS.contains(&joined.as_str()) {
        Some(Total::Basket)
    } else if TOTAL_OR_PRICE.contains(&joined.as_str()) {
        Some(Total::BasketOrPrice)
    } else {
        None
    }
}

/// Asking a price: a product's, with one in focus.
pub const PRICE_ASK: &[&str] = &[
    "how much",
    "whats the price",
    "what s the price",
    "what is the price",
    "the price",
    "price",
    "cost",
    "costs",
    "cuanto cuesta",
    "cuanto cuestan",
    "cuanto vale",
    "cuanto valen",
    "cuanto sale",
    "cuanto salen",
    "c cmb",
    "c combien",
    "c cb",
    "que precio",
    "el precio",
    "precio",
    "combien coute",
    "combien ca coute",
    "ca coute combien",
    "coute combien",
    "coutent combien",
    "quel prix",
    "le prix",
    "prix",
    "c est combien",
];

/// Properties asked about a product the general cue list leaves out.
pub const PROPERTY: &[&str] = &[
    "what age",
    "age",
    "ages",
    "edad",
    "quel age",
    "dura",
    "how long does it last",
    "does it last",
    "burn",
    "silver",
    "plata",
    "argent",
    "gold",
    "oro",
    "tallas",
    "sizes",
    "made of",
    "what are they",
    "hecho",
    "hecha",
    "material",
    "matiere",
    "en quoi",
    "wash",
    "lava",
    "lave",
    "lavar",
    "laver",
    "available",
    "disponible",
    "in stock",
    "en stock",
    "how tall",
    "how wide",
    "how heavy",
    "tall",
    "haut",
    "large",
    "alto",
    "ancho",
];

/// A product's name or a pick among those shown, on its own ("the
/// sunflowers one", "la de los nenúfares", "celui en laiton", "le casque"):
/// the message starts (after chatter) with a determiner or a "one" word,
/// or is a short phrase with a shop noun.
pub fn names_a_product(t: &Text, norms: &[&str], shop_noun: bool) -> bool {
    const STARTS: &[&str] = &[
        "the", "that", "this", "those", "these", "a", "an", "one", "el", "la", "los", "las", "lo",
        "uno", "una", "un", "une", "le", "les", "l", "celui", "celle", "ceux", "celles", "ese",
        "esa", "este", "esta", "plus",
    ];
    let core = core(norms);
    let Some(first) = core.first() else {
        return false;
    };
    // "the t-shirt in M", "the kids umbrella with the hare": long enough to
    // be a sentence only with its own verb, which the callers exclude.
    core.len() <= 9
        && (STARTS.contains(first)
            || shop_noun && core.len() <= 4
            || t.has(&["one", "ones"]) && core.len() <= 5)
}

/// Words that make a message a request of its own, not a pick.
pub const NOT_A_PICK: &[&str] = &[
    "show",
    "see",
    "look",
    "find",
    "search",
    "have",
    "got",
    "sell",
    "any",
    "anything",
    "something",
    "busco",
    "buscas",
    "tienes",
    "tienen",
    "teneis",
    "hay",
    "algo",
    "muestra*",
    "ensena*",
    "montre*",
    "cherche",
    "avez",
    "vendez",
    "quelque",
    "is",
    "are",
    "does",
    "do",
    "can",
    "es",
    "esta",
    "son",
    "est",
    "sont",
    "what",
    "que",
    "qu",
    "how",
    "como",
    "comment",
    "cuanto",
    "cuanta",
    "combien",
    "which",
    "cual",
    "cuales",
    "quel",
    "quelle",
    "why",
    "where",
    "donde",
    "ou",
    "remove",
    "delete",
    "quita*",
    "borra*",
    "elimina*",
    "enleve*",
    "supprime*",
    "retire*",
    "under",
    "menos",
    "moins",
    "cheaper",
    "barato",
    "barata",
    "cher",
    "chere",
    "more",
    "mas",
    "autres",
    "others",
    "other",
    "otros",
    "otras",
    "basket",
    "cart",
    "cesta",
    "carrito",
    "panier",
    "total",
    "pay",
    "pagar",
    "payer",
    "take",
    "off",
    "out",
    "give",
    "less",
    "fewer",
    "minus",
    "without",
    "sin",
    "sans",
    "only",
    "solo",
    "seulement",
    "stock",
    "available",
    "disponible",
    "disponibles",
    "dearest",
    "expensive",
    "caro",
    "cara",
];

/// Filler a name must not start or end with ("oh right the water lilies
/// mug" → "water lilies mug").
pub const NAME_EDGE: &[&str] = &[
    "oh",
    "ah",
    "hmm",
    "um",
    "right",
    "ok",
    "okay",
    "then",
    "actually",
    "too",
    "also",
    "instead",
    "please",
    "pls",
    "as",
    "well",
    "so",
    "plus",
    "vale",
    "pues",
    "bueno",
    "entonces",
    "tb",
    "tambien",
    "mejor",
    "espera",
    "alors",
    "bon",
    "aussi",
    "plutot",
    "donc",
    "non",
    "no",
    "wait",
    "swap",
    "it",
    "for",
    "igual",
    "fait",
    "otra",
    "otro",
    "autre",
    "another",
    "pair",
    "pairs",
    "par",
    "pares",
    "paire",
    "paires",
    // Chatter around a name in any of the three languages: interjections,
    // thanks, time and manner adverbs ("ok. i'll order another kiss mug
    // meanwhile", "pis le foulard lotus aussi", "ya la vela de delft porfa").
    // ("Fine" and "great" stay: "fine bone china", "The Great Wave".)
    "meanwhile",
    "anyway",
    "anyways",
    "now",
    "again",
    "still",
    "though",
    "later",
    "today",
    "cheers",
    "thanks",
    "thx",
    "ty",
    "cool",
    "nice",
    "perfect",
    "lol",
    "haha",
    "ugh",
    "hey",
    "yes",
    "yeah",
    "yep",
    "sure",
    "order",
    "ill",
    "im",
    "theyre",
    "its",
    "ya",
    "luego",
    "ahora",
    "tmb",
    "tambn",
    "gracias",
    "genial",
    "perfecto",
    "jaja",
    "jajaja",
    "uf",
    "venga",
    "dale",
    "porfa",
    "si",
    "claro",
    "pis",
    "puis",
    "maintenant",
    "encore",
    "enfin",
    "finalement",
    "bref",
    "ben",
    "bah",
    "mince",
    "pas",
    "grave",
    "dommage",
    "tant",
    "mieux",
    "merci",
    "parfait",
    "super",
    "oui",
    "ouais",
];

/// "I want the…", "quiero la…", "me quedo el…", "lo quiero": wanting a
/// product named with a definite article right after the verb, or pointed
/// at with a pronoun just before it; never negated ("no necesito la…").
pub fn wants_the(norms: &[&str]) -> bool {
    const WANTS: &[&[&str]] = &[
        &["i", "want"],
        &["i", "d", "like"],
        &["id", "like"],
        &["i", "would", "like"],
        &["i", "ll", "have"],
        &["ill", "have"],
        &["i", "need"],
        &["get", "me"],
        &["can", "i", "get"],
        &["could", "i", "get"],
        &["i", "ll", "take"],
        &["ill", "take"],
        &["quiero"],
        &["quisiera"],
        &["necesito"],
        &["me", "quedo"],
        &["me", "quedo", "con"],
        &["je", "veux"],
        &["je", "voudrais"],
        &["j", "aimerais"],
        &["il", "me", "faut"],
        &["j", "veux"],
        &["j", "voudrais"],
        &["j", "prends"],
    ];
    const ARTICLES: &[&str] = &[
        "the", "this", "that", "el", "la", "los", "las", "este", "esta", "ese", "esa", "le", "les",
        "l", "ce", "cette", "celui", "celle",
    ];
    const PRONOUNS: &[&str] = &["lo", "la", "los", "las", "le", "les", "l"];
    const NEGATIONS: &[&str] = &["no", "not", "dont", "t", "ne", "n", "ya", "plus"];
    for (i, _) in norms.iter().enumerate() {
        for want in WANTS {
            let end = i + want.len();
            if end > norms.len() || norms[i..end] != **want {
                continue;
            }
            let negated = i > 0 && NEGATIONS.contains(&norms[i - 1])
                || i > 1 && NEGATIONS.contains(&norms[i - 2]);
            if negated {
                return false;
            }
            let article_after = norms.get(end).is_some_and(|w| ARTICLES.contains(w));
            // "lo quiero", "je la veux": the pronoun before the verb.
            let pronoun_before = want.len() == 1 && i > 0 && PRONOUNS.contains(&norms[i - 1]);
            if article_after || pronoun_before && norms.len() <= 4 {
                return true;
            }
        }
    }
    false
}

/// Means of payment by name ("can I pay with PayPal?" asks which the shop
/// takes).
pub const PAYMENT_METHOD_NAMES: &[&str] = &[
    "paypal",
    "bizum",
    "apple pay",
    "google pay",
    "visa",
    "mastercard",
    "amex",
    "american express",
    "cash",
    "efectivo",
    "especes",
    "cheque",
    "transferencia",
    "virement",
    "contrareembolso",
    "twint",
    "debito",
    "debit card",
    "tarjeta de debito",
    "tarjeta debito",
    "credit card",
    "carte bancaire",
    "carte de credit",
];
