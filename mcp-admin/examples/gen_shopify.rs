//! Writes a large Shopify product export for benchmarking the importer, and
//! times the importer over a file.
//!
//! ```sh
//! # 100 000 rows in Shopify's 2024 layout (1–3 variants per product, extra image rows)
//! cargo run --release -p mcp-admin --example gen_shopify -- 100000 /tmp/shopify_100k.csv
//! # import it without calling any API: rows/s, items/s and peak RSS
//! cargo run --release -p mcp-admin --example gen_shopify -- --dry-run-bench /tmp/shopify_100k.csv
//! ```
//!
//! The data is made up but shaped like a real export: English titles,
//! HTML bodies, image URLs, unique SKUs `GEN-<n>`, prices in EUR, a few
//! drafts. The same ROWS always give the same file.
#![allow(clippy::print_stdout)] // An example reports on stdout.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, bail};
use mcp_admin::import::{ImportOptions, Importer, Source};

/// Shopify's export headers since 2023.
const HEADERS: [&str; 58] = [
    "Handle",
    "Title",
    "Body (HTML)",
    "Vendor",
    "Product Category",
    "Type",
    "Tags",
    "Published",
    "Option1 Name",
    "Option1 Value",
    "Option1 Linked To",
    "Option2 Name",
    "Option2 Value",
    "Option2 Linked To",
    "Option3 Name",
    "Option3 Value",
    "Option3 Linked To",
    "Variant SKU",
    "Variant Grams",
    "Variant Inventory Tracker",
    "Variant Inventory Qty",
    "Variant Inventory Policy",
    "Variant Fulfillment Service",
    "Variant Price",
    "Variant Compare At Price",
    "Variant Requires Shipping",
    "Variant Taxable",
    "Unit Price Total Measure",
    "Unit Price Total Measure Unit",
    "Unit Price Base Measure",
    "Unit Price Base Measure Unit",
    "Variant Barcode",
    "Image Src",
    "Image Position",
    "Image Alt Text",
    "Gift Card",
    "SEO Title",
    "SEO Description",
    "Google Shopping / Google Product Category",
    "Google Shopping / Gender",
    "Google Shopping / Age Group",
    "Google Shopping / MPN",
    "Google Shopping / Condition",
    "Google Shopping / Custom Product",
    "Google Shopping / Custom Label 0",
    "Google Shopping / Custom Label 1",
    "Google Shopping / Custom Label 2",
    "Google Shopping / Custom Label 3",
    "Google Shopping / Custom Label 4",
    "Color (product.metafields.shopify.color-pattern)",
    "Variant Image",
    "Variant Weight Unit",
    "Variant Tax Code",
    "Cost per item",
    "Included / International",
    "Price / International",
    "Compare At Price / International",
    "Status",
];

const ARTWORKS: [(&str, &str); 12] = [
    ("The Starry Night", "Vincent van Gogh"),
    ("Water Lilies", "Claude Monet"),
    ("The Kiss", "Gustav Klimt"),
    ("The Great Wave", "Katsushika Hokusai"),
    ("Girl with a Pearl Earring", "Johannes Vermeer"),
    ("Las Meninas", "Diego Velázquez"),
    ("The Birth of Venus", "Sandro Botticelli"),
    ("Sunflowers", "Vincent van Gogh"),
    ("Impression, Sunrise", "Claude Monet"),
    ("Composition with Red, Blue and Yellow", "Piet Mondrian"),
    ("The Scream", "Edvard Munch"),
    ("Nighthawks", "Edward Hopper"),
];

