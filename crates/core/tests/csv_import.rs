//! CSV import and export against hand-made files in the dialects attendee lists arrive in
//! (`tests/data/csv/`), plus generated files for the limits and the 100,000-row timing.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;
use vernetzt_core::csv::{
    CsvError, CsvPreview, Field, Mapping, header_key, preview, read_csv, write_csv,
};
use vernetzt_core::model::{Contact, ImportedContact, Labeled, Level, Note, Organization};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/csv")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Fields by their serialised names (the ones the UI stores), separated by white space.
fn fields(names: &str) -> Vec<Field> {
    let names: Vec<&str> = names.split_whitespace().collect();
    serde_json::from_value(serde_json::json!(names)).unwrap()
}

/// A fixture's bytes and preview, after checking the dialect and the columns the preview found.
fn previewed(name: &str, delimiter: char, encoding: &str, columns: &str) -> (Vec<u8>, CsvPreview) {
    let bytes = fixture(name);
    let p = preview(&bytes).unwrap();
    assert_eq!(
        (p.delimiter, p.encoding.as_str()),
        (delimiter, encoding),
        "{name}"
    );
    assert_eq!(p.mapping.columns, fields(columns), "{name}");
    (bytes, p)
}

fn values(v: &[Labeled]) -> Vec<&str> {
    v.iter().map(|l| l.value.as_str()).collect()
}

fn by_family<'a>(contacts: &'a [ImportedContact], family: &str) -> &'a ImportedContact {
    contacts
        .iter()
        .find(|c| c.contact.family_name.as_deref() == Some(family))
        .unwrap_or_else(|| panic!("no contact {family}"))
}

fn has_warning(warnings: &[String], line: usize, needle: &str) -> bool {
    let prefix = format!("line {line}:");
    warnings
        .iter()
        .any(|w| w.starts_with(&prefix) && w.contains(needle))
}

#[test]
fn german_excel_semicolon_windows_1252() {
    let (bytes, p) = previewed(
        "excel_de_cp1252.csv",
        ';',
        "Windows-1252",
        "ignore title given_name family_name role organization level land official_key email \
         phone phone street postal_code locality themenfeld tags note",
    );
    assert_eq!(p.headers[5], "Behörde");
    assert_eq!(p.headers[12], "Straße");
    assert_eq!(p.unmapped, vec![0], "Anrede has data and is not imported");
    assert_eq!(p.rows, 5, "the blank row is not counted");
    assert_eq!(p.sample.len(), 5);
    assert!(p.sample.iter().all(|r| r.len() == p.headers.len()));
    assert_eq!(p.sample[0][7], "Baden-Württemberg");

    let r = read_csv(&bytes, None).unwrap();
    assert_eq!(r.contacts.len(), 4);
    let m = by_family(&r.contacts, "Müller");
    assert_eq!(m.line, 2);
    assert_eq!(m.contact.title.as_deref(), Some("Dr."));
    assert_eq!(m.contact.given_name.as_deref(), Some("Jördis"));
    assert_eq!(m.contact.role.as_deref(), Some("Referatsleiterin"));
    let org = m.organization.as_ref().unwrap();
    assert_eq!(org.name, "Landratsamt Ravensburg");
    assert_eq!(org.level, Some(Level::Kommune));
    assert_eq!(org.land.as_deref(), Some("Baden-Württemberg"));
    assert_eq!(org.key.as_deref(), Some("08436"));
    assert_eq!(values(&m.contact.emails), ["joerdis.mueller@rv.de"]);
    assert_eq!(values(&m.contact.phones), ["0751 85-0", "0171 1234567"]);
    assert_eq!(m.contact.phones[0].label, None);
    assert_eq!(m.contact.phones[1].label.as_deref(), Some("mobil"));
    assert_eq!(m.contact.street.as_deref(), Some("Gartenstraße 107"));
    assert_eq!(m.contact.postal_code.as_deref(), Some("88212"));
    assert_eq!(m.contact.locality.as_deref(), Some("Ravensburg"));
    assert_eq!(m.contact.themenfelder, ["familie-kind"]);
    assert_eq!(m.contact.tags, ["OZG", "Ländernetzwerk"]);
    assert_eq!(m.notes, ["Trifft man beim \"Digitalgipfel\""]);

    let w = by_family(&r.contacts, "Weiß");
    assert_eq!(w.line, 3);
    assert_eq!(w.contact.given_name.as_deref(), Some("Hans Peter"));
    assert_eq!(
        w.contact.role.as_deref(),
        Some("Leitung – Digitalisierung"),
        "Windows-1252 0x96 is an en dash"
    );
    assert_eq!(
        w.organization.as_ref().unwrap().name,
        "Ministerium für Inneres; Digitalisierung und Kommunen"
    );
    assert_eq!(w.organization.as_ref().unwrap().level, Some(Level::Land));
    assert_eq!(w.contact.themenfelder, ["querschnitt"]);
    assert_eq!(
        w.contact.tags,
        ["Digitalisierung"],
        "unknown Themenfeld → tag"
    );
    assert!(has_warning(
        &r.warnings,
        3,
        "'Digitalisierung' is not an OZG Themenfeld"
    ));

    let g = by_family(&r.contacts, "Groß-Öztürk");
    assert_eq!(g.contact.title.as_deref(), Some("Prof. Dr."));
    assert_eq!(g.contact.given_name.as_deref(), Some("Änne"));
    assert_eq!(g.organization.as_ref().unwrap().level, Some(Level::Other));
    assert!(g.contact.emails.is_empty());
    assert!(g.contact.phones.is_empty());
    assert!(has_warning(
        &r.warnings,
        4,
        "'aenne@hs-kehl' is not a valid e-mail"
    ));
    assert!(has_warning(
        &r.warnings,
        4,
        "'07851 894-0 (Zentrale)' is not a valid phone"
    ));

    let c = by_family(&r.contacts, "Çelik");
    assert_eq!(c.line, 7);
    assert_eq!(c.contact.given_name.as_deref(), Some("Zoë"));
    assert_eq!(c.organization.as_ref().unwrap().level, Some(Level::Land));
    assert_eq!(c.contact.locality.as_deref(), Some("Köln"));
    assert_eq!(c.contact.themenfelder, ["bauen-wohnen"]);

    assert_eq!(r.skipped.len(), 1);
    assert_eq!(r.skipped[0].line, 6);
    assert!(r.skipped[0].reason.contains("no name"), "{:?}", r.skipped);
}

