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

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::time::{Duration, SystemTime};

use crate::loopback::is_loopback;
use reqwest::header::{
    ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, ETAG, HeaderMap, HeaderValue, IF_MODIFIED_SINCE,
    IF_NONE_MATCH, LAST_MODIFIED, RETRY_AFTER,
};
use reqwest::{StatusCode, redirect};
use url::Url;

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

/// What exactly went wrong in a TLS (https) handshake, as far as the TLS library tells us. Each
/// case needs a different action from the user, which is why we distinguish them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsProblem {
    /// The certificate is not signed by an authority this computer trusts (self-signed, or a
    /// company's TLS-inspecting proxy whose certificate is not installed).
    Untrusted,
    /// The certificate's validity has ended.
    Expired,
    /// The certificate is not valid yet, which usually means this computer's clock is wrong.
    NotYetValid,
    /// The certificate is for another host name.
    WrongName,
    /// The certificate authority has revoked the certificate.
    Revoked,
    /// Another certificate problem (bad signature, unsupported algorithm, wrong purpose).
    BadCertificate,
    /// The handshake itself failed: the server does not speak https on that port, or the
    /// connection broke during the handshake.
    Handshake,
}

impl TlsProblem {
    fn sentence(self) -> &'static str {
        match self {
            TlsProblem::Untrusted => {
                "the server's certificate is not trusted by this computer (it is self-signed or \
                 from an unknown authority; behind a company proxy, its certificate may need to \
                 be installed)"
            }
            TlsProblem::Expired => "the server's certificate has expired",
            TlsProblem::NotYetValid => {
                "the server's certificate is not valid yet (check this computer's date and time)"
            }
            TlsProblem::WrongName => "the server's certificate is for another name",
            TlsProblem::Revoked => "the server's certificate has been revoked",
            TlsProblem::BadCertificate => "the server's certificate is not valid",
            TlsProblem::Handshake => {
                "the secure connection could not be set up (the server may not speak https at \
                 this address and port)"
            }
        }
    }
}

