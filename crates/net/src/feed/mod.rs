//! Fetching an iCalendar feed over HTTP(S).
//!
//! A feed subscription is an address the user pasted (often `webcal://…`), polled again and again
//! in the background. The rules here protect the user from what such an address can do to them:
//!
//! - **Only encrypted connections**, because feed addresses and their logins often carry secrets
//!   (private calendar tokens, passwords). `http://` is allowed only for this computer (loopback),
//!   which local tools and tests need and which never leaves the machine. The rule is applied to
//!   the address and to every redirect hop.
//! - **Bounded everything**: redirects, time and size, so a broken or hostile server cannot hang
//!   the app or fill the disk.
//! - **Conditional GET** (`If-None-Match`, `If-Modified-Since`), so polling an unchanged feed
//!   costs a 304 and no parsing.
//! - **Errors in plain words** that name the address and what to do, and that never contain the
//!   feed's password or token; [`FetchError::kind`] gives the UI a stable key.
//!
//! Here: the request, its limits and the fetch; `address.rs` holds the address rules,
//! `error.rs` what can go wrong, in plain words; their public items are re-exported here.

use std::time::{Duration, SystemTime};

use reqwest::header::{
    ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, ETAG, HeaderMap, HeaderValue, IF_MODIFIED_SINCE,
    IF_NONE_MATCH, LAST_MODIFIED, RETRY_AFTER,
};
use reqwest::{StatusCode, redirect};
use std::fmt;
use url::Url;

mod address;
pub(crate) mod error;

pub use address::{
    check_feed_url, check_private_hop, check_redirect, normalize_feed_url, take_credentials,
};
pub use error::{FetchError, TlsProblem};

use address::shown;
use error::{map_error, root_cause};

/// The `User-Agent` we send, so feed operators can see who polls them (and contact us if our
/// polling misbehaves) without learning anything about the user.
pub const USER_AGENT: &str = concat!("Vernetzt/", env!("CARGO_PKG_VERSION"));

/// What we accept: calendars first; anything else is tolerated because many servers label
/// feeds `text/plain` or `application/octet-stream`.
const ACCEPT_VALUE: &str = "text/calendar, text/plain;q=0.8, */*;q=0.5";

/// One fetch of one subscribed feed: the address and what we remember from the last fetch.
///
/// The caller keeps `etag` and `last_modified` from the previous [`FetchOutcome::Fetched`] and
/// passes them back, so an unchanged feed answers 304 instead of sending the whole calendar again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedRequest {
    /// The address as the user entered it (`webcal://`, `webcals://`, `https://`, or `http://`
    /// for this computer only); [`normalize_feed_url`] is applied to it.
    pub url: String,
    /// The `ETag` the server sent last time, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` the server sent last time, sent back as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// The login for protected feeds; read it from the keyring ([`crate::Secrets`]) just before
    /// the fetch and drop it after, so it is never stored anywhere else.
    pub auth: Option<Auth>,
}

/// How to log in to a protected feed.
///
/// Its `Debug` output never shows the password or token, so a request can be logged or shown in
/// a panic message without leaking the secret.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// HTTP Basic authentication (user name and password), what most calendar servers use.
    Basic {
        /// The user name; not secret, shown in `Debug`.
        user: String,
        /// The password; never shown.
        password: String,
    },
    /// A bearer token (`Authorization: Bearer …`), for servers that hand out API tokens.
    Bearer(String),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Basic { user, .. } => f
                .debug_struct("Basic")
                .field("user", user)
                .field("password", &"<redacted>")
                .finish(),
            Auth::Bearer(_) => f.debug_tuple("Bearer").field(&"<redacted>").finish(),
        }
    }
}

/// The hard limits of a fetch. Defaults suit real calendar feeds with a wide margin: the largest
/// public holiday and school calendars are a few MB, and a healthy server answers in seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The largest body we read, in bytes (default 20 MiB). Checked against `Content-Length`
    /// before reading and again while reading, since a server may send no length or a false one.
    pub max_bytes: u64,
    /// The whole request, from connecting to the last byte of the body (default 30 s).
    pub timeout: Duration,
    /// Connecting, including the TLS handshake (default 10 s), so a dead host fails fast.
    pub connect_timeout: Duration,
    /// How many redirects we follow (default 5); more is a misconfigured server or a loop.
    pub max_redirects: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 20 * 1024 * 1024,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_redirects: 5,
        }
    }
}

