//! Tests for reading and writing vCards, one or more per rule.

use super::read::{qp_decode, split_unescaped};
use super::write::{escape, param_value, push_line};
use super::*;
use crate::model::{Contact, ContactInput, Level, Note, Organization, Photo, PhotoChange};
use base64::Engine;
use std::collections::BTreeMap;

fn read(s: &str) -> VcardRead {
    read_vcards(s.as_bytes()).expect("a vCard")
}

fn one(s: &str) -> ImportedContact {
    let r = read(s);
    assert_eq!(r.contacts.len(), 1, "{r:#?}");
    r.contacts.into_iter().next().expect("one")
}

/// Asserts that the read's warnings say each of `expected` (a line number and what is wrong).
fn assert_warns(r: &VcardRead, expected: &[&str]) {
    let w = r.warnings.join("\n");
    for e in expected {
        assert!(w.contains(e), "{e:?} not among the warnings:\n{w}");
    }
}

fn labeled(v: &crate::model::Labeled) -> (&str, Option<&str>) {
    (v.value.as_str(), v.label.as_deref())
}

/// A photo as the reader keeps it (re-encoded by `crate::photo`), so it reads back unchanged.
fn png_bytes(side: u32) -> Vec<u8> {
    use crate::photo::tests::{encoded, picture};
    crate::photo::reencode(&encoded(
        &picture(side, side / 2 + 1),
        image::ImageFormat::Png,
    ))
    .unwrap()
}

/// `len` bytes that start like a PNG (for the size checks, which come before any decoding).
fn png_like(len: usize) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend((0..len).map(|i| (i % 251) as u8));
    b
}

