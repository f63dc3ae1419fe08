//! Contacts: the `contacts` row and its lists (`contact_emails`, `contact_phones`,
//! `contact_tags`, `contact_themenfelder`), checked, written with journal and search upkeep, and
//! read back; and which contact is the user ("me").
//!
//! The field rules and limits live in [`crate::rules`]; this file holds the SQL. Notes have
//! their own file (`notes.rs`); search upkeep is called from here, one way, so `search.rs` never
//! needs this file.

use super::notes::insert_note;
use super::orgs::check_org;
use super::search::{self, SUMMARY_SELECT, summary_row};
use super::{
    Entity, Store, all, exists, first, found, journal, live_contact_uid, new_uid, soft_delete,
    tuple,
};
use crate::error::{Error, Result};
use crate::fold::fold;
use crate::model::{Contact, ContactInput, ContactPage, Labeled, Photo, PhotoChange};
use crate::rules::{
    MAX_FIELD_CHARS, MAX_NAME_CHARS, MAX_PAGE, MAX_POSTAL_CODE_CHARS, MAX_SHORT_CHARS,
    decode_photo, labeled, note_body, single_line, valid_email, valid_phone,
};
use base64::Engine;
use rusqlite::{ToSql, Transaction, params};
use std::collections::BTreeMap;

/// A contact input after validation: every field trimmed, checked and normalised.
struct Valid {
    display_name: String,
    given_name: Option<String>,
    family_name: Option<String>,
    title: Option<String>,
    role: Option<String>,
    organization_id: Option<i64>,
    emails: Vec<Labeled>,
    phones: Vec<Labeled>,
    street: Option<String>,
    postal_code: Option<String>,
    locality: Option<String>,
    country: Option<String>,
    website: Option<String>,
    themenfelder: Vec<String>,
    tags: Vec<String>,
    photo: PhotoChange,
    sort_key: String,
}

impl Valid {
    /// `?1` (the row's id or uid), the contact's own columns as `?2` … `?13` in the order
    /// `display_name, given_name, family_name, title, role, organization_id, street, postal_code,
    /// locality, country, website, sort_key`, and `?14` the time: the INSERT and the UPDATE name
    /// them alike, so one list serves both.
    fn row_params<'a>(&'a self, key: &'a dyn ToSql, now: &'a dyn ToSql) -> [&'a dyn ToSql; 14] {
        [
            key,
            &self.display_name,
            &self.given_name,
            &self.family_name,
            &self.title,
            &self.role,
            &self.organization_id,
            &self.street,
            &self.postal_code,
            &self.locality,
            &self.country,
            &self.website,
            &self.sort_key,
            now,
        ]
    }
}

/// Checks and normalises a contact input; the organisation and Themenfelder must exist.
fn validate(tx: &Transaction<'_>, input: &ContactInput) -> Result<Valid> {
    let given_name = single_line("given_name", &input.given_name, MAX_NAME_CHARS)?;
    let family_name = single_line("family_name", &input.family_name, MAX_NAME_CHARS)?;
    let title = single_line("title", &input.title, MAX_SHORT_CHARS)?;
    let composed = [&title, &given_name, &family_name]
        .iter()
        .filter_map(|s| s.as_deref())
        .collect::<Vec<_>>()
        .join(" ");
    let display_name = match single_line("display_name", &input.display_name, MAX_NAME_CHARS)? {
        Some(n) => n,
        None if !composed.is_empty() => composed,
        None => {
            return Err(Error::invalid(
                "name_required",
                "display_name",
                "a contact needs a name",
            ));
        }
    };
    check_org(tx, input.organization_id, "organization_id")?;
    let mut themenfelder = Vec::new();
    for t in &input.themenfelder {
        if !exists(tx, "SELECT 1 FROM themenfelder WHERE key = ?1", [t])? {
            return Err(Error::invalid(
                "themenfeld_unknown",
                "themenfelder",
                format!("unknown Themenfeld '{t}'"),
            ));
        }
        if !themenfelder.contains(t) {
            themenfelder.push(t.clone());
        }
    }
    let mut tags: Vec<String> = Vec::new();
    for t in &input.tags {
        if let Some(t) = single_line("tags", &Some(t.clone()), MAX_SHORT_CHARS)?
            && !tags.iter().any(|x| fold(x) == fold(&t))
        {
            tags.push(t);
        }
    }
    let website = match single_line("website", &input.website, MAX_FIELD_CHARS)? {
        None => None,
        Some(w) => {
            let w = if w.contains("://") {
                w
            } else {
                format!("https://{w}")
            };
            if !(w.starts_with("https://") || w.starts_with("http://")) || w.contains(' ') {
                return Err(Error::invalid(
                    "website_invalid",
                    "website",
                    format!("'{w}' is not a web address"),
                ));
            }
            Some(w)
        }
    };
    if let PhotoChange::Set(p) = &input.photo {
        decode_photo(p)?;
    }
    let sort_key = match (&family_name, &given_name) {
        (Some(f), g) => format!("{} {}", fold(f), fold(g.as_deref().unwrap_or(""))),
        (None, _) => fold(&display_name),
    };
    Ok(Valid {
        display_name,
        given_name,
        family_name,
        title,
        role: single_line("role", &input.role, MAX_FIELD_CHARS)?,
        organization_id: input.organization_id,
        emails: labeled("emails", &input.emails, valid_email, "email_invalid")?,
        phones: labeled("phones", &input.phones, valid_phone, "phone_invalid")?,
        street: single_line("street", &input.street, MAX_FIELD_CHARS)?,
        postal_code: single_line("postal_code", &input.postal_code, MAX_POSTAL_CODE_CHARS)?,
        locality: single_line("locality", &input.locality, MAX_FIELD_CHARS)?,
        country: single_line("country", &input.country, MAX_SHORT_CHARS)?,
        website,
        themenfelder,
        tags,
        photo: input.photo.clone(),
        sort_key,
    })
}

