//! The keyring against a real Secret Service, or on Windows the Credential Manager (under Wine
//! too: `scripts/test-windows.sh`).
//!
//! Run it through the wrapper, which starts a private D-Bus session with an unlocked
//! gnome-keyring:
//!
//! ```text
//! crates/net/tests/with-keyring.sh cargo test -p vernetzt-net --test keyring
//! ```
//!
//! Without a Secret Service these tests FAIL, so CI cannot pass by silently testing nothing; set
//! `VERNETZT_NO_KEYRING=1` to skip them on a machine that has none.

use std::process::Command;

use vernetzt_net::{SecretError, Secrets};

/// A service name of our own per test, so tests neither see each other's entries nor touch a
/// real user's.
fn service(test: &str) -> String {
    format!("vernetzt-test-{}-{test}", std::process::id())
}

/// The keyring for one test, or `None` when skipping is explicitly allowed.
fn keyring(test: &str) -> Option<Secrets> {
    let secrets = Secrets::new(&service(test));
    match secrets.check_available() {
        Ok(()) => Some(secrets),
        Err(err) if std::env::var("VERNETZT_NO_KEYRING").as_deref() == Ok("1") => {
            eprintln!("skipped {test}: VERNETZT_NO_KEYRING=1 and {err}");
            None
        }
        Err(err) => panic!(
            "{err}\nRun the keyring tests under crates/net/tests/with-keyring.sh, or set \
             VERNETZT_NO_KEYRING=1 to skip them."
        ),
    }
}

#[test]
fn set_get_overwrite_delete() {
    let Some(secrets) = keyring("roundtrip") else {
        return;
    };
    let account = "feed:0190-aaaa";
    assert_eq!(secrets.get(account).unwrap(), None);

    secrets.set(account, "erstes Passwort").unwrap();
    assert_eq!(
        secrets.get(account).unwrap().as_deref(),
        Some("erstes Passwort")
    );

    secrets.set(account, "zweites: Grüße ß €").unwrap();
    assert_eq!(
        secrets.get(account).unwrap().as_deref(),
        Some("zweites: Grüße ß €")
    );

    secrets.delete(account).unwrap();
    assert_eq!(secrets.get(account).unwrap(), None);
    // Deleting what is not there is not an error: the caller wanted it gone.
    secrets.delete(account).unwrap();
}

#[test]
fn accounts_and_services_are_separate() {
    let Some(first) = keyring("separate-a") else {
        return;
    };
    let second = Secrets::new(&service("separate-b"));
    first.set("feed:1", "eins").unwrap();
    first.set("feed:2", "zwei").unwrap();
    assert_eq!(first.get("feed:1").unwrap().as_deref(), Some("eins"));
    assert_eq!(first.get("feed:2").unwrap().as_deref(), Some("zwei"));
    assert_eq!(second.get("feed:1").unwrap(), None);
    first.delete("feed:1").unwrap();
    assert_eq!(first.get("feed:2").unwrap().as_deref(), Some("zwei"));
    first.delete("feed:2").unwrap();
}

#[test]
fn refuses_empty_names_and_secrets_without_showing_secrets() {
    let Some(secrets) = keyring("invalid") else {
        return;
    };
    let err = secrets.set("", "geheim-123").unwrap_err();
    assert_eq!(err.kind(), "invalid");
    assert!(!err.to_string().contains("geheim-123"), "{err}");
    assert!(!format!("{err:?}").contains("geheim-123"), "{err:?}");
    let err = secrets.set("feed:3", "").unwrap_err();
    assert_eq!(err.kind(), "invalid");
    assert!(matches!(secrets.get(" "), Err(SecretError::Invalid { .. })));
    assert!(!format!("{secrets:?}").contains("geheim"));
}

/// Runs in a child process (see below) with a D-Bus address that leads nowhere.
#[test]
fn probe_without_session_bus() {
    if std::env::var_os("VERNETZT_KEYRING_PROBE").is_none() {
        return;
    }
    let err = Secrets::new(&service("probe"))
        .get("feed:4")
        .expect_err("there is no keyring, so this must fail");
    println!("PROBE kind={} message={err}", err.kind());
}

/// No Secret Service means a clear error, never a silent in-memory fallback. This needs no
/// keyring, so it runs everywhere but Windows, where the Credential Manager is always there.
#[test]
#[cfg_attr(
    windows,
    ignore = "the Secret Service over D-Bus is Unix only; Windows always has the Credential Manager"
)]
fn without_a_secret_service_says_so() {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "probe_without_session_bus", "--nocapture"])
        .env("VERNETZT_KEYRING_PROBE", "1")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/vernetzt-test-bus",
        )
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("PROBE kind=unavailable"), "{stdout}");
    assert!(
        stdout.contains("No keyring (Secret Service) is available"),
        "{stdout}"
    );
    assert!(stdout.contains("gnome-keyring or KWallet"), "{stdout}");
}
