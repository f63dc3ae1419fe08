// Development only: an in-memory stand-in for the Rust commands, so `npm run dev` works in a
// plain browser. main.ts imports it behind `import.meta.env.DEV`, so it never ships.
// URL parameters: `?fatal=too_new|corrupt|open` simulates an unusable database, `?n=5000` sets
// the number of generated contacts.
import { mockIPC } from '@tauri-apps/api/mocks';
import type {
  BackendError,
  Contact,
  ContactInput,
  ContactSummary,
  Land,
  Note,
  Organization,
  OrganizationInput,
  Themenfeld,
} from '../backend';
import { composeName, fold } from '../lib/contacts';

const LANDS: Land[] = [
  ['01', 'Schleswig-Holstein', 'SH'],
  ['02', 'Hamburg', 'HH'],
  ['03', 'Niedersachsen', 'NI'],
  ['04', 'Bremen', 'HB'],
  ['05', 'Nordrhein-Westfalen', 'NW'],
  ['06', 'Hessen', 'HE'],
  ['07', 'Rheinland-Pfalz', 'RP'],
  ['08', 'Baden-Württemberg', 'BW'],
  ['09', 'Bayern', 'BY'],
  ['10', 'Saarland', 'SL'],
  ['11', 'Berlin', 'BE'],
  ['12', 'Brandenburg', 'BB'],
  ['13', 'Mecklenburg-Vorpommern', 'MV'],
  ['14', 'Sachsen', 'SN'],
  ['15', 'Sachsen-Anhalt', 'ST'],
  ['16', 'Thüringen', 'TH'],
].map(([key, name, short_code]) => ({ key, name, short_code }));

const THEMENFELDER: Themenfeld[] = [
  ['arbeit-ruhestand', 'Arbeit & Ruhestand', 'Work & retirement'],
  ['bauen-wohnen', 'Bauen & Wohnen', 'Building & housing'],
  ['bildung', 'Bildung', 'Education'],
  ['ein-auswanderung', 'Ein- & Auswanderung', 'Immigration & emigration'],
  ['engagement-hobby', 'Engagement & Hobby', 'Volunteering & hobbies'],
  ['familie-kind', 'Familie & Kind', 'Family & children'],
  ['forschung-foerderung', 'Forschung & Förderung', 'Research & funding'],
  ['gesundheit', 'Gesundheit', 'Health'],
  ['mobilitaet-reisen', 'Mobilität & Reisen', 'Mobility & travel'],
  ['querschnitt', 'Querschnittsleistungen', 'Cross-cutting services'],
  ['recht-ordnung', 'Recht & Ordnung', 'Law & order'],
  ['steuern-zoll', 'Steuern & Zoll', 'Taxes & customs'],
  ['umwelt', 'Umwelt', 'Environment'],
  ['unternehmensfuehrung', 'Unternehmensführung & -entwicklung', 'Running a business'],
].map(([key, name_de, name_en]) => ({ key, name_de, name_en }));

let nextId = 1;
const uid = () => `mock-${nextId}-${Math.random().toString(36).slice(2, 8)}`;
const now = () => new Date().toISOString();

const orgs: Organization[] = [];
function addOrg(name: string, level: Organization['level'], landKey: string | null, kind: string | null = null) {
  const land = LANDS.find((l) => l.key === landKey) ?? null;
  const o: Organization = {
    id: nextId++,
    uid: uid(),
    name,
    short_name: null,
    level,
    kind,
    land: land?.name ?? null,
    land_key: land?.key ?? null,
    key: null,
    parent_id: null,
    builtin: true,
  };
  orgs.push(o);
  return o;
}
addOrg('Bundesministerium des Innern und für Heimat', 'bund', null, 'Ministerium').short_name = 'BMI';
addOrg('FITKO (Föderale IT-Kooperation)', 'other', null);
addOrg('Deutscher Landkreistag', 'other', null, 'Verband');
for (const l of LANDS) addOrg(`Land ${l.name}`, 'land', l.key, 'Land');
for (const [name, key] of [
  ['Landkreis München', '09'],
  ['Stadt Köln', '05'],
  ['Landkreis Göttingen', '03'],
  ['Stadt Leipzig', '14'],
  ['Kreis Nordfriesland', '01'],
  ['Landkreis Müritz', '13'],
]) {
  addOrg(name, 'kommune', key, name.startsWith('Stadt') ? 'Kreisfreie Stadt' : 'Landkreis');
}

