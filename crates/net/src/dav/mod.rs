//! Two-way sync of contacts with the user's CardDAV server (Nextcloud, openDesk, SabreDAV,
//! Radicale): discovery per RFC 6764, pull with sync-collection (RFC 6578) or an ETag listing,
//! changed cards fetched in batches (addressbook-multiget), and push from the change journal with
//! `If-None-Match: *` / `If-Match`.
//!
//! The WebDAV requests and their XML are `libdav`'s (sans-IO `DavRequest`s), sent here with
//! reqwest, so the app keeps one HTTP stack and one TLS configuration. Only sync-collection,
//! which libdav 0.10 lacks, is written here, with libdav's XML builder. The store is locked only
//! for the bookkeeping between requests; merging is pure (`vernetzt_core::sync`).

use crate::loopback::is_loopback;
use chrono::{DateTime, SecondsFormat, Utc};
use http::Uri;
use libdav::dav::mime_types;
use libdav::names;
use libdav::requests::DavRequest;
use libdav::xmlutils::XmlNode;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::time::Duration;
use url::Url;
use vernetzt_core::Store;
use vernetzt_core::store::{Account, PullOutcome, RemoteDelete};
use vernetzt_core::sync::{CheckState, PushOp, check_first, check_wants_token, plan_push};

/// Why a sync step failed, in plain words, with what it means for retrying.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DavError {
    /// `auth`, `forbidden`, `not_found`, `conflict`, `server`, `network`, `timeout`, `tls`,
    /// `protocol`, `url`, `keyring`, `store`.
    pub kind: &'static str,
    /// Plain-words message (never holds the password).
    pub message: String,
    /// Seconds the server asked us to wait (503/429 with Retry-After).
    pub retry_after: Option<u64>,
    /// The HTTP status, when the server answered.
    pub status: Option<u16>,
}

impl DavError {
    fn new(kind: &'static str, message: impl Into<String>) -> Self {
        DavError {
            kind,
            message: message.into(),
            retry_after: None,
            status: None,
        }
    }
}

impl From<vernetzt_core::Error> for DavError {
    fn from(e: vernetzt_core::Error) -> Self {
        DavError::new("store", e.to_string())
    }
}

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

/// A connection to the server: base URL, login, HTTP client.
pub struct DavClient {
    http: reqwest::Client,
    base: Url,
    user: String,
    password: String,
}

fn status_error(status: u16, what: &str, retry_after: Option<u64>) -> DavError {
    let (kind, message) = match status {
        401 => (
            "auth",
            "the server refused the login: check user name and password (or app token)".to_string(),
        ),
        403 => ("forbidden", format!("the server does not allow {what}")),
        404 => (
            "not_found",
            format!("{what}: not found on the server (deleted or moved?)"),
        ),
        412 => (
            "conflict",
            format!("{what}: changed on the server in the meantime"),
        ),
        429 | 503 => (
            "server",
            format!("the server is busy ({status}); trying again later"),
        ),
        415 => (
            "protocol",
            format!("the server refused the card format for {what} (415)"),
        ),
        400 | 409 | 413 | 422 => (
            "rejected",
            format!(
                "the server refused {what} ({status}): it may hold something the server cannot \
                 store"
            ),
        ),
        s if s >= 500 => (
            "server",
            format!("the server failed ({s}) on {what}; trying again later"),
        ),
        s => ("protocol", format!("unexpected answer {s} to {what}")),
    };
    DavError {
        kind,
        message,
        retry_after,
        status: Some(status),
    }
}

fn transport_error(e: &reqwest::Error, what: &str) -> DavError {
    if e.is_timeout() {
        return DavError::new(
            "timeout",
            format!("the server did not answer in time ({what})"),
        );
    }
    let mut src: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = src {
        if s.downcast_ref::<rustls::Error>().is_some() {
            return DavError::new(
                "tls",
                format!(
                    "the server's certificate is not trusted (expired, self-signed or for another \
                     name): {s}"
                ),
            );
        }
        src = s.source();
    }
    DavError::new(
        "network",
        format!("the server could not be reached or dropped the connection ({what}): {e}"),
    )
}

/// One response: status, headers and body.
struct Raw {
    parts: http::response::Parts,
    body: Vec<u8>,
}

