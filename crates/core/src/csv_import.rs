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
//! [`write_csv`] writes the opposite direction in the dialect German Excel opens with a double
//! click (UTF-8 BOM, `;`, CRLF, German headers), and its output reads back through [`read_csv`].

use crate::fold::{fold, tokens};
use crate::model::{
    Contact, ContactInput, ImportedContact, Labeled, Level, OrgRef, Organization, Skipped,
    split_name,
};
use crate::rules::{valid_email, valid_phone};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

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
/// Store limits (see `store/contacts.rs`), checked here so that every imported contact stores.
const MAX_NAME_CHARS: usize = 200;
const MAX_FIELD_CHARS: usize = 1_000;

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
    /// The detected delimiter: `;`, `,` or tab.
    pub delimiter: char,
    /// `UTF-8`, `UTF-8 (BOM)`, `Windows-1252` or `UTF-16`.
    pub encoding: String,
    /// The header row, trimmed.
    pub headers: Vec<String>,
    /// The detected mapping.
    pub mapping: Mapping,
    /// Columns with data that the detected mapping ignores: the ones the user should look at.
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
    let mapping = detect_mapping(&table.headers, &table.rows);
    let width = table.headers.len();
    let mut has_data = vec![false; width];
    for row in &table.rows {
        for (i, v) in row.record.iter().enumerate().take(width) {
            has_data[i] |= !v.trim().is_empty();
        }
    }
    let unmapped = (0..width)
        .filter(|&i| has_data[i] && mapping.columns[i] == Field::Ignore)
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