const GIVEN = ['Anna', 'Jörg', 'Jürgen', 'Sabine', 'Michael', 'Özlem', 'Lukas', 'Weiß', 'Chloé', 'Fatma', 'Heinz', 'Ute'];
const FAMILY = ['Müller', 'Mueller', 'Schmidt', 'Weiß', 'Schäfer', 'Öztürk', 'Łukasiewicz', 'Becker', 'Hoffmann', 'Krüger'];
const ROLES = ['OZG-Koordination', 'Referatsleitung', 'CIO', 'Digitallotsin', 'Projektleitung EfA', null];

interface Stored extends Contact {
  deleted: boolean;
}
const contacts: Stored[] = [];

function summary(c: Stored): ContactSummary {
  return {
    id: c.id,
    name: c.name,
    title: c.title,
    role: c.role,
    organization: c.organization,
    email: c.emails[0] ?? null,
  };
}

function sortKey(c: Contact): string {
  return c.family_name ? `${fold(c.family_name)} ${fold(c.given_name ?? '')}` : fold(c.name);
}

function invalid(code: string, field: string, message: string): BackendError {
  return { kind: 'validation', code, field, message };
}

function apply(input: ContactInput, base: Partial<Stored>): Stored {
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
    id: base.id ?? nextId++,
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

function generate(n: number) {
  const orgChoices = orgs.slice(0, 25);
  for (let i = 0; i < n; i++) {
    const g = GIVEN[i % GIVEN.length];
    const f = FAMILY[(i * 7) % FAMILY.length];
    const org = orgChoices[(i * 3) % orgChoices.length];
    const role = ROLES[i % ROLES.length];
    const c = apply(
      {
        display_name: null,
        given_name: g,
        family_name: i > 0 ? `${f}${i > FAMILY.length ? '-' + i : ''}` : f,
        title: i % 9 === 0 ? 'Dr.' : null,
        role,
        organization_id: org.id,
        emails: [{ value: `${fold(g)}.${i}@example.de`, label: i % 2 ? 'dienstlich' : null }],
        phones: i % 3 ? [{ value: `+49 30 ${100000 + i}`, label: 'Büro' }] : [],
        street: 'Alt-Moabit 140',
        postal_code: '10557',
        locality: 'Berlin',
        country: null,
        website: null,
        themenfelder: [THEMENFELDER[i % 14].key],
        tags: i % 4 ? ['EfA'] : [],
        photo: { action: 'keep' },
      },
      {},
    );
    contacts.push(c);
  }
  contacts.push(
    apply(
      {
        display_name: '<img src=x onerror=alert(1)>',
        given_name: '<b>Eve</b>',
        family_name: null,
        title: null,
        role: '<script>alert(1)</script>',
        organization_id: null,
        emails: [],
        phones: [],
        street: null,
        postal_code: null,
        locality: null,
        country: null,
        website: null,
        themenfelder: [],
        tags: [],
        photo: { action: 'keep' },
      },
      {},
    ),
  );
  contacts[0].notes.push({ id: nextId++, body: 'Erstes Treffen beim IT-Planungsrat.\nFolgetermin im März.', created_at: '2025-01-15T09:30:00.000Z', updated_at: '2025-01-15T09:30:00.000Z' });
}

function live(): Stored[] {
  return contacts.filter((c) => !c.deleted).sort((a, b) => sortKey(a).localeCompare(sortKey(b)) || a.id - b.id);
}

function get(id: number): Stored {
  const c = contacts.find((x) => x.id === id && !x.deleted);
  if (!c) throw { kind: 'not_found', message: `contact ${id} not found` } satisfies BackendError;
  return c;
}

function findNote(id: number): [Stored, Note] {
  for (const c of contacts) {
    const n = c.notes.find((x) => x.id === id);
    if (n) return [c, n];
  }
  throw { kind: 'not_found', message: `note ${id} not found` } satisfies BackendError;
}

function checkNote(body: string): string {
  const b = body.trim();
  if (!b) throw invalid('note_empty', 'note', 'a note needs some text');
  return b;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let language: string | null = null;

export function installMockBackend(): void {
  const params = new URLSearchParams(location.search);
  const fatal = params.get('fatal');
  generate(Number(params.get('n') ?? 1200));

  mockIPC(async (cmd, payload) => {
    const a = (payload ?? {}) as Record<string, unknown>;
    await sleep(5 + Math.random() * 20);
    if (fatal) {
      throw { kind: fatal, message: `the database /home/user/.local/share/vernetzt/vernetzt.db: simulated '${fatal}'` };
    }
    switch (cmd) {
      case 'contacts_list': {
        const all = live();
        const offset = a.offset as number;
        return { total: all.length, items: all.slice(offset, offset + (a.limit as number)).map(summary) };
      }
      case 'contacts_search': {
        const q = fold(String(a.query)).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
        return live()
          .filter((c) => {
            const hay = fold([c.name, c.given_name, c.family_name, c.organization, c.role, ...c.emails, ...c.tags].join(' '))
              .split(/[^\p{L}\p{N}]+/u);
            return q.every((t) => hay.some((h) => h.startsWith(t)));
          })
          .slice(0, a.limit as number)
          .map(summary);
      }
      case 'contact_get':
        return clone(get(a.id as number));
      case 'contact_create': {
        const c = apply(a.input as ContactInput, {});
        const note = (a.note as string | null)?.trim();
        if (note) c.notes.push({ id: nextId++, body: note, created_at: c.created_at, updated_at: c.created_at });
        contacts.push(c);
        return clone(c);
      }
      case 'contact_update': {
        const old = get(a.id as number);
        const c = apply(a.input as ContactInput, old);
        Object.assign(old, c);
        return clone(old);
      }
      case 'contact_delete':
        get(a.id as number).deleted = true;
        return null;
      case 'contact_restore': {
        const c = contacts.find((x) => x.id === a.id);
        if (!c) throw { kind: 'not_found', message: 'not found' };
        c.deleted = false;
        return clone(c);
      }
      case 'note_add': {
        const c = get(a.contactId as number);
        const t = now();
        const n: Note = { id: nextId++, body: checkNote(a.body as string), created_at: t, updated_at: t };
        c.notes.push(n);
        return clone(n);
      }
      case 'note_update': {
        const [, n] = findNote(a.id as number);
        n.body = checkNote(a.body as string);
        n.updated_at = now();
        return clone(n);
      }
      case 'note_delete': {
        const [c, n] = findNote(a.id as number);
        c.notes = c.notes.filter((x) => x !== n);
        return null;
      }
      case 'orgs_list':
        return clone(orgs);
      case 'org_create': {
        const input = a.input as OrganizationInput;
        if (!input.name.trim()) throw invalid('name_required', 'name', 'an organisation needs a name');
        if (input.level === 'kommune' && !input.land_key) {
          throw invalid('land_required', 'land_key', 'a Kommune lies in a Land: choose one');
        }
        const o = addOrg(input.name.trim(), input.level ?? 'other', input.land_key ?? null);
        o.builtin = false;
        return clone(o);
      }
      case 'lands_list':
        return clone(LANDS);
      case 'themenfelder_list':
        return clone(THEMENFELDER);
      case 'setting_get':
        return language;
      case 'setting_set':
        language = a.value as string;
        return null;
      case 'app_ready':
        console.warn('[mock] app_ready');
        return null;
      default:
        throw { kind: 'internal', message: `mock: unknown command ${cmd}` };
    }
  });
}
