//! The demo's calendar: a local iCalendar feed of the events OZG people meet at (five editions
//! of the OZG-Erfahrungsaustausch with workshops and a panel, two OZG-Taskforce meetings, a
//! Digitalisierungslabor, a recurring Jour fixe), placed around the `now` it is given so some
//! lie behind and some ahead whenever the demo is made.
//!
//! It is written as `.ics` text and then read back by the same reader and store path that
//! `vernetzt feed import` uses, so the demo also shows that path working.

use super::DEMO_TLD;
use crate::ical::itip::{param_value, vtimezone};
use crate::ical::write::{escape_text, push_line};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// The feed's address. A `file://` feed is never polled (see `schedule::due`); the demo's file
/// does not exist, as its events live in the store alone.
pub const FEED_URL: &str = "file:///vernetzt-demo/ozg-veranstaltungen.ics";

/// The zone of every demo time.
pub(super) const ZONE: Tz = Tz::Europe__Berlin;

/// What an event is to the showcase, which marks attendance and encounters by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// An edition of the OZG-Erfahrungsaustausch (0 = the oldest).
    Edition(usize),
    /// Workshop or panel `n` (0 = the first), within one of the last two editions.
    Session(usize),
    /// A meeting of the OZG-Taskforce.
    Taskforce,
    /// The Digitalisierungslabor.
    Labor,
    /// The recurring online Jour fixe (no attendance: it repeats).
    JourFixe,
}

/// One event of the feed, in Berlin time.
#[derive(Debug, Clone)]
pub(super) struct DemoEvent {
    pub uid: String,
    pub kind: Kind,
    pub title: String,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub location: &'static str,
    pub description: String,
    pub url: Option<String>,
    /// ORGANIZER: name and address.
    pub organizer: (&'static str, String),
    pub rrule: Option<&'static str>,
}

impl DemoEvent {
    /// True when the event starts before `now`.
    pub fn is_past(&self, now: DateTime<Utc>) -> bool {
        utc(self.start) < now
    }
}

fn utc(local: NaiveDateTime) -> DateTime<Utc> {
    ZONE.from_local_datetime(&local)
        .earliest()
        .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
}

/// `weekday` of the week `weeks` away from the week of `today`.
pub(super) fn day(today: NaiveDate, weeks: i64, weekday: Weekday) -> NaiveDate {
    let monday = today - Duration::days(today.weekday().num_days_from_monday().into());
    monday + Duration::days(weeks * 7 + i64::from(weekday.num_days_from_monday()))
}

pub(super) fn at(d: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
    d.and_hms_opt(h, m, 0).expect("a valid time of day")
}

fn season(d: NaiveDate) -> &'static str {
    match d.month() {
        3..=5 => "Frühjahr",
        6..=8 => "Sommer",
        9..=11 => "Herbst",
        _ => "Winter",
    }
}

/// Where online meetings take place.
const ONLINE: &str = "Online (Videokonferenz)";

/// Editions of the OZG-Erfahrungsaustausch: weeks from now, city, motto.
const EDITIONS: [(i64, &str, &str); 5] = [
    (
        -73,
        "Frankfurt am Main",
        "Nachnutzung ist Gemeinschaftsleistung",
    ),
    (-52, "Berlin", "Interföderales Teamwork braucht Vernetzung"),
    (-30, "Erfurt", "Im Land der Dichter und Denker"),
    (-8, "Hamburg", "Erreichtes weiterdenken"),
    (9, "Leipzig", "Vom Roll-in in die Fläche"),
];

