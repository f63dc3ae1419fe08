import { describe, expect, it } from 'vitest';
import type { DavSyncReport, SyncState } from '../backend';
import { catalogs } from './i18n';
import {
  SYNC_ERROR_KINDS,
  accountErrorField,
  accountFormProblems,
  accountRows,
  conflictName,
  conflictValue,
  fieldLabel,
  focusAfterResolve,
  formatSyncTime,
  isRunning,
  liveText,
  normalizeServerUrl,
  pollDelay,
  progressText,
  reportText,
  statusParts,
  syncErrorKind,
  syncErrorKindOf,
  syncErrorMessage,
} from './sync';

const base: SyncState = {
  configured: true,
  pending: 0,
  last_sync: null,
  last_error: null,
  conflicts: 0,
  retry_at: null,
  failures: 0,
  progress: null,
};
const state = (s: Partial<SyncState>): SyncState => ({ ...base, ...s });
// 14:05 in Berlin (CEST) on 1 July 2026.
const NOW = new Date('2026-07-01T12:05:30Z');
const opts = { lang: 'de' as const, zone: 'Europe/Berlin', now: NOW };
const texts = (s: SyncState | null, o: Partial<typeof opts> & { running?: boolean } = {}) =>
  Object.fromEntries(statusParts(s, { ...opts, ...o }).map((p) => [p.key, p.text]));

describe('formatSyncTime', () => {
  it('says today and yesterday in the user zone, with German time', () => {
    expect(formatSyncTime('2026-07-01T12:05:00Z', 'de', 'Europe/Berlin', NOW)).toBe('heute, 14:05 Uhr');
    expect(formatSyncTime('2026-06-30T07:12:00Z', 'de', 'Europe/Berlin', NOW)).toBe('gestern, 09:12 Uhr');
    expect(formatSyncTime('2026-07-01T12:05:00Z', 'en', 'Europe/Berlin', NOW)).toBe('today, 14:05');
  });

  it('gives date and time for older syncs', () => {
    expect(formatSyncTime('2026-03-12T13:05:00Z', 'de', 'Europe/Berlin', NOW)).toBe('12.03.2026, 14:05');
  });

  it('counts days in the zone, not in UTC', () => {
    // 23:30 UTC on 30 June is already 1 July in Berlin.
    expect(formatSyncTime('2026-06-30T23:30:00Z', 'de', 'Europe/Berlin', NOW)).toBe('heute, 01:30 Uhr');
    expect(formatSyncTime('2026-06-30T23:30:00Z', 'de', 'UTC', NOW)).toBe('gestern, 23:30 Uhr');
  });

  it('shows unreadable input as it is', () => {
    expect(formatSyncTime('kaputt', 'de', 'Europe/Berlin', NOW)).toBe('kaputt');
  });
});

describe('statusParts', () => {
  it('says when nothing is set up or the status is not known yet', () => {
    expect(texts(null)).toEqual({ loading: 'Abgleichstatus wird geladen …' });
    expect(texts(state({ configured: false }))).toEqual({ unconfigured: 'Abgleich mit Ihrem Server nicht eingerichtet' });
  });

  it('shows the last sync and the pending changes', () => {
    expect(texts(state({ last_sync: '2026-07-01T12:05:00Z' }))).toEqual({
      last: 'Zuletzt abgeglichen: heute, 14:05 Uhr',
      pending: 'Keine ausstehenden Änderungen',
    });
    expect(texts(state({ pending: 1 })).pending).toBe('1 Änderung ausstehend');
    expect(texts(state({ pending: 1200 })).pending).toBe('1.200 Änderungen ausstehend');
    expect(texts(state({})).last).toBe('Noch nicht abgeglichen');
  });

  it('shows the progress while a sync runs', () => {
    expect(texts(state({ progress: ['push', 120, 1000] })).progress).toBe('Abgleich läuft: 120 von 1.000');
    expect(texts(state({}), { running: true }).progress).toBe('Abgleich läuft …');
    expect(progressText(state({ progress: ['pull', 0, 0] }), 'de')).toBe('Abgleich läuft …');
    expect(progressText(state({ progress: ['pull', 130, 120] }), 'de')).toBe('Abgleich läuft: 120 von 120');
  });

  it('says the last error in plain German words, and when the next attempt is', () => {
    const s = state({
      last_error: 'the server refused the login: check user name and password (or app token)',
      retry_at: '2026-07-01T12:10:00Z',
      failures: 1,
      pending: 2,
    });
    const parts = statusParts(s, opts);
    expect(parts.map((p) => p.key)).toEqual(['error', 'last', 'pending', 'retry']);
    expect(parts[0]).toEqual({ key: 'error', text: 'Abgleich fehlgeschlagen: Anmeldung abgelehnt', tone: 'error' });
    expect(parts[3].text).toBe('Nächster Versuch: heute, 14:10 Uhr');
    // A retry time in the past is not worth saying.
    expect(texts(state({ last_error: 'x', retry_at: '2026-07-01T12:00:00Z' })).retry).toBeUndefined();
  });

  it('marks pending changes and a clean state by tone, not only by colour words', () => {
    const tone = (s: SyncState) => statusParts(s, opts).find((p) => p.key === 'pending')?.tone;
    expect(tone(state({ pending: 0 }))).toBe('ok');
    expect(tone(state({ pending: 3 }))).toBe('warn');
  });
});

