//! Content lines → a tree of components (RFC 5545 §3.1, §3.2, RFC 6868 parameter escapes).
//!
//! Tolerant where producers in the wild are sloppy (lower-case names, white space around names,
//! empty parameter values) and explicit about what it drops: every line it cannot read becomes a
//! [`Warning`] with its line number, and reading goes on with the next line.

use super::Warning;
use super::lex::{Line, unfold};
use std::borrow::Cow;

/// Deepest nesting accepted: real calendars nest three levels (VCALENDAR > VEVENT > VALARM).
const MAX_DEPTH: usize = 16;

/// Property names common enough to be shared instead of allocated per line: a 10,000-event feed
/// has about 200,000 properties, and allocation was the largest cost of reading one.
const KNOWN_NAMES: &[&str] = &[
    "BEGIN",
    "END",
    "UID",
    "DTSTAMP",
    "DTSTART",
    "DTEND",
    "DURATION",
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
    "URL",
    "ORGANIZER",
    "ATTENDEE",
    "STATUS",
    "SEQUENCE",
    "RRULE",
    "RDATE",
    "EXDATE",
    "RECURRENCE-ID",
    "CATEGORIES",
    "CLASS",
    "TRANSP",
    "GEO",
    "CREATED",
    "LAST-MODIFIED",
    "TZID",
    "TZOFFSETFROM",
    "TZOFFSETTO",
    "TZNAME",
    "ACTION",
    "TRIGGER",
    "VERSION",
    "PRODID",
    "METHOD",
    "CALSCALE",
    "PRIORITY",
    "X-WR-CALNAME",
    "X-WR-TIMEZONE",
    "X-LIC-LOCATION",
    "COMMENT",
    "CONTACT",
    "FN",
    "N",
    "EMAIL",
    "TEL",
    "ORG",
    "TITLE",
    "ROLE",
    "NOTE",
    "ADR",
    "PHOTO",
    "KIND",
    "REV",
];

fn intern(name: &str) -> Cow<'static, str> {
    KNOWN_NAMES
        .iter()
        .find(|k| k.eq_ignore_ascii_case(name))
        .map(|k| Cow::Borrowed(*k))
        .unwrap_or_else(|| Cow::Owned(name.to_ascii_uppercase()))
}

/// A property: `NAME;PARAM=a,b:value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// Upper-cased name, e.g. `DTSTART`.
    pub name: Cow<'static, str>,
    /// Parameters with upper-cased names and their values (quotes removed, RFC 6868 decoded).
    pub params: Vec<(String, Vec<String>)>,
    /// The raw value (escapes are still in; see [`unescape_text`]).
    pub value: String,
    /// Line number of the property.
    pub line: usize,
}

impl Property {
    /// The first value of parameter `name` (upper case).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
    }
}

/// A component: `BEGIN:NAME` … `END:NAME`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Component {
    /// Upper-cased name, e.g. `VEVENT`.
    pub name: String,
    /// Its properties in order.
    pub props: Vec<Property>,
    /// Nested components (VALARM inside VEVENT, VEVENTs inside VCALENDAR).
    pub children: Vec<Component>,
    /// Line of its BEGIN.
    pub line: usize,
    /// False when the input ended before its END.
    pub closed: bool,
}

impl Component {
    /// The first property called `name`.
    pub fn prop(&self, name: &str) -> Option<&Property> {
        self.props.iter().find(|p| p.name == name)
    }

    /// Every property called `name`.
    pub fn props_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Property> + 'a {
        self.props.iter().filter(move |p| p.name == name)
    }

    /// The unescaped text of the first property called `name`, if not empty.
    pub fn text(&self, name: &str) -> Option<String> {
        self.prop(name)
            .map(|p| unescape_text(&p.value))
            .filter(|s| !s.trim().is_empty())
    }
}

/// The result of reading a whole input.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// Top-level components (usually one VCALENDAR; some files hold several).
    pub roots: Vec<Component>,
    /// What could not be read.
    pub warnings: Vec<Warning>,
}

impl Parsed {
    /// True when the input has at least one VCALENDAR and every one of them is closed: only a
    /// complete feed may remove events that are missing from it.
    pub fn complete(&self) -> bool {
        let cals: Vec<_> = self
            .roots
            .iter()
            .filter(|c| c.name == "VCALENDAR")
            .collect();
        !cals.is_empty() && cals.iter().all(|c| c.closed)
    }
}

