//! The database key and the encryption of an old plain database, as the `vernetzt` binary does
//! them: killed at every step of the migration, two first starts at once, a reset keyring
//! recovered with the recovery key, a new key, a passphrase from stdin.
//!
//! The crash points are honoured by debug builds only (`vernetzt_core::fault`), which is what
//! `cargo test` builds.

mod support;

use std::path::Path;
use std::process::Output;
use support::{add_contact, assert_in_no_file, command, fails, keyring_present, ok_json, temp_db};
use vernetzt_core::store::crypt_migration::{CRASH_POINTS, backup_path, copy_path};

/// The name that must never be readable in the folder once the database is encrypted.
const SECRET: &str = "Quendelmann";

/// The recovery key `vernetzt db recovery-key` prints.
fn recovery_key(db: &Path) -> String {
    ok_json(db, &["db", "recovery-key"])["recovery_key"]
        .as_str()
        .unwrap()
        .to_string()
}

fn contact_count(db: &Path) -> usize {
    ok_json(db, &["contacts", "list", "--limit", "1000"])
        .as_array()
        .unwrap()
        .len()
}

/// Runs `vernetzt --db DB ARGS` with `VERNETZT_FAULT=point`: it must die (abort), not finish.
fn killed_at(db: &Path, point: &str, args: &[&str]) {
    let out: Output = command(db)
        .args(args)
        .env("VERNETZT_FAULT", point)
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "{point}: the process should have died: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(out.status.signal(), Some(6), "{point}: aborted (SIGABRT)");
    }
}

#[test]
fn an_encryption_killed_at_any_step_is_finished_on_the_next_open() {
    if !keyring_present() {
        return;
    }
    for point in CRASH_POINTS {
        let (dir, db) = temp_db();
        support::plain_db(&db, 25, &format!("Jördis {SECRET}"), "eine Notiz");
        killed_at(&db, point, &["db", "encrypt"]);
        // The next open (any command) finds the interrupted migration and settles it: all data,
        // encrypted, no plaintext backup, no unfinished copy, not a new empty database.
        assert_eq!(contact_count(&db), 25, "{point}");
        let check = ok_json(&db, &["db", "check"]);
        assert_eq!(check["encrypted"], true, "{point}: {check}");
        assert!(!backup_path(&db).exists(), "{point}: plain backup left");
        assert!(!copy_path(&db).exists(), "{point}: copy left");
        assert_in_no_file(dir.path(), SECRET);
    }
}

#[test]
fn two_first_starts_at_once_make_one_key() {
    if !keyring_present() {
        return;
    }
    let (_dir, db) = temp_db();
    // Both wait half a second between making their key and keeping it: without the lock both
    // would make one, and the second would overwrite the first's in the keyring.
    let spawn = |name: &str| {
        command(&db)
            .args(["--json", "contacts", "add", "--name", name])
            .env("VERNETZT_FAULT", "pause:key-made")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn("Anna"), spawn("Bruno"));
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(contact_count(&db), 2);
}

/// Deletes the database key from the keyring, as a reset of the login keyring does.
fn reset_keyring(db: &Path) {
    let dir = std::fs::canonicalize(db.parent().unwrap()).unwrap();
    let account = format!("db-key:{}", dir.join(db.file_name().unwrap()).display());
    let secrets = vernetzt_net::Secrets::new(vernetzt_net::feed_sync::SECRETS_SERVICE);
    assert!(secrets.get(&account).unwrap().is_some(), "{account}");
    secrets.delete(&account).unwrap();
}

fn recover(db: &Path, key: &[u8]) -> Output {
    support::with_stdin(
        command(db).args(["db", "recover", "--recovery-key-stdin"]),
        key,
    )
}

