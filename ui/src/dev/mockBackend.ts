// Development only: an in-memory stand-in for the Rust commands, so `npm run dev` works in a
// plain browser. main.ts imports it behind `import.meta.env.DEV`, so it never ships.
// URL parameters: `?fatal=too_new|corrupt|open` simulates an unusable database, `?n=5000` sets
// the number of generated contacts, `?feeds=0` starts without calendar feeds, `?sync=1` starts with
// a sync account and two conflicts, `?sync=error` with an account whose last sync failed.
import { mockIPC } from '@tauri-apps/api/mocks';
import type {
  Candidate,
  InvitePreview,
  InviteeFilter,
  Invitee,
  OwnEventInput,
  Partstat,
  ReplyImport,
  Rsvp,
  RsvpCounts,
  SendReport,
  Written,
  ConflictKeep,
  DavSyncReport,
  SyncAccount,
  SyncConflict,
  SyncState,
  AttendanceRow,
  AttendanceStatus,
  AttendanceView,
  BackendError,
  Contact,
  CsvField,
  CsvMapping,
  Encounter,
  EventRef,
  FollowUp,
  ImportPreview,
  ImportReport,
  MergeResult,
  TimelineItem,
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
  QuickCaptureInput,
  Series,
  SeriesMatrix,
  SeriesSuggestion,
  Themenfeld,
} from '../backend';
import { composeName, fold } from '../lib/contacts';
import { isTimeZone, zoneOffset } from '../lib/events';

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
let meId: number | null = null;
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

// --- Networking: import, attendance, encounters, follow-ups, duplicates, timeline ---

const CSV_GUESS: [RegExp, CsvField][] = [
  [/^(vorname|given ?name|first ?name)$/, 'given_name'],
  [/^(nachname|familienname|family ?name|last ?name|surname)$/, 'family_name'],
  [/^(name|vollstandiger name|full ?name|teilnehmer(in)?)$/, 'full_name'],
  [/^(titel|title|akademischer titel)$/, 'title'],
  [/^(funktion|rolle|position|role|job ?title)$/, 'role'],
  [/^(organisation|organization|behorde|dienststelle|institution|firma|company)$/, 'organization'],
  [/^(ebene|level|verwaltungsebene)$/, 'level'],
  [/^(bundesland|land)$/, 'land'],
  [/^(ags|ars|amtlicher schlussel|gemeindeschlussel)$/, 'official_key'],
  [/^(e-?mail|e-?mail-adresse|mail)$/, 'email'],
  [/^(telefon|tel|phone|mobil|telefonnummer)$/, 'phone'],
  [/^(strasse|street|anschrift)$/, 'street'],
  [/^(plz|postleitzahl|postal ?code|zip)$/, 'postal_code'],
  [/^(ort|stadt|city|locality)$/, 'locality'],
  [/^(staat|country)$/, 'country'],
  [/^(website|webseite|homepage|url)$/, 'website'],
  [/^(schlagworter|tags|stichworter)$/, 'tags'],
  [/^(themenfeld|themenfelder)$/, 'themenfeld'],
  [/^(notiz|bemerkung|anmerkung|note|notes)$/, 'note'],
];

function guessField(header: string): CsvField {
  const h = fold(header.trim());
  return CSV_GUESS.find(([re]) => re.test(h))?.[1] ?? 'ignore';
}

function importError(message: string): BackendError {
  return { kind: 'import', message };
}

function decodeFile(data: string): { text: string; encoding: string } {
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(data.trim()), (c) => c.charCodeAt(0));
  } catch {
    throw importError('the file did not arrive intact (bad base64)');
  }
  if (bytes.length === 0) throw importError('the file is empty');
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, ''), encoding: 'UTF-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'Windows-1252' };
  }
}

/** Splits CSV text into rows of cells (quotes, doubled quotes, line breaks in quotes). */
function parseCsv(text: string, delimiter: string): { cells: string[]; line: number }[] {
  const rows: { cells: string[]; line: number }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === '') {
      quoted = true;
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      if (cells.some((c) => c.trim() !== '')) rows.push({ cells, line: rowLine });
      cells = [];
      cell = '';
      line++;
      rowLine = line;
    } else {
      cell += ch;
    }
  }
  cells.push(cell);
  if (cells.some((c) => c.trim() !== '')) rows.push({ cells, line: rowLine });
  return rows;
}

function readCsv(text: string) {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = [';', ',', '\t', '|'].reduce((best, d) =>
    firstLine.split(d).length > firstLine.split(best).length ? d : best,
  );
  const rows = parseCsv(text, delimiter);
  if (rows.length === 0) throw importError('the file is empty');
  const headers = rows[0].cells.map((h) => h.trim());
  if (headers.some((h) => /@/.test(h))) {
    throw importError(
      `the file has no header row: its first row holds "${headers.find((h) => h.includes('@'))}", which is data, not a column name; add a first row naming the columns, such as "Vorname;Nachname;E-Mail"`,
    );
  }
  return { delimiter, headers, data: rows.slice(1) };
}

function headerKey(headers: readonly string[]): string {
  return headers.map((h) => fold(h)).join('\u001f');
}
const rememberedMappings = new Map<string, CsvField[]>();

function csvPreview(text: string, encoding: string): ImportPreview {
  const { delimiter, headers, data } = readCsv(text);
  const columns = headers.map(guessField);
  const sample = data.slice(0, 5).map((r) => r.cells);
  const unmapped = columns.flatMap((f, i) => (f === 'ignore' && data.some((r) => (r.cells[i] ?? '').trim() !== '') ? [i] : []));
  const remembered = rememberedMappings.get(headerKey(headers));
  return {
    format: 'csv',
    csv: { delimiter, encoding, headers, mapping: { columns }, unmapped, sample, rows: data.length },
    remembered: remembered ? { columns: remembered } : null,
    cards: null,
  };
}

interface VCard {
  line: number;
  props: { name: string; value: string }[];
}

function readVcards(text: string): VCard[] {
  const lines = text.replace(/\r\n[ \t]/g, '').replace(/\n[ \t]/g, '').split(/\r?\n/);
  const cards: VCard[] = [];
  let current: VCard | null = null;
  lines.forEach((l, i) => {
    if (/^BEGIN:VCARD$/i.test(l.trim())) current = { line: i + 1, props: [] };
    else if (/^END:VCARD$/i.test(l.trim())) {
      if (current) cards.push(current);
      current = null;
    } else if (current) {
      const m = /^([^:;]+)[^:]*:(.*)$/.exec(l);
      if (m) current.props.push({ name: m[1].toUpperCase().replace(/^item\d+\./i, ''), value: m[2].replace(/\\([,;\\])/g, '$1').replace(/\\n/gi, '\n') });
    }
  });
  return cards;
}

interface Person {
  line: number;
  given: string;
  family: string;
  full: string;
  title: string;
  role: string;
  org: string;
  emails: string[];
  phones: string[];
  street: string;
  postal: string;
  locality: string;
  country: string;
  website: string;
  tags: string[];
  notes: string[];
}

function emptyPerson(line: number): Person {
  return { line, given: '', family: '', full: '', title: '', role: '', org: '', emails: [], phones: [], street: '', postal: '', locality: '', country: '', website: '', tags: [], notes: [] };
}

