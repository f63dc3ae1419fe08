//! The invitation list of an own event (`invitees`): choosing invitees by hand or by filter
//! (tag, Land, level …), the preview, adding and removing them, and the RSVP overview with
//! everyone's answer. The organiser and the invitation text are plain settings (keys below).
//! The rules of who gets which message live in [`crate::invite`]; this file loads and stores.

use super::{Entity, Store, all, exec, journal};
use crate::error::{Error, Result};
use crate::ical::itip::Person;
use crate::invite::{Candidate, Delivery, InvitePreview, Invitee, InviteeFilter, RsvpCounts};
use crate::model::Level;
use rusqlite::params;
use serde::{Deserialize, Serialize};

pub use crate::settings::{INVITE_SUBJECT, INVITE_TEMPLATE, ORGANIZER_EMAIL, ORGANIZER_NAME};

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
    pub counts: RsvpCounts,
}

impl Store {
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
        let level = filter.level.map(Level::as_str);
        let ids_json = serde_json::to_string(contacts).expect("ids serialise");
        all(
            &self.conn,
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
            |r| read_row!(r => Candidate { contact_id, name, email, organization }),
        )
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
        let sql = "SELECT email FROM invitees WHERE event_id = ?1 AND removed_at IS NULL";
        let invited: std::collections::HashSet<String> =
            all(&self.conn, sql, [ev.id], |r| r.get(0))?;
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
        let (tx, t) = self.begin()?;
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
        let (tx, t) = self.begin()?;
        let removed: Vec<Person> = all(
            &tx,
            "UPDATE invitees SET removed_at = ?2
             WHERE event_id = ?1 AND removed_at IS NULL
               AND (contact_id IN (SELECT value FROM json_each(?3))
                    OR email IN (SELECT lower(value) FROM json_each(?4)))
             RETURNING name, email",
            params![
                ev.id,
                t,
                serde_json::to_string(contacts).expect("ids"),
                serde_json::to_string(emails).expect("emails")
            ],
            |r| read_row!(r => Person { name, email }),
        )?;
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
        let delivery = |status: Option<String>| match status.as_deref() {
            Some("pending") => Delivery::Pending,
            Some("sending") => Delivery::Uncertain,
            Some("sent") => Delivery::Sent,
            Some("failed") => Delivery::Failed,
            _ => Delivery::NotSent,
        };
        all(
            &self.conn,
            "SELECT i.id, i.contact_id, i.name, i.email, i.partstat, i.answered_at,
                    i.answered_sequence, i.removed_at IS NOT NULL,
                    (SELECT status FROM outbox o WHERE o.invitee_id = i.id AND o.status <> 'superseded'
                     ORDER BY o.id DESC LIMIT 1),
                    (SELECT error FROM outbox o WHERE o.invitee_id = i.id AND o.status <> 'superseded'
                     ORDER BY o.id DESC LIMIT 1)
             FROM invitees i WHERE i.event_id = ?1
             ORDER BY i.removed_at IS NOT NULL, i.name COLLATE NOCASE, i.id",
            [ev.id],
            |r| {
                read_row!(r, c => Invitee {
                    id, contact_id, name, email, partstat, answered_at,
                    answered_earlier_version =
                        c.next::<Option<i64>>()?.is_some_and(|s| s < ev.sequence),
                    removed, delivery = delivery(c.next()?), error,
                })
            },
        )
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
            counts: RsvpCounts::of(&invitees),
            invitees,
        })
    }
}
