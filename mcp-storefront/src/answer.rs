//! Answers to a shopper's question about one product, drawn only from that
//! product's own fields.
//!
//! The question is matched against topics (price, stock, sizes, material,
//! dishwasher, artist…) named by cue words in English, Spanish and French.
//! Each topic reads named fields; the answer is written from their values in
//! the shopper's language and lists those fields as `sources`. When no topic
//! matches, the sentences of the description that share a word with the
//! question are quoted. When nothing in the data answers, the answer says so
//! plainly (`answered: false`) instead of guessing: a shopper deciding what
//! to buy must be able to trust it.

use museo_sdk::parse::{fold, words};
use museo_sdk::types::{Lang, Product};

use crate::cards::{ProductAnswer, Source};
use crate::text::{attribute_label, attribute_value, availability, money};

/// What a question can be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Topic {
    Price,
    Stock,
    Variants,
    Dimensions,
    /// One attribute, with a fallback attribute.
    Attribute(&'static str, Option<&'static str>),
    /// Something only the description tells (a candle's burning time, a
    /// kit's age), by the key of its [`EVIDENCE`].
    Described(&'static str),
    Description,
    /// Shipping, returns, payment: shop policy, not product data.
    Policy,
}

/// Cue word sequences (folded) for each topic. A single cue word of five or
/// more letters also matches with a short ending ("colours", "lavable") or a
/// hyphenated tail ("dishwasher-safe"), but not inside a longer word
/// ("grand" is not "grandson").
const TOPICS: &[(Topic, &[&[&str]])] = &[
    (
        Topic::Price,
        &[
            &["price"],
            &["cost"],
            &["costs"],
            &["how", "much"],
            &["precio"],
            &["cuanto", "cuesta"],
            &["cuanto", "vale"],
            &["cuanto", "sale"],
            &["cuanto", "era"],
            &["cuanto", "es"],
            &["cuanto", "seria"],
            &["costaba"],
            &["valia"],
            &["coutait"],
            &["cuesta"],
            &["prix"],
            &["combien"],
            &["coute"],
            &["tarif"],
        ],
    ),
    (
        Topic::Stock,
        &[
            &["stock"],
            &["available"],
            &["availability"],
            &["left"],
            &["disponible"],
            &["quedan"],
            &["queda"],
            &["existencias"],
            &["hay"],
            &["reste"],
            &["restent"],
            &["dispo"],
            &["disponibilite"],
            &["agotado"],
            &["rupture"],
            &["sold", "out"],
        ],
    ),
    (
        Topic::Variants,
        &[
            &["sizes"],
            &["variants"],
            &["options"],
            &["versions"],
            &["formats"],
            &["tallas"],
            &["tamanos"],
            &["opciones"],
            &["variantes"],
            &["tailles"],
            &["modeles"],
            &["come", "in"],
        ],
    ),
    (
        Topic::Dimensions,
        &[
            &["size"],
            &["dimensions"],
            &["big"],
            &["large"],
            &["tall"],
            &["wide"],
            &["measure"],
            &["measurements"],
            &["tamano"],
            &["medidas"],
            &["mide"],
            &["grande"],
            &["taille"],
            &["mesure"],
            &["grand"],
            &["high"],
            &["alto"],
            &["haut"],
            &["hauteur"],
            &["cm"],
        ],
    ),
    (
        Topic::Attribute("material", None),
        &[
            &["material"],
            &["made", "of"],
            &["made", "from"],
            &["fabric"],
            &["hecho", "de"],
            &["hecha", "de"],
            &["esta", "hecho"],
            &["esta", "hecha"],
            &["en", "quoi"],
            &["gold"],
            &["oro"],
            &["vrai", "or"],
            &["l", "or"],
            &["silver"],
            &["plata"],
            &["argent"],
            &["tela"],
            &["materiau"],
            &["matiere"],
            &["fait", "en"],
            &["faite", "en"],
            &["fait", "de"],
            &["tissu"],
            &["cotton"],
            &["algodon"],
            &["coton"],
            &["silk"],
            &["seda"],
            &["soie"],
            &["ceramic"],
            &["ceramica"],
            &["ceramique"],
        ],
    ),
    (
        Topic::Attribute("colour", None),
        &[
            &["colour"],
            &["color"],
            &["colours"],
            &["colors"],
            &["colores"],
            &["couleur"],
            &["couleurs"],
        ],
    ),
    (
        Topic::Attribute("capacity", None),
        &[
            &["capacity"],
            &["hold"],
            &["holds"],
            &["ml"],
            &["capacidad"],
            &["cabe"],
            &["caben"],
            &["contiene"],
            &["contient"],
            &["contenance"],
            &["capacite"],
        ],
    ),
    (
        Topic::Attribute("weight", None),
        &[
            &["weight"],
            &["heavy"],
            &["weigh"],
            &["weighs"],
            &["peso"],
            &["pesa"],
            &["poids"],
            &["lourd"],
            &["pese"],
        ],
    ),
    (
        Topic::Attribute("dishwasher_safe", Some("care")),
        &[
            &["dishwasher"],
            &["lavavajillas"],
            &["lave", "vaisselle"],
            &["lave-vaisselle"],
        ],
    ),
    (
        Topic::Attribute("care", Some("dishwasher_safe")),
        &[
            &["wash"],
            &["washing"],
            &["clean"],
            &["care"],
            &["lavar"],
            &["lava"],
            &["limpiar"],
            &["cuidado"],
            &["cuidados"],
            &["laver"],
            &["lave"],
            &["lavage"],
            &["entretien"],
            &["nettoyer"],
            &["lavadora"],
            &["machine"],
        ],
    ),
    (
        Topic::Attribute("artist", None),
        &[
            &["artist"],
            &["painted"],
            &["painter"],
            &["who", "made"],
            &["autor"],
            &["artista"],
            &["pintor"],
            &["pinto"],
            &["artiste"],
            &["peintre"],
            &["peint"],
        ],
    ),
    (
        Topic::Attribute("period", None),
        &[
            &["period"],
            &["century"],
            &["year"],
            &["epoca"],
            &["siglo"],
            &["periode"],
            &["siecle"],
            &["annee"],
        ],
    ),
    (
        Topic::Attribute("origin", None),
        &[
            &["origin"],
            &["made", "in"],
            &["where", "from"],
            &["origen"],
            &["origine"],
            &["fabrique"],
            &["provenance"],
        ],
    ),
    (Topic::Attribute("pages", None), &[&["pages"], &["paginas"]]),
    (
        Topic::Attribute("language", None),
        &[
            &["language"],
            &["idioma"],
            &["langue"],
            &["written", "in"],
            &["escrito", "en"],
            &["ecrit", "en"],
        ],
    ),
    (Topic::Attribute("isbn", None), &[&["isbn"]]),
    (
        Topic::Described("age"),
        &[
            &["age"],
            &["ages"],
            &["how", "old"],
            &["edad"],
            &["cuantos", "anos"],
            &["que", "edad"],
            &["ans"],
        ],
    ),
    (
        Topic::Described("duration"),
        &[
            &["burn"],
            &["burns"],
            &["burning"],
            &["last"],
            &["lasts"],
            &["dura"],
            &["duran"],
            &["dure"],
            &["durent"],
            &["brule"],
            &["combustion"],
        ],
    ),
    (
        Topic::Described("pieces"),
        &[&["pieces"], &["piezas"], &["pieza"], &["piece"]],
    ),
    (
        Topic::Described("frame"),
        &[
            &["framed"],
            &["frame"],
            &["unframed"],
            &["marco"],
            &["enmarcada"],
            &["enmarcado"],
            &["enmarcar"],
            &["cadre"],
            &["encadre"],
            &["encadree"],
        ],
    ),
    (
        Topic::Described("scent"),
        &[
            &["smell"],
            &["smells"],
            &["scent"],
            &["huele"],
            &["olor"],
            &["aroma"],
            &["sent"],
            &["odeur"],
            &["parfum"],
        ],
    ),
    (
        Topic::Description,
        &[
            &["what", "is", "it"],
            &["tell", "me", "about"],
            &["describe"],
            &["description"],
            &["que", "es"],
            &["describe"],
            &["descripcion"],
            &["qu", "est", "ce"],
            &["decris"],
            &["parle", "moi"],
        ],
    ),
    (
        Topic::Policy,
        &[
            &["shipping"],
            &["delivery"],
            &["deliver"],
            &["ship"],
            &["return"],
            &["returns"],
            &["returned"],
            &["refund"],
            &["exchange"],
            &["envio"],
            &["envios"],
            &["entrega"],
            &["devolucion"],
            &["devolver"],
            &["devuelvo"],
            &["devolverse"],
            &["reembolso"],
            &["livraison"],
            &["livrer"],
            &["expedition"],
            &["retour"],
            &["echanger"],
            &["retourner"],
            &["rembourse"],
            &["remboursement"],
            &["renvoyer"],
            &["renvoie"],
            &["send", "back"],
            &["cambiar"],
            &["cambio"],
            &["echange"],
            &["gift", "wrap"],
            &["envolver"],
            &["emballage"],
            &["paquet", "cadeau"],
        ],
    ),
];

