//! Checks on what callers give, before anything is rendered or sent.
//!
//! Each function returns a message meant for the model: what is wrong and
//! what a good value looks like. Lengths follow the channels' own limits:
//! an SMS is counted in segments the way carriers bill it (GSM-7: 160
//! characters alone, 153 per part; anything outside GSM-7 makes the whole
//! text UCS-2: 70, then 67 per part), a WhatsApp text may hold 4096
//! characters and a WhatsApp template body 1024.

use lettre::message::Mailbox;
use phonenumber::Mode;

/// Most SMS segments one message may take (each is billed).
pub const MAX_SMS_SEGMENTS: usize = 10;
/// Longest WhatsApp free text (Cloud API limit).
pub const MAX_WHATSAPP_TEXT: usize = 4096;
/// Longest body of a WhatsApp template message (Meta's limit).
pub const MAX_WHATSAPP_TEMPLATE_BODY: usize = 1024;
/// Longest e-mail subject accepted.
pub const MAX_SUBJECT: usize = 250;
/// Longest e-mail text accepted, in characters.
pub const MAX_EMAIL_TEXT: usize = 100_000;
/// Longest idempotency key.
pub const MAX_IDEMPOTENCY_KEY: usize = 200;
/// Most variables one template call may pass.
pub const MAX_VARIABLES: usize = 50;
/// Longest text of one variable.
pub const MAX_VARIABLE_CHARS: usize = 2000;

/// A validated phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    /// E.164 form: `+34612345678`.
    pub e164: String,
    /// ISO 3166 region of the number (`ES`), when the number plan tells.
    pub region: Option<String>,
}

/// An e-mail address, optionally with a display name (`Ana <ana@example.com>`).
pub fn mailbox(raw: &str) -> Result<Mailbox, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("is empty: give an e-mail address such as ana@example.com".to_owned());
    }
    if raw.chars().count() > 320 {
        return Err("is too long for an e-mail address (at most 320 characters)".to_owned());
    }
    if raw.chars().any(char::is_control) {
        return Err("contains control characters; give one e-mail address".to_owned());
    }
    let mailbox: Mailbox = raw.parse().map_err(|_| {
        format!(
            "{:?} is not a valid e-mail address; give one such as ana@example.com",
            quote(raw, 60)
        )
    })?;
    let domain = mailbox.email.domain();
    if !domain.contains('.') && !domain.starts_with('[') {
        return Err(format!(
            "{:?} has no top-level domain; give a full address such as ana@example.com",
            quote(raw, 60)
        ));
    }
    Ok(mailbox)
}

/// A phone number in international (E.164) form, checked against the
/// country's numbering plan.
pub fn phone(raw: &str) -> Result<Phone, String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err("is empty: give a phone number in E.164 form such as +34612345678".to_owned());
    }
    if trimmed.chars().count() > 32 {
        return Err("is too long for a phone number".to_owned());
    }
    if !trimmed.starts_with('+') {
        return Err(format!(
            "{:?} is not in E.164 form: start with + and the country code, e.g. +34612345678",
            quote(trimmed, 40)
        ));
    }
    if !trimmed[1..]
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')'))
    {
        return Err(format!(
            "{:?} is not a phone number: only digits after the +",
            quote(trimmed, 40)
        ));
    }
    let number = phonenumber::parse(None, trimmed)
        .map_err(|e| format!("{:?} is not a phone number ({e})", quote(trimmed, 40)))?;
    if !phonenumber::is_valid(&number) {
        return Err(format!(
            "{:?} is not a valid number in its country's numbering plan",
            quote(trimmed, 40)
        ));
    }
    Ok(Phone {
        e164: number.format().mode(Mode::E164).to_string(),
        region: number.country().id().map(|id| format!("{id:?}")),
    })
}

/// The language a phone number's country suggests, for a message sent
/// without a locale: Spanish- and French-speaking countries get their
/// language, everything else (including bilingual Canada) English.
pub fn locale_for_region(region: &str) -> &'static str {
    match region {
        "ES" => "es-ES",
        "MX" => "es-MX",
        "AR" | "BO" | "CL" | "CO" | "CR" | "CU" | "DO" | "EC" | "GT" | "HN" | "NI" | "PA"
        | "PE" | "PR" | "PY" | "SV" | "UY" | "VE" => "es",
        "FR" | "MC" | "LU" | "SN" | "CI" | "MA" | "TN" | "DZ" => "fr-FR",
        "BE" => "fr",
        "GB" => "en-GB",
        "IE" => "en-IE",
        _ => "en",
    }
}

/// How an SMS is encoded on the air.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub enum SmsEncoding {
    /// The GSM 03.38 alphabet, 7 bits a character.
    #[serde(rename = "GSM-7")]
    Gsm7,
    /// UTF-16, when any character is outside GSM-7.
    #[serde(rename = "UCS-2")]
    Ucs2,
}

