//! vCard text work for the sync: which properties Vernetzt models, a parsed property written
//! back as a line, and the card to push patched from the server's last version so that a group
//! of lines nothing changed in keeps what another client wrote there (a department in ORG, a
//! region in ADR, `item1.X-ABLabel`). Pure text; the store decides when to call it.

use crate::model::ImportedContact;
use crate::vcard::read_vcards;

/// Properties Vernetzt writes itself; everything else on a server's card is kept as an extra.
pub(crate) const MODELLED: [&str; 23] = [
    "BEGIN",
    "END",
    "VERSION",
    "PRODID",
    "UID",
    "FN",
    "N",
    "ORG",
    "TITLE",
    "EMAIL",
    "TEL",
    "ADR",
    "URL",
    "CATEGORIES",
    "NOTE",
    "PHOTO",
    "REV",
    "KIND",
    "X-VERNETZT-LEVEL",
    "X-VERNETZT-LAND",
    "X-VERNETZT-KEY",
    "X-VERNETZT-MET",
    "X-VERNETZT-ATTENDED",
];

/// A parsed property written back as one content line (parameters re-quoted per RFC 6868).
pub(crate) fn property_line(p: &crate::ical::parse::Property) -> String {
    let mut line = p.name.to_string();
    for (name, values) in &p.params {
        line.push(';');
        line.push_str(name);
        line.push('=');
        let vals: Vec<String> = values
            .iter()
            .map(|v| crate::ical::itip::param_value(v))
            .collect();
        line.push_str(&vals.join(","));
    }
    line.push(':');
    line.push_str(&p.value);
    line
}

/// Groups of properties that carry one kind of field, with the fields they carry.
const GROUPS: [(&[&str], &[&str]); 9] = [
    (
        &["FN", "N"],
        &["display_name", "given_name", "family_name", "title"],
    ),
    (
        &[
            "ORG",
            "X-VERNETZT-LEVEL",
            "X-VERNETZT-LAND",
            "X-VERNETZT-KEY",
        ],
        &["organization", "org_level", "org_land", "org_key"],
    ),
    (&["TITLE"], &["role"]),
    (&["ADR"], &["street", "postal_code", "locality"]),
    (&["URL"], &["website"]),
    (&["EMAIL"], &["emails"]),
    (&["TEL"], &["phones"]),
    (&["CATEGORIES"], &["tags", "themenfelder"]),
    (&["NOTE"], &["notes"]),
];

fn bare_name(name: &str) -> (&str, Option<&str>) {
    match name.split_once('.') {
        Some((group, n)) => (n, Some(group)),
        None => (name, None),
    }
}

