//! iTIP (RFC 5546) messages for the organiser side: REQUEST and CANCEL for an event with its
//! attendees, written per RFC 5545 (CRLF, 75-octet folding, escaped TEXT, quoted parameters with
//! RFC 6868 escapes, a VTIMEZONE for the zone used), and REPLY messages read back.
//!
//! Everything here is pure: the caller passes the time (`DTSTAMP`) and the sequence number.

use super::Warning;
use super::parse::{Component, parse};
pub use super::vtimezone::vtimezone;
use super::write::{begin_calendar, caret_escape, escape_text, push_line};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Start or end of an invitation's event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventTime {
    /// All day (end exclusive).
    Date(NaiveDate),
    /// Wall-clock time in an IANA zone.
    Local(NaiveDateTime, Tz),
}

/// A person on an invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Display name (any characters; encoded safely).
    pub name: String,
    /// E-mail address.
    pub email: String,
}

/// The event an organiser sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// Stable UID of the event.
    pub uid: String,
    /// SEQUENCE: 0 at first, higher for every change of time or place.
    pub sequence: i64,
    /// SUMMARY.
    pub title: String,
    /// DTSTART.
    pub start: EventTime,
    /// DTEND (exclusive for dates).
    pub end: EventTime,
    /// LOCATION.
    pub location: Option<String>,
    /// DESCRIPTION.
    pub description: Option<String>,
    /// URL (e.g. the online meeting link).
    pub url: Option<String>,
    /// ORGANIZER.
    pub organizer: Person,
    /// ATTENDEEs.
    pub attendees: Vec<Person>,
}

/// Makes a string safe inside a quoted parameter value: RFC 6868 caret escapes for `"` and line
/// breaks, `^` doubled, other control characters dropped. A name like `Eve "X"; y:z` cannot leave
/// its parameter.
pub fn param_value(v: &str) -> String {
    let clean: String = v
        .chars()
        .filter(|&c| c == '\n' || !c.is_control())
        .collect();
    format!("\"{}\"", caret_escape(&clean))
}

/// A `mailto:` URI for an address, with characters that cannot stand in one dropped.
fn mailto(email: &str) -> String {
    let clean: String = email
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace() && *c != '"')
        .collect();
    format!("mailto:{clean}")
}

fn time_prop(name: &str, t: &EventTime) -> String {
    match t {
        EventTime::Date(d) => format!("{name};VALUE=DATE:{}", d.format("%Y%m%d")),
        EventTime::Local(l, tz) => {
            format!("{name};TZID={}:{}", tz.name(), l.format("%Y%m%dT%H%M%S"))
        }
    }
}

/// iTIP methods the organiser sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Invitation or update (higher SEQUENCE).
    Request,
    /// Cancellation (to everyone, or to one removed attendee).
    Cancel,
}

/// Writes an iTIP message. For CANCEL, `only` restricts the attendees to the removed ones.
pub fn write(
    inv: &Invitation,
    method: Method,
    only: Option<&[Person]>,
    now: DateTime<Utc>,
) -> String {
    let attendees = only.unwrap_or(&inv.attendees);
    let needs_action = vec!["NEEDS-ACTION".to_string(); attendees.len()];
    render(
        inv,
        Some(method),
        attendees,
        &needs_action,
        method == Method::Cancel,
        now,
    )
}

/// Writes the event as a calendar object for the user's CalDAV calendar (no METHOD: SabreDAV,
/// Nextcloud's engine, refuses a stored object that has one): the same VEVENT as the
/// invitations, with each attendee's answer (`partstats`, upper case, one per attendee), so a
/// second device and other clients see who comes.
///
/// Every ATTENDEE carries `SCHEDULE-AGENT=CLIENT` (RFC 6638 §7.1): Vernetzt sends its own
/// invitations, when the user says so. Without it an RFC 6638 server (Nextcloud, SabreDAV) that
/// sees the account's own address as ORGANIZER schedules the event itself on upload and mails
/// every attendee, before the user pressed "send". The iTIP messages ([`write`]) do not carry
/// it: the parameter is for the server's copy, not for what an attendee receives.
pub fn write_object(
    inv: &Invitation,
    partstats: &[String],
    cancelled: bool,
    now: DateTime<Utc>,
) -> String {
    render(inv, None, &inv.attendees, partstats, cancelled, now)
}

