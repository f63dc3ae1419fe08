//! The built-in directory: Länder, Kreise and kreisfreie Städte, federal ministries, FITKO and
//! associations, the Länder's Staats- and Senatskanzleien, Innen- and Digitalministerien and the
//! public IT service providers, shipped under `assets/directory/` and compiled into the binary.
//!
//! Why compiled in: the app must work offline on first start, and the directory must match the
//! code that reads it. Each entry has a `builtin_key` (`land:09`, `kreis:09162`, `bund:bmi`), so a
//! later version can update names or retire entries without touching the user's own organisations,
//! and contacts keep pointing at the same row.

use crate::model::{Land, Level, OrganizationInput, Themenfeld};

/// Bump when any file under `assets/directory/` changes; `Store::open` then refreshes the entries.
pub const DIRECTORY_VERSION: i64 = 2;

const LANDS_CSV: &str = include_str!("../../../assets/directory/lands.csv");
const KREISE_CSV: &str = include_str!("../../../assets/directory/kreise.csv");
const OTHERS_CSV: &str = include_str!("../../../assets/directory/bund-und-weitere.csv");
/// Posts live in the Länder's own houses (issue 17): without these a contact at "Sächsische
/// Staatskanzlei" became an organisation of level "other".
const LAENDER_CSV: &str = include_str!("../../../assets/directory/laender-behoerden.csv");

/// One entry of the shipped directory: an organisation as a user would enter it (level and kind
/// always set, `key` the AGS or Länderschlüssel, no parent), under a key stable across versions.
#[derive(Debug, Clone, PartialEq)]
pub struct BuiltinOrg {
    /// Stable key across versions.
    pub builtin_key: String,
    /// The organisation.
    pub org: OrganizationInput,
}

impl BuiltinOrg {
    fn new(builtin_key: String, level: Level, kind: &str, name: String) -> BuiltinOrg {
        let org = OrganizationInput {
            name,
            level: Some(level),
            kind: Some(kind.into()),
            ..Default::default()
        };
        BuiltinOrg { builtin_key, org }
    }
}

fn rows(csv: &str) -> impl Iterator<Item = Vec<&str>> {
    csv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(';').collect())
}

/// The 16 Länder.
pub fn lands() -> Vec<Land> {
    rows(LANDS_CSV)
        .map(|r| Land {
            key: r[0].into(),
            name: r[1].into(),
            short_code: r[2].into(),
        })
        .collect()
}

/// The 14 OZG Themenfelder of the OZG-Umsetzungskatalog, in their official order.
pub fn themenfelder() -> Vec<Themenfeld> {
    [
        (
            "arbeit-ruhestand",
            "Arbeit & Ruhestand",
            "Work & retirement",
        ),
        ("bauen-wohnen", "Bauen & Wohnen", "Building & housing"),
        ("bildung", "Bildung", "Education"),
        (
            "ein-auswanderung",
            "Ein- & Auswanderung",
            "Immigration & emigration",
        ),
        (
            "engagement-hobby",
            "Engagement & Hobby",
            "Volunteering & hobbies",
        ),
        ("familie-kind", "Familie & Kind", "Family & children"),
        (
            "forschung-foerderung",
            "Forschung & Förderung",
            "Research & funding",
        ),
        ("gesundheit", "Gesundheit", "Health"),
        (
            "mobilitaet-reisen",
            "Mobilität & Reisen",
            "Mobility & travel",
        ),
        ("querschnitt", "Querschnitt", "Cross-cutting"),
        ("recht-ordnung", "Recht & Ordnung", "Law & order"),
        ("steuern-zoll", "Steuern & Zoll", "Taxes & customs"),
        ("umwelt", "Umwelt", "Environment"),
        (
            "unternehmensfuehrung",
            "Unternehmensführung & -entwicklung",
            "Business management & development",
        ),
    ]
    .into_iter()
    .map(|(k, de, en)| Themenfeld {
        key: k.into(),
        name_de: de.into(),
        name_en: en.into(),
    })
    .collect()
}