/// A PNG of noise (RGBA, so nothing compresses) of a little under 2 MiB.
fn noise_png_near_2_mib() -> Vec<u8> {
    let mut seed = 0x2545_f491_u32;
    let img = image::RgbaImage::from_fn(1020, 510, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        image::Rgba(seed.to_le_bytes())
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    let out = out.into_inner();
    assert!(
        out.len() > 2_000_000 && out.len() <= 2 * 1024 * 1024,
        "{}",
        out.len()
    );
    out
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn full_contact() -> (Contact, Organization) {
    let mut labels = BTreeMap::new();
    labels.insert(
        "joerdis.mueller@bmi.bund.de".to_string(),
        "work".to_string(),
    );
    labels.insert(
        "sekretariat@bmi.bund.de".to_string(),
        "Sekretariat, Vorzimmer; Raum 3".to_string(),
    );
    labels.insert("+49 30 18681-0".to_string(), "work,fax".to_string());
    labels.insert("0171 1234567".to_string(), "cell".to_string());
    labels.insert("(030) 555-12".to_string(), "mobil dienstlich".to_string());
    let c = Contact {
        id: 7,
        uid: "4f1c2a9e-0d4e-4b7a-9c3e-1a2b3c4d5e6f".to_string(),
        name: "Prof. Dr. Jördis <b>Müller</b>-Weiß".to_string(),
        given_name: Some("Jördis Anne".to_string()),
        family_name: Some("<b>Müller</b>-Weiß".to_string()),
        title: Some("Prof. Dr.".to_string()),
        role: Some("Referatsleiterin DG II 1; OZG-Koordination, Länderbeteiligung".to_string()),
        organization: Some("Bundesministerium des Innern".to_string()),
        organization_id: Some(3),
        emails: vec![
            "joerdis.mueller@bmi.bund.de".to_string(),
            "sekretariat@bmi.bund.de".to_string(),
            "privat@example.org".to_string(),
        ],
        phones: vec![
            "+49 30 18681-0".to_string(),
            "0171 1234567".to_string(),
            "(030) 555-12".to_string(),
        ],
        labels,
        street: Some("Alt-Moabit 140, Haus 2; Eingang B".to_string()),
        postal_code: Some("10557".to_string()),
        locality: Some("Berlin".to_string()),
        country: Some("Deutschland".to_string()),
        website: Some("https://www.bmi.bund.de/DE/themen/moderne-verwaltung?a=1,2;b".to_string()),
        themenfelder: vec![
            "familie-kind".to_string(),
            "forschung-foerderung".to_string(),
        ],
        tags: vec![
            "OZG, Welle 2".to_string(),
            "Smart Country Convention".to_string(),
            "a\\b".to_string(),
        ],
        notes: vec![
            Note {
                id: 1,
                body: "Kennengelernt auf dem Zukunftskongress; sprach über FIM, XÖV und\n\
                       die Registermodernisierung, Folgetermin im März."
                    .to_string(),
                created_at: "2025-01-01T10:00:00.000Z".to_string(),
                updated_at: "2025-01-01T10:00:00.000Z".to_string(),
            },
            Note {
                id: 2,
                body: "Zweite Notiz: 🙂 ß ä ö ü — ".repeat(8),
                created_at: "2025-01-02T10:00:00.000Z".to_string(),
                updated_at: "2025-01-02T10:00:00.000Z".to_string(),
            },
        ],
        photo: Some(Photo {
            mime: "image/png".to_string(),
            base64: b64(&png_bytes(40)),
        }),
        created_at: "2025-01-01T10:00:00.000Z".to_string(),
        updated_at: "2025-02-03T04:05:06.789Z".to_string(),
    };
    let org = Organization {
        id: 3,
        uid: "org-bmi".to_string(),
        name: "Bundesministerium des Innern".to_string(),
        short_name: Some("BMI".to_string()),
        level: Level::Bund,
        kind: Some("Ministerium".to_string()),
        land: Some("Berlin".to_string()),
        land_key: Some("11".to_string()),
        key: Some("11000000".to_string()),
        parent_id: None,
        builtin: true,
    };
    // Notes are trimmed on reading; the test data has none to trim but the second one.
    let mut c = c;
    c.notes[1].body = c.notes[1].body.trim().to_string();
    (c, org)
}

#[test]
fn export_then_import_gives_the_same_data_in_v4_and_v3() {
    let (c, org) = full_contact();
    for version in [Version::V4, Version::V3] {
        let text = write_vcard(&c, Some(&org), version);
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{version:?} line too long: {line:?}");
        }
        assert!(text.ends_with("END:VCARD\r\n"));
        let r = read(&text);
        assert!(r.warnings.is_empty(), "{version:?}: {:?}", r.warnings);
        assert!(r.skipped.is_empty());
        let got = &r.contacts[0];
        let mut want = ContactInput::from_contact(&c);
        want.organization_id = None;
        want.photo = PhotoChange::Set(c.photo.clone().expect("photo"));
        assert_eq!(got.contact, want, "{version:?}\n{text}");
        assert_eq!(
            got.organization,
            Some(OrgRef {
                name: "Bundesministerium des Innern".into(),
                level: Some(Level::Bund),
                land: Some("Berlin".into()),
                key: Some("11000000".into()),
            })
        );
        let notes: Vec<&str> = c.notes.iter().map(|n| n.body.as_str()).collect();
        assert_eq!(got.notes, notes);
        assert_eq!(got.uid.as_deref(), Some(c.uid.as_str()));
        assert_eq!(got.line, 1);
    }
}

#[test]
fn several_cards_and_a_contact_without_organisation_round_trip() {
    let (mut c, org) = full_contact();
    let mut plain = c.clone();
    plain.uid = "second".into();
    plain.name = "FITKO Service".into();
    plain.given_name = None;
    plain.family_name = None;
    plain.title = None;
    plain.photo = None;
    plain.labels.clear();
    plain.organization = Some("FITKO; Föderale IT-Kooperation".into());
    c.notes.clear();
    let text = write_vcards(
        &[(c.clone(), Some(org)), (plain.clone(), None)],
        Version::V4,
    );
    let r = read(&text);
    assert_eq!(r.contacts.len(), 2);
    let second_begin = text
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "BEGIN:VCARD")
        .nth(1)
        .map(|(i, _)| i + 1);
    assert_eq!(Some(r.contacts[1].line), second_begin);
    assert_eq!(
        r.contacts[1].contact.display_name.as_deref(),
        Some("FITKO Service")
    );
    assert_eq!(
        r.contacts[1].organization,
        Some(OrgRef {
            name: "FITKO; Föderale IT-Kooperation".into(),
            ..Default::default()
        })
    );
    assert!(
        r.contacts[1]
            .contact
            .emails
            .iter()
            .all(|e| e.label.is_none())
    );
    assert!(r.contacts[0].notes.is_empty());
}

#[test]
fn a_photo_of_the_full_2_mib_survives_export_and_import() {
    // Stored by the app (not re-encoded there), read back from its long line re-encoded.
    let (mut c, _) = full_contact();
    let big = noise_png_near_2_mib();
    c.photo = Some(Photo {
        mime: "image/png".into(),
        base64: b64(&big),
    });
    let kept = Photo {
        mime: "image/png".into(),
        base64: b64(&crate::photo::reencode(&big).unwrap()),
    };
    for version in [Version::V4, Version::V3] {
        let r = read(&write_vcard(&c, None, version));
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        assert_eq!(r.contacts[0].contact.photo, PhotoChange::Set(kept.clone()));
    }
}

#[test]
fn writer_folds_at_75_octets_without_splitting_characters() {
    let mut out = String::new();
    let long = format!("NOTE:{}", "ä".repeat(100));
    push_line(&mut out, &long);
    let lines: Vec<&str> = out.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(lines.len() > 2);
    assert!(lines.iter().all(|l| l.len() <= 75));
    assert!(lines[1..].iter().all(|l| l.starts_with(' ')));
    let joined: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| if i == 0 { *l } else { &l[1..] })
        .collect();
    assert_eq!(joined, long);
    let mut short = String::new();
    push_line(&mut short, "FN:x");
    assert_eq!(short, "FN:x\r\n");
}

