//! The real server: [`Remote`] with libdav's sans-IO requests sent over reqwest, so the app
//! keeps one HTTP stack and one TLS configuration.

use super::error::{status_error, transport_error};
use super::xml::{CollectionTokens, SyncCollection, Vcard4Multiget, write_refusal};
use super::{DavError, DavErrorKind as Kind, Delta, Fetched, Found, Remote, Reply, Tags};
use crate::loopback::{is_local_or_private, is_loopback};
use crate::resolve::{GuardedResolver, Lookup, Origin, SystemLookup};
use http::Uri;
use libdav::dav::mime_types;
use libdav::names;
use libdav::requests::DavRequest;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use url::Url;
use vernetzt_core::store::Collection;
use vernetzt_core::sync::is_failure;

/// A connection to the server: base URL, login, HTTP client.
pub struct DavClient {
    http: reqwest::Client,
    base: Url,
    user: String,
    password: String,
}

/// Redirects keep to the rule of the address itself: https, plain http only to this machine, at
/// most five hops; and a redirect from a server elsewhere never leads to this machine or a
/// private network (an intranet server may redirect within the intranet). A server cannot move
/// the sync, and its password, to plain text or into the user's own network.
fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let refusal = attempt
            .previous()
            .first()
            .and_then(|first| hop_refusal(first, attempt.url(), attempt.previous().len()));
        match refusal {
            Some(why) => attempt.error(why),
            None => attempt.follow(),
        }
    })
}

/// Why the redirect to `next` is not followed, when the chain began at `first` and `hops`
/// redirects came before; `None` when it may be followed.
fn hop_refusal(first: &Url, next: &Url, hops: usize) -> Option<String> {
    let to = format!("{}://{}", next.scheme(), next.host_str().unwrap_or(""));
    if hops >= 5 {
        Some("more than five redirects".into())
    } else if !is_local_or_private(first) && is_local_or_private(next) {
        Some(format!(
            "the server redirected to {to}, an address of this computer or a private network; \
             a server elsewhere is not followed there"
        ))
    } else if next.scheme() == "https" || (next.scheme() == "http" && is_loopback(next)) {
        None
    } else {
        Some(format!(
            "the server redirected to {to}; only https (plain http only to this machine) is followed"
        ))
    }
}

