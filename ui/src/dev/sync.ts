// Mock domain: the CardDAV/CalDAV account, running a sync (with progress) and its conflicts.
// `?sync=1` starts with an account and two conflicts, `?sync=error` with a failed last sync; a
// server address containing "broken" fails every sync, "offline" fails discovery, "nocal" has no
// calendar, and the password "falsch" is refused.
import type { BackendError, DavSyncReport, SyncAccount, SyncConflict, SyncState } from '../backend';
import { contacts, live, newNote, type Stored } from './contacts';
import { clone, delay, invalid, nextId, notFound, now, pending, touched } from './state';
import type { MockHandlers } from './types';

type ConflictField = 'role' | 'locality';

let account: SyncAccount | null = null;
const info: Pick<SyncState, 'last_sync' | 'last_error' | 'retry_at' | 'failures'> = {
  last_sync: null,
  last_error: null,
  retry_at: null,
  failures: 0,
};
let progress: [string, number, number] | null = null;
let conflicts: (SyncConflict & { key: ConflictField })[] = [];

function syncError(code: string, message: string): BackendError {
  return { kind: 'sync', code, message };
}

function status(): SyncState {
  return {
    configured: account !== null,
    pending: pending.count,
    ...info,
    conflicts: conflicts.length,
    progress: progress ? [...progress] : null,
  };
}

function addConflict(c: Stored, key: ConflictField, remote: string): void {
  conflicts.push({ id: nextId(), key, contact_id: c.id, name: c.name, field: key, local: c[key], remote, created_at: now() });
}

function setAccount(a: SyncAccount | null): void {
  account = a;
  pending.configured = a !== null;
}

export function seedSync(mode: string | null): void {
  if (mode !== '1' && mode !== 'error') return;
  setAccount({
    url: 'https://cloud.example.de/',
    user: 'anna.schmidt',
    addressbook: '/remote.php/dav/addressbooks/users/anna.schmidt/contacts/',
    calendar: '/remote.php/dav/calendars/anna.schmidt/personal/',
  });
  info.last_sync = new Date(Date.now() - 25 * 60_000).toISOString();
  pending.count = 2;
  if (mode === 'error') {
    info.last_error = 'the server refused the login: check user name and password (or app token)';
    info.failures = 2;
    info.retry_at = new Date(Date.now() + 4 * 60_000).toISOString();
    return;
  }
  const [a, b] = live();
  if (a) addConflict(a, 'role', 'Referatsleiterin Digitalisierung');
  if (b) addConflict(b, 'locality', 'Frankfurt (Oder)');
}

/** The host of a server address, or the error the real discovery gives for it. */
function serverHost(url: string): string {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw syncError('url', `'${url}' is not a server address (relative URL without a base)`);
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(u.hostname))) {
    throw syncError('url', 'the server address must start with https:// (plain http only to this machine)');
  }
  return u.hostname;
}

async function setSyncAccount(url: string, user: string, password: string, calendar: boolean): Promise<SyncAccount> {
  await delay(600);
  if (!password) throw syncError('auth', 'the password or app token is missing');
  const host = serverHost(url);
  if (host.includes('offline')) {
    throw syncError('network', `the server could not be reached or dropped the connection (finding your account): dns error`);
  }
  if (password === 'falsch') {
    throw syncError('auth', 'the server refused the login: check user name and password (or app token)');
  }
  const a: SyncAccount = {
    url: url.trim(),
    user,
    addressbook: `/${user}/kontakte/`,
    calendar: !calendar || host.includes('nocal') ? null : `/${user}/kalender/`,
  };
  setAccount(a);
  info.last_error = null;
  info.failures = 0;
  info.retry_at = null;
  pending.count = live().length;
  return clone(a);
}

async function runSync(): Promise<DavSyncReport | null> {
  if (!account) return null;
  if (progress) throw { kind: 'busy', message: 'a sync is already running' } satisfies BackendError;
  if (account.url.includes('broken')) {
    info.last_error = 'the server could not be reached or dropped the connection (finding changes): connection refused';
    info.failures += 1;
    info.retry_at = new Date(Date.now() + 60_000 * 2 ** info.failures).toISOString();
    throw syncError('network', info.last_error);
  }
  const pushed = pending.count;
  const total = Math.max(pushed, 40);
  for (let done = 0; done < total; done += Math.ceil(total / 8)) {
    progress = ['push', done, total];
    await delay(350);
  }
  progress = null;
  pending.count = 0;
  info.last_sync = now();
  info.last_error = null;
  info.failures = 0;
  info.retry_at = null;
  return { pushed, deleted: 0, pulled: 0, removed_here: 0, conflicts: 0, requests: 3, pull_method: 'sync-collection', unreadable: [] };
}

function resolveConflict(id: number, keep: string): void {
  const c = conflicts.find((x) => x.id === id);
  if (!c) throw notFound(`conflict ${id} not found`);
  if (!['local', 'remote', 'both'].includes(keep)) throw invalid('keep_invalid', 'keep', `'${keep}' is not local, remote or both`);
  const contact = contacts.find((x) => x.id === c.contact_id && !x.deleted);
  if (contact) {
    if (keep === 'remote') contact[c.key] = c.remote;
    if (keep === 'both' && c.remote) contact.notes.push(newNote(`Beim Abgleich auch gefunden (${c.field}): ${c.remote}`));
  }
  conflicts = conflicts.filter((x) => x !== c);
  touched();
}

export const syncHandlers = {
  sync_account_get: () => clone(account),
  sync_account_set: ({ url, user, password, calendar }) => setSyncAccount(url, user, password, calendar),
  sync_now: () => runSync(),
  sync_status: () => status(),
  conflicts_list: () => clone(conflicts.map(({ key: _key, ...c }) => c)),
  conflict_resolve: ({ id, keep }) => resolveConflict(id, keep),
} satisfies Partial<MockHandlers>;
