//! What the app does at start, up to its first view, at a given number of contacts: opening the
//! encrypted store and the calls the first view makes (the two UI settings, the first page of the
//! list with its total, the sync status the status line polls, and the directory lists loaded
//! right after the list is shown). Nothing here may grow with the number of contacts beyond the
//! list's count; `valgrind --tool=callgrind` on this benchmark shows it.
//!
//! Run: `cargo bench -p vernetzt-core --bench startup -- DB_PATH [N]`. A DB_PATH that does not
//! exist is first filled with N generated contacts (`vernetzt_core::demo::populate`, seed 42;
//! default 100,000), outside the measurement. `VERNETZT_BENCH_RUNS=1` opens once (for callgrind).
#![allow(missing_docs)]

mod common;

use std::time::{Duration, Instant};
use vernetzt_core::Store;

fn main() {
    let args = common::args();
    let path = std::path::PathBuf::from(args.first().expect("usage: startup DB_PATH [N]"));
    let n: u64 = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let key = common::bench_key();
    if !path.exists() {
        let mut store = Store::open_encrypted(&path, &key).unwrap();
        vernetzt_core::demo::populate(&mut store, n, 42).unwrap();
    }
    let runs = common::runs();
    let mut steps: Vec<(&str, Vec<Duration>)> = Vec::new();
    let mut record = |name: &'static str, t: Instant| match steps.iter_mut().find(|s| s.0 == name) {
        Some(s) => s.1.push(t.elapsed()),
        None => steps.push((name, vec![t.elapsed()])),
    };
    let mut total = 0;
    for _ in 0..runs {
        let all = Instant::now();
        let t = Instant::now();
        let store = Store::open_encrypted(&path, &key).unwrap();
        record("open the encrypted store", t);
        let t = Instant::now();
        store.ui_setting("language").unwrap();
        store.ui_setting("timezone").unwrap();
        record("two UI settings", t);
        let t = Instant::now();
        total = store.list_contacts(0, 200).unwrap().total;
        record("first page of the list (200 rows + total)", t);
        let t = Instant::now();
        store.sync_status().unwrap();
        record("sync status (status line, polled)", t);
        let t = Instant::now();
        store.list_orgs(None, None).unwrap();
        store.lands().unwrap();
        store.themenfelder().unwrap();
        record("directory lists (after the list is shown)", t);
        record("all of the above", all);
    }
    println!("| step | {total} contacts, median of {runs} |");
    println!("| --- | ---: |");
    for (name, mut times) in steps {
        times.sort();
        let ms = times[times.len() / 2].as_secs_f64() * 1000.0;
        println!("| {name} | {ms:.1} ms |");
    }
}
