//! Encrypting a plain database from an earlier version, so that a crash at any moment loses
//! nothing and leaves no plaintext behind.
//!
//! The migration works with three names next to the database `v.db`:
//! - `v.db.encrypting`: the encrypted copy being made;
//! - `v.db.plain-backup`: the plain database, moved aside while the copy takes its name;
//! - `v.db.lock`: an OS file lock held while anything here runs, so that the app and the CLI
//!   starting together do not migrate (or create a key, see `vernetzt-net`'s `dbkey.rs`) twice.
//!
//! The steps: export into the copy → verify it (key, integrity, row counts) → sync it → rename
//! the plain file to the backup → rename the copy to the database → verify again → overwrite
//! the backup with zeros → remove it. The folder is synced after every rename, so a power cut
//! cannot reorder them. A process killed anywhere leaves one of a few combinations of files;
//! every open looks at them first ([`survey`]) and [`plan`] says how to finish or roll back,
//! before the database is opened. The crash test (`crates/cli/tests/crypt_crash.rs`) kills the
//! CLI at each step through [`crate::fault`].

use super::Store;
use super::crypt::{DbKey, apply_key, exists, is_plain};
use crate::error::{Error, Result};
use crate::fault;
use rusqlite::{Connection, OpenFlags};
use std::fs::File;
use std::path::{Path, PathBuf};

/// What one of the migration's file names holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// No file, or an empty one.
    Absent,
    /// A plain SQLite database.
    Plain,
    /// An encrypted database the key opens and that passes the integrity check.
    Opens,
    /// Anything else: encrypted with another key, damaged, or a backup already overwritten.
    Other,
}

/// The three names of a migration, as [`survey`] found them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Survey {
    /// The database itself.
    pub db: Found,
    /// The encrypted copy (`.encrypting`).
    pub copy: Found,
    /// The plain backup (`.plain-backup`).
    pub backup: Found,
}

/// One step of finishing or rolling back, in the order [`plan`] lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Remove the encrypted copy (and its journal): it is unfinished or no longer needed.
    DiscardCopy,
    /// Move the verified encrypted copy to the database's name (finishing).
    PromoteCopy,
    /// Move the plain backup back to the database's name (rolling back).
    RestoreBackup,
    /// Overwrite the plain backup with zeros and remove it.
    ScrubBackup,
    /// Encrypt the plain database (the whole migration, from the start).
    Migrate,
}

/// Why [`plan`] will not touch the files: a combination no crash of ours leaves behind, or one
/// where acting on a wrong key could lose data. The user has to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The database is plain and a plain backup exists too: two versions of the data.
    TwoPlainFiles,
    /// The key does not open the database, and a plain backup is there: most likely a wrong key
    /// (restoring the backup would throw away what was written since).
    KeyDoesNotOpen,
    /// Neither the database nor a usable copy is there, only a backup that is not plain.
    NothingUsable,
}

/// What to do with the files as found: the pure decision of the crash recovery.
///
/// Rolling forward only from a copy the key opens (it was verified and synced before the plain
/// file was moved); otherwise rolling back to the plain backup and migrating again. A plain
/// backup is scrubbed only once the encrypted database opens.
pub fn plan(s: Survey) -> std::result::Result<Vec<Step>, Refusal> {
    use Found::*;
    let discard = (s.copy != Absent).then_some(Step::DiscardCopy);
    let scrub = (s.backup != Absent).then_some(Step::ScrubBackup);
    let steps: Vec<Option<Step>> = match (s.db, s.backup) {
        (Plain, Absent) => vec![discard, Some(Step::Migrate)],
        (Plain, _) => return Err(Refusal::TwoPlainFiles),
        (Absent, _) if s.copy == Opens => vec![Some(Step::PromoteCopy), scrub],
        (Absent, Plain) => vec![discard, Some(Step::RestoreBackup), Some(Step::Migrate)],
        (Absent, Absent) => vec![discard],
        (Absent, _) => return Err(Refusal::NothingUsable),
        (Opens, _) => vec![discard, scrub],
        (Other, Absent) => vec![],
        (Other, _) => return Err(Refusal::KeyDoesNotOpen),
    };
    Ok(steps.into_iter().flatten().collect())
}

