//! Recently deleted contacts: the tombstones that `delete_contact` and `merge_contacts` leave
//! (`contacts.deleted_at`, `contacts.merged_into`), listed with when and why, restored, and
//! picked for erasure once they are older than the period the user keeps them
//! ([`crate::settings::DELETED_KEEP_DAYS`]).
//!
//! A tombstone keeps every note and address of the person; without this list it was reachable
//! only through the undo notice. Erasing itself is the GDPR erase (`privacy.rs`, called through
//! `crate::retention`, which this file cannot call: the store sits below it).

use super::{Store, all, exec, found};
use crate::error::Result;
use crate::model::Contact;
use crate::settings::{self, DELETED_KEEP_DAYS};
use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};

/// Why a contact is in the recently deleted list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeletedReason {
    /// The user (here, through the CLI, or on another device via the sync) deleted it.
    Deleted,
    /// It was merged into another contact (`merged_into`), which holds its notes now.
    Merged,
}

/// A contact that is deleted but not yet erased.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedContact {
    /// Contact id (what restore and erase take).
    pub id: i64,
    /// Name.
    pub name: String,
    /// Organisation's name.
    pub organization: Option<String>,
    /// When it was deleted or merged away (RFC 3339, UTC).
    pub deleted_at: String,
    /// Deleted, or merged into another contact.
    pub reason: DeletedReason,
    /// For a merge: the contact it was merged into.
    pub merged_into: Option<i64>,
    /// For a merge: that contact's name (it may itself be deleted since).
    pub merged_into_name: Option<String>,
}

impl Store {
    /// Every deleted or merged-away contact not yet erased, most recently deleted first.
    pub fn deleted_contacts(&self) -> Result<Vec<DeletedContact>> {
        all(
            &self.conn,
            "SELECT c.id, c.display_name, o.name, c.deleted_at,
                    CASE WHEN c.merged_into IS NULL THEN 'deleted' ELSE 'merged' END,
                    c.merged_into, k.display_name
             FROM contacts c
             LEFT JOIN organizations o ON o.id = c.organization_id
             LEFT JOIN contacts k ON k.id = c.merged_into
             WHERE c.deleted_at IS NOT NULL
             ORDER BY c.deleted_at DESC, c.id DESC",
            [],
            |r| {
                let reason: String = r.get(4)?;
                Ok(DeletedContact {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    organization: r.get(2)?,
                    deleted_at: r.get(3)?,
                    reason: if reason == "merged" {
                        DeletedReason::Merged
                    } else {
                        DeletedReason::Deleted
                    },
                    merged_into: r.get(5)?,
                    merged_into_name: r.get(6)?,
                })
            },
        )
    }

    /// Brings a deleted contact back. A merged-away one comes back by undoing its merge, so its
    /// notes, encounters, follow-ups and attendance return to it (and the kept contact gets its
    /// fields from before the merge back, as [`Store::undo_merge`] does); a plainly deleted one
    /// as [`Store::restore_contact`] does.
    pub fn restore_deleted_contact(&mut self, id: i64) -> Result<Contact> {
        self.check_deleted(id)?;
        let merge: Option<i64> = super::first(
            &self.conn,
            "SELECT m.id FROM merges m JOIN contacts c ON c.id = m.merged_id
             WHERE m.merged_id = ?1 AND m.kept_id = c.merged_into AND m.undone_at IS NULL
             ORDER BY m.id DESC LIMIT 1",
            [id],
            |r| r.get(0),
        )?;
        match merge {
            Some(m) => {
                self.undo_merge(m)?;
                self.contact(id)
            }
            None => {
                // A merge whose record is gone cannot be undone: the contact comes back on its
                // own, and no longer counts as part of the kept one (which would otherwise take
                // it along when erased).
                exec(
                    &self.conn,
                    "UPDATE contacts SET merged_into = NULL WHERE id = ?1",
                    [id],
                )?;
                self.restore_contact(id)
            }
        }
    }

    /// Checks that contact `id` is deleted and not yet erased (`NotFound` otherwise), so that
    /// "erase for good" from the deleted list can never reach a live contact.
    pub fn check_deleted(&self, id: i64) -> Result<()> {
        let sql = "SELECT 1 FROM contacts WHERE id = ?1 AND deleted_at IS NOT NULL";
        found(&self.conn, sql, "deleted contact", id, |_| Ok(()))
    }

    /// The deleted contacts deleted before `cutoff`, oldest first: those to erase for good.
    pub fn deleted_before(&self, cutoff: DateTime<Utc>) -> Result<Vec<i64>> {
        all(
            &self.conn,
            "SELECT id FROM contacts WHERE deleted_at IS NOT NULL AND deleted_at < ?1
             ORDER BY deleted_at, id",
            [crate::clock::stored(cutoff)],
            |r| r.get(0),
        )
    }

    /// Prepares a merged-away contact for erasure: what the merge gave to the kept contact stays
    /// the kept contact's. Its invitations move to the kept contact, and the addresses the kept
    /// contact also holds leave the tombstone (the GDPR erase deletes every invitation sent to
    /// an address of the erased contact, which would take the kept one's along). Nothing to do
    /// for a plainly deleted contact or one whose kept contact is gone.
    pub fn release_merged(&mut self, id: i64) -> Result<()> {
        let tx = self.write()?;
        let kept: Option<i64> = super::first(
            &tx,
            "SELECT k.id FROM contacts c JOIN contacts k ON k.id = c.merged_into
             WHERE c.id = ?1 AND c.deleted_at IS NOT NULL",
            [id],
            |r| r.get(0),
        )?;
        if let Some(kept) = kept {
            exec(
                &tx,
                "UPDATE invitees SET contact_id = ?2 WHERE contact_id = ?1",
                params![id, kept],
            )?;
            exec(
                &tx,
                "DELETE FROM contact_emails WHERE contact_id = ?1 AND lower(value) IN
                   (SELECT lower(value) FROM contact_emails WHERE contact_id = ?2)",
                params![id, kept],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// How many days deleted contacts are kept before they are erased for good (the default,
    /// 30, when unset or unreadable).
    pub fn deleted_keep_days(&self) -> Result<u32> {
        Ok(settings::keep_days(
            self.setting(DELETED_KEEP_DAYS)?.as_deref(),
        ))
    }

    /// Sets how many days deleted contacts are kept; outside 1 to 3650 is refused.
    pub fn set_deleted_keep_days(&mut self, days: u32) -> Result<()> {
        let days = settings::check_keep_days(days)?;
        self.set_setting(DELETED_KEEP_DAYS, &days.to_string())
    }
}

impl std::fmt::Display for DeletedReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DeletedReason::Deleted => "deleted",
            DeletedReason::Merged => "merged",
        })
    }
}
