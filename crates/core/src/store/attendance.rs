//! Attendance and encounters (`attendance`, `encounters`): who went to which event (the user
//! and contacts), where the user met someone ("met at"), quick capture in the hallway, and a
//! contact's timeline, which gathers everything dated about one person.
//!
//! Why together: quick capture writes a contact, their attendance and the encounter in one go,
//! and the timeline reads the same rows; apart, each would need the other's SQL.

use super::{
    Entity, Store, all, event_ref_row, exec, first, journal, live_contact_uid, new_uid, tuple,
};
use crate::error::{Error, Result};
use crate::model::{
    AttendanceRow, AttendanceStatus, Contact, ContactInput, Encounter, EventRef, Labeled,
    OrganizationInput, TimelineItem, split_name,
};
use crate::rules::note_body;
use rusqlite::params;
use serde::{Deserialize, Serialize};

impl Store {
    /// Finds an event by UID, and for a recurring event the occurrence by its start (RFC 3339 or
    /// `YYYY-MM-DD`, as `events list` prints it).
    pub fn event_ref(&self, uid: &str, occurrence: Option<&str>) -> Result<EventRef> {
        let sql = "SELECT id, title, recurring, start_utc FROM events
                   WHERE uid = ?1 AND recurrence_id IS NULL AND deleted_at IS NULL
                   ORDER BY id LIMIT 1";
        let row: Option<(i64, String, bool, String)> = first(&self.conn, sql, [uid], tuple)?;
        let Some((id, title, recurring, start)) = row else {
            return Err(Error::not_found("event", uid));
        };
        let occurrence = occurrence.map(str::trim).unwrap_or("").to_string();
        if recurring && occurrence.is_empty() {
            return Err(Error::invalid(
                "occurrence_required",
                "occurrence",
                format!(
                    "'{title}' repeats: name the occurrence by its start, as `events list` shows it"
                ),
            ));
        }
        let start = if occurrence.is_empty() {
            start
        } else {
            occurrence.clone()
        };
        Ok(EventRef {
            event_id: id,
            uid: uid.to_string(),
            occurrence,
            title,
            start,
        })
    }

    /// Records the user's own status (`contact` = `None`) or a contact's at an event.
    pub fn mark_attendance(
        &mut self,
        event: &EventRef,
        contact: Option<i64>,
        status: AttendanceStatus,
    ) -> Result<()> {
        let (tx, t) = self.begin()?;
        if let Some(c) = contact {
            live_contact_uid(&tx, c)?;
        }
        let uid: String = first(
            &tx,
            "SELECT uid FROM attendance WHERE event_id = ?1 AND occurrence_start = ?2 AND ifnull(contact_id, 0) = ifnull(?3, 0)",
            params![event.event_id, event.occurrence, contact],
            |r| r.get(0),
        )?
        .unwrap_or_else(new_uid);
        exec(&tx,
            "INSERT INTO attendance(uid, event_id, occurrence_start, contact_id, status, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(event_id, occurrence_start, ifnull(contact_id, 0))
             DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
            params![uid, event.event_id, event.occurrence, contact, status.as_str(), t],
        )?;
        journal(&tx, Entity::Attendance, &uid, "upsert", &t)?;
        tx.commit()?;
        Ok(())
    }

    /// The user's own status and the contacts at an event, by name.
    pub fn attendance(&self, event: &EventRef) -> Result<(Option<String>, Vec<AttendanceRow>)> {
        let at = params![event.event_id, event.occurrence];
        let mine: Option<String> = first(
            &self.conn,
            "SELECT status FROM attendance WHERE event_id = ?1 AND occurrence_start = ?2 AND contact_id IS NULL",
            at,
            |r| r.get(0),
        )?;
        let rows = all(
            &self.conn,
            "SELECT c.id, c.display_name,
                    (SELECT value FROM contact_emails e WHERE e.contact_id = c.id ORDER BY position LIMIT 1),
                    o.name, a.status
             FROM attendance a JOIN contacts c ON c.id = a.contact_id
             LEFT JOIN organizations o ON o.id = c.organization_id
             WHERE a.event_id = ?1 AND a.occurrence_start = ?2 AND c.deleted_at IS NULL
             ORDER BY c.sort_key, c.id",
            at,
            |r| read_row!(r => AttendanceRow { contact_id, name, email, organization, status }),
        )?;
        Ok((mine, rows))
    }

