//! CSV attendee lists as registration tools and German Excel write them, and CSV export.
//!
//! Why a module of its own: attendee lists arrive as CSV far more often than as vCard, and
//! they come in every dialect. German Excel writes `;` and Windows-1252 ("CSV
//! (Trennzeichen-getrennt)"), "CSV UTF-8" adds a BOM, registration tools write `,` and English
//! headers, and Excel's "Unicode-Text" is tab-separated UTF-16. Reading happens in three steps:
//!
//! 1. **Decode**: refuse what is not text (empty, too large, binary, a workbook, a vCard …) with
//!    a message a user can act on; BOM → UTF-8 (BOM); valid UTF-8 → UTF-8; else Windows-1252.
//! 2. **Split**: the delimiter is the one of `;`, `,`, tab that gives the header row more than
//!    one field and the following rows the same count most consistently (quotes respected,
//!    because the `csv` crate does the counting). Excel's `sep=;` first line is honoured.
//! 3. **Map**: German and English header names are recognised case-, space-, hyphen- and
//!    umlaut-insensitively ([`detect_field`]); every row becomes an [`ImportedContact`] or a
//!    [`Skipped`] with its physical line number, and anything dropped is named in a warning.
//!
//! Many files are exports of the tools users have, and these are recognised from their header row
//! (and LinkedIn's preamble) by [`recognise`]: Outlook, Thunderbird, Google Contacts, LinkedIn and
//! pretix. The preview names the tool ([`CsvPreview::source`], "Outlook-Export erkannt" in the UI)
//! and the tool's rules correct the generic ones, so these files need no mapping from the user:
//! its known columns are mapped from a table (noise such as Outlook's `E-Mail-Typ` is not listed
//! as unmapped), a repeated header is read once, Google's ` ::: `-joined values are split and
//! their labels taken from the label columns, LinkedIn's `Notes:` lines are skipped, salutations
//! (`Herr`) are no title, pretix's booker columns are never read into an attendee (whatever the
//! mapping says) and a cancelled position is imported as a contact that attends nothing. An
//! Exchange X.500 string (`/o=ExchangeLabs/…`) is never stored as an address, in any file. Files
//! from anywhere else are read exactly as before (`Generic`).
//!
//! [`write_csv`] writes the opposite direction in the dialect German Excel opens with a double
//! click (UTF-8 BOM, `;`, CRLF, German headers), and its output reads back through [`read_csv`].
//!
//! The files, one per step, so each concern can be read alone: `sniff.rs` (1 and 2: decoding,
//! refusing what is not CSV, the delimiter), `headers.rs` (3: the known header names and the
//! mapping), `sources.rs` (the tools' exports: recognition and their rules), `records.rs` (3: a
//! row to a contact, with warnings), `write.rs` (export). This file holds the types and the entry
//! points that run the steps in order.

mod headers;
mod records;
mod sniff;
mod sources;
mod write;

pub use headers::{detect_field, header_key};
pub use sources::{CsvSource, recognise};
pub(crate) use write::guard_formula;
pub use write::write_csv;

use crate::model::{ImportedContact, Skipped};
use headers::detect_mapping;
use records::{RowContext, Warnings};
use serde::{Deserialize, Serialize};
use sniff::{Table, parse};
use sources::Rules;

/// Largest file read, in bytes: far above any attendee list, small enough to hold in memory.
pub const MAX_BYTES: usize = 50 * 1024 * 1024;
/// Most data rows read: an import of more is a mistake (a whole register), not a guest list.
pub const MAX_ROWS: usize = 200_000;
/// Most warnings kept, so that a file broken in every row does not flood the preview.
const MAX_WARNINGS: usize = 1_000;
/// Rows looked at to guess the delimiter and whether `Land` means Bundesland or country.
const SNIFF_ROWS: usize = 50;
/// Rows shown in the preview.
const SAMPLE_ROWS: usize = 5;