/// Writes a contact's lists; `fresh` (a contact just inserted) has nothing to clear first.
fn write_children(tx: &Transaction<'_>, id: i64, v: &Valid, fresh: bool) -> Result<()> {
    for table in if fresh {
        [].as_slice()
    } else {
        [
            "contact_emails",
            "contact_phones",
            "contact_tags",
            "contact_themenfelder",
        ]
        .as_slice()
    } {
        super::exec(
            tx,
            &format!("DELETE FROM {table} WHERE contact_id = ?1"),
            [id],
        )?;
    }
    for (table, values) in [("contact_emails", &v.emails), ("contact_phones", &v.phones)] {
        let sql = format!(
            "INSERT INTO {table}(contact_id, position, value, label) VALUES (?1, ?2, ?3, ?4)"
        );
        for (i, l) in values.iter().enumerate() {
            super::exec(tx, &sql, params![id, i as i64, l.value, l.label])?;
        }
    }
    for t in &v.tags {
        let sql = "INSERT INTO contact_tags(contact_id, tag) VALUES (?1, ?2)";
        super::exec(tx, sql, params![id, t])?;
    }
    for t in &v.themenfelder {
        let sql = "INSERT INTO contact_themenfelder(contact_id, themenfeld) VALUES (?1, ?2)";
        super::exec(tx, sql, params![id, t])?;
    }
    match &v.photo {
        PhotoChange::Keep => {}
        PhotoChange::Remove => {
            super::exec(
                tx,
                "UPDATE contacts SET photo = NULL, photo_mime = NULL WHERE id = ?1",
                [id],
            )?;
        }
        PhotoChange::Set(p) => {
            let (bytes, mime) = decode_photo(p)?;
            super::exec(
                tx,
                "UPDATE contacts SET photo = ?2, photo_mime = ?3 WHERE id = ?1",
                params![id, bytes, mime],
            )?;
        }
    }
    Ok(())
}

/// Reads a contact's own row (its lists, notes and labels are filled after); the columns are
/// those of `contact_inner`'s SELECT, in the order of [`Contact`]'s fields.
fn contact_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Contact> {
    let photo = |bytes: Option<Vec<u8>>, mime: Option<String>| {
        bytes.zip(mime).map(|(b, m)| Photo {
            mime: m,
            base64: base64::engine::general_purpose::STANDARD.encode(b),
        })
    };
    read_row!(r, c => Contact {
        id, uid, name, given_name, family_name, title, role, organization, organization_id,
        emails = vec![], phones = vec![], labels = BTreeMap::new(),
        street, postal_code, locality, country, website,
        themenfelder = vec![], tags = vec![], notes = vec![],
        photo = photo(c.next()?, c.next()?), created_at, updated_at,
    })
}

impl Store {
    /// Creates a contact, optionally with a first note, and returns it as stored.
    pub fn create_contact(
        &mut self,
        input: &ContactInput,
        first_note: Option<&str>,
    ) -> Result<Contact> {
        let (tx, now) = self.begin()?;
        let id = insert_contact(&tx, input, first_note, &now)?;
        tx.commit()?;
        self.search_touched(id)?;
        self.contact(id)
    }

