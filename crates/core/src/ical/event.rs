//! VEVENTs of a feed → events ready to store, with every problem reported by component and line.

use super::Warning;
use super::parse::{Component, Parsed, Property, parse, unescape_text};
use super::recur::{Anchor, Instant};
use super::zone::{Zones, local_to_utc};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

/// Status of an event as Vernetzt keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Takes place (also the default when STATUS is missing).
    Confirmed,
    /// Not yet certain.
    Tentative,
    /// Cancelled by the organiser (kept and shown as cancelled, never dropped).
    Cancelled,
    /// Gone from a complete feed (kept with its attendance and notes).
    Removed,
}

impl Status {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Confirmed => "confirmed",
            Status::Tentative => "tentative",
            Status::Cancelled => "cancelled",
            Status::Removed => "removed",
        }
    }
}

/// A start or end as read: a date, or an instant with the zone it was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// `VALUE=DATE`: all day.
    Date(NaiveDate),
    /// A local time in an IANA zone (floating times get the user's zone).
    Zoned(NaiveDateTime, Tz),
    /// UTC (`Z`).
    Utc(DateTime<Utc>),
}

impl When {
    /// The instant in UTC (for a date: midnight UTC, used only for ordering and windows).
    pub fn utc(&self) -> DateTime<Utc> {
        match self {
            When::Date(d) => {
                DateTime::from_naive_utc_and_offset(d.and_hms_opt(0, 0, 0).expect("midnight"), Utc)
            }
            When::Zoned(l, tz) => local_to_utc(*l, *tz),
            When::Utc(t) => *t,
        }
    }

    /// As stored and printed: `YYYY-MM-DD` for dates, RFC 3339 UTC otherwise.
    pub fn stored(&self) -> String {
        match self {
            When::Date(d) => d.format("%Y-%m-%d").to_string(),
            _ => self
                .utc()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }

    /// The recurrence anchor for this start.
    pub fn anchor(&self) -> Anchor {
        match self {
            When::Date(d) => Anchor::Date(*d),
            When::Zoned(l, tz) => Anchor::Zoned(*l, *tz),
            When::Utc(t) => Anchor::Utc(*t),
        }
    }

    /// The IANA zone the time was written in, if any.
    pub fn zone(&self) -> Option<Tz> {
        match self {
            When::Zoned(_, tz) => Some(*tz),
            _ => None,
        }
    }
}

/// One VEVENT, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEvent {
    /// UID.
    pub uid: String,
    /// RECURRENCE-ID (stored form) for an override of one occurrence.
    pub recurrence_id: Option<String>,
    /// SUMMARY (or a placeholder when missing).
    pub title: String,
    /// DESCRIPTION.
    pub description: Option<String>,
    /// LOCATION.
    pub location: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// ORGANIZER as "Name <address>" or the address.
    pub organizer: Option<String>,
    /// DTSTART.
    pub start: When,
    /// DTEND, or DTSTART + DURATION, or the default (one day for dates, zero otherwise).
    pub end: When,
    /// STATUS.
    pub status: Status,
    /// SEQUENCE (0 when missing).
    pub sequence: i64,
    /// DTSTAMP (stored form).
    pub dtstamp: Option<String>,
    /// RRULE value, checked against DTSTART.
    pub rrule: Option<String>,
    /// RDATEs.
    pub rdates: Vec<Instant>,
    /// EXDATEs.
    pub exdates: Vec<Instant>,
    /// Line of its BEGIN:VEVENT.
    pub line: usize,
}

impl FeedEvent {
    /// True when the event is all-day.
    pub fn all_day(&self) -> bool {
        matches!(self.start, When::Date(_))
    }

    /// True when the event repeats.
    pub fn recurring(&self) -> bool {
        self.rrule.is_some() || !self.rdates.is_empty()
    }
}

/// A whole feed, read.
#[derive(Debug, Clone)]
pub struct FeedRead {
    /// The usable events.
    pub events: Vec<FeedEvent>,
    /// What was skipped or repaired, with lines.
    pub warnings: Vec<Warning>,
    /// Only a complete feed (every VCALENDAR closed) may remove events that are missing from it.
    pub complete: bool,
    /// X-WR-CALNAME, a default name for the feed.
    pub name: Option<String>,
    /// UIDs of VEVENTs that were skipped as unreadable: they are still in the feed, so a sync
    /// must not mark them removed.
    pub skipped_uids: Vec<String>,
}