/// Every organisation of the shipped directory: the Länder themselves, the Kreise and kreisfreie
/// Städte, and the federal and other organisations.
pub fn organizations() -> Vec<BuiltinOrg> {
    let mut out = Vec::with_capacity(460);
    for land in lands() {
        let mut o = BuiltinOrg::new(format!("land:{}", land.key), Level::Land, "Land", land.name);
        o.org.short_name = Some(land.short_code);
        o.org.land_key = Some(land.key.clone());
        o.org.key = Some(land.key);
        out.push(o);
    }
    for r in rows(KREISE_CSV) {
        let ags = r[0];
        let name = kreis_display_name(r[1], r[2]);
        let mut o = BuiltinOrg::new(format!("kreis:{ags}"), Level::Kommune, r[1], name);
        o.org.land_key = Some(ags[..2].into());
        o.org.key = Some(ags.into());
        out.push(o);
    }
    for r in rows(OTHERS_CSV).chain(rows(LAENDER_CSV)) {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let level = Level::parse(r[1]).expect("level in the directory csv");
        let mut o = BuiltinOrg::new(r[0].into(), level, r[2], r[3].into());
        o.org.short_name = opt(r[4]);
        o.org.land_key = opt(r[5]);
        out.push(o);
    }
    out
}

/// Destatis writes `Flensburg, Stadt` and a bare `Göttingen` for the Landkreis. People say
/// `Landkreis Göttingen` and `Flensburg`: the name we show leads with what they would type.
fn kreis_display_name(kind: &str, name: &str) -> String {
    match kind {
        "Landkreis" | "Kreis" => format!("{kind} {name}"),
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_is_complete() {
        assert_eq!(lands().len(), 16);
        assert_eq!(themenfelder().len(), 14);
        let orgs = organizations();
        let kreise = orgs
            .iter()
            .filter(|o| o.org.level == Some(Level::Kommune))
            .count();
        assert_eq!(kreise, 400);
        assert!(orgs.iter().any(|o| o.builtin_key == "other:fitko"));
        let ministries = orgs
            .iter()
            .filter(|o| o.org.kind.as_deref() == Some("Ministerium"));
        assert!(ministries.count() >= 15);
        let mut keys: Vec<_> = orgs.iter().map(|o| &o.builtin_key).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), orgs.len(), "builtin keys are unique");
        for o in &orgs {
            if let Some(k) = &o.org.land_key {
                assert!(
                    lands().iter().any(|l| &l.key == k),
                    "{} has unknown land {k}",
                    o.org.name
                );
            }
        }
    }

    #[test]
    fn every_land_has_its_chancellery_and_interior_ministry() {
        let orgs = organizations();
        for land in lands() {
            let of_land = |kind: &str| {
                orgs.iter().any(|o| {
                    o.org.land_key.as_deref() == Some(land.key.as_str())
                        && o.org.level == Some(Level::Land)
                        && o.org.kind.as_deref() == Some(kind)
                })
            };
            assert!(
                of_land("Staatskanzlei")
                    || of_land("Senatskanzlei")
                    || of_land("Staatsministerium"),
                "{} has no Staats- or Senatskanzlei",
                land.name
            );
            assert!(of_land("Ministerium"), "{} has no ministry", land.name);
        }
        let providers = orgs
            .iter()
            .filter(|o| o.org.kind.as_deref() == Some("IT-Dienstleister"))
            .count();
        assert!(providers >= 25, "{providers} IT service providers");
    }

    #[test]
    fn kreis_names_read_naturally() {
        let orgs = organizations();
        let by_key = |k: &str| {
            orgs.iter()
                .find(|o| o.builtin_key == k)
                .unwrap()
                .org
                .name
                .clone()
        };
        assert_eq!(by_key("kreis:01001"), "Flensburg, Stadt");
        assert_eq!(by_key("kreis:03159"), "Landkreis Göttingen");
    }
}