#[test]
fn registration_tool_comma_utf8_bom_english_headers() {
    let (bytes, p) = previewed(
        "registration_utf8_bom.csv",
        ',',
        "UTF-8 (BOM)",
        "given_name family_name email organization role phone locality country tags ignore ignore",
    );
    assert_eq!(
        p.headers[0], "First Name",
        "the BOM is not part of the header"
    );
    assert_eq!(p.unmapped, vec![9, 10]);
    assert_eq!(p.rows, 3);

    let r = read_csv(&bytes, None).unwrap();
    assert!(r.skipped.is_empty());
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let m = by_family(&r.contacts, "Müller");
    assert_eq!(
        m.organization.as_ref().unwrap().name,
        "Müller, Schmidt & Partner"
    );
    assert_eq!(m.organization.as_ref().unwrap().level, None);
    assert_eq!(m.contact.country.as_deref(), Some("Germany"));
    assert_eq!(m.contact.tags, ["speaker", "OZG"]);
    assert_eq!(values(&m.contact.phones), ["+49 30 123456"]);
    let n = by_family(&r.contacts, "Nowak");
    assert_eq!(n.contact.given_name.as_deref(), Some("Łukasz"));
    assert_eq!(n.line, 3);
    let h = by_family(&r.contacts, "von der Heide");
    assert_eq!(
        h.contact.role.as_deref(),
        Some("Produktmanagerin \"FIT-Connect\"")
    );
    assert_eq!(h.line, 4);
}

