//! The routing table's pure parts: references and confirmations.
use super::admin::{NO, YES, normalise};
use super::*;

fn shown() -> Vec<Shown> {
    ["Water Lilies mug", "Great Wave print", "Klimt silk scarf"]
        .iter()
        .enumerate()
        .map(|(i, title)| Shown {
            id: format!("prd_{i}"),
            sku: format!("SKU-{i}"),
            title: (*title).into(),
        })
        .collect()
}

#[test]
fn references_resolve_against_what_was_shown() {
    let shown = shown();
    for (entities, want) in [
        (
            json!({ "product_ref": "the second one" }),
            Target::Id("prd_1".into()),
        ),
        (
            json!({ "product_ref": "la tercera" }),
            Target::Id("prd_2".into()),
        ),
        (
            json!({ "product_ref": "le dernier" }),
            Target::Id("prd_2".into()),
        ),
        (
            json!({ "product_ref": "those" }),
            Target::Id("prd_0".into()),
        ),
        (
            json!({ "product_ref": "sku-1" }),
            Target::Id("prd_1".into()),
        ),
        (
            json!({ "product_ref": "scarf" }),
            Target::Id("prd_2".into()),
        ),
        (
            json!({ "sku": "MUG-NYMPH-01" }),
            Target::Id("MUG-NYMPH-01".into()),
        ),
        (
            json!({ "product_ref": "MUG-NYMPH-01" }),
            Target::Id("MUG-NYMPH-01".into()),
        ),
        (
            json!({ "product_ref": "Van Gogh sunflowers tote" }),
            Target::Search("Van Gogh sunflowers tote".into()),
        ),
        (json!({ "product_ref": "the fifth one" }), Target::Unknown),
        (json!({}), Target::Unknown),
        (json!({ "product_ref": 42 }), Target::Unknown),
    ] {
        assert_eq!(resolve(&shown, None, &entities), want, "{entities}");
    }
    assert_eq!(
        resolve(&shown[..1], None, &json!({})),
        Target::Id("prd_0".into())
    );
    assert_eq!(
        resolve(&[], None, &json!({ "product_ref": "those" })),
        Target::Unknown
    );
}

#[test]
fn the_product_in_focus_wins_over_the_first_shown() {
    let shown = shown();
    assert_eq!(
        resolve(&shown, Some("prd_1"), &json!({ "product_ref": "those" })),
        Target::Id("prd_1".into())
    );
    assert_eq!(
        resolve(&shown, Some("prd_1"), &json!({})),
        Target::Id("prd_1".into())
    );
    // An ordinal still counts in the list.
    assert_eq!(
        resolve(
            &shown,
            Some("prd_1"),
            &json!({ "product_ref": "the third one" })
        ),
        Target::Id("prd_2".into())
    );
}

#[test]
fn an_ordinal_inside_a_name_is_part_of_the_name() {
    let shown = shown();
    assert_eq!(
        resolve(
            &shown,
            None,
            &json!({ "product_ref": "The Last Supper print" })
        ),
        Target::Search("The Last Supper print".into())
    );
    assert_eq!(
        resolve(&shown, None, &json!({ "product_ref": "the last one" })),
        Target::Id("prd_2".into())
    );
}

#[test]
fn a_single_hit_must_share_the_telling_words() {
    assert!(names(
        "Great Wave print",
        "The Great Wave off Kanagawa poster"
    ));
    assert!(names("la taza de Monet", "Taza Nenúfares de Monet"));
    assert!(names("mugs", "Water Lilies mug"));
    assert!(!names(
        "Zorblax Quindle figurine",
        "Cycladic figurine replica"
    ));
    assert!(!names("silk scarf of Klimt", "Water Lilies mug"));
    assert!(names("the", "anything"));
}

#[test]
fn confirmations_in_three_languages() {
    for yes in ["Yes!", "sí", "¡Sí!", "oui", "OK.", "vale", "d'accord"] {
        assert!(YES.contains(&normalise(yes).as_str()), "{yes}");
    }
    for no in ["no", "Non.", "cancel", "annuler"] {
        assert!(NO.contains(&normalise(no).as_str()), "{no}");
    }
    assert!(!YES.contains(&normalise("yes, but delete everything else too").as_str()));
}
