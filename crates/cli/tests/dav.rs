//! Two-way sync against real servers on 127.0.0.1: Radicale 3.9, SabreDAV 4.7 laid out as
//! Nextcloud (with scheduling), and Xandikos 0.4 over TLS ([`servers`]). Two databases as two
//! devices, conflicts, an edit against a deletion, a sync killed half way, own events, erasure
//! and request counts run against each server (`on_each_server!`: one test per server, named
//! `radicale::…`, `sabredav::…`, `xandikos::…`); what only one server does has its own test.
//! The password goes through the real keyring (run under `crates/net/tests/with-keyring.sh`;
//! `VERNETZT_NO_KEYRING=1` skips where there is none).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

#[path = "dav/servers.rs"]
mod servers;
mod support;

use servers::{Kind, PASSWORD, Server, USER};
use support::venv::{python, repo};

/// One `#[test]` per server for each test function taking the server's [`Kind`].
macro_rules! on_each_server {
    ($($name:ident),* $(,)?) => {
        mod radicale {
            $(
                #[test]
                #[cfg_attr(windows, ignore = "needs Radicale or Xandikos (python) or SabreDAV (php): Unix-only peers here")]
                fn $name() { super::$name(super::Kind::Radicale) }
            )*
        }
        mod sabredav {
            $(
                #[test]
                #[cfg_attr(windows, ignore = "needs Radicale or Xandikos (python) or SabreDAV (php): Unix-only peers here")]
                fn $name() { super::$name(super::Kind::SabreDav) }
            )*
        }
        mod xandikos {
            $(
                #[test]
                #[cfg_attr(windows, ignore = "needs Radicale or Xandikos (python) or SabreDAV (php): Unix-only peers here")]
                fn $name() { super::$name(super::Kind::Xandikos) }
            )*
        }
    };
}

on_each_server!(
    two_devices_converge_and_both_phones_are_kept,
    a_sync_makes_no_more_requests_than_a_listing_client,
    the_same_field_on_both_sides_is_a_conflict_and_nothing_is_lost,
    an_edit_beats_a_deletion,
    a_killed_sync_finishes_without_loss_or_duplicates,
    attendance_encounters_and_other_clients_properties_travel,
    own_events_with_invitees_travel_in_the_calendar,
    an_erased_person_is_deleted_on_the_server_too,
    an_erased_invitee_leaves_own_events_everywhere,
    a_record_already_on_the_server_under_another_name_is_joined_not_doubled,
    a_card_read_back_is_the_one_stored_and_nothing_bounces,
);

/// `vernetzt --db DB`, trusting the tests' CA (the Xandikos server's certificate).
fn cmd(db: &Path) -> Command {
    let mut c = support::command(db);
    c.env("VERNETZT_EXTRA_CA", servers::tls_ca());
    c
}

/// `vernetzt --db DB --json ARGS`.
fn json_output(db: &Path, args: &[&str]) -> Output {
    cmd(db)
        .arg("--json")
        .args(args)
        .output()
        .expect("run vernetzt")
}

/// `vernetzt --db DB --json ARGS`, which must succeed; its JSON.
fn ok(db: &Path, args: &[&str]) -> Value {
    let (ok, v, err) = support::parsed(json_output(db, args));
    assert!(ok, "{args:?}: {err}");
    v
}

/// Sets up the account on a device; `None` when there is no keyring and skipping is allowed.
fn device(dir: &Path, name: &str, server: &Server) -> Option<PathBuf> {
    device_with(dir, name, server, &[])
}

/// [`device`] with more `account add` options.
fn device_with(dir: &Path, name: &str, server: &Server, extra: &[&str]) -> Option<PathBuf> {
    device_at(dir, name, &server.url, server.book_prefix(), extra)
}

/// [`device`] for an account at `url` (the server, or a proxy before it).
fn device_at(dir: &Path, name: &str, url: &str, book: &str, extra: &[&str]) -> Option<PathBuf> {
    let db = dir.join(format!("{name}.db"));
    let out = support::with_stdin(
        cmd(&db)
            .args(["--json", "account", "add", url, "--user", USER])
            .args(extra),
        format!("{PASSWORD}\n").as_bytes(),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    if !out.status.success()
        && err.contains("No keyring")
        && std::env::var("VERNETZT_NO_KEYRING").as_deref() == Ok("1")
    {
        eprintln!("skipped: VERNETZT_NO_KEYRING=1 and {err}");
        return None;
    }
    assert!(out.status.success(), "account add: {err}");
    let acc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        acc["addressbook"].as_str().unwrap().starts_with(book),
        "{acc}"
    );
    Some(db)
}

/// A server of `kind` and one device with the account on it; `None` without a keyring.
fn one_device(kind: Kind, dir: &Path) -> Option<(Server, PathBuf)> {
    let server = Server::start(kind, dir);
    let a = device(dir, "laptop", &server)?;
    Some((server, a))
}

/// [`one_device`] and a second device (the tablet) on the same account.
fn two_devices(kind: Kind, dir: &Path) -> Option<(Server, PathBuf, PathBuf)> {
    let (server, a) = one_device(kind, dir)?;
    let b = device(dir, "tablet", &server).unwrap();
    Some((server, a, b))
}

fn add(db: &Path, name: &str, extra: &[&str]) -> i64 {
    let mut args = vec!["contacts", "add", "--name", name];
    args.extend_from_slice(extra);
    ok(db, &args)["id"].as_i64().unwrap()
}