fn render(
    inv: &Invitation,
    method: Option<Method>,
    attendees: &[Person],
    partstats: &[String],
    cancelled: bool,
    now: DateTime<Utc>,
) -> String {
    let mut out = String::new();
    begin_calendar(&mut out);
    if let Some(method) = method {
        push_line(
            &mut out,
            match method {
                Method::Request => "METHOD:REQUEST",
                Method::Cancel => "METHOD:CANCEL",
            },
        );
    }
    let zones: Vec<Tz> = [inv.start, inv.end]
        .iter()
        .filter_map(|t| match t {
            EventTime::Local(_, tz) => Some(*tz),
            EventTime::Date(_) => None,
        })
        .fold(Vec::new(), |mut v, z| {
            if !v.contains(&z) {
                v.push(z);
            }
            v
        });
    let span = |t: &EventTime| match t {
        EventTime::Date(d) => Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight")),
        EventTime::Local(l, tz) => super::zone::local_to_utc(*l, *tz),
    };
    for tz in zones {
        vtimezone(
            &mut out,
            tz,
            span(&inv.start) - Duration::days(2),
            span(&inv.end) + Duration::days(2),
        );
    }
    push_line(&mut out, "BEGIN:VEVENT");
    push_line(&mut out, &format!("UID:{}", escape_text(&inv.uid)));
    push_line(
        &mut out,
        &format!("DTSTAMP:{}", now.format("%Y%m%dT%H%M%SZ")),
    );
    push_line(&mut out, &format!("SEQUENCE:{}", inv.sequence));
    push_line(&mut out, &time_prop("DTSTART", &inv.start));
    push_line(&mut out, &time_prop("DTEND", &inv.end));
    push_line(&mut out, &format!("SUMMARY:{}", escape_text(&inv.title)));
    if let Some(l) = &inv.location {
        push_line(&mut out, &format!("LOCATION:{}", escape_text(l)));
    }
    if let Some(d) = &inv.description {
        push_line(&mut out, &format!("DESCRIPTION:{}", escape_text(d)));
    }
    if let Some(u) = &inv.url {
        push_line(
            &mut out,
            &format!(
                "URL:{}",
                u.chars().filter(|c| !c.is_control()).collect::<String>()
            ),
        );
    }
    if !inv.organizer.email.trim().is_empty() {
        push_line(
            &mut out,
            &format!(
                "ORGANIZER;CN={}:{}",
                param_value(&inv.organizer.name),
                mailto(&inv.organizer.email)
            ),
        );
    }
    for (i, a) in attendees.iter().enumerate() {
        let partstat = partstats
            .get(i)
            .map(|p| p.to_ascii_uppercase())
            .filter(|p| {
                matches!(
                    p.as_str(),
                    "NEEDS-ACTION" | "ACCEPTED" | "DECLINED" | "TENTATIVE" | "DELEGATED"
                )
            })
            .unwrap_or_else(|| "NEEDS-ACTION".into());
        // Only the server's copy (no METHOD) says who schedules: see `write_object`.
        let agent = if method.is_none() {
            ";SCHEDULE-AGENT=CLIENT"
        } else {
            ""
        };
        push_line(
            &mut out,
            &format!(
                "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT={partstat};RSVP=TRUE{agent}:{}",
                param_value(&a.name),
                mailto(&a.email)
            ),
        );
    }
    push_line(
        &mut out,
        if cancelled {
            "STATUS:CANCELLED"
        } else {
            "STATUS:CONFIRMED"
        },
    );
    push_line(&mut out, "END:VEVENT");
    push_line(&mut out, "END:VCALENDAR");
    out
}

/// An attendee's answer read from a REPLY.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    /// The event's UID.
    pub uid: String,
    /// The attendee's address (lower case, without `mailto:`).
    pub email: String,
    /// `accepted`, `declined`, `tentative`, `delegated` or `needs-action`.
    pub partstat: String,
    /// The SEQUENCE the attendee answered.
    pub sequence: i64,
    /// When the attendee answered (DTSTAMP), RFC 3339 UTC.
    pub answered_at: Option<String>,
}

/// One ATTENDEE line as both readers of answers need it (a reply by mail and an own event
/// the calendar changed): the address without `mailto:`, lower-cased; the PARTSTAT lower-cased,
/// `needs-action` when absent, and not checked (what an unknown one means is the caller's
/// rule: a reply warns, a calendar object reads it as not answered); the CN, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee<'a> {
    /// The address, lower-cased, without `mailto:`.
    pub email: String,
    /// PARTSTAT, lower-cased (`needs-action` when absent).
    pub partstat: String,
    /// The display name (CN), if given.
    pub name: Option<&'a str>,
}

