//! The local SQLite store: the one place that writes the database.
//!
//! Design rules, each with its reason:
//! - WAL, `foreign_keys`, a busy timeout, and write transactions that take the write lock at
//!   `BEGIN` (`IMMEDIATE`): the app and the CLI may use the same file at once, and a deferred
//!   transaction that upgrades to a writer can fail with SQLITE_BUSY instead of waiting.
//! - Every change to user data appends to `change_journal` inside the same transaction, so a crash
//!   can lose neither the change nor the record that it still has to be synced.
//! - Deletes are soft (`deleted_at`): the row is the tombstone the sync pushes and what undo
//!   restores.
//! - Migrations are append-only (`migrations/NNNN_*.sql`) and a database from a newer version is
//!   refused before anything is written to it.
//! - Every write takes its time from the store's [`Clock`] ([`Store::now_text`]), never from the
//!   system clock directly, so a test can fix the time and one action stamps one time.
//!
//! The shape: `Store` is one type, and each topic's `impl Store` block with its SQL lives in one
//! file below, named after its tables (the table → file map is in ARCHITECTURE.md). Call sites
//! stay `store.method(…)` whatever file a method lives in. A topic uses another through `Store`'s
//! methods, the few row helpers in this file, or, one way only, the transaction-level helpers of
//! a lower topic (`search`, `notes`, `orgs`, `contacts`, `events`); `scripts/check-cycles.py`
//! refuses two topic files that import each other.

/// Reads one row into a struct, its fields from the columns in the order the SELECT lists them:
/// `read_row!(r => Land { key, name, short_code })` is `Ok(Land { key: r.get(0)?, name:
/// r.get(1)?, short_code: r.get(2)? })`. A field written `field = expr` takes `expr` instead;
/// with `read_row!(r, c => …)` such an `expr` reads the next columns itself with `c.next()?`.
/// Each row type has one reader built this way, so its column list is written once and no index
/// can be miscounted when a column is added.
macro_rules! read_row {
    (@value $cols:ident) => {
        $cols.next()?
    };
    (@value $cols:ident, $value:expr) => {
        $value
    };
    ($row:expr => $ty:ident { $($body:tt)* }) => {
        read_row!($row, cols => $ty { $($body)* })
    };
    ($row:expr, $cols:ident => $ty:ident { $($field:ident $(= $value:expr)?),* $(,)? }) => {{
        let mut $cols = $crate::store::Columns::new($row);
        Ok($ty { $($field: read_row!(@value $cols $(, $value)?)),* })
    }};
}

mod attendance;
mod contacts;
mod crypt;
pub mod crypt_migration;
mod dav;
mod dav_apply;
mod dav_conflicts;
mod dav_erased;
mod dav_events;
mod dav_items;
mod deleted;
mod duplicates;
mod events;
mod feeds;
mod follow_ups;
mod imports;
mod invitees;
mod notes;
mod orgs;
mod outbox;
mod own_events;
mod privacy;
mod replies;
mod roles;
mod search;
mod series;
mod settings;

use crate::clock::{self, Clock, SystemClock};
use crate::directory;
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::types::FromSql;
use rusqlite::{
    Connection, OpenFlags, OptionalExtension, Params, Row, Transaction, TransactionBehavior,
};
use rusqlite_migration::{M, Migrations};
use std::path::{Path, PathBuf};

pub use crate::invite::ExportFile;
pub use attendance::QuickCapture;
pub use crypt::{DbKey, exists as db_exists, is_plain};
pub use crypt_migration::DbLock;
pub use dav::{Account, Collection, SyncStatus};
pub use dav_apply::{PullOutcome, RemoteDelete};
pub use dav_conflicts::Conflict;
pub use dav_events::EventChange;
pub use dav_items::DavItem;
pub use deleted::{DeletedContact, DeletedReason};
pub use duplicates::phone_e164;
pub use invitees::{INVITE_SUBJECT, INVITE_TEMPLATE, ORGANIZER_EMAIL, ORGANIZER_NAME, Rsvp};
pub use outbox::{OutboxItem, OutboxPlan};
pub use own_events::OwnEvent;
pub use privacy::{PersonExport, StaleContact};
pub use replies::{ReplyImport, ReplyReport};
pub use search::SearchHit;

