//! Which product field a column header (or a JSON key) means.
//!
//! Headers are compared after [`header_words`]: lowercase, accents folded,
//! and every run of spaces, underscores, hyphens, brackets or other
//! punctuation made one separator, then the separators removed — so
//! `Product Name`, `product_name`, `PRODUCT-NAME` and `productname` are the
//! same header. The words recognised, in English, Spanish and French:
//!
//! | field | headers |
//! |---|---|
//! | sku | sku, ref, reference/référence, referencia, code, código, product code, item code, article |
//! | title | title, name, product name/title, nombre, título, titre, nom, nom du produit, désignation, libellé |
//! | description | description, descripción, desc, body, body (html), long description, détails, detalles |
//! | short description | short description, descripción corta, description courte (used when there is no description) |
//! | price | price, precio, prix, regular price, pvp, tarif, unit price, retail price, precio normal, prix TTC |
//! | sale price | sale price, precio rebajado, precio oferta, prix promo, prix soldé (used when lower than the price) |
//! | currency | currency, moneda, divisa, devise |
//! | stock | stock, quantity, qty, inventory, existencias, cantidad, unidades, quantité, inventaire, stock quantity |
//! | category | category, categoría, catégorie, categories, type, product type, tipo, famille, familia |
//! | tags | tags, tag, etiquetas, étiquettes, mots-clés, keywords, palabras clave |
//! | images | image, image src, image url, images, imagen, imágenes, photo, foto, picture; also numbered (`image 2`) |
//! | published | published, publicado, publié, status, estado, statut, visible, active, activo, actif, enabled |
//! | handle | handle, slug, url handle, url key |
//!
//! **Languages.** A title, description or short description column followed
//! by a language — `title_es`, `Título (ES)`, `titre fr`, `description
//! english`, `nombre español` — fills that language. A column without one
//! fills the file's language: the one its header words are written in
//! (`Nombre`, `Precio`, `Existencias` → Spanish; `Titre`, `Prix`, `Quantité` →
//! French; otherwise English), unless `ImportOptions::language` says otherwise.
//!
//! **Attributes.** A column named `attribute:<key>`, `attribute.<key>`,
//! `attr:<key>`, `attr.<key>` (also `atributo:`, `attribut:`) becomes the
//! attribute `<key>` (lowercase, words joined by `_`). So do the common
//! product facts under their usual names, stored under one English key:
//! material (materia/material/matériau/matière), colour (color/couleur),
//! dimensions (dimensiones/medidas), size (talla/taille/tamaño), artist
//! (artista/artiste/author/autor/auteur), weight (peso/poids), capacity
//! (capacidad/capacité/volume), technique (técnica), brand (marca/marque),
//! vendor, year (año/année), origin (origen/origine/country/país/pays),
//! edition (edición/édition), style (estilo), format (formato), finish
//! (acabado/finition).
//!
//! Any other column is ignored and named once in the importer's warnings.

use std::collections::HashMap;

use museo_sdk::types::Lang;

use crate::import::text::header_words;
use crate::import::values::limits;

/// A product field a column can fill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Field {
    Sku,
    Handle,
    Title(Lang),
    Description(Lang),
    ShortDescription(Lang),
    Price,
    SalePrice,
    Currency,
    Stock,
    Category,
    Tags,
    Images,
    Published,
    /// One attribute, by key.
    Attribute(String),
    /// A map of attributes (JSON only).
    Attributes,
    /// A list of variants (JSON only).
    Variants,
}

impl Field {
    /// The field's name in row errors (`price`, `title.es`, `attributes.colour`).
    pub(crate) fn name(&self) -> String {
        match self {
            Field::Sku => "sku".into(),
            Field::Handle => "handle".into(),
            Field::Title(lang) => format!("title.{}", lang.code()),
            Field::Description(lang) | Field::ShortDescription(lang) => {
                format!("description.{}", lang.code())
            }
            Field::Price | Field::SalePrice | Field::Currency => "price".into(),
            Field::Stock => "stock".into(),
            Field::Category => "category".into(),
            Field::Tags => "tags".into(),
            Field::Images => "images".into(),
            Field::Published => "published".into(),
            Field::Attribute(key) => format!("attributes.{key}"),
            Field::Attributes => "attributes".into(),
            Field::Variants => "variants".into(),
        }
    }

    /// Fields that several columns may fill together (`image 1`, `image 2`).
    fn repeatable(&self) -> bool {
        matches!(self, Field::Images | Field::Tags)
    }
}

