//! Every real-world iCalendar file of `../shared/corpus/ical/` through the feed reader: none may
//! panic or take long, the files known to be broken fail cleanly or are repaired, and the good
//! ones yield their events. The corpus lies beside the checkout (as in CI); set
//! `VERNETZT_CORPUS` to point elsewhere.

mod common;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use common::corpus;
use vernetzt_core::ical::event::{FeedRead, read_feed};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T08:00:00Z")
        .unwrap()
        .into()
}

/// The bytes of one file of the corpus' `ical/`.
fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(corpus().join("ical").join(name)).unwrap()
}

fn read(name: &str) -> Result<FeedRead, String> {
    read_feed(&bytes(name), Tz::Europe__Berlin, now()).map_err(|e| e.to_string())
}

/// Whether one of the read's warnings says `needle`.
fn warns(r: &FeedRead, needle: &str) -> bool {
    r.warnings.iter().any(|w| w.message.contains(needle))
}

#[test]
fn no_file_panics_or_hangs() {
    let mut files: Vec<_> = std::fs::read_dir(corpus().join("ical"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 190);
    let (mut ok, mut rejected, mut events, mut warnings) = (0, 0, 0, 0);
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let t = std::time::Instant::now();
        let result = std::panic::catch_unwind(|| read_feed(&bytes, Tz::Europe__Berlin, now()));
        let r = result.unwrap_or_else(|_| panic!("{} panicked", f.display()));
        assert!(
            t.elapsed().as_secs() < 5,
            "{} took {:?}",
            f.display(),
            t.elapsed()
        );
        match r {
            Ok(read) => {
                ok += 1;
                events += read.events.len();
                warnings += read.warnings.len();
            }
            Err(_) => rejected += 1,
        }
    }
    println!(
        "{} files: {ok} read ({events} events, {warnings} warnings), {rejected} rejected",
        files.len()
    );
    assert!(events > 500, "only {events} events read");
}

#[test]
fn truncated_calendars_are_read_but_flagged_incomplete() {
    for name in [
        "icalendar-py__big_bad_calendar.ics",
        "icalendar-py__small_bad_calendar.ics",
        "icalendar-py__pr_480_summary_with_colon.ics",
        "ical4j__13-MoonPhase.ics",
    ] {
        let r = read(name).unwrap();
        assert!(!r.complete, "{name} must not count as complete");
        assert!(warns(&r, "ends before END:VCALENDAR"), "{name}");
    }
}

#[test]
fn wrong_formats_are_rejected_with_a_reason() {
    assert!(
        read("libical__user-cal.vcf")
            .unwrap_err()
            .contains("vCalendar 1.1.4")
    );
    let vcard = std::fs::read(corpus().join("vcard/libical__issue339.ics")).unwrap();
    let err = read_feed(&vcard, Tz::Europe__Berlin, now())
        .unwrap_err()
        .to_string();
    assert!(err.contains("no BEGIN:VCALENDAR"), "{err}");
}

#[test]
fn repaired_and_tolerated_files() {
    let bom = read("icalendar-py__bom_calendar.ics").unwrap();
    assert!(
        bom.complete && bom.warnings.is_empty(),
        "an empty calendar behind a BOM is fine"
    );
    let two = read("icalendar-py__multiple_calendar_components.ics").unwrap();
    assert!(two.events.len() >= 2, "both calendars are read");
    let swapped = read("recurring-ical__end_before_start_event.ics").unwrap();
    let e = &swapped.events[0];
    assert!(e.start.utc() <= e.end.utc());
    assert!(warns(&swapped, "swapped"));
    // No VTIMEZONE explains "Customized Time Zone 1": kept in the user's zone, with a warning.
    let unknown = read("node-ical__bad_custom_ms_tz2.ics").unwrap();
    assert!(unknown.events.iter().any(|e| e.uid == "1173422081SZR322"));
    assert!(unknown.warnings.iter().any(|w| {
        w.line == 6
            && w.message
                .contains("unknown time zone 'Customized Time Zone 1'")
    }));
    for name in ["node-ical__bad_ms_tz.ics", "khal__tz_windows_format.ics"] {
        let r = read(name).unwrap();
        assert!(!r.events.is_empty(), "{name}");
        assert!(
            r.events.iter().all(|e| e.start.zone().is_some()
                || !matches!(e.start, vernetzt_core::ical::event::When::Zoned(..))),
            "{name}"
        );
        assert!(!warns(&r, "unknown time zone"), "{name}: {:?}", r.warnings);
    }
    let bad_rrule = read("icalendar-py__issue_1081_invalid_rrule_freq.ics").unwrap();
    assert!(warns(&bad_rrule, "RRULE cannot be used"));
    assert!(
        !bad_rrule.events.is_empty(),
        "the event stays, with its first occurrence"
    );
    let no_uid = read("icalevents__no_uid.ics").unwrap();
    assert!(warns(&no_uid, "no UID"));
    let latin1 = read("icalevents__basic_latin1.ics").unwrap();
    assert!(warns(&latin1, "Windows-1252"));
}

#[test]
fn itip_replies_from_real_clients_are_read() {
    use vernetzt_core::ical::itip::read_replies;
    let mut total = 0;
    for name in [
        "icalevents__multi_attendee_response.ics",
        "icalevents__response.ics",
        "libical__2446.ics",
        "libical__incoming.ics",
        "libical__itip.ics",
    ] {
        let (replies, _warnings) = read_replies(&bytes(name));
        assert!(
            replies
                .iter()
                .all(|r| !r.uid.is_empty() && r.email.contains('@')),
            "{name}: {replies:?}"
        );
        total += replies.len();
    }
    assert!(total >= 5, "only {total} answers read");
    // Every corpus file through the reply reader: no panic, whatever it holds.
    for f in std::fs::read_dir(corpus().join("ical")).unwrap() {
        let bytes = std::fs::read(f.unwrap().path()).unwrap();
        let _ = std::panic::catch_unwind(|| read_replies(&bytes)).expect("no panic");
    }
}
