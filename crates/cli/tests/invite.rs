//! Invitations through the `vernetzt` binary, checked by independent parsers (python's
//! `icalendar` and `email`) and sent through a real SMTP server (aiosmtpd) on 127.0.0.1, both in
//! the tests' own virtualenv (`tests/python/ensure-venv.sh`).

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod support;

use support::smtp::Sink;
use support::venv::{python, repo};
use support::{json_output, ok};

fn corpus() -> PathBuf {
    std::env::var_os("VERNETZT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/corpus"))
}

/// Every .ics and .eml in `dir` as python reads it.
fn parsed(dir: &Path) -> Vec<Value> {
    let out = Command::new(python())
        .arg(repo().join("tests/python/check_invite_dir.py"))
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn emls(dir: &Path) -> Vec<Value> {
    parsed(dir)
        .into_iter()
        .filter(|m| m["kind"] == "eml")
        .collect()
}

/// One text field of every message, as a set.
fn each<'a>(messages: &'a [Value], field: &str) -> BTreeSet<&'a str> {
    messages
        .iter()
        .map(|m| m[field].as_str().unwrap())
        .collect()
}

const EVIL: &str = "Eve \"X\"; Admin:Ref\r\nBcc: victim@example.org";

/// A database with an organiser, an event and four contacts: three tagged `taskforce` (one
/// without address, one with a hostile name), one not.
fn setup(dir: &Path) -> (PathBuf, String, BTreeMap<&'static str, i64>) {
    let db = dir.join("v.db");
    ok(
        &db,
        &[
            "invite",
            "organizer",
            "--name",
            "FITKO, Geschäftsstelle",
            "--email",
            "info@fitko.example",
        ],
    );
    ok(
        &db,
        &[
            "orgs",
            "add",
            "--name",
            "Landkreis Testhausen",
            "--level",
            "kommune",
            "--land",
            "BY",
        ],
    );
    let mut ids = BTreeMap::new();
    for (key, name, email, tag, org) in [
        (
            "anna",
            "Anna Adler",
            Some("anna@lra-testhausen.example"),
            "taskforce",
            Some("Landkreis Testhausen"),
        ),
        ("bernd", "Bernd Bauer", None, "taskforce", None),
        ("eve", EVIL, Some("eve@land.example"), "taskforce", None),
        (
            "dora",
            "Dora Dietz",
            Some("Dora@Bund.example"),
            "labor",
            None,
        ),
    ] {
        let mut args = vec!["contacts", "add", "--name", name, "--tag", tag];
        if let Some(e) = email {
            args.extend(["--email", e]);
        }
        if let Some(o) = org {
            args.extend(["--org", o]);
        }
        ids.insert(key, ok(&db, &args)["id"].as_i64().unwrap());
    }
    let ev = ok(
        &db,
        &[
            "events",
            "create",
            "--title",
            "OZG-Erfahrungsaustausch; Frühjahr, 2027",
            "--start",
            "2027-03-27T09:30",
            "--end",
            "2027-03-28T16:00",
            "--location",
            "Erfurt, Kaisersaal",
        ],
    );
    (db, ev["uid"].as_str().unwrap().to_string(), ids)
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs the SMTP sink (python's aiosmtpd) and python's parsers: Unix-only peers here"
)]
fn export_by_filter_then_send_update_remove_and_cancel() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, uid, ids) = setup(tmp.path());
    let out = tmp.path().join("export");

    // By filter: two with an address, Bernd listed as without one.
    let r = ok(
        &db,
        &[
            "invite",
            &uid,
            "--filter",
            "tag=taskforce",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r["added"].as_array().unwrap().len(), 2, "{r}");
    assert_eq!(r["without_email"][0]["name"], "Bernd Bauer");
    let files = parsed(&out);
    let ics = files.iter().find(|f| f["file"] == "einladung.ics").unwrap();
    assert_eq!(ics["method"], "REQUEST");
    assert_eq!(ics["sequence"], 0);
    assert_eq!(ics["uid"], uid.as_str());
    assert_eq!(ics["summary"], "OZG-Erfahrungsaustausch; Frühjahr, 2027");
    assert_eq!(ics["tzids"], serde_json::json!(["Europe/Berlin"]));
    assert_eq!(ics["start"], "2027-03-27T09:30:00+01:00");
    assert_eq!(ics["organizer"], "mailto:info@fitko.example");
    assert!(ics["crlf_only"].as_bool().unwrap());
    assert!(ics["max_line"].as_u64().unwrap() <= 75);
    let att = ics["attendees"].as_array().unwrap();
    assert_eq!(att.len(), 2);
    assert!(att.iter().all(|a| a["partstat"] == "NEEDS-ACTION"
        && a["rsvp"] == "TRUE"
        && a["role"] == "REQ-PARTICIPANT"));
    let eve = att
        .iter()
        .find(|a| a["addr"] == "mailto:eve@land.example")
        .unwrap();
    // The store turned the line break into spaces; quotes, `;` and `:` stay inside CN.
    assert_eq!(
        eve["cn"], "Eve \"X\"; Admin:Ref  Bcc: victim@example.org",
        "name kept inside CN"
    );
    let mails = emls(&out);
    assert_eq!(mails.len(), 2);
    for m in &mails {
        assert!(m["alternative"].as_bool().unwrap(), "{m}");
        assert_eq!(m["calendar_method_param"], "REQUEST");
        assert_eq!(
            m["calendar_charset"].as_str().unwrap().to_lowercase(),
            "utf-8"
        );
        assert!(m["attachment"].as_bool().unwrap());
        assert_eq!(m["calendar"]["method"], "REQUEST");
        let cal_att = m["calendar"]["attendees"].as_array().unwrap();
        assert_eq!(cal_att.len(), 1, "each invitee sees only themselves");
        assert_eq!(
            cal_att[0]["addr"],
            format!("mailto:{}", m["to_addr"].as_str().unwrap())
        );
        assert!(
            !m["header_names"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h == "bcc"),
            "{m}"
        );
        assert!(m["text"].as_str().unwrap().contains("Erfurt, Kaisersaal"));
        assert!(
            m["text"]
                .as_str()
                .unwrap()
                .contains("Samstag, 27. März 2027, 09:30 Uhr")
        );
        assert!(
            m["subject"]
                .as_str()
                .unwrap()
                .starts_with("Einladung: OZG-Erfahrungsaustausch")
        );
    }

    // One more, picked by hand (address stored lower case).
    let dora = ids["dora"].to_string();
    let r = ok(&db, &["invite", &uid, "--contact", &dora]);
    assert_eq!(r["invited"], 3);

    // Sent through a real SMTP server.
    let inbox = tmp.path().join("inbox");
    let sink = Sink::start(&inbox, &[]);
    let send = |db: &Path| ok(db, &send_args(&uid, &sink.url()));
    // Sends, checks the report's counts, and reads everything the server received so far.
    let send_counting = |counts: &[(&str, u64)]| {
        let r = send(&db);
        for (key, n) in counts {
            assert_eq!(r[key], *n, "{key}: {r}");
        }
        emls(&inbox)
    };
    let got = send_counting(&[("sent", 3), ("requests", 3)]);
    let to = [
        "anna@lra-testhausen.example",
        "dora@bund.example",
        "eve@land.example",
    ];
    assert_eq!(each(&got, "to_addr"), BTreeSet::from(to));
    assert_eq!(
        each(&got, "message_id").len(),
        3,
        "one Message-ID per message"
    );
    assert_eq!(send(&db)["sent"], 0, "nothing new: nothing sent");

    // A new place: an update with SEQUENCE 1 to everyone.
    ok(&db, &["events", "update", &uid, "--location", "Weimar"]);
    let got = send_counting(&[("requests", 3)]);
    let updates: Vec<&Value> = got
        .iter()
        .filter(|m| m["calendar"]["sequence"] == 1)
        .collect();
    assert_eq!(updates.len(), 3);
    assert!(
        updates
            .iter()
            .all(|m| m["calendar"]["location"] == "Weimar")
    );

    // Dora taken off the list: she alone gets a CANCEL.
    ok(&db, &["invite", "remove", &uid, "--contact", &dora]);
    let got = send_counting(&[("sent", 1), ("cancels", 1)]);
    let last = got.last().unwrap();
    assert_eq!(last["to_addr"], "dora@bund.example");
    assert_eq!(last["calendar"]["method"], "CANCEL");
    assert_eq!(last["calendar"]["status"], "CANCELLED");
    assert_eq!(last["calendar_method_param"], "CANCEL");

    // The event cancelled: the two left get METHOD:CANCEL with a higher SEQUENCE.
    let cancel_dir = tmp.path().join("absage");
    let r = ok(
        &db,
        &[
            "invite",
            "cancel",
            &uid,
            "--out",
            cancel_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(r["sequence"], 2);
    let written = parsed(&cancel_dir);
    let ics = written.iter().find(|f| f["file"] == "absage.ics").unwrap();
    assert_eq!(
        (ics["method"].as_str(), ics["status"].as_str()),
        (Some("CANCEL"), Some("CANCELLED"))
    );
    let r = send(&db);
    assert_eq!(r["cancels"], 2, "{r}");
    let got = emls(&inbox);
    assert_eq!(got.len(), 3 + 3 + 1 + 2);
    assert!(
        got[7..]
            .iter()
            .all(|m| m["calendar"]["method"] == "CANCEL" && m["calendar"]["sequence"] == 2)
    );

    let status = ok(&db, &["invite", "status", &uid]);
    let rows = status.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r["email"].is_string()
        && r["name"].is_string()
        && r["partstat"] == "needs-action"));
    assert!(
        rows.iter()
            .any(|r| r["email"] == "dora@bund.example" && r["removed"] == true)
    );
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs the SMTP sink (python's aiosmtpd) and python's parsers: Unix-only peers here"
)]
fn a_killed_run_resumes_without_a_second_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, uid, _) = setup(tmp.path());
    let n = 30;
    for i in 0..n {
        let name = format!("Person {i:02}");
        let email = format!("p{i:02}@kommune.example");
        ok(
            &db,
            &[
                "contacts", "add", "--name", &name, "--email", &email, "--tag", "erfa",
            ],
        );
    }
    ok(&db, &["invite", &uid, "--filter", "tag=erfa"]);
    let inbox = tmp.path().join("inbox");
    // The server answers each message 0.2 s after storing it: a kill then lands between the
    // delivery and its confirmation, the case where a naive resume sends a second copy.
    let sink = Sink::start(&inbox, &["--delay", "0.2"]);
    let mut child = support::command(&db)
        .args(send_args(&uid, &sink.url()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while sink.count() < n / 2 {
        assert!(Instant::now() < deadline, "the run did not get half way");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let before = sink.count();
    assert!(before < n, "killed half way");

    let r = ok(&db, &send_args(&uid, &sink.url()));
    let uncertain: Vec<String> = r["uncertain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert!(uncertain.len() <= 1, "{r}");
    assert!(
        r["sent"].as_u64().unwrap() as usize >= n - before - 1,
        "{r}"
    );
    let got = received_all(&sink);
    let mut per: BTreeMap<String, usize> = BTreeMap::new();
    for a in &got {
        *per.entry(a.clone()).or_default() += 1;
    }
    assert!(
        per.values().all(|&c| c == 1),
        "nobody gets a second copy: {per:?}"
    );
    for i in 0..n {
        let a = format!("p{i:02}@kommune.example");
        assert!(per.contains_key(&a) || uncertain.contains(&a), "{a} lost");
    }
    // The uncertain one (if any) is shown as such, to be checked by the user.
    let status = ok(&db, &["invite", "status", &uid]);
    let shown: Vec<&str> = status
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["delivery"] == "uncertain")
        .map(|r| r["email"].as_str().unwrap())
        .collect();
    assert_eq!(
        shown,
        uncertain.iter().map(String::as_str).collect::<Vec<_>>()
    );
}

fn received_all(sink: &Sink) -> Vec<String> {
    emls(&sink.dir)
        .iter()
        .map(|m| m["to_addr"].as_str().unwrap().to_string())
        .collect()
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs the SMTP sink (python's aiosmtpd) and python's parsers: Unix-only peers here"
)]
fn a_refused_recipient_is_listed_and_tried_again() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, uid, _) = setup(tmp.path());
    ok(&db, &["invite", &uid, "--filter", "tag=taskforce"]);
    let inbox = tmp.path().join("inbox");
    let sink = Sink::start(&inbox, &["--refuse", "eve@land.example"]);
    let out = json_output(&db, &send_args(&uid, &sink.url()));
    assert!(
        !out.status.success(),
        "a failure is reported by the exit code"
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["sent"], 1);
    assert_eq!(r["failed"][0]["email"], "eve@land.example");
    assert!(
        r["failed"][0]["error"].as_str().unwrap().contains("550"),
        "{r}"
    );
    let status = ok(&db, &["invite", "status", &uid]);
    assert!(
        status
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["delivery"] == "failed")
    );
    // Next run: only the failed one is tried again.
    drop(sink);
    let sink = Sink::start(&tmp.path().join("inbox2"), &[]);
    let r = ok(&db, &send_args(&uid, &sink.url()));
    assert_eq!(r["sent"], 1);
    assert_eq!(received_all(&sink), vec!["eve@land.example".to_string()]);
    // Plain text to a remote host is refused before any connection.
    let out = json_output(
        &db,
        &["invite", "send", &uid, "--smtp", "http://mail.example.org"],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("smtp://"));
}

