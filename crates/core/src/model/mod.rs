//! Domain types as the store returns them and as the UI (through the Tauri shell), the CLI
//! (`--json`), the imports and the syncs (feeds, CardDAV, CalDAV) exchange them.
//!
//! They are plain serde data with little behaviour of their own (stored forms, splitting a typed
//! name), so every edge can share them and the JSON the UI and `--json` see is defined in one
//! place. Output types (`Contact`, `Organization`, `Feed`) are flat and denormalised for display:
//! a contact carries its organisation's name, an organisation its Land's name. Input types
//! (`ContactInput`, `OrganizationInput`, `OwnEventInput`) carry only what a user can set; the
//! store validates and normalises them.
//!
//! Here, in this order: the directory's organisations (levels, Länder, Themenfelder), contacts
//! (notes, photos, splitting a typed name), what an import reads and reports, and feeds, event
//! occurrences and the user's own events. The networking types (attendance, encounters,
//! follow-ups, the timeline, event series) are in `networking.rs`, re-exported here, so every
//! path is `vernetzt_core::model::X`.

mod networking;

pub use networking::*;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Administrative level of an organisation in the German federal structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Federal level: ministries, federal agencies.
    Bund,
    /// One of the 16 Länder and their authorities.
    Land,
    /// Landkreise, Städte, Gemeinden.
    Kommune,
    /// FITKO, IT service providers, associations (Landkreistag, Städtetag) and everything else.
    Other,
}

impl Level {
    /// The value stored in the database and used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Bund => "bund",
            Level::Land => "land",
            Level::Kommune => "kommune",
            Level::Other => "other",
        }
    }

    /// Parses the stored or typed form (`bund`, `land`, `kommune`, `other`).
    pub fn parse(s: &str) -> Option<Level> {
        match s.trim().to_ascii_lowercase().as_str() {
            "bund" => Some(Level::Bund),
            "land" => Some(Level::Land),
            "kommune" => Some(Level::Kommune),
            "other" | "sonstige" => Some(Level::Other),
            _ => None,
        }
    }
}

/// A Land with its official key (Länderschlüssel `01` … `16`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Land {
    /// `01` (Schleswig-Holstein) … `16` (Thüringen).
    pub key: String,
    /// German name.
    pub name: String,
    /// ISO 3166-2 subdivision code without `DE-`, e.g. `BY`.
    pub short_code: String,
}

/// One of the 14 OZG Themenfelder, a fixed list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Themenfeld {
    /// Stable key, e.g. `familie-kind`.
    pub key: String,
    /// German name, e.g. `Familie & Kind`.
    pub name_de: String,
    /// English name.
    pub name_en: String,
}

/// An organisation of the directory, built-in or the user's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    /// Local id.
    pub id: i64,
    /// Stable global id.
    pub uid: String,
    /// Official or common name.
    pub name: String,
    /// Abbreviation, e.g. `BMI`.
    pub short_name: Option<String>,
    /// Federal level.
    pub level: Level,
    /// Kind within the level: `Landkreis`, `Kreisfreie Stadt`, `Ministerium`, …
    pub kind: Option<String>,
    /// Name of the Land the organisation belongs to, if any.
    pub land: Option<String>,
    /// Key of that Land (`01` … `16`).
    pub land_key: Option<String>,
    /// Official key: AGS/ARS for Kommunen, the Länderschlüssel for a Land.
    pub key: Option<String>,
    /// Parent organisation's id (a Referat inside a Ministerium).
    pub parent_id: Option<i64>,
    /// True for entries of the shipped directory, which app updates may refresh.
    pub builtin: bool,
}

/// What a user sets when creating an organisation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrganizationInput {
    /// Name (required).
    pub name: String,
    /// Abbreviation.
    pub short_name: Option<String>,
    /// Level (required; `other` if unsure).
    pub level: Option<Level>,
    /// Kind within the level.
    pub kind: Option<String>,
    /// Land key `01` … `16`; required for a Kommune.
    pub land_key: Option<String>,
    /// Official key (AGS/ARS).
    pub key: Option<String>,
    /// Parent organisation.
    pub parent_id: Option<i64>,
}

/// A value with an optional label, such as an e-mail address marked `dienstlich`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Labeled {
    /// The address or number.
    pub value: String,
    /// A free label: `dienstlich`, `mobil`, `Sekretariat`.
    pub label: Option<String>,
}

impl Labeled {
    /// A value without a label, as quick capture, the demo and most imports have them.
    pub fn plain(value: impl Into<String>) -> Labeled {
        Labeled {
            value: value.into(),
            label: None,
        }
    }
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

/// An organisation as an import names it, before it is matched to the directory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgRef {
    /// Name as written.
    pub name: String,
    /// Level, when the source says (`X-VERNETZT-LEVEL`, a CSV column "Ebene").
    pub level: Option<Level>,
    /// Land by name, key or ISO code, when the source says.
    pub land: Option<String>,
    /// Official key (AGS/ARS), when the source says.
    pub key: Option<String>,
}

/// One contact read from a vCard or CSV file, before it is stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportedContact {
    /// The contact's fields (`organization_id` stays `None`: the store matches `organization`).
    pub contact: ContactInput,
    /// The organisation as named in the source.
    pub organization: Option<OrgRef>,
    /// Notes (vCard NOTE, CSV "Notiz"), oldest first.
    pub notes: Vec<String>,
    /// The source's UID, kept so that importing the same file twice updates instead of
    /// duplicating.
    pub uid: Option<String>,
    /// 1-based line of the source where the record starts.
    pub line: usize,
    /// The source says this person's registration is void (a pretix position `storniert`, or an
    /// order that expired unpaid): still a contact worth keeping, but an import into an event
    /// does not record them as attending it.
    #[serde(default)]
    pub cancelled: bool,
}

