//! The DAV sync's error: a kind (an enum in core, serialised as the strings the UI and the CLI's
//! JSON have always read) and a message in plain words, with what it means for retrying.

pub use vernetzt_core::sync::ErrorKind as DavErrorKind;
use vernetzt_core::sync::{ErrorKind, Precondition, status_kind};

/// Why a sync step failed, in plain words, with what it means for retrying.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DavError {
    /// What kind of failure: the UI picks its text by it (`kind.as_str()`: `auth`, `url`, …).
    pub kind: DavErrorKind,
    /// Plain-words message (never holds the password).
    pub message: String,
    /// Seconds the server asked us to wait (503/429 with Retry-After).
    pub retry_after: Option<u64>,
    /// The HTTP status, when the server answered.
    pub status: Option<u16>,
}

impl DavError {
    /// An error of `kind` that no HTTP status caused.
    pub fn new(kind: DavErrorKind, message: impl Into<String>) -> Self {
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
        let kind = match e {
            vernetzt_core::Error::DiskFull(_) => ErrorKind::DiskFull,
            _ => ErrorKind::Store,
        };
        DavError::new(kind, e.to_string())
    }
}

/// The error a failing status means for `what` (the kind from core's answer rules, the words
/// here).
pub fn status_error(status: u16, what: &str, retry_after: Option<u64>) -> DavError {
    let kind = status_kind(status);
    let message = match status {
        401 => {
            "the server refused the login: check user name and password (or app token)".to_string()
        }
        403 => format!("the server does not allow {what}"),
        404 => format!("{what}: not found on the server (deleted or moved?)"),
        412 => format!("{what}: changed on the server in the meantime"),
        429 | 503 => format!("the server is busy ({status}); trying again later"),
        415 => format!("the server refused the card format for {what} (415)"),
        400 | 409 | 413 | 422 => format!(
            "the server refused {what} ({status}): it may hold something the server cannot store"
        ),
        s if s >= 500 => format!("the server failed ({s}) on {what}; trying again later"),
        s => format!("unexpected answer {s} to {what}"),
    };
    DavError {
        kind,
        message,
        retry_after,
        status: Some(status),
    }
}

/// The error of a write the server refused as it is (400, 409, 413, 422, or a 412 that named
/// a precondition): [`ErrorKind::Rejected`], so the record is named and stays queued while the
/// rest of the run goes on.
pub fn refused_error(status: u16, precondition: Option<&Precondition>, what: &str) -> DavError {
    let message = match precondition {
        Some(Precondition::UidConflict(_)) => format!(
            "the server already holds {what} under another name ({status} no-uid-conflict); the \
             next sync reads it from there"
        ),
        Some(Precondition::Other(name)) => {
            format!("the server refused {what} ({status} {name}): it does not take it as it is")
        }
        None => return status_error(status, what, None),
    };
    DavError {
        kind: ErrorKind::Rejected,
        message,
        retry_after: None,
        status: Some(status),
    }
}

/// The error a failed connection means (timeout, untrusted certificate, unreachable).
pub(super) fn transport_error(e: &reqwest::Error, what: &str) -> DavError {
    if e.is_timeout() {
        return DavError::new(
            ErrorKind::Timeout,
            format!("the server did not answer in time ({what})"),
        );
    }
    if e.is_redirect() {
        // The redirect policy's own words (a hop to plain http, too many hops).
        let why = std::error::Error::source(e).map_or_else(|| e.to_string(), |s| s.to_string());
        return DavError::new(ErrorKind::Url, format!("{why} ({what})"));
    }
    if let Some(refused) =
        crate::feed::error::find_in_chain::<crate::resolve::PrivateNetworkRefused>(e)
    {
        return DavError::new(ErrorKind::Url, format!("{refused} ({what})"));
    }
    let mut src: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = src {
        if s.downcast_ref::<rustls::Error>().is_some() {
            return DavError::new(
                ErrorKind::Tls,
                format!(
                    "the server's certificate is not trusted (expired, self-signed or for another \
                     name): {s}"
                ),
            );
        }
        // An io::Error's `source()` skips the error it wraps (hyper hands rustls' verdict up
        // inside one): look into it, or an untrusted certificate reads as "unreachable".
        src = match s
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &dyn std::error::Error),
            None => s.source(),
        };
    }
    DavError::new(
        ErrorKind::Network,
        format!("the server could not be reached or dropped the connection ({what}): {e}"),
    )
}
