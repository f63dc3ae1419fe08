//! Importing an iCalendar feed and listing a year of occurrences.
//!
//! Run: `scripts/bench-feed.sh` (generates the feed with ../shared/tools/gen_feed.py and measures
//! python's `icalendar` on the same file in the same run), or directly:
//! `cargo bench -p vernetzt-core --bench feed -- FEED.ics`.
#![allow(missing_docs)]

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::time::Instant;
use vernetzt_core::Store;
use vernetzt_core::ical::event::read_feed;
use vernetzt_core::model::FeedAuth;

fn main() {
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .expect("usage: feed FEED.ics");
    let bytes = std::fs::read(&path).expect("read feed");
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-22T08:00:00Z")
        .unwrap()
        .into();
    if std::env::var_os("VZ_BENCH_DETAIL").is_some() {
        let t = Instant::now();
        let _ = vernetzt_core::ical::lex::unfold(&bytes);
        eprintln!("unfold {:?}", t.elapsed());
        let t = Instant::now();
        let _ = vernetzt_core::ical::parse::parse(&bytes);
        eprintln!("unfold+parse {:?}", t.elapsed());
        let t = Instant::now();
        let _ = read_feed(&bytes, Tz::Europe__Berlin, now);
        eprintln!("read_feed {:?}", t.elapsed());
        if std::env::var_os("VZ_BENCH_PARSE_ONLY").is_some() {
            return;
        }
    }
    let runs = 5;
    let mut parse = Vec::new();
    let mut import = Vec::new();
    let mut list = Vec::new();
    let mut occurrences = 0;
    let mut events = 0;
    for _ in 0..runs {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_encrypted(&dir.path().join("bench.db"), &bench_key()).unwrap();
        let feed = store
            .add_feed("https://bench.example/feed.ics", "Bench", &FeedAuth::None)
            .unwrap();
        let t0 = Instant::now();
        let read = read_feed(&bytes, Tz::Europe__Berlin, now).expect("feed");
        let t1 = Instant::now();
        store.apply_feed(feed.id, &read, None, None).unwrap();
        let t2 = Instant::now();
        let year = store
            .occurrences(
                now,
                now + chrono::Duration::days(365),
                None,
                Tz::Europe__Berlin,
            )
            .unwrap();
        let t3 = Instant::now();
        events = read.events.len();
        occurrences = year.len();
        parse.push(t1 - t0);
        import.push(t2 - t0);
        list.push(t3 - t2);
    }
    let med = |v: &mut Vec<std::time::Duration>| {
        v.sort();
        format!("{:.0} ms", v[v.len() / 2].as_secs_f64() * 1000.0)
    };
    println!(
        "feed: {path} ({} bytes), {events} VEVENTs read",
        bytes.len()
    );
    println!("| step (median of {runs}) | time |");
    println!("| --- | ---: |");
    println!(
        "| read (unfold, parse, zones, rules) | {} |",
        med(&mut parse)
    );
    println!(
        "| read + store in SQLite (one transaction) | {} |",
        med(&mut import)
    );
    println!(
        "| list a year of occurrences ({occurrences}) | {} |",
        med(&mut list)
    );
}

/// The store as the app and the CLI open it: encrypted (SQLCipher) with a raw 256-bit key.
fn bench_key() -> vernetzt_core::store::DbKey {
    vernetzt_core::store::DbKey::Raw([0x42; 32])
}
