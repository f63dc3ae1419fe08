//! Feeds and the events they bring, and the events the user organises.

use serde::{Deserialize, Serialize};

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
