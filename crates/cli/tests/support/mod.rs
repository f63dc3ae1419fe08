//! What the CLI's integration tests share: running the `vernetzt` binary on a database file
//! (one helper for every test file, so they all run it the same way), the tests' Python
//! virtualenv ([`venv`]), a small HTTP server for the feed tests ([`http`]), the SMTP server of
//! the invitation tests ([`smtp`]) and a small file system that runs full ([`small_disk`]).
//!
//! Each test file is its own crate and uses only part of this module, hence the `allow`.
#![allow(dead_code)]

pub mod http;
pub mod small_disk;
pub mod smtp;
pub mod venv;

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A new temporary folder and the database file `v.db` in it (the first run creates it); the
/// folder is removed when the returned guard is dropped, so tests keep it until they end.
pub fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    (dir, db)
}

/// Whether a Secret Service runs for this test (it does under `crates/net/tests/with-keyring.sh`,
/// as in CI). Without one the test may only be skipped when `VERNETZT_NO_KEYRING` says so, so a
/// missing keyring in CI fails instead of passing silently. Windows always has its Credential
/// Manager (under Wine too), so there the keyring tests always run.
pub fn keyring_present() -> bool {
    if cfg!(windows) || std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() {
        return true;
    }
    assert!(
        std::env::var_os("VERNETZT_NO_KEYRING").is_some(),
        "run under crates/net/tests/with-keyring.sh or set VERNETZT_NO_KEYRING=1"
    );
    eprintln!("skipped: no D-Bus session (VERNETZT_NO_KEYRING set)");
    false
}

/// Whether `out` failed only because there is no keyring and `VERNETZT_NO_KEYRING=1` allows
/// skipping the test for that (it prints why); any other failure is the caller's to report.
pub fn no_keyring_to_skip(out: &Output) -> bool {
    let err = String::from_utf8_lossy(&out.stderr);
    let skip = !out.status.success()
        && err.contains("No keyring")
        && std::env::var("VERNETZT_NO_KEYRING").as_deref() == Ok("1");
    if skip {
        eprintln!("skipped: VERNETZT_NO_KEYRING=1 and {err}");
    }
    skip
}

/// Asserts that no file in `dir` (the database, its WAL and journal) holds `secret`.
pub fn assert_in_no_file(dir: &Path, secret: &str) {
    for f in std::fs::read_dir(dir).unwrap() {
        let path = f.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "the secret is in {}",
            path.display()
        );
    }
}

/// A plain (unencrypted) database of an earlier version at `db`, with `n` contacts named
/// `<name> <i>`, each with `note`: what the encryption on first open starts from.
pub fn plain_db(db: &Path, n: usize, name: &str, note: &str) {
    let mut s = vernetzt_core::Store::open(db).unwrap();
    for i in 0..n {
        s.create_contact(
            &vernetzt_core::model::ContactInput {
                display_name: Some(format!("{name} {i}")),
                ..Default::default()
            },
            Some(note),
        )
        .unwrap();
    }
}

/// `vernetzt --db DB`, to add arguments, environment or pipes to.
pub fn command(db: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vernetzt"));
    cmd.arg("--db").arg(db);
    cmd
}

/// Runs `vernetzt --db DB ARGS` (text output unless ARGS ask for JSON).
pub fn output(db: &Path, args: &[&str]) -> Output {
    command(db).args(args).output().expect("run vernetzt")
}

/// Runs `vernetzt --db DB --json ARGS`.
pub fn json_output(db: &Path, args: &[&str]) -> Output {
    command(db)
        .arg("--json")
        .args(args)
        .output()
        .expect("run vernetzt")
}

/// Whether a run succeeded, its stdout as JSON (`Null` when it is none) and its stderr.
pub fn parsed(out: Output) -> (bool, Value, String) {
    (
        out.status.success(),
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `vernetzt --db DB --json ARGS`: success, JSON (or `Null`), stderr.
pub fn run(db: &Path, args: &[&str]) -> (bool, Value, String) {
    parsed(json_output(db, args))
}

/// Runs `vernetzt --db DB --json ARGS`, which must succeed; its JSON, or `Null` for a command
/// that prints none (one that writes a file).
pub fn ok(db: &Path, args: &[&str]) -> Value {
    let (ok, v, err) = run(db, args);
    assert!(ok, "{args:?}: {err}");
    v
}

/// Like [`ok`], and the output must be valid JSON.
pub fn ok_json(db: &Path, args: &[&str]) -> Value {
    let out = json_output(db, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// The arguments `WORDS… --flag value…`: a long command line with each value beside its flag.
pub fn argv<'a>(words: &[&'a str], flags: &[(&'a str, &'a str)]) -> Vec<&'a str> {
    let pairs = flags.iter().flat_map(|&(flag, value)| [flag, value]);
    words.iter().copied().chain(pairs).collect()
}

/// `vernetzt --json contacts add --name NAME`, each further `(--flag, value)` after it, which
/// must succeed: the new contact.
pub fn add_contact(db: &Path, name: &str, more: &[(&str, &str)]) -> Value {
    ok_json(db, &argv(&["contacts", "add", "--name", name], more))
}

/// Runs `vernetzt --db DB ARGS`, which must fail with a message on stderr and nothing on
/// stdout; the message.
pub fn fails(db: &Path, args: &[&str]) -> String {
    let out = output(db, args);
    assert!(!out.status.success(), "{args:?} should fail");
    assert!(out.stdout.is_empty(), "errors go to stderr only");
    String::from_utf8(out.stderr).unwrap()
}

/// Runs `cmd` with `input` on its stdin (a password, a token) and waits for it.
pub fn with_stdin(cmd: &mut Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run vernetzt");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}
