//! Which language a session speaks: `hello.locale`, then the phone number's
//! country (WhatsApp), then `Accept-Language` on the upgrade, then the
//! language of the first message (docs/gateway.md and the README; "Locale").
//!
//! Each source gives a BCP-47 tag, not just a language, because money and
//! dates depend on the region: `+353…` is `en-IE` (`€49.90`), `+1…` is
//! `en-US` (`$49.90`), `fr-CA` stays `fr-CA` and is written like `fr-FR`.

use museo_sdk::types::Lang;

/// The locale of a phone number's country (`es-MX`, `fr-BE`, `en-IE`);
/// `None` when the number is not valid E.164.
pub fn from_phone(phone: &str) -> Option<String> {
    let number = phonenumber::parse(None, phone).ok()?;
    let region = number.country().id()?;
    let lang = region_language(region);
    Some(format!("{}-{}", lang.code(), region.as_ref()))
}

/// The language spoken to a customer from `region`: Spanish- and
/// French-speaking countries get es and fr, everyone else en (Canada
/// included: a number does not tell Quebec from Ontario).
fn region_language(region: phonenumber::country::Id) -> Lang {
    use phonenumber::country::Id;
    match region {
        Id::ES
        | Id::MX
        | Id::AR
        | Id::CO
        | Id::CL
        | Id::PE
        | Id::VE
        | Id::EC
        | Id::GT
        | Id::CU
        | Id::BO
        | Id::DO
        | Id::HN
        | Id::PY
        | Id::SV
        | Id::NI
        | Id::CR
        | Id::PA
        | Id::UY
        | Id::PR
        | Id::GQ => Lang::Es,
        Id::FR
        | Id::BE
        | Id::LU
        | Id::MC
        | Id::SN
        | Id::CI
        | Id::CM
        | Id::ML
        | Id::BF
        | Id::NE
        | Id::TG
        | Id::BJ
        | Id::GA
        | Id::CG
        | Id::CD
        | Id::MG
        | Id::HT
        | Id::RE
        | Id::GP
        | Id::MQ
        | Id::GF
        | Id::PF
        | Id::NC => Lang::Fr,
        _ => Lang::En,
    }
}

/// The preferred tag of an `Accept-Language` header whose language is en, es
/// or fr (quality-ordered, wildcards and other languages skipped); `None`
/// when none fits.
pub fn from_accept_language(header: &str) -> Option<String> {
    let mut ranges: Vec<(f32, String)> = header
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (q > 0.0).then_some(())?;
            valid_tag(tag).map(|tag| (q, tag))
        })
        .collect();
    // A stable sort keeps the header's order among equal qualities.
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranges.into_iter().next().map(|(_, tag)| tag)
}

/// `tag` when it looks like BCP-47 (letters, digits, `-`/`_`, at most 35
/// characters) and its language is one replies are written in.
pub fn valid_tag(tag: &str) -> Option<String> {
    let tag = tag.trim();
    let shaped = !tag.is_empty()
        && tag.len() <= 35
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (shaped && Lang::from_tag(tag).is_some()).then(|| tag.replace('_', "-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_name_their_language() {
        assert_eq!(from_phone("+34600111222").as_deref(), Some("es-ES"));
        assert_eq!(from_phone("+5215512345678").as_deref(), Some("es-MX"));
        assert_eq!(from_phone("+33612345678").as_deref(), Some("fr-FR"));
        assert_eq!(from_phone("+32470123456").as_deref(), Some("fr-BE"));
        assert_eq!(from_phone("+353861234567").as_deref(), Some("en-IE"));
        assert_eq!(from_phone("+442071234567").as_deref(), Some("en-GB"));
        assert_eq!(from_phone("+12025550143").as_deref(), Some("en-US"));
        assert_eq!(from_phone("not a phone"), None);
        assert_eq!(from_phone(&"9".repeat(10_000)), None);
    }

    #[test]
    fn accept_language_is_negotiated_by_quality() {
        assert_eq!(
            from_accept_language("de-DE,de;q=0.9,fr-CA;q=0.8,en;q=0.5").as_deref(),
            Some("fr-CA")
        );
        assert_eq!(from_accept_language("es-MX").as_deref(), Some("es-MX"));
        assert_eq!(
            from_accept_language("en-IE,en;q=0.9").as_deref(),
            Some("en-IE")
        );
        assert_eq!(from_accept_language("de, *;q=0.1"), None);
        assert_eq!(
            from_accept_language("fr;q=0, en;q=0.2").as_deref(),
            Some("en")
        );
        assert_eq!(from_accept_language("q=;;,,;"), None);
        assert_eq!(from_accept_language("<script>, fr"), Some("fr".into()));
        assert_eq!(valid_tag("fr_FR").as_deref(), Some("fr-FR"));
        assert_eq!(valid_tag("xx-evil\n"), None);
        assert_eq!(valid_tag(&format!("en-{}", "a".repeat(40))), None);
    }
}