/// The card to push: ours, except that a group of properties whose fields did not change since
/// the server's last version (`base`) is written as the server had it, with its grouped
/// companions (`item1.X-ABLabel`).
pub(crate) fn patch_from_base(ours: &str, base: &str) -> String {
    use crate::ical::parse::parse;
    let (Some(our_rec), Some(base_rec)) = (parse_one(ours), parse_one(base)) else {
        return ours.to_string();
    };
    let (of, bf) = (
        crate::sync::fields(&our_rec),
        crate::sync::fields(&base_rec),
    );
    let unchanged: Vec<usize> = GROUPS
        .iter()
        .enumerate()
        .filter(|(_, (_, fields))| fields.iter().all(|f| of.get(f) == bf.get(f)))
        .map(|(i, _)| i)
        .collect();
    let group_of = |name: &str| {
        let (n, _) = bare_name(name);
        GROUPS.iter().position(|(props, _)| props.contains(&n))
    };
    let ours_p = parse(ours.as_bytes());
    let base_p = parse(base.as_bytes());
    let (Some(oc), Some(bc)) = (
        ours_p.roots.iter().find(|c| c.name == "VCARD"),
        base_p.roots.iter().find(|c| c.name == "VCARD"),
    ) else {
        return ours.to_string();
    };
    // Base lines per unchanged group, with the item groups they use.
    let mut from_base: Vec<Vec<String>> = vec![Vec::new(); GROUPS.len()];
    let mut items: Vec<(usize, String)> = Vec::new();
    for p in &bc.props {
        if let Some(g) = group_of(&p.name)
            && unchanged.contains(&g)
        {
            from_base[g].push(property_line(p));
            if let (_, Some(item)) = bare_name(&p.name) {
                items.push((g, item.to_string()));
            }
        }
    }
    for p in &bc.props {
        let (n, item) = bare_name(&p.name);
        if let Some(item) = item
            && group_of(n).is_none()
            && let Some((g, _)) = items.iter().find(|(_, i)| i == item)
        {
            from_base[*g].push(property_line(p));
        }
    }
    // Our own companions (`item1.X-ABLabel` of our `item1.TEL`) of a group taken from the base
    // are replaced by the base's, not written twice.
    let our_items: Vec<String> = oc
        .props
        .iter()
        .filter(|p| group_of(&p.name).is_some_and(|g| unchanged.contains(&g)))
        .filter_map(|p| bare_name(&p.name).1.map(String::from))
        .collect();
    let mut out = String::new();
    crate::ical::write::push_line(&mut out, "BEGIN:VCARD");
    let mut emitted = vec![false; GROUPS.len()];
    for p in &oc.props {
        if group_of(&p.name).is_none()
            && bare_name(&p.name)
                .1
                .is_some_and(|i| our_items.iter().any(|o| o == i))
        {
            continue;
        }
        match group_of(&p.name) {
            Some(g) if unchanged.contains(&g) => {
                if !emitted[g] {
                    for l in &from_base[g] {
                        crate::ical::write::push_line(&mut out, l);
                    }
                    emitted[g] = true;
                }
            }
            _ => crate::ical::write::push_line(&mut out, &property_line(p)),
        }
    }
    for g in unchanged {
        if !emitted[g] {
            for l in &from_base[g] {
                crate::ical::write::push_line(&mut out, l);
            }
        }
    }
    crate::ical::write::push_line(&mut out, "END:VCARD");
    out
}

pub(crate) fn parse_one(card: &str) -> Option<ImportedContact> {
    read_vcards(card.as_bytes())
        .ok()?
        .contacts
        .into_iter()
        .next()
}

#[cfg(test)]
mod tests {
    use super::patch_from_base;

    #[test]
    fn unchanged_groups_keep_the_servers_richer_lines() {
        let base = "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:u1\r\nFN:Jördis Müller\r\nN:Müller;Jördis;Hans;;\r\nORG:FITKO;Amt für Digitalisierung\r\nTITLE:Referentin\r\nADR;TYPE=work:;;Hauptstr. 1;Erfurt;Thüringen;99084;Deutschland\r\nitem1.TEL;TYPE=cell:+49 171 5550000\r\nitem1.X-ABLabel:Diensthandy\r\nEND:VCARD\r\n";
        let ours = "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:u1\r\nFN:Jördis Müller\r\nN:Müller;Jördis Hans;;;\r\nORG:FITKO\r\nTITLE:Referatsleiterin\r\nADR:;;Hauptstr. 1;Erfurt;;99084;Deutschland\r\nitem1.TEL:+49 171 5550000\r\nitem1.X-ABLabel:Diensthandy\r\nEND:VCARD\r\n";
        let out = patch_from_base(ours, base);
        assert!(out.contains("TITLE:Referatsleiterin"), "{out}");
        assert!(!out.contains("Referentin"), "{out}");
        assert_eq!(out.matches("Diensthandy").count(), 1, "{out}");
        assert!(
            out.contains("Thüringen") && out.contains("TYPE=\"cell\""),
            "{out}"
        );
        assert!(out.starts_with("BEGIN:VCARD\r\n") && out.ends_with("END:VCARD\r\n"));
    }
}
