//! Own events (and who is invited, with their answers) as VEVENTs in the user's CalDAV
//! calendar: what to push from the journal, the calendar object, and applying an object from
//! the server. Events merge by "the last writer wins, a pending local edit first": an event has
//! one organiser, and a field-by-field merge of times would produce times nobody chose.

use super::{Store, all, exec, first, tuple};
use crate::error::Result;
use crate::ical::event::{Status, When, read_feed};
use crate::ical::itip::{self, Person};
use rusqlite::params;

/// A pending change of an own event: its UID and whether it still exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventChange {
    /// Journal sequence number.
    pub seq: i64,
    /// Event UID.
    pub uid: String,
    /// Exists (not deleted).
    pub live: bool,
}

impl Store {
    /// Pending changes of own events (feed events are the feed's business), oldest first.
    pub fn sync_event_changes(&self) -> Result<Vec<EventChange>> {
        // Each change with whether its UID is an own event's.
        let rows: Vec<(EventChange, bool)> = all(
            &self.conn,
            "SELECT j.seq, j.entity_uid,
                    EXISTS (SELECT 1 FROM events e WHERE e.uid = j.entity_uid AND e.feed_id IS NULL
                              AND e.deleted_at IS NULL),
                    EXISTS (SELECT 1 FROM events e WHERE e.uid = j.entity_uid AND e.feed_id IS NULL)
             FROM change_journal j WHERE j.synced_at IS NULL AND j.entity = 'event' ORDER BY j.seq",
            [],
            |r| {
                let (seq, uid, live, own) = tuple(r)?;
                Ok((EventChange { seq, uid, live }, own))
            },
        )?;
        Ok(rows
            .into_iter()
            .filter(|(_, own)| *own)
            .map(|(c, _)| c)
            .collect())
    }

    /// Marks the journal of these events synced up to `upto`.
    pub fn mark_events_synced(&mut self, upto: i64, uids: &[String], at: &str) -> Result<()> {
        exec(
            &self.conn,
            "UPDATE change_journal SET synced_at = ?3 WHERE synced_at IS NULL AND entity = 'event'
               AND seq <= ?1 AND entity_uid IN (SELECT value FROM json_each(?2))",
            params![upto, serde_json::to_string(uids).expect("uids"), at],
        )?;
        Ok(())
    }