    /// Creates many contacts in one transaction: all of them or, on the first invalid one, none
    /// (the error names its position). Returns the new ids in input order.
    pub fn create_contacts(
        &mut self,
        inputs: &[(ContactInput, Option<String>)],
    ) -> Result<Vec<i64>> {
        let (tx, now) = self.begin()?;
        let mut ids = Vec::with_capacity(inputs.len());
        search::with_deferred_notes(&tx, || -> Result<()> {
            for (i, (input, note)) in inputs.iter().enumerate() {
                let id =
                    insert_contact(&tx, input, note.as_deref(), &now).map_err(|e| match e {
                        Error::Validation {
                            code,
                            field,
                            message,
                        } => Error::Validation {
                            code,
                            field,
                            message: format!("record {}: {message}", i + 1),
                        },
                        other => other,
                    })?;
                ids.push(id);
            }
            Ok(())
        })?;
        tx.commit()?;
        for id in &ids {
            self.search_touched(*id)?;
        }
        Ok(ids)
    }

    /// Replaces a contact's fields with `input` (notes are edited separately).
    pub fn update_contact(&mut self, id: i64, input: &ContactInput) -> Result<Contact> {
        let (tx, now) = self.begin()?;
        rewrite_contact(&tx, id, input, &now)?;
        tx.commit()?;
        self.search_touched(id)?;
        self.contact(id)
    }

    /// Deletes a contact: it leaves lists and search at once, and its row stays as the tombstone
    /// that the sync pushes and that [`Store::restore_contact`] brings back.
    pub fn delete_contact(&mut self, id: i64) -> Result<()> {
        let (tx, now) = self.begin()?;
        let uid = live_contact_uid(&tx, id)?;
        soft_delete(&tx, "contacts", id, Entity::Contact, &uid, &now)?;
        search::remove(&tx, id)?;
        tx.commit()?;
        self.search_touched(id)?;
        Ok(())
    }

    /// Undoes a delete.
    pub fn restore_contact(&mut self, id: i64) -> Result<Contact> {
        let (tx, now) = self.begin()?;
        let sql = "SELECT uid FROM contacts WHERE id = ?1 AND deleted_at IS NOT NULL";
        let uid: String = found(&tx, sql, "deleted contact", id, |r| r.get(0))?;
        super::exec(
            &tx,
            "UPDATE contacts SET deleted_at = NULL, updated_at = ?2 WHERE id = ?1",
            params![id, now],
        )?;
        journal(&tx, Entity::Contact, &uid, "upsert", &now)?;
        search::reindex(&tx, id)?;
        tx.commit()?;
        self.search_touched(id)?;
        self.contact(id)
    }

    /// One live contact with everything shown in its detail view.
    pub fn contact(&self, id: i64) -> Result<Contact> {
        self.contact_inner(id, false)
    }

    /// A contact even if deleted (a tombstone still holds personal data: the GDPR export and
    /// erase see it).
    pub fn contact_any(&self, id: i64) -> Result<Contact> {
        self.contact_inner(id, true)
    }

    fn contact_inner(&self, id: i64, any: bool) -> Result<Contact> {
        let mut c = first(
            &self.conn,
            "SELECT c.id, c.uid, c.display_name, c.given_name, c.family_name, c.title, c.role,
                    o.name, c.organization_id, c.street, c.postal_code, c.locality, c.country,
                    c.website, c.photo, c.photo_mime, c.created_at, c.updated_at
             FROM contacts c LEFT JOIN organizations o ON o.id = c.organization_id
             WHERE c.id = ?1 AND (?2 OR c.deleted_at IS NULL)",
            params![id, any],
            contact_row,
        )?
        .ok_or_else(|| Error::not_found("contact", id))?;
        for (table, is_email) in [("contact_emails", true), ("contact_phones", false)] {
            let sql =
                format!("SELECT value, label FROM {table} WHERE contact_id = ?1 ORDER BY position");
            let rows: Vec<(String, Option<String>)> = all(&self.conn, &sql, [id], tuple)?;
            for (value, label) in rows {
                if let Some(l) = label {
                    c.labels.insert(value.clone(), l);
                }
                if is_email {
                    c.emails.push(value)
                } else {
                    c.phones.push(value)
                }
            }
        }
        c.tags = self.strings(
            "SELECT tag FROM contact_tags WHERE contact_id = ?1 ORDER BY tag",
            id,
        )?;
        c.themenfelder = self.strings(
            "SELECT t.key FROM contact_themenfelder ct JOIN themenfelder t ON t.key = ct.themenfeld
             WHERE ct.contact_id = ?1 ORDER BY t.position",
            id,
        )?;
        c.notes = self.notes_of(id)?;
        Ok(c)
    }