/// How long an SMS is, the way carriers count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmsLength {
    /// The encoding the whole text needs.
    pub encoding: SmsEncoding,
    /// Parts the text is split into (each billed).
    pub segments: usize,
    /// Length in encoding units (septets, or UTF-16 code units).
    pub units: usize,
}

const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// Characters of the GSM-7 extension table: each takes an escape and itself.
const GSM7_EXTENDED: &str = "\u{c}^{}\\[~]|€";

/// Counts the segments of an SMS. A character pair that cannot be split
/// (an escaped GSM-7 character, a UTF-16 surrogate pair) never straddles two
/// segments, as handsets reassemble them.
pub fn sms_length(text: &str) -> SmsLength {
    let gsm_cost = |c: char| {
        if GSM7_BASIC.contains(c) {
            Some(1)
        } else if GSM7_EXTENDED.contains(c) {
            Some(2)
        } else {
            None
        }
    };
    let gsm: Option<Vec<usize>> = text.chars().map(gsm_cost).collect();
    let (encoding, costs, single, part) = match gsm {
        Some(costs) => (SmsEncoding::Gsm7, costs, 160, 153),
        None => (
            SmsEncoding::Ucs2,
            text.chars().map(char::len_utf16).collect(),
            70,
            67,
        ),
    };
    let units: usize = costs.iter().sum();
    if units <= single {
        return SmsLength {
            encoding,
            segments: 1,
            units,
        };
    }
    let mut segments = 1;
    let mut used = 0;
    for cost in costs {
        if used + cost > part {
            segments += 1;
            used = 0;
        }
        used += cost;
    }
    SmsLength {
        encoding,
        segments,
        units,
    }
}

/// The text of an SMS as it should go on the air: no-break spaces (which
/// locale-formatted money and French punctuation use) become plain spaces,
/// so `49,90 €` does not force the whole message into UCS-2 and double its
/// cost; a carriage return before a newline is dropped.
pub fn sms_text(text: &str) -> String {
    text.replace(['\u{a0}', '\u{202f}', '\u{2009}'], " ")
        .replace("\r\n", "\n")
        .trim()
        .to_owned()
}

/// Refuses an SMS longer than [`MAX_SMS_SEGMENTS`].
pub fn sms(text: &str) -> Result<SmsLength, String> {
    if text.trim().is_empty() {
        return Err("is empty: write the text of the SMS".to_owned());
    }
    let length = sms_length(text);
    if length.segments > MAX_SMS_SEGMENTS {
        let per = match length.encoding {
            SmsEncoding::Gsm7 => "153 GSM-7 characters",
            SmsEncoding::Ucs2 => "67 UCS-2 characters",
        };
        return Err(format!(
            "is too long for an SMS: {} segments of {per} (at most {MAX_SMS_SEGMENTS}); shorten it or send an e-mail",
            length.segments
        ));
    }
    Ok(length)
}

/// Refuses a WhatsApp text longer than the Cloud API takes.
pub fn whatsapp_text(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("is empty: write the text of the message".to_owned());
    }
    let chars = text.chars().count();
    if chars > MAX_WHATSAPP_TEXT {
        return Err(format!(
            "is too long for WhatsApp: {chars} characters (at most {MAX_WHATSAPP_TEXT})"
        ));
    }
    Ok(())
}

/// An e-mail subject: one line, not too long.
pub fn subject(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("is empty: give the e-mail a subject".to_owned());
    }
    if text.contains(['\r', '\n']) {
        return Err("must be one line (no line breaks)".to_owned());
    }
    if text.chars().any(char::is_control) {
        return Err("contains control characters".to_owned());
    }
    let chars = text.chars().count();
    if chars > MAX_SUBJECT {
        return Err(format!(
            "is too long: {chars} characters (at most {MAX_SUBJECT})"
        ));
    }
    Ok(text.to_owned())
}

/// Free text given by the caller: not empty, no control characters other
/// than line breaks and tabs, at most `max` characters.
pub fn free_text(text: &str, max: usize) -> Result<String, String> {
    let text = text.replace("\r\n", "\n");
    if text.trim().is_empty() {
        return Err("is empty: write the text of the message".to_owned());
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        return Err("contains control characters; send plain text".to_owned());
    }
    let chars = text.chars().count();
    if chars > max {
        return Err(format!("is too long: {chars} characters (at most {max})"));
    }
    Ok(text.trim().to_owned())
}

/// An idempotency key: 1–200 printable ASCII characters.
pub fn idempotency_key(key: &str) -> Result<String, String> {
    if key.is_empty() {
        return Err(
            "is empty; leave it out or give a key such as order-1042-confirmation".to_owned(),
        );
    }
    if key.len() > MAX_IDEMPOTENCY_KEY {
        return Err(format!(
            "is too long (at most {MAX_IDEMPOTENCY_KEY} characters)"
        ));
    }
    if !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(
            "must be printable ASCII without spaces, such as order-1042-confirmation".to_owned(),
        );
    }
    Ok(key.to_owned())
}

