-- Vernetzt schema, version 1. Append-only: never edit a migration that has shipped; add a new file.
-- Conventions:
--   * every synced entity has an integer id (local, for joins) and a text uid (stable, global, for
--     CardDAV/CalDAV and for merging devices);
--   * times are RFC 3339 strings in UTC with milliseconds ('2026-11-22T08:00:00.000Z'), which sort
--     as text; calendar dates are 'YYYY-MM-DD';
--   * a deleted contact, organisation or note keeps its row with deleted_at set: that row is the
--     tombstone the sync pushes, and what undo restores;
--   * every local change appends to change_journal in the same transaction.

CREATE TABLE lands (
    key        TEXT PRIMARY KEY CHECK (length(key) = 2),  -- official Länderschlüssel 01..16
    name       TEXT NOT NULL,
    short_code TEXT NOT NULL                               -- ISO 3166-2 suffix: SH, HH, ...
) STRICT;

CREATE TABLE themenfelder (
    key     TEXT PRIMARY KEY,
    name_de TEXT NOT NULL,
    name_en TEXT NOT NULL,
    position INTEGER NOT NULL
) STRICT;

CREATE TABLE organizations (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 500),
    short_name   TEXT,
    level        TEXT NOT NULL CHECK (level IN ('bund', 'land', 'kommune', 'other')),
    kind         TEXT,              -- 'Landkreis', 'Kreisfreie Stadt', 'Ministerium', free text
    official_key TEXT,              -- AGS/ARS or Länderschlüssel
    land_key     TEXT REFERENCES lands(key),
    parent_id    INTEGER REFERENCES organizations(id) ON DELETE SET NULL,
    builtin_key  TEXT UNIQUE,       -- set only for entries of the shipped directory
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    deleted_at   TEXT,
    CHECK (level <> 'kommune' OR land_key IS NOT NULL)
) STRICT;
CREATE INDEX organizations_level ON organizations(level, land_key);
CREATE INDEX organizations_parent ON organizations(parent_id);

