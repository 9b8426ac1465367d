//! Which of English, Spanish and French a message is written in.
//!
//! Chat messages are short, and general language identifiers misread them
//! ("hola" as Esperanto, "merci" as Spanish). This detector
//! counts words that belong to one language only, from a list of function
//! words and shop vocabulary, and lets the caller's evidence decide when the
//! text does not: for one- or two-word messages the locale hint and the
//! conversation's language win over detection.

use std::collections::HashMap;
use std::sync::OnceLock;

use museo_sdk::types::Lang;

pub const EN: &[&str] = &[
    "the",
    "wait",
    "is",
    "are",
    "do",
    "does",
    "you",
    "have",
    "my",
    "i",
    "to",
    "of",
    "for",
    "with",
    "what",
    "how",
    "can",
    "please",
    "pls",
    "show",
    "add",
    "remove",
    "want",
    "basket",
    "cart",
    "under",
    "and",
    "it",
    "this",
    "that",
    "one",
    "more",
    "about",
    "tell",
    "send",
    "delete",
    "create",
    "new",
    "product",
    "price",
    "hi",
    "hello",
    "thanks",
    "bye",
    "yes",
    "cheap",
    "buy",
    "take",
    "from",
    "change",
    "update",
    "import",
    "file",
    "need",
    "looking",
    "anything",
    "something",
    "any",
    "details",
    "see",
    "hey",
    "good",
    "morning",
    "thank",
    "there",
    "will",
    "ll",
    "whats",
    "s",
    "made",
    "safe",
    "two",
    "three",
    "those",
    "first",
    "second",
    "last",
    "sure",
    "weather",
    "where",
    "who",
    "should",
    "much",
    "many",
    "items",
    "got",
    "checkout",
    "link",
    "payment",
    "stock",
    "set",
    "mark",
    "out",
    "off",
    "empty",
    "don",
    "t",
    "anymore",
    "go",
    "ahead",
    "cheers",
    "goodbye",
    "see",
    "later",
    "help",
    "work",
    "use",
    "chat",
    "m",
    "ready",
    "card",
    "now",
    "some",
    "if",
    "possible",
    "below",
    "twenty",
    "euros",
    "mum",
    "present",
    "me",
    "put",
    "in",
    "have",
    "got",
    "show",
    "me",
    "please",
    "thanks",
    "want",
    "need",
    "some",
    "any",
    "add",
    "remove",
    "basket",
    "cart",
    "the",
    "this",
    "those",
    "these",
    "what",
    "which",
    "how",
    "much",
    "many",
    "does",
    "do",
    "can",
    "could",
    "would",
    "should",
    "i",
    "you",
    "we",
    "they",
    "my",
    "your",
    "our",
    "for",
    "with",
    "without",
    "about",
    "from",
    "into",
    "onto",
    "of",
    "at",
    "by",
    "it",
    "its",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "and",
    "or",
    "but",
    "if",
    "so",
    "just",
    "also",
    "too",
    "very",
    "really",
    "pls",
    "plz",
    "thx",
    "ty",
    "lol",
    "omg",
    "gonna",
    "wanna",
    "gotta",
    "yeah",
    "yep",
    "nope",
    "hey",
    "hi",
    "hello",
    "bye",
    "cheers",
    "mate",
    "guys",
    "u",
    "ur",
    "r",
    "rules",
    "rule",
    "instructions",
];
pub const ES: &[&str] = &[
    "el",
    "los",
    "las",
    "es",
    "del",
    "que",
    "mi",
    "tienes",
    "teneis",
    "quiero",
    "por",
    "para",
    "con",
    "carrito",
    "cesta",
    "anade",
    "quita",
    "hola",
    "gracias",
    "adios",
    "si",
    "cuanto",
    "cuesta",
    "menos",
    "barato",
    "barata",
    "baratas",
    "taza",
    "tazas",
    "postales",
    "producto",
    "precio",
    "nuevo",
    "elimina",
    "envia",
    "manda",
    "pagar",
    "ver",
    "ensename",
    "quisiera",
    "algo",
    "y",
    "una",
    "lo",
    "esto",
    "esta",
    "tengo",
    "mas",
    "favor",
    "porfa",
    "agrega",
    "mete",
    "pon",
    "muestrame",
    "carro",
    "enlace",
    "pago",
    "compra",
    "buenas",
    "tardes",
    "saludos",
    "hasta",
    "luego",
    "todo",
    "nada",
    "vale",
    "mandalo",
    "borra",
    "saca",
    "pedido",
    "detalles",
    "segundo",
    "tercero",
    "ultimo",
    "primero",
    "dos",
    "tres",
    "cinco",
    "sobre",
    "libros",
    "ninos",
    "rojo",
    "azules",
    "euros",
    "entre",
    "tiempo",
    "manana",
    "cuenta",
    "crear",
    "lista",
    "deseos",
    "puedo",
    "puedes",
    "hacer",
    "como",
    "funciona",
    "chat",
    "usar",
    "se",
    "tienda",
    "catalogo",
    "unidades",
    "articulo",
    "llamado",
    "archivo",
    "fichero",
    "correo",
    "hermana",
    "llevo",
    "comprar",
    "paraguas",
    "pendientes",
    "bufandas",
    "lamina",
    "material",
    "medidas",
    "apta",
    "lavavajillas",
    "microondas",
    "tal",
    "ignora",
    "instrucciones",
    "anteriores",
    "todos",
    "productos",
    "quiere",
    "jajaja",
    "tienen",
    "busco",
    "pasame",
    "muestras",
    "muestrame",
    "viene",
    "talla",
    "puede",
    "lavar",
    "hazme",
    "tengo",
    "sabes",
    "sabés",
    "hacer",
    "necesito",
    "dime",
    "abre",
    "oye",
    "dale",
    "quiero",
    "compro",
    "unidades",
    "actualiza",
    "renombra",
    "quita",
    "retira",
    "venta",
    "vamos",
    "ya",
    "caja",
    "pa",
    "xfa",
    "trae",
    "mide",
    "huele",
    "sirve",
    "aguanta",
    "encoge",
    "cuantas",
    "cuanto",
    "cuánto",
    "piezas",
    "ficha",
    "precio",
    "gorra",
    "canasta",
    "cesta",
    "carro",
    "cositas",
    "unas",
    "unos",
    "pares",
    "calcetines",
    "medias",
    "joyas",
    "playeras",
    "remera",
    "sudadera",
    "manta",
    "bolsa",
    "lampara",
    "vela",
    "sombrilla",
    "cascos",
    "réplicas",
    "replicas",
    "fulares",
    "cuadernos",
    "oficina",
    "imanes",
    "liebre",
    "lechuza",
    "abriga",
    "finita",
    "facu",
    "chévere",
    "chevere",
    "gracias",
    "chao",
    "ola",
    "noche",
    "estrellada",
    "gran",
    "taza",
    "tazas",
    "viaje",
    "plegable",
    "almendro",
    "mí",
    "porfa",
    "echa",
    "échame",
    "echame",
    "súmame",
    "sumame",
    "agregame",
    "agrégame",
    "muéstrame",
    "enséñame",
    "ensename",
    "enseñame",
    "info",
    "reglas",
    "regla",
    "instrucciones",
];
pub const FR: &[&str] = &[
    "le",
    "les",
    "une",
    "des",
    "du",
    "est",
    "mon",
    "ma",
    "mes",
    "je",
    "tu",
    "vous",
    "avez",
    "pour",
    "avec",
    "panier",
    "ajoute",
    "supprime",
    "bonjour",
    "merci",
    "au",
    "revoir",
    "oui",
    "combien",
    "moins",
    "cher",
    "produit",
    "prix",
    "nouveau",
    "envoie",
    "payer",
    "voir",
    "montre",
    "veux",
    "c",
    "ca",
    "et",
    "pas",
    "sur",
    "dans",
    "cherche",
    "quelque",
    "chose",
    "mets",
    "prends",
    "acheter",
    "encore",
    "paiement",
    "commande",
    "valider",
    "bonsoir",
    "coucou",
    "salut",
    "aide",
    "comment",
    "marche",
    "puis",
    "tout",
    "sera",
    "bonne",
    "journee",
    "non",
    "moi",
    "livres",
    "enfants",
    "rouge",
    "bleus",
    "soie",
    "foulard",
    "parapluie",
    "affiche",
    "taille",
    "matiere",
    "quelle",
    "ou",
    "fermeture",
    "deuxieme",
    "troisieme",
    "dernier",
    "ceux",
    "la",
    "fichier",
    "importer",
    "catalogue",
    "boutique",
    "modifie",
    "renomme",
    "marque",
    "epuise",
    "efface",
    "cree",
    "creer",
    "unites",
    "appele",
    "partage",
    "mari",
    "texto",
    "temps",
    "fera",
    "demain",
    "votes",
    "qui",
    "compte",
    "liste",
    "souhaits",
    "musee",
    "colis",
    "mdr",
    "lien",
    "il",
    "stp",
    "svp",
    "j",
    "ai",
    "quoi",
    "caddie",
    "l",
    "instant",
    "fait",
    "voudrais",
    "infos",
    "plus",
    "d",
    "oreilles",
    "boucles",
    "cartes",
    "carte",
    "postales",
    "jusqu",
    "avez",
    "peux",
    "vide",
    "peut",
    "par",
    "demander",
    "te",
    "puis",
    "enleve",
    "toile",
    "sac",
    "prends",
    "pourriez",
    "pourrais",
    "montrer",
    "vos",
    "votre",
    "existe",
    "exsiste",
    "faudrait",
    "chargement",
    "masse",
    "tissu",
    "sacs",
    "carnets",
    "kimono",
    "deux",
    "trois",
    "quatre",
    "tournesols",
    "crayons",
    "stylo",
    "stylos",
    "bougies",
    "pendentif",
    "tasse",
    "assiette",
    "housse",
    "coussin",
    "peluche",
    "collier",
    "postale",
    "livre",
    "hiver",
    "été",
    "eté",
    "printemps",
    "automne",
    "svp",
    "stp",
    "merci",
    "bonjour",
    "bonsoir",
    "salut",
    "veux",
    "voudrais",
    "aimerais",
    "cherche",
    "montre",
    "montrez",
    "ajoute",
    "ajoutez",
    "enlève",
    "enleve",
    "supprime",
    "supprimez",
    "panier",
    "caddie",
    "commande",
    "livraison",
    "livrée",
    "livree",
    "roulée",
    "affiche",
    "écharpe",
    "echarpe",
    "chaussettes",
    "réplique",
    "replique",
    "boucles",
    "foulard",
    "parapluie",
    "bougie",
    "regles",
    "regle",
    "consignes",
    "instructions",
];

