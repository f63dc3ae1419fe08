-- Networking at events: merges that can be undone, and where a merged contact went.

ALTER TABLE contacts ADD COLUMN merged_into INTEGER REFERENCES contacts(id);

-- "Met at" may name one occurrence of a recurring event.
ALTER TABLE encounters ADD COLUMN occurrence_start TEXT;

-- A merge moves everything of `merged_id` to `kept_id` and soft-deletes `merged_id`. `moved` is a
-- JSON record of exactly what moved (row ids per table and the kept contact's previous lists), so
-- undo can put every row back.
CREATE TABLE merges (
    id         INTEGER PRIMARY KEY,
    kept_id    INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    merged_id  INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    moved      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    undone_at  TEXT
) STRICT;

-- Remembered CSV column mappings, keyed by the file's header row.
CREATE TABLE csv_mappings (
    header_key TEXT PRIMARY KEY,
    mapping    TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- Event series (every OZG-Erfahrungsaustausch): suggested from titles, confirmed by the user.
CREATE INDEX events_series ON events(series_id);
