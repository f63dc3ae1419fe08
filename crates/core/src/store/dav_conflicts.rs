//! Sync conflicts (`sync_conflicts`): a field changed differently here and on the server keeps
//! the local value, and the server's waits here until the user chooses. No network here.

use super::{Store, all, exec, found, tuple};
use crate::error::{Error, Result};
use crate::sync::{self, FieldConflict, Value};
use rusqlite::params;
use serde::{Deserialize, Serialize};

/// An open conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// Id for `conflicts resolve`.
    pub id: i64,
    /// The contact (local id), if it still exists.
    pub contact_id: Option<i64>,
    /// The contact's name.
    pub name: Option<String>,
    /// The field.
    pub field: String,
    /// The value on this device (in the contact now).
    pub local: Option<String>,
    /// The value on the server.
    pub remote: Option<String>,
    /// When it was found.
    pub created_at: String,
}

impl Store {
    pub(super) fn record_conflicts(
        &mut self,
        uid: &str,
        conflicts: &[FieldConflict],
    ) -> Result<()> {
        let t = self.now_text();
        for c in conflicts {
            let open: bool = self.conn.query_row(
                "SELECT count(*) > 0 FROM sync_conflicts WHERE contact_uid = ?1 AND field = ?2
                   AND resolved_at IS NULL AND ifnull(remote, '') = ifnull(?3, '')",
                params![uid, c.field, c.remote],
                |r| r.get(0),
            )?;
            if !open {
                exec(
                    &self.conn,
                    "INSERT INTO sync_conflicts(contact_uid, field, local, remote, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![uid, c.field, c.local, c.remote, t],
                )?;
            }
        }
        Ok(())
    }

    /// Open conflicts, oldest first.
    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        all(
            &self.conn,
            "SELECT s.id, c.id, c.display_name, s.field, s.local, s.remote, s.created_at
             FROM sync_conflicts s LEFT JOIN contacts c ON c.uid = s.contact_uid AND c.deleted_at IS NULL
             WHERE s.resolved_at IS NULL ORDER BY s.id",
            [],
            |r| read_row!(r => Conflict { id, contact_id, name, field, local, remote, created_at }),
        )
    }

    /// Resolves a conflict: `local` keeps this device's value, `remote` takes the server's,
    /// `both` keeps this device's value and adds the server's as a note, so neither is lost.
    /// The contact is journaled, so the choice reaches the server on the next sync.
    pub fn resolve_conflict(&mut self, id: i64, keep: &str) -> Result<()> {
        let sql = "SELECT contact_uid, field, remote FROM sync_conflicts
                   WHERE id = ?1 AND resolved_at IS NULL";
        let (uid, field, remote): (String, String, Option<String>) =
            found(&self.conn, sql, "conflict", id, tuple)?;
        if !matches!(keep, "local" | "remote" | "both") {
            return Err(Error::invalid(
                "keep_invalid",
                "keep",
                format!("'{keep}' is not local, remote or both"),
            ));
        }
        if let Some((cid, fields, rec)) = self.local_fields(&uid)? {
            match keep {
                "remote" => {
                    let mut f = fields.clone();
                    f.insert(
                        crate::sync::field_name(&field).unwrap_or("display_name"),
                        Value::One(remote.clone()),
                    );
                    let mut r = rec.clone();
                    sync::apply(&mut r, &f, &[&rec]);
                    self.import_contacts(std::slice::from_ref(&r), None, "carddav")?;
                }
                "both" => {
                    if let Some(v) = &remote {
                        self.add_note(cid, &format!("Beim Abgleich auch gefunden ({field}): {v}"))?;
                    }
                }
                _ => {}
            }
            self.journal_contact_upsert(&uid)?;
        }
        exec(
            &self.conn,
            "UPDATE sync_conflicts SET resolved_at = ?2, resolution = ?3 WHERE id = ?1",
            params![id, self.now_text(), keep],
        )?;
        Ok(())
    }
}
