//! Imports (`csv_mappings`, and the contacts an import writes): storing a read file's contacts
//! in one transaction (organisations matched to the directory or created, notes added, the
//! attendees of an event recorded), and remembering CSV column mappings per header row.
//!
//! Reading the files is not here: `vcard/` and `csv/` turn bytes into records, `exchange.rs`
//! picks the reader; this file only stores what they read.

use super::contacts::{insert_contact_with_uid, rewrite_contact};
use super::notes::insert_note;
use super::orgs::create_org_in;
use super::search;
use super::{Entity, Store, exec, first, journal, new_uid, tuple};
use crate::error::{Error, Result};
use crate::fold::fold;
use crate::model::{EventRef, ImportReport, ImportedContact, Level, OrganizationInput, Skipped};
use crate::rules::note_body;
use rusqlite::params;
use std::collections::{HashMap, HashSet};

impl Store {
    /// Stores imported contacts in one transaction: all of them, or (on a database error) none.
    /// Records that the store refuses are skipped with their line and reason; a contact whose UID
    /// is already known is updated; organisations are matched to the directory by name (folded)
    /// or created; with `event`, every imported person is recorded as an attendee, except those
    /// whose registration the source marks as cancelled.
    pub fn import_contacts(
        &mut self,
        records: &[ImportedContact],
        event: Option<&EventRef>,
        format: &str,
    ) -> Result<ImportReport> {
        let t = self.now_text();
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
                            let created = create_org_in(
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
                    Some(uid) => {
                        let sql = "SELECT id, deleted_at IS NULL FROM contacts WHERE uid = ?1";
                        first(&tx, sql, [uid], tuple)?
                    }
                    None => None,
                };
                let existing = by_uid.filter(|(_, live)| *live).map(|(id, _)| id);
                // No savepoint per record: every check that can refuse a record runs before its first
                // write (and FTS5 flushes its index at each savepoint release, which made a 10,000-card
                // import spend most of its time writing index segments).
                let valid_notes: Vec<String> = rec
                    .notes
                    .iter()
                    .filter_map(|n| match note_body(n) {
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
                        // A cancelled registration is a contact, not an attendee.
                        if let Some(ev) = event.filter(|_| !rec.cancelled) {
                            report.attendees += 1;
                            let uid = new_uid();
                            exec(&tx,
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
                        report.skipped.push(Skipped {
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
        let imported: HashSet<i64> = report.contact_ids.iter().copied().collect();
        report.duplicates = self
            .duplicate_groups()?
            .into_iter()
            .filter(|g| g.iter().any(|id| imported.contains(id)))
            .collect();
        Ok(report)
    }

    /// The remembered CSV column mapping for files with this header row.
    pub fn csv_mapping(&self, header_key: &str) -> Result<Option<String>> {
        let sql = "SELECT mapping FROM csv_mappings WHERE header_key = ?1";
        first(&self.conn, sql, [header_key], |r| r.get(0))
    }

    /// Remembers a CSV column mapping (JSON) for files with this header row.
    pub fn remember_csv_mapping(&mut self, header_key: &str, mapping_json: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO csv_mappings(header_key, mapping, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(header_key) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at",
            params![header_key, mapping_json, self.now_text()],
        )?;
        Ok(())
    }
}