function personFromCard(card: VCard): Person {
  const p = emptyPerson(card.line);
  for (const { name, value } of card.props) {
    const v = value.trim();
    if (!v) continue;
    if (name === 'FN') p.full = v;
    else if (name === 'N') [p.family = '', p.given = ''] = v.split(';');
    else if (name === 'EMAIL') p.emails.push(v);
    else if (name === 'TEL') p.phones.push(v.replace(/^tel:/i, ''));
    else if (name === 'ORG') p.org = v.split(';')[0];
    else if (name === 'TITLE' || name === 'ROLE') p.role = p.role || v;
    else if (name === 'NOTE') p.notes.push(v);
    else if (name === 'URL') p.website = v;
    else if (name === 'CATEGORIES') p.tags.push(...v.split(',').map((s) => s.trim()).filter(Boolean));
  }
  return p;
}

function personFromRow(cells: string[], line: number, mapping: readonly CsvField[], warnings: string[]): Person {
  const p = emptyPerson(line);
  mapping.forEach((f, i) => {
    const v = (cells[i] ?? '').trim();
    if (!v) return;
    switch (f) {
      case 'given_name': p.given = v; break;
      case 'family_name': p.family = v; break;
      case 'full_name': p.full = v; break;
      case 'title': p.title = v; break;
      case 'role': p.role = v; break;
      case 'organization': p.org = v; break;
      case 'email':
        for (const e of v.split(/[;,\s]+/).filter(Boolean)) {
          if (/^[^@\s]+@[^@\s]+\.[^@\s.]+$/.test(e)) p.emails.push(e);
          else warnings.push(`line ${line}: '${e}' is not an e-mail address; left out`);
        }
        break;
      case 'phone': p.phones.push(v); break;
      case 'street': p.street = v; break;
      case 'postal_code': p.postal = v; break;
      case 'locality': p.locality = v; break;
      case 'country': p.country = v; break;
      case 'website': p.website = v; break;
      case 'tags': p.tags.push(...v.split(/[,;]/).map((s) => s.trim()).filter(Boolean)); break;
      case 'note': p.notes.push(v); break;
      default: break;
    }
  });
  return p;
}

/** A contact from an imported person: new, or merged into the one with the same e-mail address. */
function storePerson(p: Person, report: ImportReport): number | null {
  const name = p.full || composeName(p.title || null, p.given || null, p.family || null) || p.emails[0] || '';
  if (!name) {
    report.skipped.push({ line: p.line, reason: 'no name: neither a name nor an e-mail address' });
    return null;
  }
  let orgId: number | null = null;
  if (p.org) {
    let o = orgs.find((x) => fold(x.name) === fold(p.org) || (x.short_name && fold(x.short_name) === fold(p.org)));
    if (!o) {
      o = addOrg(p.org, 'other', null);
      o.builtin = false;
      report.organizations_created++;
    }
    orgId = o.id;
  }
  const t = now();
  const existing = p.emails.length
    ? live().find((c) => c.emails.some((e) => p.emails.some((x) => x.toLowerCase() === e.toLowerCase())))
    : undefined;
  if (existing) {
    for (const e of p.emails) if (!existing.emails.some((x) => x.toLowerCase() === e.toLowerCase())) existing.emails.push(e);
    for (const ph of p.phones) if (!existing.phones.includes(ph)) existing.phones.push(ph);
    for (const tag of p.tags) if (!existing.tags.includes(tag)) existing.tags.push(tag);
    existing.role ??= p.role || null;
    if (existing.organization_id === null && orgId !== null) {
      existing.organization_id = orgId;
      existing.organization = orgs.find((o) => o.id === orgId)?.name ?? null;
    }
    for (const n of p.notes) existing.notes.push({ id: nextId++, body: n, created_at: t, updated_at: t });
    existing.updated_at = t;
    report.updated++;
    return existing.id;
  }
  const c = apply(
    {
      display_name: p.full || null,
      given_name: p.given || null,
      family_name: p.family || null,
      title: p.title || null,
      role: p.role || null,
      organization_id: orgId,
      emails: [],
      phones: [],
      street: p.street || null,
      postal_code: p.postal || null,
      locality: p.locality || null,
      country: p.country || null,
      website: null,
      themenfelder: [],
      tags: p.tags,
      photo: { action: 'keep' },
    },
    {},
  );
  if (!p.full && !p.given && !p.family) c.name = name;
  c.emails = p.emails;
  c.phones = p.phones;
  c.website = p.website || null;
  c.notes = p.notes.map((body) => ({ id: nextId++, body, created_at: t, updated_at: t }));
  contacts.push(c);
  report.imported++;
  return c.id;
}

function importFile(data: string, mapping: CsvMapping | null, event: EventRef | null): ImportReport {
  const { text, encoding } = decodeFile(data);
  const report: ImportReport = {
    imported: 0,
    updated: 0,
    skipped: [],
    warnings: [],
    organizations_created: 0,
    duplicates: [],
    contact_ids: [],
    format: 'csv',
  };
  let people: Person[];
  if (/BEGIN:VCARD/i.test(text)) {
    report.format = 'vcard';
    people = readVcards(text).map(personFromCard);
  } else {
    const { headers, data: rows } = readCsv(text);
    const key = headerKey(headers);
    const chosen = mapping?.columns ?? rememberedMappings.get(key) ?? headers.map(guessField);
    if (mapping) rememberedMappings.set(key, [...mapping.columns]);
    if (encoding !== 'UTF-8') report.warnings.push(`the file is not UTF-8; read as ${encoding}`);
    people = rows.map((r) => personFromRow(r.cells, r.line, chosen, report.warnings));
  }
  for (const p of people) {
    const id = storePerson(p, report);
    if (id !== null && !report.contact_ids.includes(id)) report.contact_ids.push(id);
  }
  if (event) for (const id of report.contact_ids) attendanceOf(event).rows.set(id, 'registered');
  report.duplicates = duplicateGroups().filter((g) => g.some((id) => report.contact_ids.includes(id)));
  return report;
}

function previewFile(data: string): ImportPreview {
  const { text, encoding } = decodeFile(data);
  if (/BEGIN:VCARD/i.test(text)) {
    const people = readVcards(text).map(personFromCard);
    const ok = people.filter((p) => p.full || p.given || p.family || p.emails.length).length;
    return { format: 'vcard', csv: null, remembered: null, cards: [ok, people.length - ok] };
  }
  return csvPreview(text, encoding);
}

// Attendance, keyed by event uid and occurrence ('' for a single event).
interface EventAttendance {
  my: AttendanceStatus | null;
  rows: Map<number, AttendanceStatus>;
}
const attendances = new Map<string, EventAttendance>();
const encounters: Encounter[] = [];
const followUps: FollowUp[] = [];

function eventRef(uidArg: string, occurrence: string | null): EventRef {
  const o = occs.find((x) => x.uid === uidArg && (occurrence === null || x.recurrence_id === occurrence));
  if (!o) throw { kind: 'not_found', message: `event ${uidArg} not found` } satisfies BackendError;
  return { event_id: o.event_id, uid: o.uid, occurrence: occurrence ?? '', title: o.title, start: o.start };
}

function attendanceOf(e: EventRef): EventAttendance {
  const key = `${e.uid}\u001f${e.occurrence}`;
  let a = attendances.get(key);
  if (!a) {
    a = { my: null, rows: new Map() };
    attendances.set(key, a);
  }
  return a;
}

