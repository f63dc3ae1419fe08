//! Inputs the fuzzer (`crates/fuzz`) found that once made a parser panic: byte slicing inside a
//! multi-byte character (a DATE value, Excel's `sep=` line) and a non-ASCII BYDAY that the rrule
//! crate slices by bytes. Each must now be read (or refused) without a panic.

use std::path::PathBuf;

#[test]
fn saved_fuzz_inputs_no_longer_panic() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap();
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&path).unwrap();
        if name.starts_with("ical-") {
            let _ =
                vernetzt_core::ical::event::read_feed(&bytes, chrono_tz::Tz::Europe__Berlin, now);
        } else if name.starts_with("csv-") {
            let _ = vernetzt_core::csv::preview(&bytes);
            let _ = vernetzt_core::csv::read_csv(&bytes, None);
        }
        n += 1;
    }
    assert!(n >= 10, "the saved inputs are there ({n})");
}
