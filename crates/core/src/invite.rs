//! Invitations for organisers, the pure part: who to invite (filters), what to send whom and
//! when (planning the outbox), the invitation text (an editable German template), the RSVP list
//! as CSV, and replies pulled out of e-mails. The store keeps the state (`store/invitations.rs`),
//! `vernetzt-net` does the sending; nothing here touches a file, a clock or the network.

use crate::error::{Error, Result};
use crate::ical::Warning;
use crate::ical::itip::{EventTime, Reply, read_replies};
use crate::model::Level;
use chrono::{Datelike, NaiveDateTime, Timelike};
use mail_parser::MimeHeaders;
use serde::{Deserialize, Serialize};

/// Which contacts to invite: every given criterion must hold (AND); unset ones do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InviteeFilter {
    /// Level of the contact's organisation.
    pub level: Option<Level>,
    /// Land of the contact's organisation: key `09`, code `BY` or name `Bayern`.
    pub land: Option<String>,
    /// The contact's organisation (id).
    pub org: Option<i64>,
    /// A tag (case-insensitive).
    pub tag: Option<String>,
    /// A Themenfeld key.
    pub themenfeld: Option<String>,
    /// UID of an event the contact attended.
    pub attended: Option<String>,
}

impl InviteeFilter {
    /// True when no criterion is set (which selects nobody, not everybody: inviting the whole
    /// address book by accident is worse than an empty list).
    pub fn is_empty(&self) -> bool {
        *self == InviteeFilter::default()
    }

    /// Adds one `key=value` criterion as the CLI takes it (`level=land`, `land=BY`, `org=12`,
    /// `tag=Taskforce`, `themenfeld=gesundheit`, `attended=UID`).
    pub fn add(&mut self, spec: &str) -> Result<()> {
        let bad = |m: String| Error::invalid("filter_invalid", "filter", m);
        let (k, v) = spec
            .split_once('=')
            .ok_or_else(|| bad(format!("'{spec}' is not key=value")))?;
        let v = v.trim().to_string();
        if v.is_empty() {
            return Err(bad(format!("'{spec}' has no value")));
        }
        match k.trim().to_ascii_lowercase().as_str() {
            "level" | "ebene" => {
                self.level = Some(match v.to_lowercase().as_str() {
                    "bund" => Level::Bund,
                    "land" => Level::Land,
                    "kommune" => Level::Kommune,
                    "other" | "sonstige" => Level::Other,
                    _ => {
                        return Err(bad(format!(
                            "level '{v}' is not bund, land, kommune or other"
                        )));
                    }
                })
            }
            "land" => self.land = Some(v),
            "org" | "organisation" => {
                self.org = Some(
                    v.parse()
                        .map_err(|_| bad(format!("org '{v}' is not an organisation id")))?,
                )
            }
            "tag" => self.tag = Some(v),
            "themenfeld" => self.themenfeld = Some(v),
            "attended" | "teilgenommen" => self.attended = Some(v),
            other => {
                return Err(bad(format!(
                    "unknown filter '{other}' (level, land, org, tag, themenfeld, attended)"
                )));
            }
        }
        Ok(())
    }
}

/// A contact that a filter or a pick selected, before it is invited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// Contact id.
    pub contact_id: i64,
    /// Display name.
    pub name: String,
    /// Preferred e-mail address, if any.
    pub email: Option<String>,
    /// Organisation, for the list the user checks.
    pub organization: Option<String>,
}

/// What inviting a selection would do, shown before anything is recorded or sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitePreview {
    /// Contacts that will be invited.
    pub ready: Vec<Candidate>,
    /// Contacts without an e-mail address: cannot be invited (the warning list).
    pub without_email: Vec<Candidate>,
    /// Contacts already on the list (not counted again).
    pub already_invited: Vec<Candidate>,
}

/// An RSVP answer, as stored (lower case, as in [`Reply::partstat`]).
pub const PARTSTATS: [&str; 5] = [
    "needs-action",
    "accepted",
    "declined",
    "tentative",
    "delegated",
];

/// Delivery state of the latest message to an invitee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Nothing sent by Vernetzt (perhaps exported and mailed by hand).
    NotSent,
    /// Planned, not yet tried.
    Pending,
    /// A run stopped while sending it: it may or may not have arrived.
    Uncertain,
    /// Accepted by the SMTP server.
    Sent,
    /// Refused or not reachable; will be tried again.
    Failed,
}

