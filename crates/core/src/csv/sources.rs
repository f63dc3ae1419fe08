//! The exports users really have (issue 13): Outlook, Thunderbird, Google Contacts, LinkedIn and
//! pretix write CSV files whose headers the generic detection half-understands (Outlook's
//! `E-Mail: Angezeigter Name` looks like an e-mail column, pretix's `E-Mail` is the booker's).
//! Each of them is recognised from its header row (and LinkedIn's preamble) by a pure function,
//! named in the preview, and read with the rules of that tool:
//!
//! - a table per tool says what its columns hold, with the labels our other imports use
//!   (`dienstlich`, `mobil`); columns it knows to be noise (`E-Mail-Typ`, `Priorität`) are
//!   dropped without being listed as "columns with data that are not imported";
//! - Outlook: an Exchange-internal X.500 address (`/o=ExchangeLabs/…`) is never an address
//!   (that rule holds for every file: an X.500 string is never an e-mail address);
//! - Google: ` ::: ` joins several values in one cell; the labels of e-mails and phones are in a
//!   column of their own;
//! - Thunderbird: a header repeated (some versions write `Anzeigename` twice) is read once;
//! - LinkedIn: the `Notes:` lines before the header are skipped (`sniff.rs` finds them);
//! - pretix: the booker's columns (`E-Mail`, `Telefonnummer`, the invoice address) are never read,
//!   whatever the mapping says; a cancelled or expired position is a contact but no attendee.
//!
//! Everything else (unknown columns, a user's own mapping) goes through the generic rules.

use super::Field;
use super::headers::alnum_fold;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The tool that wrote a CSV file, as far as its header row says. The UI names it in the
/// preview ("Outlook-Export erkannt"), so the serialised names are stable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CsvSource {
    /// Outlook's "Kommagetrennte Werte" (German or English headers).
    Outlook,
    /// Thunderbird's address book export.
    Thunderbird,
    /// Google Contacts ("Google CSV").
    Google,
    /// LinkedIn's `Connections.csv`.
    #[serde(rename = "linkedin")]
    LinkedIn,
    /// A pretix order positions (attendee) export.
    Pretix,
    /// Any other table, read with the generic rules alone.
    #[default]
    Generic,
}

/// What a source's table says about a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    /// Not in the table: the generic detection decides (and the column is listed when it holds
    /// data that is not imported).
    Unknown,
    /// Holds this field; its values get this label.
    Map(Field, Label),
    /// Known noise or a repeat: not imported, not listed.
    Skip,
    /// pretix: belongs to the person who booked, never read into an attendee.
    Booker,
    /// pretix: the position's status (cancelled rows are no attendees).
    Status,
}

/// Where the label of a column's e-mail addresses and phone numbers comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Label {
    /// From the header, as for any file (`Telefon (mobil)` → `mobil`).
    Header,
    /// None.
    None,
    /// This one.
    Fixed(&'static str),
    /// From the same row's cell in this column (Google's `E-mail 1 - Label`).
    Row(usize),
}

use Column::{Booker, Map, Skip};
use Field::*;

const DIENSTLICH: Label = Label::Fixed("dienstlich");
const PRIVAT: Label = Label::Fixed("privat");
const MOBIL: Label = Label::Fixed("mobil");