/// A field before its language is settled.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Base {
    Sku,
    Handle,
    Title,
    Description,
    ShortDescription,
    Price,
    SalePrice,
    Currency,
    Stock,
    Category,
    Tags,
    Images,
    Published,
    Attribute(String),
    Attributes,
    Variants,
}

/// What a header says: its field, the language written after it (`title_es`),
/// and the language its words are in (`nombre` is Spanish).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Classified {
    base: Base,
    suffix: Option<Lang>,
    vote: Option<Lang>,
}

const ATTRIBUTE_PREFIXES: [&str; 10] = [
    "attribute:",
    "attribute.",
    "attributes:",
    "attributes.",
    "attr:",
    "attr.",
    "atributo:",
    "atributo.",
    "attribut:",
    "attribut.",
];

fn classify(header: &str) -> Option<Classified> {
    let trimmed = header.trim();
    let lower = trimmed.to_lowercase();
    for prefix in ATTRIBUTE_PREFIXES {
        if lower.starts_with(prefix) {
            let key = attribute_key(&trimmed[prefix.len()..])?;
            return Some(Classified {
                base: Base::Attribute(key),
                suffix: None,
                vote: None,
            });
        }
    }
    let words = header_words(trimmed);
    let mut parts: Vec<&str> = words.split(' ').filter(|w| !w.is_empty()).collect();
    let suffix = match parts.as_slice() {
        [_, .., last] => language_word(last),
        _ => None,
    };
    if suffix.is_some() {
        parts.pop();
    }
    let squashed: String = parts.concat();
    let (base, vote) = lookup(&squashed).or_else(|| {
        // Numbered image columns: `image 2`, `imagen3`, `photo_1`.
        let unnumbered = squashed.trim_end_matches(|c: char| c.is_ascii_digit());
        match lookup(unnumbered) {
            Some((Base::Images, vote)) if unnumbered.len() < squashed.len() => {
                Some((Base::Images, vote))
            }
            _ => None,
        }
    })?;
    if suffix.is_some()
        && !matches!(
            base,
            Base::Title | Base::Description | Base::ShortDescription
        )
    {
        // `price_es` or `stock en` mean nothing more than price and stock.
        return Some(Classified {
            base,
            suffix: None,
            vote,
        });
    }
    Some(Classified { base, suffix, vote })
}

/// `es`, `spanish`, `español`… → the language.
fn language_word(word: &str) -> Option<Lang> {
    match word {
        "en" | "eng" | "english" | "ingles" | "anglais" => Some(Lang::En),
        "es" | "spa" | "spanish" | "espanol" | "castellano" | "espagnol" => Some(Lang::Es),
        "fr" | "fre" | "fra" | "french" | "frances" | "francais" => Some(Lang::Fr),
        _ => None,
    }
}

