//! Decoding and splitting: refusing what is not text (empty, too large, binary, a workbook, a
//! vCard …) with a message a user can act on, the encoding (BOM, UTF-8, else Windows-1252), the
//! delimiter, and the rows with their physical line numbers (a quoted cell may span lines).

use super::{CsvError, MAX_BYTES, MAX_ROWS, SNIFF_ROWS};
use crate::rules::{valid_email, valid_phone};

/// One non-blank data row with the physical line where it starts.
pub(super) struct Row {
    pub(super) line: usize,
    pub(super) record: csv::StringRecord,
}

/// A file split into header and rows.
pub(super) struct Table {
    pub(super) delimiter: u8,
    pub(super) encoding: &'static str,
    pub(super) headers: Vec<String>,
    pub(super) rows: Vec<Row>,
    pub(super) warnings: Vec<String>,
    /// Whether LinkedIn's `Notes:` preamble came before the header row.
    pub(super) preamble: bool,
}

/// Decodes, refuses what is not CSV, finds the delimiter and splits the file.
pub(super) fn parse(bytes: &[u8]) -> Result<Table, CsvError> {
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
    // LinkedIn's `Notes:` lines before the header: blanked too, keeping their line ends.
    let preamble = preamble_end(&text).is_some_and(|end| {
        let blank = "\n".repeat(text[..end].matches('\n').count());
        text.replace_range(..end, &blank);
        true
    });
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
        preamble,
        headers,
        rows,
        warnings,
    })
}

/// Where the header row starts when the file begins with LinkedIn's `Notes:` preamble (a few
/// lines explaining missing e-mail addresses): the byte offset of the `First Name,…` line.
fn preamble_end(text: &str) -> Option<usize> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next()?;
    if !first.trim().eq_ignore_ascii_case("notes:") {
        return None;
    }
    let mut at = first.len();
    for line in lines.take(20) {
        let cell = line
            .split(',')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"');
        if cell.eq_ignore_ascii_case("first name") {
            return Some(at);
        }
        at += line.len();
    }
    None
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
