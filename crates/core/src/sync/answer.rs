//! What a CardDAV/CalDAV server's answer means for the sync, as pure functions: the network
//! crate sends a request and reports the status (and ETag) it got; these rules say what to do
//! next. They were written inside the I/O loop of the sync, between store locks, where no test
//! could reach them without a running server; here each rule is one row of a table test.
//!
//! | Request | Answer                       | Meaning                                          |
//! |---------|------------------------------|--------------------------------------------------|
//! | PUT     | 2xx with ETag                | stored; the ETag is the base of the next push    |
//! | PUT     | 2xx without ETag             | stored; ask for the ETag (one more request)      |
//! | PUT     | 412                          | changed there meanwhile: fetch, merge, try again |
//! | PUT     | 412 `no-uid-conflict` + href | the UID is there under another name: join it     |
//! | PUT     | 412/409 other precondition   | this record refused: named, stays queued         |
//! | PUT     | 415                          | format refused: send vCard 3.0 (once)            |
//! | PUT     | 400, 409, 413, 422           | this record refused: named, stays queued         |
//! | PUT     | 207 (old Xandikos)           | read by its inner status; none: a failure        |
//! | DELETE  | 2xx                          | deleted                                          |
//! | DELETE  | 404                          | already gone: what was wanted                    |
//! | DELETE  | 412                          | edited there: the edit beats the delete          |
//! | any     | 401 / 403 / 404              | the run stops: auth / forbidden / not found      |
//! | any     | 429, 5xx (Retry-After)       | the run stops; retried after the server's wait   |

use serde::{Deserialize, Serialize};

/// Why a sync step failed, as a machine-readable kind. Serialised (and shown by
/// [`ErrorKind::as_str`]) as the strings the UI and the CLI's JSON have always carried, so
/// turning the former string constants into an enum changed nothing they read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// 401, or a login HTTP cannot carry: check user name and password.
    Auth,
    /// 403: the server does not allow it.
    Forbidden,
    /// 404 (or no account found by discovery).
    NotFound,
    /// 412: changed on the server in the meantime.
    Conflict,
    /// 400, 409, 413, 422: the server refused this one record.
    Rejected,
    /// 429 or 5xx: busy or failing; try again later.
    Server,
    /// Unreachable, or the connection dropped.
    Network,
    /// No answer in time.
    Timeout,
    /// The certificate is not trusted, or TLS could not be set up.
    Tls,
    /// An answer the sync cannot use (415 for an event, an unexpected status, bad XML).
    Protocol,
    /// The server address is not usable.
    Url,
    /// The password is not in the keyring, or the keyring failed.
    Keyring,
    /// The local database failed.
    Store,
    /// The local disk is full: nothing of the failed step was stored, every change stays
    /// queued; the user frees space and syncs again.
    DiskFull,
}

impl ErrorKind {
    /// The stable string (`auth`, `not_found`, …) the UI and the CLI's JSON carry.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Auth => "auth",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Rejected => "rejected",
            ErrorKind::Server => "server",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Tls => "tls",
            ErrorKind::Protocol => "protocol",
            ErrorKind::Url => "url",
            ErrorKind::Keyring => "keyring",
            ErrorKind::Store => "store",
            ErrorKind::DiskFull => "disk_full",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of failure an HTTP status means when the request cannot go on with it.
pub fn status_kind(status: u16) -> ErrorKind {
    match status {
        401 => ErrorKind::Auth,
        403 => ErrorKind::Forbidden,
        404 => ErrorKind::NotFound,
        412 => ErrorKind::Conflict,
        400 | 409 | 413 | 422 => ErrorKind::Rejected,
        429 => ErrorKind::Server,
        s if s >= 500 => ErrorKind::Server,
        _ => ErrorKind::Protocol,
    }
}

/// Whether a status ends a read (PROPFIND, REPORT, multiget) as an error rather than as an
/// answer to parse: the statuses the rules above give a kind to.
pub fn is_failure(status: u16) -> bool {
    matches!(
        status,
        400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 422 | 429
    ) || status >= 500
}

/// A WebDAV precondition that a server named in the error body of a refused write (RFC 4918
/// §16; CardDAV RFC 6352 §6.3.2.1, CalDAV RFC 4791 §5.3.2.1). A bare 412 to a conditional
/// write means "changed there"; a 412 that names one of these means the server will not take
/// this record as it is, and fetching and retrying would only meet the same refusal (Xandikos
/// answers a card without FN or a second object with one UID so).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// `no-uid-conflict`: the collection holds a record with this UID under another name; its
    /// href when the server names it (RFC 4791 asks for it; Xandikos 0.4 names none).
    UidConflict(Option<String>),
    /// Any other precondition (`valid-address-data`, `valid-calendar-data`,
    /// `supported-address-data`, …), by its element name.
    Other(String),
}

