//! GDPR tools: everything stored about one person for an Art. 15 request, erasing a person
//! completely for Art. 17 (with a tombstone for sync that holds no personal data), and the
//! contacts not met for a long time, to review and erase.
//!
//! Erasing is a hard delete, unlike the everyday delete (a tombstone that can be undone): the
//! rows go, the search entries go, the full-text index is rewritten, and `secure_delete` (set when
//! the store opens) overwrites the freed pages; a WAL checkpoint then moves the result into the
//! database file so the log keeps no old page images.

use super::{Store, all, exec, json_value};
use crate::error::{Error, Result};
use crate::model::Contact;
use crate::vcard::{Version, write_vcard};
use rusqlite::params;
use serde::{Deserialize, Serialize};

/// Everything stored about one person (Art. 15).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PersonExport {
    /// When this export was made (RFC 3339).
    pub exported_at: String,
    /// Which program made it.
    pub exported_by: String,
    /// The contact with its notes, addresses, numbers, tags and Themenfelder.
    pub contact: Contact,
    /// Where the user met the person.
    pub encounters: Vec<serde_json::Value>,
    /// Events the person attended or registered for.
    pub attendance: Vec<serde_json::Value>,
    /// Follow-ups about the person.
    pub follow_ups: Vec<serde_json::Value>,
    /// Invitations sent to the person, with their answers.
    pub invitations: Vec<serde_json::Value>,
    /// Properties other clients stored on the person's card.
    pub other_properties: Vec<String>,
    /// Whether and where the card is on the user's sync server.
    pub on_sync_server: Option<String>,
    /// The contact as a vCard 4.0.
    pub vcard: String,
}

/// A contact not met for a long time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaleContact {
    /// Contact id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Organisation.
    pub organization: Option<String>,
    /// Last encounter or attended event (RFC 3339 or date), if any.
    pub last_met: Option<String>,
    /// When the contact was created.
    pub created_at: String,
}

