//! Each fixture file, with its exact mapped values.

use museo_sdk::types::Money;

use super::*;

#[test]
fn shopify_legacy_export() {
    let r = open_fixture("shopify_legacy.csv");
    assert_eq!(r.importer.format(), Format::Csv);
    assert_eq!(r.importer.layout(), Layout::Shopify);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(
        r.rows(),
        vec![2, 8, 13, 15],
        "a product's first physical line"
    );

    let mug = r.item("MUG-NYMPH-01");
    assert_eq!(mug.handle.as_deref(), Some("water-lilies-mug"));
    assert_eq!(mug.title.en, "Water Lilies Mug");
    assert_eq!((mug.title.es.as_str(), mug.title.fr.as_str()), ("", ""));
    assert_eq!(
        mug.description.en,
        "Stoneware mug with Monet's Water Lilies.\n\n- 350 ml\n- Dishwasher safe"
    );
    assert_eq!(mug.price, eur("14.90"));
    assert_eq!(mug.stock, Some(24));
    assert_eq!(mug.category.as_deref(), Some("mugs"));
    assert_eq!(mug.tags, vec!["monet", "impressionism", "mug"]);
    assert_eq!(
        mug.images,
        vec![format!("{CDN}/mug-1.jpg"), format!("{CDN}/mug-2.jpg")]
    );
    assert!(mug.variants.is_empty());
    assert_eq!(mug.published, Some(true));
    assert_eq!(
        mug.attributes.get("vendor").map(String::as_str),
        Some("Museo")
    );

    let print = r.item("STARRY-NIGHT-PRINT");
    assert_eq!(print.title.en, "The Starry Night — Art Print");
    assert_eq!(
        print.description.en,
        "Museum quality\n\nGiclée print on 200 g/m² paper & \"archival\" inks.\nShips rolled."
    );
    assert_eq!(print.price, eur("19.00"));
    assert_eq!(print.stock, Some(15));
    let variants: Vec<(&str, &str, Option<&Money>, i64)> = print
        .variants
        .iter()
        .map(|v| {
            (
                v.sku.as_str(),
                v.title.en.as_str(),
                v.price.as_ref(),
                v.stock,
            )
        })
        .collect();
    assert_eq!(
        variants,
        vec![
            ("PRINT-STARRY-A4", "A4", None, 10),
            ("PRINT-STARRY-A3", "A3", Some(&eur("29.00")), 5),
            ("PRINT-STARRY-A2", "A2", Some(&eur("45.00")), 0),
        ]
    );
    assert_eq!(
        print.variants[1].attributes.get("size").map(String::as_str),
        Some("A3")
    );
    assert_eq!(
        print.images,
        vec![
            format!("{CDN}/starry-1.jpg"),
            format!("{CDN}/starry-a4.jpg"),
            format!("{CDN}/starry-a3.jpg"),
            format!("{CDN}/starry-2.jpg"),
        ]
    );

    let scarf = r.item("KIMONO-SCARF");
    assert_eq!(scarf.published, Some(false));
    assert_eq!(scarf.variants.len(), 2);
    assert_eq!(scarf.variants[0].title.en, "Blue / Silk");
    assert_eq!(scarf.variants[1].sku, "KIMONO-SCARF-2");
    assert_eq!(
        scarf.variants[1]
            .attributes
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect::<Vec<_>>(),
        vec![("colour", "Red"), ("material", "Silk")]
    );
    assert_eq!(scarf.stock, Some(6));

    let tote = r.item("TOTE-WAVE-01");
    assert_eq!(tote.stock, Some(0));
    assert_eq!(tote.description.en, "Cotton tote, 38 × 42 cm");

    let warnings = r.importer.warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("variant SKUs generated") && w.contains("line 14")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("negative Shopify inventory")),
        "{warnings:?}"
    );
    assert!(
        !warnings.iter().any(|w| w.contains("ignored columns")),
        "{warnings:?}"
    );
}