fn read_table(table: Table, mapping: Option<&Mapping>) -> Result<CsvRead, CsvError> {
    let detected;
    let mapping = match mapping {
        Some(m) => m,
        None => {
            detected = detect_mapping(&table.headers, &table.rows);
            &detected
        }
    };
    let mut warnings = Warnings::default();
    for w in &table.warnings {
        warnings.push(w.clone());
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
    let ctx = RowContext::new(&table.headers, mapping);
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

/// Writes contacts with their organisations as CSV that German Excel opens correctly with a
/// double click (UTF-8 with BOM, `;`, CRLF, German headers) and that [`read_csv`] reads back.
///
/// Several e-mail addresses, phone numbers and notes get columns `E-Mail`, `E-Mail 2`, …, so
/// each cell holds one value that Excel can sort and a mail merge can use. Cells that Excel
/// would run as a formula (starting with `=`, `+`, `-`, `@`; phone numbers excepted) get a
/// leading `'`, which [`read_csv`] removes again. E-mail and phone labels are not written:
/// a column holds values of many labels.
pub fn write_csv(rows: &[(Contact, Option<Organization>)]) -> String {
    let n_email = rows.iter().map(|(c, _)| c.emails.len()).max().unwrap_or(0);
    let n_phone = rows.iter().map(|(c, _)| c.phones.len()).max().unwrap_or(0);
    let n_note = rows.iter().map(|(c, _)| c.notes.len()).max().unwrap_or(0);
    let numbered = |base: &str, n: usize| -> Vec<String> {
        (0..n.max(1))
            .map(|i| {
                if i == 0 {
                    base.to_string()
                } else {
                    format!("{base} {}", i + 1)
                }
            })
            .collect()
    };
    let mut header: Vec<String> = [
        "Titel",
        "Vorname",
        "Nachname",
        "Anzeigename",
        "Funktion",
        "Organisation",
        "Ebene",
        "Bundesland",
        "Amtlicher Schlüssel",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(numbered("E-Mail", n_email));
    header.extend(numbered("Telefon", n_phone));
    header.extend(
        [
            "Straße",
            "PLZ",
            "Ort",
            "Staat",
            "Website",
            "Themenfelder",
            "Tags",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    header.extend(numbered("Notiz", n_note));

    let themen = crate::directory::themenfelder();
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .flexible(false)
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail, and every record has the header's length.
    let mut put = |cells: Vec<String>| {
        let guarded: Vec<String> = cells.iter().map(|c| guard_formula(c)).collect();
        w.write_record(&guarded).expect("writing CSV to memory");
    };
    put(header);
    for (c, org) in rows {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let level = org.as_ref().map(|o| match o.level {
            Level::Bund => "Bund",
            Level::Land => "Land",
            Level::Kommune => "Kommune",
            Level::Other => "Sonstige",
        });
        let org_name = org
            .as_ref()
            .map(|o| o.name.clone())
            .or_else(|| c.organization.clone());
        let mut cells = vec![
            opt(&c.title),
            opt(&c.given_name),
            opt(&c.family_name),
            c.name.clone(),
            opt(&c.role),
            org_name.unwrap_or_default(),
            level.unwrap_or_default().to_string(),
            org.as_ref()
                .and_then(|o| o.land.clone())
                .unwrap_or_default(),
            org.as_ref().and_then(|o| o.key.clone()).unwrap_or_default(),
        ];
        let spread = |cells: &mut Vec<String>, values: &[String], n: usize| {
            for i in 0..n.max(1) {
                cells.push(values.get(i).cloned().unwrap_or_default());
            }
        };
        spread(&mut cells, &c.emails, n_email);
        spread(&mut cells, &c.phones, n_phone);
        let themenfelder: Vec<String> = c
            .themenfelder
            .iter()
            .map(|k| {
                themen
                    .iter()
                    .find(|t| &t.key == k)
                    .map_or_else(|| k.clone(), |t| t.name_de.clone())
            })
            .collect();
        cells.extend([
            opt(&c.street),
            opt(&c.postal_code),
            opt(&c.locality),
            opt(&c.country),
            opt(&c.website),
            themenfelder.join("; "),
            c.tags.join("; "),
        ]);
        let notes: Vec<String> = c.notes.iter().map(|n| n.body.clone()).collect();
        spread(&mut cells, &notes, n_note);
        put(cells);
    }
    let bytes = w.into_inner().expect("flushing CSV to memory");
    let mut out = String::with_capacity(bytes.len() + 3);
    out.push('\u{feff}');
    out.push_str(&String::from_utf8(bytes).expect("CSV of strings is UTF-8"));
    out
}

/// A stable key for a header row, so the UI can remember a user's mapping and offer it again
/// for the next file from the same registration tool. Headers are compared as the detection
/// compares them (case, spaces, hyphens, umlauts ignored), in order; the key is a versioned
/// FNV-1a hash, stable across Rust versions and platforms.
pub fn header_key(headers: &[String]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, h) in headers.iter().enumerate() {
        if i > 0 {
            hash = fnv(hash, &[0x1f]);
        }
        hash = fnv(hash, alnum_fold(h).as_bytes());
    }
    format!("csv1-{}-{hash:016x}", headers.len())
}

fn fnv(mut hash: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

// ---------------------------------------------------------------------------------------------
// Decoding and splitting
// ---------------------------------------------------------------------------------------------

/// One non-blank data row with the physical line where it starts.
struct Row {
    line: usize,
    record: csv::StringRecord,
}

/// A file split into header and rows.
struct Table {
    delimiter: u8,
    encoding: &'static str,
    headers: Vec<String>,
    rows: Vec<Row>,
    warnings: Vec<String>,
}

/// Decodes, refuses what is not CSV, finds the delimiter and splits the file.
fn parse(bytes: &[u8]) -> Result<Table, CsvError> {
    if bytes.len() > MAX_BYTES {
        return Err(CsvError::TooLarge {
            bytes: bytes.len(),
            limit: MAX_BYTES,
        });
    }
    if let Some(what) = container(bytes) {
        return Err(CsvError::NotCsv { what: what.into() });
    }
    let (mut text, encoding) = decode(bytes)?;
    if text.trim().is_empty() {
        return Err(CsvError::Empty);
    }
    if is_binary(&text) {
        return Err(CsvError::Binary);
    }
    if let Some(what) = other_format(&text) {
        return Err(CsvError::NotCsv { what: what.into() });
    }
    // Old Mac files end lines with CR alone; the csv crate counts lines by LF.
    if text.contains('\r') && !text.contains('\n') {
        text = text.replace('\r', "\n");
    }
    // Excel's `sep=;` line names the delimiter; blank it so line numbers stay physical.
    let mut delimiter = None;
    let first_end = text.find('\n').unwrap_or(text.len());
    let first = text[..first_end].trim_end_matches('\r');
    if first.len() == 5
        && first
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("sep="))
    {
        let d = first.as_bytes()[4];
        if matches!(d, b';' | b',' | b'\t' | b'|') {
            delimiter = Some(d);
            text.replace_range(..first_end, "");
        }
    }
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(&text));

    let mut reader = reader(&text, delimiter);
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::new(&text);
    // Reading from a string cannot fail: the input is valid UTF-8 and the reader is flexible.
    while reader.read_record(&mut record).unwrap_or(false) {
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let line = lines.line_at(record.position().map_or(0, |p| p.byte() as usize));
        if headers.is_none() {
            headers = Some(record.iter().map(|h| h.trim().to_string()).collect());
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(CsvError::TooManyRows { limit: MAX_ROWS });
        }
        rows.push(Row {
            line,
            // Not `record.clone()`: the csv crate keeps its buffer at the size of the largest
            // record read so far and a clone copies all of it, so one huge value made every
            // later row copy it (8.5 s for a 266 kB file, found by fuzzing).
            record: record.iter().collect(),
        });
    }
    let Some(headers) = headers else {
        return Err(CsvError::Empty);
    };
    // A quote that is never closed makes the rest of the file one value, so it can only be in
    // the last record: scanning that one is enough.
    let mut warnings = Vec::new();
    if let Some(line) = unclosed_quote(&text[lines.last_start..], delimiter) {
        let line = lines.last_line + line - 1;
        warnings.push(format!(
            "line {line}: a quote opened here is never closed, so the rest of the file was read \
             as one value; check the quotes in that line"
        ));
    }
    if let Some(cell) = headers.iter().find(|h| looks_like_data(h)) {
        return Err(CsvError::NoHeader {
            reason: format!("its first row holds \"{cell}\", which is data, not a column name"),
        });
    }
    Ok(Table {
        delimiter,
        encoding,
        headers,
        rows,
        warnings,
    })
}

/// Physical line numbers from byte offsets. The csv crate's own line count is one short for
/// CRLF files (a record's position is taken before the LF of the previous line end), so lines
/// are counted here: skip the line ends before the record, count LFs up to it. Offsets only
/// grow, so counting is incremental and the whole file is scanned once.
struct LineCounter<'t> {
    text: &'t [u8],
    at: usize,
    line: usize,
    /// Byte offset and line of the last record asked about.
    last_start: usize,
    last_line: usize,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            at: 0,
            line: 1,
            last_start: 0,
            last_line: 1,
        }
    }

    fn line_at(&mut self, mut offset: usize) -> usize {
        while offset < self.text.len() && matches!(self.text[offset], b'\r' | b'\n') {
            offset += 1;
        }
        let offset = offset.max(self.at).min(self.text.len());
        self.line += self.text[self.at..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.at = offset;
        self.last_start = offset;
        self.last_line = self.line;
        self.line
    }
}

fn reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// Containers that users pick by mistake, recognised by their first bytes.
fn container(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") {
        Some(
            "an Excel workbook (.xlsx) or another ZIP archive; save it in Excel as \"CSV UTF-8\" first",
        )
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Some("an Excel 97-2003 workbook (.xls); save it in Excel as \"CSV UTF-8\" first")
    } else if bytes.starts_with(b"%PDF") {
        Some("a PDF document")
    } else {
        None
    }
}