/// The file beside `path` with `suffix` appended to its name (`v.db` → `v.db-wal`).
pub(super) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// The encrypted copy's name.
pub fn copy_path(path: &Path) -> PathBuf {
    with_suffix(path, ".encrypting")
}

/// The plain backup's name.
pub fn backup_path(path: &Path) -> PathBuf {
    with_suffix(path, ".plain-backup")
}

/// An exclusive OS lock on `<database>.lock`, held while the database's files or key are
/// changed; released when dropped (or when the process dies, so a crash leaves no stale lock).
/// The lock file itself stays: removing it would let a third process lock a new file while a
/// second still waits on the old one.
pub struct DbLock {
    _file: File,
}

impl DbLock {
    /// Waits for and takes the lock of the database `path`.
    pub fn acquire(path: &Path) -> Result<DbLock> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            return Err(Error::Open {
                path: path.to_path_buf(),
                detail: format!("the folder {} does not exist", parent.display()),
            });
        }
        let lock_path = with_suffix(path, ".lock");
        let err = |e: std::io::Error| Error::Open {
            path: path.to_path_buf(),
            detail: format!("cannot lock {}: {e}", lock_path.display()),
        };
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(&lock_path).map_err(err)?;
        file.lock().map_err(err)?;
        Ok(DbLock { _file: file })
    }
}

/// What an encrypted file is to `key`: [`Found::Opens`] if the key opens it and the integrity
/// check passes. Reads only (no schema migration, nothing created).
fn probe(path: &Path, key: &DbKey) -> Found {
    if !exists(path) {
        return Found::Absent;
    }
    if is_plain(path) {
        return Found::Plain;
    }
    let opens = || -> rusqlite::Result<bool> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        apply_key(&conn, key)?;
        let res: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        Ok(res == "ok")
    };
    if opens().unwrap_or(false) {
        Found::Opens
    } else {
        Found::Other
    }
}

/// Looks at the migration's files. The database is probed with the key only when a copy or a
/// backup is there (the usual open has neither, and the open that follows checks the key).
pub fn survey(path: &Path, key: &DbKey) -> Survey {
    let copy = probe(&copy_path(path), key);
    let backup = match backup_path(path) {
        b if !exists(&b) => Found::Absent,
        b if is_plain(&b) => Found::Plain,
        _ => Found::Other,
    };
    let db = if copy == Found::Absent && backup == Found::Absent {
        match (exists(path), is_plain(path)) {
            (false, _) => Found::Absent,
            (true, true) => Found::Plain,
            (true, false) => Found::Opens,
        }
    } else {
        probe(path, key)
    };
    Survey { db, copy, backup }
}

/// Syncs the folder holding `path`, so that a rename in it survives a power cut.
fn sync_dir(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        // Windows has no handle on a folder to sync; NTFS journals renames itself.
        let _ = path;
        Ok(())
    }
}

fn io_err(path: &Path, what: &str) -> impl Fn(std::io::Error) -> Error {
    let path = path.to_path_buf();
    let what = what.to_string();
    move |e| Error::Open {
        path: path.clone(),
        detail: format!("{what}: {e}"),
    }
}

/// Renames `from` to `to` and syncs the folder.
fn rename(from: &Path, to: &Path, db: &Path, what: &str) -> Result<()> {
    std::fs::rename(from, to)
        .and_then(|()| sync_dir(to))
        .map_err(io_err(db, what))
}

