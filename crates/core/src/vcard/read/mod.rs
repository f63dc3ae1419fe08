//! Reading: bytes → cards → contacts, organisations, skipped cards and warnings.
//!
//! This file frames the input (rejects what is no vCard, splits the unfolded lines into cards);
//! `value.rs` turns one property's raw value into text, `card.rs` one card into a contact.

mod card;
mod value;

use super::lex::unfold;
use super::{VcardError, VcardRead};
use crate::ical::lex::Line;
use crate::ical::parse::content_line;
use crate::model::{ImportedContact, OrgRef, Skipped};
use card::read_card;

pub(super) use value::label_from_types;
#[cfg(test)]
pub(super) use value::{qp_decode, split_unescaped};

/// Largest photo kept, as the store allows (decoded bytes).
pub(super) const MAX_PHOTO_BYTES: usize = 2 * 1024 * 1024;
/// E-mail addresses or phone numbers kept per card, as the store allows.
const MAX_VALUES: usize = 50;

/// One property of a card, with the vCard group split off the name.
#[derive(Debug, Clone)]
struct Prop {
    /// `ITEM1` for `item1.EMAIL` (upper case).
    group: Option<String>,
    /// Upper-cased name without the group.
    name: String,
    params: Vec<(String, Vec<String>)>,
    /// Raw value; escapes and encodings still in.
    value: String,
    line: usize,
}

impl Prop {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
    }

    /// Every TYPE value, split at commas (`TYPE="work,voice"`), lower case.
    fn types(&self) -> Vec<String> {
        self.params
            .iter()
            .filter(|(n, _)| n == "TYPE")
            .flat_map(|(_, v)| v.iter())
            .flat_map(|v| v.split(','))
            .map(|t| t.trim().to_ascii_lowercase())
            .filter(|t| !t.is_empty())
            .collect()
    }

    fn has_type(&self, t: &str) -> bool {
        self.types().iter().any(|x| x == t)
    }
}

/// A `BEGIN:VCARD` … `END:VCARD` block.
#[derive(Debug, Default)]
struct RawCard {
    line: usize,
    props: Vec<Prop>,
    closed: bool,
}

/// Warnings as `line N: …`, in the order found.
struct Warnings(Vec<(usize, String)>);

impl Warnings {
    fn at(&mut self, line: usize, message: impl Into<String>) {
        self.0.push((line, message.into()));
    }
}

/// Rejects input that holds no vCards at all before any work is done, and turns UTF-16 (Windows
/// exports) into UTF-8.
fn sniff(bytes: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, VcardError> {
    let not = |m: &str| Err(VcardError::NotVcard(m.to_string()));
    let utf16 = if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"B\0E\0G\0") {
        Some(encoding_rs::UTF_16LE)
    } else if bytes.starts_with(b"\xFE\xFF") || bytes.starts_with(b"\0B\0E\0G") {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    };
    let bytes: std::borrow::Cow<'_, [u8]> = match utf16 {
        Some(enc) => {
            let text = enc.decode(bytes).0;
            std::borrow::Cow::Owned(text.into_owned().into_bytes())
        }
        None => std::borrow::Cow::Borrowed(bytes),
    };
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let body = body.trim_ascii();
    if body.is_empty() {
        return not("the file is empty");
    }
    if body.contains(&0) {
        return not("the file is binary data (it contains NUL bytes), not text");
    }
    if body.starts_with(b"<") {
        return not("the file is an HTML or XML document, not a vCard");
    }
    let sample = &body[..body.len().min(8192)];
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    if control * 100 > sample.len() {
        return not("the file is binary data, not text");
    }
    Ok(bytes)
}