#[test]
fn replies_from_real_clients_set_the_answers() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, uid, _) = setup(tmp.path());
    ok(&db, &["invite", &uid, "--filter", "tag=taskforce"]);
    ok(&db, &["invite", &uid, "--filter", "tag=labor"]);
    let ical = corpus().join("ical");
    let adapt = |name: &str, from_uid: &str, from_addr: &str, to_addr: &str| {
        let text = std::fs::read_to_string(ical.join(name)).unwrap();
        text.replace(from_uid, &uid).replace(from_addr, to_addr)
    };
    // Exchange 2010 (declined), as a bare .ics.
    let exchange = adapt(
        "icalevents__response.ics",
        "ecc5e718-08eb-4247-a871-d7e09a3ffbbc@localhost",
        "calendar@gmail.com",
        "anna@lra-testhausen.example",
    );
    let f1 = tmp.path().join("antwort.ics");
    std::fs::write(&f1, &exchange).unwrap();
    // The RFC 2446 REPLY from libical's stream (accepted, "Mailto:" in mixed case), inside an
    // Outlook-style e-mail: multipart/alternative with a base64 text/calendar part.
    let libical = adapt(
        "libical__2446.ics",
        "calsrv.example.com-873970198738777@example.com",
        "B@example.com",
        "Eve@Land.example",
    );
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(libical.as_bytes());
    let b64 = b64
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\r\n");
    let eml = format!(
        "From: Eve <eve@land.example>\r\nTo: info@fitko.example\r\nSubject: Angenommen: OZG\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"_000_\"\r\n\r\n\
         --_000_\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n\r\nAngenommen\r\n\
         --_000_\r\nContent-Type: text/calendar; charset=\"utf-8\"; method=REPLY\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{b64}\r\n--_000_--\r\n"
    );
    let f2 = tmp.path().join("antwort.eml");
    std::fs::write(&f2, eml).unwrap();
    let r = ok(
        &db,
        &[
            "invite",
            "reply",
            f1.to_str().unwrap(),
            f2.to_str().unwrap(),
        ],
    );
    assert_eq!(r[0]["import"]["report"]["applied"], 1, "{r}");
    assert_eq!(r[1]["import"]["report"]["applied"], 1, "{r}");
    // The Exchange multi-attendee reply: two answers, neither invited here.
    let multi = json_output(
        &db,
        &[
            "invite",
            "reply",
            ical.join("icalevents__multi_attendee_response.ics")
                .to_str()
                .unwrap(),
        ],
    );
    let v: Value = serde_json::from_slice(&multi.stdout).unwrap();
    assert_eq!(v[0]["import"]["report"]["unknown_event"], 2, "{v}");

    let status = ok(&db, &["invite", "status", &uid]);
    let by: BTreeMap<&str, &str> = status
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["email"].as_str().unwrap(),
                r["partstat"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(by["anna@lra-testhausen.example"], "declined");
    assert_eq!(by["eve@land.example"], "accepted");
    assert_eq!(by["dora@bund.example"], "needs-action");
    // CSV for Excel.
    let csv = tmp.path().join("rsvp.csv");
    ok(
        &db,
        &["invite", "status", &uid, "--csv", csv.to_str().unwrap()],
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with('\u{feff}') && text.contains("Abgesagt") && text.contains("Zugesagt"));

    // Hostile and broken files: a clear failure, nothing stored changes.
    for (name, bytes) in [
        ("leer.ics", b"".to_vec()),
        ("binaer.eml", vec![0xff; 4096]),
        (
            "request.ics",
            b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n".to_vec(),
        ),
    ] {
        let f = tmp.path().join(name);
        std::fs::write(&f, bytes).unwrap();
        let out = json_output(&db, &["invite", "reply", f.to_str().unwrap()]);
        assert!(!out.status.success(), "{name}");
    }
    assert_eq!(ok(&db, &["invite", "status", &uid]), status);
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs the SMTP sink (python's aiosmtpd) and python's parsers: Unix-only peers here"
)]
fn the_smtp_password_lives_in_the_keyring() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, uid, _) = setup(tmp.path());
    ok(&db, &["invite", &uid, "--filter", "tag=labor"]);
    let sink = Sink::start(&tmp.path().join("inbox"), &["--auth", "orga:Geheim-42 ü"]);
    let url = sink.url();
    let as_orga = ["invite", "send", &uid, "--smtp", &url, "--user", "orga"];
    // Without a stored password: a clear message, nothing sent.
    let out = json_output(&db, &as_orga);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    if err.contains("No keyring") && std::env::var("VERNETZT_NO_KEYRING").as_deref() == Ok("1") {
        eprintln!("skipped: VERNETZT_NO_KEYRING=1 and {err}");
        return;
    }
    assert!(err.contains("no password for orga"), "{err}");
    // Given once on stdin: kept in the keyring, used, and never written to the database.
    let out = send_with_password(&db, &uid, &sink.url(), "Geheim-42 ü");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(received_all(&sink), vec!["dora@bund.example".to_string()]);
    // Next run: the password comes from the keyring (an update after a new time).
    ok(
        &db,
        &["events", "update", &uid, "--start", "2027-03-27T10:00"],
    );
    let r = ok(&db, &as_orga);
    assert_eq!(r["sent"], 1, "{r}");
    let raw = std::fs::read(&db).unwrap();
    let wal = std::fs::read(db.with_extension("db-wal")).unwrap_or_default();
    for bytes in [raw, wal] {
        assert!(
            !bytes.windows(9).any(|w| w == b"Geheim-42"),
            "the password is not in the database"
        );
    }
    // A wrong password is refused with the server's answer.
    let sink2 = Sink::start(&tmp.path().join("inbox2"), &["--auth", "orga:anders"]);
    ok(
        &db,
        &["events", "update", &uid, "--start", "2027-03-27T11:00"],
    );
    let out = send_with_password(&db, &uid, &sink2.url(), "falsch");
    assert!(!out.status.success());
    let r: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    assert!(
        r["failed"][0]["error"].as_str().unwrap().contains("login"),
        "{r}"
    );
}

/// `invite send UID --smtp URL` without the rate limit (the tests' servers take any pace).
fn send_args<'a>(uid: &'a str, url: &'a str) -> [&'a str; 7] {
    ["invite", "send", uid, "--smtp", url, "--per-minute", "0"]
}

fn send_with_password(db: &Path, uid: &str, url: &str, password: &str) -> std::process::Output {
    support::with_stdin(
        support::command(db).args([
            "--json",
            "invite",
            "send",
            uid,
            "--smtp",
            url,
            "--user",
            "orga",
            "--password-stdin",
        ]),
        format!("{password}\n").as_bytes(),
    )
}
