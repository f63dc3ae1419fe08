//! The server as the sync sees it: the few operations a CardDAV/CalDAV sync needs, answered as
//! data. [`super::DavClient`] implements it with libdav's requests over reqwest;
//! [`super::fake::FakeRemote`] is an in-memory server whose answers a test scripts. The sync loop
//! is generic over it, so every rule for what an answer means can be tested without a server.
//!
//! Reads (check, sync-collection, listing, multiget, the ETag) fail with a [`DavError`] on a
//! failing status; writes (PUT, DELETE) return the status as a [`Reply`], because what a write's
//! status means is the sync's rule ([`vernetzt_core::sync::meaning`]), not the transport's.

use super::DavError;
use std::collections::HashMap;
use std::future::Future;
use vernetzt_core::store::Collection;
use vernetzt_core::sync::{Listed, Precondition};

/// The address book and calendar discovery found (or created).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The address book's path.
    pub addressbook: String,
    /// The calendar's path, when one was looked for and found or created.
    pub calendar: Option<String>,
}

/// What the change check read for one collection.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tags {
    /// `CS:getctag`.
    pub ctag: Option<String>,
    /// `DAV:sync-token`.
    pub token: Option<String>,
}

/// What a sync-collection or a listing says changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Delta {
    /// Changed (or, without a token, all) members with their ETags when given.
    pub changed: Vec<(String, Option<String>)>,
    /// Members gone.
    pub deleted: Vec<String>,
    /// The new sync token.
    pub token: Option<String>,
    /// Found by an ETag listing instead of sync-collection, and why.
    pub listed: Listed,
}

/// One member fetched by a multiget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// Where it is.
    pub href: String,
    /// Its version.
    pub etag: String,
    /// The vCard or iCalendar text.
    pub data: String,
}

/// The server's answer to a PUT or DELETE. A 207 Multi-Status comes with the status inside it
/// (an old Xandikos reports a failed PUT so), or stays 207 when it has none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The `ETag` header, when the server sent one.
    pub etag: Option<String>,
    /// `Retry-After` in seconds, when the server sent one.
    pub retry_after: Option<u64>,
    /// The precondition the body of a refusal named (`no-uid-conflict`, `valid-address-data`),
    /// which tells "this record is refused" from "changed there" in a 412.
    pub precondition: Option<Precondition>,
}

/// The server operations a sync needs. `what` names the thing in plain words for error
/// messages ("the address book", "a contact"). Every future is `Send`, so the app can run a
/// sync on its async runtime.
pub trait Remote: Sync {
    /// Finds the user's address book (and, with `with_calendar`, calendar), creating a
    /// "Vernetzt" one where the user has none.
    fn discover(&self, with_calendar: bool)
    -> impl Future<Output = Result<Found, DavError>> + Send;

    /// PROPFIND Depth 1 on a home for its children's CTags (and sync tokens when asked), by
    /// normalised collection path.
    fn check(
        &self,
        home: &str,
        with_sync_token: bool,
    ) -> impl Future<Output = Result<HashMap<String, Tags>, DavError>> + Send;

    /// RFC 6578 sync-collection since `token` (empty: everything).
    fn sync_collection(
        &self,
        href: &str,
        token: &str,
        what: &str,
    ) -> impl Future<Output = Result<Delta, DavError>> + Send;

    /// Every member of a collection with its ETag.
    fn list(
        &self,
        href: &str,
        what: &str,
    ) -> impl Future<Output = Result<Vec<(String, Option<String>)>, DavError>> + Send;

    /// The members at `hrefs` (addressbook-multiget for contacts, calendar-multiget for events); members the server could not
    /// give are left out.
    fn multiget(
        &self,
        collection: &str,
        kind: Collection,
        hrefs: &[String],
        what: &str,
    ) -> impl Future<Output = Result<Vec<Fetched>, DavError>> + Send;

    /// A conditional PUT of a vCard (contacts) or an iCalendar object (events): `If-Match: etag`, or `If-None-Match: *` without one.
    fn put(
        &self,
        href: &str,
        body: &str,
        kind: Collection,
        etag: Option<&str>,
        what: &str,
    ) -> impl Future<Output = Result<Reply, DavError>> + Send;

    /// A DELETE: `If-Match: etag`, or unconditional without one.
    fn delete(
        &self,
        href: &str,
        etag: Option<&str>,
        what: &str,
    ) -> impl Future<Output = Result<Reply, DavError>> + Send;

    /// The member's current ETag (asked after a PUT whose answer had none, or a 412).
    fn etag(&self, href: &str, what: &str)
    -> impl Future<Output = Result<String, DavError>> + Send;
}
