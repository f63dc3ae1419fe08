//! Applying what the server holds to the store, and the card that goes up: a server's card is
//! created here or merged three-way ([`crate::sync::merge`]) against the last synced card, a
//! deletion there deletes here unless the contact was edited since; the card to push is ours,
//! with the server's richer lines kept where nothing changed ([`crate::vcard::patch`]). No
//! network here.

use super::{Store, exec, first, journal_head, journal_synced_after, tuple};
use crate::error::{Error, Result};
use crate::model::ImportedContact;
use crate::sync::{self, Fields, Value};
use crate::vcard::patch::{MODELLED, parse_one, patch_from_base, property_line};
use crate::vcard::{Version, write_vcard};
use rusqlite::{OptionalExtension, params};

/// What a deletion on the server did here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteDelete {
    /// We held no card at that href (a deletion from before this device, or told twice).
    NotHeld,
    /// The contact was edited here since: the edit wins and goes up again.
    Kept,
    /// The contact was deleted here too.
    Deleted,
}

/// What applying a card from the server did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PullOutcome {
    /// A new contact.
    Created,
    /// The local contact changed.
    Updated,
    /// Nothing to do (the same as here).
    Unchanged,
    /// Merged with local changes: the merged card must go back to the server.
    Merged {
        /// Conflicts recorded.
        conflicts: usize,
    },
    /// The card could not be read; it is left on the server untouched.
    Unreadable(String),
    /// The card of an erased contact (GDPR Art. 17): not stored here, its deletion queued so
    /// the push deletes it on the server again.
    Erased,
}

impl Store {
    /// or `None` when it is deleted or unknown.
    pub fn card_for_push(&self, uid: &str) -> Result<Option<String>> {
        self.card_for_push_as(uid, Version::V4)
    }

    /// The card in a given vCard version (3.0 for servers that refuse 4.0).
    /// Properties Vernetzt models but another client may have written more richly (ORG with a
    /// department, ADR with types and a region, TEL and URL types, N with additional names) are
    /// taken from the server's last version unless their value changed here, so an edit of the
    /// role does not flatten the address another client wrote.
    pub fn card_for_push_as(&self, uid: &str, version: Version) -> Result<Option<String>> {
        let base = self.dav_item(uid)?.and_then(|i| i.base);
        let version = match &base {
            Some(b) if b.contains("\nVERSION:3.0") => Version::V3,
            Some(_) => Version::V4,
            None => version,
        };
        let Some(ours) = self.own_card_as(uid, version)? else {
            return Ok(None);
        };
        Ok(Some(match base {
            Some(base) => patch_from_base(&ours, &base),
            None => ours,
        }))
    }

    /// The id of the contact with this UID, unless it is deleted.
    fn live_contact_id(&self, uid: &str) -> Result<Option<i64>> {
        let sql = "SELECT id FROM contacts WHERE uid = ?1 AND deleted_at IS NULL";
        first(&self.conn, sql, [uid], |r| r.get(0))
    }

    /// Journals an upsert of the contact, so its card goes up on the next push.
    pub(super) fn journal_contact_upsert(&self, uid: &str) -> Result<()> {
        exec(
            &self.conn,
            "INSERT INTO change_journal(entity, entity_uid, op, changed_at) VALUES ('contact', ?1, 'upsert', ?2)",
            params![uid, self.now_text()],
        )?;
        Ok(())
    }

