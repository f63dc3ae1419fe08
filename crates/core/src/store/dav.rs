//! The store's side of the CardDAV sync: the account (settings), what the server holds of each
//! contact (`dav_items`: href, ETag, the card as last synced), the pending changes drained from
//! the change journal, applying a card or a deletion from the server (three-way merge in
//! [`crate::sync`]), and the conflicts the user resolves. No network here.

use super::{Store, exec, now};
use crate::error::{Error, Result};
use crate::model::ImportedContact;
use crate::sync::{self, Change, FieldConflict, Fields, Value};
use crate::vcard::{Version, read_vcards, write_vcard};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

/// The sync account as stored (never the password: that is in the keyring).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The server address the user gave.
    pub url: String,
    /// User name.
    pub user: String,
    /// The address book's URL (found by discovery or chosen).
    pub addressbook: String,
    /// The calendar's URL, if one was found or chosen.
    pub calendar: Option<String>,
}

/// What the status line shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// Whether an account is set up.
    pub configured: bool,
    /// Changes not yet on the server.
    pub pending: usize,
    /// Last successful sync (RFC 3339).
    pub last_sync: Option<String>,
    /// Last error, in plain words (cleared by a successful sync).
    pub last_error: Option<String>,
    /// Open conflicts.
    pub conflicts: usize,
    /// Not before this time (RFC 3339): the server asked us to wait (Retry-After), or the
    /// backoff after failures in a row.
    pub retry_at: Option<String>,
    /// Failed runs in a row (0 after a success).
    pub failures: u32,
}

/// What the server holds of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DavItem {
    /// Contact UID.
    pub uid: String,
    /// Where on the server.
    pub href: String,
    /// Its version there.
    pub etag: Option<String>,
    /// The card as last synced.
    pub base: Option<String>,
}

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
}

/// Properties Vernetzt writes itself; everything else on a server's card is kept as an extra.
const MODELLED: [&str; 23] = [
    "BEGIN",
    "END",
    "VERSION",
    "PRODID",
    "UID",
    "FN",
    "N",
    "ORG",
    "TITLE",
    "EMAIL",
    "TEL",
    "ADR",
    "URL",
    "CATEGORIES",
    "NOTE",
    "PHOTO",
    "REV",
    "KIND",
    "X-VERNETZT-LEVEL",
    "X-VERNETZT-LAND",
    "X-VERNETZT-KEY",
    "X-VERNETZT-MET",
    "X-VERNETZT-ATTENDED",
];

/// A parsed property written back as one content line (parameters re-quoted per RFC 6868).
fn property_line(p: &crate::ical::parse::Property) -> String {
    let mut line = p.name.to_string();
    for (name, values) in &p.params {
        line.push(';');
        line.push_str(name);
        line.push('=');
        let vals: Vec<String> = values
            .iter()
            .map(|v| crate::ical::itip::param_value(v))
            .collect();
        line.push_str(&vals.join(","));
    }
    line.push(':');
    line.push_str(&p.value);
    line
}

/// Groups of properties that carry one kind of field, with the fields they carry.
const GROUPS: [(&[&str], &[&str]); 9] = [
    (
        &["FN", "N"],
        &["display_name", "given_name", "family_name", "title"],
    ),
    (
        &[
            "ORG",
            "X-VERNETZT-LEVEL",
            "X-VERNETZT-LAND",
            "X-VERNETZT-KEY",
        ],
        &["organization", "org_level", "org_land", "org_key"],
    ),
    (&["TITLE"], &["role"]),
    (&["ADR"], &["street", "postal_code", "locality"]),
    (&["URL"], &["website"]),
    (&["EMAIL"], &["emails"]),
    (&["TEL"], &["phones"]),
    (&["CATEGORIES"], &["tags", "themenfelder"]),
    (&["NOTE"], &["notes"]),
];

fn dav_item_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DavItem> {
    Ok(DavItem {
        uid: r.get(0)?,
        href: r.get(1)?,
        etag: r.get(2)?,
        base: r.get(3)?,
    })
}

fn bare_name(name: &str) -> (&str, Option<&str>) {
    match name.split_once('.') {
        Some((group, n)) => (n, Some(group)),
        None => (name, None),
    }
}