    /// Records where the user met a contact.
    pub fn add_encounter(
        &mut self,
        contact: i64,
        event: Option<&EventRef>,
        session: Option<&str>,
        note: Option<&str>,
    ) -> Result<Encounter> {
        let (tx, t) = self.begin()?;
        live_contact_uid(&tx, contact)?;
        let clean = |v: Option<&str>| v.map(str::trim).filter(|s| !s.is_empty()).map(String::from);
        let note = clean(note).map(|n| note_body(&n)).transpose()?;
        let session = crate::rules::single_line(
            "session",
            &session.map(String::from),
            crate::rules::MAX_SESSION_CHARS,
        )?;
        let uid = new_uid();
        let met_at = event.map(|e| e.start.clone()).unwrap_or_else(|| t.clone());
        exec(&tx,
            "INSERT INTO encounters(uid, contact_id, event_id, occurrence_start, session, note, met_at, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![uid, contact, event.map(|e| e.event_id), event.map(|e| e.occurrence.clone()), session, note, met_at, t],
        )?;
        let id = tx.last_insert_rowid();
        journal(&tx, Entity::Encounter, &uid, "upsert", &t)?;
        tx.commit()?;
        Ok(Encounter {
            id,
            contact_id: contact,
            event: event.cloned(),
            session,
            note,
            met_at,
        })
    }

    /// A contact's timeline, newest first: events attended, encounters, notes, follow-ups.
    pub fn timeline(&self, contact: i64) -> Result<Vec<TimelineItem>> {
        let c = self.contact(contact)?;
        let mut items: Vec<TimelineItem> = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.id, e.uid, a.occurrence_start, e.title,
                    CASE a.occurrence_start WHEN '' THEN e.start_utc ELSE a.occurrence_start END,
                    a.status,
                    (SELECT m.status FROM attendance m WHERE m.event_id = a.event_id
                       AND m.occurrence_start = a.occurrence_start AND m.contact_id IS NULL)
             FROM attendance a JOIN events e ON e.id = a.event_id WHERE a.contact_id = ?1",
        )?;
        let rows = stmt.query_map([contact], |r| {
            Ok((
                event_ref_row(r)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?;
        for row in rows {
            let (event, status, my_status) = row?;
            items.push(TimelineItem::Event {
                at: event.start.clone(),
                event,
                status,
                my_status,
            });
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT n.id, n.session, n.note, n.met_at, e.id, e.uid, n.occurrence_start, e.title,
                    CASE ifnull(n.occurrence_start, '') WHEN '' THEN e.start_utc ELSE n.occurrence_start END
             FROM encounters n LEFT JOIN events e ON e.id = n.event_id WHERE n.contact_id = ?1",
        )?;
        let rows = stmt.query_map([contact], |r| {
            let event = match r.get::<_, Option<i64>>(4)? {
                Some(id) => Some(EventRef {
                    event_id: id,
                    uid: r.get(5)?,
                    occurrence: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                    title: r.get(7)?,
                    start: r.get(8)?,
                }),
                None => None,
            };
            Ok(Encounter {
                id: r.get(0)?,
                contact_id: contact,
                event,
                session: r.get(1)?,
                note: r.get(2)?,
                met_at: r.get(3)?,
            })
        })?;
        for e in rows {
            let e = e?;
            items.push(TimelineItem::Encounter {
                at: e.met_at.clone(),
                encounter: e,
            });
        }
        for n in c.notes {
            items.push(TimelineItem::Note {
                at: n.created_at.clone(),
                note: n,
            });
        }
        for f in self
            .follow_ups(true, None)?
            .into_iter()
            .filter(|f| f.contact_id == contact)
        {
            items.push(TimelineItem::FollowUp {
                at: f.due_date.clone(),
                follow_up: f,
            });
        }
        items.sort_by(|a, b| b.at().cmp(a.at()));
        Ok(items)
    }
}

/// What the quick-capture form sends: typed standing in a hallway, so everything but the name is
/// optional and the organisation is a name, matched to the directory or created.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QuickCapture {
    /// Full name as typed ("Dr. Jördis Müller").
    pub name: String,
    /// Organisation by name or abbreviation.
    pub organization: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// A note about the conversation.
    pub note: Option<String>,
}
impl Store {
    /// Saves a contact met at `event`: creates the contact (organisation matched to the
    /// directory by name, else created), records that they attended and where the user met
    /// them, with the note.
    pub fn quick_capture(&mut self, q: &QuickCapture, event: Option<&EventRef>) -> Result<Contact> {
        let (title, given, family) = split_name(&q.name);
        let organization_id = match q
            .organization
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
        {
            None => None,
            Some(name) => match self.find_orgs(name)?.first() {
                Some(o) => Some(o.id),
                None => Some(
                    self.create_org(&OrganizationInput {
                        name: name.into(),
                        ..Default::default()
                    })?
                    .id,
                ),
            },
        };
        let input = ContactInput {
            display_name: Some(q.name.clone()),
            title,
            given_name: given,
            family_name: family,
            organization_id,
            emails: q
                .email
                .iter()
                .filter(|e| !e.trim().is_empty())
                .map(Labeled::plain)
                .collect(),
            ..Default::default()
        };
        let note = q.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
        let c = self.create_contact(&input, if event.is_none() { note } else { None })?;
        if let Some(ev) = event {
            self.mark_attendance(ev, Some(c.id), AttendanceStatus::Attended)?;
            self.add_encounter(c.id, Some(ev), None, note)?;
        }
        self.contact(c.id)
    }
}
