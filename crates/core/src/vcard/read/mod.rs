//! Reading: bytes → cards → contacts, organisations, skipped cards and warnings.

use super::lex::unfold;
use super::{VcardError, VcardRead};
use crate::fold::fold;
use crate::ical::lex::Line;
use crate::ical::parse::{content_line, unescape_text};
use crate::model::{
    ContactInput, ImportedContact, Labeled, Level, OrgRef, Photo, PhotoChange, Skipped,
};
use crate::rules::{sniff_image, valid_email, valid_phone};
use base64::Engine;

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

/// How a value is transfer-encoded.
enum Encoding {
    Plain,
    QuotedPrintable,
    Base64,
    Unknown(String),
}

fn encoding(p: &Prop) -> Encoding {
    if let Some(e) = p.param("ENCODING") {
        return match e.trim().to_ascii_uppercase().as_str() {
            "QUOTED-PRINTABLE" | "QP" => Encoding::QuotedPrintable,
            "B" | "BASE64" => Encoding::Base64,
            "8BIT" | "7BIT" | "" => Encoding::Plain,
            other => Encoding::Unknown(other.to_string()),
        };
    }
    let types = p.types();
    if types.iter().any(|t| t == "quoted-printable") {
        Encoding::QuotedPrintable
    } else if types.iter().any(|t| t == "base64" || t == "b") {
        Encoding::Base64
    } else {
        Encoding::Plain
    }
}

/// Decodes quoted-printable to bytes; `=` not followed by two hex digits is kept as it is.
pub(super) fn qp_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'='
            && i + 2 < b.len()
            && b[i + 1].is_ascii_hexdigit()
            && b[i + 2].is_ascii_hexdigit()
        {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("00");
            out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

fn base64_engine() -> base64::engine::GeneralPurpose {
    base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    )
}

/// Decodes base64 after removing white space (folds with two spaces leave one in the value).
fn b64_decode(s: &str) -> Result<Vec<u8>, base64::DecodeError> {
    let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let clean = clean.replace(['-'], "+").replace(['_'], "/");
    base64_engine().decode(clean.as_bytes())
}

/// Decodes bytes in the property's CHARSET (UTF-8 when none is given, Windows-1252 when the bytes
/// are not UTF-8).
fn decode_charset(p: &Prop, bytes: Vec<u8>, w: &mut Warnings) -> String {
    let charset = p.param("CHARSET").map(str::trim).filter(|c| !c.is_empty());
    let enc = match charset {
        None => None,
        Some(label) => match encoding_rs::Encoding::for_label(label.as_bytes()) {
            Some(e) => Some(e),
            None => {
                w.at(
                    p.line,
                    format!("unknown CHARSET={label} on {}; read as UTF-8", p.name),
                );
                None
            }
        },
    };
    match enc {
        Some(e) if e != encoding_rs::UTF_8 => e.decode_without_bom_handling(&bytes).0.into_owned(),
        _ => match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                w.at(
                    p.line,
                    format!("{} is not UTF-8; read as Windows-1252", p.name),
                );
                encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(e.as_bytes())
                    .0
                    .into_owned()
            }
        },
    }
}

/// The property's value with its transfer encoding and charset undone; TEXT escapes are still in.
fn raw_text(p: &Prop, w: &mut Warnings) -> String {
    match encoding(p) {
        Encoding::Plain => p.value.clone(),
        Encoding::QuotedPrintable => decode_charset(p, qp_decode(&p.value), w),
        Encoding::Base64 => match b64_decode(&p.value) {
            Ok(bytes) => decode_charset(p, bytes, w),
            Err(e) => {
                w.at(
                    p.line,
                    format!(
                        "{} is not valid base64 ({e}); value kept as written",
                        p.name
                    ),
                );
                p.value.clone()
            }
        },
        Encoding::Unknown(e) => {
            w.at(
                p.line,
                format!("unknown ENCODING={e} on {}; value kept as written", p.name),
            );
            p.value.clone()
        }
    }
}

/// Splits at `sep` where it is not escaped; the parts keep their escapes.
pub(super) fn split_unescaped(s: &str, seps: &[char]) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let last = parts.last_mut().expect("non-empty");
            last.push(c);
            if let Some(n) = chars.next() {
                last.push(n);
            }
        } else if seps.contains(&c) {
            parts.push(String::new());
        } else {
            parts.last_mut().expect("non-empty").push(c);
        }
    }
    parts
}

