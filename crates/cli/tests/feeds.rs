//! Feeds end to end through the `vernetzt` binary: subscribe over HTTP on 127.0.0.1, sync with
//! conditional GET, see counts, cancellations and removals, and survive broken feeds.

mod support;

use serde_json::Value;
use std::path::Path;
use std::process::Command;
use support::http::{Reply, Server};
use support::temp_db;

/// `vernetzt --db DB` without the keyring: feed secrets stay out of it here (the one keyring
/// test starts its own command).
fn vz(db: &Path) -> Command {
    let mut cmd = support::command(db);
    cmd.env("VERNETZT_NO_KEYRING", "1");
    cmd
}

/// `vernetzt --db DB --json ARGS` without the keyring: success, JSON (or `Null`), stderr.
fn json(db: &Path, args: &[&str]) -> (bool, Value, String) {
    support::parsed(vz(db).arg("--json").args(args).output().unwrap())
}

fn feed(events: &[(&str, &str, &str)], complete: bool) -> Vec<u8> {
    let mut s = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALNAME:OZG-Termine\r\n");
    for (uid, summary, extra) in events {
        s += &format!(
            "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20261203T093000\r\nDTEND;TZID=Europe/Berlin:20261203T170000\r\nSUMMARY:{summary}\r\n{extra}END:VEVENT\r\n"
        );
    }
    if complete {
        s += "END:VCALENDAR\r\n";
    }
    s.into_bytes()
}

/// `events list --json` for December 2026, where the test feeds' events are.
fn december(db: &Path) -> Value {
    let (ok, list, err) = json(
        db,
        &[
            "events",
            "list",
            "--from",
            "2026-12-01",
            "--to",
            "2027-01-01",
        ],
    );
    assert!(ok, "{err}");
    list
}

fn counts(v: &Value) -> (u64, u64, u64, u64, u64, bool) {
    let c = &v[0]["counts"];
    let n = |k: &str| c[k].as_u64().unwrap_or(99);
    (
        n("added"),
        n("updated"),
        n("cancelled"),
        n("removed"),
        n("unchanged"),
        c["not_modified"].as_bool().unwrap_or(false),
    )
}

#[test]
fn subscribe_sync_update_and_list() {
    let (_dir, db) = temp_db();
    let server = Server::start(Reply::calendar(
        feed(
            &[
                ("a", "OZG-Erfahrungsaustausch", ""),
                ("b", "Taskforce", ""),
                ("c", "Labor", ""),
            ],
            true,
        ),
        "\"1\"",
    ));
    let (ok, f, err) = json(&db, &["feed", "add", &server.url, "--name", "FITKO"]);
    assert!(ok, "{err}");
    assert_eq!(f["url"], server.url.as_str());

    let (ok, r, err) = json(&db, &["feed", "sync"]);
    assert!(ok, "{err}");
    assert_eq!(counts(&r), (3, 0, 0, 0, 0, false));

    let (_, r, _) = json(&db, &["feed", "sync"]);
    assert_eq!(counts(&r), (0, 0, 0, 0, 0, true), "second sync: 304");
    assert_eq!(server.seen.lock().unwrap().not_modified, 1);

    server.set(
        &feed(
            &[
                ("a", "OZG-Erfahrungsaustausch Winter", "SEQUENCE:1\r\n"),
                ("b", "Taskforce", "STATUS:CANCELLED\r\nSEQUENCE:1\r\n"),
            ],
            true,
        ),
        "\"2\"",
    );
    let (_, r, _) = json(&db, &["feed", "sync"]);
    assert_eq!(counts(&r), (0, 1, 1, 1, 0, false));

    let list = december(&db);
    let mut rows: Vec<(String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["uid"].as_str().unwrap().into(),
                o["status"].as_str().unwrap().into(),
            )
        })
        .collect();
    rows.sort();
    let want: Vec<(String, String)> = [("a", "confirmed"), ("b", "cancelled"), ("c", "removed")]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(
        rows, want,
        "cancelled and removed events are kept and marked"
    );
    let a = list
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["uid"] == "a")
        .unwrap();
    assert_eq!(a["start"], "2026-12-03T08:30:00Z");
    assert_eq!(a["end"], "2026-12-03T16:00:00Z");
    assert_eq!(a["all_day"], false);
    assert_eq!(a["title"], "OZG-Erfahrungsaustausch Winter");
    for key in ["location", "description"] {
        assert!(a.get(key).is_some(), "{key} present");
    }
}

