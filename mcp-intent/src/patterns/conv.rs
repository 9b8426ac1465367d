//! Conversation-level cues: changing a basket line's quantity, questions
//! about the shop (shipping, returns, payment…), order tracking, and the
//! entities a dialog engine resolves against what it showed (`ordinal`,
//! `anaphora`, `name`, `refine`, `sort`, `pick`, `in_stock`, `more`).

use super::text::Text;

/// Setting a basket line to a new quantity ("make it two", "que sean tres",
/// "plutôt trois"). A target quantity must also be present.
pub const SET_QUANTITY: &[&str] = &[
    "make it",
    "make that",
    "make them",
    "make the",
    "make those",
    "change it to",
    "change that to",
    "change them to",
    "change the quantity",
    "change the number",
    "set the quantity",
    "set it to",
    "set the",
    "bump it",
    "bump the",
    "bump them",
    "reduce the",
    "reduce it",
    "update the quantity",
    "i only want",
    "only want",
    "just want",
    "not",
    "instead",
    "just",
    "only",
    "que sean",
    "que sea",
    "mejor que sean",
    "mejor pon",
    "mejor ponme",
    "mejor solo",
    "solo quiero",
    "solo una",
    "solo uno",
    "solo",
    "cambialo a",
    "cambialos a",
    "cambiala a",
    "cambialas a",
    "cambia la cantidad",
    "cambia las",
    "cambia los",
    "cambia el",
    "cambia la",
    "deja las",
    "deja los",
    "deja el",
    "deja la",
    "dejalo en",
    "dejalos en",
    "modifica la cantidad",
    "actualiza las",
    "actualiza los",
    "actualiza la cantidad",
    "baja los",
    "baja las",
    "en vez de",
    "en lugar de",
    "al final",
    "plutot",
    "mets en",
    "met en",
    "passe le",
    "passe la",
    "passe les",
    "passe a",
    "change la quantite",
    "change le nombre",
    "modifie la quantite",
    "mets la quantite",
    "mets les",
    "mets le",
    "mets la",
    "au lieu de",
    "qu un seul",
    "qu une seule",
    "qu un",
    "qu une",
    "reduis",
    "seulement",
    "finalement",
    "j en veux",
    "j en voudrais",
];

/// Cues that only mean "set the quantity" right after a basket change
/// (short messages): "pon 4", "just two then", "seulement deux".
pub const SET_QUANTITY_SHORT: &[&str] = &[
    "pon",
    "ponme",
    "mets en",
    "just",
    "only",
    "solo",
    "seulement",
    "plutot",
    "make",
    "que sean",
    "mejor",
    "al final",
    "finalement",
];

/// Verbs that put a product in the basket whatever follows ("add", "put"):
/// they keep a message `basket.add` even with "make it two" in it.
pub const STRONG_ADD: &[&str] = &[
    "add",
    "put",
    "anade*",
    "agrega*",
    "ajoute*",
    "ill take",
    "i ll take",
    "buy",
    "comprar",
    "acheter",
    "je prends",
    "me llevo",
    "pop",
    "throw in",
    "mete",
];

