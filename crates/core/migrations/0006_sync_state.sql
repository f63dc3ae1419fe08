-- The CardDAV/CalDAV sync's own state leaves the settings table (issue 12): it was kept there
-- under key names the network crate built with format!, so no schema said what a sync keeps,
-- and a typo in a key name was a silent new setting. The values of an existing database move
-- over, so a sync after the upgrade carries on where the last one stopped.

-- The account and how the last runs went: one row, always present (url NULL: no account).
CREATE TABLE dav_sync (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    url           TEXT,
    user          TEXT,
    addressbook   TEXT,
    calendar      TEXT,
    -- '3.0' once the server refused a vCard 4.0 (415); cards then go up as 3.0.
    vcard_version TEXT NOT NULL DEFAULT '4.0' CHECK (vcard_version IN ('3.0', '4.0')),
    last_sync     TEXT,
    last_error    TEXT,
    retry_at      TEXT,
    failures      INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0)
) STRICT;

-- What the change check compares with, per collection: the sync-collection token, the CTag
-- read before the last complete pull, whether the token is still current (no push of ours
-- since), and whether the server lists instead of answering sync-collection.
CREATE TABLE dav_collections (
    collection    TEXT PRIMARY KEY CHECK (collection IN ('contacts', 'events')),
    sync_token    TEXT NOT NULL DEFAULT '',
    ctag          TEXT NOT NULL DEFAULT '',
    token_current INTEGER NOT NULL DEFAULT 0 CHECK (token_current IN (0, 1)),
    listing       INTEGER NOT NULL DEFAULT 0 CHECK (listing IN (0, 1))
) STRICT;

INSERT INTO dav_sync(id, url, user, addressbook, calendar, vcard_version, last_sync, last_error,
                     retry_at, failures)
SELECT 1,
       (SELECT nullif(value, '') FROM settings WHERE key = 'dav_url'),
       (SELECT value FROM settings WHERE key = 'dav_user'),
       (SELECT value FROM settings WHERE key = 'dav_addressbook'),
       (SELECT nullif(value, '') FROM settings WHERE key = 'dav_calendar'),
       CASE (SELECT value FROM settings WHERE key = 'dav_vcard_version')
         WHEN '3.0' THEN '3.0' ELSE '4.0' END,
       (SELECT nullif(value, '') FROM settings WHERE key = 'dav_last_sync'),
       (SELECT nullif(value, '') FROM settings WHERE key = 'dav_last_error'),
       (SELECT nullif(value, '') FROM settings WHERE key = 'dav_retry_at'),
       coalesce((SELECT CAST(value AS INTEGER) FROM settings
                 WHERE key = 'dav_failures' AND value GLOB '[0-9]*'), 0);

INSERT INTO dav_collections(collection, sync_token, ctag, token_current, listing)
SELECT c.collection,
       coalesce((SELECT value FROM settings WHERE key = c.prefix || '_sync_token'), ''),
       coalesce((SELECT value FROM settings WHERE key = c.prefix || '_ctag'), ''),
       coalesce((SELECT value = '1' FROM settings WHERE key = c.prefix || '_token_current'), 0),
       coalesce((SELECT value = '1' FROM settings WHERE key = c.prefix || '_listing'), 0)
FROM (SELECT 'contacts' AS collection, 'dav' AS prefix
      UNION ALL SELECT 'events', 'dav_cal') AS c;

DELETE FROM settings WHERE key IN (
    'dav_url', 'dav_user', 'dav_addressbook', 'dav_calendar', 'dav_vcard_version',
    'dav_last_sync', 'dav_last_error', 'dav_retry_at', 'dav_failures',
    'dav_sync_token', 'dav_ctag', 'dav_token_current', 'dav_listing',
    'dav_cal_sync_token', 'dav_cal_ctag', 'dav_cal_token_current', 'dav_cal_listing');