#[test]
fn tab_separated_with_whole_names_and_land_as_bundesland() {
    let (bytes, _) = previewed(
        "tab_separated.csv",
        '\t',
        "UTF-8",
        "full_name organization email land website",
    );
    let r = read_csv(&bytes, None).unwrap();
    assert_eq!(r.contacts.len(), 4);
    let m = &r.contacts[0];
    assert_eq!(m.contact.title.as_deref(), Some("Dr."));
    assert_eq!(m.contact.given_name.as_deref(), Some("Jördis"));
    assert_eq!(m.contact.family_name.as_deref(), Some("Müller"));
    assert_eq!(m.contact.display_name, None, "the store composes it");
    assert_eq!(
        m.organization.as_ref().unwrap().land.as_deref(),
        Some("Baden-Württemberg")
    );
    assert_eq!(m.contact.website.as_deref(), Some("www.rv.de"));
    let h = &r.contacts[1];
    assert_eq!(h.contact.title.as_deref(), Some("Prof. Dr."));
    assert_eq!(h.contact.given_name.as_deref(), Some("Hans-Peter"));
    assert_eq!(
        h.contact.family_name.as_deref(),
        Some("Müller"),
        "Family, Given"
    );
    assert_eq!(h.organization.as_ref().unwrap().land.as_deref(), Some("BY"));
    let k = &r.contacts[2];
    assert_eq!(k.contact.family_name.as_deref(), Some("von der Heide"));
    assert_eq!(k.contact.website, None);
    assert!(has_warning(
        &r.warnings,
        4,
        "'not a url' is not a web address"
    ));
    let f = &r.contacts[3];
    assert_eq!(f.contact.family_name.as_deref(), Some("FITKO"));
    assert_eq!(
        f.organization, None,
        "Land without an organisation has no place"
    );
}

#[test]
fn land_with_countries_is_country() {
    let p = preview(&fixture("land_is_country.csv")).unwrap();
    assert_eq!(
        p.mapping.columns,
        fields("given_name family_name locality country")
    );
    let r = read_csv(&fixture("land_is_country.csv"), None).unwrap();
    assert_eq!(r.contacts[0].contact.country.as_deref(), Some("Österreich"));

    // Beside a Bundesland column, Land is the country; beside Staat, it is the Bundesland.
    let p = preview("Name;Bundesland;Land\nA B;Bayern;Bayern\n".as_bytes()).unwrap();
    assert_eq!(p.mapping.columns[2], Field::Country);
    let p = preview("Name;Staat;Land\nA B;Deutschland;Deutschland\n".as_bytes()).unwrap();
    assert_eq!(p.mapping.columns[2], Field::Land);
    // An empty Land column is read as Bundesland (the app's users are German administrations).
    let p = preview("Name;Land\nA B;\n".as_bytes()).unwrap();
    assert_eq!(p.mapping.columns[1], Field::Land);
}

#[test]
fn name_column_depends_on_the_other_columns() {
    let cols = |csv: &str| preview(csv.as_bytes()).unwrap().mapping.columns;
    assert_eq!(
        cols("Name;E-Mail\nA;a@b.de"),
        [Field::FullName, Field::Email]
    );
    assert_eq!(
        cols("Vorname;Name\nA;B"),
        [Field::GivenName, Field::FamilyName]
    );
    assert_eq!(
        cols("Vorname;Nachname;Name\nA;B;C"),
        [Field::GivenName, Field::FamilyName, Field::FullName]
    );
    // With separate columns, a differing whole name becomes the display name.
    let r = read_csv(
        "Vorname;Nachname;Name\nJördis;Müller;Frau Dr. Müller\n".as_bytes(),
        None,
    )
    .unwrap();
    assert_eq!(
        r.contacts[0].contact.display_name.as_deref(),
        Some("Frau Dr. Müller")
    );
}

#[test]
fn headers_are_recognised_loosely() {
    for (headers, columns) in [
        (
            "VORNAME,nach-name,E Mail,EMAIL 2,e-mail-adresse (privat)*,Tel.,Strasse,Postleitzahl,Stadt",
            "given_name family_name email email email phone street postal_code locality",
        ),
        (
            "Given name;Surname;Organisation;Verwaltungsebene;Gemeindeschlüssel;Homepage;Stichwörter;OZG Themenfeld;Kommentar;Akademischer Grad;Rolle",
            "given_name family_name organization level official_key website tags themenfeld note \
             title role",
        ),
        (
            "Mueller;Behoerde;Schlagworter;Mobil;Handy;Dienststelle;Anschrift;ZIP;City;Country;ARS;Familienname",
            "ignore organization tags phone phone organization street postal_code locality country \
             official_key family_name",
        ),
        (
            "First name,Last name,Company,Job title,Phone,State,Address,Notes,Zahlungsart",
            "given_name family_name organization role phone land street note ignore",
        ),
    ] {
        let p = preview(format!("{headers}\nx").as_bytes()).unwrap();
        assert_eq!(p.mapping.columns, fields(columns), "{headers}");
    }
    // Labels come from parentheses, from the header's rest or from the header itself.
    let r = read_csv(
        "Nachname;E-Mail (dienstlich);Telefon Sekretariat;Fax\nMüller;a@b.de;030 1;030 2\n"
            .as_bytes(),
        None,
    )
    .unwrap();
    let c = &r.contacts[0].contact;
    assert_eq!(c.emails[0].label.as_deref(), Some("dienstlich"));
    assert_eq!(c.phones[0].label.as_deref(), Some("Sekretariat"));
    assert_eq!(c.phones[1].label.as_deref(), Some("Fax"));
}

