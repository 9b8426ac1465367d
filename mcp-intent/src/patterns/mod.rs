//! The pattern tier: rules over normalised words, in three languages.
//!
//! Every rule that fires proposes an intent with a base confidence; the best
//! proposal wins and its confidence is lowered when another intent came
//! close (the ambiguity gap, as in Rasa's fallback policy), so a low or
//! contested answer can go to the AI tier. Admin intents need explicit
//! catalog cues and are vetoed by any sign the message is about the
//! shopper's own basket or account: a shopper's loose wording must never
//! become an admin action.

mod conv;
mod entities;
mod follow;
mod history;
mod language;
mod learned;
mod lexicon;
mod spell;
mod text;

use museo_sdk::types::Lang;
use serde_json::{Map, Value};

use self::entities as ent;
use self::history::{Context, Offer};
use self::lexicon::*;
use self::text::Text;
use crate::analyze::{Analysis, AnalyzeRequest, Source};

pub use self::language::detect as detect_language;

/// Confidence at or above which the pattern result is final (no AI call).
/// On the blind holdout, answers at ≥ 0.9 were right 96 % of the time and
/// those between 0.75 and 0.9 only 74 % (see the eval's calibration table).
pub const CONFIDENT: f64 = 0.9;
/// How much the learned model's probability adds to a rule's score.
const LEARNED_WEIGHT: f64 = 0.5;

/// The rule-based analyser; built once, shared by every request.
#[derive(Debug)]
pub struct PatternTier {
    speller: spell::Speller,
    learned: learned::Learned,
}

impl Default for PatternTier {
    fn default() -> Self {
        Self::new()
    }
}

