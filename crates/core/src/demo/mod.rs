//! Demo data from the users' world, deterministic for a seed.
//!
//! [`populate`] makes contacts only (German public-sector names, roles and organisations from the
//! built-in directory); the benchmarks and the store's tests use it at any size. [`showcase`]
//! fills every view a newcomer should see (events from a local feed, series, attendance,
//! encounters, follow-ups, an own event with invitees and answers, likely duplicates), so the
//! app's `--demo` start and `vernetzt demo` show what Vernetzt is for.
//!
//! Every address and web site lies under a reserved domain (RFC 2606 `.example`), named after
//! the organisation (`auswaertiges-amt.example`): a test mail sent from a demo database must
//! never reach a real authority. Nothing here needs files, Python or the network, so a fresh
//! machine can fill a demo database with nothing but the binary.

mod feed;
mod names;
mod showcase;
#[cfg(test)]
mod tests;

pub use showcase::{Showcase, showcase};

use crate::error::Result;
use crate::model::{ContactInput, Labeled, Level, Organization};
use crate::store::Store;
use names::{FAMILY, GIVEN, NOTES, ROLES, TAGS, TITLES};
use std::collections::HashSet;

/// The top-level domain of every demo address and web site: reserved by RFC 2606, so nothing
/// sent there is ever delivered.
pub const DEMO_TLD: &str = "example";

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

/// Text as it is written in German addresses: `ä` → `ae`, `ß` → `ss`, other letters without
/// their marks (`ł` → `l`), lower case; every other run of characters becomes one `-`.
fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let piece = match c {
            'ä' | 'Ä' => "ae".to_string(),
            'ö' | 'Ö' => "oe".to_string(),
            'ü' | 'Ü' => "ue".to_string(),
            c => crate::fold::fold(&c.to_string()),
        };
        for p in piece.chars() {
            if p.is_ascii_alphanumeric() {
                out.push(p);
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The demo domain of an organisation, recognisable by its name: `auswaertiges-amt.example`,
/// `stadt-flensburg.example`, `landkreis-goettingen.example`; a name too long for an address
/// gives way to its abbreviation (`bmjv.example`). `taken` keeps two organisations of one name
/// apart (`-2`).
fn org_domain(o: &Organization, taken: &mut HashSet<String>) -> String {
    // "FITKO (Föderale IT-Kooperation)" → "FITKO"; a Kommune's "Flensburg, Stadt" →
    // "Flensburg" (a ministry's comma is part of its name).
    let kommune = o.level == Level::Kommune;
    let head = [" (", " – "]
        .iter()
        .chain(kommune.then_some(&","))
        .filter_map(|sep| o.name.find(sep))
        .min()
        .map_or(o.name.as_str(), |i| &o.name[..i]);
    let mut base = slug(head);
    if kommune && o.kind.as_deref() == Some("Kreisfreie Stadt") {
        base = format!("stadt-{base}");
    }
    if base.len() > 40 {
        base = o
            .short_name
            .as_deref()
            .map(slug)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| base[..40].trim_end_matches('-').to_string());
    }
    if base.is_empty() {
        base = "verwaltung".into();
    }
    let mut domain = format!("{base}.{DEMO_TLD}");
    let mut n = 2;
    while !taken.insert(domain.clone()) {
        domain = format!("{base}-{n}.{DEMO_TLD}");
        n += 1;
    }
    domain
}

/// Every organisation of the store with its demo domain, in the store's order.
fn org_domains(store: &Store) -> Result<Vec<(i64, String)>> {
    let mut taken = HashSet::new();
    Ok(store
        .list_orgs(None, None)?
        .iter()
        .map(|o| (o.id, org_domain(o, &mut taken)))
        .collect())
}

/// The name of contact `i`. Walking the given names first and shifting the family names per
/// round gives every pair once in the first `GIVEN × FAMILY` contacts (2,500), so a demo of a
/// few hundred holds no two people of one name, which the duplicate view would list.
fn name_of(seed: u64, i: u64) -> (&'static str, &'static str) {
    let (g, f) = (GIVEN.len() as u64, FAMILY.len() as u64);
    let given = GIVEN[((i + mix(seed, 0, 1)) % g) as usize];
    let family = FAMILY[((i / g + mix(seed, i % g, 2)) % f) as usize];
    (given, family)
}

/// Generates contact `i` of the set `seed`, with organisations and their demo domains drawn
/// from `orgs` (id, domain); also returns the note to store with it, if any.
pub fn contact(seed: u64, i: u64, orgs: &[(i64, String)]) -> (ContactInput, Option<String>) {
    let (given, family) = name_of(seed, i);
    let (org_id, domain) = &orgs[(mix(seed, i, 3) % orgs.len() as u64) as usize];
    let email = format!("{}.{}{}@{}", slug(given), slug(family), i, domain);
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
        website: Some(format!("https://www.{domain}/")),
        themenfelder,
        tags,
        ..ContactInput::default()
    };
    (input, note)
}

/// Adds `n` demo contacts (seeded) to `store`, in batches of one transaction each. The same
/// seed gives the same contacts, so benchmarks and tests compare like with like.
pub fn populate(store: &mut Store, n: u64, seed: u64) -> Result<()> {
    let orgs = org_domains(store)?;
    let mut i = 0;
    while i < n {
        let end = (i + 5_000).min(n);
        let batch: Vec<_> = (i..end).map(|k| contact(seed, k, &orgs)).collect();
        store.create_contacts(&batch)?;
        i = end;
    }
    Ok(())
}