#[test]
fn broken_feeds_keep_the_stored_state() {
    let (_dir, db) = temp_db();
    let good = feed(&[("a", "A", ""), ("b", "B", "")], true);
    let server = Server::start(Reply::calendar(good, "\"1\""));
    json(&db, &["feed", "add", &server.url]);
    json(&db, &["feed", "sync"]);
    let stored = || json(&db, &["events", "list", "--from", "2026-01-01"]).1;
    let before = stored();
    assert_eq!(before.as_array().unwrap().len(), 2);

    // An HTML error page with status 200.
    {
        let mut r = server.reply.lock().unwrap();
        r.body = b"<!DOCTYPE html><html><body>Wartungsarbeiten</body></html>".to_vec();
        r.content_type = "text/html";
        r.etag = "\"html\"".into();
    }
    let (ok, r, _) = json(&db, &["feed", "sync"]);
    assert!(!ok);
    assert!(r[0]["error"].as_str().unwrap().contains("web page"), "{r}");
    assert_eq!(stored(), before);

    // Binary garbage and a server error.
    server.set(&[0u8, 159, 146, 150, 1, 2, 3], "\"bin\"");
    let (ok, r, _) = json(&db, &["feed", "sync"]);
    assert!(
        !ok && r[0]["error"].as_str().unwrap().contains("binary"),
        "{r}"
    );
    server.reply.lock().unwrap().status = 503;
    let (ok, r, _) = json(&db, &["feed", "sync"]);
    assert!(
        !ok && r[0]["error"].as_str().unwrap().contains("503"),
        "{r}"
    );
    let (_, feeds, _) = json(&db, &["feed", "list"]);
    assert_eq!(feeds[0]["failures"], 3);
    assert!(feeds[0]["last_error"].as_str().unwrap().contains("503"));
    assert_eq!(stored(), before);

    // A truncated feed (no END:VCALENDAR) removes nothing.
    server.set(&feed(&[("a", "A", "")], false), "\"trunc\"");
    let (ok, r, _) = json(&db, &["feed", "sync"]);
    assert!(ok);
    assert_eq!(counts(&r).3, 0, "nothing removed");
    assert_eq!(stored(), before);

    // A 1 MB line and an event without DTSTART: warnings, the rest kept.
    let mut big = feed(&[("a", "A", ""), ("b", "B", "")], false);
    big.extend_from_slice(b"BEGIN:VEVENT\r\nUID:nostart\r\nSUMMARY:x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:huge\r\nDTSTART:20261205T100000Z\r\nDESCRIPTION:");
    big.extend(std::iter::repeat_n(b'x', 1024 * 1024));
    big.extend_from_slice(b"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
    server.set(&big, "\"big\"");
    let (ok, r, err) = json(&db, &["feed", "sync"]);
    assert!(ok, "{err}");
    let warnings = r[0]["counts"]["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(|w| w
            .as_str()
            .unwrap()
            .contains("line 18, VEVENT nostart: no DTSTART")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("longer than 256 KiB")),
        "{warnings:?}"
    );
    assert_eq!(
        counts(&r).0,
        1,
        "the huge-line event is kept, without its description"
    );
}