impl DavClient {
    /// A client for `url` (https, or http only to loopback).
    pub fn new(url: &str, user: &str, password: &str) -> Result<DavClient, DavError> {
        let base = Url::parse(url.trim())
            .map_err(|e| DavError::new("url", format!("'{url}' is not a server address ({e})")))?;
        match base.scheme() {
            "https" => {}
            "http" if is_loopback(&base) => {}
            "http" => {
                return Err(DavError::new(
                    "url",
                    "the server address must start with https:// (plain http only to this machine)",
                ));
            }
            s => return Err(DavError::new("url", format!("'{s}://' is not http(s)"))),
        }
        let mut builder = reqwest::Client::builder();
        if base.scheme() == "http" {
            // Plain http is allowed only to this machine, so no TLS is ever set up: an empty
            // root store spares reading every system CA certificate (20 to 60 ms a process,
            // most of a no-change sync's own time).
            builder = builder.tls_certs_only(std::iter::empty());
        }
        let http = builder
            .connect_timeout(Duration::from_secs(15))
            .timeout(Duration::from_secs(
                // Two minutes per request; the tests of timeouts shorten it.
                std::env::var("VERNETZT_DAV_TIMEOUT_SECS")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(120),
            ))
            .redirect(reqwest::redirect::Policy::limited(5))
            .user_agent(concat!("Vernetzt/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| DavError::new("tls", format!("TLS could not be set up: {e}")))?;
        Ok(DavClient {
            http,
            base,
            user: user.to_string(),
            password: password.to_string(),
        })
    }

    fn base_uri(&self) -> Uri {
        let origin = self.base.origin().ascii_serialization();
        origin.parse().expect("an origin is a URI")
    }

    async fn send(&self, req: http::Request<String>, what: &str) -> Result<Raw, DavError> {
        let mut req = reqwest::Request::try_from(req)
            .map_err(|e| DavError::new("protocol", format!("bad request for {what}: {e}")))?;
        let auth = {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .encode(format!("{}:{}", self.user, self.password))
        };
        req.headers_mut().insert(
            http::header::AUTHORIZATION,
            http::HeaderValue::from_str(&format!("Basic {auth}")).map_err(|_| {
                DavError::new(
                    "auth",
                    "the user name or password holds characters HTTP cannot carry",
                )
            })?,
        );
        let resp = self
            .http
            .execute(req)
            .await
            .map_err(|e| transport_error(&e, what))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp
            .bytes()
            .await
            .map_err(|e| transport_error(&e, what))?
            .to_vec();
        let mut b = http::Response::builder().status(status.as_u16());
        for (k, v) in &headers {
            b = b.header(k, v);
        }
        let (parts, _) = b.body(()).expect("copied response").into_parts();
        Ok(Raw { parts, body })
    }

    /// Runs one libdav request; 401, 403, 404, 412 and 5xx become [`DavError`]s.
    async fn run<R>(&self, r: &R, what: &str) -> Result<R::Response, DavError>
    where
        R: DavRequest,
        R::ParseError: std::fmt::Display,
    {
        let req = r
            .prepare_request(self.base_uri())
            .map_err(|e| DavError::new("protocol", format!("bad request for {what}: {e}")))?;
        let raw = self.send(req, what).await?;
        let s = raw.parts.status.as_u16();
        if matches!(s, 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 422) || s >= 500 || s == 429
        {
            let retry = raw
                .parts
                .headers
                .get(http::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse().ok());
            return Err(status_error(s, what, retry));
        }
        r.parse_response(&raw.parts, &raw.body)
            .map_err(|e| DavError::new("protocol", format!("{what}: {e}")))
    }
}

/// RFC 6578 sync-collection REPORT (libdav 0.10 has none).
struct SyncCollection<'a> {
    href: &'a str,
    token: &'a str,
}

/// What a sync-collection or a listing says changed.
#[derive(Debug, Default)]
struct Delta {
    changed: Vec<(String, Option<String>)>,
    deleted: Vec<String>,
    token: Option<String>,
    /// Found by an ETag listing instead of sync-collection, and why.
    listed: Listed,
}

/// Why a delta came from an ETag listing.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Listed {
    /// It did not: sync-collection answered.
    #[default]
    No,
    /// The server refused the stored token (expired): the next sync starts a fresh one.
    TokenRefused,
    /// The server refused sync-collection without a token: it has none (RFC 6578 missing).
    NoSyncCollection,
}

impl DavRequest for SyncCollection<'_> {
    type Response = Delta;
    type ParseError = String;
    type Error<E> = DavError;

    fn prepare_request(&self, base_url: Uri) -> Result<http::Request<String>, http::Error> {
        let prop = XmlNode::new(&names::PROP).with_children(vec![XmlNode::new(&names::GETETAG)]);
        let body = XmlNode::new(&names::SYNC_COLLECTION)
            .with_children(vec![
                XmlNode::new(&names::SYNC_TOKEN).with_text(self.token),
                XmlNode::new(&names::SYNC_LEVEL).with_text("1"),
                prop,
            ])
            .render_node();
        http::Request::builder()
            .method(http::Method::from_bytes(b"REPORT")?)
            .uri(libdav::dav::make_relative_url(base_url, self.href)?)
            .header("Depth", "1")
            .header("Content-Type", "application/xml; charset=utf-8")
            .body(format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n{body}"
            ))
    }

    fn parse_response(&self, parts: &http::response::Parts, body: &[u8]) -> Result<Delta, String> {
        if parts.status.as_u16() != 207 {
            return Err(format!("status {}", parts.status));
        }
        let text = std::str::from_utf8(body).map_err(|e| e.to_string())?;
        let doc = roxmltree::Document::parse(text).map_err(|e| e.to_string())?;
        let dav = |n: &roxmltree::Node, name: &str| {
            n.tag_name().name() == name && n.tag_name().namespace() == Some("DAV:")
        };
        let mut d = Delta::default();
        let root = doc.root_element();
        for child in root.children().filter(|c| c.is_element()) {
            if dav(&child, "sync-token") {
                d.token = child.text().map(|t| t.trim().to_string());
            }
            if !dav(&child, "response") {
                continue;
            }
            let href = child
                .children()
                .find(|c| dav(c, "href"))
                .and_then(|c| c.text())
                .map(|t| t.trim().to_string());
            let Some(href) = href else { continue };
            if href.ends_with('/') {
                continue; // the collection itself
            }
            let gone = child
                .children()
                .find(|c| dav(c, "status"))
                .and_then(|c| c.text())
                .is_some_and(|t| t.contains(" 404"));
            if gone {
                d.deleted.push(href);
                continue;
            }
            let etag = child
                .descendants()
                .find(|c| dav(c, "getetag"))
                .and_then(|c| c.text())
                .map(|t| t.trim().to_string());
            d.changed.push((href, etag));
        }
        Ok(d)
    }
}

