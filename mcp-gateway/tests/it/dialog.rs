//! Whole conversations over the real WebSocket, judged turn by turn with
//! the `converse` example's judge: each behaviour of the dialog engine in
//! three languages, and every conversation set in `data/conversations/`
//! with no basket change that nobody asked for.

#[path = "../../examples/converse/judge.rs"]
#[allow(dead_code)]
mod judge;

use anyhow::ensure;

use crate::support::gateway;

/// Plays `set` on a fresh in-process gateway; the verdicts.
async fn play_all(set: &[judge::Conversation]) -> anyhow::Result<Vec<judge::Played>> {
    let dir = tempfile::tempdir()?;
    let running = gateway(dir.path(), true, &[]).await?;
    let mut played = Vec::new();
    for conversation in set {
        played.push(judge::play(&running.url, conversation).await?);
    }
    running.shutdown().await?;
    Ok(played)
}

fn failures(set: &[judge::Conversation], played: &[judge::Played]) -> Vec<String> {
    let mut out = Vec::new();
    for (c, p) in set.iter().zip(played) {
        for (spec, t) in c.turns.iter().zip(&p.turns) {
            if !t.ok {
                out.push(format!(
                    "{} {:?} → {} {:?}: {}",
                    c.id,
                    spec.user,
                    t.intent,
                    t.text,
                    t.problems.join("; ")
                ));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "plays every set (minutes); its target, no basket change nobody asked for, is not met yet: run with --ignored"]
async fn every_set_changes_no_basket_that_nobody_asked_to_change() -> anyhow::Result<()> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/conversations");
    let mut sets = 0;
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        sets += 1;
        let set = judge::read_set(&std::fs::read_to_string(&path)?)?;
        let played = play_all(&set).await?;
        let figures = judge::tally(&played);
        let all = figures["all"];
        // Blind sets are reported in aggregate only: counts, never turns.
        ensure!(
            all.wrong_actions == 0,
            "{}: {} basket changes nobody asked for",
            path.display(),
            all.wrong_actions
        );
    }
    ensure!(sets >= 2, "the dev set and at least one blind set");
    Ok(())
}

/// Behaviours with answers that do not depend on search ranking, in three
/// languages: a product named in one turn, out of stock worded for the
/// shopper, a quantity set, the total, a shop question, "it" with nothing
/// singled out asking first, a name with "and" in it, a pack size in a name,
/// a bare number correcting the line just added ("no wait, 5", "ponme dos",
/// "non, 5") or counting the product just refused, "one more" / "un de
/// plus" on a line, a change of mind replacing the line just added, and
/// products counted one by one ("una postal de la gran ola y otra de
/// nenúfares"), a short message that does not switch the language of a
/// conversation whose app gave no locale, a misspelt name ("umbrela"),
/// answers from the description in the shopper's language, a question
/// about cancelling an order, units off a line named ("una taza menos"),
/// "the 3 you have" / "las 2 que haya" after a refusal for stock, counts
/// written "x2", a quantity with a reason after it ("make it 3, they're for
/// my book club"), a total asked in a last clause or as "what does it all
/// come to", a print's frame and a mug's capacity from its description, a
/// name keeping its material ("le foulard en coton de Sorolla") and losing
/// its chatter ("ok pas grave ajoute-le"), a question that names a product
/// and buys nothing ("tenes el colgante…?", "how many have you got
/// then?"), a formal "retirez" taking units out, "and the sunflowers
/// mug?" asking the question just answered again of another product (or
/// looking at it), who a product is for ("una para mi hermana y otra para
/// mi prima") counting nothing, a product asked for by name with "pls" or
/// "porfa" going in, "and the kiss socks" after a question about a basket
/// line, "take the mug out", shop questions about who pays return postage,
/// gift cards and Twint, paying later as a goodbye, a line out and another
/// product in, in one message ("enlève le mug et mets le mug nymphéas"),
/// and never acting on a guess: a material asked about with nothing in
/// focus, a correction with an empty basket, a product named with an
/// article and nothing of buying, a kind and a wish no title has ("une
/// reproduction à encadrer"), a line named again with no count ("la taza de
/// los nenúfares porfa" right after two went in).
const BEHAVIOURS: &str = r#"
{"id":"en-1","lang":"en","locale":"en-IE","turns":[ {"user":"add it","basket":{},"ask":true}, {"user":"add 2 Las Meninas mugs","intent":"basket.add","basket":{"MUG-MENINAS-01":2}}, {"user":"add the dragonfly stained-glass table lamp","basket":{"MUG-MENINAS-01":2},"say":["out of stock"]}, {"user":"what do I owe?","intent":"basket.view","basket":{"MUG-MENINAS-01":2},"say":["27.80"]}, {"user":"what is your return policy?","intent":"store.info","basket":{"MUG-MENINAS-01":2},"say":["30 days"]}]}
{"id":"es-1","lang":"es","locale":"es-ES","turns":[ {"user":"quiero 2 tazas de Las Meninas","intent":"basket.add","basket":{"MUG-MENINAS-01":2}}, {"user":"añade la lámpara de mesa de vidriera libélulas","basket":{"MUG-MENINAS-01":2},"say":["agotad"]}, {"user":"¿cuánto es en total?","intent":"basket.view","basket":{"MUG-MENINAS-01":2},"say":["27,80"]}, {"user":"¿cómo puedo devolver un pedido?","intent":"store.info","basket":{"MUG-MENINAS-01":2},"say":["ord_"]}]}
{"id":"fr-1","lang":"fr","locale":"fr-FR","turns":[ {"user":"je voudrais 2 mugs Les Ménines","intent":"basket.add","basket":{"MUG-MENINAS-01":2}}, {"user":"ajoute la lampe de table en vitrail libellules","basket":{"MUG-MENINAS-01":2},"say":["rupture"]}, {"user":"ça fait combien au total ?","intent":"basket.view","basket":{"MUG-MENINAS-01":2},"say":["27,80"]}]}
{"id":"en-2","lang":"en","locale":"en-IE","turns":[ {"user":"add a vincent and the sunflowers book","intent":"basket.add","basket":{"KID-BOOK-VINCENT":1}}, {"user":"add the impressionists postcard set of 12 cards","intent":"basket.add","basket":{"KID-BOOK-VINCENT":1,"PC-SET-IMPR":1}} ]}
{"id":"es-2","lang":"es","locale":"es-ES","turns":[ {"user":"añade el álbum vincent y los girasoles","intent":"basket.add","basket":{"KID-BOOK-VINCENT":1}}, {"user":"añade el set de 12 postales impresionistas","intent":"basket.add","basket":{"KID-BOOK-VINCENT":1,"PC-SET-IMPR":1}} ]}
{"id":"fr-2","lang":"fr","locale":"fr-FR","turns":[ {"user":"ajoute l'album vincent et les tournesols","intent":"basket.add","basket":{"KID-BOOK-VINCENT":1}}, {"user":"ajoute le coffret de 12 cartes impressionnistes","intent":"basket.add","basket":{"KID-BOOK-VINCENT":1,"PC-SET-IMPR":1}} ]}
{"id":"en-3","lang":"en","locale":"en-IE","turns":[ {"user":"3 eye of horus mugs","intent":"basket.add","basket":{"MUG-EGYPT-01":3}}, {"user":"no wait, 5","intent":"basket.update","basket":{"MUG-EGYPT-01":5}}, {"user":"one less","intent":"basket.update","basket":{"MUG-EGYPT-01":4}}, {"user":"the red fuji silk neckerchief, 3 of them","basket":{"MUG-EGYPT-01":4},"say":["only 2"]}, {"user":"ok 2 then","intent":"basket.add","basket":{"MUG-EGYPT-01":4,"SCF-FUJI-NECK":2}} ]}
{"id":"es-3","lang":"es","locale":"es-ES","turns":[ {"user":"añade una postal de la gran ola y otra de nenúfares","intent":"basket.add","basket":{"PC-WAVE-01":1,"PC-NYMPH-01":1}}, {"user":"ponme la bolsa de tela de la gran ola","intent":"basket.add","basket":{"PC-WAVE-01":1,"PC-NYMPH-01":1,"TOTE-WAVE-01":1}}, {"user":"no espera, mejor la de fuji rojo","basket":{"PC-WAVE-01":1,"PC-NYMPH-01":1,"TOTE-HOKU-01":1}}, {"user":"ponme dos","intent":"basket.update","basket":{"PC-WAVE-01":1,"PC-NYMPH-01":1,"TOTE-HOKU-01":2}} ]}
{"id":"fr-3","lang":"fr","locale":"fr-FR","turns":[ {"user":"une carte postale tournesols et une carte postale grande vague svp","intent":"basket.add","basket":{"PC-SUNFL-01":1,"PC-WAVE-01":1}}, {"user":"un de plus","intent":"basket.update","basket":{"PC-SUNFL-01":1,"PC-WAVE-01":2}}, {"user":"non, 5","intent":"basket.update","basket":{"PC-SUNFL-01":1,"PC-WAVE-01":5}}, {"user":"plutôt le torchon rhinocéros","basket":{"PC-SUNFL-01":1,"HOM-TOWEL-RHINO":1}} ]}
{"id":"en-4","lang":"en","turns":[ {"user":"how much is the owl coin","basket":{},"ask":true}, {"user":"the pendant one","intent":"product.question","basket":{},"say":["129"]}, {"user":"do you have the kiss christmas bauble","basket":{}}, {"user":"4 pls","basket":{},"say":["only 3"]}, {"user":"fine 3","intent":"basket.add","basket":{"HOM-BAUBLE-KISS":3}}, {"user":"and one kiss mug","intent":"basket.add","basket":{"HOM-BAUBLE-KISS":3,"MUG-KISS-01":1}}, {"user":"can i pay by card?","intent":"store.info","basket":{"HOM-BAUBLE-KISS":3,"MUG-KISS-01":1},"say":["visa"]} ]}
{"id":"es-5","lang":"es","locale":"es-ES","turns":[ {"user":"cuanto cuesta la bastet","basket":{},"ask":true}, {"user":"la estatua de bastet","basket":{},"say":["59"]}, {"user":"quiero 3 postales de la gran ola","intent":"basket.add","basket":{"PC-WAVE-01":3}}, {"user":"y de las postales de la ola pon una menos","intent":"basket.update","basket":{"PC-WAVE-01":2}}, {"user":"dame otra","intent":"basket.update","basket":{"PC-WAVE-01":3}}, {"user":"cuanto les debo","intent":"basket.view","basket":{"PC-WAVE-01":3},"say":["5,40"]} ]}
{"id":"fr-4","lang":"fr","turns":[ {"user":"je cherche des peluches","intent":"product.search","basket":{}}, {"user":"je prends la 2eme","intent":"basket.add","basket":{"@2":1}}, {"user":"une de plus","intent":"basket.update","basket":{"@2":2}}, {"user":"ajoute le marque page oeil d'horus","intent":"basket.add","basket":{"@2":2,"STA-BKM-HORUS":1}}, {"user":"trop cher enleve le","intent":"basket.remove","basket":{"@2":2}} ]}
{"id":"es-4","lang":"es","turns":[ {"user":"hola, ¿tenéis tazas de Van Gogh?","intent":"product.search","basket":{}}, {"user":"la más barata","intent":"product.search","basket":{}}, {"user":"me la llevo","intent":"basket.add","basket":{"@cheapest":1}}, {"user":"¿cuánto es?","intent":"basket.view","basket":{"@cheapest":1},"say":["Tu cesta"]} ]}
{"id":"en-5","lang":"en","locale":"en-GB","turns":[ {"user":"hi, do you have the starry night umbrela?","intent":"product.search","basket":{},"shows":["UMB-STARRY-MINI"]}, {"user":"how big is it folded","intent":"product.question","basket":{},"say":["24 cm"]}, {"user":"add 2","intent":"basket.add","basket":{"UMB-STARRY-MINI":2}}, {"user":"can i still cancel my order?","intent":"store.info","basket":{"UMB-STARRY-MINI":2},"say":["cancel"]}, {"user":"whats my total","intent":"basket.view","basket":{"UMB-STARRY-MINI":2},"say":["49.80"]} ]}
{"id":"es-6","lang":"es","locale":"es-ES","turns":[ {"user":"hola! tienen la taza de las meninas?","intent":"product.search","basket":{},"shows":["MUG-MENINAS-01"]}, {"user":"se puede meter en el lavavajillas?","intent":"product.question","basket":{},"say":["lavavajillas"]}, {"user":"me la quedo, ponme 2","intent":"basket.add","basket":{"MUG-MENINAS-01":2}}, {"user":"y una postal de los girasoles","intent":"basket.add","basket":{"MUG-MENINAS-01":2,"PC-SUNFL-01":1}}, {"user":"una taza menos","intent":"basket.update","basket":{"MUG-MENINAS-01":1,"PC-SUNFL-01":1}}, {"user":"cuanto es","intent":"basket.view","basket":{"MUG-MENINAS-01":1,"PC-SUNFL-01":1},"say":["15,70"]} ]}
{"id":"es-7","lang":"es","locale":"es-ES","turns":[ {"user":"¿es de plata?","basket":{}}, {"user":"mejor 2","basket":{}}, {"user":"los gemelos de la gran ola","basket":{},"shows":["JWL-WAVE-CUFF"]}, {"user":"mejor 2","basket":{}} ]}
{"id":"fr-5","lang":"fr","locale":"fr-FR","turns":[ {"user":"bonjour, vous avez des bougies ?","intent":"product.search","basket":{},"shows":["HOM-CANDLE-DELFT"]}, {"user":"elle brule combien de temps","intent":"product.question","basket":{},"say":["45 heures"]}, {"user":"je la prends","intent":"basket.add","basket":{"HOM-CANDLE-DELFT":1}}, {"user":"et si ca plait pas je peux la renvoyer ?","intent":"store.info","basket":{"HOM-CANDLE-DELFT":1},"say":["30 jours"]} ]}
{"id":"en-6","lang":"en","locale":"en-GB","turns":[ {"user":"earrings please","intent":"product.search","basket":{},"shows":["JWL-TARTESSOS-EAR"],"not_shows":["KID-PLUSH-BASTET"]}, {"user":"put the priciest pair in my basket","intent":"basket.add","basket":{"JWL-TARTESSOS-EAR":1}}, {"user":"and a hunters in the snow christmas card","intent":"basket.add","basket":{"JWL-TARTESSOS-EAR":1,"PC-XMAS-01":1}}, {"user":"whats your email","intent":"store.info","basket":{"JWL-TARTESSOS-EAR":1,"PC-XMAS-01":1},"say":["shop@museo.example"]} ]}
{"id":"es-8","lang":"es","locale":"es-ES","turns":[ {"user":"la vela de delft","basket":{},"shows":["HOM-CANDLE-DELFT"]}, {"user":"a que huele","intent":"product.question","basket":{},"say":["higuera"]}, {"user":"la quiero","intent":"basket.add","basket":{"HOM-CANDLE-DELFT":1}}, {"user":"mmm no, quitala","intent":"basket.remove","basket":{}}, {"user":"la taza de los girasoles cuanto cuesta","intent":"product.question","basket":{},"say":["14,90"]}, {"user":"ponme un par","intent":"basket.add","basket":{"MUG-SUNFL-01":2}}, {"user":"y donde esta la tienda","intent":"store.info","basket":{"MUG-SUNFL-01":2},"say":["prado"]} ]}
{"id":"fr-6","lang":"fr","locale":"fr-FR","turns":[ {"user":"un cadeau pour ma copine, elle adore klimt","intent":"product.search","basket":{}}, {"user":"les cubes en bois temple grec","basket":{}}, {"user":"combien de pièces","intent":"product.question","basket":{},"say":["30"]}, {"user":"je veux celui des nymphéas","basket":{},"ask":true}, {"user":"le parapluie","intent":"basket.add","basket":{"UMB-NYMPH-INSIDE":1}}, {"user":"et le lot de 6 magnets, 2 exemplaires svp","intent":"basket.add","basket":{"UMB-NYMPH-INSIDE":1,"HOM-MAG-SET6":2}} ]}
{"id":"fr-7","lang":"fr","locale":"fr-FR","turns":[ {"user":"vous livrez en belgique ?","intent":"store.info","basket":{},"say":["9,90"]}, {"user":"ça prend combien de temps ?","intent":"store.info","basket":{},"say":["jours"]}, {"user":"il y a des frais de douane ?","intent":"store.info","basket":{},"say":["douane"]}, {"user":"le mug des nymphéas","basket":{},"shows":["MUG-NYMPH-01"]}, {"user":"je le prends","intent":"basket.add","basket":{"MUG-NYMPH-01":1}}, {"user":"et le mug tournesols, il passe au micro-ondes ?","intent":"product.question","basket":{"MUG-NYMPH-01":1}}, {"user":"celui-là aussi","intent":"basket.add","basket":{"MUG-NYMPH-01":1,"MUG-SUNFL-01":1}} ]}
{"id":"fr-8","lang":"fr","locale":"fr-FR","turns":[ {"user":"des parapluies ?","intent":"product.search","basket":{}}, {"user":"celui de la nuit étoilée","intent":"basket.add","basket":{"UMB-STARRY-MINI":1}}, {"user":"il est pliant ?","intent":"product.question","basket":{"UMB-STARRY-MINI":1},"say":["pliant"]}, {"user":"mets-en un deuxième","basket":{"UMB-STARRY-MINI":2}}, {"user":"d'autres tote bags en stock à moins de 15 ?","intent":"product.search","basket":{"UMB-STARRY-MINI":2},"say":["tote bag"]} ]}
{"id":"fr-9","lang":"fr","locale":"fr-FR","turns":[ {"user":"avez-vous des carnets ou des agendas ?","intent":"product.search","basket":{},"shows":["STA-NB-MONET"]}, {"user":"je prends le premier","intent":"basket.add","basket":{"@1":1}} ]}
{"id":"fr-10","lang":"fr","locale":"fr-FR","turns":[ {"user":"le mug magique nuit etoilee","basket":{},"shows":["MUG-HEAT-01"]}, {"user":"je le prends","intent":"basket.add","basket":{"MUG-HEAT-01":1}}, {"user":"ok. ajoutez aussi le stylo nuit etoilee","intent":"basket.add","basket":{"MUG-HEAT-01":1,"STA-PEN-STARRY":1}}, {"user":"non en fait pas le stylo","intent":"basket.remove","basket":{"MUG-HEAT-01":1}} ]}
{"id":"en-9","lang":"en","locale":"en-GB","turns":[ {"user":"mucha four seasons print","basket":{},"shows":["PRT-MUCHA-01"]}, {"user":"the kiss bauble, 4 of them for the tree","basket":{}} ]}
{"id":"en-10","lang":"en","locale":"en-GB","turns":[ {"user":"show me silk scarves under 50 euros","intent":"product.search","basket":{},"not_shows":["SCF-SOROLLA-COTTON"]}, {"user":"which is the cheapest?","intent":"product.search","basket":{}}, {"user":"add it","intent":"basket.add","basket":{"SCF-FUJI-NECK":1}} ]}
{"id":"es-9","lang":"es","locale":"es-ES","turns":[ {"user":"la taza de los nenufares","basket":{},"shows":["MUG-NYMPH-01"]}, {"user":"cuanto sale","intent":"product.question","basket":{},"say":["14,90"]}, {"user":"y el libro de sorolla","basket":{}}, {"user":"vienen en caja?","basket":{}}, {"user":"cuanto suma","intent":"basket.view","basket":{},"say":["vacía"]} ]}
{"id":"es-10","lang":"es","locale":"es-ES","turns":[ {"user":"y la del jardin de las delicias, 3","basket":{},"ask":true}, {"user":"pues 2","basket":{},"ask":true}, {"user":"la lamina","intent":"basket.add","basket":{"PRT-BOSCH-01":2}} ]}
{"id":"en-7","lang":"en","locale":"en-GB","turns":[ {"user":"do u ship outside europe","intent":"store.info","basket":{},"say":["19.90"]}, {"user":"to the us how long","intent":"store.info","basket":{},"say":["15"]}, {"user":"is the kiss necklace real gold?","intent":"product.question","basket":{},"say":["gold-plated"]}, {"user":"get it","intent":"basket.add","basket":{"JWL-KISS-NECK":1}}, {"user":"how much is all that","intent":"basket.view","basket":{"JWL-KISS-NECK":1},"say":["49.00"]} ]}
{"id":"en-8","lang":"en","locale":"en-GB","turns":[ {"user":"is the eye of horus pendant real silver","intent":"product.question","basket":{},"say":["silver"]}, {"user":"what length is the chain","intent":"product.question","basket":{},"say":["42"]}, {"user":"nice, add it","intent":"basket.add","basket":{"JWL-HORUS-01":1}}, {"user":"perfect, and the eye of horus brass bookmark too","intent":"basket.add","basket":{"JWL-HORUS-01":1,"STA-BKM-HORUS":1}} ]}
{"id":"en-11","lang":"en","locale":"en-GB","turns":[ {"user":"add 5 greek key meander cups","basket":{},"say":["3"]}, {"user":"ok the 3 you have then","intent":"basket.add","basket":{"MUG-GREEK-01":3}}, {"user":"what does it all come to","intent":"basket.view","basket":{"MUG-GREEK-01":3},"say":["38.70"]} ]}
{"id":"en-12","lang":"en","locale":"en-GB","turns":[ {"user":"hokusai washi tape x2","intent":"basket.add","basket":{"STA-WASHI-HOKU":2}}, {"user":"make it 3, they're for my book club","intent":"basket.update","basket":{"STA-WASHI-HOKU":3}}, {"user":"ok fine. total?","intent":"basket.view","basket":{"STA-WASHI-HOKU":3},"say":["23.70"]} ]}
{"id":"es-11","lang":"es","locale":"es-ES","turns":[ {"user":"quiero 3 bolsas de tela de las bailarinas de degas","basket":{},"say":["2"]}, {"user":"vale pues las 2 que haya","intent":"basket.add","basket":{"TOTE-DEGAS-01":2}}, {"user":"busco laminas de van gogh","intent":"product.search","basket":{"TOTE-DEGAS-01":2}}, {"user":"viene enmarcada la de la terraza de cafe?","intent":"product.question","basket":{"TOTE-DEGAS-01":2},"say":["sin marco"]} ]}
{"id":"fr-11","lang":"fr","locale":"fr-FR","turns":[ {"user":"le foulard en coton de sorolla c'est combien","intent":"product.question","basket":{},"say":["29,00"]}, {"user":"ok pas grave ajoute-le","intent":"basket.add","basket":{"SCF-SOROLLA-COTTON":1}}, {"user":"et le mug en gres grande vague, il contient combien ?","intent":"product.question","basket":{"SCF-SOROLLA-COTTON":1},"say":["400"]} ]}
{"id":"en-13","lang":"en","locale":"en-GB","turns":[ {"user":"add 5 greek key meander cups","basket":{},"say":["3"]}, {"user":"oh. how many have you got then?","basket":{}}, {"user":"what's the total?","intent":"basket.view","basket":{},"say":["empty"]} ]}
{"id":"es-12","lang":"es","locale":"es-AR","turns":[ {"user":"tenes el colgante de la libelula?","intent":["product.details","product.question","product.search"],"basket":{}}, {"user":"de que es?","intent":"product.question","basket":{}}, {"user":"bueno, agregalo","intent":"basket.add","basket":{"JWL-DRAGONFLY-01":1}} ]}
{"id":"fr-12","lang":"fr","locale":"fr-FR","turns":[ {"user":"ajoute 4 cartes de noel chasseurs dans la neige","intent":"basket.add","basket":{"PC-XMAS-01":4}}, {"user":"Finalement, retirez 2 cartes de Noël.","intent":["basket.remove","basket.update"],"basket":{"PC-XMAS-01":2}}, {"user":"ça fait combien ?","intent":"basket.view","basket":{"PC-XMAS-01":2},"say":["7,00"]} ]}
{"id":"en-14","lang":"en","locale":"en-IE","turns":[ {"user":"replicas under 50","intent":"product.search","basket":{}}, {"user":"second one pls","intent":"basket.add","basket":{"@2":1}}, {"user":"add the water lilies silk tie","intent":"basket.add","basket":{"@2":1,"TIE-NYMPH":1}}, {"user":"hmm remove the tie actually, bit pricey","intent":"basket.remove","basket":{"@2":1}} ]}
{"id":"en-15","lang":"en","locale":"en-IE","turns":[ {"user":"nefertiti","intent":"product.search","basket":{},"shows":["REP-NEFER-24"]}, {"user":"add the kiss mug","intent":"basket.add","basket":{"MUG-KISS-01":1}}, {"user":"remove the kiss socks","basket":{"MUG-KISS-01":1},"ask":true} ]}
{"id":"es-13","lang":"es","locale":"es-MX","turns":[ {"user":"busco réplicas de menos de 50 euros","intent":"product.search","basket":{}}, {"user":"agréguelo","basket":{},"ask":true}, {"user":"agregue la segunda por favor","intent":"basket.add","basket":{"@2":1}}, {"user":"ah ok jaja, entonces agrégame el libro de sorolla","intent":"basket.add","basket":{"@2":1,"BK-SOROLLA-01":1}}, {"user":"quíteme el de sorolla","intent":"basket.remove","basket":{"@2":1}} ]}
{"id":"es-14","lang":"es","locale":"es-ES","turns":[ {"user":"añade el paraguas de golf de turner","intent":"basket.add","basket":{"UMB-TURNER-GOLF":1}}, {"user":"y la bufanda de lana de turner","intent":"basket.add","basket":{"UMB-TURNER-GOLF":1,"SCF-TURNER-WOOL":1}}, {"user":"uh me pasé, saca el paraguas","intent":"basket.remove","basket":{"SCF-TURNER-WOOL":1}}, {"user":"póngame dos tazas de las meninas","intent":"basket.add","basket":{"SCF-TURNER-WOOL":1,"MUG-MENINAS-01":2}}, {"user":"quíteme una taza","intent":["basket.update","basket.remove"],"basket":{"SCF-TURNER-WOOL":1,"MUG-MENINAS-01":1}} ]}
{"id":"fr-13","lang":"fr","locale":"fr-FR","turns":[ {"user":"Coucou ! je cherche des idées pour un enfant de 4 ans","intent":"product.search","basket":{}}, {"user":"ajoute le livre vincent et les tournesols","intent":"basket.add","basket":{"KID-BOOK-VINCENT":1}}, {"user":"des parapluies à moins de 40 euros","intent":"product.search","basket":{"KID-BOOK-VINCENT":1}}, {"user":"le premier alors","intent":"basket.add","basket":{"KID-BOOK-VINCENT":1,"@1":1}}, {"user":"mets-le dans le panier","intent":["basket.add","basket.update"],"basket":{"KID-BOOK-VINCENT":1,"@1":2}} ]}
{"id":"en-16","lang":"en","locale":"en-GB","turns":[ {"user":"add the las meninas mug","intent":"basket.add","basket":{"MUG-MENINAS-01":1}}, {"user":"also the mummy excavation kit, what age is it for?","intent":"product.question","basket":{"MUG-MENINAS-01":1},"say":["7"]} ]}
{"id":"es-15","lang":"es","locale":"es-ES","turns":[ {"user":"añade la taza de las meninas","intent":"basket.add","basket":{"MUG-MENINAS-01":1}}, {"user":"vale. y el casco corintio, cuanto mide?","intent":"product.question","basket":{"MUG-MENINAS-01":1},"say":["15"]} ]}
{"id":"fr-14","lang":"fr","locale":"fr-FR","turns":[ {"user":"ajoute le mug les ménines","intent":"basket.add","basket":{"MUG-MENINAS-01":1}}, {"user":"et le kit de fouille momie, c'est pour quel âge","intent":"product.question","basket":{"MUG-MENINAS-01":1},"say":["7"]}, {"user":"et le kit de la momie, il est pour quel âge","intent":"product.question","basket":{"MUG-MENINAS-01":1},"say":["7"]} ]}
{"id":"en-17","lang":"en","locale":"en-GB","turns":[ {"user":"is the las meninas mug dishwasher safe?","intent":"product.question","basket":{},"say":["dishwasher"]}, {"user":"and the sunflowers mug?","intent":"product.question","basket":{},"say":["Sunflowers mug","14.90","dishwasher"]}, {"user":"add 2 las meninas mugs, one for my sister","intent":"basket.add","basket":{"MUG-MENINAS-01":2}}, {"user":"the kiss pendant necklace pls","intent":"basket.add","basket":{"MUG-MENINAS-01":2,"JWL-KISS-NECK":1}}, {"user":"ugh ok. and the kiss socks","intent":"basket.add","basket":{"MUG-MENINAS-01":2,"JWL-KISS-NECK":1,"SOCK-KISS":1}}, {"user":"take the mug out","intent":"basket.remove","basket":{"JWL-KISS-NECK":1,"SOCK-KISS":1}}, {"user":"who pays the postage for returns?","intent":"store.info","basket":{"JWL-KISS-NECK":1,"SOCK-KISS":1},"say":["return shipping"]} ]}
{"id":"es-16","lang":"es","locale":"es-ES","turns":[ {"user":"quiero el lienzo de las meninas","basket":{},"say":["agotad"]}, {"user":"vaya... y la taza de las meninas?","basket":{},"say":["13,90"]}, {"user":"va al lavavajillas?","intent":"product.question","basket":{},"say":["lavavajillas"]}, {"user":"y la taza de los girasoles?","intent":"product.question","basket":{},"say":["Taza Los girasoles","14,90","lavavajillas"]}, {"user":"la taza de las meninas porfa","intent":"basket.add","basket":{"MUG-MENINAS-01":1}}, {"user":"mejor 3, una para mi hermana y otra para mi prima","intent":"basket.update","basket":{"MUG-MENINAS-01":3}}, {"user":"venden tarjetas de regalo?","intent":"store.info","basket":{"MUG-MENINAS-01":3},"say":["tarjetas regalo"]}, {"user":"gracias, después pago","intent":"goodbye","basket":{"MUG-MENINAS-01":3}} ]}
{"id":"fr-15","lang":"fr","locale":"fr-FR","turns":[ {"user":"je voudrais une reproduction à encadrer pour mon salon","basket":{}}, {"user":"le mug les ménines passe au lave-vaisselle ?","intent":"product.question","basket":{},"say":["lave-vaisselle"]}, {"user":"et le mug tournesols ?","intent":"product.question","basket":{},"say":["Tournesols","14,90","lave-vaisselle"]}, {"user":"le mug nymphéas svp","intent":"basket.add","basket":{"MUG-NYMPH-01":1}}, {"user":"plutôt 2, un pour ma soeur","intent":"basket.update","basket":{"MUG-NYMPH-01":2}}, {"user":"vous acceptez twint ?","intent":"store.info","basket":{"MUG-NYMPH-01":2},"say":["paypal"]}, {"user":"qui paie les frais de retour ?","intent":"store.info","basket":{"MUG-NYMPH-01":2},"say":["retour"]}, {"user":"je règle","intent":"checkout.pay","basket":{"MUG-NYMPH-01":2},"say":["29,80"]} ]}
{"id":"fr-16","lang":"fr","locale":"fr-FR","turns":[ {"user":"ajoute le mug les ménines","intent":"basket.add","basket":{"MUG-MENINAS-01":1}}, {"user":"ah non, enlève le mug les ménines et mets le mug nymphéas","intent":"basket.add","basket":{"MUG-NYMPH-01":1}} ]}
{"id":"es-17","lang":"es","locale":"es-ES","turns":[ {"user":"añade la taza de los girasoles","intent":"basket.add","basket":{"MUG-SUNFL-01":1}}, {"user":"no no, saca la de girasoles y ponme la taza del almendro en flor","intent":"basket.add","basket":{"MUG-ALMOND-01":1}} ]}
{"id":"es-18","lang":"es","locale":"es-ES","turns":[ {"user":"añade 2 tazas nenúfares","intent":"basket.add","basket":{"MUG-NYMPH-01":2}}, {"user":"la taza de los nenúfares porfa","basket":{"MUG-NYMPH-01":2}} ]}
{"id":"es-19","lang":"es","locale":"es-ES","turns":[ {"user":"quisiera ver joyas egipcias","intent":"product.search","basket":{},"shows":["JWL-SCARAB-RING","JWL-HORUS-01"]}, {"user":"tienen aretes?","intent":"product.search","basket":{},"shows":["JWL-NYMPH-EAR"]}, {"user":"el libro de pegatinas","basket":{},"shows":["KID-STICKER-ART"]} ]}
{"id":"fr-17","lang":"fr","locale":"fr-FR","turns":[ {"user":"des cadeaux pour enfants à moins de 10 euros","intent":"product.search","basket":{},"shows":["KID-STICKER-ART"]}, {"user":"le livre d'autocollants, il coûte combien ?","intent":"product.question","basket":{},"say":["7,90"]}, {"user":"ok mettez-le","intent":"basket.add","basket":{"KID-STICKER-ART":1}} ]}
{"id":"en-18","lang":"en","locale":"en-GB","turns":[ {"user":"gift ideas for a 6 year old who likes painting","intent":"product.search","basket":{}}, {"user":"the watercolour set, is it ok for 6?","intent":"product.question","basket":{},"say":["watercolour"]} ]}
{"id":"fr-18","lang":"fr","locale":"fr-BE","turns":[ {"user":"Je cherche un foulard en coton","intent":"product.search","basket":{},"shows":["SCF-SOROLLA-COTTON","SCF-LOTUS-COTTON"]}, {"user":"Celui de Sorolla fait quelle taille ?","intent":"product.question","basket":{},"say":["100"]}, {"user":"Et celui avec les lotus ?","intent":"product.question","basket":{}}, {"user":"Très bien, je prends les deux","intent":"basket.add","basket":{"SCF-SOROLLA-COTTON":1,"SCF-LOTUS-COTTON":1}} ]}
{"id":"en-19","lang":"en","locale":"en-GB","turns":[ {"user":"how much is the water lilies mug?","intent":"product.question","basket":{},"say":["14.90"]}, {"user":"and the sunflowers mug?","intent":"product.question","basket":{}}, {"user":"I'll take both","intent":"basket.add","basket":{"MUG-NYMPH-01":1,"MUG-SUNFL-01":1}} ]}
{"id":"es-20","lang":"es","locale":"es-AR","turns":[ {"user":"cuánto sale la taza de las meninas?","intent":"product.question","basket":{}}, {"user":"y la de los girasoles?","intent":"product.question","basket":{}}, {"user":"dale, me llevo las dos","intent":"basket.add","basket":{"MUG-MENINAS-01":1,"MUG-SUNFL-01":1}} ]}
{"id":"es-21","lang":"es","locale":"es-VE","turns":[ {"user":"epa, quiero 2 bolsas de tela de la gran ola","intent":"basket.add","basket":{"TOTE-WAVE-01":2}}, {"user":"ey q tal, quiero el pañuelo de seda de nenufares","intent":"basket.add","basket":{"TOTE-WAVE-01":2,"SCF-NYMPH-SILK":1}} ]}
{"id":"en-20","lang":"en","locale":"en-US","turns":[ {"user":"hey there, i want the sunflowers mug","intent":"basket.add","basket":{"MUG-SUNFL-01":1}} ]}
{"id":"en-21","lang":"en","locale":"en-GB","turns":[ {"user":"how much is the water lilies mug?","intent":"product.question","basket":{},"say":["14.90"]}, {"user":"and the sunflowers one?","intent":["product.question","product.details"],"basket":{},"say":["sunflowers mug"]}, {"user":"I'll take both","intent":"basket.add","basket":{"MUG-NYMPH-01":1,"MUG-SUNFL-01":1}} ]}
{"id":"en-22","lang":"en","locale":"en-IE","turns":[ {"user":"what's the kiss long scarf made of?","intent":"product.question","basket":{},"say":["modal"]}, {"user":"can it go in the washing machine","intent":"product.question","basket":{},"say":["30"]}, {"user":"great. add it and the kiss socks","intent":"basket.add","basket":{"SCF-KISS-MODAL":1,"SOCK-KISS":1}}, {"user":"great. remove the socks","intent":"basket.remove","basket":{"SCF-KISS-MODAL":1}} ]}
{"id":"es-22","lang":"es","locale":"es-ES","turns":[ {"user":"el libro de pegatinas q tal es?","intent":["product.details","product.question"],"basket":{},"shows":[],"say":["pegatinas"]}, {"user":"vale, me lo llevo, y el kit de la momia","intent":"basket.add","basket":{"KID-STICKER-ART":1,"KID-DIG-MUMMY":1}}, {"user":"se lava a mano?","intent":"product.question","basket":{"KID-STICKER-ART":1,"KID-DIG-MUMMY":1},"ask":false} ]}
{"id":"fr-19","lang":"fr","locale":"fr-FR","turns":[ {"user":"l'horloge zodiaque de mucha, elle fait quelle taille ?","intent":"product.question","basket":{},"say":["30"]}, {"user":"Dommage. Je la prends, avec la housse de coussin Nymphéas","intent":"basket.add","basket":{"HOM-CLOCK-MUCHA":1,"HOM-CUSH-NYMPH":1}}, {"user":"je la prends, ajoutez 2 cartes postales des tournesols","intent":"basket.add","basket":{"HOM-CLOCK-MUCHA":1,"HOM-CUSH-NYMPH":1,"PC-SUNFL-01":2}} ]}
{"id":"es-23","lang":"es","locale":"es-CO","turns":[ {"user":"buenas, quiero 3 postales de los girasoles y 2 de la gran ola","intent":"basket.add","basket":{"PC-SUNFL-01":3,"PC-WAVE-01":2}}, {"user":"cuanto sale el libro de sorolla?","intent":"product.question","basket":{"PC-SUNFL-01":3,"PC-WAVE-01":2}}, {"user":"ok, lo quiero. y el kit de la momia tb","intent":"basket.add","basket":{"PC-SUNFL-01":3,"PC-WAVE-01":2,"BK-SOROLLA-01":1,"KID-DIG-MUMMY":1}} ]}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversations_in_three_languages_change_the_basket_only_as_asked() -> anyhow::Result<()> {
    let set = judge::read_set(BEHAVIOURS)?;
    let played = play_all(&set).await?;
    let figures = judge::tally(&played);
    ensure!(
        figures["all"].wrong_actions == 0,
        "{:?}",
        failures(&set, &played)
    );
    let failed = failures(&set, &played);
    ensure!(failed.is_empty(), "{}", failed.join("\n"));
    Ok(())
}

/// An OpenAI-compatible model on a real HTTP server: it declines every
/// classification and answers `resolve_turn` from a script keyed by the
/// message, given the products it was sent; it keeps what it was sent.
async fn scripted_model(
    script: fn(&str, &[serde_json::Value]) -> serde_json::Value,
) -> anyhow::Result<(
    String,
    std::sync::Arc<std::sync::Mutex<Vec<serde_json::Value>>>,
)> {
    use axum::Json;
    use serde_json::{Value, json};
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Value>::new()));
    let kept = seen.clone();
    let app = axum::Router::new().route(
        "/v1/chat/completions",
        axum::routing::post(move |Json(body): Json<Value>| {
            let kept = kept.clone();
            async move {
                let name = body
                    .pointer("/response_format/json_schema/name")
                    .and_then(Value::as_str);
                let content = body
                    .pointer("/messages/1/content")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let user: Value = serde_json::from_str(content).unwrap_or_default();
                let answer = if name == Some("resolution") {
                    kept.lock().expect("not poisoned").push(user.clone());
                    let products = user["products"].as_array().cloned().unwrap_or_default();
                    Some(script(
                        user["message"].as_str().unwrap_or_default(),
                        &products,
                    ))
                } else {
                    None
                };
                let message = match answer {
                    Some(answer) => json!({ "role": "assistant", "content": answer.to_string() }),
                    None => json!({ "role": "assistant", "content": null, "refusal": "no" }),
                };
                Json(json!({ "choices": [{ "index": 0, "message": message }] }))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/v1", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((url, seen))
}

/// The reference of the first product whose title has `word`.
fn reference_of(products: &[serde_json::Value], word: &str) -> serde_json::Value {
    products
        .iter()
        .find(|p| p["title"].as_str().is_some_and(|t| t.contains(word)))
        .map(|p| p["ref"].clone())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_model_configured_a_turn_the_rules_cannot_read_is_resolved_on_the_state_only()
-> anyhow::Result<()> {
    use serde_json::json;
    let (model, seen) = scripted_model(|message, products| match message {
        "zibble zabble twice" => json!({
            "action": "add", "product": reference_of(products, "mug"), "quantity": 2, "confidence": 0.9
        }),
        // A product the state does not have, and a removal of a product
        // not in the basket: refused, whatever the confidence.
        "flibber the wibble" => json!({
            "action": "add", "product": "MUG-NYMPH-01", "quantity": 1, "confidence": 1.0
        }),
        "wobble the other one" => json!({
            "action": "remove",
            "product": products.iter().find(|p| p["in_basket"] == 0).map(|p| p["ref"].clone()),
            "confidence": 1.0
        }),
        "zorp zorp, unsure" => json!({
            "action": "add", "product": reference_of(products, "mug"), "confidence": 0.5
        }),
        _ => json!({ "action": "none", "product": null, "quantity": null, "confidence": 0.9 }),
    })
    .await?;
    let dir = tempfile::tempdir()?;
    let running = gateway(
        dir.path(),
        true,
        &[
            ("INTENT_AI_PROVIDER", "openai".into()),
            ("INTENT_AI_BASE_URL", model),
            ("INTENT_AI_MODEL", "test".into()),
        ],
    )
    .await?;
    let set = judge::read_set(
        &json!({
            "id": "model-1", "lang": "en", "locale": "en-GB",
            "turns": [
                { "user": "do you have water lilies things under 20 euros?", "basket": {}, "shows": ["MUG-NYMPH-01"] },
                { "user": "zibble zabble twice", "intent": "basket.add", "basket": { "MUG-NYMPH-01": 2 } },
                { "user": "flibber the wibble", "basket": { "MUG-NYMPH-01": 2 } },
                { "user": "wobble the other one", "basket": { "MUG-NYMPH-01": 2 } },
                { "user": "zorp zorp, unsure", "basket": { "MUG-NYMPH-01": 2 } }
            ]
        })
        .to_string(),
    )?;
    let played = judge::play(&running.url, &set[0]).await?;
    running.shutdown().await?;
    let failed = failures(&set, std::slice::from_ref(&played));
    ensure!(failed.is_empty(), "{failed:#?}");
    let seen = seen.lock().expect("not poisoned").clone();
    ensure!(seen.len() == 4, "the model was asked {} times", seen.len());
    for sent in &seen {
        let text = sent.to_string();
        ensure!(
            !text.contains("\"id\"") && !text.contains("MUG-NYMPH-01"),
            "no product id or SKU travels to the model: {text}"
        );
    }
    ensure!(
        seen[1]["products"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["in_basket"] == 2)),
        "the basket is part of the state: {}",
        seen[1]
    );
    Ok(())
}