/// Why a feed could not be fetched.
///
/// Every message is a plain-words English sentence that names the address or host and says what
/// to do, because it is shown to users as it is; the UI keys translations and icons on
/// [`FetchError::kind`]. Addresses in messages have any password removed, and the feed's
/// [`Auth`] never reaches an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The text is not a web address at all.
    #[error(
        "\"{input}\" is not a usable feed address ({reason}); enter the full address, starting \
         with https:// or webcal://."
    )]
    InvalidUrl {
        /// What the user entered (with any password removed).
        input: String,
        /// What is wrong with it, in plain words.
        reason: String,
    },
    /// The address uses a scheme we do not fetch (ftp, file, mailto, …).
    #[error(
        "The address {url} uses \"{scheme}:\", which Vernetzt cannot subscribe to; use an \
         https:// or webcal:// address."
    )]
    UnsupportedScheme {
        /// The address.
        url: String,
        /// Its scheme.
        scheme: String,
    },
    /// Plain `http://` to another computer, or a redirect to one.
    #[error("{}", insecure_message(url, redirected_from.as_deref()))]
    Insecure {
        /// The unencrypted address.
        url: String,
        /// The address that redirected to it, if it came from a redirect.
        redirected_from: Option<String>,
    },
    /// The host name does not resolve.
    #[error(
        "The server name {host} could not be found; check the address for typos and that this \
         computer is online."
    )]
    Dns {
        /// The host name.
        host: String,
    },
    /// No connection to the server (refused, unreachable, or broken off while loading).
    #[error(
        "Could not load the feed from {host}: {detail}. Check the address and that this \
         computer is online; if it is, the server may be down (try again later)."
    )]
    Connect {
        /// The host.
        host: String,
        /// What happened, in plain words where we can.
        detail: String,
    },
    /// The https handshake failed; see [`TlsProblem`].
    #[error(
        "Could not connect securely to {host}: {}. Check the address; if it is right, the \
         server's operator must fix this.", problem.sentence()
    )]
    Tls {
        /// The host.
        host: String,
        /// What was wrong.
        problem: TlsProblem,
    },
    /// Secure connections could not be set up on this computer at all (no usable certificate
    /// store), so no https fetch can work.
    #[error(
        "Vernetzt could not set up secure (https) connections on this computer ({detail}); \
         check that the system's certificates (package ca-certificates) are installed."
    )]
    TlsSetup {
        /// The underlying problem.
        detail: String,
    },
    /// The server did not answer, or not completely, within [`Limits::timeout`].
    #[error(
        "The server at {host} did not answer within {}; try again later. If it keeps \
         happening, the server or the network is too slow or down.", seconds(*timeout_ms)
    )]
    Timeout {
        /// The host.
        host: String,
        /// The limit that ran out, in milliseconds.
        timeout_ms: u64,
    },
    /// The body is larger than [`Limits::max_bytes`].
    #[error("{}", too_large_message(url, *limit, *declared))]
    TooLarge {
        /// The address.
        url: String,
        /// The limit in bytes.
        limit: u64,
        /// The size the server announced (`Content-Length`), if it announced one.
        declared: Option<u64>,
    },
    /// 401 or 403: the feed needs a login, or refuses the one we sent.
    #[error(
        "The server at {url} {} (HTTP {status}): check the feed's user and password or token.",
        if *status == 401 { "wants a login" } else { "refused access" }
    )]
    Unauthorized {
        /// The address.
        url: String,
        /// 401 or 403.
        status: u16,
    },
    /// 404 or 410: nothing at that address.
    #[error(
        "There is no feed at {url} (HTTP {status}); check the address, the feed may have moved \
         or been deleted."
    )]
    NotFound {
        /// The address.
        url: String,
        /// 404 or 410.
        status: u16,
    },
    /// 5xx: the server has a problem; worth retrying, after `retry_after` if it said so.
    #[error("{}", server_error_message(url, *status, *retry_after))]
    ServerError {
        /// The address.
        url: String,
        /// The status (500 to 599).
        status: u16,
        /// The server's `Retry-After`, in seconds from now, if it sent one.
        retry_after: Option<u64>,
    },
    /// Any other unexpected status (400, 429, a stray 3xx, …).
    #[error("{}", other_status_message(url, *status, *retry_after))]
    HttpStatus {
        /// The address.
        url: String,
        /// The status.
        status: u16,
        /// The server's `Retry-After`, in seconds, if it sent one (429 does).
        retry_after: Option<u64>,
    },
    /// The server sent a web page (a login, portal or error page) instead of a calendar.
    #[error(
        "The server at {url} sent a web page, not a calendar; check the address (it may be the \
         address of the page that shows the calendar, or of a login page)."
    )]
    NotCalendar {
        /// The address (after redirects).
        url: String,
    },
    /// More redirects than [`Limits::max_redirects`].
    #[error(
        "The address {url} redirected more than {max} times, so Vernetzt stopped; the server is \
         probably misconfigured. Check the address or ask the feed's provider for the current \
         one."
    )]
    TooManyRedirects {
        /// The address we started from.
        url: String,
        /// The limit.
        max: usize,
    },
}