/// Removes a database file with its journal files; a missing one is fine.
fn remove_db_file(path: &Path) -> Result<()> {
    for p in [
        path.to_path_buf(),
        with_suffix(path, "-wal"),
        with_suffix(path, "-shm"),
    ] {
        match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(io_err(path, "could not remove an unfinished copy")(e));
            }
            _ => {}
        }
    }
    sync_dir(path).map_err(io_err(path, "could not sync the folder"))
}

/// Overwrites the plain backup before removing it (best effort: file systems with copy-on-write
/// or wear levelling may keep old blocks; see docs/security.md), then removes it.
fn scrub(backup: &Path, db: &Path) -> Result<()> {
    if let Ok(len) = std::fs::metadata(backup).map(|m| m.len()) {
        let zeros = vec![0u8; usize::try_from(len).unwrap_or(0)];
        std::fs::write(backup, zeros)
            .and_then(|()| File::open(backup)?.sync_all())
            .map_err(io_err(db, "could not overwrite the plain backup"))?;
    }
    fault::point("encrypt:scrubbed");
    std::fs::remove_file(backup)
        .and_then(|()| sync_dir(backup))
        .map_err(io_err(db, "could not remove the plain backup"))
}

impl Store {
    /// Brings the database at `path` into its encrypted state before it is opened: finishes or
    /// rolls back a migration a crash interrupted, and encrypts a plain database. Returns the
    /// steps taken (none in the usual case). The caller holds the database's [`DbLock`].
    pub fn settle_encryption(path: &Path, key: &DbKey, _lock: &DbLock) -> Result<Vec<Step>> {
        let steps = plan(survey(path, key)).map_err(|r| refusal(path, r))?;
        for step in &steps {
            match step {
                Step::DiscardCopy => remove_db_file(&copy_path(path))?,
                Step::PromoteCopy => {
                    rename(
                        &copy_path(path),
                        path,
                        path,
                        "could not finish the encryption",
                    )?;
                }
                Step::RestoreBackup => {
                    rename(
                        &backup_path(path),
                        path,
                        path,
                        "could not restore the backup",
                    )?;
                }
                Step::ScrubBackup => scrub(&backup_path(path), path)?,
                Step::Migrate => {
                    migrate(path, key)?;
                }
            }
        }
        Ok(steps)
    }

    /// Encrypts the plain database at `path` in place without loss (see the module
    /// documentation), taking its lock; returns the row counts compared. Refused when the file
    /// is not a plain database.
    pub fn encrypt_plain(path: &Path, key: &DbKey) -> Result<Vec<(String, i64)>> {
        let _lock = DbLock::acquire(path)?;
        if !exists(path) || !is_plain(path) {
            return Err(Error::Key {
                path: path.to_path_buf(),
                detail: "… no: it is not a plain database (already encrypted, or missing)".into(),
            });
        }
        migrate(path, key)
    }

    /// Row counts of every table, for comparing a copy with its original.
    fn table_counts(&self) -> Result<Vec<(String, i64)>> {
        let names: Vec<String> = {
            let mut stmt = self.conn.prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                   AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'contact_notes_search_%'
                 ORDER BY name",
            )?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let mut out = Vec::new();
        for n in names {
            let c: i64 =
                self.conn
                    .query_row(&format!("SELECT count(*) FROM \"{n}\""), [], |r| r.get(0))?;
            out.push((n, c));
        }
        Ok(out)
    }
}

fn refusal(path: &Path, r: Refusal) -> Error {
    let backup = backup_path(path);
    let backup = backup.display();
    match r {
        Refusal::TwoPlainFiles => Error::Open {
            path: path.to_path_buf(),
            detail: format!(
                "it is a plain database and {backup} is a plain copy of it too; Vernetzt does not \
                 choose between them: move the one you do not need elsewhere"
            ),
        },
        Refusal::KeyDoesNotOpen => Error::Key {
            path: path.to_path_buf(),
            detail: format!(
                "the key does not open it; {backup} is the plain database from before an \
                 interrupted encryption. Give the right key or passphrase; nothing was changed"
            ),
        },
        Refusal::NothingUsable => Error::Open {
            path: path.to_path_buf(),
            detail: format!("it is missing and {backup} is not a database; nothing was changed"),
        },
    }
}

