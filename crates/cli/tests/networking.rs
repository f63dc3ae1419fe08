//! Networking at events through the `vernetzt` binary: CSV attendee lists with attendance, vCard
//! round trips, duplicates and merges, follow-ups and timelines.

mod support;

use serde_json::Value;
use std::path::Path;
use support::{add_contact, argv, ok, run, temp_db};

fn with_event(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("v.db");
    let ics = dir.join("termine.ics");
    std::fs::write(&ics, "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:erfa-2026@fitko\r\nDTSTART:20261203T083000Z\r\nSUMMARY:OZG-Erfahrungsaustausch\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").unwrap();
    ok(&db, &["feed", "import", ics.to_str().unwrap()]);
    db
}

/// German Excel: `;`, Windows-1252, a quoted field with `;` and a line break.
fn excel_csv() -> Vec<u8> {
    let text = "Vorname;Nachname;Organisation;Funktion;E-Mail;Telefon;Bundesland;Bemerkung\r\n\
Jördis;Müller;FITKO;Produktmanagerin;j.mueller@fitko.example;069 401270-11;Hessen;\"Workshop 2; Roll-in\r\nbitte nachfassen\"\r\n\
Günther;Weiß;Landkreis Ravensburg;OZG-Koordinator;kein-at-zeichen;;Baden-Württemberg;\r\n\
;;;;;;;\r\n\
Ärger;Straße;Gemeinde Musterhausen;Bürgermeisterin;b.strasse@musterhausen.example;;Bayern;\r\n";
    encoding_rs::WINDOWS_1252.encode(text).0.into_owned()
}

#[test]
fn csv_attendee_list_for_an_event() {
    let dir = tempfile::tempdir().unwrap();
    let db = with_event(dir.path());
    let csv = dir.path().join("teilnehmende.csv");
    std::fs::write(&csv, excel_csv()).unwrap();
    let r = ok(
        &db,
        &[
            "contacts",
            "import",
            csv.to_str().unwrap(),
            "--event",
            "erfa-2026@fitko",
        ],
    );
    assert_eq!(r["format"], "csv");
    assert_eq!(r["imported"], 3, "{r}");
    assert!(
        r["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("kein-at-zeichen")),
        "{r}"
    );
    let list = ok(&db, &["attendance", "list", "--event", "erfa-2026@fitko"]);
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    for key in ["contact_id", "name", "email", "status"] {
        assert!(rows[0].get(key).is_some(), "{key}");
    }
    assert!(rows.iter().all(|r| r["status"] == "attended"));
    let mueller = rows
        .iter()
        .find(|r| r["name"].as_str().unwrap().contains("Müller"))
        .unwrap();
    assert_eq!(mueller["email"], "j.mueller@fitko.example");
    let c = ok(
        &db,
        &["contacts", "show", &mueller["contact_id"].to_string()],
    );
    assert_eq!(
        c["organization"], "FITKO (Föderale IT-Kooperation)",
        "matched to the directory"
    );
    assert!(
        c["notes"][0]["body"]
            .as_str()
            .unwrap()
            .contains("Roll-in\nbitte nachfassen")
            || c["notes"][0]["body"].as_str().unwrap().contains("Roll-in")
    );
    // Importing the same list again adds nobody.
    let again = ok(&db, &["contacts", "import", csv.to_str().unwrap()]);
    assert_eq!(
        again["imported"].as_u64().unwrap() + again["updated"].as_u64().unwrap(),
        3
    );
    let dups = ok(&db, &["contacts", "duplicates"]);
    assert_eq!(
        dups.as_array().unwrap().len(),
        3,
        "a re-import without UIDs shows up as duplicates to merge: {dups}"
    );
}

#[test]
fn vcard_export_then_import_gives_the_same_data() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db");
    add_contact(
        &a,
        "Prof. Dr. Ariane Berger",
        &[
            ("--email", "a.berger@landkreistag.example"),
            ("--phone", "+49 30 590097-0"),
            ("--org", "Deutscher Landkreistag"),
            ("--role", "Leiterin Digitalisierung"),
            ("--tag", "Digitalisierungslabor"),
            ("--themenfeld", "querschnitt"),
            ("--note", "Portal ozg-kommunal; Vollzugswissen, Kommunen"),
        ],
    );
    add_contact(&a, "<b>Eve</b>", &[("--org", "Landkreis Göttingen")]);
    for format in ["vcard4", "vcard3", "csv"] {
        let file = dir.path().join(format!("export.{format}"));
        let (ok_export, _, err) = run(
            &a,
            &[
                "contacts",
                "export",
                "--format",
                format,
                "--out",
                file.to_str().unwrap(),
            ],
        );
        assert!(ok_export, "{err}");
        let b = dir.path().join(format!("{format}.db"));
        let r = ok(&b, &["contacts", "import", file.to_str().unwrap()]);
        assert_eq!(r["imported"], 2, "{format}: {r}");
        let strip = |v: Value| -> Vec<Value> {
            let mut list: Vec<Value> = v
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    let mut c = c.clone();
                    for k in ["id", "created_at", "updated_at", "organization_id", "uid"] {
                        c.as_object_mut().unwrap().remove(k);
                    }
                    let notes: Vec<Value> = c["notes"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|n| n["body"].clone())
                        .collect();
                    c["notes"] = Value::Array(notes);
                    c
                })
                .collect();
            list.sort_by_key(|c| c["name"].to_string());
            list
        };
        assert_eq!(
            strip(ok(&b, &["contacts", "list"])),
            strip(ok(&a, &["contacts", "list"])),
            "{format}"
        );
    }
}

