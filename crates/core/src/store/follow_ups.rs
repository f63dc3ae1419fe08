//! Follow-ups (`follow_ups`, Wiedervorlagen): a dated reminder on a contact, done or open.

use super::{Entity, Store, all, exec, found, journal, live_contact_uid, new_uid};
use crate::error::{Error, Result};
use crate::model::FollowUp;
use crate::rules::MAX_FOLLOW_UP_BYTES;
use chrono::NaiveDate;
use rusqlite::params;

impl Store {
    /// Adds a follow-up (Wiedervorlage) on a contact.
    pub fn add_follow_up(&mut self, contact: i64, due: NaiveDate, text: &str) -> Result<FollowUp> {
        let t = self.now_text();
        let text = text.trim();
        if text.is_empty() || text.len() > MAX_FOLLOW_UP_BYTES {
            return Err(Error::invalid(
                "follow_up_text",
                "text",
                "a follow-up needs a text of at most 10,000 bytes",
            ));
        }
        let tx = self.write()?;
        live_contact_uid(&tx, contact)?;
        let uid = new_uid();
        exec(
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
        let (tx, t) = self.begin()?;
        let sql = "SELECT uid FROM follow_ups WHERE id = ?1";
        let uid: String = found(&tx, sql, "follow-up", id, |r| r.get(0))?;
        exec(
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
        let until = until.map(|d| d.format("%Y-%m-%d").to_string());
        all(
            &self.conn,
            "SELECT f.id, f.uid, f.contact_id, c.display_name, f.due_date, f.text, f.done_at
             FROM follow_ups f JOIN contacts c ON c.id = f.contact_id
             WHERE c.deleted_at IS NULL AND (?1 OR f.done_at IS NULL) AND (?2 IS NULL OR f.due_date <= ?2)
             ORDER BY f.due_date, f.id",
            params![include_done, until],
            |r| {
                read_row!(r => FollowUp {
                    id, uid, contact_id, contact_name, due_date, text, done_at
                })
            },
        )
    }
}
