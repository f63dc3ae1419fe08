//! Contacts as the detail and list views show them, and as a user enters them.
//!
//! Output types (`Contact`, `ContactSummary`) are flat and denormalised for display: a contact
//! carries its organisation's name. The input type (`ContactInput`) carries only what a user can
//! set; the store validates and normalises it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A value with an optional label, such as an e-mail address marked `dienstlich`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Labeled {
    /// The address or number.
    pub value: String,
    /// A free label: `dienstlich`, `mobil`, `Sekretariat`.
    pub label: Option<String>,
}

/// A timestamped note on a contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Local id.
    pub id: i64,
    /// The text, shown as text (never as HTML).
    pub body: String,
    /// When the note was written (RFC 3339, UTC).
    pub created_at: String,
    /// When it was last edited.
    pub updated_at: String,
}

/// A photo as bytes with its media type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    /// `image/jpeg`, `image/png`, `image/webp` or `image/gif`.
    pub mime: String,
    /// Standard base64 of the image bytes.
    pub base64: String,
}

/// A contact as shown in detail views and printed by `vernetzt --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    /// Local id.
    pub id: i64,
    /// Stable global id (vCard UID).
    pub uid: String,
    /// Display name.
    pub name: String,
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// Academic title.
    pub title: Option<String>,
    /// Role or function.
    pub role: Option<String>,
    /// Organisation's name.
    pub organization: Option<String>,
    /// Organisation's id.
    pub organization_id: Option<i64>,
    /// E-mail addresses, first is preferred.
    pub emails: Vec<String>,
    /// Phone numbers, first is preferred.
    pub phones: Vec<String>,
    /// Labels of e-mail addresses and phone numbers, keyed by the value.
    pub labels: BTreeMap<String, String>,
    /// Street and house number.
    pub street: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// City.
    pub locality: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// OZG Themenfelder keys.
    pub themenfelder: Vec<String>,
    /// Free tags.
    pub tags: Vec<String>,
    /// Notes, oldest first.
    pub notes: Vec<Note>,
    /// Photo, if any.
    pub photo: Option<Photo>,
    /// Creation time (RFC 3339, UTC).
    pub created_at: String,
    /// Last change (RFC 3339, UTC).
    pub updated_at: String,
}

/// A contact in a list: enough to show a row and rank it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactSummary {
    /// Local id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Academic title.
    pub title: Option<String>,
    /// Role or function.
    pub role: Option<String>,
    /// Organisation's name.
    pub organization: Option<String>,
    /// Preferred e-mail address.
    pub email: Option<String>,
}

/// A page of contacts with the total, so a list can say "200 of 10,000".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactPage {
    /// Number of contacts that match, in all.
    pub total: i64,
    /// The contacts of this page.
    pub items: Vec<ContactSummary>,
}

/// Change to a contact's photo when editing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "action", content = "photo")]
pub enum PhotoChange {
    /// Leave the stored photo as it is.
    #[default]
    Keep,
    /// Remove the photo.
    Remove,
    /// Store this photo.
    Set(Photo),
}

/// What a user sets when creating or editing a contact. Absent fields are empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactInput {
    /// Display name; derived from title, given and family name when empty.
    pub display_name: Option<String>,
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// Academic title.
    pub title: Option<String>,
    /// Role or function.
    pub role: Option<String>,
    /// Organisation's id in the directory.
    pub organization_id: Option<i64>,
    /// E-mail addresses with labels.
    pub emails: Vec<Labeled>,
    /// Phone numbers with labels.
    pub phones: Vec<Labeled>,
    /// Street and house number.
    pub street: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// City.
    pub locality: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// OZG Themenfelder keys.
    pub themenfelder: Vec<String>,
    /// Free tags.
    pub tags: Vec<String>,
    /// Photo change (only on edit; on create `Set` stores one).
    pub photo: PhotoChange,
}

impl ContactInput {
    /// The input that reproduces `c` unchanged (photo kept): the start of an edit.
    pub fn from_contact(c: &Contact) -> ContactInput {
        let labeled = |values: &[String]| {
            values
                .iter()
                .map(|v| Labeled {
                    value: v.clone(),
                    label: c.labels.get(v).cloned(),
                })
                .collect()
        };
        ContactInput {
            display_name: Some(c.name.clone()),
            given_name: c.given_name.clone(),
            family_name: c.family_name.clone(),
            title: c.title.clone(),
            role: c.role.clone(),
            organization_id: c.organization_id,
            emails: labeled(&c.emails),
            phones: labeled(&c.phones),
            street: c.street.clone(),
            postal_code: c.postal_code.clone(),
            locality: c.locality.clone(),
            country: c.country.clone(),
            website: c.website.clone(),
            themenfelder: c.themenfelder.clone(),
            tags: c.tags.clone(),
            photo: PhotoChange::Keep,
        }
    }
}

/// Academic and professional titles that lead a German name (`Prof. Dr. Jördis Müller`).
const TITLE_WORDS: &[&str] = &[
    "dr.",
    "prof.",
    "dipl.-ing.",
    "dipl.",
    "ing.",
    "mag.",
    "rer.",
    "nat.",
    "med.",
    "jur.",
    "phil.",
    "h.c.",
    "pd",
];

/// Splits a full name as typed on the command line into (title, given, family): leading title
/// words, then given names, then the last word as family name. Nobiliary particles (`von`, `van
/// der`, `zu`) stay with the family name. A single word is taken as the family name.
pub fn split_name(full: &str) -> (Option<String>, Option<String>, Option<String>) {
    let words: Vec<&str> = full.split_whitespace().collect();
    let n_title = words
        .iter()
        .take_while(|w| TITLE_WORDS.contains(&w.to_lowercase().as_str()))
        .count();
    let rest = &words[n_title..];
    let title = (n_title > 0).then(|| words[..n_title].join(" "));
    if rest.is_empty() {
        return (title, None, None);
    }
    let mut family_start = rest.len() - 1;
    while family_start > 1
        && matches!(
            rest[family_start - 1],
            "von" | "van" | "der" | "zu" | "de" | "vom"
        )
    {
        family_start -= 1;
    }
    let given = (family_start > 0).then(|| rest[..family_start].join(" "));
    (title, given, Some(rest[family_start..].join(" ")))
}

#[cfg(test)]
mod tests {
    use super::split_name;

    #[test]
    fn names_split_as_germans_write_them() {
        let s = |t: Option<&str>, g: Option<&str>, f: Option<&str>| {
            (
                t.map(String::from),
                g.map(String::from),
                f.map(String::from),
            )
        };
        assert_eq!(
            split_name("Jördis Müller"),
            s(None, Some("Jördis"), Some("Müller"))
        );
        assert_eq!(
            split_name("Prof. Dr. Ariane Berger"),
            s(Some("Prof. Dr."), Some("Ariane"), Some("Berger"))
        );
        assert_eq!(
            split_name("Anne-Kathrin von der Heide"),
            s(None, Some("Anne-Kathrin"), Some("von der Heide"))
        );
        assert_eq!(
            split_name("Hans Peter Groß"),
            s(None, Some("Hans Peter"), Some("Groß"))
        );
        assert_eq!(split_name("FITKO"), s(None, None, Some("FITKO")));
        assert_eq!(split_name("<b>Eve</b>"), s(None, None, Some("<b>Eve</b>")));
    }
}