#[test]
fn writer_escapes_text_and_quotes_parameters() {
    assert_eq!(escape("a\\b,c;d\ne\r\nf"), "a\\\\b\\,c\\;d\\ne\\nf");
    assert_eq!(param_value("work"), "work");
    assert_eq!(param_value("a:b"), "\"a:b\"");
    assert_eq!(param_value("a,b"), "\"a,b\"");
    assert_eq!(param_value("say \"hi\"^"), "say ^'hi^'^^");
}

#[test]
fn writer_uses_types_for_known_labels_and_groups_for_others() {
    let (c, org) = full_contact();
    let v4 = write_vcard(&c, Some(&org), Version::V4).replace("\r\n ", "");
    assert!(v4.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"), "{v4}");
    assert!(v4.contains("EMAIL;TYPE=work;PREF=1:joerdis.mueller@bmi.bund.de\r\n"));
    assert!(v4.contains("TEL;TYPE=work,fax;PREF=1:+49 30 18681-0\r\n"));
    assert!(v4.contains("TEL;TYPE=cell:0171 1234567\r\n"));
    assert!(v4.contains("item1.EMAIL:sekretariat@bmi.bund.de\r\n"));
    assert!(v4.contains("item1.X-ABLabel:Sekretariat\\, Vorzimmer\\; Raum 3\r\n"));
    assert!(v4.contains("X-VERNETZT-LEVEL:bund\r\n"));
    assert!(v4.contains("X-VERNETZT-LAND:Berlin\r\n"));
    assert!(v4.contains("X-VERNETZT-KEY:11000000\r\n"));
    assert!(v4.contains("N:<b>Müller</b>-Weiß;Jördis Anne;;Prof. Dr.;\r\n"));
    assert!(v4.contains("CATEGORIES:OZG\\, Welle 2,Smart Country Convention,a\\\\b,Familie & Kind,Forschung & Förderung\r\n"), "{v4}");
    assert!(v4.contains("PHOTO:data:image/png;base64,iVBORw0KGgo"));
    assert!(v4.contains("REV:20250203T040506Z\r\n"));
    let v3 = write_vcard(&c, None, Version::V3).replace("\r\n ", "");
    assert!(v3.contains("VERSION:3.0\r\n"));
    assert!(v3.contains("PHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgo"));
    assert!(v3.contains("ORG:Bundesministerium des Innern\r\n"));
    assert!(v3.contains("EMAIL;TYPE=work,pref:joerdis.mueller@bmi.bund.de\r\n"));
    assert!(!v3.contains("X-VERNETZT"));
    assert!(!v3.contains("KIND:"));
}

#[test]
fn vcard21_quoted_printable_with_soft_breaks_and_charsets() {
    let input = "BEGIN:VCARD\r\nVERSION:2.1\r\n\
        N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=F6rdis\r\n\
        FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=B6rdis M=C3=BCller\r\n\
        NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Erste Zeile=0D=0A=\r\n\
        zweite Zeile mit Gr=C3=BC=C3=9Fen=0D=0A=\r\n\
        dritte\r\n\
        ADR;WORK;QUOTED-PRINTABLE:;;Stra=DFe 1;K=F6ln;;50667;Deutschland\r\n\
        TEL;WORK;VOICE:0221 12345\r\n\
        END:VCARD\r\n";
    let r = read(input);
    // No CHARSET on a QP value whose bytes are not UTF-8: Windows-1252, with a warning.
    assert_eq!(
        r.warnings,
        ["line 8: ADR is not UTF-8; read as Windows-1252"]
    );
    let c = &r.contacts[0];
    assert_eq!(c.contact.family_name.as_deref(), Some("Müller"));
    assert_eq!(c.contact.given_name.as_deref(), Some("Jördis"));
    assert_eq!(c.contact.display_name.as_deref(), Some("Jördis Müller"));
    assert_eq!(
        c.notes,
        ["Erste Zeile\r\nzweite Zeile mit Grüßen\r\ndritte".replace("\r\n", "\n")]
    );
    assert_eq!(c.contact.street.as_deref(), Some("Straße 1"));
    assert_eq!(c.contact.locality.as_deref(), Some("Köln"));
    assert_eq!(labeled(&c.contact.phones[0]), ("0221 12345", Some("work")));
    assert_eq!(qp_decode("a=3Db=\t=zz=4"), b"a=b=\t=zz=4");
}

#[test]
fn vcard21_8bit_latin1_without_charset_gives_one_warning() {
    let mut input = b"BEGIN:VCARD\nVERSION:2.1\nN:Bl\xFCmchen;G\xFCnther\nFN:G\xFCnther Bl\xFCmchen\nEND:VCARD\n".to_vec();
    let r = read_vcards(&input).expect("read");
    assert_eq!(
        r.contacts[0].contact.display_name.as_deref(),
        Some("Günther Blümchen")
    );
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert!(
        r.warnings[0].starts_with("line 3: text is not UTF-8"),
        "{:?}",
        r.warnings
    );
    // Declared, it is expected and not worth a warning.
    input = b"BEGIN:VCARD\nFN;CHARSET=ISO-8859-1:G\xFCnther\nEND:VCARD\n".to_vec();
    let r = read_vcards(&input).expect("read");
    assert_eq!(
        r.contacts[0].contact.display_name.as_deref(),
        Some("Günther")
    );
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn vcard21_base64_photo_forms() {
    let png = b64(&png_bytes(50));
    let folded: String = png
        .as_bytes()
        .chunks(60)
        .map(|c| format!("  {}\r\n", std::str::from_utf8(c).expect("ascii")))
        .collect();
    for head in [
        "PHOTO;ENCODING=BASE64;TYPE=PNG:",
        "PHOTO;ENCODING=BASE64;PNG:",
        "PHOTO;BASE64:",
        "PHOTO;TYPE=PNG;ENCODING=b:",
    ] {
        let input =
            format!("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Foto\r\n{head}\r\n{folded}\r\nEND:VCARD\r\n");
        let c = one(&input);
        assert_eq!(
            c.contact.photo,
            PhotoChange::Set(Photo {
                mime: "image/png".into(),
                base64: png.clone()
            }),
            "{head}"
        );
    }
}

#[test]
fn vcard30_groups_give_labels_and_types_give_labels() {
    let input = "BEGIN:VCARD\nVERSION:3.0\nFN:Anna Apfel\nN:Apfel;Anna;;;\n\
        item1.EMAIL;type=INTERNET;type=pref:anna@land.nrw.de\n\
        item1.X-ABLabel:Büro Düsseldorf\n\
        item2.TEL:0211 4711\n\
        item2.X-ABLabel:_$!<Mobile>!$_\n\
        EMAIL;TYPE=INTERNET,HOME:anna@example.org\n\
        EMAIL;TYPE=INTERNET:ohne@label.de\n\
        TEL;TYPE=WORK;TYPE=VOICE:0211 1\n\
        TEL;TYPE=VOICE:0211 2\n\
        TEL;TYPE=CELL:0171 3\n\
        TEL;TYPE=WORK,FAX:0211 4\n\
        END:VCARD\n";
    let c = one(input);
    let emails: Vec<_> = c.contact.emails.iter().map(labeled).collect();
    assert_eq!(
        emails,
        [
            ("anna@land.nrw.de", Some("Büro Düsseldorf")),
            ("anna@example.org", Some("home")),
            ("ohne@label.de", None),
        ]
    );
    let phones: Vec<_> = c.contact.phones.iter().map(labeled).collect();
    assert_eq!(
        phones,
        [
            ("0211 4711", Some("mobile")),
            ("0211 1", Some("work")),
            ("0211 2", Some("voice")),
            ("0171 3", Some("cell")),
            ("0211 4", Some("work,fax")),
        ]
    );
}

#[test]
fn preferred_values_come_first() {
    let c = one(
        "BEGIN:VCARD\nFN:A\nEMAIL:b@amt.de\nEMAIL;PREF=2:c@amt.de\nEMAIL;PREF=1:a@amt.de\n\
         TEL:030 1\nTEL;TYPE=cell,pref:030 2\nEND:VCARD\n",
    );
    let emails: Vec<_> = c.contact.emails.iter().map(|e| e.value.as_str()).collect();
    assert_eq!(emails, ["a@amt.de", "c@amt.de", "b@amt.de"]);
    assert_eq!(labeled(&c.contact.phones[0]), ("030 2", Some("cell")));
}

#[test]
fn vcard40_data_uri_photo_quoted_types_and_tel_uri() {
    let png = b64(&png_bytes(10));
    let input = format!(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Vier\r\n\
         TEL;VALUE=uri;TYPE=\"work,voice\";PREF=1:tel:+49-221-123;ext=5\r\n\
         EMAIL;TYPE=work:mailto:vier@stadt-koeln.de\r\n\
         PHOTO:data:image/png;base64,{png}\r\nEND:VCARD\r\n"
    );
    let c = one(&input);
    let escaped = one(&input.replace("base64,", "base64\\,"));
    assert_eq!(escaped.contact.photo, c.contact.photo);
    assert_eq!(labeled(&c.contact.phones[0]), ("+49-221-123", Some("work")));
    assert_eq!(
        labeled(&c.contact.emails[0]),
        ("vier@stadt-koeln.de", Some("work"))
    );
    assert!(matches!(c.contact.photo, PhotoChange::Set(ref p) if p.base64 == png));
}

#[test]
fn kind_org_cards_become_organisations_and_groups_are_skipped() {
    let input = "BEGIN:VCARD\nVERSION:4.0\nKIND:org\nFN:Landkreis Harz\nORG:Landkreis Harz\n\
        X-VERNETZT-LEVEL:kommune\nX-VERNETZT-LAND:Sachsen-Anhalt\nX-VERNETZT-KEY:15085\nEND:VCARD\n\
        BEGIN:VCARD\nVERSION:4.0\nKIND:org\nFN:Nur FN GmbH\nEND:VCARD\n\
        BEGIN:VCARD\nVERSION:4.0\nKIND:group\nFN:Team\nMEMBER:urn:uuid:1\nEND:VCARD\n\
        BEGIN:VCARD\nVERSION:3.0\nX-ADDRESSBOOKSERVER-KIND:group\nFN:Shared\nEND:VCARD\n";
    let r = read(input);
    assert!(r.contacts.is_empty());
    assert_eq!(
        r.organizations,
        [
            OrgRef {
                name: "Landkreis Harz".into(),
                level: Some(Level::Kommune),
                land: Some("Sachsen-Anhalt".into()),
                key: Some("15085".into()),
            },
            OrgRef {
                name: "Nur FN GmbH".into(),
                ..Default::default()
            }
        ]
    );
    assert_eq!(r.skipped.len(), 2);
    assert_eq!(r.skipped[0].line, 15);
    assert!(r.skipped[0].reason.contains("group"));
}

#[test]
fn names_titles_roles_and_organisation_units() {
    let c = one(
        "BEGIN:VCARD\nVERSION:3.0\nN:Berger;Ariane;Maria;Frau Prof. Dr.;MdB\n\
         ORG:Bundesministerium des Innern;Abteilung DG;Referat DG II 1\n\
         TITLE:Referatsleiterin\nROLE:Projektleitung\nEND:VCARD\n",
    );
    assert_eq!(c.contact.display_name, None, "the store composes it");
    assert_eq!(c.contact.family_name.as_deref(), Some("Berger"));
    assert_eq!(c.contact.given_name.as_deref(), Some("Ariane Maria"));
    assert_eq!(c.contact.title.as_deref(), Some("Prof. Dr."));
    assert_eq!(
        c.contact.role.as_deref(),
        Some("Referatsleiterin, Abteilung DG, Referat DG II 1")
    );
    assert_eq!(
        c.organization.map(|o| o.name).as_deref(),
        Some("Bundesministerium des Innern")
    );
    // ROLE stands in when there is no TITLE.
    let c = one("BEGIN:VCARD\nFN:X Y\nROLE:Projektleitung\nEND:VCARD\n");
    assert_eq!(c.contact.role.as_deref(), Some("Projektleitung"));
    // A card with only ORG is named after it.
    let c = one(
        "BEGIN:VCARD\nORG:Vitako\\, Bundes-Arbeitsgemeinschaft;\nEMAIL:info@vitako.de\nEND:VCARD\n",
    );
    assert_eq!(
        c.contact.display_name.as_deref(),
        Some("Vitako, Bundes-Arbeitsgemeinschaft")
    );
    // LDAP-era cards: cn and sn; empty FNs do not count.
    let c = one("begin:vcard\nfn:\ncn:\ncn:Babs Jensen\nsn:Jensen\nend:vcard\n");
    assert_eq!(c.contact.display_name.as_deref(), Some("Babs Jensen"));
    assert_eq!(c.contact.family_name.as_deref(), Some("Jensen"));
    // A short N (Outlook leaves out the trailing parts) is fine.
    let c = one("BEGIN:VCARD\nN:Solo\nEND:VCARD\n");
    assert_eq!(c.contact.family_name.as_deref(), Some("Solo"));
}

#[test]
fn addresses_with_few_components_and_the_preferred_one() {
    let c = one(
        "BEGIN:VCARD\nFN:A\nADR;TYPE=home:;;Heimweg 1;Dorf;;11111;DE\n\
         ADR;TYPE=work,pref:Postfach 12;Haus 2;Am Markt 3\\, Hinterhaus;Erfurt;Thüringen;99084;Deutschland\n\
         END:VCARD\n",
    );
    assert_eq!(
        c.contact.street.as_deref(),
        Some("Am Markt 3, Hinterhaus, Haus 2")
    );
    assert_eq!(c.contact.locality.as_deref(), Some("Erfurt"));
    assert_eq!(c.contact.postal_code.as_deref(), Some("99084"));
    assert_eq!(c.contact.country.as_deref(), Some("Deutschland"));
    let c = one("BEGIN:VCARD\nFN:A\nADR:;;Nur Straße 5;Suhl\nEND:VCARD\n");
    assert_eq!(c.contact.street.as_deref(), Some("Nur Straße 5"));
    assert_eq!(c.contact.locality.as_deref(), Some("Suhl"));
    assert_eq!(c.contact.postal_code, None);
    let c = one("BEGIN:VCARD\nFN:A\nADR:Postfach 4711\nEND:VCARD\n");
    assert_eq!(c.contact.street.as_deref(), Some("Postfach 4711"));
}

#[test]
fn url_categories_themenfelder_notes_and_uid() {
    let r = read(
        "BEGIN:VCARD\nFN:A\nUID:urn:uuid:abc\nURL:http\\://www.example.de\n\
         CATEGORIES:Familie & Kind,gesundheit,OZG\\, Welle 2,,Bildung\n\
         CATEGORIES:ozg\\, welle 2;Extra\n\
         NOTE:eins\\; zwei\\, drei\\nvier\nNOTE:  \nNOTE:fünf\nEND:VCARD\n\
         BEGIN:VCARD\nFN:B\nURL:ftp://files.example.de\nURL:www.ok.de\nEND:VCARD\n",
    );
    let a = &r.contacts[0];
    assert_eq!(a.uid.as_deref(), Some("urn:uuid:abc"));
    assert_eq!(a.contact.website.as_deref(), Some("http://www.example.de"));
    assert_eq!(
        a.contact.themenfelder,
        ["familie-kind", "gesundheit", "bildung"]
    );
    assert_eq!(a.contact.tags, ["OZG, Welle 2", "Extra"]);
    assert_eq!(a.notes, ["eins; zwei, drei\nvier", "fünf"]);
    let b = &r.contacts[1];
    assert_eq!(b.contact.website.as_deref(), Some("www.ok.de"));
    assert!(
        r.warnings
            .iter()
            .any(|w| w.starts_with("line 13:") && w.contains("ftp://")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn bad_photos_warn_and_keep_the_card() {
    let big = b64(&png_like(2 * 1024 * 1024 + 10));
    let jpeg_ok = b64(&crate::photo::tests::jpeg_with_gps());
    let input = format!(
        "BEGIN:VCARD\nFN:Groß\nPHOTO;ENCODING=b:{big}\nEND:VCARD\n\
         BEGIN:VCARD\nFN:Kaputt\nPHOTO;ENCODING=b:!!!not base64!!!\nEND:VCARD\n\
         BEGIN:VCARD\nFN:Kein Bild\nPHOTO;ENCODING=b:{}\nEND:VCARD\n\
         BEGIN:VCARD\nFN:Link\nPHOTO;VALUE=uri:https://example.org/a.jpg\nEND:VCARD\n\
         BEGIN:VCARD\nFN:Zweites\nPHOTO;ENCODING=b:@@\nPHOTO;ENCODING=b;TYPE=JPEG:{jpeg_ok}\nEND:VCARD\n",
        b64(b"just some text, no image")
    );
    let r = read(&input);
    assert_eq!(r.contacts.len(), 5);
    for c in &r.contacts[..4] {
        assert_eq!(c.contact.photo, PhotoChange::Keep, "{}", c.line);
    }
    assert!(matches!(&r.contacts[4].contact.photo, PhotoChange::Set(p) if p.mime == "image/png"));
    assert_warns(
        &r,
        &[
            "line 3: the photo has",
            "line 7: the photo is not valid base64",
            "line 11: the photo is not a JPEG, PNG, GIF or WebP",
            "line 15: the photo is a link",
            "line 19: the photo is not valid base64",
        ],
    );
}

#[test]
fn photos_are_re_encoded_without_exif_and_bombs_are_dropped_keeping_the_card() {
    use crate::photo::tests::{jpeg_bomb, jpeg_with_gps};
    let input = format!(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Mit GPS\nPHOTO;ENCODING=b;TYPE=JPEG:{}\nEND:VCARD\n\
         BEGIN:VCARD\nVERSION:4.0\nFN:Bombe\nEMAIL:bombe@amt.de\n\
         PHOTO:data:image/jpeg;base64,{}\nEND:VCARD\n\
         BEGIN:VCARD\nFN:Kaputt\nPHOTO;ENCODING=b:{}\nEND:VCARD\n",
        b64(&jpeg_with_gps()),
        b64(&jpeg_bomb()),
        b64(b"\xFF\xD8\xFF\xE0 a JPEG in name only"),
    );
    let r = read(&input);
    assert_eq!(r.contacts.len(), 3, "every card is kept");
    let PhotoChange::Set(p) = &r.contacts[0].contact.photo else {
        panic!("the photo with EXIF is kept, re-encoded");
    };
    assert_eq!(p.mime, "image/png");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&p.base64)
        .unwrap();
    assert!(bytes.starts_with(b"\x89PNG"));
    assert!(!bytes.windows(11).any(|w| w == b"GPSLatitude"));
    assert!(!bytes.windows(4).any(|w| w == b"Exif"));
    assert_eq!(r.contacts[1].contact.photo, PhotoChange::Keep);
    assert_eq!(r.contacts[1].contact.emails[0].value, "bombe@amt.de");
    assert_eq!(r.contacts[2].contact.photo, PhotoChange::Keep);
    assert_warns(
        &r,
        &[
            "line 10: the photo is too large to read",
            "line 14: the photo could not be read",
        ],
    );
}

#[test]
fn invalid_emails_and_phones_are_dropped_with_warnings() {
    let r = read(
        "BEGIN:VCARD\nFN:A\nEMAIL:gut@amt.de\nEMAIL:kaputt@@x\nEMAIL:ohne@punkt\n\
         EMAIL:GUT@amt.de\nTEL:030 123\nTEL:1-800-FLOWERS\nTEL:12\nTEL:++49 1\nEND:VCARD\n",
    );
    let c = &r.contacts[0];
    assert_eq!(c.contact.emails.len(), 1);
    assert_eq!(c.contact.phones.len(), 1);
    let w = r.warnings.join("\n");
    for line in [4, 5, 8, 9, 10] {
        assert!(w.contains(&format!("line {line}: ")), "{line}: {w}");
    }
    assert_eq!(r.warnings.len(), 5, "{w}");
}

#[test]
fn cards_without_name_empty_or_unterminated() {
    let r = read(
        "BEGIN:VCARD\nVERSION:3.0\nEND:VCARD\n\
         BEGIN:VCARD\nVERSION:3.0\nEMAIL:x@y.de\nEND:VCARD\n\
         BEGIN:VCARD\nFN:Ohne Ende\nEMAIL:ende@amt.de\n\
         BEGIN:VCARD\nFN:Letzte\n",
    );
    assert_eq!(
        r.skipped,
        [
            Skipped {
                line: 1,
                reason: "empty vCard".into()
            },
            Skipped {
                line: 4,
                reason: "no name (no FN, N or ORG)".into()
            },
        ]
    );
    let names: Vec<_> = r
        .contacts
        .iter()
        .map(|c| (c.line, c.contact.display_name.clone().unwrap_or_default()))
        .collect();
    assert_eq!(names, [(8, "Ohne Ende".into()), (11, "Letzte".into())]);
    assert_warns(
        &r,
        &[
            "line 8: no END:VCARD before the next BEGIN:VCARD at line 11",
            "line 11: the vCard has no END:VCARD; read up to line 12",
        ],
    );
    let r = read("BEGIN:VCARD\n");
    assert_eq!(r.skipped[0].reason, "empty vCard without END:VCARD");
}

#[test]
fn unknown_encodings_and_charsets_warn_and_keep_the_value() {
    let r = read(
        "BEGIN:VCARD\nFN:A\nNOTE;ENCODING=UUENCODE:roh\nNOTE;CHARSET=X-KLINGON;ENCODING=QUOTED-PRINTABLE:a=3Db\n\
         NOTE;ENCODING=b:@@@\nNOTE;ENCODING=b;CHARSET=UTF-8:w7Y=\nEND:VCARD\n",
    );
    assert_eq!(r.contacts[0].notes, ["roh", "a=b", "@@@", "ö"]);
    assert_warns(
        &r,
        &[
            "line 3: unknown ENCODING=UUENCODE",
            "line 4: unknown CHARSET=X-KLINGON",
            "line 5: NOTE is not valid base64",
        ],
    );
}

#[test]
fn broken_lines_and_foreign_blocks_are_reported_with_lines() {
    let r = read(
        "junk before\nBEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nEND:VEVENT\nEND:VCALENDAR\n\
         BEGIN:VCARD\nFN:A\nthis is no property\nBEGIN:X-THING\nFN:B\nEND:X-THING\nEND:VCARD\n\
         END:VCARD\n",
    );
    assert_eq!(r.contacts.len(), 1);
    assert_eq!(r.contacts[0].contact.display_name.as_deref(), Some("A"));
    assert_warns(
        &r,
        &[
            "line 2: a VCALENDAR block is not a vCard",
            "line 9: unreadable line skipped",
            "line 10: BEGIN:X-THING inside a vCard",
            "line 14: END:VCARD without BEGIN",
            "1 lines outside",
        ],
    );
}

#[test]
fn agent_cards_inside_21_cards_are_not_contacts() {
    let r = read(
        "BEGIN:VCARD\nVERSION:2.1\nFN:Chefin\nAGENT:\nBEGIN:VCARD\nVERSION:2.1\nFN:Assistent\nEND:VCARD\n\
         TEL:030 1\nEND:VCARD\n",
    );
    assert_eq!(r.contacts.len(), 1);
    assert_eq!(r.contacts[0].contact.phones.len(), 1);
}

#[test]
fn inputs_that_are_not_vcards_are_refused_with_a_reason() {
    let why = |b: &[u8]| match read_vcards(b) {
        Err(VcardError::NotVcard(m)) => m,
        Ok(r) => panic!("read as vCard: {r:?}"),
    };
    assert!(why(b"").contains("empty"));
    assert!(why(b"\xEF\xBB\xBF \r\n\t\n").contains("empty"));
    assert!(why(b"BEGIN:VCARD\0\0\0").contains("binary"));
    assert!(why(&[0x89, 0x50, 1, 2, 3, 4, 5, 6, 7, 8, 0x10, 0x11]).contains("binary"));
    assert!(why(b"  <!DOCTYPE html><html><body>BEGIN:VCARD</body></html>").contains("HTML"));
    assert!(why(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n").contains("iCalendar"));
    assert!(why(b"Name;E-Mail\nJ\xF6rdis;j@x.de\n").contains("no BEGIN:VCARD"));
    let e = read_vcards(b"hello").unwrap_err();
    assert_eq!(e.to_string(), "not a vCard file: no BEGIN:VCARD found");
}

#[test]
fn utf16_exports_are_read() {
    let text = "BEGIN:VCARD\r\nFN:Jördis\r\nEND:VCARD\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let r = read_vcards(&bytes).expect("utf-16");
    assert_eq!(
        r.contacts[0].contact.display_name.as_deref(),
        Some("Jördis")
    );
}

#[test]
fn lowercase_names_and_whitespace_after_begin() {
    let c = one("begin:vcard \nversion:3.0\nfn:klein\nemail;type=work:k@amt.de\nend:vCard\n");
    assert_eq!(c.contact.display_name.as_deref(), Some("klein"));
    assert_eq!(labeled(&c.contact.emails[0]), ("k@amt.de", Some("work")));
}

#[test]
fn x_vernetzt_without_org_and_unknown_level_warn() {
    let r = read(
        "BEGIN:VCARD\nFN:A\nX-VERNETZT-KEY:1\nEND:VCARD\nBEGIN:VCARD\nFN:B\nORG:O\nX-VERNETZT-LEVEL:galaxis\nEND:VCARD\n",
    );
    assert_eq!(r.contacts[0].organization, None);
    assert_eq!(
        r.contacts[1].organization,
        Some(OrgRef {
            name: "O".into(),
            ..Default::default()
        })
    );
    assert_warns(
        &r,
        &[
            "line 3: X-VERNETZT-* without ORG",
            "line 8: unknown X-VERNETZT-LEVEL 'galaxis'",
        ],
    );
}

#[test]
fn overlong_fields_are_shortened_so_the_store_accepts_the_card() {
    let r = read(&format!(
        "BEGIN:VCARD\nFN:{}\nNOTE:{}\nEND:VCARD\n",
        "x".repeat(300),
        "ü".repeat(60_000)
    ));
    let c = &r.contacts[0];
    assert_eq!(
        c.contact.display_name.as_ref().map(|n| n.chars().count()),
        Some(200)
    );
    assert!(c.notes[0].len() <= crate::rules::MAX_NOTE_BYTES);
    assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
}

#[test]
fn split_keeps_escapes() {
    assert_eq!(
        split_unescaped(r"a\;b;c\\;d", &[';']),
        [r"a\;b", r"c\\", "d"]
    );
}

#[test]
fn garbage_never_panics() {
    let seeds: [&[u8]; 9] = [
        "BEGIN:VCARD\nEMAIL:ÑÑÑÑÑ\nTEL:ÑÑÑ\nPHOTO:ÑÑÑÑ\nURL:Ñ\nEND:VCARD".as_bytes(),
        b"BEGIN:VCARD\nN;ENCODING=QUOTED-PRINTABLE:=\n=\n=",
        b"BEGIN:VCARD\nPHOTO:data:\nPHOTO:data:,\nPHOTO;ENCODING=b:=\nEND:VCARD",
        b"BEGIN:VCARD\nADR:;;;;;;;;;;;;\nN:;;;;;;;\nORG:;;;\nTEL:tel:\nEMAIL:mailto:\n",
        b"BEGIN:VCARD\r\r\n\r\nFN:\xFF\xFE\nEND:VCARD",
        b"BEGIN:VCARD\nAGENT:\nBEGIN:VCARD\nBEGIN:VCARD\nEND:VCARD",
        b"BEGIN:VCARD\nFN;CHARSET=\"\":x\nNOTE;ENCODING=QUOTED-PRINTABLE:=C3=\n",
        b"BEGIN:VCARD\nitem1.:x\n.EMAIL:x@y.de\nitem1.X-ABLabel:\nEND:VCARD",
        b"BEGIN:VCARD\nFN:\\\nNOTE:\\\nCATEGORIES:\\,\\\nEND:VCARD",
    ];
    for seed in seeds {
        for cut in 0..=seed.len() {
            let _ = read_vcards(&seed[..cut]);
        }
    }
}
