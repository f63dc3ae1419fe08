//! A property's value as text: transfer encodings (quoted-printable, base64), charsets, escapes,
//! structured components, labels and embedded photos. Every problem becomes a warning naming the
//! property's line, so one bad value never costs the card.

use super::{MAX_PHOTO_BYTES, Prop, RawCard, Warnings};
use crate::ical::parse::unescape_text;
use crate::model::Photo;
use base64::Engine;

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
pub(in crate::vcard) fn qp_decode(s: &str) -> Vec<u8> {
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
pub(super) fn raw_text(p: &Prop, w: &mut Warnings) -> String {
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
pub(in crate::vcard) fn split_unescaped(s: &str, seps: &[char]) -> Vec<String> {
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
pub(super) fn component(raw: Option<&String>, joiner: &str) -> Option<String> {
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
pub(super) fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    s.get(..prefix.len())
        .filter(|head| head.eq_ignore_ascii_case(prefix))
        .map(|_| &s[prefix.len()..])
}

/// Unescaped single-line text of a property, trimmed; `None` when empty.
pub(super) fn text(p: &Prop, w: &mut Warnings) -> Option<String> {
    let t = unescape_text(&raw_text(p, w));
    let t = t.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Cuts `v` to `max` characters with a warning: the store refuses a contact with a longer field.
pub(super) fn fit(
    v: Option<String>,
    max: usize,
    what: &str,
    line: usize,
    w: &mut Warnings,
) -> Option<String> {
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
pub(in crate::vcard) fn label_from_types(types: &[String], phone: bool) -> Option<String> {
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
pub(super) fn label_of(p: &Prop, card: &RawCard, phone: bool, w: &mut Warnings) -> Option<String> {
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
/// fetched. The picture is kept re-encoded ([`crate::photo::reencode`]: scaled down, PNG, no
/// EXIF); `None` with a warning for anything the store would refuse or that does not decode.
pub(super) fn photo(p: &Prop, w: &mut Warnings) -> Option<Photo> {
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
    // Written anew (scaled, as PNG, without EXIF) before anything shows it; see `crate::photo`.
    match crate::photo::reencode(&bytes) {
        Ok(png) => Some(Photo {
            mime: "image/png".to_string(),
            base64: base64::engine::general_purpose::STANDARD.encode(&png),
        }),
        Err(e) => {
            w.at(p.line, format!("{e}; no photo"));
            None
        }
    }
}