/// The migration proper; the caller holds the lock and has checked that `path` is plain.
fn migrate(path: &Path, key: &DbKey) -> Result<Vec<(String, i64)>> {
    let copy = copy_path(path);
    let backup = backup_path(path);
    remove_db_file(&copy)?;
    // Bring the plain database up to date first (migrations), then read its counts.
    let counts = {
        let plain = Store::open(path)?;
        plain
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        let counts = plain.table_counts()?;
        let version: i64 = plain
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let copy_sql = copy.to_str().ok_or_else(|| Error::Open {
            path: copy.clone(),
            detail: "the path is not UTF-8".into(),
        })?;
        plain.conn.execute_batch(&format!(
            "ATTACH DATABASE '{}' AS vz_encrypted KEY {};
             SELECT sqlcipher_export('vz_encrypted');
             PRAGMA vz_encrypted.user_version = {version};
             DETACH DATABASE vz_encrypted;",
            copy_sql.replace('\'', "''"),
            key.literal()
        ))?;
        counts
    };
    fault::point("encrypt:exported");
    let check = |p: &Path| -> Result<()> {
        let s = Store::open_encrypted(p, key)?;
        s.integrity_check()?;
        let after = s.table_counts()?;
        if after != counts {
            return Err(Error::Migration(format!(
                "the encrypted copy differs from the plain database ({counts:?} vs {after:?}); the plain database was kept"
            )));
        }
        Ok(())
    };
    if let Err(e) = check(&copy).and_then(|()| {
        File::open(&copy)
            .and_then(|f| f.sync_all())
            .and_then(|()| sync_dir(&copy))
            .map_err(io_err(path, "could not sync the encrypted copy"))
    }) {
        let _ = remove_db_file(&copy);
        return Err(e);
    }
    fault::point("encrypt:verified");
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(path, ext));
    }
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(io_err(path, "could not sync the plain database"))?;
    rename(path, &backup, path, "could not keep the plain backup")?;
    fault::point("encrypt:moved-aside");
    if let Err(e) = rename(
        &copy,
        path,
        path,
        "could not put the encrypted database in place",
    ) {
        let _ = rename(&backup, path, path, "");
        return Err(e);
    }
    fault::point("encrypt:swapped");
    if let Err(e) = check(path) {
        let _ = rename(&backup, path, path, "");
        return Err(e);
    }
    fault::point("encrypt:checked");
    scrub(&backup, path)?;
    Ok(counts)
}

/// Every crash point of the migration, in order, for the crash test.
pub const CRASH_POINTS: [&str; 6] = [
    "encrypt:exported",
    "encrypt:verified",
    "encrypt:moved-aside",
    "encrypt:swapped",
    "encrypt:checked",
    "encrypt:scrubbed",
];

#[cfg(test)]
mod tests {
    use super::*;
    use Found::*;
    use Step::*;

    fn s(db: Found, copy: Found, backup: Found) -> Survey {
        Survey { db, copy, backup }
    }

