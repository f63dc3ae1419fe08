//! Contacts in and out as files: vCard or CSV, detected from the content; one place for the CLI
//! and the app, so both import and export the same way.

use crate::csv::{self, CsvPreview, Mapping};
use crate::error::{Error, Result};
use crate::model::{EventRef, ImportReport, Organization, OrganizationInput};
use crate::store::Store;
use crate::vcard::{self, Version};
use serde::{Deserialize, Serialize};

/// File formats for contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// vCard 2.1, 3.0 or 4.0 (one or many cards).
    Vcard,
    /// A CSV attendee list.
    Csv,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// vCard 4.0 (RFC 6350).
    Vcard4,
    /// vCard 3.0 for older clients (RFC 2426).
    Vcard3,
    /// CSV as German Excel reads it (UTF-8 with BOM, `;`).
    Csv,
}

/// Tells vCard from CSV by content: a `BEGIN:VCARD` among the first lines (after a BOM or blank
/// lines). The file name is not trusted: exports are often misnamed.
pub fn detect(bytes: &[u8]) -> Format {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_uppercase();
    let head = head.trim_start_matches('\u{feff}');
    let starts = head
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if starts.starts_with("BEGIN:VCARD") || starts.starts_with("BEGIN: VCARD") {
        Format::Vcard
    } else {
        Format::Csv
    }
}

/// What the import dialog shows before importing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    /// Detected format.
    pub format: Format,
    /// For CSV: how the file was understood (delimiter, encoding, headers, detected mapping).
    pub csv: Option<CsvPreview>,
    /// For CSV: the mapping the user chose last time for files with these headers.
    pub remembered: Option<Mapping>,
    /// For vCard: how many cards can be imported, and how many were skipped.
    pub cards: Option<(usize, usize)>,
}