/// One person on an event's invitation list, with answer and delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitee {
    /// Row id.
    pub id: i64,
    /// The contact, if still there.
    pub contact_id: Option<i64>,
    /// Name as invited.
    pub name: String,
    /// Address as invited (lower case).
    pub email: String,
    /// `needs-action`, `accepted`, `declined`, `tentative` or `delegated`.
    pub partstat: String,
    /// When they answered (RFC 3339 UTC).
    pub answered_at: Option<String>,
    /// True when the answer was about an earlier version (lower SEQUENCE) of the event.
    pub answered_earlier_version: bool,
    /// Taken off the list (a CANCEL goes to them).
    pub removed: bool,
    /// Latest message's delivery.
    pub delivery: Delivery,
    /// Latest delivery error, in plain words.
    pub error: Option<String>,
}

/// Counts for the RSVP overview.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RsvpCounts {
    /// Invited and not removed.
    pub invited: usize,
    /// Accepted.
    pub accepted: usize,
    /// Declined.
    pub declined: usize,
    /// Tentative.
    pub tentative: usize,
    /// Delegated.
    pub delegated: usize,
    /// No answer yet.
    pub needs_action: usize,
}

impl RsvpCounts {
    /// Counts the people still on the list.
    pub fn of(invitees: &[Invitee]) -> RsvpCounts {
        let mut c = RsvpCounts::default();
        for i in invitees.iter().filter(|i| !i.removed) {
            c.invited += 1;
            match i.partstat.as_str() {
                "accepted" => c.accepted += 1,
                "declined" => c.declined += 1,
                "tentative" => c.tentative += 1,
                "delegated" => c.delegated += 1,
                _ => c.needs_action += 1,
            }
        }
        c
    }
}

/// iTIP method of a planned message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// Invitation or update.
    Request,
    /// Cancellation.
    Cancel,
}

impl MessageKind {
    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Request => "request",
            MessageKind::Cancel => "cancel",
        }
    }

    /// Reads the stored form: `cancel` is a cancellation, anything else an invitation.
    pub fn from_stored(s: &str) -> MessageKind {
        if s == "cancel" {
            MessageKind::Cancel
        } else {
            MessageKind::Request
        }
    }
}

/// What the planner knows about one invitee: whether they are on the list and which messages
/// exist for them already (any status except superseded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanInvitee {
    /// Invitee row id.
    pub id: i64,
    /// Still on the list.
    pub active: bool,
    /// Messages already planned or sent: (kind, sequence).
    pub messages: Vec<(MessageKind, i64)>,
}

/// Decides which messages an event needs now, given its SEQUENCE and whether it is cancelled.
/// Pure, so the rules are tested without a store or a mail server:
///
/// - on the list, event not cancelled: a REQUEST at the current SEQUENCE (an update after a new
///   time or place, because the SEQUENCE rose);
/// - taken off the list, or the event cancelled: a CANCEL at the current SEQUENCE, but only to
///   people who were sent a REQUEST before (nobody gets a cancellation of something they never
///   heard of), and only once.
pub fn plan(sequence: i64, cancelled: bool, invitees: &[PlanInvitee]) -> Vec<(i64, MessageKind)> {
    let mut out = Vec::new();
    for i in invitees {
        let has = |k: MessageKind, s: i64| i.messages.contains(&(k, s));
        let ever_requested = i.messages.iter().any(|(k, _)| *k == MessageKind::Request);
        let ever_cancelled = i.messages.iter().any(|(k, _)| *k == MessageKind::Cancel);
        if i.active && !cancelled {
            if !has(MessageKind::Request, sequence) {
                out.push((i.id, MessageKind::Request));
            }
        } else if ever_requested && !ever_cancelled && !has(MessageKind::Cancel, sequence) {
            out.push((i.id, MessageKind::Cancel));
        }
    }
    out
}

/// The default German invitation text. Placeholders in braces; unknown ones stay as written.
pub const DEFAULT_TEMPLATE: &str = "Guten Tag {name},\n\n\
hiermit lade ich Sie herzlich ein zu\n\n\
{titel}\n\
Beginn: {beginn}\n\
Ende: {ende}\n\
Ort: {ort}\n\
{link}\n\
{beschreibung}\n\n\
Bitte sagen Sie über die Schaltflächen Ihres Kalenders zu oder ab.\n\n\
Mit freundlichen Grüßen\n\
{veranstalter}\n";

