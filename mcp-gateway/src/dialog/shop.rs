//! Shopping intents acting on the dialog's state: searches and their
//! refinements, one product's details and questions, the basket, paying,
//! the shop's help pages and orders.
//!
//! The basket changes only in [`perform`], for a product [`resolve`] found
//! from the shopper's own words or an explicit pick; everything else that
//! could change it asks first ([`ask`]).

use mcp_storefront::cards::{
    BasketView, HelpResult, PaymentLinkView, ProductAnswer, ProductDetails, SearchResult,
};
use museo_sdk::telemetry::TraceContext;
use serde_json::{Value, json};

use super::intent::{Entities, Intent, Sort, Understanding};
use super::resolve::{self, Scope, Target};
use super::state::{Action, Basket, Dialog, Item, Just, Question, Search};
use super::{Answer, Failed, shop_call};
use crate::gateway::{Gateway, Session};
use crate::reply::{self, Phrase, Refusal};

/// Products listed per search reply and per question.
pub const LIST: usize = 5;

/// Acts on a shopping intent.
pub async fn act(
    gateway: &Gateway,
    session: &mut Session,
    understood: &Understanding,
    text: &str,
    ctx: &TraceContext,
) -> Answer {
    let intent = understood.intent;
    let entities = &understood.entities;
    let say = |p: Phrase| Answer::ok(intent, reply::phrase(p, &session.locale), None);
    match intent {
        Intent::Greeting => say(Phrase::Greeting),
        Intent::Help => say(Phrase::Help),
        Intent::Goodbye => say(Phrase::Goodbye),
        // "Cuanto les debo", "ça fait combien maintenant": the total.
        // ("What does it all come to", "… total?" may read as a question
        // about the product in focus: words of owing make it the basket's.)
        Intent::Unknown | Intent::Search | Intent::StoreInfo | Intent::Question
            if resolve::asks_total(text)
                && (!matches!(intent, Intent::StoreInfo | Intent::Question)
                    || resolve::owes(text))
                && entities.name.is_none()
                && (resolve::owes(text)
                    || !resolve::about_the_focus(&session.conversation.dialog))
                && has_lines(&session.conversation.dialog) =>
        {
            let mut answer = view(gateway, session, ctx).await;
            answer.intent = Intent::View;
            answer
        }
        // "A sunflowers postcard and an almond blossom postcard please":
        // products counted one by one are an order, not a search.
        // (A shaky remove without a word of taking out is read the same.)
        Intent::Search | Intent::Unknown | Intent::Remove
            if (intent != Intent::Remove || understood.confidence < 0.9)
                && entities.price_min.is_none()
                && entities.price_max.is_none()
                && entities.sort.is_none()
                && entities.pick.is_none()
                && !text.contains('?')
                && resolve::counted_list(text) =>
        {
            let parts = resolve::several(text).unwrap_or_default();
            match add_several(gateway, session, parts, ctx).await {
                Some(answer) => answer,
                None => Answer::clarify(intent, reply::phrase(Phrase::Unknown, &session.locale)),
            }
        }
        // "3 livres les ciels de turner": that many of the product named.
        Intent::Search
            if entities.price_min.is_none()
                && entities.price_max.is_none()
                && !text.contains('?')
                && let Some((quantity, name)) = resolve::counted_one(text) =>
        {
            let named = Entities {
                name: Some(name),
                ..Entities::default()
            };
            let action = Action::Add { quantity };
            with_target(gateway, session, action, &named, text, Scope::Catalog, ctx).await
        }
        Intent::Search => search(gateway, session, entities, text, ctx).await,
        // "Enlève le chat et mets le lièvre": one line out, then another
        // product in (never both in).
        Intent::Add | Intent::Remove | Intent::Unknown
            if let Some((out, put)) = resolve::swaps(text) =>
        {
            swap(gateway, session, &out, &put, ctx).await
        }
        // ("The kiss bauble, 4 of them for the tree" is one product.)
        // ("Ok, la quiero. y el libro de sorolla tb" may read as a look at
        // the book: the product talked about is bought, so both are.)
        Intent::Add | Intent::Details
            if !resolve::counts_them(text)
                && let Some(parts) = resolve::several(text)
                && (intent == Intent::Add
                    || parts.first().is_some_and(|(_, name)| name.is_empty())
                        && resolve::buys(&museo_sdk::parse::fold(text))) =>
        {
            match add_several(gateway, session, parts, ctx).await {
                Some(answer) => answer,
                None => about_one(gateway, session, understood, text, ctx).await,
            }
        }
        // "Can I return books?": the shop's policy, not the product's data.
        Intent::Question if mcp_storefront::answer::about_policy(text) => {
            let mut answer = store_info(gateway, session, entities, text, ctx).await;
            answer.intent = Intent::StoreInfo;
            answer
        }
        // "Los gemelos de la gran ola", "la statuette petite danseuse": a
        // product named with nothing of buying is shown, not bought.
        // (A pick among the products shown, "the first one" or "la de los
        // nenúfares", stays one: only a name to search for is shown.)
        Intent::Add
            if entities.ordinal.is_none()
                && !after_adding(session)
                && resolve::only_names(text)
                && (!resolve::picks_by_mark(text)
                    || matches!(
                        resolve::resolve(
                            &session.conversation.dialog,
                            entities,
                            text,
                            Scope::Catalog
                        ),
                        Target::Search(_)
                    )) =>
        {
            let looked = Understanding {
                intent: Intent::Details,
                ..understood.clone()
            };
            about_one(gateway, session, &looked, text, ctx).await
        }
        // "Put the priciest pair in my basket": the dearest of the list.
        Intent::Add
            if entities.ordinal.is_none()
                && let Some(item) = resolve::by_price(&session.conversation.dialog, text) =>
        {
            // "The priciest pair" is one product: only a figure counts.
            let quantity = museo_sdk::parse::words(&museo_sdk::parse::fold(text))
                .iter()
                .find_map(|w| w.parse::<i64>().ok())
                .filter(|q| (1..=100).contains(q))
                .unwrap_or(1);
            perform(
                gateway,
                session,
                intent,
                Action::Add { quantity },
                item,
                ctx,
            )
            .await
        }
        Intent::Details | Intent::Question | Intent::Add => {
            about_one(gateway, session, understood, text, ctx).await
        }
        // "Nah sácalo" that mcp-intent could not read: the line in question.
        Intent::Unknown
            if resolve::only_takes_out(text) && has_lines(&session.conversation.dialog) =>
        {
            let back = Entities {
                anaphora: true,
                ..Entities::default()
            };
            let action = Action::Remove { quantity: None };
            with_target(gateway, session, action, &back, text, Scope::Basket, ctx).await
        }
        Intent::Update | Intent::Remove => {
            let empty = !has_lines(&session.conversation.dialog);
            // "Make it two" before anything was added may still mean the
            // product in focus; a removal from an empty basket cannot.
            if empty && (intent == Intent::Remove || session.conversation.dialog.focus.is_none()) {
                return say(Phrase::NothingToChange);
            }
            // "Mets-en 3 de celui-là", "ponme un par" right after a
            // question about a product not in the basket: that many of it.
            let dialog = &session.conversation.dialog;
            if intent == Intent::Update
                && entities.name.is_none()
                && entities.ordinal.is_none()
                && entities.quantity_delta.is_none()
                && let Some(quantity) = entities.quantity.filter(|q| *q > 0)
                && (resolve::points_at_one(text) || resolve::gives(text))
                && let Some(focus) = dialog.focus.clone()
                && !dialog.holds(&focus)
            {
                return count_of_focus(gateway, session, focus, quantity, ctx).await;
            }
            let action = if intent == Intent::Remove {
                Action::Remove {
                    quantity: entities.quantity.filter(|q| *q > 0),
                }
            } else {
                Action::Update {
                    quantity: entities.quantity,
                    delta: entities.quantity_delta.filter(|d| *d != 0),
                }
            };
            with_target(gateway, session, action, entities, text, Scope::Basket, ctx).await
        }
        Intent::View => view(gateway, session, ctx).await,
        // "Can I pay by card?": how to pay is the shop's, not a link.
        Intent::Pay if resolve::asks_how_to_pay(text) => {
            let payment = Entities {
                topic: Some("payment".into()),
                ..entities.clone()
            };
            // The page's list of methods answers, whichever method was named
            // (its heading's words, in the three languages).
            let asked = format!("{text} accept methods aceptamos formas acceptons moyens");
            let mut answer = store_info(gateway, session, &payment, &asked, ctx).await;
            answer.intent = Intent::StoreInfo;
            answer
        }
        Intent::Pay => pay(gateway, session, ctx).await,
        Intent::StoreInfo => store_info(gateway, session, entities, text, ctx).await,
        Intent::OrderStatus => order_status(gateway, session, entities, ctx).await,
        _ => Answer::clarify(intent, reply::phrase(Phrase::Unknown, &session.locale)),
    }
}

/// `action` on `item`, which the model resolved from the state (see
/// [`super::model`]).
pub(super) async fn carry_out(
    gateway: &Gateway,
    session: &mut Session,
    action: Action,
    item: Item,
    ctx: &TraceContext,
) -> Answer {
    let intent = intent_of(&action);
    perform(gateway, session, intent, action, item, ctx).await
}

/// The intent of the assistant's last turn.
fn last_assistant_intent(session: &Session) -> Option<&str> {
    session
        .conversation
        .turns
        .iter()
        .rev()
        .find(|t| t.role == "assistant")
        .and_then(|t| t.intent.as_deref())
}

/// Whether the assistant's last turn was about adding (done, refused, or
/// asking which product): a product named next is what to add.
fn after_adding(session: &Session) -> bool {
    last_assistant_intent(session).is_some_and(|i| matches!(i, "basket.add" | "basket.update"))
}