/// A record an import skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// 1-based line where the record starts.
    pub line: usize,
    /// Plain-words reason.
    pub reason: String,
}

/// What importing contacts did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// New contacts.
    pub imported: u32,
    /// Contacts already known by UID, updated.
    pub updated: u32,
    /// Records skipped, with line and reason.
    pub skipped: Vec<Skipped>,
    /// Warnings with line numbers.
    pub warnings: Vec<String>,
    /// New organisations created for names not in the directory.
    pub organizations_created: u32,
    /// Groups of contact ids that look like the same person after the import.
    pub duplicates: Vec<Vec<i64>>,
    /// Ids of the imported or updated contacts, in file order.
    pub contact_ids: Vec<i64>,
    /// With an event: how many of them were recorded as attending it (cancelled registrations
    /// are contacts but no attendees, so this can be less than `contact_ids`).
    #[serde(default)]
    pub attendees: u32,
    /// Format detected: `vcard` or `csv`.
    pub format: String,
}

/// How a feed authenticates. The secret itself is in the OS keyring, under the feed's uid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind")]
pub enum FeedAuth {
    /// A public feed.
    #[default]
    None,
    /// HTTP Basic with this user name.
    Basic {
        /// User name.
        user: String,
    },
    /// A bearer token.
    Bearer,
}

/// What one sync of a feed changed (also printed by `vernetzt feed sync --json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedCounts {
    /// New events.
    pub added: u32,
    /// Events whose content changed.
    pub updated: u32,
    /// Events newly cancelled by the organiser.
    pub cancelled: u32,
    /// Events gone from a complete feed (kept, marked removed).
    pub removed: u32,
    /// Events exactly as before.
    pub unchanged: u32,
    /// The server answered 304 Not Modified: nothing was read.
    pub not_modified: bool,
    /// What could not be read, with line numbers.
    pub warnings: Vec<String>,
}

/// A subscribed feed as the feed list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feed {
    /// Local id.
    pub id: i64,
    /// Stable id; also the keyring account of its secret.
    pub uid: String,
    /// `https://…`, `http://127.0.0.1…` or `file://…` for an imported file.
    pub url: String,
    /// Display name.
    pub name: String,
    /// Authentication (without the secret).
    pub auth: FeedAuth,
    /// Last successful sync (RFC 3339 UTC).
    pub last_success_at: Option<String>,
    /// Last attempt.
    pub last_attempt_at: Option<String>,
    /// Last error in plain words; `None` after a success.
    pub last_error: Option<String>,
    /// What the last successful sync changed.
    pub last_counts: Option<FeedCounts>,
    /// Failed attempts in a row (for backoff).
    pub failures: i64,
    /// Minutes between automatic syncs.
    pub refresh_minutes: i64,
    /// ETag of the last response, for conditional GET.
    pub etag: Option<String>,
    /// Last-Modified of the last response.
    pub last_modified: Option<String>,
    /// Number of events kept from this feed (removed ones included).
    pub events: i64,
}

/// What removing a feed did (`vernetzt feed remove --json`, the app's feeds panel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedRemoval {
    /// The removed feed.
    pub feed_id: i64,
    /// Its name.
    pub name: String,
    /// Its uid: the keyring account of its secret, which the caller deletes.
    pub uid: String,
    /// Events deleted with it.
    pub deleted: i64,
    /// Events kept because the user has history with them (attendance, encounters, notes, a
    /// series): they stay in timelines and series.
    pub kept: i64,
}

/// A listing of occurrences (the events view, the invitee picker): the first ones by start, and
/// whether the listing was cut short (`rules::MAX_LISTED_OCCURRENCES`, or a recurrence cap), so
/// that the UI can say so instead of silently showing less.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OccurrenceList {
    /// The occurrences, in start order.
    pub occurrences: Vec<Occurrence>,
    /// True when occurrences in the window were left out.
    pub truncated: bool,
}

/// One occurrence of an event in a window: what `vernetzt events list --json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occurrence {
    /// The event's UID.
    pub uid: String,
    /// For recurring events: this occurrence's original start (RECURRENCE-ID).
    pub recurrence_id: Option<String>,
    /// SUMMARY.
    pub title: String,
    /// Start: RFC 3339 UTC, or `YYYY-MM-DD` for all-day events.
    pub start: String,
    /// End, exclusive, in the same form.
    pub end: String,
    /// All-day event.
    pub all_day: bool,
    /// `confirmed`, `tentative`, `cancelled` or `removed`.
    pub status: String,
    /// LOCATION.
    pub location: Option<String>,
    /// DESCRIPTION.
    pub description: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// ORGANIZER.
    pub organizer: Option<String>,
    /// The event's own zone (IANA), when it has one.
    pub tzid: Option<String>,
    /// The feed's name.
    pub feed: Option<String>,
    /// Local id of the event row.
    pub event_id: i64,
}

/// An event the user organises (title, time in a zone or all-day, place), as the CLI and the UI
/// create and change it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OwnEventInput {
    /// Title.
    pub title: String,
    /// Start: local `YYYY-MM-DDTHH:MM` (in `tz`) or a date `YYYY-MM-DD` for all day.
    pub start: String,
    /// End (exclusive for dates), same form as `start`.
    pub end: String,
    /// IANA zone; Europe/Berlin when empty.
    pub tz: Option<String>,
    /// Place.
    pub location: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Link (e.g. an online meeting).
    pub url: Option<String>,
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