function attendanceView(e: EventRef): AttendanceView {
  const a = attendanceOf(e);
  const rows: AttendanceRow[] = [...a.rows]
    .flatMap(([id, status]) => {
      const c = contacts.find((x) => x.id === id && !x.deleted);
      return c ? [{ contact_id: id, name: c.name, email: c.emails[0] ?? null, organization: c.organization, status }] : [];
    })
    .sort((x, y) => fold(x.name).localeCompare(fold(y.name)));
  return { event: e, my_status: a.my, rows };
}

function checkStatus(s: unknown): AttendanceStatus {
  if (s === 'interested' || s === 'registered' || s === 'attended') return s;
  throw invalid('status_invalid', 'status', `'${String(s)}' is not an attendance status`);
}

function followUpRow(f: FollowUp): FollowUp {
  return { ...f, contact_name: contacts.find((c) => c.id === f.contact_id)?.name ?? f.contact_name };
}

function timeline(id: number): TimelineItem[] {
  const c = get(id);
  const items: TimelineItem[] = [];
  for (const [key, a] of attendances) {
    const status = a.rows.get(id);
    if (!status) continue;
    const [u, occ] = key.split('\u001f');
    const e = eventRef(u, occ === '' ? null : occ);
    items.push({ kind: 'event', at: e.start, event: e, status, my_status: a.my });
  }
  for (const e of encounters) if (e.contact_id === id) items.push({ kind: 'encounter', at: e.met_at, encounter: clone(e) });
  for (const n of c.notes) items.push({ kind: 'note', at: n.created_at, note: clone(n) });
  for (const f of followUps) if (f.contact_id === id) items.push({ kind: 'follow_up', at: f.due_date, follow_up: followUpRow(f) });
  return items.sort((x, y) => y.at.localeCompare(x.at));
}