#[test]
fn size_limit_insecure_urls_and_local_import() {
    let (dir, db) = temp_db();
    let mut huge = feed(&[("a", "A", "")], false);
    huge.extend(std::iter::repeat_n(b'X', 50 * 1024 * 1024));
    let server = Server::start(Reply::calendar(huge, "\"1\""));
    json(&db, &["feed", "add", &server.url]);
    let (ok, r, _) = json(&db, &["feed", "sync"]);
    assert!(!ok);
    assert!(r[0]["error"].as_str().unwrap().contains("MB"), "{r}");

    let (ok, _, err) = json(&db, &["feed", "add", "http://example.org/feed.ics"]);
    assert!(!ok && err.contains("http"), "{err}");
    let (ok, f, err) = json(
        &db,
        &[
            "feed",
            "add",
            "webcal://example.org/feed.ics",
            "--every",
            "60",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(f["url"], "https://example.org/feed.ics");
    assert_eq!(f["refresh_minutes"], 60);
    let (ok, _, err) = json(
        &db,
        &[
            "feed",
            "add",
            "https://example.org/other.ics",
            "--every",
            "1",
        ],
    );
    assert!(!ok && err.contains("5 minutes"), "{err}");

    let file = dir.path().join("termine.ics");
    std::fs::write(&file, feed(&[("x", "Import", "")], true)).unwrap();
    let (ok, r, err) = json(&db, &["feed", "import", file.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert_eq!(counts(&r).0, 1);
    let (_, r, _) = json(&db, &["feed", "import", file.to_str().unwrap()]);
    assert_eq!(counts(&r).4, 1, "re-import: unchanged");
    let garbage = dir.path().join("bad.ics");
    std::fs::write(&garbage, b"\x7fELF\x02\x01\x01\x00binary").unwrap();
    let (ok, r, _) = json(&db, &["feed", "import", garbage.to_str().unwrap()]);
    assert!(
        !ok && r[0]["error"]
            .as_str()
            .unwrap()
            .contains("not an iCalendar file"),
        "{r}"
    );
}

fn gzipped(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Feeds (and DAV answers) may come gzip-compressed. The size limit holds for what the answer
/// unpacks to: a small compressed bomb is stopped like a large plain body.
#[test]
fn gzipped_feeds_are_read_and_a_bomb_is_stopped() {
    let (_dir, db) = temp_db();
    let body = feed(
        &[("gz-1", "OZG-Erfahrungsaustausch", "LOCATION:Berlin\r\n")],
        true,
    );
    let server = Server::start(Reply::calendar(gzipped(&body), "\"g1\""));
    *server.gzip.lock().unwrap() = true;
    json(&db, &["feed", "add", &server.url]);
    let (ok, r, err) = json(&db, &["feed", "sync"]);
    assert!(ok, "{err}");
    assert_eq!(counts(&r).0, 1, "{r}");
    let mut bomb = feed(&[("gz-2", "Bombe", "")], false);
    bomb.extend(std::iter::repeat_n(b'X', 60 * 1024 * 1024));
    let packed = gzipped(&bomb);
    assert!(packed.len() < 1024 * 1024, "{}", packed.len());
    server.set(&packed, "\"g2\"");
    let (ok, r, _) = json(&db, &["feed", "sync"]);
    assert!(!ok);
    assert!(r[0]["error"].as_str().unwrap().contains("MB"), "{r}");
    // What was stored stays.
    let events = december(&db);
    assert!(
        events.to_string().contains("OZG-Erfahrungsaustausch"),
        "{events}"
    );
}

#[test]
fn corpus_files_import_without_panic() {
    let corpus =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/ical");
    if !corpus.is_dir() {
        panic!("corpus missing at {}", corpus.display());
    }
    let (_dir, db) = temp_db();
    for name in [
        "ical4j__Session6.ics",
        "khal__tz_windows_format.ics",
        "icalendar-py__big_bad_calendar.ics",
        "biweekly__outlook-2010.ics",
    ] {
        let out = vz(&db)
            .args(["--json", "feed", "import"])
            .arg(corpus.join(name))
            .output()
            .unwrap();
        assert!(out.status.code().is_some(), "{name} crashed");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
}

/// A database with one feed of event "a", added with `--user ozg` and `password` on stdin (into
/// the real keyring): the database, the server and the feed; `None` where no keyring runs.
fn login_feed(password: &str) -> Option<(tempfile::TempDir, std::path::PathBuf, Server, Value)> {
    if !support::keyring_present() {
        return None;
    }
    let (dir, db) = temp_db();
    let server = Server::start(Reply::calendar(feed(&[("a", "A", "")], true), "\"1\""));
    let out = support::with_stdin(
        support::command(&db).args(["--json", "feed", "add", &server.url, "--user", "ozg"]),
        format!("{password}\n").as_bytes(),
    );
    let (ok, feed, err) = support::parsed(out);
    assert!(ok, "{err}");
    Some((dir, db, server, feed))
}

/// A feed with a login: the password goes to the real Secret Service (CI runs the tests under
/// `crates/net/tests/with-keyring.sh`), arrives at the server, and is nowhere in the database.
#[test]
fn feed_password_lives_in_the_keyring_only() {
    let Some((dir, db, server, _)) = login_feed("Geheim-Passwort-4711") else {
        return;
    };
    let (ok, _, err) = json(&db, &["feed", "sync"]);
    assert!(ok, "{err}");
    let auth = server.seen.lock().unwrap().authorization.clone().unwrap();
    assert_eq!(
        auth, "Basic b3pnOkdlaGVpbS1QYXNzd29ydC00NzEx",
        "Basic ozg:Geheim-Passwort-4711"
    );
    support::assert_in_no_file(dir.path(), "Geheim-Passwort-4711");
}

/// `feed remove` (issue 14): the feed leaves the list and the sync, the events the user has no
/// history with go, and the attended one stays with its attendance.
#[test]
fn remove_keeps_the_history_and_stops_the_sync() {
    let (_dir, db) = temp_db();
    let server = Server::start(Reply::calendar(
        feed(
            &[("a", "OZG-Erfahrungsaustausch", ""), ("b", "Labor", "")],
            true,
        ),
        "\"1\"",
    ));
    let (ok, f, err) = json(&db, &["feed", "add", &server.url, "--name", "FITKO"]);
    assert!(ok, "{err}");
    let id = f["id"].to_string();
    assert!(json(&db, &["feed", "sync"]).0);
    let anna = support::add_contact(&db, "Anna Schmidt", &[]);
    support::ok(
        &db,
        &[
            "attendance",
            "mark",
            "--event",
            "a",
            "--contact",
            &anna["id"].to_string(),
        ],
    );

    let (ok, r, err) = json(&db, &["feed", "remove", &id]);
    assert!(ok, "{err}");
    assert_eq!(
        (r["deleted"].as_i64(), r["kept"].as_i64()),
        (Some(1), Some(1))
    );
    let (_, list, _) = json(&db, &["feed", "list"]);
    assert_eq!(list, serde_json::json!([]));
    let requests = server.seen.lock().unwrap().requests;
    let (ok, r, err) = json(&db, &["feed", "sync"]);
    assert!(ok, "{err}");
    assert_eq!(r, serde_json::json!([]), "nothing left to sync");
    assert_eq!(server.seen.lock().unwrap().requests, requests);

    let events = december(&db);
    assert_eq!(events.as_array().map(Vec::len), Some(1));
    assert_eq!(events[0]["uid"], "a", "the attended event stays");
    let at = support::ok(&db, &["attendance", "list", "--event", "a"]);
    assert!(at.to_string().contains("Anna Schmidt"), "{at}");
    let err = support::fails(&db, &["feed", "remove", &id]);
    assert!(
        err.contains("not found") || err.contains("no feed"),
        "{err}"
    );
}

/// Removing a feed with a login deletes its password from the keyring (run under
/// `crates/net/tests/with-keyring.sh`).
#[test]
fn remove_deletes_the_feeds_secret() {
    let Some((_dir, db, _server, f)) = login_feed("Geheim-Passwort-0815") else {
        return;
    };
    let uid = f["uid"].as_str().unwrap();
    let keyring = vernetzt_net::Secrets::new(vernetzt_net::feed_sync::SECRETS_SERVICE);
    assert_eq!(
        keyring.get(uid).unwrap().as_deref(),
        Some("Geheim-Passwort-0815")
    );

    let (ok, _, err) = json(&db, &["feed", "remove", &f["id"].to_string()]);
    assert!(ok, "{err}");
    assert_eq!(
        keyring.get(uid).unwrap(),
        None,
        "the password left the keyring"
    );
}

/// Runs `cmd` under GNU time when the system has it: its output and the peak memory (maximum
/// resident set size) it used, in words for the test's output.
fn measured(cmd: &mut Command) -> (std::process::Output, String) {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return (
            cmd.output().unwrap(),
            "not measured (no /usr/bin/time)".into(),
        );
    }
    let mut timed = Command::new(time);
    timed
        .args(["-f", "peak-rss-kb=%M", "--"])
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => timed.env(k, v),
            None => timed.env_remove(k),
        };
    }
    let mut out = timed.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let (rest, kb) = err.rsplit_once("peak-rss-kb=").unwrap_or((&err, "?"));
    let peak = format!(
        "{:.1} MB",
        kb.trim().parse::<f64>().unwrap_or(f64::NAN) / 1024.0
    );
    out.stderr = rest.as_bytes().to_vec();
    (out, peak)
}

/// A hostile feed (issue 14): 20,000 small minutely series through the real sync (HTTP, read,
/// store). The feed keeps the first 500 series and says how many it left out; listing a year
/// stops at 2,000 occurrences and says so. The peak memory of both runs is printed in the test's
/// output, not asserted, and neither is timed.
#[test]
fn a_hostile_feed_is_capped_and_a_year_listing_is_cut_short() {
    use vernetzt_core::rules::{MAX_FEED_SERIES, MAX_LISTED_OCCURRENCES};
    let mut ics = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
    for i in 0..20_000 {
        ics += &format!(
            "BEGIN:VEVENT\r\nUID:m{i}\r\nDTSTART:20270101T{:02}{:02}00Z\r\nSUMMARY:M{i}\r\nRRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\n",
            (i / 60) % 24,
            i % 60
        );
    }
    ics += "END:VCALENDAR\r\n";
    let size = ics.len();
    let (_dir, db) = temp_db();
    let server = Server::start(Reply::calendar(ics.into_bytes(), "\"1\""));
    assert!(json(&db, &["feed", "add", &server.url, "--name", "Flut"]).0);

    let (out, sync_peak) = measured(vz(&db).args(["--json", "feed", "sync"]));
    let (ok, r, err) = support::parsed(out);
    assert!(ok, "{err}");
    assert_eq!(r[0]["counts"]["added"], MAX_FEED_SERIES);
    let left = 20_000 - MAX_FEED_SERIES;
    assert_eq!(
        r[0]["counts"]["warnings"][0],
        format!(
            "{left} recurring series left out: a feed keeps at most {MAX_FEED_SERIES} (the first by start)"
        )
    );
    let (_, feeds, _) = json(&db, &["feed", "list"]);
    assert_eq!(feeds[0]["events"], MAX_FEED_SERIES);

    // Text, not --json: the note that the list was cut short goes beside the text.
    let (out, list_peak) = measured(vz(&db).args([
        "events",
        "list",
        "--from",
        "2027-01-01",
        "--to",
        "2028-01-01",
    ]));
    assert!(out.status.success());
    assert_eq!(
        out.stdout
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .count(),
        MAX_LISTED_OCCURRENCES
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "only the first {MAX_LISTED_OCCURRENCES} occurrences"
        )),
        "{err}"
    );
    // Written to stderr itself, not through eprintln!, which the test harness captures: the
    // numbers stand in every run's output, CI's included.
    use std::io::Write;
    writeln!(
        std::io::stderr(),
        "hostile feed of {:.1} MB: peak memory of `feed sync` {sync_peak}, of listing a year {list_peak}",
        size as f64 / 1e6
    )
    .unwrap();
}
