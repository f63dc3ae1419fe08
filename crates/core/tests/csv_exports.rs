//! The CSV exports of the tools users have (issue 13): Outlook, Thunderbird, Google Contacts,
//! LinkedIn and pretix, as `tests/data/csv-exports/generate.py` writes them from each tool's
//! published column list, in its encoding and delimiter. Each is recognised, named in the
//! preview and read without a mapping from the user.

use std::path::PathBuf;
use vernetzt_core::Store;
use vernetzt_core::csv::{CsvPreview, CsvSource, Field, preview, read_csv, recognise};
use vernetzt_core::model::{ContactInput, ImportedContact, Labeled, OwnEventInput};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/csv-exports")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn by_family<'a>(contacts: &'a [ImportedContact], family: &str) -> &'a ImportedContact {
    contacts
        .iter()
        .find(|c| c.contact.family_name.as_deref() == Some(family))
        .unwrap_or_else(|| panic!("no contact {family}"))
}

/// Values with their labels, as `value (label)`.
fn labeled(v: &[Labeled]) -> Vec<String> {
    v.iter()
        .map(|l| match &l.label {
            Some(label) => format!("{} ({label})", l.value),
            None => l.value.clone(),
        })
        .collect()
}

/// The address as one line, `-` for a part that is missing.
fn address(c: &ContactInput) -> String {
    let part = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    format!(
        "{}, {} {}, {}",
        part(&c.street),
        part(&c.postal_code),
        part(&c.locality),
        part(&c.country)
    )
}