#[test]
fn shopify_2024_export() {
    let r = open_fixture("shopify_2024.csv");
    assert_eq!(r.importer.layout(), Layout::Shopify);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.rows(), vec![2, 3, 10, 11]);

    let puzzle = r.item("PUZZLE-KISS-1000");
    assert_eq!(puzzle.category.as_deref(), Some("jigsaw-puzzles"));
    assert_eq!(
        puzzle.description.en,
        "A 1000\u{2011}piece puzzle of Klimt’s The Kiss, 68 × 48 cm."
    );
    assert_eq!(puzzle.price, eur("24.50"));

    let tee = r.item("SUNFLOWERS-TSHIRT");
    assert_eq!(
        tee.category.as_deref(),
        Some("t-shirts"),
        "Type wins over Product Category"
    );
    assert_eq!(
        tee.description.en,
        "Organic cotton\n\nPrinted with Van Gogh's Sunflowers.\n\nUnisex fit."
    );
    assert_eq!(tee.price, eur("25.00"));
    assert_eq!(tee.stock, Some(23));
    assert_eq!(
        tee.variants
            .iter()
            .map(|v| v.title.en.as_str())
            .collect::<Vec<_>>(),
        vec!["S / Yellow", "M / Yellow", "L / Yellow"]
    );
    assert_eq!(tee.variants[2].price, Some(eur("27.00")));
    assert_eq!(tee.variants[0].price, None);
    assert_eq!(
        tee.images,
        vec![
            format!("{CDN}/tee-1.jpg"),
            format!("{CDN}/tee-2.jpg"),
            format!("{CDN}/tee-3.jpg")
        ]
    );

    let notebook = r.item("NOTE-HOKUSAI-A5");
    assert_eq!(
        notebook.stock, None,
        "no quantity in multi-location exports"
    );
    assert_eq!(notebook.published, Some(false));
    assert_eq!(notebook.category.as_deref(), Some("notebooks-notepads"));

    let poster = r.item("POSTER-MONET-01");
    assert_eq!(poster.published, Some(false), "archived");
    assert_eq!(poster.price, eur("15.00"));
    assert_eq!(poster.description.en, "");

    let warnings = r.importer.warnings();
    assert_eq!(
        warnings
            .iter()
            .filter(|w| w.starts_with("ignored columns"))
            .collect::<Vec<_>>(),
        vec!["ignored columns: Color (product.metafields.shopify.color-pattern)"]
    );
}

#[test]
fn shopify_2025_template() {
    let r = open_fixture("shopify_2025.csv");
    assert_eq!(r.importer.layout(), Layout::Shopify);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.rows(), vec![2, 3]);
    let tote = r.item("TOTE-FRIDA");
    assert_eq!(tote.category.as_deref(), Some("tote-bags"));
    assert_eq!(tote.stock, Some(6));
    assert_eq!(tote.images, vec![format!("{CDN}/frida.jpg")]);
    let socks = r.item("MONDRIAN-SOCKS");
    assert_eq!(
        socks
            .variants
            .iter()
            .map(|v| v.sku.as_str())
            .collect::<Vec<_>>(),
        vec!["SOCKS-MOND-S", "SOCKS-MOND-L"]
    );
    assert_eq!(
        socks.variants[1].attributes.get("size").map(String::as_str),
        Some("41-46")
    );
    assert_eq!(socks.stock, Some(13));
}

#[test]
fn woocommerce_export() {
    let r = open_fixture("woocommerce.csv");
    assert_eq!(r.importer.layout(), Layout::WooCommerce);
    assert_eq!(r.rows(), vec![2, 3, 6]);
    assert_eq!(r.error_rows(), vec![(7, Some("parent"))]);
    assert!(r.errors[0].message.contains("id:999"), "{}", r.errors[0]);

    let mug = r.item("MUG-WAVE-01");
    assert_eq!(mug.price, eur("12.00"), "the lower sale price");
    assert_eq!(mug.title.en, "Great Wave Mug");
    assert_eq!(mug.description.en, "Porcelain mug with Hokusai’s wave.");
    assert_eq!(mug.category.as_deref(), Some("mugs"));
    assert_eq!(mug.stock, Some(15));
    assert_eq!(
        mug.images,
        vec![format!("{CDN}/wave-1.jpg"), format!("{CDN}/wave-2.jpg")]
    );
    assert_eq!(
        mug.attributes.get("material").map(String::as_str),
        Some("Porcelain")
    );
    assert_eq!(mug.published, Some(true));

    let poster = r.item("POSTER-KISS");
    assert_eq!(poster.price, eur("29.00"));
    assert_eq!(poster.stock, Some(11));
    assert_eq!(poster.category.as_deref(), Some("posters"));
    assert_eq!(poster.description.en, "Gold-toned poster.");
    assert_eq!(
        poster
            .variants
            .iter()
            .map(|v| (
                v.sku.as_str(),
                v.title.en.as_str(),
                v.price.clone(),
                v.stock
            ))
            .collect::<Vec<_>>(),
        vec![
            ("POSTER-KISS-A3", "A3", None, 8),
            ("POSTER-KISS-A2", "A2", Some(eur("39.00")), 3),
        ]
    );
    assert_eq!(
        poster.attributes.keys().collect::<Vec<_>>(),
        vec!["paper"],
        "the size belongs to the variants"
    );
    assert_eq!(
        poster.images,
        vec![format!("{CDN}/kiss.jpg"), format!("{CDN}/kiss-a3.jpg")]
    );

    let socks = r.item("SOCKS-STARRY");
    assert_eq!(socks.published, Some(false));
    assert_eq!(socks.stock, Some(0), "In stock? 0");
    assert_eq!(socks.price, eur("9.50"));
}

