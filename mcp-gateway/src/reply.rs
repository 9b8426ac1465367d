//! What the gateway says itself, in English, Spanish and French, built from
//! the tools' structured results and formatted per channel (`web`: markdown;
//! `whatsapp`: plain text with *bold*; `cli`: plain).

use museo_sdk::types::Lang;
use serde_json::Value;

/// How a channel shows text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Markdown.
    Web,
    /// Plain text with `*bold*`.
    WhatsApp,
    /// Plain text.
    Plain,
}

impl Channel {
    /// From the `hello.channel` value.
    pub fn from_name(name: Option<&str>) -> Self {
        match name {
            Some("whatsapp") => Channel::WhatsApp,
            Some("cli") => Channel::Plain,
            _ => Channel::Web,
        }
    }

    fn bold(self, text: &str) -> String {
        match self {
            Channel::Web => format!("**{text}**"),
            Channel::WhatsApp => format!("*{text}*"),
            Channel::Plain => text.to_owned(),
        }
    }
}

/// A fixed phrase.
#[derive(Debug, Clone, Copy)]
pub enum Phrase {
    /// Greeting.
    Greeting,
    /// What the assistant can do.
    Help,
    /// Goodbye.
    Goodbye,
    /// Not understood.
    Unknown,
    /// Which product?
    WhichProduct,
    /// The basket is empty / no basket yet.
    NoBasket,
    /// Admin only.
    AdminOnly,
    /// Nothing found.
    NothingFound,
    /// A service is down.
    Unavailable,
    /// Unsure what was meant.
    Clarify,
}

/// The phrase in `lang`.
pub fn phrase(p: Phrase, lang: Lang) -> &'static str {
    use Lang::{En, Es, Fr};
    match (p, lang) {
        (Phrase::Greeting, En) => {
            "Hello! I can find products, answer questions about them, fill your basket and give you a payment link. What are you looking for?"
        }
        (Phrase::Greeting, Es) => {
            "¡Hola! Puedo buscar productos, responder preguntas sobre ellos, llenar tu cesta y darte un enlace de pago. ¿Qué buscas?"
        }
        (Phrase::Greeting, Fr) => {
            "Bonjour ! Je peux chercher des produits, répondre à vos questions, remplir votre panier et vous donner un lien de paiement. Que cherchez-vous ?"
        }
        (Phrase::Help, En) => {
            "Try: \"Monet mugs under 20 euros\", \"is the second one dishwasher safe?\", \"add two of those\", \"show my basket\", \"I want to pay\"."
        }
        (Phrase::Help, Es) => {
            "Prueba: \"tazas de Monet de menos de 20 euros\", \"¿la segunda va al lavavajillas?\", \"añade dos de esas\", \"ver mi cesta\", \"quiero pagar\"."
        }
        (Phrase::Help, Fr) => {
            "Essayez : « mugs Monet à moins de 20 euros », « le deuxième passe au lave-vaisselle ? », « ajoute-en deux », « mon panier », « je veux payer »."
        }
        (Phrase::Goodbye, En) => "Thank you for visiting the Museo shop. See you soon!",
        (Phrase::Goodbye, Es) => "Gracias por visitar la tienda del Museo. ¡Hasta pronto!",
        (Phrase::Goodbye, Fr) => "Merci de votre visite à la boutique du Museo. À bientôt !",
        (Phrase::Unknown, En) => {
            "Sorry, I did not understand. I can search the shop, answer product questions and handle your basket."
        }
        (Phrase::Unknown, Es) => {
            "Perdona, no te he entendido. Puedo buscar en la tienda, responder preguntas sobre productos y gestionar tu cesta."
        }
        (Phrase::Unknown, Fr) => {
            "Désolé, je n'ai pas compris. Je peux chercher dans la boutique, répondre à vos questions et gérer votre panier."
        }
        (Phrase::WhichProduct, En) => {
            "Which product do you mean? Search first, or give me its name or SKU."
        }
        (Phrase::WhichProduct, Es) => {
            "¿Qué producto? Busca primero, o dime su nombre o referencia."
        }
        (Phrase::WhichProduct, Fr) => {
            "Quel produit ? Faites d'abord une recherche, ou donnez-moi son nom ou sa référence."
        }
        (Phrase::NoBasket, En) => "Your basket is empty.",
        (Phrase::NoBasket, Es) => "Tu cesta está vacía.",
        (Phrase::NoBasket, Fr) => "Votre panier est vide.",
        (Phrase::AdminOnly, En) => "Only shop administrators can do that.",
        (Phrase::AdminOnly, Es) => "Solo los administradores de la tienda pueden hacer eso.",
        (Phrase::AdminOnly, Fr) => "Seuls les administrateurs de la boutique peuvent faire cela.",
        (Phrase::NothingFound, En) => "I found nothing matching that.",
        (Phrase::NothingFound, Es) => "No he encontrado nada que coincida.",
        (Phrase::NothingFound, Fr) => "Je n'ai rien trouvé de correspondant.",
        (Phrase::Unavailable, En) => {
            "That service is unavailable right now; please try again in a moment."
        }
        (Phrase::Unavailable, Es) => {
            "Ese servicio no está disponible ahora mismo; inténtalo de nuevo en un momento."
        }
        (Phrase::Unavailable, Fr) => {
            "Ce service est indisponible pour le moment ; réessayez dans un instant."
        }
        (Phrase::Clarify, En) => {
            "I'm not sure what you mean. Are you looking for a product, asking about one, or managing your basket?"
        }
        (Phrase::Clarify, Es) => {
            "No estoy seguro de lo que quieres. ¿Buscas un producto, preguntas por uno o quieres gestionar tu cesta?"
        }
        (Phrase::Clarify, Fr) => {
            "Je ne suis pas sûr de comprendre. Cherchez-vous un produit, avez-vous une question, ou s'agit-il de votre panier ?"
        }
    }
}

