-- Roles over time (issue 17): the OZG network is a network of posts more than of people, and a
-- change of post must keep the old one in the history instead of overwriting it.
--
-- A role is a function at an organisation, optionally in a Themenfeld, from/to as 'YYYY',
-- 'YYYY-MM' or 'YYYY-MM-DD' (people remember "since 03/2024", rarely the day). The open role
-- (to_date NULL) of a contact is its current one and always equals the contact's own role and
-- organization_id fields, which stay the source the rest of the app reads. A vacant post has no
-- holder: contact_id NULL and vacant = 1.
CREATE TABLE contact_roles (
    id              INTEGER PRIMARY KEY,
    contact_id      INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
    function        TEXT NOT NULL DEFAULT '',
    organization_id INTEGER REFERENCES organizations(id) ON DELETE SET NULL,
    themenfeld      TEXT REFERENCES themenfelder(key),
    from_date       TEXT,
    to_date         TEXT,
    vacant          INTEGER NOT NULL DEFAULT 0 CHECK (vacant IN (0, 1)),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (vacant = 1 OR contact_id IS NOT NULL)
) STRICT;
CREATE INDEX contact_roles_contact ON contact_roles(contact_id, to_date);
CREATE INDEX contact_roles_org ON contact_roles(organization_id);

-- Keep existing data: each contact's current role and organisation become one open-ended role
-- (its start is not known).
INSERT INTO contact_roles(contact_id, function, organization_id, created_at, updated_at)
SELECT id, COALESCE(role, ''), organization_id, updated_at, updated_at
FROM contacts
WHERE COALESCE(role, '') <> '' OR organization_id IS NOT NULL;