/// Whether the basket holds anything.
pub(super) fn has_lines(dialog: &Dialog) -> bool {
    dialog.basket.as_ref().is_some_and(|b| !b.lines.is_empty())
}

/// `product.details`, `product.question` or `basket.add` about the one
/// product the message means.
async fn about_one(
    gateway: &Gateway,
    session: &mut Session,
    understood: &Understanding,
    text: &str,
    ctx: &TraceContext,
) -> Answer {
    let intent = understood.intent;
    let entities = &understood.entities;
    let action = match intent {
        Intent::Details => Action::Details,
        Intent::Question => Action::Question { text: text.into() },
        _ => Action::Add {
            quantity: entities.quantity.filter(|q| *q > 0).unwrap_or(1),
        },
    };
    // A basket change on "it" checks that the shopper named nothing else;
    // in a question, the pronoun after a comma is the product named before
    // it ("et le kit de la momie, il est pour quel âge"), not the focus.
    let mut entities = entities.clone();
    // "Y los de perla, de qué son?" after a search for earrings: earrings
    // too (the kind last searched for, else the focus's), unless
    // the name alone already singles out one product ("el de monet" among
    // books, whose titles do not say "libro").
    let dialog = &session.conversation.dialog;
    let plain_one = matches!(
        resolve::resolve(dialog, &entities, text, Scope::Catalog),
        Target::One(_)
    );
    let like = dialog
        .search
        .as_ref()
        .map(|s| s.query.clone())
        .or_else(|| dialog.focus.as_ref().map(|f| f.title.clone()));
    if let (Some(name), Some(like)) = (&entities.name, like)
        && !plain_one
        && let Some(kinded) = resolve::of_the_same_kind(text, name, &like)
    {
        entities.name = Some(kinded);
    }
    let naming = match intent {
        Intent::Add => Some(text),
        Intent::Question | Intent::Details => text.split_once(',').map(|(first, _)| first),
        _ => None,
    };
    if let Some(naming) = naming
        && entities.name.is_none()
        && entities.ordinal.is_none()
        && let Target::One(item) = resolve::resolve(
            &session.conversation.dialog,
            &entities,
            text,
            Scope::Catalog,
        )
        && let Some(name) = resolve::names_another(naming, &item)
    {
        entities.name = Some(name);
        entities.anaphora = false;
        if intent != Intent::Add {
            entities.product_ref = None;
        }
    }
    with_target(
        gateway,
        session,
        action,
        &entities,
        text,
        Scope::Catalog,
        ctx,
    )
    .await
}

/// "Y la taza de los girasoles?" right after a product question: the same
/// question asked of the product named, under its name, price and stock;
/// with no question just answered, a look at the product (which says its
/// price and stock). A name that does not come to one product is searched
/// or asked about as usual.
pub async fn and_the(
    gateway: &Gateway,
    session: &mut Session,
    understood: &Understanding,
    text: &str,
    asked: Option<String>,
    ctx: &TraceContext,
) -> Answer {
    let named = understood.entities.name_or_query().map(str::to_owned);
    // "Y la de los girasoles?" after the Las Meninas mug: a mug.
    let named = match (&named, &session.conversation.dialog.focus) {
        (Some(name), Some(focus)) => resolve::of_the_same_kind(text, name, &focus.title).or(named),
        _ => named,
    };
    let entities = Entities {
        name: named,
        anaphora: false,
        ordinal: None,
        product_ref: None,
        ..understood.entities.clone()
    };
    let action = match &asked {
        Some(question) => Action::Question {
            text: question.clone(),
        },
        None => Action::Details,
    };
    let mut answer = with_target(
        gateway,
        session,
        action,
        &entities,
        text,
        Scope::Catalog,
        ctx,
    )
    .await;
    if asked.is_none() || answer.outcome != "ok" {
        return answer;
    }
    let Some(item) = session.conversation.dialog.focus.clone() else {
        return answer;
    };
    let (locale, channel) = (session.locale.clone(), session.channel);
    let args = json!({ "product_id": item.id, "locale": locale });
    if let Ok((details, value)) =
        shop_call::<ProductDetails>(gateway, session, "get_product", args, ctx).await
    {
        answer.text = format!(
            "{}\n{}",
            reply::headline(&value, &locale, channel),
            answer.text
        );
        answer.data = Some(value);
        session.conversation.dialog.focus = Some(Item::from(&details));
    }
    answer
}

/// "Saca la de girasoles y ponme la taza del almendro en flor": the line
/// named first goes out; only then is the other product looked for and put
/// in. If the first part names no line, nothing changes.
async fn swap(
    gateway: &Gateway,
    session: &mut Session,
    out: &str,
    put: &str,
    ctx: &TraceContext,
) -> Answer {
    let named = |name: &str| Entities {
        name: Some(name.to_owned()),
        ..Entities::default()
    };
    // "Remove it and add the bastet plush instead": "it" is the product in
    // focus.
    let taken = if resolve::telling(out).is_empty() {
        Entities {
            anaphora: true,
            ..Entities::default()
        }
    } else {
        named(out)
    };
    let removal = Action::Remove { quantity: None };
    let first = with_target(gateway, session, removal, &taken, out, Scope::Basket, ctx).await;
    if first.outcome != "ok" {
        return first;
    }
    let adding = Action::Add { quantity: 1 };
    let second = with_target(
        gateway,
        session,
        adding,
        &named(put),
        put,
        Scope::Catalog,
        ctx,
    )
    .await;
    Answer::new(
        second.intent,
        format!("{}\n{}", first.text, second.text),
        second.data,
        second.outcome,
    )
}

/// Words that add units rather than set a count ("add 3 more", "otra").
const ADDING: &[&str] = &[
    "add", "more", "another", "extra", "anade", "agrega", "mas", "otro", "otra", "ajoute",
    "encore", "plus", "autre",
];

/// A basket message read against the basket: "one more of that", "un de
/// moins" (a delta on a line, `basket.update`), "mets 5 tournesols" or
/// "de la de los girasoles ponme 4" about a line already there (its new
/// count, `basket.update`), and "un deuxième" as one more, not a position.
pub fn reread(dialog: &Dialog, understood: &Understanding, text: &str) -> Understanding {
    let mut reread = understood.clone();
    // "Una taza menos", "un lot de crayons de moins" read as a search: units
    // off the basket line they name.
    if matches!(understood.intent, Intent::Search | Intent::Unknown)
        && resolve::says_fewer(text)
        && let Some((name, fewer)) = resolve::fewer_of(text)
    {
        let named = Entities {
            name: Some(name),
            ..Entities::default()
        };
        if let Target::One(item) = resolve::resolve(dialog, &named, text, Scope::Basket)
            && dialog.holds(&item)
        {
            reread.intent = Intent::Update;
            reread.entities = Entities {
                quantity_delta: Some(-fewer),
                ..named
            };
            return reread;
        }
    }
    if !matches!(
        understood.intent,
        Intent::Add | Intent::Remove | Intent::Update
    ) {
        return reread;
    }
    let entities = &mut reread.entities;
    // "Make the sunflowers one 3", "make the wave one 4": "one" names, the
    // figure counts.
    let folded = museo_sdk::parse::fold(text);
    let all = museo_sdk::parse::words(&folded);
    let figures: Vec<i64> = all.iter().filter_map(|w| w.parse().ok()).collect();
    if let [figure] = figures.as_slice()
        && entities.quantity == Some(1)
        && all.contains(&"one")
        && (1..=1000).contains(figure)
    {
        entities.quantity = Some(*figure);
    }
    if understood.intent == Intent::Update {
        return reread;
    }
    if entities.quantity_delta.is_some() {
        // "Mets-en un deuxième", "a second one": one more of it, not the
        // second product listed.
        if entities.ordinal.is_some() && resolve::a_second_one(text) {
            entities.product_ref = None;
            entities.anaphora = true;
        }
        entities.ordinal = None;
    }
    // "Y de las postales pon una menos": a word of fewer never adds.
    if understood.intent == Intent::Add
        && resolve::says_fewer(text)
        && entities.quantity_delta.is_none()
        && entities.price_max.is_none()
        && entities.price_min.is_none()
    {
        entities.quantity_delta = Some(-entities.quantity.filter(|q| *q > 0).unwrap_or(1));
        entities.quantity = None;
        reread.intent = Intent::Update;
        return reread;
    }
    let on_line = |e: &Entities| match resolve::resolve(dialog, e, text, Scope::Basket) {
        Target::One(item) => dialog.holds(&item),
        _ => false,
    };
    match (entities.quantity_delta, entities.quantity) {
        (Some(d), _) if d != 0 && on_line(entities) => {
            entities.quantity = None;
            reread.intent = Intent::Update;
        }
        (None, Some(q))
            if understood.intent == Intent::Add
                && q > 0
                && entities.name.is_some()
                && !museo_sdk::parse::words(&museo_sdk::parse::fold(text))
                    .iter()
                    .any(|w| ADDING.contains(w))
                && on_line(entities) =>
        {
            reread.intent = Intent::Update;
        }
        _ => {}
    }
    reread
}

/// "Le parapluie" after "which Nymphéas product?" when the umbrella was
/// not among the options offered: the question's words and the answer's,
/// searched together, and acted on when they name one product.
async fn narrowed(
    gateway: &Gateway,
    session: &mut Session,
    question: Question,
    understood: &Understanding,
    text: &str,
    ctx: &TraceContext,
) -> Option<Answer> {
    let name = question.name.as_deref()?;
    let answer = resolve::telling(text);
    let short = text.split_whitespace().count() <= 5;
    if !short
        || answer.is_empty()
        || !matches!(
            understood.intent,
            Intent::Add | Intent::Details | Intent::Search | Intent::Unknown
        )
    {
        return None;
    }
    let entities = Entities {
        name: Some(format!("{name} {}", answer.join(" "))),
        ..Entities::default()
    };
    let intent = intent_of(&question.action);
    let (found, _) = target(
        gateway,
        session,
        intent,
        &entities,
        text,
        Scope::Catalog,
        ctx,
    )
    .await;
    // Both the question's words and the answer's in its title: "and a
    // hunters in the snow card" after "which postcard?" is another product,
    // for the usual reading.
    match found {
        Found::One(item)
            if resolve::names(&answer, &item.title)
                && resolve::names(&resolve::telling(name), &item.title) =>
        {
            Some(perform(gateway, session, intent, question.action, item, ctx).await)
        }
        _ => None,
    }
}