/// Outlook, German and English headers (Outlook writes its UI language). Only the business
/// address is read: the model has one address, and the business one is what a network needs.
#[rustfmt::skip]
const OUTLOOK: &[(&[&str], Column)] = &[
    (&["Anrede", "Title"], Map(Title, Label::Header)),
    (&["Position", "Job Title"], Map(Role, Label::Header)),
    (&["Straße geschäftlich", "Business Street"], Map(Street, Label::Header)),
    (&["Ort geschäftlich", "Business City"], Map(Locality, Label::Header)),
    (&["Postleitzahl geschäftlich", "Business Postal Code"], Map(PostalCode, Label::Header)),
    (&["Land/Region geschäftlich", "Business Country/Region"], Map(Country, Label::Header)),
    (&["Telefon geschäftlich", "Telefon geschäftlich 2", "Business Phone", "Business Phone 2"],
        Map(Phone, DIENSTLICH)),
    (&["Telefon Firma", "Company Main Phone"], Map(Phone, Label::Fixed("Zentrale"))),
    (&["Mobiltelefon", "Mobiltelefon 2", "Mobile Phone"], Map(Phone, MOBIL)),
    (&["Telefon (privat)", "Telefon (privat 2)", "Telefon privat", "Home Phone", "Home Phone 2"],
        Map(Phone, PRIVAT)),
    (&["Haupttelefon", "Primary Phone"], Map(Phone, Label::None)),
    (&["Telefon Assistent", "Assistant's Phone"], Map(Phone, Label::Fixed("Assistenz"))),
    (&["Fax geschäftlich", "Business Fax"], Map(Phone, Label::Fixed("Fax dienstlich"))),
    (&["Weiteres Telefon", "Other Phone"], Map(Phone, Label::None)),
    (&["Fax privat", "Home Fax", "Weiteres Fax", "Other Fax"], Skip),
    (&["E-Mail-Adresse", "E-Mail 2: Adresse", "E-Mail 3: Adresse", "E-mail Address",
        "E-mail 2 Address", "E-mail 3 Address"],
        Map(Email, Label::None)),
    (&["E-Mail-Typ", "E-Mail 2: Typ", "E-Mail 3: Typ", "E-mail Type", "E-mail 2 Type",
        "E-mail 3 Type"],
        Skip),
    (&["E-Mail: Angezeigter Name", "E-Mail 2: Angezeigter Name", "E-Mail 3: Angezeigter Name",
        "E-mail Display Name", "E-mail 2 Display Name", "E-mail 3 Display Name"],
        Skip),
    (&["Webseite", "Web Page"], Map(Website, Label::Header)),
    // `Ort` is Outlook's "Location" (an office or a room), not the city.
    (&["Ort", "Location"], Skip),
    (&["Geschlecht", "Gender", "Priorität", "Priority", "Privat", "Private", "Vertraulichkeit",
        "Sensitivity", "Initialen", "Initials", "Geburtstag", "Jahrestag", "Birthday",
        "Anniversary"],
        Skip),
];

/// Thunderbird, German and English headers (`Tel. dienstlich` is `Work Phone`).
#[rustfmt::skip]
const THUNDERBIRD: &[(&[&str], Column)] = &[
    (&["Primäre E-Mail-Adresse", "Sekundäre E-Mail-Adresse", "Primary Email", "Secondary Email"],
        Map(Email, Label::None)),
    (&["Tel. dienstlich", "Work Phone"], Map(Phone, DIENSTLICH)),
    (&["Tel. privat", "Home Phone"], Map(Phone, PRIVAT)),
    (&["Mobil-Tel.-Nr.", "Mobile Number"], Map(Phone, MOBIL)),
    (&["Fax-Nummer", "Fax Number"], Map(Phone, Label::Fixed("Fax"))),
    (&["Arbeitstitel", "Job Title"], Map(Role, Label::Header)),
    (&["Dienstlich: Adresse", "Work Address"], Map(Street, Label::Header)),
    (&["Dienstlich: Ort", "Work City"], Map(Locality, Label::Header)),
    (&["Dienstlich: PLZ", "Work ZipCode"], Map(PostalCode, Label::Header)),
    (&["Dienstlich: Land", "Work Country"], Map(Country, Label::Header)),
    (&["Webseite 1", "Webseite 2", "Web Page 1", "Web Page 2"], Map(Website, Label::Header)),
    (&["Geburtsjahr", "Geburtsmonat", "Geburtstag", "Birth Year", "Birth Month", "Birth Day"],
        Skip),
];

/// Google Contacts: the fixed columns; the numbered ones (`E-mail 1 - Value`) are in [`google`].
#[rustfmt::skip]
const GOOGLE: &[(&[&str], Column)] = &[
    (&["Name Prefix"], Map(Title, Label::Header)),
    (&["Organization Title"], Map(Role, Label::Header)),
    (&["Phonetic First Name", "Phonetic Middle Name", "Phonetic Last Name", "File As", "Photo"],
        Skip),
];

/// LinkedIn's `Connections.csv`: the profile URL is the contact's website.
#[rustfmt::skip]
const LINKEDIN: &[(&[&str], Column)] = &[
    (&["URL"], Map(Website, Label::Header)),
    (&["Connected On"], Skip),
];

