//! iCalendar (RFC 5545): reading feeds and CalDAV objects from the wild, and writing what Vernetzt
//! sends (invitations, CalDAV objects, follow-up exports).
//!
//! Why by hand: the `ical` crate decodes each physical line as UTF-8 before unfolding, so a fold
//! that splits a multi-byte character (which RFC 5545 allows, and generators do) breaks it, and it
//! reports no line numbers. Feeds here are read in three steps, each tolerant and each reporting
//! what it could not read with the line number:
//! 1. [`lex`]: bytes → unfolded logical lines (fold first, then decode; CRLF, LF or bare CR).
//! 2. [`parse`]: lines → a tree of components with properties and parameters.
//! 3. [`event`]: VEVENTs → events with resolved time zones ([`zone`]) and recurrence ([`recur`]).
//!
//! Writing has one set of primitives, [`write`] (folding, TEXT and parameter escaping), which
//! the vCard writer uses too. On top of it, [`itip`] writes an own event's REQUEST and CANCEL
//! messages and its CalDAV object and reads REPLYs (with a VTIMEZONE written by `vtimezone.rs` in
//! the yearly-rule shape Outlook reads), and [`imip`] wraps a message in an e-mail.

pub mod event;
pub mod imip;
pub mod itip;
pub mod lex;
pub mod parse;
pub mod recur;
mod vtimezone;
pub mod write;
pub mod zone;

use serde::Serialize;

/// Something in the input that could not be read as it stands: what, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// 1-based line of the input where the problem starts (0 when it concerns the whole input).
    pub line: usize,
    /// The component concerned, e.g. `VEVENT` with its UID when known.
    pub component: Option<String>,
    /// Plain-words description.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.component, self.line) {
            (Some(c), 0) => write!(f, "{c}: {}", self.message),
            (Some(c), l) => write!(f, "line {l}, {c}: {}", self.message),
            (None, 0) => write!(f, "{}", self.message),
            (None, l) => write!(f, "line {l}: {}", self.message),
        }
    }
}

impl Warning {
    pub(crate) fn at(line: usize, message: impl Into<String>) -> Self {
        Warning {
            line,
            component: None,
            message: message.into(),
        }
    }
}
