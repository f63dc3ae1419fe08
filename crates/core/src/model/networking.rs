//! Networking: attendance at events, encounters, follow-ups, a contact's timeline and event
//! series.

use serde::{Deserialize, Serialize};

use super::Note;

/// How far someone got with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttendanceStatus {
    /// Might go.
    Interested,
    /// Signed up.
    Registered,
    /// Was there.
    Attended,
}

impl AttendanceStatus {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            AttendanceStatus::Interested => "interested",
            AttendanceStatus::Registered => "registered",
            AttendanceStatus::Attended => "attended",
        }
    }

    /// Parses the stored or typed form (German words accepted too).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "interested" | "interessiert" => Some(Self::Interested),
            "registered" | "angemeldet" => Some(Self::Registered),
            "attended" | "teilgenommen" | "dabei" => Some(Self::Attended),
            _ => None,
        }
    }
}

/// A contact's attendance at an event (what `vernetzt attendance list --json` prints).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceRow {
    /// The contact.
    pub contact_id: i64,
    /// Display name.
    pub name: String,
    /// Preferred e-mail address.
    pub email: Option<String>,
    /// Organisation's name.
    pub organization: Option<String>,
    /// `interested`, `registered` or `attended`.
    pub status: String,
}

/// An event as the networking features address it: UID plus, for one occurrence of a recurring
/// event, that occurrence's start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRef {
    /// Row id.
    pub event_id: i64,
    /// UID.
    pub uid: String,
    /// Occurrence start (stored form) or `""` for a single event.
    pub occurrence: String,
    /// Title.
    pub title: String,
    /// Start of the (occurrence of the) event, stored form.
    pub start: String,
}

/// "Met at": where the user met a contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Encounter {
    /// Local id.
    pub id: i64,
    /// The contact.
    pub contact_id: i64,
    /// The event, if any.
    pub event: Option<EventRef>,
    /// Session or workshop, free text.
    pub session: Option<String>,
    /// Note.
    pub note: Option<String>,
    /// When (RFC 3339 UTC).
    pub met_at: String,
}

/// A follow-up (Wiedervorlage) on a contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    /// Local id.
    pub id: i64,
    /// Stable id (VTODO UID).
    pub uid: String,
    /// The contact.
    pub contact_id: i64,
    /// The contact's name.
    pub contact_name: String,
    /// Due date `YYYY-MM-DD`.
    pub due_date: String,
    /// What to do.
    pub text: String,
    /// When it was done, if it was.
    pub done_at: Option<String>,
}

/// One entry of a contact's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimelineItem {
    /// An event both attended (or the contact attended).
    Event {
        /// When.
        at: String,
        /// The event.
        event: EventRef,
        /// The contact's status.
        status: String,
        /// The user's own status, if recorded.
        my_status: Option<String>,
    },
    /// Met at.
    Encounter {
        /// When.
        at: String,
        /// The encounter.
        encounter: Encounter,
    },
    /// A note.
    Note {
        /// When.
        at: String,
        /// The note.
        note: Note,
    },
    /// A follow-up.
    FollowUp {
        /// Due date.
        at: String,
        /// The follow-up.
        follow_up: FollowUp,
    },
}

impl TimelineItem {
    /// The time the entry is sorted by.
    pub fn at(&self) -> &str {
        match self {
            TimelineItem::Event { at, .. }
            | TimelineItem::Encounter { at, .. }
            | TimelineItem::Note { at, .. }
            | TimelineItem::FollowUp { at, .. } => at,
        }
    }
}

/// A confirmed event series with its events in date order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    /// Local id.
    pub id: i64,
    /// Name, e.g. `OZG-Erfahrungsaustausch`.
    pub name: String,
    /// Its events, oldest first.
    pub events: Vec<EventRef>,
}

/// Who attended which event of a series: one row per contact, one column per event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesMatrix {
    /// The series.
    pub series: Series,
    /// The user's own status per event (same order as `series.events`).
    pub mine: Vec<Option<String>>,
    /// Contacts with a status at any event of the series, by name.
    pub rows: Vec<SeriesRow>,
}

/// One contact's row of a [`SeriesMatrix`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesRow {
    /// The contact.
    pub contact_id: i64,
    /// Display name.
    pub name: String,
    /// Status per event, `None` where not recorded.
    pub statuses: Vec<Option<String>>,
}