/// What a fetch brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchOutcome {
    /// The server said 304: the feed has not changed since the `etag`/`last_modified` we sent,
    /// so there is nothing to parse or store.
    NotModified,
    /// The feed's bytes (not yet parsed or checked beyond "not a web page") and what to remember
    /// for the next conditional fetch.
    Fetched {
        /// The raw body, at most [`Limits::max_bytes`] long.
        body: Vec<u8>,
        /// The `ETag` header, to send back next time as `If-None-Match`.
        etag: Option<String>,
        /// The `Last-Modified` header, to send back next time as `If-Modified-Since`.
        last_modified: Option<String>,
        /// The address after redirects; callers may offer to update the subscription when a
        /// server has moved the feed permanently.
        final_url: String,
        /// The `Content-Type` header as sent, for diagnostics (servers often get it wrong, so
        /// the parser must not rely on it).
        content_type: Option<String>,
    },
}

/// Builds the HTTP client for feeds, meant to be built once and shared (it pools connections).
///
/// It carries the limits that reqwest applies per client: timeouts, and a redirect policy that
/// allows at most [`Limits::max_redirects`] hops and applies [`check_redirect`] to each. It sends
/// no `Referer` (feed addresses often contain private tokens that must not leak to the next
/// hop); reqwest itself drops `Authorization` when a redirect goes to another host. Certificates
/// are checked against the operating system's trust store (rustls-platform-verifier), so
/// company CAs installed on the machine work.
///
/// Host names are resolved by the system; one that leads into this computer or a private network
/// is refused unless the feed's own server is there too ([`crate::resolve`], judged per fetch).
pub fn client(limits: &Limits) -> Result<reqwest::Client, FetchError> {
    client_with_lookup(limits, std::sync::Arc::new(crate::resolve::SystemLookup))
}

/// [`client`] with names resolved by `lookup` (tests map names to their own addresses).
pub fn client_with_lookup(
    limits: &Limits,
    lookup: std::sync::Arc<dyn crate::resolve::Lookup>,
) -> Result<reqwest::Client, FetchError> {
    reqwest::Client::builder()
        .dns_resolver(crate::resolve::GuardedResolver::new(lookup, None))
        .user_agent(USER_AGENT)
        .connect_timeout(limits.connect_timeout)
        .timeout(limits.timeout)
        .redirect(redirect_policy(limits.max_redirects))
        .referer(false)
        .build()
        .map_err(|err| FetchError::TlsSetup {
            detail: root_cause(&err),
        })
}

fn redirect_policy(max: usize) -> redirect::Policy {
    redirect::Policy::custom(move |attempt| {
        let previous = attempt.previous();
        let verdict = if previous.len() > max {
            Err(FetchError::TooManyRedirects {
                url: previous.first().map(shown).unwrap_or_default(),
                max,
            })
        } else {
            match previous.last() {
                Some(from) => check_redirect(from, attempt.url()).and_then(|()| {
                    previous
                        .first()
                        .map_or(Ok(()), |first| check_private_hop(first, attempt.url()))
                }),
                None => check_feed_url(attempt.url()),
            }
        };
        match verdict {
            Ok(()) => attempt.follow(),
            Err(err) => attempt.error(err),
        }
    })
}

/// Fetches one feed: conditional GET, redirects, limits, and the checks that the answer is a
/// calendar and not a web page.
///
/// `limits.timeout` and `limits.max_bytes` are applied here per request; connect timeout and
/// redirects come from the [`client`] (build it with the same limits). The body is read chunk by
/// chunk and abandoned as soon as it passes `max_bytes`, whatever `Content-Length` said.
pub async fn fetch_feed(
    client: &reqwest::Client,
    req: &FeedRequest,
    limits: &Limits,
) -> Result<FetchOutcome, FetchError> {
    let url = normalize_feed_url(&req.url)?;
    // The feed's own server is the origin names are judged by, for this fetch and its redirects.
    crate::resolve::with_origin(&url, fetch_from(client, url.clone(), req, limits)).await
}