/// The field of a squashed header and the language of its word, if the word
/// belongs to one language only.
fn lookup(key: &str) -> Option<(Base, Option<Lang>)> {
    use Lang::{En, Es, Fr};
    let (base, vote) = match key {
        "sku" | "productsku" | "itemsku" => (Base::Sku, None),
        "ref" | "reference" | "productreference" | "code" | "productcode" | "itemcode"
        | "itemnumber" | "article" | "articlenumber" | "partnumber" => (Base::Sku, None),
        "referencia" | "codigo" | "codigoproducto" | "codigodeproducto" | "codigoarticulo" => {
            (Base::Sku, Some(Es))
        }
        "codeproduit" | "codearticle" | "referenceproduit" | "refproduit" => (Base::Sku, Some(Fr)),
        "handle" | "urlhandle" | "slug" | "urlkey" | "permalink" => (Base::Handle, None),
        "title" | "name" | "productname" | "producttitle" | "itemname" | "product" => {
            (Base::Title, Some(En))
        }
        "nombre" | "titulo" | "nombreproducto" | "nombredelproducto" | "producto" | "articulo" => {
            (Base::Title, Some(Es))
        }
        "titre" | "nom" | "nomproduit" | "nomduproduit" | "designation" | "libelle" | "produit" => {
            (Base::Title, Some(Fr))
        }
        "description" | "desc" | "body" | "bodyhtml" | "longdescription" | "details"
        | "descriptionhtml" => (Base::Description, None),
        "descripcion" | "detalles" | "descripcionlarga" => (Base::Description, Some(Es)),
        "descriptionlongue" | "descriptif" => (Base::Description, Some(Fr)),
        "shortdescription" | "summary" | "excerpt" => (Base::ShortDescription, Some(En)),
        "descripcioncorta" | "resumen" => (Base::ShortDescription, Some(Es)),
        "descriptioncourte" | "resume" => (Base::ShortDescription, Some(Fr)),
        "price" | "regularprice" | "unitprice" | "retailprice" | "listprice" | "amount" => {
            (Base::Price, Some(En))
        }
        "precio" | "pvp" | "precionormal" | "precioregular" | "precioventa" | "preciodeventa"
        | "preciounitario" | "importe" => (Base::Price, Some(Es)),
        "prix" | "tarif" | "prixttc" | "prixdevente" | "prixunitaire" | "prixnormal" => {
            (Base::Price, Some(Fr))
        }
        "saleprice" | "specialprice" | "discountprice" | "promoprice" => {
            (Base::SalePrice, Some(En))
        }
        "preciorebajado" | "preciooferta" | "preciopromocion" => (Base::SalePrice, Some(Es)),
        "prixpromo" | "prixsolde" | "prixpromotionnel" | "prixremise" => {
            (Base::SalePrice, Some(Fr))
        }
        "currency" | "curr" | "currencycode" => (Base::Currency, Some(En)),
        "moneda" | "divisa" => (Base::Currency, Some(Es)),
        "devise" | "monnaie" => (Base::Currency, Some(Fr)),
        "stock" | "stockquantity" | "stockqty" | "onhand" | "instockquantity" => {
            (Base::Stock, None)
        }
        "quantity" | "qty" | "inventory" | "inventoryquantity" | "inventoryqty" | "units" => {
            (Base::Stock, Some(En))
        }
        "existencias" | "cantidad" | "unidades" | "inventario" | "stockdisponible" => {
            (Base::Stock, Some(Es))
        }
        "quantite" | "inventaire" | "qte" | "quantitedisponible" | "enstock" => {
            (Base::Stock, Some(Fr))
        }
        "category" | "categories" | "type" | "producttype" | "productcategory" => {
            (Base::Category, Some(En))
        }
        "categoria" | "categorias" | "tipo" | "tipodeproducto" | "familia" => {
            (Base::Category, Some(Es))
        }
        "categorie" | "rubrique" | "famille" | "typedeproduit" => (Base::Category, Some(Fr)),
        "tags" | "tag" | "keywords" | "labels" => (Base::Tags, Some(En)),
        "etiquetas" | "palabrasclave" => (Base::Tags, Some(Es)),
        "etiquettes" | "motscles" | "motcle" => (Base::Tags, Some(Fr)),
        "image" | "images" | "imagesrc" | "imageurl" | "imageurls" | "imagelink" | "photo"
        | "photos" | "picture" | "pictures" | "productimageurl" => (Base::Images, None),
        "imagen" | "imagenes" | "foto" | "fotos" | "urlimagen" => (Base::Images, Some(Es)),
        "urlimage" | "lienimage" => (Base::Images, Some(Fr)),
        "published" | "status" | "visible" | "active" | "enabled" | "online" | "visibility" => {
            (Base::Published, Some(En))
        }
        "publicado" | "estado" | "activo" | "visibilidad" => (Base::Published, Some(Es)),
        "publie" | "statut" | "actif" | "enligne" | "visibilite" => (Base::Published, Some(Fr)),
        "attributes" | "atributos" | "attributs" => (Base::Attributes, None),
        "variants" | "variantes" => (Base::Variants, None),
        other => return known_attribute(other).map(|key| (Base::Attribute(key.into()), None)),
    };
    Some((base, vote))
}

/// The usual product facts, under one English attribute key.
fn known_attribute(key: &str) -> Option<&'static str> {
    Some(match key {
        "material" | "materials" | "materiales" | "materia" | "materiau" | "materiaux"
        | "matiere" | "matieres" => "material",
        "color" | "colour" | "colors" | "colours" | "colores" | "couleur" | "couleurs" => "colour",
        "dimensions" | "dimension" | "dimensiones" | "medidas" | "medida" => "dimensions",
        "size" | "talla" | "taille" | "tamano" => "size",
        "artist" | "artista" | "artiste" | "author" | "autor" | "auteur" => "artist",
        "weight" | "peso" | "poids" => "weight",
        "capacity" | "capacidad" | "capacite" | "volume" | "volumen" => "capacity",
        "technique" | "tecnica" => "technique",
        "brand" | "marca" | "marque" => "brand",
        "vendor" | "proveedor" | "fournisseur" => "vendor",
        "year" | "ano" | "annee" => "year",
        "origin" | "origen" | "origine" | "country" | "pais" | "pays" | "countryoforigin" => {
            "origin"
        }
        "edition" | "edicion" => "edition",
        "style" | "estilo" => "style",
        "format" | "formato" => "format",
        "finish" | "acabado" | "finition" => "finish",
        _ => return None,
    })
}