/// The card to push: ours, except that a group of properties whose fields did not change since
/// the server's last version (`base`) is written as the server had it, with its grouped
/// companions (`item1.X-ABLabel`).
fn patch_from_base(ours: &str, base: &str) -> String {
    use crate::ical::parse::parse;
    let (Some(our_rec), Some(base_rec)) = (parse_one(ours), parse_one(base)) else {
        return ours.to_string();
    };
    let (of, bf) = (sync::fields(&our_rec), sync::fields(&base_rec));
    let unchanged: Vec<usize> = GROUPS
        .iter()
        .enumerate()
        .filter(|(_, (_, fields))| fields.iter().all(|f| of.get(f) == bf.get(f)))
        .map(|(i, _)| i)
        .collect();
    let group_of = |name: &str| {
        let (n, _) = bare_name(name);
        GROUPS.iter().position(|(props, _)| props.contains(&n))
    };
    let ours_p = parse(ours.as_bytes());
    let base_p = parse(base.as_bytes());
    let (Some(oc), Some(bc)) = (
        ours_p.roots.iter().find(|c| c.name == "VCARD"),
        base_p.roots.iter().find(|c| c.name == "VCARD"),
    ) else {
        return ours.to_string();
    };
    // Base lines per unchanged group, with the item groups they use.
    let mut from_base: Vec<Vec<String>> = vec![Vec::new(); GROUPS.len()];
    let mut items: Vec<(usize, String)> = Vec::new();
    for p in &bc.props {
        if let Some(g) = group_of(&p.name)
            && unchanged.contains(&g)
        {
            from_base[g].push(property_line(p));
            if let (_, Some(item)) = bare_name(&p.name) {
                items.push((g, item.to_string()));
            }
        }
    }
    for p in &bc.props {
        let (n, item) = bare_name(&p.name);
        if let Some(item) = item
            && group_of(n).is_none()
            && let Some((g, _)) = items.iter().find(|(_, i)| i == item)
        {
            from_base[*g].push(property_line(p));
        }
    }
    // Our own companions (`item1.X-ABLabel` of our `item1.TEL`) of a group taken from the base
    // are replaced by the base's, not written twice.
    let our_items: Vec<String> = oc
        .props
        .iter()
        .filter(|p| group_of(&p.name).is_some_and(|g| unchanged.contains(&g)))
        .filter_map(|p| bare_name(&p.name).1.map(String::from))
        .collect();
    let mut out = String::new();
    crate::ical::write::push_line(&mut out, "BEGIN:VCARD");
    let mut emitted = vec![false; GROUPS.len()];
    for p in &oc.props {
        if group_of(&p.name).is_none()
            && bare_name(&p.name)
                .1
                .is_some_and(|i| our_items.iter().any(|o| o == i))
        {
            continue;
        }
        match group_of(&p.name) {
            Some(g) if unchanged.contains(&g) => {
                if !emitted[g] {
                    for l in &from_base[g] {
                        crate::ical::write::push_line(&mut out, l);
                    }
                    emitted[g] = true;
                }
            }
            _ => crate::ical::write::push_line(&mut out, &property_line(p)),
        }
    }
    for g in unchanged {
        if !emitted[g] {
            for l in &from_base[g] {
                crate::ical::write::push_line(&mut out, l);
            }
        }
    }
    crate::ical::write::push_line(&mut out, "END:VCARD");
    out
}

const KEYS: [&str; 4] = ["dav_url", "dav_user", "dav_addressbook", "dav_calendar"];

fn parse_one(card: &str) -> Option<ImportedContact> {
    read_vcards(card.as_bytes())
        .ok()?
        .contacts
        .into_iter()
        .next()
}

impl Store {
    /// The account, if set up.
    pub fn dav_account(&self) -> Result<Option<Account>> {
        let [url, user, book, cal] = KEYS.map(|k| self.setting(k).ok().flatten());
        Ok(match (url, user, book) {
            (Some(url), Some(user), Some(addressbook)) if !url.is_empty() => Some(Account {
                url,
                user,
                addressbook,
                calendar: cal.filter(|c| !c.is_empty()),
            }),
            _ => None,
        })
    }

