//! Rows to contacts: each row of a read table becomes an [`ImportedContact`] (names split,
//! values checked against [`crate::rules`], several addresses per cell split, Themenfelder and
//! levels recognised) or the reason it was skipped; anything dropped becomes a warning with the
//! row's line.

use super::headers::{alnum_fold, column_label};
use super::sniff::Row;
use super::sources::{
    Label, Rules, google_label, google_tag, is_x500, no_ticket, without_salutations,
};
use super::write::unguard_formula;
use super::{Field, MAX_WARNINGS, Mapping};
use crate::fold::{fold, tokens};
use crate::model::{ContactInput, ImportedContact, Labeled, Level, OrgRef, split_name};
use crate::rules::{MAX_FIELD_CHARS, MAX_NAME_CHARS, MAX_NOTE_BYTES, valid_email, valid_phone};
use std::borrow::Cow;

/// Warnings with a cap, so a file with a problem in every row stays readable.
#[derive(Default)]
pub(super) struct Warnings {
    list: Vec<String>,
    more: usize,
}

impl Warnings {
    pub(super) fn push(&mut self, w: String) {
        if self.list.len() < MAX_WARNINGS {
            self.list.push(w);
        } else {
            self.more += 1;
        }
    }

    pub(super) fn finish(mut self) -> Vec<String> {
        if self.more > 0 {
            self.list.push(format!(
                "… and {} more warnings of the same kinds",
                self.more
            ));
        }
        self.list
    }
}

/// What converting rows needs, computed once per file.
pub(super) struct RowContext<'a> {
    mapping: &'a Mapping,
    headers: &'a [String],
    rules: &'a Rules,
    width: usize,
    labels: Vec<Option<String>>,
    /// pretix: the column with the position's status.
    status: Option<usize>,
    /// Themenfelder: comparison form (of key, German and English name) → key.
    themen: Vec<(String, String)>,
    /// Cell text → Themenfeld key (`None`: unknown). Lists repeat the same few values, and
    /// folding is the most expensive step per row.
    themen_seen: std::cell::RefCell<std::collections::HashMap<String, Option<String>>>,
}

fn themen_norm(s: &str) -> String {
    tokens(&fold(s))
        .filter(|t| !matches!(*t, "und" | "and"))
        .collect()
}

impl<'a> RowContext<'a> {
    pub(super) fn new(headers: &'a [String], mapping: &'a Mapping, rules: &'a Rules) -> Self {
        let mut themen = Vec::new();
        for t in crate::directory::themenfelder() {
            for s in [&t.key, &t.name_de, &t.name_en] {
                themen.push((themen_norm(s), t.key.clone()));
            }
        }
        let labels = headers
            .iter()
            .enumerate()
            .map(|(i, h)| match rules.label(i) {
                Label::Header => column_label(h),
                Label::Fixed(l) => Some(l.to_string()),
                Label::None | Label::Row(_) => None,
            })
            .collect();
        RowContext {
            mapping,
            headers,
            rules,
            width: headers.len(),
            labels,
            status: rules.status_column(),
            themen,
            themen_seen: Default::default(),
        }
    }

    /// The key of the Themenfeld `value` names (by key, German or English name), if any.
    fn themenfeld(&self, value: &str) -> Option<String> {
        if let Some(known) = self.themen_seen.borrow().get(value) {
            return known.clone();
        }
        let n = themen_norm(value);
        let key = self
            .themen
            .iter()
            .find(|(norm, _)| *norm == n)
            .map(|(_, k)| k.clone());
        self.themen_seen
            .borrow_mut()
            .insert(value.to_string(), key.clone());
        key
    }

    /// The label of a value in column `i` of `row`: the column's, or (Google) the row's own.
    fn label(&self, i: usize, row: &Row) -> Option<String> {
        match self.rules.label(i) {
            Label::Row(j) => google_label(row.record.get(j).unwrap_or("").split(":::").next()?),
            _ => self.labels.get(i).cloned().flatten(),
        }
    }