const GETCTAG: libdav::PropertyName = libdav::PropertyName::new(names::CALENDAR_SERVER, "getctag");

/// PROPFIND Depth 1 on a home collection for its children's `CS:getctag` (and, when asked,
/// `DAV:sync-token`): one request that tells whether the address book or the calendar changed
/// at all since the last sync. The CTag (a calendarserver.org property every CardDAV/CalDAV
/// server in use offers) is cheaper for the server than the sync token: Radicale at 10,000
/// cards answers it in 0.42–0.57 s against 0.59–0.98 s (docs/decisions.md), so the token is
/// asked for only until a CTag is kept.
struct CollectionTokens<'a> {
    href: &'a str,
    with_sync_token: bool,
}

/// What the change check read for one collection.
#[derive(Debug, Default, Clone)]
struct Tags {
    ctag: Option<String>,
    token: Option<String>,
}

impl DavRequest for CollectionTokens<'_> {
    type Response = std::collections::HashMap<String, Tags>;
    type ParseError = String;
    type Error<E> = DavError;

    fn prepare_request(&self, base_url: Uri) -> Result<http::Request<String>, http::Error> {
        let mut props = vec![XmlNode::new(&GETCTAG)];
        if self.with_sync_token {
            props.push(XmlNode::new(&names::SYNC_TOKEN));
        }
        let body = XmlNode::new(&names::PROPFIND)
            .with_children(vec![XmlNode::new(&names::PROP).with_children(props)])
            .render_node();
        http::Request::builder()
            .method(http::Method::from_bytes(b"PROPFIND")?)
            .uri(libdav::dav::make_relative_url(base_url, self.href)?)
            .header("Depth", "1")
            .header("Content-Type", "application/xml; charset=utf-8")
            .body(format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n{body}"
            ))
    }

    fn parse_response(
        &self,
        parts: &http::response::Parts,
        body: &[u8],
    ) -> Result<Self::Response, String> {
        if parts.status.as_u16() != 207 {
            return Err(format!("status {}", parts.status));
        }
        let text = std::str::from_utf8(body).map_err(|e| e.to_string())?;
        let doc = roxmltree::Document::parse(text).map_err(|e| e.to_string())?;
        let dav = |n: &roxmltree::Node, name: &str| {
            n.tag_name().name() == name && n.tag_name().namespace() == Some("DAV:")
        };
        // A property the server does not have comes back empty (in a 404 propstat): absent.
        let value = |r: &roxmltree::Node, name: &str, ns: &str| {
            r.descendants()
                .find(|c| c.tag_name().name() == name && c.tag_name().namespace() == Some(ns))
                .and_then(|c| c.text())
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
        };
        let mut out = std::collections::HashMap::new();
        for r in doc.root_element().children().filter(|c| dav(c, "response")) {
            let Some(href) = r.children().find(|c| dav(c, "href")).and_then(|c| c.text()) else {
                continue;
            };
            let tags = Tags {
                ctag: value(&r, "getctag", names::CALENDAR_SERVER),
                token: value(&r, "sync-token", "DAV:"),
            };
            if tags.ctag.is_some() || tags.token.is_some() {
                out.insert(normalise_collection(href), tags);
            }
        }
        Ok(out)
    }
}

/// A collection path compared without scheme and host and with one trailing slash.
fn normalise_collection(href: &str) -> String {
    let path = match href.find("://") {
        Some(i) => href[i + 3..]
            .find('/')
            .map(|j| &href[i + 3 + j..])
            .unwrap_or("/"),
        None => href,
    };
    format!("{}/", path.trim_end_matches('/'))
}