#[test]
fn spanish_semicolons_in_windows_1252() {
    let r = open_fixture("generic_es_semicolon_cp1252.csv");
    assert_eq!(r.importer.layout(), Layout::Generic);
    assert_eq!(r.importer.encoding(), Some("windows-1252"));
    assert_eq!(r.importer.delimiter(), Some(';'));
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.rows(), vec![2, 3, 4, 5]);

    let jar = r.item("JAR-001");
    assert_eq!(jar.title.es, "Jarrón de cerámica");
    assert_eq!(jar.title.en, "", "Spanish headers fill Spanish");
    assert_eq!(jar.description.es, "Jarrón pintado a mano, 25 cm");
    assert_eq!(jar.price, eur("49.90"));
    assert_eq!(jar.stock, Some(12));
    assert_eq!(jar.category.as_deref(), Some("ceramica"));
    assert_eq!(jar.tags, vec!["cerámica", "jarrón"]);
    assert_eq!(jar.published, Some(true));
    assert_eq!(
        jar.attributes.get("material").map(String::as_str),
        Some("Gres")
    );

    let print = r.item("LAM-002");
    assert_eq!(print.title.es, "Lámina «Las Meninas»");
    assert_eq!(print.price, eur("1234.50"));
    assert_eq!(print.published, Some(false));
    let mug = r.item("TAZ-003");
    assert_eq!(mug.title.es, "Taza Ñandú");
    assert_eq!(mug.price, eur("12.00"), "€ in Windows-1252 is byte 0x80");
    assert_eq!(mug.stock, Some(0));
    let notebook = r.item("CUA-004");
    assert_eq!(notebook.stock, Some(7));
    assert_eq!(notebook.price, eur("8.50"));

    let warnings = r.importer.warnings();
    assert!(
        warnings.contains(&"ignored columns: Notas internas".to_owned()),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("Spanish")),
        "{warnings:?}"
    );
}

#[test]
fn french_with_a_bom_and_a_multiline_cell() {
    let r = open_fixture("generic_fr_bom.csv");
    assert_eq!(r.importer.encoding(), Some("UTF-8"));
    assert_eq!(r.importer.delimiter(), Some(','));
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.rows(), vec![2, 4, 5], "the quoted newline takes a line");
    let poster = r.item("AFF-001");
    assert_eq!(poster.title.fr, "Affiche « Nymphéas »");
    assert_eq!(poster.title.en, "Water Lilies poster");
    assert_eq!(poster.description.fr, "Affiche de Monet,\n50 × 70 cm");
    assert_eq!(poster.price, eur("29.90"));
    assert_eq!(poster.tags, vec!["monet", "impressionnisme"]);
    assert_eq!(
        poster.attributes.get("colour").map(String::as_str),
        Some("Bleu")
    );
    assert_eq!(poster.published, Some(true));
    assert_eq!(r.item("BOL-002").published, Some(false));
    let carnet = r.item("CHF-003");
    assert_eq!(carnet.price, money("12.50", "CHF"));
    assert_eq!(carnet.stock, None);
    assert_eq!(carnet.published, None);
}

