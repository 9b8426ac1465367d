//! The resolution order, one rule at a time, in three languages.
use serde_json::{Value, json};

use super::super::admin::{NO, YES, normalise};
use super::super::intent::Entities;
use super::super::state::{Action, Basket, Dialog, Item, Line, Question};
use super::*;

fn item(i: usize, title: &str) -> Item {
    Item {
        id: format!("prd_{i}"),
        sku: format!("SKU-{i}"),
        title: title.into(),
        price: None,
        stock: Some(5),
    }
}

fn shown() -> Dialog {
    let mut dialog = Dialog::default();
    dialog.show(
        [
            "Water Lilies mug",
            "The Great Wave stoneware mug",
            "The Great Wave insulated travel mug",
            "Foulard en soie La Nuit étoilée",
        ]
        .iter()
        .enumerate()
        .map(|(i, t)| item(i, t))
        .collect(),
    );
    dialog
}

fn entities(v: Value) -> Entities {
    Entities::from_map(v.as_object().cloned().unwrap_or_default())
}

fn one(i: usize) -> Target {
    Target::One(shown().shown[i].clone())
}

#[test]
fn positions_names_and_pronouns_resolve_against_what_was_shown() {
    let dialog = shown();
    for (e, message, want) in [
        (json!({ "ordinal": 2 }), "the second one", one(1)),
        (json!({ "ordinal": -1 }), "le dernier", one(3)),
        (json!({ "ordinal": 9 }), "the ninth", Target::Unknown),
        (
            json!({ "name": "water lilies" }),
            "add the water lilies one",
            one(0),
        ),
        (
            json!({ "name": "nuit étoilée" }),
            "celui de la Nuit étoilée",
            one(3),
        ),
        (
            json!({ "name": "nuit etoilee" }),
            "celui de la nuit etoilee",
            one(3),
        ),
        // Two products fit: a question, never a pick.
        (
            json!({ "name": "great wave" }),
            "the great wave one",
            Target::Choose(vec![dialog.shown[1].clone(), dialog.shown[2].clone()]),
        ),
        // Not shown: searched for.
        (
            json!({ "name": "tazas de las meninas" }),
            "quiero 2 tazas de Las Meninas",
            Target::Search("tazas meninas".into()),
        ),
        // "It" after a list of several, nothing singled out: ask.
        (
            json!({ "anaphora": true }),
            "add it",
            Target::Choose(dialog.shown.clone()),
        ),
        (
            json!({}),
            "add to basket",
            Target::Choose(dialog.shown.clone()),
        ),
        // Without the newer entities, `product_ref` words are read the same way.
        (json!({ "product_ref": "la tercera" }), "la tercera", one(2)),
        (
            json!({ "product_ref": "those" }),
            "add two of those",
            Target::Choose(dialog.shown.clone()),
        ),
        (
            json!({ "product_ref": "The Last Supper print" }),
            "the Last Supper print",
            Target::Search("last supper print".into()),
        ),
    ] {
        assert_eq!(
            resolve(&dialog, &entities(e), message, Scope::Catalog),
            want,
            "{message}"
        );
    }
}

#[test]
fn the_focus_answers_pronouns_and_a_sku_in_the_message_wins() {
    let mut dialog = shown();
    dialog.focus = Some(dialog.shown[2].clone());
    let it = entities(json!({ "anaphora": true }));
    assert_eq!(
        resolve(&dialog, &it, "je le prends", Scope::Catalog),
        one(2)
    );
    let sku = entities(json!({ "sku": "SKU-1", "product_ref": "SKU-1" }));
    assert_eq!(resolve(&dialog, &sku, "add sku-1", Scope::Catalog), one(1));
    // A SKU the analysis resolved from the history, not written by the
    // shopper, counts only when the dialog knows it.
    let guessed = entities(json!({ "product_ref": "MUG-ELSEWHERE-01" }));
    assert_eq!(
        resolve(&dialog, &guessed, "add it", Scope::Catalog),
        Target::Unknown
    );
    // An unknown SKU written out is used as is (the storefront checks it).
    let written = entities(json!({ "sku": "MUG-NYMPH-01" }));
    assert!(matches!(
        resolve(&dialog, &written, "add MUG-NYMPH-01", Scope::Catalog),
        Target::One(Item { ref sku, .. }) if sku == "MUG-NYMPH-01"
    ));
}

