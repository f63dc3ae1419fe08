//! The store's side of the CardDAV/CalDAV sync, its state: the account, how the last runs went
//! (`dav_sync`, one row) and what the change check compares with per collection
//! (`dav_collections`). Kept in tables of their own since migration 0006, not in settings keys.
//! What the server holds of each record is in `dav_items.rs`, applying a server's card in
//! `dav_apply.rs`, conflicts in `dav_conflicts.rs`. No network here.

use super::{Store, exec, tuple};
use crate::error::Result;
use crate::sync::{self, CollectionState};
use rusqlite::params;
use serde::{Deserialize, Serialize};

/// The sync account as stored (never the password: that is in the keyring).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The server address the user gave.
    pub url: String,
    /// User name.
    pub user: String,
    /// The address book's URL (found by discovery or chosen).
    pub addressbook: String,
    /// The calendar's URL, if one was found or chosen.
    pub calendar: Option<String>,
}

/// What the status line shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// Whether an account is set up.
    pub configured: bool,
    /// Changes not yet on the server.
    pub pending: usize,
    /// Last successful sync (RFC 3339).
    pub last_sync: Option<String>,
    /// Last error, in plain words (cleared by a successful sync).
    pub last_error: Option<String>,
    /// Open conflicts.
    pub conflicts: usize,
    /// Not before this time (RFC 3339): the server asked us to wait (Retry-After), or the
    /// backoff after failures in a row.
    pub retry_at: Option<String>,
    /// Failed runs in a row (0 after a success).
    pub failures: u32,
}

/// A collection the sync keeps state for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    /// The address book (contacts).
    Contacts,
    /// The calendar (own events).
    Events,
}

impl Collection {
    fn as_str(self) -> &'static str {
        match self {
            Collection::Contacts => "contacts",
            Collection::Events => "events",
        }
    }
}

impl Store {
    /// The account, if set up.
    pub fn dav_account(&self) -> Result<Option<Account>> {
        let sql = "SELECT url, user, addressbook, calendar FROM dav_sync WHERE id = 1";
        type Text = Option<String>;
        let row: (Text, Text, Text, Text) = self.conn.query_row(sql, [], tuple)?;
        Ok(match row {
            (Some(url), Some(user), Some(addressbook), cal) if !url.is_empty() => Some(Account {
                url,
                user,
                addressbook,
                calendar: cal.filter(|c| !c.is_empty()),
            }),
            _ => None,
        })
    }