    pub(super) fn convert(
        &self,
        row: &Row,
        warnings: &mut Warnings,
    ) -> Result<ImportedContact, String> {
        let line = row.line;
        let mut given = None;
        let mut family = None;
        let mut full = None;
        let mut title = None;
        let mut c = ContactInput::default();
        let mut org: Option<String> = None;
        let mut level: Option<String> = None;
        let mut land: Option<String> = None;
        let mut key: Option<String> = None;
        let mut notes = Vec::new();
        let mut x500 = false;
        let mut local = Vec::new();
        let mut w = |m: String| local.push(format!("line {line}: {m}"));

        for (i, raw) in row.record.iter().enumerate() {
            let field = match self.mapping.columns.get(i) {
                Some(f) if !self.rules.booker(i) => *f,
                _ => Field::Ignore,
            };
            if field == Field::Ignore {
                continue;
            }
            let raw = unguard_formula(raw);
            if field == Field::Note {
                let note = raw.replace("\r\n", "\n").replace('\r', "\n");
                let note = note.trim();
                if note.len() > MAX_NOTE_BYTES {
                    w(format!(
                        "a note of {} bytes is longer than {} bytes and was left out",
                        note.len(),
                        MAX_NOTE_BYTES
                    ));
                } else if !note.is_empty() {
                    notes.push(note.to_string());
                }
                continue;
            }
            let v = one_line(raw);
            if v.is_empty() {
                continue;
            }
            let v = match self.source_value(i, field, v, &mut w) {
                Some(v) => v,
                None => continue,
            };
            let mut fit = |what: &str, max: usize| fit(&v, what, max, &mut w);
            let first = |slot: &mut Option<String>, value: Option<String>| {
                if slot.is_none() {
                    *slot = value;
                }
            };
            match field {
                Field::GivenName => first(&mut given, fit("the given name", MAX_NAME_CHARS)),
                Field::FamilyName => first(&mut family, fit("the family name", MAX_NAME_CHARS)),
                Field::FullName => first(&mut full, fit("the name", MAX_NAME_CHARS)),
                Field::Title => first(&mut title, fit("the title", 100)),
                Field::Role => first(&mut c.role, fit("the role", MAX_FIELD_CHARS)),
                Field::Organization => first(&mut org, fit("the organisation", MAX_NAME_CHARS)),
                Field::Level => first(&mut level, Some(v.to_string())),
                Field::Land => first(&mut land, fit("the Bundesland", 100)),
                Field::OfficialKey => first(&mut key, fit("the official key", 100)),
                Field::Street => first(&mut c.street, fit("the street", MAX_FIELD_CHARS)),
                Field::PostalCode => first(&mut c.postal_code, fit("the postal code", 20)),
                Field::Locality => first(&mut c.locality, fit("the city", MAX_FIELD_CHARS)),
                Field::Country => first(&mut c.country, fit("the country", 100)),
                Field::Website => {
                    if valid_website(&v) {
                        first(&mut c.website, fit("the website", MAX_FIELD_CHARS));
                    } else {
                        w(format!("'{v}' is not a web address and was left out"));
                    }
                }
                Field::Email => {
                    for e in split_emails(&v) {
                        // Never an address, whatever file it comes in; the next one is taken.
                        if is_x500(&e) {
                            x500 = true;
                        } else if !valid_email(&e) {
                            w(format!(
                                "'{e}' is not a valid e-mail address and was left out"
                            ));
                        } else if !c.emails.iter().any(|x| x.value.eq_ignore_ascii_case(&e)) {
                            c.emails.push(Labeled {
                                value: e,
                                label: self.label(i, row),
                            });
                        }
                    }
                }
                Field::Phone => {
                    for p in v.split([';', ',']).map(str::trim).filter(|p| !p.is_empty()) {
                        if !valid_phone(p) {
                            w(format!(
                                "'{p}' is not a valid phone number and was left out"
                            ));
                        } else if !c.phones.iter().any(|x| x.value == p) {
                            c.phones.push(Labeled {
                                value: p.to_string(),
                                label: self.label(i, row),
                            });
                        }
                    }
                }
                Field::Tags => {
                    for t in v.split([';', ',']).map(str::trim).filter(|t| !t.is_empty()) {
                        let t = if self.rules.joins_values() {
                            google_tag(t)
                        } else {
                            Some(t)
                        };
                        if let Some(t) = t {
                            push_tag(&mut c.tags, t, &mut w);
                        }
                    }
                }
                Field::Themenfeld => {
                    for t in v.split([';', ',']).map(str::trim).filter(|t| !t.is_empty()) {
                        match self.themenfeld(t) {
                            Some(key) => {
                                if !c.themenfelder.contains(&key) {
                                    c.themenfelder.push(key);
                                }
                            }
                            None => {
                                w(format!(
                                    "'{t}' is not an OZG Themenfeld and was kept as a tag"
                                ));
                                push_tag(&mut c.tags, t, &mut w);
                            }
                        }
                    }
                }
                Field::Note | Field::Ignore => {}
            }
        }

        if x500 && c.emails.is_empty() {
            w(
                "the only e-mail address is an Exchange-internal one (X.500, '/o=…'), not an \
               address mail can be sent to; the contact was imported without e-mail"
                    .to_string(),
            );
        }
        let cancelled = self
            .status
            .and_then(|s| row.record.get(s))
            .map(str::trim)
            .filter(|s| no_ticket(s));
        if let Some(s) = cancelled {
            w(format!(
                "status '{s}': imported as a contact, but not as an attendee of the event"
            ));
        }
        let cancelled = cancelled.is_some();

        // Excel turns `01067` into the number 1067 when a list passes through it.
        let german = c.country.as_deref().is_none_or(|k| {
            matches!(
                alnum_fold(k).as_str(),
                "deutschland" | "germany" | "de" | "d" | "deu" | "brd"
            )
        });
        if let Some(plz) = &mut c.postal_code
            && german
            && plz.len() == 4
            && plz.bytes().all(|b| b.is_ascii_digit())
        {
            w(format!(
                "postal code '{plz}' has 4 digits (Excel drops leading zeros); read as '0{plz}'"
            ));
            plz.insert(0, '0');
        }
        if let Some(k) = &mut key
            && matches!(k.len(), 7 | 11)
            && k.bytes().all(|b| b.is_ascii_digit())
        {
            w(format!(
                "official key '{k}' has {} digits (Excel drops leading zeros); read as '0{k}'",
                k.len()
            ));
            k.insert(0, '0');
        }

        // Names: separate columns win; a whole name is split when nothing else says.
        if given.is_some() || family.is_some() {
            if let Some(full) = full {
                let composed = [&title, &given, &family]
                    .iter()
                    .filter_map(|s| s.as_deref())
                    .collect::<Vec<_>>()
                    .join(" ");
                if full != composed {
                    c.display_name = Some(full);
                }
            }
        } else if let Some(full) = full {
            let (t, g, f) = split_full_name(&full);
            if title.is_none() {
                title = t;
            }
            given = g;
            family = f;
        }
        if given.is_none() && family.is_none() {
            return Err("no name (neither Vorname, Nachname nor Name)".to_string());
        }
        c.given_name = given;
        c.family_name = family;
        c.title = title;

        let organization = org.map(|name| OrgRef {
            name,
            level: level.as_deref().and_then(|l| {
                let parsed = parse_level(l);
                if parsed.is_none() {
                    w(format!(
                        "level '{l}' is not Bund, Land, Kommune or Sonstige and was left out"
                    ));
                }
                parsed
            }),
            land,
            key,
        });

        if row.record.len() < self.width {
            w(format!(
                "{} of {} fields; the missing ones were taken as empty",
                row.record.len(),
                self.width
            ));
        } else if row.record.len() > self.width
            && row
                .record
                .iter()
                .skip(self.width)
                .any(|f| !f.trim().is_empty())
        {
            w(format!(
                "{} fields but the header names {}; the extra values were left out",
                row.record.len(),
                self.width
            ));
        }
        for m in local {
            warnings.push(m);
        }
        Ok(ImportedContact {
            contact: c,
            organization,
            notes,
            uid: None,
            line,
            cancelled,
        })
    }