/// The write the server answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// A conditional PUT (`If-Match`, or `If-None-Match: *` for a new record).
    Put,
    /// A conditional DELETE (`If-Match` when the ETag is known).
    Delete,
}

/// What the server's answer to a write means for the sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Meaning {
    /// Stored; the server named the stored version (kept as the next `If-Match`).
    Stored(String),
    /// Stored, but the answer named no version (a 201 without ETag, which RFC 7231 allows):
    /// ask for it, or the next push of the record could not be conditional.
    StoredAskEtag,
    /// Deleted on the server.
    Deleted,
    /// The DELETE met nothing (404): someone deleted it already, which is what was wanted.
    AlreadyGone,
    /// 412: the record changed on the server since our version. A PUT fetches the server's
    /// version, merges and tries once more; a DELETE gives way (an edit beats a deletion) and
    /// the record is fetched back.
    ChangedThere,
    /// 412 `no-uid-conflict` naming where the server holds this UID: the record is there under
    /// another name (put there by another client). It is fetched from that href and merged,
    /// and the write goes there, so the server never holds the record twice.
    UidElsewhere(String),
    /// 415: the server refused the format. A card is sent again as vCard 3.0, once.
    FormatRefused,
    /// 400, 409, 413, 422, or a 412 naming a precondition other than a UID found elsewhere:
    /// the server will not store this one record (too large, a value it rejects, a UID it holds
    /// under a name it does not tell). It is named in the report and stays queued; the rest of
    /// the run goes on.
    Refused,
    /// The run stops with this kind (401, 403, 404 on a PUT, 429, 5xx, anything unexpected);
    /// a Retry-After travels with the error into the back-off.
    Failed(ErrorKind),
}

/// What the answer `status` (with the ETag header, if any, and the precondition its body
/// named, if any) to a write means. A 207 Multi-Status is not a success: an old Xandikos
/// (Debian's 0.2.8) reports a failed PUT so, and the caller passes the status inside it
/// instead ([`Meaning::Failed`] when there was none to read).
pub fn meaning(
    write: Write,
    status: u16,
    etag: Option<&str>,
    precondition: Option<&Precondition>,
) -> Meaning {
    match (write, status, precondition) {
        (Write::Put, 412, Some(Precondition::UidConflict(Some(href)))) => {
            Meaning::UidElsewhere(href.clone())
        }
        (Write::Put, 409 | 412, Some(_)) => Meaning::Refused,
        _ => plain_meaning(write, status, etag),
    }
}