/// pretix's order positions export (German since pretix renamed "Teilnehmer" to
/// "Teilnehmer*in", and English). `E-Mail` and `Telefonnummer` are the order's, i.e. the booker's.
#[rustfmt::skip]
const PRETIX: &[(&[&str], Column)] = &[
    (&["Status"], Column::Status),
    (&["E-Mail", "Email", "Telefonnummer", "Phone number", "Name", "Rechnungsadresse: Name",
        "Invoice address name"],
        Booker),
    (&["Name Teilnehmer*in", "Teilnehmer*in Name", "Attendee name"], Map(FullName, Label::Header)),
    (&["E-Mail Teilnehmer*in", "Attendee email"], Map(Email, Label::None)),
    (&["Teilnehmer*innen-Firma", "Firma", "Attendee company", "Company"],
        Map(Organization, Label::Header)),
    (&["Adresse", "Address"], Map(Street, Label::Header)),
    (&["Postleitzahl", "ZIP code"], Map(PostalCode, Label::Header)),
    (&["Stadt", "City"], Map(Locality, Label::Header)),
    (&["Land", "Country"], Map(Country, Label::Header)),
    (&[
        "Kurzname der Veranstaltung", "Event slug", "Veranstaltungstitel", "Event name",
        "Bestellnummer", "Order code", "Position", "Position ID", "Bestelldatum", "Order date",
        "Bestelluhrzeit", "Order time", "Termin", "Date", "Produkt", "Product", "Produkt-ID",
        "Product ID", "Variante", "Variation", "Varianten-ID", "Variation ID", "Preis", "Price",
        "Steuersatz", "Tax rate", "Steuerregel", "Tax rule", "Steuer", "Tax value",
        "Bundesstaat", "State", "Gutschein", "Voucher", "Pseudonyme ID", "Pseudonymization ID",
        "Ticket-Code", "Ticket secret", "Sitzplatz-ID", "Seat ID", "Sitzbezeichnung", "Seat name",
        "Sitzbereich", "Seat zone", "Sitzreihe", "Seat row", "Sitzplatz-Nummer", "Seat number",
        "Gesperrt", "Blocked", "Gültig ab", "Valid from", "Gültig bis", "Valid until",
        "Bestellkommentar", "Order comment", "Datum zur Wiedervorlage", "Follow-up date",
        "Zusatzprodukt zu Position", "Add-on to position ID", "USt-ID-Nr.", "VAT ID",
        "Verkaufskanal", "Sales channel", "Bestellsprache", "Order locale",
        "E-Mail-Adresse verifiziert", "Email address verified", "E-mail address verified",
        "Externe Kundennummer", "External customer ID", "Check-in-Listen", "Check-in lists",
        "Zahlungsmethoden", "Payment providers", "Link zur Bestellposition", "Position order link",
    ], Skip),
];

/// The table of a source, folded once (as headers are compared).
fn table(source: CsvSource) -> Option<&'static HashMap<String, Column>> {
    static TABLES: OnceLock<[HashMap<String, Column>; 5]> = OnceLock::new();
    let all = TABLES.get_or_init(|| {
        [OUTLOOK, THUNDERBIRD, GOOGLE, LINKEDIN, PRETIX].map(|t| {
            let mut m = HashMap::new();
            for (names, column) in t {
                for n in *names {
                    m.insert(alnum_fold(n), *column);
                }
            }
            m
        })
    });
    let i = match source {
        CsvSource::Outlook => 0,
        CsvSource::Thunderbird => 1,
        CsvSource::Google => 2,
        CsvSource::LinkedIn => 3,
        CsvSource::Pretix => 4,
        CsvSource::Generic => return None,
    };
    Some(&all[i])
}

/// Recognises the tool that wrote a file from its header row and whether LinkedIn's preamble
/// was there. Each tool is known by headers no hand-made list has together (Outlook's
/// `E-Mail: Angezeigter Name`, Google's `E-mail 1 - Value`, pretix's `Bestellnummer` beside an
/// attendee column); anything else is [`CsvSource::Generic`].
pub fn recognise(headers: &[String], linkedin_preamble: bool) -> CsvSource {
    let keys: std::collections::HashSet<String> = headers.iter().map(|h| alnum_fold(h)).collect();
    let has = |names: &[&str]| names.iter().any(|n| keys.contains(&alnum_fold(n)));
    let names = has(&["Vorname", "First Name"]) && has(&["Nachname", "Last Name"]);
    let attendee = [
        "Name Teilnehmer*in",
        "Teilnehmer*in Name",
        "Attendee name",
        "E-Mail Teilnehmer*in",
        "Attendee email",
    ];
    if has(&["Bestellnummer", "Order code"]) && has(&attendee) {
        CsvSource::Pretix
    } else if linkedin_preamble || (names && has(&["Connected On"]) && has(&["URL"])) {
        CsvSource::LinkedIn
    } else if names
        && headers.iter().any(|h| {
            matches!(google(h), Some((k, _, p)) if (k == "email" || k == "phone") && p == "value")
        })
    {
        CsvSource::Google
    } else if names && has(&["E-Mail: Angezeigter Name", "E-mail Display Name"]) {
        CsvSource::Outlook
    } else if names
        && has(&["Primäre E-Mail-Adresse", "Primary Email"])
        && has(&["Anzeigename", "Display Name"])
    {
        CsvSource::Thunderbird
    } else {
        CsvSource::Generic
    }
}