    /// The card as written from the store alone (no server version taken into account).
    pub(super) fn own_card_as(&self, uid: &str, version: Version) -> Result<Option<String>> {
        let id = self.live_contact_id(uid)?;
        let Some(id) = id else { return Ok(None) };
        let c = self.contact(id)?;
        let org = c.organization_id.map(|o| self.org(o)).transpose()?;
        let card = write_vcard(&c, org.as_ref(), version);
        let mut extra = String::new();
        self.networking_lines(id, &mut extra)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT line FROM contact_extra WHERE contact_id = ?1 ORDER BY position",
        )?;
        for line in stmt.query_map([id], |r| r.get::<_, String>(0))? {
            crate::ical::write::push_line(&mut extra, &line?);
        }
        if extra.is_empty() {
            return Ok(Some(card));
        }
        let end = card.rfind("END:VCARD").unwrap_or(card.len());
        Ok(Some(format!("{}{extra}{}", &card[..end], &card[end..])))
    }

    /// Where the user met the contact and which events the contact attended, as
    /// `X-VERNETZT-MET` and `X-VERNETZT-ATTENDED` lines (the event by UID and title, so another
    /// device links them to the same event, and other clients keep them).
    fn networking_lines(&self, contact_id: i64, out: &mut String) -> Result<()> {
        use crate::ical::itip::param_value;
        use crate::ical::write::{escape_text, push_line};
        let mut stmt = self.conn.prepare_cached(
            "SELECT n.uid, e.uid, e.title, n.session, n.note, n.met_at, ifnull(n.occurrence_start, '')
             FROM encounters n LEFT JOIN events e ON e.id = n.event_id
             WHERE n.contact_id = ?1 ORDER BY n.met_at, n.id",
        )?;
        type Text = Option<String>;
        type Met = (String, Text, Text, Text, Text, String, String);
        for row in stmt.query_map([contact_id], tuple)? {
            let (uid, ev, title, session, note, met_at, occ): Met = row?;
            let mut line = format!(
                "X-VERNETZT-MET;X-ID={};X-DATE={}",
                param_value(&uid),
                param_value(&met_at)
            );
            if let Some(ev) = ev {
                line.push_str(&format!(";X-EVENT={}", param_value(&ev)));
            }
            if !occ.is_empty() {
                line.push_str(&format!(";X-OCCURRENCE={}", param_value(&occ)));
            }
            if let Some(t) = title {
                line.push_str(&format!(";X-EVENT-TITLE={}", param_value(&t)));
            }
            if let Some(s) = session.filter(|s| !s.is_empty()) {
                line.push_str(&format!(";X-SESSION={}", param_value(&s)));
            }
            line.push(':');
            line.push_str(&escape_text(note.as_deref().unwrap_or("")));
            push_line(out, &line);
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.uid, e.uid, e.title, a.occurrence_start, a.status
             FROM attendance a JOIN events e ON e.id = a.event_id
             WHERE a.contact_id = ?1 ORDER BY a.id",
        )?;
        for row in stmt.query_map([contact_id], tuple)? {
            let (uid, ev, title, occ, status): (String, String, String, String, String) = row?;
            let mut line = format!(
                "X-VERNETZT-ATTENDED;X-ID={};X-EVENT={};X-STATUS={}",
                param_value(&uid),
                param_value(&ev),
                param_value(&status)
            );
            if !occ.is_empty() {
                line.push_str(&format!(";X-OCCURRENCE={}", param_value(&occ)));
            }
            line.push(':');
            line.push_str(&escape_text(&title));
            push_line(out, &line);
        }
        Ok(())
    }

    /// After a server's card was applied: attendance and "met at" for events known here become
    /// rows (once, by their id); everything else Vernetzt does not model is kept as extra lines.
    fn apply_extras(&mut self, uid: &str, card: &str) -> Result<()> {
        let id = self.live_contact_id(uid)?;
        let Some(id) = id else { return Ok(()) };
        let parsed = crate::ical::parse::parse(card.as_bytes());
        let Some(vcard) = parsed.roots.iter().find(|c| c.name == "VCARD") else {
            return Ok(());
        };
        let (tx, t) = self.begin()?;
        let event_id = |uid: Option<&str>| -> rusqlite::Result<Option<i64>> {
            match uid {
                None => Ok(None),
                Some(u) => tx
                    .query_row(
                        "SELECT id FROM events WHERE uid = ?1 AND deleted_at IS NULL ORDER BY recurrence_id IS NOT NULL, id LIMIT 1",
                        [u],
                        |r| r.get(0),
                    )
                    .optional(),
            }
        };
        let mut extras = Vec::new();
        for p in &vcard.props {
            let name = p.name.as_ref();
            let grouped = name.contains('.');
            match name {
                "X-VERNETZT-MET" => {
                    let ev = event_id(p.param("X-EVENT"))?;
                    if p.param("X-EVENT").is_some() && ev.is_none() {
                        extras.push(property_line(p));
                        continue;
                    }
                    let Some(mid) = p.param("X-ID") else { continue };
                    exec(
                        &tx,
                        "INSERT INTO encounters(uid, contact_id, event_id, session, note, met_at, created_at, occurrence_start)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(uid) DO NOTHING",
                        params![
                            mid,
                            id,
                            ev,
                            p.param("X-SESSION"),
                            Some(crate::ical::parse::unescape_text(&p.value)).filter(|n| !n.is_empty()),
                            p.param("X-DATE").unwrap_or(&t),
                            t,
                            p.param("X-OCCURRENCE")
                        ],
                    )?;
                }
                "X-VERNETZT-ATTENDED" => {
                    let status = p.param("X-STATUS").unwrap_or("attended");
                    match (event_id(p.param("X-EVENT"))?, p.param("X-ID")) {
                        (Some(ev), Some(aid))
                            if matches!(status, "interested" | "registered" | "attended") =>
                        {
                            exec(
                                &tx,
                                "INSERT INTO attendance(uid, event_id, occurrence_start, contact_id, status, updated_at)
                                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                                 ON CONFLICT DO NOTHING",
                                params![aid, ev, p.param("X-OCCURRENCE").unwrap_or(""), id, status, t],
                            )?;
                        }
                        _ => extras.push(property_line(p)),
                    }
                }
                n if MODELLED.contains(&n) || grouped => {}
                _ => extras.push(property_line(p)),
            }
        }
        exec(&tx, "DELETE FROM contact_extra WHERE contact_id = ?1", [id])?;
        for (i, line) in extras.iter().enumerate() {
            exec(
                &tx,
                "INSERT INTO contact_extra(contact_id, position, line) VALUES (?1, ?2, ?3)",
                params![id, i as i64, line],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub(super) fn local_fields(&self, uid: &str) -> Result<Option<(i64, Fields, ImportedContact)>> {
        let id = self.live_contact_id(uid)?;
        let Some(id) = id else { return Ok(None) };
        let card = self.own_card_as(uid, Version::V4)?.unwrap_or_default();
        let rec = parse_one(&card)
            .ok_or_else(|| Error::Import(format!("own card of {uid} unreadable")))?;
        Ok(Some((id, sync::fields(&rec), rec)))
    }

    /// Applies a card from the server: new contacts are created, known ones merged three-way
    /// against the last synced card (conflicts recorded), a locally deleted one that the server
    /// changed is restored (an edit beats a deletion). The store's own journal entries for this
    /// are marked synced unless the result differs from the server's card, which then goes back
    /// up on the next push. The card of an erased UID is never stored: it is queued for
    /// deletion there instead ([`PullOutcome::Erased`]), an erasure beats every edit.
    pub fn apply_remote(
        &mut self,
        href: &str,
        etag: Option<&str>,
        card: &str,
    ) -> Result<PullOutcome> {
        let Some(remote) = parse_one(card) else {
            return Ok(PullOutcome::Unreadable(format!(
                "{href}: not a readable vCard"
            )));
        };
        let Some(uid) = remote.uid.clone().filter(|u| !u.trim().is_empty()) else {
            return Ok(PullOutcome::Unreadable(format!("{href}: card without UID")));
        };
        if self.is_erased(&uid)? {
            return self.erased_card_seen(&uid, href, etag);
        }
        let before = journal_head(&self.conn)?;
        // Deleted here but changed there: the edit wins, the contact comes back.
        let sql = "SELECT id FROM contacts
                   WHERE uid = ?1 AND deleted_at IS NOT NULL AND merged_into IS NULL";
        let tomb: Option<i64> = first(&self.conn, sql, [&uid], |r| r.get(0))?;
        if let Some(id) = tomb {
            self.restore_contact(id)?;
        }
        let item = self.dav_item(&uid)?;
        let remote_fields = sync::fields(&remote);
        let outcome;
        match self.local_fields(&uid)? {
            None => {
                self.import_contacts(std::slice::from_ref(&remote), None, "carddav")?;
                outcome = PullOutcome::Created;
            }
            Some((id, local_fields, local_rec)) => {
                let base = item
                    .as_ref()
                    .and_then(|i| i.base.as_deref())
                    .and_then(parse_one)
                    .map(|b| sync::fields(&b));
                let (merged, conflicts) = sync::merge(base.as_ref(), &local_fields, &remote_fields);
                if merged == local_fields {
                    outcome = if merged == remote_fields {
                        PullOutcome::Unchanged
                    } else {
                        PullOutcome::Merged {
                            conflicts: conflicts.len(),
                        }
                    };
                } else {
                    let mut rec = remote.clone();
                    sync::apply(&mut rec, &merged, &[&local_rec, &remote]);
                    self.import_contacts(std::slice::from_ref(&rec), None, "carddav")?;
                    self.remove_notes_not_in(id, &merged)?;
                    outcome = if merged == remote_fields {
                        PullOutcome::Updated
                    } else {
                        PullOutcome::Merged {
                            conflicts: conflicts.len(),
                        }
                    };
                }
                self.record_conflicts(&uid, &conflicts)?;
            }
        }
        self.apply_extras(&uid, card)?;
        self.record_item(&uid, href, etag, card)?;
        if !matches!(outcome, PullOutcome::Merged { .. }) {
            // What applying the server's card journaled is the server's state already.
            journal_synced_after(&self.conn, before, &self.now_text())?;
        } else {
            // Make sure the merged card goes up even if nothing was journaled here.
            self.journal_contact_upsert(&uid)?;
        }
        Ok(outcome)
    }

    /// Applies many cards from the server (one multiget's worth). Cards of contacts not known
    /// here are imported in one transaction (a first sync of 10,000 contacts must not pay a
    /// transaction and a directory look-up per card); known ones are merged one by one.
    pub fn apply_remote_batch(
        &mut self,
        cards: &[(String, Option<String>, String)],
    ) -> Result<Vec<PullOutcome>> {
        let mut out: Vec<Option<PullOutcome>> = vec![None; cards.len()];
        let mut fresh: Vec<(usize, ImportedContact)> = Vec::new();
        for (i, (href, _, card)) in cards.iter().enumerate() {
            let Some(rec) = parse_one(card) else {
                out[i] = Some(PullOutcome::Unreadable(format!(
                    "{href}: not a readable vCard"
                )));
                continue;
            };
            let Some(uid) = rec.uid.clone().filter(|u| !u.trim().is_empty()) else {
                out[i] = Some(PullOutcome::Unreadable(format!("{href}: card without UID")));
                continue;
            };
            if self.is_erased(&uid)? {
                out[i] = Some(self.erased_card_seen(&uid, href, cards[i].1.as_deref())?);
                continue;
            }
            let known: bool = self.conn.query_row(
                "SELECT count(*) > 0 FROM contacts WHERE uid = ?1",
                [&uid],
                |r| r.get(0),
            )?;
            if !known
                && !fresh
                    .iter()
                    .any(|(_, r)| r.uid.as_deref() == Some(uid.as_str()))
            {
                fresh.push((i, rec));
            }
        }
        if !fresh.is_empty() {
            let before = journal_head(&self.conn)?;
            let recs: Vec<ImportedContact> = fresh.iter().map(|(_, r)| r.clone()).collect();
            self.import_contacts(&recs, None, "carddav")?;
            for (i, rec) in &fresh {
                if let Some(uid) = &rec.uid {
                    self.apply_extras(uid, &cards[*i].2)?;
                }
            }
            let (tx, t) = self.begin()?;
            journal_synced_after(&tx, before, &t)?;
            for (i, rec) in &fresh {
                let (href, etag, card) = &cards[*i];
                exec(
                    &tx,
                    "INSERT INTO dav_items(kind, uid, href, etag, base, synced_at)
                     VALUES ('contact', ?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT(kind, uid) DO UPDATE SET href = excluded.href, etag = excluded.etag,
                         base = excluded.base, synced_at = excluded.synced_at",
                    params![rec.uid, href, etag, card, t],
                )?;
                out[*i] = Some(PullOutcome::Created);
            }
            tx.commit()?;
        }
        for (i, (href, etag, card)) in cards.iter().enumerate() {
            if out[i].is_none() {
                out[i] = Some(self.apply_remote(href, etag.as_deref(), card)?);
            }
        }
        Ok(out
            .into_iter()
            .map(|o| o.expect("every card handled"))
            .collect())
    }

    fn remove_notes_not_in(&mut self, contact_id: i64, merged: &Fields) -> Result<()> {
        let Some(Value::Many(keep)) = merged.get("notes") else {
            return Ok(());
        };
        let notes = self.contact(contact_id)?.notes;
        for n in notes {
            if !keep.contains(n.body.trim()) {
                self.delete_note(n.id)?;
            }
        }
        Ok(())
    }

    /// deletion) and will be created on the server again; otherwise it is deleted here too (a
    /// tombstone, undoable like any delete). Returns whether the contact was kept.
    pub fn apply_remote_delete(&mut self, href: &str) -> Result<RemoteDelete> {
        let Some(uid) = self.dav_uid_at("contact", href)? else {
            return Ok(RemoteDelete::NotHeld);
        };
        self.forget_item(&uid)?;
        let (changes, _) = self.sync_changes()?;
        if changes.iter().any(|c| c.contact_uid == uid && c.live) {
            return Ok(RemoteDelete::Kept);
        }
        let id = self.live_contact_id(&uid)?;
        if let Some(id) = id {
            let before = journal_head(&self.conn)?;
            self.delete_contact(id)?;
            journal_synced_after(&self.conn, before, &self.now_text())?;
        }
        Ok(RemoteDelete::Deleted)
    }
}
