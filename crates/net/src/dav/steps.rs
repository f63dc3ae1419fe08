//! The steps a sync repeats for the address book and the calendar: what changed since the last
//! run (sync-collection, else an ETag listing), and the conditional writes, each answer read by
//! core's rules ([`meaning`]).

use super::error::refused_error;
use super::{DavError, Delta, Remote, SyncReport, status_error};
use vernetzt_core::store::Collection;
use vernetzt_core::sync::{ErrorKind, Listed, Meaning, Write, meaning};

/// Members per multiget: [`vernetzt_core::sync::PULL_BATCH`] unless `VERNETZT_DAV_BATCH` asks for
/// another (tests that kill a pull in the middle, benchmarks of the batch size).
pub(super) fn batch() -> usize {
    vernetzt_core::sync::pull_batch(std::env::var("VERNETZT_DAV_BATCH").ok().as_deref())
}

/// Where a record without a server copy yet goes: its UID made safe for a path, in `collection`,
/// with the extension of its kind (`.vcf` for a contact, `.ics` for an event).
pub(super) fn href_for(collection: &str, uid: &str, ext: &str) -> String {
    let safe: String = uid
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.@".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{}/{safe}.{ext}", collection.trim_end_matches('/'))
}

/// What changed in a collection since `token`: sync-collection, or an ETag listing where the
/// server lacks RFC 6578 (then `lists` remembers it and later syncs list at once) or refuses
/// the token (then the token is dropped and the next sync starts a fresh one). A
/// sync-collection without a token returns every member: our items missing from it were
/// deleted there. `known` gives the hrefs we hold; it is read only when needed (10,000 rows).
pub(super) async fn delta_since<R: Remote>(
    remote: &R,
    collection: &str,
    what: &str,
    token: &str,
    lists: bool,
    known: impl FnOnce() -> Result<Vec<String>, DavError>,
    report: &mut SyncReport,
) -> Result<Delta, DavError> {
    if lists && token.is_empty() {
        let mut d = listing_delta(remote, collection, what, &known()?, report).await?;
        d.listed = Listed::NoSyncCollection;
        return Ok(d);
    }
    report.requests += 1;
    match remote.sync_collection(collection, token, what).await {
        Ok(mut d) => {
            if token.is_empty() {
                let answered: std::collections::HashSet<&str> = d
                    .changed
                    .iter()
                    .map(|(h, _)| h.as_str())
                    .chain(d.deleted.iter().map(String::as_str))
                    .collect();
                let gone: Vec<String> = known()?
                    .into_iter()
                    .filter(|h| !answered.contains(h.as_str()))
                    .collect();
                d.deleted.extend(gone);
            }
            Ok(d)
        }
        Err(e)
            if matches!(
                e.kind,
                ErrorKind::Forbidden
                    | ErrorKind::Protocol
                    | ErrorKind::Conflict
                    | ErrorKind::Rejected
            ) || e.message.contains("409") =>
        {
            // An expired token (403/409 valid-sync-token) or no RFC 6578: compare ETags instead.
            let mut d = listing_delta(remote, collection, what, &known()?, report).await?;
            d.listed = if token.is_empty() {
                Listed::NoSyncCollection
            } else {
                Listed::TokenRefused
            };
            Ok(d)
        }
        Err(e) => Err(e),
    }
}

/// What changed, from an ETag listing of the collection (for servers without RFC 6578 or a
/// refused token): every item with its ETag, and the `known` hrefs the server no longer has.
async fn listing_delta<R: Remote>(
    remote: &R,
    collection: &str,
    what: &str,
    known: &[String],
    report: &mut SyncReport,
) -> Result<Delta, DavError> {
    report.requests += 1;
    let listed = remote.list(collection, what).await?;
    let on_server: std::collections::HashSet<&str> =
        listed.iter().map(|(h, _)| h.as_str()).collect();
    Ok(Delta {
        changed: listed
            .iter()
            .filter(|(h, _)| !h.ends_with('/'))
            .cloned()
            .collect(),
        deleted: known
            .iter()
            .filter(|h| !on_server.contains(h.as_str()))
            .cloned()
            .collect(),
        listed: Listed::NoSyncCollection,
        token: None,
    })
}

/// The multigets of a pull ([`vernetzt_core::sync::plan_pull`]): the members of `delta` that
/// differ from what we hold (`known` ETags by href; our own pushes come back in the delta with
/// the ETag we kept), in batches of [`batch`].
pub(super) fn to_fetch(
    delta: &Delta,
    known: &std::collections::HashMap<String, Option<String>>,
) -> Vec<Vec<String>> {
    vernetzt_core::sync::plan_pull(&delta.changed, known, batch())
}

/// How a conditional PUT ended.
pub(super) enum Put {
    /// Stored, with the ETag the server gave (asked for when the answer had none).
    Stored(Option<String>),
    /// Not stored, for a reason the caller may act on once before it gives up with the error:
    /// [`Meaning::ChangedThere`] (412), [`Meaning::UidElsewhere`] (412 `no-uid-conflict` with
    /// the href of the server's record) or [`Meaning::FormatRefused`] (415).
    Again(Meaning, DavError),
}

/// One conditional PUT: `If-Match` with the known ETag, else `If-None-Match: *`. A refused
/// record (400, 409, 413, 422) and every failure come back as the error; the caller decides
/// whether it stops the run.
pub(super) async fn put_object<R: Remote>(
    remote: &R,
    href: &str,
    body: &str,
    collection: Collection,
    etag: Option<&str>,
    what: &str,
    report: &mut SyncReport,
) -> Result<Put, DavError> {
    report.requests += 1;
    let reply = remote.put(href, body, collection, etag, what).await?;
    let saving = format!("saving {what}");
    let error = || status_error(reply.status, &saving, reply.retry_after);
    let pre = reply.precondition.as_ref();
    match meaning(Write::Put, reply.status, reply.etag.as_deref(), pre) {
        Meaning::Stored(e) => Ok(Put::Stored(Some(e))),
        Meaning::StoredAskEtag => {
            report.requests += 1;
            Ok(Put::Stored(remote.etag(href, what).await.ok()))
        }
        m @ (Meaning::ChangedThere | Meaning::FormatRefused | Meaning::UidElsewhere(_)) => {
            Ok(Put::Again(m, error()))
        }
        Meaning::Refused => Err(refused_error(reply.status, pre, what)),
        _ => Err(error()),
    }
}

/// How a DELETE ended, when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Deleted {
    /// Deleted on the server.
    Done,
    /// It was gone already (404).
    AlreadyGone,
    /// Changed there since our version (412): the edit beats the deletion.
    ChangedThere,
}

/// One conditional DELETE: `If-Match` with the known ETag, else unconditional.
pub(super) async fn delete_object<R: Remote>(
    remote: &R,
    href: &str,
    etag: Option<&str>,
    what: &str,
    report: &mut SyncReport,
) -> Result<Deleted, DavError> {
    report.requests += 1;
    let reply = remote.delete(href, etag, what).await?;
    match meaning(Write::Delete, reply.status, None, None) {
        Meaning::Deleted => Ok(Deleted::Done),
        Meaning::AlreadyGone => Ok(Deleted::AlreadyGone),
        Meaning::ChangedThere => Ok(Deleted::ChangedThere),
        _ => Err(status_error(
            reply.status,
            &format!("deleting {what}"),
            reply.retry_after,
        )),
    }
}
