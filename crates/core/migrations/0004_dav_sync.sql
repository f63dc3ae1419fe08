-- Two-way sync with the user's CardDAV/CalDAV server. The account (URL, user, collections, sync
-- token, last result) lives in settings; the password in the OS keyring.

-- What the server holds of each synced record: where, which version, and the card as last
-- synced: the base of the three-way merge when both sides changed.
CREATE TABLE dav_items (
    kind      TEXT NOT NULL CHECK (kind IN ('contact', 'event')),
    uid       TEXT NOT NULL,
    href      TEXT NOT NULL UNIQUE,
    etag      TEXT,
    base      TEXT,
    synced_at TEXT NOT NULL,
    PRIMARY KEY (kind, uid)
) STRICT;

-- A field changed differently on both sides: the local value stays in the contact, the server's
-- is kept here until the user chooses (keep local, remote, or both).
CREATE TABLE sync_conflicts (
    id          INTEGER PRIMARY KEY,
    contact_uid TEXT NOT NULL,
    field       TEXT NOT NULL,
    local       TEXT,
    remote      TEXT,
    created_at  TEXT NOT NULL,
    resolved_at TEXT,
    resolution  TEXT CHECK (resolution IN ('local', 'remote', 'both'))
) STRICT;
CREATE INDEX sync_conflicts_open ON sync_conflicts(contact_uid) WHERE resolved_at IS NULL;
