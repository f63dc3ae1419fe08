-- Invitations the user sends as organiser of an own event (events.feed_id IS NULL).

-- Who is invited, with their answer. The address is stored as it was when invited, so a later
-- edit of the contact does not silently redirect answers; contact_id keeps the link.
CREATE TABLE invitees (
    id                INTEGER PRIMARY KEY,
    event_id          INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    contact_id        INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    email             TEXT NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 320),
    name              TEXT NOT NULL,
    partstat          TEXT NOT NULL DEFAULT 'needs-action'
                      CHECK (partstat IN ('needs-action', 'accepted', 'declined', 'tentative', 'delegated')),
    answered_at       TEXT,           -- the reply's DTSTAMP, RFC 3339 UTC
    answered_sequence INTEGER,        -- the SEQUENCE the answer was about
    invited_at        TEXT NOT NULL,
    removed_at        TEXT,           -- taken off the list: gets a CANCEL, answers no longer count
    UNIQUE (event_id, email)
) STRICT;
CREATE INDEX invitees_contact ON invitees(contact_id);

-- One row per message to one person: written as 'pending' when planned, 'sending' just before
-- the SMTP transaction and 'sent' or 'failed' right after, each in its own transaction. A row
-- left in 'sending' by a killed run is reported as uncertain and not sent again unless asked,
-- so nobody receives a second copy. The unique key makes planning idempotent.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    invitee_id  INTEGER NOT NULL REFERENCES invitees(id) ON DELETE CASCADE,
    method      TEXT NOT NULL CHECK (method IN ('request', 'cancel')),
    sequence    INTEGER NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'superseded')),
    message_id  TEXT NOT NULL UNIQUE,
    attempts    INTEGER NOT NULL DEFAULT 0,
    error       TEXT,
    updated_at  TEXT NOT NULL,
    UNIQUE (invitee_id, method, sequence)
) STRICT;
CREATE INDEX outbox_open ON outbox(status) WHERE status IN ('pending', 'sending', 'failed');