/// A question about the shop, with its help-page topic.
pub const SHIPPING: &[&str] = &[
    "do you ship",
    "u ship",
    "ship outside",
    "ship worldwide",
    "ship overseas",
    "outside europe",
    "outside the eu",
    "fuera de europa",
    "hors d europe",
    "hors de l europe",
    "pick up my order",
    "collect my order",
    "click and collect",
    "recoger el pedido",
    "recoger mi pedido",
    "retirer ma commande",
    "retirer mon colis",
    "you ship",
    "ship to",
    "ship internationally",
    "ship abroad",
    "shipping",
    "postage",
    "delivery take",
    "delivery time",
    "delivery times",
    "delivery cost",
    "delivery costs",
    "deliver to",
    "do you deliver",
    "you deliver",
    "free delivery",
    "envio",
    "envios",
    "enviais",
    "enviais a",
    "envian a",
    "haceis envios",
    "gastos de envio",
    "tardan en llegar",
    "cuanto tarda el envio",
    "entrega a domicilio",
    "plazo de entrega",
    "livraison",
    "livrez",
    "livrez vous",
    "frais de port",
    "frais d envoi",
    "delais",
    "vous expediez",
    "expediez",
    "a l etranger",
    "how long to",
    "delivery to",
    "delivery in",
    "how long for delivery",
    "cuanto tarda en llegar",
    "gratis en",
    "combien de temps pour la livraison",
    "delivery within",
    "how much is delivery",
    "how much is shipping",
    "pick it up",
    "pick them up",
    "pick up at",
    "pick up from",
    "collect it from",
    "collect in store",
    "recoger alli",
    "recoger en la tienda",
    "recogerlo en",
    "recogerla en",
    "retirer a la boutique",
    "retirer en boutique",
    "retirer la bas",
    "retirer sur place",
    "retirer la-bas",
    "llegan a",
    "mandan a",
    "mandais a",
    "combien de jours pour",
    "de livraison pour",
    "partir de quel montant",
    "be shipped",
    "get shipped",
    "is shipped",
    "envio gratis",
    "livraison gratuite",
];
/// Returns, refunds and exchanges.
pub const RETURNS: &[&str] = &[
    "return policy",
    "returns",
    "return an",
    "return a",
    "return it",
    "return my",
    "return something",
    "send back",
    "send something back",
    "send it back",
    "refund",
    "refunds",
    "money back",
    "arrived broken",
    "arrived damaged",
    "came broken",
    "llego roto",
    "llego rota",
    "ha llegado roto",
    "ha llegado rota",
    "arrive casse",
    "arrivee cassee",
    "arrive abime",
    "if my mum doesnt like",
    "if she doesnt like",
    "if he doesnt like",
    "doesnt like it",
    "doesnt like them",
    "return them",
    "exchange",
    "devolver",
    "devolucion",
    "devoluciones",
    "devolveis",
    "devuelven",
    "devolvéis",
    "reembolso",
    "cambiar un",
    "cambiar una",
    "cambiar un producto",
    "cambiar un articulo",
    "politique de retour",
    "retour",
    "retours",
    "retourner",
    "rembourse*",
    "remboursement",
    "echanger",
    "echange",
    "arrive broken",
    "arrives broken",
    "arrive damaged",
    "arrives damaged",
    "llega roto",
    "llegan rotas",
    "llegan rotos",
    "llega rota",
    "arrivent casses",
    "arrive abimee",
    "frais de retour",
    "renvoyer",
    "postage for returns",
    "return postage",
    "return shipping",
    "envio de la devolucion",
    "envio de vuelta",
    "rota",
    "roto",
    "rotas",
    "rotos",
    "cassee",
    "abime",
    "abimee",
    "en mauvais etat",
    "chipped",
    "desportillada",
    "danado",
    "danada",
    "danados",
    "danadas",
    "llega danado",
    "llega danada",
    "damaged",
    "endommage",
    "endommagee",
];
/// Payment methods (not paying now: "can I pay with Bizum now?" is checkout).
pub const PAYMENT_METHODS: &[&str] = &[
    "payment methods",
    "payment method",
    "payment options",
    "ways to pay",
    "do you accept",
    "you accept",
    "do you take",
    "accepted",
    "aceptais",
    "aceptan",
    "aceptas",
    "acepta",
    "admitis",
    "admiten",
    "metodos de pago",
    "formas de pago",
    "medios de pago",
    "moyens de paiement",
    "modes de paiement",
    "acceptez",
    "acceptez vous",
    "vous acceptez",
    "vous prenez",
    "do u take",
    "do u accept",
    "u take",
    "u accept",
    "c est accepte",
    "est ce accepte",
    "se acepta",
    "se aceptan",
    "is it accepted",
    "which currency",
    "what currency",
    "que moneda",
    "en que moneda",
    "quelle devise",
    "en quelle devise",
    "en francs suisses",
    "en francs",
    "en pesos",
    "en dolares",
    "in dollars",
    "en dollars",
    "in pounds",
    "en libras",
    "en livres sterling",
];
/// Gift wrapping and gift cards.
pub const GIFT: &[&str] = &[
    "gift wrap*",
    "gift message",
    "gift note",
    "petit mot",
    "un mot pour",
    "dedicatoria",
    "gift-wrap*",
    "giftwrap*",
    "wrapping",
    "wrap it for",
    "wrap them",
    "gift card",
    "gift cards",
    "gift voucher",
    "gift vouchers",
    "gift certificate",
    "envolver",
    "envolveis",
    "envuelven",
    "para regalo",
    "papel de regalo",
    "tarjeta regalo",
    "tarjetas regalo",
    "tarjeta de regalo",
    "cheque regalo",
    "emballage cadeau",
    "paquet cadeau",
    "paquets cadeaux",
    "paquet cadeaux",
    "carte cadeau",
    "cartes cadeaux",
    "carte cadeaux",
    "bon cadeau",
    "cartes-cadeaux",
    "carte-cadeau",
    "cartes-cadeau",
    "bons-cadeaux",
    "bon-cadeau",
    "bons cadeaux",
    "papier cadeau",
    "papiers cadeaux",
    "tarjetas de regalo",
    "put a message",
    "a message in",
    "message with it",
    "add a message",
    "add a note",
    "a note with",
    "emballer",
];
/// Reaching the shop: contact, phone, e-mail, hours, a person.
pub const CONTACT: &[&str] = &[
    "contact",
    "the email",
    "ur email",
    "el email",
    "el mail",
    "el correo",
    "tu correo",
    "su correo",
    "can i call",
    "call you",
    "ring you",
    "contacto",
    "contactar*",
    "contactaros",
    "contactarlos",
    "tienda fisica",
    "physical shop",
    "physical store",
    "boutique physique",
    "magasin physique",
    "au tel",
    "par tel",
    "a quelle heure",
    "quelle heure",
    "vous appeler",
    "llamaros",
    "llamarles",
    "llamarlos",
    "contact you",
    "phone number",
    "telephone number",
    "your phone",
    "your email",
    "your e mail",
    "email address",
    "call you",
    "customer service",
    "customer support",
    "talk to a",
    "speak to a",
    "speak with a",
    "talk to someone",
    "speak to someone",
    "real person",
    "a human",
    "human being",
    "opening hours",
    "open hours",
    "open on",
    "open today",
    "open tomorrow",
    "shop open",
    "store open",
    "abierta el",
    "abierto el",
    "abre el",
    "abren el",
    "ouvert le",
    "ouverte le",
    "ouvre le",
    "contactar",
    "contactaros",
    "contactarles",
    "telefono",
    "email de contacto",
    "correo de contacto",
    "atencion al cliente",
    "hablar con una persona",
    "hablar con alguien",
    "hablar con un humano",
    "un humano",
    "una persona",
    "un agente",
    "horario",
    "horarios",
    "contacter",
    "vous contacter",
    "numero de telephone",
    "telephone",
    "adresse e mail",
    "adresse mail",
    "adresse email",
    "votre mail",
    "votre e mail",
    "votre email",
    "service client",
    "parler a un",
    "parler a une",
    "parler a quelqu un",
    "un humain",
    "un conseiller",
    "une personne",
    "horaires",
    "horaires d ouverture",
    "opening times",
    "a que correo",
    "que correo",
    "which email",
    "what email",
    "quel mail",
    "quelle adresse",
    "what time do you open",
    "when are you open",
    "when do you open",
    "a que hora abre",
    "a que hora abris",
    "a que hora abren",
    "horario de apertura",
    "esta abierta",
    "est ouverte",
    "etes vous ouverts",
    "vous ouvrez",
    "ouvre a quelle heure",
    "a quelle heure ouvre",
    "donde esta la tienda",
    "donde estais",
    "donde estan",
    "where is the shop",
    "where is your shop",
    "where is the store",
    "where are you located",
    "where are you based",
    "ou est la boutique",
    "ou se trouve la boutique",
    "ou etes vous",
    "direccion de la tienda",
    "vuestra direccion",
    "your address",
    "adresse de la boutique",
    "votre adresse",
    "a q hora",
    "a que hora",
    "q hora",
    "atienden",
    "atendeis",
    "abris",
    "abren los",
    "abre los",
    "call someone",
    "ring someone",
    "shop address",
    "store address",
    "vous etes ou",
    "vous trouvez ou",
    "ou vous trouvez",
    "museo donde",
    "donde queda la tienda",
    "donde quedan",
];
/// Looking after a product in general (not a question about one product).
pub const CARE: &[&str] = &[
    "care instructions",
    "care for",
    "look after",
    "how do i clean",
    "how should i clean",
    "how to clean",
    "how do i wash",
    "how should i wash",
    "how to wash",
    "consejos de cuidado",
    "instrucciones de cuidado",
    "como cuido",
    "como cuidar",
    "como se cuida",
    "como se cuidan",
    "como se limpia",
    "como se limpian",
    "como limpiar",
    "como se lava",
    "como se lavan",
    "como lavar",
    "entretenir",
    "entretien",
    "conseils d entretien",
    "comment laver",
    "comment nettoyer",
];
/// The shop's terms in general.
pub const FAQ: &[&str] = &[
    "faq",
    // Asking whether a placed order can still be changed or cancelled: the
    // FAQ says how. (Asking, not telling: "cancel my order" stays unknown,
    // "cancel the socks" is a removal.)
    "can i cancel my order",
    "can i cancel the order",
    "can i cancel it",
    "can i still cancel",
    "could i cancel my order",
    "can i still change",
    "can i change my order",
    "still cancel",
    "puedo cancelar mi pedido",
    "puedo cancelar el pedido",
    "puedo cancelarlo",
    "se puede cancelar el pedido",
    "lo puedo cancelar",
    "la puedo cancelar",
    "puedo cambiar mi pedido",
    "cancelar todavia",
    "je peux annuler ma commande",
    "je peux encore annuler",
    "peut on annuler",
    "possible d annuler",
    "encore annuler",
    "je peux encore la modifier",
    "je peux encore le modifier",
    "je peux modifier ma commande",
    "shop policies",
    "your policies",
    "terms and conditions",
    "condiciones de la tienda",
    "condiciones de venta",
    "preguntas frecuentes",
    "conditions de vente",
    "conditions generales",
    "questions frequentes",
];