/// Decodes TEXT escapes (`\\n`, `\\,`, `\\;`, `\\\\`); an unknown escape keeps its character.
pub fn unescape_text(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// RFC 6868: `^n` newline, `^^` caret, `^'` double quote.
fn decode_param(v: &str) -> String {
    if !v.contains('^') {
        return v.to_string();
    }
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '^' {
            match chars.peek() {
                Some('n') => {
                    chars.next();
                    out.push('\n');
                }
                Some('^') => {
                    chars.next();
                    out.push('^');
                }
                Some('\'') => {
                    chars.next();
                    out.push('"');
                }
                _ => out.push('^'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads one content line; `Err` says why it is not one. The line's buffer becomes the value, so
/// reading costs no copy of the (often long) text.
pub fn content_line(line: Line) -> Result<Property, String> {
    let s = line.text.as_str();
    // The name runs to the first ';' or ':' outside quotes (names never hold quotes).
    let name_end = s.find([';', ':']).ok_or("no ':' between name and value")?;
    let name = s[..name_end].trim();
    // vCard groups (`item1.EMAIL`) are kept in the name; iCalendar has none.
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    {
        return Err(format!(
            "'{}' is not a property name",
            name.chars().take(40).collect::<String>()
        ));
    }
    let mut params = Vec::new();
    let bytes = s.as_bytes();
    let mut i = name_end;
    while bytes[i] == b';' {
        i += 1;
        let eq = s[i..]
            .find(['=', ':', ';'])
            .map(|k| i + k)
            .ok_or("parameter without value")?;
        if bytes[eq] != b'=' {
            // A bare parameter name (vCard 2.1 `TEL;WORK:`): keep it as TYPE.
            params.push((
                "TYPE".to_string(),
                vec![s[i..eq].trim().to_ascii_uppercase()],
            ));
            i = eq;
            continue;
        }
        let pname = s[i..eq].trim().to_ascii_uppercase();
        i = eq + 1;
        let mut values = Vec::new();
        loop {
            if bytes.get(i) == Some(&b'"') {
                let close = s[i + 1..]
                    .find('"')
                    .map(|k| i + 1 + k)
                    .ok_or("unclosed quote in a parameter")?;
                values.push(decode_param(&s[i + 1..close]));
                i = close + 1;
            } else {
                let end = s[i..]
                    .find([',', ';', ':'])
                    .map(|k| i + k)
                    .unwrap_or(s.len());
                values.push(decode_param(&s[i..end]));
                i = end;
            }
            match bytes.get(i) {
                Some(b',') => i += 1,
                Some(b';' | b':') => break,
                Some(_) => {
                    // Text after a closing quote before the next separator: lenient, keep it.
                    let end = s[i..]
                        .find([',', ';', ':'])
                        .map(|k| i + k)
                        .unwrap_or(s.len());
                    if let Some(last) = values.last_mut() {
                        last.push_str(&s[i..end]);
                    }
                    i = end;
                    if i >= s.len() {
                        return Err("no ':' before the value".into());
                    }
                    if bytes[i] == b',' {
                        i += 1;
                    } else {
                        break;
                    }
                }
                None => return Err("no ':' before the value".into()),
            }
        }
        params.push((pname, values));
    }
    let name = intern(name);
    let mut value = line.text;
    value.drain(..=i);
    Ok(Property {
        name,
        params,
        value,
        line: line.number,
    })
}

/// Reads a whole input into components; never fails, reports what it skipped.
pub fn parse(bytes: &[u8]) -> Parsed {
    let (lines, mut warnings) = unfold(bytes);
    let mut stack: Vec<Component> = Vec::new();
    let mut roots = Vec::new();
    let mut skipped_outside = 0usize;
    for line in lines {
        let number = line.number;
        let prop = match content_line(line) {
            Ok(p) => p,
            Err(why) => {
                let component = stack.last().map(|c| c.name.clone());
                warnings.push(Warning {
                    line: number,
                    component,
                    message: format!("unreadable line skipped: {why}"),
                });
                continue;
            }
        };
        match &*prop.name {
            "BEGIN" => {
                if stack.len() >= MAX_DEPTH {
                    warnings.push(Warning::at(number, "components nested too deeply; skipped"));
                    continue;
                }
                let name = prop.value.trim().to_ascii_uppercase();
                stack.push(Component {
                    name,
                    line: number,
                    ..Default::default()
                });
            }
            "END" => {
                let name = prop.value.trim().to_ascii_uppercase();
                match stack.iter().rposition(|c| c.name == name) {
                    Some(pos) => {
                        while stack.len() > pos {
                            let mut done = stack.pop().expect("non-empty");
                            done.closed = stack.len() == pos;
                            if !done.closed {
                                warnings.push(Warning {
                                    line: done.line,
                                    component: Some(done.name.clone()),
                                    message: format!("no END:{} before END:{name}", done.name),
                                });
                            }
                            match stack.last_mut() {
                                Some(parent) => parent.children.push(done),
                                None => roots.push(done),
                            }
                        }
                    }
                    None => warnings.push(Warning::at(
                        number,
                        format!("END:{name} without BEGIN; ignored"),
                    )),
                }
            }
            _ => match stack.last_mut() {
                Some(c) => c.props.push(prop),
                None => skipped_outside += 1,
            },
        }
    }
    if skipped_outside > 0 {
        warnings.push(Warning::at(
            0,
            format!("{skipped_outside} lines outside any BEGIN/END block were ignored"),
        ));
    }
    while let Some(open) = stack.pop() {
        warnings.push(Warning {
            line: open.line,
            component: Some(open.name.clone()),
            message: format!("the input ends before END:{}", open.name),
        });
        match stack.last_mut() {
            Some(parent) => parent.children.push(open),
            None => roots.push(open),
        }
    }
    Parsed { roots, warnings }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &str) -> Property {
        content_line(Line {
            number: 1,
            text: s.into(),
        })
        .unwrap()
    }

    #[test]
    fn quoted_parameters_may_hold_separators() {
        let p = line(
            r#"ATTENDEE;CN="Müller, Jördis: OZG";ROLE=REQ-PARTICIPANT;X=a,"b;c":mailto:j@x.de"#,
        );
        assert_eq!(p.name, "ATTENDEE");
        assert_eq!(p.param("CN"), Some("Müller, Jördis: OZG"));
        assert_eq!(p.params[2].1, vec!["a", "b;c"]);
        assert_eq!(p.value, "mailto:j@x.de");
    }

    #[test]
    fn rfc6868_and_text_escapes() {
        let p = line("X-ADR;LABEL=\"Haus ^'A^'^nBerlin ^^\":x");
        assert_eq!(p.param("LABEL"), Some("Haus \"A\"\nBerlin ^"));
        assert_eq!(unescape_text(r"a\, b\; c\nd\\e"), "a, b; c\nd\\e");
    }

    #[test]
    fn sloppy_names_are_read() {
        assert_eq!(
            line("dtstart ;tzid=Europe/Berlin:20240101T100000").param("TZID"),
            Some("Europe/Berlin")
        );
        assert!(
            content_line(Line {
                number: 7,
                text: "this is no property".into()
            })
            .is_err()
        );
        assert_eq!(line("TEL;WORK;VOICE:123").params.len(), 2);
    }

    #[test]
    fn incomplete_input_is_flagged() {
        let p = parse(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nEND:VEVENT\r\n");
        assert!(!p.complete());
        assert_eq!(p.roots[0].children.len(), 1);
        assert!(
            p.warnings
                .iter()
                .any(|w| w.message.contains("ends before END:VCALENDAR"))
        );
        let p = parse(b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nEND:VCALENDAR\n");
        assert!(p.complete());
        assert!(
            p.warnings
                .iter()
                .any(|w| w.message.contains("no END:VEVENT"))
        );
    }

    #[test]
    fn garbage_never_panics() {
        for input in [
            &b"\x00\xff\xfe;;;:::\"\"\"\n ;\n\t:"[..],
            b":",
            b";",
            b"BEGIN:",
            b"END:X",
            b"A;B=\"",
            b"A;B=\"x\"y",
        ] {
            let _ = parse(input);
        }
    }
}
