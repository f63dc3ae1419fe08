//! Redaction for anything that may end up in a log: e-mail addresses, passwords, tokens, keys
//! and authorisation headers are replaced before a line is written. Logs get pasted into bug
//! reports and tickets; contacts are personal data of public servants (GDPR) and the secrets are
//! the user's. Note texts never reach a log in the first place (errors name sizes and lines,
//! not content); [`log_line`] is the one way the app and the CLI write diagnostics.

use crate::clock::{Clock, SystemClock};
use chrono::{DateTime, SecondsFormat, Utc};

/// Replaces e-mail addresses and secret-looking `key=value` / `key: value` pairs.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let words: Vec<&str> = text.split_inclusive(char::is_whitespace).collect();
    let mut hide_next = false;
    for w in words {
        let trimmed = w.trim_end();
        let tail = &w[trimmed.len()..];
        if hide_next && !trimmed.is_empty() {
            // "Authorization: Basic xyz": the scheme stays, the credential goes.
            if matches!(
                trimmed.to_ascii_lowercase().as_str(),
                "basic" | "bearer" | "digest"
            ) {
                out.push_str(w);
                continue;
            }
            out.push_str("[redacted]");
            out.push_str(tail);
            hide_next = false;
            continue;
        }
        let lower = trimmed.to_ascii_lowercase();
        // "Authorization: Basic xyz", "password: xyz", "token xyz"
        if matches!(
            lower.trim_end_matches(':'),
            "authorization"
                | "password"
                | "passwort"
                | "token"
                | "secret"
                | "key"
                | "passphrase"
                | "basic"
                | "bearer"
        ) {
            out.push_str(w);
            hide_next = true;
            continue;
        }
        out.push_str(&redact_word(trimmed));
        out.push_str(tail);
    }
    out
}

fn redact_word(w: &str) -> String {
    // key=value pairs with a secret key, also inside URLs (`?token=…&…`)
    let lower = w.to_ascii_lowercase();
    for k in [
        "password=",
        "passwort=",
        "pass=",
        "pwd=",
        "token=",
        "secret=",
        "key=",
        "auth=",
    ] {
        if let Some(i) = lower.find(k) {
            let v = i + k.len();
            let end = w[v..]
                .find(['&', ';', ',', ')'])
                .map(|e| v + e)
                .unwrap_or(w.len());
            return format!("{}[redacted]{}", &w[..v], redact_word(&w[end..]));
        }
    }
    // e-mail addresses, also inside <…>, "…", (…) or mailto:
    if let Some(at) = w.find('@') {
        let is_addr_char = |c: char| c.is_alphanumeric() || "._%+-".contains(c);
        let start = w[..at]
            .char_indices()
            .rev()
            .find(|(_, c)| !is_addr_char(*c))
            .map(|(i, c)| i + c.len_utf8())
            .unwrap_or(0);
        let end = w[at + 1..]
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || ".-".contains(*c)))
            .map(|(i, _)| at + 1 + i)
            .unwrap_or(w.len());
        if start < at && end > at + 1 && w[at + 1..end].contains('.') {
            return format!("{}[e-mail]{}", &w[..start], redact_word(&w[end..]));
        }
    }
    w.to_string()
}

/// One diagnostic line, redacted, stamped with `at` (the caller's time: this module reads no
/// clock, so a test can pin the line).
pub fn format_log_line(at: DateTime<Utc>, context: &str, message: &str) -> String {
    format!(
        "{} vernetzt {context}: {}",
        at.to_rfc3339_opts(SecondsFormat::Secs, true),
        redact(message)
    )
}

/// Writes one diagnostic line to stderr, redacted, stamped with `at`.
pub fn log_line_at(at: DateTime<Utc>, context: &str, message: &str) {
    eprintln!("{}", format_log_line(at, context, message));
}

/// Writes one diagnostic line to stderr, redacted, stamped with the system clock: for callers
/// outside the core that hold no [`Clock`] of their own (the desktop shell).
pub fn log_line(context: &str, message: &str) {
    log_line_at(SystemClock.now(), context, message);
}

#[cfg(test)]
mod tests {
    use super::{format_log_line, redact};
    use chrono::TimeZone;

    #[test]
    fn log_line_takes_the_callers_time() {
        let at = chrono::Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        assert_eq!(
            format_log_line(at, "sync", "login anna@land.example failed"),
            "2026-03-01T09:00:00Z vernetzt sync: login [e-mail] failed"
        );
    }

    #[test]
    fn secrets_and_addresses_go() {
        let r = redact(
            "550 5.1.1 <jm@fitko.example>: mailbox unavailable; Authorization: Basic YW5uYTpHZWhlaW0= \
             url=https://x?token=abc123 password=Geheim-42 mailto:eve@land.example (anna.b@kommune.example)",
        );
        for gone in [
            "jm@fitko",
            "YW5uYTpHZWhlaW0",
            "abc123",
            "Geheim-42",
            "eve@land",
            "anna.b@kommune",
        ] {
            assert!(!r.contains(gone), "{gone} in {r}");
        }
        assert!(
            r.contains("550 5.1.1 <[e-mail]>: mailbox unavailable"),
            "{r}"
        );
        assert!(r.contains("mailto:[e-mail]"), "{r}");
        assert_eq!(
            redact("the server did not answer in time"),
            "the server did not answer in time"
        );
        assert_eq!(redact("Müller @ Meeting"), "Müller @ Meeting");
    }
}