/// The answer to the question the assistant asked, when the message picks
/// one of its options; `None` to handle the message as usual.
pub async fn answer_question(
    gateway: &Gateway,
    session: &mut Session,
    question: Question,
    understood: &Understanding,
    text: &str,
    ctx: &TraceContext,
) -> Option<Answer> {
    let asked = intent_of(&question.action);
    // "Y de las postales de la ola pon una menos" names an option but
    // changes a line: not an answer to "which one do you want?".
    if asked == Intent::Add && resolve::says_fewer(text) {
        return None;
    }
    let Some(item) = resolve::pick_option(&question, &understood.entities, text) else {
        // "Pues 2" while "which one?" waits for an order: how many, of a
        // product still to pick; asked again with that count, and no
        // basket line changes.
        if let Action::Add { .. } = question.action
            && let Some(quantity) = resolve::bare_quantity(text).filter(|q| *q > 1)
        {
            return Some(ask(
                session,
                Intent::Add,
                Action::Add { quantity },
                question.options,
            ));
        }
        return narrowed(gateway, session, question, understood, text, ctx).await;
    };
    if resolve::says_fewer(text) {
        let fewer = understood.entities.quantity.filter(|q| *q > 0).unwrap_or(1);
        let action = Action::Update {
            quantity: None,
            delta: Some(-fewer),
        };
        return Some(perform(gateway, session, Intent::Update, action, item, ctx).await);
    }
    // "The second one", "2", "la de los girasoles": the question's action. A
    // longer message with its own intent ("tell me more about the second
    // one") does what it says, on the product it picked.
    let short = text.split_whitespace().count() <= 4;
    let (intent, action) = match understood.intent {
        // "Y uno de latón del ojo de horus" after "ponme 3 — ¿cuál?": the
        // count said with the pick wins over the one asked with.
        // (A bare "2", "el 2" picks the second option: no count then.)
        i if i == asked => match (
            question.action,
            resolve::own_count(text).filter(|_| resolve::telling(text).len() >= 2),
        ) {
            (Action::Add { .. }, Some(quantity)) => (asked, Action::Add { quantity }),
            (action, _) => (asked, action),
        },
        // A question about the option asks it; "add the second" adds it.
        Intent::Question => (Intent::Question, Action::Question { text: text.into() }),
        // "The pendant one" after "how much is the owl coin? which one?"
        // answers the question ("one" is no count); only a word of buying
        // or a count adds.
        // ("La réplica, no el colgante" is a pick too, however long.)
        Intent::Add
            if understood.entities.quantity.is_none_or(|q| q == 1)
                && resolve::own_count(text).is_none()
                && !resolve::buys(&museo_sdk::parse::fold(text)) =>
        {
            (asked, question.action)
        }
        Intent::Add => (
            Intent::Add,
            Action::Add {
                quantity: understood.entities.quantity.filter(|q| *q > 0).unwrap_or(1),
            },
        ),
        // A bare pick ("2", "the stoneware one") does what was asked.
        Intent::Details | Intent::Search | Intent::Unknown if short => (asked, question.action),
        Intent::Details => (Intent::Details, Action::Details),
        // Anything else (another basket action, the basket, help) is not an answer.
        _ => return None,
    };
    Some(perform(gateway, session, intent, action, item, ctx).await)
}

/// A bare number right after a basket change: the new quantity of the line
/// just changed, or how many to add of the product just refused for its
/// stock (a positive number: see the caller).
pub async fn correct(
    gateway: &Gateway,
    session: &mut Session,
    just: Just,
    quantity: i64,
    ctx: &TraceContext,
) -> Answer {
    match just {
        Just::Changed { item } => {
            let action = Action::Update {
                quantity: Some(quantity),
                delta: None,
            };
            perform(gateway, session, Intent::Update, action, item, ctx).await
        }
        Just::Refused { item } => add(gateway, session, Intent::Add, item, quantity, ctx).await,
    }
}

/// "Ok, the 3 you have" right after `item` was refused for its stock: the
/// units left beside those already in the basket, or the count said when
/// it is no more than that.
pub async fn what_is_left(
    gateway: &Gateway,
    session: &mut Session,
    item: Item,
    text: &str,
    ctx: &TraceContext,
) -> Answer {
    let held = line_of(session, &item).map_or(0, |l| l.quantity);
    let left = item.stock.map_or(0, |stock| stock - held);
    let quantity = resolve::first_count(text).map_or(left, |n| n.min(left.max(1)));
    add(gateway, session, Intent::Add, item, quantity.max(1), ctx).await
}

/// "One more" right after `item` went in: that many more of it.
pub async fn more_of(
    gateway: &Gateway,
    session: &mut Session,
    item: Item,
    more: i64,
    ctx: &TraceContext,
) -> Answer {
    let action = Action::Update {
        quantity: None,
        delta: Some(more),
    };
    perform(gateway, session, Intent::Update, action, item, ctx).await
}

/// "2 copies pls" while one product is in focus: that many of it, or its
/// line set to that many when it is in the basket already.
pub async fn count_of_focus(
    gateway: &Gateway,
    session: &mut Session,
    focus: Item,
    quantity: i64,
    ctx: &TraceContext,
) -> Answer {
    let in_basket = session.conversation.dialog.holds(&focus);
    if in_basket {
        correct(
            gateway,
            session,
            Just::Changed { item: focus },
            quantity,
            ctx,
        )
        .await
    } else {
        add(gateway, session, Intent::Add, focus, quantity, ctx).await
    }
}

/// "And one Kiss mug", "y la corbata" after `last` went in or was talked
/// about in the basket: the next product named goes in too.
pub async fn next_one(
    gateway: &Gateway,
    session: &mut Session,
    understood: &Understanding,
    text: &str,
    last: &Item,
    ctx: &TraceContext,
) -> Option<Answer> {
    let quantity = understood.entities.quantity.filter(|q| *q > 0).unwrap_or(1);
    let action = Action::Add { quantity };
    on_named(gateway, session, understood, action, text, Some(last), ctx).await
}

/// `action` on the product the message names (its `name`, else its search
/// `query`); `None` when it names nothing. "And one Kiss mug" right after a
/// basket change puts it in; "and the tote too" right after a line went out
/// takes that line out as well.
pub async fn on_named(
    gateway: &Gateway,
    session: &mut Session,
    understood: &Understanding,
    action: Action,
    text: &str,
    like: Option<&Item>,
    ctx: &TraceContext,
) -> Option<Answer> {
    // Taking out names a line; anything else names a product of the shop.
    let scope = match action {
        Action::Remove { .. } | Action::Update { .. } => Scope::Basket,
        _ => Scope::Catalog,
    };
    let entities = &understood.entities;
    // ("i la tarjeta navideña" read as paying has no name: the words after
    // the "y" are the name.)
    let name = entities.name_or_query().map(str::to_owned).or_else(|| {
        (understood.intent == Intent::Pay)
            .then(|| resolve::after_join(text))
            .flatten()
    })?;
    if resolve::telling(&name).is_empty() {
        return None;
    }
    let named = Entities {
        name: Some(name),
        ..Entities::default()
    };
    let intent = intent_of(&action);
    let (found, searched) = target(gateway, session, intent, &named, text, scope, ctx).await;
    // "Y una de los girasoles" right after three wave postcards: among
    // several, the one of the same kind as the line just put in; only among
    // titles with every word of the name ("and the kids umbrella with the
    // hare" after the hare plush is no plush).
    let found = match (found, like) {
        (Found::Choose(options), Some(like)) => {
            let telling = resolve::telling(named.name.as_deref().unwrap_or_default());
            let fitting: Vec<Item> = options
                .iter()
                .filter(|o| resolve::names(&telling, &o.title))
                .cloned()
                .collect();
            match resolve::same_kind(&fitting, like) {
                Some(item) => Found::One(item),
                None => Found::Choose(options),
            }
        }
        (found, _) => found,
    };
    Some(settle(gateway, session, action, (found, searched), text, ctx).await)
}

/// "No wait, the red one" right after `old` went in: `old`'s line out and
/// the product named in, when the name is clear and another product;
/// `None` to handle the message as usual.
pub async fn replace(
    gateway: &Gateway,
    session: &mut Session,
    old: Item,
    understood: &Understanding,
    text: &str,
    ctx: &TraceContext,
) -> Option<Answer> {
    let entities = &understood.entities;
    let name = entities
        .name
        .clone()
        .filter(|n| !resolve::telling(n).is_empty())
        .or_else(|| Some(resolve::telling(text).join(" ")).filter(|n| !n.is_empty()))?;
    let named = Entities {
        name: Some(name),
        ..Entities::default()
    };
    let target = resolve::resolve(&session.conversation.dialog, &named, text, Scope::Catalog);
    let new = match find(gateway, session, Intent::Add, target, ctx).await {
        Found::One(new) => new,
        // "La de fuji rojo" after a tote bag: the one of the same kind.
        Found::Choose(options) => resolve::same_kind(&options, &old)?,
        _ => return None,
    };
    let quantity = line_of(session, &old)?.quantity;
    if new.id == old.id {
        return None;
    }
    // "En fait 2 lots de crayons" when the pencils are a line already: that
    // line's quantity, and the product just added stays.
    if session.conversation.dialog.holds(&new) {
        let quantity = entities.quantity.filter(|q| *q > 0)?;
        let action = Action::Update {
            quantity: Some(quantity),
            delta: None,
        };
        return Some(perform(gateway, session, Intent::Update, action, new, ctx).await);
    }
    // The new product first: when it cannot go in, the old one stays.
    let quantity = entities.quantity.filter(|q| *q > 0).unwrap_or(quantity);
    let added = add(gateway, session, Intent::Add, new.clone(), quantity, ctx).await;
    if added.outcome != "ok" {
        return Some(added);
    }
    let removed = change(
        gateway,
        session,
        Intent::Remove,
        &old,
        Change::Remove(None),
        ctx,
    )
    .await;
    let dialog = &mut session.conversation.dialog;
    dialog.focus = Some(new.clone());
    dialog.just = Some(Just::Changed { item: new });
    if let Some(basket) = &mut dialog.basket {
        basket.last = dialog.focus.as_ref().map(|i| i.id.clone());
    }
    // "Removed …" then the basket as it is now.
    let lead = removed.text.split('\n').next().unwrap_or_default();
    let added_lead = added.text.split('\n').next().unwrap_or_default();
    let rest = match removed.text.split_once('\n') {
        Some((_, rest)) => rest,
        None => "",
    };
    Some(Answer::new(
        Intent::Add,
        format!("{added_lead}\n{lead}\n{rest}"),
        removed.data.or(added.data),
        removed.outcome,
    ))
}