/// Why a whole input is unusable (the stored state then stays as it was).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    /// No VCALENDAR at all: an HTML page, an empty file, binary data.
    #[error("this is not an iCalendar file ({0})")]
    NotCalendar(String),
}

fn describe_non_calendar(bytes: &[u8]) -> String {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)])
        .trim_start()
        .to_ascii_lowercase();
    if bytes.is_empty() {
        "it is empty".into()
    } else if head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.contains("<body")
    {
        "it is a web page (HTML), perhaps an error page of the server".into()
    } else if bytes
        .iter()
        .take(4096)
        .filter(|b| **b == 0 || (**b < 9))
        .count()
        > 0
    {
        "it holds binary data".into()
    } else {
        "no BEGIN:VCALENDAR found".into()
    }
}

/// Reads a date or date-time property with its TZID.
fn when(p: &Property, zones: &Zones, default_tz: Tz) -> Result<When, String> {
    let v = p.value.trim();
    let is_date = p
        .param("VALUE")
        .is_some_and(|x| x.eq_ignore_ascii_case("DATE"))
        || (v.len() == 8 && !v.contains('T'));
    if is_date {
        // `get`, not slicing: byte 8 may fall inside a multi-byte character (fuzzing found it).
        return NaiveDate::parse_from_str(v.get(..v.len().min(8)).unwrap_or(v), "%Y%m%d")
            .map(When::Date)
            .map_err(|_| format!("'{v}' is not a date"));
    }
    let (body, utc) = match v.strip_suffix(['Z', 'z']) {
        Some(b) => (b, true),
        None => (v, false),
    };
    let local = NaiveDateTime::parse_from_str(body, "%Y%m%dT%H%M%S")
        .or_else(|_| NaiveDateTime::parse_from_str(body, "%Y%m%dT%H%M"))
        .map_err(|_| format!("'{v}' is not a date-time"))?;
    if utc {
        return Ok(When::Utc(DateTime::from_naive_utc_and_offset(local, Utc)));
    }
    match p.param("TZID") {
        None => Ok(When::Zoned(local, default_tz)),
        Some(tzid) => match zones.resolve(tzid) {
            Some(tz) => Ok(When::Zoned(local, tz)),
            None => Err(format!("unknown time zone '{tzid}'")),
        },
    }
}

/// Parses an RFC 5545 DURATION (`P1D`, `PT1H30M`, `-PT15M`, `P2W`).
pub fn parse_duration(v: &str) -> Option<chrono::Duration> {
    let v = v.trim();
    let (neg, rest) = match v.as_bytes().first()? {
        b'-' => (true, &v[1..]),
        b'+' => (false, &v[1..]),
        _ => (false, v),
    };
    let rest = rest.strip_prefix(['P', 'p'])?;
    let mut total = chrono::Duration::zero();
    let mut num = String::new();
    let mut in_time = false;
    let mut any = false;
    for c in rest.chars() {
        match c.to_ascii_uppercase() {
            'T' => in_time = true,
            d if d.is_ascii_digit() => num.push(d),
            unit => {
                let n: i64 = num.parse().ok()?;
                num.clear();
                any = true;
                // try_*: a hostile `P999999999999999999W` must not overflow.
                let part = match (unit, in_time) {
                    ('W', false) => chrono::Duration::try_weeks(n),
                    ('D', false) => chrono::Duration::try_days(n),
                    ('H', true) => chrono::Duration::try_hours(n),
                    ('M', true) => chrono::Duration::try_minutes(n),
                    ('S', true) => chrono::Duration::try_seconds(n),
                    _ => None,
                }?;
                total = total.checked_add(&part)?;
            }
        }
    }
    (any && num.is_empty()).then_some(if neg { -total } else { total })
}

fn instants(
    props: &[&Property],
    zones: &Zones,
    default_tz: Tz,
    warn: &mut dyn FnMut(usize, String),
) -> Vec<Instant> {
    let mut out = Vec::new();
    for p in props {
        for part in p.value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            // PERIOD values (start/end or start/duration): the start is what recurs.
            let start = part.split('/').next().unwrap_or(part);
            let single = Property {
                value: start.to_string(),
                ..(*p).clone()
            };
            match when(&single, zones, default_tz) {
                Ok(When::Date(d)) => out.push(Instant::Date(d)),
                Ok(w) => out.push(Instant::Utc(w.utc())),
                Err(e) => warn(p.line, format!("{}: {e}; ignored", p.name)),
            }
        }
    }
    out
}

