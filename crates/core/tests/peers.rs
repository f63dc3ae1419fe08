//! What Vernetzt writes, checked by the parsers its users' software is built on, and what those
//! write, read back by Vernetzt (issue 13). Every vCard (4.0 and 3.0 export, the cards sync
//! uploads in both versions, the QR card) and every iCalendar file (follow-ups as VTODO, the
//! calendar object sync uploads, invitations REQUEST and CANCEL) of the showcase demo goes
//! through:
//! - sabre/vobject 4.5 (Nextcloud, openDesk, Baikal), with Nextcloud's CardDAV and CalDAV
//!   profiles where they apply: no ERROR;
//! - libical 3 (Evolution; Thunderbird's lineage) with its RFC 5546 per-METHOD rules: no error;
//! - python's vobject and icalendar (Debian's): no problem.
//!
//! The peers are the scripts in `../shared/tools/peers/` beside the checkout (override with
//! `VERNETZT_PEERS`); `scripts/setup.sh` installs what they need (php, libical's introspection
//! data, python3-vobject and python3-icalendar). They are real programs, so a missing one fails
//! the test with the command that failed, not a skip.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use vernetzt_core::Store;
use vernetzt_core::ical::imip::email;
use vernetzt_core::ical::itip::{EventTime, Method, read_replies, write};
use vernetzt_core::ical::write::follow_ups_ics;
use vernetzt_core::vcard::{Version, write_vcards};

mod common;
use common::{python, python_file};

fn peers() -> PathBuf {
    std::env::var_os("VERNETZT_PEERS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/tools/peers")
        })
}

/// Runs a peer; returns (success, stdout). Panics, naming the command, when it cannot start.
fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?} did not start ({e}); run scripts/setup.sh"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap()
}

/// The showcase demo, with the user's own card chosen (the QR card needs it).
fn demo() -> (Store, String) {
    let mut store = Store::open_in_memory().unwrap();
    store.set_clock(vernetzt_core::clock::FixedClock::at(now()));
    let show = vernetzt_core::demo::showcase(&mut store, now(), 7).unwrap();
    if store.me().unwrap().is_none() {
        let first = store.list_contacts(0, 1).unwrap().items[0].id;
        store.set_me(Some(first)).unwrap();
    }
    (store, show.own_event)
}

