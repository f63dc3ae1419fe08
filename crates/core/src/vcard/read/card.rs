//! One card → a contact, an organisation (`KIND:org`) or a reason to skip it: which property
//! fills which field, in what order of preference, and what is cut to the store's limits.

use super::value::{
    component, fit, label_of, photo, raw_text, split_unescaped, strip_prefix_ci, text,
};
use super::{MAX_VALUES, Prop, RawCard, Read, Warnings};
use crate::fold::fold;
use crate::ical::parse::unescape_text;
use crate::model::{ContactInput, ImportedContact, Labeled, Level, OrgRef, PhotoChange};
use crate::rules::{valid_email, valid_phone};

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

/// How the values of one multi-valued property (EMAIL, TEL) are read.
struct ValueRule {
    /// The URI scheme some writers put before the value (`mailto:`, `tel:`).
    scheme: &'static str,
    /// The value in what follows the scheme.
    from_uri: fn(&str) -> String,
    /// A valid value, for the warning when one is not: `a valid e-mail address`.
    valid_what: &'static str,
    /// The values in plural, for the warning when there are too many.
    plural: &'static str,
    /// The store's rule for one value.
    valid: fn(&str) -> bool,
    /// Whether two values are the same one (e-mail addresses ignore case).
    same: fn(&str, &str) -> bool,
    /// Phone numbers keep `voice` out of a label that says more.
    phone: bool,
}

const EMAIL: ValueRule = ValueRule {
    scheme: "mailto:",
    from_uri: |rest| rest.trim().to_string(),
    valid_what: "a valid e-mail address",
    plural: "e-mail addresses",
    valid: valid_email,
    same: |a, b| a.eq_ignore_ascii_case(b),
    phone: false,
};

const TEL: ValueRule = ValueRule {
    scheme: "tel:",
    // A tel: URI: parameters such as `;ext=` follow the number.
    from_uri: |rest| rest.split(';').next().unwrap_or("").trim().to_string(),
    valid_what: "a valid phone number (3 to 20 digits, only 0-9 +-/(). and spaces)",
    plural: "phone numbers",
    valid: valid_phone,
    same: |a, b| a == b,
    phone: true,
};

/// The values of `props` (in order of preference) with their labels: a URI form becomes its
/// value, what the store would refuse is left out with a warning, and repeats are dropped, up to
/// [`MAX_VALUES`]. E-mail addresses and phone numbers are read by this one loop.
fn labeled_values(
    props: Vec<&Prop>,
    rule: &ValueRule,
    card: &RawCard,
    w: &mut Warnings,
) -> Vec<Labeled> {
    let mut out: Vec<Labeled> = Vec::new();
    for p in props {
        let Some(mut v) = text(p, w) else { continue };
        if let Some(rest) = strip_prefix_ci(&v, rule.scheme) {
            v = (rule.from_uri)(rest);
        }
        if !(rule.valid)(&v) {
            w.at(
                p.line,
                format!("'{v}' is not {}; it was left out", rule.valid_what),
            );
            continue;
        }
        if out.iter().any(|e| (rule.same)(&e.value, &v)) {
            continue;
        }
        if out.len() == MAX_VALUES {
            w.at(
                p.line,
                format!(
                    "more than {MAX_VALUES} {}; the rest were left out",
                    rule.plural
                ),
            );
            break;
        }
        let label = label_of(p, card, rule.phone, w);
        out.push(Labeled { value: v, label });
    }
    out
}

/// Reads one card: a person (or a card without `KIND`), an organisation (`KIND:org`), or the
/// reason it is skipped; values the store would refuse are dropped or cut here, with warnings,
/// because the store refuses a whole contact for one bad value.
pub(super) fn read_card(card: &RawCard, w: &mut Warnings) -> Read {
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
    let emails = labeled_values(by_pref("EMAIL"), &EMAIL, card, w);
    let phones = labeled_values(by_pref("TEL"), &TEL, card, w);

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
    // Lower-cased once per card, not once per comparison (that was a fifth of reading a card).
    let known_names: Vec<String> = known.iter().map(|k| k.name_de.to_lowercase()).collect();
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
            let lower = t.to_lowercase();
            if let Some((tf, _)) = known
                .iter()
                .zip(&known_names)
                .find(|(k, name)| k.key.eq_ignore_ascii_case(t) || **name == lower)
            {
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
        let max = crate::rules::MAX_NOTE_BYTES;
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
        cancelled: false,
    }))
}
