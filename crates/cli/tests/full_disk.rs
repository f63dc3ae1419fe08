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
use std::path::{Path, PathBuf};

#[path = "dav/servers.rs"]
#[allow(dead_code)]
mod servers;
mod support;

use servers::{Kind, PASSWORD, USER};
use support::http::{Reply, Server as FeedServer};
use support::small_disk::SmallDisk;
use support::smtp::Sink;

/// A small disk of `kib` KiB and the database file on it (created by the first command).
fn disk_with_db(kib: u32) -> Option<(SmallDisk, PathBuf)> {
    let disk = SmallDisk::mount(kib)?;
    let db = disk.dir.join("v.db");
    Some((disk, db))
}

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

/// Like [`run`], which must fail because the disk is full, and say so (on stderr, or in the
/// report a command prints before it fails), without a panic.
fn fails_full(disk: &SmallDisk, db: &Path, args: &[&str]) {
    let (ok, v, err) = run(disk, db, args);
    assert!(!ok, "{args:?} should fail on a full disk: {v}");
    assert!(
        err.contains(DISK_FULL) || v.to_string().contains(DISK_FULL),
        "{args:?} must name the full disk: {err} {v}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

/// `vernetzt db check`: the file is sound.
fn check(disk: &SmallDisk, db: &Path) {
    assert_eq!(ok(disk, db, &["db", "check"])["integrity"], "ok");
}

/// The text `field` of each item of a JSON list, sorted.
fn sorted(list: &Value, field: &str) -> Vec<String> {
    let mut texts: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item[field].as_str().unwrap().to_string())
        .collect();
    texts.sort();
    texts
}

/// Every contact's name, sorted.
fn names(disk: &SmallDisk, db: &Path) -> Vec<String> {
    sorted(&ok(disk, db, &["contacts", "list"]), "name")
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
#[cfg_attr(
    windows,
    ignore = "needs a small tmpfs in a user namespace (unshare): Unix only"
)]
fn an_import_that_fills_the_disk_stores_nothing_and_works_once_there_is_space() {
    let Some((disk, db)) = disk_with_db(4096) else {
        return;
    };
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
    let args: Vec<&str> = "events list --from 2026-12-01 --to 2027-01-01"
        .split(' ')
        .collect();
    sorted(&ok(disk, db, &args), "title")
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs a small tmpfs in a user namespace (unshare): Unix only"
)]
fn a_feed_sync_that_fills_the_disk_keeps_the_older_events() {
    let Some((disk, db)) = disk_with_db(4096) else {
        return;
    };
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
    assert_eq!(
        december(&disk, &db),
        before,
        "the older events are unchanged"
    );
    check(&disk, &db);

    disk.free();
    ok(&disk, &db, &["feed", "sync"]);
    let after = december(&disk, &db);
    assert_eq!(after.len(), 1503);
    assert!(after.iter().all(|t| t.starts_with("Taskforce-Sitzung")));
    check(&disk, &db);
}

/// `invite status UID`: each address with its delivery (`sent`, `pending`, `uncertain`, …).
fn deliveries(disk: &SmallDisk, db: &Path, uid: &str) -> BTreeMap<String, String> {
    let status = ok(disk, db, &["invite", "status", uid]);
    status
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let email = r["email"].as_str().unwrap().to_string();
            (email, r["delivery"].as_str().unwrap().to_string())
        })
        .collect()
}

/// How often each address received a message.
fn received(sink: &Sink) -> BTreeMap<String, usize> {
    let mut per = BTreeMap::new();
    for a in sink.recipients() {
        *per.entry(a).or_default() += 1;
    }
    per
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs a small tmpfs in a user namespace (unshare): Unix only"
)]
fn sending_that_fills_the_disk_loses_no_message_and_sends_none_twice() {
    let Some((disk, db)) = disk_with_db(2048) else {
        return;
    };
    let organizer = ["--name", "FITKO", "--email", "info@fitko.example"];
    ok(
        &disk,
        &db,
        &[&["invite", "organizer"][..], &organizer].concat(),
    );
    let n = 40;
    for i in 0..n {
        let (name, email) = (format!("Person {i:02}"), format!("p{i:02}@kommune.example"));
        let add = [
            "contacts", "add", "--name", &name, "--email", &email, "--tag", "erfa",
        ];
        ok(&disk, &db, &add);
    }
    let event = ["events", "create", "--title", "OZG-Erfahrungsaustausch"];
    let when = ["--start", "2027-03-27T09:30", "--end", "2027-03-27T16:00"];
    let uid = ok(&disk, &db, &[&event[..], &when].concat())["uid"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&disk, &db, &["invite", &uid, "--filter", "tag=erfa"]);
    let inbox = tempfile::tempdir().unwrap();
    let sink = Sink::start(&inbox.path().join("inbox"), &[]);
    let url = sink.url();
    let send = ["invite", "send", &uid, "--smtp", &url, "--per-minute", "0"];

    disk.fill_leaving(96);
    fails_full(&disk, &db, &send);
    let got = received(&sink);
    eprintln!(
        "{} of {n} messages went out before the disk was full",
        got.len()
    );
    assert!(!got.is_empty() && got.len() < n, "full midway: {got:?}");
    assert!(got.values().all(|&c| c == 1), "{got:?}");
    // The outbox says what happened: what went out is sent, or uncertain where the disk was
    // full before its delivery could be recorded; nothing else is marked sent.
    let status = deliveries(&disk, &db, &uid);
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    for d in status.values() {
        *tally.entry(d).or_default() += 1;
    }
    eprintln!("the outbox after the failure: {tally:?}");
    for (email, delivery) in &status {
        if got.contains_key(email) {
            assert!(
                ["sent", "uncertain"].contains(&delivery.as_str()),
                "{email}: {delivery}"
            );
        } else {
            assert_eq!(delivery, "pending", "{email}");
        }
    }
    check(&disk, &db);

    disk.free();
    let r = ok(&disk, &db, &send);
    let got = received(&sink);
    assert_eq!(got.len(), n, "every invitee got one: {r}");
    assert!(got.values().all(|&c| c == 1), "nobody got two: {got:?}");
    let uncertain = r["uncertain"].as_array().unwrap();
    for (email, delivery) in deliveries(&disk, &db, &uid) {
        let expected = if uncertain.contains(&Value::from(email.as_str())) {
            "uncertain"
        } else {
            "sent"
        };
        assert_eq!(delivery, expected, "{email}");
    }
    check(&disk, &db);
}