    /// Stores the account. A different address book starts over: what was synced with the old
    /// one says nothing about the new one, so every contact is pushed again.
    pub fn set_dav_account(&mut self, a: &Account) -> Result<()> {
        let old = self.dav_account()?;
        let (tx, t) = self.begin()?;
        if old.as_ref().map(|o| &o.addressbook) != Some(&a.addressbook) {
            exec(&tx, "DELETE FROM dav_items", [])?;
            exec(
                &tx,
                "UPDATE dav_collections SET sync_token = '', ctag = '', token_current = 0",
                [],
            )?;
            // Everything live goes up once.
            exec(
                &tx,
                "INSERT INTO change_journal(entity, entity_uid, op, changed_at)
                 SELECT 'contact', uid, 'upsert', ?1 FROM contacts WHERE deleted_at IS NULL
                 ORDER BY id",
                [&t],
            )?;
        }
        // A server found to lack sync-collection is asked again once the account is set anew
        // (it may have been upgraded, or the refusal was a passing fault).
        exec(&tx, "UPDATE dav_collections SET listing = 0", [])?;
        exec(
            &tx,
            "UPDATE dav_sync SET url = ?1, user = ?2, addressbook = ?3, calendar = ?4 WHERE id = 1",
            params![
                a.url,
                a.user,
                a.addressbook,
                a.calendar.as_deref().unwrap_or("")
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Pending changes, open conflicts, last sync and error. Without an account nothing waits
    /// for a server: `pending` is 0 and the journal is not walked (the status line polls this
    /// every few seconds, and the walk grows with every contact a never-synced database holds).
    pub fn sync_status(&self) -> Result<SyncStatus> {
        let configured = self.dav_account()?.is_some();
        let pending = match configured {
            true => sync::plan_push(&self.sync_changes()?.0).len(),
            false => 0,
        };
        let conflicts: i64 = self.conn.query_row(
            "SELECT count(*) FROM sync_conflicts WHERE resolved_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        let sql = "SELECT last_sync, last_error, retry_at, failures FROM dav_sync WHERE id = 1";
        type Text = Option<String>;
        let (last_sync, last_error, retry_at, failures): (Text, Text, Text, u32) =
            self.conn.query_row(sql, [], tuple)?;
        let some = |v: Option<String>| v.filter(|s| !s.is_empty());
        Ok(SyncStatus {
            configured,
            pending,
            last_sync: some(last_sync),
            last_error: some(last_error),
            conflicts: conflicts as usize,
            retry_at: some(retry_at),
            failures,
        })
    }

    /// Records the end of a sync run: success (`error` None) or the error in plain words with
    /// the time before which the next automatic run should not start (`retry_at`, from the
    /// server's Retry-After or [`crate::sync::backoff`]).
    pub fn record_sync(
        &mut self,
        error: Option<&str>,
        at: &str,
        retry_at: Option<&str>,
    ) -> Result<()> {
        match error {
            None => exec(
                &self.conn,
                "UPDATE dav_sync SET last_sync = ?1, last_error = NULL, failures = 0,
                     retry_at = NULL WHERE id = 1",
                [at],
            )?,
            Some(e) => exec(
                &self.conn,
                "UPDATE dav_sync SET failures = failures + 1, retry_at = ?1, last_error = ?2
                 WHERE id = 1",
                params![retry_at, e],
            )?,
        };
        Ok(())
    }

    /// What the last run kept for a collection.
    pub fn dav_collection_state(&self, c: Collection) -> Result<CollectionState> {
        Ok(self.conn.query_row(
            "SELECT sync_token, ctag, token_current, listing FROM dav_collections
             WHERE collection = ?1",
            [c.as_str()],
            |r| read_row!(r => CollectionState { sync_token, ctag, token_current, listing }),
        )?)
    }

    /// Keeps what a run learnt of a collection for the next run.
    pub fn set_dav_collection_state(&mut self, c: Collection, s: &CollectionState) -> Result<()> {
        exec(
            &self.conn,
            "UPDATE dav_collections SET sync_token = ?2, ctag = ?3, token_current = ?4,
                 listing = ?5 WHERE collection = ?1",
            params![c.as_str(), s.sync_token, s.ctag, s.token_current, s.listing],
        )?;
        Ok(())
    }

    /// Whether cards go up as vCard 3.0: the server refused 4.0 once (415).
    pub fn dav_vcard_v3(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT vcard_version = '3.0' FROM dav_sync WHERE id = 1",
            [],
            |r| r.get(0),
        )?)
    }

    /// Remembers that the server takes only vCard 3.0.
    pub fn set_dav_vcard_v3(&mut self) -> Result<()> {
        exec(
            &self.conn,
            "UPDATE dav_sync SET vcard_version = '3.0' WHERE id = 1",
            [],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without an account the status does not walk the journal (it grows with every contact and
    /// is polled every few seconds): nothing is pending; with one, the same changes are.
    #[test]
    fn nothing_is_pending_without_an_account() {
        let mut s = Store::open_in_memory().unwrap();
        let input = crate::model::ContactInput {
            display_name: Some("Anna Amt".into()),
            ..Default::default()
        };
        s.create_contact(&input, None).unwrap();
        let st = s.sync_status().unwrap();
        assert_eq!((st.configured, st.pending), (false, 0));
        s.set_dav_account(&Account {
            url: "https://dav.example.org/".into(),
            user: "anna".into(),
            addressbook: "/dav/anna/book/".into(),
            calendar: None,
        })
        .unwrap();
        let st = s.sync_status().unwrap();
        assert_eq!((st.configured, st.pending), (true, 1));
    }

    /// A database from before migration 0006, its sync state in settings keys, keeps that state
    /// once upgraded: the next sync carries on where the last one stopped.
    #[test]
    fn the_sync_state_moves_out_of_the_settings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v5.db");
        {
            let mut conn = rusqlite::Connection::open(&path).unwrap();
            super::super::migrations().to_version(&mut conn, 5).unwrap();
            let old = [
                ("dav_url", "https://dav.example.org/"),
                ("dav_user", "anna"),
                ("dav_addressbook", "/dav/anna/book/"),
                ("dav_calendar", "/dav/anna/cal/"),
                ("dav_vcard_version", "3.0"),
                ("dav_last_sync", "2026-07-01T12:00:00Z"),
                (
                    "dav_last_error",
                    "the server is busy (503); trying again later",
                ),
                ("dav_retry_at", "2026-07-01T12:02:00Z"),
                ("dav_failures", "2"),
                ("dav_sync_token", "http://radicale.org/ns/sync/abc"),
                ("dav_ctag", "\"c1\""),
                ("dav_token_current", "1"),
                ("dav_listing", ""),
                ("dav_cal_sync_token", ""),
                ("dav_cal_ctag", "\"c2\""),
                ("dav_cal_token_current", ""),
                ("dav_cal_listing", "1"),
                ("language", "de"),
            ];
            for (k, v) in old {
                conn.execute("INSERT INTO settings(key, value) VALUES (?1, ?2)", [k, v])
                    .unwrap();
            }
        }
        let s = Store::open(&path).unwrap();
        assert_eq!(
            s.dav_account().unwrap(),
            Some(Account {
                url: "https://dav.example.org/".into(),
                user: "anna".into(),
                addressbook: "/dav/anna/book/".into(),
                calendar: Some("/dav/anna/cal/".into()),
            })
        );
        assert!(s.dav_vcard_v3().unwrap());
        let st = s.sync_status().unwrap();
        assert_eq!(st.last_sync.as_deref(), Some("2026-07-01T12:00:00Z"));
        assert!(st.last_error.unwrap().contains("503"));
        assert_eq!(st.retry_at.as_deref(), Some("2026-07-01T12:02:00Z"));
        assert_eq!(st.failures, 2);
        assert_eq!(
            s.dav_collection_state(Collection::Contacts).unwrap(),
            CollectionState {
                sync_token: "http://radicale.org/ns/sync/abc".into(),
                ctag: "\"c1\"".into(),
                token_current: true,
                listing: false,
            }
        );
        assert_eq!(
            s.dav_collection_state(Collection::Events).unwrap(),
            CollectionState {
                sync_token: String::new(),
                ctag: "\"c2\"".into(),
                token_current: false,
                listing: true,
            }
        );
        assert_eq!(s.setting("dav_url").unwrap(), None, "the old keys are gone");
        assert_eq!(s.setting("dav_cal_listing").unwrap(), None);
        assert_eq!(s.setting("language").unwrap().as_deref(), Some("de"));
    }

    /// A database that never had an account: no account, nothing kept, nothing failed.
    #[test]
    fn a_fresh_database_has_no_account_and_an_empty_state() {
        let mut s = Store::open_in_memory().unwrap();
        assert_eq!(s.dav_account().unwrap(), None);
        assert!(!s.dav_vcard_v3().unwrap());
        assert_eq!(s.sync_status().unwrap().failures, 0);
        assert_eq!(
            s.dav_collection_state(Collection::Contacts).unwrap(),
            CollectionState::default()
        );
        s.record_sync(
            Some("down"),
            "2026-07-01T12:00:00Z",
            Some("2026-07-01T12:01:00Z"),
        )
        .unwrap();
        s.record_sync(Some("down"), "2026-07-01T12:01:00Z", None)
            .unwrap();
        let st = s.sync_status().unwrap();
        assert_eq!((st.failures, st.retry_at), (2, None));
        s.record_sync(None, "2026-07-01T12:05:00Z", None).unwrap();
        let st = s.sync_status().unwrap();
        assert_eq!((st.failures, st.last_error), (0, None));
    }
}