/// Reads one ATTENDEE property (see [`Attendee`]).
pub fn read_attendee(a: &super::parse::Property) -> Attendee<'_> {
    let addr = a.value.trim();
    let email = addr
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("mailto:"))
        .map(|_| &addr[7..])
        .unwrap_or(addr)
        .to_lowercase();
    Attendee {
        email,
        partstat: a
            .param("PARTSTAT")
            .map(|p| p.to_ascii_lowercase())
            .unwrap_or_else(|| "needs-action".into()),
        name: a.param("CN"),
    }
}

/// Reads the answers in an iTIP REPLY (.ics). Other methods and events without UID or attendee
/// are reported as warnings; nothing in a hostile file can do more than be skipped.
pub fn read_replies(bytes: &[u8]) -> (Vec<Reply>, Vec<Warning>) {
    let parsed = parse(bytes);
    let mut warnings = parsed.warnings;
    let mut out = Vec::new();
    let cals: Vec<&Component> = parsed
        .roots
        .iter()
        .filter(|c| c.name == "VCALENDAR")
        .collect();
    if cals.is_empty() {
        warnings.push(Warning::at(
            0,
            "no BEGIN:VCALENDAR: this is not an iCalendar reply",
        ));
    }
    for cal in cals {
        let method = cal
            .prop("METHOD")
            .map(|p| p.value.trim().to_ascii_uppercase())
            .unwrap_or_default();
        if method != "REPLY" {
            warnings.push(Warning::at(
                cal.line,
                format!("METHOD is '{method}', not REPLY; no answers read"),
            ));
            continue;
        }
        for ev in cal.children.iter().filter(|c| c.name == "VEVENT") {
            let Some(uid) = ev
                .prop("UID")
                .map(|p| p.value.trim().to_string())
                .filter(|u| !u.is_empty())
            else {
                warnings.push(Warning::at(ev.line, "reply without UID; skipped"));
                continue;
            };
            let sequence = ev
                .prop("SEQUENCE")
                .and_then(|p| p.value.trim().parse().ok())
                .unwrap_or(0);
            let answered_at = ev.prop("DTSTAMP").and_then(|p| {
                NaiveDateTime::parse_from_str(p.value.trim().trim_end_matches('Z'), "%Y%m%dT%H%M%S")
                    .ok()
                    .map(|t| {
                        Utc.from_utc_datetime(&t)
                            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                    })
            });
            let mut any = false;
            for a in ev.props_named("ATTENDEE") {
                let Attendee {
                    email, partstat, ..
                } = read_attendee(a);
                if !matches!(
                    partstat.as_str(),
                    "accepted" | "declined" | "tentative" | "delegated" | "needs-action"
                ) {
                    warnings.push(Warning::at(
                        a.line,
                        format!("unknown PARTSTAT '{partstat}'; skipped"),
                    ));
                    continue;
                }
                if email.is_empty() {
                    continue;
                }
                any = true;
                out.push(Reply {
                    uid: uid.clone(),
                    email,
                    partstat,
                    sequence,
                    answered_at: answered_at.clone(),
                });
            }
            if !any {
                warnings.push(Warning::at(
                    ev.line,
                    "reply without a usable ATTENDEE; skipped",
                ));
            }
        }
    }
    (out, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inv() -> Invitation {
        let berlin = Tz::Europe__Berlin;
        Invitation {
            uid: "erfa-2027@vernetzt".into(),
            sequence: 0,
            title: "OZG-Erfahrungsaustausch; Frühjahr, 2027".into(),
            start: EventTime::Local(
                NaiveDate::from_ymd_opt(2027, 3, 27)
                    .unwrap()
                    .and_hms_opt(9, 30, 0)
                    .unwrap(),
                berlin,
            ),
            end: EventTime::Local(
                NaiveDate::from_ymd_opt(2027, 3, 28)
                    .unwrap()
                    .and_hms_opt(16, 0, 0)
                    .unwrap(),
                berlin,
            ),
            location: Some("Erfurt, Raum 1".into()),
            description: Some("Workshops:\nRoll-in".into()),
            url: None,
            organizer: Person {
                name: "FITKO, Geschäftsstelle".into(),
                email: "info@fitko.example".into(),
            },
            attendees: vec![
                Person {
                    name: "Jördis \"JM\" Müller;\r\nBCC:evil@example.org".into(),
                    email: "jm@fitko.example".into(),
                },
                Person {
                    name: "Eve: Admin".into(),
                    email: "eve@land.example".into(),
                },
            ],
        }
    }

    #[test]
    fn request_is_well_formed_and_reads_back() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap();
        let ics = write(&inv(), Method::Request, None, now);
        assert!(ics.lines().all(|l| l.len() <= 76), "folded");
        assert!(!ics.replace("\r\n", "").contains('\n'), "CRLF only");
        assert!(!ics.contains("\r\nBCC:"), "no property injection");
        let parsed = parse(ics.as_bytes());
        assert!(
            parsed.complete() && parsed.warnings.is_empty(),
            "{:?}",
            parsed.warnings
        );
        let cal = &parsed.roots[0];
        let tz = cal.children.iter().find(|c| c.name == "VTIMEZONE").unwrap();
        assert!(
            tz.children.iter().any(|o| o.name == "DAYLIGHT"),
            "the DST change on 2027-03-28 is in the span"
        );
        let ev = cal.children.iter().find(|c| c.name == "VEVENT").unwrap();
        assert_eq!(
            ev.text("SUMMARY").as_deref(),
            Some("OZG-Erfahrungsaustausch; Frühjahr, 2027")
        );
        let att: Vec<_> = ev.props_named("ATTENDEE").collect();
        assert_eq!(att.len(), 2);
        assert_eq!(
            att[0].param("CN"),
            Some("Jördis \"JM\" Müller;\nBCC:evil@example.org")
        );
        assert_eq!(att[0].value, "mailto:jm@fitko.example");
        assert_eq!(att[1].param("CN"), Some("Eve: Admin"));
        // The event read back by our own feed reader lands at the right instants.
        let read = super::super::event::read_feed(ics.as_bytes(), Tz::UTC, now).unwrap();
        assert_eq!(read.events[0].start.stored(), "2027-03-27T08:30:00Z");
        assert_eq!(
            read.events[0].end.stored(),
            "2027-03-28T14:00:00Z",
            "after the change to CEST"
        );
    }

    #[test]
    fn cancel_for_one_attendee() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap();
        let mut i = inv();
        i.sequence = 2;
        let removed = [i.attendees[1].clone()];
        let ics = write(&i, Method::Cancel, Some(&removed), now);
        assert!(
            ics.contains("METHOD:CANCEL\r\n")
                && ics.contains("STATUS:CANCELLED\r\n")
                && ics.contains("SEQUENCE:2\r\n")
        );
        assert_eq!(ics.matches("ATTENDEE").count(), 1);
    }

    #[test]
    fn the_servers_copy_says_the_client_schedules_and_the_invitation_does_not() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap();
        let i = inv();
        let object = write_object(&i, &["ACCEPTED".into()], false, now);
        assert!(!object.contains("METHOD"), "a stored object has no METHOD");
        let parsed = parse(object.as_bytes());
        let ev = parsed.roots[0]
            .children
            .iter()
            .find(|c| c.name == "VEVENT")
            .unwrap();
        let att: Vec<_> = ev.props_named("ATTENDEE").collect();
        assert_eq!(att.len(), 2);
        for a in &att {
            assert_eq!(a.param("SCHEDULE-AGENT"), Some("CLIENT"), "{object}");
        }
        assert_eq!(att[0].param("PARTSTAT"), Some("ACCEPTED"));
        for method in [Method::Request, Method::Cancel] {
            let msg = write(&i, method, None, now);
            assert!(!msg.contains("SCHEDULE-AGENT"), "{msg}");
        }
    }

    #[test]
    fn replies_from_the_corpus_style() {
        let reply = "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:erfa-2027@vernetzt\r\nDTSTAMP:20261123T101500Z\r\nSEQUENCE:0\r\nATTENDEE;PARTSTAT=ACCEPTED;CN=\"Müller, Jördis\":MAILTO:JM@fitko.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let (r, w) = read_replies(reply.as_bytes());
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            r,
            vec![Reply {
                uid: "erfa-2027@vernetzt".into(),
                email: "jm@fitko.example".into(),
                partstat: "accepted".into(),
                sequence: 0,
                answered_at: Some("2026-11-23T10:15:00Z".into())
            }]
        );
        let (r, w) = read_replies(b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n");
        assert!(r.is_empty() && w[0].message.contains("not REPLY"));
        let (r, w) = read_replies(b"\x00\x01garbage");
        assert!(r.is_empty() && !w.is_empty());
    }
}
