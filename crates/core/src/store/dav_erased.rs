//! What keeps an erased person erased across the sync (GDPR Art. 17): the list of erased UIDs
//! (`erased_uids`, random UUIDs, no personal data), the erased addresses as keyed hashes
//! (`erased_addresses` under `erasure_key`), and how a pull meets a card or an attendee on those
//! lists. The erase itself (every row about the person) is `privacy.rs`; the rule for what goes
//! up is [`crate::sync::plan_push`] (`PushOp::Erase`). No network here.
//!
//! Order of an erasure ([`crate::export::erase_people`]): first [`Store::record_erasure`] (the
//! UIDs and hashed addresses are listed, the own events that invited the person queued for
//! upload), then `erase_person`. A crash between the two leaves a contact whose UID is listed;
//! [`Store::finish_erasures`], run before every sync, erases it then, so the intent, once
//! recorded, is carried out and nothing about the person is uploaded meanwhile.

use super::{Entity, PullOutcome, Store, all, exec, first, found, journal};
use crate::error::Result;
use hmac::{Hmac, KeyInit, Mac};
use rusqlite::{Connection, params};
use sha2::Sha256;

/// An address as it is compared: trimmed, lower case (invitees store it so).
fn normal(email: &str) -> String {
    email.trim().to_lowercase()
}

/// HMAC-SHA-256 of the normalised address under the database's own key.
fn digest(key: &[u8], email: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(normal(email).as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn key(conn: &Connection) -> Result<Vec<u8>> {
    let sql = "SELECT key FROM erasure_key WHERE id = 1";
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

/// Whether a pulled own event must leave `email` out: it belonged to an erased person, and no
/// contact here has it now (a contact with the address means the user took the person up
/// again, and inviting them is the user's choice).
pub(super) fn attendee_erased(conn: &Connection, email: &str) -> Result<bool> {
    let listed: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM erased_addresses WHERE digest = ?1)",
        [digest(&key(conn)?, email)],
        |r| r.get(0),
    )?;
    if !listed {
        return Ok(false);
    }
    let known: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM contact_emails m JOIN contacts c ON c.id = m.contact_id
                        WHERE m.value = ?1 COLLATE NOCASE AND c.deleted_at IS NULL)",
        [normal(email)],
        |r| r.get(0),
    )?;
    Ok(!known)
}