#[test]
fn basket_actions_look_at_the_basket_first() {
    let mut dialog = shown();
    let postcard = item(7, "Las Meninas postcard");
    let mug = item(8, "Las Meninas mug");
    dialog.basket = Some(Basket {
        id: "bsk_1".into(),
        lines: vec![
            Line {
                item: postcard.clone(),
                quantity: 2,
            },
            Line {
                item: mug.clone(),
                quantity: 1,
            },
        ],
        last: Some(mug.id.clone()),
    });
    let named = entities(json!({ "name": "postcard" }));
    assert_eq!(
        resolve(&dialog, &named, "remove the postcard", Scope::Basket),
        Target::One(postcard.clone())
    );
    let quita = entities(json!({ "name": "postal" }));
    assert_eq!(
        resolve(&dialog, &quita, "quita la postal", Scope::Basket),
        Target::One(postcard.clone()),
        "postal ~ postcard"
    );
    // "Make it two": the line last added.
    assert_eq!(
        resolve(
            &dialog,
            &entities(json!({ "quantity": 2 })),
            "make it two",
            Scope::Basket
        ),
        Target::One(mug.clone())
    );
    let both = entities(json!({ "name": "meninas" }));
    assert_eq!(
        resolve(&dialog, &both, "remove the meninas", Scope::Basket),
        Target::Choose(vec![postcard, mug])
    );
    // Not in the basket: no search for a line that is not there.
    let absent = entities(json!({ "name": "scarf" }));
    assert_eq!(
        resolve(&dialog, &absent, "remove the scarf", Scope::Basket),
        Target::Unknown
    );
}

#[test]
fn a_question_is_answered_by_number_position_name_or_sku() {
    let dialog = shown();
    let question = Question {
        action: Action::Add { quantity: 1 },
        options: dialog.shown[1..3].to_vec(),
        name: None,
    };
    let pick = |e: Value, m: &str| pick_option(&question, &entities(e), m);
    assert_eq!(pick(json!({}), "2"), Some(dialog.shown[2].clone()));
    assert_eq!(pick(json!({}), "#1"), Some(dialog.shown[1].clone()));
    assert_eq!(
        pick(json!({ "ordinal": 1 }), "the first"),
        Some(dialog.shown[1].clone())
    );
    assert_eq!(
        pick(json!({ "name": "travel" }), "the travel one"),
        Some(dialog.shown[2].clone())
    );
    assert_eq!(
        pick(json!({}), "the stoneware one please"),
        Some(dialog.shown[1].clone())
    );
    assert_eq!(
        pick(json!({ "sku": "SKU-2" }), "SKU-2"),
        Some(dialog.shown[2].clone())
    );
    assert_eq!(pick(json!({}), "3"), None);
    assert_eq!(
        pick(json!({ "name": "great wave" }), "the great wave"),
        None,
        "both fit"
    );
    assert_eq!(pick(json!({}), "show me scarves instead"), None);
}

