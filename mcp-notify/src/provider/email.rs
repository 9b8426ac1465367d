//! The RFC 5322 message both SMTP and the outbox send: a
//! multipart/alternative with the text part first and the HTML part second
//! (clients show the last part they can render), a `Message-ID` derived
//! from our message id, and the recipient's language in `Content-Language`.

use lettre::Message;
use lettre::message::MultiPart;
use lettre::message::header::{HeaderName, HeaderValue};

use super::{Content, Outgoing, ProviderError};

/// The e-mail for `message`, which must hold [`Content::Email`].
pub fn build(message: &Outgoing) -> Result<Message, ProviderError> {
    let Content::Email {
        from,
        to,
        subject,
        text,
        html,
    } = &message.content
    else {
        return Err(ProviderError::permanent("not an e-mail"));
    };
    let domain = from.email.domain().to_owned();
    Message::builder()
        .from(from.clone())
        .to(to.clone())
        .subject(subject.clone())
        .message_id(Some(message_id_header(&message.message_id, &domain)))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Content-Language"),
            message.locale.lang().code().to_owned(),
        ))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("X-Museo-Message-Id"),
            message.message_id.clone(),
        ))
        .date_now()
        .multipart(MultiPart::alternative_plain_html(
            text.clone(),
            html.clone(),
        ))
        .map_err(|e| ProviderError::permanent(format!("cannot build the e-mail: {e}")))
}

/// The `Message-ID` of one of our messages: `<msg_…@sender-domain>`.
pub fn message_id_header(message_id: &str, domain: &str) -> String {
    format!("<{message_id}@{domain}>")
}
