//! The database key: where it comes from and how the app and the CLI open the store with it.
//!
//! - A passphrase the user set (`VERNETZT_DB_PASSPHRASE`, or the CLI's `--passphrase-stdin`)
//!   wins: it is for machines without a keyring.
//! - Otherwise a random 256-bit key lives in the OS keyring under `db-key:<database path>`; it
//!   is created with a new database. The user can write it out as a recovery key
//!   ([`recovery_key`]) that reopens the database when the keyring entry is lost ([`recover`]).
//! - Everything that looks at or changes the key or the files runs under the database's lock
//!   (`DbLock`), so the app and the CLI starting at the same moment cannot create two keys.
//! - A plain database from an earlier version is encrypted in place on first open, and a
//!   migration a crash interrupted is finished or rolled back (`Store::settle_encryption`).
//! - A lost key is an error that says so; it is never replaced by a new key and an empty
//!   database.

use crate::Secrets;
use std::path::Path;
use vernetzt_core::store::crypt_migration::Step;
use vernetzt_core::store::{DbKey, DbLock, db_exists, is_plain};
use vernetzt_core::{Error, Store, fault};

/// The environment variable that holds a database passphrase (where there is no keyring).
pub const PASSPHRASE_ENV: &str = "VERNETZT_DB_PASSPHRASE";