/// The help-page topic a message asks about, with the cue's strength.
pub fn store_topic(t: &Text) -> Option<&'static str> {
    let topic = topic_index().topic(t)?;
    // The museum's visits, customs, and changing one's own order or profile
    // are not questions about the shop.
    let elsewhere = !museum_shop(t)
        && t.has(&[
            "museum",
            "museo",
            "musee",
            "customs",
            "duties",
            "aduana",
            "aranceles",
            "douane",
            "tickets",
            "entradas",
            "billets",
            "exhibition",
            "exposicion",
            "exposition",
            "visit",
            "visita",
            "visite",
        ])
        || t.has(&[
            "change",
            "cambia*",
            "modifi*",
            "update",
            "mets a jour",
            "mettre a jour",
            "actualiza*",
        ]) && t.has(&[
            "address",
            "adresse",
            "direccion",
            "profile",
            "profil",
            "perfil",
            "account",
            "cuenta",
            "compte",
        ]);
    (!elsewhere).then_some(topic)
}

/// "the museum shop", "la tienda del museo": the shop itself, not the
/// museum.
pub fn museum_shop(t: &Text) -> bool {
    t.has(&[
        "museum shop",
        "museum store",
        "museum gift shop",
        "museum s shop",
        "tienda del museo",
        "boutique du musee",
    ])
}

/// The topic lists indexed by their first word, so that a message is looked
/// up word by word instead of phrase by phrase (they are asked about on
/// every message and have some 250 phrases).
/// The rest of a phrase after its first word, whether its last word is a
/// prefix, and its topic's rank.
type Entry = (Vec<&'static str>, bool, usize);

struct TopicIndex {
    /// First word → the phrases starting with it.
    exact: std::collections::HashMap<&'static str, Vec<Entry>>,
    /// One-word prefixes ("rembourse*") with their topic rank.
    prefixes: Vec<(&'static str, usize)>,
}

/// Topics in the order they win when several match; `payment` needs a
/// means of payment named too.
const TOPICS: [(&str, &[&str]); 8] = [
    ("gift-wrapping", GIFT),
    ("product-care", CARE),
    ("returns", RETURNS),
    ("payment", PAYMENT_METHODS),
    ("shipping", SHIPPING),
    ("contact", CONTACT),
    ("faq", FAQ),
    ("pay-words", PAY_WORDS),
];

fn topic_index() -> &'static TopicIndex {
    static INDEX: std::sync::OnceLock<TopicIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = TopicIndex {
            exact: std::collections::HashMap::new(),
            prefixes: Vec::new(),
        };
        for (rank, (_, list)) in TOPICS.iter().enumerate() {
            for phrase in *list {
                let prefix = phrase.ends_with('*');
                let words: Vec<&'static str> = phrase.trim_end_matches('*').split(' ').collect();
                if words.len() == 1 && prefix {
                    index.prefixes.push((words[0], rank));
                } else {
                    index.exact.entry(words[0]).or_default().push((
                        words[1..].to_vec(),
                        prefix,
                        rank,
                    ));
                }
            }
        }
        index
    })
}

