//! Invitations to own events: the list of invitees with their answers, the outbox that makes
//! sending resumable, and the messages themselves (built from `ical::itip` and `ical::imip` with
//! the organiser and template from settings). The rules of what to send live in
//! [`crate::invite::plan`]; this module only loads and stores.

use super::{Entity, Store, exec, journal, new_uid, now};
use crate::error::{Error, Result};
use crate::ical::itip::{self, EventTime, Invitation, Method, Person, Reply};
use crate::invite::{
    CANCEL_TEMPLATE, Candidate, DEFAULT_SUBJECT, DEFAULT_TEMPLATE, Delivery, InvitePreview,
    Invitee, InviteeFilter, MessageKind, PlanInvitee, TemplateValues, german_time, plan, render,
};
use crate::model::{Level, OwnEventInput};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

/// Settings keys for the organiser and the template (plain settings: no secrets).
pub const ORGANIZER_NAME: &str = "organizer_name";
/// See [`ORGANIZER_NAME`].
pub const ORGANIZER_EMAIL: &str = "organizer_email";
/// The editable invitation text.
pub const INVITE_TEMPLATE: &str = "invite_template";
/// The editable subject.
pub const INVITE_SUBJECT: &str = "invite_subject";

/// A message waiting in (or gone through) the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxItem {
    /// Row id.
    pub id: i64,
    /// Recipient's address.
    pub email: String,
    /// Recipient's name.
    pub name: String,
    /// Request or cancel.
    pub kind: MessageKind,
    /// The event's SEQUENCE in this message.
    pub sequence: i64,
    /// Message-ID header (stable across retries, so a mail client can drop a repeat).
    pub message_id: String,
}

/// What a send run has to do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxPlan {
    /// Messages to send now, in order.
    pub to_send: Vec<OutboxItem>,
    /// Messages a previous run was sending when it stopped: they may have arrived, so they are
    /// not sent again unless the user asks.
    pub uncertain: Vec<OutboxItem>,
}

/// A file of an export: name and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    /// File name (no directories; safe on every file system).
    pub name: String,
    /// Content.
    pub bytes: Vec<u8>,
}

/// What importing replies did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyReport {
    /// Answers stored.
    pub applied: usize,
    /// Answers older than one already stored (ignored).
    pub stale: usize,
    /// Answers for events that are not own events here.
    pub unknown_event: usize,
    /// Answers from addresses not on the event's list.
    pub unknown_attendee: Vec<String>,
    /// The events touched, by UID.
    pub events: Vec<String>,
}

/// The RSVP overview of an own event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rsvp {
    /// The event's UID.
    pub uid: String,
    /// Title.
    pub title: String,
    /// Current SEQUENCE.
    pub sequence: i64,
    /// Cancelled.
    pub cancelled: bool,
    /// Everyone invited (removed ones last).
    pub invitees: Vec<Invitee>,
    /// Counts over those still on the list.
    pub counts: crate::invite::RsvpCounts,
}

/// An own event as the edit form and the invitation view see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnEvent {
    /// Row id (for attendance and the event page).
    pub event_id: i64,
    /// UID.
    pub uid: String,
    /// The fields, in the form's shape.
    pub input: OwnEventInput,
    /// Current SEQUENCE.
    pub sequence: i64,
    /// Cancelled (invitations then carry METHOD:CANCEL).
    pub cancelled: bool,
}

/// What reading a reply file did: the store's report plus what could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyImport {
    /// What was stored.
    pub report: ReplyReport,
    /// Answers found in the file.
    pub found: usize,
    /// Problems, in plain words, with the line where known.
    pub warnings: Vec<String>,
}

struct EventRow {
    id: i64,
    uid: String,
    title: String,
    description: Option<String>,
    location: Option<String>,
    url: Option<String>,
    start_utc: String,
    end_utc: String,
    start_local: Option<String>,
    tzid: Option<String>,
    all_day: bool,
    cancelled: bool,
    sequence: i64,
}

fn event_times(e: &EventRow) -> (EventTime, EventTime) {
    if e.all_day {
        let d = |s: &str| {
            NaiveDate::parse_from_str(&s[..s.len().min(10)], "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
        };
        return (
            EventTime::Date(d(&e.start_utc)),
            EventTime::Date(d(&e.end_utc)),
        );
    }
    let tz: Tz = e
        .tzid
        .as_deref()
        .and_then(|z| z.parse().ok())
        .unwrap_or(Tz::Europe__Berlin);
    let utc_local = |s: &str| {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&tz).naive_local())
            .unwrap_or_default()
    };
    let start = e
        .start_local
        .as_deref()
        .and_then(|l| {
            NaiveDateTime::parse_from_str(&l[..l.len().min(19)], "%Y-%m-%dT%H:%M:%S").ok()
        })
        .unwrap_or_else(|| utc_local(&e.start_utc));
    (
        EventTime::Local(start, tz),
        EventTime::Local(utc_local(&e.end_utc), tz),
    )
}