fn canonical(path: &Path) -> String {
    path.parent()
        .and_then(|p| std::fs::canonicalize(p).ok())
        .map(|p| p.join(path.file_name().unwrap_or_default()))
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

fn keyring_account(path: &Path) -> String {
    format!("db-key:{}", canonical(path))
}

/// Where `rekey` keeps the new key while the file is re-encrypted: a crash between the rekey
/// and the keyring update leaves the file under the new key, and the next open finds it here.
fn pending_account(path: &Path) -> String {
    format!("db-key-next:{}", canonical(path))
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

fn encode(key: &[u8; 32]) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

/// How the store was opened (for `vernetzt db check`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Opened {
    /// `keyring` or `passphrase`.
    pub key_source: &'static str,
    /// The database was plain and has just been encrypted (or an interrupted encryption was
    /// finished).
    pub migrated: bool,
    /// A new key was made for a new database just now: the moment to offer a recovery key.
    pub key_created: bool,
}

fn key_err(path: &Path, detail: String) -> Error {
    Error::Key {
        path: path.to_path_buf(),
        detail,
    }
}

/// The key in the keyring for `path`, if any.
fn stored_key(
    path: &Path,
    secrets: &Secrets,
    account: &str,
) -> vernetzt_core::Result<Option<DbKey>> {
    match secrets.get(account) {
        Ok(Some(hex)) => Ok(Some(DbKey::Raw(decode(&hex).ok_or_else(|| {
            key_err(
                path,
                format!("… the key in the keyring ({account}) is not a key"),
            )
        })?))),
        Ok(None) => Ok(None),
        Err(e) => Err(key_err(
            path,
            format!(
                "… its key could not be read from the keyring: {e} Without a keyring, set a \
                 passphrase in {PASSPHRASE_ENV}."
            ),
        )),
    }
}

fn store_key(
    path: &Path,
    secrets: &Secrets,
    account: &str,
    key: &[u8; 32],
) -> vernetzt_core::Result<()> {
    secrets.set(account, &encode(key)).map_err(|e| {
        key_err(
            path,
            format!(
                "… the key could not be stored in the keyring: {e}. Without a keyring, set a \
                 passphrase in {PASSPHRASE_ENV}."
            ),
        )
    })
}

fn random_key(path: &Path) -> vernetzt_core::Result<[u8; 32]> {
    let mut k = [0u8; 32];
    getrandom::fill(&mut k)
        .map_err(|e| key_err(path, format!("… no random key could be made: {e}")))?;
    Ok(k)
}

/// The passphrase given, or the one in `VERNETZT_DB_PASSPHRASE`.
fn passphrase_or_env(passphrase: Option<String>) -> Option<String> {
    passphrase.or_else(|| std::env::var(PASSPHRASE_ENV).ok().filter(|p| !p.is_empty()))
}

/// Opens (creating if needed) the encrypted database at `path` with the key from
/// `passphrase`, `VERNETZT_DB_PASSPHRASE` or the keyring.
pub fn open_store(
    path: &Path,
    passphrase: Option<String>,
    secrets: &Secrets,
) -> vernetzt_core::Result<(Store, Opened)> {
    let lock = DbLock::acquire(path)?;
    open_locked(path, passphrase, secrets, &lock).map(|(store, opened, _)| (store, opened))
}

/// [`open_store`] under a lock the caller holds; also returns the key.
fn open_locked(
    path: &Path,
    passphrase: Option<String>,
    secrets: &Secrets,
    lock: &DbLock,
) -> vernetzt_core::Result<(Store, Opened, DbKey)> {
    let (key, key_source, key_created) = match passphrase_or_env(passphrase) {
        Some(p) => (DbKey::Passphrase(p), "passphrase", false),
        None => {
            let account = keyring_account(path);
            match stored_key(path, secrets, &account)? {
                Some(k) => (k, "keyring", false),
                None if db_exists(path) && !is_plain(path) => {
                    return Err(key_err(
                        path,
                        format!(
                            "its key is not in the keyring ({account}), or the file is damaged or \
                             not a Vernetzt database. Without the key the data cannot be read; \
                             Vernetzt will not replace it with an empty database. With the \
                             recovery key: `vernetzt db recover --recovery-key-stdin`. If you set \
                             a passphrase for it, give it in {PASSPHRASE_ENV}."
                        ),
                    ));
                }
                None => {
                    // Under the lock: a second process waits here and then finds this key.
                    let k = random_key(path)?;
                    fault::point("key-made");
                    store_key(path, secrets, &account, &k)?;
                    (DbKey::Raw(k), "keyring", true)
                }
            }
        }
    };
    let steps = Store::settle_encryption(path, &key, lock)?;
    let (store, key) = match Store::open_encrypted(path, &key) {
        Err(e) if e.kind() == "key" && key_source == "keyring" => {
            finish_rekey(path, secrets)?.ok_or(e)?
        }
        other => (other?, key),
    };
    let migrated = steps
        .iter()
        .any(|s| matches!(s, Step::Migrate | Step::PromoteCopy));
    Ok((
        store,
        Opened {
            key_source,
            migrated,
            key_created,
        },
        key,
    ))
}

/// After a rekey was interrupted between re-encrypting the file and updating the keyring: the
/// pending key, if it opens the file, becomes the key. `None` when there is none or it does not
/// open the file either.
fn finish_rekey(path: &Path, secrets: &Secrets) -> vernetzt_core::Result<Option<(Store, DbKey)>> {
    let pending = pending_account(path);
    let Some(DbKey::Raw(k)) = stored_key(path, secrets, &pending)? else {
        return Ok(None);
    };
    let Ok(store) = Store::open_encrypted(path, &DbKey::Raw(k)) else {
        return Ok(None);
    };
    store_key(path, secrets, &keyring_account(path), &k)?;
    let _ = secrets.delete(&pending);
    Ok(Some((store, DbKey::Raw(k))))
}

/// The recovery key of the database at `path` (its keyring key, written for a human), after
/// checking that the key opens the database. A database with a passphrase has none: the
/// passphrase is what the user keeps.
pub fn recovery_key(path: &Path, secrets: &Secrets) -> vernetzt_core::Result<String> {
    if passphrase_or_env(None).is_some() {
        return Err(passphrase_has_no_recovery_key(path));
    }
    let lock = DbLock::acquire(path)?;
    // A database opened with a passphrase has no keyring entry; never make one for it here.
    if db_exists(path) && stored_key(path, secrets, &keyring_account(path))?.is_none() {
        return Err(passphrase_has_no_recovery_key(path));
    }
    let (_, _, key) = open_locked(path, None, secrets, &lock)?;
    key.recovery_key()
        .ok_or_else(|| passphrase_has_no_recovery_key(path))
}

fn passphrase_has_no_recovery_key(path: &Path) -> Error {
    key_err(
        path,
        format!(
            "is opened with a passphrase ({PASSPHRASE_ENV} or --passphrase-stdin) rather than a \
             key in the keyring: the passphrase is what you keep, there is no recovery key."
        ),
    )
}

/// Reopens the database at `path` with a recovery key (as the user typed it) and puts the key
/// back into the keyring, for after a keyring reset. The recovery key stays valid; `rekey`
/// replaces it when it may have been seen by someone else.
pub fn recover(path: &Path, recovery: &str, secrets: &Secrets) -> vernetzt_core::Result<()> {
    if passphrase_or_env(None).is_some() {
        return Err(passphrase_has_no_recovery_key(path));
    }
    let key = DbKey::from_recovery_key(recovery)?;
    let DbKey::Raw(raw) = key else {
        unreachable!("a recovery key is a raw key")
    };
    let lock = DbLock::acquire(path)?;
    if !db_exists(path) {
        return Err(Error::Open {
            path: path.to_path_buf(),
            detail: "there is no database there to recover".into(),
        });
    }
    Store::settle_encryption(path, &key, &lock)?;
    Store::open_encrypted(path, &key).map_err(|e| match e {
        Error::Key { .. } => key_err(
            path,
            "the recovery key does not open it (a recovery key of another database, or one \
             replaced by `vernetzt db rekey`)"
                .into(),
        ),
        e => e,
    })?;
    store_key(path, secrets, &keyring_account(path), &raw)?;
    let _ = secrets.delete(&pending_account(path));
    Ok(())
}

/// Re-encrypts the database at `path` with a new random key, keeps it in the keyring and hands
/// the new recovery key to `deliver` *before* the file changes (so that a failure to write it
/// leaves everything as it was). The old key and every old recovery key stop working. Only for
/// a database keyed from the keyring.
pub fn rekey<E: From<Error>>(
    path: &Path,
    secrets: &Secrets,
    deliver: impl FnOnce(&str) -> Result<(), E>,
) -> Result<(), E> {
    if passphrase_or_env(None).is_some() {
        return Err(passphrase_has_no_recovery_key(path).into());
    }
    let lock = DbLock::acquire(path)?;
    let (store, _, _) = open_locked(path, None, secrets, &lock)?;
    let new = random_key(path)?;
    deliver(&DbKey::Raw(new).recovery_key().unwrap_or_default())?;
    store_key(path, secrets, &pending_account(path), &new)?;
    store.rekey(&DbKey::Raw(new))?;
    fault::point("rekey:file-rekeyed");
    store_key(path, secrets, &keyring_account(path), &new)?;
    let _ = secrets.delete(&pending_account(path));
    Ok(())
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
