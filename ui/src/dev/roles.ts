// Mock domain: roles over time (issue 17). Like crates/core's store, a contact's open role mirrors
// its role and organisation fields: a plain save is a correction. The mock brings the open role
// in line whenever roles are read or changed, which answers the same as following every write.
import type { Role } from '../backend';
import { fold } from '../lib/contacts';
import { sortRoles } from '../lib/roles';
import { contacts, get, orgs, type Stored } from './contacts';
import { THEMENFELDER } from './fixtures/reference';
import { clone, invalid, nextId, now, touched } from './state';
import type { MockHandlers } from './types';

const roles: Role[] = [];

function orgFields(orgId: number | null): Pick<Role, 'organization_id' | 'organization' | 'level' | 'land_key'> {
  const o = orgId === null ? undefined : orgs.find((x) => x.id === orgId);
  if (o === undefined && orgId !== null) throw invalid('org_unknown', 'organization_id', 'no such organisation');
  return { organization_id: o?.id ?? null, organization: o?.name ?? null, level: o?.level ?? null, land_key: o?.land_key ?? null };
}

function themenfeld(key: string | null): string | null {
  const k = key?.trim();
  if (!k) return null;
  const tf = THEMENFELDER.find((t) => t.key === k || fold(t.name_de) === fold(k));
  if (!tf) throw invalid('themenfeld_unknown', 'themenfeld', `'${k}' is not one of the 14 Themenfelder`);
  return tf.key;
}

/** YYYY, YYYY-MM or YYYY-MM-DD (also MM/YYYY), in ISO form, as core's `parse_role_date`. */
function roleDate(text: string): string {
  const t = text.trim();
  const m = /^(\d{1,2})\/(\d{4})$/.exec(t);
  const iso = m ? `${m[2]}-${m[1].padStart(2, '0')}` : t;
  const ok = /^\d{4}(-\d{2}(-\d{2})?)?$/.test(iso) && (iso.length < 10 || !Number.isNaN(Date.parse(`${iso}T00:00:00Z`)));
  if (!ok) throw invalid('date_invalid', 'date', `'${t}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)`);
  return iso;
}

const openRole = (contactId: number) => roles.find((r) => r.contact_id === contactId && r.to === null && !r.vacant);

/** The open role follows the contact's fields: rewritten, created, or removed when both are empty. */
function follow(c: Stored): void {
  const fn = c.role?.trim() ?? '';
  const open = openRole(c.id);
  const empty = fn === '' && c.organization_id === null;
  if (open && open.function === fn && open.organization_id === c.organization_id) return;
  if (open && empty) roles.splice(roles.indexOf(open), 1);
  else if (open) Object.assign(open, { function: fn, ...orgFields(c.organization_id) });
  else if (!empty) {
    roles.push({
      id: nextId(),
      contact_id: c.id,
      contact_name: c.name,
      function: fn,
      ...orgFields(c.organization_id),
      themenfeld: null,
      from: null,
      to: null,
      vacant: false,
    });
  }
}

function rolesOf(c: Stored): Role[] {
  follow(c);
  return clone(sortRoles(roles.filter((r) => r.contact_id === c.id).map((r) => ({ ...r, contact_name: c.name }))));
}

export const roleHandlers = {
  roles_list: ({ contactId }) => rolesOf(get(contactId)),
  role_change: ({ contactId, change }) => {
    const c = get(contactId);
    follow(c);
    const place = orgFields(change.organization_id);
    const tf = themenfeld(change.themenfeld);
    const from = change.from === null ? null : roleDate(change.from);
    const fn = change.function.trim();
    const open = openRole(c.id);
    if (change.correction && open) {
      Object.assign(open, { function: fn, ...place, themenfeld: tf ?? open.themenfeld, from: from ?? open.from });
    } else {
      const start = from ?? (change.correction ? null : now().slice(0, 10));
      if (open) open.to = start ?? now().slice(0, 10);
      roles.push({ id: nextId(), contact_id: c.id, contact_name: c.name, function: fn, ...place, themenfeld: tf, from: start, to: null, vacant: false });
    }
    c.role = fn || null;
    c.organization_id = place.organization_id;
    c.organization = place.organization;
    c.updated_at = now();
    touched();
    return rolesOf(c);
  },
  role_holders: ({ query }) => {
    for (const c of contacts) if (!c.deleted) follow(c);
    const needle = fold(query.function.trim());
    const live = new Set(contacts.filter((c) => !c.deleted).map((c) => c.id));
    return clone(
      sortRoles(
        roles.filter(
          (r) =>
            (r.contact_id === null || live.has(r.contact_id)) &&
            (!needle || fold(r.function).includes(needle)) &&
            (query.level === null || r.level === query.level) &&
            (query.organization_id === null || r.organization_id === query.organization_id) &&
            (query.themenfeld === null || r.themenfeld === query.themenfeld) &&
            (!query.vacant_only || r.vacant),
        ),
      ),
    );
  },
} satisfies Partial<MockHandlers>;
