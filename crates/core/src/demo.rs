//! A deterministic generator of realistic demo contacts: German public-sector names, roles and
//! organisations from the built-in directory.
//!
//! Used by `vernetzt demo`, by the app's `--demo` start and by the benchmarks, so all three see the
//! same data for the same seed. It needs no files and no Python, so a fresh machine can fill a
//! demo database with nothing but the binary.

use crate::error::Result;
use crate::model::{ContactInput, Labeled};
use crate::store::Store;

const GIVEN: &[&str] = &[
    "Jürgen",
    "Jördis",
    "Björn",
    "Sören",
    "Günther",
    "Käthe",
    "Uwe",
    "Klaus",
    "Hans-Peter",
    "Matthias",
    "Stefan",
    "Andreas",
    "Thomas",
    "Michael",
    "Lukas",
    "Jonas",
    "Felix",
    "Mareike",
    "Anja",
    "Katrin",
    "Sabine",
    "Ulrike",
    "Birgit",
    "Dörte",
    "Brigitte",
    "Lea",
    "Sophie",
    "Zoë",
    "Ümit",
    "Özlem",
    "Gülay",
    "Ayşe",
    "Małgorzata",
    "Renée",
    "Anne-Kathrin",
    "Marie-Luise",
    "Franziska",
    "Johanna",
    "Merle",
    "Frauke",
    "Heiko",
    "Götz",
    "Rüdiger",
    "Nils",
    "Wiebke",
    "Bärbel",
    "Tobias",
    "Ariane",
    "Pamela",
    "Franz",
];
const FAMILY: &[&str] = &[
    "Müller",
    "Schäfer",
    "Köhler",
    "Hübner",
    "Weiß",
    "Groß",
    "Böhm",
    "Krämer",
    "Jäger",
    "Vöhringer",
    "Dürr",
    "Bäumer",
    "Fuß",
    "Schröder",
    "Möller",
    "Lößl",
    "Gößmann",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Meyer",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Schulz",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hartmann",
    "Lange",
    "Werner",
    "Krause",
    "Lehmann",
    "Köster",
    "Brückner",
    "Nüßlein",
    "Özdemir",
    "Yılmaz",
    "Kowalski",
    "Nowak",
    "Łukasiewicz",
    "Rößler",
    "Märtterer",
    "Berger",
];
const TITLES: &[&str] = &["", "", "", "", "", "Dr.", "Prof. Dr.", "Dipl.-Ing."];
const ROLES: &[&str] = &[
    "OZG-Koordinatorin",
    "OZG-Koordinator",
    "Themenfeldführung",
    "Digitalisierungsbeauftragte",
    "Digitalisierungsbeauftragter",
    "Referatsleitung",
    "Referentin",
    "Referent",
    "CIO",
    "Leitung Digitale Verwaltung",
    "Projektleitung EfA",
    "Produktmanagerin",
    "Sachgebietsleitung",
    "IT-Architekt",
    "Leitung Bürgerservice",
    "Amtsleitung",
];
const TAGS: &[&str] = &[
    "EfA",
    "OZG-Hub",
    "FIT-Connect",
    "Registermodernisierung",
    "Roll-in",
    "Kommunalpakt",
    "Taskforce",
    "Digitalisierungslabor",
    "BundID",
    "OZG-Cloud",
    "Nachnutzung",
    "Panel",
];
const NOTES: &[&str] = &[
    "Beim Workshop zur Nachnutzung von EfA-Leistungen kennengelernt; will Unterlagen zum Roll-in.",
    "Interesse an einem Austausch zu FIT-Connect und der Anbindung von Fachverfahren.",
    "Hat den Vortrag zur Registermodernisierung gehalten. Nachfassen wegen Pilotkommune.",
    "Kontakt aus der OZG-Taskforce; sucht Mitstreiter für das Digitalisierungslabor.",
    "Kaffeepause: Changemanagement in Kommunen, Betriebs- und Supportstrukturen.",
];

/// splitmix64: tiny, fast and good enough for demo data; a contact depends only on (seed, index).
fn mix(seed: u64, i: u64, salt: u64) -> u64 {
    let mut z =
        seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn pick<'a>(list: &[&'a str], seed: u64, i: u64, salt: u64) -> &'a str {
    list[(mix(seed, i, salt) % list.len() as u64) as usize]
}

fn ascii_mail(s: &str) -> String {
    crate::fold::fold(s)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

/// Generates contact `i` of the set `seed`, with organisation ids drawn from `org_ids`.
pub fn contact(seed: u64, i: u64, org_ids: &[(i64, String)]) -> (ContactInput, Option<String>) {
    let given = pick(GIVEN, seed, i, 1);
    let family = pick(FAMILY, seed, i, 2);
    let (org_id, domain) = &org_ids[(mix(seed, i, 3) % org_ids.len() as u64) as usize];
    let email = format!(
        "{}.{}{}@{}",
        ascii_mail(given),
        ascii_mail(family),
        i,
        domain
    );
    let tags: Vec<String> = (0..mix(seed, i, 4) % 3)
        .map(|k| pick(TAGS, seed, i, 10 + k).to_string())
        .collect();
    let tf = crate::directory::themenfelder();
    let themenfelder = vec![tf[(mix(seed, i, 5) % tf.len() as u64) as usize].key.clone()];
    let note = mix(seed, i, 6)
        .is_multiple_of(3)
        .then(|| pick(NOTES, seed, i, 7).to_string());
    let input = ContactInput {
        given_name: Some(given.into()),
        family_name: Some(family.into()),
        title: Some(pick(TITLES, seed, i, 8).into()),
        role: Some(pick(ROLES, seed, i, 9).into()),
        organization_id: Some(*org_id),
        emails: vec![Labeled {
            value: email,
            label: Some("dienstlich".into()),
        }],
        phones: vec![Labeled {
            value: format!(
                "+49 {} {}",
                30 + mix(seed, i, 11) % 900,
                10_000 + mix(seed, i, 12) % 89_999
            ),
            label: None,
        }],
        themenfelder,
        tags,
        ..ContactInput::default()
    };
    (input, note)
}

/// Adds `n` demo contacts (seeded) to `store`, in batches of one transaction each.
pub fn populate(store: &mut Store, n: u64, seed: u64) -> Result<()> {
    let orgs: Vec<(i64, String)> = store
        .list_orgs(None, None)?
        .into_iter()
        .map(|o| {
            let base = o.short_name.clone().unwrap_or_else(|| o.name.clone());
            let domain = format!(
                "{}.de",
                ascii_mail(base.split(',').next().unwrap_or("verwaltung"))
            );
            (o.id, domain)
        })
        .collect();
    let mut i = 0;
    while i < n {
        let end = (i + 5_000).min(n);
        let batch: Vec<_> = (i..end).map(|k| contact(seed, k, &orgs)).collect();
        store.create_contacts(&batch)?;
        i = end;
    }
    Ok(())
}
