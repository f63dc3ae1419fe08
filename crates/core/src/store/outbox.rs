//! The outbox of invitations (`outbox`): planning a send run so it can resume after a crash
//! without sending twice, building each person's message (iTIP in an iMIP e-mail, the text from
//! the template), and the files for sending by hand. The rules of what to send live in
//! [`crate::invite::plan`]; this file loads and stores.

use super::invitees::{INVITE_SUBJECT, INVITE_TEMPLATE};
use super::{Store, all, exec, new_uid};
use crate::error::{Error, Result};
use crate::ical::itip::{self, Invitation, Method, Person};
use crate::invite::{
    CANCEL_TEMPLATE, DEFAULT_SUBJECT, DEFAULT_TEMPLATE, ExportFile, MessageKind, PlanInvitee,
    TemplateValues, german_time, plan, render,
};
use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};

/// A message waiting in (or gone through) the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxItem {
    /// Row id.
    pub id: i64,
    /// Recipient's address.
    pub email: String,
    /// Recipient's name.
    pub name: String,
    /// Request or cancel.
    pub kind: MessageKind,
    /// The event's SEQUENCE in this message.
    pub sequence: i64,
    /// Message-ID header (stable across retries, so a mail client can drop a repeat).
    pub message_id: String,
}

/// What a send run has to do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxPlan {
    /// Messages to send now, in order.
    pub to_send: Vec<OutboxItem>,
    /// Messages a previous run was sending when it stopped: they may have arrived, so they are
    /// not sent again unless the user asks.
    pub uncertain: Vec<OutboxItem>,
}

/// A file name made of safe characters only.
fn safe_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "@._-".contains(c) {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(120)
        .collect()
}

impl Store {
    fn template(&self, kind: MessageKind) -> Result<(String, String)> {
        Ok(match kind {
            MessageKind::Request => (
                self.setting(INVITE_SUBJECT)?
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or_else(|| DEFAULT_SUBJECT.into()),
                self.setting(INVITE_TEMPLATE)?
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or_else(|| DEFAULT_TEMPLATE.into()),
            ),
            MessageKind::Cancel => ("Abgesagt: {titel}".into(), CANCEL_TEMPLATE.into()),
        })
    }