    /// Stores the account. A different address book starts over: what was synced with the old
    /// one says nothing about the new one, so every contact is pushed again.
    pub fn set_dav_account(&mut self, a: &Account) -> Result<()> {
        let old = self.dav_account()?;
        if old.as_ref().map(|o| &o.addressbook) != Some(&a.addressbook) {
            self.conn.execute("DELETE FROM dav_items", [])?;
            for k in [
                "dav_sync_token",
                "dav_ctag",
                "dav_token_current",
                "dav_cal_ctag",
                "dav_cal_sync_token",
                "dav_cal_token_current",
            ] {
                self.set_setting(k, "")?;
            }
            // Everything live goes up once.
            let t = now();
            self.conn.execute(
                "INSERT INTO change_journal(entity, entity_uid, op, changed_at)
                 SELECT 'contact', uid, 'upsert', ?1 FROM contacts WHERE deleted_at IS NULL
                 ORDER BY id",
                [&t],
            )?;
        }
        // A server found to lack sync-collection is asked again once the account is set anew
        // (it may have been upgraded, or the refusal was a passing fault).
        self.set_setting("dav_listing", "")?;
        self.set_setting("dav_cal_listing", "")?;
        self.set_setting("dav_url", &a.url)?;
        self.set_setting("dav_user", &a.user)?;
        self.set_setting("dav_addressbook", &a.addressbook)?;
        self.set_setting("dav_calendar", a.calendar.as_deref().unwrap_or(""))
    }