/// Like [`when`], but a TZID nobody can identify falls back to `fallback` with a warning: the
/// event is kept at the time most likely meant, and the user is told.
fn when_or_default_zone(
    p: &Property,
    zones: &Zones,
    fallback: Tz,
    warn: &mut dyn FnMut(usize, String),
) -> Result<When, String> {
    match when(p, zones, fallback) {
        Err(e) if e.starts_with("unknown time zone") => {
            warn(
                p.line,
                format!("{} has an {e}; read as {}", p.name, fallback.name()),
            );
            let stripped = Property {
                params: p
                    .params
                    .iter()
                    .filter(|(n, _)| n != "TZID")
                    .cloned()
                    .collect(),
                ..p.clone()
            };
            when(&stripped, zones, fallback)
        }
        other => other,
    }
}

fn organizer(p: &Property) -> String {
    let addr = p.value.trim();
    let addr = addr
        .strip_prefix("mailto:")
        .or_else(|| addr.strip_prefix("MAILTO:"))
        .unwrap_or(addr);
    match p.param("CN") {
        Some(cn) if !cn.trim().is_empty() => format!("{} <{addr}>", cn.trim()),
        _ => addr.to_string(),
    }
}

fn event(
    c: &Component,
    zones: &Zones,
    default_tz: Tz,
    warnings: &mut Vec<Warning>,
) -> Option<FeedEvent> {
    let uid = c
        .prop("UID")
        .map(|p| p.value.trim().to_string())
        .filter(|u| !u.is_empty());
    let label = format!("VEVENT {}", uid.as_deref().unwrap_or("without UID"));
    let mut warn = |line: usize, message: String| {
        warnings.push(Warning {
            line,
            component: Some(label.clone()),
            message,
        })
    };
    let Some(uid) = uid else {
        warn(
            c.line,
            "no UID, so it cannot be kept up to date; skipped".into(),
        );
        return None;
    };
    let Some(dtstart) = c.prop("DTSTART") else {
        warn(c.line, "no DTSTART; skipped".into());
        return None;
    };
    let start = match when_or_default_zone(dtstart, zones, default_tz, &mut warn) {
        Ok(w) => w,
        Err(e) => {
            warn(dtstart.line, format!("DTSTART {e}; skipped"));
            return None;
        }
    };
    if c.props_named("DTSTART").count() > 1 {
        warn(
            dtstart.line,
            "DTSTART given more than once; the first is used".into(),
        );
    }
    let mut start = start;
    let end = if let Some(p) = c.prop("DTEND") {
        match when_or_default_zone(p, zones, start.zone().unwrap_or(default_tz), &mut warn) {
            Ok(e) if e.utc() >= start.utc() => Some(e),
            Ok(e) => {
                warn(
                    p.line,
                    "DTEND lies before DTSTART; the two were swapped".into(),
                );
                let s = start;
                start = e;
                Some(s)
            }
            Err(e) => {
                warn(p.line, format!("DTEND {e}; ignored"));
                None
            }
        }
    } else if let Some(p) = c.prop("DURATION") {
        match parse_duration(&p.value) {
            Some(d) if d >= chrono::Duration::zero() && d <= chrono::Duration::days(3660) => {
                Some(match start {
                    When::Date(day) => {
                        When::Date(day + chrono::Duration::days(d.num_days().max(1)))
                    }
                    _ => When::Utc(start.utc() + d),
                })
            }
            _ => {
                warn(
                    p.line,
                    format!(
                        "DURATION '{}' is not a valid duration of at most ten years; ignored",
                        p.value.trim()
                    ),
                );
                None
            }
        }
    } else {
        None
    };
    let end = end.unwrap_or(match start {
        When::Date(d) => When::Date(d + chrono::Duration::days(1)),
        other => other,
    });
    let status = match c
        .prop("STATUS")
        .map(|p| p.value.trim().to_ascii_uppercase())
    {
        Some(s) if s == "CANCELLED" => Status::Cancelled,
        Some(s) if s == "TENTATIVE" => Status::Tentative,
        _ => Status::Confirmed,
    };
    let recurrence_id = match c.prop("RECURRENCE-ID") {
        None => None,
        Some(p) => match when(p, zones, start.zone().unwrap_or(default_tz)) {
            Ok(w) => Some(w.stored()),
            Err(e) => {
                warn(p.line, format!("RECURRENCE-ID {e}; skipped"));
                return None;
            }
        },
    };
    let rrule =
        c.prop("RRULE")
            .and_then(|p| match super::recur::validate(&p.value, start.anchor()) {
                Ok(()) => Some(p.value.trim().to_string()),
                Err(e) => {
                    warn(
                        p.line,
                        format!("RRULE cannot be used ({e}); only the first occurrence is kept"),
                    );
                    None
                }
            });
    let rdates = instants(
        &c.props_named("RDATE").collect::<Vec<_>>(),
        zones,
        default_tz,
        &mut warn,
    );
    let exdates = instants(
        &c.props_named("EXDATE").collect::<Vec<_>>(),
        zones,
        default_tz,
        &mut warn,
    );
    let sequence = c
        .prop("SEQUENCE")
        .and_then(|p| p.value.trim().parse().ok())
        .unwrap_or(0);
    let dtstamp = c
        .prop("DTSTAMP")
        .and_then(|p| when(p, zones, Tz::UTC).ok())
        .map(|w| w.stored());
    let text = |name: &str| {
        c.text(name)
            .map(|t| t.chars().take(100_000).collect::<String>())
    };
    Some(FeedEvent {
        uid,
        recurrence_id,
        title: text("SUMMARY")
            .map(|t| t.trim().to_string())
            .unwrap_or_else(|| "(ohne Titel)".into()),
        description: text("DESCRIPTION"),
        location: text("LOCATION"),
        url: c
            .prop("URL")
            .map(|p| unescape_text(p.value.trim()))
            .filter(|u| !u.is_empty()),
        organizer: c.prop("ORGANIZER").map(organizer),
        start,
        end,
        status,
        sequence,
        dtstamp,
        rrule,
        rdates,
        exdates,
        line: c.line,
    })
}

