//! Two-way sync against a real Radicale 3.9 (PyPI, in the tests' virtualenv) on 127.0.0.1:
//! two databases as two devices, conflicts, an edit against a deletion, and a sync killed half
//! way. The password goes through the real keyring (run under `crates/net/tests/with-keyring.sh`;
//! `VERNETZT_NO_KEYRING=1` skips where there is none).

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod support;

use support::venv::{python, repo};
use support::{json_output, ok};

struct Radicale {
    child: Child,
    url: String,
    root: PathBuf,
}

impl Radicale {
    fn start(dir: &Path) -> Radicale {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let root = dir.join("radicale");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("users"), "anna:Geheim-42\n").unwrap();
        let config = format!(
            "[server]\nhosts = 127.0.0.1:{port}\nmax_content_length = 100000000\n\
             [auth]\ntype = htpasswd\nhtpasswd_filename = {users}\nhtpasswd_encryption = plain\n\
             [rights]\ntype = owner_only\n\
             [storage]\ntype = multifilesystem\nfilesystem_folder = {store}\n\
             [web]\ntype = none\n[logging]\nlevel = warning\n",
            users = root.join("users").display(),
            store = root.join("collections").display(),
        );
        std::fs::write(root.join("config"), config).unwrap();
        let child = Command::new(python())
            .args(["-m", "radicale", "--config"])
            .arg(root.join("config"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "radicale did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Radicale {
            child,
            url: format!("http://127.0.0.1:{port}/"),
            root,
        }
    }

    /// The cards stored on the server's disk.
    fn cards(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut stack = vec![self.root.join("collections")];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    if !p.file_name().unwrap().to_string_lossy().starts_with('.') {
                        stack.push(p);
                    }
                } else if p.extension().is_some_and(|x| x == "vcf") {
                    out.push(p);
                }
            }
        }
        out
    }
}