/// The migrations, in order. Append only: a shipped migration is never edited.
fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("../../migrations/0001_initial.sql")),
        M::up(include_str!("../../migrations/0002_networking.sql")),
        M::up(include_str!("../../migrations/0003_invitations.sql")),
        M::up(include_str!("../../migrations/0004_dav_sync.sql")),
        M::up(include_str!("../../migrations/0005_contact_extra.sql")),
        M::up(include_str!("../../migrations/0006_sync_state.sql")),
        M::up(include_str!("../../migrations/0007_feed_removed.sql")),
        M::up(include_str!("../../migrations/0008_erasures.sql")),
        M::up(include_str!("../../migrations/0009_roles.sql")),
    ])
}

/// Number of schema versions this build knows.
pub fn schema_version() -> i64 {
    9
}

/// Kinds of record that the change journal tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    /// A contact (vCard on the server).
    Contact,
    /// A user-created organisation.
    Organization,
    /// A note.
    Note,
    /// Who attended what.
    Attendance,
    /// Where the user met a contact.
    Encounter,
    /// A follow-up (Wiedervorlage).
    FollowUp,
    /// An own event (organiser side).
    Event,
}

impl Entity {
    fn as_str(self) -> &'static str {
        match self {
            Entity::Contact => "contact",
            Entity::Organization => "organization",
            Entity::Note => "note",
            Entity::Attendance => "attendance",
            Entity::Encounter => "encounter",
            Entity::FollowUp => "follow_up",
            Entity::Event => "event",
        }
    }
}

/// One pending entry of the change journal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct JournalEntry {
    /// Order of the change.
    pub seq: i64,
    /// `contact`, `organization`, `note`, …
    pub entity: String,
    /// The changed record's uid.
    pub entity_uid: String,
    /// `upsert` or `delete`.
    pub op: String,
    /// When the change was made.
    pub changed_at: String,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// An open Vernetzt database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The in-memory search index, built on first search (see search.rs).
    search_index: std::cell::RefCell<Option<search::Index>>,
    /// Where every write takes its time from.
    clock: Box<dyn Clock>,
}

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

impl Store {
    /// Opens (creating if needed) the database at `path`, migrates it and loads the directory.
    ///
    /// The parent folder must exist: a typo in `--db` should not silently create folders. Callers
    /// that own a default location (the app's data directory) create it first.
    pub fn open(path: &Path) -> Result<Store> {
        let open_err = |detail: String| Error::Open {
            path: path.to_path_buf(),
            detail,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            return Err(open_err(format!(
                "the folder {} does not exist",
                parent.display()
            )));
        }
        if path.is_dir() {
            return Err(open_err("it is a folder, not a file".into()));
        }
        if path.exists() {
            check_header(path)?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| classify(path, e))?;
        Store::init(conn, path).map_err(|e| reclassify(path, e))
    }

