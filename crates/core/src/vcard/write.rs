//! Writing: contacts → vCard 4.0 (RFC 6350) or 3.0 (RFC 2426) text that [`super::read_vcards`]
//! reads back to the same data.

use super::Version;
use super::read::label_from_types;
use crate::ical::write::{caret_escape, escape_text_keeping_controls};
use crate::model::{Contact, Organization};

/// Lines are folded as the calendar writer folds them (75 octets, never inside a character):
/// RFC 6350 §3.2 and RFC 2426 §2.6 ask the same as RFC 5545.
pub(super) use crate::ical::write::push_line;

/// Labels written as TYPE values; anything else goes into an `itemN.X-ABLabel` group, which
/// Apple, Android and this reader understand.
const EMAIL_TYPES: &[&str] = &["work", "home"];
const TEL_TYPES: &[&str] = &["work", "home", "cell", "voice", "fax"];

/// TEXT escaping: backslash, line breaks, comma and semicolon; the calendar writer's escaping,
/// keeping other control characters as vCard exports always have.
pub(super) fn escape(v: &str) -> String {
    escape_text_keeping_controls(v)
}

/// A parameter value: RFC 6868 caret escapes, quoted when it holds `:`, `;` or `,`.
pub(super) fn param_value(v: &str) -> String {
    let out = caret_escape(v);
    if out.contains([':', ';', ',']) {
        format!("\"{out}\"")
    } else {
        out
    }
}

/// A property with escaped text, skipped when empty.
fn push_text(out: &mut String, name: &str, v: Option<&str>) {
    if let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) {
        push_line(out, &format!("{name}:{}", escape(v)));
    }
}

/// The TYPE values that reproduce `label` on reading, or `None` when it needs an X-ABLabel.
fn label_types(label: &str, known: &[&str], phone: bool) -> Option<Vec<String>> {
    let parts: Vec<String> = label.split(',').map(|p| p.trim().to_string()).collect();
    if parts.iter().all(|p| known.contains(&p.as_str()))
        && label_from_types(&parts, phone).as_deref() == Some(label)
    {
        Some(parts)
    } else {
        None
    }
}

fn push_labeled(
    out: &mut String,
    name: &str,
    values: &[String],
    c: &Contact,
    phone: bool,
    item: &mut usize,
    version: Version,
) {
    let known = if phone { TEL_TYPES } else { EMAIL_TYPES };
    let mut first = true;
    for v in values {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        // The first value is the preferred one; say so, as Outlook and Apple sort by it.
        let (pref_param, pref_type) = match (std::mem::take(&mut first), version) {
            (true, Version::V4) => (";PREF=1", None),
            (true, Version::V3) => ("", Some("pref")),
            (false, _) => ("", None),
        };
        let label = c.labels.get(v).map(|l| l.trim()).filter(|l| !l.is_empty());
        let mut types = Vec::new();
        let mut group_label = None;
        if let Some(l) = label {
            match label_types(l, known, phone) {
                Some(t) => types = t,
                None => group_label = Some(l),
            }
        }
        types.extend(pref_type.map(String::from));
        let type_param = if types.is_empty() {
            String::new()
        } else {
            let types: Vec<String> = types.iter().map(|t| param_value(t)).collect();
            format!(";TYPE={}", types.join(","))
        };
        let group = match group_label {
            Some(_) => {
                *item += 1;
                format!("item{item}.")
            }
            None => String::new(),
        };
        push_line(
            out,
            &format!("{group}{name}{type_param}{pref_param}:{}", escape(v)),
        );
        if let Some(l) = group_label {
            push_line(out, &format!("{group}X-ABLabel:{}", escape(l)));
        }
    }
}

