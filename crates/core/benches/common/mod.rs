//! What the benchmarks share: their arguments, the number of runs, the store's key.
#![allow(dead_code)]

/// The arguments that are not flags (`cargo bench` passes `--bench`).
pub fn args() -> Vec<String> {
    std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect()
}

/// How often a measurement runs: 3 (the median is reported), or `VERNETZT_BENCH_RUNS` (1 for
/// counting instructions under callgrind).
pub fn runs() -> usize {
    std::env::var("VERNETZT_BENCH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3)
        .max(1)
}

/// The store as the app and the CLI open it: encrypted (SQLCipher) with a raw 256-bit key.
pub fn bench_key() -> vernetzt_core::store::DbKey {
    vernetzt_core::store::DbKey::Raw([0x42; 32])
}