fn intent_of(action: &Action) -> Intent {
    match action {
        Action::Details => Intent::Details,
        Action::Question { .. } => Intent::Question,
        Action::Add { .. } => Intent::Add,
        Action::Remove { .. } => Intent::Remove,
        Action::Update { .. } => Intent::Update,
    }
}

/// What a reference comes to once searched: the product, or what to ask.
enum Found {
    /// This product.
    One(Item),
    /// Ask which of these.
    Choose(Vec<Item>),
    /// Ask which product (nothing to offer).
    Nothing,
    /// The words name nothing the shop could search for ("for my sister",
    /// "something nice"): the message points at no product by name.
    Unnamed,
    /// The search failed: say this.
    Failed(Answer),
}

/// Searches the catalog for a product named but not shown: one title with
/// every telling word of the name is the product; anything else is a
/// question (a title missing a word of the name never acts).
async fn find(
    gateway: &Gateway,
    session: &Session,
    intent: Intent,
    target: Target,
    ctx: &TraceContext,
) -> Found {
    let name = match target {
        Target::One(item) => return Found::One(item),
        Target::Choose(options) => return Found::Choose(options),
        Target::Unknown => return Found::Nothing,
        Target::Search(name) => name,
    };
    // "¿Es de plata?" with no product in focus: silver is what is asked
    // about, not a product's name.
    if intent == Intent::Question && resolve::only_materials(&name) {
        return Found::Unnamed;
    }
    let args = json!({ "query": name, "locale": session.locale, "limit": LIST });
    let (result, _) =
        match shop_call::<SearchResult>(gateway, session, "search_products", args, ctx).await {
            Ok(found) => found,
            Err(failed) if failed.code() == Some("invalid_argument") => return Found::Unnamed,
            Err(failed) => return Found::Failed(refusal(session, intent, failed, None)),
        };
    let hits: Vec<Item> = result.products.iter().map(Item::from).collect();
    let telling = resolve::telling(&name);
    let exact_for = |words: &[String]| -> Vec<Item> {
        hits.iter()
            .filter(|i| resolve::names(words, &i.title))
            .cloned()
            .collect()
    };
    let mut exact = exact_for(&telling);
    // "Le lot de 6 magnets": the title with the very words, among titles
    // whose words only begin alike ("magnétiques").
    if exact.len() > 1 {
        let strict: Vec<Item> = exact
            .iter()
            .filter(|i| resolve::names_exactly(&telling, &i.title))
            .cloned()
            .collect();
        if strict.len() == 1 {
            exact = strict;
        }
    }
    let mut relaxed = result.understood.relaxed;
    // Chatter at a name's edge ("demasiado. añade el colgante ojo de horus",
    // "the horus pendant instead"): a name of three words or more may lose
    // its first or its last word, when that leaves one title alone.
    if exact.is_empty() && telling.len() >= 3 {
        let trimmed = [&telling[1..], &telling[..telling.len() - 1]];
        let fits: Vec<Vec<Item>> = trimmed.iter().map(|t| exact_for(t)).collect();
        if let Some(one) = fits.into_iter().find(|f| f.len() == 1) {
            exact = one;
            relaxed = false;
        }
    }
    // "Le foulard en coton lotus egyptien c'est quelle taille": a question
    // names the product, then asks; the words the storefront had to drop
    // are the asking. Only for looking: a basket change needs every word.
    if exact.is_empty()
        && matches!(intent, Intent::Details | Intent::Question)
        && relaxed
        && !result.understood.any_word
    {
        let dropped: Vec<String> = result
            .understood
            .dropped
            .iter()
            .flat_map(|d| resolve::telling(d))
            .collect();
        let kept: Vec<String> = telling
            .iter()
            .filter(|w| !dropped.contains(w))
            .cloned()
            .collect();
        if kept.len() >= 2
            && let [one] = exact_for(&kept).as_slice()
        {
            exact = vec![one.clone()];
            relaxed = false;
        }
    }
    // "Y el libro de Sorolla": the storefront matched every word (a kind
    // word in the catalog's own words) in one product alone, whose title
    // has every word but one, and every word but the kind ("une
    // reproduction à encadrer" names a kind and a wish, not the one print
    // whose description says "frame").
    if exact.is_empty()
        && !relaxed
        && !result.understood.any_word
        && let [one] = hits.as_slice()
        && resolve::names_but_one(&telling, &one.title)
        && (result.understood.category.is_none()
            || result
                .understood
                .text
                .as_deref()
                .is_some_and(|rest| resolve::names(&resolve::telling(rest), &one.title)))
    {
        exact = vec![one.clone()];
    }
    // "Celui de la nuit étoilée" while umbrellas are listed: the umbrella.
    let kind = resolve::kind_searched(&session.conversation.dialog);
    let of_kind: Vec<&Item> = exact
        .iter()
        .filter(|i| resolve::names(&kind, &i.title))
        .collect();
    match (exact.as_slice(), of_kind.as_slice()) {
        // Every word of the name in one title alone: that product, however
        // the storefront matched (its relaxed flag speaks of its own words).
        ([one], _) => Found::One(one.clone()),
        ([_, _, ..], [one]) if !relaxed => Found::One((*one).clone()),
        ([], _) if hits.is_empty() => Found::Nothing,
        // "Súmame 2 postales de la joven de la perla": no title has every
        // word, but the catalog holds one product alone for them, and its
        // title has most of them (two at least). (One weak match, a throw
        // for "heavy read. also the sunflowers picture book", is asked
        // about.)
        ([], _)
            if result.next_cursor.is_none()
                && !result.understood.any_word
                && let [one] = hits.as_slice()
                && resolve::names_most(&telling, &one.title) =>
        {
            Found::One(one.clone())
        }
        ([], _) => Found::Choose(hits),
        (several, _) => Found::Choose(several.to_vec()),
    }
}

/// Acts on what a reference resolved to: the product, a question, or a
/// search for a product named but not shown.
async fn with_target(
    gateway: &Gateway,
    session: &mut Session,
    action: Action,
    entities: &Entities,
    text: &str,
    scope: Scope,
    ctx: &TraceContext,
) -> Answer {
    let intent = intent_of(&action);
    let found = target(gateway, session, intent, entities, text, scope, ctx).await;
    settle(gateway, session, action, found, text, ctx).await
}

/// What the reference of `entities` comes to (pointing back when the words
/// name nothing), and whether the catalog was searched for it.
async fn target(
    gateway: &Gateway,
    session: &Session,
    intent: Intent,
    entities: &Entities,
    text: &str,
    scope: Scope,
    ctx: &TraceContext,
) -> (Found, Option<String>) {
    let target = match resolve::resolve(&session.conversation.dialog, entities, text, scope) {
        Target::Unknown if scope == Scope::Basket => {
            line_by_some_words(gateway, session, entities, text, ctx)
                .await
                .map_or(Target::Unknown, Target::One)
        }
        target => target,
    };
    let searched = match &target {
        Target::Search(name) => Some(name.clone()),
        _ => None,
    };
    let back = || match resolve::back(&session.conversation.dialog, scope) {
        Target::One(item) => Found::One(item),
        Target::Choose(options) => Found::Choose(options),
        Target::Search(_) | Target::Unknown => Found::Nothing,
    };
    let found = match find(gateway, session, intent, target, ctx).await {
        // Words that name nothing searchable ("one for my sister"), or "it"
        // with words the catalog does not know ("add it anyway"): the
        // message points back.
        Found::Unnamed => back(),
        Found::Nothing if searched.is_some() && entities.anaphora => back(),
        // "Can it go in the washing machine", "se lava a mano?" about the
        // product in focus: the question's own words (washing, hand) only
        // match other products by their descriptions alone, no title has
        // one of them. A question stays with the product in focus.
        Found::Choose(options)
            if intent == Intent::Question
                && session.conversation.dialog.focus.is_some()
                && searched.as_deref().is_some_and(|name| {
                    let words = resolve::telling(name);
                    options
                        .iter()
                        .all(|o| resolve::shared(&words, &o.title) == 0)
                }) =>
        {
            back()
        }
        Found::One(item) if intent == Intent::Add && searched.is_none() => {
            closer_in_catalog(gateway, session, entities, text, item, ctx).await
        }
        found => found,
    };
    (found, searched)
}

