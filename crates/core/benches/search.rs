#![allow(missing_docs)]
//! Search latency as a user types, at 10,000 and 100,000 generated contacts.
//!
//! Run: `cargo bench -p vernetzt-core --bench search` (add `-- 10000` to pick sizes).
//! Prints median, p95 and p99 per size for the query mix below and for the first page of the
//! contact list; docs/benchmarks.md records the figures. Each query is timed alone, on a database
//! file on disk (WAL), the way the app and the CLI use it.

use std::time::{Duration, Instant};
use vernetzt_core::Store;

include!("common/queries.rs");

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn fmt(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn measure(label: &str, n: u64, mut f: impl FnMut(usize)) {
    let rounds = 5;
    let per_round = queries().len();
    for i in 0..per_round {
        f(i); // warm the page cache and statement cache
    }
    let mut times = Vec::with_capacity(rounds * per_round);
    for _ in 0..rounds {
        for i in 0..per_round {
            let t = Instant::now();
            f(i);
            times.push(t.elapsed());
        }
    }
    if std::env::var_os("VZ_BENCH_SLOW").is_some() {
        let mut per: Vec<(Duration, usize)> = times
            .iter()
            .enumerate()
            .map(|(k, t)| (*t, k % per_round))
            .collect();
        per.sort();
        let qs = queries();
        for (t, i) in per.iter().rev().take(25) {
            eprintln!("  slow: {:>8} {:?}", fmt(*t), qs[*i]);
        }
    }
    times.sort();
    println!(
        "| {label} | {n} | {} | {} | {} | {} | {} |",
        times.len(),
        fmt(percentile(&times, 0.5)),
        fmt(percentile(&times, 0.95)),
        fmt(percentile(&times, 0.99)),
        fmt(*times.last().unwrap())
    );
}

fn main() {
    let sizes: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect::<Vec<_>>()
        .into_iter()
        .chain(std::iter::empty())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![10_000, 100_000]
    } else {
        sizes
    };
    let qs = queries();
    println!("| what | contacts | calls | median | p95 | p99 | max |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for n in sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("bench.db");
        let t = Instant::now();
        {
            let mut store = Store::open_encrypted(&path, &bench_key()).expect("open");
            vernetzt_core::demo::populate(&mut store, n, 42).expect("populate");
        }
        eprintln!(
            "populated {n} contacts in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let mut builds = Vec::new();
        for _ in 0..5 {
            let fresh = Store::open_encrypted(&path, &bench_key()).expect("reopen");
            let t = Instant::now();
            fresh.search("m", 50).expect("search");
            builds.push(t.elapsed());
        }
        builds.sort();
        println!(
            "| first search in a process (builds the index) | {n} | 5 | {} | - | - | {} |",
            fmt(builds[2]),
            fmt(builds[4])
        );
        let store = Store::open_encrypted(&path, &bench_key()).expect("reopen");
        let mut hits = 0usize;
        measure("search (limit 50)", n, |i| {
            hits += store.search(&qs[i], 50).expect("search").len()
        });
        measure("first page of list (200)", n, |_| {
            hits += store.list_contacts(0, 200).expect("list").items.len();
        });
        eprintln!("({hits} rows returned in all)");
    }
}

/// The store as the app and the CLI open it: encrypted (SQLCipher) with a raw 256-bit key.
fn bench_key() -> vernetzt_core::store::DbKey {
    vernetzt_core::store::DbKey::Raw([0x42; 32])
}
