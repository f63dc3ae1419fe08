//! The address book's part of a run: pull what changed there (merged three-way in the store),
//! then push the change journal, one conditional write per contact.

use super::run::{Checked, lock, pushed};
use super::steps::{Deleted, Put, delete_object, delta_since, href_for, put_object, to_fetch};
use super::{DavError, Delta, Remote, SyncReport};
use std::sync::Mutex;
use vernetzt_core::Store;
use vernetzt_core::store::{Collection, PullOutcome, RemoteDelete};
use vernetzt_core::sync::{ErrorKind, Listed, Meaning, PushOp, plan_push};

/// Pulls the address book: the delta (none when the check showed it unchanged), the changed
/// cards fetched and applied, the deletions applied; then keeps what was learnt.
pub(super) async fn pull<R: Remote>(
    store: &Mutex<Store>,
    remote: &R,
    book: &str,
    checked: &Checked,
    report: &mut SyncReport,
    progress: &mut (dyn FnMut(&str, usize, usize) + Send),
) -> Result<(), DavError> {
    let delta = if checked.unchanged {
        report.pull_method = "none".into();
        Delta::default()
    } else {
        let d = delta_since(
            remote,
            book,
            "the address book",
            &checked.kept.sync_token,
            checked.kept.listing,
            || {
                Ok(lock(store)
                    .dav_items()?
                    .into_iter()
                    .map(|i| i.href)
                    .collect())
            },
            report,
        )
        .await?;
        report.pull_method = if d.listed == Listed::No {
            "sync-collection"
        } else {
            "listing"
        }
        .into();
        d
    };
    // Only what differs from what we hold (our own pushes come back in the delta).
    let known = if delta.changed.is_empty() {
        Default::default()
    } else {
        lock(store).dav_etags_of(delta.changed.iter().map(|(h, _)| h.as_str()))?
    };
    // In batches (issue 15): one multiget each, stored in one transaction, then progress. A
    // run killed in the middle keeps the batches it stored; the next fetches only the rest.
    let batches = to_fetch(&delta, &known);
    let total: usize = batches.iter().map(Vec::len).sum();
    let mut done = 0;
    for chunk in &batches {
        report.requests += 1;
        let got = remote
            .multiget(
                book,
                Collection::Contacts,
                chunk,
                "fetching changed contacts",
            )
            .await?;
        let cards: Vec<(String, Option<String>, String)> = got
            .into_iter()
            .map(|f| (f.href, Some(f.etag), f.data))
            .collect();
        let outcomes = lock(store).apply_remote_batch(&cards)?;
        for outcome in outcomes {
            match outcome {
                PullOutcome::Unreadable(why) => report.unreadable.push(why),
                PullOutcome::Merged { conflicts } => {
                    report.pulled += 1;
                    report.conflicts += conflicts;
                }
                // An erased contact's card: not stored, deleted there again by the push.
                PullOutcome::Unchanged | PullOutcome::Erased => {}
                _ => report.pulled += 1,
            }
        }
        done += chunk.len();
        progress("pull", done.min(total), total);
    }
    for href in &delta.deleted {
        if lock(store).apply_remote_delete(href)? == RemoteDelete::Deleted {
            report.removed_here += 1;
        }
    }
    checked.pulled(store, Collection::Contacts, &delta)
}

/// Pushes the journal's contact changes. A card the server refuses (400, 409, 413, 422) is
/// named in the report and stays queued while the rest goes on; a deletion that meets an edit
/// there gives way and the edit is fetched back.
pub(super) async fn push<R: Remote>(
    store: &Mutex<Store>,
    remote: &R,
    book: &str,
    at: &str,
    report: &mut SyncReport,
    progress: &mut (dyn FnMut(&str, usize, usize) + Send),
) -> Result<(), DavError> {
    let (changes, max) = lock(store).sync_changes()?;
    let ops = plan_push(&changes);
    let total = ops.len();
    let mut done: Vec<String> = changes
        .iter()
        .filter(|c| (!c.live || c.erased) && !c.on_server)
        .map(|c| c.contact_uid.clone())
        .collect();
    for (n, op) in ops.iter().enumerate() {
        match op {
            PushOp::Put(uid) => {
                // Each confirmed push leaves the queue at once, so a run that fails later does
                // not send it again.
                match push_card(store, remote, book, uid, report).await {
                    Ok(true) => {
                        lock(store).mark_synced(max, std::slice::from_ref(uid), at)?;
                    }
                    Ok(false) => {}
                    // One card the server will not take must not stop every other change.
                    Err(e) if e.kind == ErrorKind::Rejected => {
                        let name = lock(store)
                            .contact_name_by_uid(uid)?
                            .unwrap_or_else(|| uid.clone());
                        report.refused.push(format!("{name}: {}", e.message));
                    }
                    Err(e) => return Err(e),
                }
            }
            PushOp::Erase(uid) => {
                if erase_card(store, remote, uid, report).await? {
                    done.push(uid.clone());
                }
            }
            PushOp::Delete(uid) => {
                let item = lock(store).dav_item(uid)?;
                if let Some(item) = item {
                    let deleted = delete_object(
                        remote,
                        &item.href,
                        item.etag.as_deref(),
                        "a contact",
                        report,
                    )
                    .await?;
                    match deleted {
                        Deleted::Done => report.deleted += 1,
                        Deleted::AlreadyGone => {}
                        Deleted::ChangedThere => {
                            // Changed there, deleted here: the edit wins; fetch it back.
                            report.requests += 1;
                            let got = remote
                                .multiget(
                                    book,
                                    Collection::Contacts,
                                    std::slice::from_ref(&item.href),
                                    "fetching a changed contact",
                                )
                                .await?;
                            let mut s = lock(store);
                            for f in got {
                                s.apply_remote(&f.href, Some(&f.etag), &f.data)?;
                                report.pulled += 1;
                            }
                            done.push(uid.clone());
                            continue;
                        }
                    }
                    lock(store).forget_item(uid)?;
                }
                done.push(uid.clone());
            }
        }
        progress("push", n + 1, total);
    }
    lock(store).mark_synced(max, &done, at)?;
    if report.pushed > 0 || report.deleted > 0 {
        pushed(store, Collection::Contacts)?;
    }
    Ok(())
}

