//! vCard 2.1, 3.0 and 4.0: reading whole files and writing cards.
//!
//! Why by hand, like [`crate::ical`]: contacts arrive from Outlook (vCard 2.1 with
//! QUOTED-PRINTABLE soft line breaks and 8-bit charsets), Apple (3.0 with `item1.` groups and
//! `X-ABLabel`), Android, Gmail and CardDAV servers (4.0), and every problem must be reported with
//! its line instead of failing the file. Reading reuses the calendar reader's content-line parser
//! ([`crate::ical::parse::content_line`]: quoted parameters, RFC 6868, groups kept in the name,
//! bare 2.1 parameters as TYPE) and has its own unfolding ([`lex`]) for QP soft line breaks and
//! photos longer than the calendar reader's line cap.
//!
//! Reading never fails for one bad card or property: what cannot be used becomes a
//! [`Skipped`](crate::model::Skipped) entry or a warning naming its line, and the rest is read.
//! Values the store would refuse (an invalid e-mail address, a phone number with letters, a photo
//! that is not an image) are dropped with a warning here, because the store refuses the whole
//! contact for one bad value.
//!
//! Writing produces RFC 6350 (4.0) or RFC 2426 (3.0) cards that this reader reads back to the same
//! data, so an export can be imported again without loss.

mod lex;
pub(crate) mod patch;
mod read;
mod write;

#[cfg(test)]
mod tests;

use crate::model::{ImportedContact, OrgRef, Skipped};

pub use read::read_vcards;
pub use write::{write_vcard, write_vcards};

/// Everything read from a vCard file: what can be imported, and what could not, with lines.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VcardRead {
    /// Person cards (and cards without `KIND`), in file order, ready for the store's matching.
    pub contacts: Vec<ImportedContact>,
    /// `KIND:org` cards: organisations, kept apart so the import can match or create them in the
    /// directory rather than storing a company as a person.
    pub organizations: Vec<OrgRef>,
    /// Cards that were not read (no name, empty, contact groups), with the line they start on.
    pub skipped: Vec<Skipped>,
    /// Values dropped or read with a guess (`line N: …`), so the user can check the source.
    pub warnings: Vec<String>,
}

/// Why a whole input could not be read as vCards. A bad card or value inside a vCard file is not
/// an error but a [`Skipped`] entry or warning; this is only for input with nothing to read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VcardError {
    /// Empty, binary, HTML/XML, an iCalendar file or text without `BEGIN:VCARD`; the message says
    /// which, in plain words.
    #[error("not a vCard file: {0}")]
    NotVcard(String),
}

/// The vCard version to write. 4.0 is the current standard (CardDAV, Android, Thunderbird); 3.0
/// is what older Outlook and Apple versions still expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// vCard 3.0 (RFC 2426): base64 photos with `ENCODING=b`.
    V3,
    /// vCard 4.0 (RFC 6350): photos as `data:` URIs.
    V4,
}