/// Words too common to ground a description match.
const COMMON: &[&str] = &[
    "what", "does", "this", "that", "have", "with", "from", "they", "there", "which", "would",
    "could", "about", "your", "cual", "cuales", "tiene", "esta", "este", "estos", "para", "como",
    "donde", "puedo", "quel", "quelle", "quels", "quelles", "est-ce", "avec", "dans", "pour",
    "peut", "elle", "product", "producto", "produit", "article", "item",
];

/// Words of a description sentence that bear on a topic (folded; one of
/// five letters or more also matches its longer forms: "scented",
/// "perfumada"), by attribute or [`Topic::Described`] key. The sentences are
/// quoted in the shopper's language beside the attribute, whose value the
/// catalog gives in English only ("silk satin" → "raso de seda").
const EVIDENCE: &[(&str, &[&str])] = &[
    (
        "frame",
        &[
            "frame", "framed", "unframed", "marco", "enmarcad", "cadre", "encadr",
        ],
    ),
    (
        "material",
        &[
            "silk",
            "cotton",
            "brass",
            "gold",
            "silver",
            "resin",
            "ceramic",
            "porcelain",
            "china",
            "wax",
            "linen",
            "wool",
            "enamel",
            "glass",
            "wood",
            "paper",
            "stone",
            "bronze",
            "modal",
            "leather",
            "plated",
            "stoneware",
            "metal",
            "plaster",
            "seda",
            "algodon",
            "laton",
            "oro",
            "plata",
            "resina",
            "ceramica",
            "porcelana",
            "cera",
            "lino",
            "lana",
            "esmalte",
            "vidrio",
            "madera",
            "papel",
            "piedra",
            "bronce",
            "banado",
            "gres",
            "yeso",
            "carton",
            "soie",
            "coton",
            "laiton",
            "argent",
            "resine",
            "ceramique",
            "porcelaine",
            "cire",
            "laine",
            "email",
            "verre",
            "bois",
            "papier",
            "pierre",
            "plaque",
            "platre",
        ],
    ),
    (
        "care",
        &[
            "hand",
            "wash",
            "dishwasher",
            "microwave",
            "clean",
            "dry",
            "mano",
            "lavavajillas",
            "microondas",
            "lavar",
            "lavala",
            "limpieza",
            "seco",
            "main",
            "lave",
            "laver",
            "lavage",
            "nettoyage",
            "sec",
        ],
    ),
    (
        "origin",
        &[
            "made",
            "painted",
            "printed",
            "woven",
            "crafted",
            "hecho",
            "hecha",
            "pintado",
            "pintada",
            "impreso",
            "tejido",
            "fabricado",
            "fabrique",
            "peint",
            "imprime",
            "tisse",
        ],
    ),
    ("dimensions", &["cm", "mm"]),
    (
        "age",
        &["age", "ages", "year", "years", "anos", "edad", "ans"],
    ),
    (
        "duration",
        &[
            "hours",
            "horas",
            "heures",
            "burning",
            "combustion",
            "years",
            "anos",
            "ans",
        ],
    ),
    ("pieces", &["pieces", "piece", "piezas", "pieza"]),
    (
        "scent",
        &[
            "scent",
            "aroma",
            "perfume",
            "perfumada",
            "notes",
            "notas",
            "parfum",
            "fragrance",
        ],
    ),
];