#[test]
fn duplicates_merge_undo_follow_ups_and_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let db = with_event(dir.path());
    let id = |c: Value| c["id"].as_i64().unwrap().to_string();
    let a = id(add_contact(
        &db,
        "Jördis Müller",
        &[("--email", "jm@fitko.example")],
    ));
    let b = id(add_contact(
        &db,
        "Joerdis Mueller",
        &[
            ("--phone", "069 401270-11"),
            ("--note", "aus der Taskforce"),
        ],
    ));
    // `vernetzt attendance VERB --event erfa-2026@fitko MORE…`
    let at_erfa = |verb: &str, more: &[&str]| {
        ok(
            &db,
            &[
                &["attendance", verb, "--event", "erfa-2026@fitko"][..],
                more,
            ]
            .concat(),
        )
    };
    at_erfa("mark", &["--contact", &b]);
    at_erfa("mark", &["--me", "attended"]);
    at_erfa("met", &["--contact", &b, "--session", "Workshop Roll-in"]);
    let dups = ok(&db, &["contacts", "duplicates"]);
    assert_eq!(
        dups,
        serde_json::json!([[a.parse::<i64>().unwrap(), b.parse::<i64>().unwrap()]])
    );
    let merged = ok(&db, &["contacts", "merge", &a, &b]);
    let c = &merged["contact"];
    assert_eq!(c["emails"], serde_json::json!(["jm@fitko.example"]));
    assert_eq!(c["phones"], serde_json::json!(["069 401270-11"]));
    assert_eq!(c["notes"].as_array().unwrap().len(), 1);
    let tl = ok(&db, &["contacts", "timeline", &a]);
    let kinds: Vec<&str> = tl
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"event") && kinds.contains(&"encounter") && kinds.contains(&"note"),
        "{kinds:?}"
    );
    ok(&db, &["contacts", "unmerge", &merged["merge"].to_string()]);
    assert_eq!(
        ok(&db, &["contacts", "show", &b])["notes"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let f = ok(
        &db,
        &[
            "followup",
            "add",
            &a,
            "--due",
            "2026-12-10",
            "--text",
            "Unterlagen schicken",
        ],
    );
    assert_eq!(
        ok(&db, &["followup", "list", "--until", "2026-12-31"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let ics = support::command(&db)
        .args(["followup", "export"])
        .output()
        .unwrap();
    let ics = String::from_utf8(ics.stdout).unwrap();
    assert!(
        ics.contains("BEGIN:VTODO\r\n") && ics.contains("DUE;VALUE=DATE:20261210\r\n"),
        "{ics}"
    );
    ok(&db, &["followup", "done", &f["id"].to_string()]);
    assert_eq!(ok(&db, &["followup", "list"]).as_array().unwrap().len(), 0);
}

#[test]
fn broken_files_change_nothing() {
    let (dir, db) = temp_db();
    add_contact(&db, "Bleibt Da", &[]);
    for (name, bytes) in [
        ("empty.csv", &b""[..]),
        ("binary.csv", b"\x00\x01\x02\x03\xff\xfe\x00"),
        (
            "page.csv",
            b"<!DOCTYPE html><html><body>Fehler</body></html>",
        ),
    ] {
        let f = dir.path().join(name);
        std::fs::write(&f, bytes).unwrap();
        let (ok_import, _, err) = run(&db, &["contacts", "import", f.to_str().unwrap()]);
        assert!(!ok_import, "{name} must fail");
        assert!(!err.is_empty(), "{name}: a clear message");
    }
    let broken = dir.path().join("broken.vcf");
    std::fs::write(&broken, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ohne Ende\r\nPHOTO;ENCODING=b;TYPE=JPEG:@@@nicht-base64@@@\r\nEMAIL:ok@example.org\r\n").unwrap();
    let r = ok(&db, &["contacts", "import", broken.to_str().unwrap()]);
    assert_eq!(r["imported"], 1, "the readable part is kept: {r}");
    assert!(!r["warnings"].as_array().unwrap().is_empty());
    assert_eq!(ok(&db, &["contacts", "list"]).as_array().unwrap().len(), 2);
}

#[test]
fn own_card_as_vcard_and_qr() {
    let (dir, db) = temp_db();
    let me = add_contact(
        &db,
        "Jördis Müller",
        &[
            ("--email", "jm@fitko.example"),
            ("--org", "FITKO"),
            ("--note", "privat"),
        ],
    );
    let (ok_card, _, err) = run(&db, &["me", "card"]);
    assert!(!ok_card && err.contains("own contact"), "{err}");
    ok(&db, &["me", "set", &me["id"].to_string()]);
    let card = ok(&db, &["me", "card"]);
    let text = card["vcard"].as_str().unwrap();
    assert!(text.contains("jm@fitko.example") && !text.contains("privat"));
    let svg = dir.path().join("karte.svg");
    ok(&db, &["me", "card", "--qr", svg.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
    // A picture of the QR code imports as the card it shows.
    let png = dir.path().join("karte.png");
    ok(&db, &["me", "card", "--png", png.to_str().unwrap()]);
    let scanned = dir.path().join("scanned.db");
    let r = ok(&scanned, &["contacts", "import", png.to_str().unwrap()]);
    assert_eq!(r["imported"], 1, "{r}");
    assert_eq!(
        ok(&scanned, &["contacts", "list"])[0]["emails"],
        serde_json::json!(["jm@fitko.example"])
    );
    // A card read from a QR code by a phone arrives as vCard text: importing it works too.
    let other = dir.path().join("other.db");
    let pasted = dir.path().join("pasted.vcf");
    std::fs::write(&pasted, text).unwrap();
    assert_eq!(
        ok(&other, &["contacts", "import", pasted.to_str().unwrap()])["imported"],
        1
    );
}

#[test]
fn own_events_create_and_update() {
    let (_dir, db) = temp_db();
    let create = |title: &str, start: &str, end: &str, more: &[(&str, &str)]| {
        let times = [("--title", title), ("--start", start), ("--end", end)];
        run(
            &db,
            &argv(&["events", "create"], &[&times[..], more].concat()),
        )
    };
    let (created, ev, err) = create(
        "OZG-Erfahrungsaustausch Frühjahr",
        "2027-03-27T09:30",
        "2027-03-28T16:00",
        &[("--tz", "Europe/Berlin"), ("--location", "Erfurt")],
    );
    assert!(created, "{err}");
    let uid = ev["uid"].as_str().unwrap().to_string();
    assert_eq!(ev["sequence"], 0);
    let up = ok(&db, &["events", "update", &uid, "--location", "Weimar"]);
    assert_eq!(up["sequence"], 1);
    assert_eq!(
        up["event"]["title"], "OZG-Erfahrungsaustausch Frühjahr",
        "unchanged fields stay"
    );
    let march = [("--from", "2027-03-01"), ("--to", "2027-04-01")];
    let list = ok(&db, &argv(&["events", "list"], &march));
    assert_eq!(list[0]["uid"], uid.as_str());
    assert_eq!(list[0]["location"], "Weimar");
    assert_eq!(list[0]["start"], "2027-03-27T08:30:00Z");
    let (ok_bad, _, err) = create("x", "2027-03-28T10:00", "2027-03-28T09:00", &[]);
    assert!(!ok_bad && err.contains("after the start"), "{err}");
}