    /// The calendar object of an own event with its invitees and their answers, or `None` when
    /// it is deleted.
    pub fn event_object(
        &self,
        uid: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<String>> {
        let live: bool = self.conn.query_row(
            "SELECT count(*) > 0 FROM events WHERE uid = ?1 AND feed_id IS NULL AND deleted_at IS NULL",
            [uid],
            |r| r.get(0),
        )?;
        if !live {
            return Ok(None);
        }
        let view = self.own_event_view(uid)?;
        let organizer = self.organizer().unwrap_or(Person {
            name: String::new(),
            email: String::new(),
        });
        let invitees: Vec<_> = self
            .invitees(uid)?
            .into_iter()
            .filter(|i| !i.removed)
            .collect();
        let (mut inv, _) = self.invitation_for_object(uid, organizer)?;
        inv.attendees = invitees
            .iter()
            .map(|i| Person {
                name: i.name.clone(),
                email: i.email.clone(),
            })
            .collect();
        let partstats: Vec<String> = invitees.iter().map(|i| i.partstat.clone()).collect();
        Ok(Some(itip::write_object(
            &inv,
            &partstats,
            view.cancelled,
            now,
        )))
    }

    /// Applies a calendar object from the server: creates or updates the own event and its
    /// list of invitees with their answers. An event with a pending local change is left alone
    /// (that change goes up next and wins). An attendee who was erased here (GDPR Art. 17) is
    /// not added again; the event is then queued for upload, so the calendar's copy loses them
    /// too. Returns whether anything changed here.
    pub fn apply_remote_event(&mut self, ics: &str) -> Result<Option<String>> {
        let Ok(read) = read_feed(ics.as_bytes(), chrono_tz::Tz::Europe__Berlin, self.now()) else {
            return Ok(None);
        };
        let Some(ev) = read.events.into_iter().find(|e| e.recurrence_id.is_none()) else {
            return Ok(None);
        };
        let pending: bool = self.conn.query_row(
            "SELECT count(*) > 0 FROM change_journal WHERE synced_at IS NULL AND entity = 'event' AND entity_uid = ?1",
            [&ev.uid],
            |r| r.get(0),
        )?;
        let feed_event: bool = self.conn.query_row(
            "SELECT count(*) > 0 FROM events WHERE uid = ?1 AND feed_id IS NOT NULL",
            [&ev.uid],
            |r| r.get(0),
        )?;
        if pending || feed_event {
            return Ok(None);
        }
        let t = self.now_text();
        let (tz, all_day) = match &ev.start {
            When::Zoned(_, tz) => (Some(tz.name().to_string()), false),
            When::Date(_) => (None, true),
            _ => (None, false),
        };
        let status = match ev.status {
            Status::Cancelled => "cancelled",
            Status::Tentative => "tentative",
            _ => "confirmed",
        };
        let tx = self.write()?;
        let sql =
            "SELECT id FROM events WHERE uid = ?1 AND feed_id IS NULL AND recurrence_id IS NULL";
        let id: Option<i64> = first(&tx, sql, [&ev.uid], |r| r.get(0))?;
        let id = match id {
            Some(id) => {
                exec(
                    &tx,
                    "UPDATE events SET title = ?2, description = ?3, location = ?4, url = ?5, start_utc = ?6,
                         end_utc = ?7, start_local = ?8, tzid = ?9, all_day = ?10, status = ?11, sequence = ?12,
                         updated_at = ?13, deleted_at = NULL WHERE id = ?1",
                    params![
                        id, ev.title, ev.description, ev.location, ev.url, ev.start.stored(), ev.end.stored(),
                        super::events::start_local(&ev.start), tz, all_day, status, ev.sequence, t
                    ],
                )?;
                id
            }
            None => {
                exec(
                    &tx,
                    "INSERT INTO events(uid, title, description, location, url, start_utc, end_utc, start_local,
                         tzid, all_day, status, sequence, dtstamp, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?13)",
                    params![
                        ev.uid, ev.title, ev.description, ev.location, ev.url, ev.start.stored(), ev.end.stored(),
                        super::events::start_local(&ev.start), tz, all_day, status, ev.sequence, t
                    ],
                )?;
                tx.last_insert_rowid()
            }
        };
        // Attendees with their answers.
        let parsed = crate::ical::parse::parse(ics.as_bytes());
        let vevent = parsed
            .roots
            .iter()
            .flat_map(|c| c.children.iter())
            .find(|c| c.name == "VEVENT");
        let mut seen = Vec::new();
        let mut left_out = false;
        if let Some(vevent) = vevent {
            for a in vevent.props_named("ATTENDEE") {
                let itip::Attendee {
                    email,
                    partstat,
                    name,
                } = itip::read_attendee(a);
                if email.len() < 3 {
                    continue;
                }
                if super::dav_erased::attendee_erased(&tx, &email)? {
                    // An erased person, put back by another device or client: not here, and
                    // the upload below takes them off the calendar's copy again.
                    left_out = true;
                    continue;
                }
                let partstat = if crate::invite::PARTSTATS.contains(&partstat.as_str()) {
                    partstat
                } else {
                    "needs-action".into()
                };
                let name = name.unwrap_or(&email).to_string();
                exec(
                    &tx,
                    "INSERT INTO invitees(event_id, contact_id, email, name, partstat, invited_at)
                     VALUES (?1, (SELECT contact_id FROM contact_emails WHERE value = ?2 COLLATE NOCASE LIMIT 1),
                             ?2, ?3, ?4, ?5)
                     ON CONFLICT(event_id, email) DO UPDATE SET name = excluded.name,
                         partstat = excluded.partstat, removed_at = NULL",
                    params![id, email, name, partstat, t],
                )?;
                seen.push(email);
            }
        }
        exec(
            &tx,
            "UPDATE invitees SET removed_at = ?3 WHERE event_id = ?1 AND removed_at IS NULL
               AND email NOT IN (SELECT value FROM json_each(?2))",
            params![id, serde_json::to_string(&seen).expect("emails"), t],
        )?;
        if left_out {
            super::journal(&tx, super::Entity::Event, &ev.uid, "upsert", &t)?;
        }
        tx.commit()?;
        Ok(Some(ev.uid))
    }

    /// The calendar deleted an own event: without a pending local change it is deleted here
    /// too (soft, like every delete); with one, the local event wins and goes up again.
    pub fn apply_remote_event_delete(&mut self, uid: &str) -> Result<bool> {
        self.forget_event_item(uid)?;
        let pending: bool = self.conn.query_row(
            "SELECT count(*) > 0 FROM change_journal WHERE synced_at IS NULL AND entity = 'event' AND entity_uid = ?1",
            [uid],
            |r| r.get(0),
        )?;
        if pending {
            return Ok(true);
        }
        exec(
            &self.conn,
            "UPDATE events SET deleted_at = ?2 WHERE uid = ?1 AND feed_id IS NULL AND deleted_at IS NULL",
            params![uid, self.now_text()],
        )?;
        Ok(false)
    }
}