#[test]
fn a_name_matches_when_every_telling_word_is_in_the_title() {
    let t = |name: &str| telling(name);
    assert!(names(
        &t("Great Wave print"),
        "The Great Wave print off Kanagawa"
    ));
    assert!(names(&t("la taza de Monet"), "Taza Nenúfares de Monet"));
    assert!(names(&t("mugs"), "Water Lilies mug"));
    assert!(names(
        &t("cartes postales"),
        "Carte postale La Grande Vague"
    ));
    assert!(!names(
        &t("Zorblax Quindle figurine"),
        "Cycladic figurine replica"
    ));
    assert!(!names(&t("silk scarf of Klimt"), "Water Lilies silk scarf"));
    assert!(
        !names(&t("the"), "anything"),
        "no telling word names nothing"
    );
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

#[test]
fn a_bare_number_is_a_correction_and_a_named_one_is_not() {
    for (message, n) in [
        ("no wait, 5", 5),
        ("make it 2", 2),
        ("ok 2 then", 2),
        ("ponme dos", 2),
        ("vale pues 2", 2),
        ("no, mejor 5", 5),
        ("mets-en deux", 2),
        ("non, 5", 5),
        ("ok 2 alors", 2),
        ("plutôt trois", 3),
        ("ok juste un alors", 1),
        ("solo una", 1),
        ("une seule", 1),
        ("make it a dozen", 12),
    ] {
        assert_eq!(bare_quantity(message), Some(n), "{message}");
    }
    for message in [
        "add 2 mugs",
        "2 more",
        "quita 2",
        "5 or 6",
        "a mug",
        "the second one",
        "hello",
        "",
    ] {
        assert_eq!(bare_quantity(message), None, "{message}");
    }
}

#[test]
fn an_option_ruled_out_is_not_picked() {
    let question = Question {
        action: Action::Add { quantity: 1 },
        options: vec![
            item(1, "Taza mágica La noche estrellada"),
            item(2, "Taza La noche estrellada"),
        ],
        name: None,
    };
    let none = Entities::default();
    let picked = |m: &str| pick_option(&question, &none, m).map(|i| i.sku);
    assert_eq!(picked("la normal, no la magica").as_deref(), Some("SKU-2"));
    assert_eq!(picked("pas la magique").as_deref(), Some("SKU-2"));
    assert_eq!(
        picked("no la noche estrellada").as_deref(),
        None,
        "both ruled out"
    );
    assert_eq!(
        picked("no, la mágica").as_deref(),
        Some("SKU-1"),
        "'no' and a comma rule nothing out"
    );
}

#[test]
fn a_number_alone_between_commas_counts_its_neighbour() {
    assert_eq!(
        several("la vela de delft, añádeme 2, y la taza"),
        Some(vec![(2, "vela delft".to_owned()), (1, "taza".to_owned())])
    );
    assert_eq!(
        several("2, the mug and the tote"),
        Some(vec![(2, "mug".to_owned()), (1, "tote".to_owned())])
    );
    assert_eq!(several("la vela de delft, añádeme 2"), None, "one product");
}

#[test]
fn products_counted_one_by_one_are_an_order() {
    for order in [
        "a sunflowers postcard and an almond blossom postcard please",
        "una postal de los girasoles y una de almendro en flor",
        "2 tazas de las meninas y un delantal",
    ] {
        assert!(counted_list(order), "{order}");
    }
    for search in [
        "mugs and tote bags",
        "do you have a mug and a tote",
        "un mug",
        "montrez-moi un mug et un tote bag",
    ] {
        assert!(!counted_list(search), "{search}");
    }
}

#[test]
fn another_of_is_of_the_same_kind() {
    assert_eq!(
        several("una postal de la gran ola y otra de nenúfares"),
        Some(vec![
            (1, "postal gran ola".to_owned()),
            (1, "postal nenufares".to_owned())
        ])
    );
    assert_eq!(
        several("quiero 3 postales de los girasoles y 2 de la gran ola"),
        Some(vec![
            (3, "postales girasoles".to_owned()),
            (2, "postales gran ola".to_owned())
        ])
    );
    assert_eq!(
        several("a great wave postcard and a water lilies one"),
        Some(vec![
            (1, "great wave postcard".to_owned()),
            (1, "water lilies postcard".to_owned())
        ])
    );
}

#[test]
fn a_count_then_a_name_is_an_order_for_one_product() {
    assert_eq!(
        counted_one("3 livres les ciels de turner"),
        Some((3, "livres ciels turner".to_owned()))
    );
    assert_eq!(counted_one("2 eye of horus mugs").map(|(n, _)| n), Some(2));
    assert_eq!(
        counted_one("dame 4 imanes de nevera"),
        Some((4, "imanes nevera".to_owned()))
    );
    assert_eq!(
        counted_one("kiero una taza d las meninas"),
        Some((1, "taza meninas".to_owned()))
    );
    for not_one in [
        "i need a present for my mum",
        "a mug",
        "mugs under 20",
        "1 mug",
        "do you have 3 mugs",
        "3",
        "2 remove the mug",
    ] {
        assert_eq!(counted_one(not_one), None, "{not_one}");
    }
}

#[test]
fn asking_how_to_pay_is_not_asking_to_pay() {
    for question in [
        "can i pay by card?",
        "con que puedo pagar",
        "paiement par bizum possible ?",
        "pagar con tarjeta es seguro?",
        "do you accept paypal",
    ] {
        assert!(asks_how_to_pay(question), "{question}");
    }
    for request in [
        "i want to pay",
        "el enlace de pago",
        "je paie",
        "checkout pls",
    ] {
        assert!(!asks_how_to_pay(request), "{request}");
    }
}

#[test]
fn a_bare_how_much_is_the_total() {
    for question in [
        "cuanto les debo",
        "ça fait combien maintenant",
        "cuanto e",
        "how much now",
    ] {
        assert!(asks_total(question), "{question}");
    }
    for other in [
        "how much is the mug",
        "combien coûte le foulard",
        "cuanto cuesta la taza",
    ] {
        assert!(!asks_total(other), "{other}");
    }
}

#[test]
fn one_more_counts_and_nothing_else() {
    assert_eq!(more_of_it("une de plus"), Some(1));
    assert_eq!(more_of_it("va, dame otra"), Some(1));
    assert_eq!(more_of_it("pon otro y ya"), Some(1));
    assert_eq!(more_of_it("dame otro igual"), Some(1));
    assert_eq!(more_of_it("2 more please"), Some(2));
    assert_eq!(more_of_it("one more mug"), None, "names a product");
    assert_eq!(more_of_it("une de moins"), None, "fewer");
    assert_eq!(more_of_it("show me more"), None, "more results");
}

#[test]
fn going_on_to_the_next_product_asks_nothing() {
    for next in [
        "and one kiss mug",
        "y la corbata",
        "i la tarjeta navideña",
        "et le mug oeil d'horus",
        "tambien el juego de parejas",
        "the plush too",
    ] {
        assert!(goes_on(next), "{next}");
    }
    for other in [
        "and the tie?",
        "i want the tie",
        "and what days can i call",
        "y cuanto cuesta",
    ] {
        assert!(!goes_on(other), "{other}");
    }
}

#[test]
fn naming_an_option_answers_buying_words_add() {
    for buying in [
        "i'll take the pendant one",
        "añade la estatua",
        "je prends le mug",
        "the pendant one in my basket",
    ] {
        assert!(buys(&fold(buying)), "{buying}");
    }
    for naming in ["the pendant one", "la estatua de bastet", "le magique"] {
        assert!(!buys(&fold(naming)), "{naming}");
    }
}

#[test]
fn the_cheapest_option_is_picked_by_price() {
    let priced = |i: usize, title: &str, amount: &str| Item {
        price: Some(museo_sdk::types::Money {
            amount: amount.into(),
            currency: "EUR".into(),
        }),
        ..item(i, title)
    };
    let question = Question {
        action: Action::Add { quantity: 1 },
        options: vec![
            priced(1, "Marque-page en laiton Œil d'Horus", "8.90"),
            priced(2, "Lot de 4 marque-pages magnétiques Mucha", "5.90"),
        ],
        name: None,
    };
    let cheapest = entities(json!({ "pick": "cheapest" }));
    let dearest = entities(json!({ "pick": "most_expensive" }));
    let sku = |e: &Entities| pick_option(&question, e, "").map(|i| i.sku);
    assert_eq!(sku(&cheapest).as_deref(), Some("SKU-2"));
    assert_eq!(sku(&dearest).as_deref(), Some("SKU-1"));
}

#[test]
fn fewer_names_the_line_and_counts() {
    assert_eq!(fewer_of("una taza menos"), Some(("taza".into(), 1)));
    assert_eq!(
        fewer_of("un lot de crayons de moins"),
        Some(("lot crayons".into(), 1))
    );
    assert_eq!(fewer_of("2 postcards less"), Some(("postcards".into(), 2)));
    assert_eq!(fewer_of("one less"), None);
}

#[test]
fn a_verb_of_giving_is_told_from_a_correction() {
    for giving in [
        "ponme un par",
        "dame tres",
        "give me 2",
        "donne-moi en deux",
    ] {
        assert!(gives(giving), "{giving}");
    }
    for other in ["make it 2", "mejor que sean dos", "plutôt 3", "pon 2"] {
        assert!(!gives(other), "{other}");
    }
}

#[test]
fn duties_are_asked_in_three_languages() {
    for asked in [
        "customs?",
        "hay que pagar aduana?",
        "il y a des frais de douane ?",
    ] {
        assert!(asks_customs(asked), "{asked}");
    }
    assert!(!asks_customs("custom engraving?"));
}

#[test]
fn that_one_too_points_and_adds_nothing_else() {
    for too in [
        "esa tambien",
        "celui-la aussi",
        "that one too",
        "ese también",
    ] {
        assert!(that_one_too(too), "{too}");
    }
    for other in [
        "esa",
        "is that one good too?",
        "quita esa tambien",
        "the mug too",
    ] {
        assert!(!that_one_too(other), "{other}");
    }
}

#[test]
fn a_part_is_no_product_name() {
    for part in ["chain", "la cadena", "chaîne"] {
        assert!(a_part_of_it(part), "{part}");
    }
    for name in ["kiss necklace", "mug", "chain necklace"] {
        assert!(!a_part_of_it(name), "{name}");
    }
}

#[test]
fn another_product_named_beside_it_is_told_apart() {
    let pendant = item(1, "Eye of Horus silver pendant");
    assert!(names_another("and the eye of horus brass bookmark too", &pendant).is_some());
    assert!(names_another("too pricey, add the kiss necklace instead", &pendant).is_some());
    assert_eq!(
        names_another("add the eye of horus pendant", &pendant),
        None
    );
    assert_eq!(names_another("add it", &pendant), None);
}

#[test]
fn vague_wishes_name_no_product() {
    for vague in [
        "add something nice",
        "añade algo bonito",
        "ajoute un truc sympa",
    ] {
        assert!(only_vague(vague), "{vague}");
    }
    for named in [
        "add the kiss mug",
        "add it",
        "añade algo de klimt",
        "lovely, add it",
    ] {
        assert!(!only_vague(named), "{named}");
    }
}

#[test]
fn a_second_one_is_one_more() {
    assert!(a_second_one("mets-en un deuxième"));
    assert!(a_second_one("i'll have a second one"));
    assert!(!a_second_one("add the second one"));
}

#[test]
fn a_count_of_them_and_a_question_at_the_end() {
    assert!(counts_them("the kiss bauble, 4 of them for the tree"));
    assert!(!counts_them("the kiss bauble and the wave mug"));
    assert!(ends_asking("y el fular de gasa de degas de q es"));
    assert!(ends_asking("et le mug magique, c'est quoi"));
    assert!(!ends_asking("y el fular de gasa de degas"));
    assert!(ends_asking("y la estola, de q color es"));
    assert!(ends_asking("the mummy dig kit, how old do they need to be"));
    assert!(ends_asking("y el libro de velazquez de q idioma es"));
    assert!(!ends_asking("y la estola, que es preciosa, ponmela"));
}

#[test]
fn either_of_two_things() {
    assert!(offers_either("avez-vous des carnets ou des agendas ?"));
    assert!(offers_either("paraguas de Monet o de Klimt"));
    assert!(!offers_either("show me silk scarves"));
    assert!(!offers_either("o"));
}

#[test]
fn a_number_inside_a_name_is_no_count() {
    assert!(count_inside_name("mucha four seasons print"));
    assert!(!count_inside_name("3 livres les ciels de turner"));
    assert!(!count_inside_name("et le cabas logo museo, deux"));
    assert!(!count_inside_name("la taza de los girasoles dos"));
    assert!(!count_inside_name("la manche a air carpe"));
    assert!(!count_inside_name(
        "et la tasse grecque aussi tant qu'a faire"
    ));
}

#[test]
fn what_a_message_rules_out() {
    assert_eq!(
        only_rules_out("non en fait pas le stylo"),
        Some(vec!["stylo".to_owned()])
    );
    assert_eq!(only_rules_out("le mug, pas le stylo"), None);
    assert_eq!(only_rules_out("add the pen"), None);
}

#[test]
fn a_message_that_is_only_a_position_picks_it() {
    for (message, n) in [
        ("second one pls", 2),
        ("the second one", 2),
        ("3rd one", 3),
        ("the first one then", 1),
        ("le premier alors", 1),
        ("la última porfa", -1),
        ("ok the last one", -1),
        ("gimme the first", 1),
        ("deme la segunda", 2),
        ("jprends le deuxième", 2),
        ("lovely, and the first one too", 1),
        ("y la última también", -1),
    ] {
        assert_eq!(only_position(message), Some(n), "{message}");
    }
    for message in [
        "the second one is it dishwasher safe",
        "the last supper print",
        "le premier mug tournesols",
        "second hand books",
    ] {
        assert_eq!(only_position(message), None, "{message}");
    }
}

#[test]
fn who_a_product_is_for_is_not_part_of_the_request() {
    let cases = [
        ("i need 5 packs for my class", "i need 5 packs"),
        ("mejor 2, uno para mí y otro para mi prima", "mejor 2"),
        ("en realidad 2, uno para mi hermana", "en realidad 2"),
        ("mandame 2 mejor, una es para regalar", "mandame 2 mejor"),
        (
            "do u sell cufflinks? its for my dad",
            "do u sell cufflinks?",
        ),
        (
            "and for my 4 yr old, the van gogh bedroom puzzle",
            "and the van gogh bedroom puzzle",
        ),
        ("une pour ma soeur et le mug", "et le mug"),
        (
            "¿cuánto cuesta el envío para mi casa en Canarias?",
            "¿cuánto cuesta el envío en Canarias?",
        ),
        (
            "a present for my mum, she loves Van Gogh",
            "a present she loves Van Gogh",
        ),
    ];
    for (message, want) in cases {
        assert_eq!(without_recipients(message), want, "{message}");
    }
    // Nothing of who it is for: the message as it was.
    for message in [
        "a stand for mugs",
        "para el cabello",
        "pour la classe",
        "for",
        "para mi",
    ] {
        assert!(
            matches!(without_recipients(message), std::borrow::Cow::Borrowed(_)),
            "{message}"
        );
    }
}

#[test]
fn a_request_for_the_product_named_is_told_from_a_look_and_a_removal() {
    assert!(requests_the("righto. the kiss pendant necklace pls"));
    assert!(requests_the("ok the stoneware great wave mug instead"));
    assert!(requests_the("la taza de las meninas porfa"));
    assert!(!requests_the("show me the mugs please"));
    assert!(!requests_the("take the letters book out"));
    assert!(!requests_the("the kiss pendant necklace pls?"));
    assert!(!requests_the("kiss pendant necklace"));
    assert!(takes_it_out("take the letters book out"));
    assert!(!takes_it_out("take the letters book"));
}

#[test]
fn and_the_names_another_product_and_asks_nothing_of_its_own() {
    assert!(and_the(
        "y la taza de los girasoles si?",
        "taza de los girasoles"
    ));
    assert!(and_the(
        "pis le pendentif libellule?",
        "pendentif libellule"
    ));
    assert!(and_the("what about the tote?", "tote"));
    // Its own question, no "?", or the name before the "and": not a follow-up.
    assert!(!and_the("and the tote, is it cotton?", "tote"));
    assert!(!and_the("and the tote", "tote"));
    assert!(!and_the("mugs and cups?", "mugs and cups"));
}

#[test]
fn a_first_clause_names_one_product_with_a_definite_article() {
    assert_eq!(
        names_the_one("le pendentif libellule, c'est fait en quoi").as_deref(),
        Some("le pendentif libellule")
    );
    assert_eq!(
        names_the_one("les mugs, lesquels vont au micro-ondes"),
        None
    );
    assert_eq!(names_the_one("le pendentif libellule"), None);
    assert_eq!(names_the_one("the, what"), None);
}

#[test]
fn a_swap_takes_one_line_out_and_puts_another_in() {
    assert_eq!(
        swaps("ah non alors enleve le chat et mets le lievre"),
        Some((
            "ah non alors enleve le chat".into(),
            "mets le lievre".into()
        ))
    );
    assert!(swaps("no no, saca la de girasoles y poneme la taza del almendro en flor").is_some());
    assert_eq!(swaps("add the mug and the tote"), None);
    assert_eq!(swaps("remove the mug and the tote"), None);
}

#[test]
fn the_product_talked_about_joins_a_request_for_another() {
    assert_eq!(
        several("ok add it and the water lilies cushion cover"),
        Some(vec![
            (1, String::new()),
            (1, "water lilies cushion cover".to_owned())
        ])
    );
    assert_eq!(
        several("je la prends, avec la housse de coussin nymphéas"),
        Some(vec![
            (1, String::new()),
            (1, "housse coussin nympheas".to_owned())
        ])
    );
    assert_eq!(
        several("listo, me lo llevo, regaleme 3"),
        None,
        "a comma alone joins nothing"
    );
}

#[test]
fn an_acknowledgement_closed_by_punctuation_is_left_out() {
    for (message, rest) in [
        ("great. remove the cat", "remove the cat"),
        ("Dommage. Alors le mug", "Alors le mug"),
        (
            "vaya... pues la bolsa de la gran ola",
            "pues la bolsa de la gran ola",
        ),
        ("ok great, add the socks", "add the socks"),
    ] {
        assert_eq!(without_acknowledgement(message), rest, "{message}");
    }
    for kept in [
        "great wave mug please",
        "no, the red one",
        "ok, 3",
        "gracias, luego vuelvo",
        "ok add it",
    ] {
        assert_eq!(without_acknowledgement(kept), kept);
    }
}