fn column(headers: &[String], name: &str) -> usize {
    headers
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn warnings_at(warnings: &[String], line: usize) -> Vec<&String> {
    let prefix = format!("line {line}:");
    warnings.iter().filter(|w| w.starts_with(&prefix)).collect()
}

/// Whether a warning starts with `start` and names `needle`.
fn warned(warnings: &[String], start: &str, needle: &str) -> bool {
    warnings
        .iter()
        .any(|w| w.starts_with(start) && w.contains(needle))
}

/// Panics unless the columns are mapped as `expected` says: `header=field` pairs (the field as
/// the UI names it) separated by ` | `.
fn assert_fields(p: &CsvPreview, expected: &str) {
    for pair in expected.split(" | ") {
        let (name, field) = pair.rsplit_once('=').unwrap();
        let field: Field = serde_json::from_value(field.into()).unwrap();
        assert_eq!(p.mapping.columns[column(&p.headers, name)], field, "{name}");
    }
}

/// The headers of the columns listed as holding data that is not imported.
fn unmapped(p: &CsvPreview) -> Vec<&str> {
    p.unmapped.iter().map(|&i| p.headers[i].as_str()).collect()
}

#[test]
fn outlook_is_recognised_with_its_92_columns_and_its_noise_left_out() {
    let p = preview(&fixture("outlook_de.csv")).unwrap();
    assert_eq!(p.source, CsvSource::Outlook);
    assert_eq!((p.delimiter, p.encoding.as_str()), (',', "Windows-1252"));
    assert_eq!(p.headers.len(), 92);
    // Generic detection takes `E-Mail: Angezeigter Name` for an address and `Ort` for the city.
    assert_fields(
        &p,
        "Anrede=title | Position=role | Straße geschäftlich=street | \
         Postleitzahl geschäftlich=postal_code | E-Mail-Adresse=email | \
         E-Mail 2: Adresse=email | E-Mail: Angezeigter Name=ignore | Ort=ignore",
    );
    let unmapped = unmapped(&p);
    for listed in ["Abteilung", "Straße privat", "Weitere Vornamen"] {
        assert!(unmapped.contains(&listed), "{listed}: {unmapped:?}");
    }
    for noise in [
        "E-Mail-Typ",
        "E-Mail: Angezeigter Name",
        "Priorität",
        "Geschlecht",
        "Initialen",
        "Ort",
    ] {
        assert!(!unmapped.contains(&noise), "{noise}: {unmapped:?}");
    }
    assert_eq!(
        serde_json::to_value(&p).unwrap()["source"],
        "outlook",
        "the UI's name"
    );
}

#[test]
fn outlook_people_read_without_help() {
    let r = read_csv(&fixture("outlook_de.csv"), None).unwrap();
    assert_eq!(r.contacts.len(), 4, "{:?}", r.skipped);
    let m = by_family(&r.contacts, "Müller");
    let c = &m.contact;
    assert_eq!(
        (
            c.title.as_deref(),
            c.given_name.as_deref(),
            c.role.as_deref()
        ),
        (Some("Dr."), Some("Jördis"), Some("Referatsleitung"))
    );
    assert_eq!(m.organization.as_ref().unwrap().name, "Stadt Köln");
    assert_eq!(address(c), "Willy-Brandt-Platz 2, 50679 Köln, Deutschland");
    assert_eq!(labeled(&c.emails), ["joerdis.mueller@stadt-koeln.example"]);
    assert_eq!(
        labeled(&c.phones),
        [
            "+49 221 221-1 (Fax dienstlich)",
            "+49 221 221-0 (dienstlich)",
            "+49 170 1234567 (mobil)"
        ]
    );
    assert_eq!(c.tags, ["OZG", "Wohngeld"]);
    assert_eq!(c.website.as_deref(), Some("www.stadt-koeln.example"));
    assert_eq!(m.notes, ["Kennt das EfA-Modell.\nRückruf erbeten."]);
    assert!(
        warnings_at(&r.warnings, m.line).is_empty(),
        "{:?}",
        r.warnings
    );

    // Outlook's `Ort` is a room, not the city; the private address is not the business one.
    let w = &by_family(&r.contacts, "Weiß").contact;
    assert_eq!(w.title.as_deref(), Some("Prof."), "`Herr` is no title");
    assert_eq!(address(w), "-, - -, -");
    assert_eq!(labeled(&w.phones), ["+49 351 1234567 (privat)"]);
}

#[test]
fn outlook_exchange_x500_addresses_are_never_stored() {
    let r = read_csv(&fixture("outlook_de.csv"), None).unwrap();
    let brandt = by_family(&r.contacts, "Brandt");
    assert_eq!(brandt.contact.title, None, "`Herr` is no title");
    assert_eq!(
        labeled(&brandt.contact.emails),
        ["kai.brandt@digitales.hessen.example"],
        "the next real address"
    );
    assert!(
        warnings_at(&r.warnings, brandt.line).is_empty(),
        "{:?}",
        r.warnings
    );

    let kraemer = by_family(&r.contacts, "Krämer");
    assert!(kraemer.contact.emails.is_empty());
    let w = warnings_at(&r.warnings, kraemer.line);
    assert!(
        w.len() == 1 && w[0].contains("X.500") && !w[0].contains("ExchangeLabs"),
        "{:?}",
        r.warnings
    );
    let all = serde_json::to_string(&r.contacts).unwrap();
    assert!(!all.contains("/o="), "{all}");
}

#[test]
fn an_x500_address_is_no_address_in_any_file() {
    let csv = "Vorname;Nachname;E-Mail\r\nKai;Brandt;/O=EXCHANGELABS/OU=EXCHANGE ADMINISTRATIVE GROUP (FYDIBOHF23SPDLT)/CN=RECIPIENTS/CN=KBRANDT\r\n";
    let r = read_csv(csv.as_bytes(), None).unwrap();
    assert!(r.contacts[0].contact.emails.is_empty());
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert!(r.warnings[0].starts_with("line 2:") && r.warnings[0].contains("X.500"));
}

#[test]
fn thunderbird_utf8_and_windows_1252_read_alike_and_a_repeated_header_is_read_once() {
    let utf8 = fixture("thunderbird_de_utf8.csv");
    let ansi = fixture("thunderbird_de_cp1252.csv");
    let (pu, pa) = (preview(&utf8).unwrap(), preview(&ansi).unwrap());
    assert_eq!(
        (pu.source, pu.encoding.as_str()),
        (CsvSource::Thunderbird, "UTF-8")
    );
    assert_eq!(
        (pa.source, pa.encoding.as_str()),
        (CsvSource::Thunderbird, "Windows-1252")
    );
    let names: Vec<usize> = (0..pa.headers.len())
        .filter(|&i| pa.headers[i] == "Anzeigename")
        .collect();
    assert_eq!(names.len(), 2);
    assert_eq!(
        pa.mapping.columns[names[0]],
        Field::FullName,
        "the first one"
    );
    assert_eq!(pa.mapping.columns[names[1]], Field::Ignore);
    assert!(!pa.unmapped.contains(&names[1]), "not a column to look at");

    let (ru, ra) = (
        read_csv(&utf8, None).unwrap(),
        read_csv(&ansi, None).unwrap(),
    );
    assert_eq!(ru.contacts, ra.contacts, "the same people either way");
    assert!(
        ru.warnings.is_empty() && ra.warnings.is_empty(),
        "{:?}",
        ra.warnings
    );
    let m = by_family(&ra.contacts, "Müller");
    let c = &m.contact;
    assert_eq!(c.display_name.as_deref(), Some("Jördis Müller (Köln)"));
    assert_eq!(
        labeled(&c.emails),
        ["joerdis.mueller@stadt-koeln.example", "jm@privat.example"]
    );
    assert_eq!(
        labeled(&c.phones),
        [
            "+49 221 221-0 (dienstlich)",
            "+49 221 221-1 (Fax)",
            "+49 170 1234567 (mobil)"
        ]
    );
    assert_eq!(c.role.as_deref(), Some("Referatsleitung"));
    assert_eq!(address(c), "Willy-Brandt-Platz 2, 50679 Köln, Deutschland");
    assert_eq!(m.organization.as_ref().unwrap().name, "Stadt Köln");
    assert_eq!(
        c.website.as_deref(),
        Some("https://www.stadt-koeln.example")
    );
    assert_eq!(m.notes, ["Trifft man auf dem Digitalgipfel."]);
}

#[test]
fn google_values_joined_with_colons_are_split_and_labels_come_from_their_column() {
    let bytes = fixture("google.csv");
    let p = preview(&bytes).unwrap();
    assert_eq!(
        (p.source, p.encoding.as_str()),
        (CsvSource::Google, "UTF-8 (BOM)")
    );
    assert_fields(
        &p,
        "E-mail 1 - Value=email | E-mail 1 - Label=ignore | Phone 1 - Label=ignore | \
         Name Prefix=title | Organization Title=role | Address 1 - Street=street",
    );
    assert_eq!(
        unmapped(&p),
        ["Organization Department"],
        "labels and File As are no loss"
    );

    let r = read_csv(&bytes, None).unwrap();
    let m = by_family(&r.contacts, "Müller");
    let c = &m.contact;
    assert_eq!(
        labeled(&c.emails),
        [
            "joerdis.mueller@stadt-koeln.example (dienstlich)",
            "j.mueller@stadt-koeln.example (dienstlich)",
            "joerdis@privat.example (privat)"
        ]
    );
    assert_eq!(
        labeled(&c.phones),
        [
            "+49 170 1234567 (mobil)",
            "+49 171 7654321 (mobil)",
            "+49 221 221-0 (dienstlich)"
        ]
    );
    assert_eq!(c.tags, ["OZG"], "system groups are no tags");
    assert_eq!(
        (c.title.as_deref(), c.role.as_deref(), c.locality.as_deref()),
        (Some("Dr."), Some("Referatsleitung"), Some("Köln"))
    );
    // One organisation fits the model: the first, and a warning names the other.
    assert_eq!(m.organization.as_ref().unwrap().name, "Stadt Köln");
    let w = warnings_at(&r.warnings, m.line);
    assert!(
        w.len() == 1 && w[0].contains("'Deutscher Städtetag' left out"),
        "{:?}",
        r.warnings
    );
    let all = serde_json::to_string(&r.contacts).unwrap();
    assert!(!all.contains(":::"), "never the joined string: {all}");

    let b = &by_family(&r.contacts, "Brandt").contact;
    assert_eq!(b.title, None, "`Herr` is no title");
    assert_eq!(
        labeled(&b.emails),
        ["kai.brandt@digitales.hessen.example"],
        "`Other` says nothing"
    );
    assert!(b.tags.is_empty());
}

#[test]
fn linkedin_notes_before_the_header_are_skipped_and_the_profile_kept() {
    let bytes = fixture("linkedin_connections.csv");
    let p = preview(&bytes).unwrap();
    assert_eq!(
        (p.source, p.delimiter, p.rows),
        (CsvSource::LinkedIn, ',', 3)
    );
    assert_eq!(p.headers[0], "First Name");
    assert_eq!(p.mapping.columns[2], Field::Website);
    assert!(p.unmapped.is_empty(), "{:?}", p.unmapped);
    assert_eq!(serde_json::to_value(&p).unwrap()["source"], "linkedin");

    let r = read_csv(&bytes, None).unwrap();
    assert!(r.warnings.is_empty() && r.skipped.is_empty(), "{r:?}");
    let m = by_family(&r.contacts, "Müller");
    assert_eq!(m.line, 5, "physical lines: the preamble counts");
    assert_eq!(
        m.contact.website.as_deref(),
        Some("https://www.linkedin.com/in/joerdis-mueller")
    );
    assert!(m.contact.emails.is_empty());
    let b = &by_family(&r.contacts, "Brandt").contact;
    assert_eq!(labeled(&b.emails), ["kai.brandt@digitales.hessen.example"]);
    assert_eq!(b.role.as_deref(), Some("CIO, Abteilung Z"));

    // Older exports start with the header.
    let bare = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\nA,B,https://www.linkedin.com/in/ab,,,,\n";
    assert_eq!(
        preview(bare.as_bytes()).unwrap().source,
        CsvSource::LinkedIn
    );
}

#[test]
fn pretix_never_gives_the_bookers_address_to_an_attendee() {
    let bytes = fixture("pretix_de.csv");
    let p = preview(&bytes).unwrap();
    assert_eq!((p.source, p.delimiter), (CsvSource::Pretix, ';'));
    // `Position` is an id, not a role; `Funktion` is a question, read as any column.
    assert_fields(
        &p,
        "E-Mail=ignore | Telefonnummer=ignore | Position=ignore | \
         E-Mail Teilnehmer*in=email | Name Teilnehmer*in: Vorname=given_name | \
         Teilnehmer*innen-Firma=organization | Funktion=role",
    );
    assert!(p.unmapped.is_empty(), "{:?}", p.unmapped);

    let r = read_csv(&bytes, None).unwrap();
    assert_eq!(r.contacts.len(), 3, "{:?}", r.skipped);
    let b = by_family(&r.contacts, "Brandt");
    assert_eq!(labeled(&b.contact.emails), ["kai.brandt@bmi.example"]);
    assert_eq!(b.contact.title.as_deref(), Some("Dr."));
    assert_eq!(b.organization.as_ref().unwrap().name, "BMI");
    let y = &by_family(&r.contacts, "Yılmaz").contact;
    assert!(y.emails.is_empty(), "no address of their own: none at all");
    let all = serde_json::to_string(&r.contacts).unwrap();
    assert!(
        !all.contains("vorzimmer") && !all.contains("18681"),
        "{all}"
    );

    // Not even when a mapping (a remembered one, say) maps the booker's columns.
    let mut mine = p.mapping.clone();
    mine.columns[column(&p.headers, "E-Mail")] = Field::Email;
    let r = read_csv(&bytes, Some(&mine)).unwrap();
    assert!(by_family(&r.contacts, "Yılmaz").contact.emails.is_empty());
    let booked = warned(&r.warnings, "column 'E-Mail'", "booked");
    assert!(booked, "{:?}", r.warnings);
}

#[test]
fn pretix_cancelled_positions_are_contacts_but_no_attendees() {
    let bytes = fixture("pretix_de.csv");
    let r = read_csv(&bytes, None).unwrap();
    let k = by_family(&r.contacts, "Krämer");
    assert!(k.cancelled);
    assert_eq!(
        labeled(&k.contact.emails),
        ["svenja.kraemer@digitalagentur-nord.example"]
    );
    let at = format!("line {}:", k.line);
    assert!(warned(&r.warnings, &at, "'storniert'"), "{:?}", r.warnings);
    assert!(!by_family(&r.contacts, "Brandt").cancelled);

    let mut store = Store::open_in_memory().unwrap();
    let summit: OwnEventInput = serde_json::from_value(serde_json::json!({
        "title": "Digitalgipfel 2026", "start": "2026-05-12T09:00", "end": "2026-05-12T17:00"
    }))
    .unwrap();
    let event = store.create_own_event(&summit).unwrap();
    let report = vernetzt_core::exchange::import(&mut store, &bytes, None, Some(&event)).unwrap();
    assert_eq!((report.imported, report.attendees), (3, 2), "{report:?}");
    let (_, rows) = store.attendance(&event).unwrap();
    let mut names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["Dr. Kai Brandt", "Ümit Yılmaz"]);
}

