// Mock domain: contacts, their notes, organisations, the reference lists and "me" (the user's
// own contact and business card). Validation mirrors the messages of crates/core's rules, so the
// forms show their errors in development too.
import type { BackendError, Contact, ContactInput, ContactSummary, Level, Note, Organization } from '../backend';
import { composeName, emptyInput, findOrgByName, fold, tokens } from '../lib/contacts';
import { FAMILY, GIVEN, KOMMUNEN, LANDS, ORGS, ROLES, THEMENFELDER } from './fixtures/reference';
import { clone, invalid, nextId, notFound, now, touched, uid } from './state';
import type { MockHandlers } from './types';

export const orgs: Organization[] = [];

export function addOrg(
  name: string,
  level: Level,
  landKey: string | null,
  kind: string | null = null,
  builtin = true,
): Organization {
  const land = LANDS.find((l) => l.key === landKey) ?? null;
  const o: Organization = {
    id: nextId(),
    uid: uid(),
    name,
    short_name: null,
    level,
    kind,
    land: land?.name ?? null,
    land_key: land?.key ?? null,
    key: null,
    parent_id: null,
    builtin,
  };
  orgs.push(o);
  return o;
}

/** The organisation called `name` (or so abbreviated), created when there is none yet. */
export function orgNamed(name: string): { org: Organization; created: boolean } {
  const found = findOrgByName(orgs, name);
  if (found) return { org: found, created: false };
  return { org: addOrg(name.trim(), 'other', null, null, false), created: true };
}

/** A stored contact; deleted ones stay for `contact_restore`. */
export interface Stored extends Contact {
  deleted: boolean;
}
export const contacts: Stored[] = [];
let meId: number | null = null;

export function summary(c: Contact): ContactSummary {
  return { id: c.id, name: c.name, title: c.title, role: c.role, organization: c.organization, email: c.emails[0] ?? null };
}

/** The list order: family name, then given name (or the name when there is no family name). */
export function sortKey(c: Contact): string {
  return c.family_name ? `${fold(c.family_name)} ${fold(c.given_name ?? '')}` : fold(c.name);
}

/** A stored contact from the form's input, over `base` when editing. */
export function apply(input: ContactInput, base: Partial<Stored>): Stored {
  const name = input.display_name?.trim() || composeName(input.title, input.given_name, input.family_name);
  if (!name) throw invalid('name_required', 'display_name', 'a contact needs a name');
  for (const e of input.emails) {
    if (!/^[^@\s]+@[^@\s]+\.[^@\s.]+$/.test(e.value)) {
      throw invalid('email_invalid', 'emails', `'${e.value}' is not a valid emails entry`);
    }
  }
  for (const p of input.phones) {
    if (!/^[\d +\-/().]+$/.test(p.value) || p.value.replace(/\D/g, '').length < 3) {
      throw invalid('phone_invalid', 'phones', `'${p.value}' is not a valid phones entry`);
    }
  }
  let website = input.website;
  if (website) {
    if (!website.includes('://')) website = `https://${website}`;
    if (website.includes(' ')) throw invalid('website_invalid', 'website', `'${website}' is not a web address`);
  }
  const org = input.organization_id === null ? null : orgs.find((o) => o.id === input.organization_id);
  if (org === undefined) throw invalid('org_unknown', 'organization_id', 'no such organisation');
  const labels: Record<string, string> = {};
  for (const l of [...input.emails, ...input.phones]) if (l.label) labels[l.value] = l.label;
  const photo =
    input.photo.action === 'set' ? input.photo.photo : input.photo.action === 'remove' ? null : (base.photo ?? null);
  const t = now();
  return {
    id: base.id ?? nextId(),
    uid: base.uid ?? uid(),
    name,
    given_name: input.given_name,
    family_name: input.family_name,
    title: input.title,
    role: input.role,
    organization: org?.name ?? null,
    organization_id: org?.id ?? null,
    emails: input.emails.map((e) => e.value),
    phones: input.phones.map((p) => p.value),
    labels,
    street: input.street,
    postal_code: input.postal_code,
    locality: input.locality,
    country: input.country,
    website,
    themenfelder: input.themenfelder,
    tags: input.tags,
    notes: base.notes ?? [],
    photo,
    created_at: base.created_at ?? t,
    updated_at: t,
    deleted: false,
  };
}

/** Stores a new contact from `input` (the rest of the form left empty). */
export function addContact(input: Partial<ContactInput>): Stored {
  const c = apply({ ...emptyInput(), ...input }, {});
  contacts.push(c);
  return c;
}

export function newNote(body: string, at: string = now()): Note {
  return { id: nextId(), body, created_at: at, updated_at: at };
}