impl FetchError {
    /// A stable key for the UI and logs (translations, icons, retry decisions), independent of
    /// the English wording: `invalid_url`, `insecure`, `dns`, `connect`, `tls`, `timeout`,
    /// `too_large`, `http_status`, `not_calendar`, `redirects`.
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::InvalidUrl { .. } | FetchError::UnsupportedScheme { .. } => "invalid_url",
            FetchError::Insecure { .. } => "insecure",
            FetchError::Dns { .. } => "dns",
            FetchError::Connect { .. } => "connect",
            FetchError::Tls { .. } | FetchError::TlsSetup { .. } => "tls",
            FetchError::Timeout { .. } => "timeout",
            FetchError::TooLarge { .. } => "too_large",
            FetchError::Unauthorized { .. }
            | FetchError::NotFound { .. }
            | FetchError::ServerError { .. }
            | FetchError::HttpStatus { .. } => "http_status",
            FetchError::NotCalendar { .. } => "not_calendar",
            FetchError::TooManyRedirects { .. } => "redirects",
        }
    }

    /// The HTTP status, for errors that come from one; lets a scheduler tell "gone" from
    /// "try later" without matching on variants.
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Unauthorized { status, .. }
            | FetchError::NotFound { status, .. }
            | FetchError::ServerError { status, .. }
            | FetchError::HttpStatus { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server's `Retry-After` in seconds, so the poller can back off as asked instead of
    /// hammering a struggling server.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            FetchError::ServerError { retry_after, .. }
            | FetchError::HttpStatus { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

fn insecure_message(url: &str, redirected_from: Option<&str>) -> String {
    match redirected_from {
        None => format!(
            "The address {url} uses unencrypted http://, which Vernetzt allows only for this \
             computer (localhost); use the https:// address of the feed instead."
        ),
        Some(from) => format!(
            "The address {from} redirected to {url}, which uses unencrypted http://, so Vernetzt \
             stopped (http is allowed only for this computer); ask the feed's provider for an \
             https:// address."
        ),
    }
}

fn too_large_message(url: &str, limit: u64, declared: Option<u64>) -> String {
    match declared {
        Some(size) => format!(
            "The feed at {url} is {} MB, more than the limit of {} MB, so Vernetzt did not \
             download it; check that this is the right address (calendar feeds are rarely this \
             big).",
            megabytes(size),
            megabytes(limit)
        ),
        None => format!(
            "The feed at {url} is larger than the limit of {} MB, so Vernetzt stopped \
             downloading it; check that this is the right address (calendar feeds are rarely \
             this big).",
            megabytes(limit)
        ),
    }
}

fn server_error_message(url: &str, status: u16, retry_after: Option<u64>) -> String {
    match retry_after {
        Some(secs) => format!(
            "The server at {url} has a problem (HTTP {status}) and asks to try again in {secs} \
             seconds; Vernetzt will try again later."
        ),
        None => format!(
            "The server at {url} has a problem (HTTP {status}); try again later, and tell the \
             feed's provider if it lasts."
        ),
    }
}

fn other_status_message(url: &str, status: u16, retry_after: Option<u64>) -> String {
    let reason = StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("unexpected answer");
    let retry = match retry_after {
        Some(secs) => format!(" It asks to try again in {secs} seconds."),
        None => String::new(),
    };
    format!(
        "The server at {url} answered HTTP {status} ({reason}) instead of sending the calendar; \
         check the address.{retry}"
    )
}

/// Bytes as MB (MiB) for messages: "20" for 20 MiB, "0.5" for 512 KiB.
fn megabytes(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes.is_multiple_of(MIB) {
        (bytes / MIB).to_string()
    } else {
        let mb = bytes as f64 / MIB as f64;
        if mb >= 0.1 {
            format!("{mb:.1}")
        } else {
            format!("{mb:.3}")
        }
    }
}

fn seconds(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        let s = ms / 1000;
        format!("{s} second{}", if s == 1 { "" } else { "s" })
    } else {
        format!("{:.1} seconds", ms as f64 / 1000.0)
    }
}

/// The transport rule for one address: `https://` always, `http://` only for loopback, nothing
/// else. Applied to the entered address and to every redirect hop, so a server cannot downgrade
/// us to plain text.
pub fn check_feed_url(url: &Url) -> Result<(), FetchError> {
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(FetchError::Insecure {
            url: shown(url),
            redirected_from: None,
        }),
        "https" => Err(FetchError::InvalidUrl {
            input: shown(url),
            reason: "the server name is missing".to_owned(),
        }),
        scheme => Err(FetchError::UnsupportedScheme {
            url: shown(url),
            scheme: scheme.to_owned(),
        }),
    }
}

/// The rule for one redirect hop from `from` to `to`: the same as [`check_feed_url`], with the
/// message naming both addresses. This is what the client's redirect policy applies.
pub fn check_redirect(from: &Url, to: &Url) -> Result<(), FetchError> {
    check_feed_url(to).map_err(|err| match err {
        FetchError::Insecure { url, .. } => FetchError::Insecure {
            url,
            redirected_from: Some(shown(from)),
        },
        other => other,
    })
}