#[test]
fn quoted_fields_with_delimiters_newlines_and_quotes() {
    let bytes = fixture("quoted_multiline.csv");
    let p = preview(&bytes).unwrap();
    assert_eq!(p.delimiter, ';', "the ; inside quotes do not count");
    assert_eq!(p.rows, 3);
    let r = read_csv(&bytes, None).unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let lines: Vec<usize> = r.contacts.iter().map(|c| c.line).collect();
    assert_eq!(lines, [2, 5, 6], "each record's first physical line");
    let m = &r.contacts[0];
    assert_eq!(
        m.organization.as_ref().unwrap().name,
        "Amt für Digitalisierung; IT und Organisation"
    );
    assert_eq!(
        m.notes,
        ["Erste Zeile\nzweite Zeile; mit Semikolon\ndritte \"zitierte\" Zeile"]
    );
    assert_eq!(values(&m.contact.emails), ["j@example.de"]);
    let w = &r.contacts[1];
    assert_eq!(w.contact.family_name.as_deref(), Some("Weiß"));
    assert_eq!(w.organization.as_ref().unwrap().name, "Stadt \"Neu\"-Ulm");
    assert!(w.notes.is_empty());
    let s = &r.contacts[2];
    assert_eq!(
        s.contact.given_name.as_deref(),
        Some("Ulrike Maria"),
        "a line break in a name becomes a space"
    );
}

#[test]
fn ragged_rows_are_kept_with_warnings() {
    let r = read_csv(&fixture("ragged.csv"), None).unwrap();
    let names: Vec<&str> = r
        .contacts
        .iter()
        .map(|c| c.contact.family_name.as_deref().unwrap_or("-"))
        .collect();
    assert_eq!(names, ["Müller", "Weiß", "Schulz", "Klein", "-"]);
    let weiss = &r.contacts[1];
    assert_eq!(weiss.line, 3);
    assert_eq!(values(&weiss.contact.emails), ["h@example.de"]);
    assert!(weiss.organization.is_none());
    assert!(has_warning(&r.warnings, 3, "3 of 5 fields"));
    let schulz = &r.contacts[2];
    assert_eq!(schulz.organization.as_ref().unwrap().name, "Amt C");
    assert!(has_warning(
        &r.warnings,
        4,
        "7 fields but the header names 5"
    ));
    assert!(
        !r.warnings.iter().any(|w| w.starts_with("line 5:")),
        "empty extra fields (trailing ;) are no problem: {:?}",
        r.warnings
    );
    assert_eq!(r.skipped.len(), 1);
    assert_eq!(r.skipped[0].line, 6);
    // A single word in the Vorname column is still a name.
    assert_eq!(r.contacts[4].line, 7);
    assert_eq!(r.contacts[4].contact.given_name.as_deref(), Some("Eva"));
}

#[test]
fn invalid_emails_and_phones_are_dropped_with_warnings() {
    let r = read_csv(&fixture("invalid_emails.csv"), None).unwrap();
    assert_eq!(r.contacts.len(), 4);
    let m = &r.contacts[0];
    assert_eq!(values(&m.contact.emails), ["jm@privat.de"]);
    assert_eq!(m.contact.emails[0].label.as_deref(), Some("privat"));
    assert_eq!(values(&m.contact.phones), ["030/123 456-7"]);
    assert!(has_warning(
        &r.warnings,
        2,
        "'j.mueller@rv' is not a valid e-mail"
    ));

    let w = &r.contacts[1];
    assert_eq!(
        values(&w.contact.emails),
        ["h.weiss@im.bwl.de", "hans@weiss.de"],
        "several per cell; mailto: removed"
    );
    assert!(has_warning(
        &r.warnings,
        3,
        "'hans at weiss.de' is not a valid e-mail"
    ));
    assert!(w.contact.phones.is_empty());
    assert!(has_warning(&r.warnings, 3, "'12' is not a valid phone"));

    let s = &r.contacts[2];
    assert_eq!(values(&s.contact.emails), ["u.schulz@example.de"]);
    assert!(has_warning(&r.warnings, 4, "'u@@example.de'"));
    assert!(has_warning(&r.warnings, 4, "'+49 (0)30 1234 ext. 5'"));

    let k = &r.contacts[3];
    assert!(k.contact.emails.is_empty());
    assert!(has_warning(&r.warnings, 5, "'k@localhost'"));
    assert!(has_warning(&r.warnings, 5, "'k@example.de.'"));
    assert_eq!(values(&k.contact.phones), ["+49 30 1", "+49 40 2"]);
}