/// The evidence key of an attribute topic.
fn evidence_key(key: &str) -> &str {
    match key {
        "dishwasher_safe" => "care",
        "size" => "dimensions",
        other => other,
    }
}

/// The sentences of the description (in `lang`) with a word bearing on
/// `key`, that are not quoted yet.
fn evidence(product: &Product, key: &str, lang: Lang, sources: &[Source]) -> Vec<String> {
    let key = evidence_key(key);
    let Some((_, cues)) = EVIDENCE.iter().find(|(k, _)| *k == key) else {
        return Vec::new();
    };
    let quoted: Vec<String> = sources
        .iter()
        .filter(|s| s.field == "description")
        .map(|s| fold(&s.value))
        .collect();
    sentences(product.description.get(lang))
        .filter(|sentence| !quoted.iter().any(|q| q.contains(&fold(sentence))))
        .filter(|sentence| {
            let folded = fold(sentence);
            words(&folded).iter().any(|w| {
                cues.iter()
                    .any(|c| w == c || c.len() >= 5 && w.starts_with(c))
            })
        })
        .map(str::to_owned)
        .collect()
}

/// Quotes the description's sentences on `key`; whether there were any.
fn quote_evidence(
    product: &Product,
    key: &str,
    lang: Lang,
    parts: &mut Vec<String>,
    sources: &mut Vec<Source>,
) -> bool {
    let sentences = evidence(product, key, lang, sources);
    if sentences.is_empty() {
        return false;
    }
    // A sentence cut at a semicolon starts in lower case: "apta para
    // lavavajillas…" reads as a sentence of its own.
    let quoted = sentences
        .iter()
        .map(|s| {
            let s = s
                .strip_suffix(';')
                .map_or_else(|| s.clone(), |t| format!("{t}."));
            let mut chars = s.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect::<Vec<_>>()
        .join(" ");
    parts.push(quoted.clone());
    sources.push(Source {
        field: "description".into(),
        value: quoted,
    });
    true
}

/// Whether `question` asks about a shop policy (shipping, returns,
/// refunds) rather than the product: the help pages answer it
/// (`search_help`), not the product's data.
pub fn about_policy(question: &str) -> bool {
    let folded = fold(question);
    let words = words(&folded);
    TOPICS
        .iter()
        .filter(|(topic, _)| *topic == Topic::Policy)
        .any(|(_, cues)| cues.iter().any(|cue| matches_cue(&words, cue)))
}

/// Answers `question` about `product` in `lang`.
pub fn answer(product: &Product, question: &str, lang: Lang) -> ProductAnswer {
    let folded = fold(question);
    let words = words(&folded);
    let title = product.title.get(lang).to_owned();
    let mut topics: Vec<Topic> = Vec::new();
    for (topic, cues) in TOPICS {
        if cues.iter().any(|cue| matches_cue(&words, cue)) && !topics.contains(topic) {
            topics.push(*topic);
        }
    }
    // "Combien de pièces", "how many pages": a count, not the price.
    let counting = words
        .windows(2)
        .any(|w| matches!(w, ["combien", "de" | "d"] | ["how", "many"]));
    if counting && topics.len() > 1 {
        topics.retain(|t| *t != Topic::Price);
    }
    // "How much does it hold", "il contient combien": the capacity.
    if topics.contains(&Topic::Attribute("capacity", None)) {
        topics.retain(|t| *t != Topic::Price);
    }
    // "How big" is about size, and sizes are variants when it has them.
    if topics.contains(&Topic::Variants) {
        topics.retain(|t| *t != Topic::Dimensions);
    }

    let mut parts: Vec<String> = Vec::new();
    let mut sources: Vec<Source> = Vec::new();
    let mut missing: Vec<&'static str> = Vec::new();
    for topic in &topics {
        match *topic {
            Topic::Price => price(product, lang, &title, &mut parts, &mut sources),
            Topic::Stock => stock(product, lang, &mut parts, &mut sources),
            Topic::Variants => {
                if !variants(product, lang, &mut parts, &mut sources)
                    && !attribute(product, "dimensions", lang, &mut parts, &mut sources)
                {
                    missing.push("variants");
                }
            }
            Topic::Dimensions => {
                let found = attribute(product, "dimensions", lang, &mut parts, &mut sources)
                    | attribute(product, "size", lang, &mut parts, &mut sources);
                let told = quote_evidence(product, "dimensions", lang, &mut parts, &mut sources);
                if !found && !told && !variants(product, lang, &mut parts, &mut sources) {
                    missing.push("dimensions");
                }
            }
            Topic::Attribute(key, fallback) => {
                let found = attribute(product, key, lang, &mut parts, &mut sources)
                    || fallback
                        .is_some_and(|f| attribute(product, f, lang, &mut parts, &mut sources));
                let told = quote_evidence(product, key, lang, &mut parts, &mut sources);
                if !found && !told {
                    missing.push(key);
                }
            }
            Topic::Described(key) => {
                if !quote_evidence(product, key, lang, &mut parts, &mut sources) {
                    missing.push(key);
                }
            }
            Topic::Description => {
                let text = product.description.get(lang);
                if !text.is_empty() {
                    parts.push(text.to_owned());
                    sources.push(Source {
                        field: "description".into(),
                        value: text.to_owned(),
                    });
                }
            }
            Topic::Policy => parts.push(policy(lang)),
        }
    }
    if topics.is_empty() {
        let sentences = description_matches(product, &words, lang);
        if !sentences.is_empty() {
            let quoted = sentences.join(" ");
            sources.push(Source {
                field: "description".into(),
                value: quoted.clone(),
            });
            parts.push(quoted);
        } else if let Some(said) = title_says(&title, &words) {
            // "Il est pliant ?" of the "Parapluie pliant La Nuit étoilée".
            sources.push(Source {
                field: "title".into(),
                value: title.clone(),
            });
            parts.push(said_by_name(&said, &title, lang));
        }
    }
    for key in &missing {
        parts.push(not_stated(key, lang));
    }
    let answered = !sources.is_empty();
    if parts.is_empty() {
        parts.push(unanswered(&title, lang));
    }
    // Silence on the point asked is said, and the shopper still gets what
    // the product page does say: "does it come with a stand?" is often
    // answered by a sentence no cue word reaches ("…with a small easel").
    let description = product.description.get(lang);
    if !answered && !topics.contains(&Topic::Policy) && !description.is_empty() {
        parts.push(page_says(description, lang));
    }
    // A field answers, and the description says the rest a shopper asking
    // it wants to know: "is it big? I drink a lot of tea" gets the
    // dimensions and the 400 ml the description gives. Price, stock and
    // policy answers stay short, and so does an answer from the title
    // alone (no topic asked).
    let quoted = sources.iter().any(|s| s.field == "description");
    let commerce = topics
        .iter()
        .all(|t| matches!(t, Topic::Price | Topic::Stock | Topic::Policy));
    if answered && !quoted && !commerce && !description.is_empty() {
        parts.push(description.to_owned());
    }
    ProductAnswer {
        product_id: product.id.clone(),
        title,
        answer: parts.join(" "),
        answered,
        sources,
        language: lang,
    }
}

/// The language a question is most likely written in, from cue words; `None`
/// when nothing tells.
pub fn guess_language(question: &str) -> Option<Lang> {
    const ES: &[&str] = &[
        "cuanto",
        "cuesta",
        "tiene",
        "es",
        "el",
        "para",
        "hay",
        "quedan",
        "esta",
        "puedo",
        "como",
        "donde",
        "precio",
        "de",
        "que",
        "se",
        "lavavajillas",
        "tamano",
        "hecho",
        "cual",
        "tallas",
        "medidas",
        "puede",
        "y",
        "con",
        "una",
        "un",
        "mide",
    ];
    const FR: &[&str] = &[
        "combien",
        "coute",
        "est",
        "ce",
        "il",
        "elle",
        "les",
        "pour",
        "y",
        "quel",
        "quelle",
        "fait",
        "taille",
        "peut",
        "on",
        "au",
        "va",
        "lave",
        "vaisselle",
        "en",
        "des",
        "du",
        "une",
        "qu",
        "avez",
        "vous",
        "c",
        "reste",
        "quelles",
        "tailles",
    ];
    const EN: &[&str] = &[
        "how", "much", "does", "is", "it", "the", "what", "made", "of", "can", "i", "do", "size",
        "wash", "in", "there", "any", "left", "which", "this", "a", "big", "sizes", "you",
    ];
    let folded = fold(question);
    let words = words(&folded);
    let score = |list: &[&str]| words.iter().filter(|w| list.contains(w)).count();
    let (en, es, fr) = (score(EN), score(ES), score(FR));
    let best = en.max(es).max(fr);
    if best == 0 {
        None
    } else if es == best && es > en && es > fr {
        Some(Lang::Es)
    } else if fr == best && fr > en && fr > es {
        Some(Lang::Fr)
    } else if en == best {
        Some(Lang::En)
    } else {
        None
    }
}

fn matches_cue(words: &[&str], cue: &[&str]) -> bool {
    if let [single] = cue {
        return words
            .iter()
            .any(|w| *w == *single || (single.len() >= 5 && ending_of(w, single)));
    }
    words.windows(cue.len()).any(|window| window == cue)
}

/// True when `word` is `stem` plus at most two letters or a hyphenated tail.
fn ending_of(word: &str, stem: &str) -> bool {
    word.strip_prefix(stem)
        .is_some_and(|rest| rest.len() <= 2 || rest.starts_with('-'))
}

fn price(
    product: &Product,
    lang: Lang,
    title: &str,
    parts: &mut Vec<String>,
    sources: &mut Vec<Source>,
) {
    let shown = money(&product.price, lang);
    parts.push(match lang {
        Lang::En => format!("{title} costs {shown}."),
        Lang::Es => format!("{title} cuesta {shown}."),
        Lang::Fr => format!("{title} coûte {shown}."),
    });
    sources.push(Source {
        field: "price".into(),
        value: format!("{} {}", product.price.amount, product.price.currency),
    });
    let priced: Vec<String> = product
        .variants
        .iter()
        .filter_map(|v| {
            v.price
                .as_ref()
                .filter(|p| **p != product.price)
                .map(|p| format!("{} {}", v.title.get(lang), money(p, lang)))
        })
        .collect();
    if !priced.is_empty() {
        let all: Vec<String> = product
            .variants
            .iter()
            .map(|v| {
                format!(
                    "{} {}",
                    v.title.get(lang),
                    money(v.price.as_ref().unwrap_or(&product.price), lang)
                )
            })
            .collect();
        let list = all.join(", ");
        parts.push(match lang {
            Lang::En => format!("The price depends on the variant: {list}."),
            Lang::Es => format!("El precio depende de la variante: {list}."),
            Lang::Fr => format!("Le prix dépend de la variante : {list}."),
        });
        sources.push(Source {
            field: "variants".into(),
            value: list,
        });
    }
}

fn stock(product: &Product, lang: Lang, parts: &mut Vec<String>, sources: &mut Vec<Source>) {
    let n = product.stock;
    parts.push(match (n > 0, lang) {
        (true, Lang::En) => format!("There are {n} in stock."),
        (true, Lang::Es) => format!("Quedan {n} en stock."),
        (true, Lang::Fr) => format!("Il en reste {n} en stock."),
        (false, Lang::En) => "It is out of stock right now.".to_owned(),
        (false, Lang::Es) => "Ahora mismo está agotado.".to_owned(),
        (false, Lang::Fr) => "Il est en rupture de stock pour le moment.".to_owned(),
    });
    sources.push(Source {
        field: "stock".into(),
        value: n.to_string(),
    });
    if !product.variants.is_empty() {
        let list: Vec<String> = product
            .variants
            .iter()
            .map(|v| format!("{}: {}", v.title.get(lang), availability(v.stock, lang)))
            .collect();
        let list = list.join(", ");
        parts.push(match lang {
            Lang::En => format!("By variant: {list}."),
            Lang::Es => format!("Por variante: {list}."),
            Lang::Fr => format!("Par variante : {list}."),
        });
        sources.push(Source {
            field: "variants".into(),
            value: list,
        });
    }
}

fn variants(
    product: &Product,
    lang: Lang,
    parts: &mut Vec<String>,
    sources: &mut Vec<Source>,
) -> bool {
    if product.variants.is_empty() {
        return false;
    }
    let list: Vec<String> = product
        .variants
        .iter()
        .map(|v| {
            format!(
                "{} ({}, {})",
                v.title.get(lang),
                money(v.price.as_ref().unwrap_or(&product.price), lang),
                availability(v.stock, lang)
            )
        })
        .collect();
    let list = list.join("; ");
    parts.push(match lang {
        Lang::En => format!("It comes in: {list}."),
        Lang::Es => format!("Está disponible en: {list}."),
        Lang::Fr => format!("Il existe en : {list}."),
    });
    sources.push(Source {
        field: "variants".into(),
        value: list,
    });
    true
}

fn attribute(
    product: &Product,
    key: &str,
    lang: Lang,
    parts: &mut Vec<String>,
    sources: &mut Vec<Source>,
) -> bool {
    let field = format!("attributes.{key}");
    if sources.iter().any(|s| s.field == field) {
        return true;
    }
    let Some(value) = product.attributes.get(key).filter(|v| !v.trim().is_empty()) else {
        return false;
    };
    let sep = if lang == Lang::Fr { " :" } else { ":" };
    parts.push(format!(
        "{}{sep} {}.",
        attribute_label(key, lang),
        attribute_value(value, lang)
    ));
    sources.push(Source {
        field,
        value: value.clone(),
    });
    true
}

/// The sentences of a text (cut at `.`, `;`, `!`, `?` before a space or
/// the end, so "2.5 cm" stays whole), trimmed, non-empty.
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut cuts = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let ends = matches!(c, '.' | ';' | '!' | '?')
            && chars.peek().is_none_or(|(_, next)| next.is_whitespace());
        if ends {
            cuts.push(&text[start..i + c.len_utf8()]);
            start = i + c.len_utf8();
        }
    }
    cuts.push(&text[start..]);
    cuts.into_iter()
        .map(str::trim)
        .filter(|sentence| !sentence.is_empty())
}

