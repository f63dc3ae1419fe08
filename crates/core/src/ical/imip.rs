//! iMIP (RFC 6047): an invitation as an e-mail that any mail client shows with accept/decline
//! buttons: multipart/mixed of multipart/alternative (text/plain and `text/calendar;
//! method=REQUEST; charset=UTF-8`) and the same .ics as an attachment.
//!
//! The message is built by `lettre`, which encodes names and subjects per RFC 2047, so a name
//! holding CR, LF, quotes or colons stays inside its header; we also strip line breaks from
//! names before they get there.

use super::itip::{Method, Person};
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

/// Why a message could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ImipError {
    /// An address is not usable.
    #[error("'{0}' is not a usable e-mail address")]
    Address(String),
    /// Building the message failed.
    #[error("the message could not be built: {0}")]
    Build(String),
}

fn mailbox(p: &Person) -> Result<Mailbox, ImipError> {
    let name: String = p
        .name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let addr = p
        .email
        .trim()
        .parse()
        .map_err(|_| ImipError::Address(p.email.clone()))?;
    Ok(Mailbox::new(
        Some(name.trim().to_string()).filter(|n| !n.is_empty()),
        addr,
    ))
}

/// The e-mail for one recipient, ready to send or to save as `.eml`. `message_id` (`<…@…>`)
/// is set by the outbox so that a resent message keeps its identity; else lettre makes one.
pub fn email(
    from: &Person,
    to: &Person,
    subject: &str,
    text: &str,
    ics: &str,
    method: Method,
    message_id: Option<&str>,
) -> Result<Vec<u8>, ImipError> {
    let m = match method {
        Method::Request => "REQUEST",
        Method::Cancel => "CANCEL",
    };
    let calendar = ContentType::parse(&format!("text/calendar; method={m}; charset=UTF-8"))
        .map_err(|e| ImipError::Build(e.to_string()))?;
    let subject: String = subject
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let body = MultiPart::mixed()
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::plain(text.to_string()))
                .singlepart(
                    SinglePart::builder()
                        .header(calendar.clone())
                        .body(ics.to_string()),
                ),
        )
        .singlepart(Attachment::new("einladung.ics".into()).body(ics.to_string(), calendar));
    let msg = Message::builder()
        .from(mailbox(from)?)
        .to(mailbox(to)?)
        .subject(subject)
        .message_id(message_id.map(String::from))
        .multipart(body)
        .map_err(|e| ImipError::Build(e.to_string()))?;
    Ok(msg.formatted())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_inject_headers() {
        let from = Person {
            name: "FITKO, Geschäftsstelle".into(),
            email: "info@fitko.example".into(),
        };
        let to = Person {
            name: "Eve\r\nBcc: victim@example.org".into(),
            email: "eve@land.example".into(),
        };
        let ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n";
        let eml = String::from_utf8(
            email(
                &from,
                &to,
                "Einladung:\r\nBcc: x@y.z",
                "Hallo",
                ics,
                Method::Request,
                None,
            )
            .unwrap(),
        )
        .unwrap();
        let headers = eml.split("\r\n\r\n").next().unwrap();
        assert!(
            !headers
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
            "{headers}"
        );
        assert!(eml.contains("method=REQUEST"));
        assert!(eml.contains("multipart/alternative"));
        assert!(
            email(
                &from,
                &Person {
                    name: "x".into(),
                    email: "not an address".into()
                },
                "s",
                "t",
                ics,
                Method::Request,
                None
            )
            .is_err()
        );
    }
}