/// "Hmm remove the tie actually, bit pricey", "saca el paraguas" read with
/// chatter in the name: no line has every word, but one line has more of
/// them than any other, and the words it lacks name nothing in the catalog
/// (no title has them). "Remove the kiss socks" with only the Kiss mug in
/// the basket finds socks in the catalog and is not read as the mug.
async fn line_by_some_words(
    gateway: &Gateway,
    session: &Session,
    entities: &Entities,
    text: &str,
    ctx: &TraceContext,
) -> Option<Item> {
    let telling = resolve::named_by(entities, text)?;
    let (item, left) = resolve::best_line(&session.conversation.dialog, &telling)?;
    if left.len() > 4 {
        return None;
    }
    for word in left {
        let args = json!({ "query": word, "locale": session.locale, "limit": LIST });
        let (result, _) = shop_call::<SearchResult>(gateway, session, "search_products", args, ctx)
            .await
            .ok()?;
        if result.understood.category.is_some()
            || result
                .products
                .iter()
                .any(|p| resolve::in_title(&word, &p.title))
        {
            return None;
        }
    }
    Some(item)
}

/// A product named among those shown, to be put in the basket: when its
/// title says more than the name ("the starry night mug" while "The Starry
/// Night colour-changing mug" is listed), the catalog may hold a title that
/// is the name itself ("The Starry Night mug"). Then both fit the words,
/// and the shopper is asked.
async fn closer_in_catalog(
    gateway: &Gateway,
    session: &Session,
    entities: &Entities,
    text: &str,
    item: Item,
    ctx: &TraceContext,
) -> Found {
    let Some(telling) = resolve::named_by(entities, text) else {
        return Found::One(item);
    };
    if !resolve::says_more(&telling, &item.title) {
        return Found::One(item);
    }
    let args = json!({ "query": telling.join(" "), "locale": session.locale, "limit": LIST });
    let Ok((result, _)) =
        shop_call::<SearchResult>(gateway, session, "search_products", args, ctx).await
    else {
        return Found::One(item);
    };
    let closer: Vec<Item> = result
        .products
        .iter()
        .map(Item::from)
        .filter(|i| {
            i.id != item.id
                && resolve::names(&telling, &i.title)
                && !resolve::says_more(&telling, &i.title)
        })
        .collect();
    if closer.is_empty() {
        return Found::One(item);
    }
    Found::Choose(std::iter::once(item).chain(closer).collect())
}

/// `action` on what a reference came to: the product, or the question.
async fn settle(
    gateway: &Gateway,
    session: &mut Session,
    action: Action,
    (found, searched): (Found, Option<String>),
    text: &str,
    ctx: &TraceContext,
) -> Answer {
    let intent = intent_of(&action);
    match found {
        Found::One(item) => perform(gateway, session, intent, action, item, ctx).await,
        // Looking at the one product the words found costs nothing.
        Found::Choose(mut options)
            if options.len() == 1 && matches!(intent, Intent::Details | Intent::Question) =>
        {
            let only = options.remove(0);
            perform(gateway, session, intent, action, only, ctx).await
        }
        // "Are your prints framed?": a question about several products at
        // once is the shop's, when a help page answers it well.
        Found::Choose(options) if intent == Intent::Question => {
            match help(gateway, session, text, 2, ctx).await {
                Some(answer) => answer,
                None => ask(session, intent, action, options),
            }
        }
        Found::Choose(options) => {
            let answer = ask(session, intent, action, options);
            if let Some(question) = &mut session.conversation.dialog.question {
                question.name = searched;
            }
            answer
        }
        Found::Failed(answer) => answer,
        // "¿Cuánto cuesta?" of nothing the catalog has: say so, and ask.
        Found::Nothing if searched.is_some() => Answer::clarify(
            intent,
            format!(
                "{} {}",
                reply::phrase(Phrase::NothingFound, &session.locale),
                reply::phrase(Phrase::WhichProduct, &session.locale)
            ),
        ),
        Found::Nothing | Found::Unnamed => {
            let mut lines: Vec<Item> = match (&action, &session.conversation.dialog.basket) {
                (Action::Remove { .. } | Action::Update { .. }, Some(basket)) => {
                    basket.lines.iter().map(|l| l.item.clone()).collect()
                }
                _ => Vec::new(),
            };
            match (lines.len(), &action) {
                (0, _) => {
                    Answer::clarify(intent, reply::phrase(Phrase::WhichProduct, &session.locale))
                }
                // "Make it 3, they're for my book club" with one line in
                // the basket: the words name no product, the line is the
                // only one a quantity can be about.
                (1, Action::Update { .. }) => {
                    let only = lines.remove(0);
                    perform(gateway, session, intent, action, only, ctx).await
                }
                _ => ask(session, intent, action, lines),
            }
        }
    }
}

/// "The Las Meninas mug and two postcards": each product found and added;
/// the first that is not clear gets the question (the rest wait for it).
/// The two products "both" means: the two options of the question just
/// asked about what to add, else the product in focus and the one before it, else the two
/// products shown. None when no pair is that clear.
pub fn the_two(dialog: &Dialog, pending: Option<&Question>) -> Option<[Item; 2]> {
    if let Some([a, b]) = pending
        .filter(|q| matches!(q.action, Action::Add { .. }))
        .map(|q| q.options.as_slice())
    {
        return Some([a.clone(), b.clone()]);
    }
    if let (Some(earlier), Some(focus)) = (&dialog.earlier, &dialog.focus)
        && earlier.id != focus.id
    {
        return Some([earlier.clone(), focus.clone()]);
    }
    match dialog.shown.as_slice() {
        [a, b] => Some([a.clone(), b.clone()]),
        _ => None,
    }
}

/// One of each of `both`, said as one reply: the first add's line, then
/// the second's with the basket.
pub async fn add_both(
    gateway: &Gateway,
    session: &mut Session,
    both: [Item; 2],
    ctx: &TraceContext,
) -> Answer {
    let [first, second] = both;
    let one = add(gateway, session, Intent::Add, first, 1, ctx).await;
    let two = add(gateway, session, Intent::Add, second, 1, ctx).await;
    let lead = one
        .text
        .split_once('\n')
        .map_or(one.text.as_str(), |(l, _)| l);
    let outcome = if one.outcome == "ok" {
        two.outcome
    } else {
        one.outcome
    };
    Answer::new(
        Intent::Add,
        format!("{lead}\n{}", two.text),
        two.data.or(one.data),
        outcome,
    )
}

async fn add_several(
    gateway: &Gateway,
    session: &mut Session,
    parts: Vec<(i64, String)>,
    ctx: &TraceContext,
) -> Option<Answer> {
    let intent = Intent::Add;
    // "Et le livre Vincent et les tournesols": the parts are one title
    // joined where the message was split ("Vincent et les tournesols"), so
    // the message names one product, which the caller reads whole.
    // (A title spans the parts when it has a word of each and all their
    // words but one: "livre" is the shopper's, the title says "album".)
    // (Only the words a part does not share with another tell the parts
    // apart: "the las meninas mug and the las meninas postcard" are two.)
    let each: Vec<Vec<String>> = parts
        .iter()
        .filter(|(_, name)| !name.is_empty())
        .map(|(_, name)| resolve::telling(name))
        .collect();
    let mut every: Vec<String> = each.concat();
    every.sort();
    every.dedup();
    let own = |i: usize| -> Vec<&String> {
        each[i]
            .iter()
            .filter(|w| {
                each.iter()
                    .enumerate()
                    .all(|(j, other)| j == i || !other.contains(w))
            })
            .collect()
    };
    let spans = |title: &str| {
        each.len() >= 2
            && resolve::joins_parts(title, &own(0), &own(each.len() - 1))
            && (resolve::names(&every, title) || resolve::names_but_one(&every, title))
    };
    // (Kind words stay out of the query: "livre" would keep the search to
    // the books, and the album is on the children's shelf.)
    let query: Vec<&str> = every
        .iter()
        .map(String::as_str)
        .filter(|w| museo_sdk::parse::category(w).is_none())
        .collect();
    let args = json!({ "query": query.join(" "), "locale": session.locale, "limit": LIST });
    if let Ok((whole, _)) =
        shop_call::<SearchResult>(gateway, session, "search_products", args, ctx).await
        && whole.products.iter().any(|p| spans(&p.title))
    {
        return None;
    }
    let mut said: Vec<String> = Vec::new();
    let mut added: Vec<String> = Vec::new();
    let mut last = None;
    // "La taza de los girasoles y la de las meninas": the second a mug too.
    let first_name = parts
        .iter()
        .map(|(_, name)| name.clone())
        .find(|name| !name.is_empty());
    let parts: Vec<(i64, String)> = parts
        .into_iter()
        .enumerate()
        .map(|(i, (quantity, name))| match &first_name {
            Some(first) if i > 0 && !name.is_empty() && name != *first => {
                let name = resolve::of_the_same_kind(&name, &name, first).unwrap_or(name);
                (quantity, name)
            }
            _ => (quantity, name),
        })
        .collect();
    for (quantity, name) in parts {
        // "Je prends le premier et le dernier": positions in the list shown.
        let entities = match resolve::only_position(&name) {
            // "Add it and …": the product talked about, as "add it" alone.
            None if name.is_empty() => Entities {
                anaphora: true,
                ..Entities::default()
            },
            Some(n) => Entities {
                ordinal: Some(n),
                ..Entities::default()
            },
            None => Entities {
                name: Some(name.clone()),
                ..Entities::default()
            },
        };
        let target = resolve::resolve(&session.conversation.dialog, &entities, "", Scope::Catalog);
        let (answer, stop) = match find(gateway, session, intent, target, ctx).await {
            // "Vincent and the Sunflowers": a name with "and" in it is one product.
            Found::One(item) if added.contains(&item.sku) => continue,
            // "Hmm ok, add…": a part naming nothing is chatter.
            Found::Unnamed => continue,
            Found::One(item) => {
                added.push(item.sku.clone());
                (
                    add(gateway, session, intent, item, quantity, ctx).await,
                    false,
                )
            }
            // The rest waits for the answer.
            Found::Choose(options) => (
                ask(session, intent, Action::Add { quantity }, options),
                true,
            ),
            Found::Failed(answer) => (answer, false),
            Found::Nothing => (
                Answer::clarify(
                    intent,
                    format!(
                        "{name}: {}",
                        reply::phrase(Phrase::NothingFound, &session.locale)
                    ),
                ),
                false,
            ),
        };
        // Each earlier add says its first line ("Added …"); the last shows the basket.
        if let Some(previous) = said.last_mut()
            && let Some((first, _)) = previous.split_once('\n')
        {
            *previous = first.to_owned();
        }
        said.push(answer.text);
        // The basket after the last add, with the question's options when
        // a part asks one.
        let data = match (last.and_then(|(data, _)| data), answer.data) {
            (Some(Value::Object(mut earlier)), Some(Value::Object(now))) => {
                earlier.extend(now);
                Some(Value::Object(earlier))
            }
            (earlier, now) => now.or(earlier),
        };
        last = Some((data, answer.outcome));
        if stop {
            break;
        }
    }
    // Every part chatter ("lovely, i'll have them"): no list after all.
    let (data, outcome) = last?;
    Some(Answer::new(intent, said.join("\n"), data, outcome))
}