/// An attribute key as the API stores it: lowercase words joined by `_`,
/// at most 60 characters.
pub(crate) fn attribute_key(raw: &str) -> Option<String> {
    let key = header_words(raw).replace(' ', "_");
    let key: String = key.chars().take(limits::ATTRIBUTE_KEY_CHARS).collect();
    (!key.is_empty()).then_some(key)
}

/// The language most of `classified` headers are written in; ties go to
/// English, then Spanish.
fn vote<'c>(classified: impl Iterator<Item = &'c Classified>) -> Lang {
    let mut votes = [0usize; 3];
    for c in classified {
        if let Some(lang) = c.vote {
            votes[lang as usize] += 1;
        }
    }
    let mut best = Lang::En;
    for lang in [Lang::Es, Lang::Fr] {
        if votes[lang as usize] > votes[best as usize] {
            best = lang;
        }
    }
    best
}

/// JSON keys already classified: objects repeat the same few keys, so each
/// is worked out once (up to [`Keys::CAPACITY`] distinct keys).
#[derive(Debug, Default)]
pub(crate) struct Keys {
    cache: HashMap<String, Option<Classified>>,
}

impl Keys {
    const CAPACITY: usize = 4096;

    fn classify(&mut self, key: &str) -> Option<Classified> {
        if let Some(known) = self.cache.get(key) {
            return known.clone();
        }
        let classified = classify(key);
        if self.cache.len() < Self::CAPACITY {
            self.cache.insert(key.to_owned(), classified.clone());
        }
        classified
    }

    /// The language of keys without one, guessed from all the keys' words.
    pub(crate) fn language<'k>(&mut self, keys: impl Iterator<Item = &'k str>) -> Lang {
        let classified: Vec<Classified> = keys.filter_map(|k| self.classify(k)).collect();
        vote(classified.iter())
    }

    /// The field a key means, with `language` for keys without one.
    pub(crate) fn field(&mut self, key: &str, language: Lang) -> Option<Field> {
        self.classify(key).map(|c| resolve(c, language))
    }
}

fn resolve(classified: Classified, language: Lang) -> Field {
    let lang = classified.suffix.unwrap_or(language);
    match classified.base {
        Base::Sku => Field::Sku,
        Base::Handle => Field::Handle,
        Base::Title => Field::Title(lang),
        Base::Description => Field::Description(lang),
        Base::ShortDescription => Field::ShortDescription(lang),
        Base::Price => Field::Price,
        Base::SalePrice => Field::SalePrice,
        Base::Currency => Field::Currency,
        Base::Stock => Field::Stock,
        Base::Category => Field::Category,
        Base::Tags => Field::Tags,
        Base::Images => Field::Images,
        Base::Published => Field::Published,
        Base::Attribute(key) => Field::Attribute(key),
        Base::Attributes => Field::Attributes,
        Base::Variants => Field::Variants,
    }
}

/// The fields of a generic table's columns.
#[derive(Debug, Clone)]
pub(crate) struct Mapping {
    /// The field of each column, by position; `None` for ignored columns.
    pub(crate) fields: Vec<Option<Field>>,
    /// The headers as written in the file.
    pub(crate) names: Vec<String>,
    /// The language of columns without one.
    pub(crate) language: Lang,
    /// Columns ignored, with why when it is not simply "unknown".
    pub(crate) ignored: Vec<String>,
}

impl Mapping {
    /// Maps `headers`; `language` overrides the language guessed from them.
    pub(crate) fn new<'h>(
        headers: impl IntoIterator<Item = &'h str>,
        language: Option<Lang>,
    ) -> Self {
        let names: Vec<String> = headers.into_iter().map(|h| h.trim().to_owned()).collect();
        let classified: Vec<Option<Classified>> = names.iter().map(|n| classify(n)).collect();
        let language = language.unwrap_or_else(|| vote(classified.iter().flatten()));
        let mut fields: Vec<Option<Field>> = Vec::with_capacity(names.len());
        let mut ignored = Vec::new();
        for (name, classified) in names.iter().zip(classified) {
            let field = classified.map(|c| resolve(c, language));
            match field {
                Some(field)
                    if field.repeatable() || !fields.iter().flatten().any(|f| *f == field) =>
                {
                    fields.push(Some(field));
                }
                Some(field) => {
                    let first = fields
                        .iter()
                        .position(|f| f.as_ref() == Some(&field))
                        .and_then(|i| names.get(i))
                        .map_or("", String::as_str);
                    ignored.push(format!("{name} (same field as {first})"));
                    fields.push(None);
                }
                None => {
                    if !name.is_empty() {
                        ignored.push(name.clone());
                    }
                    fields.push(None);
                }
            }
        }
        Mapping {
            fields,
            names,
            language,
            ignored,
        }
    }

    /// True when some column fills a title.
    pub(crate) fn has_title(&self) -> bool {
        self.fields
            .iter()
            .flatten()
            .any(|f| matches!(f, Field::Title(_)))
    }

    /// True when some column fills the price.
    pub(crate) fn has_price(&self) -> bool {
        self.fields
            .iter()
            .flatten()
            .any(|f| matches!(f, Field::Price | Field::SalePrice))
    }
}