    /// A value as the source that wrote the file means it. Google joins several values with
    /// ` ::: `: all are kept where the field holds several, else the first, with a warning
    /// naming the others. Outlook's and Google's title columns hold salutations (`Herr`), which
    /// are no title. `None`: nothing left.
    fn source_value<'v>(
        &self,
        i: usize,
        field: Field,
        v: Cow<'v, str>,
        w: &mut impl FnMut(String),
    ) -> Option<Cow<'v, str>> {
        let v = if self.rules.joins_values() && v.contains(":::") {
            if matches!(
                field,
                Field::Email | Field::Phone | Field::Tags | Field::Themenfeld
            ) {
                Cow::Owned(v.replace(":::", ";"))
            } else {
                let mut parts = v.split(":::").map(str::trim).filter(|p| !p.is_empty());
                let kept = parts.next()?.to_string();
                let rest: Vec<&str> = parts.collect();
                if !rest.is_empty() {
                    w(format!(
                        "'{}' holds several values; '{kept}' was kept, '{}' left out",
                        self.headers.get(i).map_or("", String::as_str),
                        rest.join("', '")
                    ));
                }
                Cow::Owned(kept)
            }
        } else {
            v
        };
        if field == Field::Title && self.rules.title_has_salutations() {
            return without_salutations(&v).map(Cow::Owned);
        }
        Some(v)
    }
}