/// Asks which of `options` the shopper means, and remembers the question.
fn ask(session: &mut Session, intent: Intent, action: Action, mut options: Vec<Item>) -> Answer {
    options.truncate(LIST);
    let cards: Vec<Value> = options.iter().map(Item::card).collect();
    let data = json!({
        "products": cards,
        "question": { "kind": "which_product", "options": options.iter().map(|i| &i.sku).collect::<Vec<_>>() },
    });
    let text = reply::choices(&data, &session.locale, session.channel);
    let dialog = &mut session.conversation.dialog;
    dialog.show(options.clone());
    dialog.question = Some(Question {
        action,
        options,
        name: None,
    });
    Answer::new(intent, text, Some(data), "clarify")
}

/// Does `action` on `item`: the one place a basket changes.
async fn perform(
    gateway: &Gateway,
    session: &mut Session,
    intent: Intent,
    action: Action,
    item: Item,
    ctx: &TraceContext,
) -> Answer {
    let locale = session.locale.clone();
    let channel = session.channel;
    match action {
        Action::Details => {
            let args = json!({ "product_id": item.id, "locale": locale });
            match shop_call::<ProductDetails>(gateway, session, "get_product", args, ctx).await {
                Ok((details, value)) => {
                    session.conversation.dialog.focus = Some(Item::from(&details));
                    Answer::ok(
                        intent,
                        reply::details(&value, &locale, channel),
                        Some(value),
                    )
                }
                Err(failed) => refusal(session, intent, failed, Some(&item)),
            }
        }
        Action::Question { text } => {
            let args = json!({ "product_id": item.id, "question": text, "locale": locale });
            match shop_call::<ProductAnswer>(gateway, session, "answer_product_question", args, ctx)
                .await
            {
                Ok((_, value)) => {
                    let dialog = &mut session.conversation.dialog;
                    dialog.focus = Some(item);
                    dialog.asked = Some(text);
                    Answer::ok(intent, reply::answer(&value, &locale, channel), Some(value))
                }
                Err(failed) => refusal(session, intent, failed, Some(&item)),
            }
        }
        Action::Add { quantity } => add(gateway, session, intent, item, quantity, ctx).await,
        Action::Remove { quantity } => {
            let Some(line) = line_of(session, &item) else {
                return not_in_basket(session, intent, &item);
            };
            let remove = quantity.filter(|q| *q < line.quantity);
            change(
                gateway,
                session,
                intent,
                &line.item,
                Change::Remove(remove),
                ctx,
            )
            .await
        }
        Action::Update { quantity, delta } => {
            let Some(line) = line_of(session, &item) else {
                // "Make it two" about a product not in the basket yet: add them.
                return match quantity.or(delta).filter(|q| *q > 0) {
                    Some(q) => add(gateway, session, Intent::Add, item, q, ctx).await,
                    None => not_in_basket(session, intent, &item),
                };
            };
            let want = match (quantity, delta) {
                (Some(q), _) => q,
                (None, Some(d)) => line.quantity + d,
                (None, None) => {
                    return Answer::clarify(
                        intent,
                        reply::phrase(Phrase::HowMany, &session.locale),
                    );
                }
            };
            let change_by = if want <= 0 {
                Change::Remove(None)
            } else if want > line.quantity {
                Change::Add(want - line.quantity)
            } else if want < line.quantity {
                Change::Remove(Some(line.quantity - want))
            } else {
                Change::None
            };
            change(gateway, session, intent, &line.item, change_by, ctx).await
        }
    }
}

fn line_of(session: &Session, item: &Item) -> Option<super::state::Line> {
    session
        .conversation
        .dialog
        .basket
        .as_ref()?
        .line(item)
        .cloned()
}

fn not_in_basket(session: &Session, intent: Intent, item: &Item) -> Answer {
    let text = reply::refusal(
        Refusal::NotInBasket,
        Some(&item.title),
        None,
        &session.locale,
        session.channel,
    );
    Answer::new(intent, text, None, "clarify")
}

/// Adds units of `item`, after checking the stock the dialog knows of.
async fn add(
    gateway: &Gateway,
    session: &mut Session,
    intent: Intent,
    item: Item,
    quantity: i64,
    ctx: &TraceContext,
) -> Answer {
    let held = line_of(session, &item).map_or(0, |l| l.quantity);
    let refused = match item.stock {
        Some(stock) if stock <= 0 => {
            Some(refuse(session, intent, Refusal::OutOfStock, &item, None))
        }
        Some(stock) if held + quantity > stock => Some(refuse(
            session,
            intent,
            Refusal::NotEnough,
            &item,
            Some(stock),
        )),
        _ => None,
    };
    if let Some(answer) = refused {
        // "Ok, 2 then" is about this product.
        let dialog = &mut session.conversation.dialog;
        dialog.focus = Some(item.clone());
        dialog.just = Some(Just::Refused { item });
        return answer;
    }
    let mut args = json!({ "product_id": item.id, "quantity": quantity, "locale": session.locale });
    if let Some(basket) = session.conversation.dialog.basket_id() {
        args["basket_id"] = json!(basket);
    }
    match shop_call::<BasketView>(gateway, session, "add_to_basket", args, ctx).await {
        Ok((view, value)) => {
            let dialog = &mut session.conversation.dialog;
            let basket = dialog.basket.get_or_insert_with(Basket::default);
            basket.update(&view);
            let line = basket.line(&item).cloned();
            basket.last = line.as_ref().map(|l| l.item.id.clone());
            let title = line.map_or(item.title.clone(), |l| l.item.title);
            dialog.focus = Some(item.clone());
            dialog.just = Some(Just::Changed { item });
            let text = reply::basket(
                &value,
                &session.locale,
                session.channel,
                Some((&title, quantity)),
            );
            Answer::ok(intent, text, Some(value))
        }
        Err(failed) => {
            if matches!(failed.code(), Some("out_of_stock" | "insufficient_stock")) {
                let dialog = &mut session.conversation.dialog;
                dialog.focus = Some(item.clone());
                dialog.just = Some(Just::Refused { item: item.clone() });
            }
            refusal(session, intent, failed, Some(&item))
        }
    }
}

/// A change to a basket line.
enum Change {
    /// Add units.
    Add(i64),
    /// Remove units (`None`: the whole line).
    Remove(Option<i64>),
    /// Nothing to change.
    None,
}

async fn change(
    gateway: &Gateway,
    session: &mut Session,
    intent: Intent,
    item: &Item,
    change: Change,
    ctx: &TraceContext,
) -> Answer {
    let Some(basket_id) = session.conversation.dialog.basket_id().map(str::to_owned) else {
        return Answer::ok(
            intent,
            reply::phrase(Phrase::NoBasket, &session.locale),
            None,
        );
    };
    let locale = session.locale.clone();
    let (tool, args) = match change {
        Change::Add(units) => {
            if let Some(stock) = item.stock
                && units + line_of(session, item).map_or(0, |l| l.quantity) > stock
            {
                // "Ok, 3 then" sets this line.
                session.conversation.dialog.just = Some(Just::Changed { item: item.clone() });
                return refuse(session, intent, Refusal::NotEnough, item, Some(stock));
            }
            (
                "add_to_basket",
                json!({ "basket_id": basket_id, "product_id": item.id, "quantity": units, "locale": locale }),
            )
        }
        Change::Remove(units) => {
            let mut args =
                json!({ "basket_id": basket_id, "product_id": item.id, "locale": locale });
            if let Some(units) = units {
                args["quantity"] = json!(units);
            }
            ("remove_from_basket", args)
        }
        Change::None => (
            "view_basket",
            json!({ "basket_id": basket_id, "locale": locale }),
        ),
    };
    match shop_call::<BasketView>(gateway, session, tool, args, ctx).await {
        Ok((view, value)) => {
            let basket = session
                .conversation
                .dialog
                .basket
                .get_or_insert_with(Basket::default);
            basket.update(&view);
            let now = basket.line(item).map(|l| l.quantity);
            if now.is_some() {
                basket.last = Some(item.id.clone());
                session.conversation.dialog.just = Some(Just::Changed { item: item.clone() });
            }
            // A line taken out is no longer what "it" means.
            session.conversation.dialog.focus = now.is_some().then(|| item.clone());
            let lead = match now {
                Some(quantity) => reply::basket_line(
                    reply::LineChange::Now(quantity),
                    &item.title,
                    &session.locale,
                    session.channel,
                ),
                None => reply::basket_line(
                    reply::LineChange::Removed,
                    &item.title,
                    &session.locale,
                    session.channel,
                ),
            };
            let text = format!(
                "{lead}\n{}",
                reply::basket(&value, &session.locale, session.channel, None)
            );
            // "Quíteme una taza" of three: the line stays, with fewer.
            let intent = match (intent, now) {
                (Intent::Remove, Some(_)) => Intent::Update,
                (intent, _) => intent,
            };
            Answer::ok(intent, text, Some(value))
        }
        Err(failed) => refusal(session, intent, failed, Some(item)),
    }
}