/** Groups of live contacts with the same e-mail address, folded name or phone number. */
function duplicateGroups(): number[][] {
  const all = contacts.filter((c) => !c.deleted).sort((a, b) => a.id - b.id);
  const parent = all.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const seen = new Map<string, number>();
  all.forEach((c, i) => {
    const keys = [
      ...c.emails.map((e) => `e:${e.toLowerCase()}`),
      ...c.phones.map((p) => `p:${p.replace(/\D/g, '').replace(/^0/, '49')}`),
      `n:${c.given_name && c.family_name ? fold(`${c.given_name} ${c.family_name}`) : fold(c.name)}`,
    ];
    for (const k of keys) {
      const j = seen.get(k);
      if (j === undefined) seen.set(k, i);
      else {
        const [a, b] = [find(i), find(j)];
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  });
  const groups = new Map<number, number[]>();
  all.forEach((c, i) => {
    const r = find(i);
    groups.set(r, [...(groups.get(r) ?? []), c.id]);
  });
  return [...groups.values()].filter((g) => g.length > 1);
}

interface MergeRecord {
  keep: Stored;
  otherId: number;
  attendances: [string, EventAttendance][];
  encounters: Encounter[];
  followUps: FollowUp[];
}
const merges = new Map<number, MergeRecord>();

function snapshotAttendances(): [string, EventAttendance][] {
  return [...attendances].map(([k, a]) => [k, { my: a.my, rows: new Map(a.rows) }]);
}

function mergeContacts(keepId: number, otherId: number): MergeResult {
  if (keepId === otherId) throw invalid('merge_self', 'other', 'a contact cannot be merged with itself');
  const keep = get(keepId);
  const other = get(otherId);
  const mergeId = nextId++;
  merges.set(mergeId, {
    keep: clone(keep),
    otherId,
    attendances: snapshotAttendances(),
    encounters: clone(encounters),
    followUps: clone(followUps),
  });
  const union = <T>(a: T[], b: T[]) => [...a, ...b.filter((x) => !a.includes(x))];
  keep.emails = union(keep.emails, other.emails);
  keep.phones = union(keep.phones, other.phones);
  keep.labels = { ...other.labels, ...keep.labels };
  keep.tags = union(keep.tags, other.tags);
  keep.themenfelder = union(keep.themenfelder, other.themenfelder);
  keep.notes = [...keep.notes, ...other.notes].sort((a, b) => a.created_at.localeCompare(b.created_at));
  for (const k of ['given_name', 'family_name', 'title', 'role', 'street', 'postal_code', 'locality', 'country', 'website'] as const) {
    keep[k] ??= other[k];
  }
  if (keep.organization_id === null) {
    keep.organization_id = other.organization_id;
    keep.organization = other.organization;
  }
  keep.photo ??= other.photo;
  keep.updated_at = now();
  for (const a of attendances.values()) {
    const s = a.rows.get(otherId);
    if (s) {
      a.rows.delete(otherId);
      if (!a.rows.has(keepId)) a.rows.set(keepId, s);
    }
  }
  for (const e of encounters) if (e.contact_id === otherId) e.contact_id = keepId;
  for (const f of followUps) if (f.contact_id === otherId) f.contact_id = keepId;
  other.deleted = true;
  return { merge_id: mergeId, contact: clone(keep) };
}

function undoMerge(mergeId: number): void {
  const m = merges.get(mergeId);
  if (!m) throw { kind: 'not_found', message: `merge ${mergeId} not found (already undone?)` } satisfies BackendError;
  merges.delete(mergeId);
  const keep = contacts.find((c) => c.id === m.keep.id);
  if (keep) Object.assign(keep, m.keep);
  const other = contacts.find((c) => c.id === m.otherId);
  if (other) other.deleted = false;
  attendances.clear();
  for (const [k, a] of m.attendances) attendances.set(k, a);
  encounters.splice(0, encounters.length, ...m.encounters);
  followUps.splice(0, followUps.length, ...m.followUps);
}

function addFollowUp(contactId: number, due: string, text: string): FollowUp {
  const c = get(contactId);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(due)) throw { kind: 'internal', message: `'${due}' is not a date` } satisfies BackendError;
  if (!text.trim()) throw invalid('text_required', 'text', 'a follow-up needs a text');
  const f: FollowUp = { id: nextId++, uid: uid(), contact_id: c.id, contact_name: c.name, due_date: due, text: text.trim(), done_at: null };
  followUps.push(f);
  return clone(f);
}

/** A plain contact for the seeds. */
function seedContact(name: [string, string, string | null], org: string | null, emails: string[], phones: string[]): Stored {
  const [given, family, title] = name;
  const c = apply(
    {
      display_name: null,
      given_name: given,
      family_name: family,
      title,
      role: 'OZG-Koordination',
      organization_id: orgs.find((o) => o.name === org)?.id ?? null,
      emails: emails.map((value) => ({ value, label: null })),
      phones: phones.map((value) => ({ value, label: null })),
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
  );
  contacts.push(c);
  return c;
}

/** Two groups of duplicates, attendees of two events and a contact with a full timeline. */
function seedNetworking(): void {
  const j1 = seedContact(['Jördis', 'Müller', null], 'Stadt Köln', ['joerdis.mueller@stadt-koeln.example'], []);
  j1.notes.push({ id: nextId++, body: 'Zuständig für die EfA-Leistung Wohngeld.', created_at: '2025-03-02T10:00:00.000Z', updated_at: '2025-03-02T10:00:00.000Z' });
  seedContact(['Joerdis', 'Mueller', null], null, ['j.mueller@stadt-koeln.example'], ['0221 221-0']);
  const k1 = seedContact(['Kai', 'Brandt', 'Dr.'], 'Land Hessen', ['kai.brandt@digitales.hessen.example'], ['+49 611 32-0']);
  const k2 = seedContact(['Kai', 'Brand', null], 'Land Hessen', ['Kai.Brandt@Digitales.Hessen.example'], []);
  k2.tags = ['Registermodernisierung'];
  seedContact(['Kai-Uwe', 'Brandt', null], null, [], ['0611 320']);

  // The first generated contact (Anna Müller) gets the full timeline.
  const first = contacts[0];
  const find = (title: string) => occs.find((o) => o.title === title);
  const exchange = find('OZG-Erfahrungsaustausch der Länder');
  const conference = find('OZG-Konferenz 2025: Rückblick');
  const jourFixe = occs.filter((o) => o.uid === 'jour-fixe@ozg-taskforce.example.de').sort((a, b) => span(a)[0] - span(b)[0]);
  if (exchange) {
    const a = attendanceOf(eventRef(exchange.uid, null));
    a.my = 'registered';
    a.rows.set(j1.id, 'registered');
    a.rows.set(k1.id, 'interested');
    a.rows.set(first.id, 'registered');
    const xss = contacts.find((c) => c.name.startsWith('<img'));
    if (xss) a.rows.set(xss.id, 'interested');
  }
  if (conference) {
    const e = eventRef(conference.uid, null);
    const a = attendanceOf(e);
    a.my = 'attended';
    a.rows.set(first.id, 'attended');
    a.rows.set(k1.id, 'attended');
    encounters.push({
      id: nextId++,
      contact_id: first.id,
      event: e,
      session: 'Panel „Registermodernisierung in den Kommunen“',
      note: 'Will Unterlagen zum Wohngeld-Antrag schicken.\nKontakt zur Kämmerei herstellen.',
      met_at: e.start,
    });
  }
  if (jourFixe.length > 0) {
    const o = jourFixe[0];
    const a = attendanceOf(eventRef(o.uid, o.recurrence_id));
    a.my = 'attended';
    a.rows.set(first.id, 'attended');
  }
  encounters.push({ id: nextId++, contact_id: first.id, event: null, session: null, note: 'Zufällig im ICE nach Berlin getroffen.', met_at: at(-5, 16) });
  followUps.push(
    { id: nextId++, uid: uid(), contact_id: first.id, contact_name: first.name, due_date: dateOnly(7), text: 'Unterlagen zum Wohngeld nachfragen', done_at: null },
    { id: nextId++, uid: uid(), contact_id: k1.id, contact_name: k1.name, due_date: dateOnly(-2), text: 'Termin zur Registermodernisierung vereinbaren', done_at: null },
    { id: nextId++, uid: uid(), contact_id: first.id, contact_name: first.name, due_date: dateOnly(-30), text: 'Dank für den Vortrag schicken', done_at: at(-29, 9) },
  );
}

// --- Event series and quick capture ---

let suggestions: SeriesSuggestion[] = [];
const seriesList: Series[] = [];
/** Attendance of the seeded series' events, which are not in the calendar (keeps the timeline simple). */
const seriesAttendance = new Map<string, EventAttendance>();

function attendanceKey(e: EventRef): string {
  return `${e.uid}\u001f${e.occurrence}`;
}

function eventById(id: number): EventRef {
  const o = occs.find((x) => x.event_id === id);
  if (!o) throw { kind: 'not_found', message: `event ${id} not found` } satisfies BackendError;
  return eventRef(o.uid, o.recurrence_id);
}

function confirmSeries(name: string, eventIds: number[]): number {
  if (!name.trim() || eventIds.length === 0) {
    throw invalid('series_invalid', 'series', 'a series needs a name and at least one event');
  }
  const events = eventIds.map(eventById).sort((x, y) => x.start.localeCompare(y.start));
  const id = nextId++;
  seriesList.push({ id, name: name.trim(), events });
  suggestions = suggestions.filter((s) => !s.event_ids.some((e) => eventIds.includes(e)));
  return id;
}

function seriesMatrix(id: number): SeriesMatrix {
  const series = seriesList.find((s) => s.id === id);
  if (!series) throw { kind: 'not_found', message: `series ${id} not found` } satisfies BackendError;
  const n = series.events.length;
  const mine: (AttendanceStatus | null)[] = Array.from({ length: n }, () => null);
  const byContact = new Map<number, (AttendanceStatus | null)[]>();
  series.events.forEach((e, i) => {
    const a = seriesAttendance.get(attendanceKey(e)) ?? attendances.get(attendanceKey(e));
    if (!a) return;
    mine[i] = a.my;
    for (const [cid, status] of a.rows) {
      let row = byContact.get(cid);
      if (!row) byContact.set(cid, (row = Array.from({ length: n }, () => null)));
      row[i] = status;
    }
  });
  const rows = [...byContact]
    .flatMap(([cid, statuses]) => {
      const c = contacts.find((x) => x.id === cid && !x.deleted);
      return c ? [{ contact_id: cid, name: c.name, statuses, sort: sortKey(c) }] : [];
    })
    .sort((x, y) => x.sort.localeCompare(y.sort))
    .map(({ sort: _sort, ...r }) => r);
  return { series: clone(series), mine, rows };
}

function quickCapture(input: QuickCaptureInput, event: EventRef | null): Contact {
  const name = input.name.trim();
  if (!name) throw invalid('name_required', 'display_name', 'a contact needs a name');
  const orgName = input.organization?.trim() || null;
  let org = orgName ? orgs.find((o) => fold(o.name) === fold(orgName) || (o.short_name && fold(o.short_name) === fold(orgName))) : undefined;
  if (orgName && !org) org = addOrg(orgName, 'other', null);
  const parts = name.split(/\s+/);
  const c = apply(
    {
      display_name: name,
      given_name: parts.length > 1 ? parts.slice(0, -1).join(' ') : null,
      family_name: parts.length > 1 ? parts[parts.length - 1] : null,
      title: null,
      role: null,
      organization_id: org?.id ?? null,
      emails: input.email?.trim() ? [{ value: input.email.trim(), label: null }] : [],
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
  );
  contacts.push(c);
  const note = input.note?.trim() || null;
  if (event) {
    attendanceOf(event).rows.set(c.id, 'attended');
    encounters.push({ id: nextId++, contact_id: c.id, event, session: null, note, met_at: event.start });
  } else if (note) {
    c.notes.push({ id: nextId++, body: note, created_at: c.created_at, updated_at: c.created_at });
  }
  return c;
}

/** Two suggestions from the calendar and one series (three past meetings, three contacts). */
function seedSeries(): void {
  const ids = (...titles: string[]) =>
    titles.flatMap((title) => occs.filter((o) => o.title === title && o.recurrence_id === null).map((o) => o.event_id));
  suggestions = [
    { name: 'OZG-Konferenz', event_ids: ids('OZG-Konferenz 2025: Rückblick', 'OZG-Erfahrungsaustausch der Länder') },
    { name: 'Schulungen für Kommunen', event_ids: ids('FIM-Schulung: Leistungsbeschreibungen', 'Workshop Registermodernisierung') },
  ].filter((s) => s.event_ids.length > 0);
  const events: EventRef[] = [-120, -90, -60].map((days, i) => ({
    event_id: nextId++,
    uid: `netzwerktreffen-${i + 1}@ozg-koordination.example.de`,
    occurrence: '',
    title: `Netzwerktreffen OZG-Koordination, Treffen ${i + 1}`,
    start: at(days, 14),
  }));
  seriesList.push({ id: nextId++, name: 'Netzwerktreffen OZG-Koordination', events });
  const people = [
    contacts.find((c) => c.name === 'Jördis Müller'),
    contacts.find((c) => c.name === 'Dr. Kai Brandt'),
    contacts[0],
  ].filter((c): c is Stored => !!c);
  const grid: (AttendanceStatus | null)[][] = [
    ['attended', 'registered', null],
    ['interested', 'attended', 'attended'],
    [null, 'attended', 'registered'],
  ];
  const mine: (AttendanceStatus | null)[] = ['attended', null, 'registered'];
  events.forEach((e, i) => {
    const a: EventAttendance = { my: mine[i], rows: new Map() };
    people.forEach((p, j) => {
      const s = grid[j][i];
      if (s) a.rows.set(p.id, s);
    });
    seriesAttendance.set(attendanceKey(e), a);
  });
}

// --- Own events and invitations (organiser side) ---

interface MockInvitee extends Invitee {
  /** SEQUENCE of the last message "sent" to them, -1 for none. */
  sentSequence: number;
  /** The last message was a cancellation. */
  sentCancel: boolean;
}

interface OwnStored {
  input: OwnEventInput;
  sequence: number;
  cancelled: boolean;
  invitees: MockInvitee[];
}
const ownEvents = new Map<string, OwnStored>();

/** A local `YYYY-MM-DDTHH:MM` in `zone` as RFC 3339 UTC. */
function localToUtc(local: string, zone: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(local);
  if (!m) return local;
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  const offset = zoneOffset(new Date(guess), zone);
  return new Date(guess - offset * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function checkOwnInput(input: OwnEventInput): { start: string; end: string; allDay: boolean; tz: string } {
  if (!input.title.trim() || input.title.length > 500) {
    throw invalid('title_required', 'title', 'an event needs a title of at most 500 characters');
  }
  const tz = input.tz?.trim() || 'Europe/Berlin';
  if (!isTimeZone(tz)) throw invalid('tz_unknown', 'tz', `'${tz}' is not an IANA time zone`);
  const kind = (field: string, v: string): 'date' | 'time' => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(v.trim())) return 'date';
    if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$/.test(v.trim())) return 'time';
    throw invalid('time_invalid', field, `'${v}' is neither YYYY-MM-DD nor YYYY-MM-DDTHH:MM`);
  };
  const ks = kind('start', input.start);
  const ke = kind('end', input.end);
  if (ks !== ke) throw invalid('time_mixed', 'end', 'start and end must both be dates or both be times');
  const allDay = ks === 'date';
  const start = allDay ? input.start.trim() : localToUtc(input.start, tz);
  const end = allDay ? input.end.trim() : localToUtc(input.end, tz);
  if (end <= start) throw invalid('end_before_start', 'end', 'the end must lie after the start');
  return { start, end, allDay, tz };
}

function ownOcc(uidArg: string): StoredOcc {
  const o = occs.find((x) => x.uid === uidArg && x.feed === null);
  if (!o) throw { kind: 'not_found', message: `own event ${uidArg} not found` } satisfies BackendError;
  return o;
}

function own(uidArg: string): OwnStored {
  const e = ownEvents.get(uidArg);
  if (!e) throw { kind: 'not_found', message: `own event ${uidArg} not found` } satisfies BackendError;
  return e;
}

function createOwnEvent(input: OwnEventInput): EventRef {
  const c = checkOwnInput(input);
  const u = `${uid()}@vernetzt`;
  const o: StoredOcc = {
    uid: u,
    recurrence_id: null,
    title: input.title.trim(),
    start: c.start,
    end: c.end,
    all_day: c.allDay,
    status: 'confirmed',
    location: input.location?.trim() || null,
    description: input.description?.trim() || null,
    url: input.url?.trim() || null,
    organizer: organizer()?.email ?? null,
    tzid: c.allDay ? null : c.tz,
    feed: null,
    event_id: nextId++,
    feed_id: 0,
  };
  occs.push(o);
  ownEvents.set(u, { input: { ...input, tz: c.allDay ? null : c.tz }, sequence: 0, cancelled: false, invitees: [] });
  return { event_id: o.event_id, uid: u, occurrence: '', title: o.title, start: o.start };
}

function updateOwnEvent(uidArg: string, input: OwnEventInput): number {
  const e = own(uidArg);
  const o = ownOcc(uidArg);
  const c = checkOwnInput(input);
  const location = input.location?.trim() || null;
  if (o.start !== c.start || o.end !== c.end || o.location !== location) e.sequence += 1;
  Object.assign(o, {
    title: input.title.trim(),
    start: c.start,
    end: c.end,
    all_day: c.allDay,
    location,
    description: input.description?.trim() || null,
    url: input.url?.trim() || null,
    tzid: c.allDay ? null : c.tz,
  });
  e.input = { ...input, tz: c.allDay ? null : c.tz };
  for (const i of e.invitees) if (i.delivery === 'sent' && i.sentSequence < e.sequence) i.delivery = 'pending';
  return e.sequence;
}

function copyEvent(eventId: number, occurrence: string | null): OwnEventInput {
  const o = occs.find((x) => x.event_id === eventId && (occurrence === null || x.start === occurrence)) ?? occs.find((x) => x.event_id === eventId);
  if (!o) throw { kind: 'not_found', message: `event ${eventId} not found` } satisfies BackendError;
  const tz = o.tzid && isTimeZone(o.tzid) ? o.tzid : 'Europe/Berlin';
  const local = (iso: string) => {
    const d = new Date(iso);
    const parts = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    }).formatToParts(d);
    const g = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
    return `${g('year')}-${g('month')}-${g('day')}T${g('hour')}:${g('minute')}`;
  };
  return {
    title: o.title,
    start: o.all_day ? o.start : local(o.start),
    end: o.all_day ? o.end : local(o.end),
    tz: o.all_day ? null : tz,
    location: o.location,
    description: o.description,
    url: o.url,
  };
}