/// Reads vCards on every core: a large file is cut at card boundaries (`\nBEGIN:VCARD`) into one
/// piece per core, each read on its own thread, and the results joined with their line numbers
/// shifted back. Reading dominated a 10,000-card import; this halves it on the 2-core machines.
pub fn read_vcards(bytes: &[u8]) -> Result<vcard::VcardRead> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    let mut cuts = vec![0usize];
    if bytes.len() > 1_000_000 && threads > 1 {
        let step = bytes.len() / threads;
        for k in 1..threads {
            let from = (k * step).max(*cuts.last().expect("non-empty") + 1);
            if let Some(pos) = find(&bytes[from.min(bytes.len())..], b"\nBEGIN:VCARD") {
                cuts.push(from + pos + 1);
            }
        }
    }
    cuts.push(bytes.len());
    cuts.dedup();
    let pieces: Vec<&[u8]> = cuts.windows(2).map(|w| &bytes[w[0]..w[1]]).collect();
    let reads: Vec<std::result::Result<vcard::VcardRead, vcard::VcardError>> =
        std::thread::scope(|scope| {
            let handles: Vec<_> = pieces
                .iter()
                .map(|p| scope.spawn(move || vcard::read_vcards(p)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("reader thread"))
                .collect()
        });
    let mut out = vcard::VcardRead {
        contacts: vec![],
        organizations: vec![],
        skipped: vec![],
        warnings: vec![],
    };
    let mut offset = 0;
    for (piece, read) in pieces.iter().zip(reads) {
        let mut r = read.map_err(|e| Error::Import(e.to_string()))?;
        for c in &mut r.contacts {
            c.line += offset;
        }
        for s in &mut r.skipped {
            s.line += offset;
        }
        out.warnings
            .extend(r.warnings.into_iter().map(|w| shift_line(&w, offset)));
        out.contacts.extend(r.contacts);
        out.organizations.extend(r.organizations);
        out.skipped.extend(r.skipped);
        offset += piece.iter().filter(|b| **b == b'\n').count();
    }
    Ok(out)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `line 12: …` of a piece → `line 12 + offset: …` of the file.
fn shift_line(w: &str, offset: usize) -> String {
    match w.strip_prefix("line ").and_then(|r| r.split_once(':')) {
        Some((n, rest)) if offset > 0 => match n.parse::<usize>() {
            Ok(n) => format!("line {}:{rest}", n + offset),
            Err(_) => w.to_string(),
        },
        _ => w.to_string(),
    }
}

/// A picture (PNG/JPEG) is read as the QR code it shows (a scanned business card); anything
/// else is taken as it is.
fn unwrap_picture(bytes: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>> {
    if crate::qr::is_picture(bytes) {
        Ok(std::borrow::Cow::Owned(
            crate::qr::read_qr(bytes)?.into_bytes(),
        ))
    } else {
        Ok(std::borrow::Cow::Borrowed(bytes))
    }
}

/// Reads a file for the import dialog; changes nothing.
pub fn preview(store: &Store, bytes: &[u8]) -> Result<Preview> {
    let bytes = &*unwrap_picture(bytes)?;
    match detect(bytes) {
        Format::Vcard => {
            let read = read_vcards(bytes)?;
            Ok(Preview {
                format: Format::Vcard,
                csv: None,
                remembered: None,
                cards: Some((read.contacts.len(), read.skipped.len())),
            })
        }
        Format::Csv => {
            let p = csv::preview(bytes).map_err(|e| Error::Import(e.to_string()))?;
            let remembered = store
                .csv_mapping(&csv::header_key(&p.headers))?
                .and_then(|m| serde_json::from_str(&m).ok());
            Ok(Preview {
                format: Format::Csv,
                csv: Some(p),
                remembered,
                cards: None,
            })
        }
    }
}

/// Imports a vCard or CSV file in one transaction. For CSV, `mapping` (or the remembered one, or
/// the detected one) says which column is what; a given mapping is remembered for files with the
/// same header row. With `event`, every imported person is recorded as an attendee, except a
/// cancelled registration (pretix: `storniert`), which is imported as a contact only.
pub fn import(
    store: &mut Store,
    bytes: &[u8],
    mapping: Option<&Mapping>,
    event: Option<&EventRef>,
) -> Result<ImportReport> {
    let bytes = &*unwrap_picture(bytes)?;
    match detect(bytes) {
        Format::Vcard => {
            let read = read_vcards(bytes)?;
            for org in &read.organizations {
                if store.find_orgs(&org.name)?.is_empty() {
                    let level = org.level.unwrap_or(crate::model::Level::Other);
                    let _ = store.create_org(&OrganizationInput {
                        name: org.name.clone(),
                        level: Some(level),
                        land_key: org.land.clone(),
                        key: org.key.clone(),
                        ..Default::default()
                    });
                }
            }
            let mut report = store.import_contacts(&read.contacts, event, "vcard")?;
            report.skipped.extend(read.skipped);
            report.warnings.splice(0..0, read.warnings);
            Ok(report)
        }
        Format::Csv => {
            // A given mapping wins; else the one remembered for these headers; else detection.
            let mut key = String::new();
            let read = csv::read_csv_choosing(bytes, |headers| {
                key = csv::header_key(headers);
                mapping.cloned().or_else(|| {
                    store
                        .csv_mapping(&key)
                        .ok()
                        .flatten()
                        .and_then(|m| serde_json::from_str(&m).ok())
                })
            })
            .map_err(|e| Error::Import(e.to_string()))?;
            if let Some(m) = mapping {
                store.remember_csv_mapping(&key, &serde_json::to_string(m).expect("mapping"))?;
            }
            let mut report = store.import_contacts(&read.contacts, event, "csv")?;
            report.skipped.extend(read.skipped);
            report.skipped.sort_by_key(|s| s.line);
            report.warnings.splice(0..0, read.warnings);
            Ok(report)
        }
    }
}

/// Every live contact with its organisation, for export.
fn all_with_orgs(store: &Store) -> Result<Vec<(crate::model::Contact, Option<Organization>)>> {
    store
        .contact_ids()?
        .into_iter()
        .map(|id| {
            let c = store.contact(id)?;
            let org = c.organization_id.map(|o| store.org(o)).transpose()?;
            Ok((c, org))
        })
        .collect()
}

/// Exports every contact.
pub fn export(store: &Store, format: ExportFormat) -> Result<String> {
    let rows = all_with_orgs(store)?;
    Ok(match format {
        ExportFormat::Vcard4 => vcard::write_vcards(&rows, Version::V4),
        ExportFormat::Vcard3 => vcard::write_vcards(&rows, Version::V3),
        ExportFormat::Csv => csv::write_csv(&rows),
    })
}

/// Decodes a file the UI sends as base64 (the IPC bridge carries text); refuses more than 60 MB.
pub fn from_base64(data: &str) -> Result<Vec<u8>> {
    use base64::Engine;
    if data.len() > 80_000_000 {
        return Err(Error::Import(
            "the file is larger than 60 MB; split it".into(),
        ));
    }
    base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|_| Error::Import("the file did not arrive intact (bad base64)".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chosen_csv_mapping_is_remembered_for_the_same_headers() {
        use crate::csv::Field;
        let mut store = Store::open_in_memory().unwrap();
        let csv = b"Spalte A;Spalte B\r\nM\xc3\xbcller;j@example.org\r\n";
        assert!(preview(&store, csv).unwrap().remembered.is_none());
        let mine = Mapping {
            columns: vec![Field::FamilyName, Field::Email],
        };
        assert_eq!(
            import(&mut store, csv, Some(&mine), None).unwrap().imported,
            1
        );
        assert_eq!(preview(&store, csv).unwrap().remembered, Some(mine));
        let again = b"Spalte A;Spalte B\r\nWei\xc3\x9f;w@example.org\r\n";
        let r = import(&mut store, again, None, None).unwrap();
        assert_eq!(r.imported, 1, "{r:?}");
        let c = store.contact(r.contact_ids[0]).unwrap();
        assert_eq!(
            (c.family_name.as_deref(), c.emails[0].as_str()),
            (Some("Weiß"), "w@example.org")
        );
    }

    #[test]
    fn parallel_reading_keeps_order_and_line_numbers() {
        let mut file = String::new();
        for i in 0..3000 {
            file += &format!(
                "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nN:{i};Person;;;\r\nEMAIL:p{i}@example.org\r\nNOTE:{}\r\nEND:VCARD\r\n",
                "x".repeat(300)
            );
        }
        file += "BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:broken\r\nEND:VCARD\r\n";
        let whole = vcard::read_vcards(file.as_bytes()).unwrap();
        let parallel = read_vcards(file.as_bytes()).unwrap();
        assert!(file.len() > 1_000_000);
        assert_eq!(parallel.contacts, whole.contacts);
        assert_eq!(parallel.skipped, whole.skipped);
        assert_eq!(parallel.warnings, whole.warnings);
        assert_eq!(parallel.contacts[2999].line, 2999 * 7 + 1);
    }
}