#[test]
fn files_that_are_not_csv_are_refused_with_a_reason() {
    assert_eq!(preview(&fixture("empty.csv")), Err(CsvError::Empty));
    assert_eq!(read_csv(&fixture("empty.csv"), None), Err(CsvError::Empty));
    assert_eq!(preview(b"\xEF\xBB\xBF\r\n  \n"), Err(CsvError::Empty));
    assert_eq!(preview(b";;;\n;;;\n"), Err(CsvError::Empty));
    assert_eq!(preview(&fixture("binary.csv")), Err(CsvError::Binary));
    assert_eq!(
        read_csv(&fixture("binary.csv"), None),
        Err(CsvError::Binary)
    );
    for (file, what) in [("page.csv", "HTML"), ("contacts_vcard.csv", "vCard")] {
        match preview(&fixture(file)) {
            Err(CsvError::NotCsv { what: w }) => assert!(w.contains(what), "{w}"),
            other => panic!("{file}: {other:?}"),
        }
        assert!(matches!(
            read_csv(&fixture(file), None),
            Err(CsvError::NotCsv { .. })
        ));
    }
    match preview(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n") {
        Err(CsvError::NotCsv { what }) => assert!(what.contains("iCalendar")),
        other => panic!("{other:?}"),
    }
    match preview(b"PK\x03\x04\x14\x00\x06\x00rest of an xlsx") {
        Err(CsvError::NotCsv { what }) => assert!(what.contains(".xlsx")),
        other => panic!("{other:?}"),
    }
    match preview("joerdis@example.de;Jördis;Müller\nh@example.de;Hans;Weiß\n".as_bytes()) {
        Err(CsvError::NoHeader { reason }) => assert!(reason.contains("joerdis@example.de")),
        other => panic!("{other:?}"),
    }
    let e = preview("Jördis;Müller;j@example.de\n".as_bytes()).unwrap_err();
    assert!(e.to_string().contains("header row"), "{e}");
    let big = vec![b'a'; 50 * 1024 * 1024 + 1];
    assert!(matches!(preview(&big), Err(CsvError::TooLarge { .. })));
    let mut many = String::from("Name\n");
    for i in 0..200_001 {
        many.push_str(&format!("N{i}\n"));
    }
    assert_eq!(
        read_csv(many.as_bytes(), None),
        Err(CsvError::TooManyRows { limit: 200_000 })
    );
    // Exactly the limit is fine.
    let at_limit = &many[..many.len() - "N200000\n".len()];
    assert_eq!(preview(at_limit.as_bytes()).unwrap().rows, 200_000);
}

#[test]
fn one_column_files_with_a_known_header_are_csv() {
    let p = preview("Name\nDr. Jördis Müller\nHans Weiß\n".as_bytes()).unwrap();
    assert_eq!(p.mapping.columns, [Field::FullName]);
    let r = read_csv("E-Mail\nj@example.de\n".as_bytes(), None).unwrap();
    assert_eq!(r.skipped.len(), 1, "an address alone is no name");
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("no column is mapped to a name"))
    );
}