/// The question's meaningful word that the product's title has, if any.
fn title_says(title: &str, question: &[&str]) -> Option<String> {
    let folded = fold(title);
    let title_words = words(&folded);
    meaningful(question, 5)
        .find(|w| title_words.contains(w))
        .map(str::to_owned)
}

/// The question's words of at least `letters` letters that are not
/// common words.
fn meaningful<'a>(question: &[&'a str], letters: usize) -> impl Iterator<Item = &'a str> {
    question
        .iter()
        .copied()
        .filter(move |w| w.chars().count() >= letters && !COMMON.contains(w))
}

/// "Yes: its name says so" for a word of the title.
fn said_by_name(word: &str, title: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Yes, {word}: its name says so ({title})."),
        Lang::Es => format!("Sí, {word}: lo dice su nombre ({title})."),
        Lang::Fr => format!("Oui, {word} : son nom le dit ({title})."),
    }
}

/// Description sentences sharing a meaningful word with the question.
fn description_matches(product: &Product, question: &[&str], lang: Lang) -> Vec<String> {
    let content: Vec<&str> = meaningful(question, 4).collect();
    if content.is_empty() {
        return Vec::new();
    }
    sentences(product.description.get(lang))
        .filter(|sentence| {
            let folded = fold(sentence);
            let sentence_words = words(&folded);
            content.iter().any(|w| {
                sentence_words.iter().any(|s| {
                    s == w || (w.len() >= 5 && (s.contains(w) || w.contains(s) && s.len() >= 5))
                })
            })
        })
        .map(str::to_owned)
        .collect()
}