/// What a generic table needs, for the "no usable columns" message.
pub(crate) const EXPECTED_COLUMNS: &str = "a title column (title, name, nombre, título, titre, nom…) and a price column (price, precio, prix, pvp, tarif…); optional: sku, description, stock, category, tags, image, published, handle, currency";

#[cfg(test)]
mod tests {
    use super::*;

    fn field(header: &str) -> Option<Field> {
        Mapping::new([header], Some(Lang::En)).fields[0].clone()
    }

    #[test]
    fn headers_in_three_languages() {
        for (h, f) in [
            ("SKU", Field::Sku),
            ("Référence", Field::Sku),
            ("referencia", Field::Sku),
            ("Product Name", Field::Title(Lang::En)),
            ("product_name", Field::Title(Lang::En)),
            ("Body (HTML)", Field::Description(Lang::En)),
            ("Regular price", Field::Price),
            ("PVP", Field::Price),
            ("Prix", Field::Price),
            ("Moneda", Field::Currency),
            ("Existencias", Field::Stock),
            ("Quantité", Field::Stock),
            ("Qty", Field::Stock),
            ("Catégorie", Field::Category),
            ("Product Type", Field::Category),
            ("Mots-clés", Field::Tags),
            ("Image Src", Field::Images),
            ("imagen 2", Field::Images),
            ("Publié", Field::Published),
            ("Estado", Field::Published),
            ("slug", Field::Handle),
            ("Título (ES)", Field::Title(Lang::Es)),
            ("titre fr", Field::Title(Lang::Fr)),
            ("title_es", Field::Title(Lang::Es)),
            ("Description FR", Field::Description(Lang::Fr)),
            ("descripción_en", Field::Description(Lang::En)),
            (
                "attribute:Frame Size",
                Field::Attribute("frame_size".into()),
            ),
            ("attr.Color", Field::Attribute("color".into())),
            ("Couleur", Field::Attribute("colour".into())),
            ("Matériau", Field::Attribute("material".into())),
            ("Artista", Field::Attribute("artist".into())),
        ] {
            assert_eq!(field(h), Some(f), "{h}");
        }
        assert_eq!(field("Variant Grams"), None);
        assert_eq!(field("price_es"), Some(Field::Price));
    }

    #[test]
    fn the_file_language_follows_its_header_words() {
        let es = Mapping::new(
            [
                "Referencia",
                "Nombre",
                "Descripción",
                "Precio",
                "Existencias",
            ],
            None,
        );
        assert_eq!(es.language, Lang::Es);
        assert_eq!(es.fields[1], Some(Field::Title(Lang::Es)));
        assert_eq!(es.fields[2], Some(Field::Description(Lang::Es)));
        let fr = Mapping::new(
            ["Référence", "Titre", "Description", "Prix", "Quantité"],
            None,
        );
        assert_eq!(fr.language, Lang::Fr);
        assert_eq!(fr.fields[2], Some(Field::Description(Lang::Fr)));
        let en = Mapping::new(["sku", "title", "description", "price", "stock"], None);
        assert_eq!(en.language, Lang::En);
        let forced = Mapping::new(["title", "price"], Some(Lang::Fr));
        assert_eq!(forced.fields[0], Some(Field::Title(Lang::Fr)));
    }

    #[test]
    fn duplicates_and_unknown_columns_are_ignored_once() {
        let m = Mapping::new(
            [
                "title",
                "name",
                "price",
                "image 1",
                "image 2",
                "colour code",
                "",
            ],
            None,
        );
        assert_eq!(m.fields[1], None);
        assert_eq!(m.fields[3], Some(Field::Images));
        assert_eq!(m.fields[4], Some(Field::Images));
        assert_eq!(m.ignored, vec!["name (same field as title)", "colour code"]);
        assert!(m.has_title() && m.has_price());
    }
}