#[test]
fn utf16_tab_separated() {
    let r = open_fixture("utf16.csv");
    assert_eq!(r.importer.encoding(), Some("UTF-16LE"));
    assert_eq!(r.importer.delimiter(), Some('\t'));
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let mug = r.item("MUG-CREME");
    assert_eq!(mug.title.en, "Crème brûlée mug");
    assert_eq!(mug.title.es, "Taza crème brûlée");
    assert_eq!(mug.price, eur("11.00"));
    let plate = r.item("PLATE-ZEN");
    assert_eq!(plate.title.en, "Zen plate 禅");
    assert_eq!(plate.stock, None);
}

#[test]
fn xlsx_reads_the_products_sheet() {
    let r = open_fixture("products.xlsx");
    assert_eq!(r.importer.format(), Format::Xlsx);
    assert_eq!(r.importer.total_rows(), Some(4));
    assert_eq!(r.rows(), vec![2, 4]);
    assert_eq!(r.error_rows(), vec![(5, Some("price"))]);
    assert_eq!(r.errors[0].unit, RowUnit::Row);
    assert!(
        r.errors[0].to_string().starts_with("row 5, field price: "),
        "{}",
        r.errors[0]
    );
    let tote = r.item("XL-001");
    assert_eq!(tote.title.en, "Klimt Tote Bag");
    assert_eq!(tote.title.es, "Bolsa Klimt");
    assert_eq!(tote.price, eur("19.90"));
    assert_eq!(tote.stock, Some(12));
    assert_eq!(tote.published, Some(true));
    assert_eq!(
        tote.attributes.get("colour").map(String::as_str),
        Some("gold")
    );
    let calendar = r.item("XL-002");
    assert_eq!(calendar.price, eur("14.00"));
    assert_eq!(calendar.published, Some(false));
    assert_eq!(
        r.importer.bytes_read(),
        r.importer.total_bytes().unwrap_or(0)
    );
}

#[test]
fn xls_with_spanish_headers() {
    let r = open_fixture("products.xls");
    assert_eq!(r.importer.format(), Format::Xls);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.rows(), vec![2, 3]);
    let fan = r.item("XLS-001");
    assert_eq!(fan.title.es, "Abanico Goya");
    assert_eq!(fan.price, eur("15.50"));
    assert_eq!(fan.stock, Some(9));
    assert_eq!(fan.published, Some(true));
    assert_eq!(r.item("XLS-002").price, eur("120.00"));
}

#[test]
fn ods_with_french_headers() {
    let r = open_fixture("products.ods");
    assert_eq!(r.importer.format(), Format::Ods);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let notebook = r.item("ODS-001");
    assert_eq!(notebook.title.fr, "Carnet Matisse");
    assert_eq!(notebook.price, eur("7.50"));
    assert_eq!(notebook.stock, Some(20));
    assert_eq!(notebook.published, Some(true));
    let poster = r.item("ODS-002");
    assert_eq!(poster.price, eur("24.90"));
    assert_eq!(poster.published, Some(false));
}

#[test]
fn json_array_of_mixed_items() {
    let r = open_fixture("products.json");
    assert_eq!(r.importer.format(), Format::Json);
    assert_eq!(r.rows(), vec![1, 2, 5]);
    assert_eq!(r.error_rows(), vec![(3, None), (4, Some("price"))]);
    assert_eq!(
        r.errors[0].to_string(),
        "item 3: this is a number, not a product object"
    );

    let print = r.item("JSON-01");
    assert_eq!(print.title.en, "Cézanne Apples Print");
    assert_eq!(print.price, eur("35.00"));
    assert_eq!(print.tags, vec!["cézanne", "print"]);
    assert_eq!(print.category.as_deref(), Some("prints"));
    assert_eq!(print.published, Some(true));

    let vase = r.item("JSON-02");
    assert_eq!(
        (
            vase.title.en.as_str(),
            vase.title.es.as_str(),
            vase.title.fr.as_str()
        ),
        ("Blue Vase", "Jarrón azul", "Vase bleu")
    );
    assert_eq!(vase.description.en, "Glazed");
    assert_eq!(vase.description.fr, "Émaillé");
    assert_eq!(vase.price, eur("59.90"));
    assert_eq!(
        vase.attributes.get("material").map(String::as_str),
        Some("Stoneware")
    );
    assert_eq!(
        vase.attributes.get("height").map(String::as_str),
        Some("30")
    );
    assert_eq!(vase.variants.len(), 2);
    assert_eq!(vase.variants[0].price, Some(eur("49.90")));
    assert_eq!(vase.variants[1].price, Some(eur("59.90")));
    assert_eq!(vase.variants[1].title.en, "Large");
    assert_eq!(vase.published, Some(false));

    let plate = r.item("JSON-05");
    assert_eq!(plate.title.es, "Plato", "Spanish keys fill Spanish");
    assert_eq!(plate.price, eur("12.50"));
    assert_eq!(plate.stock, Some(4));
    assert_eq!(
        plate.attributes.get("colour").map(String::as_str),
        Some("blanco")
    );
    assert!(
        r.importer
            .warnings()
            .contains(&"ignored key `internal_note`".to_owned())
    );
}