describe('errors', () => {
  it('recognises the backend sentences', () => {
    const cases: [string, string][] = [
      ['the server refused the login: check user name and password (or app token)', 'auth'],
      ['the password or app token is missing', 'auth'],
      ['the server could not be reached or dropped the connection (finding your account): error sending request', 'network'],
      ['the server could not be reached or dropped the connection (x): tls handshake eof', 'network'],
      ["the server's certificate is not trusted (expired, self-signed or for another name): invalid peer certificate", 'tls'],
      ['the server did not answer in time (listing changes)', 'timeout'],
      ["'foo' is not a server address (relative URL without a base)", 'url'],
      ['the server address must start with https:// (plain http only to this machine)', 'url'],
      ['the server does not allow writing the card', 'forbidden'],
      ['the address book: not found on the server (deleted or moved?)', 'not_found'],
      ['the server names no account (current-user-principal); is this a CardDAV server?', 'not_found'],
      ['the card: changed on the server in the meantime', 'conflict'],
      ['the server is busy (503); trying again later', 'server'],
      ['the server failed (500) on listing; trying again later', 'server'],
      ['unexpected answer 418 to listing', 'protocol'],
      ['the sync password is not in the keyring; enter it again in the settings', 'keyring'],
      ['No keyring (Secret Service) is available (no D-Bus): install and unlock gnome-keyring', 'keyring'],
      ['database is locked', 'store'],
      ['the disk is full: this change could not be saved (database or disk is full)', 'disk_full'],
      ['something nobody expected', 'unknown'],
    ];
    for (const [msg, kind] of cases) expect(syncErrorKindOf(msg), msg).toBe(kind);
  });

  it('takes the code of a command error first', () => {
    expect(syncErrorKind({ kind: 'sync', code: 'tls', message: 'whatever' })).toBe('tls');
    expect(syncErrorKind({ kind: 'sync', code: 'disk_full', message: 'the disk is full' })).toBe('disk_full');
    expect(syncErrorKind({ kind: 'sync', code: 'new_kind', message: 'the server did not answer in time (x)' })).toBe('timeout');
    expect(syncErrorKind(new Error('boom'))).toBe('unknown');
  });

  it('has German and English words for every kind', () => {
    for (const k of [...SYNC_ERROR_KINDS, 'unknown']) {
      for (const lang of ['de', 'en'] as const) {
        expect(catalogs[lang][`sync.error.${k}`], `${lang} ${k}`).toBeTruthy();
        expect(catalogs[lang][`sync.reason.${k}`], `${lang} ${k}`).toBeTruthy();
      }
    }
  });

  it('keeps the backend words as detail', () => {
    expect(syncErrorMessage({ kind: 'sync', code: 'auth', message: 'the server refused the login' }, 'de')).toBe(
      'Der Server hat die Anmeldung abgelehnt. Bitte prüfen Sie Benutzername und Passwort (oder App-Token). (the server refused the login)',
    );
  });

  it('puts account errors at the right input', () => {
    const e = (code: string) => ({ kind: 'sync', code, message: 'm' });
    expect(accountErrorField(e('url'))).toBe('sync-url');
    expect(accountErrorField(e('not_found'))).toBe('sync-url');
    expect(accountErrorField(e('network'))).toBe('sync-url');
    expect(accountErrorField(e('tls'))).toBe('sync-url');
    expect(accountErrorField(e('auth'))).toBe('sync-password');
    expect(accountErrorField(e('keyring'))).toBe('sync-password');
    expect(accountErrorField(e('store'))).toBeNull();
    expect(accountErrorField({ kind: 'database', message: 'm' })).toBeNull();
  });
});