    /// The e-mail (RFC 6047) for one person: the event with only that attendee, so invitees
    /// do not see each other's addresses, and the text from the template.
    fn message(
        &self,
        inv: &Invitation,
        kind: MessageKind,
        to: &Person,
        message_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Vec<u8>> {
        let method = match kind {
            MessageKind::Request => Method::Request,
            MessageKind::Cancel => Method::Cancel,
        };
        let ics = itip::write(inv, method, Some(std::slice::from_ref(to)), now);
        let (subject, body) = self.template(kind)?;
        let values = TemplateValues {
            name: to.name.clone(),
            title: inv.title.clone(),
            start: german_time(&inv.start, false),
            end: german_time(&inv.end, true),
            location: inv.location.clone().unwrap_or_default(),
            link: inv.url.clone().unwrap_or_default(),
            description: inv.description.clone().unwrap_or_default(),
            organizer: inv.organizer.name.clone(),
        };
        let subject = render(&subject, &values);
        crate::ical::imip::email(
            &inv.organizer,
            to,
            subject.trim(),
            &render(&body, &values),
            &ics,
            method,
            message_id,
        )
        .map_err(|e| Error::invalid("email_invalid", "email", e.to_string()))
    }

    /// The files for sending by hand: one `.ics` with every attendee (REQUEST, or CANCEL when
    /// the event is cancelled) and one `.eml` per person still on the list.
    pub fn export_invitations(&self, uid: &str, now: DateTime<Utc>) -> Result<Vec<ExportFile>> {
        let (inv, cancelled) = self.invitation(uid)?;
        let (kind, method, stem) = if cancelled {
            (MessageKind::Cancel, Method::Cancel, "absage")
        } else {
            (MessageKind::Request, Method::Request, "einladung")
        };
        let mut files = vec![ExportFile {
            name: format!("{stem}.ics"),
            bytes: itip::write(&inv, method, None, now).into_bytes(),
        }];
        for (n, p) in inv.attendees.iter().enumerate() {
            files.push(ExportFile {
                name: format!("{stem}-{:04}-{}.eml", n + 1, safe_name(&p.email)),
                bytes: self.message(&inv, kind, p, None, now)?,
            });
        }
        Ok(files)
    }

    /// The CANCEL files for people just taken off the list.
    pub fn export_cancellations(
        &self,
        uid: &str,
        removed: &[Person],
        now: DateTime<Utc>,
    ) -> Result<Vec<ExportFile>> {
        let (inv, _) = self.invitation_without_attendees(uid)?;
        let mut files = Vec::new();
        for (n, p) in removed.iter().enumerate() {
            files.push(ExportFile {
                name: format!("absage-{:04}-{}.eml", n + 1, safe_name(&p.email)),
                bytes: self.message(&inv, MessageKind::Cancel, p, None, now)?,
            });
        }
        Ok(files)
    }

    /// Plans what a send run does: new messages are added as `pending` (an update supersedes
    /// an unsent older one), then every pending or failed message is returned to send, and
    /// those a killed run left in `sending` as uncertain (or to send, with `resend_uncertain`).
    pub fn plan_outbox(&mut self, uid: &str, resend_uncertain: bool) -> Result<OutboxPlan> {
        let ev = self.own_event_row(uid)?;
        self.organizer()?;
        let (tx, t) = self.begin()?;
        // Each message as [method, sequence] (JSON from SQLite).
        let messages = |json: String| {
            let parsed: Vec<(String, i64)> = serde_json::from_str(&json).unwrap_or_default();
            let read = |(m, s): (String, i64)| (MessageKind::from_stored(&m), s);
            parsed.into_iter().map(read).collect()
        };
        let invitees: Vec<PlanInvitee> = all(
            &tx,
            "SELECT i.id, i.removed_at IS NULL,
                    (SELECT json_group_array(json_array(o.method, o.sequence)) FROM outbox o
                     WHERE o.invitee_id = i.id AND o.status <> 'superseded')
             FROM invitees i WHERE i.event_id = ?1 ORDER BY i.name COLLATE NOCASE, i.id",
            [ev.id],
            |r| read_row!(r, c => PlanInvitee { id, active, messages = messages(c.next()?) }),
        )?;
        for (invitee, kind) in plan(ev.sequence, ev.cancelled, &invitees) {
            // An older message not yet sent is replaced by this one.
            exec(
                &tx,
                "UPDATE outbox SET status = 'superseded', updated_at = ?2
                 WHERE invitee_id = ?1 AND status IN ('pending', 'failed')",
                params![invitee, t],
            )?;
            exec(
                &tx,
                "INSERT INTO outbox(invitee_id, method, sequence, status, message_id, updated_at)
                 VALUES (?1, ?2, ?3, 'pending', ?4, ?5)",
                params![
                    invitee,
                    kind.as_str(),
                    ev.sequence,
                    format!("<{}@vernetzt>", new_uid()),
                    t
                ],
            )?;
        }
        if resend_uncertain {
            // The user decided that the messages a killed run left uncertain go out again:
            // they become ordinary pending messages, claimed like any other.
            exec(
                &tx,
                "UPDATE outbox SET status = 'pending', updated_at = ?2
                 WHERE status = 'sending'
                   AND invitee_id IN (SELECT id FROM invitees WHERE event_id = ?1)",
                params![ev.id, t],
            )?;
        }
        tx.commit()?;
        let mut plan = OutboxPlan::default();
        // Each message with its status.
        let rows: Vec<(OutboxItem, String)> = all(
            &self.conn,
            "SELECT o.id, i.email, i.name, o.method, o.sequence, o.message_id, o.status
             FROM outbox o JOIN invitees i ON i.id = o.invitee_id
             WHERE i.event_id = ?1 AND o.status IN ('pending', 'failed', 'sending')
             ORDER BY o.id",
            [ev.id],
            |r| {
                let item: rusqlite::Result<_> = read_row!(r, c => OutboxItem {
                    id, email, name, kind = MessageKind::from_stored(&c.next::<String>()?),
                    sequence, message_id,
                });
                Ok((item?, r.get(6)?))
            },
        )?;
        for (item, status) in rows {
            if status == "sending" && !resend_uncertain {
                plan.uncertain.push(item);
            } else {
                plan.to_send.push(item);
            }
        }
        Ok(plan)
    }

    /// The bytes of one outbox message, built now (DTSTAMP = `now`) with its stable Message-ID.
    pub fn outbox_message(
        &self,
        uid: &str,
        item: &OutboxItem,
        now: DateTime<Utc>,
    ) -> Result<Vec<u8>> {
        let (mut inv, _) = self.invitation_without_attendees(uid)?;
        inv.sequence = item.sequence;
        let to = Person {
            name: item.name.clone(),
            email: item.email.clone(),
        };
        self.message(&inv, item.kind, &to, Some(&item.message_id), now)
    }

    /// Claims a message for sending: only a `pending` or `failed` one, and only once. Committed
    /// before the SMTP transaction starts, so a run killed during it leaves the message marked
    /// uncertain, not unsent. Returns false when the message is not (or no longer) to send:
    /// the app and the CLI sending the same event at once plan the same messages, and the one
    /// UPDATE decides which of them delivers each, so nobody gets an invitation twice.
    pub fn outbox_sending(&mut self, id: i64) -> Result<bool> {
        let claimed = self.conn.execute(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = ?2
             WHERE id = ?1 AND status IN ('pending', 'failed')",
            params![id, self.now_text()],
        )?;
        Ok(claimed == 1)
    }

    /// Records the outcome of one message: sent (`error` None) or failed with the reason.
    pub fn outbox_done(&mut self, id: i64, error: Option<&str>) -> Result<()> {
        exec(
            &self.conn,
            "UPDATE outbox SET status = ?2, error = ?3, updated_at = ?4 WHERE id = ?1",
            params![
                id,
                if error.is_some() { "failed" } else { "sent" },
                error,
                self.now_text()
            ],
        )?;
        Ok(())
    }
}
