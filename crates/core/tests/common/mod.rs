//! What the core's integration tests share: where the real-world corpus lies. Each test file is
//! its own crate and uses only part of this module, hence the `allow`.
#![allow(dead_code)]

use std::path::PathBuf;

/// The shared corpus (`ical/`, `vcard/`): beside the checkout (as in CI), or where
/// `VERNETZT_CORPUS` points.
pub fn corpus() -> PathBuf {
    let dir = std::env::var_os("VERNETZT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
        });
    assert!(
        dir.join("ical").is_dir() && dir.join("vcard").is_dir(),
        "corpus not found at {} (set VERNETZT_CORPUS)",
        dir.display()
    );
    dir
}