async fn fetch_from(
    client: &reqwest::Client,
    mut url: Url,
    req: &FeedRequest,
    limits: &Limits,
) -> Result<FetchOutcome, FetchError> {
    if req.auth.is_some() {
        // An explicit login wins over one written into the address.
        let _ = url.set_username("");
        let _ = url.set_password(None);
    }
    let mut builder = client
        .get(url.clone())
        .timeout(limits.timeout)
        .header(ACCEPT, ACCEPT_VALUE);
    if let Some(value) = req.etag.as_deref().and_then(header_value) {
        builder = builder.header(IF_NONE_MATCH, value);
    }
    if let Some(value) = req.last_modified.as_deref().and_then(header_value) {
        builder = builder.header(IF_MODIFIED_SINCE, value);
    }
    builder = match &req.auth {
        Some(Auth::Basic { user, password }) => builder.basic_auth(user, Some(password)),
        Some(Auth::Bearer(token)) => builder.bearer_auth(token),
        None => builder,
    };

    let mut response = builder
        .send()
        .await
        .map_err(|err| map_error(&err, &url, limits))?;
    let final_url = response.url().clone();
    // The redirect policy already checked every hop; this guards against a policy change.
    check_feed_url(&final_url)?;
    let at = shown(&final_url);
    let headers = response.headers();

    let status = response.status();
    if status == StatusCode::NOT_MODIFIED {
        return Ok(FetchOutcome::NotModified);
    }
    if !status.is_success() {
        let code = status.as_u16();
        return Err(match code {
            401 | 403 => FetchError::Unauthorized {
                url: at,
                status: code,
            },
            404 | 410 => FetchError::NotFound {
                url: at,
                status: code,
            },
            500..=599 => FetchError::ServerError {
                url: at,
                status: code,
                retry_after: retry_after(headers),
            },
            _ => FetchError::HttpStatus {
                url: at,
                status: code,
                retry_after: retry_after(headers),
            },
        });
    }

    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .or_else(|| response.content_length());
    if let Some(size) = declared.filter(|size| *size > limits.max_bytes) {
        return Err(FetchError::TooLarge {
            url: at,
            limit: limits.max_bytes,
            declared: Some(size),
        });
    }
    let content_type = header_string(headers, CONTENT_TYPE.as_str());
    if content_type.as_deref().is_some_and(is_html_type) {
        return Err(FetchError::NotCalendar { url: at });
    }
    let etag = header_string(headers, ETAG.as_str());
    let last_modified = header_string(headers, LAST_MODIFIED.as_str());

    let capacity = declared.unwrap_or(64 * 1024).min(limits.max_bytes);
    let mut body = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|err| map_error(&err, &final_url, limits))?
    {
        if (body.len() as u64).saturating_add(chunk.len() as u64) > limits.max_bytes {
            return Err(FetchError::TooLarge {
                url: at,
                limit: limits.max_bytes,
                declared: None,
            });
        }
        body.extend_from_slice(&chunk);
    }
    if looks_like_html(&body) {
        return Err(FetchError::NotCalendar { url: at });
    }
    Ok(FetchOutcome::Fetched {
        body,
        etag,
        last_modified,
        final_url: final_url.to_string(),
        content_type,
    })
}

/// A stored validator as a header value; one that cannot be sent (control characters from a
/// damaged database) is skipped, which costs one full download instead of failing the feed.
fn header_value(value: &str) -> Option<HeaderValue> {
    HeaderValue::from_str(value.trim())
        .ok()
        .filter(|v| !v.is_empty())
}

fn header_string(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// `Retry-After` as seconds from now; it may be a number of seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<u64> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(secs);
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .map(|d| d.as_secs())
            .unwrap_or(0),
    )
}

fn is_html_type(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("text/html")
        || essence.eq_ignore_ascii_case("application/xhtml+xml")
}

/// Whether a body is an HTML page: after a UTF-8 byte order mark and whitespace, it starts with
/// `<!doctype html` or `<html` (any case). Servers send login and error pages with status 200
/// and sometimes with a calendar content type, so the bytes decide.
pub fn looks_like_html(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let body = &body[start..];
    let starts_with = |prefix: &[u8]| {
        body.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    starts_with(b"<!doctype html") || starts_with(b"<html")
}
