//! What can go wrong when fetching a feed, as [`FetchError`]s whose messages are plain-words
//! sentences for the user, and the mapping of reqwest's errors onto them.

use std::error::Error as StdError;
use std::io;

use reqwest::StatusCode;
use url::Url;

use super::Limits;
use super::address::shown;

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
    /// A name other than the feed's own server's that leads into this computer or a private
    /// network ([`crate::resolve`]).
    #[error(
        "The feed's server led to {host}, which is on this computer or a private network, while \
         the feed itself is elsewhere; Vernetzt does not follow it there. Ask the feed's provider \
         about the address."
    )]
    PrivateNetwork {
        /// The refused name.
        host: String,
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
            FetchError::PrivateNetwork { .. } => "private_network",
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

/// Turns reqwest's error into ours, by looking through its chain of causes. reqwest exposes
/// timeouts, DNS and connect failures as predicates; TLS failures only as a `rustls::Error`
/// somewhere in the chain, often inside an `io::Error`.
pub(super) fn map_error(err: &reqwest::Error, url: &Url, limits: &Limits) -> FetchError {
    if let Some(own) = find_in_chain::<FetchError>(err) {
        return own.clone();
    }
    if let Some(refused) = find_in_chain::<crate::resolve::PrivateNetworkRefused>(err) {
        return FetchError::PrivateNetwork {
            host: refused.host.clone(),
        };
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
pub(crate) fn find_in_chain<'a, T: StdError + 'static>(
    err: &'a (dyn StdError + 'static),
) -> Option<&'a T> {
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
pub(super) fn root_cause(err: &(dyn StdError + 'static)) -> String {
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
    fn seconds_read_naturally() {
        assert_eq!(seconds(30_000), "30 seconds");
        assert_eq!(seconds(1_000), "1 second");
        assert_eq!(seconds(300), "0.3 seconds");
    }
}
