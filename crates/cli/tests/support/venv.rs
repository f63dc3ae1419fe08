//! The tests' Python virtualenv (Radicale, aiosmtpd, icalendar; `tests/python/ensure-venv.sh`),
//! shared by the sync and the invitation tests so both find the same interpreter the same way.

use std::path::PathBuf;
use std::process::Command;

/// The repository's root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The virtualenv's python, created on first use.
pub fn python() -> PathBuf {
    let out = Command::new(repo().join("tests/python/ensure-venv.sh"))
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}
