//! Caps per feed and per listing (issue 14): a feed of thousands of minutely series keeps the
//! first events by start, says how many it left out, and a listing stops at its cap and says so.

use super::*;
use crate::ical::event::read_feed;
use crate::rules::{MAX_FEED_EVENTS, MAX_FEED_SERIES, MAX_LISTED_OCCURRENCES};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().into()
}

/// `series` minutely series from 2027-01-01 00:00Z (a minute apart), then `singles` events an
/// hour apart from February; UIDs start with `prefix`.
fn hostile(prefix: &str, series: usize, singles: usize) -> crate::ical::event::FeedRead {
    let mut ics = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
    let t0 = utc("2027-01-01T00:00:00Z");
    for i in 0..series {
        let start = (t0 + chrono::Duration::minutes(i as i64)).format("%Y%m%dT%H%M%SZ");
        ics += &format!(
            "BEGIN:VEVENT\r\nUID:{prefix}s{i}\r\nDTSTART:{start}\r\nSUMMARY:S{i}\r\nRRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\n"
        );
    }
    let t1 = utc("2027-02-01T00:00:00Z");
    for i in 0..singles {
        let start = (t1 + chrono::Duration::hours(i as i64)).format("%Y%m%dT%H%M%SZ");
        ics += &format!(
            "BEGIN:VEVENT\r\nUID:{prefix}e{i}\r\nDTSTART:{start}\r\nSUMMARY:E{i}\r\nEND:VEVENT\r\n"
        );
    }
    ics += "END:VCALENDAR\r\n";
    read_feed(ics.as_bytes(), Tz::Europe__Berlin, t0).unwrap()
}

fn stored(s: &Store) -> usize {
    s.conn
        .query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0))
        .unwrap() as usize
}

#[test]
fn a_feed_keeps_the_first_events_and_series_and_says_how_many_it_left_out() {
    let (mut s, feed) = store_with_feed("https://flood.example/f.ics", "Flut");
    let c = s
        .apply_feed(
            feed.id,
            &hostile("a", MAX_FEED_SERIES + 10, MAX_FEED_EVENTS),
            None,
            None,
        )
        .unwrap();
    assert_eq!(c.added as usize, MAX_FEED_EVENTS);
    assert_eq!(
        c.warnings[..2],
        [
            format!(
                "10 recurring series left out: a feed keeps at most {MAX_FEED_SERIES} (the first by start)"
            ),
            format!(
                "{MAX_FEED_SERIES} events left out: a feed keeps at most {MAX_FEED_EVENTS} (the first by start)"
            ),
        ]
    );
    assert_eq!(stored(&s), MAX_FEED_EVENTS);
    let recurring: i64 = s
        .conn
        .query_row("SELECT count(*) FROM events WHERE recurring = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(recurring as usize, MAX_FEED_SERIES);

    // New UIDs every sync: the ones gone are marked removed and pruned to the cap.
    s.apply_feed(
        feed.id,
        &hostile("b", MAX_FEED_SERIES + 10, MAX_FEED_EVENTS),
        None,
        None,
    )
    .unwrap();
    assert_eq!(stored(&s), MAX_FEED_EVENTS);
}

#[test]
fn a_listing_stops_at_its_cap_and_says_so() {
    let (mut s, feed) = store_with_feed("https://flood.example/f.ics", "Flut");
    s.apply_feed(feed.id, &hostile("a", MAX_FEED_SERIES, 0), None, None)
        .unwrap();
    let (from, to) = (utc("2027-01-01T00:00:00Z"), utc("2028-01-01T00:00:00Z"));
    let year = s
        .occurrence_list(from, to, None, Tz::Europe__Berlin)
        .unwrap();
    assert!(year.truncated);
    assert_eq!(year.occurrences.len(), MAX_LISTED_OCCURRENCES);
    // The first by start: every series' minutes from midnight, in order.
    let starts: Vec<&str> = year.occurrences.iter().map(|o| o.start.as_str()).collect();
    assert_eq!(
        starts[..2],
        ["2027-01-01T00:00:00Z", "2027-01-01T00:01:00Z"]
    );
    assert!(starts.windows(2).all(|w| w[0] <= w[1]));

    let (mut small, f) = store_with_feed("https://x.example/f.ics", "X");
    small
        .apply_feed(f.id, &hostile("c", 0, 3), None, None)
        .unwrap();
    let listed = small
        .occurrence_list(from, to, None, Tz::Europe__Berlin)
        .unwrap();
    assert_eq!((listed.occurrences.len(), listed.truncated), (3, false));
}
