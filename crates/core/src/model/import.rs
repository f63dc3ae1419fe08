//! What a vCard or CSV import reads before the store matches and keeps it, and what it did.

use serde::{Deserialize, Serialize};

use super::{ContactInput, Level};

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
    /// Format detected: `vcard` or `csv`.
    pub format: String,
}