/// BOM → UTF-8 (BOM) or UTF-16; valid UTF-8 → UTF-8; anything else → Windows-1252, which is
/// what German Excel writes and which decodes every byte.
fn decode(bytes: &[u8]) -> Result<(String, &'static str), CsvError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(CsvError::Empty);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        let (text, _) = encoding_rs::UTF_8.decode_without_bom_handling(rest);
        return Ok((text.into_owned(), "UTF-8 (BOM)"));
    }
    for (bom, enc) in [
        (&[0xFF, 0xFE], encoding_rs::UTF_16LE),
        (&[0xFE, 0xFF], encoding_rs::UTF_16BE),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let (text, had_errors) = enc.decode_without_bom_handling(rest);
            if had_errors {
                return Err(CsvError::Binary);
            }
            return Ok((text.into_owned(), "UTF-16"));
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), "UTF-8")),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Ok((text.into_owned(), "Windows-1252"))
        }
    }
}

/// NUL anywhere in the first 64 KiB, or more than 1 % control characters: not text.
fn is_binary(text: &str) -> bool {
    let mut chars = 0usize;
    let mut control = 0usize;
    for c in text.chars().take(65_536) {
        chars += 1;
        if c == '\0' {
            return true;
        }
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}') {
            control += 1;
        }
    }
    control * 100 > chars
}

/// Text formats that users pick by mistake, recognised by how they start.
fn other_format(text: &str) -> Option<&'static str> {
    let start: String = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    if start.starts_with("begin:vcard") {
        Some("a vCard file; import it as vCard")
    } else if start.starts_with("begin:vcalendar") {
        Some("an iCalendar file; subscribe to it or import it as a calendar")
    } else if start.starts_with("<!doctype html")
        || start.starts_with("<html")
        || (start.starts_with('<') && (start.contains("<html") || start.contains("<table")))
    {
        Some("an HTML page; save the list as CSV instead")
    } else if start.starts_with("<?xml") {
        Some("an XML file; save the list as CSV instead")
    } else if (start.starts_with('{') || start.starts_with('['))
        && serde_json::from_str::<serde_json::Value>(text.trim()).is_ok()
    {
        Some("a JSON file")
    } else {
        None
    }
}

/// Picks the delimiter that splits the header into most fields consistently with the
/// following rows. Counting with the csv reader itself means quoted delimiters do not count.
fn sniff_delimiter(text: &str) -> u8 {
    let mut best = (b';', 0usize, 0usize);
    for d in [b';', b',', b'\t'] {
        let mut reader = reader(text, d);
        let mut lens = Vec::new();
        for record in reader.records().take(SNIFF_ROWS + 1) {
            let Ok(record) = record else { break };
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            lens.push(record.len());
        }
        let Some(&width) = lens.first() else { continue };
        if width < 2 {
            continue;
        }
        let consistent = lens.iter().filter(|&&l| l == width).count();
        if (consistent, width) > (best.1, best.2) {
            best = (d, consistent, width);
        }
    }
    best.0
}

