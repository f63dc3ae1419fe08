//! Search over contacts, as the user types: German-folded prefix matching, ranked.
//!
//! Ranking, in three tiers, each in name order: contacts whose *name* matches every query token;
//! then those that match in organisation, role, e-mail, tags or Themenfelder; then those found only
//! in notes. A query for `weiss` finds Frau Weiß before a contact whose notes mention Herrn Weiß.
//!
//! How, and why:
//! - Names and the other short fields are searched in an in-memory index: a sorted vocabulary of
//!   folded tokens, each with the positions (in name order) of the contacts that have it. A prefix
//!   is a range of the vocabulary; its contacts are a bitset; the first `limit` set bits are the
//!   answer, already in name order. One-letter queries over 100,000 contacts stay well under a
//!   millisecond. FTS5 was tried first: with bm25 it scores every match before it can cut at the
//!   limit (p95 25 ms at 100,000), and without it, sorting large match sets or walking the name
//!   index for rare ones still cost 20 ms at p95.
//! - The index is built from `contacts.search_name`/`search_rest` (folded in the same transaction
//!   as every write) on the first search, rebuilt when another process has written the file
//!   (`PRAGMA data_version`), and patched through a small overlay for this connection's own
//!   writes, so an edit does not cost a rebuild.
//! - Notes can be long, so they stay in SQLite's FTS5 (`contact_notes_search`) and are searched only
//!   when the first two tiers leave room.

use super::Store;
use crate::error::Result;
use crate::fold::{fold, index_text, tokens};
use crate::model::ContactSummary;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::collections::HashMap;

/// A search result.
pub type SearchHit = ContactSummary;

/// The columns of a contact list row ([`summary_row`]): the contact list and search show the
/// same row, and it lives here so that `contacts.rs` imports search and not the other way round.
pub(super) const SUMMARY_SELECT: &str = "SELECT c.id, c.display_name, c.title, c.role, o.name,
        (SELECT value FROM contact_emails e WHERE e.contact_id = c.id ORDER BY position LIMIT 1)
     FROM contacts c LEFT JOIN organizations o ON o.id = c.organization_id";

/// Reads a row selected by [`SUMMARY_SELECT`].
pub(super) fn summary_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ContactSummary> {
    read_row!(r => ContactSummary { id, name, title, role, organization, email })
}

/// Own writes patched in through the overlay before a full rebuild is cheaper.
const MAX_OVERLAY: usize = 2_000;