impl TopicIndex {
    /// The best-ranked topic whose cue occurs in `t`.
    fn topic(&self, t: &Text) -> Option<&'static str> {
        let norms = t.norms();
        let mut found = [false; TOPICS.len()];
        for (i, w) in norms.iter().enumerate() {
            for (p, rank) in &self.prefixes {
                if w.starts_with(p) {
                    found[*rank] = true;
                }
            }
            let Some(entries) = self.exact.get(w) else {
                continue;
            };
            for (rest, prefix, rank) in entries {
                let hit = rest.iter().enumerate().all(|(k, r)| {
                    norms.get(i + 1 + k).is_some_and(|n| {
                        if *prefix && k + 1 == rest.len() {
                            n.starts_with(r)
                        } else {
                            n == r
                        }
                    })
                });
                // A one-word phrase ending in `*` with no rest is a prefix
                // of the word itself: covered by `prefixes`.
                if hit {
                    found[*rank] = true;
                }
            }
        }
        let pay_words = found[TOPICS.len() - 1];
        (0..TOPICS.len() - 1)
            .find(|&r| found[r] && (TOPICS[r].0 != "payment" || pay_words))
            .map(|r| TOPICS[r].0)
    }
}

/// Means of payment a "do you accept…" question names.
pub const PAY_WORDS: &[&str] = &[
    "pay",
    "pesos",
    "dolares",
    "dollars",
    "francs",
    "libras",
    "pounds",
    "currency",
    "moneda",
    "devise",
    "twint",
    "payment*",
    "paypal",
    "bizum",
    "apple pay",
    "google pay",
    "card",
    "cards",
    "credit",
    "debit",
    "visa",
    "mastercard",
    "amex",
    "american express",
    "cash",
    "tarjeta",
    "tarjetas",
    "efectivo",
    "pago",
    "transferencia",
    "carte",
    "cartes",
    "cheque",
    "cheques",
    "especes",
    "paiement",
    "virement",
    "metodos",
    "formas",
    "moyens",
    "modes",
];

/// Someone's own order or parcel.
pub const ORDER_NOUN: &[&str] = &[
    "my order",
    "my orders",
    "the order",
    "order",
    "my parcel",
    "my package",
    "my delivery",
    "my purchase",
    "i ordered",
    "mi pedido",
    "el pedido",
    "un pedido",
    "mi paquete",
    "mi compra",
    "mi envio",
    "pedi",
    "ma commande",
    "la commande",
    "de commande",
    "mon colis",
    "le colis",
    "ma livraison",
    "j ai commande",
];
/// Asking where an order is.
pub const ORDER_STATUS: &[&str] = &[
    "where is",
    "where s",
    "wheres",
    "status",
    "track*",
    "arrive*",
    "shipped",
    "ship yet",
    "ship",
    "sent",
    "dispatched",
    "on its way",
    "get here",
    "when will",
    "any news",
    "news on",
    "update on",
    "still waiting",
    "received",
    "receive",
    "donde esta",
    "donde",
    "estado",
    "seguimiento",
    "llega*",
    "llegado",
    "enviado",
    "enviasteis",
    "enviaste",
    "enviado ya",
    "salido",
    "en camino",
    "cuando",
    "novedades",
    "sigo esperando",
    "no se nada",
    "recibido",
    "por donde va",
    "como va",
    "ou est",
    "ou en est",
    "statut",
    "etat",
    "suivi",
    "suivre",
    "arrive",
    "recu",
    "recevoir",
    "expedie*",
    "envoye",
    "envoyee",
    "parti",
    "partie",
    "en route",
    "quand",
    "nouvelles",
    "j attends",
    "attends toujours",
    "verifier",
    "toujours rien",
    "still nothing",
    "nothing yet",
    "todavia nada",
    "aun nada",
    "pas encore recu",
    "no ha llegado",
    "not arrived",
];

/// An order id as the shop writes them: `ord_` and letters or digits.
pub fn order_id(t: &Text) -> Option<String> {
    t.words.iter().find_map(|w| {
        let raw = w
            .raw
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '_');
        let rest = raw.strip_prefix("ord_")?;
        (!rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric()))
            .then(|| raw.to_owned())
    })
}

/// "one more", "two more", "uno menos", "un de moins", "another": the
/// signed change a message asks for, if any.
pub fn quantity_delta(norms: &[&str]) -> Option<i64> {
    if norms.windows(2).any(|w| {
        matches!(
            w,
            ["another", _] | ["otra", "mas"] | ["otro", "mas"] | ["encore", "un" | "une"]
        )
    }) || norms.last() == Some(&"another")
        || matches!(
            norms,
            [
                ..,
                "pon" | "ponme" | "dame" | "y" | "mete" | "meteme",
                "otra" | "otro"
            ] | ["otra" | "otro"]
                | [.., "un" | "une", "autre"]
        )
        || norms
            .windows(3)
            .any(|w| matches!(w, ["en", "un" | "une", "deuxieme" | "autre"]))
    {
        return Some(1);
    }
    for i in 0..norms.len() {
        let Some((n, used)) = museo_sdk::parse::quantity(norms, i, true) else {
            continue;
        };
        if n == 0 || n > 1000 {
            continue;
        }
        let mut next = norms.get(i + used).copied();
        let mut after = norms.get(i + used + 1).copied();
        // "un mug de moins", "una taza más": a noun between.
        if matches!(norms.get(i + used + 1), Some(&("de" | "mas")))
            && matches!(
                norms.get(i + used + 2).copied().or(Some("")),
                Some("moins" | "plus" | "")
            )
            && next.is_some_and(|w| w.len() > 2 && w.chars().all(char::is_alphabetic))
            && !matches!(next, Some("more" | "less" | "mas" | "menos" | "de"))
        {
            next = norms.get(i + used + 1).copied();
            after = norms.get(i + used + 2).copied();
        }
        // A price comparison ("less than 15", "menos de 20") is not a count.
        let price_after = after.is_some_and(|a| {
            matches!(a, "than" | "que") || a.chars().next().is_some_and(|c| c.is_ascii_digit())
        });
        let sign = match (next, after) {
            (Some("more"), _) | (Some("mas"), _) => 1,
            (Some("de"), Some("plus")) => 1,
            (Some("less" | "fewer" | "menos"), _) if !price_after => -1,
            (Some("de"), Some("moins")) => -1,
            _ => continue,
        };
        if sign == -1 && next == Some("menos") && after == Some("de") {
            continue;
        }
        return Some(sign * i64::from(n));
    }
    None
}

