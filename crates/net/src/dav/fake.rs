//! A scripted CardDAV/CalDAV server in memory, for tests of the sync without a running server.
//!
//! It behaves like a small correct server (ETags, conditional writes, CTags, sync tokens,
//! sync-collection with deletions) and lets a test script the next answer to one kind of
//! request: a status (with Retry-After), a stored write without an ETag, or a failure. It is
//! part of the crate (not `#[cfg(test)]`) so the integration tests in `tests/` and other crates'
//! tests can drive [`super::sync`] with it.

use super::xml::normalise_collection;
use super::{DavError, DavErrorKind, Delta, Fetched, Found, Remote, Reply, Tags, status_error};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;
use vernetzt_core::store::Collection;
use vernetzt_core::sync::{Listed, Precondition};

/// A kind of request, for scripting its next answer and reading the request log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    /// Discovery.
    Discover,
    /// The change check (PROPFIND for CTags).
    Check,
    /// sync-collection REPORT.
    SyncCollection,
    /// ETag listing.
    List,
    /// addressbook- or calendar-multiget.
    Multiget,
    /// PUT.
    Put,
    /// DELETE.
    Delete,
    /// Reading one member's ETag.
    Etag,
}

/// A scripted answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Answer with this status and nothing stored or deleted.
    Status(u16),
    /// Answer with this status and a `Retry-After` of so many seconds.
    RetryAfter(u16, u64),
    /// Store the PUT but answer 201 without an ETag.
    StoredWithoutEtag,
    /// Fail as if the connection failed in this way.
    Fail(DavErrorKind),
    /// Refuse with this status and a body naming this precondition.
    Refused(u16, Precondition),
    /// Another client stores this body at this href just before the request is handled (a
    /// race between the sync's pull and its push); then the request is handled as usual.
    Meanwhile(String, String),
}

#[derive(Default)]
struct State {
    /// href → (ETag, body).
    objects: BTreeMap<String, (String, String)>,
    /// href → the change number of its last write or deletion (deletions: body gone).
    changed_at: BTreeMap<String, u64>,
    seq: u64,
    script: HashMap<Verb, VecDeque<Answer>>,
    log: Vec<(Verb, String)>,
    no_sync_collection: bool,
    /// Refuse a second record with one UID (Some: whether the refusal names the first one's
    /// href, as RFC 4791 asks and Xandikos 0.4 does not).
    unique_uids: Option<bool>,
}

/// The in-memory server. Collections are the paths given to [`FakeRemote::new`].
pub struct FakeRemote {
    found: Found,
    state: Mutex<State>,
}