/// The default subject.
pub const DEFAULT_SUBJECT: &str = "Einladung: {titel}";

/// The text of a cancellation (not a template: short and fixed).
pub const CANCEL_TEMPLATE: &str = "Guten Tag {name},\n\n\
die Veranstaltung\n\n\
{titel}\n\
am {beginn}\n\n\
findet nicht statt bzw. Ihre Einladung wurde zurückgenommen.\n\n\
Mit freundlichen Grüßen\n\
{veranstalter}\n";

/// Values for the placeholders of a template.
#[derive(Debug, Clone, Default)]
pub struct TemplateValues {
    /// `{name}`: the invitee.
    pub name: String,
    /// `{titel}`.
    pub title: String,
    /// `{beginn}`, formatted in German.
    pub start: String,
    /// `{ende}`.
    pub end: String,
    /// `{ort}`.
    pub location: String,
    /// `{link}`.
    pub link: String,
    /// `{beschreibung}`.
    pub description: String,
    /// `{veranstalter}`: the organiser's name.
    pub organizer: String,
}

/// Fills a template. Values are inserted once, never re-scanned, so a name holding `{titel}`
/// stays as typed. A line whose placeholders are all empty and that is left blank or as a bare
/// label (`Ort:`) is dropped; runs of blank lines collapse to one.
pub fn render(template: &str, v: &TemplateValues) -> String {
    let mut text = String::with_capacity(template.len() + 256);
    let mut blank = 0;
    for line in template.lines() {
        let (rendered, placeholders, filled) = render_line(line, v);
        let bare = rendered.trim().is_empty() || rendered.trim_end().ends_with(':');
        if placeholders > 0 && filled == 0 && bare {
            continue;
        }
        if rendered.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        text.push_str(rendered.trim_end());
        text.push('\n');
    }
    text
}

/// One line filled: (text, placeholders seen, placeholders with a non-empty value).
fn render_line(line: &str, v: &TemplateValues) -> (String, usize, usize) {
    let (mut out, mut seen, mut filled) = (String::new(), 0, 0);
    let mut rest = line;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let key = &after[..close];
        let value = match key {
            "name" => Some(&v.name),
            "titel" | "title" => Some(&v.title),
            "beginn" | "start" => Some(&v.start),
            "ende" | "end" => Some(&v.end),
            "ort" | "location" => Some(&v.location),
            "link" => Some(&v.link),
            "beschreibung" | "description" => Some(&v.description),
            "veranstalter" | "organizer" => Some(&v.organizer),
            _ => None,
        };
        match value {
            Some(val) => {
                seen += 1;
                if !val.trim().is_empty() {
                    filled += 1;
                }
                out.push_str(val);
            }
            None => {
                out.push('{');
                out.push_str(key);
                out.push('}');
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    (out, seen, filled)
}

const WEEKDAYS: [&str; 7] = [
    "Montag",
    "Dienstag",
    "Mittwoch",
    "Donnerstag",
    "Freitag",
    "Samstag",
    "Sonntag",
];
const MONTHS: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

fn german_date(d: chrono::NaiveDate) -> String {
    let wd = WEEKDAYS[d.weekday().num_days_from_monday() as usize];
    format!(
        "{wd}, {}. {} {}",
        d.day(),
        MONTHS[d.month0() as usize],
        d.year()
    )
}

fn german_local(l: NaiveDateTime) -> String {
    format!(
        "{}, {:02}:{:02} Uhr",
        german_date(l.date()),
        l.hour(),
        l.minute()
    )
}

/// A start or end as a German reader expects it: "Samstag, 27. März 2027, 09:30 Uhr"; the zone
/// is named when it is not Europe/Berlin. An all-day end (exclusive) is shown as the last day.
pub fn german_time(t: &EventTime, is_end: bool) -> String {
    match t {
        EventTime::Date(d) => german_date(if is_end {
            d.pred_opt().unwrap_or(*d)
        } else {
            *d
        }),
        EventTime::Local(l, tz) if *tz == chrono_tz::Tz::Europe__Berlin => german_local(*l),
        EventTime::Local(l, tz) => format!("{} ({})", german_local(*l), tz.name()),
    }
}

/// The RSVP list as CSV for German Excel (UTF-8 with BOM, `;`, CRLF, formula cells guarded).
pub fn rsvp_csv(invitees: &[Invitee]) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let answer = |p: &str| match p {
        "accepted" => "Zugesagt",
        "declined" => "Abgesagt",
        "tentative" => "Vielleicht",
        "delegated" => "Delegiert",
        _ => "Keine Antwort",
    };
    let delivery = |d: Delivery| match d {
        Delivery::NotSent => "nicht versandt",
        Delivery::Pending => "geplant",
        Delivery::Uncertain => "unklar",
        Delivery::Sent => "versandt",
        Delivery::Failed => "fehlgeschlagen",
    };
    let rows = std::iter::once(
        [
            "Name",
            "E-Mail",
            "Antwort",
            "Beantwortet am",
            "Versand",
            "Status",
        ]
        .map(String::from),
    )
    .chain(invitees.iter().map(|i| {
        [
            i.name.clone(),
            i.email.clone(),
            answer(&i.partstat).to_string(),
            i.answered_at.clone().unwrap_or_default(),
            delivery(i.delivery).to_string(),
            if i.removed {
                "ausgeladen"
            } else {
                "eingeladen"
            }
            .to_string(),
        ]
    }));
    for row in rows {
        let guarded: Vec<String> = row.iter().map(|c| crate::csv::guard_formula(c)).collect();
        w.write_record(&guarded).expect("writing CSV to memory");
    }
    let body = String::from_utf8(w.into_inner().expect("in-memory writer")).expect("UTF-8 in");
    format!("\u{feff}{body}")
}

/// A file of an export: name and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    /// File name (no directories; safe on every file system).
    pub name: String,
    /// Content.
    pub bytes: Vec<u8>,
}

