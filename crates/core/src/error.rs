//! The one error type of the core, and the stable `kind` each error maps to at the boundary.
//!
//! The UI and the CLI never see SQLite's or the file system's own words alone: every error names
//! what went wrong in terms of the user's data (which field, which file), so that a message can be
//! shown as is. `kind` is stable and machine-readable; `code` picks a translated text in the UI.

use std::path::PathBuf;

/// Everything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that breaks a rule of the domain. `code` is a stable identifier the UI translates;
    /// `field` names the form field at fault.
    #[error("{message}")]
    Validation {
        /// Stable identifier, e.g. `email_invalid`.
        code: &'static str,
        /// The field at fault, e.g. `emails`.
        field: &'static str,
        /// Human-readable explanation in English.
        message: String,
    },
    /// The record asked for does not exist (or was deleted).
    #[error("{what} {id} not found")]
    NotFound {
        /// What was looked for: `contact`, `organization`, `note`.
        what: &'static str,
        /// The identifier that was asked for.
        id: String,
    },
    /// The database was written by a newer Vernetzt; we refuse to touch it rather than damage it.
    #[error(
        "the database {path} was written by a newer version of Vernetzt (schema {found}, this version knows up to {known}); update Vernetzt to open it"
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Schema version found in the file.
        found: i64,
        /// Newest schema version this build knows.
        known: i64,
    },
    /// The file exists but is not a usable SQLite database (damaged, truncated, or something else).
    #[error(
        "the file {path} is damaged or is not a Vernetzt database ({detail}); it was left untouched"
    )]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// SQLite's own words.
        detail: String,
    },
    /// The database is encrypted and the key given does not open it (or no key was given).
    #[error("the database {path} is encrypted and {detail}")]
    Key {
        /// The database file.
        path: PathBuf,
        /// What is wrong with the key, and what to do.
        detail: String,
    },
    /// The database cannot be opened or written at that place.
    #[error("cannot open the database {path}: {detail}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// What was wrong: missing folder, read-only, permission.
        detail: String,
    },
    /// Any other database failure (disk full, locked for too long, a bug).
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    /// A file to import cannot be read at all (not a vCard or CSV, empty, binary); nothing was
    /// changed.
    #[error("{0}")]
    Import(String),
    /// A migration could not be applied.
    #[error("schema migration failed: {0}")]
    Migration(String),
}

impl Error {
    /// The stable kind sent to the UI as `{kind, message}`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Validation { .. } => "validation",
            Error::NotFound { .. } => "not_found",
            Error::TooNew { .. } => "too_new",
            Error::Corrupt { .. } => "corrupt",
            Error::Open { .. } => "open",
            Error::Key { .. } => "key",
            Error::Import(_) => "import",
            Error::Database(e) if is_busy(e) => "busy",
            Error::Database(_) | Error::Migration(_) => "database",
        }
    }

    /// For validation errors, the code and field; `None` otherwise.
    pub fn validation_detail(&self) -> Option<(&'static str, &'static str)> {
        match self {
            Error::Validation { code, field, .. } => Some((code, field)),
            _ => None,
        }
    }

    pub(crate) fn invalid(
        code: &'static str,
        field: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Error::Validation {
            code,
            field,
            message: message.into(),
        }
    }

    pub(crate) fn not_found(what: &'static str, id: impl ToString) -> Self {
        Error::NotFound {
            what,
            id: id.to_string(),
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Shorthand used throughout the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;
