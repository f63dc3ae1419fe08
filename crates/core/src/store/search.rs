//! Search over contacts: SQLite FTS5 over German-folded text.
//!
//! Why FTS5 and not an in-memory index: the CLI is a fresh process per call and the app shares
//! the file with it, so the index has to live in the database and stay exact under concurrent
//! writers. FTS5's prefix indexes (`prefix = '1 2 3'`) keep search-as-you-type fast for short
//! prefixes, which are the common case while typing.
//!
//! Ranking: contacts whose *name* matches every query token come first, then the rest, each group
//! by bm25 with the name column weighted highest, then by name. A query for `weiss` finds
//! Frau Weiß before a contact whose notes mention Herrn Weiß.

use super::Store;
use super::contacts::{SUMMARY_SELECT, summary_row};
use crate::error::Result;
use crate::fold::{fold, index_text, tokens};
use crate::model::ContactSummary;
use rusqlite::{Transaction, params};

/// A search result: the contact row and whether its name matched.
pub type SearchHit = ContactSummary;

/// Rewrites a contact's row in the search index from the stored data.
pub(super) fn reindex(tx: &Transaction<'_>, id: i64) -> Result<()> {
    remove(tx, id)?;
    tx.execute(
        "INSERT INTO contact_search(rowid, name, organization, role, email, tags, notes)
         SELECT c.id,
                vz_fold(concat_ws(' ', c.display_name, c.given_name, c.family_name, c.title)),
                vz_fold(concat_ws(' ', o.name, o.short_name)),
                vz_fold(c.role),
                vz_fold((SELECT group_concat(value, ' ') FROM contact_emails WHERE contact_id = c.id)),
                vz_fold(concat_ws(' ',
                    (SELECT group_concat(tag, ' ') FROM contact_tags WHERE contact_id = c.id),
                    (SELECT group_concat(t.name_de || ' ' || t.key, ' ') FROM contact_themenfelder ct
                       JOIN themenfelder t ON t.key = ct.themenfeld WHERE ct.contact_id = c.id))),
                vz_fold((SELECT group_concat(body, ' ') FROM notes
                         WHERE contact_id = c.id AND deleted_at IS NULL))
         FROM contacts c LEFT JOIN organizations o ON o.id = c.organization_id
         WHERE c.id = ?1 AND c.deleted_at IS NULL",
        [id],
    )?;
    Ok(())
}

/// Drops a contact from the search index.
pub(super) fn remove(tx: &Transaction<'_>, id: i64) -> Result<()> {
    tx.execute("DELETE FROM contact_search WHERE rowid = ?1", [id])?;
    Ok(())
}

/// Registers `vz_fold(text)` on a connection, so index rows are built in one statement from the
/// stored data. The function lives only in connections opened by [`Store`]; nothing in the schema
/// (no trigger, no view) depends on it, so other SQLite tools can still open the file.
pub(super) fn register(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "vz_fold",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| Ok(ctx.get::<Option<String>>(0)?.map(|s| index_text(&s))),
    )
}

/// Builds the FTS5 query: every folded token as a prefix term, all required.
fn match_expr(query: &str) -> Option<String> {
    let folded = fold(query);
    let terms: Vec<String> = tokens(&folded).take(12).map(|t| format!("\"{t}\"*")).collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

impl Store {
    /// Contacts matching `query` (search-as-you-type), best first, at most `limit`.
    ///
    /// An empty query (or one of only punctuation) returns nothing; list contacts instead.
    pub fn search(&self, query: &str, limit: i64) -> Result<Vec<SearchHit>> {
        let Some(expr) = match_expr(query) else { return Ok(vec![]) };
        let name_expr = format!("name : ({expr})");
        let sql = format!(
            "{SUMMARY_SELECT}
             JOIN (SELECT rowid AS id, bm25(contact_search, 10.0, 4.0, 3.0, 3.0, 2.0, 1.0) AS score
                   FROM contact_search WHERE contact_search MATCH ?1) m ON m.id = c.id
             WHERE c.deleted_at IS NULL
             ORDER BY (c.id IN (SELECT rowid FROM contact_search WHERE contact_search MATCH ?2)) DESC,
                      m.score, c.sort_key
             LIMIT ?3"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![expr, name_expr, limit.clamp(1, 1000)], summary_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::match_expr;

    #[test]
    fn match_expr_is_safe_for_fts_syntax() {
        assert_eq!(match_expr("Müller").as_deref(), Some("\"muller\"*"));
        assert_eq!(match_expr("\"OR\" NEAR( * -"), Some("\"or\"* \"near\"*".into()));
        assert_eq!(match_expr("  ,;  "), None);
    }
}