describe('account form', () => {
  it('asks for every input before going to the server', () => {
    expect(accountFormProblems({ url: '', user: ' ', password: '' })).toEqual({
      'sync-url': 'sync.form.url_required',
      'sync-user': 'sync.form.user_required',
      'sync-password': 'sync.form.password_required',
    });
    expect(accountFormProblems({ url: 'ftp://x', user: 'a', password: 'p' })).toEqual({ 'sync-url': 'sync.form.url_scheme' });
    expect(accountFormProblems({ url: 'http://127.0.0.1:5232/', user: 'a', password: ' ' })).toEqual({});
  });

  it('takes a bare host name as https', () => {
    expect(normalizeServerUrl(' cloud.example.de ')).toBe('https://cloud.example.de');
    expect(normalizeServerUrl('http://127.0.0.1:5232/')).toBe('http://127.0.0.1:5232/');
    expect(normalizeServerUrl('')).toBe('');
  });

  it('lists the account without a password', () => {
    const rows = accountRows({ url: 'https://dav.example.de/', user: 'anna', addressbook: '/anna/k/', calendar: null }, 'de');
    expect(rows.map((r) => [r.label, r.value])).toEqual([
      ['Serveradresse', 'https://dav.example.de/'],
      ['Benutzername', 'anna'],
      ['Adressbuch', '/anna/k/'],
      ['Kalender', 'keiner (nur Kontakte werden abgeglichen)'],
    ]);
  });
});

describe('conflicts', () => {
  it('translates field keys and keeps unknown ones', () => {
    expect(fieldLabel('role', 'de')).toBe('Funktion / Rolle');
    expect(fieldLabel('given_name', 'de')).toBe('Vorname');
    expect(fieldLabel('postal_code', 'de')).toBe('PLZ');
    expect(fieldLabel('org_level', 'en')).toBe('Level of the organisation');
    expect(fieldLabel('x_future', 'de')).toBe('x_future');
    for (const k of ['display_name', 'given_name', 'family_name', 'title', 'role', 'organization', 'org_level', 'org_land',
      'org_key', 'street', 'postal_code', 'locality', 'website', 'emails', 'phones', 'tags', 'themenfelder', 'notes']) {
      expect(catalogs.de[`sync.field.${k}`], k).toBeTruthy();
    }
  });

  it('says empty values in words and translates a level', () => {
    expect(conflictValue({ field: 'role' }, null, 'de')).toBe('(leer)');
    expect(conflictValue({ field: 'role' }, '  ', 'de')).toBe('(leer)');
    expect(conflictValue({ field: 'role' }, '<b>Chefin</b>', 'de')).toBe('<b>Chefin</b>');
    expect(conflictValue({ field: 'org_level' }, 'kommune', 'de')).toBe('Kommune');
    expect(conflictName({ name: null }, 'de')).toBe('Kontakt nicht mehr vorhanden');
    expect(conflictName({ name: 'Clara Conrad' }, 'de')).toBe('Clara Conrad');
  });

  it('moves focus to the next conflict, else the one before, else out of the list', () => {
    expect(focusAfterResolve(0, 2)).toBe(0);
    expect(focusAfterResolve(2, 2)).toBe(1);
    expect(focusAfterResolve(0, 0)).toBeNull();
  });
});

describe('live region and report', () => {
  it('speaks errors and conflicts only, not progress or times', () => {
    expect(liveText(state({ progress: ['push', 1, 10], last_sync: '2026-07-01T12:00:00Z' }), 'de')).toBe('');
    expect(liveText(state({ conflicts: 2 }), 'de')).toBe('2 Konflikte');
    expect(liveText(state({ conflicts: 1, last_error: 'the server did not answer in time (x)' }), 'de')).toBe(
      'Abgleich fehlgeschlagen: Server antwortet nicht. 1 Konflikt',
    );
    expect(liveText(state({ configured: false, conflicts: 1 }), 'de')).toBe('');
    expect(liveText(null, 'de')).toBe('');
  });

  it('sums up a run', () => {
    const r: DavSyncReport = {
      pushed: 1, deleted: 0, pulled: 3, removed_here: 0, conflicts: 1, requests: 7, pull_method: 'sync-collection', unreadable: [],
    };
    expect(reportText(r, 'de')).toBe('Abgleich abgeschlossen: 1 Änderung gesendet, 3 Kontakte vom Server übernommen, 1 neuer Konflikt.');
    expect(reportText({ ...r, pushed: 0, pulled: 0, conflicts: 0 }, 'de')).toBe('Abgleich abgeschlossen – keine Änderungen.');
    expect(reportText({ ...r, pushed: 0, pulled: 0, conflicts: 0, unreadable: ['a.vcf', 'b.vcf'] }, 'de')).toBe(
      'Abgleich abgeschlossen: 2 Karten auf dem Server nicht lesbar.',
    );
    expect(reportText(null, 'de')).toBe('Für den Abgleich ist noch kein Konto eingerichtet.');
  });

  it('polls often only while a sync runs', () => {
    expect(isRunning(state({}), false)).toBe(false);
    expect(isRunning(state({ progress: ['pull', 0, 0] }), false)).toBe(true);
    expect(pollDelay(state({}), true)).toBeLessThan(pollDelay(state({}), false));
    expect(pollDelay(null, false)).toBeLessThanOrEqual(5000);
  });
});
