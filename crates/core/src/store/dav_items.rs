//! What the server holds of each synced record (`dav_items`: href, ETag, the card or calendar
//! object as last synced, the base of the next merge), and the contact changes the change
//! journal holds for the sync. No network here.

use super::{Store, all, exec, first, tuple};
use crate::error::Result;
use crate::sync::Change;
use rusqlite::{OptionalExtension, params};

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

fn dav_item_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DavItem> {
    read_row!(r => DavItem { uid, href, etag, base })
}

impl Store {
    /// The changes the journal holds for contacts (notes, encounters, attendance and follow-ups
    /// travel in their contact's card), oldest first, and the highest sequence read.
    pub fn sync_changes(&self) -> Result<(Vec<Change>, i64)> {
        let rows: Vec<(i64, Option<String>)> = all(
            &self.conn,
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
            [],
            tuple,
        )?;
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
            let erased = self.is_erased(&uid)?;
            out.push(Change {
                seq,
                contact_uid: uid,
                live,
                on_server,
                erased,
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
        let sql = "SELECT display_name FROM contacts WHERE uid = ?1";
        first(&self.conn, sql, [uid], |r| r.get(0))
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
        let sql = "SELECT uid, href, etag, base FROM dav_items WHERE kind = ?2 AND uid = ?1";
        first(&self.conn, sql, params![uid, kind], dav_item_row)
    }

    /// All contacts' items (href and ETag, without the stored cards: at 10,000 contacts those
    /// are megabytes a sync does not need), for comparing with a server listing.
    pub fn dav_items(&self) -> Result<Vec<DavItem>> {
        let sql = "SELECT uid, href, etag, NULL FROM dav_items WHERE kind = 'contact'";
        all(&self.conn, sql, [], dav_item_row)
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
            params![uid, href, etag, card, self.now_text(), kind],
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
        self.dav_uid_at("event", href)
    }

    /// The UID of the record of `kind` (`contact`, `event`) the server holds at `href`.
    pub(super) fn dav_uid_at(&self, kind: &str, href: &str) -> Result<Option<String>> {
        let sql = "SELECT uid FROM dav_items WHERE kind = ?2 AND href = ?1";
        first(&self.conn, sql, [href, kind], |r| r.get(0))
    }

    /// ETags of the calendar's items by href.
    pub fn dav_event_etags(&self) -> Result<std::collections::HashMap<String, Option<String>>> {
        let sql = "SELECT href, etag FROM dav_items WHERE kind = 'event'";
        all(&self.conn, sql, [], tuple)
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
}
