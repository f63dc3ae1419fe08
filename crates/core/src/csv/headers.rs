//! Header recognition: the German and English names registration tools and Excel lists use
//! for each [`Field`], matched case-, space-, hyphen- and umlaut-insensitively; the mapping of a
//! whole header row (with a look at the data where a name is ambiguous); and the key under which
//! a user's own mapping for a header row is remembered.

use super::sniff::Row;
use super::{Field, Mapping, SNIFF_ROWS};
use crate::fold::fold;
use crate::hash::{FNV_OFFSET, fnv1a_extend};

/// A stable key for a header row, so the UI can remember a user's mapping and offer it again
/// for the next file from the same registration tool. Headers are compared as the detection
/// compares them (case, spaces, hyphens, umlauts ignored), in order; the key is a versioned
/// FNV-1a hash, stable across Rust versions and platforms.
pub fn header_key(headers: &[String]) -> String {
    let mut hash = FNV_OFFSET;
    for (i, h) in headers.iter().enumerate() {
        if i > 0 {
            hash = fnv1a_extend(hash, &[0x1f]);
        }
        hash = fnv1a_extend(hash, alnum_fold(h).as_bytes());
    }
    format!("csv1-{}-{hash:016x}", headers.len())
}

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
pub(super) fn alnum_fold(s: &str) -> String {
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
pub(super) fn column_label(header: &str) -> Option<String> {
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
pub(super) fn detect_mapping(headers: &[String], rows: &[Row]) -> Mapping {
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