/// The collection that holds `href` (the home of an address book).
fn parent_collection(href: &str) -> String {
    let n = normalise_collection(href);
    let t = n.trim_end_matches('/');
    match t.rfind('/') {
        Some(i) => format!("{}/", &t[..i]),
        None => "/".into(),
    }
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
    let c = DavClient::new(url, user, password)?;
    let given = c.base.path().to_string();
    let mut principal = None;
    for start in [given.as_str(), "/.well-known/carddav", "/"] {
        let r = libdav::dav::FindPropertyHrefs::new(start, &names::CURRENT_USER_PRINCIPAL);
        match c.run(&r, "finding your account").await {
            Ok(resp) => {
                if let Some(h) = resp.hrefs.first() {
                    principal = Some(h.path().to_string());
                    break;
                }
            }
            Err(e)
                if e.kind == "auth"
                    || e.kind == "tls"
                    || e.kind == "network"
                    || e.kind == "timeout" =>
            {
                return Err(e);
            }
            Err(_) => {}
        }
    }
    let principal = principal.ok_or_else(|| {
        DavError::new(
            "not_found",
            "the server names no account (current-user-principal); is this a CardDAV server?",
        )
    })?;
    let homes = c
        .run(
            &libdav::carddav::FindAddressBookHomeSet::new(&principal),
            "finding your address books",
        )
        .await?;
    let home = homes
        .home_sets
        .first()
        .map(|u| u.path().to_string())
        .unwrap_or_else(|| principal.clone());
    let books = c
        .run(
            &libdav::carddav::FindAddressBooks::new(&home),
            "listing your address books",
        )
        .await?;
    let addressbook = match books.addressbooks.first() {
        Some(b) => b.href.clone(),
        None => {
            let href = format!("{}/vernetzt/", home.trim_end_matches('/'));
            c.run(
                &libdav::carddav::CreateAddressBook::new(&href).with_display_name("Vernetzt"),
                "creating the address book",
            )
            .await?;
            href
        }
    };
    if !with_calendar {
        return Ok(Account {
            url: url.trim().to_string(),
            user: user.to_string(),
            addressbook,
            calendar: None,
        });
    }
    let calendar = match c
        .run(
            &libdav::caldav::FindCalendarHomeSet::new(&principal),
            "finding your calendars",
        )
        .await
    {
        Ok(h) => match h.home_sets.first() {
            Some(home) => {
                let found = c
                    .run(
                        &libdav::caldav::FindCalendars::new(home.path()),
                        "listing your calendars",
                    )
                    .await
                    .ok()
                    .and_then(|r| r.calendars.first().map(|x| x.href.clone()));
                match found {
                    Some(f) => Some(f),
                    None => {
                        // A calendar of our own for the events the user organises.
                        let href =
                            format!("{}/vernetzt-termine/", home.path().trim_end_matches('/'));
                        let comps = [libdav::caldav::CalendarComponent::VEvent];
                        c.run(
                            &libdav::caldav::CreateCalendar::new(&href)
                                .with_display_name("Vernetzt")
                                .with_components(&comps),
                            "creating the calendar",
                        )
                        .await
                        .ok()
                        .map(|_| href)
                    }
                }
            }
            None => None,
        },
        Err(_) => None,
    };
    Ok(Account {
        url: url.trim().to_string(),
        user: user.to_string(),
        addressbook,
        calendar,
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

/// Cards per multiget. A first pull of 10,000 cards in one request (as vdirsyncer makes it)
/// rather than a hundred; the answer is a few megabytes.
const BATCH: usize = 10_000;

/// Fetched cards applied per transaction (and per progress step).
const APPLY: usize = 1000;

fn href_for(book: &str, uid: &str) -> String {
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
    format!("{}/{safe}.vcf", book.trim_end_matches('/'))
}

/// The settings' prefix of what a sync keeps for the address book, and for the calendar.
const BOOK: &str = "dav";
const CAL: &str = "dav_cal";

/// What a sync keeps between runs for one collection, for the change check
/// (`sync::check_first`): the sync-collection token, the CTag read before the last complete
/// pull, whether the token is still current (no push of ours since), and whether the server
/// lists instead of answering sync-collection.
struct Kept {
    token: String,
    ctag: String,
    token_current: bool,
    lists: bool,
}

impl Kept {
    fn read(s: &Store, prefix: &str) -> Result<Kept, DavError> {
        let get = |k: &str| -> Result<String, DavError> {
            Ok(s.setting(&format!("{prefix}_{k}"))?.unwrap_or_default())
        };
        Ok(Kept {
            token: get("sync_token")?,
            ctag: get("ctag")?,
            token_current: get("token_current")? == "1",
            lists: get("listing")? == "1",
        })
    }

    fn state(&self, pushes_pending: bool) -> CheckState {
        CheckState {
            baseline: !self.ctag.is_empty(),
            token_baseline: self.token_current && !self.token.is_empty(),
            pushes_pending,
            lists: self.lists,
        }
    }

    fn unchanged(&self, seen: Option<&Tags>) -> bool {
        let current = if self.token_current {
            self.token.as_str()
        } else {
            ""
        };
        vernetzt_core::sync::unchanged(
            seen.and_then(|t| t.ctag.as_deref()),
            seen.and_then(|t| t.token.as_deref()),
            &self.ctag,
            current,
        )
    }

    /// After the pull (or the check that spared it): the CTag read before it is the next
    /// baseline (none read: none kept, an old one is not trusted); a sync-collection's token is
    /// current until we push.
    fn pulled(
        s: &mut Store,
        prefix: &str,
        unchanged: bool,
        delta: &Delta,
        seen: Option<&Tags>,
    ) -> Result<(), DavError> {
        let ctag = seen.and_then(|t| t.ctag.as_deref()).unwrap_or_default();
        s.set_setting(&format!("{prefix}_ctag"), ctag)?;
        if unchanged {
            return Ok(());
        }
        let token = match delta.listed {
            Listed::No => delta.token.as_deref(),
            // Refused: start afresh (a sync-collection without a token) next time.
            Listed::TokenRefused => Some(""),
            Listed::NoSyncCollection => None,
        };
        if let Some(t) = token {
            s.set_setting(&format!("{prefix}_sync_token"), t)?;
        }
        let current = delta.listed == Listed::No && delta.token.is_some();
        let lists = delta.listed == Listed::NoSyncCollection;
        s.set_setting(
            &format!("{prefix}_token_current"),
            if current { "1" } else { "" },
        )?;
        s.set_setting(&format!("{prefix}_listing"), if lists { "1" } else { "" })?;
        Ok(())
    }

    /// Our own pushes moved the CTag and the token: neither says "unchanged" any more.
    fn pushed(s: &mut Store, prefix: &str) -> Result<(), DavError> {
        s.set_setting(&format!("{prefix}_ctag"), "")?;
        s.set_setting(&format!("{prefix}_token_current"), "")?;
        Ok(())
    }
}

/// What the change check found for one collection: what was kept for it, whether it is
/// unchanged, and what the check read (its CTag becomes the next baseline).
struct Checked<'a> {
    kept: &'a Kept,
    unchanged: bool,
    seen: Option<Tags>,
}

/// One sync run: pull (sync-collection, else a listing), then push the journal. The store is
/// consistent after every step, and the journal is marked synced only for pushes the server
/// confirmed, so a run that fails or is killed half way loses nothing and repeats nothing.
pub async fn sync(
    store: &Mutex<Store>,
    client: &DavClient,
    account: &Account,
    now: DateTime<Utc>,
    progress: &mut (dyn FnMut(&str, usize, usize) + Send),
) -> Result<SyncReport, DavError> {
    let lock = || store.lock().unwrap_or_else(|p| p.into_inner());
    let mut report = SyncReport::default();
    let book = account.addressbook.as_str();

    // Has anything changed on the server at all? One PROPFIND on the home answers for the
    // address book and the calendar together (when they share a home, as they usually do), so
    // a sync with nothing to do is one request. It is made only where it can spare a pull
    // (`sync::check_first`).
    let (kb, kc) = {
        let s = lock();
        (Kept::read(&s, BOOK)?, Kept::read(&s, CAL)?)
    };
    let home = parent_collection(book);
    let same_home = account
        .calendar
        .as_deref()
        .is_none_or(|c| parent_collection(c) == home);
    let (mut book_unchanged, mut cal_unchanged) = (false, false);
    let mut seen = std::collections::HashMap::new();
    let states = {
        let s = lock();
        let mut states = vec![kb.state(!s.sync_changes()?.0.is_empty())];
        if account.calendar.is_some() {
            states.push(kc.state(!s.sync_event_changes()?.is_empty()));
        }
        states
    };
    if same_home && check_first(&states) {
        report.requests += 1;
        let check = CollectionTokens {
            href: &home,
            with_sync_token: check_wants_token(&states),
        };
        if let Ok(tags) = client.run(&check, "checking for changes").await {
            book_unchanged = kb.unchanged(tags.get(&normalise_collection(book)));
            cal_unchanged = account
                .calendar
                .as_deref()
                .is_none_or(|c| kc.unchanged(tags.get(&normalise_collection(c))));
            seen = tags;
        }
    }
    // Pull.
    let delta = if book_unchanged {
        report.pull_method = "none".into();
        Delta::default()
    } else {
        let d = delta_since(
            client,
            book,
            "the address book",
            &kb.token,
            kb.lists,
            || Ok(lock().dav_items()?.into_iter().map(|i| i.href).collect()),
            &mut report,
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
        lock().dav_etags_of(delta.changed.iter().map(|(h, _)| h.as_str()))?
    };
    let to_fetch: Vec<String> = delta
        .changed
        .iter()
        .filter(|(h, e)| e.is_none() || known.get(h) != Some(e))
        .map(|(h, _)| h.clone())
        .collect();
    let total = to_fetch.len();
    let mut applied = 0;
    for chunk in to_fetch.chunks(BATCH) {
        report.requests += 1;
        let got = client
            .run(
                &libdav::carddav::GetAddressBookResources::new(book).with_hrefs(chunk),
                "fetching changed contacts",
            )
            .await?;
        let cards: Vec<(String, Option<String>, String)> = got
            .resources
            .into_iter()
            .filter_map(|r| r.content.ok().map(|c| (r.href, Some(c.etag), c.data)))
            .collect();
        // Applied a thousand at a time: one transaction each, progress after each, and the
        // store free for the app's reads in between.
        for part in cards.chunks(APPLY) {
            let outcomes = lock().apply_remote_batch(part)?;
            for outcome in outcomes {
                match outcome {
                    PullOutcome::Unreadable(why) => report.unreadable.push(why),
                    PullOutcome::Merged { conflicts } => {
                        report.pulled += 1;
                        report.conflicts += conflicts;
                    }
                    PullOutcome::Unchanged => {}
                    _ => report.pulled += 1,
                }
            }
            applied += part.len();
            progress("pull", applied.min(total), total);
        }
    }
    for href in &delta.deleted {
        if lock().apply_remote_delete(href)? == RemoteDelete::Deleted {
            report.removed_here += 1;
        }
    }
    Kept::pulled(
        &mut lock(),
        BOOK,
        book_unchanged,
        &delta,
        seen.get(&normalise_collection(book)),
    )?;

    // Push.
    let (changes, max) = lock().sync_changes()?;
    let ops = plan_push(&changes);
    let total = ops.len();
    let mut done: Vec<String> = changes
        .iter()
        .filter(|c| !c.live && !c.on_server)
        .map(|c| c.contact_uid.clone())
        .collect();
    for (n, op) in ops.iter().enumerate() {
        match op {
            PushOp::Put(uid) => {
                // Each confirmed push leaves the queue at once, so a run that fails later does
                // not send it again.
                match push_card(store, client, book, uid, &mut report).await {
                    Ok(true) => {
                        let at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
                        lock().mark_synced(max, std::slice::from_ref(uid), &at)?;
                    }
                    Ok(false) => {}
                    // One card the server will not take must not stop every other change.
                    Err(e) if e.kind == "rejected" => {
                        let name = lock()
                            .contact_name_by_uid(uid)?
                            .unwrap_or_else(|| uid.clone());
                        report.refused.push(format!("{name}: {}", e.message));
                    }
                    Err(e) => return Err(e),
                }
            }
            PushOp::Delete(uid) => {
                let item = lock().dav_item(uid)?;
                if let Some(item) = item {
                    let result = delete_object(
                        client,
                        &item.href,
                        item.etag.as_deref(),
                        "a contact",
                        &mut report,
                    )
                    .await;
                    match result {
                        Ok(()) => report.deleted += 1,
                        Err(e) if e.kind == "not_found" => {}
                        Err(e) if e.kind == "conflict" => {
                            // Changed there, deleted here: the edit wins; fetch it back.
                            report.requests += 1;
                            let got = client
                                .run(
                                    &libdav::carddav::GetAddressBookResources::new(book)
                                        .with_hrefs([item.href.as_str()]),
                                    "fetching a changed contact",
                                )
                                .await?;
                            let mut s = lock();
                            for r in got.resources {
                                if let Ok(c) = r.content {
                                    s.apply_remote(&r.href, Some(&c.etag), &c.data)?;
                                    report.pulled += 1;
                                }
                            }
                            done.push(uid.clone());
                            continue;
                        }
                        Err(e) => return Err(e),
                    }
                    lock().forget_item(uid)?;
                }
                done.push(uid.clone());
            }
        }
        progress("push", n + 1, total);
    }
    let at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    lock().mark_synced(max, &done, &at)?;
    if report.pushed > 0 || report.deleted > 0 {
        Kept::pushed(&mut lock(), BOOK)?;
    }
    if let Some(cal) = &account.calendar {
        let checked = Checked {
            kept: &kc,
            unchanged: cal_unchanged,
            seen: seen.get(&normalise_collection(cal)).cloned(),
        };
        sync_events(store, client, cal, now, checked, &mut report).await?;
    }
    if report.refused.is_empty() {
        lock().record_sync(None, &at, None)?;
    } else {
        let msg = format!(
            "{} contacts were refused by the server and stay queued: {}",
            report.refused.len(),
            report.refused.join("; ")
        );
        lock().record_sync(Some(&msg), &at, None)?;
    }
    Ok(report)
}

/// Own events and their invitees in the calendar: pull what changed there, push what changed
/// here. Same shape as the contacts, with "a pending local edit wins" instead of a field merge.
async fn sync_events(
    store: &Mutex<Store>,
    client: &DavClient,
    cal: &str,
    now: DateTime<Utc>,
    checked: Checked<'_>,
    report: &mut SyncReport,
) -> Result<(), DavError> {
    let lock = || store.lock().unwrap_or_else(|p| p.into_inner());
    let Checked {
        kept,
        unchanged,
        seen,
    } = checked;
    let delta = if unchanged {
        Delta::default()
    } else {
        delta_since(
            client,
            cal,
            "the calendar",
            &kept.token,
            kept.lists,
            || Ok(lock().dav_event_etags()?.into_keys().collect()),
            report,
        )
        .await?
    };
    let known = lock().dav_event_etags()?;
    let fetch: Vec<String> = delta
        .changed
        .iter()
        .filter(|(h, e)| e.is_none() || known.get(h) != Some(e))
        .map(|(h, _)| h.clone())
        .collect();
    for chunk in fetch.chunks(BATCH) {
        report.requests += 1;
        let got = client
            .run(
                &libdav::caldav::GetCalendarResources::new(cal).with_hrefs(chunk),
                "fetching changed events",
            )
            .await?;
        let mut s = lock();
        for r in got.resources {
            let Ok(c) = r.content else { continue };
            if let Some(uid) = s.apply_remote_event(&c.data)? {
                s.record_event_item(&uid, &r.href, Some(&c.etag), &c.data)?;
                report.pulled += 1;
            }
        }
    }
    for href in &delta.deleted {
        let uid = lock().dav_event_uid_at(href)?;
        if let Some(uid) = uid
            && !lock().apply_remote_event_delete(&uid)?
        {
            report.removed_here += 1;
        }
    }
    Kept::pulled(&mut lock(), CAL, unchanged, &delta, seen.as_ref())?;
    // Push.
    let done_before = report.pushed + report.deleted;
    let changes = lock().sync_event_changes()?;
    let max = changes.iter().map(|c| c.seq).max().unwrap_or(0);
    let mut seen = std::collections::HashSet::new();
    let at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    for c in &changes {
        if !seen.insert(c.uid.clone()) {
            continue;
        }
        let (object, item) = {
            let s = lock();
            (s.event_object(&c.uid, now)?, s.dav_event_item(&c.uid)?)
        };
        match object {
            Some(obj) => {
                let href = item
                    .as_ref()
                    .map(|i| i.href.clone())
                    .unwrap_or_else(|| href_for(cal, &c.uid).replace(".vcf", ".ics"));
                let mut etag = item.as_ref().and_then(|i| i.etag.clone());
                for attempt in 0..2 {
                    let result = put_object(
                        client,
                        &href,
                        &obj,
                        mime_types::CALENDAR,
                        etag.clone(),
                        "an event",
                        report,
                    )
                    .await;
                    match result {
                        Ok(new_etag) => {
                            lock().record_event_item(&c.uid, &href, new_etag.as_deref(), &obj)?;
                            report.pushed += 1;
                            break;
                        }
                        Err(e) if e.kind == "conflict" && attempt == 0 => {
                            // Changed there too: the local edit wins (the organiser's device).
                            report.requests += 1;
                            etag = client
                                .run(
                                    &libdav::dav::GetEtag::new(&href),
                                    "reading an event's version",
                                )
                                .await
                                .ok()
                                .map(|r| r.etag);
                        }
                        Err(e) => return Err(e),
                    }
                }
            }
            None => {
                if let Some(item) = item {
                    let r =
                        delete_object(client, &item.href, item.etag.as_deref(), "an event", report)
                            .await;
                    match r {
                        Ok(()) => report.deleted += 1,
                        Err(e) if matches!(e.kind, "not_found" | "conflict") => {}
                        Err(e) => return Err(e),
                    }
                    lock().forget_event_item(&c.uid)?;
                }
            }
        }
        lock().mark_events_synced(max, std::slice::from_ref(&c.uid), &at)?;
    }
    if report.pushed + report.deleted > done_before {
        Kept::pushed(&mut lock(), CAL)?;
    }
    Ok(())
}

/// What changed in a collection since `token`: sync-collection, or an ETag listing where the
/// server lacks RFC 6578 (then `lists` remembers it and later syncs list at once) or refuses
/// the token (then the token is dropped and the next sync starts a fresh one). A
/// sync-collection without a token returns every member: our items missing from it were
/// deleted there. `known` gives the hrefs we hold; it is read only when needed (10,000 rows).
async fn delta_since(
    client: &DavClient,
    collection: &str,
    what: &str,
    token: &str,
    lists: bool,
    known: impl FnOnce() -> Result<Vec<String>, DavError>,
    report: &mut SyncReport,
) -> Result<Delta, DavError> {
    if lists && token.is_empty() {
        let mut d = listing_delta(client, collection, what, &known()?, report).await?;
        d.listed = Listed::NoSyncCollection;
        return Ok(d);
    }
    report.requests += 1;
    match client
        .run(
            &SyncCollection {
                href: collection,
                token,
            },
            &format!("syncing {what}"),
        )
        .await
    {
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
            if matches!(e.kind, "forbidden" | "protocol" | "conflict" | "rejected")
                || e.message.contains("409") =>
        {
            // An expired token (403/409 valid-sync-token) or no RFC 6578: compare ETags instead.
            let mut d = listing_delta(client, collection, what, &known()?, report).await?;
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
async fn listing_delta(
    client: &DavClient,
    collection: &str,
    what: &str,
    known: &[String],
    report: &mut SyncReport,
) -> Result<Delta, DavError> {
    report.requests += 1;
    let listed = client
        .run(
            &libdav::dav::ListResources::new(collection),
            &format!("listing {what}"),
        )
        .await?;
    let on_server: std::collections::HashSet<&str> =
        listed.resources.iter().map(|r| r.href.as_str()).collect();
    Ok(Delta {
        changed: listed
            .resources
            .iter()
            .filter(|r| !r.href.ends_with('/'))
            .map(|r| (r.href.clone(), r.etag.clone()))
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

/// One conditional DELETE: `If-Match` with the known ETag, else unconditional.
async fn delete_object(
    client: &DavClient,
    href: &str,
    etag: Option<&str>,
    what: &str,
    report: &mut SyncReport,
) -> Result<(), DavError> {
    let del = libdav::dav::Delete::new(href);
    let deleting = format!("deleting {what}");
    report.requests += 1;
    match etag {
        Some(e) => client.run(&del.with_etag(e), &deleting).await.map(|_| ()),
        None => client.run(&del.force(), &deleting).await.map(|_| ()),
    }
}

/// One conditional PUT: `If-Match` with the known ETag, else `If-None-Match: *`. Returns the
/// ETag the server gave the stored version (asking for it when the PUT's answer had none).
async fn put_object(
    client: &DavClient,
    href: &str,
    body: &str,
    mime: &str,
    etag: Option<String>,
    what: &str,
    report: &mut SyncReport,
) -> Result<Option<String>, DavError> {
    let put = libdav::dav::PutResource::new(href);
    let saving = format!("saving {what}");
    report.requests += 1;
    let resp = match etag {
        Some(e) => client.run(&put.update(body, mime, e), &saving).await?,
        None => client.run(&put.create(body, mime), &saving).await?,
    };
    Ok(match resp.etag {
        Some(e) => Some(e),
        None => {
            report.requests += 1;
            client
                .run(
                    &libdav::dav::GetEtag::new(href),
                    &format!("reading {what}'s version"),
                )
                .await
                .ok()
                .map(|r| r.etag)
        }
    })
}

/// Creates or updates one card; on 412 merges with the server's version and tries once more.
/// Returns whether the server confirmed it.
async fn push_card(
    store: &Mutex<Store>,
    client: &DavClient,
    book: &str,
    uid: &str,
    report: &mut SyncReport,
) -> Result<bool, DavError> {
    let lock = || store.lock().unwrap_or_else(|p| p.into_inner());
    for attempt in 0..2 {
        let (card, item) = {
            let s = lock();
            (s.card_for_push(uid)?, s.dav_item(uid)?)
        };
        let Some(card) = card else { return Ok(true) };
        let card = if lock().setting("dav_vcard_version")?.as_deref() == Some("3.0") {
            lock()
                .card_for_push_as(uid, vernetzt_core::vcard::Version::V3)?
                .unwrap_or(card)
        } else {
            card
        };
        let href = item
            .as_ref()
            .map(|i| i.href.clone())
            .unwrap_or_else(|| href_for(book, uid));
        let result = put_object(
            client,
            &href,
            &card,
            mime_types::ADDRESSBOOK,
            item.as_ref().and_then(|i| i.etag.clone()),
            "a contact",
            report,
        )
        .await;
        match result {
            Ok(etag) => {
                lock().record_item(uid, &href, etag.as_deref(), &card)?;
                report.pushed += 1;
                return Ok(true);
            }
            Err(e) if e.status == Some(415) && attempt == 0 => {
                // A server that takes only vCard 3.0: remember it and send 3.0 from now on.
                lock().set_setting("dav_vcard_version", "3.0")?;
            }
            Err(e) if e.kind == "conflict" && attempt == 0 => {
                // Changed (or, after a crash, already created) on the server: merge and retry.
                report.requests += 1;
                let got = client
                    .run(
                        &libdav::carddav::GetAddressBookResources::new(book)
                            .with_hrefs([href.as_str()]),
                        "fetching a changed contact",
                    )
                    .await?;
                let mut s = lock();
                for r in got.resources {
                    if let Ok(c) = r.content
                        && let PullOutcome::Merged { conflicts } =
                            s.apply_remote(&r.href, Some(&c.etag), &c.data)?
                    {
                        report.conflicts += conflicts;
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(false)
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
    let lock = || store.lock().unwrap_or_else(|p| p.into_inner());
    let (account, status) = {
        let s = lock();
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
            .map_err(|e| DavError::new("keyring", e.to_string()))?
            .ok_or_else(|| {
                DavError::new(
                    "keyring",
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
            lock().record_sync(Some(&e.message), &at, Some(&retry))?;
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
            "auth",
            "the password or app token is missing",
        ));
    }
    let mut acc = discover(url, user, password, with_calendar).await?;
    if let Some(b) = addressbook.filter(|b| !b.trim().is_empty()) {
        acc.addressbook = b.trim().to_string();
    }
    secrets
        .set(&secret_account(url, user), password)
        .map_err(|e| DavError::new("keyring", e.to_string()))?;
    store
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .set_dav_account(&acc)?;
    Ok(acc)
}