#[test]
fn ndjson_lines() {
    let r = open_fixture("products.ndjson");
    assert_eq!(r.importer.format(), Format::Ndjson);
    assert_eq!(r.rows(), vec![1, 2, 6]);
    assert_eq!(r.error_rows(), vec![(4, None), (5, None)]);
    assert!(
        r.errors[0].message.contains("not valid JSON"),
        "{}",
        r.errors[0]
    );
    assert!(r.errors[1].message.contains("an array"), "{}", r.errors[1]);
    assert_eq!(r.item("ND-01").price, eur("13.50"));
    assert_eq!(r.item("ND-02").price, eur("89.00"));
    let cup = r.item("ND-06");
    assert_eq!(cup.title.fr, "Tasse Renoir");
    assert_eq!(cup.price, money("10.00", "USD"));
}

#[test]
fn each_bad_row_is_one_error_and_good_rows_pass() {
    let r = open_fixture("bad_rows.csv");
    assert_eq!(r.rows(), vec![2, 10, 12]);
    assert_eq!(
        r.error_rows(),
        vec![
            (3, Some("title.en")),
            (4, Some("price")),
            (5, Some("price")),
            (6, Some("stock")),
            (7, Some("sku")),
            (8, Some("price")),
            (9, Some("title.en")),
        ]
    );
    let messages: Vec<String> = r.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages[1],
        "line 4, field price: column `price`: `abc` is not a price"
    );
    assert!(messages[2].contains("greater than zero"), "{}", messages[2]);
    assert!(messages[3].contains("negative"), "{}", messages[3]);
    assert!(messages[4].contains("BAD SKU!"), "{}", messages[4]);
    assert!(messages[5].contains("missing"), "{}", messages[5]);
    assert!(messages[6].contains("255 characters"), "{}", messages[6]);
    assert_eq!(r.item("OK-2").title.en, "Good, with a quoted newline");
    assert!(!r.importer.aborted());
}

#[test]
fn whole_file_failures() {
    let not_a_table = Importer::open(
        Source::Path(fixture("not_a_table.bin")),
        &ImportOptions::default(),
    );
    assert!(
        matches!(not_a_table, Err(ImportError::NotATable)),
        "{not_a_table:?}"
    );

    let missing = Importer::open(Source::Path(fixture("nope.csv")), &ImportOptions::default());
    assert!(
        matches!(missing, Err(ImportError::Io { .. })),
        "{missing:?}"
    );

    let err = open_bytes(b"colour code,weight kg,notes\n1,2,3\n")
        .err()
        .map(|e| e.to_string());
    let err = err.unwrap_or_default();
    assert!(
        err.starts_with(
            "no usable columns: found `colour code`, `weight kg`, `notes`; expected a title column"
        ),
        "{err}"
    );

    assert!(matches!(open_bytes(b""), Err(ImportError::NoHeader(_))));
    assert!(matches!(
        open_bytes(b"\n\n;;;\n"),
        Err(ImportError::NoHeader(_))
    ));
    assert!(matches!(
        open_bytes(b"\"just text\""),
        Err(ImportError::NoUsableColumns { .. })
    ));
    assert!(matches!(
        open_bytes(b"  42 "),
        Err(ImportError::NoUsableColumns { .. })
    ));

    let options = ImportOptions {
        default_currency: "EURO".into(),
        ..ImportOptions::default()
    };
    let bad_option = Importer::open(Source::Bytes(b"title,price\nx,1\n".to_vec()), &options);
    assert!(matches!(bad_option, Err(ImportError::InvalidOption(_))));
    let options = ImportOptions {
        format: Some(Format::Json),
        ..ImportOptions::default()
    };
    let bad_json = Importer::open(Source::Bytes(b"title,price\n".to_vec()), &options);
    assert!(
        matches!(bad_json, Err(ImportError::Json(_))),
        "{bad_json:?}"
    );
    assert!(matches!(
        Importer::open(
            Source::Bytes(b"PK\x03\x04broken".to_vec()),
            &ImportOptions::default()
        ),
        Err(ImportError::Spreadsheet(_))
    ));
}