function organizer(): { name: string; email: string } | null {
  const me = meId === null ? null : (contacts.find((c) => c.id === meId) ?? null);
  const email = settings.organizer_email?.trim() || me?.emails[0] || '';
  if (!email) return null;
  return { name: settings.organizer_name?.trim() || me?.name || '', email };
}

function needOrganizer(): { name: string; email: string } {
  const o = organizer();
  if (!o) throw invalid('organizer_missing', 'organizer_email', "set the organiser's e-mail address in the settings first");
  return o;
}

function candidates(ids: readonly number[], filter: InviteeFilter): Candidate[] {
  const empty = Object.values(filter).every((v) => v === undefined || v === null || v === '');
  let landKey: string | null = null;
  if (filter.land) {
    const l = LANDS.find((x) => x.key === filter.land || x.short_code.toLowerCase() === filter.land?.toLowerCase() || fold(x.name) === fold(filter.land ?? ''));
    if (!l) throw invalid('land_unknown', 'land', `'${filter.land}' is not a Land`);
    landKey = l.key;
  }
  const attendedBy = (id: number) =>
    [...attendances].some(([k, a]) => k.startsWith(`${filter.attended}\u001f`) && a.rows.get(id) === 'attended');
  return live()
    .filter((c) => {
      if (ids.includes(c.id)) return true;
      if (empty) return false;
      const org = c.organization_id === null ? null : (orgs.find((o) => o.id === c.organization_id) ?? null);
      if (filter.level && org?.level !== filter.level) return false;
      if (landKey && org?.land_key !== landKey) return false;
      if (filter.org && c.organization_id !== filter.org) return false;
      if (filter.tag && !c.tags.some((t) => t.toLowerCase() === filter.tag?.toLowerCase())) return false;
      if (filter.themenfeld && !c.themenfelder.includes(filter.themenfeld)) return false;
      if (filter.attended && !attendedBy(c.id)) return false;
      return true;
    })
    .map((c) => ({ contact_id: c.id, name: c.name, email: c.emails[0]?.toLowerCase() ?? null, organization: c.organization }));
}