#[test]
fn a_reset_keyring_is_recovered_with_the_recovery_key() {
    if !keyring_present() {
        return;
    }
    let (dir, db) = temp_db();
    let first = command(&db)
        .args(["contacts", "add", "--name", "Jördis Quendelmann"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&first.stderr).contains("db recovery-key"),
        "a new key is the moment to offer a recovery key"
    );
    // The user keeps it elsewhere (another folder here).
    let keep = tempfile::tempdir().unwrap();
    let file = keep.path().join("wiederherstellung.txt");
    let written = ok_json(
        &db,
        &["db", "recovery-key", "--out", file.to_str().unwrap()],
    );
    assert_eq!(written["written"], file.to_str().unwrap());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    let key = std::fs::read(&file).unwrap();
    let again = fails(
        &db,
        &["db", "recovery-key", "--out", file.to_str().unwrap()],
    );
    assert!(again.contains("exists already"), "{again}");
    assert_eq!(std::fs::read(&file).unwrap(), key);
    // Printed, it is the same key.
    let printed = ok_json(&db, &["db", "recovery-key"]);
    assert_eq!(
        printed["recovery_key"].as_str().unwrap(),
        String::from_utf8_lossy(&key).trim()
    );
    // Nothing next to the database holds it.
    assert_in_no_file(dir.path(), String::from_utf8_lossy(&key).trim());

    reset_keyring(&db);
    let lost = fails(&db, &["contacts", "list"]);
    assert!(lost.contains("recover"), "{lost}");
    assert!(db.exists(), "no new empty database");

    // A typo, and another database's key, are refused with words that say which.
    let mut typo = key.clone();
    typo[0] = if typo[0] == b'A' { b'B' } else { b'A' };
    let out = recover(&db, &typo);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("typo"));
    let (_other_dir, other) = temp_db();
    add_contact(&other, "Anna", &[]);
    let other_key = recovery_key(&other);
    let out = recover(&db, other_key.as_bytes());
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not open"));

    let out = recover(&db, &key);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(contact_count(&db), 1);
}

#[test]
fn rekey_makes_a_new_key_and_retires_the_old_recovery_key() {
    if !keyring_present() {
        return;
    }
    let (dir, db) = temp_db();
    add_contact(&db, "Anna", &[]);
    let old = recovery_key(&db);
    let file = dir.path().join("neu.txt");
    ok_json(&db, &["db", "rekey", "--out", file.to_str().unwrap()]);
    let new = std::fs::read_to_string(&file).unwrap();
    assert_ne!(new.trim(), old);
    assert_eq!(contact_count(&db), 1);
    // Killed between re-encrypting the file and updating the keyring: the next open finds the
    // new key where rekey left it.
    killed_at(&db, "rekey:file-rekeyed", &["db", "rekey"]);
    assert_eq!(contact_count(&db), 1);

    let newest = recovery_key(&db);
    reset_keyring(&db);
    assert!(!recover(&db, old.as_bytes()).status.success());
    assert!(!recover(&db, new.as_bytes()).status.success());
    assert!(recover(&db, newest.as_bytes()).status.success());
    assert_eq!(contact_count(&db), 1);
}

#[test]
fn the_passphrase_can_come_from_stdin() {
    let (dir, _) = temp_db();
    let db = dir.path().join("p.db");
    let run = |pass: &[u8], args: &[&str]| {
        support::with_stdin(
            command(&db)
                .args(["--json", "--passphrase-stdin"])
                .args(args)
                .env_remove("VERNETZT_DB_PASSPHRASE"),
            pass,
        )
    };
    let added = run(b"Ein langer Satz\n", &["contacts", "add", "--name", "Anna"]);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let check = run(b"Ein langer Satz\n", &["db", "check"]);
    let v: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(v["key_source"], "passphrase", "{v}");
    let wrong = run(b"falsch\n", &["contacts", "list"]);
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("key does not open it"));
    let empty = run(b"\n", &["contacts", "list"]);
    assert!(!empty.status.success());
    // A passphrase database has no recovery key: the passphrase is what the user keeps.
    let rk = run(b"Ein langer Satz\n", &["db", "recovery-key"]);
    assert!(String::from_utf8_lossy(&rk.stderr).contains("passphrase"));
}