/// Evidence in the written characters, which survives words the lists do
/// not know: Spanish `ñ ¿ ¡ á í ó ú` and `-ción`; French `à è ê ç œ ù û î ô`,
/// elisions (`l'`, `d'`, `j'`, `qu'`, `c'`) and `-eux`; English contractions
/// (`n't`, `'s`, `'re`, `'ll`, `'ve`, `I'm`) and `-ing`.
pub fn letter_cues(raw: &str, words: &[&str]) -> [usize; 3] {
    let mut cues = [0usize; 3];
    let chars: Vec<char> = raw.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            'ñ' | 'Ñ' | '¿' | '¡' | 'á' | 'í' | 'ó' | 'ú' | 'Á' | 'Í' | 'Ó' | 'Ú' => {
                cues[1] += 2
            }
            'à' | 'è' | 'ê' | 'ç' | 'œ' | 'ù' | 'û' | 'î' | 'ô' | 'ë' | 'â' | 'À' | 'È' | 'Ê'
            | 'Ç' => cues[2] += 2,
            'é' | 'É' => cues[2] += 1,
            '\'' | '’' => {
                let before: String = chars[..i]
                    .iter()
                    .rev()
                    .take_while(|c| c.is_alphabetic())
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<String>()
                    .to_lowercase();
                let after = chars.get(i + 1).copied().unwrap_or(' ');
                let next_two: String = chars
                    .iter()
                    .skip(i + 1)
                    .take(3)
                    .collect::<String>()
                    .to_lowercase();
                if after.is_alphabetic()
                    && matches!(
                        before.as_str(),
                        "l" | "d" | "j" | "qu" | "c" | "m" | "t" | "s"
                    )
                    && !matches!(next_two.as_str(), "s" | "t" | "ll " | "re " | "ve ")
                    && !(before == "s" || before == "t")
                {
                    cues[2] += 2;
                } else if matches!(next_two.get(..1), Some("s" | "t" | "m" | "d"))
                    && (before.ends_with('n') || before == "i" || before.len() > 1)
                    || next_two.starts_with("ll")
                    || next_two.starts_with("re")
                    || next_two.starts_with("ve")
                {
                    cues[0] += 2;
                }
            }
            _ => {}
        }
    }
    // Endings tell only of words no list knows ("wait" is English, not a
    // French "-ait").
    let unknown = |w: &&&str| !(EN.contains(*w) || ES.contains(*w) || FR.contains(*w));
    for word in words.iter().filter(unknown) {
        let n = word.len();
        if n > 5 && (word.ends_with("cion") || word.ends_with("ciones")) {
            cues[1] += 1;
        }
        if n > 4 && (word.ends_with("eux") || word.ends_with("euse")) {
            cues[2] += 1;
        }
        if n > 5 && word.ends_with("ing") {
            cues[0] += 1;
        }
        // Spanish nouns and adjectives end in -o/-os/-as; French verbs in -ez/-ais.
        if n > 3
            && (word.ends_with("os") || word.ends_with("as") || word.ends_with('o'))
            && !word.ends_with("oo")
        {
            cues[1] += 1;
        }
        if n > 3
            && (word.ends_with("ez")
                || word.ends_with("ais")
                || word.ends_with("ait")
                || word.ends_with("eau")
                || word.ends_with("aux"))
        {
            cues[2] += 1;
        }
    }
    cues
}

