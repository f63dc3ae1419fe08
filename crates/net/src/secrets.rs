//! Secrets in the OS keyring: feed passwords and tokens (account: the feed's uid), the CardDAV/
//! CalDAV password (`dav:<user>@<host>`), the SMTP password (`smtp:<user>@<host>:<port>`) and the
//! database key (`db-key:<database path>`, unless the user chose a passphrase).
//!
//! Secrets never go into Vernetzt's database or a log: the database is copied, synced and
//! backed up, and logs are pasted into bug reports. The keyring is the place the desktop already
//! protects with the user's login. On Linux that is the Secret Service (gnome-keyring, KWallet,
//! KeePassXC), reached over D-Bus; on Windows the Credential Manager (generic credentials named
//! `<account>.<service>`, which every Windows session has, so there is nothing to connect to).
//!
//! There is deliberately **no fallback**: when no Secret Service is reachable, every call fails
//! with [`SecretError::Unavailable`] saying so. A silent in-memory or file fallback would lose
//! the secret at exit or store it in plain text, and the user would never know why.
//!
//! The calls block (D-Bus round trips, and the keyring may show an unlock prompt); from async
//! code run them in `spawn_blocking`.

use std::sync::{Arc, Mutex, PoisonError};

use keyring_core::{CredentialStore, Entry, Error as KeyringError};

/// The keyring, as seen by one application: all entries live under one `service` name and are
/// told apart by `account` (a feed's uid, `dav:<user>@<host>`, `smtp:…`, `db-key:…`).
///
/// The connection to the Secret Service is made on first use and kept; if it fails, the next
/// call tries again, so unlocking or starting the keyring later helps without restarting the app.
pub struct Secrets {
    service: String,
    store: Mutex<Option<Arc<CredentialStore>>>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

/// Why a secret could not be stored, read or deleted. Messages are plain-words English sentences
/// that say what to do; they name the account but never contain a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// No Secret Service answers (no D-Bus session, or no keyring daemon on it).
    #[error(
        "No keyring (Secret Service) is available ({detail}): install and unlock gnome-keyring \
         or KWallet, then try again. Vernetzt does not store passwords anywhere else."
    )]
    Unavailable {
        /// What the connection attempt reported.
        detail: String,
    },
    /// The keyring is there but locked, or the user dismissed the unlock prompt.
    #[error(
        "The keyring is locked or refused access to the secret for {account} ({detail}); unlock \
         it (for example by logging in again or in your password manager) and try again."
    )]
    Locked {
        /// The account asked for.
        account: String,
        /// What the keyring reported.
        detail: String,
    },
    /// The account name or the secret cannot be stored (empty, too long, not text).
    #[error("The secret for \"{account}\" cannot be kept in the keyring: {detail}.")]
    Invalid {
        /// The account asked for.
        account: String,
        /// What is wrong.
        detail: String,
    },
    /// Any other failure of the keyring.
    #[error(
        "The keyring failed while handling the secret for {account} ({detail}); try again, and \
         restart the keyring (or log in again) if it keeps failing."
    )]
    Failed {
        /// The account asked for.
        account: String,
        /// What the keyring reported.
        detail: String,
    },
}

impl SecretError {
    /// A stable key for the UI (`unavailable`, `locked`, `invalid`, `failed`), independent of the
    /// English wording.
    pub fn kind(&self) -> &'static str {
        match self {
            SecretError::Unavailable { .. } => "unavailable",
            SecretError::Locked { .. } => "locked",
            SecretError::Invalid { .. } => "invalid",
            SecretError::Failed { .. } => "failed",
        }
    }
}

impl Secrets {
    /// The keyring under one service name: `Secrets::new("vernetzt")` in the app; tests use
    /// their own name so they never touch real entries.
    pub fn new(service: &str) -> Secrets {
        Secrets {
            service: service.to_owned(),
            store: Mutex::new(None),
        }
    }

    /// The service name the entries are stored under (what a user sees in their password
    /// manager).
    pub fn service(&self) -> &str {
        &self.service
    }

    /// Connects to the Secret Service now, so the app can tell the user at start (or in
    /// settings) that the keyring is missing, before they type a password.
    pub fn check_available(&self) -> Result<(), SecretError> {
        self.store().map(|_| ())
    }

    /// Stores `secret` for `account`, replacing any earlier one.
    pub fn set(&self, account: &str, secret: &str) -> Result<(), SecretError> {
        if secret.is_empty() {
            return Err(SecretError::Invalid {
                account: account.to_owned(),
                detail: "an empty secret cannot be stored; delete the entry instead".to_owned(),
            });
        }
        let entry = self.entry(account)?;
        entry
            .set_password(secret)
            .map_err(|err| map_error(account, err))
    }

