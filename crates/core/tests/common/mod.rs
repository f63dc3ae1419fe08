//! What the core's integration tests share: where the real-world corpus lies, and the tests'
//! python virtualenv with the scripts in `tests/python/`. Each test file is
//! its own crate and uses only part of this module, hence the `allow`.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

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

/// A file of the repository's `tests/python/`.
pub fn python_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/python")
        .join(name)
}

/// Runs `cmd`, which must succeed; its stdout.
pub fn stdout_of(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{cmd:?}: {err}");
    out.stdout
}

/// The virtualenv's python (`tests/python/ensure-venv.sh`), created on first use.
pub fn python() -> PathBuf {
    let out = stdout_of(&mut Command::new(python_file("ensure-venv.sh")));
    PathBuf::from(String::from_utf8(out).unwrap().trim())
}