/// A list of search results.
pub fn products(result: &Value, lang: Lang, channel: Channel) -> String {
    let Some(products) = result["products"].as_array().filter(|p| !p.is_empty()) else {
        return phrase(Phrase::NothingFound, lang).to_owned();
    };
    let head = match lang {
        Lang::En => format!("I found {}:", products.len()),
        Lang::Es => format!("He encontrado {}:", products.len()),
        Lang::Fr => format!("J'ai trouvé {} produits :", products.len()),
    };
    let mut lines = vec![head];
    for (i, p) in products.iter().take(5).enumerate() {
        let stock = if p["in_stock"] == true {
            ""
        } else {
            match lang {
                Lang::En => " (out of stock)",
                Lang::Es => " (agotado)",
                Lang::Fr => " (épuisé)",
            }
        };
        lines.push(format!(
            "{}. {} — {}{stock}",
            i + 1,
            channel.bold(p["title"].as_str().unwrap_or_default()),
            p["price"]["display"].as_str().unwrap_or_default()
        ));
    }
    lines.join("\n")
}

/// A basket.
pub fn basket(result: &Value, lang: Lang, channel: Channel, added: Option<(&str, i64)>) -> String {
    let mut lines = Vec::new();
    if let Some((title, quantity)) = added {
        lines.push(match lang {
            Lang::En => format!("Added {quantity} × {title} to your basket."),
            Lang::Es => format!("He añadido {quantity} × {title} a tu cesta."),
            Lang::Fr => format!("J'ai ajouté {quantity} × {title} à votre panier."),
        });
    }
    let items = result["items"].as_array().cloned().unwrap_or_default();
    if items.is_empty() {
        lines.push(phrase(Phrase::NoBasket, lang).to_owned());
        return lines.join("\n");
    }
    for item in &items {
        lines.push(format!(
            "- {} × {} — {}",
            item["quantity"],
            item["title"].as_str().unwrap_or_default(),
            item["line_total"]["display"].as_str().unwrap_or_default()
        ));
    }
    let total = result["total"]["display"].as_str().unwrap_or_default();
    lines.push(match lang {
        Lang::En => format!("Total: {}", channel.bold(total)),
        Lang::Es => format!("Total: {}", channel.bold(total)),
        Lang::Fr => format!("Total : {}", channel.bold(total)),
    });
    lines.join("\n")
}

/// A payment link.
pub fn payment(result: &Value, lang: Lang, channel: Channel) -> String {
    let url = result["url"].as_str().unwrap_or_default();
    let total = channel.bold(result["total"]["display"].as_str().unwrap_or_default());
    let expires = result["expires_at"].as_str().unwrap_or_default();
    match lang {
        Lang::En => format!("Pay {total} here: {url} (valid until {expires} UTC)"),
        Lang::Es => format!("Paga {total} aquí: {url} (válido hasta {expires} UTC)"),
        Lang::Fr => format!("Payez {total} ici : {url} (valable jusqu'au {expires} UTC)"),
    }
}

/// A product's details.
pub fn details(result: &Value, lang: Lang, channel: Channel) -> String {
    let title = channel.bold(result["title"].as_str().unwrap_or_default());
    let price = result["price"]["display"].as_str().unwrap_or_default();
    let stock = result["stock"].as_i64().unwrap_or(0);
    let stock = match (stock > 0, lang) {
        (true, Lang::En) => format!("{stock} in stock"),
        (true, Lang::Es) => format!("{stock} disponibles"),
        (true, Lang::Fr) => format!("{stock} en stock"),
        (false, Lang::En) => "out of stock".into(),
        (false, Lang::Es) => "agotado".into(),
        (false, Lang::Fr) => "épuisé".into(),
    };
    let description = result["description"].as_str().unwrap_or_default();
    format!("{title} — {price} ({stock})\n{description}")
}