/// One component of a structured value: its comma-separated values joined by `joiner`, unescaped,
/// line breaks turned into `, `, trimmed; `None` when empty.
fn component(raw: Option<&String>, joiner: &str) -> Option<String> {
    let raw = raw?;
    let text = split_unescaped(raw, &[','])
        .iter()
        .map(|v| unescape_text(v).trim().to_string())
        .filter(|v| !v.is_empty())
        .collect::<Vec<_>>()
        .join(joiner);
    let text = text
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    (!text.is_empty()).then_some(text)
}

/// `s` without `prefix`, compared ignoring ASCII case.
fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    s.get(..prefix.len())
        .filter(|head| head.eq_ignore_ascii_case(prefix))
        .map(|_| &s[prefix.len()..])
}

/// Unescaped single-line text of a property, trimmed; `None` when empty.
fn text(p: &Prop, w: &mut Warnings) -> Option<String> {
    let t = unescape_text(&raw_text(p, w));
    let t = t.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Cuts `v` to `max` characters with a warning: the store refuses a contact with a longer field.
fn fit(v: Option<String>, max: usize, what: &str, line: usize, w: &mut Warnings) -> Option<String> {
    let v = v?;
    if v.chars().count() <= max {
        return Some(v);
    }
    w.at(
        line,
        format!("{what} longer than {max} characters; it was shortened"),
    );
    Some(
        v.chars()
            .take(max)
            .collect::<String>()
            .trim_end()
            .to_string(),
    )
}

/// TYPE values that say nothing a person would call a label.
const NOT_LABELS: &[&str] = &[
    "pref",
    "internet",
    "x400",
    "x.400",
    "quoted-printable",
    "base64",
    "b",
    "8bit",
    "7bit",
];

/// A label from TYPE values: `work`, `home`, `cell`, `work,fax`; `voice` only when alone (every
/// phone is a voice line unless it says otherwise).
pub(super) fn label_from_types(types: &[String], phone: bool) -> Option<String> {
    let mut kept: Vec<&str> = Vec::new();
    for t in types {
        let t = t.trim();
        if t.is_empty() || NOT_LABELS.contains(&t) || kept.contains(&t) {
            continue;
        }
        kept.push(t);
    }
    if phone && kept.len() > 1 {
        kept.retain(|t| *t != "voice");
    }
    (!kept.is_empty()).then(|| kept.join(","))
}

/// Apple writes its built-in labels as `_$!<Mobile>!$_`; those become `mobile`.
fn apple_label(v: &str) -> String {
    match v.strip_prefix("_$!<").and_then(|r| r.strip_suffix(">!$_")) {
        Some(inner) => inner.to_lowercase(),
        None => v.to_string(),
    }
}

/// A value's label: an `itemN.X-ABLabel` of its group first, else its TYPE values.
fn label_of(p: &Prop, card: &RawCard, phone: bool, w: &mut Warnings) -> Option<String> {
    let grouped = p.group.as_ref().and_then(|g| {
        card.props
            .iter()
            .filter(|q| q.group.as_ref() == Some(g))
            .find(|q| q.name == "X-ABLABEL")
    });
    let label = match grouped {
        Some(q) => text(q, w).map(|t| apple_label(&t)),
        None => label_from_types(&p.types(), phone),
    };
    fit(label, 100, "label", p.line, w)
}

/// Reads an embedded photo (base64 in 2.1/3.0, a `data:` URI in 4.0). Linked photos are not
/// fetched. `None` with a warning for anything the store would refuse.
fn photo(p: &Prop, w: &mut Warnings) -> Option<Photo> {
    let value = p.value.trim();
    let data = if let Some(uri) = strip_prefix_ci(value, "data:") {
        let Some((meta, data)) = uri.split_once(',') else {
            w.at(p.line, "the photo's data: URI has no ','; no photo");
            return None;
        };
        if !meta
            .split(';')
            // Some writers escape the comma as if the URI were TEXT: `base64\,`.
            .any(|m| {
                m.trim()
                    .trim_end_matches('\\')
                    .eq_ignore_ascii_case("base64")
            })
        {
            w.at(p.line, "the photo's data: URI is not base64; no photo");
            return None;
        }
        data
    } else {
        match encoding(p) {
            Encoding::Base64 => value,
            _ if value.is_empty() => return None,
            _ if value.contains("://")
                || p.param("VALUE").is_some_and(|v| {
                    v.eq_ignore_ascii_case("uri") || v.eq_ignore_ascii_case("url")
                }) =>
            {
                w.at(
                    p.line,
                    "the photo is a link, not embedded; it was not fetched",
                );
                return None;
            }
            Encoding::Unknown(e) => {
                w.at(
                    p.line,
                    format!("unknown ENCODING={e} on {}; no photo", p.name),
                );
                return None;
            }
            // Some writers leave out ENCODING; try base64 anyway.
            _ => value,
        }
    };
    if data.len() / 4 * 3 > MAX_PHOTO_BYTES + MAX_PHOTO_BYTES / 8 {
        w.at(
            p.line,
            format!(
                "the photo is larger than {} MiB; no photo",
                MAX_PHOTO_BYTES / 1024 / 1024
            ),
        );
        return None;
    }
    let bytes = match b64_decode(data) {
        Ok(b) => b,
        Err(e) => {
            w.at(
                p.line,
                format!("the photo is not valid base64 ({e}); no photo"),
            );
            return None;
        }
    };
    if bytes.is_empty() {
        return None;
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        w.at(
            p.line,
            format!(
                "the photo has {} bytes, more than {} MiB; no photo",
                bytes.len(),
                MAX_PHOTO_BYTES / 1024 / 1024
            ),
        );
        return None;
    }
    let Some(mime) = sniff_image(&bytes) else {
        w.at(
            p.line,
            "the photo is not a JPEG, PNG, GIF or WebP image; no photo",
        );
        return None;
    };
    Some(Photo {
        mime: mime.to_string(),
        base64: base64::engine::general_purpose::STANDARD.encode(&bytes),
    })
}

/// Name prefixes that are salutations, not academic titles; they are not kept as the title.
const SALUTATIONS: &[&str] = &[
    "herr", "frau", "hr.", "fr.", "mr.", "mr", "mrs.", "mrs", "ms.", "ms", "miss", "mx.", "mx",
];

/// Sort key for preference: `PREF=1` (4.0) … `PREF=100`, `TYPE=pref` (2.1, 3.0) as 1, else last.
fn pref_rank(p: &Prop) -> u8 {
    match p.param("PREF").and_then(|v| v.trim().parse::<u8>().ok()) {
        Some(n) => n.clamp(1, 100),
        None if p.has_type("pref") => 1,
        None => 101,
    }
}

/// The ADR to use: the preferred one, else a work address, else the first.
fn pick_address(card: &RawCard) -> Option<&Prop> {
    let adrs: Vec<&Prop> = card.props.iter().filter(|p| p.name == "ADR").collect();
    adrs.iter()
        .find(|p| p.has_type("pref") || p.param("PREF").is_some())
        .or_else(|| adrs.iter().find(|p| p.has_type("work")))
        .or_else(|| adrs.first())
        .copied()
}

fn read_card(card: &RawCard, w: &mut Warnings) -> Read {
    let meaningful = card
        .props
        .iter()
        .filter(|p| !matches!(p.name.as_str(), "VERSION" | "PRODID" | "REV"))
        .count();
    if meaningful == 0 {
        return Read::Skip(if card.closed {
            "empty vCard".to_string()
        } else {
            "empty vCard without END:VCARD".to_string()
        });
    }
    if !card.closed {
        let last = card.props.last().map_or(card.line, |p| p.line);
        w.at(
            card.line,
            format!("the vCard has no END:VCARD; read up to line {last}"),
        );
    }
    let first = |name: &str| card.props.iter().find(|p| p.name == name);
    let all = |name: &'static str| card.props.iter().filter(move |p| p.name == name);

    let kind = ["KIND", "X-KIND", "X-ADDRESSBOOKSERVER-KIND"]
        .iter()
        .find_map(|k| first(k))
        .and_then(|p| text(p, w))
        .map(|k| k.to_ascii_lowercase());
    if matches!(kind.as_deref(), Some("group")) {
        return Read::Skip("a contact group (list of members), not a person".to_string());
    }
    if matches!(kind.as_deref(), Some("location")) {
        return Read::Skip("a place (KIND:location), not a person".to_string());
    }

    // The first non-empty FN; LDAP-era cards without VERSION say `cn` (and `sn`, below).
    let full_name = all("FN").chain(all("CN")).find_map(|p| text(p, w));
    // ORG: first component the organisation, further ones its units (departments).
    let (org_name, org_units) = match first("ORG") {
        Some(p) => {
            let raw = raw_text(p, w);
            let parts = split_unescaped(&raw, &[';']);
            let name = component(parts.first(), ", ");
            let units: Vec<String> = parts
                .iter()
                .skip(1)
                .filter_map(|u| component(Some(u), ", "))
                .collect();
            (name, units)
        }
        None => (None, Vec::new()),
    };
    let level = first("X-VERNETZT-LEVEL").and_then(|p| {
        let v = text(p, w)?;
        let level = Level::parse(&v);
        if level.is_none() {
            w.at(
                p.line,
                format!("unknown X-VERNETZT-LEVEL '{v}' (bund, land, kommune, other); ignored"),
            );
        }
        level
    });
    let land = first("X-VERNETZT-LAND").and_then(|p| text(p, w));
    let key = first("X-VERNETZT-KEY").and_then(|p| text(p, w));
    let org = org_name.clone().map(|name| OrgRef {
        name,
        level,
        land: land.clone(),
        key: key.clone(),
    });
    if org.is_none() && (level.is_some() || land.is_some() || key.is_some()) {
        let line = first("X-VERNETZT-LEVEL")
            .or_else(|| first("X-VERNETZT-LAND"))
            .or_else(|| first("X-VERNETZT-KEY"))
            .map_or(card.line, |p| p.line);
        w.at(line, "X-VERNETZT-* without ORG; ignored");
    }

    if matches!(kind.as_deref(), Some("org" | "organization")) {
        return match org.or_else(|| {
            full_name.map(|name| OrgRef {
                name,
                level,
                land,
                key,
            })
        }) {
            Some(o) => Read::Org(o),
            None => Read::Skip("organisation card (KIND:org) without a name".to_string()),
        };
    }

    // N: family; given; additional; prefix; suffix. The suffix (`Jr.`, `MdB`) has no field and
    // is left out; FN usually carries it.
    let (mut family, mut given, mut title) = (None, None, None);
    if let Some(p) = first("N") {
        let raw = raw_text(p, w);
        let parts = split_unescaped(&raw, &[';']);
        family = component(parts.first(), " ");
        let given_all: Vec<String> = [parts.get(1), parts.get(2)]
            .into_iter()
            .filter_map(|c| component(c, " "))
            .collect();
        given = (!given_all.is_empty()).then(|| given_all.join(" "));
        title = component(parts.get(3), " ").and_then(|t| {
            let kept: Vec<&str> = t
                .split_whitespace()
                .filter(|word| !SALUTATIONS.contains(&word.to_lowercase().as_str()))
                .collect();
            (!kept.is_empty()).then(|| kept.join(" "))
        });
    }
    if first("N").is_none() {
        family = all("SN").find_map(|p| text(p, w));
    }
    let mut display_name = full_name;
    if display_name.is_none() && given.is_none() && family.is_none() {
        match &org_name {
            // A card with only an organisation is still someone to reach there.
            Some(o) => display_name = Some(o.clone()),
            None => return Read::Skip("no name (no FN, N or ORG)".to_string()),
        }
    }

    // TITLE is the job title, which is our role; ROLE only when there is no TITLE.
    let mut role = first("TITLE")
        .and_then(|p| text(p, w))
        .or_else(|| first("ROLE").and_then(|p| text(p, w)))
        .map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "));
    if !org_units.is_empty() {
        let mut parts: Vec<String> = role.into_iter().collect();
        parts.extend(org_units);
        role = Some(parts.join(", "));
    }

    // Preferred values first: the store's first address and number are the preferred ones.
    let by_pref = |name: &'static str| {
        let mut props: Vec<&Prop> = all(name).collect();
        props.sort_by_key(|p| pref_rank(p));
        props
    };
    let mut emails: Vec<Labeled> = Vec::new();
    for p in by_pref("EMAIL") {
        let Some(mut v) = text(p, w) else { continue };
        if let Some(rest) = strip_prefix_ci(&v, "mailto:") {
            v = rest.trim().to_string();
        }
        if !valid_email(&v) {
            w.at(
                p.line,
                format!("'{v}' is not a valid e-mail address; it was left out"),
            );
            continue;
        }
        if emails.iter().any(|e| e.value.eq_ignore_ascii_case(&v)) {
            continue;
        }
        if emails.len() == MAX_VALUES {
            w.at(
                p.line,
                format!("more than {MAX_VALUES} e-mail addresses; the rest were left out"),
            );
            break;
        }
        let label = label_of(p, card, false, w);
        emails.push(Labeled { value: v, label });
    }

    let mut phones: Vec<Labeled> = Vec::new();
    for p in by_pref("TEL") {
        let Some(mut v) = text(p, w) else { continue };
        if let Some(rest) = strip_prefix_ci(&v, "tel:") {
            // A tel: URI: parameters such as `;ext=` follow the number.
            v = rest.split(';').next().unwrap_or("").trim().to_string();
        }
        if !valid_phone(&v) {
            w.at(
                p.line,
                format!("'{v}' is not a valid phone number (3 to 20 digits, only 0-9 +-/(). and spaces); it was left out"),
            );
            continue;
        }
        if phones.iter().any(|e| e.value == v) {
            continue;
        }
        if phones.len() == MAX_VALUES {
            w.at(
                p.line,
                format!("more than {MAX_VALUES} phone numbers; the rest were left out"),
            );
            break;
        }
        let label = label_of(p, card, true, w);
        phones.push(Labeled { value: v, label });
    }

    let (mut street, mut locality, mut postal_code, mut country) = (None, None, None, None);
    if let Some(p) = pick_address(card) {
        let raw = raw_text(p, w);
        let parts = split_unescaped(&raw, &[';']);
        let c = |i: usize| component(parts.get(i), ", ");
        let lines: Vec<String> = [c(2), c(1)].into_iter().flatten().collect();
        street = if lines.is_empty() {
            c(0)
        } else {
            Some(lines.join(", "))
        };
        locality = c(3);
        postal_code = c(5);
        country = c(6);
    }

    let website = all("URL").find_map(|p| {
        let v = text(p, w)?;
        let lower = v.to_ascii_lowercase();
        if v.contains(char::is_whitespace)
            || (v.contains("://")
                && !lower.starts_with("http://")
                && !lower.starts_with("https://"))
        {
            w.at(
                p.line,
                format!("'{v}' is not a web address; it was left out"),
            );
            return None;
        }
        Some(v)
    });

    let known = crate::directory::themenfelder();
    let mut tags: Vec<String> = Vec::new();
    let mut themenfelder: Vec<String> = Vec::new();
    for p in all("CATEGORIES") {
        let raw = raw_text(p, w);
        for part in split_unescaped(&raw, &[',', ';']) {
            let t = unescape_text(&part);
            let t = t.trim();
            if t.is_empty() {
                continue;
            }
            if let Some(tf) = known.iter().find(|k| {
                k.key.eq_ignore_ascii_case(t) || k.name_de.to_lowercase() == t.to_lowercase()
            }) {
                if !themenfelder.contains(&tf.key) {
                    themenfelder.push(tf.key.clone());
                }
                continue;
            }
            let Some(t) = fit(Some(t.to_string()), 100, "tag", p.line, w) else {
                continue;
            };
            if !tags.iter().any(|x| fold(x) == fold(&t)) {
                tags.push(t);
            }
        }
    }

    let mut notes = Vec::new();
    for p in all("NOTE") {
        let t = unescape_text(&raw_text(p, w)).replace("\r\n", "\n");
        let t = t.trim();
        if t.is_empty() {
            continue;
        }
        let max = crate::store::MAX_NOTE_BYTES;
        if t.len() > max {
            let mut end = max;
            while !t.is_char_boundary(end) {
                end -= 1;
            }
            w.at(
                p.line,
                format!("note longer than {max} bytes; it was shortened"),
            );
            notes.push(t[..end].to_string());
        } else {
            notes.push(t.to_string());
        }
    }

    let photo = all("PHOTO")
        .chain(all("X-MS-CARDPICTURE"))
        .find_map(|p| photo(p, w));

    let uid = first("UID").and_then(|p| text(p, w));

    let line = card.line;
    let contact = ContactInput {
        display_name: fit(display_name, 200, "name (FN)", line, w),
        given_name: fit(given, 200, "given name", line, w),
        family_name: fit(family, 200, "family name", line, w),
        title: fit(title, 100, "title", line, w),
        role: fit(role, 1000, "role", line, w),
        organization_id: None,
        emails,
        phones,
        street: fit(street, 1000, "street", line, w),
        postal_code: fit(postal_code, 20, "postal code", line, w),
        locality: fit(locality, 1000, "locality", line, w),
        country: fit(country, 100, "country", line, w),
        website: fit(website, 1000, "website", line, w),
        themenfelder,
        tags,
        photo: photo.map_or(PhotoChange::Keep, PhotoChange::Set),
    };
    Read::Contact(Box::new(ImportedContact {
        contact,
        organization: org,
        notes,
        uid,
        line,
    }))
}