/// Splits the logical lines into cards. Foreign blocks (a VCALENDAR) are skipped with a warning;
/// a `BEGIN:VCARD` inside an open card ends that card (its END was missing) unless it follows an
/// empty vCard 2.1 `AGENT:` (an embedded card, skipped).
fn split_cards(lines: Vec<Line>, w: &mut Warnings) -> (Vec<RawCard>, Option<usize>) {
    let mut cards = Vec::new();
    let mut current: Option<RawCard> = None;
    // Names of foreign or embedded components being skipped, innermost last.
    let mut skip: Vec<String> = Vec::new();
    let mut outside = 0usize;
    let mut first_calendar = None;
    for line in lines {
        let number = line.number;
        let prop = match content_line(line) {
            Ok(p) => p,
            Err(why) => {
                if current.is_some() && skip.is_empty() {
                    w.at(number, format!("unreadable line skipped: {why}"));
                } else if skip.is_empty() {
                    outside += 1;
                }
                continue;
            }
        };
        let value = prop.value.trim().to_ascii_uppercase();
        match &*prop.name {
            "BEGIN" => {
                if !skip.is_empty() {
                    skip.push(value);
                    continue;
                }
                if value == "VCARD" {
                    if let Some(card) = current.take() {
                        let agent = card
                            .props
                            .last()
                            .is_some_and(|p| p.name == "AGENT" && p.value.trim().is_empty());
                        if agent {
                            w.at(number, "embedded AGENT vCard ignored");
                            current = Some(card);
                            skip.push(value);
                            continue;
                        }
                        w.at(
                            card.line,
                            format!("no END:VCARD before the next BEGIN:VCARD at line {number}"),
                        );
                        cards.push(card);
                    }
                    current = Some(RawCard {
                        line: number,
                        ..Default::default()
                    });
                } else {
                    if current.is_some() {
                        w.at(
                            number,
                            format!("BEGIN:{value} inside a vCard; block ignored"),
                        );
                    } else {
                        if matches!(value.as_str(), "VCALENDAR" | "VEVENT" | "VTODO") {
                            first_calendar.get_or_insert(number);
                        }
                        w.at(
                            number,
                            format!("a {value} block is not a vCard; it was skipped"),
                        );
                    }
                    skip.push(value);
                }
            }
            "END" => {
                if let Some(pos) = skip.iter().rposition(|s| *s == value) {
                    skip.truncate(pos);
                } else if value == "VCARD" && current.is_some() {
                    skip.clear();
                    let mut card = current.take().expect("checked");
                    card.closed = true;
                    cards.push(card);
                } else if skip.is_empty() {
                    w.at(number, format!("END:{value} without BEGIN; ignored"));
                }
            }
            _ if !skip.is_empty() => {}
            _ => match current.as_mut() {
                Some(card) => {
                    let (group, name) = match prop.name.rsplit_once('.') {
                        Some((g, n)) => (Some(g.to_ascii_uppercase()), n.to_ascii_uppercase()),
                        None => (None, prop.name.to_string()),
                    };
                    card.props.push(Prop {
                        group,
                        name,
                        params: prop.params,
                        value: prop.value,
                        line: prop.line,
                    });
                }
                None => outside += 1,
            },
        }
    }
    if let Some(card) = current {
        cards.push(card);
    }
    if outside > 0 && !cards.is_empty() {
        w.at(
            0,
            format!("{outside} lines outside any BEGIN:VCARD/END:VCARD were ignored"),
        );
    }
    (cards, first_calendar)
}

/// Reads every card of a vCard file (2.1, 3.0 or 4.0, mixed, in any of the encodings found in
/// the wild). Fails only when the input holds no vCard at all; everything else becomes skipped
/// cards and warnings with line numbers.
pub fn read_vcards(bytes: &[u8]) -> Result<VcardRead, VcardError> {
    let bytes = sniff(bytes)?;
    let (lines, lex_warnings) = unfold(&bytes);
    let mut w = Warnings(lex_warnings);
    let (cards, calendar) = split_cards(lines, &mut w);
    if cards.is_empty() {
        return Err(VcardError::NotVcard(match calendar {
            Some(line) => format!(
                "this is an iCalendar/vCalendar file (BEGIN:VCALENDAR at line {line}), not a vCard"
            ),
            None => "no BEGIN:VCARD found".to_string(),
        }));
    }
    let mut out = VcardRead::default();
    for card in cards {
        match read_card(&card, &mut w) {
            Read::Contact(c) => out.contacts.push(*c),
            Read::Org(o) => out.organizations.push(o),
            Read::Skip(reason) => out.skipped.push(Skipped {
                line: card.line,
                reason,
            }),
        }
    }
    w.0.sort_by_key(|(line, _)| *line);
    out.warnings =
        w.0.into_iter()
            .map(|(line, m)| match line {
                0 => m,
                l => format!("line {l}: {m}"),
            })
            .collect();
    Ok(out)
}

/// What one card became.
enum Read {
    Contact(Box<ImportedContact>),
    Org(OrgRef),
    Skip(String),
}
