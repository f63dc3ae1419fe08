//! Organisations (the directory: `organizations`, with `lands` and `themenfelder`): the entries
//! this build ships, loaded when a newer directory arrives, and the user's own.

use super::{Entity, Store, all, exec, exists, found, journal, new_uid, trimmed};
use crate::directory::{self, BuiltinOrg};
use crate::error::{Error, Result};
use crate::fold::fold;
use crate::model::{Land, Level, Organization, OrganizationInput, Themenfeld};
use crate::rules::MAX_ORG_NAME_CHARS;
use rusqlite::{Connection, Transaction, params};

const ORG_SELECT: &str = "SELECT o.id, o.uid, o.name, o.short_name, o.level, o.kind, l.name,
        o.land_key, o.official_key, o.parent_id, o.builtin_key IS NOT NULL
     FROM organizations o LEFT JOIN lands l ON l.key = o.land_key";

fn org_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Organization> {
    read_row!(r, c => Organization {
        id, uid, name, short_name,
        level = Level::parse(&c.next::<String>()?).unwrap_or(Level::Other),
        kind, land, land_key, key, parent_id, builtin,
    })
}

/// The 16 Länder, by key.
fn lands_in(conn: &Connection) -> Result<Vec<Land>> {
    let sql = "SELECT key, name, short_code FROM lands ORDER BY key";
    all(
        conn,
        sql,
        [],
        |r| read_row!(r => Land { key, name, short_code }),
    )
}

/// Writes the built-in directory (`lands`, `themenfelder`, the built-in `organizations`) as this
/// build ships it; the caller checks the version and commits.
pub(super) fn load_builtin(tx: &Transaction<'_>, now: &str) -> Result<()> {
    for l in directory::lands() {
        exec(
            tx,
            "INSERT INTO lands(key, name, short_code) VALUES (?1, ?2, ?3)
             ON CONFLICT(key) DO UPDATE SET name = excluded.name, short_code = excluded.short_code",
            (&l.key, &l.name, &l.short_code),
        )?;
    }
    for (i, t) in directory::themenfelder().iter().enumerate() {
        exec(
            tx,
            "INSERT INTO themenfelder(key, name_de, name_en, position) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(key) DO UPDATE SET name_de = excluded.name_de,
                 name_en = excluded.name_en, position = excluded.position",
            (&t.key, &t.name_de, &t.name_en, i as i64),
        )?;
    }
    sync_builtin(tx, &directory::organizations(), now)
}

/// Brings the shipped entries up to date: inserts new ones, refreshes changed ones, and marks
/// retired ones deleted (their rows stay, so contacts keep their organisation). User entries have
/// no `builtin_key` and are never touched.
fn sync_builtin(tx: &Transaction<'_>, orgs: &[BuiltinOrg], now: &str) -> Result<()> {
    tx.execute(
        "CREATE TEMP TABLE IF NOT EXISTS shipped(key TEXT PRIMARY KEY)",
        [],
    )?;
    tx.execute("DELETE FROM temp.shipped", [])?;
    let mut upsert = tx.prepare(
        "INSERT INTO organizations(uid, name, short_name, level, kind, official_key, land_key,
             builtin_key, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
         ON CONFLICT(builtin_key) DO UPDATE SET name = excluded.name,
             short_name = excluded.short_name, level = excluded.level, kind = excluded.kind,
             official_key = excluded.official_key, land_key = excluded.land_key,
             updated_at = excluded.updated_at, deleted_at = NULL",
    )?;
    let mut mark = tx.prepare("INSERT INTO temp.shipped(key) VALUES (?1)")?;
    for o in orgs {
        // The uid of a shipped entry is derived from its key, so every device agrees on it.
        let uid = format!("vernetzt-directory:{}", o.builtin_key);
        let org = &o.org;
        let level = org.level.unwrap_or(Level::Other).as_str();
        upsert.execute(params![
            uid,
            org.name,
            org.short_name,
            level,
            org.kind,
            org.key,
            org.land_key,
            o.builtin_key,
            now
        ])?;
        mark.execute([&o.builtin_key])?;
    }
    tx.execute(
        "UPDATE organizations SET deleted_at = ?1 WHERE builtin_key IS NOT NULL
             AND deleted_at IS NULL AND builtin_key NOT IN (SELECT key FROM temp.shipped)",
        [now],
    )?;
    Ok(())
}

impl Store {
    /// Organisations, optionally filtered by level and Land (key `09` or name `Bayern`), by name.
    pub fn list_orgs(&self, level: Option<Level>, land: Option<&str>) -> Result<Vec<Organization>> {
        let land_key = match land {
            None => None,
            Some(l) => Some(self.land_key(l)?),
        };
        let sql = format!(
            "{ORG_SELECT} WHERE o.deleted_at IS NULL AND (?1 IS NULL OR o.level = ?1)
               AND (?2 IS NULL OR o.land_key = ?2)
             ORDER BY CASE o.level WHEN 'bund' THEN 0 WHEN 'land' THEN 1 WHEN 'kommune' THEN 2 ELSE 3 END,
                      o.land_key, o.name"
        );
        let level = level.map(Level::as_str);
        all(&self.conn, &sql, params![level, land_key], org_row)
    }

