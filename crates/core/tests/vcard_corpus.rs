//! Every vCard of the shared corpus (real files from other projects' test suites) through
//! [`read_vcards`]: none may panic or take long, and the files with known quirks must give what
//! `shared/corpus/README.md` says. Set `VERNETZT_CORPUS` to read another copy of the corpus.

mod common;

use common::corpus;
use std::collections::BTreeMap;
use std::panic::catch_unwind;
use std::time::{Duration, Instant};
use vernetzt_core::Store;
use vernetzt_core::model::{ContactInput, ImportedContact, PhotoChange};
use vernetzt_core::vcard::{VcardError, VcardRead, Version, read_vcards, write_vcard};

/// Reads one file under `catch_unwind` and a time bound.
fn read_file(path: &std::path::Path) -> Result<VcardRead, VcardError> {
    let bytes = std::fs::read(path).expect("readable");
    let start = Instant::now();
    let result = catch_unwind(|| read_vcards(&bytes))
        .unwrap_or_else(|_| panic!("{} panicked", path.display()));
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{} took {:?}",
        path.display(),
        start.elapsed()
    );
    result
}

/// All results of the vCard folder, by file name.
fn read_all() -> BTreeMap<String, Result<VcardRead, VcardError>> {
    let dir = corpus().join("vcard");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("listable") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        out.insert(name, read_file(&path));
    }
    out
}

fn ok<'a>(all: &'a BTreeMap<String, Result<VcardRead, VcardError>>, name: &str) -> &'a VcardRead {
    match all.get(name) {
        Some(Ok(r)) => r,
        Some(Err(e)) => panic!("{name}: {e}"),
        None => panic!("{name} is not in the corpus"),
    }
}