/// Words of the catalog found in one language's titles and descriptions
/// only (`data/language_words.txt`): word → 0 (en), 1 (es) or 2 (fr).
fn catalog_words() -> &'static HashMap<&'static str, usize> {
    static WORDS: OnceLock<HashMap<&'static str, usize>> = OnceLock::new();
    WORDS.get_or_init(|| {
        include_str!("../../data/language_words.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (lang, word) = l.split_once(' ')?;
                let index = match lang {
                    "en" => 0,
                    "es" => 1,
                    "fr" => 2,
                    _ => return None,
                };
                Some((word.trim(), index))
            })
            .collect()
    })
}

/// Counts distinctive words per language over folded words: the
/// hand-written lists first; a word they do not know counts for the one
/// language whose catalog text alone has it ("lampe", "vitrail").
pub fn scores(words: &[&str]) -> [usize; 3] {
    let mut scores = [0; 3];
    for w in words {
        let (en, es, fr) = (EN.contains(w), ES.contains(w), FR.contains(w));
        // A word shared by two languages tells nothing between them.
        match (en, es, fr) {
            (true, false, false) => scores[0] += 1,
            (false, true, false) => scores[1] += 1,
            (false, false, true) => scores[2] += 1,
            (false, false, false) => {
                if let Some(&lang) = catalog_words().get(w) {
                    scores[lang] += 1;
                }
            }
            _ => {}
        }
    }
    scores
}