    /// One organisation by id.
    pub fn org(&self, id: i64) -> Result<Organization> {
        let sql = format!("{ORG_SELECT} WHERE o.id = ?1");
        found(&self.conn, &sql, "organization", id, org_row)
    }

    /// Finds live organisations by name or abbreviation: exact (case-insensitive) matches if any,
    /// otherwise matches of the folded name (`Muenchen` finds `München`).
    pub fn find_orgs(&self, name: &str) -> Result<Vec<Organization>> {
        let all = self.list_orgs(None, None)?;
        let exact: Vec<_> = all
            .iter()
            .filter(|o| {
                o.name.eq_ignore_ascii_case(name.trim())
                    || o.short_name
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case(name.trim()))
            })
            .cloned()
            .collect();
        if !exact.is_empty() {
            return Ok(exact);
        }
        let f = fold(name.trim());
        Ok(all.into_iter().filter(|o| fold(&o.name) == f).collect())
    }

    /// Creates a user organisation.
    pub fn create_org(&mut self, input: &OrganizationInput) -> Result<Organization> {
        let (tx, now) = self.begin()?;
        let id = create_org_in(&tx, input, &now)?;
        tx.commit()?;
        self.org(id)
    }

    /// The 16 Länder.
    pub fn lands(&self) -> Result<Vec<Land>> {
        lands_in(&self.conn)
    }

    /// The 14 OZG Themenfelder.
    pub fn themenfelder(&self) -> Result<Vec<Themenfeld>> {
        let sql = "SELECT key, name_de, name_en FROM themenfelder ORDER BY position";
        all(
            &self.conn,
            sql,
            [],
            |r| read_row!(r => Themenfeld { key, name_de, name_en }),
        )
    }

    pub(super) fn land_key(&self, land: &str) -> Result<String> {
        resolve_land(&self.lands()?, land)
    }
}

/// Creates a user organisation inside an open transaction; the caller commits.
pub(super) fn create_org_in(
    tx: &Transaction<'_>,
    input: &OrganizationInput,
    now: &str,
) -> Result<i64> {
    let name = trimmed(&Some(input.name.clone()))
        .ok_or_else(|| Error::invalid("name_required", "name", "an organisation needs a name"))?;
    if name.chars().count() > MAX_ORG_NAME_CHARS {
        return Err(Error::invalid(
            "too_long",
            "name",
            format!("the name is too long (at most {MAX_ORG_NAME_CHARS} characters)"),
        ));
    }
    let level = input.level.unwrap_or(Level::Other);
    let land_key = match trimmed(&input.land_key) {
        None => None,
        Some(l) => Some(land_key_in(tx, &l)?),
    };
    if level == Level::Kommune && land_key.is_none() {
        return Err(Error::invalid(
            "land_required",
            "land_key",
            "a Kommune lies in a Land: choose one",
        ));
    }
    check_org(tx, input.parent_id, "parent_id")?;
    let uid = new_uid();
    tx.execute(
        "INSERT INTO organizations(uid, name, short_name, level, kind, official_key, land_key,
             parent_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        params![
            uid,
            name,
            trimmed(&input.short_name),
            level.as_str(),
            trimmed(&input.kind),
            trimmed(&input.key),
            land_key,
            input.parent_id,
            now
        ],
    )?;
    let id = tx.last_insert_rowid();
    journal(tx, Entity::Organization, &uid, "upsert", now)?;
    Ok(id)
}

fn land_key_in(tx: &Transaction<'_>, land: &str) -> Result<String> {
    resolve_land(&lands_in(tx)?, land)
}

/// Checks that the organisation a form names in `field`, if any, exists (live or not: a contact
/// may keep a retired one).
pub(super) fn check_org(tx: &Transaction<'_>, id: Option<i64>, field: &'static str) -> Result<()> {
    let Some(id) = id else { return Ok(()) };
    if exists(tx, "SELECT 1 FROM organizations WHERE id = ?1", [id])? {
        return Ok(());
    }
    let message = format!("no organisation with id {id}");
    Err(Error::invalid("org_unknown", field, message))
}

/// Accepts a Land as key (`09`, `9`), ISO code (`BY`) or name in any folding (`Baden-Wuerttemberg`).
fn resolve_land(lands: &[Land], land: &str) -> Result<String> {
    let t = land.trim();
    let padded = if t.len() == 1 {
        format!("0{t}")
    } else {
        t.to_string()
    };
    lands
        .iter()
        .find(|l| {
            l.key == padded || l.short_code.eq_ignore_ascii_case(t) || fold(&l.name) == fold(t)
        })
        .map(|l| l.key.clone())
        .ok_or_else(|| {
            Error::invalid(
                "land_unknown",
                "land",
                format!("'{t}' is not one of the 16 Länder"),
            )
        })
}
