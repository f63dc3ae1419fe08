//! Writing iCalendar (RFC 5545 §3.1): CRLF line ends, lines folded at 75 octets without
//! splitting a UTF-8 character, TEXT values escaped, parameter values caret-escaped (RFC 6868).
//!
//! These are the one set of writing primitives for everything Vernetzt writes as content lines:
//! the follow-ups exported as VTODOs (here), the iTIP invitations and CalDAV objects
//! ([`super::itip`]), the vCards ([`crate::vcard`]) and the networking data the CardDAV sync
//! carries in a card. One writer means one folding and one escaping rule to get right.

use crate::model::FollowUp;
use chrono::{DateTime, Utc};

/// Escapes a TEXT value: backslash, semicolon, comma and line breaks; other control characters
/// are dropped (RFC 5545 allows none in TEXT, and some clients reject the whole object for one).
pub fn escape_text(v: &str) -> String {
    escape(v, true)
}

/// Like [`escape_text`] but keeps control characters other than line breaks: the vCard writer
/// has always kept them (a tab in a note survives an export and an import), and changing that
/// would change existing exports.
pub(crate) fn escape_text_keeping_controls(v: &str) -> String {
    escape(v, false)
}

/// TEXT escaping; a CRLF pair or a lone CR becomes one `\n`, like a LF.
fn escape(v: &str, drop_controls: bool) -> String {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            c if drop_controls && c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Caret-escapes a parameter value (RFC 6868): `^` doubled, `"` as `^'`, a line break as `^n`, a
/// CR dropped, so a value cannot end its parameter or its line. Quoting is left to the caller:
/// iTIP always quotes, a vCard only where it must.
pub(crate) fn caret_escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '^' => out.push_str("^^"),
            '"' => out.push_str("^'"),
            '\n' => out.push_str("^n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Opens a calendar object: the BEGIN, VERSION, PRODID and CALSCALE lines every file Vernetzt
/// writes starts with (follow-ups, invitations, CalDAV objects).
pub(crate) fn begin_calendar(out: &mut String) {
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Vernetzt//Vernetzt//DE",
        "CALSCALE:GREGORIAN",
    ] {
        push_line(out, l);
    }
}

/// Appends one content line, folded at 75 octets (continuation lines start with a space and hold
/// at most 74 octets of content), never inside a UTF-8 character.
pub fn push_line(out: &mut String, line: &str) {
    let mut budget = 75;
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > budget {
            out.push_str("\r\n ");
            budget = 74;
            used = 0;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
}

/// Follow-ups as an iCalendar file of VTODOs (due date, contact and text), for a task list.
pub fn follow_ups_ics(items: &[FollowUp], now: DateTime<Utc>) -> String {
    let mut out = String::new();
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    begin_calendar(&mut out);
    for f in items {
        push_line(&mut out, "BEGIN:VTODO");
        push_line(&mut out, &format!("UID:{}", escape_text(&f.uid)));
        push_line(&mut out, &format!("DTSTAMP:{stamp}"));
        push_line(
            &mut out,
            &format!(
                "SUMMARY:{}",
                escape_text(&format!("{}: {}", f.contact_name, f.text))
            ),
        );
        push_line(&mut out, &format!("DESCRIPTION:{}", escape_text(&f.text)));
        push_line(
            &mut out,
            &format!("DUE;VALUE=DATE:{}", f.due_date.replace('-', "")),
        );
        match &f.done_at {
            Some(done) => {
                push_line(&mut out, "STATUS:COMPLETED");
                if let Ok(t) = DateTime::parse_from_rfc3339(done) {
                    push_line(
                        &mut out,
                        &format!(
                            "COMPLETED:{}",
                            t.with_timezone(&Utc).format("%Y%m%dT%H%M%SZ")
                        ),
                    );
                }
            }
            None => push_line(&mut out, "STATUS:NEEDS-ACTION"),
        }
        push_line(&mut out, "END:VTODO");
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        push_line(&mut out, &format!("SUMMARY:{}", "ü".repeat(100)));
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        let (lines, warnings) = super::super::lex::unfold(out.as_bytes());
        assert!(warnings.is_empty());
        assert_eq!(lines[0].text, format!("SUMMARY:{}", "ü".repeat(100)));
    }

    #[test]
    fn vtodos_read_back() {
        let f = FollowUp {
            id: 1,
            uid: "fu-1".into(),
            contact_id: 2,
            contact_name: "Weiß, Jördis".into(),
            due_date: "2026-12-10".into(),
            text: "Unterlagen schicken; Roll-in\nund Termin".into(),
            done_at: None,
        };
        let ics = follow_ups_ics(
            &[f],
            DateTime::parse_from_rfc3339("2026-11-22T08:00:00Z")
                .unwrap()
                .into(),
        );
        assert!(ics.ends_with("END:VCALENDAR\r\n") && !ics.replace("\r\n", "").contains('\n'));
        let parsed = super::super::parse::parse(ics.as_bytes());
        assert!(parsed.complete() && parsed.warnings.is_empty());
        let todo = &parsed.roots[0].children[0];
        assert_eq!(
            todo.text("SUMMARY").as_deref(),
            Some("Weiß, Jördis: Unterlagen schicken; Roll-in\nund Termin")
        );
        assert_eq!(todo.prop("DUE").unwrap().value, "20261210");
    }
}