CREATE TABLE contacts (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 500),
    given_name      TEXT,
    family_name     TEXT,
    title           TEXT,            -- academic title: 'Dr.', 'Prof. Dr.'
    role            TEXT,            -- role or function: 'OZG-Koordinatorin'
    organization_id INTEGER REFERENCES organizations(id) ON DELETE SET NULL,
    street          TEXT,
    postal_code     TEXT,
    locality        TEXT,
    country         TEXT,
    website         TEXT,
    photo           BLOB,
    photo_mime      TEXT,
    sort_key        TEXT NOT NULL,   -- folded family then given name, for stable listing
    search_name     TEXT NOT NULL DEFAULT '',  -- folded name tokens (see store/search.rs)
    search_rest     TEXT NOT NULL DEFAULT '',  -- folded organisation, role, e-mail, tags
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    deleted_at      TEXT
) STRICT;
CREATE INDEX contacts_live_sort ON contacts(sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_org ON contacts(organization_id);

CREATE TABLE contact_emails (
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    value      TEXT NOT NULL,
    label      TEXT,
    PRIMARY KEY (contact_id, position)
) STRICT;
CREATE INDEX contact_emails_value ON contact_emails(value COLLATE NOCASE);

CREATE TABLE contact_phones (
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    value      TEXT NOT NULL,
    label      TEXT,
    PRIMARY KEY (contact_id, position)
) STRICT;

CREATE TABLE contact_tags (
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    tag        TEXT NOT NULL,
    PRIMARY KEY (contact_id, tag)
) STRICT;
CREATE INDEX contact_tags_tag ON contact_tags(tag);

CREATE TABLE contact_themenfelder (
    contact_id    INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    themenfeld    TEXT NOT NULL REFERENCES themenfelder(key),
    PRIMARY KEY (contact_id, themenfeld)
) STRICT;

-- Event feeds (issue: event calendar). Secrets live in the OS keyring, keyed by uid.
CREATE TABLE feeds (
    id                INTEGER PRIMARY KEY,
    uid               TEXT NOT NULL UNIQUE,
    url               TEXT NOT NULL,
    name              TEXT NOT NULL,
    etag              TEXT,
    last_modified     TEXT,
    last_attempt_at   TEXT,
    last_success_at   TEXT,
    last_error        TEXT,
    last_counts       TEXT,            -- JSON of the last sync's counts, for the feed list
    failures          INTEGER NOT NULL DEFAULT 0,
    auth_kind         TEXT NOT NULL DEFAULT 'none' CHECK (auth_kind IN ('none', 'basic', 'bearer')),
    auth_user         TEXT,            -- the password or token is in the OS keyring, never here
    refresh_minutes   INTEGER NOT NULL DEFAULT 30,
    created_at        TEXT NOT NULL
) STRICT;

CREATE TABLE event_series (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

-- Events: from a feed (feed_id set) or the user's own (feed_id NULL, organiser side).
-- One row per UID and RECURRENCE-ID (NULL for the master or a single event).
CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    uid            TEXT NOT NULL,
    recurrence_id  TEXT,
    feed_id        INTEGER REFERENCES feeds(id) ON DELETE CASCADE,
    series_id      INTEGER REFERENCES event_series(id) ON DELETE SET NULL,
    title          TEXT NOT NULL,
    description    TEXT,
    location       TEXT,
    url            TEXT,
    organizer      TEXT,
    start_utc      TEXT NOT NULL,   -- RFC 3339 UTC, or a date for all-day events
    end_utc        TEXT NOT NULL,   -- exclusive
    start_local    TEXT,            -- wall-clock start in tzid, which recurrence follows across DST
    tzid           TEXT,            -- the event's own zone (IANA), NULL for UTC or all-day
    all_day        INTEGER NOT NULL DEFAULT 0 CHECK (all_day IN (0, 1)),
    rrule          TEXT,
    rdates         TEXT,            -- JSON array of stored instants
    exdates        TEXT,            -- JSON array of stored instants
    recurring      INTEGER NOT NULL DEFAULT 0 CHECK (recurring IN (0, 1)),
    status         TEXT NOT NULL DEFAULT 'confirmed'
                   CHECK (status IN ('confirmed', 'tentative', 'cancelled', 'removed')),
    sequence       INTEGER NOT NULL DEFAULT 0,
    dtstamp        TEXT,
    raw            TEXT,            -- fingerprint of what the feed said, to tell unchanged events
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    deleted_at     TEXT
) STRICT;
CREATE UNIQUE INDEX events_identity ON events(ifnull(feed_id, 0), uid, ifnull(recurrence_id, ''));
CREATE INDEX events_single_window ON events(start_utc, end_utc) WHERE recurring = 0;

-- Occurrences of recurring events are expanded on demand for the window asked for
-- (ical/recur.rs), so nothing here can go stale or grow without bound.

-- Who attended what. contact_id NULL means the user themselves. occurrence_start addresses one
-- occurrence of a recurring event ('' for a single event).
CREATE TABLE attendance (
    id               INTEGER PRIMARY KEY,
    uid              TEXT NOT NULL UNIQUE,
    event_id         INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    occurrence_start TEXT NOT NULL DEFAULT '',
    contact_id       INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
    status           TEXT NOT NULL CHECK (status IN ('interested', 'registered', 'attended')),
    updated_at       TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX attendance_identity
    ON attendance(event_id, occurrence_start, ifnull(contact_id, 0));

-- "Met at": where the user met a contact.
CREATE TABLE encounters (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    event_id   INTEGER REFERENCES events(id) ON DELETE SET NULL,
    session    TEXT,
    note       TEXT,
    met_at     TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX encounters_contact ON encounters(contact_id);
CREATE INDEX encounters_event ON encounters(event_id);

-- Notes belong to a contact, an event, or both.
CREATE TABLE notes (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,
    contact_id INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
    event_id   INTEGER REFERENCES events(id) ON DELETE SET NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    CHECK (contact_id IS NOT NULL OR event_id IS NOT NULL)
) STRICT;
CREATE INDEX notes_contact ON notes(contact_id, created_at);
CREATE INDEX notes_event ON notes(event_id);

-- Follow-ups (Wiedervorlage).
CREATE TABLE follow_ups (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    due_date   TEXT NOT NULL,
    text       TEXT NOT NULL,
    done_at    TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX follow_ups_due ON follow_ups(due_date) WHERE done_at IS NULL;

-- The change journal a sync drains, in seq order. Written in the same transaction as the change.
CREATE TABLE change_journal (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    entity     TEXT NOT NULL CHECK (entity IN
               ('contact', 'organization', 'note', 'event', 'attendance', 'encounter', 'follow_up')),
    entity_uid TEXT NOT NULL,
    op         TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    changed_at TEXT NOT NULL,
    synced_at  TEXT
) STRICT;
CREATE INDEX change_journal_pending ON change_journal(seq) WHERE synced_at IS NULL;

-- Small key/value settings (language, directory version). Never secrets.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Full-text search over the folded text of a contact's notes; rowid = contacts.id. Names,
-- organisation, role, e-mail and tags are searched through contacts.search_name/search_rest by an
-- in-memory index (store/search.rs). Maintained by the store in the same transaction as the notes.
CREATE VIRTUAL TABLE contact_notes_search USING fts5(
    notes,
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '2 3'
);
