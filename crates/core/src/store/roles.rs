//! Roles over time (`contact_roles`, issue 17): a contact's history of posts, vacant posts, and
//! "who holds post X now or at date D". The rules live in [`crate::roles`].
//!
//! The contact's own `role` and `organization_id` stay the fields the rest of the app reads; the
//! open role of a contact mirrors them, kept so by [`follow_contact`] on every contact write and
//! by [`Store::change_role`], the one place that closes a role.

use super::{Entity, Store, all, exec, first, journal, live_contact_uid, search};
use crate::error::{Error, Result};
use crate::fold::fold;
use crate::roles::{HoldersQuery, Role, RoleChange, held_at, parse_role_date};
use rusqlite::{OptionalExtension, Transaction, params};

const ROLE_SELECT: &str =
    "SELECT r.id, r.contact_id, c.display_name, r.function, r.organization_id,
        o.name, o.level, o.land_key, r.themenfeld, r.from_date, r.to_date, r.vacant
     FROM contact_roles r LEFT JOIN contacts c ON c.id = r.contact_id
     LEFT JOIN organizations o ON o.id = r.organization_id";

/// Current roles first, then the latest start first (an unknown start last).
const ROLE_ORDER: &str = "ORDER BY r.to_date IS NOT NULL, r.to_date DESC, r.from_date IS NULL, r.from_date DESC, r.id DESC";

fn role_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Role> {
    read_row!(r => Role {
        id, contact_id, contact_name, function, organization_id, organization, level, land_key,
        themenfeld, from, to, vacant,
    })
}

