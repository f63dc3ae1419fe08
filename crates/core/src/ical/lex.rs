//! Unfolding: bytes → logical content lines, each with the number of the line it started on.
//!
//! RFC 5545 §3.1: a line break followed by one space or tab continues the previous line, and a
//! fold may fall inside a multi-byte UTF-8 character. So lines are joined as bytes and decoded only
//! afterwards. Line ends may be CRLF, LF or a bare CR (old Lotus Notes); a byte-order mark is
//! dropped. Text that is not UTF-8 is read as Windows-1252 (a superset of Latin-1, what such
//! files in the wild are), with a warning naming the line.

use super::Warning;

/// Longest logical line kept. Real properties stay far below; a megabyte line is hostile or broken.
pub const MAX_LINE_BYTES: usize = 256 * 1024;

/// One unfolded content line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based number of the physical line it starts on.
    pub number: usize,
    /// The decoded text.
    pub text: String,
}

/// Splits `bytes` into physical lines with their numbers, accepting CRLF, LF and bare CR.
/// Shared with the vCard lexer.
pub(crate) fn physical_lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut rest = bytes;
    let mut number = 0;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        number += 1;
        let end = rest
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .unwrap_or(rest.len());
        let line = &rest[..end];
        let mut skip = end;
        if skip < rest.len() {
            skip += if rest[skip] == b'\r' && rest.get(skip + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
        }
        rest = &rest[skip..];
        Some((number, line))
    })
}

/// Unfolds and decodes; returns the logical lines and what could not be read.
pub fn unfold(bytes: &[u8]) -> (Vec<Line>, Vec<Warning>) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut logical: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut warnings = Vec::new();
    let mut too_long = false;
    for (number, line) in physical_lines(bytes) {
        match (line.first(), logical.last_mut()) {
            (Some(b' ' | b'\t'), Some((start, last))) => {
                if last.len() + line.len() > MAX_LINE_BYTES {
                    if !too_long {
                        warnings.push(Warning::at(
                            *start,
                            format!(
                                "line longer than {} KiB; it was skipped",
                                MAX_LINE_BYTES / 1024
                            ),
                        ));
                    }
                    too_long = true;
                    last.clear();
                } else if !too_long {
                    last.extend_from_slice(&line[1..]);
                }
            }
            (None, _) => {}
            _ => {
                too_long = line.len() > MAX_LINE_BYTES;
                if too_long {
                    warnings.push(Warning::at(
                        number,
                        format!(
                            "line longer than {} KiB; it was skipped",
                            MAX_LINE_BYTES / 1024
                        ),
                    ));
                    logical.push((number, Vec::new()));
                } else {
                    logical.push((number, line.to_vec()));
                }
            }
        }
    }
    let out = decode_lines(logical, |number, _| {
        warnings.push(Warning::at(
            number,
            "text is not UTF-8; read as Windows-1252",
        ));
    });
    (out, warnings)
}

/// Decodes joined logical lines (empty ones, the skipped too-long lines, are dropped): UTF-8, or
/// Windows-1252 for a line that is not, after `not_utf8` has been told its number and bytes so
/// the caller can warn in its own way. Shared with the vCard lexer, so both read text alike.
pub(crate) fn decode_lines(
    logical: Vec<(usize, Vec<u8>)>,
    mut not_utf8: impl FnMut(usize, &[u8]),
) -> Vec<Line> {
    let mut out = Vec::with_capacity(logical.len());
    for (number, raw) in logical {
        if raw.is_empty() {
            continue;
        }
        let text = match String::from_utf8(raw) {
            Ok(t) => t,
            Err(e) => {
                let raw = e.into_bytes();
                not_utf8(number, &raw);
                encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(&raw)
                    .0
                    .into_owned()
            }
        };
        out.push(Line { number, text });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_joined_before_decoding() {
        // "Müller" with the fold between the two bytes of "ü".
        let input = b"SUMMARY:M\xC3\r\n \xBCller\r\nLOCATION:Erfurt\r\n";
        let (lines, warnings) = unfold(input);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(lines[0].text, "SUMMARY:Müller");
        assert_eq!(
            lines[1],
            Line {
                number: 3,
                text: "LOCATION:Erfurt".into()
            }
        );
    }

    #[test]
    fn line_endings_bom_and_tabs() {
        let (lines, _) = unfold(b"\xEF\xBB\xBFA:1\rB:2\n\tx\r\n\r\nC:3");
        let texts: Vec<_> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["A:1", "B:2x", "C:3"]);
        assert_eq!(lines[2].number, 5);
    }

    #[test]
    fn latin1_is_read_with_a_warning() {
        let (lines, warnings) = unfold(b"SUMMARY:Gr\xFC\xDFe\n");
        assert_eq!(lines[0].text, "SUMMARY:Grüße");
        assert_eq!(warnings[0].line, 1);
    }

    #[test]
    fn a_megabyte_line_is_skipped_not_kept() {
        let mut input = b"BEGIN:VEVENT\nDESCRIPTION:".to_vec();
        input.extend(std::iter::repeat_n(b'x', 1024 * 1024));
        input.extend_from_slice(b"\n more\nEND:VEVENT\n");
        let (lines, warnings) = unfold(&input);
        assert_eq!(
            lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(),
            ["BEGIN:VEVENT", "END:VEVENT"]
        );
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].line, 2);
    }
}