/// Follows the csv crate's quoting rules to find a quote that is never closed, which makes
/// the rest of the file one value; returns the line (1-based, within `text`) where it opened.
fn unclosed_quote(text: &str, delimiter: u8) -> Option<usize> {
    #[derive(PartialEq)]
    enum S {
        Start,
        Field,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = S::Start;
    let mut line = 1usize;
    let mut opened = 0usize;
    for &b in text.as_bytes() {
        state = match state {
            S::Start if b == b'"' => {
                opened = line;
                S::Quoted
            }
            S::Start | S::Field if b == delimiter || b == b'\n' || b == b'\r' => S::Start,
            S::Start | S::Field => S::Field,
            S::Quoted if b == b'"' => S::QuoteInQuoted,
            S::Quoted => S::Quoted,
            S::QuoteInQuoted if b == b'"' => S::Quoted,
            S::QuoteInQuoted if b == delimiter || b == b'\n' || b == b'\r' => S::Start,
            S::QuoteInQuoted => S::Field,
        };
        if b == b'\n' {
            line += 1;
        }
    }
    (state == S::Quoted).then_some(opened)
}

/// A header cell that is a value: an e-mail address or a phone-like number.
fn looks_like_data(cell: &str) -> bool {
    let v = cell.trim();
    valid_email(v) || (v.chars().filter(char::is_ascii_digit).count() >= 6 && valid_phone(v))
}

// ---------------------------------------------------------------------------------------------
// Header recognition
// ---------------------------------------------------------------------------------------------

/// Header names per field, written as people write them; they are compared after
/// [`alnum_fold`], so case, spaces, hyphens, dots and umlaut spellings do not matter. `Name` and
/// `Land` are decided in [`detect_mapping`] because their meaning depends on the other columns.
const ALIASES: &[(Field, &[&str])] = &[
    (
        Field::GivenName,
        &[
            "Vorname",
            "Vornamen",
            "Rufname",
            "First name",
            "Firstname",
            "Given name",
            "Forename",
        ],
    ),
    (
        Field::FamilyName,
        &[
            "Nachname",
            "Familienname",
            "Zuname",
            "Last name",
            "Surname",
            "Family name",
        ],
    ),
    (
        Field::FullName,
        &[
            "Vollständiger Name",
            "Vor- und Nachname",
            "Vor- und Zuname",
            "Name, Vorname",
            "Nachname, Vorname",
            "Anzeigename",
            "Teilnehmer",
            "Teilnehmerin",
            "Teilnehmende",
            "Teilnehmer/in",
            "Full name",
            "Display name",
            "Attendee",
            "Attendee name",
            "Participant",
        ],
    ),
    (
        Field::Title,
        &[
            "Titel",
            "Akademischer Grad",
            "Akademischer Titel",
            "Grad",
            "Title",
            "Academic title",
        ],
    ),
    (
        Field::Role,
        &[
            "Funktion",
            "Rolle",
            "Position",
            "Stelle",
            "Amtsbezeichnung",
            "Dienstbezeichnung",
            "Job title",
            "Jobtitle",
            "Role",
            "Job",
        ],
    ),
    (
        Field::Organization,
        &[
            "Organisation",
            "Organisationsname",
            "Name der Organisation",
            "Behörde",
            "Dienststelle",
            "Institution",
            "Einrichtung",
            "Arbeitgeber",
            "Unternehmen",
            "Firma",
            "Organization",
            "Organisation name",
            "Organization name",
            "Company",
            "Company name",
            "Employer",
            "Org",
        ],
    ),
    (
        Field::Level,
        &[
            "Ebene",
            "Verwaltungsebene",
            "Föderale Ebene",
            "Level",
            "Administrative level",
        ],
    ),
    (Field::Land, &["Bundesland", "State", "Federal state"]),
    (
        Field::OfficialKey,
        &[
            "AGS",
            "ARS",
            "Gemeindeschlüssel",
            "Amtlicher Gemeindeschlüssel",
            "Regionalschlüssel",
            "Amtlicher Regionalschlüssel",
            "Amtlicher Schlüssel",
            "Official key",
        ],
    ),
    (
        Field::Email,
        &[
            "E-Mail",
            "E-Mail-Adresse",
            "Mail",
            "Mailadresse",
            "Email address",
            "E-Mail address",
        ],
    ),
    (
        Field::Phone,
        &[
            "Telefon",
            "Telefonnummer",
            "Tel",
            "Tel.",
            "Fon",
            "Festnetz",
            "Mobil",
            "Mobilnummer",
            "Mobiltelefon",
            "Handy",
            "Handynummer",
            "Fax",
            "Telefax",
            "Phone",
            "Phone number",
            "Mobile",
            "Mobile phone",
            "Cell",
        ],
    ),
    (
        Field::Street,
        &[
            "Straße",
            "Straße und Hausnummer",
            "Straße Hausnummer",
            "Straße/Hausnummer",
            "Anschrift",
            "Adresse",
            "Postanschrift",
            "Street",
            "Street address",
            "Address",
        ],
    ),
    (
        Field::PostalCode,
        &[
            "PLZ",
            "Postleitzahl",
            "Postal code",
            "Postcode",
            "ZIP",
            "ZIP code",
        ],
    ),
    (
        Field::Locality,
        &[
            "Ort",
            "Stadt",
            "Wohnort",
            "Dienstort",
            "City",
            "Town",
            "Locality",
        ],
    ),
    (Field::Country, &["Staat", "Country", "Nation"]),
    (
        Field::Website,
        &[
            "Website",
            "Webseite",
            "Internetseite",
            "Internet",
            "Homepage",
            "URL",
            "Web",
        ],
    ),
    (
        Field::Tags,
        &[
            "Tags",
            "Tag",
            "Schlagwörter",
            "Schlagwort",
            "Stichwörter",
            "Stichwort",
            "Kategorien",
            "Kategorie",
            "Labels",
            "Categories",
            "Keywords",
        ],
    ),
    (
        Field::Themenfeld,
        &[
            "Themenfeld",
            "Themenfelder",
            "OZG-Themenfeld",
            "OZG-Themenfelder",
        ],
    ),
    (
        Field::Note,
        &[
            "Notiz",
            "Notizen",
            "Bemerkung",
            "Bemerkungen",
            "Anmerkung",
            "Anmerkungen",
            "Kommentar",
            "Kommentare",
            "Hinweis",
            "Hinweise",
            "Note",
            "Notes",
            "Comment",
            "Comments",
            "Remarks",
        ],
    ),
];

/// Headers whose e-mail or phone values carry a label without saying so in parentheses.
const IMPLIED_LABELS: &[(&str, &str)] = &[
    ("mobil", "mobil"),
    ("mobilnummer", "mobil"),
    ("mobiltelefon", "mobil"),
    ("handy", "mobil"),
    ("handynummer", "mobil"),
    ("mobile", "mobil"),
    ("mobilephone", "mobil"),
    ("cell", "mobil"),
    ("fax", "Fax"),
    ("telefax", "Fax"),
];

/// Folds for comparison and keeps letters and digits only: `E-Mail-Adresse` → `emailadresse`,
/// `Straße` → `strasse`, `Schlagwörter` → `schlagworter`.
fn alnum_fold(s: &str) -> String {
    fold(s).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// A header split into its comparison key and a label: `Telefon (mobil) 2*` → (`telefon`,
/// `mobil`). Parentheses and brackets give the label; trailing numbers (`E-Mail 2`) and
/// required-field stars are dropped.
fn header_parts(header: &str) -> (String, String, Option<String>) {
    let mut base = String::new();
    let mut label = String::new();
    let mut depth = 0usize;
    for c in header.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth > 0 => label.push(c),
            _ => base.push(c),
        }
    }
    let base = base.trim().trim_end_matches(['*', ':']).trim().to_string();
    let key = alnum_fold(&base)
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .to_string();
    let label = label.trim();
    (key, base, (!label.is_empty()).then(|| label.to_string()))
}