/// Sorting by price: ascending cues, then descending ones.
pub const CHEAPER: &[&str] = &[
    "cheaper",
    "cheapest",
    "less expensive",
    "least expensive",
    "lowest price",
    "by price",
    "mas barato",
    "mas barata",
    "mas baratos",
    "mas baratas",
    "mas economico*",
    "por precio",
    "moins cher",
    "moins chere",
    "moins chers",
    "moins cheres",
    "par prix",
];
/// Sorting from the dearest.
pub const DEARER: &[&str] = &[
    "more expensive",
    "most expensive",
    "dearest",
    "priciest",
    "pricier",
    "mas caro",
    "mas cara",
    "mas caros",
    "mas caras",
    "plus cher",
    "plus chere",
    "plus chers",
    "plus cheres",
];
/// The single cheapest / dearest one.
pub const PICK_CHEAPEST: &[&str] = &[
    "cheapest",
    "least expensive",
    "el mas barato",
    "la mas barata",
    "lo mas barato",
    "el mas economico",
    "la mas economica",
    "le moins cher",
    "la moins chere",
];
/// The single dearest one.
pub const PICK_DEAREST: &[&str] = &[
    "most expensive",
    "dearest",
    "priciest",
    "el mas caro",
    "la mas cara",
    "lo mas caro",
    "le plus cher",
    "la plus chere",
];
/// Only what is in stock.
pub const IN_STOCK: &[&str] = &[
    "in stock",
    "available",
    "disponible",
    "disponibles",
    "esten disponibles",
    "en stock",
    "con stock",
    "hay stock",
];
/// Narrowing the last results ("which of those", "cuáles de esas").
pub const AMONG_THOSE: &[&str] = &[
    "which of those",
    "which of these",
    "which of them",
    "of those",
    "of these",
    "which one",
    "which ones",
    "cuales de esas",
    "cuales de esos",
    "cual de esas",
    "cual de esos",
    "de esas",
    "de esos",
    "lesquels",
    "lesquelles",
    "lequel",
    "laquelle",
    "parmi",
    "only the ones",
    "only ones",
    "solo los",
    "solo las",
    "seulement ceux",
    "seulement celles",
];

/// "one" words that point at a product among others ("that one", "celui-là").
pub const DEICTIC_ONE: &[&str] = &[
    "that one", "this one", "the one", "celui la", "celle la", "celui ci", "celle ci",
];

/// Words that point back without naming ("it", "that one", "celui-là").
pub const DEICTIC: &[&str] = &[
    "it", "its", "that", "this", "those", "these", "them", "one", "ones", "lo", "la", "le", "les",
    "l", "los", "las", "ese", "esa", "esos", "esas", "este", "esta", "estos", "estas", "eso",
    "esto", "ca", "cela", "ceci", "celui", "celle", "ceux", "celles", "ci", "en", "y", "il",
    "elle", "ils", "elles", "one", "same",
];

/// Words that never name a product: conversation, verbs of the request,
/// quantities' units.
pub const NOT_NAME: &[&str] = &[
    // Taking it: "me lo quedo", "sale, la quiero", "jle prends", "me los llevo".
    "quedo",
    "quiero",
    "llevo",
    "sale",
    "jle",
    "jla",
    "jles",
    "igual",
    "si",
    "ok",
    "okay",
    "yes",
    "yeah",
    "please",
    "pls",
    "too",
    "also",
    "as well",
    "then",
    "actually",
    "hmm",
    "get",
    "grab",
    "drop",
    "exemplaires",
    "exemplaire",
    "ejemplares",
    "copies",
    "unidades",
    "mmm",
    "mm",
    "hmmm",
    "pensandolo",
    "pensandolo mejor",
    "pensandolo bien",
    "on second thought",
    "second thoughts",
    "reflexion faite",
    "tout compte fait",
    "just",
    "only",
    "instead",
    "tell me about",
    "tell me more about",
    "tell me more",
    "what about",
    "how about",
    "what is",
    "what s",
    "whats",
    "how much",
    "how much is",
    "cost",
    "costs",
    "price",
    "take",
    "out",
    "bump",
    "up",
    "reduce",
    "change",
    "set",
    "update",
    "make",
    "quantity",
    "number",
    "units",
    "unidades",
    "unites",
    "vale",
    "tambien",
    "por favor",
    "mejor",
    "al final",
    "solo",
    "entonces",
    "cambia*",
    "deja*",
    "modifica",
    "actualiza",
    "baja",
    "cantidad",
    "numero",
    "cuanto",
    "cuesta",
    "cuestan",
    "precio",
    "hablame",
    "ensename",
    "muestrame",
    "y",
    "aussi",
    "finalement",
    "plutot",
    "seulement",
    "change",
    "modifie",
    "passe",
    "mets",
    "met",
    "reduis",
    "quantite",
    "nombre",
    "combien",
    "coute",
    "coutent",
    "prix",
    "montre",
    "montre moi",
    "montrez moi",
    "parle moi",
    "fais voir",
    "voir",
    "et",
    "and",
    "what",
    "que",
    "qui",
    "how",
    "no",
    "non",
    "wait",
    "need",
    "let",
    "lets",
    "n",
    "ne",
    "veux",
    "voudrais",
    "seul",
    "seule",
    "qu",
    "j",
    "prends",
    "prend",
    "j en prends",
    "less",
    "fewer",
    "more",
    "menos",
    "mas",
    "moins",
    "plus",
    "pop",
    "je",
    "yo",
    "i",
    "id",
    "d",
    "ll",
];