function invitePreview(uidArg: string, ids: readonly number[], filter: InviteeFilter): InvitePreview {
  const e = own(uidArg);
  const invited = new Set(e.invitees.filter((i) => !i.removed).map((i) => i.email));
  const seen = new Set<string>();
  const p: InvitePreview = { ready: [], without_email: [], already_invited: [] };
  for (const c of candidates(ids, filter)) {
    if (!c.email) p.without_email.push(c);
    else if (invited.has(c.email) || seen.has(c.email)) p.already_invited.push(c);
    else {
      seen.add(c.email);
      p.ready.push(c);
    }
  }
  return p;
}

function inviteAdd(uidArg: string, ids: readonly number[], filter: InviteeFilter): InvitePreview {
  const p = invitePreview(uidArg, ids, filter);
  const e = own(uidArg);
  if (e.cancelled) throw invalid('event_cancelled', 'event', 'the event is cancelled; nobody can be invited to it');
  for (const c of p.ready) {
    const email = c.email ?? '';
    const old = e.invitees.find((i) => i.email === email);
    if (old) {
      old.removed = false;
      old.name = c.name;
      old.contact_id = c.contact_id;
      old.delivery = old.sentSequence === e.sequence && !old.sentCancel ? 'sent' : 'pending';
    } else {
      e.invitees.push({
        id: nextId++,
        contact_id: c.contact_id,
        name: c.name,
        email,
        partstat: 'needs-action',
        answered_at: null,
        answered_earlier_version: false,
        removed: false,
        delivery: 'not_sent',
        error: null,
        sentSequence: -1,
        sentCancel: false,
      });
    }
  }
  return p;
}

function rsvpOf(uidArg: string): Rsvp {
  const e = own(uidArg);
  const o = ownOcc(uidArg);
  const list = [...e.invitees].sort((a, b) => Number(a.removed) - Number(b.removed) || a.name.localeCompare(b.name, 'de'));
  const counts: RsvpCounts = { invited: 0, accepted: 0, declined: 0, tentative: 0, delegated: 0, needs_action: 0 };
  for (const i of list.filter((x) => !x.removed)) {
    counts.invited += 1;
    if (i.partstat === 'needs-action') counts.needs_action += 1;
    else counts[i.partstat] += 1;
  }
  return {
    uid: uidArg,
    title: o.title,
    sequence: e.sequence,
    cancelled: e.cancelled,
    invitees: list.map(({ sentSequence: _s, sentCancel: _c, ...i }) => i),
    counts,
  };
}

function written(dir: string | null, names: string[]): Written {
  const d = dir?.trim() || '/home/nutzer/Downloads';
  return { dir: d, files: names.map((n) => `${d}/${n}`) };
}

function exportInvitations(uidArg: string, dir: string | null): Written {
  needOrganizer();
  const e = own(uidArg);
  const stem = e.cancelled ? 'absage' : 'einladung';
  const active = e.invitees.filter((i) => !i.removed);
  return written(dir, [`${stem}.ics`, ...active.map((i, n) => `${stem}-${String(n + 1).padStart(4, '0')}-${i.email.replace(/[^a-z0-9.@-]/gi, '_')}.eml`)]);
}

