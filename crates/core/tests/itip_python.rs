//! Invitations as others read them: the .ics and .eml Vernetzt writes, parsed by python's
//! `icalendar` and `email` in the tests' own virtualenv (`tests/python/ensure-venv.sh`).

use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use std::path::PathBuf;
use std::process::Command;
use vernetzt_core::ical::imip::email;
use vernetzt_core::ical::itip::{EventTime, Invitation, Method, Person, write};

fn python() -> PathBuf {
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/python/ensure-venv.sh");
    let out = Command::new(&script).output().expect("bash");
    assert!(
        out.status.success(),
        "{}: {}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

#[test]
fn request_and_email_parse_with_independent_parsers() {
    let berlin = Tz::Europe__Berlin;
    let inv = Invitation {
        uid: "erfa-2027@vernetzt.example".into(),
        sequence: 1,
        title: "OZG-Erfahrungsaustausch; Frühjahr, 2027 – Weiß & Co.".into(),
        start: EventTime::Local(
            NaiveDate::from_ymd_opt(2027, 3, 27)
                .unwrap()
                .and_hms_opt(9, 30, 0)
                .unwrap(),
            berlin,
        ),
        end: EventTime::Local(
            NaiveDate::from_ymd_opt(2027, 3, 28)
                .unwrap()
                .and_hms_opt(16, 0, 0)
                .unwrap(),
            berlin,
        ),
        location: Some("Erfurt, Kaisersaal".into()),
        description: Some(format!(
            "Ablauf:\n{}",
            "Workshop Roll-in und Nachnutzung. ".repeat(8)
        )),
        url: None,
        organizer: Person {
            name: "FITKO, Geschäftsstelle".into(),
            email: "info@fitko.example".into(),
        },
        attendees: vec![
            Person {
                name: "Jördis \"JM\" Müller; Referat: DV".into(),
                email: "jm@fitko.example".into(),
            },
            Person {
                name: "Eve\r\nBCC:victim@example.org".into(),
                email: "eve@land.example".into(),
            },
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
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/python/check_itip.py");
    let out = Command::new(python())
        .arg(script)
        .arg(&ics_path)
        .arg(&eml_path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
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
