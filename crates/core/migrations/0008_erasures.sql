-- An erased person stays erased across the sync (GDPR Art. 17, issue 14).
--
-- The UIDs of erased contacts (random UUIDs, no personal data): a card with one of them that a
-- pull meets is not stored, and its server copy is deleted again, whatever changed there.
CREATE TABLE erased_uids (
    uid       TEXT PRIMARY KEY,
    erased_at TEXT NOT NULL
) STRICT;

-- The erased people's e-mail addresses, only as HMAC-SHA-256 under a key random per database
-- (never synced, never exported): a pulled own event does not add such an address as invitee
-- again, unless a contact here has it (the user took the person up again). Why a keyed hash and
-- not nothing: docs/decisions.md, "Hardening (issue 14)".
CREATE TABLE erased_addresses (
    digest BLOB PRIMARY KEY
) STRICT, WITHOUT ROWID;

CREATE TABLE erasure_key (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    key BLOB NOT NULL
) STRICT;
INSERT INTO erasure_key(id, key) VALUES (1, randomblob(32));
