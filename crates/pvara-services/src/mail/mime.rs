//! A rendered mail as an RFC 5322 message: multipart/alternative with the plain text first, then
//! the HTML, then (for interviews) the calendar entry, as calendar programs expect.

use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};

use super::{MailError, MailMessage};

/// The header naming the template, for operators and tests reading delivered mail.
pub const TEMPLATE_HEADER: &str = "X-Pvara-Template";

/// A part with lettre's choice of encoding (7bit, quoted-printable or base64): lines stay
/// within 78 characters, as relays and RFC 5322 want. (8bit would keep stored mail readable as
/// written, but lettre allows it only for lines under 76, and a mailed link is longer.)
fn part(kind: ContentType, text: &str) -> SinglePart {
    SinglePart::builder()
        .header(kind)
        .body(Body::new(text.to_owned()))
}

/// `message` from `from`, ready to send or to store.
pub fn to_message(message: &MailMessage, from: &Mailbox) -> Result<Message, MailError> {
    let bad = |what: &str, e: &dyn std::fmt::Display| MailError::Permanent(format!("{what}: {e}"));
    let to = Mailbox::new(
        Some(message.to_name.clone()),
        message
            .to_address
            .parse()
            .map_err(|e| bad("the recipient's address cannot be used", &e))?,
    );
    let mut parts = MultiPart::alternative()
        .singlepart(part(ContentType::TEXT_PLAIN, &message.text))
        .singlepart(part(ContentType::TEXT_HTML, &message.html));
    if let Some(invitation) = &message.calendar {
        let kind = ContentType::parse(&format!(
            "text/calendar; charset=utf-8; method={}",
            invitation.method
        ))
        .map_err(|e| bad("calendar content type", &e))?;
        parts = parts.singlepart(part(kind, &invitation.ics));
    }
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(message.subject.clone())
        .message_id(Some(message.message_id()))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str(TEMPLATE_HEADER),
            message.template.to_owned(),
        ))
        .multipart(parts)
        .map_err(|e| bad("cannot build the message", &e))
}

#[cfg(test)]
mod tests {
    use pvara_domain::ids::EventId;

    use super::*;

    #[test]
    fn headers_cannot_be_injected_and_both_parts_are_there() {
        let message = MailMessage {
            id: EventId::new(),
            template: "rejection",
            to_name: "Zoë \"Z\" Ahmed".to_owned(),
            to_address: "zoe@example.org".to_owned(),
            subject: "Hello\r\nBcc: evil@example.org".to_owned(),
            text: "Line one\nLine two\n".to_owned(),
            html: "<p>Line one</p>".to_owned(),
            calendar: None,
        };
        let from: Mailbox = "PVARA <noreply@pvara.example>".parse().expect("valid");
        let formatted =
            String::from_utf8(to_message(&message, &from).expect("builds").formatted()).expect("utf-8");
        assert!(!formatted.contains("\r\nBcc:"), "{formatted}");
        assert!(formatted.contains("multipart/alternative"));
        assert!(formatted.contains("text/plain") && formatted.contains("text/html"));
        assert!(formatted.contains(&format!("Message-ID: {}", message.message_id())));
        assert!(formatted.contains("X-Pvara-Template: rejection"));
    }
}