#[test]
fn utf16_sep_line_and_old_mac_line_ends() {
    // Excel "Unicode-Text": UTF-16 LE with BOM, tab-separated.
    let text = "Vorname\tNachname\tOrt\r\nJördis\tMüller\tKöln\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    let p = preview(&bytes).unwrap();
    assert_eq!((p.encoding.as_str(), p.delimiter), ("UTF-16", '\t'));
    assert_eq!(p.sample[0], ["Jördis", "Müller", "Köln"]);

    // Excel's "sep=" line names the delimiter; line numbers stay physical.
    let r = read_csv(b"sep=,\nVorname,Nachname\nA,B;C\n", None).unwrap();
    assert_eq!(r.contacts[0].contact.family_name.as_deref(), Some("B;C"));
    assert_eq!(r.contacts[0].line, 3);

    let r = read_csv(b"Vorname;Nachname\rA;B\rC;D\r", None).unwrap();
    let lines: Vec<usize> = r.contacts.iter().map(|c| c.line).collect();
    assert_eq!(lines, [2, 3]);
}

#[test]
fn leading_zeros_that_excel_dropped_are_restored() {
    let r = read_csv(
        "Nachname;PLZ;Ort;Staat;Organisation;AGS\n\
         Müller;1067;Dresden;Deutschland;Stadt Dresden;14612000\n\
         Weiß;4109;Leipzig;;Stadt Leipzig;4713000\n\
         Schulz;1010;Wien;Österreich;;\n"
            .as_bytes(),
        None,
    )
    .unwrap();
    let plz: Vec<&str> = r
        .contacts
        .iter()
        .map(|c| c.contact.postal_code.as_deref().unwrap())
        .collect();
    assert_eq!(plz, ["01067", "04109", "1010"], "Wien keeps its 4 digits");
    assert_eq!(
        r.contacts[1].organization.as_ref().unwrap().key.as_deref(),
        Some("04713000")
    );
    assert!(has_warning(&r.warnings, 2, "'1067' has 4 digits"));
    assert!(has_warning(&r.warnings, 3, "'4713000' has 7 digits"));
    assert!(!r.warnings.iter().any(|w| w.starts_with("line 4:")));
}

#[test]
fn an_unclosed_quote_is_reported_with_its_line() {
    let r = read_csv(
        "Vorname;Nachname;Notiz\nA;B;ok\nC;D;\"offen\nE;F;weg\n".as_bytes(),
        None,
    )
    .unwrap();
    assert_eq!(r.contacts.len(), 2);
    assert!(
        has_warning(&r.warnings, 3, "never closed"),
        "{:?}",
        r.warnings
    );
}

