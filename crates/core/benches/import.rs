//! Importing generated vCards, and a duplicate scan.
//!
//! Run: `scripts/bench-import.sh` (generates the vCards with ../shared/tools/gen_contacts.py), or
//! `cargo bench -p vernetzt-core --bench import -- VCF_DIR [DUPLICATE_SCAN_CONTACTS]`.
#![allow(missing_docs)]

mod common;

use common::bench_key;
use std::time::Instant;
use vernetzt_core::Store;

fn main() {
    let args = common::args();
    let dir = args.first().expect("usage: import VCF_DIR [N]");
    let scan_n: u64 = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    println!("| step | size | median of 3 |");
    println!("| --- | ---: | ---: |");
    let mut times = Vec::new();
    let mut imported = 0;
    for _ in 0..common::runs() {
        let tmp = tempfile::tempdir().unwrap();
        let mut store = open_bench(&tmp.path().join("bench.db")).unwrap();
        let t = Instant::now();
        // What `vernetzt contacts import` does for a folder: read every file, one transaction.
        let mut bytes = Vec::new();
        for f in &files {
            bytes.extend(std::fs::read(f).unwrap());
            bytes.extend_from_slice(b"\r\n");
        }
        let read = vernetzt_core::exchange::read_vcards(&bytes).expect("vcards");
        eprintln!("read {:?}", t.elapsed());
        let report = store
            .import_contacts(&read.contacts, None, "vcard")
            .unwrap();
        times.push(t.elapsed());
        imported = report.imported;
    }
    times.sort();
    println!(
        "| read + import vCards (one transaction, incl. duplicate check) | {} files, {imported} contacts | {:.0} ms |",
        files.len(),
        times[times.len() / 2].as_secs_f64() * 1000.0
    );

    let tmp = tempfile::tempdir().unwrap();
    let mut store = open_bench(&tmp.path().join("scan.db")).unwrap();
    vernetzt_core::demo::populate(&mut store, scan_n, 42).unwrap();
    let mut scans = Vec::new();
    let mut groups = 0;
    for _ in 0..3 {
        let t = Instant::now();
        groups = store.duplicate_groups().unwrap().len();
        scans.push(t.elapsed());
    }
    scans.sort();
    println!(
        "| duplicate scan (e-mail, folded name, E.164 phone) | {scan_n} contacts, {groups} groups | {:.0} ms |",
        scans[1].as_secs_f64() * 1000.0
    );
}

/// Encrypted as in the app; `VERNETZT_BENCH_PLAIN=1` measures the plain store for comparison.
fn open_bench(path: &std::path::Path) -> vernetzt_core::Result<Store> {
    if std::env::var_os("VERNETZT_BENCH_PLAIN").is_some() {
        Store::open(path)
    } else {
        Store::open_encrypted(path, &bench_key())
    }
}