/// Writes export files into `dir` (created if missing) and returns their paths. Each is readable
/// by the user only, and an existing file of the same name is kept: the export takes the next
/// free name (`einladung (2).ics`), see [`crate::files`].
pub fn write_files(dir: &std::path::Path, files: &[ExportFile]) -> Result<Vec<std::path::PathBuf>> {
    let io = |e: std::io::Error, p: &std::path::Path| {
        Error::invalid(
            "export_failed",
            "dir",
            format!("could not write {}: {e}", p.display()),
        )
    };
    std::fs::create_dir_all(dir).map_err(|e| io(e, dir))?;
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        // Names are made by the store from safe characters; refuse anything else anyway.
        if f.name.contains(['/', '\\']) || f.name.starts_with('.') {
            return Err(Error::invalid(
                "export_failed",
                "dir",
                format!("unsafe file name '{}'", f.name),
            ));
        }
        let p = crate::files::write_into(dir, &f.name, &f.bytes)
            .map_err(|e| io(e, &dir.join(&f.name)))?;
        out.push(p);
    }
    Ok(out)
}

/// Largest reply file read, in bytes: a reply is a few kilobytes; an e-mail with attachments
/// rarely more than a few megabytes.
pub const MAX_REPLY_BYTES: usize = 25 * 1024 * 1024;