fn alias_field(key: &str) -> Option<Field> {
    if key.is_empty() {
        return None;
    }
    // The aliases folded once: folding all of them for every header made a file with
    // thousands of columns take seconds (found by fuzzing).
    static FOLDED: std::sync::OnceLock<Vec<(Field, Vec<String>)>> = std::sync::OnceLock::new();
    FOLDED
        .get_or_init(|| {
            ALIASES
                .iter()
                .map(|(f, names)| (*f, names.iter().map(|n| alnum_fold(n)).collect()))
                .collect()
        })
        .iter()
        .find(|(_, names)| names.iter().any(|n| n == key))
        .map(|(f, _)| *f)
}

/// The field a header names on its own, without looking at other columns: `None` for the
/// ambiguous `Name` and `Land` and for unknown headers. `E-Mail dienstlich` and `Telefon
/// Sekretariat` are e-mail and phone (the rest is the label).
pub fn detect_field(header: &str) -> Option<Field> {
    let (key, base, _) = header_parts(header);
    if let Some(f) = alias_field(&key) {
        return Some(f);
    }
    let first = base.split_whitespace().next().unwrap_or("");
    match alias_field(&alnum_fold(first)) {
        Some(f @ (Field::Email | Field::Phone)) => Some(f),
        _ => None,
    }
}

/// The label that values of a header's column get: `E-Mail (privat)` → `privat`, `Telefon
/// Sekretariat` → `Sekretariat`, `Handy` → `mobil`.
fn column_label(header: &str) -> Option<String> {
    let (key, base, paren) = header_parts(header);
    if paren.is_some() {
        return paren;
    }
    if let Some((_, l)) = IMPLIED_LABELS.iter().find(|(k, _)| *k == key) {
        return Some((*l).to_string());
    }
    if alias_field(&key).is_none() {
        let mut words = base.split_whitespace();
        let first = words.next().unwrap_or("");
        let rest = words.collect::<Vec<_>>().join(" ");
        if alias_field(&alnum_fold(first)).is_some() && !rest.is_empty() {
            return Some(rest);
        }
    }
    None
}

/// Maps every header, deciding the ambiguous ones from the other columns and the values:
///
/// - `Name`: with neither `Vorname` nor `Nachname` beside it, a whole name (`Dr. Jördis
///   Müller`); beside `Vorname` alone, the family name; beside both, a display name.
/// - `Land`: the Bundesland when most values are Länder (`Bayern`, `BY`, `DE-BY`, `09`) or
///   the column is empty, else the country (`Deutschland`, `Österreich`). Beside a
///   `Bundesland` column it is the country, beside a `Staat`/`Country` column the Bundesland.
fn detect_mapping(headers: &[String], rows: &[Row]) -> Mapping {
    let mut columns: Vec<Option<Field>> = headers.iter().map(|h| detect_field(h)).collect();
    let has = |cols: &[Option<Field>], f: Field| cols.contains(&Some(f));
    for (i, h) in headers.iter().enumerate() {
        if columns[i].is_some() {
            continue;
        }
        let (key, _, _) = header_parts(h);
        columns[i] = match key.as_str() {
            "name" => Some(
                match (
                    has(&columns, Field::GivenName),
                    has(&columns, Field::FamilyName),
                ) {
                    (true, false) => Field::FamilyName,
                    _ => Field::FullName,
                },
            ),
            "land" => Some(if has(&columns, Field::Land) {
                Field::Country
            } else if has(&columns, Field::Country) {
                Field::Land
            } else {
                land_or_country(rows, i)
            }),
            _ => None,
        };
    }
    Mapping {
        columns: columns
            .into_iter()
            .map(|c| c.unwrap_or(Field::Ignore))
            .collect(),
    }
}

