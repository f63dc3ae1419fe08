//! Unfolding for vCards: bytes → logical lines, like [`crate::ical::lex::unfold`] plus two things
//! vCards need that calendars do not.
//!
//! - vCard 2.1 QUOTED-PRINTABLE values continue with a `=` at the end of a line and *no* leading
//!   space on the next one (Outlook writes its LABELs so). Such lines are joined here, before the
//!   text is decoded; the `=` is removed so the QP decoder never sees the break.
//! - A photo of up to 2 MiB is about 2.7 MiB of base64 on one logical line, over the 256 KiB line
//!   cap of the calendar lexer; the cap here is [`MAX_LINE_BYTES`].
//!
//! Splitting into physical lines and decoding the joined lines are the calendar lexer's; the rest
//! follows its logic: folds (line break + space or tab) are joined as bytes and decoded
//! afterwards, so a fold inside a multi-byte character survives; CRLF, LF and bare CR end lines; a
//! BOM is dropped; a line that is not UTF-8 is read as Windows-1252 (a superset of ISO-8859-1).

use crate::ical::lex::{Line, decode_lines, physical_lines};

/// Longest logical line kept: a 2 MiB photo in base64 plus room for parameters.
pub const MAX_LINE_BYTES: usize = 3 * 1024 * 1024;

/// The part of a content line before its value: name and parameters.
fn head(line: &[u8]) -> &[u8] {
    let end = line.iter().position(|&b| b == b':').unwrap_or(line.len());
    &line[..end]
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// True when a logical line's parameters say QUOTED-PRINTABLE (`ENCODING=QUOTED-PRINTABLE` or the
/// bare vCard 2.1 form `;QUOTED-PRINTABLE`).
fn is_quoted_printable(line: &[u8]) -> bool {
    contains_ci(head(line), b"QUOTED-PRINTABLE")
}

/// True when the line declares a Latin-1 family charset, so 8-bit bytes in it are expected.
fn declares_latin1(line: &[u8]) -> bool {
    let h = head(line);
    [
        &b"CHARSET=ISO-8859-1"[..],
        b"CHARSET=ISO-8859-15",
        b"CHARSET=WINDOWS-1252",
        b"CHARSET=LATIN1",
        b"CHARSET=CP1252",
    ]
    .iter()
    .any(|c| contains_ci(h, c))
}

/// A physical line that must never be swallowed by a stray trailing `=`.
fn is_card_boundary(line: &[u8]) -> bool {
    let t = line.trim_ascii();
    t.len() >= 9
        && (t[..6].eq_ignore_ascii_case(b"BEGIN:") || t[..4].eq_ignore_ascii_case(b"END:"))
        && contains_ci(t, b"VCARD")
}

/// Unfolds and decodes. Returns the logical lines and warnings as `(line, message)`.
pub fn unfold(bytes: &[u8]) -> (Vec<Line>, Vec<(usize, String)>) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut logical: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut warnings = Vec::new();
    let mut too_long = false;
    // True while the last logical line is a QP value that ended in a soft line break.
    let mut qp_open = false;
    // For the current logical line: whether its head (name and parameters) may still grow (no
    // ':' yet) and whether it declares QUOTED-PRINTABLE. Kept incrementally: rescanning the
    // whole line at each fold made a 400 kB folded line take 1.6 s (found by fuzzing).
    let mut head_open = false;
    let mut qp_head = false;
    let too_long_msg = || {
        format!(
            "line longer than {} MiB; it was skipped",
            MAX_LINE_BYTES / 1024 / 1024
        )
    };
    for (number, line) in physical_lines(bytes) {
        let qp_continues = qp_open && !is_card_boundary(line);
        match (line.first(), logical.last_mut()) {
            (_, Some((start, last))) if qp_continues => {
                if last.len() + line.len() > MAX_LINE_BYTES {
                    if !too_long {
                        warnings.push((*start, too_long_msg()));
                    }
                    too_long = true;
                    last.clear();
                    qp_open = false;
                } else {
                    last.extend_from_slice(line);
                    qp_open = soft_break(last);
                }
            }
            (Some(b' ' | b'\t'), Some((start, last))) => {
                if last.len() + line.len() > MAX_LINE_BYTES {
                    if !too_long {
                        warnings.push((*start, too_long_msg()));
                    }
                    too_long = true;
                    last.clear();
                } else if !too_long {
                    let old = last.len();
                    last.extend_from_slice(&line[1..]);
                    if head_open {
                        let colon = line[1..].iter().position(|&b| b == b':');
                        let end = colon.map_or(last.len(), |c| old + c);
                        qp_head |=
                            contains_ci(&last[old.saturating_sub(16)..end], b"QUOTED-PRINTABLE");
                        head_open = colon.is_none();
                    }
                    qp_open = qp_head && soft_break(last);
                }
            }
            (None, _) => qp_open = false,
            _ => {
                too_long = line.len() > MAX_LINE_BYTES;
                if too_long {
                    warnings.push((number, too_long_msg()));
                    logical.push((number, Vec::new()));
                    qp_open = false;
                } else {
                    let mut l = line.to_vec();
                    head_open = !l.contains(&b':');
                    qp_head = is_quoted_printable(&l);
                    qp_open = qp_head && soft_break(&mut l);
                    logical.push((number, l));
                }
            }
        }
    }
    let mut not_utf8: Vec<usize> = Vec::new();
    let out = decode_lines(logical, |number, raw| {
        if !declares_latin1(raw) {
            not_utf8.push(number);
        }
    });
    if let Some(&first) = not_utf8.first() {
        let more = match not_utf8.len() - 1 {
            0 => String::new(),
            1 => " (and 1 more line)".to_string(),
            n => format!(" (and {n} more lines)"),
        };
        warnings.push((
            first,
            format!("text is not UTF-8; read as ISO-8859-1/Windows-1252{more}"),
        ));
    }
    (out, warnings)
}