/// Interjections that are never a name on their own ("great, I'll take
/// two"), though they may start one ("Great Wave").
const INTERJECTIONS: &[&str] = &[
    "great",
    "lovely",
    "perfect",
    "nice",
    "cool",
    "super",
    "genial",
    "parfait",
    "vale",
    "ok",
    "okay",
    "bien",
    "bueno",
    "perfecto",
    "estupendo",
    "top",
];

/// Single words removed only at a name's ends, never inside it.
pub const TRIM_ONLY: &[&str] = &[
    "great",
    "the",
    "la",
    "las",
    "los",
    "le",
    "les",
    "el",
    "l",
    "de",
    "des",
    "du",
    "a",
    "an",
    "and",
    "y",
    "et",
    "please",
    "ok",
    "no",
    "non",
    "lo",
    "one",
    "this",
    "that",
    "those",
    "these",
    "it",
    "ese",
    "esa",
    "este",
    "esta",
    "esos",
    "esas",
    "ca",
    "it",
    "them",
    "just",
    "only",
    "then",
    "too",
    "also",
    "super",
    "vale",
    "genial",
    "parfait",
    "lovely",
    "perfect",
    "nice",
    "cool",
    "yes",
    "yeah",
    "otra",
    "otro",
    "encore",
    "wait",
    "mejor",
    "solo",
    "seulement",
];

/// Words of the lists above that the speller must leave as written
/// ("shipping" is not "shopping", "caro" is not "carro").
pub const KNOWN: &[&[&str]] = &[
    SHIPPING,
    RETURNS,
    PAYMENT_METHODS,
    GIFT,
    CONTACT,
    CARE,
    FAQ,
    PAY_WORDS,
    ORDER_NOUN,
    ORDER_STATUS,
    CHEAPER,
    DEARER,
    PICK_CHEAPEST,
    PICK_DEAREST,
    IN_STOCK,
    AMONG_THOSE,
    SET_QUANTITY,
    SET_QUANTITY_EXPLICIT,
    TOTAL,
    NAME_STOPS,
    INTERJECTIONS,
    &[
        "less",
        "fewer",
        "menos",
        "moins",
        "autres",
        "autre",
        "suite",
        "suivants",
        "siguientes",
        "nouvelles",
        "adore",
        "adores",
        "adorent",
        "encanta",
        "loves",
        "caro",
        "cara",
        "caros",
        "caras",
        "cher",
        "chere",
        "envoye",
        "envoyee",
        "cadeaux",
        "cadeau",
        "lequel",
        "laquelle",
        "lesquels",
        "lesquelles",
        "cual",
        "cuales",
        "ordenalos",
        "trie",
        "sort",
        "cheapest",
        "quedo",
        "right",
    ],
];

/// Phrases that set a quantity even with no basket change just before
/// ("change the quantity of the mugs to 2").
pub const SET_QUANTITY_EXPLICIT: &[&str] = &[
    "change the quantity",
    "change the number",
    "set the quantity",
    "update the quantity",
    "cambia la cantidad",
    "modifica la cantidad",
    "actualiza la cantidad",
    "cambiar la cantidad",
    "change la quantite",
    "modifie la quantite",
    "mets la quantite",
    "change le nombre",
    "modifier la quantite",
];

/// The total of the basket, asked without naming the basket.
pub const TOTAL: &[&str] = &[
    "what do i owe",
    "what do i owe you",
    "whats the total",
    "what s the total",
    "what is the total",
    "the total",
    "in total",
    "all together",
    "altogether",
    "add up",
    "adds up",
    "cuanto debo",
    "cuanto te debo",
    "cuanto le debo",
    "en total",
    "el total",
    "cuanto es todo",
    "suma todo",
    "todo junto",
    "je dois combien",
    "je vous dois combien",
    "combien je dois",
    "combien je vous dois",
    "combien je te dois",
    "je te dois combien",
    "whats the damage",
    "what s the damage",
    "au total",
    "en tout",
    "le total",
    "montant total",
    "pour le tout",
];

/// The first count in the words, reading "una", "une", "un" as one but not
/// English "a"/"an" nor a French "à" (folded to "a").
pub fn target_quantity(norms: &[&str], skip: &[usize]) -> Option<u32> {
    (0..norms.len())
        .filter(|i| !skip.contains(i) && !matches!(norms[*i], "a" | "an"))
        .find_map(|i| {
            if norms[i].contains(['.', ',']) {
                return None;
            }
            museo_sdk::parse::quantity(norms, i, true)
                .filter(|(n, _)| (1..=1000).contains(n))
                .map(|(n, _)| n)
        })
}

/// "update the Great Wave postcards to 10", "deja las tazas en dos": a
/// change verb first and "to/a/en N" last.
pub fn verb_to_number(norms: &[&str]) -> bool {
    let verb = norms.first().is_some_and(|w| {
        matches!(
            *w,
            "change"
                | "update"
                | "set"
                | "make"
                | "bump"
                | "reduce"
                | "cambia"
                | "deja"
                | "actualiza"
                | "modifica"
                | "baja"
                | "modifie"
                | "passe"
                | "mets"
                | "reduis"
        )
    });
    let n = norms.len();
    verb && n >= 3
        && matches!(norms[n - 2], "to" | "a" | "en")
        && museo_sdk::parse::quantity(norms, n - 1, false).is_some()
}