/// A refusal worded for the shopper.
fn refuse(
    session: &Session,
    intent: Intent,
    refusal: Refusal,
    item: &Item,
    available: Option<i64>,
) -> Answer {
    let text = reply::refusal(
        refusal,
        Some(&item.title),
        available,
        &session.locale,
        session.channel,
    );
    Answer::new(intent, text, None, "tool_error")
}

/// A failed storefront call, worded for the shopper from the refusal's code
/// (never the tool's text, which is written for a model).
fn refusal(session: &Session, intent: Intent, failed: Failed, item: Option<&Item>) -> Answer {
    let (kind, available, outcome) = match &failed {
        Failed::Refused { error, .. } => {
            let available = error.as_ref().and_then(|e| e.available);
            let kind = match failed.code() {
                Some("out_of_stock") => Refusal::OutOfStock,
                Some("insufficient_stock") if available == Some(0) => Refusal::OutOfStock,
                Some("insufficient_stock") => Refusal::NotEnough,
                Some("not_found") => Refusal::NotFound,
                Some("basket_closed") => Refusal::BasketClosed,
                _ => Refusal::Failed,
            };
            (kind, available, "tool_error")
        }
        Failed::Forbidden => (Refusal::Failed, None, "refused"),
        Failed::Unavailable => {
            return Answer::new(
                intent,
                reply::phrase(Phrase::Unavailable, &session.locale),
                None,
                "error",
            );
        }
    };
    let named = item.map(|i| i.title.as_str()).or(match &failed {
        Failed::Refused { error: Some(e), .. } => e.title.as_deref(),
        _ => None,
    });
    let text = reply::refusal(kind, named, available, &session.locale, session.channel);
    Answer::new(intent, text, None, outcome)
}

/// Which search a `product.search` message asks for: a new one, or the
/// last one refined.
fn search_of(last: Option<&Search>, entities: &Entities, text: &str) -> (Search, bool) {
    let filters = entities.price_min.is_some()
        || entities.price_max.is_some()
        || entities.in_stock
        || entities.color.is_some()
        || entities.sort.is_some()
        || entities.pick.is_some();
    let refine = match last {
        Some(_) if entities.refine => true,
        // "The cheapest?", "under 15 euros?": filters and no new words.
        Some(_) => {
            filters
                && entities
                    .query
                    .as_deref()
                    .is_none_or(|q| resolve::telling(q).is_empty())
        }
        None => false,
    };
    let mut search = match (refine, last) {
        (true, Some(last)) => Search {
            next_cursor: None,
            offset: 0,
            ..last.clone()
        },
        // "Avez-vous des carnets ou des agendas ?": the storefront reads
        // either word from the message itself (mcp-intent keeps one).
        _ if resolve::offers_either(text) => Search {
            query: text.chars().take(200).collect(),
            ..Search::default()
        },
        _ => Search {
            query: entities
                .query
                .clone()
                .unwrap_or_else(|| text.chars().take(500).collect()),
            category: entities.category.clone(),
            ..Search::default()
        },
    };
    if entities.price_min.is_some() {
        search.price_min = entities.price_min;
    }
    if entities.price_max.is_some() {
        search.price_max = entities.price_max;
    }
    if refine {
        if let Some(category) = &entities.category {
            search.category = Some(category.clone());
        }
        if let Some(color) = &entities.color
            && !search.query.to_lowercase().contains(&color.to_lowercase())
        {
            search.query = format!("{} {color}", search.query);
        }
    }
    search.in_stock |= entities.in_stock;
    if let Some(sort) = entities.pick.or(entities.sort) {
        search.sort = Some(sort);
    }
    (search, refine)
}

/// `product.search`: a new search, a refinement of the last one, its next
/// page, or the cheapest/dearest of it.
/// "Nefertiti", "rain steam and speed": a message the rules could not
/// read whose words are in the catalog's titles is a search for them (a
/// search changes nothing, and a list answers better than "I did not
/// understand").
pub async fn names_products(
    gateway: &Gateway,
    session: &mut Session,
    text: &str,
    ctx: &TraceContext,
) -> Option<Answer> {
    let telling = resolve::telling(text);
    if telling.is_empty() || telling.len() > 6 || text.contains('?') {
        return None;
    }
    let query = telling.join(" ");
    let args = json!({ "query": query, "locale": session.locale, "limit": 1 });
    let (found, _) = shop_call::<SearchResult>(gateway, session, "search_products", args, ctx)
        .await
        .ok()?;
    let first = found.products.first()?;
    if found.understood.relaxed || !resolve::names(&telling, &first.title) {
        return None;
    }
    let entities = Entities {
        query: Some(query),
        ..Entities::default()
    };
    // A new search, not a refinement of the last one.
    session.conversation.dialog.search = None;
    Some(search(gateway, session, &entities, text, ctx).await)
}

async fn search(
    gateway: &Gateway,
    session: &mut Session,
    entities: &Entities,
    text: &str,
    ctx: &TraceContext,
) -> Answer {
    let intent = Intent::Search;
    let message = text;
    let last = session.conversation.dialog.search.clone();
    let (search, refine, cursor) = match (&last, entities.more) {
        (Some(last), true) => match &last.next_cursor {
            Some(cursor) => (last.clone(), true, Some(cursor.clone())),
            None => {
                return Answer::ok(intent, reply::phrase(Phrase::NoMore, &session.locale), None);
            }
        },
        _ => {
            let (search, refine) = search_of(last.as_ref(), entities, text);
            (search, refine, None)
        }
    };
    let mut args = json!({
        "query": search.query,
        "locale": session.locale,
        "limit": LIST,
    });
    for (key, value) in [
        ("price_min", search.price_min),
        ("price_max", search.price_max),
    ] {
        if let Some(v) = value {
            args[key] = json!(v);
        }
    }
    if let Some(category) = &search.category {
        args["category"] = json!(category);
    }
    if search.in_stock {
        args["in_stock"] = json!(true);
    }
    if let Some(sort) = search.sort {
        args["sort"] = json!(sort.as_str());
    }
    if let Some(cursor) = &cursor {
        args["cursor"] = json!(cursor);
    }
    let wider = (!refine && cursor.is_none() && !search.query.trim().is_empty())
        .then(|| search.category.as_ref().map(|_| without_category(&args)))
        .flatten();
    let (mut result, mut value) =
        match shop_call::<SearchResult>(gateway, session, "search_products", args, ctx).await {
            Ok(found) => found,
            // Nothing searchable in the words ("how old do they need to
            // be"): whatever the shopper meant, it was not the product in
            // focus any more; ask what they are looking for.
            Err(failed) if failed.code() == Some("invalid_argument") => {
                session.conversation.dialog.focus = None;
                session.conversation.dialog.shown.clear();
                return Answer::clarify(
                    intent,
                    reply::phrase(Phrase::WhichProduct, &session.locale),
                );
            }
            Err(failed) => return refusal(session, intent, failed, None),
        };
    // "El libro de pegatinas": the word that named a category named a kind
    // of thing kept on another shelf (the sticker book is a kids' product,
    // its title says "libro"): the other words alone, anywhere, when they
    // match outright a title with that word. ("Un cadeau pour un enfant
    // qui aime peindre" finds nothing for children, and a book about
    // painting is no answer.)
    let mut search = search;
    if result.products.is_empty()
        && let Some(wider) = wider
        && let Some(slug) = search.category.clone()
        && let Ok((other, other_value)) =
            shop_call::<SearchResult>(gateway, session, "search_products", wider, ctx).await
        && (!other.understood.relaxed
            || !other.understood.any_word
                && other
                    .understood
                    .dropped
                    .iter()
                    .all(|w| museo_sdk::parse::category(w).is_some()))
        && other
            .products
            .first()
            .is_some_and(|p| titled_by_kind(&p.title, text, &slug))
    {
        result = other;
        value = other_value;
        search.category = None;
    }
    let items: Vec<Item> = result.products.iter().map(Item::from).collect();
    let locale = session.locale.clone();
    if items.is_empty() {
        // The list shown before stays what "the second one" means; after a
        // new search for something else, "it" no longer means what it did.
        if !refine {
            session.conversation.dialog.focus = None;
        }
        let phrase = if refine {
            Phrase::RefineEmpty
        } else {
            Phrase::NothingFound
        };
        return Answer::ok(intent, reply::phrase(phrase, &locale), Some(value));
    }
    // "The kiss pendant necklace pls", "ok the stoneware great wave mug
    // instead": asked for, and one title alone of all those found has every
    // word of the name: it goes in.
    if !refine
        && cursor.is_none()
        && !result.understood.relaxed
        && result.next_cursor.is_none()
        && resolve::requests_the(message)
    {
        let telling = resolve::telling(&search.query);
        let exact: Vec<&Item> = items
            .iter()
            .filter(|i| resolve::names(&telling, &i.title))
            .collect();
        if let [one] = exact.as_slice() {
            let quantity = entities.quantity.filter(|q| *q > 0).unwrap_or(1);
            let one = (*one).clone();
            return add(gateway, session, Intent::Add, one, quantity, ctx).await;
        }
    }
    // "C'est combien le mug nymphéas ?", "how many greek key cups do you
    // have": one product found for a price or stock question is that
    // product, shown with its price and stock.
    if let [only] = items.as_slice()
        && !refine
        && cursor.is_none()
        && asks_price_or_stock(text)
    {
        let only = only.clone();
        return perform(
            gateway,
            session,
            Intent::Details,
            Action::Details,
            only,
            ctx,
        )
        .await;
    }
    let offset = match (&cursor, &last) {
        (Some(_), Some(last)) => last.offset + session.conversation.dialog.shown.len(),
        _ => 0,
    };
    let dialog = &mut session.conversation.dialog;
    dialog.search = Some(Search {
        next_cursor: result.next_cursor.clone(),
        offset,
        ..search
    });
    let pick = entities.pick.filter(|_| cursor.is_none());
    dialog.show(items);
    let mut text = reply::products(&value, &locale, session.channel);
    if let Some(sort) = pick
        && let Some(first) = dialog.shown.first().cloned()
    {
        let lead = reply::picked(
            sort == Sort::PriceDesc,
            &first.title,
            &first.card()["price"],
            &locale,
            session.channel,
        );
        text = format!("{lead}\n{text}");
        dialog.focus = Some(first.clone());
        // "Agrega el más barato": the one picked goes in.
        if resolve::puts_in(&museo_sdk::parse::fold(message)) {
            return add(gateway, session, Intent::Add, first, 1, ctx).await;
        }
    }
    Answer::ok(intent, text, Some(value))
}

