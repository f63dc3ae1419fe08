//! Duplicates and merges (`merges`, and the `merged_into` column of `contacts`): spotting
//! contacts that look like the same person, merging two (every note, encounter, follow-up and
//! attendance of the merged one moves to the kept one) and undoing a merge.
//!
//! The merge re-points rows of other topics' tables (`notes`, `encounters`, `follow_ups`,
//! `attendance`) by id: that SQL is the merge's own, so it stays here with the undo that
//! reverses it.

use super::contacts::rewrite_contact;
use super::search;
use super::{Entity, Store, exec, journal};
use crate::error::{Error, Result};
use crate::fold::fold;
use crate::model::{Contact, ContactInput, Labeled, PhotoChange, split_name};
use rusqlite::{OptionalExtension, params};
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
        _ => split_name(display)
            .1
            .into_iter()
            .chain(split_name(display).2)
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

impl Store {
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
    pub fn duplicate_contacts(&self) -> Result<Vec<Vec<Contact>>> {
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
            (None, Some(p)) => PhotoChange::Set(p.clone()),
            _ => PhotoChange::Keep,
        };
        let t = self.now_text();
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
            exec(&tx, "DELETE FROM attendance WHERE id = ?1", [id])?;
        }
        let attendance = ids("SELECT id FROM attendance WHERE contact_id = ?1")?;
        for (table, list) in [
            ("notes", &notes),
            ("encounters", &encounters),
            ("follow_ups", &follow_ups),
            ("attendance", &attendance),
        ] {
            for id in list.iter() {
                exec(
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
        exec(
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
        exec(
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
        let t = self.now_text();
        let tx = self.write()?;
        exec(
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
                exec(
                    &tx,
                    &format!("UPDATE {table} SET contact_id = ?2 WHERE id = ?1"),
                    params![id, other],
                )?;
            }
        }
        for (event_id, occ, status, uid_updated) in &moved.attendance_dropped {
            let (uid, updated) = uid_updated.split_once('|').unwrap_or((uid_updated, &t));
            exec(
                &tx,
                "INSERT INTO attendance(uid, event_id, occurrence_start, contact_id, status, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![uid, event_id, occ, other, status, updated],
            )?;
        }
        let mut before = moved.kept_before.clone();
        before.photo = PhotoChange::Keep;
        rewrite_contact(&tx, keep, &before, &t)?;
        let other_uid: String =
            tx.query_row("SELECT uid FROM contacts WHERE id = ?1", [other], |r| {
                r.get(0)
            })?;
        journal(&tx, Entity::Contact, &other_uid, "upsert", &t)?;
        search::reindex(&tx, other)?;
        search::reindex(&tx, keep)?;
        exec(
            &tx,
            "UPDATE merges SET undone_at = ?2 WHERE id = ?1",
            params![merge_id, t],
        )?;
        tx.commit()?;
        self.search_touched(keep)?;
        self.search_touched(other)?;
        Ok(())
    }
}