    #[test]
    fn the_plan_finishes_or_rolls_back_every_state_a_crash_leaves() {
        // No migration: nothing to do, or a plain database to encrypt.
        assert_eq!(plan(s(Absent, Absent, Absent)), Ok(vec![]));
        assert_eq!(plan(s(Opens, Absent, Absent)), Ok(vec![]));
        assert_eq!(plan(s(Plain, Absent, Absent)), Ok(vec![Migrate]));
        // Killed while exporting or verifying: the copy goes, the migration starts again.
        assert_eq!(
            plan(s(Plain, Other, Absent)),
            Ok(vec![DiscardCopy, Migrate])
        );
        assert_eq!(
            plan(s(Plain, Opens, Absent)),
            Ok(vec![DiscardCopy, Migrate])
        );
        // Killed between the two renames: the verified copy takes the name, never a new empty
        // database beside a forgotten backup.
        assert_eq!(
            plan(s(Absent, Opens, Plain)),
            Ok(vec![PromoteCopy, ScrubBackup])
        );
        // ... and if the copy does not open after all, the backup comes back and is encrypted.
        assert_eq!(
            plan(s(Absent, Other, Plain)),
            Ok(vec![DiscardCopy, RestoreBackup, Migrate])
        );
        assert_eq!(
            plan(s(Absent, Absent, Plain)),
            Ok(vec![RestoreBackup, Migrate])
        );
        // Killed after the swap, before or while scrubbing: no plaintext stays behind.
        assert_eq!(plan(s(Opens, Absent, Plain)), Ok(vec![ScrubBackup]));
        assert_eq!(plan(s(Opens, Absent, Other)), Ok(vec![ScrubBackup]));
        assert_eq!(plan(s(Opens, Other, Absent)), Ok(vec![DiscardCopy]));
        assert_eq!(plan(s(Absent, Opens, Absent)), Ok(vec![PromoteCopy]));
        assert_eq!(plan(s(Absent, Other, Absent)), Ok(vec![DiscardCopy]));
        // A key that does not open: nothing touched, the open reports the key.
        assert_eq!(plan(s(Other, Other, Absent)), Ok(vec![]));
        assert_eq!(plan(s(Other, Absent, Plain)), Err(Refusal::KeyDoesNotOpen));
        assert_eq!(plan(s(Plain, Absent, Plain)), Err(Refusal::TwoPlainFiles));
        assert_eq!(plan(s(Absent, Other, Other)), Err(Refusal::NothingUsable));
    }

    /// The state a kill between the two renames leaves, made by hand: the next open finishes the
    /// migration from the verified copy and scrubs the backup.
    #[test]
    fn a_migration_killed_between_the_renames_is_finished_on_the_next_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.db");
        let key = DbKey::Raw([9; 32]);
        {
            let mut s = Store::open(&path).unwrap();
            crate::test_support::contact(&mut s, "Quendelmann", None);
        }
        let other = dir.path().join("x.db");
        std::fs::copy(&path, &other).unwrap();
        Store::encrypt_plain(&other, &key).unwrap();
        std::fs::rename(&other, copy_path(&path)).unwrap();
        std::fs::rename(&path, backup_path(&path)).unwrap();
        assert_eq!(
            survey(&path, &key),
            Survey {
                db: Found::Absent,
                copy: Found::Opens,
                backup: Found::Plain
            }
        );
        let lock = DbLock::acquire(&path).unwrap();
        let done = Store::settle_encryption(&path, &key, &lock).unwrap();
        assert_eq!(done, vec![Step::PromoteCopy, Step::ScrubBackup]);
        assert!(!backup_path(&path).exists() && !copy_path(&path).exists());
        let s = Store::open_encrypted(&path, &key).unwrap();
        assert_eq!(s.list_contacts(0, 5).unwrap().total, 1);
        // Settled: the next open has nothing to do.
        assert_eq!(
            Store::settle_encryption(&path, &key, &lock).unwrap(),
            vec![]
        );
    }

    /// A wrong key with a plain backup beside the database: nothing is touched.
    #[test]
    fn a_wrong_key_beside_a_backup_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.db");
        drop(Store::open_encrypted(&path, &DbKey::Raw([1; 32])).unwrap());
        drop(Store::open(&backup_path(&path)).unwrap());
        let lock = DbLock::acquire(&path).unwrap();
        let e = Store::settle_encryption(&path, &DbKey::Raw([2; 32]), &lock).unwrap_err();
        assert_eq!(e.kind(), "key", "{e}");
        assert!(is_plain(&backup_path(&path)));
        assert!(Store::open_encrypted(&path, &DbKey::Raw([1; 32])).is_ok());
    }
}