/// Reads a feed. Only an input with no VCALENDAR at all is an error; everything else yields the
/// events that could be read and warnings for the rest.
pub fn read_feed(bytes: &[u8], default_tz: Tz, now: DateTime<Utc>) -> Result<FeedRead, FeedError> {
    let parsed = parse(bytes);
    let complete = parsed.complete();
    let Parsed {
        roots,
        mut warnings,
    } = parsed;
    let calendars: Vec<&Component> = roots.iter().filter(|c| c.name == "VCALENDAR").collect();
    if calendars.is_empty() {
        return Err(FeedError::NotCalendar(describe_non_calendar(bytes)));
    }
    if let Some(v) = calendars
        .iter()
        .filter_map(|c| c.prop("VERSION"))
        .map(|p| p.value.trim())
        .find(|v| v.starts_with('1'))
    {
        return Err(FeedError::NotCalendar(format!(
            "it is vCalendar {v}, the predecessor of iCalendar 2.0"
        )));
    }
    let mut events = Vec::new();
    let mut skipped_uids = Vec::new();
    let mut name = None;
    for cal in calendars {
        let zones = Zones::from_calendar(cal, super::zone::year_of(now));
        name = name.or_else(|| cal.text("X-WR-CALNAME"));
        for c in cal.children.iter().filter(|c| c.name == "VEVENT") {
            match event(c, &zones, default_tz, &mut warnings) {
                Some(e) => events.push(e),
                None => skipped_uids.extend(c.prop("UID").map(|p| p.value.trim().to_string())),
            }
        }
    }
    Ok(FeedRead {
        events,
        warnings,
        complete,
        name,
        skipped_uids,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2026-11-22T08:00:00Z";

    fn read(s: &str) -> FeedRead {
        read_feed(
            s.as_bytes(),
            Tz::Europe__Berlin,
            DateTime::parse_from_rfc3339(NOW).unwrap().into(),
        )
        .unwrap()
    }

    #[test]
    fn a_typical_event() {
        let f = read(
            "BEGIN:VCALENDAR\r\nX-WR-CALNAME:FITKO\r\nBEGIN:VEVENT\r\nUID:a@fitko\r\nDTSTAMP:20261101T120000Z\r\nDTSTART;TZID=W. Europe Standard Time:20261203T093000\r\nDTEND;TZID=W. Europe Standard Time:20261203T170000\r\nSUMMARY:OZG-Erfahrungsaustausch\\, Winter\r\nLOCATION:Berlin\\; Raum 1\r\nDESCRIPTION:Zeile 1\\nZeile 2\r\nORGANIZER;CN=\"FITKO, Geschäftsstelle\":mailto:info@fitko.example\r\nSEQUENCE:2\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        );
        assert!(f.complete && f.warnings.is_empty(), "{:?}", f.warnings);
        let e = &f.events[0];
        assert_eq!(e.title, "OZG-Erfahrungsaustausch, Winter");
        assert_eq!(e.location.as_deref(), Some("Berlin; Raum 1"));
        assert_eq!(e.description.as_deref(), Some("Zeile 1\nZeile 2"));
        assert_eq!(
            e.organizer.as_deref(),
            Some("FITKO, Geschäftsstelle <info@fitko.example>")
        );
        assert_eq!(e.start.stored(), "2026-12-03T08:30:00Z");
        assert_eq!(e.end.stored(), "2026-12-03T16:00:00Z");
        assert_eq!(e.start.zone(), Some(Tz::Europe__Berlin));
        assert_eq!(
            (e.sequence, e.dtstamp.as_deref()),
            (2, Some("2026-11-01T12:00:00Z"))
        );
        assert_eq!(f.name.as_deref(), Some("FITKO"));
    }

    #[test]
    fn all_day_duration_floating_and_cancelled() {
        let f = read(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:d\nDTSTART;VALUE=DATE:20261224\nDTEND;VALUE=DATE:20261227\nEND:VEVENT\nBEGIN:VEVENT\nUID:u\nDTSTART:20260610T140000\nDURATION:PT1H30M\nSTATUS:CANCELLED\nEND:VEVENT\nEND:VCALENDAR\n",
        );
        let d = &f.events[0];
        assert!(d.all_day());
        assert_eq!(
            (d.start.stored().as_str(), d.end.stored().as_str()),
            ("2026-12-24", "2026-12-27")
        );
        let u = &f.events[1];
        assert_eq!(
            u.start.stored(),
            "2026-06-10T12:00:00Z",
            "floating = the user's zone"
        );
        assert_eq!(u.end.stored(), "2026-06-10T13:30:00Z");
        assert_eq!(u.status, Status::Cancelled);
    }

    #[test]
    fn bad_components_are_named_and_the_rest_kept() {
        let f = read(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20260101T100000Z\nSUMMARY:no uid\nEND:VEVENT\nBEGIN:VEVENT\nUID:x\nSUMMARY:no start\nEND:VEVENT\nBEGIN:VEVENT\nUID:tz\nDTSTART;TZID=Mars/Olympus:20260101T100000\nEND:VEVENT\nBEGIN:VEVENT\nUID:ok\nDTSTART:20260101T100000Z\nEND:VEVENT\nEND:VCALENDAR\n",
        );
        assert_eq!(
            f.events.iter().map(|e| e.uid.as_str()).collect::<Vec<_>>(),
            ["tz", "ok"]
        );
        let msgs: Vec<String> = f.warnings.iter().map(ToString::to_string).collect();
        assert!(
            msgs[0].starts_with("line 2, VEVENT without UID: no UID"),
            "{msgs:?}"
        );
        assert!(
            msgs[1].starts_with("line 6, VEVENT x: no DTSTART"),
            "{msgs:?}"
        );
        assert!(
            msgs[2]
                .contains("DTSTART has an unknown time zone 'Mars/Olympus'; read as Europe/Berlin"),
            "{msgs:?}"
        );
    }

    #[test]
    fn not_a_calendar() {
        let now = DateTime::parse_from_rfc3339(NOW).unwrap().into();
        for (input, why) in [
            (
                &b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>"[..],
                "web page",
            ),
            (b"", "empty"),
            (b"\x00\x01\x02\xff binary", "binary"),
        ] {
            let err = read_feed(input, Tz::Europe__Berlin, now).unwrap_err();
            assert!(err.to_string().contains(why), "{err}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(
            parse_duration("PT1H30M"),
            Some(chrono::Duration::minutes(90))
        );
        assert_eq!(parse_duration("P2W"), Some(chrono::Duration::weeks(2)));
        assert_eq!(
            parse_duration("-PT15M"),
            Some(chrono::Duration::minutes(-15))
        );
        assert_eq!(parse_duration("P"), None);
        assert_eq!(parse_duration("PT-2H"), None);
        assert_eq!(parse_duration("P999999999999999999W"), None);
    }
}