/// If `line` ends in a QP soft line break (`=`, maybe followed by blanks), removes it and says so.
fn soft_break(line: &mut Vec<u8>) -> bool {
    let trimmed = line.trim_ascii_end().len();
    // A head without ':' (`LABEL;ENCODING=QUOTED-PRINTABLE=`) is no value yet.
    if trimmed > 0 && line[trimmed - 1] == b'=' && line.contains(&b':') {
        line.truncate(trimmed - 1);
        true
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line]) -> Vec<&str> {
        lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn qp_soft_breaks_join_lines_without_leading_space() {
        let input = b"LABEL;WORK;ENCODING=QUOTED-PRINTABLE:Workstreet 99=0D=0A=\r\n\
            1111AA  Worktown=0D=0A=\r\nNetherlands\r\nEMAIL:a@b.de\r\n";
        let (lines, warnings) = unfold(input);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            texts(&lines),
            [
                "LABEL;WORK;ENCODING=QUOTED-PRINTABLE:Workstreet 99=0D=0A1111AA  Worktown=0D=0ANetherlands",
                "EMAIL:a@b.de"
            ]
        );
        assert_eq!(lines[1].number, 4);
    }

    #[test]
    fn a_stray_equals_sign_does_not_swallow_the_end_of_a_card() {
        let (lines, _) = unfold(b"NOTE;QUOTED-PRINTABLE:x=\nEND:VCARD\n");
        assert_eq!(texts(&lines), ["NOTE;QUOTED-PRINTABLE:x", "END:VCARD"]);
    }

    #[test]
    fn plain_lines_ending_in_equals_are_left_alone() {
        let (lines, _) = unfold(b"NOTE:a=\nURL:x\n");
        assert_eq!(texts(&lines), ["NOTE:a=", "URL:x"]);
    }

    #[test]
    fn latin1_lines_give_one_warning() {
        let (lines, warnings) =
            unfold(b"N:M\xFCller\nFN:J\xF6rdis\nNOTE;CHARSET=ISO-8859-1:\xE4\n");
        assert_eq!(
            texts(&lines),
            ["N:Müller", "FN:Jördis", "NOTE;CHARSET=ISO-8859-1:ä"]
        );
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].0, 1);
        assert!(warnings[0].1.contains("1 more line"), "{warnings:?}");
    }

    #[test]
    fn folds_inside_characters_and_big_photos() {
        let (lines, _) = unfold(b"FN:M\xC3\r\n \xBCller\r\n");
        assert_eq!(texts(&lines), ["FN:Müller"]);
        let mut input = b"PHOTO;ENCODING=b:".to_vec();
        for _ in 0..20_000 {
            input.extend_from_slice(b"\r\n ");
            input.extend_from_slice(&[b'A'; 74]);
        }
        let (lines, warnings) = unfold(&input);
        assert!(warnings.is_empty());
        assert_eq!(lines[0].text.len(), 17 + 20_000 * 74);
    }
}