/// Reads a body in chunks up to [`vernetzt_core::rules::MAX_DAV_ANSWER_BYTES`], counted after
/// reqwest unpacked gzip, so neither an endless body nor a gzip bomb can fill the memory.
async fn read_bounded(mut resp: reqwest::Response, what: &str) -> Result<Vec<u8>, DavError> {
    let limit = vernetzt_core::rules::MAX_DAV_ANSWER_BYTES;
    let declared = resp.content_length().unwrap_or(0) as usize;
    let mut body = Vec::with_capacity(declared.min(limit).min(1024 * 1024));
    while let Some(chunk) = resp.chunk().await.map_err(|e| transport_error(&e, what))? {
        if body.len() + chunk.len() > limit {
            return Err(DavError::new(
                Kind::Protocol,
                format!(
                    "the server's answer for {what} is larger than {} MB (after unpacking);                      Vernetzt stopped reading it",
                    limit / (1024 * 1024)
                ),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Refuses a listing or delta that names more members than [`vernetzt_core::rules::MAX_DAV_HREFS`].
fn check_count(n: usize, what: &str) -> Result<(), DavError> {
    let max = vernetzt_core::rules::MAX_DAV_HREFS;
    if n > max {
        return Err(DavError::new(
            Kind::Protocol,
            format!("the server names {n} members for {what}; more than {max} are not read"),
        ));
    }
    Ok(())
}

/// One response: status, headers and body.
struct Raw {
    parts: http::response::Parts,
    body: Vec<u8>,
}

impl DavClient {
    /// A client for `url` (https, or http only to loopback). An https server's certificate is
    /// checked against the system's roots and the CA file [`EXTRA_CA_ENV`] names, if any.
    pub fn new(url: &str, user: &str, password: &str) -> Result<DavClient, DavError> {
        Self::with_lookup(url, user, password, Arc::new(SystemLookup))
    }

    /// [`DavClient::new`] with names resolved by `lookup` (tests map names to their own
    /// addresses). Whatever resolves them, a name other than the server's own that leads into
    /// this computer or a private network is refused unless the server is there too
    /// ([`crate::resolve`]).
    pub fn with_lookup(
        url: &str,
        user: &str,
        password: &str,
        lookup: Arc<dyn Lookup>,
    ) -> Result<DavClient, DavError> {
        let base = Url::parse(url.trim()).map_err(|e| {
            DavError::new(Kind::Url, format!("'{url}' is not a server address ({e})"))
        })?;
        match base.scheme() {
            "https" => {}
            "http" if is_loopback(&base) => {}
            "http" => {
                return Err(DavError::new(
                    Kind::Url,
                    "the server address must start with https:// (plain http only to this machine)",
                ));
            }
            s => return Err(DavError::new(Kind::Url, format!("'{s}://' is not http(s)"))),
        }
        let mut builder = reqwest::Client::builder();
        if base.scheme() == "http" {
            // Plain http is allowed only to this machine, so no TLS is ever set up: an empty
            // root store spares reading every system CA certificate (20 to 60 ms a process,
            // most of a no-change sync's own time).
            builder = builder.tls_certs_only(std::iter::empty());
        } else if let Some(certs) = extra_ca()? {
            builder = builder.tls_certs_merge(certs);
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
            .redirect(redirect_policy())
            .dns_resolver(GuardedResolver::new(lookup, Some(Origin::of(&base))))
            .user_agent(concat!("Vernetzt/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| DavError::new(Kind::Tls, format!("TLS could not be set up: {e}")))?;
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
            .map_err(|e| DavError::new(Kind::Protocol, format!("bad request for {what}: {e}")))?;
        let auth = {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .encode(format!("{}:{}", self.user, self.password))
        };
        req.headers_mut().insert(
            http::header::AUTHORIZATION,
            http::HeaderValue::from_str(&format!("Basic {auth}")).map_err(|_| {
                DavError::new(
                    Kind::Auth,
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
        let body = read_bounded(resp, what).await?;
        let mut b = http::Response::builder().status(status.as_u16());
        for (k, v) in &headers {
            b = b.header(k, v);
        }
        let (parts, _) = b.body(()).expect("copied response").into_parts();
        Ok(Raw { parts, body })
    }

    /// Prepares and sends one libdav request.
    async fn exchange<R: DavRequest>(&self, r: &R, what: &str) -> Result<Raw, DavError> {
        let req = r
            .prepare_request(self.base_uri())
            .map_err(|e| DavError::new(Kind::Protocol, format!("bad request for {what}: {e}")))?;
        self.send(req, what).await
    }

    /// Runs one libdav request; 401, 403, 404, 412 and 5xx become [`DavError`]s.
    async fn run<R>(&self, r: &R, what: &str) -> Result<R::Response, DavError>
    where
        R: DavRequest,
        R::ParseError: std::fmt::Display,
    {
        let raw = self.exchange(r, what).await?;
        let s = raw.parts.status.as_u16();
        if is_failure(s) {
            return Err(status_error(s, what, raw.retry_after()));
        }
        r.parse_response(&raw.parts, &raw.body)
            .map_err(|e| DavError::new(Kind::Protocol, format!("{what}: {e}")))
    }
}

/// The environment variable naming a PEM file of CA certificates the sync trusts besides the
/// system's (docs/security.md): an authority's internal CA on a machine whose system store
/// lacks it, and the tests' own CA for their TLS server. Added to the system's roots, never
/// instead of them; read for https servers only.
pub const EXTRA_CA_ENV: &str = "VERNETZT_EXTRA_CA";

/// The certificates of [`EXTRA_CA_ENV`], when it is set. A file that cannot be read or holds
/// no certificate is an error, not silently ignored: the user meant to trust something.
fn extra_ca() -> Result<Option<Vec<reqwest::Certificate>>, DavError> {
    let Some(path) = std::env::var_os(EXTRA_CA_ENV).filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    let shown = std::path::Path::new(&path).display().to_string();
    let bad = |why: String| DavError::new(Kind::Tls, format!("{EXTRA_CA_ENV}={shown}: {why}"));
    let pem = std::fs::read(&path).map_err(|e| bad(e.to_string()))?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| bad(e.to_string()))?;
    if certs.is_empty() {
        return Err(bad("no PEM certificate in the file".into()));
    }
    Ok(Some(certs))
}

impl Raw {
    /// `Retry-After` in seconds, when the server sent it as a number.
    fn retry_after(&self) -> Option<u64> {
        self.parts
            .headers
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok())
    }
}

impl DavClient {
    /// Sends a write and returns its status as a [`Reply`]; a success is read by libdav (which
    /// also turns a calendar's refused-component precondition into an error).
    async fn write<R>(
        &self,
        r: &R,
        what: &str,
        etag_of: fn(&R::Response) -> Option<String>,
    ) -> Result<Reply, DavError>
    where
        R: DavRequest,
        R::ParseError: std::fmt::Display,
    {
        let raw = self.exchange(r, what).await?;
        let mut status = raw.parts.status.as_u16();
        let mut precondition = None;
        if status == 207 || !raw.parts.status.is_success() {
            // Not stored: what the body says (the status inside a 207, the precondition).
            let (inner, named) = write_refusal(&raw.body);
            if status == 207 {
                status = inner.filter(|s| !(200..=299).contains(s)).unwrap_or(207);
            }
            precondition = named;
        }
        let mut reply = Reply {
            status,
            etag: None,
            retry_after: raw.retry_after(),
            precondition,
        };
        if (200..=299).contains(&status) && status != 207 {
            let parsed = r
                .parse_response(&raw.parts, &raw.body)
                .map_err(|e| DavError::new(Kind::Protocol, format!("{what}: {e}")))?;
            reply.etag = etag_of(&parsed);
        }
        Ok(reply)
    }
}

impl Remote for DavClient {
    async fn discover(&self, with_calendar: bool) -> Result<Found, DavError> {
        let given = self.base.path().to_string();
        let mut principal = None;
        for start in [given.as_str(), "/.well-known/carddav", "/"] {
            let r = libdav::dav::FindPropertyHrefs::new(start, &names::CURRENT_USER_PRINCIPAL);
            match self.run(&r, "finding your account").await {
                Ok(resp) => {
                    if let Some(h) = resp.hrefs.first() {
                        principal = Some(h.path().to_string());
                        break;
                    }
                }
                Err(e)
                    if matches!(
                        e.kind,
                        Kind::Auth | Kind::Tls | Kind::Network | Kind::Timeout
                    ) =>
                {
                    return Err(e);
                }
                Err(_) => {}
            }
        }
        let principal = principal.ok_or_else(|| {
            DavError::new(
                Kind::NotFound,
                "the server names no account (current-user-principal); is this a CardDAV server?",
            )
        })?;
        let homes = self
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
        let books = self
            .run(
                &libdav::carddav::FindAddressBooks::new(&home),
                "listing your address books",
            )
            .await?;
        let addressbook = match books.addressbooks.first() {
            Some(b) => b.href.clone(),
            None => {
                let href = format!("{}/vernetzt/", home.trim_end_matches('/'));
                self.run(
                    &libdav::carddav::CreateAddressBook::new(&href).with_display_name("Vernetzt"),
                    "creating the address book",
                )
                .await?;
                href
            }
        };
        if !with_calendar {
            return Ok(Found {
                addressbook,
                calendar: None,
            });
        }
        let calendar = match self
            .run(
                &libdav::caldav::FindCalendarHomeSet::new(&principal),
                "finding your calendars",
            )
            .await
        {
            Ok(h) => match h.home_sets.first() {
                Some(home) => {
                    let found = self
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
                            self.run(
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
        Ok(Found {
            addressbook,
            calendar,
        })
    }

    async fn check(
        &self,
        home: &str,
        with_sync_token: bool,
    ) -> Result<HashMap<String, Tags>, DavError> {
        let check = CollectionTokens {
            href: home,
            with_sync_token,
        };
        self.run(&check, "checking for changes").await
    }

    async fn sync_collection(
        &self,
        href: &str,
        token: &str,
        what: &str,
    ) -> Result<Delta, DavError> {
        let delta = self
            .run(&SyncCollection { href, token }, &format!("syncing {what}"))
            .await?;
        check_count(delta.changed.len() + delta.deleted.len(), what)?;
        Ok(delta)
    }

    async fn list(
        &self,
        href: &str,
        what: &str,
    ) -> Result<Vec<(String, Option<String>)>, DavError> {
        let listed = self
            .run(
                &libdav::dav::ListResources::new(href),
                &format!("listing {what}"),
            )
            .await?;
        check_count(listed.resources.len(), what)?;
        Ok(listed
            .resources
            .into_iter()
            .map(|r| (r.href, r.etag))
            .collect())
    }

    async fn multiget(
        &self,
        collection: &str,
        kind: Collection,
        hrefs: &[String],
        what: &str,
    ) -> Result<Vec<Fetched>, DavError> {
        let resources = match kind {
            Collection::Contacts => {
                self.run(
                    &Vcard4Multiget(
                        libdav::carddav::GetAddressBookResources::new(collection).with_hrefs(hrefs),
                    ),
                    what,
                )
                .await?
                .resources
            }
            Collection::Events => {
                self.run(
                    &libdav::caldav::GetCalendarResources::new(collection).with_hrefs(hrefs),
                    what,
                )
                .await?
                .resources
            }
        };
        Ok(resources
            .into_iter()
            .filter_map(|r| {
                r.content.ok().map(|c| Fetched {
                    href: r.href,
                    etag: c.etag,
                    data: c.data,
                })
            })
            .collect())
    }

    async fn put(
        &self,
        href: &str,
        body: &str,
        kind: Collection,
        etag: Option<&str>,
        what: &str,
    ) -> Result<Reply, DavError> {
        let mime = match kind {
            Collection::Contacts => mime_types::ADDRESSBOOK,
            Collection::Events => mime_types::CALENDAR,
        };
        let put = libdav::dav::PutResource::new(href);
        let saving = format!("saving {what}");
        match etag {
            Some(e) => {
                self.write(&put.update(body, mime, e), &saving, |r| r.etag.clone())
                    .await
            }
            None => {
                self.write(&put.create(body, mime), &saving, |r| r.etag.clone())
                    .await
            }
        }
    }

    async fn delete(&self, href: &str, etag: Option<&str>, what: &str) -> Result<Reply, DavError> {
        let del = libdav::dav::Delete::new(href);
        let deleting = format!("deleting {what}");
        match etag {
            Some(e) => self.write(&del.with_etag(e), &deleting, |_| None).await,
            None => self.write(&del.force(), &deleting, |_| None).await,
        }
    }

    async fn etag(&self, href: &str, what: &str) -> Result<String, DavError> {
        Ok(self
            .run(
                &libdav::dav::GetEtag::new(href),
                &format!("reading {what}'s version"),
            )
            .await?
            .etag)
    }
}

#[cfg(test)]
mod tests {
    use super::hop_refusal;
    use url::Url;

    fn refusal(first: &str, next: &str, hops: usize) -> Option<String> {
        hop_refusal(
            &Url::parse(first).unwrap(),
            &Url::parse(next).unwrap(),
            hops,
        )
    }

    #[test]
    fn redirects_keep_to_https_and_out_of_the_users_network() {
        let remote = "https://dav.example/remote.php/dav/";
        assert_eq!(refusal(remote, "https://cloud.example/dav/", 0), None);
        assert_eq!(
            refusal("http://127.0.0.1:5232/", "http://localhost:5232/x/", 1),
            None
        );
        assert_eq!(
            refusal("https://10.0.0.5/dav/", "https://10.0.0.6/dav/", 0),
            None,
            "intranet"
        );
        for (next, words) in [
            ("http://cloud.example/dav/", "only https"),
            ("https://127.0.0.1/dav/", "private network"),
            ("https://192.168.1.10/", "private network"),
            ("https://169.254.169.254/latest/", "private network"),
            ("https://[::1]:8443/", "private network"),
        ] {
            let why = refusal(remote, next, 0).unwrap_or_default();
            assert!(why.contains(words), "{next}: {why}");
        }
        assert!(
            refusal(remote, "https://cloud.example/", 5).is_some(),
            "six hops"
        );
    }
}