    /// Opens a private in-memory database, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Store> {
        Store::init(Connection::open_in_memory()?, Path::new(":memory:"))
    }

    fn init(conn: Connection, path: &Path) -> Result<Store> {
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            search_index: Default::default(),
            clock: Box::new(SystemClock),
        };
        store.configure()?;
        store.migrate()?;
        store.load_directory()?;
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Replaces the clock every later write takes its time from (tests fix it; the app keeps
    /// the system clock).
    pub fn set_clock(&mut self, clock: impl Clock + 'static) {
        self.clock = Box::new(clock);
    }

    /// The current time, from the store's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The current time as the store writes it: RFC 3339, UTC, milliseconds.
    pub fn now_text(&self) -> String {
        clock::stored(self.now())
    }

    fn configure(&self) -> Result<()> {
        self.conn.busy_timeout(std::time::Duration::from_secs(5))?;
        self.conn.set_prepared_statement_cache_capacity(128);
        search::register(&self.conn)?;
        // journal_mode is the first statement that reads the file: a damaged or read-only file
        // fails here, before any migration could touch it.
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if mode != "wal" && mode != "memory" {
            return Err(Error::Open {
                path: self.path.clone(),
                detail: format!("could not switch to WAL mode (got {mode})"),
            });
        }
        self.conn.execute_batch(
            // 16 MiB of page cache: a feed import writes megabytes in one transaction, and the
            // default 2 MiB made SQLite spill pages mid-transaction. secure_delete: freed pages
            // are overwritten, so an erased person (GDPR Art. 17) leaves no bytes behind.
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA trusted_schema = OFF;
             PRAGMA secure_delete = ON;
             PRAGMA cache_size = -16384;",
        )?;
        Ok(())
    }

    fn migrate(&mut self) -> Result<()> {
        let found: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > schema_version() {
            return Err(Error::TooNew {
                path: self.path.clone(),
                found,
                known: schema_version(),
            });
        }
        if found == 0 {
            let tables: i64 = self.conn.query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
                [],
                |r| r.get(0),
            )?;
            if tables > 0 {
                return Err(Error::Corrupt {
                    path: self.path.clone(),
                    detail: "it holds tables but no Vernetzt schema version".into(),
                });
            }
        }
        migrations()
            .to_latest(&mut self.conn)
            .map_err(|e| Error::Migration(e.to_string()))
    }

    /// Loads or refreshes the built-in directory when this build ships a newer one.
    fn load_directory(&mut self) -> Result<()> {
        let stored: i64 = self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = 'directory_version'",
                [],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if stored >= directory::DIRECTORY_VERSION {
            return Ok(());
        }
        let (tx, now) = self.begin()?;
        orgs::load_builtin(&tx, &now)?;
        exec(
            &tx,
            "INSERT INTO settings(key, value) VALUES ('directory_version', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [directory::DIRECTORY_VERSION.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Starts a write transaction with the time its changes are stamped with (one action, one
    /// time), taken before the lock is.
    fn begin(&mut self) -> Result<(Transaction<'_>, String)> {
        let now = self.now_text();
        Ok((self.write()?, now))
    }

    /// Starts a write transaction that holds the write lock from its first statement.
    fn write(&mut self) -> Result<Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    /// The changes not yet confirmed by a sync, oldest first.
    pub fn pending_changes(&self) -> Result<Vec<JournalEntry>> {
        all(
            &self.conn,
            "SELECT seq, entity, entity_uid, op, changed_at FROM change_journal
             WHERE synced_at IS NULL ORDER BY seq",
            [],
            |r| read_row!(r => JournalEntry { seq, entity, entity_uid, op, changed_at }),
        )
    }

    /// Runs SQLite's integrity check; `Ok(())` when the file is sound.
    pub fn integrity_check(&self) -> Result<()> {
        let res: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if res == "ok" {
            Ok(())
        } else {
            Err(Error::Corrupt {
                path: self.path.clone(),
                detail: res,
            })
        }
    }
}

/// Runs a statement through the connection's statement cache. Imports run the same dozen
/// statements for every record; preparing them anew each time was most of an import's cost.
fn exec(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

/// Every row of a query, each read with `read` (a row type's reader, or a closure for a tuple),
/// into any collection: the prepare, `query_map` and collect that every list repeated. Through
/// the statement cache, like [`exec`].
fn all<T, C: FromIterator<T>>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    read: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<C> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, read)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The first row of a query read with `read`, or `None` when it finds none.
fn first<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    read: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Option<T>> {
    Ok(conn
        .prepare_cached(sql)?
        .query_row(params, read)
        .optional()?)
}

/// The row a query finds by a key, or [`Error::NotFound`] naming `what` and `key`: the
/// "SELECT … WHERE id = ?1" that every topic's look-up by id or UID repeated.
fn found<T, K: rusqlite::ToSql + ToString>(
    conn: &Connection,
    sql: &str,
    what: &'static str,
    key: K,
    read: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<T> {
    first(conn, sql, [&key], read)?.ok_or_else(|| Error::not_found(what, key))
}

/// A stored value as JSON: a column of the GDPR export, and a value an event's fingerprint is
/// taken over. A blob is named, not copied.
fn json_value(v: rusqlite::types::Value) -> serde_json::Value {
    use rusqlite::types::Value;
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Integer(i) => i.into(),
        Value::Real(f) => f.into(),
        Value::Text(t) => t.into(),
        Value::Blob(_) => "(binary)".into(),
    }
}

/// Reads a row into a tuple of its columns, in order: the reader of a one-off query, typed by
/// where its value goes.
fn tuple<T>(r: &Row<'_>) -> rusqlite::Result<T>
where
    T: for<'a> TryFrom<&'a Row<'a>, Error = rusqlite::Error>,
{
    T::try_from(r)
}

/// Whether a query finds a row at all.
fn exists(conn: &Connection, sql: &str, params: impl Params) -> Result<bool> {
    Ok(first(conn, sql, params, |_| Ok(()))?.is_some())
}

/// The columns of one row, read left to right (see `read_row!`).
struct Columns<'a, 'r> {
    row: &'a Row<'r>,
    next: usize,
}

impl<'a, 'r> Columns<'a, 'r> {
    fn new(row: &'a Row<'r>) -> Self {
        Columns { row, next: 0 }
    }

    /// The next column's value.
    fn next<T: FromSql>(&mut self) -> rusqlite::Result<T> {
        self.next += 1;
        self.row.get(self.next - 1)
    }
}

/// A thread's collection of work deferred to the end of a bulk write (journal rows, contacts to
/// reindex); `None` while no bulk write runs.
type Deferred<T> = std::thread::LocalKey<std::cell::RefCell<Option<Vec<T>>>>;

/// Runs `f` while `slot` collects; returns its result and what was collected.
fn collecting<T: 'static, R>(
    slot: &'static Deferred<T>,
    f: impl FnOnce() -> Result<R>,
) -> (Result<R>, Vec<T>) {
    slot.with(|d| *d.borrow_mut() = Some(Vec::new()));
    let result = f();
    let items = slot.with(|d| d.borrow_mut().take()).unwrap_or_default();
    (result, items)
}

/// Adds `item()` to `slot` if a bulk write collects there; `false` (nothing added) otherwise.
fn defer<T: 'static>(slot: &'static Deferred<T>, item: impl FnOnce() -> T) -> bool {
    slot.with(|d| d.borrow_mut().as_mut().map(|v| v.push(item())).is_some())
}