/// A pattern-tier answer with the runners-up.
#[derive(Debug, Clone)]
pub struct PatternResult {
    /// The answer.
    pub analysis: Analysis,
    /// Every proposed intent with its score, best first.
    pub candidates: Vec<(&'static str, f64)>,
}

/// Extra vocabulary for spelling correction: shop nouns the rules mention.
const NOUNS: &[&str] = &[
    "search",
    "products",
    "catalog",
    "catalogue",
    "product",
    "producto",
    "produit",
    "prodotto",
    "carrito",
    "panier",
    "basket",
    "checkout",
    "email",
    "remove",
    "delete",
    "create",
    "hello",
    "does",
    "funciona",
    "marche",
    "catalogo",
    "busca",
    "quita",
    "supprime",
    "elimina",
    "enlace",
    "want",
    "passer",
    "commande",
    "receipt",
];

struct Proposal {
    intent: &'static str,
    score: f64,
    /// A rule sure enough of its reading ("make it two" after an add, "where
    /// is my order?") that the other rules' guesses give way, unless an
    /// admin rule fired.
    exclusive: bool,
}

impl PatternTier {
    /// Builds the tier (the speller's index).
    pub fn new() -> Self {
        let targets: [&[&str]; 20] = [
            BASKET,
            ADD,
            REMOVE,
            VIEW,
            PAY,
            SEARCH,
            DETAILS,
            QUESTION,
            CATALOG_NOUN,
            CREATE,
            UPDATE,
            DELETE,
            IMPORT,
            NOTIFY,
            GREETING,
            GOODBYE,
            HELP,
            YES,
            NO,
            NOUNS,
        ];
        // Words that are right as they are but must never be a correction's
        // target: ordinary words of each language, off-topic cues, shop nouns.
        let known: [&[&str]; 6] = [
            language::EN,
            language::ES,
            language::FR,
            FILLER,
            OFF_TOPIC,
            SHOP_NOUNS,
        ];
        // The catalog's own words: "Bastet" must stay Bastet, not become "basket".
        let vocabulary = include_str!("../../data/vocabulary.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
        let speller = spell::Speller::new(
            targets.iter().flat_map(|l| l.iter().copied()),
            known
                .iter()
                .flat_map(|l| l.iter().map(|w| w.trim_end_matches('*')))
                .chain(vocabulary)
                .chain(
                    conv::KNOWN
                        .iter()
                        .flat_map(|l| l.iter())
                        .flat_map(|p| p.trim_end_matches('*').split(' ')),
                ),
        );
        let learned = learned::Learned::train(|message| Text::new(message, &speller));
        // Load the phone-number metadata now rather than on a user's first
        // message that holds a number (it takes tens of milliseconds).
        let _ = ent::phone("+34 612 345 678", None, Lang::Es);
        Self { speller, learned }
    }

    /// The learned model's best intent for a message on its own (diagnostics:
    /// the eval reports how the model alone would do).
    pub fn learned_only(&self, message: &str) -> Option<(&'static str, f64)> {
        self.learned
            .predict(&Text::new(message, &self.speller))
            .into_iter()
            .next()
    }

    /// The normalised words of a message (diagnostics).
    pub fn tokens(&self, message: &str) -> Vec<String> {
        Text::new(message, &self.speller)
            .norms()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// Analyses a message with its history.
    pub fn analyze(&self, request: &AnalyzeRequest) -> PatternResult {
        let history = request.history.as_deref().unwrap_or_default();
        let start = history.len().saturating_sub(crate::MAX_HISTORY_TURNS);
        let ctx = Context::from_history(&history[start..]);
        let text = Text::new(&request.message, &self.speller);
        let norms = text.norms();
        let hint = request.locale.as_deref().and_then(Lang::from_tag);
        let lang = language::detect(&request.message, &norms, hint, ctx.lang);
        let mut entities = Map::new();
        let proposals = self.propose(request, &text, &ctx, lang, &mut entities);
        let admin = proposals.iter().any(|p| p.intent.starts_with("admin."));
        let claims: Vec<&'static str> = proposals
            .iter()
            .filter(|p| p.exclusive && !admin)
            .map(|p| p.intent)
            .collect();
        let mut candidates: Vec<(&'static str, f64)> = Vec::new();
        for p in proposals {
            if !claims.is_empty() && !claims.contains(&p.intent) && p.intent != "notify.send" {
                continue;
            }
            // Catalog work named in the message outranks shop questions and
            // basket-line changes that share its words ("delivery", "set").
            if admin && matches!(p.intent, "store.info" | "order.status" | "basket.update") {
                continue;
            }
            match candidates.iter_mut().find(|(i, _)| *i == p.intent) {
                Some((_, s)) => *s = s.max(p.score),
                None => candidates.push((p.intent, p.score)),
            }
        }
        // The learned model votes on every intent the message's own words
        // support, except admin intents (precision for admin beats recall),
        // and follow-ups that lean on history keep the rules' say.
        let follow_up = !ctx.shown.is_empty() || ctx.offer.is_some() || ctx.last_search.is_some();
        let weight = if follow_up {
            LEARNED_WEIGHT / 2.0
        } else {
            LEARNED_WEIGHT
        };
        for (intent, p) in self.learned.predict(&text) {
            // Admin decisions belong to the rules alone.
            if p < 0.05 || intent.starts_with("admin.") {
                continue;
            }
            match candidates.iter_mut().find(|(i, _)| *i == intent) {
                Some((_, s)) => *s += weight * p,
                None if !intent.starts_with("admin.") => {
                    candidates.push((intent, 0.3 + weight * p))
                }
                None => {}
            }
        }
        candidates.sort_by(|a, b| b.1.total_cmp(&a.1));
        let (intent, top) = candidates.first().copied().unwrap_or(("unknown", 0.35));
        let second = candidates.get(1).map_or(0.0, |c| c.1);
        // Rule scores plus the learned vote can pass 1; a confidence cannot.
        let top = top.min(0.99);
        // Two intents within 0.1 of each other: nobody should act on this
        // alone. (A rule worth 0.9 against one worth 0.8 is 0.1 apart, though
        // floats subtract to 0.0999…)
        let confidence = if top - second < 0.1 - 1e-9 {
            top.min(0.6)
        } else {
            top
        };
        let entities = finish_entities(intent, entities, &text, &ctx, request, lang);
        PatternResult {
            analysis: Analysis {
                intent: intent.to_owned(),
                confidence: (confidence * 100.0).round() / 100.0,
                language: lang.code().to_owned(),
                entities,
                source: Source::Pattern,
            },
            candidates,
        }
    }

    fn propose(
        &self,
        request: &AnalyzeRequest,
        t: &Text,
        ctx: &Context,
        lang: Lang,
        e: &mut Map<String, Value>,
    ) -> Vec<Proposal> {
        let mut out = Vec::new();
        let mut claimed: Vec<&'static str> = Vec::new();
        let mut say = |intent: &'static str, score: f64| {
            out.push(Proposal {
                intent,
                score,
                exclusive: false,
            });
        };
        let raw = request.message.as_str();
        // The big cue lists are asked about many times per message: each
        // answer is computed once.
        let cache: std::cell::RefCell<Vec<(usize, bool)>> =
            std::cell::RefCell::new(Vec::with_capacity(32));
        let has = |list: &'static [&'static str]| -> bool {
            let key = list.as_ptr() as usize;
            if let Some(&(_, found)) = cache.borrow().iter().find(|(k, _)| *k == key) {
                return found;
            }
            let found = t.has(list);
            cache.borrow_mut().push((key, found));
            found
        };
        let norms = t.norms();
        let n = norms.len();
        let letters = norms
            .iter()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .count();

        if t.is_empty() || letters == 0 && !norms.iter().any(|w| w.contains('+')) {
            say("unknown", 0.9);
            return out;
        }
        if has(INJECTION) || injection(t, raw) {
            say("unknown", 0.97);
            return out;
        }

        let sku = ent::sku(raw);
        let file = ent::file(t);
        let email = ent::email(t);
        let phone = ent::phone(raw, request.locale.as_deref(), lang);
        let basket = has(BASKET);
        let catalog = has(CATALOG_NOUN);
        let prices = ent::prices(&norms);
        let has_price = prices.exact.is_some() || prices.min.is_some() || prices.max.is_some();
        let question = raw.contains('?') || raw.contains('¿');
        let ordinal = ORDINALS
            .iter()
            .find(|(w, _)| norms.contains(w))
            .map(|(_, i)| *i);
        let pronoun = has(PRONOUNS);
        // "change the quantity of the mugs to 3" is about a basket line.
        let line_quantity = sku.is_none()
            && t.has(conv::SET_QUANTITY_EXPLICIT)
            && !t.has(&[
                "stock",
                "inventory",
                "inventario",
                "existencias",
                "catalog*",
            ]);
        let shopper_context = basket
            || line_quantity
            || t.has(&[
                "my order",
                "mi pedido",
                "ma commande",
                "account",
                "cuenta",
                "compte",
                "wishlist",
                "lista de deseos",
                "liste de souhaits",
                // A basket line is the shopper's, even with a SKU in it.
                "line",
                "lines",
                "linea",
                "lineas",
                "ligne",
                "lignes",
            ]);
        for (key, value) in [
            ("sku", &sku),
            ("file", &file),
            ("email", &email),
            ("phone", &phone),
        ] {
            if let Some(v) = value {
                e.insert(key.into(), v.clone().into());
            }
        }

        // Admin: explicit catalog work, never about the shopper's own things.
        if !shopper_context {
            if has(IMPORT)
                && (file.is_some() || (catalog && t.has(&["import", "importa*", "importe*"])))
            {
                say(
                    "admin.product.import",
                    if file.is_some() { 0.95 } else { 0.8 },
                );
            } else if file.is_some()
                && t.has(&[
                    "stock",
                    "catalog",
                    "catalogue",
                    "catalogo",
                    "inventario",
                    "inventaire",
                ])
            {
                say("admin.product.import", 0.9);
            } else if file.is_some() && email.is_none() {
                // Shoppers do not name spreadsheet files; staff importing do.
                say("admin.product.import", 0.93);
            }
            let to_catalog = t.has(&["add", "anade*", "agrega*", "ajoute*", "ajouter"])
                && t.has(&["catalog", "catalogue", "catalogo", "listing"]);
            let create_cue = has(CREATE) || to_catalog;
            let creates_product = catalog || t.has(&["listing", "called", "llamado", "appele"]);
            if create_cue && creates_product && !t.has(&["pedido", "commande", "order"]) {
                let fields = has_price
                    || sku.is_some()
                    || ent::stock(t).is_some()
                    || ent::title(raw).is_some();
                say("admin.product.create", if fields { 0.95 } else { 0.7 });
            } else if t.has(&[
                "nuevo articulo",
                "nuevo producto",
                "new product",
                "new listing",
                "nouveau produit",
                "dar de alta",
                "ajouter au catalogue",
            ]) {
                say("admin.product.create", 0.9);
            }
            let delete_cue =
                has(DELETE) && !t.has(&["from my", "de mi", "de mon", "du panier", "del carrito"]);
            if delete_cue
                && (catalog || sku.is_some())
                && !t.has(&["all products", "todos los productos", "tous les produits"])
            {
                say(
                    "admin.product.delete",
                    if sku.is_some() { 0.95 } else { 0.85 },
                );
            } else if delete_cue && has(SHOP_PLACE) && sku.is_some() {
                say("admin.product.delete", 0.88);
            } else if delete_cue
                && t.has(&[
                    "for good",
                    "discontinue",
                    "stop selling",
                    "no longer sell",
                    "deja de vender",
                    "arrete de vendre",
                ])
            {
                say("admin.product.delete", 0.85);
            }
            let update_cue = has(UPDATE);
            let names_field = t.has(&[
                "price",
                "precio",
                "prix",
                "stock",
                "title",
                "titulo",
                "titre",
                "name",
                "nombre",
                "nom",
                "out of stock",
                "agotado",
                "epuise",
                "costs",
                "rename",
                "renomme",
                "renombra",
            ]);
            let target = sku.is_some()
                || catalog
                || t.has(&["its", "son", "su", "le", "la"]) && ctx.focus().is_some();
            let field_phrase = t.has(&[
                "update the price",
                "corrige la fiche",
                "corrige la ficha",
                "passe a",
                "drop the price",
                "lower the price",
                "raise the price",
                "bump the price",
                "cut the price",
                "baja el precio",
                "sube el precio",
                "baisse le prix",
                "augmente le prix",
                "set stock",
                "set the stock",
                "stock to",
                "mets le stock",
                "update the listing",
                "update the product",
                "actualiza la ficha",
                "mets a jour la fiche",
                "mettre a jour la fiche",
                "should be",
                "restock",
                "repon*",
                "reapprovisionne*",
                "change the price",
                "set the price",
                "update the price",
                "pon el precio",
                "cambia el precio",
                "actualiza el precio",
                "change le prix",
                "modifie le prix",
                "mets le prix",
            ]);
            let sets_value = sku.is_some()
                && (has_price || ent::stock(t).is_some() || t.has(&["zero", "cero", "zéro", "0"]))
                && t.has(&[
                    "to",
                    "a",
                    "en",
                    "at",
                    "=",
                    "set",
                    "put",
                    "make",
                    "now",
                    "ahora",
                    "maintenant",
                ]);
            if sets_value && has(UPDATE) && !has(ADD) {
                say("admin.product.update", 0.92);
            }
            if update_cue && names_field && target && !t.has(&["stock from", "a partir de"]) {
                say(
                    "admin.product.update",
                    if sku.is_some() { 0.95 } else { 0.85 },
                );
            } else if field_phrase
                && (has_price
                    || norms.iter().any(|w| {
                        museo_sdk::parse::parse_amount(w).is_some()
                            || museo_sdk::parse::number_word(w).is_some_and(|n| n > 1)
                    }))
            {
                say("admin.product.update", 0.9);
            } else if t.has(&[
                "now costs",
                "bajale el precio",
                "baisse son prix",
                "baisse le prix",
            ]) {
                say("admin.product.update", 0.85);
            }
        }

        // Admin, anchored on a SKU or a catalog place: shoppers do not name
        // SKUs together with catalog verbs, so these read broader wordings.
        if !shopper_context && (sku.is_some() || has(SHOP_PLACE)) {
            let delete_verbs = t.has(&[
                "retire*",
                "unlist*",
                "delist*",
                "take off the",
                "take down",
                "discontinue*",
                "dar de baja",
                "da de baja",
                "quita del catalogo",
                "quitar del catalogo",
                "saca de la tienda",
                "retira*",
                "despublica*",
                "deja de vender",
                "enleve du catalogue",
                "plus vendre",
                "depublie*",
                "supprime*",
                "delete",
                "remove",
                "elimina*",
                "borra*",
                "efface*",
            ]) && !t.has(&[
                "from my",
                "de mi",
                "de mon",
                "all products",
                "todos los productos",
                "tous les produits",
            ]);
            let field = t.has(&[
                "price",
                "cost",
                "costs",
                "stock",
                "precio",
                "prix",
                "rupture",
                "agotado",
                "agotada",
                "out of stock",
                "zero",
                "cero",
                "inventory",
                "inventario",
                "existencias",
                "epuise",
                "qty",
                "quantity",
                "cantidad",
                "quantite",
                "sold out",
                "back in stock",
                "category",
                "categoria",
                "categorie",
                "units",
                "unidades",
                "unites",
                "pieces",
                "piezas",
            ]) || has_price;
            let change_verbs = t.has(&[
                "bump",
                "raise",
                "hike",
                "increase",
                "lower",
                "drop",
                "cut",
                "reduce",
                "set",
                "change",
                "mark",
                "make",
                "sube",
                "baja",
                "rebaja",
                "pon",
                "deja",
                "cambia",
                "marca",
                "augmente*",
                "baisse",
                "mets",
                "passe",
                "fixe*",
                "monte",
                "restock",
                "reabastece*",
                "reponer",
                "we re out of",
                "were out of",
                "no queda",
                "se acabo",
                "plus de stock",
                "on n a plus",
                "mettre",
                "ponle",
                "pone",
                "put",
                "repon*",
                "reapprovisionne*",
                "reabastec*",
                "update",
                "actualiza*",
                "mets a jour",
                "mettre a jour",
                "modifie*",
                "modifica*",
                "cambia*",
                "is back",
                "vuelve",
                "de retour",
                "markdown",
                "mark down",
                "retitle",
                "rename",
                "reposicion",
                "corrige*",
            ]);
            let from_place = t.has(&[
                "off the site",
                "off the shop",
                "off the store",
                "off the webshop",
                "off the catalog",
                "off the catalogue",
                "from the shop",
                "from the store",
                "from the site",
                "from the catalog",
                "from the catalogue",
                "de la tienda",
                "del sitio",
                "de la web",
                "del catalogo",
                "du site",
                "de la boutique",
                "du catalogue",
                "kill the listing",
            ]);
            let takes_out = delete_verbs
                || t.has(&[
                    "saca*", "enleve*", "vire", "virer", "get", "take", "quita*", "kill",
                ]);
            if takes_out && (sku.is_some() || from_place) && !field && !question {
                say(
                    "admin.product.delete",
                    if from_place || delete_verbs { 0.9 } else { 0.8 },
                );
            }
            let polite_request = t.has(&[
                "could you",
                "can you",
                "would you",
                "pourriez vous",
                "pouvez vous",
                "peux tu",
                "puedes",
                "podrias",
                "podria",
                "puede",
            ]);
            // Staff shorthand: "MUG-WAVE-01 → 17.50€", "stock TOTE-NYMPH-01: 0",
            // "JWL-WAVE-CUFF: price 32, qty 14", "TOTE-HOKU-01 agotado".
            let shorthand = sku.is_some()
                && !question
                && !has(ADD)
                && (prices.exact.is_some()
                    || t.has(&[
                        "qty",
                        "pvp",
                        "existencias",
                        "agotado",
                        "agotada",
                        "sold out",
                        "zero it",
                        "rupture",
                        "epuise",
                        "price",
                        "precio",
                        "prix",
                        "stock",
                    ]) && norms.iter().any(|w| {
                        w.parse::<f64>().is_ok() || museo_sdk::parse::number_word(w).is_some()
                    })
                    || t.has(&[
                        "agotado",
                        "agotada",
                        "sold out",
                        "rupture",
                        "epuise",
                        "out of stock",
                    ]));
            if shorthand && !has(CREATE) {
                say("admin.product.update", 0.91);
            }
            if change_verbs && field && sku.is_some() && (!question || polite_request) {
                say("admin.product.update", 0.93);
            } else if sku.is_some()
                && has_price
                && !question
                && prices.min.is_none()
                && prices.max.is_none()
            {
                // A SKU with a bare price ("mettre le PC-TURNER-01 à 2 euros").
                say("admin.product.update", 0.85);
            }
            if t.has(&[
                "new item",
                "new product",
                "new listing",
                "nuevo",
                "nueva",
                "nouveau",
                "nouvel",
                "nouvelle",
            ]) && (has_price || sku.is_some())
                && !t.has(&["arrivals", "novedades", "nouveautes"])
            {
                say("admin.product.create", 0.9);
            }
        }

        // Staff changing a product named in words, not by SKU: a change verb,
        // a new price or stock (or a stock status), and nothing of the
        // shopper's own ("knock the Klimt mug down to 12 quid", "pon la
        // estatuilla como agotada", "baisse le foulard à 29,90").
        if !shopper_context && !question {
            let change = t.has(&[
                "knock",
                "drop",
                "lower",
                "raise",
                "bump",
                "change",
                "set",
                "mark",
                "flag",
                "zero",
                "reprice",
                "fix",
                "update",
                "baja",
                "sube",
                "subi",
                "rebaja",
                "pon",
                "ponla",
                "ponlo",
                "ponlas",
                "ponlos",
                "marca*",
                "cambia*",
                "actualiza*",
                "corrige*",
                "baisse",
                "augmente",
                "mets",
                "passe",
                "modifie",
                "marque",
                "corrige",
                "monte",
            ]);
            let new_value = prices.exact.is_some()
                || prices.max.is_some() && prices.currency.is_some() && !has(SEARCH)
                || t.has(&[
                    "sold out",
                    "out of stock",
                    "agotado",
                    "agotada",
                    "agotados",
                    "agotadas",
                    "sin stock",
                    "rupture",
                    "epuise",
                    "epuisee",
                    "a cero",
                    "zero",
                    "units in stock",
                    "stock is",
                    "stock queda",
                    "stock a",
                    "le stock a",
                ]);
            let about_product =
                t.has(SHOP_NOUNS) || sku.is_some() || t.has(&["price", "precio", "prix", "stock"]);
            if change && new_value && about_product && !has(WANT) {
                say("admin.product.update", 0.9);
            }
            if change
                && t.has(&["category", "categoria", "categorie"])
                && !t.has(&["in my", "en mi", "dans mon"])
            {
                say("admin.product.update", 0.9);
            }
            if has(CREATE) && has_price && !has(SEARCH) && !has(WANT) {
                say("admin.product.create", 0.9);
            }
            if t.has(&[
                "set up a product",
                "product entry",
                "sell it at",
                "add to the shop",
                "time to list",
                "new thing",
                "da de alta",
                "mettre en ligne",
                "mets en ligne",
                "ajoute a la boutique",
                "anade a la tienda",
                "vender a",
            ]) && (has_price || sku.is_some())
            {
                say("admin.product.create", 0.93);
            }
        }

        // Notifications: somewhere to send it.
        if (email.is_some() || phone.is_some())
            && (has(NOTIFY) || t.has(&["whatsapp me", "text me"]))
        {
            say("notify.send", 0.95);
        } else if email.is_some() || phone.is_some() {
            say("notify.send", 0.7);
        }

        // Order tracking and questions about the shop itself.
        let order_id = conv::order_id(t);
        let tracking = (order_id.is_some() || t.has(conv::ORDER_NOUN))
            && t.has(conv::ORDER_STATUS)
            && !t.has(&[
                "cancel",
                "cancela*",
                "annule*",
                "annuler",
                "change",
                "cambia*",
                "modifi*",
                "update my",
                "update the",
                "actualizar",
                "address",
                "direccion",
                "adresse",
                // Staff receiving stock talk about orders too.
                "stock",
                "supplier",
                "proveedor",
                "fournisseur",
                "inventory",
                "inventario",
                "restock",
                "catalog*",
            ]);
        if tracking {
            say("order.status", 0.97);
            claimed.push("order.status");
        }
        let topic = if tracking || email.is_some() || phone.is_some() {
            None
        } else {
            conv::store_topic(t)
        };
        // Someone ready to pay who mentions delivery or a card is checking
        // out, not asking about the shop.
        // ("Who pays for the return?", "je paie combien de livraison ?",
        // "¿me toca pagar el envío de vuelta?" ask what paying costs.)
        let asks_what_paying_costs = t.has(&[
            "who pays",
            "who pay",
            "do i have to pay",
            "do i pay",
            "have to pay for",
            "pay the postage",
            "pay for the return",
            "pay for return",
            "pay for shipping",
            "pay shipping",
            "quien paga",
            "q paga",
            "me toca pagar",
            "tengo que pagar",
            "hay que pagar",
            "pagar el envio",
            "pagar la devolucion",
            "qui paie",
            "qui paye",
            "paie combien",
            "paye combien",
            "dois je payer",
            "je dois payer",
            "faut il payer",
            "il faut payer",
        ]);
        let paying_now = topic.is_some()
            && (has(PAY) && topic != Some("payment") && !asks_what_paying_costs
                || t.has(&[
                    "checkout",
                    "check out",
                    "pay now",
                    "pagar ya",
                    "pagar ahora",
                    "payer maintenant",
                    "payment link",
                    "enlace de pago",
                    "lien de paiement",
                    "proceed to",
                    "finalise*",
                    "finalize*",
                    "finaliza*",
                    "ready to pay",
                    "want to pay",
                    "quiero pagar",
                    "je veux payer",
                    "voudrais payer",
                    "let me pay",
                    "ill pay",
                    "i ll pay",
                ]));
        // "can I pay with PayPal?": which means of payment the shop takes
        // (paying "now" with one is checking out).
        let method_question = topic.is_none()
            && !tracking
            && t.has(follow::PAYMENT_METHOD_NAMES)
            && t.has(&[
                "can i",
                "could i",
                "can you",
                "do you",
                "puedo",
                "se puede",
                "podria",
                "aceptais",
                "je peux",
                "on peut",
                "peut on",
                "est ce que",
            ])
            && !t.has(&[
                "now",
                "ya",
                "ahora",
                "maintenant",
                "right away",
                "tout de suite",
            ])
            && !basket;
        if method_question {
            say("store.info", 0.97);
            claimed.push("store.info");
        }
        if let Some(topic) = topic {
            if paying_now {
                say("store.info", 0.8);
            } else {
                say(
                    "store.info",
                    match topic {
                        "payment" => 0.97,
                        "gift-wrapping" | "product-care" => 0.95,
                        _ => 0.94,
                    },
                );
                claimed.push("store.info");
            }
        }

        // Basket.
        // "How will the print be shipped, don't want it folded": a wish
        // about a question, not a line taken out.
        let remove_verb = has(REMOVE)
            && !t.has(&[
                "how will",
                "how do",
                "how does",
                "how is",
                "how are",
                "how long",
                "comment sera",
                "comment est",
                "como se",
                "como llega",
            ]);
        let add_verb = has(ADD)
            && !t.has(&[
                "add up",
                "adds up",
                "suma todo",
                "sumar todo",
                "cuanto suma",
                "cuanto suman",
            ]);
        // A basket line's quantity: set ("make it two") or changed by a
        // signed amount ("two more", "uno menos"), right after a basket
        // change or with one question about the product in between.
        let after_basket_change = matches!(
            ctx.last_intent.as_deref(),
            Some("basket.add" | "basket.update" | "basket.remove")
        ) || ctx.basket_change_before
            && matches!(
                ctx.last_intent.as_deref(),
                Some("product.question" | "product.details" | "store.info")
            );
        // After "sorry, only 1 left" a count is a new try at adding.
        let refused = ctx.offer == Some(Offer::Refused)
            && matches!(ctx.last_intent.as_deref(), Some("basket.add"));

        let delta = conv::quantity_delta(&norms);
        let target = conv::target_quantity(&norms, &prices.used);
        // Follow-ups that only make sense after the turn before.
        let total = follow::bare_total(&norms);
        if let Some(kind) = total
            && !add_verb
            && !remove_verb
            && !tracking
        {
            let price =
                kind == follow::Total::BasketOrPrice && !ctx.basket_filled && ctx.focus().is_some();
            let intent = if price {
                "product.question"
            } else {
                "basket.view"
            };
            say(intent, 0.95);
            claimed.push(intent);
        }
        if order_id.is_some() && !tracking && topic.is_none() {
            // "its ord_5521" after "what is your order number?".
            let asked = ctx.offer == Some(Offer::OrderNumber)
                || ctx.last_intent.as_deref() == Some("order.status");
            if asked || n <= 4 {
                say("order.status", 0.95);
                claimed.push("order.status");
            }
        } else if ctx.last_intent.as_deref() == Some("order.status")
            && topic.is_none()
            && t.has(&["number", "numero", "id", "reference", "referencia"])
            && n <= 8
        {
            // "I don't have the number" answers the order question.
            say("order.status", 0.93);
            claimed.push("order.status");
        }
        let product_property = || {
            t.has(&[
                "dishwasher",
                "microwave",
                "lavavajillas",
                "microondas",
                "lave vaisselle",
                "micro ondes",
                "material",
                "matiere",
                "made of",
                "size",
                "talla",
                "taille",
                "tamano",
            ])
        };
        if ctx.last_intent.as_deref() == Some("store.info")
            && topic.is_none()
            && !tracking
            && total.is_none()
            && !t.has(conv::TOTAL)
            && n <= 10
            && !basket
            && !add_verb
            && !remove_verb
            && sku.is_none()
            && !product_property()
            && !has(SHOP_NOUNS)
            && (question
                || t.has(&[
                    "how long",
                    "how much",
                    "and to",
                    "what about",
                    "cuanto",
                    "cuanta",
                    "y a",
                    "y para",
                    "combien",
                    "et en",
                    "et pour",
                    "et vers",
                ]))
        {
            // "how long does it take?" after a question about delivery.
            say("store.info", 0.93);
            claimed.push("store.info");
        }
        let which = ctx.offer == Some(Offer::WhichOne);
        let pending = ctx.last_intent.as_deref();
        let decided = matches!(
            norms.last(),
            Some(&("then" | "alors" | "entonces" | "pues"))
        ) || matches!(norms.first(), Some(&("ok" | "okay" | "vale" | "bon")));
        let buying = matches!(pending, Some("basket.add"))
            || which && matches!(pending, Some("basket.update"))
            || decided
                && matches!(
                    pending,
                    Some("product.search" | "product.question" | "product.details")
                );
        let lead_free: Vec<&str> = norms
            .iter()
            .copied()
            .skip_while(|w| {
                follow::EDGE.contains(w)
                    || matches!(
                        *w,
                        "no" | "non"
                            | "wait"
                            | "espera"
                            | "mejor"
                            | "en"
                            | "fait"
                            | "swap"
                            | "it"
                            | "for"
                            | "hmm"
                            | "fine"
                            | "sorry"
                    )
            })
            .collect();
        let joined_pick = matches!(norms.first(), Some(&("and" | "y" | "et" | "plus")))
            || t.has(&["too", "also", "tambien", "aussi", "as well", "tb"]);
        // After a search, a product named as one of those listed ("the
        // Kiss ones", "celui en laiton", "la lámina") is picked to buy; an
        // ordinal alone keeps asking to see it.
        let one_form = || {
            t.has(&["one", "ones", "celui", "celle", "ceux", "celles"])
                || matches!(
                    lead_free.as_slice(),
                    [
                        "el" | "la" | "los" | "las" | "lo",
                        "de" | "del" | "con" | "en" | "que",
                        ..
                    ]
                )
        };
        let listed = pending == Some("product.search")
            && !ctx.shown.is_empty()
            && ordinal.is_none()
            && (one_form() || ctx.names_shown(&lead_free));
        // A count of one said as an article ("the Klimt one", "uno de
        // seda") does not make a pick a quantity change; "just one" does.
        let article_one = target == Some(1)
            && !norms.iter().any(|w| w.chars().all(|c| c.is_ascii_digit()))
            && !t.has(&[
                "just",
                "only",
                "solo",
                "seul",
                "seule",
                "seulement",
                "nomas",
                "nada mas",
            ]);
        let counted_pick = delta.is_none() && (target.is_none() || article_one) || joined_pick;
        let pick = (buying || which || listed)
            && counted_pick
            && !remove_verb
            && !question
            && (!has(QUESTION) || joined_pick)
            && !t.has(follow::NOT_A_PICK)
            && !t.has(follow::PRICE_ASK)
            && !basket
            && sku.is_none()
            && topic.is_none()
            && !tracking
            && total.is_none()
            && !has(PAY)
            && !has(GOODBYE)
            && !has_price
            && (follow::names_a_product(t, &lead_free, has(SHOP_NOUNS))
                || ordinal.is_some() && (which || joined_pick || decided)
                || lead_free.len() == 1 && which && target.is_none());
        if pick {
            let intent = if which && pending == Some("basket.remove") {
                "basket.remove"
            } else {
                "basket.add"
            };
            say(intent, 0.95);
            claimed.push(intent);
        }
        // Without a number there is no quantity to set: skip the cue lists.
        let counted = target.is_some() || delta.is_some();
        let set_cue = counted && t.has(conv::SET_QUANTITY);
        let explicit_set = counted && t.has(conv::SET_QUANTITY_EXPLICIT);
        let line_words = basket || t.has(&["quantity", "cantidad", "quantite", "number of"]);
        // A price with a currency is an amount, not a count; "add"/"put" and
        // "pon la bandeja en la cesta, que sean dos" put a new line in.
        let priced = has_price && prices.currency.is_some();
        let new_line =
            counted && (t.has(conv::STRONG_ADD) || add_verb && basket && !after_basket_change);
        let sets_quantity = !priced
            && !new_line
            && !refused
            && !pick
            && (!remove_verb || explicit_set)
            && sku.is_none()
            && (delta.is_none() || set_cue && t.has(&["make it", "make that", "make them"]))
            && (target.is_some() || delta.is_some())
            && (explicit_set
                || set_cue && (after_basket_change || line_words)
                || after_basket_change && n <= 4 && t.has(conv::SET_QUANTITY_SHORT)
                // "two pens actually" right after a pen went in: two in all.
                || after_basket_change
                    && n <= 5
                    && t.has(&["actually", "en fait", "finalmente"])
                    && has(SHOP_NOUNS));
        if sets_quantity {
            say("basket.update", 0.95);
            claimed.push("basket.update");
        } else if !priced
            && sku.is_none()
            && target.is_some()
            && delta.is_none()
            && !t.has(conv::STRONG_ADD)
            && conv::verb_to_number(&norms)
            && has(SHOP_NOUNS)
            && !t.has(&["price", "precio", "prix", "stock", "cost", "costs"])
        {
            // "update the Great Wave postcards to 10": a line, not the catalog.
            say("basket.update", 0.85);
        }
        if let Some(d) = delta
            && !sets_quantity
            && sku.is_none()
            && !t.has(&["stock", "inventory", "inventario", "existencias"])
            && (after_basket_change || !ctx.shown.is_empty() || has(SHOP_NOUNS) || n <= 3)
        {
            if after_basket_change
                && d > 0
                && !new_line
                && !refused
                && t.has(&[
                    "actually",
                    "en fait",
                    "finalement",
                    "plutot",
                    "mejor",
                    "al final",
                    "finalmente",
                    "make it",
                    "make that",
                ])
            {
                // A correction of the line just added ("one more actually"):
                // the line's quantity changes. Plain "one more" / "uno
                // menos" keep basket.add / basket.remove (rule 3).
                say("basket.update", 0.95);
                claimed.push("basket.update");
            } else {
                say(if d > 0 { "basket.add" } else { "basket.remove" }, 0.93);
            }
        }
        if refused
            && target.is_some()
            && delta.is_none()
            && !remove_verb
            && !question
            && sku.is_none()
            && n <= 6
        {
            // "ok just one then" after "sorry, only 1 left".
            say("basket.add", 0.94);
            claimed.push("basket.add");
        }
        // "j'en prends trois", "pop it in my basket", and "…too" right after
        // an add ("y una postal de Las Meninas también").
        if t.has(&[
            "j en prends",
            "en prends",
            "pop it",
            "pop them",
            "pop in",
            "pop that",
            "pop one",
        ]) || after_basket_change
            && !remove_verb
            && !question
            && has(SHOP_NOUNS)
            && (matches!(norms.first(), Some(&("and" | "y" | "et")))
                || t.has(&["too", "also", "tambien", "aussi", "as well"]))
        {
            say("basket.add", 0.9);
        }
        if remove_verb
            && (basket
                || pronoun && ctx.last_intent.as_deref() == Some("basket.add")
                || t.has(&[
                    "take one off",
                    "dont want",
                    "don t want",
                    "ne veux plus",
                    "no quiero",
                ]))
        {
            say("basket.remove", 0.9);
        } else if remove_verb
            && t.has(&["tote bag", "mug", "scarf", "umbrella", "postcard"])
            && !catalog
            && sku.is_none()
        {
            say("basket.remove", 0.75);
        } else if remove_verb
            && !catalog
            && sku.is_none()
            && (pronoun || ctx.last_intent.as_deref() == Some("basket.add"))
            && n <= 4
        {
            say("basket.remove", 0.8);
        } else if t.has(&["take one off", "quita uno", "enleve un"]) {
            say("basket.remove", 0.85);
        } else if remove_verb
            && !catalog
            && sku.is_none()
            && !has(SHOP_PLACE)
            && (has(SHOP_NOUNS) || ent::first_quantity(&norms, &[], false).is_some())
        {
            // A shopper removing something names a product, not a catalog.
            say("basket.remove", 0.8);
        }
        if remove_verb
            && ctx.basket_filled
            && !catalog
            && sku.is_none()
            && !has(SHOP_PLACE)
            && !question
            && n <= 7
        {
            // "remove the rosetta stone", "uf, quítalo" once things were added.
            say("basket.remove", 0.9);
        }
        if basket
            && t.has(&[
                "delete",
                "empty",
                "clear",
                "vacia*",
                "vide",
                "vider",
                "efface*",
                "supprime*",
                "borrar",
                "borra",
            ])
        {
            say("basket.remove", 0.9);
        }
        let about_fields = t.has(&[
            "pon el precio",
            "price of",
            "precio de",
            "prix de",
            "le prix",
            "stock of",
            "stock de",
            "el stock",
            "le stock",
            "the stock",
            "catalog",
            "catalogue",
            "catalogo",
            "rupture",
            "agotado",
            "out of stock",
            "category",
            "categoria",
            "categorie",
            "new price",
            "nuevo precio",
            "nouveau prix",
        ]);
        let adds_to_catalog = !basket
            && t.has(&[
                "add products",
                "anaden productos",
                "ajoute des produits",
                "add a product",
                "anade un producto",
                "ajoute un produit",
            ]);
        let takes_out = t.has(&["take it out", "take out", "take away", "take them out"]);
        let stated_quantity = ent::first_quantity(&norms, &prices.used, false)
            .is_some_and(|(q, _)| q >= 2)
            || t.has(&[
                "half a dozen",
                "a dozen",
                "una docena",
                "une douzaine",
                "a couple",
            ]);
        if stated_quantity && has(SHOP_NOUNS) && !has(SEARCH) && !question && !has_price && !basket
        {
            say("basket.add", 0.82);
        }
        if t.has(&["aide", "help", "ayuda", "menu"]) && n <= 2 {
            say("help", 0.95);
        }
        if add_verb && !about_fields && !adds_to_catalog && !takes_out {
            let strong = basket
                || ordinal.is_some()
                || pronoun
                || norms.iter().any(|w| w.parse::<u32>().is_ok())
                || opens_with(t, ADD)
                || t.has(&[
                    "buy",
                    "comprar",
                    "acheter",
                    "ill take",
                    "i ll take",
                    "je prends",
                    "me llevo",
                ]);
            let asking = has(QUESTION)
                && (question
                    || matches!(
                        norms.first(),
                        Some(&("can" | "does" | "is" | "puedo" | "peut" | "est"))
                    ));
            say(
                "basket.add",
                if asking {
                    0.6
                } else if strong {
                    0.9
                } else {
                    0.8
                },
            );
        }
        let explicit_quantity = ent::first_quantity(&norms, &prices.used, false).is_some();
        if has(WANT)
            && !basket
            && !has_price
            && !question
            && (explicit_quantity
                || t.has(&["of the", "de la", "del", "de los", "des", "du"]) && has(SHOP_NOUNS))
        {
            say("basket.add", if explicit_quantity { 0.86 } else { 0.78 });
        }
        // "id like the starry night mug", "quiero la bolsa de la lechera",
        // "lo quiero", "me quedo el de Sorolla".
        let wants_one = follow::wants_the(&norms)
            && !remove_verb
            && !basket
            && !has_price
            && !question
            && !t.has(&[
                "see",
                "ver",
                "voir",
                "know",
                "saber",
                "savoir",
                "pay",
                "pagar",
                "payer",
                "looking for",
                "busco",
                "cherche",
                "do you have",
                "teneis",
                "tienen",
                "tienes",
                "vous avez",
                "avez vous",
                "show",
                "something",
                "algo",
                "quelque chose",
                "help",
                "ayuda",
                "aide",
                "talk",
                "hablar",
                "parler",
            ]);
        if wants_one {
            say("basket.add", 0.9);
        }
        // "je la veux", "lo quiero", "I'll take it": the product in focus.
        if !question
            && !remove_verb
            && n <= 6
            && (ctx.focus().is_some() || !ctx.shown.is_empty())
            && t.has(&[
                "je la veux",
                "je le veux",
                "je les veux",
                "j en veux",
                "je la prends",
                "je le prends",
                "je les prends",
                "la quiero",
                "lo quiero",
                "los quiero",
                "las quiero",
                "me lo llevo",
                "me la llevo",
                "me los llevo",
                "me las llevo",
                "ill take it",
                "i ll take it",
                "ill take them",
                "i ll take them",
                "i want it",
                "i want them",
                "jle prends",
                "jla prends",
                "jles prends",
                "j le prends",
                "je le prend",
                "je la prend",
                "me lo quedo",
                "me la quedo",
                "me los quedo",
                "me las quedo",
                "lo compro",
                "la compro",
                "ill have it",
                "i ll have it",
                "ill get it",
                "i ll get it",
            ])
            && !t.has(&["ne", "pas", "don t", "dont", "not"])
            && norms.first() != Some(&"no")
        {
            say("basket.add", 0.92);
        }
        // "Get it", "ok i'll grab one", "mándame 4": the whole message
        // takes the product spoken about.
        if matches!(
            norms
                .iter()
                .copied()
                .filter(|w| !matches!(*w, "ok" | "okay" | "then" | "vale" | "pues"))
                .collect::<Vec<_>>()
                .as_slice(),
            ["get" | "grab", "it" | "them" | "one"]
                | ["i", "ll", "grab" | "get", "it" | "them" | "one"]
                | ["ill", "grab" | "get", "it" | "them" | "one"]
                | ["mandame" | "mandamelo" | "mandamela", ..]
        ) && n <= 5
            && !question
            && !t.has(&["not", "dont", "don t", "when", "where"])
        {
            say("basket.add", 0.92);
        }
        // "Hmm drop the notebook": a shopper taking a line out (staff
        // "drop the price" says a price).
        if norms.iter().find(|w| {
            !matches!(
                **w,
                "hmm" | "hm" | "ok" | "okay" | "actually" | "oh" | "nah" | "no"
            )
        }) == Some(&"drop")
            && !has_price
            && !t.has(&["price", "stock", "to"])
            && norms.iter().all(|w| w.parse::<u32>().is_err())
            && n <= 7
        {
            say("basket.remove", 0.9);
        }
        // "Give me the kiss pendant necklace instead": an order.
        if matches!(
            norms.as_slice(),
            ["give", "me", "the" | "a" | "an" | "one", ..]
        ) && !question
            && n <= 10
        {
            say("basket.add", 0.9);
        }
        // "sunflowers apron pls", "the kiss pendant necklace please", "le
        // mug tournesols svp": a product named with a please and nothing
        // else asks for it.
        if matches!(
            norms.last(),
            Some(&("please" | "pls" | "plz" | "porfa" | "favor" | "svp" | "stp"))
        ) && n <= 8
            && !question
            && !remove_verb
            && !basket
            && !has_price
            && has(SHOP_NOUNS)
            // "tote bag svp" names a kind of product, not one: a search.
            && lead_free.iter().any(|w| {
                w.len() > 3
                    && !matches!(*w, "please" | "porfa" | "favor")
                    && !text::word_in(w, SHOP_NOUNS)
            })
            && !t.has(follow::NOT_A_PICK)
            && follow::names_a_product(t, &lead_free, true)
        {
            say("basket.add", 0.88);
        }
        // "plutôt le torchon rhinocéros", "mejor el paño del rinoceronte",
        // "get me the rhino tea towel instead", right after a basket change:
        // the other product goes in.
        if after_basket_change
            && !remove_verb
            && !question
            && !has_price
            && !basket
            && target.is_none()
            && delta.is_none()
            && (matches!(norms.first(), Some(&("plutot" | "mejor" | "rather")))
                || norms.last() == Some(&"instead")
                || t.has(&["a la place", "en su lugar", "get me"]))
            && follow::names_a_product(t, &lead_free, has(SHOP_NOUNS))
        {
            say("basket.add", 0.92);
        }
        if ctx.offer == Some(Offer::AddToBasket) && has(YES) {
            say("basket.add", 0.9);
        }
        // "La ronde de nuit, 6 exemplaires svp", "3 copies of the wave
        // print": copies counted are an order.
        if t.has(&[
            "exemplaires",
            "exemplaire",
            "ejemplares",
            "copies",
            "unidades",
        ]) && norms
            .iter()
            .any(|w| w.parse::<u32>().is_ok_and(|n| (1..=100).contains(&n)))
            && !basket
            && !remove_verb
            && !has_price
            && !question
        {
            say("basket.add", 0.9);
        }
        if t.has(&[
            "one more",
            "otra mas",
            "otro mas",
            "encore un",
            "encore une",
            "pon otra",
            "another",
        ]) && !ctx.shown.is_empty()
        {
            say("basket.add", 0.9);
        }
        if !basket
            && t.has(&[
                "how much have i spent",
                "cuanto llevo",
                "llevo gastado",
                "combien j ai depense",
                "whats my total",
                "my total",
                "mi total",
                "mon total",
                "coming to",
                "bag contents",
                "on en est a combien",
                "resumen de la compra",
                "recap",
                "recapitulatif",
                "so far",
                "check my basket",
            ])
        {
            say("basket.view", 0.94);
        }
        if !basket && !add_verb && !remove_verb && !tracking && t.has(conv::TOTAL) {
            say("basket.view", 0.94);
        }
        if basket && !add_verb && !remove_verb {
            let view = has(VIEW) || n <= 3 || question;
            say("basket.view", if view { 0.9 } else { 0.7 });
        }

        // Checkout.
        if has(PAY) {
            say(
                "checkout.pay",
                if t.has(&["send", "manda*", "envoie*", "envia*"])
                    && (email.is_some() || phone.is_some())
                {
                    0.6
                } else if t.has(&[
                    "pay", "payer", "pagar", "pago", "card", "tarjeta", "carte", "checkout",
                ]) {
                    // "how do I pay" is about paying, not about the assistant.
                    0.95
                } else {
                    0.9
                },
            );
        }
        if t.has(&["link", "enlace", "lien"])
            && email.is_none()
            && phone.is_none()
            && n <= 6
            && !has(SHOP_NOUNS)
            && (ctx.basket_filled || ctx.last_intent.as_deref() == Some("basket.view"))
        {
            // "cheers, link please", "pásame el enlace" once the basket is
            // filled ("ok c'est tout, le lien svp" asks for it, not leaves).
            say("checkout.pay", 0.97);
            claimed.push("checkout.pay");
        }
        if ctx.offer == Some(Offer::PaymentLink)
            && (has(YES) || t.has(&["go ahead", "send it", "mandalo", "envoie le"]))
        {
            say("checkout.pay", 0.95);
        }

        // Products.
        let detail_cue = has(DETAILS);
        if let Some(index) = ordinal
            && ctx.ordinal(index).is_some()
        {
            let base = if add_verb || question || has(QUESTION) {
                0.5
            } else {
                0.9
            };
            say("product.details", base);
        }
        let show = t.has(&[
            "show me",
            "show",
            "let me see",
            "want to see",
            "quiero ver",
            "queria ver",
            "je veux voir",
            "je voudrais voir",
            "muestrame",
            "ensename",
            "montre moi",
            "montrez moi",
            "affiche",
            "fais voir",
            "shwo me",
        ]);
        let singular = t.has(&[
            "the", "this", "that", "el", "la", "le", "l", "ce", "cette", "este", "esta",
        ]) || sku.is_some();
        let plural_noun = norms
            .iter()
            .any(|w| w.len() > 3 && w.ends_with('s') && museo_sdk::parse::category(w).is_some());
        // "show me earrings", "show me the Great Wave stuff": many products.
        let stuff = show
            && t.has(&[
                "stuff",
                "things",
                "items",
                "products",
                "range",
                "collection",
                "cosas",
                "articulos",
                "productos",
                "trucs",
                "produits",
                "choses",
                "articles",
            ]);
        // The last word a plural kind of product ("earrings", "bookmarks").
        // As typed: the speller may have made it singular.
        let plural_kind = |w: &str| {
            w.len() > 3
                && w.ends_with('s')
                && !w.ends_with("ss")
                && SHOP_NOUNS
                    .iter()
                    .filter_map(|k| k.strip_suffix('*'))
                    .any(|k| !k.contains(' ') && w.starts_with(k))
        };
        let last_raw = t.words.last().map(|w| museo_sdk::parse::fold(&w.raw));
        let plural_last = last_raw.as_deref().map(str::trim).is_some_and(plural_kind);
        // "montre moi les bougies", "montrez moi d'autres statues grecques":
        // a plural article before a plural kind of product.
        // Not "muéstrame los posavasos de klimt": a kind "of" something
        // may be one product.
        let raw: Vec<String> = t
            .words
            .iter()
            .map(|w| museo_sdk::parse::fold(&w.raw).trim().to_owned())
            .collect();
        let plural_article = t.has(&[
            "les", "los", "las", "des", "d autres", "autres", "otros", "otras", "other", "others",
        ]) && raw.iter().enumerate().any(|(i, w)| {
            plural_kind(w)
                && !raw[i + 1..]
                    .iter()
                    .any(|w| matches!(w.as_str(), "de" | "del" | "of" | "d"))
        });
        // ("les", "los" are pronouns too, but not before a kind of product.)
        let show_many = show
            && !basket
            && sku.is_none()
            && ordinal.is_none()
            && (!pronoun || plural_article)
            && !t.has(conv::DEICTIC_ONE)
            && (stuff
                || !singular && plural_article && n <= 7
                || !singular
                    && plural_last
                    && norms
                        .iter()
                        .filter(|w| {
                            !matches!(
                                **w,
                                "show"
                                    | "me"
                                    | "us"
                                    | "let"
                                    | "see"
                                    | "your"
                                    | "some"
                                    | "any"
                                    | "please"
                                    | "pls"
                                    | "muestrame"
                                    | "ensename"
                                    | "tus"
                                    | "vuestros"
                                    | "vuestras"
                                    | "unos"
                                    | "unas"
                                    | "montre"
                                    | "montrez"
                                    | "moi"
                                    | "vos"
                                    | "des"
                                    | "svp"
                                    | "quiero"
                                    | "queria"
                                    | "ver"
                                    | "want"
                                    | "to"
                                    | "je"
                                    | "veux"
                                    | "voudrais"
                                    | "voir"
                            )
                        })
                        .count()
                        == 1);
        // "Eye of horus stuff", "algo del ojo de horus", "des trucs de
        // Klimt": things of a kind, not one product.
        let things = !show_many
            && !add_verb
            && !remove_verb
            && !basket
            && !pronoun
            && sku.is_none()
            && ordinal.is_none()
            && n <= 6
            && (t.has(&[
                "algo de",
                "algo del",
                "cosas de",
                "cosas del",
                "something with",
                "something from",
                "trucs de",
                "trucs avec",
                "quelque chose de",
                "quelque chose avec",
            ]) || norms.len() >= 2
                // As typed: the speller makes "thing" "things".
                && raw.last().is_some_and(|w| matches!(w.as_str(), "stuff" | "things")));
        if show_many || things {
            say("product.search", 0.92);
            claimed.push("product.search");
        } else if show && singular && !plural_noun && !basket {
            say("product.details", 0.88);
        }
        if sku.is_some() && n <= 2 {
            say("product.details", 0.88);
        }
        if detail_cue && !basket {
            say(
                "product.details",
                if sku.is_some()
                    || t.has(&[
                        "tell me more",
                        "more about",
                        "details",
                        "detalles",
                        "plus d infos",
                        "describe",
                    ])
                {
                    0.9
                } else {
                    0.8
                },
            );
        }
        let asks = question
            || matches!(
                norms.first(),
                Some(&("is" | "are" | "does" | "do" | "can" | "will" | "has" | "could"))
            ) && matches!(
                norms.get(1),
                Some(&("the" | "it" | "this" | "that" | "these" | "your"))
            )
            || t.has(&[
                "est ce que",
                "combien de",
                "cuantas",
                "cuantos",
                "de que",
                "que tan",
            ]);
        let aux_about_product = matches!(
            norms.first(),
            Some(&("does" | "do" | "is" | "are" | "can" | "will"))
        ) && has(SHOP_NOUNS)
            && !has(SEARCH);
        if aux_about_product && !basket {
            say("product.question", 0.8);
        }
        if asks && (has(QUESTION) || pronoun && ctx.focus().is_some()) && !basket && !has(PAY) {
            say("product.question", 0.88);
        } else if has(QUESTION)
            && !basket
            && (pronoun || sku.is_some() || t.has(&["is the", "does the", "el", "la", "le"]))
            && n >= 3
        {
            say("product.question", 0.75);
        }
        // A question about the product in focus or one just listed, with
        // or without its name: "how many pieces", "the apron, how much",
        // "¿para qué edad es?", "il fait quelle taille".
        let about_product = ctx.focus().is_some() || !ctx.shown.is_empty();
        // A price question carries no number of its own.
        let asks_price = || {
            t.has(follow::PRICE_ASK)
                && !has_price
                && !prices.cheap
                && target.is_none()
                && !norms.iter().any(|w| w.chars().any(|c| c.is_ascii_digit()))
        };
        let catalog_work = || {
            sku.is_some()
                || (has(UPDATE) || has(CREATE) || has(DELETE))
                    && (has_price
                        || target.is_some()
                        || norms.iter().any(|w| w.chars().any(|c| c.is_ascii_digit())))
        };
        if about_product
            && !basket
            && topic.is_none()
            && !tracking
            && total.is_none()
            && !pick
            && !add_verb
            && !remove_verb
            && n <= 10
            && !has(PAY)
            && !catalog_work()
            && !t.has(conv::AMONG_THOSE)
            // "Uniquement ceux en stock", "only the ones available": a
            // refinement of the list, not a question about one product.
            && !(t.has(conv::IN_STOCK)
                && t.has(&["only", "just", "solo", "solamente", "seulement", "uniquement"]))
            && (has(QUESTION)
                || t.has(follow::PROPERTY)
                    && (question || n <= 6 || t.has(&["what", "que", "quel", "quelle", "which"]))
                || asks_price()
                || question
                    && t.has(&["available", "in stock", "disponible", "en stock"])
                    && !t.has(&["only", "solo", "seulement"])
                    && n >= 4)
        {
            let sure = pronoun || question || n <= 4 || asks_price();
            say("product.question", if sure { 0.94 } else { 0.88 });
        }
        // "La taza de los girasoles, ¿cuánto cuesta?", "the klimt gold
        // notebook, how much": the price of a product named by more than
        // its kind, with nothing shown before.
        if asks_price()
            && !basket
            && topic.is_none()
            && !tracking
            && total.is_none()
            && !pick
            && !add_verb
            && !remove_verb
            && n <= 12
            && !has(PAY)
            && !catalog_work()
            && conv::product_name(t, true, &[]).is_some_and(|name| {
                museo_sdk::parse::words(&museo_sdk::parse::fold(&name))
                    .iter()
                    .filter(|w| w.len() > 2 && !conv::NAME_GLUE.contains(w))
                    .count()
                    >= 2
            })
        {
            say("product.question", 0.9);
        }
        let after_results = ctx.last_search.is_some() && !ctx.shown.is_empty();
        // "more" after a search pages on, even one that found nothing.
        if ctx.last_search.is_some() && conv::asks_for_more(&norms) {
            say("product.search", 0.95);
            claimed.push("product.search");
        }
        if after_results
            && !basket
            && !pick
            && (t.has(conv::PICK_CHEAPEST)
                || t.has(conv::PICK_DEAREST)
                || t.has(conv::CHEAPER)
                || t.has(conv::DEARER)
                || t.has(conv::IN_STOCK) && n <= 7
                || t.has(conv::AMONG_THOSE) && (has_price || t.has(conv::IN_STOCK))
                || n <= 4 && norms.iter().any(|w| museo_sdk::parse::colour(w).is_some()))
        {
            say("product.search", 0.93);
            if t.has(conv::PICK_CHEAPEST)
                || t.has(conv::PICK_DEAREST)
                || t.has(conv::CHEAPER)
                || t.has(conv::DEARER)
            {
                claimed.push("product.search");
            }
        }
        let refinement = ctx.last_search.is_some()
            && (t.has(&[
                "and in",
                "y en",
                "et en",
                "cheaper",
                "mas barato",
                "moins cher",
                "anything",
                "algo",
            ]) || has_price && n <= 6);
        if refinement {
            say("product.search", 0.9);
        }
        let product_words = norms.iter().any(|w| {
            museo_sdk::parse::category(w).is_some() || museo_sdk::parse::colour(w).is_some()
        });
        let admin_price = has(CREATE) || has(UPDATE) && t.has(&["price", "precio", "prix"]);
        if has(SEARCH) || prices.cheap || has_price && !admin_price {
            say(
                "product.search",
                if product_words || prices.cheap || has_price {
                    0.85
                } else {
                    0.6
                },
            );
        } else if product_words && !basket && !question {
            say("product.search", 0.8);
        } else if matches!(
            norms.last(),
            Some(&("stuff" | "things" | "items" | "cosas" | "trucs" | "choses" | "articulos"))
        ) && !basket
            && !add_verb
            && !remove_verb
            && !t.has(&["my", "mi", "mis", "mes", "mon", "ma"])
            && n <= 6
        {
            // "eye of horus stuff", "cosas de Delft".
            say("product.search", 0.9);
        } else if has(SHOP_NOUNS) && !basket && !(question && has(QUESTION)) {
            // A bare noun phrase ("puzzles pour enfants", "coussins verts").
            say("product.search", 0.75);
        } else if !basket && n <= 4 && !question {
            // Words we do not know: gibberish or something off-topic.
            say("unknown", 0.55);
        }

        // Conversation.
        if has(GREETING) && n <= 5 && !t.has(&["help", "aide", "ayuda"]) {
            say("greeting", if n <= 3 { 0.95 } else { 0.85 });
        }
        if has(GOODBYE) && n <= 7 {
            let polite_no = ctx.offer == Some(Offer::AnythingElse)
                || has(NO)
                || t.has(&[
                    "that s all",
                    "thats all",
                    "c est tout",
                    "eso es todo",
                    "nada mas",
                    "bye",
                    "adios",
                    "au revoir",
                    "see you",
                    "hasta luego",
                    "bonne journee",
                ]);
            let score = if polite_no || n <= 2 { 0.95 } else { 0.8 };
            // "Parfait c'est tout, je paye": done choosing, and paying.
            say("goodbye", if has(PAY) { score - 0.2 } else { score });
        }
        // "Gracias, después pago", "ok I'll pay later, bye": leaving, and
        // paying another time.
        if t.has(&[
            "pay later",
            "pay another time",
            "despues pago",
            "luego pago",
            "al rato pago",
            "pago despues",
            "pago luego",
            "pago mas tarde",
            "pagare despues",
            "pagare luego",
            "pagare mas tarde",
            "payerai plus tard",
            "paierai plus tard",
            "payer plus tard",
            "paye plus tard",
            "paie plus tard",
        ]) && !t.has(&["can i", "puedo", "je peux", "se puede", "on peut", "?"])
        {
            say("goodbye", 0.96);
            claimed.push("goodbye");
        }
        let product_care = pronoun && ctx.focus().is_some() && has(QUESTION);
        if has(HELP) && !product_care && !t.has(&["help me find", "ayudame a encontrar"]) {
            say(
                "help",
                if t.has(&["add products", "anaden productos", "ajoute des produits"]) {
                    0.97
                } else {
                    0.92
                },
            );
        }
        if has(OFF_TOPIC)
            || norms
                .iter()
                .any(|w| w.contains('+') && w.chars().all(|c| c.is_ascii_digit() || c == '+'))
        {
            // Off-topic words outweigh shopping verbs ("book two tickets").
            let strong = t.has(&[
                "tickets",
                "entradas",
                "billets",
                "museum",
                "museo",
                "musee",
                "aranceles",
                "douane",
                "customs",
                "homework",
                "tarea",
                "devoirs",
                "hiring",
                "trabajo",
                "emploi",
            ]);
            let strong = strong && !(topic.is_some() && conv::museum_shop(t));
            if strong || !(tracking || topic.is_some()) {
                say("unknown", if strong { 0.97 } else { 0.93 });
            }
        }
        if has(YES) && n <= 2 && ctx.offer.is_none() {
            say("unknown", 0.7);
        }
        // Laughter alone, or with little else, is chatter.
        if has(LAUGHTER) && norms.iter().filter(|w| !text::word_in(w, LAUGHTER)).count() <= 2 {
            say("unknown", 0.93);
        }
        let _ = &mut say;
        for p in &mut out {
            p.exclusive = claimed.contains(&p.intent);
        }
        out
    }
}

/// Attempts to steer the assistant rather than shop: overriding its
/// instructions, claiming a role, posing as the system, or acting on the whole
/// catalog at once. Such messages are `unknown` whatever verbs they use.
fn injection(t: &Text, raw: &str) -> bool {
    let overrides = t.has(&[
        "ignore*",
        "ignora*",
        "oublie*",
        "olvida*",
        "forget",
        "disregard",
    ]) && t.has(&[
        "instructions",
        "instruction",
        "instrucciones",
        "consignes",
        "rules",
        "reglas",
        "regles",
        "prompt",
        "previous",
        "prior",
        "anteriores",
        "precedentes",
        "everything above",
    ]);
    let claims_role = t.has(&[
        "admin",
        "administrator",
        "administrador",
        "administrateur",
        "root",
        "superuser",
    ]) && t.has(&[
        "you are",
        "you re",
        "youre",
        "eres",
        "tu es",
        "t es",
        "i am",
        "i m",
        "soy",
        "je suis",
        "act as",
        "actua como",
        "agis comme",
        "now",
        "ahora",
        "maintenant",
    ]);
    let poses_as_system = {
        let start = raw.trim_start().to_lowercase();
        let bracket = start
            .strip_prefix('[')
            .and_then(|rest| rest.split(']').next())
            .is_some_and(|tag| {
                ["syst", "admin", "dev", "root", "sistema"]
                    .iter()
                    .any(|k| tag.contains(k))
            });
        bracket
            || [
                "system:",
                "sistema:",
                "système:",
                "systeme:",
                "developer:",
                "admin:",
            ]
            .iter()
            .any(|p| start.starts_with(p))
    };
    let unchecked = t.has(&[
        "without checking",
        "without verification",
        "sin verificar",
        "sin verificacion",
        "sans verification",
        "sans verifier",
    ]);
    let disables = unchecked
        || t.has(&[
            "desactiva*",
            "desactive*",
            "disable*",
            "turn off",
            "bypass",
            "salta*",
        ]) && t.has(&[
            "filters",
            "filtros",
            "filtres",
            "safety",
            "seguridad",
            "securite",
            "checks",
            "controles",
        ]);
    let whole_catalog = t.has(&[
        "every product",
        "all products",
        "all the products",
        "everything",
        "todos los productos",
        "todo el catalogo",
        "tout le catalogue",
        "tous les produits",
        "the whole catalog",
        "the whole catalogue",
        "entire catalog",
        "entire catalogue",
    ]) && t.has(&[
        "delete",
        "remove",
        "elimina*",
        "borra*",
        "supprime*",
        "efface*",
        "wipe",
        "vacia*",
    ]);
    overrides || claims_role || poses_as_system || disables || whole_catalog
}

/// Fills the entities each intent's consumers need.
fn finish_entities(
    intent: &str,
    mut e: Map<String, Value>,
    t: &Text,
    ctx: &Context,
    request: &AnalyzeRequest,
    lang: Lang,
) -> Map<String, Value> {
    let norms = t.norms();
    let raw = request.message.as_str();
    let prices = ent::prices(&norms);
    let ordinal = ORDINALS
        .iter()
        .find(|(w, _)| norms.contains(w))
        .and_then(|(_, i)| ctx.ordinal(*i));
    let referenced = ordinal.or_else(|| {
        (t.has(PRONOUNS)
            || t.has(&[
                "one more",
                "otra mas",
                "encore un",
                "take one off",
                "its",
                "son",
                "su",
            ])
            || t.len() <= 3)
            .then(|| ctx.focus())
            .flatten()
    });
    let keep =
        |e: &mut Map<String, Value>, keys: &[&str]| e.retain(|k, _| keys.contains(&k.as_str()));
    // A position in the list shown: 1-based, -1 for "the last one".
    let position = ORDINALS
        .iter()
        .find(|(w, _)| norms.contains(w))
        .map(|(_, i)| if *i < 0 { -1 } else { i64::from(*i) + 1 });
    let delta = conv::quantity_delta(&norms);
    match intent {
        "product.search" => {
            // What follows the last search cue ("do you sell umbrellas"), or
            // the noun phrase after an article; else whatever is left.
            let mut query = ent::after_last(t, SEARCH, &prices.used)
                .or_else(|| ent::noun_phrase(t))
                .or_else(|| ent::residue(t, SEARCH, &prices.used));
            ent::colour_and_category(&norms, &mut e);
            if let Some(c) = e.get("color").and_then(Value::as_str).map(str::to_owned) {
                // The colour is its own entity; keep it out of the query text.
                query = query.map(|q| {
                    q.split(' ')
                        .filter(|w| {
                            museo_sdk::parse::colour(&museo_sdk::parse::fold(w)) != Some(c.as_str())
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                });
            }
            // What the message does to the last results: narrow, reorder,
            // pick one, or page on.
            let after_results = ctx.last_search.is_some() && !ctx.shown.is_empty();
            let plural_noun = norms.iter().any(|w| {
                w.len() > 3 && w.ends_with('s') && museo_sdk::parse::category(w).is_some()
            });
            let pick = if t.has(conv::PICK_DEAREST) && !plural_noun {
                Some("dearest")
            } else if t.has(conv::PICK_CHEAPEST) && !plural_noun {
                Some("cheapest")
            } else {
                None
            };
            let sort = if pick == Some("dearest") || t.has(conv::DEARER) {
                Some("price_desc")
            } else if pick == Some("cheapest") || t.has(conv::CHEAPER) {
                Some("price_asc")
            } else {
                None
            };
            let in_stock = t.has(conv::IN_STOCK);
            let more = after_results && conv::asks_for_more(&norms);
            let previous_category = ctx
                .last_search
                .as_ref()
                .and_then(|p| p.get("category"))
                .and_then(Value::as_str);
            let new_subject = e
                .get("category")
                .and_then(Value::as_str)
                .is_some_and(|c| previous_category != Some(c));
            let refine = after_results
                && !more
                && !new_subject
                && (prices.max.is_some()
                    || prices.min.is_some()
                    || prices.cheap
                    || e.contains_key("color")
                    || sort.is_some()
                    || pick.is_some()
                    || in_stock
                    || t.has(conv::AMONG_THOSE));
            for (key, value) in [
                ("sort", sort.map(Value::from)),
                ("pick", pick.map(Value::from)),
                ("in_stock", in_stock.then_some(Value::Bool(true))),
                ("more", more.then_some(Value::Bool(true))),
                ("refine", refine.then_some(Value::Bool(true))),
            ] {
                if let Some(v) = value {
                    e.insert(key.into(), v);
                }
            }
            if !refine
                && !more
                && let Some(theme) = conv::loved_theme(t)
            {
                // "a present for my mum, she loves Van Gogh" → van gogh.
                query = Some(theme);
            }
            if let Some(previous) = &ctx.last_search
                && (t.len() <= 6 && !new_subject || refine || more)
                && (prices.max.is_some()
                    || prices.min.is_some()
                    || e.contains_key("color")
                    || prices.cheap
                    || refine
                    || more)
            {
                for key in ["query", "category"] {
                    if let Some(v) = previous.get(key) {
                        e.entry(key.to_owned()).or_insert_with(|| v.clone());
                    }
                }
                query = None;
            }
            // "A picture book about van gogh for a 5 yr old", "un puzzle
            // pour un enfant de 4 ans": the age says who it is for (the kids'
            // shelf), and is no word to find.
            if let Some(q) = &query
                && let Some(cut) = conv::age_phrase(q)
            {
                query = Some(q[..cut].trim_end().to_owned());
                e.insert("category".into(), "kids".into());
            }
            // "muéstrame pendientes", "the great wave stuff": neither the
            // request's verb nor a word for "things" is searched for.
            let query = query.map(|q| {
                let words: Vec<&str> = q.split(' ').collect();
                let norm = |w: &str| museo_sdk::parse::fold(w).trim().to_owned();
                // ("Ah ok. and a starry night pen", "the stoneware mug
                // instead": chatter at the edges is no word to find either.)
                let chatter = |w: &str| {
                    follow::NAME_EDGE.contains(&w) || YES.contains(&w) || OPENERS.contains(&w)
                };
                let start = words
                    .iter()
                    .position(|w| {
                        let w = norm(w);
                        !matches!(
                            w.as_str(),
                            "muestrame"
                                | "ensename"
                                | "montre"
                                | "moi"
                                | "show"
                                | "me"
                                | "and"
                                | "y"
                                | "et"
                                | "a"
                        ) && !chatter(&w)
                    })
                    .unwrap_or(words.len());
                let end = words
                    .iter()
                    .rposition(|w| {
                        let w = norm(w);
                        !matches!(
                            w.as_str(),
                            "stuff" | "things" | "items" | "cosas" | "trucs" | "choses"
                        ) && !chatter(&w)
                    })
                    .map_or(start, |e| e + 1);
                words[start..end.max(start)]
                    .iter()
                    // "In stock" is the in_stock filter, not a word to find.
                    .filter(|w| {
                        !in_stock
                            || !matches!(
                                norm(w).as_str(),
                                "stock" | "existencias" | "disponible" | "disponibles"
                            )
                    })
                    .copied()
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            if let Some(q) = query.filter(|q| !q.is_empty()) {
                e.insert("query".into(), q.into());
            }
            insert_prices(&mut e, &prices, false);
            keep(
                &mut e,
                &[
                    "query",
                    "color",
                    "category",
                    "price_min",
                    "price_max",
                    "currency",
                    "sku",
                    "refine",
                    "sort",
                    "pick",
                    "in_stock",
                    "more",
                ],
            );
        }
        "product.details" | "product.question" => {
            set_ref(
                &mut e,
                t,
                referenced,
                ctx.focus(),
                if intent == "product.details" {
                    DETAILS
                } else {
                    QUESTION
                },
            );
            references(
                &mut e,
                t,
                ctx,
                intent,
                position,
                &[DETAILS, QUESTION].concat(),
                false,
            );
            // "c'est de l'argent ?": the property asked about is no name.
            let property = e
                .get("name")
                .and_then(Value::as_str)
                .map(museo_sdk::parse::fold)
                .is_some_and(|n| follow::PROPERTY.contains(&n.trim()));
            if property && intent == "product.question" {
                e.remove("name");
                e.remove("product_ref");
                if let Some(f) = ctx.focus() {
                    e.insert("anaphora".into(), true.into());
                    e.insert("product_ref".into(), f.into());
                }
            }
            keep(
                &mut e,
                &["product_ref", "sku", "ordinal", "anaphora", "name"],
            );
        }
        "basket.update" => {
            match delta {
                Some(d) => {
                    e.insert("quantity_delta".into(), d.into());
                }
                None => {
                    if let Some(q) =
                        pair_count(t).or_else(|| conv::target_quantity(&norms, &prices.used))
                    {
                        e.insert("quantity".into(), q.into());
                    }
                }
            }
            let cues: Vec<&str> = [
                conv::SET_QUANTITY,
                conv::SET_QUANTITY_SHORT,
                conv::NOT_NAME,
                ADD,
                REMOVE,
                BASKET,
            ]
            .concat();
            set_ref(&mut e, t, referenced, ctx.focus(), &cues);
            references(&mut e, t, ctx, intent, position, &cues, false);
            // A new intent with no earlier labels: its reference is the name.
            if let Some(name) = e.get("name").cloned() {
                e.insert("product_ref".into(), name);
            }
            keep(
                &mut e,
                &[
                    "product_ref",
                    "sku",
                    "quantity",
                    "quantity_delta",
                    "ordinal",
                    "anaphora",
                    "name",
                ],
            );
        }
        "store.info" => {
            if let Some(topic) = conv::store_topic(t)
                .or_else(|| t.has(follow::PAYMENT_METHOD_NAMES).then_some("payment"))
            {
                e.insert("topic".into(), topic.into());
            }
            if let Some(query) = conv::content_words(t) {
                e.insert("query".into(), query.into());
            }
            keep(&mut e, &["topic", "query"]);
        }
        "order.status" => {
            if let Some(id) = conv::order_id(t) {
                e.insert("order_id".into(), id.into());
            }
            keep(&mut e, &["order_id"]);
        }
        "basket.add" | "basket.remove" => {
            let mut used: Vec<usize> = prices.used.clone();
            // In Spanish and French "a" is "to" ("postal de Paseo a orillas
            // del mar, ponme 5"), never one unit.
            if lang != Lang::En {
                used.extend(
                    norms
                        .iter()
                        .enumerate()
                        .filter(|(_, w)| **w == "a")
                        .map(|(i, _)| i),
                );
            }
            let quantity = pair_count(t).or_else(|| {
                // "quita una", "enlève-en un": for a removal an article is
                // a count too (one unit), as it is for an add.
                ent::first_quantity(&norms, &used, !t.has(&["one more", "otra mas"]))
                    .map(|(n, _)| n)
            });
            match (intent, quantity) {
                ("basket.add", q) => {
                    e.insert("quantity".into(), q.unwrap_or(1).into());
                }
                (_, Some(q)) => {
                    e.insert("quantity".into(), q.into());
                }
                _ => {}
            }
            let cues: Vec<&str> = [ADD, REMOVE, BASKET].concat();
            let whole_basket = t.has(&[
                "empty",
                "vide",
                "vider",
                "vacia*",
                "efface tout",
                "supprimer mon panier",
                "borrar mi cesta",
                "my basket",
                "my cart",
            ]) && intent == "basket.remove"
                && !t.has(&["from my"]);
            if !whole_basket {
                set_ref(&mut e, t, referenced, ctx.focus(), &cues);
            }
            if let Some(d) = delta {
                e.insert("quantity_delta".into(), d.into());
            }
            let cues: Vec<&str> = [cues.as_slice(), WANT, conv::NOT_NAME].concat();
            references(&mut e, t, ctx, intent, position, &cues, whole_basket);
            keep(
                &mut e,
                &[
                    "product_ref",
                    "sku",
                    "quantity",
                    "quantity_delta",
                    "ordinal",
                    "anaphora",
                    "name",
                ],
            );
        }
        "admin.product.create" => {
            if let Some(title) = ent::title(raw) {
                e.insert("title".into(), title.into());
            }
            insert_prices(&mut e, &prices, true);
            if let Some(stock) = ent::stock(t) {
                e.insert("stock".into(), stock.into());
            }
            if let Some(c) = ent::named_category(t) {
                e.insert("category".into(), c.into());
            }
            keep(
                &mut e,
                &["title", "price", "currency", "stock", "sku", "category"],
            );
        }
        "admin.product.update" => {
            set_ref(&mut e, t, referenced, ctx.focus(), UPDATE);
            insert_prices(&mut e, &prices, true);
            if let Some(stock) = ent::stock(t) {
                e.insert("stock".into(), stock.into());
            }
            if t.has(&[
                "rename",
                "renomme",
                "renombra",
                "titulo",
                "titre",
                "title",
                "el nombre",
                "le nom",
                "the name",
            ]) && let Some(title) = ent::title(raw)
            {
                e.insert("title".into(), title.into());
            }
            if e.contains_key("price")
                && !e.contains_key("product_ref")
                && let Some(f) = ctx.focus()
            {
                e.insert("product_ref".into(), f.into());
            }
            keep(
                &mut e,
                &["product_ref", "sku", "price", "currency", "stock", "title"],
            );
        }
        "admin.product.delete" => {
            set_ref(&mut e, t, referenced, ctx.focus(), DELETE);
            keep(&mut e, &["product_ref", "sku"]);
        }
        "admin.product.import" => keep(&mut e, &["file"]),
        "notify.send" => keep(&mut e, &["email", "phone"]),
        _ => e.clear(),
    }
    e
}

/// Laughter and praise a message may open with ("ah ok jaja, agrégame…",
/// "perfecto, regáleme otro").
const OPENERS: &[&str] = &[
    "jaja", "jajaja", "jeje", "haha", "hahaha", "lol", "mdr", "xd", "perfecto", "parfait",
    "genial", "great", "super", "lovely", "fine", "va", "dale", "listo", "sale", "okey",
];

/// The message opens with one of `words` (single words; `*` for a prefix)
/// once interjections and chatter are passed: an order given as an order
/// ("agrega el libro de Sorolla", "ok add the tote").
fn opens_with(t: &Text, words: &[&str]) -> bool {
    let Some(first) = t
        .words
        .iter()
        .map(|w| w.norm.as_str())
        .find(|w| !follow::NAME_EDGE.contains(w) && !YES.contains(w) && !OPENERS.contains(w))
    else {
        return false;
    };
    text::word_in(first, words)
}

/// How the message points at one product: by position (`ordinal`), by name
/// (`name`), or back at one already discussed (`anaphora`). A SKU in the
/// message says it all already.
fn references(
    e: &mut Map<String, Value>,
    t: &Text,
    ctx: &Context,
    intent: &str,
    position: Option<i64>,
    cues: &[&str],
    whole_basket: bool,
) {
    if whole_basket || e.contains_key("sku") {
        return;
    }
    if let Some(p) = position {
        e.insert("ordinal".into(), p.into());
        return;
    }
    // Single words of the pointing and chatter lists are only trimmed at a
    // name's ends ("the Great Wave one" keeps "Great"; "Las Meninas" keeps
    // "Las"), so only their phrases are looked for inside.
    let phrases = [PRONOUNS, YES, conv::NOT_NAME]
        .into_iter()
        .flat_map(|l| l.iter().copied())
        .filter(|c| c.contains(' '));
    let cues: Vec<&str> = cues
        .iter()
        .copied()
        .chain(CATALOG_NOUN.iter().copied())
        .filter(|c| c.contains(' ') || !conv::TRIM_ONLY.contains(c))
        .chain(phrases)
        .collect();
    match conv::product_name(t, intent == "product.question", &cues) {
        Some(name) => {
            e.insert("name".into(), name.into());
        }
        None if t.has(PRONOUNS) || t.has(conv::DEICTIC) || ctx.focus().is_some() => {
            e.insert("anaphora".into(), true.into());
            // Pointing back: the product in focus, as rule 2 resolves it.
            if let Some(f) = ctx.focus() {
                e.insert("product_ref".into(), f.into());
            }
        }
        None => {}
    }
}

fn insert_prices(e: &mut Map<String, Value>, prices: &museo_sdk::parse::PriceBounds, exact: bool) {
    if exact {
        let price = prices.exact.or(prices.max);
        if let Some(p) = price {
            e.insert("price".into(), ent::number(p));
        }
    } else {
        if let Some(min) = prices.min {
            e.insert("price_min".into(), ent::number(min));
        }
        if let Some(max) = prices.max {
            e.insert("price_max".into(), ent::number(max));
        }
    }
    if let Some(c) = prices.currency {
        e.insert("currency".into(), c.into());
    }
}

fn set_ref(
    e: &mut Map<String, Value>,
    t: &Text,
    referenced: Option<&str>,
    focus: Option<&str>,
    cues: &[&str],
) {
    if let Some(sku) = e.get("sku").cloned() {
        e.insert("product_ref".into(), sku);
        return;
    }
    // An ordinal ("the second one") or a pronoun with little else ("is it
    // microwave safe?") points at a product shown before.
    let ordinal = ORDINALS.iter().any(|(w, _)| t.norms().contains(w));
    let own = ent::residue(
        t,
        &[cues, DETAILS, QUESTION, BASKET, PRONOUNS, CATALOG_NOUN, YES].concat(),
        &[],
    )
    .filter(|r| r.chars().count() >= 3 && !is_only_numbers(r));
    let pronoun_only = t.has(PRONOUNS) && own.as_ref().is_none_or(|o| o.split(' ').count() <= 1);
    // Prefer the noun phrase after an article ("the Great Wave travel mug")
    // over the whole residue, which drags in the rest of the sentence.
    let own = ent::noun_phrase(t)
        .filter(|np| !is_only_numbers(np) && !ORDINALS.iter().any(|(o, _)| np.contains(o)))
        .or(own);
    match (own, referenced) {
        (_, Some(r)) if ordinal || pronoun_only => {
            e.insert("product_ref".into(), r.into());
        }
        (Some(own), _) => {
            e.insert("product_ref".into(), own.into());
        }
        (None, Some(r)) => {
            e.insert("product_ref".into(), r.into());
        }
        // Nothing named at all ("¿de qué material es?"): the product in focus.
        (None, None) => {
            if let Some(f) = focus {
                e.insert("product_ref".into(), f.into());
            }
        }
    }
}

fn is_only_numbers(text: &str) -> bool {
    text.split(' ').all(|w| {
        museo_sdk::parse::number_word(museo_sdk::parse::fold(w).trim()).is_some()
            || w.parse::<u32>().is_ok()
    })
}

/// "Un par de tazas", "ponme un par", "a couple": two units; "a pair of
/// earrings" is one product.
fn pair_count(t: &Text) -> Option<u32> {
    let paired = t.has(&[
        "earrings",
        "cufflinks",
        "socks",
        "gloves",
        "pendientes",
        "aretes",
        "gemelos",
        "calcetines",
        "guantes",
        "boucles",
        "chaussettes",
        "gants",
        "manchette",
    ]);
    (t.has(&["couple"]) || t.has(&["pair", "un par", "une paire"]) && !paired).then_some(2)
}
