//! The database key: where it comes from and how the app and the CLI open the store with it.
//!
//! - A passphrase the user set (`VERNETZT_DB_PASSPHRASE`, or the CLI's `--passphrase-stdin`)
//!   wins: it is for machines without a keyring.
//! - Otherwise a random 256-bit key lives in the OS keyring under `db-key:<database path>`; it
//!   is created with a new database and never written anywhere else.
//! - A plain database from an earlier version is encrypted in place on first open (with a
//!   verified copy and a backup until the copy is verified; `Store::encrypt_plain`).
//! - A lost key is an error that says so; it is never replaced by a new key and an empty
//!   database.

use crate::Secrets;
use std::path::Path;
use vernetzt_core::Store;
use vernetzt_core::store::{DbKey, db_exists, is_plain};

/// The environment variable that holds a database passphrase (where there is no keyring).
pub const PASSPHRASE_ENV: &str = "VERNETZT_DB_PASSPHRASE";

fn keyring_account(path: &Path) -> String {
    let canonical = path
        .parent()
        .and_then(|p| std::fs::canonicalize(p).ok())
        .map(|p| p.join(path.file_name().unwrap_or_default()))
        .unwrap_or_else(|| path.to_path_buf());
    format!("db-key:{}", canonical.display())
}

/// The key from its keyring text: 64 hex digits. Anything else (another program's entry, a
/// damaged or non-ASCII value) is `None`, which the caller reports; it must never panic, since
/// the keyring is outside our control and a panic here stops the app at every start.
fn decode(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.trim().as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let nibble = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = [0u8; 32];
    for (b, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        *b = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Some(out)
}

/// How the store was opened (for `vernetzt db check`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Opened {
    /// `keyring` or `passphrase`.
    pub key_source: &'static str,
    /// The database was plain and has just been encrypted.
    pub migrated: bool,
}

/// Opens (creating if needed) the encrypted database at `path` with the key from
/// `passphrase`, `VERNETZT_DB_PASSPHRASE` or the keyring.
pub fn open_store(
    path: &Path,
    passphrase: Option<String>,
    secrets: &Secrets,
) -> vernetzt_core::Result<(Store, Opened)> {
    let key_err = |detail: String| vernetzt_core::Error::Key {
        path: path.to_path_buf(),
        detail,
    };
    let passphrase =
        passphrase.or_else(|| std::env::var(PASSPHRASE_ENV).ok().filter(|p| !p.is_empty()));
    let (key, source) = match passphrase {
        Some(p) => (DbKey::Passphrase(p), "passphrase"),
        None => {
            let account = keyring_account(path);
            match secrets.get(&account) {
                Ok(Some(hex)) => (
                    DbKey::Raw(decode(&hex).ok_or_else(|| {
                        key_err(format!("… the key in the keyring ({account}) is not a key"))
                    })?),
                    "keyring",
                ),
                Ok(None) if db_exists(path) && !is_plain(path) => {
                    return Err(key_err(format!(
                        "its key is not in the keyring ({account}), or the file is damaged or not a \
                         Vernetzt database. Without the key the data cannot be read; Vernetzt will \
                         not replace it with an empty database. If you set a passphrase for it, \
                         give it in {PASSPHRASE_ENV}."
                    )));
                }
                Ok(None) => {
                    let mut k = [0u8; 32];
                    getrandom::fill(&mut k)
                        .map_err(|e| key_err(format!("… no random key could be made: {e}")))?;
                    let hex: String = k.iter().map(|b| format!("{b:02x}")).collect();
                    secrets.set(&account, &hex).map_err(|e| {
                        key_err(format!(
                            "… the key could not be stored in the keyring: {e}. Without a \
                             keyring, set a passphrase in {PASSPHRASE_ENV}."
                        ))
                    })?;
                    (DbKey::Raw(k), "keyring")
                }
                Err(e) => {
                    return Err(key_err(format!(
                        "… its key could not be read from the keyring: {e} Without a keyring, \
                         set a passphrase in {PASSPHRASE_ENV}."
                    )));
                }
            }
        }
    };
    let mut migrated = false;
    if db_exists(path) && is_plain(path) {
        Store::encrypt_plain(path, &key)?;
        migrated = true;
    }
    let store = Store::open_encrypted(path, &key)?;
    Ok((
        store,
        Opened {
            key_source: source,
            migrated,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn a_keyring_entry_that_is_not_a_key_is_refused_without_a_panic() {
        let key: String = "0123456789abcdef".repeat(4);
        assert_eq!(decode(&key).unwrap()[..2], [0x01, 0x23]);
        assert_eq!(
            decode(&format!(" {}\n", key.to_uppercase())).unwrap()[1],
            0x23
        );
        // 64 bytes, but not 64 ASCII characters: slicing by byte would cut a character.
        let umlauts = format!("{}ä{}", "0".repeat(31), "0".repeat(31));
        assert_eq!(umlauts.len(), 64);
        assert_eq!(decode(&umlauts), None);
        assert_eq!(decode(&"zz".repeat(32)), None);
        assert_eq!(decode("00"), None);
    }
}