/// [`meaning`] of an answer that named no precondition.
fn plain_meaning(write: Write, status: u16, etag: Option<&str>) -> Meaning {
    match (write, status) {
        (_, 207) => Meaning::Failed(ErrorKind::Protocol),
        (Write::Put, 200..=299) => match etag.map(str::trim).filter(|e| !e.is_empty()) {
            Some(e) => Meaning::Stored(e.to_string()),
            None => Meaning::StoredAskEtag,
        },
        (Write::Delete, 200..=299) => Meaning::Deleted,
        (Write::Delete, 404) => Meaning::AlreadyGone,
        (_, 412) => Meaning::ChangedThere,
        (Write::Put, 415) => Meaning::FormatRefused,
        (_, 400 | 409 | 413 | 422) => Meaning::Refused,
        (_, s) => Meaning::Failed(status_kind(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Meaning::*;
    use Write::{Delete, Put};

    #[test]
    fn each_answer_to_a_write_has_one_meaning() {
        let e = Some("\"e1\"");
        let cases: &[(Write, u16, Option<&str>, Meaning)] = &[
            (Put, 201, e, Stored("\"e1\"".into())),
            (Put, 207, e, Failed(ErrorKind::Protocol)),
            (Put, 207, None, Failed(ErrorKind::Protocol)),
            (Delete, 207, None, Failed(ErrorKind::Protocol)),
            (Put, 204, e, Stored("\"e1\"".into())),
            (Put, 201, None, StoredAskEtag),
            (Put, 201, Some(" "), StoredAskEtag),
            (Put, 412, None, ChangedThere),
            (Put, 415, None, FormatRefused),
            (Put, 400, None, Refused),
            (Put, 409, None, Refused),
            (Put, 413, None, Refused),
            (Put, 422, None, Refused),
            (Put, 401, None, Failed(ErrorKind::Auth)),
            (Put, 403, None, Failed(ErrorKind::Forbidden)),
            (Put, 404, None, Failed(ErrorKind::NotFound)),
            (Put, 429, None, Failed(ErrorKind::Server)),
            (Put, 500, None, Failed(ErrorKind::Server)),
            (Put, 503, None, Failed(ErrorKind::Server)),
            (Put, 405, None, Failed(ErrorKind::Protocol)),
            (Put, 302, None, Failed(ErrorKind::Protocol)),
            (Delete, 204, None, Deleted),
            (Delete, 200, None, Deleted),
            (Delete, 404, None, AlreadyGone),
            (Delete, 412, None, ChangedThere),
            (Delete, 415, None, Failed(ErrorKind::Protocol)),
            (Delete, 409, None, Refused),
            (Delete, 401, None, Failed(ErrorKind::Auth)),
            (Delete, 403, None, Failed(ErrorKind::Forbidden)),
            (Delete, 503, None, Failed(ErrorKind::Server)),
        ];
        for (write, status, etag, want) in cases {
            assert_eq!(
                &meaning(*write, *status, *etag, None),
                want,
                "{write:?} {status} {etag:?}"
            );
        }
    }

    #[test]
    fn a_named_precondition_refuses_the_record_instead_of_a_retry() {
        let uid_at = Precondition::UidConflict(Some("/book/other.vcf".into()));
        let uid_unnamed = Precondition::UidConflict(None);
        let invalid = Precondition::Other("valid-address-data".into());
        let cases: &[(Write, u16, &Precondition, Meaning)] = &[
            (Put, 412, &uid_at, UidElsewhere("/book/other.vcf".into())),
            (Put, 412, &uid_unnamed, Refused),
            (Put, 412, &invalid, Refused),
            (Put, 409, &invalid, Refused),
            (Put, 409, &uid_at, Refused),
            (Put, 403, &invalid, Failed(ErrorKind::Forbidden)),
            (Put, 201, &invalid, StoredAskEtag),
            (Delete, 412, &invalid, ChangedThere),
        ];
        for (write, status, pre, want) in cases {
            assert_eq!(
                &meaning(*write, *status, None, Some(pre)),
                want,
                "{write:?} {status} {pre:?}"
            );
        }
    }

    #[test]
    fn failures_of_a_read_and_their_kinds() {
        let cases: &[(u16, bool, ErrorKind)] = &[
            (207, false, ErrorKind::Protocol),
            (200, false, ErrorKind::Protocol),
            (400, true, ErrorKind::Rejected),
            (401, true, ErrorKind::Auth),
            (403, true, ErrorKind::Forbidden),
            (404, true, ErrorKind::NotFound),
            (409, true, ErrorKind::Rejected),
            (412, true, ErrorKind::Conflict),
            (413, true, ErrorKind::Rejected),
            (415, true, ErrorKind::Protocol),
            (422, true, ErrorKind::Rejected),
            (429, true, ErrorKind::Server),
            (500, true, ErrorKind::Server),
            (503, true, ErrorKind::Server),
        ];
        for (status, failure, kind) in cases {
            assert_eq!(is_failure(*status), *failure, "{status}");
            assert_eq!(status_kind(*status), *kind, "{status}");
        }
    }

    #[test]
    fn a_busy_servers_retry_after_sets_the_next_run() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-07-01T12:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(meaning(Put, 503, None, None), Failed(ErrorKind::Server));
        assert_eq!(
            super::super::backoff(now, 1, Some(120)),
            now + chrono::Duration::seconds(120)
        );
    }

    #[test]
    fn kinds_serialise_as_the_strings_the_ui_reads() {
        let all = [
            (ErrorKind::Auth, "auth"),
            (ErrorKind::Forbidden, "forbidden"),
            (ErrorKind::NotFound, "not_found"),
            (ErrorKind::Conflict, "conflict"),
            (ErrorKind::Rejected, "rejected"),
            (ErrorKind::Server, "server"),
            (ErrorKind::Network, "network"),
            (ErrorKind::Timeout, "timeout"),
            (ErrorKind::Tls, "tls"),
            (ErrorKind::Protocol, "protocol"),
            (ErrorKind::Url, "url"),
            (ErrorKind::Keyring, "keyring"),
            (ErrorKind::Store, "store"),
            (ErrorKind::DiskFull, "disk_full"),
        ];
        for (kind, text) in all {
            assert_eq!(kind.as_str(), text);
            assert_eq!(kind.to_string(), text);
            assert_eq!(serde_json::to_value(kind).unwrap(), text);
        }
    }
}