/// The full names of the cards on the server, sorted (a name twice is a card twice).
fn on_server(server: &servers::Server) -> Vec<String> {
    let mut names: Vec<String> = server
        .cards()
        .iter()
        .filter_map(|c| {
            c.text
                .lines()
                .find_map(|l| l.strip_prefix("FN:").map(|n| n.trim().to_string()))
        })
        .collect();
    names.sort();
    names
}

/// `sync status`: the changes still queued for the server.
fn pending(disk: &SmallDisk, db: &Path) -> u64 {
    ok(disk, db, &["sync", "status"])["pending"]
        .as_u64()
        .unwrap()
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs a small tmpfs in a user namespace (unshare): Unix only"
)]
fn a_sync_that_fills_the_disk_keeps_every_change_queued_and_sends_it_later() {
    let Some((disk, db)) = disk_with_db(4096) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let server = servers::Server::start(Kind::Radicale, tmp.path());
    let add = ["--json", "account", "add", &server.url, "--user", USER];
    let out = support::with_stdin(
        disk.vernetzt(&db).args(add),
        format!("{PASSWORD}\n").as_bytes(),
    );
    if support::no_keyring_to_skip(&out) {
        return;
    }
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "account add: {err}");
    let mut ids = Vec::new();
    for name in ["Anna Adler", "Bernd Bauer", "Carla Conrad"] {
        ids.push(ok(&disk, &db, &["contacts", "add", "--name", name])["id"].to_string());
    }
    ok(&disk, &db, &["sync"]);
    assert_eq!(on_server(&server).len(), 3);

    // Unsynced here: one edited, one deleted, 40 new.
    ok(
        &disk,
        &db,
        &["contacts", "edit", &ids[0], "--role", "OZG-Koordinatorin"],
    );
    ok(&disk, &db, &["contacts", "delete", &ids[1]]);
    let mut expected = vec!["Anna Adler".to_string(), "Carla Conrad".to_string()];
    for i in 0..40 {
        let name = format!("Neu {i:02}");
        ok(
            &disk,
            &db,
            &[
                "contacts",
                "add",
                "--name",
                &name,
                "--email",
                &format!("n{i:02}@land.example"),
            ],
        );
        expected.push(name);
    }
    expected.sort();
    let queued = pending(&disk, &db);
    assert_eq!(queued, 42);

    disk.fill_leaving(160);
    fails_full(&disk, &db, &["sync"]);
    // What did not reach the server is still queued.
    let there = on_server(&server);
    let missing = expected.iter().filter(|n| !there.contains(n)).count() as u64;
    let still = pending(&disk, &db);
    eprintln!(
        "{} of 40 new contacts reached the server before the disk was full; {still} of {queued} changes still queued",
        40 - missing
    );
    assert!(
        still >= missing,
        "{still} queued, {missing} not on the server"
    );
    check(&disk, &db);

    disk.free();
    ok(&disk, &db, &["sync"]);
    assert_eq!(pending(&disk, &db), 0);
    assert_eq!(on_server(&server), expected, "every change arrived, once");
    let anna = server
        .cards()
        .into_iter()
        .find(|c| c.text.contains("FN:Anna Adler"))
        .unwrap();
    assert!(anna.text.contains("OZG-Koordinatorin"), "{}", anna.text);
    assert_eq!(ok(&disk, &db, &["sync", "status"])["conflicts"], 0);
    check(&disk, &db);
}