/** The built-in organisations and `n` generated contacts, plus one whose fields hold markup. */
export function seedContacts(n: number): void {
  for (const [name, level, land, kind, short] of ORGS) addOrg(name, level, land, kind).short_name = short;
  for (const l of LANDS) addOrg(`Land ${l.name}`, 'land', l.key, 'Land');
  for (const [name, key] of KOMMUNEN) addOrg(name, 'kommune', key, name.startsWith('Stadt') ? 'Kreisfreie Stadt' : 'Landkreis');
  const orgChoices = orgs.slice(0, 25);
  for (let i = 0; i < n; i++) {
    const g = GIVEN[i % GIVEN.length];
    const f = FAMILY[(i * 7) % FAMILY.length];
    addContact({
      given_name: g,
      family_name: i > 0 ? `${f}${i > FAMILY.length ? '-' + i : ''}` : f,
      title: i % 9 === 0 ? 'Dr.' : null,
      role: ROLES[i % ROLES.length],
      organization_id: orgChoices[(i * 3) % orgChoices.length].id,
      emails: [{ value: `${fold(g)}.${i}@example.de`, label: i % 2 ? 'dienstlich' : null }],
      phones: i % 3 ? [{ value: `+49 30 ${100000 + i}`, label: 'Büro' }] : [],
      street: 'Alt-Moabit 140',
      postal_code: '10557',
      locality: 'Berlin',
      themenfelder: [THEMENFELDER[i % 14].key],
      tags: i % 4 ? ['EfA'] : [],
    });
  }
  addContact({ display_name: '<img src=x onerror=alert(1)>', given_name: '<b>Eve</b>', role: '<script>alert(1)</script>' });
  contacts[0]?.notes.push(newNote('Erstes Treffen beim IT-Planungsrat.\nFolgetermin im März.', '2025-01-15T09:30:00.000Z'));
}

/** Contacts not deleted, in list order. */
export function live(): Stored[] {
  return contacts.filter((c) => !c.deleted).sort((a, b) => sortKey(a).localeCompare(sortKey(b)) || a.id - b.id);
}

export function get(id: number): Stored {
  const c = contacts.find((x) => x.id === id && !x.deleted);
  if (!c) throw notFound(`contact ${id} not found`);
  return c;
}

export function me(): Stored | null {
  return meId === null ? null : (contacts.find((c) => c.id === meId && !c.deleted) ?? null);
}

function findNote(id: number): [Stored, Note] {
  for (const c of contacts) {
    const n = c.notes.find((x) => x.id === id);
    if (n) return [c, n];
  }
  throw notFound(`note ${id} not found`);
}

function checkNote(body: string): string {
  const b = body.trim();
  if (!b) throw invalid('note_empty', 'note', 'a note needs some text');
  return b;
}

const QR_SVG =
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="240" height="240"><rect width="240" height="240" fill="#fff"/><rect x="20" y="20" width="60" height="60"/></svg>';

export const contactHandlers = {
  contacts_list: ({ offset, limit }) => {
    const all = live();
    return { total: all.length, items: all.slice(offset, offset + limit).map(summary) };
  },
  contacts_search: ({ query, limit }) => {
    const q = tokens(query);
    return live()
      .filter((c) => {
        const hay = tokens([c.name, c.given_name, c.family_name, c.organization, c.role, ...c.emails, ...c.tags].join(' '));
        return q.every((t) => hay.some((h) => h.startsWith(t)));
      })
      .slice(0, limit)
      .map(summary);
  },
  contact_get: ({ id }) => clone(get(id)),
  contact_create: ({ input, note }) => {
    const c = apply(input, {});
    const body = note?.trim();
    if (body) c.notes.push(newNote(body, c.created_at));
    contacts.push(c);
    touched();
    return clone(c);
  },
  contact_update: ({ id, input }) => {
    const old = get(id);
    Object.assign(old, apply(input, old));
    touched();
    return clone(old);
  },
  contact_delete: ({ id }) => {
    get(id).deleted = true;
    touched();
  },
  contact_restore: ({ id }) => {
    const c = contacts.find((x) => x.id === id);
    if (!c) throw notFound('not found');
    c.deleted = false;
    return clone(c);
  },
  // The mock keeps no deletion time or merge target: the last change stands for when.
  contacts_deleted: () =>
    contacts
      .filter((c) => c.deleted)
      .map((c) => ({
        id: c.id,
        name: c.name,
        organization: c.organization,
        deleted_at: c.updated_at,
        reason: 'deleted' as const,
        merged_into: null,
        merged_into_name: null,
      })),
  contact_erase_deleted: ({ id }) => {
    const i = contacts.findIndex((c) => c.id === id && c.deleted);
    if (i < 0) throw notFound(`deleted contact ${id} not found`);
    contacts.splice(i, 1);
    touched();
  },
  note_add: ({ contactId, body }) => {
    const n = newNote(checkNote(body));
    get(contactId).notes.push(n);
    return clone(n);
  },
  note_update: ({ id, body }) => {
    const [, n] = findNote(id);
    n.body = checkNote(body);
    n.updated_at = now();
    return clone(n);
  },
  note_delete: ({ id }) => {
    const [c, n] = findNote(id);
    c.notes = c.notes.filter((x) => x !== n);
  },
  orgs_list: () => clone(orgs),
  org_create: ({ input }) => {
    if (!input.name.trim()) throw invalid('name_required', 'name', 'an organisation needs a name');
    if (input.level === 'kommune' && !input.land_key) {
      throw invalid('land_required', 'land_key', 'a Kommune lies in a Land: choose one');
    }
    return clone(addOrg(input.name.trim(), input.level ?? 'other', input.land_key ?? null, null, false));
  },
  lands_list: () => clone(LANDS),
  themenfelder_list: () => clone(THEMENFELDER),
  me_set: ({ id }) => {
    meId = id;
  },
  me_get: () => {
    const c = me();
    return c ? clone(c) : null;
  },
  own_card: () => {
    const c = me();
    if (!c) throw { kind: 'validation', code: 'me_unset', field: 'me', message: 'choose your own contact first' } satisfies BackendError;
    return { vcard: `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:${c.name}\r\nEND:VCARD\r\n`, svg: QR_SVG };
  },
} satisfies Partial<MockHandlers>;

/** The live contact called exactly `name` (seeds look each other up this way). */
export function named(name: string): Stored | undefined {
  return contacts.find((c) => c.name === name && !c.deleted);
}
