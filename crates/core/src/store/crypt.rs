//! Encryption at rest with SQLCipher (rusqlite's `bundled-sqlcipher`): the database, its WAL and
//! its journal are encrypted page by page (AES-256, HMAC per page), so a lost laptop or another
//! local user reading the file finds nothing readable. The key is a random 256-bit raw key kept
//! in the OS keyring, or a passphrase the user sets where there is no keyring; choosing and
//! keeping the key is `vernetzt-net`'s job (`dbkey.rs`), this module only applies it.

use super::{Store, classify, reclassify};
use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

/// The key of an encrypted database.
pub enum DbKey {
    /// 32 random bytes (from the keyring): used as the AES key directly, no key derivation.
    Raw([u8; 32]),
    /// A passphrase the user chose (PBKDF2-HMAC-SHA512 with SQLCipher's 256,000 iterations).
    Passphrase(String),
}

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey([redacted])")
    }
}

impl DbKey {
    /// The SQL literal for `PRAGMA key` / `ATTACH … KEY`.
    fn literal(&self) -> String {
        match self {
            DbKey::Raw(k) => {
                let hex: String = k.iter().map(|b| format!("{b:02x}")).collect();
                format!("\"x'{hex}'\"")
            }
            DbKey::Passphrase(p) => format!("'{}'", p.replace('\'', "''")),
        }
    }
}

/// Whether the file is a plain (unencrypted) SQLite database: it starts with the SQLite header.
/// An encrypted file starts with random bytes (its salt).
pub fn is_plain(path: &Path) -> bool {
    use std::io::Read;
    let mut buf = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut buf))
        .is_ok_and(|_| &buf == super::SQLITE_HEADER)
}

/// Whether the file holds anything (a missing or empty file is a new database).
pub fn exists(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() > 0)
}

fn apply_key(conn: &Connection, key: &DbKey) -> rusqlite::Result<()> {
    // SQLCipher's own log goes to stderr; a wrong key is our error to report, not its.
    let _ = conn.execute_batch("PRAGMA cipher_log_level = NONE;");
    conn.execute_batch(&format!("PRAGMA key = {};", key.literal()))
}