/// What a CSV column holds. The UI offers these in a drop-down per column and remembers the
/// user's choice per header row (see [`header_key`]), so the serialised names are stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Given name (`Vorname`).
    GivenName,
    /// Family name (`Nachname`).
    FamilyName,
    /// A whole name (`Dr. Jördis Müller`, `Müller, Jördis`), split into title, given and family.
    FullName,
    /// Academic title (`Dr.`, `Prof. Dr.`).
    Title,
    /// Role or function (`Referatsleitung`).
    Role,
    /// Name of the organisation (`Behörde`, `Dienststelle`).
    Organization,
    /// Federal level of the organisation (`Bund`, `Land`, `Kommune`, `Sonstige`).
    Level,
    /// Bundesland of the organisation, by name, key or code.
    Land,
    /// Official key of the organisation (AGS/ARS).
    OfficialKey,
    /// E-mail address; several columns (and several addresses per cell) are allowed.
    Email,
    /// Phone number; several columns are allowed.
    Phone,
    /// Street and house number.
    Street,
    /// Postal code.
    PostalCode,
    /// City.
    Locality,
    /// Country.
    Country,
    /// Website.
    Website,
    /// Free tags, separated by `,` or `;` inside the cell.
    Tags,
    /// OZG Themenfelder by name or key; unknown ones become tags.
    Themenfeld,
    /// A note; several columns give several notes.
    Note,
    /// Not imported.
    Ignore,
}

/// Which [`Field`] each column holds, in column order. Columns beyond its end are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    /// One field per column.
    pub columns: Vec<Field>,
}

/// What the import dialog shows before anything is imported: how the file was understood, so
/// the user can correct the mapping before committing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvPreview {
    /// The tool that wrote the file (Outlook, Thunderbird, Google, LinkedIn, pretix), which the
    /// preview names and whose rules the import follows; `generic` for any other table.
    pub source: CsvSource,
    /// The detected delimiter: `;`, `,` or tab.
    pub delimiter: char,
    /// `UTF-8`, `UTF-8 (BOM)`, `Windows-1252` or `UTF-16`.
    pub encoding: String,
    /// The header row, trimmed.
    pub headers: Vec<String>,
    /// The detected mapping.
    pub mapping: Mapping,
    /// Columns with data that the detected mapping ignores: the ones the user should look at
    /// (not those a recognised source leaves out on purpose, such as Outlook's `E-Mail-Typ`).
    pub unmapped: Vec<usize>,
    /// The first data rows, each with exactly as many cells as `headers`.
    pub sample: Vec<Vec<String>>,
    /// Number of data rows (blank rows not counted).
    pub rows: usize,
}

/// The result of reading a file: contacts to store, rows skipped, and what was dropped.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CsvRead {
    /// The contacts, in file order.
    pub contacts: Vec<ImportedContact>,
    /// Rows not imported, with their line and the reason.
    pub skipped: Vec<Skipped>,
    /// Values dropped or reinterpreted, each starting with `line N:` where it concerns a row.
    pub warnings: Vec<String>,
}

/// Why a file cannot be read as CSV at all; each message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    /// Nothing but whitespace (or delimiters).
    #[error("the file is empty")]
    Empty,
    /// Bytes that are not text (NUL or many control characters).
    #[error("the file holds binary data, not text; export the list as CSV and import that file")]
    Binary,
    /// The first row holds data or nothing, so there are no column names to map.
    #[error(
        "the file has no header row: {reason}; add a first row naming the columns, such as \"Vorname;Nachname;E-Mail\""
    )]
    NoHeader {
        /// What the first row holds instead.
        reason: String,
    },
    /// Text or a container that is recognisably something else.
    #[error("the file is {what}, not a CSV file")]
    NotCsv {
        /// What it is, with a hint (`a vCard file; import it as vCard`).
        what: String,
    },
    /// More data rows than [`MAX_ROWS`].
    #[error("the file has more than {limit} rows; split it into smaller files")]
    TooManyRows {
        /// The limit.
        limit: usize,
    },
    /// More bytes than [`MAX_BYTES`].
    #[error("the file has {bytes} bytes; at most {limit} bytes (50 MB) can be imported")]
    TooLarge {
        /// The file's size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
}