#[test]
fn formats_are_recognised_from_the_bytes() {
    let cases = [
        ("products.xlsx", Format::Xlsx),
        ("products.ods", Format::Ods),
        ("products.xls", Format::Xls),
        ("products.json", Format::Json),
        ("products.ndjson", Format::Ndjson),
        ("bad_rows.csv", Format::Csv),
        ("utf16.csv", Format::Csv),
    ];
    for (name, format) in cases {
        let bytes = std::fs::read(fixture(name)).unwrap_or_default();
        let importer = Importer::open(Source::Bytes(bytes), &ImportOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(importer.format(), format, "{name}");
    }
    assert_eq!("JSONL".parse::<Format>().ok(), Some(Format::Ndjson));
    assert_eq!(".xlsx".parse::<Format>().ok(), Some(Format::Xlsx));
    assert!("pdf".parse::<Format>().is_err());
    assert_eq!(Format::Ods.to_string(), "ods");
    assert_eq!(Layout::WooCommerce.to_string(), "woocommerce");
}

#[test]
fn json_shapes() {
    let wrapper = br#"{"source": "export", "count": 2, "products": [{"title": "A", "price": 1}, {"title": "B", "price": "2"}], "after": true}"#;
    let r = open_bytes(wrapper).expect("wrapper");
    assert_eq!(r.rows(), vec![1, 2]);

    let bulk = br#"{"mode": "upsert", "items": [{"sku": "X-1", "title": {"en": "X"}, "price": {"amount": "9.90", "currency": "EUR"}}]}"#;
    let r = open_bytes(bulk).expect("bulk body");
    assert_eq!(r.item("X-1").price, eur("9.90"));

    let single = br#"{"sku": "ONE", "title": "Only one", "price": 3.5, "stock": 2.0}"#;
    let r = open_bytes(single).expect("single object");
    assert_eq!(r.rows(), vec![1]);
    assert_eq!(r.item("ONE").stock, Some(2));

    let concatenated = format!(
        "{{\"title\": \"{}\", \"price\": 1}}\n{{\"title\": \"B\", \"price\": 2}} {{\"title\": \"C\"}}",
        "A".repeat(70_000).chars().take(150).collect::<String>()
    );
    let options = ImportOptions {
        format: Some(Format::Json),
        ..ImportOptions::default()
    };
    let r = run(Importer::open(Source::Bytes(concatenated.into_bytes()), &options).expect("opens"));
    assert_eq!(r.rows(), vec![1, 2]);
    assert_eq!(r.error_rows(), vec![(3, Some("price"))]);

    let trailing_comma = b"[{\"title\": \"A\", \"price\": 1},]";
    assert_eq!(
        open_bytes(trailing_comma)
            .expect("trailing comma")
            .items
            .len(),
        1
    );

    let broken =
        b"[{\"title\": \"A\", \"price\": 1}, {\"title\": oops}, {\"title\": \"C\", \"price\": 1}]";
    let r = open_bytes(broken).expect("opens");
    assert_eq!(r.rows(), vec![1]);
    assert_eq!(r.error_rows(), vec![(2, None)]);
    assert!(r.importer.aborted());

    let bad_field = br#"[{"title": ["a"], "price": 1}, {"title": "B", "price": 1, "variants": [{"title": "no sku"}]}]"#;
    let r = open_bytes(bad_field).expect("opens");
    assert_eq!(
        r.error_rows(),
        vec![(1, Some("title.en")), (2, Some("variants[0].sku"))]
    );
}

#[test]
fn publish_override_and_default_currency() {
    let options = ImportOptions {
        publish: Some(true),
        default_currency: "usd".into(),
        ..ImportOptions::default()
    };
    let importer = Importer::open(
        Source::Bytes(b"title,price,published\nA,5,no\n".to_vec()),
        &options,
    )
    .expect("opens");
    let r = run(importer);
    assert_eq!(r.items[0].input.published, Some(true));
    assert_eq!(r.items[0].input.price, money("5.00", "USD"));
}