fn topic_name(key: &str, lang: Lang) -> String {
    match (key, lang) {
        ("variants", Lang::En) => "sizes or variants".to_owned(),
        ("variants", Lang::Es) => "tallas o variantes".to_owned(),
        ("variants", Lang::Fr) => "tailles ou variantes".to_owned(),
        ("age", Lang::En) => "the age it is for".to_owned(),
        ("age", Lang::Es) => "la edad recomendada".to_owned(),
        ("age", Lang::Fr) => "l'âge conseillé".to_owned(),
        ("duration", Lang::En) => "how long it lasts".to_owned(),
        ("duration", Lang::Es) => "cuánto dura".to_owned(),
        ("duration", Lang::Fr) => "sa durée".to_owned(),
        ("pieces", Lang::En) => "how many pieces it has".to_owned(),
        ("pieces", Lang::Es) => "cuántas piezas tiene".to_owned(),
        ("pieces", Lang::Fr) => "son nombre de pièces".to_owned(),
        ("frame", Lang::En) => "a frame".to_owned(),
        ("frame", Lang::Es) => "el marco".to_owned(),
        ("frame", Lang::Fr) => "le cadre".to_owned(),
        ("scent", Lang::En) => "its scent".to_owned(),
        ("scent", Lang::Es) => "su aroma".to_owned(),
        ("scent", Lang::Fr) => "son parfum".to_owned(),
        _ => attribute_label(key, lang).to_lowercase(),
    }
}

