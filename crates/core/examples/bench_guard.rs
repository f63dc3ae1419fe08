//! The workloads of the benchmark regression guard (`scripts/bench-guard.sh`), one per call, so
//! that the guard can count each one's instructions with `valgrind --tool=callgrind`. Counted
//! instructions, unlike wall time, barely move when other work shares the machine, so a
//! committed baseline (bench/baseline.json) with a tolerance can catch a slowdown in CI.
//!
//! Every workload is deterministic: generated inputs with fixed seeds, an encrypted store with
//! a fixed raw key (no keyring, no key derivation), a fixed "now".
//!
//! ```text
//! bench_guard populate DB N        a store of N demo contacts (seed 42); setup, not counted
//! bench_guard import DB VCF_DIR    read every .vcf of VCF_DIR and import them (one transaction)
//! bench_guard search DB ROUNDS     the first search (builds the index), then ROUNDS rounds of
//!                                  the search mix (benches/common/queries.rs)
//! bench_guard feed DB FEED.ics     read a feed, store it, list a year of occurrences
//! bench_guard open DB              open the store and read the first page of the list
//! ```
#![allow(missing_docs)]

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::path::Path;
use vernetzt_core::Store;
use vernetzt_core::model::FeedAuth;
use vernetzt_core::store::DbKey;

include!("../benches/common/queries.rs");

/// The store as the app opens it (SQLCipher), with a fixed raw key instead of the keyring's.
fn open(db: &Path) -> Store {
    Store::open_encrypted(db, &DbKey::Raw([0x42; 32])).expect("open the store")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| {
        args.get(i)
            .map(String::as_str)
            .expect("see the usage in the source")
    };
    let db = Path::new(arg(1));
    match arg(0) {
        "populate" => {
            let n = arg(2).parse().expect("N");
            vernetzt_core::demo::populate(&mut open(db), n, 42).expect("populate");
        }
        "import" => {
            let mut files: Vec<_> = std::fs::read_dir(arg(2))
                .expect("VCF_DIR")
                .map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|x| x == "vcf"))
                .collect();
            files.sort();
            let mut bytes = Vec::new();
            for f in files {
                bytes.extend(std::fs::read(f).expect("read a vCard"));
                bytes.extend_from_slice(b"\r\n");
            }
            let read = vernetzt_core::exchange::read_vcards(&bytes).expect("vCards");
            let report = open(db)
                .import_contacts(&read.contacts, None, "vcard")
                .expect("import");
            println!("imported {}", report.imported);
        }
        "search" => {
            let rounds: usize = arg(2).parse().expect("ROUNDS");
            let store = open(db);
            // The first search builds the in-memory index; the guard counts a run with no
            // rounds apart, so that the typing alone is a figure of its own.
            let mut hits = store.search("m", 50).expect("search").len();
            for _ in 0..rounds {
                for q in queries() {
                    hits += store.search(&q, 50).expect("search").len();
                }
            }
            println!("hits {hits}");
        }
        "feed" => {
            let bytes = std::fs::read(arg(2)).expect("FEED.ics");
            let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-22T08:00:00Z")
                .expect("now")
                .into();
            let mut store = open(db);
            let feed = store
                .add_feed("https://bench.example/feed.ics", "Bench", &FeedAuth::None)
                .expect("add feed");
            let read = vernetzt_core::ical::event::read_feed(&bytes, Tz::Europe__Berlin, now)
                .expect("feed");
            store.apply_feed(feed.id, &read, None, None).expect("store");
            let year = chrono::Duration::days(365);
            let n = store
                .occurrences(now, now + year, None, Tz::Europe__Berlin)
                .expect("occurrences")
                .len();
            println!("events {}, occurrences {n}", read.events.len());
        }
        "open" => {
            let page = open(db).list_contacts(0, 200).expect("list");
            println!("rows {}", page.items.len());
        }
        other => panic!("unknown workload {other}"),
    }
}