/// Google's numbered headers, `<kind> <n> - <part>` (English, whatever the user's language):
/// (kind, n, part) in lower case, letters and digits only (`E-mail 1 - Value` → `email`, 1,
/// `value`). Not [`alnum_fold`], which would fold `value` to `valu`.
fn google(header: &str) -> Option<(String, u32, String)> {
    let key = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let (left, part) = header.split_once(" - ")?;
    let (kind, n) = left.trim().rsplit_once(' ')?;
    let n = n.parse().ok()?;
    Some((key(kind), n, key(part)))
}

/// What a Google numbered column holds; `labels` are the `… - Label` columns by kind and number.
fn google_column(header: &str, labels: &HashMap<(String, u32), usize>) -> Column {
    let Some((kind, n, part)) = google(header) else {
        return Column::Unknown;
    };
    let label = labels.get(&(kind.clone(), n)).copied();
    let row_label = |field| Map(field, label.map_or(Label::None, Label::Row));
    match (kind.as_str(), n, part.as_str()) {
        ("email", _, "value") => row_label(Email),
        ("phone", _, "value") => row_label(Phone),
        ("website", 1, "value") => Map(Website, Label::Header),
        ("address", 1, "street") => Map(Street, Label::Header),
        ("address", 1, "city") => Map(Locality, Label::Header),
        ("address", 1, "postalcode") => Map(PostalCode, Label::Header),
        ("address", 1, "country") => Map(Country, Label::Header),
        (_, _, "label" | "formatted") => Skip,
        _ => Map(Ignore, Label::Header),
    }
}

/// A recognised source's rules for one file's columns.
pub(super) struct Rules {
    pub(super) source: CsvSource,
    columns: Vec<Column>,
}

impl Rules {
    /// The rules for `headers` as written by `source`.
    pub(super) fn new(source: CsvSource, headers: &[String]) -> Rules {
        let keys: Vec<String> = headers.iter().map(|h| alnum_fold(h)).collect();
        let mut first: HashMap<&str, usize> = HashMap::new();
        for (i, k) in keys.iter().enumerate() {
            first.entry(k.as_str()).or_insert(i);
        }
        let mut google_labels = HashMap::new();
        if source == CsvSource::Google {
            for (i, h) in headers.iter().enumerate() {
                if let Some((kind, n, part)) = google(h)
                    && part == "label"
                {
                    google_labels.entry((kind, n)).or_insert(i);
                }
            }
        }
        let columns = headers
            .iter()
            .zip(&keys)
            .enumerate()
            .map(|(i, (h, key))| {
                let Some(table) = table(source) else {
                    return Column::Unknown;
                };
                // A header repeated (Thunderbird's second `Anzeigename`, pretix's invoice block
                // after the attendee's) is read once: the first column is the one the tool means.
                if !key.is_empty() && first.get(key.as_str()) != Some(&i) {
                    return if source == CsvSource::Pretix {
                        Booker
                    } else {
                        Skip
                    };
                }
                let special = match source {
                    CsvSource::Google => google_column(h, &google_labels),
                    CsvSource::Pretix => pretix_column(h).unwrap_or(Column::Unknown),
                    _ => Column::Unknown,
                };
                match special {
                    Column::Unknown => table.get(key).copied().unwrap_or(Column::Unknown),
                    c => c,
                }
            })
            .collect();
        Rules { source, columns }
    }

    /// The mapping the source implies: its table where it knows a column, `generic` elsewhere.
    pub(super) fn mapping(&self, generic: Vec<Field>) -> Vec<Field> {
        generic
            .into_iter()
            .zip(&self.columns)
            .map(|(g, c)| match c {
                Column::Unknown => g,
                Map(f, _) => *f,
                Skip | Booker | Column::Status => Ignore,
            })
            .collect()
    }

    /// Whether a column is left out on purpose (noise, a repeat, the booker's): such columns are
    /// not listed as "holding data that is not imported".
    pub(super) fn deliberate(&self, column: usize) -> bool {
        matches!(
            self.columns.get(column),
            Some(Skip | Booker | Column::Status)
        )
    }

