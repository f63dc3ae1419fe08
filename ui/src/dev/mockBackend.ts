// Development only: an in-memory stand-in for the Rust commands, so `npm run dev` works in a
// plain browser. main.ts imports it behind `import.meta.env.DEV`, so it never ships.
// URL parameters: `?fatal=too_new|corrupt|open` simulates an unusable database, `?n=5000` sets
// the number of generated contacts, `?feeds=0` starts without calendar feeds.
import { mockIPC } from '@tauri-apps/api/mocks';
import type {
  BackendError,
  Contact,
  ContactInput,
  ContactSummary,
  Feed,
  FeedCounts,
  FeedInput,
  FeedSyncResult,
  Land,
  Note,
  Occurrence,
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
const settings: Record<string, string> = {};

// --- Calendar feeds and their events ---

interface StoredOcc extends Occurrence {
  feed_id: number;
}
const feeds: Feed[] = [];
const occs: StoredOcc[] = [];
let feedSyncs = 0;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Midnight UTC of today plus `days`, plus `hours` (UTC). */
function at(days: number, hours: number): string {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  return new Date(d.getTime() + days * DAY + hours * HOUR).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function dateOnly(days: number): string {
  return at(days, 12).slice(0, 10);
}

function counts(c: Partial<FeedCounts>): FeedCounts {
  return { added: 0, updated: 0, cancelled: 0, removed: 0, unchanged: 0, not_modified: false, warnings: [], ...c };
}

function addFeedRow(f: Partial<Feed> & Pick<Feed, 'url' | 'name'>): Feed {
  const feed: Feed = {
    id: nextId++,
    uid: uid(),
    auth: { kind: 'none' },
    last_success_at: null,
    last_attempt_at: null,
    last_error: null,
    last_counts: null,
    failures: 0,
    refresh_minutes: 60,
    etag: null,
    last_modified: null,
    events: 0,
    ...f,
  };
  feeds.push(feed);
  return feed;
}

function addOcc(feed: Feed, o: Partial<Occurrence> & Pick<Occurrence, 'title' | 'start' | 'end'>): void {
  occs.push({
    uid: `${uid()}@${new URL(feed.url).host}`,
    recurrence_id: null,
    all_day: false,
    status: 'confirmed',
    location: null,
    description: null,
    url: null,
    organizer: null,
    tzid: 'Europe/Berlin',
    feed: feed.name,
    event_id: nextId++,
    feed_id: feed.id,
    ...o,
  });
}

function seedFeeds(): void {
  const fitko = addFeedRow({
    url: 'https://www.fitko.de/veranstaltungen/kalender.ics',
    name: 'FITKO',
    last_success_at: new Date(Date.now() - 2 * HOUR).toISOString(),
    last_attempt_at: new Date(Date.now() - 2 * HOUR).toISOString(),
    last_counts: counts({
      added: 3,
      updated: 1,
      cancelled: 1,
      removed: 1,
      unchanged: 5,
      warnings: [
        'line 12, VEVENT fim-2026-07@fitko.de: no DTSTART; skipped',
        'line 88: unknown TZID "Mitteleuropäische Zeit"; read as Europe/Berlin <script>alert(1)</script>',
      ],
    }),
  });
  const taskforce = addFeedRow({
    url: 'https://ozg-taskforce.example.de/termine.ics',
    name: 'OZG-Taskforce',
    last_success_at: new Date(Date.now() - 3 * DAY).toISOString(),
    last_attempt_at: new Date(Date.now() - 10 * 60_000).toISOString(),
    last_error:
      'Could not load the feed from ozg-taskforce.example.de: the connection was refused. Check the address and that this computer is online; if it is, the server may be down (try again later).',
    failures: 3,
    last_counts: counts({ unchanged: 4 }),
  });
  const hessen = addFeedRow({
    url: 'https://digitales.hessen.example/kalender/kommunen.ics',
    name: 'Hessen – Digitale Verwaltung',
    auth: { kind: 'basic', user: 'ozg-koordination' },
    last_success_at: new Date(Date.now() - 30 * 60_000).toISOString(),
    last_attempt_at: new Date(Date.now() - 30 * 60_000).toISOString(),
    last_counts: counts({ not_modified: true }),
  });

  addOcc(fitko, {
    title: 'OZG-Erfahrungsaustausch der Länder',
    start: at(2, 8.5),
    end: at(2, 10),
    location: 'Online (Webex)',
    description:
      'Agenda:\n1. Begrüßung durch die FITKO\n2. Stand der EfA-Leistungen\n3. Austausch zur Registermodernisierung\n\n<b>Markup bleibt Text</b>',
    url: 'https://www.fitko.de/veranstaltungen/ozg-erfahrungsaustausch',
    organizer: 'mailto:veranstaltungen@fitko.example',
  });
  addOcc(fitko, {
    title: 'IT-Planungsrat: Fachkongress',
    start: at(5, 8),
    end: at(6, 15),
    status: 'cancelled',
    location: 'Kongresszentrum Erfurt',
    description: 'Der Fachkongress entfällt und wird im nächsten Jahr nachgeholt.',
  });
  addOcc(fitko, {
    title: 'FIM-Schulung: Leistungsbeschreibungen',
    start: at(9, 12),
    end: at(9, 15),
    status: 'removed',
    location: 'Online',
  });
  addOcc(fitko, {
    title: 'Webinar mit dem GovTech-Netzwerk London',
    start: at(20, 15),
    end: at(20, 16.5),
    tzid: 'Europe/London',
    location: 'London / online',
    organizer: 'GovTech Network <events@govtech.example>',
    description: 'Times are given in London time.',
  });
  addOcc(fitko, {
    title: 'Workshop Registermodernisierung',
    start: at(30, 8),
    end: at(30, 12),
    status: 'tentative',
    location: 'Berlin, Alt-Moabit 140',
  });
  addOcc(fitko, { title: 'OZG-Konferenz 2025: Rückblick', start: at(-20, 9), end: at(-20, 16), location: 'Berlin' });
  addOcc(fitko, { title: 'Kick-off Onlinezugang 2.0', start: at(-60, 13), end: at(-60, 15), location: 'Online' });

  for (const week of [0, 1, 2, 3, 4, -1, -2]) {
    const start = at(1 + 7 * week, 12);
    addOcc(taskforce, {
      uid: 'jour-fixe@ozg-taskforce.example.de',
      recurrence_id: start,
      title: 'OZG-Taskforce: Jour fixe',
      start,
      end: at(1 + 7 * week, 13),
      location: 'Online (BigBlueButton)',
      event_id: 9000,
    });
  }

  addOcc(hessen, {
    title: 'Digitalgipfel der hessischen Kommunen',
    start: dateOnly(14),
    end: dateOnly(17),
    all_day: true,
    tzid: null,
    location: 'Wiesbaden',
    description: 'Drei Tage Vorträge und Workshops.\nAnmeldung über das Landesportal.',
  });
  addOcc(hessen, {
    title: 'Tag der offenen Verwaltung',
    start: dateOnly(40),
    end: dateOnly(41),
    all_day: true,
    tzid: null,
    location: 'Alle Rathäuser in Hessen',
  });
  addOcc(hessen, {
    title: '<img src=x onerror=alert(1)> Schulung für Kommunen',
    start: at(3, 7),
    end: at(3, 9),
    description: '<script>alert("xss")</script>',
  });
  addOcc(hessen, { title: 'Sommerfest der Digitallots:innen', start: dateOnly(-100), end: dateOnly(-99), all_day: true, tzid: null });
}

function refreshCounts(): void {
  for (const f of feeds) f.events = occs.filter((o) => o.feed_id === f.id).length;
}

/** Start and end of an occurrence as milliseconds (all-day dates as UTC midnight). */
function span(o: Occurrence): [number, number] {
  const ms = (v: string) => new Date(v.length === 10 ? `${v}T00:00:00Z` : v).getTime();
  return [ms(o.start), ms(o.end)];
}

function getFeed(id: number): Feed {
  const f = feeds.find((x) => x.id === id);
  if (!f) throw { kind: 'not_found', message: `feed ${id} not found` } satisfies BackendError;
  return f;
}

function addFeed(input: FeedInput): Feed {
  let url = input.url.trim().replace(/^(webcal|webcals|feed):\/\//i, 'https://');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('url_invalid', 'url', `"${input.url}" is not a usable feed address (no scheme); enter the full address, starting with https:// or webcal://.`);
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol === 'http:' && !local) {
    throw invalid('insecure', 'url', `The address ${url} uses unencrypted http://, which Vernetzt allows only for this computer (localhost); use the https:// address of the feed instead.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw invalid('url_invalid', 'url', `The address ${url} uses "${parsed.protocol}", which Vernetzt cannot subscribe to.`);
  }
  url = parsed.toString();
  if (feeds.some((f) => f.url === url)) throw invalid('feed_exists', 'url', `the feed ${url} is already subscribed`);
  if (parsed.hostname.endsWith('.invalid')) {
    throw {
      kind: 'dns',
      message: `The server name ${parsed.hostname} could not be found; check the address for typos and that this computer is online.`,
    } satisfies BackendError;
  }
  if (input.auth.kind === 'basic' && !input.auth.user.trim()) throw invalid('user_required', 'user', 'a user name is needed');
  return addFeedRow({ url, name: input.name?.trim() || `Kalender ${parsed.hostname}`, auth: input.auth });
}

function syncFeed(f: Feed): FeedSyncResult {
  const t = now();
  f.last_attempt_at = t;
  if (f.name === 'OZG-Taskforce' || f.url.includes('offline')) {
    f.failures += 1;
    f.last_error = `Could not load the feed from ${new URL(f.url).host}: the connection was refused. Check the address and that this computer is online; if it is, the server may be down (try again later).`;
    return { feed_id: f.id, name: f.name, counts: null, error: f.last_error };
  }
  let c: FeedCounts;
  if (f.events === 0) {
    addOcc(f, { title: `Auftakt: ${f.name}`, start: at(4, 9), end: at(4, 11), location: 'Online' });
    addOcc(f, { title: `Sprechstunde: ${f.name}`, start: dateOnly(12), end: dateOnly(13), all_day: true, tzid: null });
    c = counts({ added: 2 });
  } else if (f.name === 'FITKO') {
    feedSyncs += 1;
    c = feedSyncs % 2 ? counts({ updated: 1, unchanged: f.events - 1, warnings: f.last_counts?.warnings ?? [] }) : counts({ not_modified: true });
  } else {
    c = counts({ not_modified: true });
  }
  f.last_success_at = t;
  f.last_error = null;
  f.failures = 0;
  f.last_counts = c;
  return { feed_id: f.id, name: f.name, counts: c, error: null };
}

export function installMockBackend(): void {
  const params = new URLSearchParams(location.search);
  const fatal = params.get('fatal');
  generate(Number(params.get('n') ?? 1200));
  if (params.get('feeds') !== '0') seedFeeds();
  refreshCounts();

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
        return settings[a.key as string] ?? null;
      case 'setting_set':
        settings[a.key as string] = a.value as string;
        return null;
      case 'feeds_list':
        refreshCounts();
        return clone([...feeds].sort((x, y) => x.name.localeCompare(y.name, 'de') || x.id - y.id));
      case 'feed_add': {
        await sleep(300);
        const f = addFeed(a.input as FeedInput);
        return clone(f);
      }
      case 'feeds_sync': {
        await sleep(700);
        const id = a.feedId as number | null;
        const targets = id === null ? [...feeds] : [getFeed(id)];
        const results = targets.map(syncFeed);
        refreshCounts();
        return clone(results);
      }
      case 'events_list': {
        const from = new Date(a.from as string).getTime();
        const to = new Date(a.to as string).getTime();
        const feedId = a.feedId as number | null;
        return clone(
          occs
            .filter((o) => feedId === null || o.feed_id === feedId)
            .filter((o) => {
              const [s, e] = span(o);
              return s < to && Math.max(e, s + 1) > from;
            })
            .sort((x, y) => span(x)[0] - span(y)[0])
            .map(({ feed_id: _feedId, ...o }) => o),
        );
      }
      case 'app_ready':
        console.warn('[mock] app_ready');
        return null;
      default:
        throw { kind: 'internal', message: `mock: unknown command ${cmd}` };
    }
  });
}