fn not_stated(key: &str, lang: Lang) -> String {
    let topic = topic_name(key, lang);
    match lang {
        Lang::En => format!("The product information does not say anything about {topic}."),
        Lang::Es => format!("La ficha del producto no dice nada sobre {topic}."),
        Lang::Fr => format!("La fiche produit ne dit rien sur : {topic}."),
    }
}

fn unanswered(title: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "The product information for {title} does not answer this question, so I cannot answer it reliably."
        ),
        Lang::Es => format!(
            "La ficha de {title} no responde a esta pregunta, así que no puedo contestarla con seguridad."
        ),
        Lang::Fr => format!(
            "La fiche de {title} ne répond pas à cette question : je ne peux pas y répondre avec certitude."
        ),
    }
}

/// The product page's description, introduced as such.
fn page_says(description: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Its product page says: {description}"),
        Lang::Es => format!("Su ficha dice: {description}"),
        Lang::Fr => format!("Sa fiche dit : {description}"),
    }
}

fn policy(lang: Lang) -> String {
    match lang {
        Lang::En => "Shipping, returns and payment are shop policies rather than product details: search_help has them.".to_owned(),
        Lang::Es => "Los envíos, las devoluciones y el pago son normas de la tienda, no datos del producto: search_help las tiene.".to_owned(),
        Lang::Fr => "La livraison, les retours et le paiement relèvent des conditions de la boutique, pas de la fiche produit : search_help les donne.".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use museo_sdk::types::{Localized, Money, Variant};

    use super::*;

    fn text(en: &str, es: &str, fr: &str) -> Localized {
        Localized {
            en: en.into(),
            es: es.into(),
            fr: fr.into(),
        }
    }

    fn eur(amount: &str) -> Money {
        Money {
            amount: amount.into(),
            currency: "EUR".into(),
        }
    }

    fn poster() -> Product {
        let variant = |size: &str, price: &str, stock| Variant {
            sku: format!("PRT-{size}"),
            title: text(size, size, size),
            price: Some(eur(price)),
            stock,
            attributes: BTreeMap::from([("size".to_owned(), size.to_owned())]),
        };
        Product {
            id: "prd_1".into(),
            sku: "PRT-WAVE-01".into(),
            handle: "great-wave".into(),
            title: text(
                "Great Wave poster",
                "Lámina La gran ola",
                "Affiche La Grande Vague",
            ),
            description: text(
                "Hokusai's woodblock print on matte paper. Sold unframed and shipped rolled in a tube.",
                "El grabado de Hokusai en papel mate. Se vende sin marco.",
                "L'estampe d'Hokusai sur papier mat. Vendue sans cadre.",
            ),
            price: eur("25.00"),
            stock: 26,
            in_stock: true,
            category: "prints".into(),
            tags: vec!["hokusai".into()],
            attributes: BTreeMap::from([
                ("material".to_owned(), "matte paper 200 g/m²".to_owned()),
                ("artist".to_owned(), "Katsushika Hokusai".to_owned()),
            ]),
            images: vec![],
            variants: vec![
                variant("30 × 40 cm", "25.00", 14),
                variant("50 × 70 cm", "45.00", 0),
            ],
            published: true,
            url: "http://shop/products/great-wave".into(),
            created_at: jiff::Timestamp::UNIX_EPOCH,
            updated_at: jiff::Timestamp::UNIX_EPOCH,
        }
    }

    fn fields(answer: &ProductAnswer) -> Vec<&str> {
        answer.sources.iter().map(|s| s.field.as_str()).collect()
    }

    #[test]
    fn answers_come_from_named_fields_in_the_question_language() {
        let p = poster();
        let a = answer(&p, "How much does it cost?", Lang::En);
        assert!(a.answered);
        assert_eq!(fields(&a), ["price", "variants"]);
        assert!(
            a.answer.contains("€25.00") && a.answer.contains("€45.00"),
            "{}",
            a.answer
        );

        // The catalog's attribute values are English; the description's
        // sentence on the same thing says it in the shopper's language.
        let a = answer(&p, "¿De qué material está hecha?", Lang::Es);
        assert_eq!(fields(&a), ["attributes.material", "description"]);
        assert_eq!(
            a.answer,
            "Material: matte paper 200 g/m². El grabado de Hokusai en papel mate."
        );

        let a = answer(&p, "Quelles tailles avez-vous ?", Lang::Fr);
        assert_eq!(fields(&a), ["variants"]);
        assert!(
            a.answer
                .starts_with("Il existe en : 30 × 40 cm (25,00\u{a0}€, en stock (14))"),
            "{}",
            a.answer
        );
        assert!(a.answer.contains("en rupture de stock"), "{}", a.answer);

        let a = answer(&p, "is it in stock?", Lang::En);
        assert_eq!(fields(&a), ["stock", "variants"]);
        assert!(
            a.answer.starts_with("There are 26 in stock."),
            "{}",
            a.answer
        );
    }

    #[test]
    fn description_sentences_answer_what_no_field_names() {
        let a = answer(&poster(), "Is it framed?", Lang::En);
        assert!(a.answered);
        assert_eq!(fields(&a), ["description"]);
        assert_eq!(a.answer, "Sold unframed and shipped rolled in a tube.");
    }

    fn candle() -> Product {
        Product {
            sku: "HOM-CANDLE".into(),
            title: text("Delft candle", "Vela Delft", "Bougie Delft"),
            description: text(
                "Soy wax candle (8 × 9 cm) scented with linen and fig leaf. About 45 hours of burning. Ages 14 and up.",
                "Vela de cera de soja (8 × 9 cm) con aroma a lino e higuera. Unas 45 horas de combustión; lavar el vaso a mano.",
                "Bougie en cire de soja (8 × 9 cm) aux notes de lin et de figuier. Environ 45 heures de combustion. Lavage à la main du verre.",
            ),
            attributes: BTreeMap::from([("material".to_owned(), "soy wax, glass".to_owned())]),
            variants: vec![],
            ..poster()
        }
    }

    #[test]
    fn a_word_of_the_title_answers_when_nothing_else_does() {
        let umbrella = Product {
            title: text(
                "The Starry Night folding umbrella",
                "Paraguas plegable La noche estrellada",
                "Parapluie pliant La Nuit étoilée",
            ),
            description: text("An umbrella.", "Un paraguas.", "Un parapluie."),
            attributes: BTreeMap::new(),
            ..poster()
        };
        let a = answer(&umbrella, "il est pliant ?", Lang::Fr);
        assert!(a.answered, "{a:?}");
        assert!(a.answer.contains("Parapluie pliant"), "{}", a.answer);
        let b = answer(&umbrella, "is it waterproof?", Lang::En);
        assert!(!b.answered, "{b:?}");
    }

    #[test]
    fn a_decimal_point_does_not_end_a_sentence() {
        let cut: Vec<&str> =
            sentences("A pendant (2.5 × 1.5 cm) in brass. On a 45 cm chain; gift box!").collect();
        assert_eq!(
            cut,
            [
                "A pendant (2.5 × 1.5 cm) in brass.",
                "On a 45 cm chain;",
                "gift box!"
            ]
        );
    }

    #[test]
    fn how_many_pieces_is_a_count_not_the_price() {
        let blocks = Product {
            description: text(
                "30 beech wood pieces to build a 35 cm temple. For ages 3 and up.",
                "30 piezas de madera de haya para construir un templo de 35 cm.",
                "30 pièces en bois de hêtre pour construire un temple de 35 cm. À partir de 3 ans.",
            ),
            ..poster()
        };
        let a = answer(&blocks, "combien de pièces", Lang::Fr);
        assert!(a.answered, "{a:?}");
        assert!(a.answer.starts_with("30 pièces"), "{}", a.answer);
        assert!(!fields(&a).contains(&"price"), "{a:?}");
        let a = answer(&blocks, "cuantas piezas tiene?", Lang::Es);
        assert!(a.answer.starts_with("30 piezas"), "{}", a.answer);
        // "Combien" alone still asks the price.
        let a = answer(&blocks, "il coûte combien ?", Lang::Fr);
        assert!(fields(&a).contains(&"price"), "{a:?}");
    }

    #[test]
    fn what_only_the_description_tells_is_quoted_from_it() {
        let c = candle();
        let a = answer(&c, "how long does it burn", Lang::En);
        assert!(a.answered, "{a:?}");
        assert_eq!(a.answer, "About 45 hours of burning.");
        let a = answer(&c, "cuanto dura?", Lang::Es);
        assert_eq!(a.answer, "Unas 45 horas de combustión.");
        // A sentence cut at a semicolon reads as one, and is quoted once.
        let a = answer(&c, "se puede lavar?", Lang::Es);
        assert_eq!(a.answer, "Lavar el vaso a mano.");
        let a = answer(&c, "elle sent quoi ?", Lang::Fr);
        assert!(a.answer.contains("notes de lin"), "{}", a.answer);
        let a = answer(&c, "what age is it for", Lang::En);
        assert_eq!(a.answer, "Ages 14 and up.");
        // A description that says nothing of it: said plainly.
        let a = answer(&c, "para que edad es?", Lang::Es);
        assert!(!a.answered, "{a:?}");
        assert!(a.answer.contains("edad recomendada"), "{}", a.answer);
        // Beside a field: care in the shopper's words.
        let a = answer(&c, "comment on le lave ?", Lang::Fr);
        assert!(a.answer.contains("Lavage à la main"), "{}", a.answer);
        let a = answer(&c, "c'est en quoi ?", Lang::Fr);
        assert!(a.answer.contains("cire de soja"), "{}", a.answer);
        let a = answer(&c, "c'est de l'or ?", Lang::Fr);
        assert!(
            a.answer.starts_with("Matériau : soy wax, glass."),
            "{}",
            a.answer
        );
    }

    #[test]
    fn a_frame_is_answered_from_the_description() {
        let p = poster();
        let a = answer(&p, "is it framed?", Lang::En);
        assert!(a.answered, "{a:?}");
        assert!(a.answer.contains("Sold unframed"), "{}", a.answer);
        let a = answer(&p, "viene enmarcada?", Lang::Es);
        assert!(a.answer.contains("sin marco"), "{}", a.answer);
        let a = answer(&p, "elle est encadrée ?", Lang::Fr);
        assert!(a.answer.contains("sans cadre"), "{}", a.answer);
    }

    #[test]
    fn silence_in_the_data_is_said_plainly() {
        let p = poster();
        let a = answer(&p, "Is it dishwasher safe?", Lang::En);
        assert!(!a.answered, "{a:?}");
        assert!(a.sources.is_empty());
        assert!(
            a.answer
                .contains("does not say anything about dishwasher safe"),
            "{}",
            a.answer
        );
        // What the page does say follows, so the shopper can judge.
        assert!(
            a.answer.contains(&format!(
                "Its product page says: {}",
                p.description.get(Lang::En)
            )),
            "{}",
            a.answer
        );

        let a = answer(
            &p,
            "Does it come with a certificate of authenticity?",
            Lang::En,
        );
        assert!(!a.answered, "{a:?}");
        assert!(
            a.answer.contains("does not answer this question"),
            "{}",
            a.answer
        );

        let a = answer(&p, "¿Cuánto pesa?", Lang::Es);
        assert!(!a.answered);
        assert!(a.answer.contains("no dice nada sobre peso"), "{}", a.answer);

        // "grandson" is not "grand" (size): no made-up dimensions.
        let a = answer(&p, "was it owned by his grandson?", Lang::En);
        assert!(!fields(&a).contains(&"variants"), "{a:?}");

        let a = answer(&p, "how long is shipping?", Lang::En);
        assert!(!a.answered);
        assert!(a.answer.contains("search_help"), "{}", a.answer);
    }

    #[test]
    fn the_question_tells_its_language() {
        assert_eq!(guess_language("¿Cuánto cuesta esta taza?"), Some(Lang::Es));
        assert_eq!(
            guess_language("Combien coûte cette affiche ?"),
            Some(Lang::Fr)
        );
        assert_eq!(guess_language("How much is it?"), Some(Lang::En));
        assert_eq!(guess_language("Hokusai"), None);
    }

    #[test]
    fn hostile_questions_are_only_text() {
        let p = poster();
        for question in [
            "'; DROP TABLE products; --",
            "<script>alert(1)</script>",
            &"é".repeat(1000),
            "\u{0}",
        ] {
            let a = answer(&p, question, Lang::En);
            assert_eq!(a.product_id, "prd_1");
            assert!(!a.answer.is_empty());
        }
    }
}