fn by_name<'a>(r: &'a VcardRead, name: &str) -> &'a ImportedContact {
    r.contacts
        .iter()
        .find(|c| c.contact.display_name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no contact {name}: {r:#?}"))
}

fn labels(values: &[vernetzt_core::model::Labeled]) -> Vec<(&str, Option<&str>)> {
    values
        .iter()
        .map(|v| (v.value.as_str(), v.label.as_deref()))
        .collect()
}

#[test]
fn every_corpus_vcard_is_read_without_panic() {
    let all = read_all();
    assert!(all.len() >= 70, "only {} files", all.len());
    let (mut contacts, mut orgs, mut skipped, mut warnings, mut refused) = (0, 0, 0, 0, 0);
    for (name, r) in &all {
        match r {
            Ok(r) => {
                contacts += r.contacts.len();
                orgs += r.organizations.len();
                skipped += r.skipped.len();
                warnings += r.warnings.len();
                eprintln!(
                    "{name}: {} contacts, {} organisations, {} skipped, {} warnings",
                    r.contacts.len(),
                    r.organizations.len(),
                    r.skipped.len(),
                    r.warnings.len()
                );
                for w in &r.warnings {
                    eprintln!("    {w}");
                }
                for s in &r.skipped {
                    eprintln!("    skipped line {}: {}", s.line, s.reason);
                }
            }
            Err(e) => {
                refused += 1;
                eprintln!("{name}: {e}");
            }
        }
    }
    eprintln!(
        "{} files: {contacts} contacts, {orgs} organisations, {skipped} skipped, \
         {warnings} warnings, {refused} refused",
        all.len()
    );
    // Only the file of property errors holds no vCard at all.
    assert_eq!(refused, 1);
    assert!(contacts >= 100, "{contacts} contacts");
    // Every file with a BEGIN:VCARD gave at least a contact or a skipped card.
    for (name, r) in &all {
        if let Ok(r) = r {
            assert!(
                !r.contacts.is_empty() || !r.organizations.is_empty() || !r.skipped.is_empty(),
                "{name}: nothing read"
            );
        }
    }
}

#[test]
fn property_errors_refuse_the_file() {
    let all = read_all();
    match &all["ical-rs__property_error.vcf"] {
        Err(VcardError::NotVcard(m)) => assert!(m.contains("no BEGIN:VCARD"), "{m}"),
        Ok(r) => panic!("read: {r:?}"),
    }
}

#[test]
fn an_empty_card_is_skipped() {
    let all = read_all();
    let r = ok(&all, "ccs-calendarserver__home_bad-1.vcf");
    assert!(r.contacts.is_empty());
    assert_eq!(r.skipped.len(), 1);
    assert_eq!(r.skipped[0].line, 1);
    assert_eq!(r.skipped[0].reason, "empty vCard");
    let r = ok(&all, "calcard__068.vcf");
    assert!(r.contacts.is_empty() && r.skipped.len() == 1, "{r:?}");
}

#[test]
fn outlook_21_card_with_qp_labels_stored_as_ics() {
    let all = read_all();
    let r = ok(&all, "libical__issue339.ics");
    assert_eq!(r.contacts.len(), 1);
    let c = &r.contacts[0];
    // The QP LABELs' soft line breaks (lines 12-13, 16-17) are joined, not unreadable lines.
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(
        c.contact.display_name.as_deref(),
        Some("Test de Tester 04-04 (outlook)")
    );
    assert_eq!(c.contact.family_name.as_deref(), Some("de Tester 04-04"));
    assert_eq!(c.contact.role.as_deref(), Some("Tester"));
    assert_eq!(
        c.organization.as_ref().map(|o| o.name.as_str()),
        Some("Test BV")
    );
    assert_eq!(
        labels(&c.contact.phones),
        [
            ("(010) 123-4567", Some("work")),
            ("(010) 123-4568", Some("home")),
            ("(010) 123-4560", Some("cell")),
        ]
    );
    assert_eq!(c.contact.emails.len(), 3);
    // The preferred (home) address wins, as a whole.
    let address = [
        &c.contact.street,
        &c.contact.postal_code,
        &c.contact.country,
    ];
    assert_eq!(
        address.map(|f| f.as_deref()),
        [Some("Homestreet 99"), Some("1111ZZZ"), Some("Netherlands")]
    );
    assert_eq!(
        c.contact.website.as_deref(),
        Some("https://www.personalhomepage.com")
    );
    // X-MS-CARDPICTURE stands in for PHOTO (a JPEG, kept re-encoded as PNG).
    assert!(matches!(&c.contact.photo, PhotoChange::Set(p) if p.mime == "image/png"));
}

#[test]
fn sap_export_in_iso_8859_1_keeps_umlauts() {
    let all = read_all();
    let r = ok(&all, "ical4j-vcard__vcard-vCards-SAP.vcf");
    assert_eq!(r.contacts.len() + r.skipped.len(), 30);
    let c = by_name(r, "Günther Blümchen");
    assert_eq!(c.contact.family_name.as_deref(), Some("Blümchen"));
    let c = by_name(r, "Ingrid Spaßlund");
    assert_eq!(c.contact.family_name.as_deref(), Some("Spaßlund"));
    assert!(
        r.contacts
            .iter()
            .any(|c| c.contact.street.as_deref() == Some("Brotmannstraße 7"))
    );
    // One warning for the undeclared charset, not one per line.
    assert_eq!(
        r.warnings
            .iter()
            .filter(|w| w.contains("not UTF-8"))
            .count(),
        1,
        "{:?}",
        r.warnings
    );
}

#[test]
fn apple_item_groups_give_labels() {
    let all = read_all();
    let r = ok(&all, "ezvcard__John_Doe_IPHONE.vcf");
    let c = &r.contacts[0];
    let all_labels: Vec<Option<&str>> = c
        .contact
        .emails
        .iter()
        .chain(&c.contact.phones)
        .map(|v| v.label.as_deref())
        .collect();
    assert!(all_labels.iter().any(|l| l.is_some()), "{:#?}", c.contact);
    let r = ok(&all, "calcard__077.vcf");
    assert!(
        r.contacts
            .iter()
            .flat_map(|c| c.contact.emails.iter().chain(&c.contact.phones))
            .any(|v| v.label.is_some()),
        "{r:#?}"
    );
}

#[test]
fn a_vcalendar_file_named_vcf_is_not_a_vcard() {
    let path = corpus().join("ical/libical__user-cal.vcf");
    match read_file(&path) {
        Err(VcardError::NotVcard(m)) => assert!(m.contains("iCalendar"), "{m}"),
        Ok(r) => panic!("read as vCard: {r:?}"),
    }
}

#[test]
fn no_ics_calendar_reads_as_vcards() {
    let dir = corpus().join("ical");
    for entry in std::fs::read_dir(&dir).expect("listable") {
        let path = entry.expect("entry").path();
        if let Ok(r) = read_file(&path) {
            panic!("{} read as vCards: {r:?}", path.display());
        }
    }
}

/// What the reader keeps must be what the store accepts (it refuses a whole contact for one bad
/// value), and what is stored must survive export and import in both versions.
#[test]
fn every_corpus_contact_is_stored_and_survives_export_and_import() {
    let all = read_all();
    let mut store = Store::open_in_memory().expect("store");
    let mut stored = 0;
    for (name, r) in &all {
        let Ok(r) = r else { continue };
        for c in &r.contacts {
            let created = store
                .create_contact(&c.contact, None)
                .unwrap_or_else(|e| panic!("{name} line {}: store refused: {e}", c.line));
            for note in &c.notes {
                store
                    .add_note(created.id, note)
                    .unwrap_or_else(|e| panic!("{name} line {}: note refused: {e}", c.line));
            }
            let contact = store.contact(created.id).expect("stored");
            stored += 1;
            for version in [Version::V4, Version::V3] {
                let text = write_vcard(&contact, None, version);
                let back = read_vcards(text.as_bytes()).expect("own output");
                assert!(back.warnings.is_empty(), "{name}: {:?}", back.warnings);
                let got = &back.contacts[0];
                let mut want = ContactInput::from_contact(&contact);
                if let Some(p) = &contact.photo {
                    want.photo = PhotoChange::Set(p.clone());
                }
                assert_eq!(got.contact, want, "{name} {version:?}\n{text}");
                let notes: Vec<&str> = contact.notes.iter().map(|n| n.body.as_str()).collect();
                assert_eq!(got.notes, notes, "{name}");
                assert_eq!(got.uid.as_deref(), Some(contact.uid.as_str()));
                assert_eq!(
                    got.organization.as_ref().map(|o| o.name.as_str()),
                    contact.organization.as_deref()
                );
            }
        }
    }
    assert!(stored >= 100, "{stored}");
}
