//! A full disk, for real: the database (file, WAL and its index) lives on a small tmpfs that the
//! test mounts in a namespace of its own (`support::small_disk`, no root needed), and fills with
//! a filler file until only a few KiB are left, so that an import, a feed sync, a CardDAV sync
//! and sending invitations run out of space midway. Each must end with an error that says the
//! disk is full, leave the database sound (`vernetzt db check`) with everything stored before
//! still there and every unsynced change still queued, and work once the filler is deleted.
//! Every `vernetzt` runs inside the namespace; the servers (HTTP, Radicale, aiosmtpd) run
//! outside on 127.0.0.1, which both sides share.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

#[path = "dav/servers.rs"]
#[allow(dead_code)]
mod servers;
mod support;

use support::http::{Reply, Server as FeedServer};
use support::small_disk::SmallDisk;
use support::smtp::Sink;

/// What every full-disk failure must say (the CLI prints the core's words).
const DISK_FULL: &str = "the disk is full";

/// `vernetzt --db DB --json ARGS` on the small disk: success, JSON (or `Null`), stderr.
fn run(disk: &SmallDisk, db: &Path, args: &[&str]) -> (bool, Value, String) {
    support::parsed(disk.vernetzt(db).arg("--json").args(args).output().unwrap())
}

/// Like [`run`], which must succeed; its JSON.
fn ok(disk: &SmallDisk, db: &Path, args: &[&str]) -> Value {
    let (ok, v, err) = run(disk, db, args);
    assert!(ok, "{args:?}: {err}");
    v
}

/// Like [`run`], which must fail because the disk is full, saying so (and nothing else on
/// stdout than a command's own report); its stdout and stderr.
fn fails_full(disk: &SmallDisk, db: &Path, args: &[&str]) -> (Value, String) {
    let (ok, v, err) = run(disk, db, args);
    assert!(!ok, "{args:?} should fail on a full disk: {v}");
    assert!(
        err.contains(DISK_FULL) || v.to_string().contains(DISK_FULL),
        "{args:?} must name the full disk: {err} {v}"
    );
    assert!(!err.contains("panicked"), "{err}");
    (v, err)
}

/// `vernetzt db check`: the file is sound.
fn check(disk: &SmallDisk, db: &Path) {
    assert_eq!(ok(disk, db, &["db", "check"])["integrity"], "ok");
}

/// Every contact's name, sorted.
fn names(disk: &SmallDisk, db: &Path) -> Vec<String> {
    let list = ok(disk, db, &["contacts", "list"]);
    let mut names: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

/// A vCard file of `n` people, written outside the small disk.
fn vcards(path: &Path, n: usize) {
    let mut text = String::new();
    for i in 0..n {
        text += &format!(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Teilnehmerin {i:04}\r\nN:{i:04};Teilnehmerin;;;\r\n\
             EMAIL:t{i:04}@kommune.example\r\nTEL:+49 30 555{i:04}\r\n\
             NOTE:Kennengelernt beim OZG-Erfahrungsaustausch, Themenfeld Familie & Kind.\r\n\
             END:VCARD\r\n"
        );
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn an_import_that_fills_the_disk_stores_nothing_and_works_once_there_is_space() {
    let Some(disk) = SmallDisk::mount(4096) else {
        return;
    };
    let db = disk.dir.join("v.db");
    for name in ["Anna Adler", "Bernd Bauer"] {
        ok(&disk, &db, &["contacts", "add", "--name", name]);
    }
    let files = tempfile::tempdir().unwrap();
    let big = files.path().join("teilnehmende.vcf");
    vcards(&big, 3000);

    disk.fill_leaving(64);
    let big = big.to_str().unwrap();
    fails_full(&disk, &db, &["contacts", "import", big]);
    // Nothing of the import was stored, the earlier contacts are all there, the file is sound:
    // all read while the disk is still full.
    assert_eq!(names(&disk, &db), ["Anna Adler", "Bernd Bauer"]);
    check(&disk, &db);

    // With no byte left even opening fails (the WAL's index needs a page): it says why too.
    disk.fill_leaving(0);
    fails_full(&disk, &db, &["contacts", "list"]);

    disk.free();
    let r = ok(&disk, &db, &["contacts", "import", big]);
    assert_eq!(r["imported"], 3000, "{r}");
    assert_eq!(names(&disk, &db).len(), 3002);
    check(&disk, &db);
}

/// A calendar of `events` (UID, title) on 3 December 2026.
fn calendar(events: &[(String, String)]) -> Vec<u8> {
    let mut s = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//FITKO//Termine//DE\r\n");
    for (uid, summary) in events {
        s += &format!(
            "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T000000Z\r\n\
             DTSTART;TZID=Europe/Berlin:20261203T093000\r\nDTEND;TZID=Europe/Berlin:20261203T170000\r\n\
             SUMMARY:{summary}\r\nLOCATION:Berlin\\, Haus der Bundespressekonferenz\r\n\
             DESCRIPTION:Austausch zu Umsetzungsständen\\, Themenfeldern und Nachnutzung.\r\n\
             END:VEVENT\r\n"
        );
    }
    s += "END:VCALENDAR\r\n";
    s.into_bytes()
}

/// The titles of the events listed for December 2026, sorted.
fn december(disk: &SmallDisk, db: &Path) -> Vec<String> {
    let list = ok(
        disk,
        db,
        &["events", "list", "--from", "2026-12-01", "--to", "2027-01-01"],
    );
    let mut titles: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap().to_string())
        .collect();
    titles.sort();
    titles
}

#[test]
fn a_feed_sync_that_fills_the_disk_keeps_the_older_events() {
    let Some(disk) = SmallDisk::mount(4096) else {
        return;
    };
    let db = disk.dir.join("v.db");
    let first: Vec<(String, String)> = (0..3)
        .map(|i| (format!("erfa-{i}"), format!("OZG-Erfahrungsaustausch {i}")))
        .collect();
    let server = FeedServer::start(Reply::calendar(calendar(&first), "\"1\""));
    ok(&disk, &db, &["feed", "add", &server.url, "--name", "FITKO"]);
    ok(&disk, &db, &["feed", "sync"]);
    let before = december(&disk, &db);
    assert_eq!(before.len(), 3);

    // The next version renames the three and brings 1,500 more.
    let next: Vec<(String, String)> = (0..1503)
        .map(|i| (format!("erfa-{i}"), format!("Taskforce-Sitzung {i}")))
        .collect();
    server.set(&calendar(&next), "\"2\"");
    disk.fill_leaving(48);
    fails_full(&disk, &db, &["feed", "sync"]);
    assert_eq!(december(&disk, &db), before, "the older events are unchanged");
    check(&disk, &db);

    disk.free();
    ok(&disk, &db, &["feed", "sync"]);
    let after = december(&disk, &db);
    assert_eq!(after.len(), 1503);
    assert!(after.iter().all(|t| t.starts_with("Taskforce-Sitzung")));
    check(&disk, &db);
}
