//! Colours and categories named in English, Spanish or French.

/// The English colour name of a folded colour word ("azules" → "blue",
/// "dorées" → "gold"), or `None`.
pub fn colour(word: &str) -> Option<&'static str> {
    // Spanish and French inflect colours for gender and number: try the stem too.
    let stems = [
        word,
        word.trim_end_matches('s'),
        word.trim_end_matches("es"),
        word.trim_end_matches('e'),
    ];
    stems.iter().find_map(|w| {
        Some(match *w {
            "blue" | "azul" | "azule" | "bleu" | "bleue" => "blue",
            "red" | "rojo" | "roja" | "rouge" => "red",
            "green" | "verde" | "vert" | "verte" => "green",
            "yellow" | "amarillo" | "amarilla" | "jaune" => "yellow",
            "black" | "negro" | "negra" | "noir" | "noire" => "black",
            "white" | "blanco" | "blanca" | "blanc" | "blanche" => "white",
            "gold" | "golden" | "dorado" | "dorada" | "oro" | "dore" | "doree" | "or" => "gold",
            "silver" | "plateado" | "plateada" | "plata" | "argent" | "argente" | "argentee" => {
                "silver"
            }
            "pink" | "rosa" | "rose" => "pink",
            "purple" | "morado" | "morada" | "violeta" | "violet" | "violette" => "purple",
            "orange" | "naranja" => "orange",
            "brown" | "marron" => "brown",
            "grey" | "gray" | "gris" | "grise" => "grey",
            "multicolour" | "multicolor" | "multicolore" | "colorful" | "colourful" => {
                "multicolour"
            }
            _ => return None,
        })
    })
}

/// The category slug a folded word names ("tazas" → `mugs`, "foulards" →
/// `scarves`), or `None`. Only words that name a whole category count.
pub fn category(word: &str) -> Option<&'static str> {
    Some(match word {
        "mug" | "mugs" | "cup" | "cups" | "taza" | "tazas" | "tasse" | "tasses" => "mugs",
        "print" | "prints" | "poster" | "posters" | "lamina" | "laminas" | "affiche"
        | "affiches" | "reproduction" | "reproductions" => "prints",
        "postcard" | "postcards" | "postal" | "postales" => "postcards",
        "tote" | "totes" | "bolsa" | "bolsas" => "tote-bags",
        "book" | "books" | "libro" | "libros" | "livre" | "livres" => "books",
        "jewellery" | "jewelry" | "joyeria" | "joyas" | "bijou" | "bijoux" => "jewellery",
        "stationery" | "papeleria" | "papeterie" => "stationery",
        "scarf" | "scarves" | "panuelo" | "panuelos" | "bufanda" | "bufandas" | "foulard"
        | "foulards" => "scarves",
        "decor" | "deco" | "decoracion" | "decoration" => "home-decor",
        "kids" | "children" | "ninos" | "nino" | "infantil" | "enfants" | "enfant" => "kids",
        "apparel" | "clothing" | "clothes" | "ropa" | "vetements" => "apparel",
        "replica" | "replicas" | "replique" | "repliques" => "replicas",
        "umbrella" | "umbrellas" | "paraguas" | "parapluie" | "parapluies" => "umbrellas",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_in_three_languages() {
        assert_eq!(colour("azules"), Some("blue"));
        assert_eq!(colour("dorees"), Some("gold"));
        assert_eq!(colour("rouges"), Some("red"));
        assert_eq!(colour("vertes"), Some("green"));
        assert_eq!(colour("mug"), None);
    }

    #[test]
    fn categories_in_three_languages() {
        assert_eq!(category("tazas"), Some("mugs"));
        assert_eq!(category("foulards"), Some("scarves"));
        assert_eq!(category("earrings"), None);
    }
}