/// Decides the language: text evidence, then the locale hint, then the
/// conversation's language, then English. For one- or two-word messages the
/// hint and the conversation come first.
pub fn detect(raw: &str, words: &[&str], hint: Option<Lang>, conversation: Option<Lang>) -> Lang {
    let mut s = scores(words);
    let letters = letter_cues(raw, words);
    for (score, extra) in s.iter_mut().zip(letters) {
        *score += extra;
    }
    let best = (0..3)
        .max_by_key(|i| (s[*i], usize::from(*i == 0)))
        .unwrap_or(0);
    let clear = s[best] > 0 && s.iter().enumerate().all(|(i, v)| i == best || *v < s[best]);
    let detected = [Lang::En, Lang::Es, Lang::Fr][best];
    if words.len() <= 2 {
        return hint
            .or(conversation)
            .unwrap_or(if clear { detected } else { Lang::En });
    }
    // One cue in a three-word message ("no wait, 5") does not outweigh
    // the language the conversation is held in.
    if clear && (words.len() > 3 || s[best] > 1 || conversation.is_none()) {
        return detected;
    }
    conversation
        .filter(|_| clear)
        .or(hint)
        .or(conversation)
        .unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_messages_trust_the_hint() {
        assert_eq!(detect("", &["merci"], Some(Lang::Fr), None), Lang::Fr);
        assert_eq!(detect("", &["hola"], None, None), Lang::Es);
        assert_eq!(detect("", &["ok"], None, Some(Lang::Es)), Lang::Es);
        assert_eq!(
            detect("", &["ok"], Some(Lang::Fr), Some(Lang::Es)),
            Lang::Fr
        );
    }

    #[test]
    fn sentences_speak_for_themselves() {
        assert_eq!(
            detect(
                "",
                &["vous", "avez", "des", "mugs", "bleus"],
                Some(Lang::En),
                None
            ),
            Lang::Fr
        );
        assert_eq!(
            detect("", &["tienes", "libros", "sobre", "velazquez"], None, None),
            Lang::Es
        );
        assert_eq!(
            detect("", &["do", "you", "have", "blue", "mugs"], None, None),
            Lang::En
        );
    }
}