fn land_or_country(rows: &[Row], column: usize) -> Field {
    let lands = crate::directory::lands();
    let mut land = 0;
    let mut other = 0;
    for row in rows.iter().take(SNIFF_ROWS * 2) {
        let v = row.record.get(column).unwrap_or("").trim();
        if v.is_empty() {
            continue;
        }
        let code = v.strip_prefix("DE-").unwrap_or(v);
        let folded = alnum_fold(v);
        let is_land = lands.iter().any(|l| {
            alnum_fold(&l.name) == folded || l.short_code.eq_ignore_ascii_case(code) || l.key == v
        }) || folded == "nrw";
        if is_land {
            land += 1;
        } else {
            other += 1;
        }
    }
    if land >= other {
        Field::Land
    } else {
        Field::Country
    }
}

// ---------------------------------------------------------------------------------------------
// Rows to contacts
// ---------------------------------------------------------------------------------------------

/// Warnings with a cap, so a file with a problem in every row stays readable.
#[derive(Default)]
struct Warnings {
    list: Vec<String>,
    more: usize,
}

impl Warnings {
    fn push(&mut self, w: String) {
        if self.list.len() < MAX_WARNINGS {
            self.list.push(w);
        } else {
            self.more += 1;
        }
    }

    fn finish(mut self) -> Vec<String> {
        if self.more > 0 {
            self.list.push(format!(
                "… and {} more warnings of the same kinds",
                self.more
            ));
        }
        self.list
    }
}

/// What converting rows needs, computed once per file.
struct RowContext<'a> {
    mapping: &'a Mapping,
    width: usize,
    labels: Vec<Option<String>>,
    /// Themenfelder: comparison form (of key, German and English name) → key.
    themen: Vec<(String, String)>,
    /// Cell text → Themenfeld key (`None`: unknown). Lists repeat the same few values, and
    /// folding is the most expensive step per row.
    themen_seen: std::cell::RefCell<std::collections::HashMap<String, Option<String>>>,
}

fn themen_norm(s: &str) -> String {
    tokens(&fold(s))
        .filter(|t| !matches!(*t, "und" | "and"))
        .collect()
}

impl<'a> RowContext<'a> {
    fn new(headers: &[String], mapping: &'a Mapping) -> Self {
        let mut themen = Vec::new();
        for t in crate::directory::themenfelder() {
            for s in [&t.key, &t.name_de, &t.name_en] {
                themen.push((themen_norm(s), t.key.clone()));
            }
        }
        RowContext {
            mapping,
            width: headers.len(),
            labels: headers.iter().map(|h| column_label(h)).collect(),
            themen,
            themen_seen: Default::default(),
        }
    }

    /// The key of the Themenfeld `value` names (by key, German or English name), if any.
    fn themenfeld(&self, value: &str) -> Option<String> {
        if let Some(known) = self.themen_seen.borrow().get(value) {
            return known.clone();
        }
        let n = themen_norm(value);
        let key = self
            .themen
            .iter()
            .find(|(norm, _)| *norm == n)
            .map(|(_, k)| k.clone());
        self.themen_seen
            .borrow_mut()
            .insert(value.to_string(), key.clone());
        key
    }