/// Workshops (day one) and the panel (day two) of the last two editions.
const SESSIONS: [(usize, bool, &str, &str); 6] = [
    (
        3,
        false,
        "Workshop: Vergaberechtsfreie Nachnutzung von EfA-Leistungen",
        "Wie Länder und Kommunen EfA-Leistungen ohne eigenes Vergabeverfahren nachnutzen: Verträge, Kosten, Betrieb.",
    ),
    (
        3,
        false,
        "Workshop: Roll-in und Anbindung von Fachverfahren",
        "Erfahrungen aus Pilotkommunen mit FIT-Connect, dem OZG-Hub und der Anbindung vorhandener Fachverfahren.",
    ),
    (
        3,
        true,
        "Podium: Best Practice Wohngeld – wie die Nachnutzung gelingt",
        "Ein Land, das entwickelt, ein Land, das nachnutzt, und der Betrieb dazwischen: klare Zuständigkeiten, ehrliche Erwartungen.",
    ),
    (
        4,
        false,
        "Workshop: Changemanagement in Kommunen",
        "Was Beschäftigte brauchen, damit Online-Anträge nicht ausgedruckt werden: Schulung, Support, Betriebsstrukturen.",
    ),
    (
        4,
        false,
        "Workshop: Wissensmanagement für die 115",
        "Wie Online-Dienste im First-Level-Support der 115 beauskunftet werden können.",
    ),
    (
        4,
        true,
        "Podium: OZG trifft Registermodernisierung",
        "Once-Only braucht beide Programme: wie Fachministerkonferenzen und Ressorts früh eingebunden werden.",
    ),
];

fn edition_text(city: &str, upcoming: bool) -> String {
    let lead = if upcoming {
        format!(
            "Das OZG-Programmmanagement lädt OZG-Koordinierende und Themenfeldführende aus Bund und Ländern zum Erfahrungsaustausch nach {city} ein."
        )
    } else {
        format!(
            "Rund 110 OZG-Koordinierende und Themenfeldführende aus Bund und Ländern trafen sich in {city}."
        )
    };
    format!(
        "{lead}\n\nProgramm:\n- Begrüßung und Stand der OZG-Umsetzung\n- Zwei Workshop-Sessions in kleinen Gruppen\n- Podiumsdiskussion\n- Get-Together zur Vernetzung\n\nDie Präsentationen der Sessions werden im Anschluss bereitgestellt."
    )
}

/// An event of the OZG-Programmmanagement with its programme page; the callers change what
/// differs.
fn fitko_event(
    uid: String,
    kind: Kind,
    title: String,
    (start, end): (NaiveDateTime, NaiveDateTime),
    location: &'static str,
    description: String,
) -> DemoEvent {
    DemoEvent {
        uid,
        kind,
        title,
        start,
        end,
        location,
        description,
        url: Some(format!("https://www.fitko.{DEMO_TLD}/veranstaltungen")),
        organizer: (
            "OZG-Programmmanagement",
            format!("veranstaltungen@fitko.{DEMO_TLD}"),
        ),
        rrule: None,
    }
}