/// Makes the contact's open role equal its `role`/`organization_id` fields after a write that did
/// not go through [`Store::change_role`] (the form's plain save, an import, a pulled card): such an
/// edit is a correction, so the open role is rewritten, created, or (both fields empty) removed.
pub(super) fn follow_contact(tx: &Transaction<'_>, id: i64, now: &str) -> Result<()> {
    let (role, org): (Option<String>, Option<i64>) = tx
        .prepare_cached("SELECT role, organization_id FROM contacts WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let role = role.map(|r| r.trim().to_string()).unwrap_or_default();
    let open: Option<(i64, String, Option<i64>)> = tx
        .prepare_cached(
            "SELECT id, function, organization_id FROM contact_roles
             WHERE contact_id = ?1 AND to_date IS NULL AND vacant = 0 ORDER BY id DESC LIMIT 1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let empty = role.is_empty() && org.is_none();
    match open {
        Some((_, f, o)) if f == role && o == org => {}
        Some((rid, _, _)) if empty => {
            exec(tx, "DELETE FROM contact_roles WHERE id = ?1", [rid])?;
        }
        Some((rid, _, _)) => {
            exec(
                tx,
                "UPDATE contact_roles SET function = ?2, organization_id = ?3, updated_at = ?4
                 WHERE id = ?1",
                params![rid, role, org, now],
            )?;
        }
        None if empty => {}
        None => {
            exec(
                tx,
                "INSERT INTO contact_roles(contact_id, function, organization_id, created_at,
                     updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
                params![id, role, org, now],
            )?;
        }
    }
    Ok(())
}

/// [`follow_contact`] for a contact just inserted: it has no roles yet, so the open role is
/// written straight from the validated fields, without reading the contact and its roles back.
/// Why apart: an import of thousands of cards inserts each one, and the two look-ups per card
/// were a measurable part of it (the instruction-count guard, docs/benchmarks.md).
pub(super) fn open_first_role(
    tx: &Transaction<'_>,
    id: i64,
    role: Option<&str>,
    org: Option<i64>,
    now: &str,
) -> Result<()> {
    let role = role.map(str::trim).unwrap_or_default();
    if role.is_empty() && org.is_none() {
        return Ok(());
    }
    exec(
        tx,
        "INSERT INTO contact_roles(contact_id, function, organization_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4)",
        params![id, role, org, now],
    )?;
    Ok(())
}

fn check_themenfeld(tx: &Transaction<'_>, key: Option<&str>) -> Result<Option<String>> {
    let Some(key) = key.map(str::trim).filter(|k| !k.is_empty()) else {
        return Ok(None);
    };
    let found: Option<String> = first(
        tx,
        "SELECT key FROM themenfelder WHERE key = ?1 OR name_de = ?1 COLLATE NOCASE",
        [key],
        |r| r.get(0),
    )?;
    found.map(Some).ok_or_else(|| {
        Error::invalid(
            "themenfeld_unknown",
            "themenfeld",
            format!("'{key}' is not one of the 14 Themenfelder"),
        )
    })
}

impl Store {
    /// A contact's roles: the current one first, then the earlier ones, latest first.
    pub fn roles(&self, contact_id: i64) -> Result<Vec<Role>> {
        self.contact(contact_id)?;
        let sql = format!("{ROLE_SELECT} WHERE r.contact_id = ?1 {ROLE_ORDER}");
        all(&self.conn, &sql, [contact_id], role_row)
    }

    /// Corrects the contact's current role or records a change of post (see
    /// [`crate::roles::edit_meaning`]): a change closes the current role at the change date
    /// (`change.from`, else today by the store's clock) and opens the new one from that date.
    /// The contact's role and organisation fields follow, so lists and search show the new post.
    pub fn change_role(&mut self, contact_id: i64, change: &RoleChange) -> Result<Vec<Role>> {
        let (tx, now) = self.begin()?;
        let uid = live_contact_uid(&tx, contact_id)?;
        super::orgs::check_org(&tx, change.organization_id, "organization_id")?;
        let themenfeld = check_themenfeld(&tx, change.themenfeld.as_deref())?;
        let from = change.from.as_deref().map(parse_role_date).transpose()?;
        let function = change.function.trim();
        let open = "contact_id = ?1 AND to_date IS NULL AND vacant = 0";
        let rewritten = if change.correction {
            exec(
                &tx,
                &format!(
                    "UPDATE contact_roles SET function = ?2, organization_id = ?3,
                         themenfeld = COALESCE(?4, themenfeld), from_date = COALESCE(?5, from_date),
                         updated_at = ?6 WHERE {open}"
                ),
                params![
                    contact_id,
                    function,
                    change.organization_id,
                    themenfeld,
                    from,
                    now
                ],
            )?
        } else {
            let date = from.clone().unwrap_or_else(|| now[..10].to_string());
            exec(
                &tx,
                &format!("UPDATE contact_roles SET to_date = ?2, updated_at = ?3 WHERE {open}"),
                params![contact_id, date, now],
            )?;
            0
        };
        if rewritten == 0 {
            let start = match (&from, change.correction) {
                (Some(f), _) => Some(f.clone()),
                (None, true) => None,
                (None, false) => Some(now[..10].to_string()),
            };
            exec(
                &tx,
                "INSERT INTO contact_roles(contact_id, function, organization_id, themenfeld,
                     from_date, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                params![
                    contact_id,
                    function,
                    change.organization_id,
                    themenfeld,
                    start,
                    now
                ],
            )?;
        }
        let role = (!function.is_empty()).then_some(function);
        exec(
            &tx,
            "UPDATE contacts SET role = ?2, organization_id = ?3, updated_at = ?4 WHERE id = ?1",
            params![contact_id, role, change.organization_id, now],
        )?;
        journal(&tx, Entity::Contact, &uid, "upsert", &now)?;
        search::reindex(&tx, contact_id)?;
        tx.commit()?;
        self.search_touched(contact_id)?;
        self.roles(contact_id)
    }

    /// Records a post with nobody in it ("Stelle unbesetzt"), so "who holds X" can answer "no one".
    pub fn add_vacant_role(&mut self, post: &RoleChange) -> Result<Role> {
        let (tx, now) = self.begin()?;
        super::orgs::check_org(&tx, post.organization_id, "organization_id")?;
        let themenfeld = check_themenfeld(&tx, post.themenfeld.as_deref())?;
        let from = post.from.as_deref().map(parse_role_date).transpose()?;
        exec(
            &tx,
            "INSERT INTO contact_roles(contact_id, function, organization_id, themenfeld,
                 from_date, vacant, created_at, updated_at) VALUES (NULL, ?1, ?2, ?3, ?4, 1, ?5, ?5)",
            params![post.function.trim(), post.organization_id, themenfeld, from, now],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        let sql = format!("{ROLE_SELECT} WHERE r.id = ?1");
        super::found(&self.conn, &sql, "role", id, role_row)
    }

    /// Who holds (or held) a post: roles whose function contains the query text (folded, so
    /// `Koordinatorin` and `koordinatorin` agree), filtered by level, Land, Themenfeld and
    /// organisation, and by `at` to the roles held at that date. Current holders come first.
    pub fn role_holders(&self, q: &HoldersQuery) -> Result<Vec<Role>> {
        let land = q.land.as_deref().map(|l| self.land_key(l)).transpose()?;
        let sql = format!(
            "{ROLE_SELECT} WHERE (r.contact_id IS NULL OR c.deleted_at IS NULL)
               AND (?1 IS NULL OR o.level = ?1) AND (?2 IS NULL OR o.land_key = ?2)
               AND (?3 IS NULL OR r.themenfeld = ?3) AND (?4 IS NULL OR r.organization_id = ?4)
               AND (?5 = 0 OR r.vacant = 1)
             {ROLE_ORDER}"
        );
        let level = q.level.map(|l| l.as_str());
        let rows: Vec<Role> = all(
            &self.conn,
            &sql,
            params![level, land, q.themenfeld, q.organization_id, q.vacant_only],
            role_row,
        )?;
        let needle = fold(q.function.trim());
        let at = q.at.as_deref().map(parse_role_date).transpose()?;
        Ok(rows
            .into_iter()
            .filter(|r| needle.is_empty() || fold(&r.function).contains(&needle))
            .filter(|r| {
                at.as_deref()
                    .is_none_or(|d| held_at(r.from.as_deref(), r.to.as_deref(), d))
            })
            .collect())
    }
}