#[test]
fn pretix_older_headers_and_the_invoice_block_after_the_attendee() {
    let csv = "Bestellnummer;Position;Status;E-Mail;Name;Teilnehmer*in Name;E-Mail Teilnehmer*in;Firma;Firma\r\n\
               A1;1;canceled;chef@amt.example;Chef;Eva Berger;;Amt A;Amt B\r\n";
    let p = preview(csv.as_bytes()).unwrap();
    assert_eq!(p.source, CsvSource::Pretix);
    use Field::*;
    assert_eq!(
        p.mapping.columns,
        [
            Ignore,
            Ignore,
            Ignore,
            Ignore,
            Ignore,
            FullName,
            Email,
            Organization,
            Ignore
        ]
    );
    let r = read_csv(csv.as_bytes(), None).unwrap();
    let e = &r.contacts[0];
    assert!(e.cancelled && e.contact.emails.is_empty());
    assert_eq!(e.organization.as_ref().unwrap().name, "Amt A");
}

#[test]
fn other_tables_stay_generic() {
    let generic =
        |h: &[&str]| recognise(&h.iter().map(|s| s.to_string()).collect::<Vec<_>>(), false);
    assert_eq!(
        generic(&["Vorname", "Nachname", "E-Mail", "Behörde"]),
        CsvSource::Generic
    );
    assert_eq!(
        generic(&["Vorname", "Nachname", "Telefon 1 - Wert"]),
        CsvSource::Generic
    );
    assert_eq!(
        generic(&["Bestellnummer", "Vorname", "Nachname"]),
        CsvSource::Generic
    );
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/csv");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if let Ok(p) = preview(&std::fs::read(&path).unwrap()) {
            assert_eq!(p.source, CsvSource::Generic, "{}", path.display());
        }
    }
}
