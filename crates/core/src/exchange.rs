//! Contacts in and out as files: vCard or CSV, detected from the content; one place for the CLI
//! and the app, so both import and export the same way.

use crate::csv_import::{self, CsvPreview, Mapping};
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

/// Reads a file for the import dialog; changes nothing.
pub fn preview(store: &Store, bytes: &[u8]) -> Result<Preview> {
    match detect(bytes) {
        Format::Vcard => {
            let read = vcard::read_vcards(bytes).map_err(|e| Error::Import(e.to_string()))?;
            Ok(Preview {
                format: Format::Vcard,
                csv: None,
                remembered: None,
                cards: Some((read.contacts.len(), read.skipped.len())),
            })
        }
        Format::Csv => {
            let p = csv_import::preview(bytes).map_err(|e| Error::Import(e.to_string()))?;
            let remembered = store
                .csv_mapping(&csv_import::header_key(&p.headers))?
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
/// same header row. With `event`, every imported person is recorded as an attendee.
pub fn import(
    store: &mut Store,
    bytes: &[u8],
    mapping: Option<&Mapping>,
    event: Option<&EventRef>,
) -> Result<ImportReport> {
    match detect(bytes) {
        Format::Vcard => {
            let read = vcard::read_vcards(bytes).map_err(|e| Error::Import(e.to_string()))?;
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
            let headers = csv_import::preview(bytes)
                .map_err(|e| Error::Import(e.to_string()))?
                .headers;
            let key = csv_import::header_key(&headers);
            let remembered: Option<Mapping> = store
                .csv_mapping(&key)?
                .and_then(|m| serde_json::from_str(&m).ok());
            let chosen = mapping.or(remembered.as_ref());
            let read =
                csv_import::read_csv(bytes, chosen).map_err(|e| Error::Import(e.to_string()))?;
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
        ExportFormat::Csv => csv_import::write_csv(&rows),
    })
}