/// Every file Vernetzt writes, from the demo, in `dir`: (path, sabre profile).
fn written(dir: &Path) -> Vec<(PathBuf, &'static str)> {
    let (store, own_event) = demo();
    let ids: Vec<i64> = store
        .list_contacts(0, 10_000)
        .unwrap()
        .items
        .iter()
        .map(|c| c.id)
        .collect();
    let rows: Vec<_> = ids
        .iter()
        .map(|&id| {
            let c = store.contact(id).unwrap();
            let org = c.organization_id.map(|o| store.org(o).unwrap());
            (c, org)
        })
        .collect();
    let mut push4 = String::new();
    let mut push3 = String::new();
    for (c, _) in &rows {
        push4 += &store
            .card_for_push_as(&c.uid, Version::V4)
            .unwrap()
            .unwrap();
        push3 += &store
            .card_for_push_as(&c.uid, Version::V3)
            .unwrap()
            .unwrap();
    }
    let (inv, _) = store.invitation(&own_event).unwrap();
    let files = [
        ("export4.vcf", write_vcards(&rows, Version::V4), "carddav"),
        ("export3.vcf", write_vcards(&rows, Version::V3), "carddav"),
        ("push4.vcf", push4, "carddav"),
        ("push3.vcf", push3, "carddav"),
        (
            "qr.vcf",
            vernetzt_core::card::own_card(&store).unwrap().0,
            "carddav",
        ),
        (
            "follow-ups.ics",
            follow_ups_ics(&store.follow_ups(true, None).unwrap(), now()),
            // A file of many VTODOs to import, not one object on a server: no CalDAV profile.
            "none",
        ),
        (
            "object.ics",
            store.event_object(&own_event, now()).unwrap().unwrap(),
            "caldav",
        ),
        (
            "request.ics",
            write(&inv, Method::Request, None, now()),
            "none",
        ),
        (
            "cancel.ics",
            write(&inv, Method::Cancel, None, now()),
            "none",
        ),
    ];
    files
        .into_iter()
        .map(|(name, text, profile)| {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            (path, profile)
        })
        .collect()
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs sabre/vobject (php), libical and python's parsers: Unix-only peers here"
)]
fn sabre_libical_and_python_find_no_error_in_anything_vernetzt_writes() {
    let dir = tempfile::tempdir().unwrap();
    let files = written(dir.path());
    let mut failures = Vec::new();
    for (path, profile) in &files {
        let (ok, out) = run(Command::new("php")
            .arg(peers().join("sabre/validate.php"))
            .arg(format!("--profile={profile}"))
            .arg(path));
        if !ok {
            failures.push(format!(
                "sabre/vobject ({profile}) on {}:\n{out}",
                path.display()
            ));
        }
    }
    let ics: Vec<&PathBuf> = files
        .iter()
        .map(|(p, _)| p)
        .filter(|p| p.extension().is_some_and(|e| e == "ics"))
        .collect();
    let (ok, out) = run(Command::new("/usr/bin/python3")
        .arg(peers().join("libical_check.py"))
        .args(&ics));
    if !ok {
        failures.push(format!("libical:\n{out}"));
    }
    let (ok, out) = run(Command::new("/usr/bin/python3")
        .arg(peers().join("py_crosscheck.py"))
        .args(files.iter().map(|(p, _)| p)));
    if !ok {
        failures.push(format!("python vobject/icalendar:\n{out}"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn berlin(y: i32, m: u32, d: u32, h: u32) -> EventTime {
    EventTime::Local(
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap(),
        chrono_tz::Europe::Berlin,
    )
}

/// The own event of the demo, moved to `start`..`end`.
fn invitation(start: EventTime, end: EventTime) -> vernetzt_core::ical::itip::Invitation {
    let (store, own_event) = demo();
    let (mut inv, _) = store.invitation(&own_event).unwrap();
    inv.start = start;
    inv.end = end;
    inv
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs sabre/vobject (php), libical and python's parsers: Unix-only peers here"
)]
fn the_invitation_email_has_the_layout_outlook_needs_to_show_accept_and_decline() {
    let dir = tempfile::tempdir().unwrap();
    let inv = invitation(berlin(2027, 3, 18, 9), berlin(2027, 3, 18, 16));
    let ics = write(&inv, Method::Request, None, now());
    let to = inv.attendees[0].clone();
    let ours = dir.path().join("ours.eml");
    let eml = email(
        &inv.organizer,
        &to,
        "Einladung",
        "Hallo",
        &ics,
        Method::Request,
        None,
    );
    std::fs::write(&ours, eml.unwrap()).unwrap();
    let ics_path = dir.path().join("request.ics");
    std::fs::write(&ics_path, &ics).unwrap();
    let reference = dir.path().join("reference.eml");
    let (ok, out) = run(Command::new(python())
        .arg(peers().join("make_reference_eml.py"))
        .arg(&ics_path)
        .arg(&reference));
    assert!(ok, "{out}");
    let layout = |path: &Path| -> Value {
        let (ok, out) = run(Command::new(python())
            .arg(python_file("eml_layout.py"))
            .arg(path));
        assert!(ok, "{out}");
        serde_json::from_str(&out).unwrap()
    };
    let (ours, reference) = (layout(&ours), layout(&reference));
    // Where the calendar part sits: Exchange puts it right under multipart/alternative; so do we
    // (inside multipart/mixed, beside the .ics attachment some clients want, as Google does).
    let tail = |v: &Value| -> Vec<Value> {
        let path = v["calendar_path"]
            .as_array()
            .expect("an inline text/calendar part");
        path[path.len() - 2..].to_vec()
    };
    assert_eq!(tail(&ours), tail(&reference), "{ours}\n{reference}");
    for key in ["disposition", "method_param", "charset", "body_method"] {
        assert_eq!(ours[key], reference[key], "{key}: {ours}\n{reference}");
    }
    assert_eq!(ours["method_param"], "REQUEST");
    assert_eq!(ours["method_param"], ours["body_method"]);
    let organizer = ours["organizer"].as_str().unwrap().to_string();
    let recipients = ours["recipients"].as_array().unwrap();
    assert!(!recipients.is_empty());
    assert!(
        !recipients
            .iter()
            .any(|r| r == &Value::from(organizer.clone())),
        "the organiser is not among the recipients: {ours}"
    );
    // Every TZID has a VTIMEZONE with yearly rules for both observances.
    for tzid in ours["tzids"].as_array().unwrap() {
        let zone = &ours["zones"][tzid.as_str().unwrap()];
        for kind in ["STANDARD", "DAYLIGHT"] {
            assert_eq!(
                zone[kind],
                serde_json::json!([true]),
                "{tzid} {kind}: {ours}"
            );
        }
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs sabre/vobject (php), libical and python's parsers: Unix-only peers here"
)]
fn the_vtimezone_alone_gives_the_right_times_in_winter_summer_and_across_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (berlin(2027, 1, 14, 10), berlin(2027, 1, 14, 12)),
        (berlin(2027, 7, 1, 10), berlin(2027, 7, 1, 12)),
        (berlin(2027, 3, 27, 10), berlin(2027, 3, 28, 12)),
        (berlin(2028, 10, 28, 10), berlin(2028, 10, 30, 12)),
    ];
    for (i, (start, end)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("{i}.ics"));
        std::fs::write(
            &path,
            write(&invitation(start, end), Method::Request, None, now()),
        )
        .unwrap();
        let (ok, out) = run(Command::new(python())
            .arg(python_file("tz_check.py"))
            .arg(&path));
        assert!(ok, "{out}");
        let times: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(times.as_array().unwrap().len(), 2, "{times}");
        for t in times.as_array().unwrap() {
            assert_eq!(t["via_vtimezone"], t["via_iana"], "case {i}: {t}");
        }
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs sabre/vobject (php), libical and python's parsers: Unix-only peers here"
)]
fn a_reply_from_sabres_itip_broker_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let inv = invitation(berlin(2027, 3, 18, 9), berlin(2027, 3, 18, 16));
    let request = dir.path().join("request.ics");
    std::fs::write(&request, write(&inv, Method::Request, None, now())).unwrap();
    let attendee = inv.attendees[1].email.to_lowercase();
    let (ok, out) = run(Command::new("php")
        .arg(peers().join("sabre/itip.php"))
        .arg("reply")
        .arg(&request)
        .arg(format!("mailto:{attendee}"))
        .arg("TENTATIVE"));
    assert!(ok, "{out}");
    // `run` appends the broker's log (stderr) to the message: keep the calendar only.
    let begin = out.find("BEGIN:VCALENDAR").expect(&out);
    let end = out.rfind("END:VCALENDAR").expect(&out) + "END:VCALENDAR\r\n".len();
    let reply = out[begin..end].to_string();
    let (replies, warnings) = read_replies(reply.as_bytes());
    assert!(warnings.is_empty(), "{warnings:?}\n{reply}");
    assert_eq!(replies.len(), 1, "{reply}");
    assert_eq!(replies[0].uid, inv.uid);
    assert_eq!(replies[0].email, attendee);
    assert_eq!(replies[0].partstat, "tentative");
    assert_eq!(replies[0].sequence, inv.sequence);
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs sabre/vobject (php), libical and python's parsers: Unix-only peers here"
)]
fn an_exchange_reply_without_organizer_is_read() {
    // As Exchange Online and Outlook 365 send it: no ORGANIZER, a Windows zone name, the
    // attendee with its answer. libical calls the missing ORGANIZER an error; we must not.
    let reply = "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nPRODID:Microsoft Exchange Server 2010\r\n\
        VERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\nBEGIN:STANDARD\r\n\
        DTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n\
        RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\n\
        DTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n\
        RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n\
        BEGIN:VEVENT\r\nATTENDEE;PARTSTAT=ACCEPTED;CN=Kai Beispiel:mailto:Kai.Beispiel@land.example\r\n\
        COMMENT;LANGUAGE=de-DE:\\n\r\nSUMMARY;LANGUAGE=de-DE:Angenommen: OZG-Workshop\r\n\
        DTSTART;TZID=W. Europe Standard Time:20270318T090000\r\n\
        DTEND;TZID=W. Europe Standard Time:20270318T160000\r\nUID:erfa-2027@vernetzt.example\r\n\
        CLASS:PUBLIC\r\nPRIORITY:5\r\nDTSTAMP:20261201T101500Z\r\nTRANSP:OPAQUE\r\nSTATUS:CONFIRMED\r\n\
        SEQUENCE:2\r\nLOCATION;LANGUAGE=de-DE:Erfurt\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let (replies, warnings) = read_replies(reply.as_bytes());
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].uid, "erfa-2027@vernetzt.example");
    assert_eq!(replies[0].email, "kai.beispiel@land.example");
    assert_eq!(replies[0].partstat, "accepted");
    assert_eq!(replies[0].sequence, 2);
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs sabre/vobject (php), libical and python's parsers: Unix-only peers here"
)]
fn the_peers_see_what_they_are_meant_to_reject() {
    // The checks above prove something only if the peers reject broken input: a card without
    // FN (sabre's CardDAV profile) and a REQUEST without ORGANIZER (libical's RFC 5546 rules).
    let dir = tempfile::tempdir().unwrap();
    let card = dir.path().join("no-fn.vcf");
    std::fs::write(
        &card,
        "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:x\r\nEND:VCARD\r\n",
    )
    .unwrap();
    let (ok, _) = run(Command::new("php")
        .arg(peers().join("sabre/validate.php"))
        .arg("--profile=carddav")
        .arg(&card));
    assert!(!ok, "sabre accepted a card without FN");
    let ics = dir.path().join("no-organizer.ics");
    std::fs::write(
        &ics,
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n\
         UID:x\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260102T100000Z\r\nSEQUENCE:0\r\n\
         SUMMARY:x\r\nATTENDEE:mailto:a@b.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    .unwrap();
    let (ok, _) = run(Command::new("/usr/bin/python3")
        .arg(peers().join("libical_check.py"))
        .arg(&ics));
    assert!(!ok, "libical accepted a REQUEST without ORGANIZER");
}
