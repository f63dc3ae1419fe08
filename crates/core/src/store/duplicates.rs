//! Duplicates and merges (`merges`, and the `merged_into` column of `contacts`): spotting
//! contacts that look like the same person, merging two (every note, encounter, follow-up and
//! attendance of the merged one moves to the kept one) and undoing a merge.
//!
//! The merge re-points rows of other topics' tables (`notes`, `encounters`, `follow_ups`,
//! `attendance`) by id: that SQL is the merge's own, so it stays here with the undo that
//! reverses it.

use super::contacts::rewrite_contact;
use super::search;
use super::{Entity, Store, all, exec, found, journal, soft_delete, tuple};
use crate::error::{Error, Result};
use crate::fold::fold;
use crate::model::{Contact, ContactInput, Labeled, PhotoChange, split_name};
use rusqlite::{Transaction, params};
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

impl Moved {
    /// Points the moved rows of other topics' tables at `contact`: the kept contact on a merge,
    /// the merged one again on undo.
    fn point_at(&self, tx: &Transaction<'_>, contact: i64) -> Result<()> {
        for (table, ids) in [
            ("notes", &self.notes),
            ("encounters", &self.encounters),
            ("follow_ups", &self.follow_ups),
            ("attendance", &self.attendance),
        ] {
            let sql = format!("UPDATE {table} SET contact_id = ?2 WHERE id = ?1");
            for id in ids {
                exec(tx, &sql, params![id, contact])?;
            }
        }
        Ok(())
    }
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
        type Names = (i64, String, Option<String>, Option<String>);
        for row in stmt.query_map([], tuple)? {
            let (id, display, given, family): Names = row?;
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
        for row in stmt.query_map([], tuple)? {
            let (id, kind, value): (i64, String, String) = row?;
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
        let (tx, t) = self.begin()?;
        let ids = |sql: &str| -> Result<Vec<i64>> { all(&tx, sql, [other], |r| r.get(0)) };
        let notes = ids("SELECT id FROM notes WHERE contact_id = ?1")?;
        let encounters = ids("SELECT id FROM encounters WHERE contact_id = ?1")?;
        let follow_ups = ids("SELECT id FROM follow_ups WHERE contact_id = ?1")?;
        // Attendance of both at the same event: keep the kept contact's row, remember the other.
        let dropped: Vec<(i64, String, String, String)> = all(
            &tx,
            "SELECT o.id, o.uid, o.status, o.updated_at FROM attendance o WHERE o.contact_id = ?1 AND EXISTS
               (SELECT 1 FROM attendance k WHERE k.contact_id = ?2 AND k.event_id = o.event_id
                  AND k.occurrence_start = o.occurrence_start)",
            params![other, keep],
            tuple,
        )?;
        let mut dropped_full = Vec::new();
        for (id, uid, status, updated) in &dropped {
            let sql = "SELECT event_id, occurrence_start FROM attendance WHERE id = ?1";
            let (event_id, occ): (i64, String) = tx.query_row(sql, [id], tuple)?;
            dropped_full.push((event_id, occ, status.clone(), format!("{uid}|{updated}")));
            exec(&tx, "DELETE FROM attendance WHERE id = ?1", [id])?;
        }
        let attendance = ids("SELECT id FROM attendance WHERE contact_id = ?1")?;
        let moved = Moved {
            kept_before,
            notes,
            encounters,
            follow_ups,
            attendance,
            attendance_dropped: dropped_full,
        };
        moved.point_at(&tx, keep)?;
        rewrite_contact(&tx, keep, &merged, &t)?;
        let other_uid: String =
            tx.query_row("SELECT uid FROM contacts WHERE id = ?1", [other], |r| {
                r.get(0)
            })?;
        soft_delete(&tx, "contacts", other, Entity::Contact, &other_uid, &t)?;
        let sql = "UPDATE contacts SET merged_into = ?2 WHERE id = ?1";
        exec(&tx, sql, params![other, keep])?;
        search::remove(&tx, other)?;
        search::reindex(&tx, keep)?;
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
        let sql =
            "SELECT kept_id, merged_id, moved FROM merges WHERE id = ?1 AND undone_at IS NULL";
        let (keep, other, moved): (i64, i64, String) =
            found(&self.conn, sql, "merge", merge_id, tuple)?;
        let moved: Moved =
            serde_json::from_str(&moved).map_err(|e| Error::Migration(e.to_string()))?;
        let (tx, t) = self.begin()?;
        exec(
            &tx,
            "UPDATE contacts SET deleted_at = NULL, merged_into = NULL, updated_at = ?2 WHERE id = ?1",
            params![other, t],
        )?;
        moved.point_at(&tx, other)?;
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