thread_local! {
    /// While set, the ids of contacts to reindex are collected here and [`flush_notes`] writes
    /// their folded columns and notes' full-text rows in one statement each. FTS5 flushes its pending index data at every statement savepoint, so writing one
    /// row per contact made a 10,000-card import write 10,000 index segments and merge them.
    static DEFERRED_NOTES: std::cell::RefCell<Option<Vec<i64>>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` (a bulk write: an import, many new contacts) with the search upkeep deferred, then
/// writes it for all touched contacts at once: their folded columns in one UPDATE, their notes'
/// full-text rows in one INSERT; and with the change journal deferred the same way.
pub(super) fn with_deferred_notes<R>(
    tx: &Transaction<'_>,
    f: impl FnOnce() -> Result<R>,
) -> Result<R> {
    super::with_deferred_journal(tx, || {
        let (result, ids) = super::collecting(&DEFERRED_NOTES, f);
        let r = result?;
        flush_notes(tx, &ids)?;
        Ok(r)
    })
}

fn flush_notes(tx: &Transaction<'_>, ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let json = serde_json::to_string(ids).expect("ids");
    super::exec(
        tx,
        &format!(
            "{FOLD_COLUMNS} WHERE id IN (SELECT value FROM json_each(?1)) AND deleted_at IS NULL"
        ),
        [&json],
    )?;
    super::exec(
        tx,
        "DELETE FROM contact_notes_search WHERE rowid IN (SELECT value FROM json_each(?1))",
        [&json],
    )?;
    super::exec(
        tx,
        "INSERT INTO contact_notes_search(rowid, notes)
         SELECT n.contact_id, vz_fold(group_concat(n.body, ' ')) FROM notes n
         JOIN contacts c ON c.id = n.contact_id AND c.deleted_at IS NULL
         WHERE n.contact_id IN (SELECT DISTINCT value FROM json_each(?1)) AND n.deleted_at IS NULL
         GROUP BY n.contact_id",
        [&json],
    )?;
    Ok(())
}

/// The UPDATE that folds contacts' search columns from their stored data; the caller adds the
/// WHERE (one contact, or all of a bulk write).
const FOLD_COLUMNS: &str = "UPDATE contacts SET
     search_name = ifnull(vz_fold(concat_ws(' ', display_name, given_name, family_name, title)), ''),
     search_rest = ifnull(vz_fold(concat_ws(' ',
         (SELECT concat_ws(' ', o.name, o.short_name) FROM organizations o
          WHERE o.id = contacts.organization_id),
         role,
         (SELECT group_concat(value, ' ') FROM contact_emails WHERE contact_id = contacts.id),
         (SELECT group_concat(tag, ' ') FROM contact_tags WHERE contact_id = contacts.id),
         (SELECT group_concat(t.name_de || ' ' || t.key, ' ') FROM contact_themenfelder ct
            JOIN themenfelder t ON t.key = ct.themenfeld WHERE ct.contact_id = contacts.id))), '')";

/// Rewrites a contact's folded search columns and its notes' full-text row from stored data.
pub(super) fn reindex(tx: &Transaction<'_>, id: i64) -> Result<()> {
    if super::defer(&DEFERRED_NOTES, || id) {
        return Ok(());
    }
    remove(tx, id)?;
    super::exec(
        tx,
        &format!("{FOLD_COLUMNS} WHERE id = ?1 AND deleted_at IS NULL"),
        [id],
    )?;
    super::exec(tx,
        "INSERT INTO contact_notes_search(rowid, notes)
         SELECT ?1, vz_fold(group_concat(body, ' ')) FROM notes
         WHERE contact_id = ?1 AND deleted_at IS NULL
         HAVING count(*) > 0 AND EXISTS (SELECT 1 FROM contacts WHERE id = ?1 AND deleted_at IS NULL)",
        [id],
    )?;
    Ok(())
}

/// Drops a contact's notes from the full-text index (a deleted contact is skipped by the
/// in-memory index through its `deleted_at`).
pub(super) fn remove(tx: &Transaction<'_>, id: i64) -> Result<()> {
    super::exec(
        tx,
        "DELETE FROM contact_notes_search WHERE rowid = ?1",
        [id],
    )?;
    Ok(())
}

/// Registers `vz_fold(text)` on a connection, so folded columns are built in SQL from the stored
/// data. It lives only in connections opened by [`Store`]; nothing in the schema (no trigger, no
/// view) depends on it, so other SQLite tools can still open the file.
pub(super) fn register(conn: &Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("vz_fold", 1, flags, |ctx| {
        Ok(ctx.get::<Option<String>>(0)?.map(|s| index_text(&s)))
    })
}

/// Folded query tokens (at most 12: a pasted paragraph is not a search).
fn query_tokens(query: &str) -> Vec<String> {
    let folded = fold(query);
    tokens(&folded).take(12).map(str::to_string).collect()
}

/// One contact as the index sees it.
#[derive(Debug, Clone)]
struct Doc {
    sort_key: String,
    name: String,
    rest: String,
}

impl Doc {
    /// 0 when every token prefixes a name token, 1 when every token prefixes a name or other
    /// token, `None` otherwise.
    fn tier(&self, tokens: &[String]) -> Option<usize> {
        let has = |text: &str, t: &str| text.split(' ').any(|w| w.starts_with(t));
        if tokens.iter().all(|t| has(&self.name, t)) {
            Some(0)
        } else if tokens
            .iter()
            .all(|t| has(&self.name, t) || has(&self.rest, t))
        {
            Some(1)
        } else {
            None
        }
    }
}

/// The in-memory index of names and short fields; see the module documentation.
pub(super) struct Index {
    data_version: i64,
    /// Contact ids by position (name order).
    ids: Vec<i64>,
    /// Sort keys by position, to merge overlay documents in order.
    sort_keys: Vec<String>,
    /// Sorted unique tokens.
    vocab: Vec<String>,
    /// Per token: positions where it occurs in the name.
    name_postings: Vec<Vec<u32>>,
    /// Per token: positions where it occurs in the name or another short field.
    any_postings: Vec<Vec<u32>>,
    /// Contacts written by this connection since the build: their current document, or `None`
    /// when deleted. Their positions in the main index are ignored.
    overlay: HashMap<i64, Option<Doc>>,
}

fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
}

impl Index {
    fn build(conn: &Connection) -> Result<Index> {
        let version = data_version(conn)?;
        let mut stmt = conn.prepare(
            "SELECT id, sort_key, search_name, search_rest FROM contacts
             WHERE deleted_at IS NULL ORDER BY sort_key, id",
        )?;
        let mut ids = Vec::new();
        let mut sort_keys = Vec::new();
        let mut map: HashMap<String, (Vec<u32>, Vec<u32>)> = HashMap::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let pos = ids.len() as u32;
            ids.push(r.get::<_, i64>(0)?);
            sort_keys.push(r.get::<_, String>(1)?);
            let name = r.get_ref(2)?.as_str().unwrap_or("");
            let rest = r.get_ref(3)?.as_str().unwrap_or("");
            for (text, in_name) in [(name, true), (rest, false)] {
                for t in text.split(' ').filter(|t| !t.is_empty()) {
                    let e = map.entry(t.to_string()).or_default();
                    if in_name && e.0.last() != Some(&pos) {
                        e.0.push(pos);
                    }
                    if e.1.last() != Some(&pos) {
                        e.1.push(pos);
                    }
                }
            }
        }
        let mut entries: Vec<_> = map.into_iter().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut vocab = Vec::with_capacity(entries.len());
        let mut name_postings = Vec::with_capacity(entries.len());
        let mut any_postings = Vec::with_capacity(entries.len());
        for (t, (n, a)) in entries {
            vocab.push(t);
            name_postings.push(n);
            any_postings.push(a);
        }
        Ok(Index {
            data_version: version,
            ids,
            sort_keys,
            vocab,
            name_postings,
            any_postings,
            overlay: HashMap::new(),
        })
    }

    /// Positions whose tokens (from `postings`) start with every query token, as a bitset.
    fn matching(&self, tokens: &[String], postings: &[Vec<u32>]) -> Vec<u64> {
        let words = self.ids.len().div_ceil(64);
        let mut acc: Option<Vec<u64>> = None;
        for q in tokens {
            let mut bits = vec![0u64; words];
            let start = self.vocab.partition_point(|t| t.as_str() < q.as_str());
            for (i, _) in self.vocab[start..]
                .iter()
                .enumerate()
                .take_while(|(_, t)| t.starts_with(q.as_str()))
            {
                for &p in &postings[start + i] {
                    bits[(p / 64) as usize] |= 1 << (p % 64);
                }
            }
            acc = Some(match acc {
                None => bits,
                Some(mut a) => {
                    a.iter_mut().zip(&bits).for_each(|(x, y)| *x &= y);
                    a
                }
            });
        }
        acc.unwrap_or_else(|| vec![0; words])
    }

    /// Up to `limit` contact ids of the first two tiers, best first.
    fn query(&self, tokens: &[String], limit: usize) -> Vec<(usize, i64)> {
        let name = self.matching(tokens, &self.name_postings);
        let any = self.matching(tokens, &self.any_postings);
        let mut overlay: Vec<(usize, &str, i64)> = self
            .overlay
            .iter()
            .filter_map(|(id, d)| {
                d.as_ref()
                    .and_then(|d| d.tier(tokens).map(|t| (t, d.sort_key.as_str(), *id)))
            })
            .collect();
        overlay.sort();
        let mut out = Vec::new();
        for tier in 0..2 {
            let mut extra = overlay.iter().filter(|o| o.0 == tier).peekable();
            let words = name
                .iter()
                .zip(&any)
                .map(|(n, a)| if tier == 0 { *n } else { a & !n });
            for (w, mut word) in words.enumerate() {
                while word != 0 && out.len() < limit {
                    let pos = w * 64 + word.trailing_zeros() as usize;
                    word &= word - 1;
                    let id = self.ids[pos];
                    if self.overlay.contains_key(&id) {
                        continue;
                    }
                    while let Some(o) =
                        extra.next_if(|o| (o.1, o.2) < (self.sort_keys[pos].as_str(), id))
                    {
                        if out.len() < limit {
                            out.push((tier, o.2));
                        }
                    }
                    if out.len() < limit {
                        out.push((tier, id));
                    }
                }
            }
            for o in extra {
                if out.len() < limit {
                    out.push((tier, o.2));
                }
            }
        }
        out
    }
}

impl Store {
    /// Contacts matching `query` (search-as-you-type), best first, at most `limit`; see the module
    /// documentation for the ranking. An empty query returns nothing: list contacts instead.
    pub fn search(&self, query: &str, limit: i64) -> Result<Vec<SearchHit>> {
        let tokens = query_tokens(query);
        if tokens.is_empty() {
            return Ok(vec![]);
        }
        let limit = limit.clamp(1, 1000) as usize;
        let version = data_version(&self.conn)?;
        let mut slot = self.search_index.borrow_mut();
        if slot.as_ref().is_none_or(|ix| ix.data_version != version) {
            *slot = Some(Index::build(&self.conn)?);
        }
        let ids = slot
            .as_ref()
            .map(|ix| ix.query(&tokens, limit))
            .unwrap_or_default();
        drop(slot);
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{SUMMARY_SELECT} WHERE c.id = ?1"))?;
        let mut hits = Vec::with_capacity(ids.len());
        for (_, id) in &ids {
            if let Some(h) = stmt.query_row([id], summary_row).optional()? {
                hits.push(h);
            }
        }
        if hits.len() < limit {
            let terms: Vec<String> = tokens.iter().map(|t| format!("\"{t}\"*")).collect();
            let mut stmt = self.conn.prepare_cached(&format!(
                "{SUMMARY_SELECT} WHERE c.deleted_at IS NULL
                   AND c.id IN (SELECT rowid FROM contact_notes_search WHERE contact_notes_search MATCH ?1)
                 ORDER BY c.sort_key, c.id LIMIT ?2"
            ))?;
            let want = (limit + ids.len()) as i64;
            for row in stmt.query_map(params![terms.join(" "), want], summary_row)? {
                let row = row?;
                if hits.len() < limit && !ids.iter().any(|(_, id)| *id == row.id) {
                    hits.push(row);
                }
            }
        }
        Ok(hits)
    }

    /// Tells the in-memory index that this connection wrote contact `id` (call after commit).
    pub(super) fn search_touched(&self, id: i64) -> Result<()> {
        let mut slot = self.search_index.borrow_mut();
        let Some(ix) = slot.as_mut() else {
            return Ok(());
        };
        if ix.overlay.len() >= MAX_OVERLAY {
            *slot = None;
            return Ok(());
        }
        let doc = self
            .conn
            .query_row(
                "SELECT sort_key, search_name, search_rest FROM contacts WHERE id = ?1 AND deleted_at IS NULL",
                [id],
                |r| Ok(Doc { sort_key: r.get(0)?, name: r.get(1)?, rest: r.get(2)? }),
            )
            .optional()?;
        ix.overlay.insert(id, doc);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::query_tokens;

    #[test]
    fn queries_cannot_carry_fts_syntax() {
        assert_eq!(query_tokens("Müller"), vec!["muller"]);
        assert_eq!(query_tokens("\"OR\" NEAR( * -"), vec!["or", "near"]);
        assert!(query_tokens("  ,;  ").is_empty());
    }
}