/// A file name made of safe characters only.
fn safe_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "@._-".contains(c) {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(120)
        .collect()
}

impl Store {
    fn own_event_row(&self, uid: &str) -> Result<EventRow> {
        self.conn
            .query_row(
                "SELECT id, uid, title, description, location, url, start_utc, end_utc, start_local,
                        tzid, all_day, status, sequence
                 FROM events WHERE uid = ?1 AND feed_id IS NULL AND recurrence_id IS NULL
                   AND deleted_at IS NULL",
                [uid],
                |r| {
                    Ok(EventRow {
                        id: r.get(0)?,
                        uid: r.get(1)?,
                        title: r.get(2)?,
                        description: r.get(3)?,
                        location: r.get(4)?,
                        url: r.get(5)?,
                        start_utc: r.get(6)?,
                        end_utc: r.get(7)?,
                        start_local: r.get(8)?,
                        tzid: r.get(9)?,
                        all_day: r.get(10)?,
                        cancelled: r.get::<_, String>(11)? == "cancelled",
                        sequence: r.get(12)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| Error::not_found("own event", uid))
    }

    /// The organiser from settings, or else the user's own contact ("me"). Without an address
    /// nothing can be sent, so that is an error that names the setting.
    pub fn organizer(&self) -> Result<Person> {
        let me = self.me()?;
        let name = self
            .setting(ORGANIZER_NAME)?
            .filter(|s| !s.trim().is_empty())
            .or_else(|| me.as_ref().map(|c| c.name.clone()))
            .unwrap_or_default();
        let email = self
            .setting(ORGANIZER_EMAIL)?
            .filter(|s| !s.trim().is_empty())
            .or_else(|| me.as_ref().and_then(|c| c.emails.first().cloned()))
            .ok_or_else(|| {
                Error::invalid(
                    "organizer_missing",
                    "organizer_email",
                    "set the organiser's e-mail address in the settings first",
                )
            })?;
        if !crate::rules::valid_email(&email) {
            return Err(Error::invalid(
                "organizer_invalid",
                "organizer_email",
                format!("the organiser's address '{email}' is not an e-mail address"),
            ));
        }
        Ok(Person { name, email })
    }

    /// Contacts picked by id plus those matching the filter (an empty filter matches nobody),
    /// in name order, without repeats.
    pub fn invite_candidates(
        &self,
        contacts: &[i64],
        filter: &InviteeFilter,
    ) -> Result<Vec<Candidate>> {
        let land_key = match filter.land.as_deref() {
            None => None,
            Some(l) => Some(
                self.lands()?
                    .into_iter()
                    .find(|x| {
                        x.key == l
                            || x.short_code.eq_ignore_ascii_case(l)
                            || crate::fold::fold(&x.name) == crate::fold::fold(l)
                    })
                    .map(|x| x.key)
                    .ok_or_else(|| {
                        Error::invalid("land_unknown", "land", format!("'{l}' is not a Land"))
                    })?,
            ),
        };
        let level = filter.level.map(|l| match l {
            Level::Bund => "bund",
            Level::Land => "land",
            Level::Kommune => "kommune",
            Level::Other => "other",
        });
        let ids_json = serde_json::to_string(contacts).expect("ids serialise");
        let mut stmt = self.conn.prepare(
            "SELECT c.id, c.display_name,
                    (SELECT value FROM contact_emails e WHERE e.contact_id = c.id ORDER BY position LIMIT 1),
                    o.name
             FROM contacts c LEFT JOIN organizations o ON o.id = c.organization_id
             WHERE c.deleted_at IS NULL AND (
                c.id IN (SELECT value FROM json_each(?1))
                OR (?8 AND (?2 IS NULL OR o.level = ?2)
                    AND (?3 IS NULL OR o.land_key = ?3)
                    AND (?4 IS NULL OR c.organization_id = ?4)
                    AND (?5 IS NULL OR EXISTS (SELECT 1 FROM contact_tags t
                                               WHERE t.contact_id = c.id AND t.tag = ?5 COLLATE NOCASE))
                    AND (?6 IS NULL OR EXISTS (SELECT 1 FROM contact_themenfelder t
                                               WHERE t.contact_id = c.id AND t.themenfeld = ?6))
                    AND (?7 IS NULL OR EXISTS (SELECT 1 FROM attendance a JOIN events ev ON ev.id = a.event_id
                                               WHERE a.contact_id = c.id AND ev.uid = ?7
                                                 AND a.status = 'attended'))))
             ORDER BY c.sort_key, c.id",
        )?;
        let rows = stmt.query_map(
            params![
                ids_json,
                level,
                land_key,
                filter.org,
                filter.tag,
                filter.themenfeld,
                filter.attended,
                !filter.is_empty()
            ],
            |r| {
                Ok(Candidate {
                    contact_id: r.get(0)?,
                    name: r.get(1)?,
                    email: r.get(2)?,
                    organization: r.get(3)?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// What inviting these contacts would do: who is ready, who lacks an address, who is
    /// already invited. Nothing is recorded.
    pub fn invite_preview(
        &self,
        uid: &str,
        contacts: &[i64],
        filter: &InviteeFilter,
    ) -> Result<InvitePreview> {
        let ev = self.own_event_row(uid)?;
        let invited: std::collections::HashSet<String> = {
            let mut stmt = self
                .conn
                .prepare("SELECT email FROM invitees WHERE event_id = ?1 AND removed_at IS NULL")?;
            stmt.query_map([ev.id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let mut p = InvitePreview::default();
        let mut seen = std::collections::HashSet::new();
        for c in self.invite_candidates(contacts, filter)? {
            match c.email.as_deref().map(|e| e.trim().to_lowercase()) {
                None => p.without_email.push(c),
                Some(e) if invited.contains(&e) => p.already_invited.push(c),
                Some(e) if !seen.insert(e.clone()) => p.already_invited.push(c),
                Some(_) => p.ready.push(c),
            }
        }
        Ok(p)
    }

    /// Puts the selection on the event's list (people taken off before are put back). Returns
    /// the preview as it was applied. The event is journaled: its attendees travel with it.
    pub fn add_invitees(
        &mut self,
        uid: &str,
        contacts: &[i64],
        filter: &InviteeFilter,
    ) -> Result<InvitePreview> {
        let p = self.invite_preview(uid, contacts, filter)?;
        let ev = self.own_event_row(uid)?;
        if ev.cancelled {
            return Err(Error::invalid(
                "event_cancelled",
                "event",
                "the event is cancelled; nobody can be invited to it",
            ));
        }
        let t = now();
        let tx = self.write()?;
        for c in &p.ready {
            let email = c.email.as_deref().unwrap_or_default().trim().to_lowercase();
            exec(
                &tx,
                "INSERT INTO invitees(event_id, contact_id, email, name, invited_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(event_id, email) DO UPDATE SET removed_at = NULL, name = excluded.name,
                     contact_id = excluded.contact_id",
                params![ev.id, c.contact_id, email, c.name, t],
            )?;
        }
        if !p.ready.is_empty() {
            journal(&tx, Entity::Event, uid, "upsert", &t)?;
        }
        tx.commit()?;
        Ok(p)
    }

    /// Takes people off the list (by contact id or address); they get a CANCEL on the next send
    /// if they were sent the invitation. Returns how many were removed.
    pub fn remove_invitees(
        &mut self,
        uid: &str,
        contacts: &[i64],
        emails: &[String],
    ) -> Result<Vec<Person>> {
        let ev = self.own_event_row(uid)?;
        let t = now();
        let tx = self.write()?;
        let mut removed = Vec::new();
        {
            let mut stmt = tx.prepare(
                "UPDATE invitees SET removed_at = ?2
                 WHERE event_id = ?1 AND removed_at IS NULL
                   AND (contact_id IN (SELECT value FROM json_each(?3))
                        OR email IN (SELECT lower(value) FROM json_each(?4)))
                 RETURNING name, email",
            )?;
            let rows = stmt.query_map(
                params![
                    ev.id,
                    t,
                    serde_json::to_string(contacts).expect("ids"),
                    serde_json::to_string(emails).expect("emails")
                ],
                |r| {
                    Ok(Person {
                        name: r.get(0)?,
                        email: r.get(1)?,
                    })
                },
            )?;
            for p in rows {
                removed.push(p?);
            }
        }
        if removed.is_empty() {
            return Err(Error::not_found(
                "invitee",
                format!("{contacts:?} {emails:?}"),
            ));
        }
        journal(&tx, Entity::Event, uid, "upsert", &t)?;
        tx.commit()?;
        Ok(removed)
    }

    /// The event's list with answers and delivery, in name order.
    pub fn invitees(&self, uid: &str) -> Result<Vec<Invitee>> {
        let ev = self.own_event_row(uid)?;
        let mut stmt = self.conn.prepare(
            "SELECT i.id, i.contact_id, i.name, i.email, i.partstat, i.answered_at,
                    i.answered_sequence, i.removed_at IS NOT NULL,
                    (SELECT status FROM outbox o WHERE o.invitee_id = i.id AND o.status <> 'superseded'
                     ORDER BY o.id DESC LIMIT 1),
                    (SELECT error FROM outbox o WHERE o.invitee_id = i.id AND o.status <> 'superseded'
                     ORDER BY o.id DESC LIMIT 1)
             FROM invitees i WHERE i.event_id = ?1
             ORDER BY i.removed_at IS NOT NULL, i.name COLLATE NOCASE, i.id",
        )?;
        let rows = stmt.query_map([ev.id], |r| {
            let seq: Option<i64> = r.get(6)?;
            let status: Option<String> = r.get(8)?;
            Ok(Invitee {
                id: r.get(0)?,
                contact_id: r.get(1)?,
                name: r.get(2)?,
                email: r.get(3)?,
                partstat: r.get(4)?,
                answered_at: r.get(5)?,
                answered_earlier_version: seq.is_some_and(|s| s < ev.sequence),
                removed: r.get(7)?,
                delivery: match status.as_deref() {
                    Some("pending") => Delivery::Pending,
                    Some("sending") => Delivery::Uncertain,
                    Some("sent") => Delivery::Sent,
                    Some("failed") => Delivery::Failed,
                    _ => Delivery::NotSent,
                },
                error: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// An own event for the form and the invitation view.
    pub fn own_event_view(&self, uid: &str) -> Result<OwnEvent> {
        let ev = self.own_event_row(uid)?;
        let (input, sequence) = self.own_event(uid)?;
        Ok(OwnEvent {
            event_id: ev.id,
            uid: ev.uid,
            input,
            sequence,
            cancelled: ev.cancelled,
        })
    }

    /// The RSVP overview: list and counts.
    pub fn rsvp(&self, uid: &str) -> Result<Rsvp> {
        let ev = self.own_event_row(uid)?;
        let invitees = self.invitees(uid)?;
        Ok(Rsvp {
            uid: ev.uid,
            title: ev.title,
            sequence: ev.sequence,
            cancelled: ev.cancelled,
            counts: crate::invite::RsvpCounts::of(&invitees),
            invitees,
        })
    }

    /// Reads a reply file (`.ics` or `.eml`) and stores the answers it holds.
    pub fn import_reply(&mut self, bytes: &[u8]) -> Result<ReplyImport> {
        let (replies, warnings) = crate::invite::read_reply_file(bytes);
        let report = self.apply_replies(&replies)?;
        Ok(ReplyImport {
            report,
            found: replies.len(),
            warnings: warnings.iter().map(|w| w.to_string()).collect(),
        })
    }

    /// An own event's form filled from a feed event (or one occurrence of it), for "copy into
    /// my own event": title, place, link and text, times in the event's zone.
    pub fn copy_event(&self, event_id: i64, occurrence: Option<&str>) -> Result<OwnEventInput> {
        let row = self
            .conn
            .query_row(
                "SELECT title, description, location, url, start_utc, end_utc, tzid, all_day
                 FROM events WHERE id = ?1 AND deleted_at IS NULL",
                [event_id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, Option<String>>(6)?,
                        r.get::<_, bool>(7)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| Error::not_found("event", event_id.to_string()))?;
        let (title, description, location, url, start, end, tzid, all_day) = row;
        let start_at = occurrence.filter(|o| !o.is_empty()).unwrap_or(&start);
        let (s, e) = if all_day {
            let d = |v: &str| NaiveDate::parse_from_str(&v[..v.len().min(10)], "%Y-%m-%d");
            let (s0, e0, s1) = (d(&start), d(&end), d(start_at));
            match (s0, e0, s1) {
                (Ok(s0), Ok(e0), Ok(s1)) => (
                    s1.format("%Y-%m-%d").to_string(),
                    (s1 + (e0 - s0)).format("%Y-%m-%d").to_string(),
                ),
                _ => (start.clone(), end.clone()),
            }
        } else {
            let tz: Tz = tzid
                .as_deref()
                .and_then(|z| z.parse().ok())
                .unwrap_or(Tz::Europe__Berlin);
            let p = |v: &str| DateTime::parse_from_rfc3339(v).map(|t| t.with_timezone(&Utc));
            match (p(&start), p(&end), p(start_at)) {
                (Ok(s0), Ok(e0), Ok(s1)) => {
                    let f = |t: DateTime<Utc>| {
                        t.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()
                    };
                    (f(s1), f(s1 + (e0 - s0)))
                }
                _ => (start.clone(), end.clone()),
            }
        };
        Ok(OwnEventInput {
            title,
            start: s,
            end: e,
            tz: (!all_day).then(|| tzid.unwrap_or_else(|| "Europe/Berlin".into())),
            location,
            description,
            url,
        })
    }

    /// The iTIP view of an own event with everyone still on its list, and whether it is
    /// cancelled.
    pub fn invitation(&self, uid: &str) -> Result<(Invitation, bool)> {
        let (mut inv, cancelled) = self.invitation_without_attendees(uid)?;
        inv.attendees = self
            .invitees(uid)?
            .into_iter()
            .filter(|i| !i.removed)
            .map(|i| Person {
                name: i.name,
                email: i.email,
            })
            .collect();
        Ok((inv, cancelled))
    }

    /// The event and organiser only: what a message to one person needs (loading the whole
    /// list for each of 1,000 messages made sending quadratic).
    fn invitation_without_attendees(&self, uid: &str) -> Result<(Invitation, bool)> {
        self.invitation_for_object(uid, self.organizer()?)
    }

    /// The event with a given organiser and no attendees (the calendar object of an event
    /// that invites nobody needs no organiser address).
    pub(super) fn invitation_for_object(
        &self,
        uid: &str,
        organizer: Person,
    ) -> Result<(Invitation, bool)> {
        let ev = self.own_event_row(uid)?;
        let attendees = Vec::new();
        let (start, end) = event_times(&ev);
        Ok((
            Invitation {
                uid: ev.uid,
                sequence: ev.sequence,
                title: ev.title,
                start,
                end,
                location: ev.location,
                description: ev.description,
                url: ev.url,
                organizer,
                attendees,
            },
            ev.cancelled,
        ))
    }

    /// Cancels an own event: STATUS cancelled and a higher SEQUENCE; the next send (or export)
    /// carries METHOD:CANCEL to everyone who was invited. Returns the new SEQUENCE.
    pub fn cancel_own_event(&mut self, uid: &str) -> Result<i64> {
        let ev = self.own_event_row(uid)?;
        if ev.cancelled {
            return Ok(ev.sequence);
        }
        let t = now();
        let tx = self.write()?;
        exec(
            &tx,
            "UPDATE events SET status = 'cancelled', sequence = sequence + 1, dtstamp = ?2,
                 updated_at = ?2 WHERE id = ?1",
            params![ev.id, t],
        )?;
        journal(&tx, Entity::Event, uid, "upsert", &t)?;
        tx.commit()?;
        Ok(ev.sequence + 1)
    }

    fn template(&self, kind: MessageKind) -> Result<(String, String)> {
        Ok(match kind {
            MessageKind::Request => (
                self.setting(INVITE_SUBJECT)?
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or_else(|| DEFAULT_SUBJECT.into()),
                self.setting(INVITE_TEMPLATE)?
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or_else(|| DEFAULT_TEMPLATE.into()),
            ),
            MessageKind::Cancel => ("Abgesagt: {titel}".into(), CANCEL_TEMPLATE.into()),
        })
    }

    /// The e-mail (RFC 6047) for one person: the event with only that attendee, so invitees
    /// do not see each other's addresses, and the text from the template.
    fn message(
        &self,
        inv: &Invitation,
        kind: MessageKind,
        to: &Person,
        message_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Vec<u8>> {
        let method = match kind {
            MessageKind::Request => Method::Request,
            MessageKind::Cancel => Method::Cancel,
        };
        let ics = itip::write(inv, method, Some(std::slice::from_ref(to)), now);
        let (subject, body) = self.template(kind)?;
        let values = TemplateValues {
            name: to.name.clone(),
            title: inv.title.clone(),
            start: german_time(&inv.start, false),
            end: german_time(&inv.end, true),
            location: inv.location.clone().unwrap_or_default(),
            link: inv.url.clone().unwrap_or_default(),
            description: inv.description.clone().unwrap_or_default(),
            organizer: inv.organizer.name.clone(),
        };
        let subject = render(&subject, &values);
        crate::ical::imip::email(
            &inv.organizer,
            to,
            subject.trim(),
            &render(&body, &values),
            &ics,
            method,
            message_id,
        )
        .map_err(|e| Error::invalid("email_invalid", "email", e.to_string()))
    }

    /// The files for sending by hand: one `.ics` with every attendee (REQUEST, or CANCEL when
    /// the event is cancelled) and one `.eml` per person still on the list.
    pub fn export_invitations(&self, uid: &str, now: DateTime<Utc>) -> Result<Vec<ExportFile>> {
        let (inv, cancelled) = self.invitation(uid)?;
        let (kind, method, stem) = if cancelled {
            (MessageKind::Cancel, Method::Cancel, "absage")
        } else {
            (MessageKind::Request, Method::Request, "einladung")
        };
        let mut files = vec![ExportFile {
            name: format!("{stem}.ics"),
            bytes: itip::write(&inv, method, None, now).into_bytes(),
        }];
        for (n, p) in inv.attendees.iter().enumerate() {
            files.push(ExportFile {
                name: format!("{stem}-{:04}-{}.eml", n + 1, safe_name(&p.email)),
                bytes: self.message(&inv, kind, p, None, now)?,
            });
        }
        Ok(files)
    }

    /// The CANCEL files for people just taken off the list.
    pub fn export_cancellations(
        &self,
        uid: &str,
        removed: &[Person],
        now: DateTime<Utc>,
    ) -> Result<Vec<ExportFile>> {
        let (inv, _) = self.invitation_without_attendees(uid)?;
        let mut files = Vec::new();
        for (n, p) in removed.iter().enumerate() {
            files.push(ExportFile {
                name: format!("absage-{:04}-{}.eml", n + 1, safe_name(&p.email)),
                bytes: self.message(&inv, MessageKind::Cancel, p, None, now)?,
            });
        }
        Ok(files)
    }

    /// Plans what a send run does: new messages are added as `pending` (an update supersedes
    /// an unsent older one), then every pending or failed message is returned to send, and
    /// those a killed run left in `sending` as uncertain (or to send, with `resend_uncertain`).
    pub fn plan_outbox(&mut self, uid: &str, resend_uncertain: bool) -> Result<OutboxPlan> {
        let ev = self.own_event_row(uid)?;
        self.organizer()?;
        let t = now();
        let tx = self.write()?;
        let invitees: Vec<PlanInvitee> = {
            let mut stmt = tx.prepare(
                "SELECT i.id, i.removed_at IS NULL,
                        (SELECT json_group_array(json_array(o.method, o.sequence)) FROM outbox o
                         WHERE o.invitee_id = i.id AND o.status <> 'superseded')
                 FROM invitees i WHERE i.event_id = ?1 ORDER BY i.name COLLATE NOCASE, i.id",
            )?;
            let rows = stmt.query_map([ev.id], |r| {
                let msgs: String = r.get(2)?;
                let parsed: Vec<(String, i64)> = serde_json::from_str(&msgs).unwrap_or_default();
                Ok(PlanInvitee {
                    id: r.get(0)?,
                    active: r.get(1)?,
                    messages: parsed
                        .into_iter()
                        .map(|(m, s)| {
                            (
                                if m == "cancel" {
                                    MessageKind::Cancel
                                } else {
                                    MessageKind::Request
                                },
                                s,
                            )
                        })
                        .collect(),
                })
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (invitee, kind) in plan(ev.sequence, ev.cancelled, &invitees) {
            // An older message not yet sent is replaced by this one.
            exec(
                &tx,
                "UPDATE outbox SET status = 'superseded', updated_at = ?2
                 WHERE invitee_id = ?1 AND status IN ('pending', 'failed')",
                params![invitee, t],
            )?;
            exec(
                &tx,
                "INSERT INTO outbox(invitee_id, method, sequence, status, message_id, updated_at)
                 VALUES (?1, ?2, ?3, 'pending', ?4, ?5)",
                params![
                    invitee,
                    kind.as_str(),
                    ev.sequence,
                    format!("<{}@vernetzt>", new_uid()),
                    t
                ],
            )?;
        }
        tx.commit()?;
        let mut stmt = self.conn.prepare(
            "SELECT o.id, i.email, i.name, o.method, o.sequence, o.message_id, o.status
             FROM outbox o JOIN invitees i ON i.id = o.invitee_id
             WHERE i.event_id = ?1 AND o.status IN ('pending', 'failed', 'sending')
             ORDER BY o.id",
        )?;
        let mut plan = OutboxPlan::default();
        let rows = stmt.query_map([ev.id], |r| {
            let method: String = r.get(3)?;
            Ok((
                OutboxItem {
                    id: r.get(0)?,
                    email: r.get(1)?,
                    name: r.get(2)?,
                    kind: if method == "cancel" {
                        MessageKind::Cancel
                    } else {
                        MessageKind::Request
                    },
                    sequence: r.get(4)?,
                    message_id: r.get(5)?,
                },
                r.get::<_, String>(6)?,
            ))
        })?;
        for row in rows {
            let (item, status) = row?;
            if status == "sending" && !resend_uncertain {
                plan.uncertain.push(item);
            } else {
                plan.to_send.push(item);
            }
        }
        Ok(plan)
    }

    /// The bytes of one outbox message, built now (DTSTAMP = `now`) with its stable Message-ID.
    pub fn outbox_message(
        &self,
        uid: &str,
        item: &OutboxItem,
        now: DateTime<Utc>,
    ) -> Result<Vec<u8>> {
        let (mut inv, _) = self.invitation_without_attendees(uid)?;
        inv.sequence = item.sequence;
        let to = Person {
            name: item.name.clone(),
            email: item.email.clone(),
        };
        self.message(&inv, item.kind, &to, Some(&item.message_id), now)
    }

    /// Records that a message is about to go out. Committed before the SMTP transaction starts,
    /// so a run killed during it leaves the message marked uncertain, not unsent.
    pub fn outbox_sending(&mut self, id: i64) -> Result<()> {
        exec(
            &self.conn,
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = ?2
             WHERE id = ?1",
            params![id, now()],
        )?;
        Ok(())
    }

    /// Records the outcome of one message: sent (`error` None) or failed with the reason.
    pub fn outbox_done(&mut self, id: i64, error: Option<&str>) -> Result<()> {
        exec(
            &self.conn,
            "UPDATE outbox SET status = ?2, error = ?3, updated_at = ?4 WHERE id = ?1",
            params![
                id,
                if error.is_some() { "failed" } else { "sent" },
                error,
                now()
            ],
        )?;
        Ok(())
    }

    /// Stores attendees' answers. An answer older (by DTSTAMP) than the one stored is ignored;
    /// answers for unknown events or addresses are counted, not stored.
    pub fn apply_replies(&mut self, replies: &[Reply]) -> Result<ReplyReport> {
        let mut report = ReplyReport::default();
        let t = now();
        let tx = self.write()?;
        for r in replies {
            let ev: Option<i64> = tx
                .query_row(
                    "SELECT id FROM events WHERE uid = ?1 AND feed_id IS NULL AND deleted_at IS NULL
                       AND recurrence_id IS NULL",
                    [&r.uid],
                    |x| x.get(0),
                )
                .optional()?;
            let Some(event_id) = ev else {
                report.unknown_event += 1;
                continue;
            };
            let row: Option<(i64, Option<String>)> = tx
                .query_row(
                    "SELECT id, answered_at FROM invitees WHERE event_id = ?1 AND email = ?2",
                    params![event_id, r.email.to_lowercase()],
                    |x| Ok((x.get(0)?, x.get(1)?)),
                )
                .optional()?;
            let Some((id, answered)) = row else {
                report.unknown_attendee.push(r.email.clone());
                continue;
            };
            if let (Some(old), Some(new)) = (&answered, &r.answered_at)
                && new < old
            {
                report.stale += 1;
                continue;
            }
            exec(
                &tx,
                "UPDATE invitees SET partstat = ?2, answered_at = ?3, answered_sequence = ?4
                 WHERE id = ?1",
                params![
                    id,
                    r.partstat,
                    r.answered_at.clone().unwrap_or_else(|| t.clone()),
                    r.sequence
                ],
            )?;
            report.applied += 1;
            if !report.events.contains(&r.uid) {
                report.events.push(r.uid.clone());
                journal(&tx, Entity::Event, &r.uid, "upsert", &t)?;
            }
        }
        tx.commit()?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invite::RsvpCounts;
    use crate::model::ContactInput;
    use chrono::TimeZone;

    fn setup() -> (Store, String, Vec<i64>) {
        let mut s = Store::open_in_memory().unwrap();
        s.set_setting(ORGANIZER_NAME, "FITKO Geschäftsstelle")
            .unwrap();
        s.set_setting(ORGANIZER_EMAIL, "info@fitko.example")
            .unwrap();
        let ev = s
            .create_own_event(&OwnEventInput {
                title: "OZG-Erfahrungsaustausch".into(),
                start: "2027-03-27T09:30".into(),
                end: "2027-03-27T16:00".into(),
                location: Some("Erfurt".into()),
                ..Default::default()
            })
            .unwrap();
        let mut ids = Vec::new();
        for (name, email, tag) in [
            ("Anna Adler", Some("anna@land.example"), "taskforce"),
            ("Bernd Bauer", None, "taskforce"),
            ("Clara Conrad", Some("Clara@Kommune.example"), "taskforce"),
            ("Dora Dietz", Some("dora@bund.example"), "other"),
        ] {
            let c = s
                .create_contact(
                    &ContactInput {
                        display_name: Some(name.into()),
                        emails: email
                            .map(|e| {
                                vec![crate::model::Labeled {
                                    value: e.to_string(),
                                    label: None,
                                }]
                            })
                            .unwrap_or_default(),
                        tags: vec![tag.into()],
                        ..Default::default()
                    },
                    None,
                )
                .unwrap();
            ids.push(c.id);
        }
        (s, ev.uid, ids)
    }

    #[test]
    fn filter_preview_and_list() {
        let (mut s, uid, ids) = setup();
        let mut f = InviteeFilter::default();
        f.add("tag=TASKFORCE").unwrap();
        let p = s.invite_preview(&uid, &[], &f).unwrap();
        assert_eq!(p.ready.len(), 2);
        assert_eq!(p.without_email[0].name, "Bernd Bauer");
        assert!(
            s.invite_preview(&uid, &[], &InviteeFilter::default())
                .unwrap()
                .ready
                .is_empty(),
            "an empty filter selects nobody"
        );
        s.add_invitees(&uid, &[ids[3]], &f).unwrap();
        let again = s.invite_preview(&uid, &[], &f).unwrap();
        assert_eq!((again.ready.len(), again.already_invited.len()), (0, 2));
        let list = s.invitees(&uid).unwrap();
        assert_eq!(list.len(), 3);
        assert_eq!(list[1].email, "clara@kommune.example", "stored lower case");
        assert_eq!(RsvpCounts::of(&list).needs_action, 3);
    }

    #[test]
    fn outbox_resumes_updates_and_cancels() {
        let (mut s, uid, ids) = setup();
        s.add_invitees(&uid, &[ids[0], ids[2], ids[3]], &InviteeFilter::default())
            .unwrap();
        let p = s.plan_outbox(&uid, false).unwrap();
        assert_eq!(p.to_send.len(), 3);
        // First sent; second was being sent when the run was killed.
        s.outbox_sending(p.to_send[0].id).unwrap();
        s.outbox_done(p.to_send[0].id, None).unwrap();
        s.outbox_sending(p.to_send[1].id).unwrap();
        let p2 = s.plan_outbox(&uid, false).unwrap();
        assert_eq!(p2.to_send.len(), 1, "only the one never tried");
        assert_eq!(p2.uncertain.len(), 1);
        assert_eq!(p2.to_send[0].message_id, p.to_send[2].message_id);
        s.outbox_sending(p2.to_send[0].id).unwrap();
        s.outbox_done(p2.to_send[0].id, None).unwrap();
        s.outbox_done(p.to_send[1].id, None).unwrap();
        assert!(s.plan_outbox(&uid, false).unwrap().to_send.is_empty());
        // A new place: everyone gets the update with SEQUENCE 1.
        let (mut input, _) = s.own_event(&uid).unwrap();
        input.location = Some("Weimar".into());
        s.update_own_event(&uid, &input).unwrap();
        let p3 = s.plan_outbox(&uid, false).unwrap();
        assert_eq!(p3.to_send.len(), 3);
        assert!(p3.to_send.iter().all(|i| i.sequence == 1));
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
        let eml = String::from_utf8(s.outbox_message(&uid, &p3.to_send[0], now).unwrap()).unwrap();
        assert!(
            eml.contains("SEQUENCE:1") && eml.contains("Weimar"),
            "{eml}"
        );
        assert!(eml.contains(&p3.to_send[0].message_id));
        for i in &p3.to_send {
            s.outbox_sending(i.id).unwrap();
            s.outbox_done(i.id, None).unwrap();
        }
        // Dora taken off the list: she alone gets a CANCEL.
        let removed = s.remove_invitees(&uid, &[ids[3]], &[]).unwrap();
        assert_eq!(removed[0].email, "dora@bund.example");
        let p4 = s.plan_outbox(&uid, false).unwrap();
        assert_eq!(p4.to_send.len(), 1);
        assert_eq!(
            (p4.to_send[0].kind, p4.to_send[0].email.as_str()),
            (MessageKind::Cancel, "dora@bund.example")
        );
        s.outbox_done(p4.to_send[0].id, None).unwrap();
        // The event cancelled: the two left get a CANCEL, Dora nothing more.
        assert_eq!(s.cancel_own_event(&uid).unwrap(), 2);
        let p5 = s.plan_outbox(&uid, false).unwrap();
        assert_eq!(p5.to_send.len(), 2);
        assert!(p5.to_send.iter().all(|i| i.kind == MessageKind::Cancel));
        let files = s.export_invitations(&uid, now).unwrap();
        assert_eq!(files[0].name, "absage.ics");
        assert!(String::from_utf8_lossy(&files[0].bytes).contains("STATUS:CANCELLED"));
    }

    #[test]
    fn replies_set_answers() {
        let (mut s, uid, ids) = setup();
        s.add_invitees(&uid, &[ids[0], ids[2]], &InviteeFilter::default())
            .unwrap();
        let reply = |email: &str, ps: &str, at: &str| Reply {
            uid: uid.clone(),
            email: email.into(),
            partstat: ps.into(),
            sequence: 0,
            answered_at: Some(at.into()),
        };
        let r = s
            .apply_replies(&[
                reply("anna@land.example", "accepted", "2026-11-23T10:00:00Z"),
                reply("clara@kommune.example", "tentative", "2026-11-23T10:00:00Z"),
                reply("clara@kommune.example", "declined", "2026-11-24T10:00:00Z"),
                reply("anna@land.example", "declined", "2026-11-22T10:00:00Z"),
                reply("stranger@x.example", "accepted", "2026-11-23T10:00:00Z"),
            ])
            .unwrap();
        assert_eq!((r.applied, r.stale), (3, 1));
        assert_eq!(r.unknown_attendee, vec!["stranger@x.example".to_string()]);
        let c = RsvpCounts::of(&s.invitees(&uid).unwrap());
        assert_eq!((c.accepted, c.declined, c.needs_action), (1, 1, 0));
        let csv = crate::invite::rsvp_csv(&s.invitees(&uid).unwrap());
        assert!(
            csv.starts_with('\u{feff}') && csv.contains("Zugesagt") && csv.contains("Abgesagt")
        );
    }

    #[test]
    fn organizer_is_required() {
        let mut s = Store::open_in_memory().unwrap();
        assert_eq!(
            s.organizer().unwrap_err().validation_detail(),
            Some(("organizer_missing", "organizer_email"))
        );
        s.set_setting(ORGANIZER_EMAIL, "no address").unwrap();
        assert!(s.organizer().is_err());
    }
}
