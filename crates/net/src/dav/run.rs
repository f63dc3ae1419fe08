//! One sync run: the change check, then the address book (pull, push), then the calendar, then
//! the outcome recorded. Generic over the [`Remote`], so the fake server runs the same loop.

use super::xml::{normalise_collection, parent_collection};
use super::{DavError, Remote, SyncReport, Tags, contacts, events};
use chrono::{DateTime, SecondsFormat, Utc};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use vernetzt_core::Store;
use vernetzt_core::store::{Account, Collection};
use vernetzt_core::sync::{CollectionState, check_first, check_wants_token};

/// The store, locked for one step's bookkeeping (a poisoned lock is taken over: the store is
/// consistent after every step).
pub(super) fn lock(store: &Mutex<Store>) -> MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(|p| p.into_inner())
}

/// What the change check found for one collection: what was kept for it, whether it is
/// unchanged, and what the check read (its CTag becomes the next baseline).
pub(super) struct Checked {
    pub(super) kept: CollectionState,
    pub(super) unchanged: bool,
    pub(super) seen: Option<Tags>,
}

impl Checked {
    /// Keeps what the pull (or the check that spared it) learnt.
    pub(super) fn pulled(
        &self,
        store: &Mutex<Store>,
        collection: Collection,
        delta: &super::Delta,
    ) -> Result<(), DavError> {
        let mut kept = self.kept.clone();
        let seen = self.seen.as_ref();
        kept.pulled(
            self.unchanged,
            seen.and_then(|t| t.ctag.as_deref()),
            delta.token.as_deref(),
            delta.listed,
        );
        lock(store).set_dav_collection_state(collection, &kept)?;
        Ok(())
    }
}

/// Our own pushes moved the collection's CTag and token: neither says "unchanged" any more.
pub(super) fn pushed(store: &Mutex<Store>, collection: Collection) -> Result<(), DavError> {
    let mut s = lock(store);
    let mut kept = s.dav_collection_state(collection)?;
    kept.pushed();
    s.set_dav_collection_state(collection, &kept)?;
    Ok(())
}

/// One sync run: pull (sync-collection, else a listing), then push the journal. The store is
/// consistent after every step, and the journal is marked synced only for pushes the server
/// confirmed, so a run that fails or is killed half way loses nothing and repeats nothing.
pub async fn sync<R: Remote>(
    store: &Mutex<Store>,
    remote: &R,
    account: &Account,
    now: DateTime<Utc>,
    progress: &mut (dyn FnMut(&str, usize, usize) + Send),
) -> Result<SyncReport, DavError> {
    let mut report = SyncReport::default();
    let book = account.addressbook.as_str();
    // An erasure interrupted after it was recorded is carried out before anything is pulled
    // or pushed, so nothing of the person goes up (GDPR Art. 17).
    lock(store).finish_erasures()?;

    // Has anything changed on the server at all? One PROPFIND on the home answers for the
    // address book and the calendar together (when they share a home, as they usually do), so
    // a sync with nothing to do is one request. It is made only where it can spare a pull
    // (`sync::check_first`).
    let (kb, kc, states) = {
        let s = lock(store);
        let kb = s.dav_collection_state(Collection::Contacts)?;
        let kc = s.dav_collection_state(Collection::Events)?;
        let mut states = vec![kb.check_state(!s.sync_changes()?.0.is_empty())];
        if account.calendar.is_some() {
            states.push(kc.check_state(!s.sync_event_changes()?.is_empty()));
        }
        (kb, kc, states)
    };
    let home = parent_collection(book);
    let same_home = account
        .calendar
        .as_deref()
        .is_none_or(|c| parent_collection(c) == home);
    let mut seen: HashMap<String, Tags> = HashMap::new();
    if same_home && check_first(&states) {
        report.requests += 1;
        if let Ok(tags) = remote.check(&home, check_wants_token(&states)).await {
            seen = tags;
        }
    }
    let checked = |kept: CollectionState, href: &str| {
        let tags = seen.get(&normalise_collection(href)).cloned();
        let unchanged = kept.unchanged(
            tags.as_ref().and_then(|t| t.ctag.as_deref()),
            tags.as_ref().and_then(|t| t.token.as_deref()),
        );
        Checked {
            kept,
            unchanged,
            seen: tags,
        }
    };
    let book_checked = checked(kb, book);
    let cal_checked = account.calendar.as_deref().map(|c| checked(kc, c));

    contacts::pull(store, remote, book, &book_checked, &mut report, progress).await?;
    let at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    contacts::push(store, remote, book, &at, &mut report, progress).await?;
    if let (Some(cal), Some(checked)) = (&account.calendar, cal_checked) {
        events::sync_events(store, remote, cal, now, checked, &mut report).await?;
    }
    if report.refused.is_empty() {
        lock(store).record_sync(None, &at, None)?;
    } else {
        let msg = format!(
            "{} contacts were refused by the server and stay queued: {}",
            report.refused.len(),
            report.refused.join("; ")
        );
        lock(store).record_sync(Some(&msg), &at, None)?;
    }
    Ok(report)
}