    /// The secret for `account`, or `None` if none is stored.
    pub fn get(&self, account: &str) -> Result<Option<String>, SecretError> {
        let entry = self.entry(account)?;
        match entry.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(err) => Err(map_error(account, err)),
        }
    }

    /// Deletes the secret for `account`. Deleting one that is not there succeeds: the caller
    /// wants it gone (for example when removing a feed) and it is.
    pub fn delete(&self, account: &str) -> Result<(), SecretError> {
        let entry = self.entry(account)?;
        match entry.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
            Err(err) => Err(map_error(account, err)),
        }
    }

    fn entry(&self, account: &str) -> Result<Entry, SecretError> {
        if account.trim().is_empty() {
            return Err(SecretError::Invalid {
                account: account.to_owned(),
                detail: "the account name is empty".to_owned(),
            });
        }
        let store = self.store()?;
        store
            .build(&self.service, account, None)
            .map_err(|err| map_error(account, err))
    }

    fn store(&self) -> Result<Arc<CredentialStore>, SecretError> {
        let mut slot = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(store) = slot.as_ref() {
            return Ok(store.clone());
        }
        let store = connect()?;
        *slot = Some(store.clone());
        Ok(store)
    }
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn connect() -> Result<Arc<CredentialStore>, SecretError> {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none()
        && std::env::var_os("XDG_RUNTIME_DIR").is_none()
    {
        return Err(SecretError::Unavailable {
            detail: "there is no D-Bus session; DBUS_SESSION_BUS_ADDRESS is not set".to_owned(),
        });
    }
    // One more try after a short pause: a Secret Service that is just starting (at login) or
    // busy can drop a call ("NoReply", seen once in CI while two processes used the keyring);
    // a missing or broken one fails the same way twice and is reported.
    let mut tries = 0;
    loop {
        match zbus_secret_service_keyring_store::Store::new() {
            Ok(store) => return Ok(store),
            Err(err) if tries == 0 && matches!(err, KeyringError::PlatformFailure(_)) => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(250));
            }
            Err(err) => {
                return Err(SecretError::Unavailable {
                    detail: platform_detail(&err),
                });
            }
        }
    }
}

/// Windows: the Credential Manager, through keyring-core's store for it. The store refuses a
/// service name containing its divider `.`, so `<account>.<service>` names one entry only (an
/// account may hold dots, e.g. a host name; the service never does).
#[cfg(windows)]
fn connect() -> Result<Arc<CredentialStore>, SecretError> {
    let config = std::collections::HashMap::from([("service_no_divider", "true")]);
    match windows_native_keyring_store::Store::new_with_configuration(&config) {
        Ok(store) => Ok(store),
        Err(err) => Err(SecretError::Unavailable {
            detail: platform_detail(&err),
        }),
    }
}

#[cfg(not(any(
    windows,
    all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    )
)))]
fn connect() -> Result<Arc<CredentialStore>, SecretError> {
    Err(SecretError::Unavailable {
        detail: "this build supports only the Secret Service (Linux and BSD desktops) and the \
                 Windows Credential Manager"
            .to_owned(),
    })
}

/// The keyring's own error text, without anything that could hold secret bytes.
fn platform_detail(err: &KeyringError) -> String {
    match err {
        KeyringError::PlatformFailure(inner) | KeyringError::NoStorageAccess(inner) => {
            inner.to_string()
        }
        // These carry the stored bytes; never print them.
        KeyringError::BadEncoding(_) => "the stored secret is not text".to_owned(),
        KeyringError::BadDataFormat(_, _) => "the stored secret is damaged".to_owned(),
        other => other.to_string(),
    }
}

fn map_error(account: &str, err: KeyringError) -> SecretError {
    let account = account.to_owned();
    let detail = platform_detail(&err);
    match err {
        KeyringError::NoStorageAccess(_) => SecretError::Locked { account, detail },
        KeyringError::Invalid(param, reason) => SecretError::Invalid {
            account,
            detail: format!("{param} {reason}"),
        },
        KeyringError::TooLong(param, limit) => SecretError::Invalid {
            account,
            detail: format!("the {param} is longer than the keyring's limit of {limit}"),
        },
        KeyringError::BadEncoding(_) | KeyringError::BadDataFormat(_, _) => {
            SecretError::Invalid { account, detail }
        }
        KeyringError::NoDefaultStore => SecretError::Unavailable { detail },
        _ => SecretError::Failed { account, detail },
    }
}
