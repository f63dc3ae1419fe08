//! Two-way sync of contacts (and own events) with the user's CardDAV/CalDAV server (Nextcloud,
//! openDesk, SabreDAV, Radicale): discovery per RFC 6764, a change check, pull with
//! sync-collection (RFC 6578) or an ETag listing, changed members fetched in batches (multiget),
//! and push from the change journal with `If-None-Match: *` / `If-Match`.
//!
//! The seam: the server is a [`Remote`] (the real one, [`DavClient`], sends libdav's requests
//! over reqwest; [`fake::FakeRemote`] is scripted by tests), and what each of its answers means
//! is a pure rule in core ([`vernetzt_core::sync::meaning`]). The loop here only sequences
//! requests and store calls; the store is locked only for the bookkeeping between requests, and
//! merging is pure (`vernetzt_core::sync`).
//!
//! - [`client`]: the real server. [`xml`]: the two requests libdav lacks.
//! - `run`: one sync (check, then contacts), `contacts`, `events`, and `steps` (the pull's
//!   delta and the conditional writes with their answers).

mod client;
mod contacts;
mod error;
mod events;
pub mod fake;
mod remote;
mod run;
mod steps;
mod xml;

pub use client::{DavClient, EXTRA_CA_ENV};
pub use error::{DavError, DavErrorKind, status_error};
pub use remote::{Delta, Fetched, Found, Remote, Reply, Tags};
pub use run::sync;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use url::Url;
use vernetzt_core::Store;
use vernetzt_core::store::Account;

/// The keyring account of the sync password: `dav:USER@HOST:PORT`.
pub fn secret_account(url: &str, user: &str) -> String {
    let host = Url::parse(url.trim())
        .ok()
        .and_then(|u| {
            u.host_str()
                .map(|h| format!("{h}:{}", u.port_or_known_default().unwrap_or(0)))
        })
        .unwrap_or_else(|| url.trim().to_string());
    format!("dav:{user}@{host}")
}

/// Finds the user's address book (and calendar) from the plain server address: RFC 6764
/// well-known URL, current-user-principal, addressbook-home-set; creates an address book named
/// "Vernetzt" when the user has none. With `with_calendar` false the calendar is not looked
/// for: a server without CalDAV, or a user who keeps own events out of the groupware, gets a
/// contacts-only account that never asks the calendar anything.
pub async fn discover(
    url: &str,
    user: &str,
    password: &str,
    with_calendar: bool,
) -> Result<Account, DavError> {
    let found = DavClient::new(url, user, password)?
        .discover(with_calendar)
        .await?;
    Ok(Account {
        url: url.trim().to_string(),
        user: user.to_string(),
        addressbook: found.addressbook,
        calendar: found.calendar,
    })
}

/// What one sync run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    /// Cards created or updated on the server.
    pub pushed: usize,
    /// Cards deleted on the server.
    pub deleted: usize,
    /// Cards fetched from the server and applied here.
    pub pulled: usize,
    /// Contacts deleted here because they were deleted there.
    pub removed_here: usize,
    /// New conflicts.
    pub conflicts: usize,
    /// HTTP requests made.
    pub requests: usize,
    /// How the changes were found: `sync-collection`, `listing` or `none`.
    pub pull_method: String,
    /// Cards the server holds that could not be read (left alone).
    pub unreadable: Vec<String>,
    /// Contacts the server refused (400, 409, 413, 422): named with the reason, left queued,
    /// the rest of the run goes on.
    pub refused: Vec<String>,
}

/// Runs a sync for the stored account and records the outcome (success, or the error with the
/// time before which no automatic run starts). `force` (the user asked, or the CLI) ignores the
/// schedule; otherwise it runs only when [`vernetzt_core::sync::due`] says so (changes pending,
/// or the last pull older than `every`). `Ok(None)`: no account, or nothing due.
pub async fn sync_account(
    store: &Mutex<Store>,
    secrets: &crate::Secrets,
    now: DateTime<Utc>,
    force: bool,
    every: chrono::Duration,
    progress: &mut (dyn FnMut(&str, usize, usize) + Send),
) -> Result<Option<SyncReport>, DavError> {
    let (account, status) = {
        let s = run::lock(store);
        (s.dav_account()?, s.sync_status()?)
    };
    let Some(account) = account else {
        return Ok(None);
    };
    let parse = |v: &Option<String>| {
        v.as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc))
    };
    if !force
        && !vernetzt_core::sync::due(
            now,
            status.pending,
            parse(&status.last_sync),
            parse(&status.retry_at),
            every,
        )
    {
        return Ok(None);
    }
    let result = async {
        let password = secrets
            .get(&secret_account(&account.url, &account.user))
            .map_err(|e| DavError::new(DavErrorKind::Keyring, e.to_string()))?
            .ok_or_else(|| {
                DavError::new(
                    DavErrorKind::Keyring,
                    "the sync password is not in the keyring; enter it again in the settings",
                )
            })?;
        let client = DavClient::new(&account.url, &account.user, &password)?;
        sync(store, &client, &account, now, progress).await
    }
    .await;
    match result {
        Ok(r) => Ok(Some(r)),
        Err(e) => {
            let at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
            let retry = vernetzt_core::sync::backoff(now, status.failures + 1, e.retry_after)
                .to_rfc3339_opts(SecondsFormat::Secs, true);
            run::lock(store).record_sync(Some(&e.message), &at, Some(&retry))?;
            Err(e)
        }
    }
}

/// Sets up the account: discovery with the password, the password into the keyring, the
/// account into the store.
pub async fn add_account(
    store: &Mutex<Store>,
    secrets: &crate::Secrets,
    url: &str,
    user: &str,
    password: &str,
    addressbook: Option<&str>,
    with_calendar: bool,
) -> Result<Account, DavError> {
    if password.is_empty() {
        return Err(DavError::new(
            DavErrorKind::Auth,
            "the password or app token is missing",
        ));
    }
    let mut acc = discover(url, user, password, with_calendar).await?;
    if let Some(b) = addressbook.filter(|b| !b.trim().is_empty()) {
        acc.addressbook = b.trim().to_string();
    }
    secrets
        .set(&secret_account(url, user), password)
        .map_err(|e| DavError::new(DavErrorKind::Keyring, e.to_string()))?;
    run::lock(store).set_dav_account(&acc)?;
    Ok(acc)
}