/// Turns what the user entered into the address we fetch, or says in plain words why not.
///
/// `webcal://` and `webcals://` (what "subscribe" links on web pages use) become `https://`:
/// the webcal scheme never meant plain http in practice, and we do not downgrade. An address
/// without a scheme (`example.org/feed.ics`) gets `https://`. The fragment is dropped (servers
/// never see it). Then [`check_feed_url`] applies.
pub fn normalize_feed_url(input: &str) -> Result<Url, FetchError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(FetchError::InvalidUrl {
            input: String::new(),
            reason: "the address is empty".to_owned(),
        });
    }
    let rewritten = ["webcals://", "webcal://"]
        .iter()
        .find(|prefix| {
            trimmed
                .get(..prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        })
        .map(|prefix| format!("https://{}", &trimmed[prefix.len()..]));
    let text = rewritten.as_deref().unwrap_or(trimmed);
    let parsed = match Url::parse(text) {
        Err(url::ParseError::RelativeUrlWithoutBase) if !text.contains(char::is_whitespace) => {
            Url::parse(&format!("https://{text}"))
        }
        other => other,
    };
    let mut url = parsed.map_err(|err| FetchError::InvalidUrl {
        input: redact_raw(trimmed),
        reason: parse_reason(err),
    })?;
    check_feed_url(&url)?;
    url.set_fragment(None);
    Ok(url)
}

fn parse_reason(err: url::ParseError) -> String {
    use url::ParseError as P;
    match err {
        P::EmptyHost => "the server name is missing".to_owned(),
        P::InvalidPort => "the port number is not valid".to_owned(),
        P::InvalidIpv4Address | P::InvalidIpv6Address => "the IP address is not valid".to_owned(),
        P::InvalidDomainCharacter | P::IdnaError => {
            "the server name contains characters that are not allowed".to_owned()
        }
        P::RelativeUrlWithoutBase => "it is not a complete web address".to_owned(),
        other => other.to_string(),
    }
}

/// An address for messages: without password and fragment, so errors and logs can show it.
fn shown(url: &Url) -> String {
    let mut url = url.clone();
    if url.password().is_some() {
        let _ = url.set_password(Some("***"));
    }
    url.set_fragment(None);
    url.to_string()
}

