//! Networking at events: attendance, "met at", follow-ups, a contact's timeline, duplicates and
//! merging (with undo), and storing imported contacts.

use super::contacts::{check_note_body, insert_contact_with_uid, insert_note, rewrite_contact};
use super::{Entity, Store, journal, new_uid, now, search};
use crate::error::{Error, Result};
use crate::fold::fold;
use crate::model::{
    AttendanceRow, AttendanceStatus, ContactInput, Encounter, EventRef, FollowUp, ImportReport,
    ImportedContact, Labeled, Level, OrganizationInput, TimelineItem,
};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Normalises a phone number to E.164 for comparison (`0751 85-0` → `+49751850`); German
/// national numbers are assumed, as our users' are. `None` when too short to compare.
pub fn phone_e164(raw: &str) -> Option<String> {
    let t = raw.trim();
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let e164 = if t.starts_with('+') {
        format!("+{digits}")
    } else if let Some(rest) = digits.strip_prefix("00") {
        format!("+{rest}")
    } else if let Some(rest) = digits.strip_prefix('0') {
        format!("+49{rest}")
    } else {
        return None;
    };
    (e164.len() >= 8).then_some(e164)
}

/// The folded name used to spot duplicates: given and family name (else the display name without
/// academic titles), folded, tokens in order.
fn name_key(display: &str, given: Option<&str>, family: Option<&str>) -> Option<String> {
    let raw = match (given, family) {
        (Some(g), Some(f)) => format!("{g} {f}"),
        _ => crate::model::split_name(display)
            .1
            .into_iter()
            .chain(crate::model::split_name(display).2)
            .collect::<Vec<_>>()
            .join(" "),
    };
    let key = crate::fold::index_text(&raw);
    (key.split(' ').count() >= 2).then_some(key)
}

/// What a merge moved, kept to undo it.
#[derive(Debug, Serialize, Deserialize)]
struct Moved {
    kept_before: ContactInput,
    notes: Vec<i64>,
    encounters: Vec<i64>,
    follow_ups: Vec<i64>,
    attendance: Vec<i64>,
    /// Attendance rows of the merged contact dropped because the kept one had the same event.
    attendance_dropped: Vec<(i64, String, String, String)>,
}

fn event_ref_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EventRef> {
    Ok(EventRef {
        event_id: r.get(0)?,
        uid: r.get(1)?,
        occurrence: r.get(2)?,
        title: r.get(3)?,
        start: r.get(4)?,
    })
}

