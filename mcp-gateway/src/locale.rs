//! Which language a session speaks: `hello.locale`, then the phone number's
//! country (WhatsApp), then `Accept-Language` on the upgrade, then the
//! language of the first message (DESIGN.md, "Locale").

use museo_sdk::types::Lang;

/// The language of a phone number's country; `None` when unknown.
pub fn from_phone(phone: &str) -> Option<Lang> {
    let number = phonenumber::parse(None, phone).ok()?;
    let region = number.country().id()?;
    use phonenumber::country::Id;
    Some(match region {
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
    })
}

/// The best of en/es/fr for an `Accept-Language` header (quality-ordered,
/// wildcards and unsupported languages skipped); `None` when none fits.
pub fn from_accept_language(header: &str) -> Option<Lang> {
    let mut ranges: Vec<(f32, Lang)> = header
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (q > 0.0).then_some(())?;
            Lang::from_tag(tag).map(|lang| (q, lang))
        })
        .collect();
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranges.first().map(|(_, lang)| *lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_name_their_language() {
        assert_eq!(from_phone("+34600111222"), Some(Lang::Es));
        assert_eq!(from_phone("+5215512345678"), Some(Lang::Es));
        assert_eq!(from_phone("+33612345678"), Some(Lang::Fr));
        assert_eq!(from_phone("+442071234567"), Some(Lang::En));
        assert_eq!(from_phone("not a phone"), None);
    }

    #[test]
    fn accept_language_is_negotiated_by_quality() {
        assert_eq!(
            from_accept_language("de-DE,de;q=0.9,fr;q=0.8,en;q=0.5"),
            Some(Lang::Fr)
        );
        assert_eq!(from_accept_language("es-MX"), Some(Lang::Es));
        assert_eq!(from_accept_language("de, *;q=0.1"), None);
        assert_eq!(from_accept_language("fr;q=0, en;q=0.2"), Some(Lang::En));
    }
}