impl FakeRemote {
    /// A server holding an empty address book (and calendar) at these paths.
    pub fn new(addressbook: &str, calendar: Option<&str>) -> FakeRemote {
        FakeRemote {
            found: Found {
                addressbook: addressbook.to_string(),
                calendar: calendar.map(String::from),
            },
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The next request of `verb` gets `answer` (answers queue up per verb).
    pub fn script(&self, verb: Verb, answer: Answer) {
        self.state()
            .script
            .entry(verb)
            .or_default()
            .push_back(answer);
    }

    /// The server answers sync-collection with 403, as one without RFC 6578 does.
    pub fn without_sync_collection(&self) {
        self.state().no_sync_collection = true;
    }

    /// The server refuses a record whose UID it holds under another name (412
    /// `no-uid-conflict`), naming that href when `name_it` (Xandikos 0.4 does not).
    pub fn require_unique_uids(&self, name_it: bool) {
        self.state().unique_uids = Some(name_it);
    }

    /// Another client writes `body` at `href`; returns the new ETag.
    pub fn put_object(&self, href: &str, body: &str) -> String {
        let mut s = self.state();
        store(&mut s, href, body)
    }

    /// Another client deletes `href`.
    pub fn remove_object(&self, href: &str) {
        let mut s = self.state();
        s.seq += 1;
        let seq = s.seq;
        s.objects.remove(href);
        s.changed_at.insert(href.to_string(), seq);
    }

    /// The ETag and body at `href`.
    pub fn object(&self, href: &str) -> Option<(String, String)> {
        self.state().objects.get(href).cloned()
    }

    /// Every href the server holds.
    pub fn hrefs(&self) -> Vec<String> {
        self.state().objects.keys().cloned().collect()
    }

    /// The requests made so far, in order, with the href each was for.
    pub fn requests(&self) -> Vec<(Verb, String)> {
        self.state().log.clone()
    }

    /// How many requests of `verb` were made.
    pub fn count(&self, verb: Verb) -> usize {
        self.state().log.iter().filter(|(v, _)| *v == verb).count()
    }

    /// Logs the request and takes its scripted answer, if any.
    fn begin(&self, verb: Verb, href: &str) -> Option<Answer> {
        let mut s = self.state();
        s.log.push((verb, href.to_string()));
        s.script.get_mut(&verb).and_then(VecDeque::pop_front)
    }
}

fn store(s: &mut State, href: &str, body: &str) -> String {
    s.seq += 1;
    let etag = format!("\"e{}\"", s.seq);
    let seq = s.seq;
    s.objects
        .insert(href.to_string(), (etag.clone(), body.to_string()));
    s.changed_at.insert(href.to_string(), seq);
    etag
}

/// The first UID line of a vCard or iCalendar text.
fn uid_of(body: &str) -> Option<&str> {
    body.lines()
        .find_map(|l| l.strip_prefix("UID:"))
        .map(str::trim)
}

fn in_collection(href: &str, collection: &str) -> bool {
    let c = normalise_collection(collection);
    href.starts_with(&c) && href.len() > c.len()
}

/// A scripted answer to a read: its error.
fn read_failure(answer: Answer, what: &str) -> DavError {
    match answer {
        Answer::Status(s) => status_error(s, what, None),
        Answer::RetryAfter(s, secs) => status_error(s, what, Some(secs)),
        Answer::Refused(s, _) => status_error(s, what, None),
        Answer::StoredWithoutEtag | Answer::Meanwhile(..) => {
            DavError::new(DavErrorKind::Protocol, what)
        }
        Answer::Fail(kind) => DavError::new(kind, format!("scripted failure of {what}")),
    }
}

/// An answer with this status and no headers.
fn reply(status: u16) -> Reply {
    Reply {
        status,
        ..Reply::default()
    }
}

/// A scripted answer to a write: the status as the reply, or the failure.
fn write_answer(answer: Answer, what: &str) -> Result<Reply, DavError> {
    match answer {
        Answer::Status(status) => Ok(reply(status)),
        Answer::RetryAfter(status, secs) => Ok(Reply {
            retry_after: Some(secs),
            ..reply(status)
        }),
        Answer::Refused(status, pre) => Ok(Reply {
            precondition: Some(pre),
            ..reply(status)
        }),
        other => Err(read_failure(other, what)),
    }
}

impl Remote for FakeRemote {
    async fn discover(&self, with_calendar: bool) -> Result<Found, DavError> {
        if let Some(a) = self.begin(Verb::Discover, "/") {
            return Err(read_failure(a, "finding your account"));
        }
        let mut found = self.found.clone();
        if !with_calendar {
            found.calendar = None;
        }
        Ok(found)
    }

    async fn check(
        &self,
        home: &str,
        _with_token: bool,
    ) -> Result<HashMap<String, Tags>, DavError> {
        if let Some(a) = self.begin(Verb::Check, home) {
            return Err(read_failure(a, "checking for changes"));
        }
        let s = self.state();
        let collections = std::iter::once(&self.found.addressbook).chain(&self.found.calendar);
        Ok(collections
            .map(|c| {
                let last = s
                    .changed_at
                    .iter()
                    .filter(|(h, _)| in_collection(h, c))
                    .map(|(_, n)| *n)
                    .max()
                    .unwrap_or(0);
                let tags = Tags {
                    ctag: Some(format!("c{last}")),
                    token: Some(format!("t{}", s.seq)),
                };
                (normalise_collection(c), tags)
            })
            .collect())
    }

    async fn sync_collection(
        &self,
        href: &str,
        token: &str,
        what: &str,
    ) -> Result<Delta, DavError> {
        let what = format!("syncing {what}");
        if let Some(a) = self.begin(Verb::SyncCollection, href) {
            return Err(read_failure(a, &what));
        }
        let s = self.state();
        if s.no_sync_collection {
            return Err(status_error(403, &what, None));
        }
        // No token: everything there is (deletions are not told); a token: what changed since.
        let since = if token.is_empty() {
            None
        } else {
            match token.strip_prefix('t').and_then(|n| n.parse::<u64>().ok()) {
                Some(n) => Some(n),
                None => return Err(status_error(409, &what, None)),
            }
        };
        let mut d = Delta {
            token: Some(format!("t{}", s.seq)),
            listed: Listed::No,
            ..Delta::default()
        };
        for (h, n) in &s.changed_at {
            if since.is_some_and(|since| *n <= since) || !in_collection(h, href) {
                continue;
            }
            match s.objects.get(h) {
                Some((etag, _)) => d.changed.push((h.clone(), Some(etag.clone()))),
                None if since.is_some() => d.deleted.push(h.clone()),
                None => {}
            }
        }
        Ok(d)
    }

    async fn list(
        &self,
        href: &str,
        what: &str,
    ) -> Result<Vec<(String, Option<String>)>, DavError> {
        if let Some(a) = self.begin(Verb::List, href) {
            return Err(read_failure(a, &format!("listing {what}")));
        }
        let s = self.state();
        Ok(s.objects
            .iter()
            .filter(|(h, _)| in_collection(h, href))
            .map(|(h, (e, _))| (h.clone(), Some(e.clone())))
            .collect())
    }

    async fn multiget(
        &self,
        collection: &str,
        _kind: Collection,
        hrefs: &[String],
        what: &str,
    ) -> Result<Vec<Fetched>, DavError> {
        if let Some(a) = self.begin(Verb::Multiget, collection) {
            return Err(read_failure(a, what));
        }
        let s = self.state();
        Ok(hrefs
            .iter()
            .filter_map(|h| {
                s.objects.get(h).map(|(etag, data)| Fetched {
                    href: h.clone(),
                    etag: etag.clone(),
                    data: data.clone(),
                })
            })
            .collect())
    }

    async fn put(
        &self,
        href: &str,
        body: &str,
        _kind: Collection,
        etag: Option<&str>,
        what: &str,
    ) -> Result<Reply, DavError> {
        let scripted = self.begin(Verb::Put, href);
        let mut s = self.state();
        match scripted {
            Some(Answer::StoredWithoutEtag) => {
                store(&mut s, href, body);
                return Ok(reply(201));
            }
            Some(Answer::Meanwhile(there, theirs)) => {
                store(&mut s, &there, &theirs);
            }
            Some(a) => return write_answer(a, &format!("saving {what}")),
            None => {}
        }
        if let (Some(name_it), Some(uid)) = (s.unique_uids, uid_of(body)) {
            let parent = super::xml::parent_collection(href);
            let other = s.objects.iter().find(|(h, (_, b))| {
                h.as_str() != href && in_collection(h, &parent) && uid_of(b) == Some(uid)
            });
            if let Some((there, _)) = other {
                return Ok(Reply {
                    precondition: Some(Precondition::UidConflict(name_it.then(|| there.clone()))),
                    ..reply(412)
                });
            }
        }
        let held = s.objects.get(href).map(|(e, _)| e.clone());
        let fits = match etag {
            Some(e) => held.as_deref() == Some(e),
            None => held.is_none(),
        };
        if !fits {
            return Ok(reply(412));
        }
        let status = if held.is_some() { 204 } else { 201 };
        let etag = store(&mut s, href, body);
        Ok(Reply {
            etag: Some(etag),
            ..reply(status)
        })
    }

    async fn delete(&self, href: &str, etag: Option<&str>, what: &str) -> Result<Reply, DavError> {
        let scripted = self.begin(Verb::Delete, href);
        if let Some(a) = scripted {
            return write_answer(a, &format!("deleting {what}"));
        }
        let held = self.object(href).map(|(e, _)| e);
        match (held, etag) {
            (None, _) => Ok(reply(404)),
            (Some(h), Some(e)) if h != e => Ok(reply(412)),
            _ => {
                self.remove_object(href);
                Ok(reply(204))
            }
        }
    }

    async fn etag(&self, href: &str, what: &str) -> Result<String, DavError> {
        let what = format!("reading {what}'s version");
        if let Some(a) = self.begin(Verb::Etag, href) {
            return Err(read_failure(a, &what));
        }
        self.object(href)
            .map(|(e, _)| e)
            .ok_or_else(|| status_error(404, &what, None))
    }
}
