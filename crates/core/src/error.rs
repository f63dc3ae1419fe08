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
    /// The disk (or the user's quota) is full: SQLite could not grow the database, its WAL or
    /// its shared-memory file. Every write is one transaction, so the step that failed left
    /// nothing behind and what was stored before is unchanged (a long run, a sync or sending,
    /// keeps the steps it finished before); the message says so, and that
    /// freeing space is the fix, because "disk I/O error" alone reads like a broken disk.
    #[error(
        "the disk is full: the last change could not be saved, and nothing of it was stored \
         (what was saved before is unchanged); free some space on the disk and try again ({0})"
    )]
    DiskFull(rusqlite::Error),
    /// Any other database failure (locked for too long, a damaged disk, a bug).
    #[error("database error: {0}")]
    Database(rusqlite::Error),
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
            Error::DiskFull(_) => "disk_full",
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

/// Every SQLite error becomes [`Error::DiskFull`] when it means a full disk, otherwise
/// [`Error::Database`]: one place, so no `?` in the store can let a full disk through as a
/// "database error".
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        if is_full(&e) {
            Error::DiskFull(e)
        } else {
            Error::Database(e)
        }
    }
}

/// `SQLITE_FULL` (a write to the database or its WAL met ENOSPC), or `SQLITE_IOERR_SHMSIZE`:
/// opening a WAL database extends its `-shm` file, and SQLite reports a full disk there only as
/// this I/O error.
fn is_full(e: &rusqlite::Error) -> bool {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => {
            f.code == rusqlite::ErrorCode::DiskFull
                || f.extended_code == rusqlite::ffi::SQLITE_IOERR_SHMSIZE
        }
        _ => false,
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

#[cfg(test)]
mod tests {
    use super::Error;
    use rusqlite::ffi;

    fn sqlite(code: i32) -> Error {
        Error::from(rusqlite::Error::SqliteFailure(ffi::Error::new(code), None))
    }

    #[test]
    fn a_full_disk_is_named_as_such() {
        for code in [ffi::SQLITE_FULL, ffi::SQLITE_IOERR_SHMSIZE] {
            let e = sqlite(code);
            assert_eq!(e.kind(), "disk_full", "{code}");
            assert!(e.to_string().starts_with("the disk is full: "), "{e}");
            assert!(e.to_string().contains("free some space"), "{e}");
        }
        // Other I/O errors and a busy database keep their kinds.
        assert_eq!(sqlite(ffi::SQLITE_IOERR_WRITE).kind(), "database");
        assert_eq!(sqlite(ffi::SQLITE_BUSY).kind(), "busy");
    }
}