/// The whole message asks for more results: "show me more", "más", "la
/// suite", "vous en avez d'autres ?".
pub fn asks_for_more(norms: &[&str]) -> bool {
    const CORE: &[&str] = &[
        "more",
        "next",
        "mas",
        "autres",
        "suite",
        "others",
        "otros",
        "otras",
        "siguiente",
        "siguientes",
        "suivant",
        "suivants",
        "plus",
    ];
    const ALLOWED: &[&str] = &[
        "more",
        "next",
        "mas",
        "autres",
        "suite",
        "others",
        "otros",
        "otras",
        "siguiente",
        "siguientes",
        "suivant",
        "suivants",
        "plus",
        "show",
        "me",
        "some",
        "please",
        "pls",
        "page",
        "ensename",
        "muestrame",
        "mostrame",
        "muestreme",
        "tiene",
        "hay",
        "resultados",
        "porfa",
        "dale",
        "ver",
        "opciones",
        "d",
        "la",
        "vous",
        "en",
        "avez",
        "any",
        "other",
        "ones",
        "results",
        "de",
        "y",
        "and",
        "tienes",
        "teneis",
        "tenes",
        "tienen",
        "do",
        "you",
        "have",
        "got",
        "let",
        "see",
        "can",
        "i",
        "puedes",
        "ensenarme",
        "mostrarme",
        "montre",
        "moi",
        "m",
        "encore",
        "quelques",
        "montrez",
        "des",
        "il",
        "y",
        "a",
        "t",
        "as",
        "tu",
        "avez",
        "voir",
        "les",
        "the",
        "options",
        "por",
        "favor",
        "svp",
        "stp",
        "ok",
        "vale",
        "hay",
        "what",
        "else",
    ];
    !norms.is_empty()
        && norms.len() <= 6
        && norms.iter().any(|w| CORE.contains(w))
        && norms.iter().all(|w| ALLOWED.contains(w))
}

/// Determiners and "celui"-words a product's name follows.
const NAME_STARTS: &[&str] = &[
    "the", "this", "that", "these", "those", "el", "la", "los", "las", "este", "esta", "ese",
    "esa", "le", "les", "l", "ce", "cette", "ces", "celui", "celle", "ceux", "celles",
];

/// Small words inside a name that tell nothing of it ("taza *de los*
/// girasoles").
pub const NAME_GLUE: &[&str] = &[
    "the", "and", "for", "with", "del", "los", "las", "des", "les", "aux", "con", "avec", "pour",
    "una", "une",
];

/// Words that end a name inside a question ("the mug *is* dishwasher safe").
const NAME_STOPS: &[&str] = &[
    "how",
    "in",
    "into",
    "to",
    "for",
    "with",
    "on",
    "is",
    "are",
    "be",
    "keep",
    "keeps",
    "fit",
    "fits",
    "or",
    "and",
    "made",
    "real",
    "genuine",
    "solid",
    "please",
    "pls",
    "if",
    "would",
    "could",
    "but",
    "from",
    "at",
    "have",
    "has",
    "go",
    "do",
    "does",
    "en",
    "para",
    "por",
    "con",
    "es",
    "son",
    "tiene",
    "lleva",
    "viene",
    "al",
    "y",
    "o",
    "que",
    "pour",
    "avec",
    "dans",
    "est",
    "sont",
    "au",
    "aux",
    "et",
    "ou",
    "qui",
    "se",
    "sur",
    "safe",
    "apta",
    "va",
    "passe",
    "resiste",
    "garde",
    "cost",
    "costs",
    "coute",
    "coutent",
    "combien",
    "cuesta",
    "cuestan",
    "cuanto",
    "price",
    "precio",
    "prix",
    "hecha",
    "hecho",
    "fait",
    "dishwasher",
    "microwave",
    "washable",
    "lavable",
    "waterproof",
    "weigh",
    "measure",
    "mide",
    "pesa",
    "come",
    "comes",
    "will",
    "can",
    "de que",
    "il",
    "elle",
    "ca",
    "c",
    "cest",
    "it",
    "they",
    "too",
    "also",
    "tambien",
    "aussi",
];

/// Materials a product's name can be "en" ("foulard en coton", "mug en
/// grès", "bracelet en argent").
const MATERIAL_WORDS: &[&str] = &[
    "coton",
    "soie",
    "gres",
    "laine",
    "bois",
    "cuir",
    "verre",
    "argent",
    "or",
    "laiton",
    "lin",
    "porcelaine",
    "ceramique",
    "resine",
    "bronze",
    "papier",
    "vitrail",
    "modal",
    "cachemire",
    "cashmere",
    "algodon",
    "seda",
    "madera",
    "plata",
    "cristal",
    "lana",
];

/// "For", "para", "pour" (and their chat spellings) before a possessive:
/// the person a product is for, never part of its name.
const FOR_WHOM: &[&str] = &["for", "para", "pa", "pal", "pour", "pr", "x"];
const POSSESSIVES: &[&str] = &[
    "my", "his", "her", "our", "their", "mi", "mis", "su", "sus", "nuestra", "nuestro", "ma",
    "mon", "mes", "sa", "son", "ses", "notre", "nos",
];

fn is_any(word: &str, lists: &[&[&str]]) -> bool {
    lists.iter().any(|l| l.contains(&word))
}

