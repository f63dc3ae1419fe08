//! Answers to invitations (the `partstat` columns of `invitees`): reading reply files and
//! storing each attendee's answer, newest (by DTSTAMP) wins.

use super::{Entity, Store, exec, first, journal, tuple};
use crate::error::Result;
use crate::ical::itip::Reply;
use rusqlite::params;
use serde::{Deserialize, Serialize};

/// What importing replies did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyReport {
    /// Answers stored.
    pub applied: usize,
    /// Answers older than one already stored (ignored).
    pub stale: usize,
    /// Answers for events that are not own events here.
    pub unknown_event: usize,
    /// Answers from addresses not on the event's list.
    pub unknown_attendee: Vec<String>,
    /// The events touched, by UID.
    pub events: Vec<String>,
}

/// What reading a reply file did: the store's report plus what could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyImport {
    /// What was stored.
    pub report: ReplyReport,
    /// Answers found in the file.
    pub found: usize,
    /// Problems, in plain words, with the line where known.
    pub warnings: Vec<String>,
}

impl Store {
    /// Reads a reply file (`.ics` or `.eml`) and stores the answers it holds.
    pub fn import_reply(&mut self, bytes: &[u8]) -> Result<ReplyImport> {
        let (replies, warnings) = crate::invite::read_reply_file(bytes);
        let report = self.apply_replies(&replies)?;
        Ok(ReplyImport {
            report,
            found: replies.len(),
            warnings: warnings.iter().map(|w| w.to_string()).collect(),
        })
    }

    /// Stores attendees' answers. An answer older (by DTSTAMP) than the one stored is ignored;
    /// answers for unknown events or addresses are counted, not stored.
    pub fn apply_replies(&mut self, replies: &[Reply]) -> Result<ReplyReport> {
        let mut report = ReplyReport::default();
        let (tx, t) = self.begin()?;
        for r in replies {
            let sql = "SELECT id FROM events WHERE uid = ?1 AND feed_id IS NULL
                         AND deleted_at IS NULL AND recurrence_id IS NULL";
            let Some(event_id): Option<i64> = first(&tx, sql, [&r.uid], |x| x.get(0))? else {
                report.unknown_event += 1;
                continue;
            };
            let sql = "SELECT id, answered_at FROM invitees WHERE event_id = ?1 AND email = ?2";
            let email = r.email.to_lowercase();
            let row: Option<(i64, Option<String>)> =
                first(&tx, sql, params![event_id, email], tuple)?;
            let Some((id, answered)) = row else {
                report.unknown_attendee.push(r.email.clone());
                continue;
            };
            if let (Some(old), Some(new)) = (&answered, &r.answered_at)
                && new < old
            {
                report.stale += 1;
                continue;
            }
            exec(
                &tx,
                "UPDATE invitees SET partstat = ?2, answered_at = ?3, answered_sequence = ?4
                 WHERE id = ?1",
                params![
                    id,
                    r.partstat,
                    r.answered_at.clone().unwrap_or_else(|| t.clone()),
                    r.sequence
                ],
            )?;
            report.applied += 1;
            if !report.events.contains(&r.uid) {
                report.events.push(r.uid.clone());
                journal(&tx, Entity::Event, &r.uid, "upsert", &t)?;
            }
        }
        tx.commit()?;
        Ok(report)
    }
}