/// A kind of product: its name, Shopify type and category, the option its
/// variants differ by, and its base price in cents.
struct Kind {
    name: &'static str,
    product_type: &'static str,
    category: &'static str,
    option: &'static str,
    values: [&'static str; 3],
    cents: u64,
}

const KINDS: [Kind; 6] = [
    Kind {
        name: "Mug",
        product_type: "Mugs",
        category: "Home & Garden > Kitchen & Dining > Tableware > Drinkware > Mugs",
        option: "Size",
        values: ["250 ml", "350 ml", "500 ml"],
        cents: 1290,
    },
    Kind {
        name: "Art Print",
        product_type: "Prints",
        category: "Home & Garden > Decor > Artwork > Posters, Prints, & Visual Artwork",
        option: "Size",
        values: ["A4", "A3", "A2"],
        cents: 1900,
    },
    Kind {
        name: "T-Shirt",
        product_type: "T-Shirts",
        category: "Apparel & Accessories > Clothing > Shirts & Tops",
        option: "Size",
        values: ["S", "M", "L"],
        cents: 2500,
    },
    Kind {
        name: "Tote Bag",
        product_type: "Bags",
        category: "Luggage & Bags > Tote Bags",
        option: "Colour",
        values: ["Natural", "Black", "Navy"],
        cents: 1850,
    },
    Kind {
        name: "Jigsaw Puzzle",
        product_type: "Puzzles",
        category: "Toys & Games > Puzzles > Jigsaw Puzzles",
        option: "Pieces",
        values: ["500", "1000", "2000"],
        cents: 2250,
    },
    Kind {
        name: "Silk Scarf",
        product_type: "Scarves",
        category: "Apparel & Accessories > Clothing Accessories > Scarves & Shawls",
        option: "Colour",
        values: ["Blue", "Red", "Gold"],
        cents: 3900,
    },
];

const MATERIALS: [&str; 5] = [
    "stoneware",
    "organic cotton",
    "recycled paper",
    "silk",
    "FSC cardboard",
];

/// A small deterministic generator (xorshift64*), enough for made-up data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

fn euros(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn generate(rows: u64, out: PathBuf) -> anyhow::Result<()> {
    let file = File::create(&out).with_context(|| format!("creating {}", out.display()))?;
    let mut csv = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, file));
    csv.write_record(HEADERS)?;
    let column = |name: &str| HEADERS.iter().position(|h| *h == name).unwrap_or(0);
    let (handle, title, body, vendor, category, kind_col, tags, published) = (
        column("Handle"),
        column("Title"),
        column("Body (HTML)"),
        column("Vendor"),
        column("Product Category"),
        column("Type"),
        column("Tags"),
        column("Published"),
    );
    let (opt_name, opt_value, sku, qty, price, image, position, status) = (
        column("Option1 Name"),
        column("Option1 Value"),
        column("Variant SKU"),
        column("Variant Inventory Qty"),
        column("Variant Price"),
        column("Image Src"),
        column("Image Position"),
        column("Status"),
    );
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut written = 0u64;
    let mut next_sku = 1u64;
    let mut product = 0u64;
    let mut row = vec![String::new(); HEADERS.len()];
    while written < rows {
        product += 1;
        let (artwork, artist) = ARTWORKS[rng.below(ARTWORKS.len() as u64) as usize];
        let Kind {
            name: kind,
            product_type: kind_type,
            category: kind_category,
            option,
            values,
            cents: base,
        } = KINDS[rng.below(KINDS.len() as u64) as usize];
        let name = format!("{artwork} {kind}");
        let product_handle = format!("{}-{product}", slug(&name));
        let left = rows - written;
        let variants = (1 + rng.below(3)).min(left);
        let extra_image = left > variants && rng.below(3) == 0;
        let draft = rng.below(20) == 0;
        for v in 0..variants {
            row.iter_mut().for_each(String::clear);
            row[handle].clone_from(&product_handle);
            if v == 0 {
                row[title].clone_from(&name);
                row[body] = format!(
                    "<p>{kind} featuring <em>{artwork}</em> by {artist}, reproduced from a high-resolution scan.</p>\
                     <ul><li>Material: {}</li><li>Designed &amp; printed in Europe</li></ul>\
                     <p>Ships in 2&ndash;3 working days.</p>",
                    MATERIALS[rng.below(MATERIALS.len() as u64) as usize]
                );
                "Museo".clone_into(&mut row[vendor]);
                kind_category.clone_into(&mut row[category]);
                kind_type.clone_into(&mut row[kind_col]);
                row[tags] = format!(
                    "{}, {}, {}",
                    slug(artist),
                    kind.to_lowercase(),
                    slug(artwork)
                );
                (if draft { "FALSE" } else { "TRUE" }).clone_into(&mut row[published]);
                (if draft { "draft" } else { "active" }).clone_into(&mut row[status]);
                row[image] = format!("https://cdn.example.com/gen/{product_handle}-1.jpg");
                "1".clone_into(&mut row[position]);
            }
            if variants == 1 {
                "Title".clone_into(&mut row[opt_name]);
                "Default Title".clone_into(&mut row[opt_value]);
            } else {
                option.clone_into(&mut row[opt_name]);
                values[v as usize].clone_into(&mut row[opt_value]);
            }
            row[sku] = format!("GEN-{next_sku}");
            next_sku += 1;
            row[qty] = rng.below(50).to_string();
            row[price] = euros(base + v * 500 + rng.below(400));
            csv.write_record(&row)?;
        }
        written += variants;
        if extra_image {
            row.iter_mut().for_each(String::clear);
            row[handle].clone_from(&product_handle);
            row[image] = format!("https://cdn.example.com/gen/{product_handle}-2.jpg");
            "2".clone_into(&mut row[position]);
            csv.write_record(&row)?;
            written += 1;
        }
    }
    csv.into_inner()
        .map_err(|e| anyhow::anyhow!("writing {}: {e}", out.display()))?
        .flush()?;
    println!(
        "wrote {written} rows, {product} products to {}",
        out.display()
    );
    Ok(())
}

/// Peak resident memory of this process (VmHWM), in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn bench(file: PathBuf) -> anyhow::Result<()> {
    let start = Instant::now();
    let mut importer = Importer::open(Source::Path(file.clone()), &ImportOptions::default())
        .with_context(|| format!("opening {}", file.display()))?;
    let (mut items, mut variants, mut errors) = (0u64, 0u64, 0u64);
    for next in importer.by_ref() {
        match next {
            Ok(item) => {
                items += 1;
                variants += item.input.variants.len() as u64;
            }
            Err(_) => errors += 1,
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let rows = importer.rows_read();
    println!(
        "{}: {} layout, {rows} rows, {items} products ({variants} variants), {errors} row errors",
        file.display(),
        importer.layout()
    );
    println!(
        "{secs:.2} s: {:.0} rows/s, {:.0} items/s, {:.1} MB/s; peak RSS {:.1} MiB",
        rows as f64 / secs,
        items as f64 / secs,
        importer.bytes_read() as f64 / secs / 1e6,
        peak_rss_kib().unwrap_or(0) as f64 / 1024.0
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, file] if flag == "--dry-run-bench" => bench(PathBuf::from(file)),
        [rows, out] => {
            let rows: u64 = rows.replace('_', "").parse().context("ROWS is a number")?;
            generate(rows, PathBuf::from(out))
        }
        _ => bail!("usage: gen_shopify ROWS OUT.csv | gen_shopify --dry-run-bench FILE"),
    }
}