/// The demo's events, around `now`, in the order they are written.
pub(super) fn events(now: DateTime<Utc>) -> Vec<DemoEvent> {
    let today = now.with_timezone(&ZONE).date_naive();
    let mut out = Vec::new();
    for (n, (weeks, city, motto)) in EDITIONS.iter().enumerate() {
        let first = day(today, *weeks, Weekday::Tue);
        out.push(fitko_event(
            format!("ozg-erfa-{}@fitko.{DEMO_TLD}", n + 1),
            Kind::Edition(n),
            format!(
                "OZG-Erfahrungsaustausch {} {} – {motto}",
                season(first),
                first.year()
            ),
            (at(first, 10, 0), at(first + Duration::days(1), 15, 0)),
            city,
            edition_text(city, *weeks > 0),
        ));
    }
    for (k, (edition, panel, title, text)) in SESSIONS.iter().enumerate() {
        let first = day(today, EDITIONS[*edition].0, Weekday::Tue);
        let second = first + Duration::days(1);
        out.push(fitko_event(
            format!("ozg-erfa-session-{}@fitko.{DEMO_TLD}", k + 1),
            Kind::Session(k),
            title.to_string(),
            if *panel {
                (at(second, 10, 0), at(second, 11, 0))
            } else {
                (at(first, 14, 0), at(first, 15, 30))
            },
            EDITIONS[*edition].1,
            format!("Teil des OZG-Erfahrungsaustauschs.\n\n{text}"),
        ));
    }
    for (k, (weeks, city)) in [(-34, "Fellbach"), (5, "Ulm")].into_iter().enumerate() {
        let d = day(today, weeks, Weekday::Thu);
        out.push(DemoEvent {
            url: None,
            organizer: (
                "OZG-Taskforce Baden-Württemberg",
                format!("taskforce@kommunen-bw.{DEMO_TLD}"),
            ),
            ..fitko_event(
                format!("ozg-taskforce-{}@kommunen-bw.{DEMO_TLD}", k + 2),
                Kind::Taskforce,
                format!("OZG-Taskforce – {}. Präsenztreffen", k + 2),
                (at(d, 9, 30), at(d, 16, 0)),
                city,
                "Digitalisierungsbeauftragte aus baden-württembergischen Kommunen und darüber \
                 hinaus tauschen sich zur Umsetzung des OZG aus: Authentifizierung mit der eID, \
                 Formulare ohne Ausdruck, Anforderungen an die Landesbehörden."
                    .into(),
            )
        });
    }
    let d = day(today, -12, Weekday::Wed);
    out.push(DemoEvent {
        url: Some(format!(
            "https://konferenz.fitko.{DEMO_TLD}/digilab-familie"
        )),
        ..fitko_event(
            format!("digilab-familie@fitko.{DEMO_TLD}"),
            Kind::Labor,
            "Digitalisierungslabor Familie & Kind: Elterngeld digital".into(),
            (at(d, 10, 0), at(d, 16, 0)),
            ONLINE,
            "Kommunale Praktikerinnen und Praktiker, Fachressorts und Nutzende entwickeln \
             gemeinsam einen Online-Antrag, der vom ersten Klick an verständlich ist."
                .into(),
        )
    });
    let d = day(today, -20, Weekday::Thu);
    out.push(DemoEvent {
        url: Some(format!("https://konferenz.kommunen.{DEMO_TLD}/jourfixe")),
        organizer: (
            "Geschäftsstelle Kommunalpakt",
            format!("kommunalpakt@kommunen.{DEMO_TLD}"),
        ),
        rrule: Some("FREQ=WEEKLY;INTERVAL=4;COUNT=10"),
        ..fitko_event(
            format!("jourfixe-kommunalpakt@kommunen.{DEMO_TLD}"),
            Kind::JourFixe,
            "Jour fixe Kommunalpakt (online)".into(),
            (at(d, 14, 0), at(d, 15, 0)),
            ONLINE,
            "Alle vier Wochen: Stand des Roll-ins, offene Fragen der Kommunen, Termine.".into(),
        )
    });
    out
}

/// The events as an iCalendar feed (`X-WR-CALNAME` names it), with the VTIMEZONE they use.
pub(super) fn ics(events: &[DemoEvent], now: DateTime<Utc>) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Vernetzt//Demo//DE",
        "X-WR-CALNAME:OZG-Veranstaltungen",
    ] {
        push_line(&mut out, line);
    }
    let first = events.iter().map(|e| utc(e.start)).min().unwrap_or(now);
    let last = events.iter().map(|e| utc(e.end)).max().unwrap_or(now);
    vtimezone(
        &mut out,
        ZONE,
        first - Duration::days(1),
        last + Duration::days(365),
    );
    let local = |t: NaiveDateTime| t.format("%Y%m%dT%H%M%S").to_string();
    for e in events {
        push_line(&mut out, "BEGIN:VEVENT");
        push_line(&mut out, &format!("UID:{}", e.uid));
        push_line(
            &mut out,
            &format!("DTSTAMP:{}", now.format("%Y%m%dT%H%M%SZ")),
        );
        push_line(
            &mut out,
            &format!("DTSTART;TZID={}:{}", ZONE.name(), local(e.start)),
        );
        push_line(
            &mut out,
            &format!("DTEND;TZID={}:{}", ZONE.name(), local(e.end)),
        );
        if let Some(rule) = e.rrule {
            push_line(&mut out, &format!("RRULE:{rule}"));
        }
        push_line(&mut out, &format!("SUMMARY:{}", escape_text(&e.title)));
        push_line(&mut out, &format!("LOCATION:{}", escape_text(e.location)));
        push_line(
            &mut out,
            &format!("DESCRIPTION:{}", escape_text(&e.description)),
        );
        if let Some(url) = &e.url {
            push_line(&mut out, &format!("URL:{url}"));
        }
        let (name, address) = &e.organizer;
        push_line(
            &mut out,
            &format!("ORGANIZER;CN={}:mailto:{address}", param_value(name)),
        );
        push_line(&mut out, "END:VEVENT");
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}