    fn convert(&self, row: &Row, warnings: &mut Warnings) -> Result<ImportedContact, String> {
        let line = row.line;
        let mut given = None;
        let mut family = None;
        let mut full = None;
        let mut title = None;
        let mut c = ContactInput::default();
        let mut org: Option<String> = None;
        let mut level: Option<String> = None;
        let mut land: Option<String> = None;
        let mut key: Option<String> = None;
        let mut notes = Vec::new();
        let mut local = Vec::new();
        let mut w = |m: String| local.push(format!("line {line}: {m}"));

        for (i, raw) in row.record.iter().enumerate() {
            let field = self
                .mapping
                .columns
                .get(i)
                .copied()
                .unwrap_or(Field::Ignore);
            if field == Field::Ignore {
                continue;
            }
            let raw = unguard_formula(raw);
            if field == Field::Note {
                let note = raw.replace("\r\n", "\n").replace('\r', "\n");
                let note = note.trim();
                if note.len() > crate::store::MAX_NOTE_BYTES {
                    w(format!(
                        "a note of {} bytes is longer than {} bytes and was left out",
                        note.len(),
                        crate::store::MAX_NOTE_BYTES
                    ));
                } else if !note.is_empty() {
                    notes.push(note.to_string());
                }
                continue;
            }
            let v = one_line(raw);
            if v.is_empty() {
                continue;
            }
            let mut fit = |what: &str, max: usize| fit(&v, what, max, &mut w);
            let first = |slot: &mut Option<String>, value: Option<String>| {
                if slot.is_none() {
                    *slot = value;
                }
            };
            match field {
                Field::GivenName => first(&mut given, fit("the given name", MAX_NAME_CHARS)),
                Field::FamilyName => first(&mut family, fit("the family name", MAX_NAME_CHARS)),
                Field::FullName => first(&mut full, fit("the name", MAX_NAME_CHARS)),
                Field::Title => first(&mut title, fit("the title", 100)),
                Field::Role => first(&mut c.role, fit("the role", MAX_FIELD_CHARS)),
                Field::Organization => first(&mut org, fit("the organisation", MAX_NAME_CHARS)),
                Field::Level => first(&mut level, Some(v.to_string())),
                Field::Land => first(&mut land, fit("the Bundesland", 100)),
                Field::OfficialKey => first(&mut key, fit("the official key", 100)),
                Field::Street => first(&mut c.street, fit("the street", MAX_FIELD_CHARS)),
                Field::PostalCode => first(&mut c.postal_code, fit("the postal code", 20)),
                Field::Locality => first(&mut c.locality, fit("the city", MAX_FIELD_CHARS)),
                Field::Country => first(&mut c.country, fit("the country", 100)),
                Field::Website => {
                    if valid_website(&v) {
                        first(&mut c.website, fit("the website", MAX_FIELD_CHARS));
                    } else {
                        w(format!("'{v}' is not a web address and was left out"));
                    }
                }
                Field::Email => {
                    for e in split_emails(&v) {
                        if !valid_email(&e) {
                            w(format!(
                                "'{e}' is not a valid e-mail address and was left out"
                            ));
                        } else if !c.emails.iter().any(|x| x.value.eq_ignore_ascii_case(&e)) {
                            c.emails.push(Labeled {
                                value: e,
                                label: self.labels.get(i).cloned().flatten(),
                            });
                        }
                    }
                }
                Field::Phone => {
                    for p in v.split([';', ',']).map(str::trim).filter(|p| !p.is_empty()) {
                        if !valid_phone(p) {
                            w(format!(
                                "'{p}' is not a valid phone number and was left out"
                            ));
                        } else if !c.phones.iter().any(|x| x.value == p) {
                            c.phones.push(Labeled {
                                value: p.to_string(),
                                label: self.labels.get(i).cloned().flatten(),
                            });
                        }
                    }
                }
                Field::Tags => {
                    for t in v.split([';', ',']).map(str::trim).filter(|t| !t.is_empty()) {
                        push_tag(&mut c.tags, t, &mut w);
                    }
                }
                Field::Themenfeld => {
                    for t in v.split([';', ',']).map(str::trim).filter(|t| !t.is_empty()) {
                        match self.themenfeld(t) {
                            Some(key) => {
                                if !c.themenfelder.contains(&key) {
                                    c.themenfelder.push(key);
                                }
                            }
                            None => {
                                w(format!(
                                    "'{t}' is not an OZG Themenfeld and was kept as a tag"
                                ));
                                push_tag(&mut c.tags, t, &mut w);
                            }
                        }
                    }
                }
                Field::Note | Field::Ignore => {}
            }
        }

        // Excel turns `01067` into the number 1067 when a list passes through it.
        let german = c.country.as_deref().is_none_or(|k| {
            matches!(
                alnum_fold(k).as_str(),
                "deutschland" | "germany" | "de" | "d" | "deu" | "brd"
            )
        });
        if let Some(plz) = &mut c.postal_code
            && german
            && plz.len() == 4
            && plz.bytes().all(|b| b.is_ascii_digit())
        {
            w(format!(
                "postal code '{plz}' has 4 digits (Excel drops leading zeros); read as '0{plz}'"
            ));
            plz.insert(0, '0');
        }
        if let Some(k) = &mut key
            && matches!(k.len(), 7 | 11)
            && k.bytes().all(|b| b.is_ascii_digit())
        {
            w(format!(
                "official key '{k}' has {} digits (Excel drops leading zeros); read as '0{k}'",
                k.len()
            ));
            k.insert(0, '0');
        }

        // Names: separate columns win; a whole name is split when nothing else says.
        if given.is_some() || family.is_some() {
            if let Some(full) = full {
                let composed = [&title, &given, &family]
                    .iter()
                    .filter_map(|s| s.as_deref())
                    .collect::<Vec<_>>()
                    .join(" ");
                if full != composed {
                    c.display_name = Some(full);
                }
            }
        } else if let Some(full) = full {
            let (t, g, f) = split_full_name(&full);
            if title.is_none() {
                title = t;
            }
            given = g;
            family = f;
        }
        if given.is_none() && family.is_none() {
            return Err("no name (neither Vorname, Nachname nor Name)".to_string());
        }
        c.given_name = given;
        c.family_name = family;
        c.title = title;

        let organization = org.map(|name| OrgRef {
            name,
            level: level.as_deref().and_then(|l| {
                let parsed = parse_level(l);
                if parsed.is_none() {
                    w(format!(
                        "level '{l}' is not Bund, Land, Kommune or Sonstige and was left out"
                    ));
                }
                parsed
            }),
            land,
            key,
        });

        if row.record.len() < self.width {
            w(format!(
                "{} of {} fields; the missing ones were taken as empty",
                row.record.len(),
                self.width
            ));
        } else if row.record.len() > self.width
            && row
                .record
                .iter()
                .skip(self.width)
                .any(|f| !f.trim().is_empty())
        {
            w(format!(
                "{} fields but the header names {}; the extra values were left out",
                row.record.len(),
                self.width
            ));
        }
        for m in local {
            warnings.push(m);
        }
        Ok(ImportedContact {
            contact: c,
            organization,
            notes,
            uid: None,
            line,
        })
    }
}