function decodeText(data: string): string {
  const bin = atob(data);
  const bytes = Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** A crude reader of METHOD:REPLY files: UID, SEQUENCE and each ATTENDEE's PARTSTAT. */
function importReply(data: string): ReplyImport {
  const text = decodeText(data).replace(/\r?\n[ \t]/g, '');
  const out: ReplyImport = { report: { applied: 0, stale: 0, unknown_event: 0, unknown_attendee: [], events: [] }, found: 0, warnings: [] };
  if (!/METHOD:REPLY/i.test(text)) {
    out.warnings.push('line 1: not a reply (no METHOD:REPLY)');
    return out;
  }
  for (const block of text.split(/BEGIN:VEVENT/i).slice(1)) {
    const u = /^UID:(.+)$/im.exec(block)?.[1]?.trim() ?? '';
    const seq = Number(/^SEQUENCE:(\d+)$/im.exec(block)?.[1] ?? 0);
    for (const m of block.matchAll(/^ATTENDEE([^:\n]*):mailto:([^\s]+)$/gim)) {
      out.found += 1;
      const ps = (/PARTSTAT=([A-Z-]+)/i.exec(m[1])?.[1] ?? 'NEEDS-ACTION').toLowerCase() as Partstat;
      const e = ownEvents.get(u);
      if (!e) {
        out.report.unknown_event += 1;
        continue;
      }
      const email = m[2].toLowerCase();
      const i = e.invitees.find((x) => x.email === email);
      if (!i) {
        out.report.unknown_attendee.push(email);
        continue;
      }
      i.partstat = ps;
      i.answered_at = now();
      i.answered_earlier_version = seq < e.sequence;
      out.report.applied += 1;
      if (!out.report.events.includes(u)) out.report.events.push(u);
    }
  }
  return out;
}

function sendInvitations(uidArg: string): SendReport {
  const url = settings.smtp_url?.trim() ?? '';
  if (!/^smtps?:\/\/[^\s/]+/.test(url)) {
    throw invalid('smtp_url_invalid', 'smtp_url', `'${url}' is not an SMTP address like smtp://mail.example.org:587`);
  }
  if (url.includes('.invalid')) {
    throw { kind: 'network', code: 'smtp_unreachable', field: 'smtp_url', message: `${url}: host not found` } satisfies BackendError;
  }
  needOrganizer();
  const e = own(uidArg);
  const r: SendReport = { sent: 0, requests: 0, cancels: 0, failed: [], uncertain: [], remaining: 0, stopped: null };
  for (const i of e.invitees) {
    const cancel = e.cancelled || i.removed;
    if (cancel && (i.sentSequence < 0 || i.sentCancel)) continue;
    if (!cancel && i.sentSequence === e.sequence && !i.sentCancel) continue;
    if (i.email.includes('fail')) {
      i.delivery = 'failed';
      i.error = '550 5.1.1 mailbox unavailable';
      r.failed.push({ email: i.email, error: i.error });
      continue;
    }
    i.delivery = 'sent';
    i.error = null;
    i.sentSequence = e.sequence;
    i.sentCancel = cancel;
    r.sent += 1;
    if (cancel) r.cancels += 1;
    else r.requests += 1;
  }
  return r;
}

/** An own event with invitees in every state, so the overview shows something in dev. */
function seedOwnEvents(): void {
  const ref = createOwnEvent({
    title: 'Netzwerktreffen OZG-Koordination',
    start: `${dateOnly(20)}T10:00`,
    end: `${dateOnly(20)}T15:30`,
    tz: 'Europe/Berlin',
    location: 'Berlin, Alt-Moabit 140',
    description: 'Austausch der OZG-Koordinierenden aus Bund, Ländern und Kommunen.',
    url: null,
  });
  const e = own(ref.uid);
  const people = live().filter((c) => c.emails.length > 0).slice(0, 5);
  const states: Partstat[] = ['accepted', 'declined', 'tentative', 'needs-action', 'accepted'];
  people.forEach((c, n) => {
    e.invitees.push({
      id: nextId++,
      contact_id: c.id,
      name: c.name,
      email: c.emails[0].toLowerCase(),
      partstat: states[n],
      answered_at: states[n] === 'needs-action' ? null : at(-n - 1, 9),
      answered_earlier_version: false,
      removed: false,
      delivery: n === 3 ? 'failed' : 'sent',
      error: n === 3 ? '550 5.1.1 mailbox unavailable' : null,
      sentSequence: n === 3 ? -1 : 0,
      sentCancel: false,
    });
  });
}

// --- Sync with the user's CardDAV/CalDAV server ---

let syncAccount: SyncAccount | null = null;
const syncInfo = {
  pending: 0,
  last_sync: null as string | null,
  last_error: null as string | null,
  retry_at: null as string | null,
  failures: 0,
};
let syncProgress: [string, number, number] | null = null;
let syncConflicts: (SyncConflict & { uid: number })[] = [];

function syncError(code: string, message: string): BackendError {
  return { kind: 'sync', code, message };
}

/** Every local change counts as pending once an account is set up. */
function touched(): void {
  if (syncAccount) syncInfo.pending += 1;
}

function syncStatus(): SyncState {
  return {
    configured: syncAccount !== null,
    ...syncInfo,
    conflicts: syncConflicts.length,
    progress: syncProgress ? [...syncProgress] : null,
  };
}

function addConflict(c: Stored, field: 'role' | 'locality', remote: string): void {
  syncConflicts.push({
    id: nextId++,
    uid: c.id,
    contact_id: c.id,
    name: c.name,
    field,
    local: c[field],
    remote,
    created_at: now(),
  });
}

function seedSync(mode: string | null): void {
  if (mode !== '1' && mode !== 'error') return;
  syncAccount = {
    url: 'https://cloud.example.de/',
    user: 'anna.schmidt',
    addressbook: '/remote.php/dav/addressbooks/users/anna.schmidt/contacts/',
    calendar: '/remote.php/dav/calendars/anna.schmidt/personal/',
  };
  syncInfo.last_sync = new Date(Date.now() - 25 * 60_000).toISOString();
  syncInfo.pending = 2;
  if (mode === 'error') {
    syncInfo.last_error = 'the server refused the login: check user name and password (or app token)';
    syncInfo.failures = 2;
    syncInfo.retry_at = new Date(Date.now() + 4 * 60_000).toISOString();
    return;
  }
  const [a, b] = live();
  if (a) addConflict(a, 'role', 'Referatsleiterin Digitalisierung');
  if (b) addConflict(b, 'locality', 'Frankfurt (Oder)');
}

async function setSyncAccount(url: string, user: string, password: string, calendar: boolean): Promise<SyncAccount> {
  await sleep(600);
  if (!password) throw syncError('auth', 'the password or app token is missing');
  let host: string;
  try {
    const u = new URL(url.trim());
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(u.hostname))) {
      throw syncError('url', 'the server address must start with https:// (plain http only to this machine)');
    }
    host = u.hostname;
  } catch (e) {
    if ((e as BackendError).kind) throw e;
    throw syncError('url', `'${url}' is not a server address (relative URL without a base)`);
  }
  if (host.includes('offline')) {
    throw syncError('network', `the server could not be reached or dropped the connection (finding your account): dns error`);
  }
  if (password === 'falsch') {
    throw syncError('auth', 'the server refused the login: check user name and password (or app token)');
  }
  syncAccount = {
    url: url.trim(),
    user,
    addressbook: `/${user}/kontakte/`,
    calendar: !calendar || host.includes('nocal') ? null : `/${user}/kalender/`,
  };
  syncInfo.last_error = null;
  syncInfo.failures = 0;
  syncInfo.retry_at = null;
  syncInfo.pending = live().length;
  return clone(syncAccount);
}

async function runSync(): Promise<DavSyncReport | null> {
  if (!syncAccount) return null;
  if (syncProgress) throw { kind: 'busy', message: 'a sync is already running' } satisfies BackendError;
  if (syncAccount.url.includes('broken')) {
    syncInfo.last_error = 'the server could not be reached or dropped the connection (finding changes): connection refused';
    syncInfo.failures += 1;
    syncInfo.retry_at = new Date(Date.now() + 60_000 * 2 ** syncInfo.failures).toISOString();
    throw syncError('network', syncInfo.last_error);
  }
  const pushed = syncInfo.pending;
  const total = Math.max(pushed, 40);
  for (let done = 0; done < total; done += Math.ceil(total / 8)) {
    syncProgress = ['push', done, total];
    await sleep(350);
  }
  syncProgress = null;
  syncInfo.pending = 0;
  syncInfo.last_sync = now();
  syncInfo.last_error = null;
  syncInfo.failures = 0;
  syncInfo.retry_at = null;
  return { pushed, deleted: 0, pulled: 0, removed_here: 0, conflicts: 0, requests: 3, pull_method: 'sync-collection', unreadable: [] };
}

function resolveConflict(id: number, keep: ConflictKeep): void {
  const c = syncConflicts.find((x) => x.id === id);
  if (!c) throw { kind: 'not_found', message: `conflict ${id} not found` } satisfies BackendError;
  if (!['local', 'remote', 'both'].includes(keep)) throw invalid('keep_invalid', 'keep', `'${keep}' is not local, remote or both`);
  const contact = contacts.find((x) => x.id === c.uid && !x.deleted);
  if (contact) {
    if (keep === 'remote') (contact as unknown as Record<string, string | null>)[c.field] = c.remote;
    if (keep === 'both' && c.remote) {
      const t = now();
      contact.notes.push({ id: nextId++, body: `Beim Abgleich auch gefunden (${c.field}): ${c.remote}`, created_at: t, updated_at: t });
    }
  }
  syncConflicts = syncConflicts.filter((x) => x !== c);
  touched();
}