/// A journal entry waiting in a bulk write: entity, its uid, operation, time.
type JournalRow = (&'static str, String, String, String);

thread_local! {
    /// While set, journal entries are collected here and written by [`with_deferred_journal`] in
    /// INSERTs of 100 rows. `change_journal`'s AUTOINCREMENT reads and writes `sqlite_sequence`
    /// once per statement, which made one INSERT per entry a tenth of an import's storing.
    static DEFERRED_JOURNAL: std::cell::RefCell<Option<Vec<JournalRow>>> =
        const { std::cell::RefCell::new(None) };
}

/// Appends a change to the journal; call inside the transaction that made the change.
fn journal(tx: &Transaction<'_>, entity: Entity, uid: &str, op: &str, now: &str) -> Result<()> {
    if !defer(&DEFERRED_JOURNAL, || {
        (entity.as_str(), uid.into(), op.into(), now.into())
    }) {
        exec(
            tx,
            "INSERT INTO change_journal(entity, entity_uid, op, changed_at) VALUES (?1, ?2, ?3, ?4)",
            (entity.as_str(), uid, op, now),
        )?;
    }
    Ok(())
}

/// Runs `f` (a bulk write in `tx`) with its journal entries collected, then appends them in
/// INSERTs of 100 rows, in the order they were made: the journal reads as if written one by one.
fn with_deferred_journal<R>(tx: &Transaction<'_>, f: impl FnOnce() -> Result<R>) -> Result<R> {
    let (result, entries) = collecting(&DEFERRED_JOURNAL, f);
    let r = result?;
    // Rows of up to 100 entries per INSERT (400 parameters), in order.
    for chunk in entries.chunks(100) {
        let sql = format!(
            "INSERT INTO change_journal(entity, entity_uid, op, changed_at) VALUES {}",
            vec!["(?, ?, ?, ?)"; chunk.len()].join(", ")
        );
        let values = chunk
            .iter()
            .flat_map(|(entity, uid, op, now)| [entity as &dyn rusqlite::ToSql, uid, op, now]);
        exec(tx, &sql, rusqlite::params_from_iter(values))?;
    }
    Ok(r)
}

/// The last sequence of the change journal: read before applying the server's state, so that
/// what applying it journals can be marked synced after ([`journal_synced_after`]).
fn journal_head(conn: &Connection) -> Result<i64> {
    let sql = "SELECT ifnull(max(seq), 0) FROM change_journal";
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

/// Marks what was journaled after `seq` as synced: it came from the server.
fn journal_synced_after(conn: &Connection, seq: i64, now: &str) -> Result<()> {
    let sql = "UPDATE change_journal SET synced_at = ?2 WHERE seq > ?1 AND synced_at IS NULL";
    exec(conn, sql, rusqlite::params![seq, now])?;
    Ok(())
}

/// Deletes a record of `table` (soft: the row stays as the tombstone the sync pushes and undo
/// restores) and journals the delete, in the caller's transaction.
fn soft_delete(
    tx: &Transaction<'_>,
    table: &str,
    id: i64,
    entity: Entity,
    uid: &str,
    now: &str,
) -> Result<()> {
    let sql = format!("UPDATE {table} SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1");
    exec(tx, &sql, rusqlite::params![id, now])?;
    journal(tx, entity, uid, "delete", now)
}

/// Checks that contact `id` exists and is not deleted; returns its UID. Here, not in a topic
/// file, because attendance, follow-ups and notes all guard their writes with it.
fn live_contact_uid(tx: &Transaction<'_>, id: i64) -> Result<String> {
    let sql = "SELECT uid FROM contacts WHERE id = ?1 AND deleted_at IS NULL";
    found(tx, sql, "contact", id, |r| r.get(0))
}

/// Reads an [`EventRef`](crate::model::EventRef) from columns `id, uid, occurrence, title,
/// start`; attendance, the timeline and series all list events this way.
fn event_ref_row(r: &Row<'_>) -> rusqlite::Result<crate::model::EventRef> {
    use crate::model::EventRef;
    read_row!(r => EventRef { event_id, uid, occurrence, title, start })
}

/// An optional text trimmed; `None` when nothing is left.
fn trimmed(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

fn new_uid() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn check_header(path: &Path) -> Result<()> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).map_err(|e| Error::Open {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    let mut buf = [0u8; 16];
    let n = f.read(&mut buf).map_err(|e| Error::Open {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    if n == 0 {
        return Ok(()); // an empty file is a new database
    }
    if n < 16 || &buf != SQLITE_HEADER {
        return Err(Error::Corrupt {
            path: path.to_path_buf(),
            detail: "it does not start with the SQLite header".into(),
        });
    }
    Ok(())
}

fn classify(path: &Path, e: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode::*;
    let detail = e.to_string();
    match e.sqlite_error_code() {
        Some(NotADatabase) | Some(DatabaseCorrupt) => Error::Corrupt {
            path: path.into(),
            detail,
        },
        Some(ReadOnly) => Error::Open {
            path: path.into(),
            detail: "the file or its folder is read-only; Vernetzt needs to write there".into(),
        },
        Some(CannotOpen) | Some(PermissionDenied) => Error::Open {
            path: path.into(),
            detail: format!("no permission to create or open it ({detail})"),
        },
        _ => Error::from(e),
    }
}

fn reclassify(path: &Path, e: Error) -> Error {
    match e {
        Error::Database(inner) => classify(path, inner),
        other => other,
    }
}

#[cfg(test)]
mod tests;