/// Like [`shown`] for text that did not parse: hides anything between `:` and `@` in the
/// authority part (`https://user:secret@host`).
fn redact_raw(input: &str) -> String {
    let Some(start) = input.find("://").map(|i| i + 3) else {
        return input.to_owned();
    };
    let rest = &input[start..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    match (authority.find(':'), authority.rfind('@')) {
        (Some(colon), Some(at)) if colon < at => format!(
            "{}{}:***{}",
            &input[..start],
            &authority[..colon],
            &input[start + at..]
        ),
        _ => input.to_owned(),
    }
}

/// Builds the HTTP client for feeds, meant to be built once and shared (it pools connections).
///
/// It carries the limits that reqwest applies per client: timeouts, and a redirect policy that
/// allows at most [`Limits::max_redirects`] hops and applies [`check_redirect`] to each. It sends
/// no `Referer` (feed addresses often contain private tokens that must not leak to the next
/// hop); reqwest itself drops `Authorization` when a redirect goes to another host. Certificates
/// are checked against the operating system's trust store (rustls-platform-verifier), so
/// company CAs installed on the machine work.
pub fn client(limits: &Limits) -> Result<reqwest::Client, FetchError> {
    reqwest::Client::builder()
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
                Some(from) => check_redirect(from, attempt.url()),
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
    let mut url = normalize_feed_url(&req.url)?;
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

/// Turns reqwest's error into ours, by looking through its chain of causes. reqwest exposes
/// timeouts, DNS and connect failures as predicates; TLS failures only as a `rustls::Error`
/// somewhere in the chain, often inside an `io::Error`.
fn map_error(err: &reqwest::Error, url: &Url, limits: &Limits) -> FetchError {
    if let Some(own) = find_in_chain::<FetchError>(err) {
        return own.clone();
    }
    let at = err.url().unwrap_or(url);
    let host = at.host_str().unwrap_or_default().to_owned();
    if err.is_timeout() {
        return FetchError::Timeout {
            host,
            timeout_ms: u64::try_from(limits.timeout.as_millis()).unwrap_or(u64::MAX),
        };
    }
    if let Some(problem) = tls_problem(err) {
        return FetchError::Tls { host, problem };
    }
    // tokio-rustls reports a server that hangs up during the handshake as a plain
    // `UnexpectedEof`; for https in the connect phase nothing else produces one.
    if err.is_connect()
        && at.scheme() == "https"
        && io_kinds(err).contains(&io::ErrorKind::UnexpectedEof)
    {
        return FetchError::Tls {
            host,
            problem: TlsProblem::Handshake,
        };
    }
    if err.is_dns() {
        return FetchError::Dns { host };
    }
    if err.is_redirect() {
        return FetchError::TooManyRedirects {
            url: shown(url),
            max: limits.max_redirects,
        };
    }
    let kinds = io_kinds(err);
    let detail = match kinds.iter().find(|kind| **kind != io::ErrorKind::Other) {
        Some(io::ErrorKind::ConnectionRefused) => {
            "the connection was refused (no server answers at that address and port)".to_owned()
        }
        Some(io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted) => {
            "the server closed the connection".to_owned()
        }
        Some(io::ErrorKind::NetworkUnreachable | io::ErrorKind::HostUnreachable) => {
            "the network or the server is unreachable".to_owned()
        }
        _ if err.is_connect() => format!("the connection failed ({})", root_cause(err)),
        _ if err.is_body() || err.is_decode() => {
            format!("the download broke off ({})", root_cause(err))
        }
        _ => format!(
            "the server's answer could not be read ({})",
            root_cause(err)
        ),
    };
    FetchError::Connect { host, detail }
}

/// Walks an error's causes, looking inside `io::Error`s too.
fn find_in_chain<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        // `io::Error::source` skips the error it wraps (and io errors nest), so look inside.
        if let Some(inner) = e.downcast_ref::<io::Error>().and_then(|io| io.get_ref()) {
            let inner: &(dyn StdError + 'static) = inner;
            if let Some(found) = find_in_chain::<T>(inner) {
                return Some(found);
            }
        }
        current = e.source();
    }
    None
}

/// The kinds of all `io::Error`s among an error's causes, outermost first (they nest, and the
/// outer ones are often just `Other`).
fn io_kinds(err: &(dyn StdError + 'static)) -> Vec<io::ErrorKind> {
    let mut kinds = Vec::new();
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<io::Error>() {
            kinds.push(io.kind());
            if let Some(inner) = io.get_ref() {
                kinds.extend(io_kinds(inner));
            }
        }
        current = e.source();
    }
    kinds
}

fn tls_problem(err: &(dyn StdError + 'static)) -> Option<TlsProblem> {
    use rustls::CertificateError as C;
    let tls = find_in_chain::<rustls::Error>(err)?;
    Some(match tls {
        rustls::Error::InvalidCertificate(cert) => match cert {
            C::UnknownIssuer => TlsProblem::Untrusted,
            C::Expired | C::ExpiredContext { .. } => TlsProblem::Expired,
            C::NotValidYet | C::NotValidYetContext { .. } => TlsProblem::NotYetValid,
            C::NotValidForName | C::NotValidForNameContext { .. } => TlsProblem::WrongName,
            C::Revoked => TlsProblem::Revoked,
            _ => TlsProblem::BadCertificate,
        },
        _ => TlsProblem::Handshake,
    })
}

/// The innermost cause's text: the useful part (for example "Connection refused"), without
/// reqwest's wrapper text that repeats the address.
fn root_cause(err: &(dyn StdError + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn megabytes_are_readable() {
        assert_eq!(megabytes(20 * 1024 * 1024), "20");
        assert_eq!(megabytes(512 * 1024), "0.5");
        assert_eq!(megabytes(1000), "0.001");
    }

    #[test]
    fn raw_input_loses_its_password() {
        assert_eq!(
            redact_raw("https://anna:geheim@exa mple.org/x"),
            "https://anna:***@exa mple.org/x"
        );
        assert_eq!(redact_raw("no scheme here"), "no scheme here");
        assert_eq!(redact_raw("https://host/a:b@c"), "https://host/a:b@c");
    }

    #[test]
    fn shown_urls_lose_their_password() {
        let url = Url::parse("https://anna:geheim@example.org/cal.ics#x").unwrap();
        let text = shown(&url);
        assert!(!text.contains("geheim"), "{text}");
        assert!(!text.contains('#'), "{text}");
    }

    #[test]
    fn seconds_read_naturally() {
        assert_eq!(seconds(30_000), "30 seconds");
        assert_eq!(seconds(1_000), "1 second");
        assert_eq!(seconds(300), "0.3 seconds");
    }
}