/// Shows the user how a file will be read, before reading it: delimiter, encoding, headers,
/// the detected mapping, columns with data that would be ignored, and the first rows.
pub fn preview(bytes: &[u8]) -> Result<CsvPreview, CsvError> {
    let table = parse(bytes)?;
    let rules = rules(&table);
    let mapping = detect(&table, &rules);
    let width = table.headers.len();
    let mut has_data = vec![false; width];
    for row in &table.rows {
        for (i, v) in row.record.iter().enumerate().take(width) {
            has_data[i] |= !v.trim().is_empty();
        }
    }
    let unmapped = (0..width)
        .filter(|&i| has_data[i] && mapping.columns[i] == Field::Ignore && !rules.deliberate(i))
        .collect();
    let sample = table
        .rows
        .iter()
        .take(SAMPLE_ROWS)
        .map(|r| {
            (0..width)
                .map(|i| r.record.get(i).unwrap_or("").to_string())
                .collect()
        })
        .collect();
    Ok(CsvPreview {
        source: rules.source,
        delimiter: table.delimiter as char,
        encoding: table.encoding.to_string(),
        headers: table.headers,
        mapping,
        unmapped,
        sample,
        rows: table.rows.len(),
    })
}

/// Reads every row of a file into contacts with `mapping` (`None`: the detected one, as
/// [`preview`] shows it). Rows without any name are skipped; unreadable values are dropped with
/// a warning naming the line, so a single typo never costs a whole attendee list.
pub fn read_csv(bytes: &[u8], mapping: Option<&Mapping>) -> Result<CsvRead, CsvError> {
    read_table(parse(bytes)?, mapping)
}

/// Like [`read_csv`], but the mapping is chosen by `choose` from the header row (a mapping the
/// user chose before for these headers), so the file is parsed once.
pub fn read_csv_choosing(
    bytes: &[u8],
    choose: impl FnOnce(&[String]) -> Option<Mapping>,
) -> Result<CsvRead, CsvError> {
    let table = parse(bytes)?;
    let chosen = choose(&table.headers);
    read_table(table, chosen.as_ref())
}

/// The rules of the tool that wrote the file, as its header row (and preamble) says.
fn rules(table: &Table) -> Rules {
    Rules::new(recognise(&table.headers, table.preamble), &table.headers)
}

/// The generic detection, corrected by the rules of the source that wrote the file.
fn detect(table: &Table, rules: &Rules) -> Mapping {
    Mapping {
        columns: rules.mapping(detect_mapping(&table.headers, &table.rows).columns),
    }
}

fn read_table(table: Table, mapping: Option<&Mapping>) -> Result<CsvRead, CsvError> {
    let rules = rules(&table);
    let detected;
    let mapping = match mapping {
        Some(m) => m,
        None => {
            detected = detect(&table, &rules);
            &detected
        }
    };
    let mut warnings = Warnings::default();
    for w in &table.warnings {
        warnings.push(w.clone());
    }
    for (i, h) in table.headers.iter().enumerate() {
        if rules.booker(i) && mapping.columns.get(i).is_some_and(|f| *f != Field::Ignore) {
            warnings.push(format!(
                "column '{h}' holds what the person who booked entered, not the attendee's own; \
                 it was not imported"
            ));
        }
    }
    if mapping.columns.len() != table.headers.len() {
        warnings.push(format!(
            "the mapping names {} columns, the file has {}; columns without a mapping were ignored",
            mapping.columns.len(),
            table.headers.len()
        ));
    }
    if !mapping
        .columns
        .iter()
        .any(|f| matches!(f, Field::GivenName | Field::FamilyName | Field::FullName))
    {
        warnings.push(
            "no column is mapped to a name (Vorname, Nachname or Name), so no row can be imported"
                .to_string(),
        );
    }
    let ctx = RowContext::new(&table.headers, mapping, &rules);
    let mut out = CsvRead::default();
    for row in &table.rows {
        match ctx.convert(row, &mut warnings) {
            Ok(c) => out.contacts.push(c),
            Err(reason) => out.skipped.push(Skipped {
                line: row.line,
                reason,
            }),
        }
    }
    out.warnings = warnings.finish();
    Ok(out)
}