/// A BCP-47 language tag, loosely: `en`, `es-MX`, `fr_FR`, `zh-Hant-TW`.
pub fn locale_tag(tag: &str) -> Result<String, String> {
    let tag = tag.trim();
    let well_formed = tag.len() <= 35
        && tag.split(['-', '_']).all(|part| {
            !part.is_empty() && part.len() <= 8 && part.bytes().all(|b| b.is_ascii_alphanumeric())
        })
        && tag.split(['-', '_']).next().is_some_and(|primary| {
            (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic())
        });
    if !well_formed {
        return Err(format!(
            "{:?} is not a BCP-47 language tag; use one such as \"en-GB\", \"es-ES\" or \"fr-FR\"",
            quote(tag, 40)
        ));
    }
    Ok(tag.replace('_', "-"))
}

/// `text` cut to at most `max` characters, for quoting input in messages.
pub fn quote(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(
            mailbox("ana@example.com").map(|m| m.email.to_string()),
            Ok("ana@example.com".to_owned())
        );
        assert!(mailbox("Ana Pérez <ana@example.com>").is_ok());
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "ana@example.com\r\nBcc: all@example.com",
            "a b@example.com",
        ] {
            assert!(mailbox(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn phone_numbers_must_be_e164_and_real() {
        let spain = phone("+34 612 34 56 78").expect("valid Spanish mobile");
        assert_eq!(spain.e164, "+34612345678");
        assert_eq!(spain.region.as_deref(), Some("ES"));
        assert_eq!(
            phone("+33612345678")
                .expect("French mobile")
                .region
                .as_deref(),
            Some("FR")
        );
        assert_eq!(
            phone("+525512345678")
                .expect("Mexican number")
                .region
                .as_deref(),
            Some("MX")
        );
        for bad in [
            "",
            "612345678",
            "+34 12",
            "+999123456789",
            "+34abc",
            "tel:+34612345678",
        ] {
            assert!(phone(bad).is_err(), "{bad:?} accepted");
        }
        assert!(phone("0612345678").expect_err("no +").contains("E.164"));
    }

    #[test]
    fn sms_segments_follow_gsm7_and_ucs2_rules() {
        let one = sms_length(&"a".repeat(160));
        assert_eq!((one.encoding, one.segments), (SmsEncoding::Gsm7, 1));
        assert_eq!(sms_length(&"a".repeat(161)).segments, 2);
        assert_eq!(sms_length(&"a".repeat(306)).segments, 2);
        assert_eq!(sms_length(&"a".repeat(307)).segments, 3);
        // Extension characters take two septets.
        let euros = sms_length(&"€".repeat(80));
        assert_eq!((euros.units, euros.segments), (160, 1));
        assert_eq!(sms_length(&"€".repeat(81)).segments, 2);
        // An escape pair never straddles segments: 152 + € = 154 > 153.
        let straddle = format!("{}€{}", "a".repeat(152), "a".repeat(10));
        assert_eq!(sms_length(&straddle).segments, 2);
        // One character outside GSM-7 makes the text UCS-2.
        let ucs = sms_length(&format!("{}á", "a".repeat(69)));
        assert_eq!((ucs.encoding, ucs.segments), (SmsEncoding::Ucs2, 1));
        assert_eq!(sms_length(&"á".repeat(71)).segments, 2);
        assert_eq!(sms_length(&"á".repeat(134)).segments, 2);
        assert_eq!(sms_length(&"á".repeat(135)).segments, 3);
        // An emoji is a surrogate pair: two units.
        assert_eq!(sms_length(&"🎨".repeat(35)).units, 70);
        assert!(sms(&"x".repeat(153 * 10)).is_ok());
        assert!(
            sms(&"x".repeat(153 * 10 + 1))
                .expect_err("11 segments")
                .contains("11 segments")
        );
    }

    #[test]
    fn sms_text_keeps_french_money_in_gsm7() {
        let text = sms_text("Total\u{a0}: 1\u{202f}234,50\u{a0}€");
        assert_eq!(text, "Total : 1 234,50 €");
        assert_eq!(sms_length(&text).encoding, SmsEncoding::Gsm7);
    }

    #[test]
    fn other_limits() {
        assert!(whatsapp_text(&"x".repeat(4096)).is_ok());
        assert!(whatsapp_text(&"x".repeat(4097)).is_err());
        assert!(subject("Hello\nBcc: x").is_err());
        assert!(subject(&"s".repeat(251)).is_err());
        assert_eq!(subject("  Hi  "), Ok("Hi".to_owned()));
        assert!(free_text("a\u{0}b", 10).is_err());
        assert_eq!(free_text("a\r\nb", 10), Ok("a\nb".to_owned()));
        assert!(idempotency_key("order 1").is_err());
        assert!(idempotency_key(&"k".repeat(201)).is_err());
        assert_eq!(locale_tag("fr_FR"), Ok("fr-FR".to_owned()));
        assert!(locale_tag("<script>").is_err());
        assert_eq!(locale_for_region("MX"), "es-MX");
        assert_eq!(locale_for_region("CA"), "en");
    }
}