impl Store {
    /// Records the erasure of contact `id` and every contact merged into it, before their rows
    /// go: their UIDs join the erased list, their addresses (on the contact and on invitations)
    /// the hashed list, and every own event that invited one of them is queued for upload, so
    /// the calendar's copy loses the ATTENDEE once the invitee rows are gone.
    pub fn record_erasure(&mut self, id: i64) -> Result<()> {
        let (tx, t) = self.begin()?;
        // The contact and, level by level, those merged into it (as `erase_person` erases them).
        let mut ids = vec![id];
        let mut next = 0;
        while let Some(&cid) = ids.get(next) {
            let sql = "SELECT id FROM contacts WHERE merged_into = ?1 ORDER BY id";
            ids.extend(all::<i64, Vec<_>>(&tx, sql, [cid], |r| r.get(0))?);
            next += 1;
        }
        let key = key(&tx)?;
        for cid in &ids {
            let sql = "SELECT uid FROM contacts WHERE id = ?1";
            let uid: String = found(&tx, sql, "contact", *cid, |r| r.get(0))?;
            exec(
                &tx,
                "INSERT INTO erased_uids(uid, erased_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![uid, t],
            )?;
            let emails: Vec<String> = all(
                &tx,
                "SELECT value FROM contact_emails WHERE contact_id = ?1
                 UNION SELECT email FROM invitees WHERE contact_id = ?1",
                [cid],
                |r| r.get(0),
            )?;
            for email in &emails {
                exec(
                    &tx,
                    "INSERT INTO erased_addresses(digest) VALUES (?1) ON CONFLICT DO NOTHING",
                    [digest(&key, email)],
                )?;
            }
            let addresses: Vec<String> = emails.iter().map(|e| normal(e)).collect();
            let addresses = serde_json::to_string(&addresses).expect("addresses");
            let events: Vec<String> = all(
                &tx,
                "SELECT DISTINCT e.uid FROM invitees i JOIN events e ON e.id = i.event_id
                 WHERE e.feed_id IS NULL AND e.deleted_at IS NULL
                   AND (i.contact_id = ?1 OR i.email IN (SELECT value FROM json_each(?2)))",
                params![cid, addresses],
                |r| r.get(0),
            )?;
            for ev in events {
                journal(&tx, Entity::Event, &ev, "upsert", &t)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Erases every contact whose UID is on the erased list but whose rows are still here (an
    /// erasure interrupted between [`Store::record_erasure`] and the erase). Run before each
    /// sync; returns how many it erased.
    pub fn finish_erasures(&mut self) -> Result<usize> {
        let mut n = 0;
        // One at a time: erasing one also erases the contacts merged into it.
        loop {
            let next: Option<i64> = first(
                &self.conn,
                "SELECT c.id FROM contacts c JOIN erased_uids x ON x.uid = c.uid
                 ORDER BY c.merged_into IS NOT NULL, c.id LIMIT 1",
                [],
                |r| r.get(0),
            )?;
            let Some(id) = next else { return Ok(n) };
            self.erase_person(id)?;
            n += 1;
        }
    }

    /// Whether the contact UID was erased here.
    pub fn is_erased(&self, uid: &str) -> Result<bool> {
        let sql = "SELECT EXISTS (SELECT 1 FROM erased_uids WHERE uid = ?1)";
        Ok(self.conn.query_row(sql, [uid], |r| r.get(0))?)
    }

    /// A pull met the card of an erased UID at `href`: nothing of it is stored (no contact, no
    /// base card), only where it is and its ETag, and its deletion is queued, so the push
    /// deletes it there again (`PushOp::Erase`).
    pub(super) fn erased_card_seen(
        &mut self,
        uid: &str,
        href: &str,
        etag: Option<&str>,
    ) -> Result<PullOutcome> {
        let (tx, t) = self.begin()?;
        exec(
            &tx,
            "INSERT INTO dav_items(kind, uid, href, etag, base, synced_at)
             VALUES ('contact', ?1, ?2, ?3, NULL, ?4)
             ON CONFLICT(kind, uid) DO UPDATE SET href = excluded.href, etag = excluded.etag,
                 base = NULL, synced_at = excluded.synced_at",
            params![uid, href, etag, t],
        )?;
        let queued: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM change_journal WHERE synced_at IS NULL
                              AND entity = 'contact' AND entity_uid = ?1 AND op = 'delete')",
            [uid],
            |r| r.get(0),
        )?;
        if !queued {
            journal(&tx, Entity::Contact, uid, "delete", &t)?;
        }
        tx.commit()?;
        Ok(PullOutcome::Erased)
    }
}

#[cfg(test)]
mod tests {
    use crate::export::erase_people;
    use crate::store::PullOutcome;
    use crate::sync::{PushOp, plan_push};
    use crate::test_support::{contact, own_event};
    use crate::{Store, invite::InviteeFilter};

    fn card(uid: &str, name: &str) -> String {
        format!(
            "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:{uid}\r\nFN:{name}\r\nEMAIL:zq@geheimamt.example\r\nEND:VCARD\r\n"
        )
    }

    /// A contact synced once (its card on the server at `/book/q.vcf`, ETag "1"), then erased.
    fn erased(s: &mut Store) -> String {
        let id = contact(s, "Zacharias Quendel", Some("zq@geheimamt.example"));
        let uid = s.contact(id).unwrap().uid;
        let text = s.card_for_push(&uid).unwrap().unwrap();
        s.record_item(&uid, "/book/q.vcf", Some("\"1\""), &text)
            .unwrap();
        let (_, max) = s.sync_changes().unwrap();
        s.mark_synced(max, std::slice::from_ref(&uid), "2026-12-01T10:00:00Z")
            .unwrap();
        erase_people(s, &[id]).unwrap();
        uid
    }

    fn plan(s: &Store) -> Vec<PushOp> {
        plan_push(&s.sync_changes().unwrap().0)
    }

    #[test]
    fn a_card_changed_there_after_the_erasure_is_not_stored_and_deleted_again() {
        let mut s = Store::open_in_memory().unwrap();
        let uid = erased(&mut s);
        assert!(s.is_erased(&uid).unwrap());
        assert_eq!(plan(&s), [PushOp::Erase(uid.clone())]);
        // Another device changed the card before this one's next sync: the pull meets it.
        let changed = card(&uid, "Zacharias Quendel (neu)");
        for outcome in [
            s.apply_remote_batch(&[("/book/q.vcf".into(), Some("\"2\"".into()), changed.clone())])
                .unwrap()
                .remove(0),
            s.apply_remote("/book/q.vcf", Some("\"3\""), &changed)
                .unwrap(),
        ] {
            assert_eq!(outcome, PullOutcome::Erased);
        }
        assert_eq!(s.list_contacts(0, 10).unwrap().total, 0, "not back here");
        assert!(s.search("Quendel", 10).unwrap().is_empty());
        let item = s.dav_item(&uid).unwrap().unwrap();
        assert_eq!(
            item.etag.as_deref(),
            Some("\"3\""),
            "the newest version is deleted"
        );
        assert_eq!(item.base, None, "nothing of the card is kept");
        assert_eq!(
            plan(&s),
            [PushOp::Erase(uid.clone())],
            "one deletion queued"
        );
        // Deleted there: nothing more to do.
        s.forget_item(&uid).unwrap();
        assert!(plan(&s).is_empty());
        // A card the server still lists later (another client put it back) goes again.
        s.apply_remote_batch(&[("/book/q2.vcf".into(), Some("\"9\"".into()), changed)])
            .unwrap();
        assert_eq!(s.list_contacts(0, 10).unwrap().total, 0);
        assert_eq!(plan(&s), [PushOp::Erase(uid)]);
    }

    #[test]
    fn an_interrupted_erasure_is_finished_before_the_sync() {
        let mut s = Store::open_in_memory().unwrap();
        let id = contact(&mut s, "Zacharias Quendel", Some("zq@geheimamt.example"));
        let keep = contact(&mut s, "Anna Adler", None);
        let uid = s.contact(id).unwrap().uid;
        s.record_erasure(id).unwrap();
        // Killed here, before the rows went: the contact's card must not go up.
        assert!(!plan(&s).contains(&PushOp::Put(uid.clone())));
        assert_eq!(s.finish_erasures().unwrap(), 1);
        assert!(s.contact_any(id).is_err());
        assert!(s.contact(keep).is_ok());
        assert_eq!(s.finish_erasures().unwrap(), 0);
    }

    #[test]
    fn own_events_lose_the_erased_invitee_here_and_in_the_calendar() {
        let mut s = Store::open_in_memory().unwrap();
        s.set_setting(crate::settings::ORGANIZER_EMAIL, "orga@fitko.example")
            .unwrap();
        let q = contact(&mut s, "Zacharias Quendel", Some("zq@geheimamt.example"));
        let a = contact(&mut s, "Anna Adler", Some("anna@land.example"));
        let ev = own_event(&mut s, "OZG-Erfahrungsaustausch");
        s.add_invitees(&ev.uid, &[q, a], &InviteeFilter::default())
            .unwrap();
        let now = s.now();
        let before = s.event_object(&ev.uid, now).unwrap().unwrap();
        assert!(before.contains("zq@geheimamt.example"));
        let at = "2026-12-01T10:00:00Z";
        s.mark_events_synced(i64::MAX, std::slice::from_ref(&ev.uid), at)
            .unwrap();

        erase_people(&mut s, &[q]).unwrap();
        let queued = s.sync_event_changes().unwrap();
        assert_eq!(queued.len(), 1, "the event goes up again");
        assert_eq!(queued[0].uid, ev.uid);
        let after = s.event_object(&ev.uid, now).unwrap().unwrap();
        assert!(!after.contains("zq@geheimamt"), "{after}");
        assert!(after.contains("anna@land.example"));
        s.mark_events_synced(i64::MAX, std::slice::from_ref(&ev.uid), at)
            .unwrap();

        // Another device puts the old version (with the ATTENDEE) back: not re-added here, and
        // the event is queued so the calendar's copy loses them again.
        s.apply_remote_event(&before).unwrap();
        let emails = |s: &Store| -> Vec<String> {
            s.invitees(&ev.uid)
                .unwrap()
                .into_iter()
                .filter(|i| !i.removed)
                .map(|i| i.email)
                .collect()
        };
        assert_eq!(emails(&s), ["anna@land.example"]);
        assert_eq!(s.sync_event_changes().unwrap().len(), 1);
        s.mark_events_synced(i64::MAX, std::slice::from_ref(&ev.uid), at)
            .unwrap();
        // An ordinary pull of our version queues nothing.
        s.apply_remote_event(&after).unwrap();
        assert!(s.sync_event_changes().unwrap().is_empty());

        // The user takes the person up again: inviting them is their choice.
        contact(&mut s, "Zacharias Quendel", Some("ZQ@geheimamt.example"));
        s.apply_remote_event(&before).unwrap();
        assert_eq!(emails(&s).len(), 2);
    }

    #[test]
    fn only_uids_and_keyed_hashes_stay() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.db");
        let mut s = Store::open(&path).unwrap();
        let uid = erased(&mut s);
        let keys: Vec<u8> = s
            .conn
            .query_row("SELECT key FROM erasure_key", [], |r| r.get(0))
            .unwrap();
        assert_eq!(keys.len(), 32, "a random key per database");
        let digests: i64 = s
            .conn
            .query_row("SELECT count(*) FROM erased_addresses", [], |r| r.get(0))
            .unwrap();
        assert_eq!(digests, 1);
        drop(s);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
        let has = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
        assert!(has(&uid), "the UID is kept");
        for gone in ["geheimamt", "Quendel"] {
            assert!(!has(gone), "'{gone}' still in the database files");
        }
    }
}