/// Deletes the card of an erased contact (GDPR Art. 17). A 412 (changed there since our
/// version) does not bring the person back: the new ETag is read and the DELETE sent again. Two
/// 412s in a row (someone keeps editing it) leave the deletion queued for the next sync, whose
/// pull meets the card again and keeps its newest ETag. Returns whether it is gone there.
async fn erase_card<R: Remote>(
    store: &Mutex<Store>,
    remote: &R,
    uid: &str,
    report: &mut SyncReport,
) -> Result<bool, DavError> {
    let Some(item) = lock(store).dav_item(uid)? else {
        return Ok(true);
    };
    let mut etag = item.etag;
    for attempt in 0..2 {
        let deleted =
            delete_object(remote, &item.href, etag.as_deref(), "a contact", report).await?;
        match deleted {
            Deleted::Done | Deleted::AlreadyGone => {
                if deleted == Deleted::Done {
                    report.deleted += 1;
                }
                lock(store).forget_item(uid)?;
                return Ok(true);
            }
            Deleted::ChangedThere if attempt == 0 => {
                report.requests += 1;
                etag = remote.etag(&item.href, "a contact").await.ok();
            }
            Deleted::ChangedThere => {}
        }
    }
    Ok(false)
}

/// Creates or updates one card; on 412 merges with the server's version (where the server
/// keeps it, when it holds the UID under another name) and tries once more, on 415 sends vCard
/// 3.0 from now on. Returns whether the server confirmed it.
async fn push_card<R: Remote>(
    store: &Mutex<Store>,
    remote: &R,
    book: &str,
    uid: &str,
    report: &mut SyncReport,
) -> Result<bool, DavError> {
    for attempt in 0..2 {
        let (card, item) = {
            let s = lock(store);
            (s.card_for_push(uid)?, s.dav_item(uid)?)
        };
        let Some(card) = card else { return Ok(true) };
        let card = if lock(store).dav_vcard_v3()? {
            lock(store)
                .card_for_push_as(uid, vernetzt_core::vcard::Version::V3)?
                .unwrap_or(card)
        } else {
            card
        };
        let href = item
            .as_ref()
            .map(|i| i.href.clone())
            .unwrap_or_else(|| href_for(book, uid, "vcf"));
        let etag = item.as_ref().and_then(|i| i.etag.as_deref());
        let put = put_object(
            remote,
            &href,
            &card,
            Collection::Contacts,
            etag,
            "a contact",
            report,
        )
        .await?;
        match put {
            Put::Stored(etag) => {
                lock(store).record_item(uid, &href, etag.as_deref(), &card)?;
                report.pushed += 1;
                return Ok(true);
            }
            Put::Again(Meaning::FormatRefused, _) if attempt == 0 => {
                // A server that takes only vCard 3.0: remember it and send 3.0 from now on.
                lock(store).set_dav_vcard_v3()?;
            }
            Put::Again(m @ (Meaning::ChangedThere | Meaning::UidElsewhere(_)), _)
                if attempt == 0 =>
            {
                // Changed (or, after a crash, already created) on the server, or put there by
                // another client under another name: merge and retry (the card's item now
                // names where the server keeps it, so the retry writes there).
                let from = match m {
                    Meaning::UidElsewhere(there) => there,
                    _ => href,
                };
                report.requests += 1;
                let got = remote
                    .multiget(
                        book,
                        Collection::Contacts,
                        std::slice::from_ref(&from),
                        "fetching a changed contact",
                    )
                    .await?;
                let mut s = lock(store);
                for f in got {
                    if let PullOutcome::Merged { conflicts } =
                        s.apply_remote(&f.href, Some(&f.etag), &f.data)?
                    {
                        report.conflicts += conflicts;
                    }
                }
            }
            Put::Again(_, e) => return Err(e),
        }
    }
    Ok(false)
}