    /// Whether a column is the booker's, never read whatever the mapping says.
    pub(super) fn booker(&self, column: usize) -> bool {
        matches!(self.columns.get(column), Some(Booker))
    }

    /// The column with pretix's position status.
    pub(super) fn status_column(&self) -> Option<usize> {
        self.columns.iter().position(|c| *c == Column::Status)
    }

    /// Where a column's labels come from.
    pub(super) fn label(&self, column: usize) -> Label {
        match self.columns.get(column) {
            Some(Map(_, l)) => *l,
            _ => Label::Header,
        }
    }

    /// Google joins several values of one cell with ` ::: `.
    pub(super) fn joins_values(&self) -> bool {
        self.source == CsvSource::Google
    }

    /// Outlook's `Anrede` and Google's `Name Prefix` hold `Herr` and `Frau` as often as `Dr.`.
    pub(super) fn title_has_salutations(&self) -> bool {
        matches!(self.source, CsvSource::Outlook | CsvSource::Google)
    }
}

/// pretix's attendee name parts (`Name Teilnehmer*in: Vorname`) and invoice address columns.
fn pretix_column(header: &str) -> Option<Column> {
    let (left, part) = header.split_once(':')?;
    let left = alnum_fold(left);
    if matches!(left.as_str(), "rechnungsadresse" | "invoiceaddress")
        || left.starts_with("invoiceaddress")
    {
        return Some(Booker);
    }
    if !matches!(
        left.as_str(),
        "nameteilnehmerin" | "teilnehmerinname" | "attendeename"
    ) {
        return None;
    }
    Some(match alnum_fold(part).as_str() {
        "vorname" | "givenname" => Map(GivenName, Label::Header),
        "nachname" | "familyname" => Map(FamilyName, Label::Header),
        "titel" | "title" => Map(Title, Label::Header),
        _ => Skip,
    })
}

/// Whether a pretix status means the person holds no valid ticket: a cancelled position or
/// order (`storniert`, `storniert (bezahlte Gebühr)`, `canceled`) or an order that expired unpaid.
pub(super) fn no_ticket(status: &str) -> bool {
    let s = alnum_fold(status);
    [
        "storniert",
        "canceled",
        "cancelled",
        "abgelaufen",
        "expired",
    ]
    .iter()
    .any(|p| s.starts_with(p))
}

/// Whether an "address" is Exchange's internal X.500 form (`/o=ExchangeLabs/ou=…/cn=…`, also as
/// `EX:/o=…`), which Outlook exports for contacts of the own organisation.
pub(super) fn is_x500(v: &str) -> bool {
    let v = v.trim();
    let v = v
        .strip_prefix("EX:")
        .or_else(|| v.strip_prefix("ex:"))
        .unwrap_or(v);
    v.len() > 3 && v[..3].eq_ignore_ascii_case("/o=")
}

/// A Google label (`* Work`, the star marking the primary value) in the words our other
/// imports use; `Other` and `Main` say nothing and give no label.
pub(super) fn google_label(raw: &str) -> Option<String> {
    let l = raw.trim().trim_start_matches('*').trim();
    let mapped = match l.to_ascii_lowercase().as_str() {
        "" | "other" | "main" => return None,
        "work" => "dienstlich",
        "home" => "privat",
        "mobile" => "mobil",
        "work fax" => "Fax dienstlich",
        "home fax" => "Fax privat",
        _ => return Some(l.to_string()),
    };
    Some(mapped.to_string())
}

/// A Google label as a tag: the star of system groups dropped, `myContacts` and `starred` (every
/// contact, favourites) not kept.
pub(super) fn google_tag(raw: &str) -> Option<&str> {
    let t = raw.trim().trim_start_matches('*').trim();
    let system = t.eq_ignore_ascii_case("mycontacts") || t.eq_ignore_ascii_case("starred");
    (!t.is_empty() && !system).then_some(t)
}

/// Salutations in a title column, not kept as the title (the same words as the vCard reader's).
const SALUTATIONS: &[&str] = &[
    "herr", "frau", "hr.", "fr.", "mr.", "mr", "mrs.", "mrs", "ms.", "ms", "miss", "mx.", "mx",
];

/// `Herr Dr.` → `Dr.`; `Frau` → nothing.
pub(super) fn without_salutations(title: &str) -> Option<String> {
    let kept: Vec<&str> = title
        .split_whitespace()
        .filter(|w| !SALUTATIONS.contains(&w.to_lowercase().as_str()))
        .collect();
    (!kept.is_empty()).then(|| kept.join(" "))
}
