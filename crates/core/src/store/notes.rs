//! Notes on contacts (`notes`): conversation notes, soft-deleted like contacts, journaled for
//! the sync, and kept in the contact's search entry (the note text is searched through FTS5,
//! see `search.rs`).

use super::search;
use super::{Entity, Store, all, found, journal, live_contact_uid, new_uid, soft_delete, tuple};
use crate::error::Result;
use crate::model::Note;
use crate::rules::note_body;
use rusqlite::{Transaction, params};

const NOTE_SELECT: &str = "SELECT id, body, created_at, updated_at FROM notes";

fn note_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Note> {
    read_row!(r => Note { id, body, created_at, updated_at })
}

impl Store {
    /// Adds a timestamped note to a contact.
    pub fn add_note(&mut self, contact_id: i64, body: &str) -> Result<Note> {
        let now = self.now_text();
        let body = note_body(body)?;
        let tx = self.write()?;
        live_contact_uid(&tx, contact_id)?;
        let id = insert_note(&tx, contact_id, &body, &now)?;
        search::reindex(&tx, contact_id)?;
        tx.commit()?;
        self.note(id)
    }

    /// Replaces a note's text; its creation time stays.
    pub fn update_note(&mut self, note_id: i64, body: &str) -> Result<Note> {
        let now = self.now_text();
        let body = note_body(body)?;
        let tx = self.write()?;
        let (uid, contact_id) = note_owner(&tx, note_id)?;
        super::exec(
            &tx,
            "UPDATE notes SET body = ?2, updated_at = ?3 WHERE id = ?1",
            params![note_id, body, now],
        )?;
        journal(&tx, Entity::Note, &uid, "upsert", &now)?;
        search::reindex(&tx, contact_id)?;
        tx.commit()?;
        self.note(note_id)
    }

    /// Deletes a note (soft, like contacts).
    pub fn delete_note(&mut self, note_id: i64) -> Result<()> {
        let (tx, now) = self.begin()?;
        let (uid, contact_id) = note_owner(&tx, note_id)?;
        soft_delete(&tx, "notes", note_id, Entity::Note, &uid, &now)?;
        search::reindex(&tx, contact_id)?;
        tx.commit()?;
        Ok(())
    }

    fn note(&self, id: i64) -> Result<Note> {
        let sql = format!("{NOTE_SELECT} WHERE id = ?1 AND deleted_at IS NULL");
        found(&self.conn, &sql, "note", id, note_row)
    }

    /// A contact's live notes, oldest first (for its detail view).
    pub(super) fn notes_of(&self, contact_id: i64) -> Result<Vec<Note>> {
        let sql = format!(
            "{NOTE_SELECT} WHERE contact_id = ?1 AND deleted_at IS NULL ORDER BY created_at, id"
        );
        all(&self.conn, &sql, [contact_id], note_row)
    }
}

/// Inserts a note and journals it; the caller reindexes the contact and commits.
pub(super) fn insert_note(
    tx: &Transaction<'_>,
    contact_id: i64,
    body: &str,
    now: &str,
) -> Result<i64> {
    let uid = new_uid();
    super::exec(
        tx,
        "INSERT INTO notes(uid, contact_id, body, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![uid, contact_id, body, now],
    )?;
    let id = tx.last_insert_rowid();
    journal(tx, Entity::Note, &uid, "upsert", now)?;
    Ok(id)
}

fn note_owner(tx: &Transaction<'_>, note_id: i64) -> Result<(String, i64)> {
    let sql = "SELECT n.uid, n.contact_id FROM notes n JOIN contacts c ON c.id = n.contact_id
               WHERE n.id = ?1 AND n.deleted_at IS NULL AND c.deleted_at IS NULL";
    found(tx, sql, "note", note_id, tuple)
}