fn rows(conn: &rusqlite::Connection, sql: &str, id: i64) -> Result<Vec<serde_json::Value>> {
    let mut stmt = conn.prepare(sql)?;
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let out = stmt
        .query_map([id], |r| {
            let mut m = serde_json::Map::new();
            for (i, n) in names.iter().enumerate() {
                m.insert(n.clone(), json_value(r.get(i)?));
            }
            Ok(serde_json::Value::Object(m))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(out)
}

impl Store {
    /// Everything stored about contact `id` (also a deleted one, which is still stored).
    pub fn export_person(&self, id: i64) -> Result<PersonExport> {
        let contact = self.contact_any(id)?;
        let org = contact.organization_id.map(|o| self.org(o)).transpose()?;
        let vcard = write_vcard(&contact, org.as_ref(), Version::V4);
        Ok(PersonExport {
            exported_at: self.now_text(),
            exported_by: concat!("Vernetzt ", env!("CARGO_PKG_VERSION")).into(),
            encounters: rows(
                &self.conn,
                "SELECT n.met_at, e.title AS event, n.session, n.note, n.created_at
                 FROM encounters n LEFT JOIN events e ON e.id = n.event_id
                 WHERE n.contact_id = ?1 ORDER BY n.met_at",
                id,
            )?,
            attendance: rows(
                &self.conn,
                "SELECT e.title AS event, e.start_utc AS event_start, a.occurrence_start, a.status,
                        a.updated_at
                 FROM attendance a JOIN events e ON e.id = a.event_id
                 WHERE a.contact_id = ?1 ORDER BY e.start_utc",
                id,
            )?,
            follow_ups: rows(
                &self.conn,
                "SELECT due_date, text, done_at, created_at FROM follow_ups
                 WHERE contact_id = ?1 ORDER BY due_date",
                id,
            )?,
            invitations: rows(
                &self.conn,
                "SELECT e.title AS event, e.start_utc AS event_start, i.name, i.email, i.partstat,
                        i.answered_at, i.invited_at, i.removed_at,
                        (SELECT group_concat(o.method || ' ' || o.status || ' ' || o.updated_at, '; ')
                         FROM outbox o WHERE o.invitee_id = i.id) AS messages
                 FROM invitees i JOIN events e ON e.id = i.event_id
                 WHERE i.contact_id = ?1
                    OR i.email IN (SELECT lower(value) FROM contact_emails WHERE contact_id = ?1)
                 ORDER BY e.start_utc",
                id,
            )?,
            other_properties: all(
                &self.conn,
                "SELECT line FROM contact_extra WHERE contact_id = ?1 ORDER BY position",
                [id],
                |r| r.get(0),
            )?,
            on_sync_server: self.dav_item(&contact.uid)?.map(|i| i.href),
            vcard,
            contact,
        })
    }

    /// Erases contact `id` completely (GDPR Art. 17), with every contact merged into it: the
    /// rows, notes, encounters, attendance, follow-ups, invitations (by contact and by address),
    /// conflicts, other clients' properties, the last synced card, the search entries; freed
    /// pages are overwritten. What stays is a journal entry "delete this UID" for the sync (a
    /// random UUID, no personal data), so the card is deleted on the server too.
    pub fn erase_person(&mut self, id: i64) -> Result<()> {
        let (tx, t) = self.begin()?;
        let ids: Vec<i64> = all(
            &tx,
            "WITH RECURSIVE merged(id) AS (SELECT ?1 UNION SELECT c.id FROM contacts c
               JOIN merged m ON c.merged_into = m.id) SELECT id FROM merged",
            [id],
            |r| r.get(0),
        )?;
        let known: bool = tx.query_row(
            "SELECT count(*) > 0 FROM contacts WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?;
        if !known {
            return Err(Error::not_found("contact", id.to_string()));
        }
        for cid in &ids {
            let uid: String =
                tx.query_row("SELECT uid FROM contacts WHERE id = ?1", [cid], |r| {
                    r.get(0)
                })?;
            let on_server: bool = tx.query_row(
                "SELECT count(*) > 0 FROM dav_items WHERE kind = 'contact' AND uid = ?1",
                [&uid],
                |r| r.get(0),
            )?;
            for sql in [
                "DELETE FROM invitees WHERE contact_id = ?1
                    OR email IN (SELECT lower(value) FROM contact_emails WHERE contact_id = ?1)",
                "DELETE FROM contact_notes_search WHERE rowid = ?1",
                "DELETE FROM notes WHERE contact_id = ?1",
                "DELETE FROM encounters WHERE contact_id = ?1",
                "DELETE FROM attendance WHERE contact_id = ?1",
                "DELETE FROM follow_ups WHERE contact_id = ?1",
                "DELETE FROM contact_extra WHERE contact_id = ?1",
                "DELETE FROM merges WHERE kept_id = ?1 OR merged_id = ?1",
            ] {
                exec(&tx, sql, [cid])?;
            }
            exec(
                &tx,
                "DELETE FROM sync_conflicts WHERE contact_uid = ?1",
                [&uid],
            )?;
            // The journal keeps only the deletion of the card (UIDs are random, not personal).
            exec(
                &tx,
                "DELETE FROM change_journal WHERE synced_at IS NULL AND entity = 'contact' AND entity_uid = ?1",
                [&uid],
            )?;
            if on_server {
                exec(
                    &tx,
                    "UPDATE dav_items SET base = NULL WHERE kind = 'contact' AND uid = ?1",
                    [&uid],
                )?;
                exec(
                    &tx,
                    "INSERT INTO change_journal(entity, entity_uid, op, changed_at) VALUES ('contact', ?1, 'delete', ?2)",
                    params![uid, t],
                )?;
            }
            if self_is_me(&tx, *cid)? {
                exec(&tx, "DELETE FROM settings WHERE key = 'me_contact_id'", [])?;
            }
            exec(
                &tx,
                "UPDATE contacts SET merged_into = NULL WHERE merged_into = ?1",
                [cid],
            )?;
            exec(&tx, "DELETE FROM contacts WHERE id = ?1", [cid])?;
        }
        tx.commit()?;
        // Rewrite the full-text index so no segment keeps the notes' words, then move
        // everything into the main file; secure_delete has zeroed the freed pages.
        self.conn.execute(
            "INSERT INTO contact_notes_search(contact_notes_search) VALUES ('optimize')",
            [],
        )?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        *self.search_index.borrow_mut() = None;
        Ok(())
    }

    /// Contacts not met (no encounter, no attended event) for `months` months before `now`,
    /// and created before that: the list to review and erase. Oldest first.
    pub fn stale_contacts(
        &self,
        months: u32,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<StaleContact>> {
        if months > crate::rules::MAX_STALE_MONTHS {
            return Err(Error::invalid(
                "months_out_of_range",
                "months",
                format!(
                    "{months} months is more than the {} the review looks back",
                    crate::rules::MAX_STALE_MONTHS
                ),
            ));
        }
        let cutoff = (now - chrono::Duration::days(i64::from(months) * 365 / 12))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        all(
            &self.conn,
            "WITH last AS (
               SELECT c.id,
                      max(ifnull((SELECT max(met_at) FROM encounters WHERE contact_id = c.id), ''),
                          ifnull((SELECT max(e.start_utc) FROM attendance a JOIN events e ON e.id = a.event_id
                                  WHERE a.contact_id = c.id AND a.status = 'attended'), '')) AS met
               FROM contacts c WHERE c.deleted_at IS NULL)
             SELECT c.id, c.display_name, o.name, nullif(l.met, ''), c.created_at
             FROM contacts c JOIN last l ON l.id = c.id
             LEFT JOIN organizations o ON o.id = c.organization_id
             WHERE ifnull(nullif(l.met, ''), c.created_at) < ?1
             ORDER BY ifnull(nullif(l.met, ''), c.created_at), c.id",
            [cutoff],
            |r| read_row!(r => StaleContact { id, name, organization, last_met, created_at }),
        )
    }
}

fn self_is_me(tx: &rusqlite::Transaction<'_>, id: i64) -> Result<bool> {
    Ok(tx.query_row(
        "SELECT count(*) > 0 FROM settings WHERE key = 'me_contact_id' AND value = ?1",
        [id.to_string()],
        |r| r.get(0),
    )?)
}

#[cfg(test)]
mod tests {
    use crate::Store;
    use crate::invite::InviteeFilter;
    use crate::model::{AttendanceStatus, ContactInput, Labeled};
    use crate::test_support::{contact, own_event};

    fn raw(path: &std::path::Path) -> Vec<u8> {
        let mut bytes = std::fs::read(path).unwrap();
        for ext in ["db-wal", "db-shm"] {
            bytes.extend(std::fs::read(path.with_extension(ext)).unwrap_or_default());
        }
        bytes.to_ascii_lowercase()
    }

    #[test]
    fn export_then_erase_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.db");
        let mut s = Store::open(&path).unwrap();
        s.set_setting("organizer_email", "orga@fitko.example")
            .unwrap();
        let quendel = ContactInput {
            display_name: Some("Zacharias Quendel".into()),
            emails: vec![Labeled::plain("zq@geheimamt.example")],
            tags: vec!["Vertraulich".into()],
            ..Default::default()
        };
        let note = "Geheimprojekt Xylophon besprochen";
        let c = s.create_contact(&quendel, Some(note)).unwrap();
        let keep = contact(&mut s, "Anna Adler", None);
        let ev = own_event(&mut s, "OZG-Erfahrungsaustausch");
        s.mark_attendance(&ev, Some(c.id), AttendanceStatus::Attended)
            .unwrap();
        s.add_encounter(
            c.id,
            Some(&ev),
            Some("Workshop"),
            Some("Kaffeepause Quendel"),
        )
        .unwrap();
        s.add_follow_up(
            c.id,
            chrono::NaiveDate::from_ymd_opt(2027, 4, 1).unwrap(),
            "Quendel anrufen",
        )
        .unwrap();
        s.add_invitees(&ev.uid, &[c.id], &InviteeFilter::default())
            .unwrap();
        assert!(!s.search("Quendel", 10).unwrap().is_empty());

        let x = s.export_person(c.id).unwrap();
        assert_eq!(x.contact.notes.len(), 1);
        assert_eq!(x.encounters.len(), 1);
        assert_eq!(x.attendance.len(), 1);
        assert_eq!(x.follow_ups.len(), 1);
        assert_eq!(x.invitations.len(), 1);
        assert!(x.vcard.contains("Zacharias Quendel"));

        s.erase_person(c.id).unwrap();
        assert!(s.search("Quendel", 10).unwrap().is_empty());
        assert!(s.search("Xylophon", 10).unwrap().is_empty());
        assert_eq!(s.list_contacts(0, 100).unwrap().total, 1);
        assert!(s.contact_any(c.id).is_err());
        assert!(s.contact(keep).is_ok());
        assert!(s.invitees(&ev.uid).unwrap().is_empty());
        drop(s);
        let bytes = raw(&path);
        for needle in ["quendel", "zq@geheimamt", "xylophon", "vertraulich"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "'{needle}' still in the database files"
            );
        }
    }

    #[test]
    fn stale_months_are_bounded() {
        let s = Store::open_in_memory().unwrap();
        let now = s.now();
        for months in [crate::rules::MAX_STALE_MONTHS + 1, u32::MAX] {
            let e = s.stale_contacts(months, now).unwrap_err();
            assert!(e.to_string().contains("months"), "{e}");
        }
        assert!(
            s.stale_contacts(crate::rules::MAX_STALE_MONTHS, now)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn stale_contacts_by_last_meeting() {
        let mut s = Store::open_in_memory().unwrap();
        let add = |s: &mut Store, name: &str| {
            s.create_contact(
                &ContactInput {
                    display_name: Some(name.into()),
                    ..Default::default()
                },
                None,
            )
            .unwrap()
            .id
        };
        let old = add(&mut s, "Olga Alt");
        let met = add(&mut s, "Nina Neu");
        let never = add(&mut s, "Karl Keinmal");
        s.add_encounter(old, None, None, None).unwrap();
        s.add_encounter(met, None, None, None).unwrap();
        s.conn
            .execute(
                "UPDATE encounters SET met_at = '2022-01-10T10:00:00Z' WHERE contact_id = ?1",
                [old],
            )
            .unwrap();
        s.conn
            .execute(
                "UPDATE contacts SET created_at = '2021-05-01T10:00:00Z' WHERE id IN (?1, ?2)",
                [old, never],
            )
            .unwrap();
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let list = s.stale_contacts(24, now).unwrap();
        let ids: Vec<i64> = list.iter().map(|c| c.id).collect();
        assert_eq!(
            ids,
            vec![never, old],
            "oldest first; the recently met one is not listed"
        );
        assert_eq!(list[1].last_met.as_deref(), Some("2022-01-10T10:00:00Z"));
    }
}