/// Whether `title` has a word of `text` that names the category `slug`.
fn titled_by_kind(title: &str, text: &str, slug: &str) -> bool {
    let (title, text) = (museo_sdk::parse::fold(title), museo_sdk::parse::fold(text));
    let said = museo_sdk::parse::words(&text);
    museo_sdk::parse::words(&title)
        .iter()
        .any(|w| said.contains(w) && museo_sdk::parse::category(w) == Some(slug))
}

/// Search arguments without their category.
fn without_category(args: &Value) -> Value {
    let mut wider = args.clone();
    if let Some(map) = wider.as_object_mut() {
        map.remove("category");
    }
    wider
}

/// Whether the message asks a price or what is left ("how much is…",
/// "¿cuánto cuesta…?", "c'est combien…", "how many … do you have left",
/// "¿cuántas quedan?", "il en reste combien ?").
fn asks_price_or_stock(text: &str) -> bool {
    let folded = museo_sdk::parse::fold(text);
    let words = museo_sdk::parse::words(&folded);
    folded.contains("how much")
        || folded.contains("how many")
        || words.iter().any(|w| {
            matches!(
                *w,
                "price"
                    | "cost"
                    | "costs"
                    | "cuanto"
                    | "cuantos"
                    | "cuantas"
                    | "cuesta"
                    | "precio"
                    | "combien"
                    | "coute"
                    | "prix"
                    | "vale"
                    | "quedan"
                    | "queda"
                    | "reste"
                    | "restent"
                    | "stock"
            )
        })
}

async fn view(gateway: &Gateway, session: &mut Session, ctx: &TraceContext) -> Answer {
    let intent = Intent::View;
    let Some(basket_id) = session.conversation.dialog.basket_id().map(str::to_owned) else {
        return Answer::ok(
            intent,
            reply::phrase(Phrase::NoBasket, &session.locale),
            None,
        );
    };
    let args = json!({ "basket_id": basket_id, "locale": session.locale });
    match shop_call::<BasketView>(gateway, session, "view_basket", args, ctx).await {
        Ok((view, value)) => {
            if let Some(basket) = &mut session.conversation.dialog.basket {
                basket.update(&view);
            }
            let text = reply::basket(&value, &session.locale, session.channel, None);
            Answer::ok(intent, text, Some(value))
        }
        Err(failed) => refusal(session, intent, failed, None),
    }
}

async fn pay(gateway: &Gateway, session: &mut Session, ctx: &TraceContext) -> Answer {
    let intent = Intent::Pay;
    let basket = session.conversation.dialog.basket.as_ref();
    let Some(basket_id) = basket.filter(|b| !b.lines.is_empty()).map(|b| b.id.clone()) else {
        return Answer::ok(
            intent,
            reply::phrase(Phrase::NoBasket, &session.locale),
            None,
        );
    };
    let args = json!({ "basket_id": basket_id, "locale": session.locale });
    match shop_call::<PaymentLinkView>(gateway, session, "get_payment_link", args, ctx).await {
        Ok((link, value)) => {
            session.conversation.dialog.order_id = Some(link.order_id);
            let text = reply::payment(&value, &session.locale, session.channel);
            Answer::ok(intent, text, Some(value))
        }
        Err(failed) => refusal(session, intent, failed, None),
    }
}

/// The help page answering `text` when its best line shares at least
/// `min_score` of the question's words; `None` otherwise (or on failure).
async fn help(
    gateway: &Gateway,
    session: &mut Session,
    text: &str,
    min_score: usize,
    ctx: &TraceContext,
) -> Option<Answer> {
    let args =
        json!({ "query": text.chars().take(500).collect::<String>(), "locale": session.locale });
    let (help, value) = shop_call::<HelpResult>(gateway, session, "search_help", args, ctx)
        .await
        .ok()?;
    let page = help
        .pages
        .iter()
        .map(|p| (reply::help_score(&p.body, text), p))
        .max_by_key(|(score, _)| *score)
        .filter(|(score, _)| *score >= min_score)
        .map(|(_, page)| page)?;
    let reply = reply::help_page(&page.title, &page.body, text, session.channel);
    Some(Answer::ok(Intent::StoreInfo, reply, Some(value)))
}

/// `store.info`: the help page that answers, in the shopper's language.
async fn store_info(
    gateway: &Gateway,
    session: &mut Session,
    entities: &Entities,
    text: &str,
    ctx: &TraceContext,
) -> Answer {
    let intent = Intent::StoreInfo;
    // "To the US how long?" right after the shipping page is about
    // shipping, whatever page its words would find ("us": "contact us").
    let following = session.conversation.dialog.help.take().filter(|_| {
        entities.topic.is_none()
            && text.split_whitespace().count() <= 6
            && last_assistant_intent(session) == Some("store.info")
    });
    let topic = entities.topic.clone().or(following);
    let query = match &topic {
        Some(topic) => format!("{topic} {text}"),
        None => text.to_owned(),
    };
    // search_help takes up to 200 characters.
    let args =
        json!({ "query": query.chars().take(200).collect::<String>(), "locale": session.locale });
    let mut found = shop_call::<HelpResult>(gateway, session, "search_help", args, ctx).await;
    // The topic's page, when the message's own words found other pages
    // ("ça prend combien de temps ?" finds product care).
    if let (Some(topic), Ok((help, _))) = (&topic, &found)
        && !help.pages.iter().any(|p| &p.slug == topic)
    {
        let args = json!({ "query": topic, "locale": session.locale });
        if let Ok(again) = shop_call::<HelpResult>(gateway, session, "search_help", args, ctx).await
            && again.0.pages.iter().any(|p| &p.slug == topic)
        {
            found = Ok(again);
        }
    }
    match found {
        Ok((help, value)) => {
            let page = topic
                .as_deref()
                .and_then(|t| help.pages.iter().find(|p| p.slug == t))
                .or_else(|| help.pages.first());
            match page {
                Some(page) => {
                    session.conversation.dialog.help = Some(page.slug.clone());
                    let text = reply::help_page(&page.title, &page.body, text, session.channel);
                    Answer::ok(intent, text, Some(value))
                }
                None => Answer::ok(
                    intent,
                    reply::phrase(Phrase::HelpNone, &session.locale),
                    None,
                ),
            }
        }
        Err(failed) => refusal(session, intent, failed, None),
    }
}

/// `order.status`: the order named, or the one this conversation paid.
async fn order_status(
    gateway: &Gateway,
    session: &mut Session,
    entities: &Entities,
    ctx: &TraceContext,
) -> Answer {
    let intent = Intent::OrderStatus;
    let Some(order_id) = entities
        .order_id
        .clone()
        .or_else(|| session.conversation.dialog.order_id.clone())
    else {
        return Answer::clarify(intent, reply::phrase(Phrase::WhichOrder, &session.locale));
    };
    let args = json!({ "order_id": order_id, "locale": session.locale });
    match super::tool(
        gateway,
        session,
        "mcp-storefront",
        "get_order",
        args,
        ctx,
        None,
    )
    .await
    {
        Ok(value) => {
            let text = reply::order(&value, &session.locale, session.channel);
            Answer::ok(intent, text, Some(value))
        }
        Err(failed @ Failed::Refused { .. }) if failed.code() == Some("not_found") => {
            Answer::clarify(intent, reply::phrase(Phrase::WhichOrder, &session.locale))
        }
        Err(failed) => refusal(session, intent, failed, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entities(v: Value) -> Entities {
        Entities::from_map(v.as_object().cloned().unwrap_or_default())
    }

    fn mugs() -> Search {
        Search {
            query: "van gogh mugs".into(),
            ..Search::default()
        }
    }

    #[test]
    fn refinements_keep_the_last_search_and_new_words_start_a_new_one() {
        let last = mugs();
        let (s, refine) = search_of(
            Some(&last),
            &entities(json!({ "price_max": 15, "refine": true })),
            "which of those are under 15 euros?",
        );
        assert!(refine);
        assert_eq!(
            (s.query.as_str(), s.price_max),
            ("van gogh mugs", Some(15.0))
        );
        let (s, refine) = search_of(
            Some(&last),
            &entities(json!({ "pick": "cheapest" })),
            "which is the cheapest?",
        );
        assert!(refine);
        assert_eq!(s.sort, Some(Sort::PriceAsc));
        let (s, refine) = search_of(
            Some(&last),
            &entities(json!({ "query": "silk scarves", "price_max": 50 })),
            "silk scarves under 50",
        );
        assert!(!refine);
        assert_eq!(s.query, "silk scarves");
        let (s, _) = search_of(
            Some(&last),
            &entities(json!({ "color": "blue", "refine": true })),
            "in blue?",
        );
        assert_eq!(s.query, "van gogh mugs blue");
        let (_, refine) = search_of(None, &entities(json!({ "refine": true })), "cheaper?");
        assert!(!refine, "nothing to refine");
    }
}