/// `Müller, Dr. Jördis` (as sorted lists write it) or `Dr. Jördis Müller` → (title, given,
/// family).
fn split_full_name(full: &str) -> (Option<String>, Option<String>, Option<String>) {
    if let Some((family, rest)) = full.split_once(',')
        && !rest.contains(',')
        && !family.trim().is_empty()
        && !rest.trim().is_empty()
    {
        let (t, g, f) = split_name(rest);
        let given = match (g, f) {
            (Some(g), Some(f)) => Some(format!("{g} {f}")),
            (g, f) => g.or(f),
        };
        return (t, given, Some(family.trim().to_string()));
    }
    split_name(full)
}

/// `v` if it fits the store's limit, else `None` and a warning.
fn fit(v: &str, what: &str, max: usize, w: &mut impl FnMut(String)) -> Option<String> {
    if v.chars().count() > max {
        w(format!(
            "{what} is longer than {max} characters and was left out"
        ));
        None
    } else {
        Some(v.to_string())
    }
}

fn push_tag(tags: &mut Vec<String>, t: &str, w: &mut impl FnMut(String)) {
    if t.chars().count() > 100 {
        w(format!(
            "tag '{t}' is longer than 100 characters and was left out"
        ));
    } else if !tags.iter().any(|x| x == t) {
        let folded = fold(t);
        if !tags.iter().any(|x| fold(x) == folded) {
            tags.push(t.to_string());
        }
    }
}

/// `Level::parse` plus the words lists use: `Bundesebene`, `Landesverwaltung`, `kommunal` ….
fn parse_level(v: &str) -> Option<Level> {
    if let Some(l) = Level::parse(v) {
        return Some(l);
    }
    match alnum_fold(v).as_str() {
        "bundesebene" | "bundesverwaltung" | "bundesbehorde" | "federal" => Some(Level::Bund),
        "lander" | "landesebene" | "landesverwaltung" | "landesbehorde" | "state" => {
            Some(Level::Land)
        }
        "kommunen" | "kommunal" | "kommunaleebene" | "kommunalverwaltung" | "gemeinde"
        | "stadt" | "kreis" | "landkreis" | "municipal" | "local" => Some(Level::Kommune),
        "sonstiges" | "andere" | "weitere" => Some(Level::Other),
        _ => None,
    }
}

/// A single-line value: control characters (line breaks in a cell) become spaces, runs of
/// spaces one, and the ends are trimmed, as the store would. Clean values (nearly all) are
/// borrowed, which keeps large files fast.
fn one_line(v: &str) -> Cow<'_, str> {
    let t = v.trim();
    if !t.contains("  ") && !t.chars().any(char::is_control) {
        return Cow::Borrowed(t);
    }
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        let c = if c.is_control() { ' ' } else { c };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    Cow::Owned(out.trim().to_string())
}

/// Addresses in one cell: `a@x.de; b@y.de`, `mailto:a@x.de`, `Jördis Müller <j@x.de>`.
fn split_emails(v: &str) -> Vec<String> {
    let clean = |s: &str| {
        let s = s.trim().trim_matches(['<', '>']).trim();
        s.strip_prefix("mailto:")
            .or_else(|| s.strip_prefix("MAILTO:"))
            .unwrap_or(s)
            .to_string()
    };
    if v.contains('<') && v.contains('>') {
        let mut out = Vec::new();
        let mut rest = v;
        while let Some(start) = rest.find('<') {
            let Some(len) = rest[start..].find('>') else {
                break;
            };
            out.push(clean(&rest[start + 1..start + len]));
            rest = &rest[start + len + 1..];
        }
        return out.into_iter().filter(|e| !e.is_empty()).collect();
    }
    // Split on `;` and `,`; split on spaces only when every part is an address, so that
    // `hans at weiss.de` is reported as one bad value, not three.
    let mut out = Vec::new();
    for piece in v.split([';', ',']) {
        let parts: Vec<&str> = piece.split_whitespace().collect();
        if parts.len() > 1 && parts.iter().all(|p| p.contains('@')) {
            out.extend(parts.into_iter().map(clean));
        } else {
            out.push(clean(piece));
        }
    }
    out.retain(|e| !e.is_empty());
    out
}

/// The store's check: `http(s)://…` (or a bare host, to which it adds `https://`), no spaces.
fn valid_website(v: &str) -> bool {
    let w = if v.contains("://") {
        v.to_string()
    } else {
        format!("https://{v}")
    };
    (w.starts_with("https://") || w.starts_with("http://")) && !w.contains(' ')
}

/// Prefixes `'` to cells Excel would evaluate as a formula (CSV injection). Phone numbers
/// (`+49 30 …`) stay as they are: made of digits, spaces and `+-/().` only, they cannot call a
/// function, and an apostrophe in every international number would be a nuisance.
pub(crate) fn guard_formula(v: &str) -> String {
    let phone_like = v
        .chars()
        .all(|c| c.is_ascii_digit() || " +-/().".contains(c));
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) && !phone_like {
        format!("'{v}")
    } else {
        v.to_string()
    }
}

/// Removes the `'` that [`guard_formula`] (and other careful exporters) put before a formula
/// character.
fn unguard_formula(v: &str) -> &str {
    match v.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => v,
    }
}
