//! The calendar's part of a run: own events and their invitees. Pull what changed there, push
//! what changed here; same shape as the contacts, with "a pending local edit wins" instead of a
//! field merge (an event has one organiser: this device).

use super::run::{Checked, lock, pushed};
use super::steps::{Deleted, Put, delete_object, delta_since, href_for, put_object, to_fetch};
use super::{DavError, Delta, Remote, SyncReport};
use chrono::{DateTime, SecondsFormat, Utc};
use std::sync::Mutex;
use vernetzt_core::Store;
use vernetzt_core::store::Collection;
use vernetzt_core::sync::Meaning;

/// Own events and their invitees in the calendar: pull what changed there, push what changed
/// here.
pub(super) async fn sync_events<R: Remote>(
    store: &Mutex<Store>,
    remote: &R,
    cal: &str,
    now: DateTime<Utc>,
    checked: Checked,
    report: &mut SyncReport,
) -> Result<(), DavError> {
    let delta = if checked.unchanged {
        Delta::default()
    } else {
        delta_since(
            remote,
            cal,
            "the calendar",
            &checked.kept.sync_token,
            checked.kept.listing,
            || Ok(lock(store).dav_event_etags()?.into_keys().collect()),
            report,
        )
        .await?
    };
    let known = lock(store).dav_event_etags()?;
    for chunk in &to_fetch(&delta, &known) {
        report.requests += 1;
        let got = remote
            .multiget(cal, Collection::Events, chunk, "fetching changed events")
            .await?;
        let mut s = lock(store);
        for f in got {
            if let Some(uid) = s.apply_remote_event(&f.data)? {
                s.record_event_item(&uid, &f.href, Some(&f.etag), &f.data)?;
                report.pulled += 1;
            } else if let Some(uid) = not_yet_uploaded(&s, &f.data, now)? {
                // An own event with a change not uploaded yet, which another client put into
                // the calendar under a name of its own: left as it is here (the local change
                // wins), but uploaded where the server keeps it, over that version. A second
                // object with its UID would be refused (Xandikos, Radicale, Nextcloud) or kept
                // twice (SabreDAV).
                s.record_event_item(&uid, &f.href, Some(&f.etag), &f.data)?;
            }
        }
    }
    for href in &delta.deleted {
        let uid = lock(store).dav_event_uid_at(href)?;
        if let Some(uid) = uid
            && !lock(store).apply_remote_event_delete(&uid)?
        {
            report.removed_here += 1;
        }
    }
    checked.pulled(store, Collection::Events, &delta)?;
    push_events(store, remote, cal, now, report).await
}

/// The UID of `object` when it is a live own event here that the calendar does not hold yet.
fn not_yet_uploaded(
    store: &Store,
    object: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, DavError> {
    let parsed = vernetzt_core::ical::parse::parse(object.as_bytes());
    let uid = parsed
        .roots
        .iter()
        .flat_map(|c| c.children.iter())
        .find(|c| c.name == "VEVENT")
        .and_then(|e| e.text("UID"));
    let Some(uid) = uid else { return Ok(None) };
    let own = store.dav_event_item(&uid)?.is_none() && store.event_object(&uid, now)?.is_some();
    Ok(own.then_some(uid))
}

/// Pushes the journal's own-event changes: a PUT per changed event (on 412 the local edit wins:
/// the server's version is read and overwritten), a DELETE per deleted one.
async fn push_events<R: Remote>(
    store: &Mutex<Store>,
    remote: &R,
    cal: &str,
    now: DateTime<Utc>,
    report: &mut SyncReport,
) -> Result<(), DavError> {
    let done_before = report.pushed + report.deleted;
    let changes = lock(store).sync_event_changes()?;
    let max = changes.iter().map(|c| c.seq).max().unwrap_or(0);
    let mut seen = std::collections::HashSet::new();
    let at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    for c in &changes {
        if !seen.insert(c.uid.clone()) {
            continue;
        }
        let (object, item) = {
            let s = lock(store);
            (s.event_object(&c.uid, now)?, s.dav_event_item(&c.uid)?)
        };
        match object {
            Some(obj) => {
                let mut href = item
                    .as_ref()
                    .map(|i| i.href.clone())
                    .unwrap_or_else(|| href_for(cal, &c.uid, "ics"));
                let mut etag = item.as_ref().and_then(|i| i.etag.clone());
                for attempt in 0..2 {
                    let put = put_object(
                        remote,
                        &href,
                        &obj,
                        Collection::Events,
                        etag.as_deref(),
                        "an event",
                        report,
                    )
                    .await?;
                    match put {
                        Put::Stored(new_etag) => {
                            lock(store).record_event_item(
                                &c.uid,
                                &href,
                                new_etag.as_deref(),
                                &obj,
                            )?;
                            report.pushed += 1;
                            break;
                        }
                        Put::Again(Meaning::ChangedThere, _) if attempt == 0 => {
                            // Changed there too: the local edit wins (the organiser's device).
                            report.requests += 1;
                            etag = remote.etag(&href, "an event").await.ok();
                        }
                        Put::Again(Meaning::UidElsewhere(there), _) if attempt == 0 => {
                            // Put into the calendar by another client under another name: the
                            // event lives there; the local edit wins and goes there.
                            report.requests += 1;
                            etag = remote.etag(&there, "an event").await.ok();
                            href = there;
                        }
                        Put::Again(_, e) => return Err(e),
                    }
                }
            }
            None => {
                if let Some(item) = item {
                    let deleted =
                        delete_object(remote, &item.href, item.etag.as_deref(), "an event", report)
                            .await?;
                    if deleted == Deleted::Done {
                        report.deleted += 1;
                    }
                    lock(store).forget_event_item(&c.uid)?;
                }
            }
        }
        lock(store).mark_events_synced(max, std::slice::from_ref(&c.uid), &at)?;
    }
    if report.pushed + report.deleted > done_before {
        pushed(store, Collection::Events)?;
    }
    Ok(())
}