/// The words naming a product, lowercased, without determiners, request
/// verbs, quantities and chatter; `None` when the message only points back
/// ("add it", "celui-là"). In a question only the noun phrase after a
/// determiner counts, so the property asked about is not taken for a name.
pub fn product_name(t: &Text, question: bool, cues: &[&str]) -> Option<String> {
    let trim = |words: Vec<(&str, &str)>| -> Option<String> {
        let skip = |(norm, _): &(&str, &str)| {
            is_any(
                norm,
                &[
                    super::lexicon::FILLER,
                    DEICTIC,
                    NOT_NAME,
                    super::follow::NAME_EDGE,
                ],
            ) || museo_sdk::parse::number_word(norm).is_some()
                || norm.parse::<f64>().is_ok()
        };
        // "make it 3, they're for my book club", "una taza pa mi hermana",
        // "le parapluie enfant pr ma fille": who it is for ends the name.
        let words = match words
            .windows(2)
            .position(|p| FOR_WHOM.contains(&p[0].0) && POSSESSIVES.contains(&p[1].0))
        {
            Some(at) if at > 0 => words[..at].to_vec(),
            _ => words,
        };
        let start = words.iter().position(|w| !skip(w))?;
        let end = words.iter().rposition(|w| !skip(w))?;
        let name: Vec<&str> = words[start..=end].iter().map(|(_, raw)| *raw).collect();
        let interjection = start == end && INTERJECTIONS.contains(&words[start].0);
        (!name.is_empty() && name.len() <= 7 && !interjection).then(|| name.join(" "))
    };
    let phrase_after_determiner = || -> Option<String> {
        let words = &t.words;
        for (i, w) in words.iter().enumerate() {
            if !NAME_STARTS.contains(&w.norm.as_str()) {
                continue;
            }
            let mut out: Vec<(&str, &str)> = Vec::new();
            for (k, next) in words.iter().enumerate().skip(i + 1) {
                let n = next.norm.as_str();
                // "Le foulard en coton de Sorolla", "la tasse en grès": a
                // material joins; "en el microondas", "en français ?" do not.
                let material = n == "en"
                    && k > i + 1
                    && words
                        .get(k + 1)
                        .is_some_and(|m| MATERIAL_WORDS.contains(&m.norm.as_str()));
                let joins = matches!(n, "de" | "des" | "d" | "du")
                    || material
                    || matches!(n, "la" | "los" | "las" | "le" | "les" | "l") && k > i + 1;
                if !joins && (NAME_STOPS.contains(&n) || super::lexicon::QUESTION.contains(&n)) {
                    break;
                }
                out.push((n, next.raw.as_str()));
            }
            if let Some(name) = trim(out) {
                return Some(name);
            }
        }
        None
    };
    if question {
        return phrase_after_determiner();
    }
    let residue = super::entities::residue(t, cues, &[])?;
    let words: Vec<(String, &str)> = residue
        .split(' ')
        .map(|raw| (museo_sdk::parse::fold(raw).trim().to_owned(), raw))
        .collect();
    if words.len() > 12 {
        // A long sentence: only the noun phrase after a determiner names.
        return phrase_after_determiner();
    }
    let pairs: Vec<(&str, &str)> = words.iter().map(|(n, r)| (n.as_str(), *r)).collect();
    trim(pairs)
}

/// Where an age phrase begins in a query whose numbers are gone ("picture
/// book about van gogh for a yr old", "libro para un niño de años", "puzzle
/// pour un enfant de ans"): a word of "for" followed, within four words,
/// by a word of age. `None` when there is none, or nothing
/// before it.
pub fn age_phrase(query: &str) -> Option<usize> {
    const FOR: &[&str] = &["for", "para", "pa", "pour", "pr"];
    // Words of an age only ("for kids", "para niños" name the shelf, which
    // the category already reads).
    const AGE: &[&str] = &[
        "yr", "yrs", "year", "years", "yo", "old", "months", "ano", "anos", "meses", "ans", "mois",
    ];
    let mut offset = 0;
    let words: Vec<(usize, String)> = query
        .split(' ')
        .map(|w| {
            let at = offset;
            offset += w.len() + 1;
            (at, museo_sdk::parse::fold(w).trim().to_owned())
        })
        .collect();
    let start = words.iter().enumerate().position(|(i, (_, w))| {
        FOR.contains(&w.as_str())
            && words[i + 1..]
                .iter()
                .take(4)
                .any(|(_, next)| AGE.contains(&next.as_str()))
    })?;
    (start > 0).then(|| words[start].0)
}

/// "she loves Van Gogh", "le encanta Goya", "elle adore Mucha" at the end of
/// a message: the theme a gift is for.
pub fn loved_theme(t: &Text) -> Option<String> {
    const LOVES: &[&str] = &[
        "loves", "love", "adores", "likes", "into", "encanta", "encantan", "gusta", "gustan",
        "adora", "adore", "adorent", "aime", "fan",
    ];
    let words = &t.words;
    let at = words
        .iter()
        .rposition(|w| LOVES.contains(&w.norm.as_str()))?;
    let rest: Vec<&str> = words[at + 1..]
        .iter()
        .skip_while(|w| matches!(w.norm.as_str(), "de" | "of" | "d" | "du" | "des" | "the"))
        .map(|w| w.raw.as_str())
        .collect();
    let content = rest
        .iter()
        .all(|w| !super::lexicon::FILLER.contains(&museo_sdk::parse::fold(w).trim()));
    (!rest.is_empty() && rest.len() <= 4 && content).then(|| rest.join(" "))
}

/// A store question's content words, lowercased ("do you ship to Canada?"
/// → "ship canada").
pub fn content_words(t: &Text) -> Option<String> {
    const QUESTION_WORDS: &[&str] = &[
        "do", "you", "what", "whats", "is", "are", "your", "how", "can", "i", "we", "there", "any",
        "which", "who", "want", "would", "like", "have", "does", "hi", "hello", "cual", "cuales",
        "es", "son", "vuestro", "vuestra", "vuestros", "vuestras", "teneis", "hay", "puedo", "se",
        "como", "cuanto", "cuanta", "quiero", "hola", "quels", "quelle", "quel", "quelles", "sont",
        "est", "votre", "vos", "je", "peux", "comment", "ce", "c", "qu", "ai", "bonjour", "faites",
        "ya", "me", "m", "te", "it",
    ];
    let words: Vec<&str> = t
        .words
        .iter()
        .filter(|w| !is_any(&w.norm, &[super::lexicon::FILLER, QUESTION_WORDS]))
        .map(|w| w.raw.as_str())
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}