impl Drop for Radicale {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sets up the account on a device; `None` when there is no keyring and skipping is allowed.
fn device(dir: &Path, name: &str, url: &str) -> Option<PathBuf> {
    device_with(dir, name, url, &[])
}

/// [`device`] with more `account add` options.
fn device_with(dir: &Path, name: &str, url: &str, extra: &[&str]) -> Option<PathBuf> {
    let db = dir.join(format!("{name}.db"));
    let out = support::with_stdin(
        support::command(&db)
            .args(["--json", "account", "add", url, "--user", "anna"])
            .args(extra),
        b"Geheim-42\n",
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
        acc["addressbook"].as_str().unwrap().starts_with("/anna/"),
        "{acc}"
    );
    Some(db)
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

fn sync(db: &Path) -> Value {
    ok(db, &["sync"])
}

#[test]
fn two_devices_converge_and_both_phones_are_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Radicale::start(tmp.path());
    let Some(a) = device(tmp.path(), "laptop", &server.url) else {
        return;
    };
    let b = device(tmp.path(), "tablet", &server.url).unwrap();
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
    // A no-change sync is one request (sync-collection with the token).
    let r = sync(&a);
    assert_eq!(
        (r["requests"].as_u64(), r["pull_method"].as_str()),
        (Some(1), Some("none")),
        "one PROPFIND on the home says nothing changed: {r}"
    );
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
#[test]
fn a_sync_makes_no_more_requests_than_a_listing_client() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Radicale::start(tmp.path());
    // Contacts only, as vdirsyncer's one address-book pair.
    let Some(a) = device_with(tmp.path(), "laptop", &server.url, &["--no-calendar"]) else {
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
    let b = device(tmp.path(), "tablet", &server.url).unwrap();
    assert!(ok(&b, &["account", "show"])["calendar"].is_string());
    add(&b, "Frieda Fuchs", &[]);
    // Upload: the address book's sync-collection, the PUT, the calendar's sync-collection; the
    // five cards already there are fetched in one multiget.
    let (c, r) = sync_counts(&b, "pulled");
    assert_eq!(c, (4, 5), "{r}");
    // The address book moved with the PUT; the calendar's token says it did not change.
    assert_eq!(counted(&b), (2, "sync-collection".into()));
    assert_eq!(counted(&b), (1, "none".into()));
    assert_eq!(counted(&b), (1, "none".into()));
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
    let (c, r) = sync_counts(&b, "pulled");
    assert_eq!(c, (3, 1), "{r}");
    assert_eq!(find(&b, "Fuchs")["role"], "Themenfeldführung");
    assert_eq!(counted(&b), (1, "none".into()));
}

#[test]
fn the_same_field_on_both_sides_is_a_conflict_and_nothing_is_lost() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Radicale::start(tmp.path());
    let Some(a) = device(tmp.path(), "laptop", &server.url) else {
        return;
    };
    let b = device(tmp.path(), "tablet", &server.url).unwrap();
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

#[test]
fn an_edit_beats_a_deletion() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Radicale::start(tmp.path());
    let Some(a) = device(tmp.path(), "laptop", &server.url) else {
        return;
    };
    let b = device(tmp.path(), "tablet", &server.url).unwrap();
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

#[test]
fn a_killed_sync_finishes_without_loss_or_duplicates() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Radicale::start(tmp.path());
    let Some(a) = device(tmp.path(), "laptop", &server.url) else {
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
    let mut child = support::command(&a)
        .arg("sync")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while server.cards().len() < n / 3 {
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
    let b = device(tmp.path(), "tablet", &server.url).unwrap();
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
    fn start(dir: &Path, server: &Radicale) -> Proxy {
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
fn faults_keep_every_change_queued_and_nothing_duplicates() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Radicale::start(tmp.path());
    let proxy = Proxy::start(tmp.path(), &server);
    // The device talks to the server through the proxy.
    let Some(a) = device(tmp.path(), "laptop", &proxy.url) else {
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
    let out = support::command(&a)
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
        .map(|p| std::fs::read_to_string(p).unwrap())
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

/// A PUT as another client would make it (HTTP/1.0, basic auth), straight to Radicale.
fn raw_put(server: &Radicale, path: &str, body: &str) -> u16 {
    use std::io::Read;
    let addr = server
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    let auth = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode("anna:Geheim-42")
    };
    write!(
        s,
        "PUT {path} HTTP/1.0\r\nHost: {addr}\r\nAuthorization: Basic {auth}\r\n\
         Content-Type: text/vcard\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    resp[9..12].parse().unwrap()
}

/// RFC 6578 missing, or a token the server no longer knows: the ETag listing finds what
/// changed and what was deleted, nothing is lost, and a fresh token is started where possible.
#[test]
fn without_sync_collection_or_with_an_expired_token_the_listing_finds_everything() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Radicale::start(tmp.path());
    let proxy = Proxy::start(tmp.path(), &server);
    let Some(a) = device_with(tmp.path(), "laptop", &proxy.url, &["--no-calendar"]) else {
        return;
    };
    let b = device_with(tmp.path(), "phone", &server.url, &["--no-calendar"]).unwrap();
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
    let c = device_with(tmp.path(), "tablet", &proxy.url, &["--no-calendar"]).unwrap();
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

#[test]
fn attendance_encounters_and_other_clients_properties_travel() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Radicale::start(tmp.path());
    let Some(a) = device(tmp.path(), "laptop", &server.url) else {
        return;
    };
    let b = device(tmp.path(), "tablet", &server.url).unwrap();
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
    let text = std::fs::read_to_string(&card).unwrap();
    let href = format!(
        "/anna/{}/{}",
        card.parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy(),
        card.file_name().unwrap().to_string_lossy()
    );
    // ... and writes the address, number and organisation more richly than Vernetzt models.
    let changed = text.replace(
        "END:VCARD",
        "BDAY:19800412\r\nX-PHONE-APP-FLAG:starred\r\n\
             ADR;TYPE=work:;Raum 4.12;Hauptstr. 1;Erfurt;Thüringen;99084;Deutschland\r\n\
             item1.TEL;TYPE=cell:+49 171 5550000\r\nitem1.X-ABLabel:Diensthandy\r\nEND:VCARD",
    );
    assert!(matches!(raw_put(&server, &href, &changed), 200..=204));
    sync(&b);
    // B edits the contact and pushes: the phone's properties survive.
    ok(&b, &["contacts", "edit", &jb, "--role", "Produktmanagerin"]);
    sync(&b);
    let text = std::fs::read_to_string(&card).unwrap();
    assert!(
        text.contains("BDAY") && text.contains("X-PHONE-APP-FLAG"),
        "{text}"
    );
    for kept in ["Thüringen", "Raum 4.12", "TYPE=work", "TYPE=cell"] {
        assert!(text.contains(kept), "{kept} lost: {text}");
    }
    assert_eq!(text.matches("Diensthandy").count(), 1, "{text}");
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

#[test]
fn own_events_with_invitees_travel_in_the_calendar() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Radicale::start(tmp.path());
    let Some(a) = device(tmp.path(), "laptop", &server.url) else {
        return;
    };
    let b = device(tmp.path(), "tablet", &server.url).unwrap();
    assert!(
        ok(&a, &["account", "show"])["calendar"]
            .as_str()
            .is_some_and(|c| c.starts_with("/anna/")),
        "a calendar was found or created"
    );
    ok(
        &a,
        &[
            "invite",
            "organizer",
            "--name",
            "Anna",
            "--email",
            "anna@fitko.example",
        ],
    );
    add(
        &a,
        "Jördis Müller",
        &["--email", "jm@fitko.example", "--tag", "erfa"],
    );
    add(
        &a,
        "Bernd Bauer",
        &["--email", "bb@land.example", "--tag", "erfa"],
    );
    let ev = ok(
        &a,
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
    ok(&a, &["invite", &uid, "--filter", "tag=erfa"]);
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

#[test]
fn an_erased_person_is_deleted_on_the_server_too() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Radicale::start(tmp.path());
    let Some(a) = device(tmp.path(), "laptop", &server.url) else {
        return;
    };
    let id = add(
        &a,
        "Zacharias Quendel",
        &["--email", "zq@geheimamt.example", "--note", "Xylophon"],
    );
    add(&a, "Anna Adler", &[]);
    sync(&a);
    assert_eq!(server.cards().len(), 2);
    ok(&a, &["privacy", "erase", &id.to_string()]);
    let r = sync(&a);
    assert_eq!(r["deleted"], 1, "{r}");
    assert_eq!(server.cards().len(), 1);
    let left = std::fs::read_to_string(&server.cards()[0]).unwrap();
    assert!(!left.contains("Quendel"));
    assert_eq!(ok(&a, &["sync", "status"])["pending"], 0);
}
