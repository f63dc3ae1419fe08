-- Properties of a contact's card that Vernetzt does not model (a birthday another client added,
-- its own X- properties, attendance at an event this device does not know): kept as the server
-- sent them and written back with every push, so syncing never drops another client's data.
CREATE TABLE contact_extra (
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    line       TEXT NOT NULL,
    PRIMARY KEY (contact_id, position)
) STRICT;