/// Reads the answers in a reply file: an iTIP `.ics`, or an e-mail (`.eml`, as Outlook,
/// Thunderbird, Apple Mail and Gmail send them) carrying `text/calendar; method=REPLY` inline
/// or as an attachment (base64 or quoted-printable; nested multiparts). Everything unreadable
/// becomes a warning; nothing panics.
pub fn read_reply_file(bytes: &[u8]) -> (Vec<Reply>, Vec<Warning>) {
    if bytes.len() > MAX_REPLY_BYTES {
        return (
            Vec::new(),
            vec![Warning::at(
                0,
                format!(
                    "the file has {} bytes; replies larger than {} MB are not read",
                    bytes.len(),
                    MAX_REPLY_BYTES / 1024 / 1024
                ),
            )],
        );
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let looks_ical = head
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_ascii_uppercase()
        .starts_with("BEGIN:VCALENDAR");
    if looks_ical {
        return read_replies(bytes);
    }
    let Some(msg) = mail_parser::MessageParser::default().parse(bytes) else {
        return (
            Vec::new(),
            vec![Warning::at(
                0,
                "neither an iCalendar reply nor an e-mail".to_string(),
            )],
        );
    };
    let mut replies = Vec::new();
    let mut warnings = Vec::new();
    let mut found = false;
    for part in msg.parts.iter() {
        let ct = part.content_type();
        let is_cal = ct.is_some_and(|c| {
            let full =
                format!("{}/{}", c.ctype(), c.subtype().unwrap_or_default()).to_ascii_lowercase();
            full == "text/calendar" || full == "application/ics"
        }) || part
            .attachment_name()
            .is_some_and(|n| n.to_ascii_lowercase().ends_with(".ics"));
        if !is_cal {
            continue;
        }
        found = true;
        let (r, w) = read_replies(part.contents());
        for x in r {
            if !replies.contains(&x) {
                replies.push(x);
            }
        }
        warnings.extend(w);
    }
    if !found {
        warnings.push(Warning::at(
            0,
            "the e-mail holds no calendar part (text/calendar); no answer read",
        ));
    }
    (replies, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn pi(id: i64, active: bool, messages: &[(MessageKind, i64)]) -> PlanInvitee {
        PlanInvitee {
            id,
            active,
            messages: messages.to_vec(),
        }
    }

    #[test]
    fn planning_rules() {
        use MessageKind::*;
        let list = [
            pi(1, true, &[]),
            pi(2, true, &[(Request, 0)]),
            pi(3, false, &[(Request, 0)]),
            pi(4, false, &[]),
            pi(5, false, &[(Request, 0), (Cancel, 0)]),
        ];
        assert_eq!(plan(0, false, &list), vec![(1, Request), (3, Cancel)]);
        // A new time: everyone on the list gets the update.
        assert_eq!(
            plan(1, false, &list),
            vec![(1, Request), (2, Request), (3, Cancel)]
        );
        // Cancelled: only those who heard of it.
        assert_eq!(plan(2, true, &list), vec![(2, Cancel), (3, Cancel)]);
        let done = [pi(2, true, &[(Request, 0), (Cancel, 2)])];
        assert!(plan(2, true, &done).is_empty(), "idempotent");
    }

    #[test]
    fn template_fills_once_and_drops_empty_lines() {
        let v = TemplateValues {
            name: "Dr. {titel} Müller".into(),
            title: "OZG-Erfahrungsaustausch".into(),
            start: "Samstag, 27. März 2027, 09:30 Uhr".into(),
            end: "Sonntag, 28. März 2027, 16:00 Uhr".into(),
            organizer: "FITKO".into(),
            ..Default::default()
        };
        let t = render(DEFAULT_TEMPLATE, &v);
        assert!(t.starts_with("Guten Tag Dr. {titel} Müller,"), "{t}");
        assert!(!t.contains("Ort:"), "{t}");
        assert!(!t.contains("\n\n\n"), "{t}");
        assert_eq!(render("Hallo {unbekannt}", &v), "Hallo {unbekannt}\n");
        assert_eq!(render("{x} {titel", &v), "{x} {titel\n");
    }

    #[test]
    fn german_times() {
        let l = NaiveDate::from_ymd_opt(2027, 3, 27)
            .unwrap()
            .and_hms_opt(9, 30, 0)
            .unwrap();
        assert_eq!(
            german_time(&EventTime::Local(l, chrono_tz::Tz::Europe__Berlin), false),
            "Samstag, 27. März 2027, 09:30 Uhr"
        );
        assert_eq!(
            german_time(
                &EventTime::Date(NaiveDate::from_ymd_opt(2027, 3, 29).unwrap()),
                true
            ),
            "Sonntag, 28. März 2027"
        );
    }

    #[test]
    fn filters_parse() {
        let mut f = InviteeFilter::default();
        assert!(f.is_empty());
        f.add("level=Land").unwrap();
        f.add("land=BY").unwrap();
        f.add("attended=erfa@x").unwrap();
        assert_eq!(f.level, Some(Level::Land));
        assert!(f.add("colour=red").is_err());
        assert!(f.add("org=abc").is_err());
        assert!(f.add("tag").is_err());
    }

    #[test]
    fn replies_inside_emails() {
        let ics = "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:u1\r\nDTSTAMP:20261201T100000Z\r\nATTENDEE;PARTSTAT=TENTATIVE:mailto:a@b.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode(ics);
        let eml = format!(
            "From: a@b.example\r\nTo: o@x.example\r\nSubject: Vielleicht\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b1\r\nContent-Type: text/calendar; method=REPLY; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64}\r\n--b1--\r\n"
        );
        let (r, w) = read_reply_file(eml.as_bytes());
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].partstat, "tentative");
        let (r, w) = read_reply_file(b"From: x@y\r\n\r\nno calendar");
        assert!(r.is_empty() && !w.is_empty());
        let (r, _) = read_reply_file(&[0xff; 100]);
        assert!(r.is_empty());
    }
}