impl Store {
    /// Finds an event by UID, and for a recurring event the occurrence by its start (RFC 3339 or
    /// `YYYY-MM-DD`, as `events list` prints it).
    pub fn event_ref(&self, uid: &str, occurrence: Option<&str>) -> Result<EventRef> {
        let row: Option<(i64, String, bool, String)> = self
            .conn
            .query_row(
                "SELECT id, title, recurring, start_utc FROM events
                 WHERE uid = ?1 AND recurrence_id IS NULL AND deleted_at IS NULL ORDER BY id LIMIT 1",
                [uid],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
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
        let t = now();
        let tx = self.write()?;
        if let Some(c) = contact {
            live_contact(&tx, c)?;
        }
        let uid: String = tx
            .query_row(
                "SELECT uid FROM attendance WHERE event_id = ?1 AND occurrence_start = ?2 AND ifnull(contact_id, 0) = ifnull(?3, 0)",
                params![event.event_id, event.occurrence, contact],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_else(new_uid);
        super::exec(&tx,
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
        let mine: Option<String> = self
            .conn
            .query_row(
                "SELECT status FROM attendance WHERE event_id = ?1 AND occurrence_start = ?2 AND contact_id IS NULL",
                params![event.event_id, event.occurrence],
                |r| r.get(0),
            )
            .optional()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id, c.display_name,
                    (SELECT value FROM contact_emails e WHERE e.contact_id = c.id ORDER BY position LIMIT 1),
                    o.name, a.status
             FROM attendance a JOIN contacts c ON c.id = a.contact_id
             LEFT JOIN organizations o ON o.id = c.organization_id
             WHERE a.event_id = ?1 AND a.occurrence_start = ?2 AND c.deleted_at IS NULL
             ORDER BY c.sort_key, c.id",
        )?;
        let rows = stmt.query_map(params![event.event_id, event.occurrence], |r| {
            Ok(AttendanceRow {
                contact_id: r.get(0)?,
                name: r.get(1)?,
                email: r.get(2)?,
                organization: r.get(3)?,
                status: r.get(4)?,
            })
        })?;
        Ok((mine, rows.collect::<Result<_, _>>()?))
    }

    /// Records where the user met a contact.
    pub fn add_encounter(
        &mut self,
        contact: i64,
        event: Option<&EventRef>,
        session: Option<&str>,
        note: Option<&str>,
    ) -> Result<Encounter> {
        let t = now();
        let tx = self.write()?;
        live_contact(&tx, contact)?;
        let clean = |v: Option<&str>| v.map(str::trim).filter(|s| !s.is_empty()).map(String::from);
        let note = clean(note).map(|n| check_note_body(&n)).transpose()?;
        let uid = new_uid();
        let met_at = event.map(|e| e.start.clone()).unwrap_or_else(|| t.clone());
        super::exec(&tx,
            "INSERT INTO encounters(uid, contact_id, event_id, occurrence_start, session, note, met_at, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![uid, contact, event.map(|e| e.event_id), event.map(|e| e.occurrence.clone()), clean(session), note, met_at, t],
        )?;
        let id = tx.last_insert_rowid();
        journal(&tx, Entity::Encounter, &uid, "upsert", &t)?;
        tx.commit()?;
        Ok(Encounter {
            id,
            contact_id: contact,
            event: event.cloned(),
            session: clean(session),
            note,
            met_at,
        })
    }

    /// Adds a follow-up (Wiedervorlage) on a contact.
    pub fn add_follow_up(&mut self, contact: i64, due: NaiveDate, text: &str) -> Result<FollowUp> {
        let t = now();
        let text = text.trim();
        if text.is_empty() || text.len() > 10_000 {
            return Err(Error::invalid(
                "follow_up_text",
                "text",
                "a follow-up needs a text of at most 10,000 bytes",
            ));
        }
        let tx = self.write()?;
        live_contact(&tx, contact)?;
        let uid = new_uid();
        super::exec(
            &tx,
            "INSERT INTO follow_ups(uid, contact_id, due_date, text, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![uid, contact, due.format("%Y-%m-%d").to_string(), text, t],
        )?;
        let id = tx.last_insert_rowid();
        journal(&tx, Entity::FollowUp, &uid, "upsert", &t)?;
        tx.commit()?;
        self.follow_ups(true, None)?
            .into_iter()
            .find(|f| f.id == id)
            .ok_or_else(|| Error::not_found("follow-up", id))
    }

    /// Marks a follow-up done.
    pub fn complete_follow_up(&mut self, id: i64) -> Result<()> {
        let t = now();
        let tx = self.write()?;
        let uid: String = tx
            .query_row("SELECT uid FROM follow_ups WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| Error::not_found("follow-up", id))?;
        super::exec(
            &tx,
            "UPDATE follow_ups SET done_at = ?2, updated_at = ?2 WHERE id = ?1",
            params![id, t],
        )?;
        journal(&tx, Entity::FollowUp, &uid, "upsert", &t)?;
        tx.commit()?;
        Ok(())
    }

    /// Follow-ups by due date: open ones (or all), optionally only those due by `until`.
    pub fn follow_ups(
        &self,
        include_done: bool,
        until: Option<NaiveDate>,
    ) -> Result<Vec<FollowUp>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.id, f.uid, f.contact_id, c.display_name, f.due_date, f.text, f.done_at
             FROM follow_ups f JOIN contacts c ON c.id = f.contact_id
             WHERE c.deleted_at IS NULL AND (?1 OR f.done_at IS NULL) AND (?2 IS NULL OR f.due_date <= ?2)
             ORDER BY f.due_date, f.id",
        )?;
        let until = until.map(|d| d.format("%Y-%m-%d").to_string());
        let rows = stmt.query_map(params![include_done, until], |r| {
            Ok(FollowUp {
                id: r.get(0)?,
                uid: r.get(1)?,
                contact_id: r.get(2)?,
                contact_name: r.get(3)?,
                due_date: r.get(4)?,
                text: r.get(5)?,
                done_at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
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

    /// Groups of live contacts that look like the same person: the same e-mail address (ignoring
    /// case), the same folded name (Jördis Müller = Joerdis Mueller), or the same phone number in
    /// E.164. Each group is sorted, groups by their first id.
    pub fn duplicate_groups(&self) -> Result<Vec<Vec<i64>>> {
        let mut ids: Vec<i64> = Vec::new();
        let mut index: HashMap<i64, usize> = HashMap::new();
        let mut keys: HashMap<String, usize> = HashMap::new();
        let mut parent: Vec<usize> = Vec::new();
        fn find(p: &mut [usize], mut i: usize) -> usize {
            while p[i] != i {
                p[i] = p[p[i]];
                i = p[i];
            }
            i
        }
        let mut union_key = |key: String, i: usize, parent: &mut Vec<usize>| match keys.get(&key) {
            Some(&j) => {
                let (a, b) = (find(parent, i), find(parent, j));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
            None => {
                keys.insert(key, i);
            }
        };
        let mut stmt = self.conn.prepare("SELECT id, display_name, given_name, family_name FROM contacts WHERE deleted_at IS NULL ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        for row in rows {
            let (id, display, given, family) = row?;
            let i = ids.len();
            ids.push(id);
            index.insert(id, i);
            parent.push(i);
            if let Some(k) = name_key(&display, given.as_deref(), family.as_deref()) {
                union_key(format!("n:{k}"), i, &mut parent);
            }
        }
        let mut stmt = self.conn.prepare(
            "SELECT contact_id, 'e', lower(value) FROM contact_emails
             UNION ALL SELECT contact_id, 'p', value FROM contact_phones",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (id, kind, value) = row?;
            let Some(&i) = index.get(&id) else { continue };
            let key = if kind == "p" {
                phone_e164(&value).map(|p| format!("p:{p}"))
            } else {
                Some(format!("e:{value}"))
            };
            if let Some(k) = key {
                union_key(k, i, &mut parent);
            }
        }
        let mut groups: HashMap<usize, Vec<i64>> = HashMap::new();
        for (i, id) in ids.iter().enumerate() {
            let root = find(&mut parent, i);
            groups.entry(root).or_default().push(*id);
        }
        let mut out: Vec<Vec<i64>> = groups.into_values().filter(|g| g.len() > 1).collect();
        for g in &mut out {
            g.sort_unstable();
        }
        out.sort();
        Ok(out)
    }

    /// The duplicate groups as full contacts, for the view that compares and merges them.
    pub fn duplicate_contacts(&self) -> Result<Vec<Vec<crate::model::Contact>>> {
        self.duplicate_groups()?
            .into_iter()
            .map(|g| g.into_iter().map(|id| self.contact(id)).collect())
            .collect()
    }

    /// Merges contact `other` into `keep`: every e-mail, phone, tag, Themenfeld, note, attendance,
    /// encounter and follow-up of both stays with `keep`; fields empty in `keep` are filled from
    /// `other`; `other` is deleted (soft). Returns the merge's id for [`Store::undo_merge`].
    pub fn merge_contacts(&mut self, keep: i64, other: i64) -> Result<i64> {
        if keep == other {
            return Err(Error::invalid(
                "merge_same",
                "contacts",
                "a contact cannot be merged with itself",
            ));
        }
        let (k, o) = (self.contact(keep)?, self.contact(other)?);
        let kept_before = ContactInput::from_contact(&k);
        let mut merged = kept_before.clone();
        let fill = |a: &mut Option<String>, b: &Option<String>| {
            if a.as_deref().is_none_or(|s| s.trim().is_empty()) {
                a.clone_from(b);
            }
        };
        let oi = ContactInput::from_contact(&o);
        fill(&mut merged.given_name, &oi.given_name);
        fill(&mut merged.family_name, &oi.family_name);
        fill(&mut merged.title, &oi.title);
        fill(&mut merged.role, &oi.role);
        fill(&mut merged.street, &oi.street);
        fill(&mut merged.postal_code, &oi.postal_code);
        fill(&mut merged.locality, &oi.locality);
        fill(&mut merged.country, &oi.country);
        fill(&mut merged.website, &oi.website);
        merged.organization_id = merged.organization_id.or(oi.organization_id);
        let add = |list: &mut Vec<Labeled>, more: &[Labeled]| {
            for m in more {
                if !list.iter().any(|l| l.value.eq_ignore_ascii_case(&m.value)) {
                    list.push(m.clone());
                }
            }
        };
        add(&mut merged.emails, &oi.emails);
        add(&mut merged.phones, &oi.phones);
        for t in oi.tags {
            if !merged.tags.iter().any(|x| fold(x) == fold(&t)) {
                merged.tags.push(t);
            }
        }
        for t in oi.themenfelder {
            if !merged.themenfelder.contains(&t) {
                merged.themenfelder.push(t);
            }
        }
        merged.photo = match (&k.photo, &o.photo) {
            (None, Some(p)) => crate::model::PhotoChange::Set(p.clone()),
            _ => crate::model::PhotoChange::Keep,
        };
        let t = now();
        let tx = self.write()?;
        let ids = |sql: &str| -> Result<Vec<i64>> {
            let mut stmt = tx.prepare(sql)?;
            let rows = stmt.query_map([other], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        };
        let notes = ids("SELECT id FROM notes WHERE contact_id = ?1")?;
        let encounters = ids("SELECT id FROM encounters WHERE contact_id = ?1")?;
        let follow_ups = ids("SELECT id FROM follow_ups WHERE contact_id = ?1")?;
        // Attendance of both at the same event: keep the kept contact's row, remember the other.
        let mut dropped: Vec<(i64, String, String, String)> = Vec::new();
        {
            let mut stmt = tx.prepare(
                "SELECT o.id, o.uid, o.status, o.updated_at FROM attendance o WHERE o.contact_id = ?1 AND EXISTS
                   (SELECT 1 FROM attendance k WHERE k.contact_id = ?2 AND k.event_id = o.event_id
                      AND k.occurrence_start = o.occurrence_start)",
            )?;
            let rows = stmt.query_map(params![other, keep], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
            for r in rows {
                dropped.push(r?);
            }
        }
        let mut dropped_full = Vec::new();
        for (id, uid, status, updated) in &dropped {
            let (event_id, occ): (i64, String) = tx.query_row(
                "SELECT event_id, occurrence_start FROM attendance WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            dropped_full.push((event_id, occ, status.clone(), format!("{uid}|{updated}")));
            super::exec(&tx, "DELETE FROM attendance WHERE id = ?1", [id])?;
        }
        let attendance = ids("SELECT id FROM attendance WHERE contact_id = ?1")?;
        for (table, list) in [
            ("notes", &notes),
            ("encounters", &encounters),
            ("follow_ups", &follow_ups),
            ("attendance", &attendance),
        ] {
            for id in list.iter() {
                super::exec(
                    &tx,
                    &format!("UPDATE {table} SET contact_id = ?2 WHERE id = ?1"),
                    params![id, keep],
                )?;
            }
        }
        rewrite_contact(&tx, keep, &merged, &t)?;
        let other_uid: String =
            tx.query_row("SELECT uid FROM contacts WHERE id = ?1", [other], |r| {
                r.get(0)
            })?;
        super::exec(
            &tx,
            "UPDATE contacts SET deleted_at = ?2, updated_at = ?2, merged_into = ?3 WHERE id = ?1",
            params![other, t, keep],
        )?;
        journal(&tx, Entity::Contact, &other_uid, "delete", &t)?;
        search::remove(&tx, other)?;
        search::reindex(&tx, keep)?;
        let moved = Moved {
            kept_before,
            notes,
            encounters,
            follow_ups,
            attendance,
            attendance_dropped: dropped_full,
        };
        super::exec(
            &tx,
            "INSERT INTO merges(kept_id, merged_id, moved, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![
                keep,
                other,
                serde_json::to_string(&moved).expect("moved"),
                t
            ],
        )?;
        let merge_id = tx.last_insert_rowid();
        tx.commit()?;
        self.search_touched(keep)?;
        self.search_touched(other)?;
        Ok(merge_id)
    }

    /// Undoes a merge: the merged contact comes back with everything that was its own, and the
    /// kept contact gets its fields back as they were before.
    pub fn undo_merge(&mut self, merge_id: i64) -> Result<()> {
        let (keep, other, moved): (i64, i64, String) = self
            .conn
            .query_row(
                "SELECT kept_id, merged_id, moved FROM merges WHERE id = ?1 AND undone_at IS NULL",
                [merge_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or_else(|| Error::not_found("merge", merge_id))?;
        let moved: Moved =
            serde_json::from_str(&moved).map_err(|e| Error::Migration(e.to_string()))?;
        let t = now();
        let tx = self.write()?;
        super::exec(
            &tx,
            "UPDATE contacts SET deleted_at = NULL, merged_into = NULL, updated_at = ?2 WHERE id = ?1",
            params![other, t],
        )?;
        for (table, list) in [
            ("notes", &moved.notes),
            ("encounters", &moved.encounters),
            ("follow_ups", &moved.follow_ups),
            ("attendance", &moved.attendance),
        ] {
            for id in list.iter() {
                super::exec(
                    &tx,
                    &format!("UPDATE {table} SET contact_id = ?2 WHERE id = ?1"),
                    params![id, other],
                )?;
            }
        }
        for (event_id, occ, status, uid_updated) in &moved.attendance_dropped {
            let (uid, updated) = uid_updated.split_once('|').unwrap_or((uid_updated, &t));
            super::exec(
                &tx,
                "INSERT INTO attendance(uid, event_id, occurrence_start, contact_id, status, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![uid, event_id, occ, other, status, updated],
            )?;
        }
        let mut before = moved.kept_before.clone();
        before.photo = crate::model::PhotoChange::Keep;
        rewrite_contact(&tx, keep, &before, &t)?;
        let other_uid: String =
            tx.query_row("SELECT uid FROM contacts WHERE id = ?1", [other], |r| {
                r.get(0)
            })?;
        journal(&tx, Entity::Contact, &other_uid, "upsert", &t)?;
        search::reindex(&tx, other)?;
        search::reindex(&tx, keep)?;
        super::exec(
            &tx,
            "UPDATE merges SET undone_at = ?2 WHERE id = ?1",
            params![merge_id, t],
        )?;
        tx.commit()?;
        self.search_touched(keep)?;
        self.search_touched(other)?;
        Ok(())
    }

    /// Stores imported contacts in one transaction: all of them, or (on a database error) none.
    /// Records that the store refuses are skipped with their line and reason; a contact whose UID
    /// is already known is updated; organisations are matched to the directory by name (folded)
    /// or created; with `event`, every imported person is recorded as an attendee.
    pub fn import_contacts(
        &mut self,
        records: &[ImportedContact],
        event: Option<&EventRef>,
        format: &str,
    ) -> Result<ImportReport> {
        let t = now();
        let mut report = ImportReport {
            format: format.to_string(),
            ..Default::default()
        };
        let mut org_cache: HashMap<String, i64> = HashMap::new();
        let directory = self.list_orgs(None, None)?;
        for o in &directory {
            org_cache.entry(fold(&o.name)).or_insert(o.id);
            if let Some(s) = &o.short_name {
                org_cache.entry(fold(s)).or_insert(o.id);
            }
        }
        let tx = self.write()?;
        search::with_deferred_notes(&tx, || -> Result<()> {
            for rec in records {
                let mut input = rec.contact.clone();
                if let Some(org) = &rec.organization {
                    let key = fold(org.name.trim());
                    let id = match org_cache.get(&key) {
                        Some(id) => Some(*id),
                        None if key.is_empty() => None,
                        None => {
                            let level = org.level.unwrap_or(Level::Other);
                            let created = super::orgs::create_org_in(
                                &tx,
                                &OrganizationInput {
                                    name: org.name.clone(),
                                    level: Some(if level == Level::Kommune && org.land.is_none() {
                                        Level::Other
                                    } else {
                                        level
                                    }),
                                    land_key: org.land.clone(),
                                    key: org.key.clone(),
                                    ..Default::default()
                                },
                                &t,
                            );
                            match created {
                                Ok(id) => {
                                    report.organizations_created += 1;
                                    org_cache.insert(key, id);
                                    Some(id)
                                }
                                Err(e) => {
                                    report.warnings.push(format!(
                                        "line {}: organisation '{}' not created: {e}",
                                        rec.line, org.name
                                    ));
                                    None
                                }
                            }
                        }
                    };
                    input.organization_id = id;
                }
                // One look-up: a live contact with this UID is updated; a UID held by a deleted
                // contact stays with its tombstone and the import gets a fresh one.
                let by_uid: Option<(i64, bool)> = match &rec.uid {
                    Some(uid) => tx
                        .prepare_cached(
                            "SELECT id, deleted_at IS NULL FROM contacts WHERE uid = ?1",
                        )?
                        .query_row([uid], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()?,
                    None => None,
                };
                let existing = by_uid.filter(|(_, live)| *live).map(|(id, _)| id);
                // No savepoint per record: every check that can refuse a record runs before its first
                // write (and FTS5 flushes its index at each savepoint release, which made a 10,000-card
                // import spend most of its time writing index segments).
                let valid_notes: Vec<String> = rec
                    .notes
                    .iter()
                    .filter_map(|n| match check_note_body(n) {
                        Ok(b) => Some(b),
                        Err(e) => {
                            report
                                .warnings
                                .push(format!("line {}: note skipped: {e}", rec.line));
                            None
                        }
                    })
                    .collect();
                let result = match existing {
                    Some(id) => rewrite_contact(&tx, id, &input, &t).map(|_| (id, false)),
                    None => {
                        let uid = rec
                            .uid
                            .clone()
                            .filter(|u| !u.trim().is_empty() && u.len() <= 255)
                            .unwrap_or_else(new_uid);
                        let uid = if by_uid.is_some() { new_uid() } else { uid };
                        let first = valid_notes.first().map(String::as_str);
                        insert_contact_with_uid(&tx, &input, first, &uid, &t).map(|id| (id, true))
                    }
                };
                match result {
                    Ok((id, new)) => {
                        // A new contact got its first note with the insert; the rest (and every note
                        // of an updated contact) are added unless already there.
                        let rest = if new {
                            valid_notes.get(1..).unwrap_or(&[])
                        } else {
                            &valid_notes[..]
                        };
                        let mut added = false;
                        for body in rest {
                            let known: bool = tx
                            .prepare_cached("SELECT count(*) > 0 FROM notes WHERE contact_id = ?1 AND body = ?2 AND deleted_at IS NULL")?
                            .query_row(params![id, body], |r| r.get(0))?;
                            if !known {
                                insert_note(&tx, id, body, &t)?;
                                added = true;
                            }
                        }
                        if added {
                            search::reindex(&tx, id)?;
                        }
                        if let Some(ev) = event {
                            let uid = new_uid();
                            super::exec(&tx,
                            "INSERT INTO attendance(uid, event_id, occurrence_start, contact_id, status, updated_at)
                             VALUES (?1, ?2, ?3, ?4, 'attended', ?5)
                             ON CONFLICT(event_id, occurrence_start, ifnull(contact_id, 0)) DO NOTHING",
                            params![uid, ev.event_id, ev.occurrence, id, t],
                        )?;
                            journal(&tx, Entity::Attendance, &uid, "upsert", &t)?;
                        }
                        if new {
                            report.imported += 1
                        } else {
                            report.updated += 1
                        }
                        report.contact_ids.push(id);
                    }
                    Err(Error::Validation { message, .. }) => {
                        report.skipped.push(crate::model::Skipped {
                            line: rec.line,
                            reason: message,
                        });
                    }
                    Err(other) => return Err(other),
                }
            }
            Ok(())
        })?;
        tx.commit()?;
        for id in report.contact_ids.clone() {
            self.search_touched(id)?;
        }
        let imported: std::collections::HashSet<i64> = report.contact_ids.iter().copied().collect();
        report.duplicates = self
            .duplicate_groups()?
            .into_iter()
            .filter(|g| g.iter().any(|id| imported.contains(id)))
            .collect();
        Ok(report)
    }

    /// The remembered CSV column mapping for files with this header row.
    pub fn csv_mapping(&self, header_key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT mapping FROM csv_mappings WHERE header_key = ?1",
                [header_key],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Remembers a CSV column mapping (JSON) for files with this header row.
    pub fn remember_csv_mapping(&mut self, header_key: &str, mapping_json: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO csv_mappings(header_key, mapping, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(header_key) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at",
            params![header_key, mapping_json, now()],
        )?;
        Ok(())
    }
}

fn live_contact(tx: &Transaction<'_>, id: i64) -> Result<()> {
    tx.query_row(
        "SELECT 1 FROM contacts WHERE id = ?1 AND deleted_at IS NULL",
        [id],
        |_| Ok(()),
    )
    .optional()?
    .ok_or_else(|| Error::not_found("contact", id))
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
    pub fn quick_capture(
        &mut self,
        q: &QuickCapture,
        event: Option<&EventRef>,
    ) -> Result<crate::model::Contact> {
        let (title, given, family) = crate::model::split_name(&q.name);
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
                .map(|e| Labeled {
                    value: e.clone(),
                    label: None,
                })
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

impl Store {
    /// Marks which contact is the user (for their own QR card); `None` unsets it.
    pub fn set_me(&mut self, id: Option<i64>) -> Result<()> {
        match id {
            Some(id) => {
                self.contact(id)?;
                self.set_setting("me_contact_id", &id.to_string())
            }
            None => {
                self.conn
                    .execute("DELETE FROM settings WHERE key = 'me_contact_id'", [])?;
                Ok(())
            }
        }
    }

    /// The user's own contact, if chosen and still there.
    pub fn me(&self) -> Result<Option<crate::model::Contact>> {
        let Some(id) = self
            .setting("me_contact_id")?
            .and_then(|v| v.parse::<i64>().ok())
        else {
            return Ok(None);
        };
        match self.contact(id) {
            Ok(c) => Ok(Some(c)),
            Err(Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
