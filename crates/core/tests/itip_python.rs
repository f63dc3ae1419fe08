//! Invitations as others read them: the .ics and .eml Vernetzt writes, parsed by python's
//! `icalendar` and `email` in the tests' own virtualenv (`tests/python/ensure-venv.sh`).

use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use std::process::Command;
use vernetzt_core::ical::imip::email;
use vernetzt_core::ical::itip::{EventTime, Invitation, Method, Person, write};

mod common;
use common::{python, python_file, stdout_of};

/// 27 and 28 March 2027 at the given hour and minute, in Berlin.
fn march_2027(day: u32, hour: u32, minute: u32) -> EventTime {
    let t = NaiveDate::from_ymd_opt(2027, 3, day)
        .unwrap()
        .and_hms_opt(hour, minute, 0);
    EventTime::Local(t.unwrap(), Tz::Europe__Berlin)
}

fn person(name: &str, email: &str) -> Person {
    let (name, email) = (name.into(), email.into());
    Person { name, email }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "needs python's icalendar in the tests' virtualenv: Unix-only peer here"
)]
fn request_and_email_parse_with_independent_parsers() {
    let inv = Invitation {
        uid: "erfa-2027@vernetzt.example".into(),
        sequence: 1,
        title: "OZG-Erfahrungsaustausch; Frühjahr, 2027 – Weiß & Co.".into(),
        start: march_2027(27, 9, 30),
        end: march_2027(28, 16, 0),
        location: Some("Erfurt, Kaisersaal".into()),
        description: Some(format!(
            "Ablauf:\n{}",
            "Workshop Roll-in und Nachnutzung. ".repeat(8)
        )),
        url: None,
        organizer: person("FITKO, Geschäftsstelle", "info@fitko.example"),
        attendees: vec![
            person("Jördis \"JM\" Müller; Referat: DV", "jm@fitko.example"),
            person("Eve\r\nBCC:victim@example.org", "eve@land.example"),
        ],
    };
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap();
    let ics = write(&inv, Method::Request, None, now);
    let eml = email(
        &inv.organizer,
        &inv.attendees[0],
        "Einladung: OZG-Erfahrungsaustausch",
        "Liebe Frau Müller, …",
        &ics,
        Method::Request,
        None,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (ics_path, eml_path) = (dir.path().join("einladung.ics"), dir.path().join("jm.eml"));
    std::fs::write(&ics_path, &ics).unwrap();
    std::fs::write(&eml_path, &eml).unwrap();
    let out =
        stdout_of(Command::new(python()).args([python_file("check_itip.py"), ics_path, eml_path]));
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["method"], "REQUEST");
    assert_eq!(v["uid"], "erfa-2027@vernetzt.example");
    assert_eq!(
        v["summary"],
        "OZG-Erfahrungsaustausch; Frühjahr, 2027 – Weiß & Co."
    );
    assert_eq!(v["start"], "2027-03-27T09:30:00+01:00");
    assert_eq!(v["end"], "2027-03-28T16:00:00+02:00");
    assert_eq!(v["tzids"], serde_json::json!(["Europe/Berlin"]));
    assert_eq!(v["attendees"][0]["cn"], "Jördis \"JM\" Müller; Referat: DV");
    assert_eq!(v["attendees"][0]["partstat"], "NEEDS-ACTION");
    assert_eq!(v["attendees"][0]["rsvp"], "TRUE");
    assert_eq!(
        v["attendees"][1]["cn"], "Eve\nBCC:victim@example.org",
        "the name stays inside its parameter"
    );
    assert_eq!(v["attendees"].as_array().unwrap().len(), 2);
    assert_eq!(v["organizer_cn"], "FITKO, Geschäftsstelle");
    assert_eq!(v["crlf_only"], true);
    assert!(v["max_line_octets"].as_u64().unwrap() <= 75);
    assert!(!v["headers"].as_array().unwrap().iter().any(|h| h == "bcc"));
    assert!(v["to"].as_str().unwrap().contains("jm@fitko.example"));
    let parts = v["parts"].to_string();
    assert!(
        parts.contains("multipart/alternative")
            && parts.contains("[\"text/calendar\",\"REQUEST\",null]")
            && parts.contains("\"attachment\""),
        "{parts}"
    );
    assert_eq!(v["calendar_text_matches"], true);
}
