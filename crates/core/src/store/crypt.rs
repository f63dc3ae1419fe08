//! Encryption at rest with SQLCipher (rusqlite's `bundled-sqlcipher`): the database, its WAL and
//! its journal are encrypted page by page (AES-256, HMAC per page), so a lost laptop or another
//! local user reading the file finds nothing readable. The key is a random 256-bit raw key kept
//! in the OS keyring, or a passphrase the user sets where there is no keyring; choosing and
//! keeping the key is `vernetzt-net`'s job (`dbkey.rs`), this module only applies it.
//!
//! A raw key can also be written out as a **recovery key** ([`DbKey::recovery_key`]): the same
//! 32 bytes in groups of Crockford base32 with a short checksum, for the user to keep on paper
//! or in a password manager. It reopens the database when the keyring entry is lost (a reset
//! login keyring), and nothing about it is stored next to the database; see docs/decisions.md.

use super::{Store, classify, reclassify};
use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

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
    pub(super) fn literal(&self) -> String {
        match self {
            DbKey::Raw(k) => {
                let hex: String = k.iter().map(|b| format!("{b:02x}")).collect();
                format!("\"x'{hex}'\"")
            }
            DbKey::Passphrase(p) => format!("'{}'", p.replace('\'', "''")),
        }
    }
}

/// The recovery key's alphabet: Crockford's base32 (no I, L, O, U), read back case-blind with
/// O as 0 and I or L as 1, so a key copied by hand survives the usual misreadings.
const RECOVERY_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Key bytes plus three checksum bytes: 280 bits, 56 characters, 14 groups of four.
const RECOVERY_BYTES: usize = 35;

impl DbKey {
    /// The raw key as a recovery key (`7K3M-…`, 14 groups of four); `None` for a passphrase,
    /// which the user already knows. The last three bytes are an FNV-1a checksum, so a typo is
    /// reported as a typo rather than as a key that does not open the database.
    pub fn recovery_key(&self) -> Option<String> {
        let DbKey::Raw(k) = self else { return None };
        let mut bytes = k.to_vec();
        bytes.extend_from_slice(&crate::hash::fnv1a(k).to_be_bytes()[..3]);
        let mut chars = Vec::with_capacity(RECOVERY_BYTES * 8 / 5);
        let (mut acc, mut bits) = (0u32, 0u32);
        for b in bytes {
            acc = (acc << 8) | u32::from(b);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                chars.push(RECOVERY_ALPHABET[((acc >> bits) & 31) as usize] as char);
            }
        }
        let groups: Vec<String> = chars.chunks(4).map(|c| c.iter().collect()).collect();
        Some(groups.join("-"))
    }

    /// Reads a recovery key as the user typed or pasted it: case, spaces, line breaks and
    /// hyphens do not matter. A wrong length, a character outside the alphabet or a wrong
    /// checksum is a validation error that says which.
    pub fn from_recovery_key(text: &str) -> Result<DbKey> {
        let invalid = |m: String| Error::invalid("recovery_key", "recovery_key", m);
        let mut values = Vec::new();
        for c in text.chars().filter(|c| !c.is_whitespace() && *c != '-') {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            let v = RECOVERY_ALPHABET
                .iter()
                .position(|&a| a as char == c)
                .ok_or_else(|| invalid(format!("'{c}' does not occur in a recovery key")))?;
            values.push(v as u32);
        }
        if values.len() != RECOVERY_BYTES * 8 / 5 {
            return Err(invalid(format!(
                "a recovery key has {} letters and digits, this one {}",
                RECOVERY_BYTES * 8 / 5,
                values.len()
            )));
        }
        let mut bytes = Vec::with_capacity(RECOVERY_BYTES);
        let (mut acc, mut bits) = (0u32, 0u32);
        for v in values {
            acc = (acc << 5) | v;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                bytes.push((acc >> bits) as u8);
            }
        }
        let mut key = [0u8; 32];
        key.copy_from_slice(&bytes[..32]);
        if bytes[32..] != crate::hash::fnv1a(&key).to_be_bytes()[..3] {
            return Err(invalid(
                "the recovery key has a typo (its check letters do not match)".into(),
            ));
        }
        Ok(DbKey::Raw(key))
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

pub(super) fn apply_key(conn: &Connection, key: &DbKey) -> rusqlite::Result<()> {
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

    /// Re-encrypts every page with `new` (SQLCipher's `PRAGMA rekey`, one transaction: a crash
    /// leaves the file under the old key or the new one, never a mix), then reads it back.
    pub fn rekey(&self, new: &DbKey) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        self.conn
            .execute_batch(&format!("PRAGMA rekey = {};", new.literal()))?;
        self.integrity_check()
    }
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
        bytes.extend(
            std::fs::read(super::super::crypt_migration::with_suffix(&path, "-wal"))
                .unwrap_or_default(),
        );
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
            !super::super::crypt_migration::backup_path(&path).exists(),
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

    #[test]
    fn a_recovery_key_reads_back_as_the_key_and_catches_typos() {
        let k = DbKey::Raw(std::array::from_fn(|i| (i * 37 + 11) as u8));
        let text = k.recovery_key().unwrap();
        assert_eq!(text.len(), 14 * 4 + 13, "{text}");
        assert!(text.split('-').all(|g| g.len() == 4), "{text}");
        let DbKey::Raw(back) = DbKey::from_recovery_key(&text).unwrap() else {
            panic!("a raw key")
        };
        let DbKey::Raw(orig) = k else { unreachable!() };
        assert_eq!(back, orig);
        // As typed by hand: lower case, spaces and line breaks, O for 0 and l for 1.
        let typed = text
            .to_lowercase()
            .replace('-', " ")
            .replace('0', "o")
            .replace('1', "l");
        let typed = format!("  {}\n", typed.replacen(' ', "\n", 3));
        assert!(DbKey::from_recovery_key(&typed).is_ok(), "{typed}");
        // One letter changed: a typo, not a wrong key.
        let mut chars: Vec<char> = text.chars().collect();
        chars[5] = if chars[5] == 'A' { 'B' } else { 'A' };
        let typo: String = chars.into_iter().collect();
        let e = DbKey::from_recovery_key(&typo).unwrap_err();
        assert!(e.to_string().contains("typo"), "{e}");
        assert_eq!(e.kind(), "validation");
        assert!(DbKey::from_recovery_key(&text[..20]).is_err());
        assert!(DbKey::from_recovery_key(&text.replace('-', "U")).is_err());
        assert!(DbKey::Passphrase("x".into()).recovery_key().is_none());
    }

    #[test]
    fn rekey_changes_the_key_and_keeps_the_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.db");
        {
            let mut s = Store::open_encrypted(&path, &key(1)).unwrap();
            crate::test_support::contact(&mut s, "Anna", None);
            s.rekey(&key(2)).unwrap();
            // The open connection goes on working.
            assert_eq!(s.list_contacts(0, 10).unwrap().total, 1);
        }
        assert_eq!(
            Store::open_encrypted(&path, &key(1)).unwrap_err().kind(),
            "key"
        );
        let s = Store::open_encrypted(&path, &key(2)).unwrap();
        assert_eq!(s.list_contacts(0, 10).unwrap().total, 1);
    }
}
