//! CSV export: contacts with their organisations in the dialect German Excel opens with a
//! double click, and the guard against cells Excel would run as a formula (which the reader
//! removes again, see `records.rs`).

use crate::model::{Contact, Level, Organization};

/// Writes contacts with their organisations as CSV that German Excel opens correctly with a
/// double click (UTF-8 with BOM, `;`, CRLF, German headers) and that [`read_csv`] reads back.
///
/// Several e-mail addresses, phone numbers and notes get columns `E-Mail`, `E-Mail 2`, …, so
/// each cell holds one value that Excel can sort and a mail merge can use. Cells that Excel
/// would run as a formula (starting with `=`, `+`, `-`, `@`; phone numbers excepted) get a
/// leading `'`, which [`read_csv`] removes again. E-mail and phone labels are not written:
/// a column holds values of many labels.
pub fn write_csv(rows: &[(Contact, Option<Organization>)]) -> String {
    let n_email = rows.iter().map(|(c, _)| c.emails.len()).max().unwrap_or(0);
    let n_phone = rows.iter().map(|(c, _)| c.phones.len()).max().unwrap_or(0);
    let n_note = rows.iter().map(|(c, _)| c.notes.len()).max().unwrap_or(0);
    let numbered = |base: &str, n: usize| -> Vec<String> {
        (0..n.max(1))
            .map(|i| {
                if i == 0 {
                    base.to_string()
                } else {
                    format!("{base} {}", i + 1)
                }
            })
            .collect()
    };
    let mut header: Vec<String> = [
        "Titel",
        "Vorname",
        "Nachname",
        "Anzeigename",
        "Funktion",
        "Organisation",
        "Ebene",
        "Bundesland",
        "Amtlicher Schlüssel",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(numbered("E-Mail", n_email));
    header.extend(numbered("Telefon", n_phone));
    header.extend(
        [
            "Straße",
            "PLZ",
            "Ort",
            "Staat",
            "Website",
            "Themenfelder",
            "Tags",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    header.extend(numbered("Notiz", n_note));

    let themen = crate::directory::themenfelder();
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .flexible(false)
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail, and every record has the header's length.
    let mut put = |cells: Vec<String>| {
        let guarded: Vec<String> = cells.iter().map(|c| guard_formula(c)).collect();
        w.write_record(&guarded).expect("writing CSV to memory");
    };
    put(header);
    for (c, org) in rows {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let level = org.as_ref().map(|o| match o.level {
            Level::Bund => "Bund",
            Level::Land => "Land",
            Level::Kommune => "Kommune",
            Level::Other => "Sonstige",
        });
        let org_name = org
            .as_ref()
            .map(|o| o.name.clone())
            .or_else(|| c.organization.clone());
        let mut cells = vec![
            opt(&c.title),
            opt(&c.given_name),
            opt(&c.family_name),
            c.name.clone(),
            opt(&c.role),
            org_name.unwrap_or_default(),
            level.unwrap_or_default().to_string(),
            org.as_ref()
                .and_then(|o| o.land.clone())
                .unwrap_or_default(),
            org.as_ref().and_then(|o| o.key.clone()).unwrap_or_default(),
        ];
        let spread = |cells: &mut Vec<String>, values: &[String], n: usize| {
            for i in 0..n.max(1) {
                cells.push(values.get(i).cloned().unwrap_or_default());
            }
        };
        spread(&mut cells, &c.emails, n_email);
        spread(&mut cells, &c.phones, n_phone);
        let themenfelder: Vec<String> = c
            .themenfelder
            .iter()
            .map(|k| {
                themen
                    .iter()
                    .find(|t| &t.key == k)
                    .map_or_else(|| k.clone(), |t| t.name_de.clone())
            })
            .collect();
        cells.extend([
            opt(&c.street),
            opt(&c.postal_code),
            opt(&c.locality),
            opt(&c.country),
            opt(&c.website),
            themenfelder.join("; "),
            c.tags.join("; "),
        ]);
        let notes: Vec<String> = c.notes.iter().map(|n| n.body.clone()).collect();
        spread(&mut cells, &notes, n_note);
        put(cells);
    }
    let bytes = w.into_inner().expect("flushing CSV to memory");
    let mut out = String::with_capacity(bytes.len() + 3);
    out.push('\u{feff}');
    out.push_str(&String::from_utf8(bytes).expect("CSV of strings is UTF-8"));
    out
}

/// Prefixes `'` to cells Excel would evaluate as a formula (CSV injection). Phone numbers
/// (`+49 30 …`) stay as they are: made of digits, spaces and `+-/().` only, they cannot call a
/// function, and an apostrophe in every international number would be a nuisance.
pub(crate) fn guard_formula(v: &str) -> String {
    let phone_like = v
        .chars()
        .all(|c| c.is_ascii_digit() || " +-/().".contains(c));
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) && !phone_like {
        format!("'{v}")
    } else {
        v.to_string()
    }
}

/// Removes the `'` that [`guard_formula`] (and other careful exporters) put before a formula
/// character.
pub(super) fn unguard_formula(v: &str) -> &str {
    match v.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => v,
    }
}