impl Store {
    /// Opens (creating if needed) the encrypted database at `path` with `key`. A wrong key, or
    /// a plain file, is refused with [`Error::Key`]; nothing is written then.
    pub fn open_encrypted(path: &Path, key: &DbKey) -> Result<Store> {
        if exists(path) && is_plain(path) {
            return Err(Error::Key {
                path: path.to_path_buf(),
                detail:
                    "… is not: it is a plain database; encrypt it first (`vernetzt db encrypt`)"
                        .into(),
            });
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            return Err(Error::Open {
                path: path.to_path_buf(),
                detail: format!("the folder {} does not exist", parent.display()),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| classify(path, e))?;
        apply_key(&conn, key).map_err(|e| classify(path, e))?;
        // The first read tells whether the key fits (SQLCipher checks each page's HMAC).
        if let Err(e) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        }) {
            return Err(match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) => Error::Key {
                    path: path.to_path_buf(),
                    detail: "the key does not open it (a different key or passphrase, or a damaged file)".into(),
                },
                _ => classify(path, e),
            });
        }
        Store::init(conn, path).map_err(|e| reclassify(path, e))
    }

    /// Whether this connection's database is encrypted (SQLCipher reports a cipher).
    pub fn is_encrypted(&self) -> Result<bool> {
        let cipher: Option<String> = self.conn.query_row("PRAGMA cipher", [], |r| r.get(0)).ok();
        let plain = self.path.to_str() == Some(":memory:") || is_plain(&self.path);
        Ok(cipher.is_some_and(|c| !c.is_empty()) && !plain)
    }

    /// Encrypts a plain database in place without loss: the data is exported into an encrypted
    /// copy, the copy is opened with the key and compared table by table, then the plain file is
    /// kept as `<name>.plain-backup` until the encrypted one has opened and passed the integrity
    /// check under its own name; only then is the backup overwritten and removed. A failure at
    /// any step leaves the plain database where it was. Returns the row counts compared.
    pub fn encrypt_plain(path: &Path, key: &DbKey) -> Result<Vec<(String, i64)>> {
        if !exists(path) || !is_plain(path) {
            return Err(Error::Key {
                path: path.to_path_buf(),
                detail: "… no: it is not a plain database (already encrypted, or missing)".into(),
            });
        }
        let tmp = sibling(path, "encrypting");
        let backup = sibling(path, "plain-backup");
        let _ = std::fs::remove_file(&tmp);
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
            let tmp_sql = tmp.to_str().ok_or_else(|| Error::Open {
                path: tmp.clone(),
                detail: "the path is not UTF-8".into(),
            })?;
            plain.conn.execute_batch(&format!(
                "ATTACH DATABASE '{}' AS vz_encrypted KEY {};
                 SELECT sqlcipher_export('vz_encrypted');
                 PRAGMA vz_encrypted.user_version = {version};
                 DETACH DATABASE vz_encrypted;",
                tmp_sql.replace('\'', "''"),
                key.literal()
            ))?;
            counts
        };
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
        if let Err(e) = check(&tmp) {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        for ext in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(with_suffix(path, ext));
        }
        std::fs::rename(path, &backup).map_err(|e| Error::Open {
            path: path.to_path_buf(),
            detail: format!("could not keep the plain backup: {e}"),
        })?;
        if let Err(e) = std::fs::rename(&tmp, path) {
            let _ = std::fs::rename(&backup, path);
            return Err(Error::Open {
                path: path.to_path_buf(),
                detail: format!("could not put the encrypted database in place: {e}"),
            });
        }
        if let Err(e) = check(path) {
            let _ = std::fs::rename(&backup, path);
            return Err(e);
        }
        // Verified: overwrite the plain copy before removing it (best effort: file systems with
        // copy-on-write or wear levelling may keep old blocks; see docs/security.md).
        if let Ok(len) = std::fs::metadata(&backup).map(|m| m.len()) {
            let _ = std::fs::write(&backup, vec![0u8; len as usize]);
        }
        let _ = std::fs::remove_file(&backup);
        Ok(counts)
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

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn sibling(path: &Path, ext: &str) -> PathBuf {
    with_suffix(path, &format!(".{ext}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ContactInput;

    fn key(b: u8) -> DbKey {
        DbKey::Raw([b; 32])
    }

    #[test]
    fn encrypted_files_hold_no_names_and_need_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.db");
        {
            let mut s = Store::open_encrypted(&path, &key(7)).unwrap();
            s.create_contact(
                &ContactInput {
                    display_name: Some("Jördis Quendelmann".into()),
                    ..Default::default()
                },
                Some("Notiz über Xylophon"),
            )
            .unwrap();
            assert!(s.is_encrypted().unwrap());
        }
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend(std::fs::read(with_suffix(&path, "-wal")).unwrap_or_default());
        assert_ne!(&bytes[..16], super::super::SQLITE_HEADER);
        for needle in [
            "Quendelmann",
            "quendelmann",
            "Xylophon",
            "xylophon",
            "SQLite format",
        ] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle} readable in the file"
            );
        }
        let wrong = Store::open_encrypted(&path, &key(8)).unwrap_err();
        assert_eq!(wrong.kind(), "key", "{wrong}");
        assert_eq!(Store::open(&path).unwrap_err().kind(), "corrupt");
        let s = Store::open_encrypted(&path, &key(7)).unwrap();
        assert_eq!(s.list_contacts(0, 10).unwrap().total, 1);
        let p = Store::open_encrypted(&path, &DbKey::Passphrase("x".into())).unwrap_err();
        assert_eq!(p.kind(), "key");
    }

    #[test]
    fn a_plain_database_is_encrypted_in_place_without_loss() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.db");
        {
            let mut s = Store::open(&path).unwrap();
            for i in 0..50 {
                s.create_contact(
                    &ContactInput {
                        display_name: Some(format!("Person Nummer{i}")),
                        ..Default::default()
                    },
                    Some("eine Notiz"),
                )
                .unwrap();
            }
        }
        assert!(is_plain(&path));
        let k = DbKey::Passphrase("Ein langer Satz, den sich jemand merkt".into());
        let counts = Store::encrypt_plain(&path, &k).unwrap();
        assert!(counts.iter().any(|(t, n)| t == "contacts" && *n == 50));
        assert!(!is_plain(&path));
        assert!(
            !sibling(&path, "plain-backup").exists(),
            "backup removed after verification"
        );
        let s = Store::open_encrypted(&path, &k).unwrap();
        assert_eq!(s.list_contacts(0, 100).unwrap().total, 50);
        assert_eq!(s.search("Nummer7", 5).unwrap().len(), 1);
        assert!(
            Store::encrypt_plain(&path, &k).is_err(),
            "already encrypted"
        );
    }
}