/// `Müller, Dr. Jördis` (as sorted lists write it) or `Dr. Jördis Müller` → (title, given,
/// family).
fn split_full_name(full: &str) -> (Option<String>, Option<String>, Option<String>) {
    if let Some((family, rest)) = full.split_once(',')
        && !rest.contains(',')
        && !family.trim().is_empty()
        && !rest.trim().is_empty()
    {
        let (t, g, f) = split_name(rest);
        let given = match (g, f) {
            (Some(g), Some(f)) => Some(format!("{g} {f}")),
            (g, f) => g.or(f),
        };
        return (t, given, Some(family.trim().to_string()));
    }
    split_name(full)
}

/// `v` if it fits the store's limit, else `None` and a warning.
fn fit(v: &str, what: &str, max: usize, w: &mut impl FnMut(String)) -> Option<String> {
    if v.chars().count() > max {
        w(format!(
            "{what} is longer than {max} characters and was left out"
        ));
        None
    } else {
        Some(v.to_string())
    }
}

fn push_tag(tags: &mut Vec<String>, t: &str, w: &mut impl FnMut(String)) {
    if t.chars().count() > 100 {
        w(format!(
            "tag '{t}' is longer than 100 characters and was left out"
        ));
    } else if !tags.iter().any(|x| x == t) {
        let folded = fold(t);
        if !tags.iter().any(|x| fold(x) == folded) {
            tags.push(t.to_string());
        }
    }
}

/// `Level::parse` plus the words lists use: `Bundesebene`, `Landesverwaltung`, `kommunal` ….
fn parse_level(v: &str) -> Option<Level> {
    if let Some(l) = Level::parse(v) {
        return Some(l);
    }
    match alnum_fold(v).as_str() {
        "bundesebene" | "bundesverwaltung" | "bundesbehorde" | "federal" => Some(Level::Bund),
        "lander" | "landesebene" | "landesverwaltung" | "landesbehorde" | "state" => {
            Some(Level::Land)
        }
        "kommunen" | "kommunal" | "kommunaleebene" | "kommunalverwaltung" | "gemeinde"
        | "stadt" | "kreis" | "landkreis" | "municipal" | "local" => Some(Level::Kommune),
        "sonstiges" | "andere" | "weitere" => Some(Level::Other),
        _ => None,
    }
}

/// A single-line value: control characters (line breaks in a cell) become spaces, runs of
/// spaces one, and the ends are trimmed, as the store would. Clean values (nearly all) are
/// borrowed, which keeps large files fast.
fn one_line(v: &str) -> Cow<'_, str> {
    let t = v.trim();
    if !t.contains("  ") && !t.chars().any(char::is_control) {
        return Cow::Borrowed(t);
    }
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        let c = if c.is_control() { ' ' } else { c };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    Cow::Owned(out.trim().to_string())
}

/// Addresses in one cell: `a@x.de; b@y.de`, `mailto:a@x.de`, `Jördis Müller <j@x.de>`.
fn split_emails(v: &str) -> Vec<String> {
    let clean = |s: &str| {
        let s = s.trim().trim_matches(['<', '>']).trim();
        s.strip_prefix("mailto:")
            .or_else(|| s.strip_prefix("MAILTO:"))
            .unwrap_or(s)
            .to_string()
    };
    if v.contains('<') && v.contains('>') {
        let mut out = Vec::new();
        let mut rest = v;
        while let Some(start) = rest.find('<') {
            let Some(len) = rest[start..].find('>') else {
                break;
            };
            out.push(clean(&rest[start + 1..start + len]));
            rest = &rest[start + len + 1..];
        }
        return out.into_iter().filter(|e| !e.is_empty()).collect();
    }
    // Split on `;` and `,`; split on spaces only when every part is an address, so that
    // `hans at weiss.de` is reported as one bad value, not three.
    let mut out = Vec::new();
    for piece in v.split([';', ',']) {
        let parts: Vec<&str> = piece.split_whitespace().collect();
        if parts.len() > 1 && parts.iter().all(|p| p.contains('@')) {
            out.extend(parts.into_iter().map(clean));
        } else {
            out.push(clean(piece));
        }
    }
    out.retain(|e| !e.is_empty());
    out
}

/// The store's check: `http(s)://…` (or a bare host, to which it adds `https://`), no spaces.
fn valid_website(v: &str) -> bool {
    let w = if v.contains("://") {
        v.to_string()
    } else {
        format!("https://{v}")
    };
    (w.starts_with("https://") || w.starts_with("http://")) && !w.contains(' ')
}