    /// Pending changes, open conflicts, last sync and error.
    pub fn sync_status(&self) -> Result<SyncStatus> {
        let (changes, _) = self.sync_changes()?;
        let conflicts: i64 = self.conn.query_row(
            "SELECT count(*) FROM sync_conflicts WHERE resolved_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        Ok(SyncStatus {
            configured: self.dav_account()?.is_some(),
            pending: sync::plan_push(&changes).len(),
            last_sync: self.setting("dav_last_sync")?.filter(|s| !s.is_empty()),
            last_error: self.setting("dav_last_error")?.filter(|s| !s.is_empty()),
            conflicts: conflicts as usize,
            retry_at: self.setting("dav_retry_at")?.filter(|s| !s.is_empty()),
            failures: self
                .setting("dav_failures")?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
        })
    }

    /// Records the end of a sync run: success (`error` None) or the error in plain words with
    /// the time before which the next automatic run should not start (`retry_at`, from the
    /// server's Retry-After or [`crate::sync::backoff`]).
    pub fn record_sync(
        &mut self,
        error: Option<&str>,
        at: &str,
        retry_at: Option<&str>,
    ) -> Result<()> {
        match error {
            None => {
                self.set_setting("dav_last_sync", at)?;
                self.set_setting("dav_last_error", "")?;
                self.set_setting("dav_failures", "0")?;
                self.set_setting("dav_retry_at", "")
            }
            Some(e) => {
                let n: u32 = self
                    .setting("dav_failures")?
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                self.set_setting("dav_failures", &(n + 1).to_string())?;
                self.set_setting("dav_retry_at", retry_at.unwrap_or(""))?;
                self.set_setting("dav_last_error", e)
            }
        }
    }

    /// The changes the journal holds for contacts (notes, encounters, attendance and follow-ups
    /// travel in their contact's card), oldest first, and the highest sequence read.
    pub fn sync_changes(&self) -> Result<(Vec<Change>, i64)> {
        let mut stmt = self.conn.prepare(
            "SELECT j.seq,
                    CASE j.entity
                      WHEN 'contact' THEN j.entity_uid
                      WHEN 'note' THEN (SELECT c.uid FROM notes n JOIN contacts c ON c.id = n.contact_id
                                        WHERE n.uid = j.entity_uid)
                      WHEN 'encounter' THEN (SELECT c.uid FROM encounters e JOIN contacts c ON c.id = e.contact_id
                                             WHERE e.uid = j.entity_uid)
                      WHEN 'attendance' THEN (SELECT c.uid FROM attendance a JOIN contacts c ON c.id = a.contact_id
                                              WHERE a.uid = j.entity_uid)
                      WHEN 'follow_up' THEN (SELECT c.uid FROM follow_ups f JOIN contacts c ON c.id = f.contact_id
                                             WHERE f.uid = j.entity_uid)
                    END AS cuid
             FROM change_journal j WHERE j.synced_at IS NULL ORDER BY j.seq",
        )?;
        let rows: Vec<(i64, Option<String>)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut max = 0;
        let mut out = Vec::new();
        for (seq, uid) in rows {
            max = max.max(seq);
            let Some(uid) = uid else { continue };
            let live: bool = self.conn.query_row(
                "SELECT count(*) > 0 FROM contacts WHERE uid = ?1 AND deleted_at IS NULL",
                [&uid],
                |r| r.get(0),
            )?;
            let on_server = self.dav_item(&uid)?.is_some();
            out.push(Change {
                seq,
                contact_uid: uid,
                live,
                on_server,
            });
        }
        Ok((out, max))
    }

    /// Marks the journal up to `seq` as synced, for the contacts given (entries of other kinds,
    /// such as events, wait for their own sync).
    pub fn mark_synced(&mut self, upto: i64, contact_uids: &[String], at: &str) -> Result<()> {
        let tx = self.write()?;
        let uids = serde_json::to_string(contact_uids).expect("uids");
        exec(
            &tx,
            "UPDATE change_journal SET synced_at = ?3
             WHERE synced_at IS NULL AND seq <= ?1 AND (
               (entity = 'contact' AND entity_uid IN (SELECT value FROM json_each(?2)))
               OR (entity = 'note' AND entity_uid IN (SELECT n.uid FROM notes n JOIN contacts c ON c.id = n.contact_id
                                                      WHERE c.uid IN (SELECT value FROM json_each(?2))))
               OR (entity = 'encounter' AND entity_uid IN (SELECT e.uid FROM encounters e JOIN contacts c ON c.id = e.contact_id
                                                           WHERE c.uid IN (SELECT value FROM json_each(?2))))
               OR (entity = 'attendance' AND entity_uid IN (SELECT a.uid FROM attendance a JOIN contacts c ON c.id = a.contact_id
                                                            WHERE c.uid IN (SELECT value FROM json_each(?2))))
               OR (entity = 'follow_up' AND entity_uid IN (SELECT f.uid FROM follow_ups f JOIN contacts c ON c.id = f.contact_id
                                                           WHERE c.uid IN (SELECT value FROM json_each(?2)))))",
            params![upto, uids, at],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A contact's name by UID (for messages about a card).
    pub fn contact_name_by_uid(&self, uid: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT display_name FROM contacts WHERE uid = ?1",
                [uid],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// What the server holds of a contact.
    pub fn dav_item(&self, uid: &str) -> Result<Option<DavItem>> {
        self.dav_item_of("contact", uid)
    }

    /// What the server holds of an own event (in the calendar).
    pub fn dav_event_item(&self, uid: &str) -> Result<Option<DavItem>> {
        self.dav_item_of("event", uid)
    }

    fn dav_item_of(&self, kind: &str, uid: &str) -> Result<Option<DavItem>> {
        Ok(self
            .conn
            .query_row(
                "SELECT uid, href, etag, base FROM dav_items WHERE kind = ?2 AND uid = ?1",
                params![uid, kind],
                dav_item_row,
            )
            .optional()?)
    }

    /// All contacts' items (href and ETag, without the stored cards: at 10,000 contacts those
    /// are megabytes a sync does not need), for comparing with a server listing.
    pub fn dav_items(&self) -> Result<Vec<DavItem>> {
        let mut stmt = self
            .conn
            .prepare("SELECT uid, href, etag, NULL FROM dav_items WHERE kind = 'contact'")?;
        let rows = stmt.query_map([], dav_item_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The ETags held for these contact hrefs (absent: not held). Looked up one by one through
    /// the href index: a delta of a few cards must not read the pages of 10,000 stored ones.
    pub fn dav_etags_of<'a>(
        &self,
        hrefs: impl IntoIterator<Item = &'a str>,
    ) -> Result<std::collections::HashMap<String, Option<String>>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT etag FROM dav_items WHERE href = ?1 AND kind = 'contact'")?;
        let mut out = std::collections::HashMap::new();
        for href in hrefs {
            if let Some(etag) = stmt
                .query_row([href], |r| r.get::<_, Option<String>>(0))
                .optional()?
            {
                out.insert(href.to_string(), etag);
            }
        }
        Ok(out)
    }

    /// Records that the server holds `card` for `uid` at `href` with `etag` (after a confirmed
    /// PUT or a pull). This is the base of the next merge.
    pub fn record_item(
        &mut self,
        uid: &str,
        href: &str,
        etag: Option<&str>,
        card: &str,
    ) -> Result<()> {
        self.record_item_of("contact", uid, href, etag, card)
    }

    /// Records that the calendar holds `object` for the own event `uid`.
    pub fn record_event_item(
        &mut self,
        uid: &str,
        href: &str,
        etag: Option<&str>,
        object: &str,
    ) -> Result<()> {
        self.record_item_of("event", uid, href, etag, object)
    }

    fn record_item_of(
        &mut self,
        kind: &str,
        uid: &str,
        href: &str,
        etag: Option<&str>,
        card: &str,
    ) -> Result<()> {
        exec(
            &self.conn,
            "INSERT INTO dav_items(kind, uid, href, etag, base, synced_at) VALUES (?6, ?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(kind, uid) DO UPDATE SET href = excluded.href, etag = excluded.etag,
                 base = excluded.base, synced_at = excluded.synced_at",
            params![uid, href, etag, card, now(), kind],
        )?;
        Ok(())
    }

    /// Forgets what the calendar held of an own event.
    pub fn forget_event_item(&mut self, uid: &str) -> Result<()> {
        exec(
            &self.conn,
            "DELETE FROM dav_items WHERE kind = 'event' AND uid = ?1",
            [uid],
        )?;
        Ok(())
    }

    /// The UID of the own event the calendar holds at `href`.
    pub fn dav_event_uid_at(&self, href: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT uid FROM dav_items WHERE kind = 'event' AND href = ?1",
                [href],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// ETags of the calendar's items by href.
    pub fn dav_event_etags(&self) -> Result<std::collections::HashMap<String, Option<String>>> {
        let mut stmt = self
            .conn
            .prepare("SELECT href, etag FROM dav_items WHERE kind = 'event'")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Forgets what the server held of a contact (after a confirmed DELETE, or when the server
    /// deleted it and the local edit is to be created anew).
    pub fn forget_item(&mut self, uid: &str) -> Result<()> {
        exec(
            &self.conn,
            "DELETE FROM dav_items WHERE kind = 'contact' AND uid = ?1",
            [uid],
        )?;
        Ok(())
    }

    /// The contact's card as it goes to the server (vCard 4.0 with Vernetzt's X- properties),
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

    /// The card as written from the store alone (no server version taken into account).
    fn own_card_as(&self, uid: &str, version: Version) -> Result<Option<String>> {
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM contacts WHERE uid = ?1 AND deleted_at IS NULL",
                [uid],
                |r| r.get(0),
            )
            .optional()?;
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
        let rows = stmt.query_map([contact_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        for row in rows {
            let (uid, ev, title, session, note, met_at, occ) = row?;
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
        let rows = stmt.query_map([contact_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        for row in rows {
            let (uid, ev, title, occ, status) = row?;
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
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM contacts WHERE uid = ?1 AND deleted_at IS NULL",
                [uid],
                |r| r.get(0),
            )
            .optional()?;
        let Some(id) = id else { return Ok(()) };
        let parsed = crate::ical::parse::parse(card.as_bytes());
        let Some(vcard) = parsed.roots.iter().find(|c| c.name == "VCARD") else {
            return Ok(());
        };
        let t = now();
        let tx = self.write()?;
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

    fn local_fields(&self, uid: &str) -> Result<Option<(i64, Fields, ImportedContact)>> {
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM contacts WHERE uid = ?1 AND deleted_at IS NULL",
                [uid],
                |r| r.get(0),
            )
            .optional()?;
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
    /// up on the next push.
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
        let before: i64 =
            self.conn
                .query_row("SELECT ifnull(max(seq), 0) FROM change_journal", [], |r| {
                    r.get(0)
                })?;
        // Deleted here but changed there: the edit wins, the contact comes back.
        let tomb: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM contacts WHERE uid = ?1 AND deleted_at IS NOT NULL AND merged_into IS NULL",
                [&uid],
                |r| r.get(0),
            )
            .optional()?;
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
            exec(
                &self.conn,
                "UPDATE change_journal SET synced_at = ?2 WHERE seq > ?1 AND synced_at IS NULL",
                params![before, now()],
            )?;
        } else {
            // Make sure the merged card goes up even if nothing was journaled here.
            let t = now();
            exec(
                &self.conn,
                "INSERT INTO change_journal(entity, entity_uid, op, changed_at) VALUES ('contact', ?1, 'upsert', ?2)",
                params![uid, t],
            )?;
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
            let before: i64 =
                self.conn
                    .query_row("SELECT ifnull(max(seq), 0) FROM change_journal", [], |r| {
                        r.get(0)
                    })?;
            let recs: Vec<ImportedContact> = fresh.iter().map(|(_, r)| r.clone()).collect();
            self.import_contacts(&recs, None, "carddav")?;
            for (i, rec) in &fresh {
                if let Some(uid) = &rec.uid {
                    self.apply_extras(uid, &cards[*i].2)?;
                }
            }
            let t = now();
            let tx = self.write()?;
            exec(
                &tx,
                "UPDATE change_journal SET synced_at = ?2 WHERE seq > ?1 AND synced_at IS NULL",
                params![before, t],
            )?;
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

    fn record_conflicts(&mut self, uid: &str, conflicts: &[FieldConflict]) -> Result<()> {
        let t = now();
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

    /// The server deleted a card. A contact with unsynced local changes is kept (an edit beats a
    /// deletion) and will be created on the server again; otherwise it is deleted here too (a
    /// tombstone, undoable like any delete). Returns whether the contact was kept.
    pub fn apply_remote_delete(&mut self, href: &str) -> Result<RemoteDelete> {
        let uid: Option<String> = self
            .conn
            .query_row(
                "SELECT uid FROM dav_items WHERE kind = 'contact' AND href = ?1",
                [href],
                |r| r.get(0),
            )
            .optional()?;
        let Some(uid) = uid else {
            return Ok(RemoteDelete::NotHeld);
        };
        self.forget_item(&uid)?;
        let (changes, _) = self.sync_changes()?;
        if changes.iter().any(|c| c.contact_uid == uid && c.live) {
            return Ok(RemoteDelete::Kept);
        }
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM contacts WHERE uid = ?1 AND deleted_at IS NULL",
                [&uid],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = id {
            let before: i64 =
                self.conn
                    .query_row("SELECT ifnull(max(seq), 0) FROM change_journal", [], |r| {
                        r.get(0)
                    })?;
            self.delete_contact(id)?;
            exec(
                &self.conn,
                "UPDATE change_journal SET synced_at = ?2 WHERE seq > ?1 AND synced_at IS NULL",
                params![before, now()],
            )?;
        }
        Ok(RemoteDelete::Deleted)
    }

    /// Open conflicts, oldest first.
    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.id, c.id, c.display_name, s.field, s.local, s.remote, s.created_at
             FROM sync_conflicts s LEFT JOIN contacts c ON c.uid = s.contact_uid AND c.deleted_at IS NULL
             WHERE s.resolved_at IS NULL ORDER BY s.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Conflict {
                id: r.get(0)?,
                contact_id: r.get(1)?,
                name: r.get(2)?,
                field: r.get(3)?,
                local: r.get(4)?,
                remote: r.get(5)?,
                created_at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Resolves a conflict: `local` keeps this device's value, `remote` takes the server's,
    /// `both` keeps this device's value and adds the server's as a note, so neither is lost.
    /// The contact is journaled, so the choice reaches the server on the next sync.
    pub fn resolve_conflict(&mut self, id: i64, keep: &str) -> Result<()> {
        let row: Option<(String, String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT contact_uid, field, remote FROM sync_conflicts WHERE id = ?1 AND resolved_at IS NULL",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let (uid, field, remote) =
            row.ok_or_else(|| Error::not_found("conflict", id.to_string()))?;
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
            let t = now();
            exec(
                &self.conn,
                "INSERT INTO change_journal(entity, entity_uid, op, changed_at) VALUES ('contact', ?1, 'upsert', ?2)",
                params![uid, t],
            )?;
        }
        exec(
            &self.conn,
            "UPDATE sync_conflicts SET resolved_at = ?2, resolution = ?3 WHERE id = ?1",
            params![id, now(), keep],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::patch_from_base;

    #[test]
    fn unchanged_groups_keep_the_servers_richer_lines() {
        let base = "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:u1\r\nFN:Jördis Müller\r\nN:Müller;Jördis;Hans;;\r\nORG:FITKO;Amt für Digitalisierung\r\nTITLE:Referentin\r\nADR;TYPE=work:;;Hauptstr. 1;Erfurt;Thüringen;99084;Deutschland\r\nitem1.TEL;TYPE=cell:+49 171 5550000\r\nitem1.X-ABLabel:Diensthandy\r\nEND:VCARD\r\n";
        let ours = "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:u1\r\nFN:Jördis Müller\r\nN:Müller;Jördis Hans;;;\r\nORG:FITKO\r\nTITLE:Referatsleiterin\r\nADR:;;Hauptstr. 1;Erfurt;;99084;Deutschland\r\nitem1.TEL:+49 171 5550000\r\nitem1.X-ABLabel:Diensthandy\r\nEND:VCARD\r\n";
        let out = patch_from_base(ours, base);
        assert!(out.contains("TITLE:Referatsleiterin"), "{out}");
        assert!(!out.contains("Referentin"), "{out}");
        assert_eq!(out.matches("Diensthandy").count(), 1, "{out}");
        assert!(
            out.contains("Thüringen") && out.contains("TYPE=\"cell\""),
            "{out}"
        );
        assert!(out.starts_with("BEGIN:VCARD\r\n") && out.ends_with("END:VCARD\r\n"));
    }
}