/// One contact as a vCard. `org` is the contact's organisation from the directory: its name goes
/// into ORG and its level, Land and official key into `X-VERNETZT-LEVEL`, `X-VERNETZT-LAND` and
/// `X-VERNETZT-KEY`, so that importing the card elsewhere finds the same organisation. Without
/// `org`, ORG is the contact's organisation name alone. Themenfelder are written as their German
/// names in CATEGORIES after the tags (the reader maps names and keys back).
pub fn write_vcard(c: &Contact, org: Option<&Organization>, version: Version) -> String {
    let mut out = String::new();
    push_line(&mut out, "BEGIN:VCARD");
    push_line(
        &mut out,
        match version {
            Version::V3 => "VERSION:3.0",
            Version::V4 => "VERSION:4.0",
        },
    );
    push_line(&mut out, "PRODID:-//Vernetzt//Vernetzt//DE");
    if version == Version::V4 {
        push_line(&mut out, "KIND:individual");
    }
    push_text(&mut out, "UID", Some(&c.uid));
    let name = if c.name.trim().is_empty() {
        // FN is required; never write an empty one.
        [&c.title, &c.given_name, &c.family_name]
            .iter()
            .filter_map(|s| s.as_deref())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        c.name.clone()
    };
    push_line(&mut out, &format!("FN:{}", escape(name.trim())));
    // A structured value (N, ADR): its components, escaped, joined by `;`.
    let parts = |v: &[&Option<String>]| {
        let part = |p: &&Option<String>| escape(p.as_deref().unwrap_or("").trim());
        v.iter().map(part).collect::<Vec<_>>().join(";")
    };
    let n = [&c.family_name, &c.given_name, &None, &c.title, &None];
    push_line(&mut out, &format!("N:{}", parts(&n)));
    let org_name = org.map(|o| o.name.as_str()).or(c.organization.as_deref());
    push_text(&mut out, "ORG", org_name);
    if let Some(o) = org {
        push_line(&mut out, &format!("X-VERNETZT-LEVEL:{}", o.level.as_str()));
        push_text(&mut out, "X-VERNETZT-LAND", o.land.as_deref());
        push_text(&mut out, "X-VERNETZT-KEY", o.key.as_deref());
    }
    push_text(&mut out, "TITLE", c.role.as_deref());
    let mut item = 0;
    push_labeled(&mut out, "EMAIL", &c.emails, c, false, &mut item, version);
    push_labeled(&mut out, "TEL", &c.phones, c, true, &mut item, version);
    if [&c.street, &c.locality, &c.postal_code, &c.country]
        .iter()
        .any(|f| f.as_deref().is_some_and(|v| !v.trim().is_empty()))
    {
        let adr = [
            &None,
            &None,
            &c.street,
            &c.locality,
            &None,
            &c.postal_code,
            &c.country,
        ];
        push_line(&mut out, &format!("ADR:{}", parts(&adr)));
    }
    if let Some(w) = c
        .website
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        // URL is a URI, not TEXT: written as it is.
        push_line(&mut out, &format!("URL:{w}"));
    }
    let names = crate::directory::themenfelder();
    let mut categories: Vec<String> = c
        .tags
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .map(escape)
        .collect();
    categories.extend(c.themenfelder.iter().map(|key| {
        let name = names
            .iter()
            .find(|t| t.key == *key)
            .map_or(key.as_str(), |t| t.name_de.as_str());
        escape(name)
    }));
    if !categories.is_empty() {
        push_line(&mut out, &format!("CATEGORIES:{}", categories.join(",")));
    }
    for note in &c.notes {
        push_text(&mut out, "NOTE", Some(&note.body));
    }
    if let Some(p) = &c.photo {
        let data: String = p.base64.chars().filter(|c| !c.is_whitespace()).collect();
        match version {
            Version::V4 => push_line(&mut out, &format!("PHOTO:data:{};base64,{data}", p.mime)),
            Version::V3 => {
                let kind = p
                    .mime
                    .strip_prefix("image/")
                    .unwrap_or(&p.mime)
                    .to_ascii_uppercase();
                push_line(
                    &mut out,
                    &format!("PHOTO;ENCODING=b;TYPE={}:{data}", param_value(&kind)),
                );
            }
        }
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(&c.updated_at) {
        let t = t.with_timezone(&chrono::Utc);
        push_line(&mut out, &format!("REV:{}", t.format("%Y%m%dT%H%M%SZ")));
    }
    push_line(&mut out, "END:VCARD");
    out
}

/// Several contacts as one `.vcf` file, each with its organisation (see [`write_vcard`]).
pub fn write_vcards(cards: &[(Contact, Option<Organization>)], version: Version) -> String {
    cards
        .iter()
        .map(|(c, o)| write_vcard(c, o.as_ref(), version))
        .collect()
}