export function installMockBackend(): void {
  const params = new URLSearchParams(location.search);
  const fatal = params.get('fatal');
  generate(Number(params.get('n') ?? 1200));
  if (params.get('feeds') !== '0') seedFeeds();
  refreshCounts();
  seedNetworking();
  seedSeries();
  seedOwnEvents();
  seedSync(params.get('sync'));

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
        touched();
        return clone(c);
      }
      case 'contact_update': {
        const old = get(a.id as number);
        const c = apply(a.input as ContactInput, old);
        Object.assign(old, c);
        touched();
        return clone(old);
      }
      case 'contact_delete':
        get(a.id as number).deleted = true;
        touched();
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
      case 'contacts_import_preview':
        await sleep(150);
        return previewFile(a.data as string);
      case 'contacts_import': {
        await sleep(300);
        const uidArg = a.eventUid as string | null;
        const event = uidArg ? eventRef(uidArg, (a.occurrence as string | null) ?? null) : null;
        return clone(importFile(a.data as string, (a.mapping as CsvMapping | null) ?? null, event));
      }
      case 'duplicates_list':
        return clone(duplicateGroups().map((g) => g.map((id) => get(id))));
      case 'contacts_merge':
        return mergeContacts(a.keep as number, a.other as number);
      case 'merge_undo':
        undoMerge(a.mergeId as number);
        return null;
      case 'contact_timeline':
        return clone(timeline(a.id as number));
      case 'attendance_list':
        return clone(attendanceView(eventRef(a.uid as string, (a.occurrence as string | null) ?? null)));
      case 'attendance_mark': {
        const e = eventRef(a.uid as string, (a.occurrence as string | null) ?? null);
        const status = checkStatus(a.status);
        const contactId = a.contactId as number | null;
        if (contactId === null) attendanceOf(e).my = status;
        else attendanceOf(e).rows.set(get(contactId).id, status);
        return null;
      }
      case 'encounter_add': {
        const c = get(a.contactId as number);
        const uidArg = a.uid as string | null;
        const e = uidArg ? eventRef(uidArg, (a.occurrence as string | null) ?? null) : null;
        const enc: Encounter = {
          id: nextId++,
          contact_id: c.id,
          event: e,
          session: (a.session as string | null)?.trim() || null,
          note: (a.note as string | null)?.trim() || null,
          met_at: e?.start ?? now(),
        };
        encounters.push(enc);
        return clone(enc);
      }
      case 'follow_ups_list':
        return clone(
          followUps
            .filter((f) => (a.includeDone as boolean) || f.done_at === null)
            .filter((f) => contacts.some((c) => c.id === f.contact_id && !c.deleted))
            .map(followUpRow)
            .sort((x, y) => x.due_date.localeCompare(y.due_date) || x.id - y.id),
        );
      case 'follow_up_add':
        return addFollowUp(a.contactId as number, a.due as string, a.text as string);
      case 'follow_up_done': {
        const f = followUps.find((x) => x.id === a.id);
        if (!f) throw { kind: 'not_found', message: `follow-up ${String(a.id)} not found` };
        f.done_at ??= now();
        return null;
      }
      case 'series_suggestions':
        return clone(suggestions);
      case 'series_confirm':
        return confirmSeries(a.name as string, a.eventIds as number[]);
      case 'series_list':
        return clone(seriesList);
      case 'series_matrix':
        return seriesMatrix(a.id as number);
      case 'me_set':
        meId = (a.id as number | null) ?? null;
        return null;
      case 'me_get':
        return meId === null ? null : clone(get(meId));
      case 'own_card': {
        if (meId === null) throw { kind: 'validation', code: 'me_unset', field: 'me', message: 'choose your own contact first' };
        const me = get(meId);
        const vcard = `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:${me.name}\r\nEND:VCARD\r\n`;
        const svg = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="240" height="240"><rect width="240" height="240" fill="#fff"/><rect x="20" y="20" width="60" height="60"/></svg>';
        return { vcard, svg };
      }
      case 'quick_capture': {
        const uidArg = a.uid as string | null;
        const event = uidArg ? eventRef(uidArg, (a.occurrence as string | null) ?? null) : null;
        return clone(quickCapture(a.input as QuickCaptureInput, event));
      }
      case 'own_event_create':
        return createOwnEvent(a.input as OwnEventInput);
      case 'own_event_get': {
        const u = a.uid as string;
        const e = own(u);
        return clone({ event_id: ownOcc(u).event_id, uid: u, input: e.input, sequence: e.sequence, cancelled: e.cancelled });
      }
      case 'own_event_update':
        return updateOwnEvent(a.uid as string, a.input as OwnEventInput);
      case 'own_event_cancel': {
        const u = a.uid as string;
        const e = own(u);
        if (!e.cancelled) {
          e.cancelled = true;
          e.sequence += 1;
          ownOcc(u).status = 'cancelled';
        }
        return e.sequence;
      }
      case 'event_copy':
        return copyEvent(a.eventId as number, (a.occurrence as string | null) ?? null);
      case 'invite_preview':
        return clone(invitePreview(a.uid as string, a.contacts as number[], a.filter as InviteeFilter));
      case 'invite_add':
        return clone(inviteAdd(a.uid as string, a.contacts as number[], a.filter as InviteeFilter));
      case 'invite_remove': {
        const e = own(a.uid as string);
        const ids = a.contacts as number[];
        const emails = (a.emails as string[]).map((x) => x.toLowerCase());
        let n = 0;
        for (const i of e.invitees) {
          if (!i.removed && ((i.contact_id !== null && ids.includes(i.contact_id)) || emails.includes(i.email))) {
            i.removed = true;
            if (i.sentSequence >= 0) i.delivery = 'pending';
            n += 1;
          }
        }
        if (n === 0) throw { kind: 'not_found', message: 'invitee not found' };
        return n;
      }
      case 'rsvp_get':
        return clone(rsvpOf(a.uid as string));
      case 'invite_export':
        await sleep(200);
        return exportInvitations(a.uid as string, (a.dir as string | null) ?? null);
      case 'rsvp_export_csv':
        own(a.uid as string);
        return written((a.dir as string | null) ?? null, ['rueckmeldungen.csv']);
      case 'reply_import':
        return clone(importReply(a.data as string));
      case 'export_dir_default':
        return '/home/nutzer/Downloads';
      case 'smtp_password_set': {
        const url = String(a.url);
        if (!/^smtps?:\/\/[^\s/]+/.test(url)) throw invalid('smtp_url_invalid', 'smtp_url', `'${url}' is not an SMTP address`);
        return null;
      }
      case 'invite_send':
        await sleep(1200);
        return clone(sendInvitations(a.uid as string));
      case 'sync_account_get':
        return clone(syncAccount);
      case 'sync_account_set':
        return setSyncAccount(String(a.url), String(a.user), String(a.password ?? ''), a.calendar !== false);
      case 'sync_now':
        return runSync();
      case 'sync_status':
        return syncStatus();
      case 'conflicts_list':
        return clone(syncConflicts.map(({ uid: _uid, ...c }) => c));
      case 'conflict_resolve':
        resolveConflict(a.id as number, a.keep as ConflictKeep);
        return null;
      case 'privacy_export':
        get(a.id as number);
        return written((a.dir as string | null) ?? null, [`auskunft-${a.id}.json`, `auskunft-${a.id}.vcf`]);
      case 'privacy_erase': {
        const ids = a.ids as number[];
        for (let i = contacts.length - 1; i >= 0; i--) if (ids.includes(contacts[i].id)) contacts.splice(i, 1);
        touched();
        return null;
      }
      case 'privacy_stale':
        // The fake records no encounters: everyone created before the cut-off is listed.
        return contacts
          .filter((c) => !c.deleted && Date.parse(c.created_at) < Date.now() - (a.months as number) * 30.4 * 86_400_000 + 1)
          .map((c) => ({ id: c.id, name: c.name, organization: c.organization, last_met: null, created_at: c.created_at }));
      case 'open_external':
        if (!/^(https?:\/\/|mailto:)\S+$/i.test(String(a.url))) {
          throw invalid('link_refused', 'url', 'only https, http and mailto links are opened');
        }
        console.warn('[mock] open_external', a.url);
        return null;
      case 'app_ready':
        console.warn('[mock] app_ready');
        return null;
      default:
        throw { kind: 'internal', message: `mock: unknown command ${cmd}` };
    }
  });
}