#[test]
fn a_user_mapping_overrides_detection() {
    let bytes = "Spalte A;Spalte B;Spalte C\nMüller;Jördis;jm@example.de\n".as_bytes();
    let p = preview(bytes).unwrap();
    assert_eq!(p.mapping.columns, [Field::Ignore; 3]);
    assert_eq!(p.unmapped, [0, 1, 2]);
    let mapping = Mapping {
        columns: vec![Field::FamilyName, Field::GivenName, Field::Email],
    };
    let r = read_csv(bytes, Some(&mapping)).unwrap();
    let c = &r.contacts[0].contact;
    assert_eq!(c.family_name.as_deref(), Some("Müller"));
    assert_eq!(c.given_name.as_deref(), Some("Jördis"));
    assert_eq!(values(&c.emails), ["jm@example.de"]);
    // A mapping serialises with stable names, for the UI to remember it.
    let json = serde_json::to_string(&mapping).unwrap();
    assert_eq!(json, r#"{"columns":["family_name","given_name","email"]}"#);
    let back: Mapping = serde_json::from_str(&json).unwrap();
    assert_eq!(back, mapping);
    // A shorter mapping ignores the rest and says so.
    let short = Mapping {
        columns: vec![Field::FamilyName],
    };
    let r = read_csv(bytes, Some(&short)).unwrap();
    assert!(r.contacts[0].contact.emails.is_empty());
    assert!(r.warnings[0].contains("mapping names 1 columns"));
}

#[test]
fn header_key_is_stable_and_loose() {
    let h = |v: &[&str]| header_key(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    let a = h(&["Vorname", "Nachname", "E-Mail"]);
    assert_eq!(a, h(&["vorname", " Nach-Name ", "EMail"]));
    assert_ne!(a, h(&["Nachname", "Vorname", "E-Mail"]));
    assert_ne!(a, h(&["Vorname", "Nachname"]));
    assert_ne!(h(&["ab", "c"]), h(&["a", "bc"]));
    assert_eq!(h(&["Vorname"]), h(&["VORNAME"]));
    // Pinned (computed independently): a changed key would forget every remembered mapping.
    assert_eq!(a, "csv1-3-5dc7b80c2dffd3ea");
}

fn contact(i: i64, name: &str) -> Contact {
    Contact {
        id: i,
        uid: format!("uid-{i}"),
        name: name.into(),
        given_name: None,
        family_name: None,
        title: None,
        role: None,
        organization: None,
        organization_id: None,
        emails: vec![],
        phones: vec![],
        labels: BTreeMap::new(),
        street: None,
        postal_code: None,
        locality: None,
        country: None,
        website: None,
        themenfelder: vec![],
        tags: vec![],
        notes: vec![],
        photo: None,
        created_at: "2025-01-01T00:00:00.000Z".into(),
        updated_at: "2025-01-01T00:00:00.000Z".into(),
    }
}

fn note(body: &str) -> Note {
    Note {
        id: 1,
        body: body.into(),
        created_at: "2025-01-01T00:00:00.000Z".into(),
        updated_at: "2025-01-01T00:00:00.000Z".into(),
    }
}

#[test]
fn write_then_read_round_trips() {
    let mut a = contact(1, "Prof. Dr. Jördis Müller");
    // Every single-valued field, then every list: all of them go out and come back.
    a.title = Some("Prof. Dr.".into());
    a.given_name = Some("Jördis".into());
    a.family_name = Some("Müller".into());
    a.role = Some("Leitung; Referat \"Digitale Verwaltung\"".into());
    a.organization = Some("Landratsamt Ravensburg".into());
    a.street = Some("Gartenstraße 107".into());
    a.postal_code = Some("88212".into());
    a.locality = Some("Ravensburg".into());
    a.country = Some("Deutschland".into());
    a.website = Some("https://www.rv.de".into());
    a.emails = vec!["j.mueller@rv.de".into(), "jm@privat.de".into()];
    a.phones = vec!["+49 751 85-0".into(), "0171 1234567".into()];
    a.themenfelder = vec!["familie-kind".into(), "unternehmensfuehrung".into()];
    a.tags = vec!["OZG".into(), "Ländernetzwerk".into()];
    a.notes = vec![
        note("Erste Notiz\nmit zwei Zeilen; und \"Zitat\""),
        note("=SUMME(A1:A9)"),
    ];
    let org_a = Organization {
        id: 7,
        uid: "org-7".into(),
        name: "Landratsamt Ravensburg".into(),
        short_name: None,
        level: Level::Kommune,
        kind: Some("Landkreis".into()),
        land: Some("Baden-Württemberg".into()),
        land_key: Some("08".into()),
        key: Some("08436".into()),
        parent_id: None,
        builtin: true,
    };
    let mut b = contact(2, "FITKO Geschäftsstelle");
    b.family_name = Some("Geschäftsstelle".into());
    b.organization = Some("FITKO".into());
    b.emails = vec!["post@fitko.de".into()];
    let mut c = contact(3, "Hans Weiß");
    c.given_name = Some("Hans".into());
    c.family_name = Some("Weiß".into());
    c.organization = Some("Eigene Organisation ohne Verzeichnis".into());
    let rows = vec![
        (a.clone(), Some(org_a)),
        (b.clone(), None),
        (c.clone(), None),
    ];

    let out = write_csv(&rows);
    assert!(out.starts_with("\u{feff}Titel;Vorname;Nachname;Anzeigename;"));
    assert!(out.contains("\r\n"));
    assert_eq!(
        out.matches("\r\n").count(),
        4,
        "header and three rows end in CRLF"
    );
    assert!(out.contains(";'=SUMME(A1:A9)"), "formula guarded");
    assert!(
        out.contains(";+49 751 85-0;"),
        "phone numbers are not formulas"
    );

    let p = preview(out.as_bytes()).unwrap();
    assert_eq!(p.encoding, "UTF-8 (BOM)");
    assert_eq!(p.delimiter, ';');
    assert!(p.unmapped.is_empty(), "{:?}", p.headers);
    assert!(
        !p.mapping.columns.contains(&Field::Ignore),
        "{:?}",
        p.headers
    );

    let r = read_csv(out.as_bytes(), None).unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert!(r.skipped.is_empty());
    assert_eq!(r.contacts.len(), 3);
    let ra = &r.contacts[0];
    assert_eq!(ra.line, 2);
    assert_eq!(ra.contact.title, a.title);
    assert_eq!(ra.contact.given_name, a.given_name);
    assert_eq!(ra.contact.family_name, a.family_name);
    assert_eq!(ra.contact.display_name, None, "equal to the composed name");
    assert_eq!(ra.contact.role, a.role);
    let org = ra.organization.as_ref().unwrap();
    assert_eq!(org.name, "Landratsamt Ravensburg");
    assert_eq!(org.level, Some(Level::Kommune));
    assert_eq!(org.land.as_deref(), Some("Baden-Württemberg"));
    assert_eq!(org.key.as_deref(), Some("08436"));
    assert_eq!(
        values(&ra.contact.emails),
        ["j.mueller@rv.de", "jm@privat.de"]
    );
    assert_eq!(values(&ra.contact.phones), ["+49 751 85-0", "0171 1234567"]);
    assert_eq!(ra.contact.street, a.street);
    assert_eq!(ra.contact.postal_code, a.postal_code);
    assert_eq!(ra.contact.locality, a.locality);
    assert_eq!(ra.contact.country, a.country);
    assert_eq!(ra.contact.website, a.website);
    assert_eq!(ra.contact.themenfelder, a.themenfelder);
    assert_eq!(ra.contact.tags, a.tags);
    assert_eq!(
        ra.notes,
        [
            "Erste Notiz\nmit zwei Zeilen; und \"Zitat\"",
            "=SUMME(A1:A9)"
        ]
    );

    let rb = &r.contacts[1];
    assert_eq!(
        rb.line, 4,
        "the multi-line note of the first row spans two lines"
    );
    assert_eq!(rb.contact.family_name.as_deref(), Some("Geschäftsstelle"));
    assert_eq!(
        rb.contact.display_name.as_deref(),
        Some("FITKO Geschäftsstelle"),
        "a display name that differs from the parts survives"
    );
    assert_eq!(rb.organization.as_ref().unwrap().name, "FITKO");
    assert_eq!(rb.organization.as_ref().unwrap().level, None);
    assert!(rb.notes.is_empty());
    let rc = &r.contacts[2];
    assert_eq!(rc.contact.given_name.as_deref(), Some("Hans"));
    assert_eq!(
        rc.organization.as_ref().unwrap().name,
        "Eigene Organisation ohne Verzeichnis"
    );

    // An empty export still has a header row that reads back as nothing.
    let empty = write_csv(&[]);
    assert_eq!(read_csv(empty.as_bytes(), None).unwrap().contacts.len(), 0);
}

#[test]
fn hundred_thousand_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gross.csv");
    let mut text = String::from(
        "Anrede;Titel;Vorname;Nachname;Funktion;Behörde;Ebene;Bundesland;E-Mail;Telefon;Straße;PLZ;Ort;Themenfeld;Schlagwörter;Bemerkung\r\n",
    );
    for i in 0..100_000 {
        text.push_str(&format!(
            "Frau;Dr.;Jördis{i};Müller{i};Referentin;\"Landratsamt {i}; Digitales\";Kommune;Baden-Württemberg;j{i}@kreis-{i}.de;0751 {i};Gartenstraße {i};{:05};Ravensburg;Familie & Kind;OZG, FIT;\"Notiz {i}\nzweite Zeile\"\r\n",
            i % 100_000
        ));
    }
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    std::fs::write(&path, &bytes).unwrap();
    let bytes = std::fs::read(&path).unwrap();

    let start = Instant::now();
    let p = preview(&bytes).unwrap();
    let t_preview = start.elapsed();
    let start = Instant::now();
    let r = read_csv(&bytes, None).unwrap();
    let t_read = start.elapsed();
    println!(
        "100,000 rows, {} bytes: preview {:?}, read_csv {:?}",
        bytes.len(),
        t_preview,
        t_read
    );
    assert_eq!(p.encoding, "Windows-1252");
    assert_eq!(p.rows, 100_000);
    assert_eq!(r.contacts.len(), 100_000);
    assert!(r.skipped.is_empty());
    assert!(r.warnings.is_empty(), "{:?}", &r.warnings[..3]);
    let last = r.contacts.last().unwrap();
    assert_eq!(last.line, 2 + 2 * 99_999);
    assert_eq!(last.contact.family_name.as_deref(), Some("Müller99999"));
    assert_eq!(last.notes, ["Notiz 99999\nzweite Zeile"]);
}
