//! The user's own card: a vCard of their business details, shown as a QR code to be scanned at an
//! event (any phone camera reads a vCard QR code into its contacts).
//!
//! Only what belongs on a business card goes in: name, title, role, organisation, e-mail,
//! phone, address, website. Notes, tags, Themenfelder and the photo stay private (and a photo
//! would not fit a QR code anyway).

use crate::error::{Error, Result};
use crate::model::Contact;
use crate::store::Store;
use crate::vcard::{Version, write_vcard};
use qrcode::QrCode;
use qrcode::render::svg;

/// The business-card part of a contact.
pub fn business_card(c: &Contact) -> Contact {
    let mut card = c.clone();
    card.notes.clear();
    card.tags.clear();
    card.themenfelder.clear();
    card.photo = None;
    card
}

/// The user's card as vCard 4.0 text and as an SVG QR code of that text.
pub fn own_card(store: &Store) -> Result<(String, String)> {
    let me = store.me()?.ok_or_else(|| {
        Error::invalid(
            "me_unset",
            "me",
            "choose your own contact first (Einstellungen → Meine Visitenkarte)",
        )
    })?;
    let org = me.organization_id.map(|id| store.org(id)).transpose()?;
    let text = write_vcard(&business_card(&me), org.as_ref(), Version::V4);
    let code =
        QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).map_err(|e| {
            Error::invalid(
                "card_too_long",
                "me",
                format!("the card does not fit a QR code: {e}"),
            )
        })?;
    let svg = code
        .render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    Ok((text, svg))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ContactInput, Labeled};

    #[test]
    fn own_card_holds_business_details_only() {
        let mut s = Store::open_in_memory().unwrap();
        assert!(own_card(&s).is_err(), "no own contact yet");
        let c = s
            .create_contact(
                &ContactInput {
                    given_name: Some("Jördis".into()),
                    family_name: Some("Müller".into()),
                    role: Some("OZG-Koordinatorin".into()),
                    emails: vec![Labeled::plain("jm@fitko.example")],
                    tags: vec!["vertraulich".into()],
                    ..Default::default()
                },
                Some("private Notiz"),
            )
            .unwrap();
        s.set_me(Some(c.id)).unwrap();
        let (text, svg) = own_card(&s).unwrap();
        assert!(text.contains("FN:Jördis Müller") && text.contains("jm@fitko.example"));
        assert!(!text.contains("private Notiz") && !text.contains("vertraulich"));
        assert!(svg.starts_with("<?xml") && svg.contains("<svg"));
        let read = crate::vcard::read_vcards(text.as_bytes()).unwrap();
        assert_eq!(read.contacts[0].contact.emails[0].value, "jm@fitko.example");
    }
}