    fn strings(&self, sql: &str, id: i64) -> Result<Vec<String>> {
        all(&self.conn, sql, [id], |r| r.get(0))
    }

    /// Live contacts in name order, a page at a time.
    pub fn list_contacts(&self, offset: i64, limit: i64) -> Result<ContactPage> {
        let total: i64 = self.conn.query_row(
            "SELECT count(*) FROM contacts WHERE deleted_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        let sql = format!(
            "{SUMMARY_SELECT} WHERE c.deleted_at IS NULL ORDER BY c.sort_key, c.id LIMIT ?1 OFFSET ?2"
        );
        let page = [limit.clamp(0, MAX_PAGE), offset.max(0)];
        let items = all(&self.conn, &sql, page, summary_row)?;
        Ok(ContactPage { total, items })
    }

    /// Every live contact id in name order (for exports and the CLI's full listing).
    pub fn contact_ids(&self) -> Result<Vec<i64>> {
        let sql = "SELECT id FROM contacts WHERE deleted_at IS NULL ORDER BY sort_key, id";
        all(&self.conn, sql, [], |r| r.get(0))
    }

    /// Marks which contact is the user (for their own QR card); `None` unsets it.
    pub fn set_me(&mut self, id: Option<i64>) -> Result<()> {
        match id {
            Some(id) => {
                self.contact(id)?;
                self.set_setting(crate::settings::ME_CONTACT_ID, &id.to_string())
            }
            None => {
                self.conn
                    .execute("DELETE FROM settings WHERE key = 'me_contact_id'", [])?;
                Ok(())
            }
        }
    }

    /// The user's own contact, if chosen and still there.
    pub fn me(&self) -> Result<Option<Contact>> {
        let Some(id) = self
            .setting(crate::settings::ME_CONTACT_ID)?
            .and_then(|v| v.parse::<i64>().ok())
        else {
            return Ok(None);
        };
        match self.contact(id) {
            Ok(c) => Ok(Some(c)),
            Err(Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Replaces a live contact's fields and lists with `input`, journals and reindexes it; the
/// caller commits. Shared by editing, merging and re-importing.
pub(super) fn rewrite_contact(
    tx: &Transaction<'_>,
    id: i64,
    input: &ContactInput,
    now: &str,
) -> Result<()> {
    let uid = live_contact_uid(tx, id)?;
    let v = validate(tx, input)?;
    super::exec(
        tx,
        "UPDATE contacts SET display_name = ?2, given_name = ?3, family_name = ?4, title = ?5,
             role = ?6, organization_id = ?7, street = ?8, postal_code = ?9, locality = ?10,
             country = ?11, website = ?12, sort_key = ?13, updated_at = ?14
         WHERE id = ?1",
        v.row_params(&id, &now),
    )?;
    write_children(tx, id, &v, false)?;
    super::roles::follow_contact(tx, id, now)?;
    journal(tx, Entity::Contact, &uid, "upsert", now)?;
    search::reindex(tx, id)?;
    Ok(())
}

/// Inserts a contact under a fresh uid; the caller commits.
pub(super) fn insert_contact(
    tx: &Transaction<'_>,
    input: &ContactInput,
    first_note: Option<&str>,
    now: &str,
) -> Result<i64> {
    insert_contact_with_uid(tx, input, first_note, &new_uid(), now)
}

/// Inserts a contact under a given uid (an imported card keeps its UID, so a second import of the
/// same file updates instead of duplicating).
pub(super) fn insert_contact_with_uid(
    tx: &Transaction<'_>,
    input: &ContactInput,
    first_note: Option<&str>,
    uid: &str,
    now: &str,
) -> Result<i64> {
    let v = validate(tx, input)?;
    let note = first_note.map(note_body).transpose()?;
    super::exec(
        tx,
        "INSERT INTO contacts(uid, display_name, given_name, family_name, title, role,
             organization_id, street, postal_code, locality, country, website, sort_key,
             created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
        v.row_params(&uid, &now),
    )?;
    let id = tx.last_insert_rowid();
    write_children(tx, id, &v, true)?;
    super::roles::open_first_role(tx, id, v.role.as_deref(), v.organization_id, now)?;
    journal(tx, Entity::Contact, uid, "upsert", now)?;
    if let Some(body) = note {
        insert_note(tx, id, &body, now)?;
    }
    search::reindex(tx, id)?;
    Ok(id)
}
