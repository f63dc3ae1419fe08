//! Removing a feed (issue 14): the feed goes from the list and the sync, its events go, and the
//! user's history with them stays.

use super::*;
use crate::ical::event::read_feed;
use crate::model::{AttendanceStatus, FeedAuth, TimelineItem};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().into()
}

fn read(ics: &str) -> crate::ical::event::FeedRead {
    read_feed(
        ics.as_bytes(),
        Tz::Europe__Berlin,
        utc("2026-11-22T08:00:00Z"),
    )
    .unwrap()
}

/// Four events: one attended, one repeating (with a moved occurrence) where the user met
/// someone, one in a series, one the user never touched.
const FEED: &str = "BEGIN:VCALENDAR\r
BEGIN:VEVENT\r
UID:erfa\r
DTSTART:20261203T083000Z\r
DTEND:20261203T160000Z\r
SUMMARY:OZG-Erfahrungsaustausch\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:jour-fixe\r
DTSTART:20261102T090000Z\r
DURATION:PT1H\r
RRULE:FREQ=WEEKLY;COUNT=6\r
SUMMARY:Jour fixe\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:jour-fixe\r
RECURRENCE-ID:20261116T090000Z\r
DTSTART:20261117T130000Z\r
DURATION:PT1H\r
SUMMARY:Jour fixe (verschoben)\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:solo\r
DTSTART:20261210T090000Z\r
SUMMARY:Digitalisierungslabor\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:untouched\r
DTSTART:20261211T090000Z\r
SUMMARY:Webinar\r
END:VEVENT\r
END:VCALENDAR\r
";

fn event_count(s: &Store) -> i64 {
    s.conn
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn removing_a_feed_keeps_the_events_the_user_has_history_with() {
    let (mut s, feed) = store_with_feed("https://fitko.example/ozg.ics", "FITKO");
    s.apply_feed(feed.id, &read(FEED), Some("\"v1\""), None)
        .unwrap();
    let anna = s.create_contact(&person("Anna", "Schmidt"), None).unwrap();
    let erfa = s.event_ref("erfa", None).unwrap();
    s.mark_attendance(&erfa, Some(anna.id), AttendanceStatus::Attended)
        .unwrap();
    let jour = s
        .event_ref("jour-fixe", Some("2026-11-09T09:00:00Z"))
        .unwrap();
    s.add_encounter(anna.id, Some(&jour), None, Some("Kaffee"))
        .unwrap();
    let solo = s.event_ref("solo", None).unwrap();
    let series = s.confirm_series("Labor", &[solo.event_id]).unwrap();

    let removal = s.remove_feed(feed.id).unwrap();
    assert_eq!(
        (removal.deleted, removal.kept, removal.uid.as_str()),
        (1, 4, feed.uid.as_str()),
        "only the untouched event goes; both rows of the repeating one stay"
    );
    assert!(s.feeds().unwrap().is_empty(), "no longer listed");
    assert!(matches!(s.feed(feed.id), Err(Error::NotFound { .. })));
    assert!(
        matches!(
            s.apply_feed(feed.id, &read(FEED), None, None),
            Err(Error::NotFound { .. })
        ),
        "a sync that finishes after the removal stores nothing"
    );
    assert_eq!(event_count(&s), 4);

    // The history is whole: attendance, the encounter with its event, the series.
    let timeline = s.timeline(anna.id).unwrap();
    assert!(timeline.iter().any(|i| matches!(i,
        TimelineItem::Event { event, status, .. } if event.uid == "erfa" && status == "attended")));
    assert!(timeline.iter().any(|i| matches!(i,
        TimelineItem::Encounter { encounter, .. }
            if encounter.event.as_ref().map(|e| e.uid.as_str()) == Some("jour-fixe"))));
    let kept = s.series().unwrap();
    assert_eq!(kept[0].id, series);
    assert_eq!(kept[0].events[0].uid, "solo");
    // The kept events are still listed, with their feed's name.
    let (from, to) = (utc("2026-11-01T00:00:00Z"), utc("2027-01-01T00:00:00Z"));
    let listed = s.occurrences(from, to, None, Tz::Europe__Berlin).unwrap();
    assert!(listed.iter().all(|o| o.uid != "untouched"));
    assert!(listed.iter().any(|o| o.title == "Jour fixe (verschoben)"));
    assert_eq!(listed[0].feed.as_deref(), Some("FITKO"));

    // Subscribing again to the same address brings the same feed back, without doubles.
    let again = s
        .add_feed(
            "https://fitko.example/ozg.ics",
            "FITKO neu",
            &FeedAuth::None,
        )
        .unwrap();
    assert_eq!((again.id, again.uid.as_str()), (feed.id, feed.uid.as_str()));
    assert_eq!((again.etag, again.last_success_at), (None, None));
    let c = s.apply_feed(again.id, &read(FEED), None, None).unwrap();
    assert_eq!((c.added, c.unchanged), (1, 4));
    assert_eq!(event_count(&s), 5);
}

#[test]
fn a_feed_without_history_is_deleted_outright() {
    let (mut s, feed) = store_with_feed("https://x.example/f.ics", "X");
    s.apply_feed(feed.id, &read(FEED), None, None).unwrap();
    let removal = s.remove_feed(feed.id).unwrap();
    assert_eq!((removal.deleted, removal.kept), (5, 0));
    assert_eq!(event_count(&s), 0);
    let rows: i64 = s
        .conn
        .query_row("SELECT count(*) FROM feeds", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 0);
    assert!(matches!(
        s.remove_feed(feed.id),
        Err(Error::NotFound { .. })
    ));
}