fn find(db: &Path, name: &str) -> Value {
    let list = ok(db, &["contacts", "search", name]);
    let id = list[0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{name} not found: {list}"));
    ok(db, &["contacts", "show", &id.to_string()])
}

/// Whether a search for `name` on the device finds no one.
fn no_one_named(db: &Path, name: &str) -> bool {
    ok(db, &["contacts", "search", name])
        .as_array()
        .unwrap()
        .is_empty()
}

fn sync(db: &Path) -> Value {
    ok(db, &["sync"])
}

/// What a sync that finds nothing to do costs: one PROPFIND on a home shared by address book
/// and calendar says nothing changed ("none"); with a home each, one sync-collection per
/// collection, whose token is current.
fn quiet(server: &Server, with_calendar: bool) -> (u64, String) {
    if server.one_home() || !with_calendar {
        (1, "none".into())
    } else {
        (2, "sync-collection".into())
    }
}

fn two_devices_converge_and_both_phones_are_kept(kind: Kind) {
    let tmp = tempfile::tempdir().unwrap();
    let Some((server, a, b)) = two_devices(kind, tmp.path()) else {
        return;
    };
    add(
        &a,
        "Jördis Müller",
        &[
            "--email",
            "jm@fitko.example",
            "--org",
            "FITKO",
            "--role",
            "Referentin",
            "--tag",
            "Erfa",
            "--note",
            "Erfurt, Workshop",
        ],
    );
    add(&a, "Bernd Bauer", &["--phone", "+49 30 1111"]);
    let r = sync(&a);
    assert_eq!(r["pushed"], 2, "{r}");
    assert_eq!(server.cards().len(), 2);
    let r = sync(&b);
    assert_eq!(r["pulled"], 2, "{r}");
    let jm = find(&b, "Müller");
    assert!(
        jm["organization"].as_str().unwrap().starts_with("FITKO"),
        "{jm}"
    );
    assert_eq!(jm["notes"][0]["body"], "Erfurt, Workshop");
    // Offline on both: B changes the role, each adds a different phone to Bernd.
    let jm_b = jm["id"].as_i64().unwrap().to_string();
    ok(
        &b,
        &["contacts", "edit", &jm_b, "--role", "Referatsleiterin"],
    );
    let bernd_a = find(&a, "Bauer")["id"].as_i64().unwrap().to_string();
    let bernd_b = find(&b, "Bauer")["id"].as_i64().unwrap().to_string();
    // (`edit --phone` gives the whole list.)
    let edit = |db: &Path, id: &str, new: &str| {
        ok(
            db,
            &[
                "contacts",
                "edit",
                id,
                "--phone",
                "+49 30 1111",
                "--phone",
                new,
            ],
        );
    };
    edit(&a, &bernd_a, "+49 30 2222");
    edit(&b, &bernd_b, "+49 171 3333");
    sync(&a);
    let r = sync(&b);
    assert_eq!(r["conflicts"], 0, "{r}");
    sync(&a);
    for db in [&a, &b] {
        let bernd = find(db, "Bauer");
        let phones: Vec<&str> = bernd["phones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        for p in ["+49 30 1111", "+49 30 2222", "+49 171 3333"] {
            assert!(
                phones
                    .iter()
                    .any(|x| x.replace(' ', "") == p.replace(' ', "")),
                "{p} in {phones:?}"
            );
        }
        assert_eq!(find(db, "Müller")["role"], "Referatsleiterin");
    }
    assert_eq!(server.cards().len(), 2, "nothing duplicated");
    let st = ok(&a, &["sync", "status"]);
    assert_eq!(st["pending"], 0, "{st}");
    // A no-change sync is one request (one PROPFIND on the home says nothing changed), or
    // one per collection where each has its own home.
    assert_eq!(counted(&a), quiet(&server, true));
}

/// (requests, the report's number `key`) of one sync, and the report for messages.
fn sync_counts(db: &Path, key: &str) -> ((u64, u64), Value) {
    let r = sync(db);
    (
        (r["requests"].as_u64().unwrap(), r[key].as_u64().unwrap()),
        r,
    )
}

/// (requests, pull method) of one sync.
fn counted(db: &Path) -> (u64, String) {
    let r = sync(db);
    (
        r["requests"].as_u64().unwrap(),
        r["pull_method"].as_str().unwrap().to_string(),
    )
}

/// The request counts the benchmark compares with vdirsyncer (one listing per collection and
/// sync, one PUT per change), here at a small scale against the real server: a first upload
/// needs no change check, a sync with nothing to do is one request, a push of N changes is N+1.
fn a_sync_makes_no_more_requests_than_a_listing_client(kind: Kind) {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(kind, tmp.path());
    // Contacts only, as vdirsyncer's one address-book pair.
    let Some(a) = device_with(tmp.path(), "laptop", &server, &["--no-calendar"]) else {
        return;
    };
    assert_eq!(ok(&a, &["account", "show"])["calendar"], Value::Null);
    for n in [
        "Anna Ahrens",
        "Berta Brandt",
        "Carl Conrad",
        "Dora Dietz",
        "Emil Ernst",
    ] {
        add(&a, n, &["--org", "FITKO"]);
    }
    // Upload: a sync-collection (nothing to compare a CTag with) and five PUTs.
    assert_eq!(counted(&a), (6, "sync-collection".into()));
    assert_eq!(server.cards().len(), 5);
    // Our own PUTs moved CTag and token: one sync-collection, whose token is current.
    assert_eq!(counted(&a), (1, "sync-collection".into()));
    // The check with that token (and the CTag read with it); then the CTag alone.
    assert_eq!(counted(&a), (1, "none".into()));
    assert_eq!(counted(&a), (1, "none".into()));
    // Two edits: the check and two PUTs.
    for name in ["Ahrens", "Dietz"] {
        let id = find(&a, name)["id"].as_i64().unwrap().to_string();
        ok(&a, &["contacts", "edit", &id, "--role", "Referatsleitung"]);
    }
    let (c, r) = sync_counts(&a, "pushed");
    assert_eq!(c, (3, 2), "{r}");
    assert_eq!(counted(&a), (1, "sync-collection".into()));
    assert_eq!(counted(&a), (1, "none".into()));
    assert_eq!(counted(&a), (1, "none".into()));

    // With the calendar: one request more wherever both collections must be read.
    let b = device(tmp.path(), "tablet", &server).unwrap();
    assert!(ok(&b, &["account", "show"])["calendar"].is_string());
    add(&b, "Frieda Fuchs", &[]);
    // Upload: the address book's sync-collection, the PUT, the calendar's sync-collection; the
    // five cards already there are fetched in one multiget.
    let (c, r) = sync_counts(&b, "pulled");
    assert_eq!(c, (4, 5), "{r}");
    // The address book moved with the PUT; the calendar's token says it did not change.
    assert_eq!(counted(&b), (2, "sync-collection".into()));
    assert_eq!(counted(&b), quiet(&server, true));
    assert_eq!(counted(&b), quiet(&server, true));
    // A change from the other device: the check, the delta, the one card.
    let (c, r) = sync_counts(&a, "pulled");
    assert_eq!(c, (3, 1), "{r}");
    assert_eq!(counted(&a), (1, "none".into()));
    let id = find(&a, "Fuchs")["id"].as_i64().unwrap().to_string();
    ok(
        &a,
        &["contacts", "edit", &id, "--role", "Themenfeldführung"],
    );
    assert_eq!(counted(&a), (2, "none".into()));
    // (Where each collection has its own home: no check, the calendar's sync-collection.)
    let (c, r) = sync_counts(&b, "pulled");
    assert_eq!(c, (3, 1), "{r}");
    assert_eq!(find(&b, "Fuchs")["role"], "Themenfeldführung");
    assert_eq!(counted(&b), quiet(&server, true));
}

fn the_same_field_on_both_sides_is_a_conflict_and_nothing_is_lost(kind: Kind) {
    let tmp = tempfile::tempdir().unwrap();
    let Some((_server, a, b)) = two_devices(kind, tmp.path()) else {
        return;
    };
    add(&a, "Clara Conrad", &["--role", "Referentin"]);
    sync(&a);
    sync(&b);
    let ca = find(&a, "Conrad")["id"].as_i64().unwrap().to_string();
    let cb = find(&b, "Conrad")["id"].as_i64().unwrap().to_string();
    ok(
        &a,
        &["contacts", "edit", &ca, "--role", "OZG-Koordinatorin"],
    );
    ok(&b, &["contacts", "edit", &cb, "--role", "Digitallotsin"]);
    sync(&a);
    let r = sync(&b);
    assert_eq!(r["conflicts"], 1, "{r}");
    assert_eq!(
        find(&b, "Conrad")["role"],
        "Digitallotsin",
        "the local value stays"
    );
    let list = ok(&b, &["conflicts", "list"]);
    assert_eq!(list[0]["field"], "role");
    assert_eq!(list[0]["remote"], "OZG-Koordinatorin");
    assert_eq!(list[0]["local"], "Digitallotsin");
    let id = list[0]["id"].as_i64().unwrap().to_string();
    ok(&b, &["conflicts", "resolve", &id, "--keep", "remote"]);
    sync(&b);
    sync(&a);
    assert_eq!(find(&b, "Conrad")["role"], "OZG-Koordinatorin");
    assert_eq!(find(&a, "Conrad")["role"], "OZG-Koordinatorin");
    assert_eq!(ok(&b, &["conflicts", "list"]).as_array().unwrap().len(), 0);
}

fn an_edit_beats_a_deletion(kind: Kind) {
    let tmp = tempfile::tempdir().unwrap();
    let Some((server, a, b)) = two_devices(kind, tmp.path()) else {
        return;
    };
    add(&a, "Dora Dietz", &["--email", "dora@bund.example"]);
    add(&a, "Emil Eck", &[]);
    sync(&a);
    sync(&b);
    // Dora: deleted on A, edited on B. Emil: edited on A, deleted on B.
    let da = find(&a, "Dietz")["id"].as_i64().unwrap().to_string();
    let db_ = find(&b, "Dietz")["id"].as_i64().unwrap().to_string();
    let ea = find(&a, "Eck")["id"].as_i64().unwrap().to_string();
    let eb = find(&b, "Eck")["id"].as_i64().unwrap().to_string();
    ok(&a, &["contacts", "delete", &da]);
    ok(
        &b,
        &["contacts", "edit", &db_, "--note", "Folgetermin im März"],
    );
    ok(&a, &["contacts", "edit", &ea, "--role", "Amtsleiter"]);
    ok(&b, &["contacts", "delete", &eb]);
    sync(&a);
    sync(&b);
    sync(&a);
    for db in [&a, &b] {
        let dora = find(db, "Dietz");
        assert_eq!(dora["notes"][0]["body"], "Folgetermin im März", "{dora}");
        assert_eq!(find(db, "Eck")["role"], "Amtsleiter");
    }
    assert_eq!(server.cards().len(), 2);
}

fn a_killed_sync_finishes_without_loss_or_duplicates(kind: Kind) {
    let tmp = tempfile::tempdir().unwrap();
    let Some((server, a)) = one_device(kind, tmp.path()) else {
        return;
    };
    let n = 120;
    let csv = tmp.path().join("liste.csv");
    let mut text = String::from("Vorname;Nachname;E-Mail\n");
    for i in 0..n {
        text.push_str(&format!("Person;Nummer {i:03};p{i}@kommune.example\n"));
    }
    std::fs::write(&csv, text).unwrap();
    ok(&a, &["contacts", "import", csv.to_str().unwrap()]);
    let mut child = cmd(&a)
        .arg("sync")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    // A quarter stored: killed well before the end even where listing the server's cards takes
    // a request (SabreDAV, Xandikos) while the sync goes on storing.
    while server.cards().len() < n / 4 {
        assert!(Instant::now() < deadline, "the sync did not get going");
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let on_server = server.cards().len();
    assert!(on_server < n, "killed half way ({on_server})");
    let st = ok(&a, &["sync", "status"]);
    assert!(
        st["pending"].as_u64().unwrap() as usize >= n - on_server,
        "{st}"
    );
    let r = sync(&a);
    assert!(
        r["pushed"].as_u64().unwrap() as usize >= n - on_server,
        "{r}"
    );
    assert_eq!(server.cards().len(), n, "every contact once");
    assert_eq!(ok(&a, &["sync", "status"])["pending"], 0);
    let b = device(tmp.path(), "tablet", &server).unwrap();
    let r = sync(&b);
    assert_eq!(r["pulled"], n, "{r}");
    assert_eq!(ok(&b, &["contacts", "list"]).as_array().unwrap().len(), n);
}

/// The fault-injecting proxy between the client and Radicale.
struct Proxy {
    child: Child,
    url: String,
    control: PathBuf,
}

impl Proxy {
    fn start(dir: &Path, server: &Server) -> Proxy {
        let upstream = server
            .url
            .trim_end_matches('/')
            .rsplit(':')
            .next()
            .unwrap()
            .to_string();
        let control = dir.join("faults.json");
        std::fs::write(&control, r#"{"mode": "pass"}"#).unwrap();
        let mut child = Command::new(python())
            .arg(repo().join("tests/python/fault_proxy.py"))
            .arg(&upstream)
            .arg(&control)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        let port = line.trim().strip_prefix("port ").unwrap().to_string();
        Proxy {
            child,
            url: format!("http://127.0.0.1:{port}/"),
            control,
        }
    }

    fn set(&self, json: &str) {
        std::fs::write(&self.control, json).unwrap();
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn failing_sync(db: &Path) -> String {
    let out = json_output(db, &["sync"]);
    assert!(
        !out.status.success(),
        "the sync should fail: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs Radicale or Xandikos (python) or SabreDAV (php): Unix-only peers here"
)]
fn faults_keep_every_change_queued_and_nothing_duplicates() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(Kind::Radicale, tmp.path());
    let proxy = Proxy::start(tmp.path(), &server);
    // The device talks to the server through the proxy.
    let Some(a) = device_at(tmp.path(), "laptop", &proxy.url, "/anna/", &[]) else {
        return;
    };
    let n = 10;
    for i in 0..n {
        add(
            &a,
            &format!("Person {i:02}"),
            &["--email", &format!("p{i}@land.example")],
        );
    }
    let pending = |db: &Path| ok(db, &["sync", "status"])["pending"].as_u64().unwrap() as usize;

    // Busy server with Retry-After: a clear message, the wait recorded, nothing lost.
    proxy.set(r#"{"mode": "status", "status": 503, "retry_after": 7}"#);
    let err = failing_sync(&a);
    assert!(err.contains("busy"), "{err}");
    let st = ok(&a, &["sync", "status"]);
    assert_eq!(st["pending"], n, "{st}");
    assert!(st["last_error"].as_str().unwrap().contains("busy"));
    assert!(st["retry_at"].is_string(), "{st}");
    // 401 and 5xx.
    proxy.set(r#"{"mode": "status", "status": 401}"#);
    assert!(failing_sync(&a).contains("login"));
    proxy.set(r#"{"mode": "status", "status": 500, "method": "PUT"}"#);
    assert!(failing_sync(&a).contains("failed (500)"));
    // The address book gone (404 on the sync report).
    // A PUT that never reaches the server, then connections cut after the server stored the
    // 4th card: the answer is lost, the card is there.
    proxy.set(r#"{"mode": "cut_request", "method": "PUT"}"#);
    failing_sync(&a);
    assert_eq!(server.cards().len(), 0);
    assert_eq!(pending(&a), n);
    proxy.set(r#"{"mode": "drop", "method": "PUT", "after": 3}"#);
    let err = failing_sync(&a);
    assert!(err.contains("dropped") || err.contains("reached"), "{err}");
    let stored = server.cards().len();
    assert!((3..n).contains(&stored), "{stored}");
    assert_eq!(pending(&a), n - 3, "only confirmed pushes leave the queue");
    // Back to normal: everything arrives once (the card stored without an answer is found by
    // its If-None-Match 412 and merged, not created twice).
    proxy.set(r#"{"mode": "pass"}"#);
    let r = sync(&a);
    assert_eq!(r["conflicts"], 0, "{r}");
    assert_eq!(server.cards().len(), n);
    let st = ok(&a, &["sync", "status"]);
    assert_eq!(
        (st["pending"].as_u64(), st["failures"].as_u64()),
        (Some(0), Some(0)),
        "{st}"
    );
    assert!(st["last_error"].is_null(), "{st}");
    // Forbidden, no answer at all (a timeout), and the server down: said so, nothing lost.
    add(&a, "Fritz Fehler", &[]);
    proxy.set(r#"{"mode": "status", "status": 403, "method": "PUT"}"#);
    assert!(failing_sync(&a).contains("does not allow"));
    proxy.set(r#"{"mode": "hang", "seconds": 20}"#);
    let out = cmd(&a)
        .arg("sync")
        .env("VERNETZT_DAV_TIMEOUT_SECS", "2")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("did not answer in time"));
    proxy.set(r#"{"mode": "pass"}"#);
    assert_eq!(pending(&a), 1);
    sync(&a);
    // The address book gone (404 on the sync report): said so, nothing lost.
    add(&a, "Nina Neu", &[]);
    proxy.set(r#"{"mode": "status", "status": 404, "method": "REPORT"}"#);
    assert!(failing_sync(&a).contains("not found"));
    assert_eq!(pending(&a), 1);
    proxy.set(r#"{"mode": "pass"}"#);
    sync(&a);
    // A server that refuses vCard 4.0 gets 3.0.
    proxy.set(
        r#"{"mode": "status", "status": 415, "method": "PUT", "body_contains": "VERSION:4.0"}"#,
    );
    add(&a, "Vera Version", &["--email", "vv@kommune.example"]);
    let r = sync(&a);
    assert_eq!(r["pushed"], 1, "{r}");
    let three = server
        .cards()
        .into_iter()
        .map(|c| c.text)
        .find(|t| t.contains("Vera"))
        .unwrap();
    assert!(three.contains("VERSION:3.0"), "{three}");
    // One card the server refuses (400) is named and stays queued; the others go through.
    proxy.set(r#"{"mode": "status", "status": 400, "method": "PUT", "body_contains": "Rita"}"#);
    add(&a, "Rita Refused", &[]);
    add(&a, "Otto Okay", &[]);
    let r = sync(&a);
    assert_eq!(r["pushed"], 1, "{r}");
    assert!(
        r["refused"][0]
            .as_str()
            .unwrap()
            .starts_with("Rita Refused"),
        "{r}"
    );
    let st = ok(&a, &["sync", "status"]);
    assert_eq!(st["pending"], 1, "{st}");
    assert!(
        st["last_error"].as_str().unwrap().contains("Rita Refused"),
        "{st}"
    );
    proxy.set(r#"{"mode": "pass"}"#);
    sync(&a);
    assert_eq!(ok(&a, &["sync", "status"])["pending"], 0);
    // The server down (connection refused): said so, the change stays queued.
    add(&a, "Dieter Down", &[]);
    drop(proxy);
    let err = failing_sync(&a);
    assert!(err.contains("could not be reached"), "{err}");
    assert_eq!(pending(&a), 1);
}

/// Radicale, the fault proxy before it, and a device (address book only) talking through it;
/// `None` without a keyring.
fn behind_proxy(dir: &Path) -> Option<(Server, Proxy, PathBuf)> {
    let server = Server::start(Kind::Radicale, dir);
    let proxy = Proxy::start(dir, &server);
    let a = device_at(dir, "laptop", &proxy.url, "/anna/", &["--no-calendar"])?;
    Some((server, proxy, a))
}

/// RFC 6578 missing, or a token the server no longer knows: the ETag listing finds what
/// changed and what was deleted, nothing is lost, and a fresh token is started where possible.
#[test]
#[cfg_attr(
    windows,
    ignore = "needs Radicale or Xandikos (python) or SabreDAV (php): Unix-only peers here"
)]
fn without_sync_collection_or_with_an_expired_token_the_listing_finds_everything() {
    let tmp = tempfile::tempdir().unwrap();
    let Some((server, proxy, a)) = behind_proxy(tmp.path()) else {
        return;
    };
    let b = device_with(tmp.path(), "phone", &server, &["--no-calendar"]).unwrap();
    // A server without sync-collection.
    proxy.set(
        r#"{"mode": "status", "status": 403, "method": "REPORT", "body_contains": "sync-collection"}"#,
    );
    add(&a, "Anna Ahrens", &[]);
    add(&a, "Bruno Berger", &[]);
    let r = sync(&a);
    assert_eq!(
        (
            r["pull_method"].as_str(),
            r["pushed"].as_u64(),
            r["requests"].as_u64()
        ),
        (Some("listing"), Some(2), Some(4)),
        "refused sync-collection, listing, two PUTs: {r}"
    );
    // Known now: the listing at once (no refused request first), with the CTag read before.
    assert_eq!(counted(&a), (2, "listing".into()));
    assert_eq!(counted(&a), (1, "none".into()));
    // The other device adds one and deletes one.
    sync(&b);
    add(&b, "Carla Claus", &[]);
    let anna = find(&b, "Ahrens")["id"].as_i64().unwrap().to_string();
    ok(&b, &["contacts", "delete", &anna]);
    sync(&b);
    let r = sync(&a);
    assert_eq!(
        (
            r["pull_method"].as_str(),
            r["pulled"].as_u64(),
            r["removed_here"].as_u64()
        ),
        (Some("listing"), Some(1), Some(1)),
        "{r}"
    );
    assert_eq!(find(&a, "Claus")["name"], "Carla Claus");
    assert!(
        ok(&a, &["contacts", "search", "Ahrens"])
            .as_array()
            .unwrap()
            .is_empty()
    );

    // A device with a token the server no longer accepts.
    proxy.set(r#"{"mode": "pass"}"#);
    let c = device_at(
        tmp.path(),
        "tablet",
        &proxy.url,
        "/anna/",
        &["--no-calendar"],
    )
    .unwrap();
    let r = sync(&c);
    assert_eq!(
        (r["pull_method"].as_str(), r["pulled"].as_u64()),
        (Some("sync-collection"), Some(2)),
        "{r}"
    );
    add(&b, "Dieter Dorn", &[]);
    sync(&b);
    proxy.set(
        r#"{"mode": "status", "status": 403, "method": "REPORT", "body_contains": "radicale.org/ns/sync"}"#,
    );
    let r = sync(&c);
    assert_eq!(
        (r["pull_method"].as_str(), r["pulled"].as_u64()),
        (Some("listing"), Some(1)),
        "{r}"
    );
    // A fresh token next time: a sync-collection without one, which also shows what was
    // deleted meanwhile.
    proxy.set(r#"{"mode": "pass"}"#);
    let bruno = find(&b, "Berger")["id"].as_i64().unwrap().to_string();
    ok(&b, &["contacts", "delete", &bruno]);
    sync(&b);
    let r = sync(&c);
    assert_eq!(
        (r["pull_method"].as_str(), r["removed_here"].as_u64()),
        (Some("sync-collection"), Some(1)),
        "{r}"
    );
    assert!(
        ok(&c, &["contacts", "search", "Berger"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(counted(&c), (1, "none".into()));
    for db in [&a, &b, &c] {
        assert_eq!(ok(db, &["sync", "status"])["pending"], 0);
    }
    sync(&a);
    let names = |db: &Path| -> Vec<String> {
        let mut v: Vec<String> = ok(db, &["contacts", "list"])
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(&a), ["Carla Claus", "Dieter Dorn"]);
    assert_eq!(names(&a), names(&b));
    assert_eq!(names(&b), names(&c));
    assert_eq!(server.cards().len(), 2);
}

fn attendance_encounters_and_other_clients_properties_travel(kind: Kind) {
    let tmp = tempfile::tempdir().unwrap();
    let Some((server, a, b)) = two_devices(kind, tmp.path()) else {
        return;
    };
    // Both devices know the event (the same feed).
    let ics = tmp.path().join("termine.ics");
    std::fs::write(&ics, "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:erfa-2026@fitko\r\nDTSTART:20261203T083000Z\r\nSUMMARY:OZG-Erfahrungsaustausch\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").unwrap();
    for db in [&a, &b] {
        ok(db, &["feed", "import", ics.to_str().unwrap()]);
    }
    let id = add(&a, "Jördis Müller", &["--email", "jm@fitko.example"]).to_string();
    ok(
        &a,
        &[
            "attendance",
            "mark",
            "--event",
            "erfa-2026@fitko",
            "--contact",
            &id,
        ],
    );
    ok(
        &a,
        &[
            "attendance",
            "met",
            "--event",
            "erfa-2026@fitko",
            "--contact",
            &id,
            "--session",
            "Workshop Roll-in",
            "--note",
            "will FIT-Connect testen",
        ],
    );
    sync(&a);
    sync(&b);
    let att = ok(&b, &["attendance", "list", "--event", "erfa-2026@fitko"]);
    assert!(att.to_string().contains("Müller"), "{att}");
    let jb = find(&b, "Müller")["id"].as_i64().unwrap().to_string();
    let tl = ok(&b, &["contacts", "timeline", &jb]);
    assert!(tl.to_string().contains("Workshop Roll-in"), "{tl}");
    // Another client (a phone) adds a birthday and its own property.
    let card = server.cards().into_iter().next().unwrap();
    let (href, text) = (card.href, card.text);
    // ... and writes the address, number and organisation more richly than Vernetzt models.
    let changed = text.replace(
        "END:VCARD",
        "BDAY:19800412\r\nX-PHONE-APP-FLAG:starred\r\n\
             ADR;TYPE=work:;Raum 4.12;Hauptstr. 1;Erfurt;Thüringen;99084;Deutschland\r\n\
             item1.TEL;TYPE=cell:+49 171 5550000\r\nitem1.X-ABLabel:Diensthandy\r\nEND:VCARD",
    );
    let status = server.put(&href, "text/vcard; charset=utf-8", &changed);
    assert!(matches!(status, 200..=204), "{status}");
    sync(&b);
    // B edits the contact and pushes: the phone's properties survive.
    ok(&b, &["contacts", "edit", &jb, "--role", "Produktmanagerin"]);
    sync(&b);
    // (SabreDAV writes the card out again in its own spelling: `ITEM1.TEL;TYPE="cell"`.)
    let text = server.card(&href).to_uppercase().replace('"', "");
    assert!(
        text.contains("BDAY") && text.contains("X-PHONE-APP-FLAG"),
        "{text}"
    );
    for kept in ["THÜRINGEN", "RAUM 4.12", "TYPE=WORK", "TYPE=CELL"] {
        assert!(text.contains(kept), "{kept} lost: {text}");
    }
    assert_eq!(text.matches("DIENSTHANDY").count(), 1, "{text}");
    assert!(
        text.contains("X-VERNETZT-ATTENDED") && text.contains("X-VERNETZT-MET"),
        "{text}"
    );
    sync(&a);
    assert_eq!(find(&a, "Müller")["role"], "Produktmanagerin");
    let tl = ok(&a, &["contacts", "timeline", &id]);
    assert_eq!(
        tl.to_string().matches("Workshop Roll-in").count(),
        1,
        "not duplicated: {tl}"
    );
}

/// Makes `organizer` (an address) the user's organiser identity, adds the `invitees` (name,
/// address) as contacts tagged "erfa", creates an own event and invites everyone tagged
/// "erfa"; the event's UID.
fn event_with_invitees(db: &Path, organizer: &str, invitees: &[(&str, &str)]) -> String {
    ok(
        db,
        &[
            "invite",
            "organizer",
            "--name",
            "Anna",
            "--email",
            organizer,
        ],
    );
    for (name, email) in invitees {
        add(db, name, &["--email", email, "--tag", "erfa"]);
    }
    let ev = ok(
        db,
        &[
            "events",
            "create",
            "--title",
            "OZG-Erfahrungsaustausch",
            "--start",
            "2027-03-27T09:30",
            "--end",
            "2027-03-27T16:00",
            "--location",
            "Erfurt",
        ],
    );
    let uid = ev["uid"].as_str().unwrap().to_string();
    ok(db, &["invite", &uid, "--filter", "tag=erfa"]);
    uid
}

fn own_events_with_invitees_travel_in_the_calendar(kind: Kind) {
    let tmp = tempfile::tempdir().unwrap();
    let Some((server, a, b)) = two_devices(kind, tmp.path()) else {
        return;
    };
    assert!(
        ok(&a, &["account", "show"])["calendar"]
            .as_str()
            .is_some_and(|c| c.starts_with(server.calendar_prefix())),
        "a calendar was found or created"
    );
    let uid = event_with_invitees(
        &a,
        "anna@fitko.example",
        &[
            ("Jördis Müller", "jm@fitko.example"),
            ("Bernd Bauer", "bb@land.example"),
        ],
    );
    let reply = tmp.path().join("antwort.ics");
    std::fs::write(
        &reply,
        format!("BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261201T100000Z\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:jm@fitko.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"),
    )
    .unwrap();
    ok(&a, &["invite", "reply", reply.to_str().unwrap()]);
    sync(&a);
    sync(&b);
    let status = ok(&b, &["invite", "status", &uid]);
    let rows = status.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{status}");
    assert!(
        rows.iter()
            .any(|r| r["email"] == "jm@fitko.example" && r["partstat"] == "accepted")
    );
    // Moved on B: A sees the new place.
    ok(&b, &["events", "update", &uid, "--location", "Weimar"]);
    sync(&b);
    sync(&a);
    let list = ok(
        &a,
        &[
            "events",
            "list",
            "--from",
            "2027-03-01",
            "--to",
            "2027-04-01",
        ],
    );
    assert!(list.to_string().contains("Weimar"), "{list}");
}

/// An erasure reaches the server, and stays: another device changed the card there after the
/// erasure and before this device's next sync, and the pull (which comes before the push) meets
/// that new version. It is not stored; the card is deleted again with its new ETag.
fn an_erased_person_is_deleted_on_the_server_too(kind: Kind) {
    let tmp = tempfile::tempdir().unwrap();
    let Some((server, a, b)) = two_devices(kind, tmp.path()) else {
        return;
    };
    let id = add(
        &a,
        "Zacharias Quendel",
        &["--email", "zq@geheimamt.example", "--note", "Xylophon"],
    );
    add(&a, "Anna Adler", &[]);
    sync(&a);
    sync(&b);
    assert_eq!(server.cards().len(), 2);
    ok(&a, &["privacy", "erase", &id.to_string()]);
    // The tablet, not yet told, edits the person and uploads the edit.
    let qb = find(&b, "Quendel")["id"].as_i64().unwrap().to_string();
    ok(&b, &["contacts", "edit", &qb, "--role", "Referent"]);
    sync(&b);
    assert!(server.cards().iter().any(|c| c.text.contains("Referent")));
    let r = sync(&a);
    assert_eq!(
        (r["deleted"].as_u64(), r["pulled"].as_u64()),
        (Some(1), Some(0)),
        "{r}"
    );
    assert_eq!(server.cards().len(), 1);
    let left = &server.cards()[0].text;
    assert!(!left.contains("Quendel"));
    assert!(no_one_named(&a, "Quendel"));
    assert_eq!(ok(&a, &["sync", "status"])["pending"], 0);
    // Nothing bounces: the next syncs leave it gone, here and on the tablet.
    sync(&b);
    sync(&a);
    assert!(no_one_named(&a, "Quendel"));
    assert!(no_one_named(&b, "Quendel"));
    assert_eq!(server.cards().len(), 1);
}

/// An erased person invited to an own event: the calendar's copy loses the ATTENDEE with the
/// next sync; the tablet, which had not heard of the erasure, puts the old attendee list back
/// with an edit of its own; the next sync here takes it off again, and a new device pulls the
/// event without the person.
fn an_erased_invitee_leaves_own_events_everywhere(kind: Kind) {
    let tmp = tempfile::tempdir().unwrap();
    let Some((server, a, b)) = two_devices(kind, tmp.path()) else {
        return;
    };
    let cal = ok(&a, &["account", "show"])["calendar"]
        .as_str()
        .unwrap()
        .to_string();
    let uid = event_with_invitees(
        &a,
        "anna@fitko.example",
        &[
            ("Zacharias Quendel", "zq@geheimamt.example"),
            ("Bernd Bauer", "bb@land.example"),
        ],
    );
    sync(&a);
    sync(&b);
    let in_calendar = || server.objects(&cal).concat().to_lowercase();
    assert!(in_calendar().contains("zq@geheimamt.example"));
    let id = find(&a, "Quendel")["id"].as_i64().unwrap().to_string();
    ok(&a, &["privacy", "erase", &id]);
    sync(&a);
    let text = in_calendar();
    assert!(!text.contains("zq@geheimamt"), "{text}");
    assert!(text.contains("bb@land.example"), "{text}");
    // The tablet moves the event before it pulls: its upload still lists the person.
    ok(&b, &["events", "update", &uid, "--location", "Weimar"]);
    sync(&b);
    assert!(in_calendar().contains("zq@geheimamt.example"));
    sync(&a);
    let text = in_calendar();
    assert!(!text.contains("zq@geheimamt"), "{text}");
    assert!(text.contains("weimar"), "the tablet's edit stays: {text}");
    let invited = |db: &Path| -> Vec<String> {
        ok(db, &["invite", "status", &uid])
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["removed"] == false)
            .map(|i| i["email"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(invited(&a), ["bb@land.example"]);
    let c = device(tmp.path(), "phone", &server).unwrap();
    for db in [&b, &c] {
        sync(db);
        assert_eq!(invited(db), ["bb@land.example"], "{}", db.display());
        assert!(no_one_named(db, "Quendel"));
    }
    sync(&a);
    assert_eq!(invited(&a), ["bb@land.example"]);
    assert!(!in_calendar().contains("zq@geheimamt"));
}

/// The DELETE of an erased person's card meets a 412 (the fault proxy answers so, as a server
/// does when the card changed there between our pull and our DELETE): the person does not come
/// back. Every DELETE refused: the deletion stays queued; the first refused only: the ETag is
/// read again and the second DELETE removes the card.
#[test]
#[cfg_attr(
    windows,
    ignore = "needs Radicale or Xandikos (python) or SabreDAV (php): Unix-only peers here"
)]
fn an_erasure_that_meets_a_412_is_not_undone() {
    let tmp = tempfile::tempdir().unwrap();
    let Some((server, proxy, a)) = behind_proxy(tmp.path()) else {
        return;
    };
    let id = add(
        &a,
        "Zacharias Quendel",
        &["--email", "zq@geheimamt.example"],
    );
    add(&a, "Anna Adler", &[]);
    sync(&a);
    ok(&a, &["privacy", "erase", &id.to_string()]);
    let on_server = || server.cards().iter().any(|c| c.text.contains("Quendel"));

    proxy.set(r#"{"mode": "status", "status": 412, "method": "DELETE"}"#);
    let r = sync(&a);
    assert_eq!(r["deleted"], 0, "{r}");
    assert!(
        no_one_named(&a, "Quendel"),
        "a 412 does not bring the person back: {r}"
    );
    assert!(on_server());
    assert_eq!(
        ok(&a, &["sync", "status"])["pending"],
        1,
        "the deletion stays queued"
    );

    proxy.set(r#"{"mode": "status", "status": 412, "method": "DELETE", "times": 1}"#);
    let r = sync(&a);
    assert_eq!(r["deleted"], 1, "{r}");
    let counts: Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("faults.json.counts")).unwrap(),
    )
    .unwrap();
    assert_eq!(counts["DELETE"], 2, "refused, then sent again: {counts}");
    assert!(no_one_named(&a, "Quendel"));
    assert!(!on_server());
    assert_eq!(ok(&a, &["sync", "status"])["pending"], 0);
    proxy.set(r#"{"mode": "pass"}"#);
    sync(&a);
    assert!(no_one_named(&a, "Quendel"));
    assert_eq!(server.cards().len(), 1);
}

/// Another client (a phone, Outlook) put the same person and the same event into the address
/// book and the calendar under names of its own before this device's first upload. The sync
/// joins them (one card and one calendar object per UID, where the other client put them)
/// instead of uploading a second copy: Xandikos refuses a second object with one UID (412
/// no-uid-conflict), as Nextcloud does, and SabreDAV would keep both.
fn a_record_already_on_the_server_under_another_name_is_joined_not_doubled(kind: Kind) {
    let tmp = tempfile::tempdir().unwrap();
    let Some((server, a)) = one_device(kind, tmp.path()) else {
        return;
    };
    // On this device, not yet synced: a contact from a vCard file and an own event.
    let vcf = tmp.path().join("kontakt.vcf");
    let card = |extra: &str| {
        format!(
            "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:ozg-kontakt-1\r\nFN:Jördis Müller\r\n\
             N:Müller;Jördis;;;\r\nEMAIL:jm@fitko.example\r\n{extra}END:VCARD\r\n"
        )
    };
    std::fs::write(&vcf, card("")).unwrap();
    ok(&a, &["contacts", "import", vcf.to_str().unwrap()]);
    ok(
        &a,
        &[
            "contacts",
            "edit",
            &find(&a, "Müller")["id"].to_string(),
            "--tag",
            "erfa",
        ],
    );
    let uid = event_with_invitees(&a, "anna@fitko.example", &[]);
    // The other client stores both under its own names.
    let acc = ok(&a, &["account", "show"]);
    let (book, cal) = (
        acc["addressbook"].as_str().unwrap(),
        acc["calendar"].as_str().unwrap(),
    );
    let theirs = format!("{book}from-phone.vcf");
    assert_eq!(
        server.put(&theirs, "text/vcard", &card("TITLE:Referentin\r\n")),
        201
    );
    let ics = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Outlook//DE\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n\
         DTSTAMP:20261201T100000Z\r\nDTSTART:20270327T083000Z\r\nDTEND:20270327T150000Z\r\n\
         SUMMARY:OZG-Erfahrungsaustausch (Entwurf)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    let outlook = format!("{cal}from-outlook.ics");
    assert_eq!(server.put(&outlook, "text/calendar", &ics), 201);

    let r = sync(&a);
    assert_eq!(r["refused"].as_array().map(Vec::len), Some(0), "{r}");
    let st = ok(&a, &["sync", "status"]);
    assert_eq!(
        (st["pending"].as_u64(), st["last_error"].as_str()),
        (Some(0), None),
        "{st}"
    );
    let cards = server.cards();
    assert_eq!(cards.len(), 1, "one card");
    assert_eq!(cards[0].href, theirs);
    assert_eq!(
        find(&a, "Müller")["role"],
        "Referentin",
        "merged with theirs"
    );
    assert_eq!(server.members(USER, cal), [outlook], "one calendar object");
    assert_eq!(counted(&a), (2, "sync-collection".into()), "our own writes");
    assert_eq!(counted(&a), quiet(&server, true));
}

/// What a device reads back is the card that was stored. SabreDAV hands a stored vCard 4.0 out
/// as 3.0 (KIND and other 4.0 properties gone, the same ETag) unless 4.0 is asked for; read so,
/// the second device would hold a different card than the first one stored.
fn a_card_read_back_is_the_one_stored_and_nothing_bounces(kind: Kind) {
    let tmp = tempfile::tempdir().unwrap();
    let Some((server, a, b)) = two_devices(kind, tmp.path()) else {
        return;
    };
    let fields = "--email|jm@fitko.example|--phone|+49 30 1111|--org|FITKO|--role|Referentin\
                  |--tag|Erfa|--note|Erfurt, Workshop";
    add(&a, "Jördis Müller", &fields.split('|').collect::<Vec<_>>());
    sync(&a);
    assert_eq!(sync(&b)["pulled"], 1);
    assert_eq!(counted(&b), quiet(&server, true), "nothing to push back");
    let jb = find(&b, "Müller")["id"].to_string();
    ok(&b, &["contacts", "edit", &jb, "--role", "Referatsleiterin"]);
    let r = sync(&b);
    assert_eq!(
        (r["pushed"].as_u64(), r["conflicts"].as_u64()),
        (Some(1), Some(0)),
        "{r}"
    );
    let stored = server.cards().remove(0).text.to_uppercase();
    for line in [
        "VERSION:4.0",
        "KIND:INDIVIDUAL",
        "TITLE:REFERATSLEITERIN",
        "NOTE:ERFURT",
    ] {
        assert!(stored.contains(line), "{line} in {stored}");
    }
    let r = sync(&a);
    assert_eq!(
        (r["pulled"].as_u64(), r["conflicts"].as_u64()),
        (Some(1), Some(0)),
        "{r}"
    );
    let jm = find(&a, "Müller");
    assert_eq!(jm["role"], "Referatsleiterin");
    assert_eq!(jm["notes"][0]["body"], "Erfurt, Workshop");
    // Nothing goes back and forth: each device's next syncs carry nothing, then cost no more
    // than a sync with nothing to do.
    for db in [&a, &b] {
        for _ in 0..2 {
            let r = sync(db);
            assert_eq!(
                (r["pushed"].as_u64(), r["pulled"].as_u64()),
                (Some(0), Some(0)),
                "{r}"
            );
        }
        assert_eq!(counted(db), quiet(&server, true));
    }
}

/// No invitations behind the user's back: SabreDAV with RFC 6638 scheduling, as Nextcloud runs
/// it, receives an own event whose ORGANIZER is the account's own address. Without
/// `SCHEDULE-AGENT=CLIENT` on its attendees the server would deliver the invitation into a
/// colleague's inbox and mail every other attendee (here: its iMIP mails land in a file) on
/// upload, on a move and on the cancellation, before the user sent anything.
#[test]
#[cfg_attr(
    windows,
    ignore = "needs Radicale or Xandikos (python) or SabreDAV (php): Unix-only peers here"
)]
fn sabredav_no_invitation_is_sent_behind_the_users_back() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start_with(Kind::SabreDav, tmp.path(), &["jm"]);
    let Some(a) = device(tmp.path(), "laptop", &server) else {
        return;
    };
    // Anna organises with her account's address; one attendee has an account on the server.
    let uid = event_with_invitees(
        &a,
        "anna@example.org",
        &[
            ("Jördis Müller", "jm@example.org"),
            ("Bernd Bauer", "bb@land.example"),
        ],
    );
    let cal = ok(&a, &["account", "show"])["calendar"]
        .as_str()
        .unwrap()
        .to_string();
    let inbox = "/remote.php/dav/calendars/jm/inbox/";
    let jm_calendar = "/remote.php/dav/calendars/jm/personal/";
    let nothing_sent = |when: &str| {
        assert_eq!(
            server.members("jm", inbox),
            Vec::<String>::new(),
            "{when}: inbox"
        );
        assert_eq!(
            server.members("jm", jm_calendar),
            Vec::<String>::new(),
            "{when}"
        );
        assert_eq!(server.mails(), "", "{when}: mails");
    };
    sync(&a);
    assert_eq!(
        server.members(USER, &cal).len(),
        1,
        "the event is on the server"
    );
    nothing_sent("upload");
    ok(&a, &["events", "update", &uid, "--location", "Weimar"]);
    assert_eq!(sync(&a)["pushed"], 1);
    nothing_sent("moved");
    let out = tmp.path().join("absage");
    ok(
        &a,
        &["invite", "cancel", &uid, "--out", out.to_str().unwrap()],
    );
    assert_eq!(sync(&a)["pushed"], 1);
    nothing_sent("cancelled");
    // The same event from a client that leaves scheduling to the server: delivered and mailed.
    let ics = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//DE\r\nBEGIN:VEVENT\r\n\
         UID:other-{uid}\r\nDTSTAMP:20261201T100000Z\r\nDTSTART:20270327T083000Z\r\n\
         DTEND:20270327T150000Z\r\nSUMMARY:Probe\r\nORGANIZER:mailto:anna@example.org\r\n\
         ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:jm@example.org\r\n\
         ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:bb@land.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    assert_eq!(
        server.put(&format!("{cal}other.ics"), "text/calendar", &ics),
        201
    );
    assert_eq!(
        server.members("jm", inbox).len(),
        1,
        "the server does schedule"
    );
    assert!(
        server.mails().contains("bb@land.example"),
        "{}",
        server.mails()
    );
}

/// Xandikos over TLS with the tests' own CA: without `VERNETZT_EXTRA_CA` its certificate is
/// not trusted (said so); a file that is not there is named; with it the account is set up.
#[test]
#[cfg_attr(
    windows,
    ignore = "needs Radicale or Xandikos (python) or SabreDAV (php): Unix-only peers here"
)]
fn xandikos_a_certificate_of_an_own_ca_is_trusted_only_through_the_extra_ca() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(Kind::Xandikos, tmp.path());
    let db = tmp.path().join("laptop.db");
    let add = |ca: Option<&Path>| {
        let mut c = cmd(&db);
        c.env_remove("VERNETZT_EXTRA_CA");
        if let Some(ca) = ca {
            c.env("VERNETZT_EXTRA_CA", ca);
        }
        c.args(["account", "add", &server.url, "--user", USER]);
        support::with_stdin(&mut c, format!("{PASSWORD}\n").as_bytes())
    };
    let out = add(None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("not trusted"),
        "{err}"
    );
    let out = add(Some(&tmp.path().join("missing.pem")));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("VERNETZT_EXTRA_CA"),
        "{err}"
    );
    let out = add(Some(&servers::tls_ca()));
    let err = String::from_utf8_lossy(&out.stderr);
    if err.contains("No keyring") && std::env::var("VERNETZT_NO_KEYRING").as_deref() == Ok("1") {
        return;
    }
    assert!(out.status.success(), "{err}");
}
