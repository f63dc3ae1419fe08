// The pure part of the CardDAV/CalDAV sync UI: the status line, the words for errors and fields,
// the sync time in the user's zone, the form checks and where a backend error belongs.
import type { DavSyncReport, SyncAccount, SyncConflict, SyncState } from '../backend';
import { toBackendError } from './errors';
import { type Lang, TIME_ZONE, formatDateTime, hasKey, localeOf, translate } from './i18n';

/** Kinds of sync errors the UI has words for (crates/net/src/dav.rs DavError::kind). */
export const SYNC_ERROR_KINDS = [
  'auth',
  'forbidden',
  'not_found',
  'conflict',
  'server',
  'network',
  'timeout',
  'tls',
  'protocol',
  'url',
  'keyring',
  'store',
  'disk_full',
] as const;
export type SyncErrorKind = (typeof SYNC_ERROR_KINDS)[number] | 'unknown';

/**
 * The recorded last error is the backend's English sentence (no kind is stored with it). These
 * patterns, taken from crates/net/src/dav.rs, find its kind so the UI can say it in German;
 * anything else is `unknown` and shown with the original words as detail.
 */
const ERROR_PATTERNS: readonly [RegExp, SyncErrorKind][] = [
  // Our own fixed words first; a network error may carry the TLS library's text after them.
  [/keyring|secret service/i, 'keyring'],
  [/refused the login|password or app token is missing|user name or password/i, 'auth'],
  [/did not answer in time/i, 'timeout'],
  [/could not be reached|dropped the connection/i, 'network'],
  [/certificate is not trusted|tls could not be set up/i, 'tls'],
  [/is not a server address|must start with https|is not http/i, 'url'],
  [/does not allow/i, 'forbidden'],
  [/not found on the server|names no account/i, 'not_found'],
  [/changed on the server in the meantime/i, 'conflict'],
  [/server is busy|server failed/i, 'server'],
  [/unexpected answer|bad request for/i, 'protocol'],
  [/disk is full/i, 'disk_full'],
  [/database/i, 'store'],
];

export function syncErrorKindOf(message: string): SyncErrorKind {
  for (const [re, kind] of ERROR_PATTERNS) if (re.test(message)) return kind;
  return 'unknown';
}

function isKind(k: string | undefined): k is SyncErrorKind {
  return k !== undefined && (SYNC_ERROR_KINDS as readonly string[]).includes(k);
}

/** The kind of an error thrown by a sync command (`{kind: 'sync', code, message}`), or of its text. */
export function syncErrorKind(err: unknown): SyncErrorKind {
  const e = toBackendError(err);
  if (e.kind === 'sync' && isKind(e.code)) return e.code;
  if (isKind(e.kind)) return e.kind;
  return syncErrorKindOf(e.message);
}

/** A full sentence for the user (settings, the account form). */
export function syncErrorText(kind: SyncErrorKind, lang: Lang): string {
  return translate(lang, `sync.error.${kind}`);
}

/** A few words for the status line in the header. */
export function syncErrorReason(kind: SyncErrorKind, lang: Lang): string {
  return translate(lang, `sync.reason.${kind}`);
}

/** The sentence for an error of `sync_now` or `sync_account_set`, with the backend's words as detail. */
export function syncErrorMessage(err: unknown, lang: Lang): string {
  const e = toBackendError(err);
  const text = syncErrorText(syncErrorKind(e), lang);
  return e.message ? `${text} (${e.message})` : text;
}

/** The input of the account form an error belongs to, or null for the whole form. */
export function accountErrorField(err: unknown): 'sync-url' | 'sync-user' | 'sync-password' | null {
  const e = toBackendError(err);
  if (e.kind !== 'sync') return null;
  switch (syncErrorKind(e)) {
    case 'url':
    case 'not_found':
    case 'network':
    case 'timeout':
    case 'tls':
    case 'protocol':
    case 'server':
    case 'forbidden':
      return 'sync-url';
    case 'auth':
    case 'keyring':
      return 'sync-password';
    default:
      return null;
  }
}

export interface AccountForm {
  url: string;
  user: string;
  password: string;
}

/** Problems found before asking the server: input id → message key. */
export function accountFormProblems(f: AccountForm): Partial<Record<'sync-url' | 'sync-user' | 'sync-password', string>> {
  const p: Partial<Record<'sync-url' | 'sync-user' | 'sync-password', string>> = {};
  const url = f.url.trim();
  if (url === '') p['sync-url'] = 'sync.form.url_required';
  else if (!/^https?:\/\/[^\s/]+/i.test(url)) p['sync-url'] = 'sync.form.url_scheme';
  if (f.user.trim() === '') p['sync-user'] = 'sync.form.user_required';
  if (f.password === '') p['sync-password'] = 'sync.form.password_required';
  return p;
}

/** Lets a bare host name through as an https address ("dav.example.de" → "https://dav.example.de/"). */
export function normalizeServerUrl(url: string): string {
  const u = url.trim();
  if (u === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(u)) return u;
  return `https://${u}`;
}

/** The day of `d` in `zone` as YYYY-MM-DD. */
function dayKey(d: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/**
 * A sync time for the status line: "heute, 14:05 Uhr", "gestern, 09:12 Uhr", or the date and time
 * ("12.03.2026, 14:05"), in the user's zone. Unparseable input is shown as is.
 */
export function formatSyncTime(iso: string, lang: Lang, zone: string = TIME_ZONE, now: Date = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = new Intl.DateTimeFormat(localeOf(lang), { hour: '2-digit', minute: '2-digit', timeZone: zone }).format(d);
  const day = dayKey(d, zone);
  if (day === dayKey(now, zone)) return translate(lang, 'sync.time.today', { time });
  if (day === dayKey(new Date(now.getTime() - 86_400_000), zone)) return translate(lang, 'sync.time.yesterday', { time });
  return formatDateTime(iso, lang, zone);
}

/** The words for a field key of a conflict (crates/core/src/sync.rs); unknown keys are shown as they are. */
export function fieldLabel(field: string, lang: Lang): string {
  const k = `sync.field.${field}`;
  return hasKey(k, lang) ? translate(lang, k) : field;
}

/** A conflict's value for display: empty is said in words, a level is translated. */
export function conflictValue(c: Pick<SyncConflict, 'field'>, value: string | null, lang: Lang): string {
  if (value === null || value.trim() === '') return translate(lang, 'sync.conflict.empty');
  if (c.field === 'org_level' && hasKey(`level.${value}`, lang)) return translate(lang, `level.${value}`);
  return value;
}

/** The contact's name of a conflict, or words for a contact that is gone. */
export function conflictName(c: Pick<SyncConflict, 'name'>, lang: Lang): string {
  return c.name?.trim() || translate(lang, 'sync.conflict.no_name');
}

export type Tone = 'normal' | 'ok' | 'warn' | 'error';

/** One piece of the status line. */
export interface StatusPart {
  /** Stable name (also the test id): `loading`, `unconfigured`, `progress`, `error`, `last`, `pending`, `retry`. */
  key: string;
  text: string;
  tone: Tone;
}

export interface StatusOptions {
  lang: Lang;
  zone?: string;
  now?: Date;
  /** The user pressed the button and the run has not answered yet. */
  running?: boolean;
}

/** Whether a sync is running (reported by the backend, or started here). */
export function isRunning(s: SyncState | null, running = false): boolean {
  return running || (s?.progress ?? null) !== null;
}

/** The progress sentence: "Abgleich läuft: 120 von 1.000", or without numbers when there are none yet. */
export function progressText(s: SyncState | null, lang: Lang): string {
  const p = s?.progress ?? null;
  if (p && p[2] > 0) return translate(lang, 'sync.status.progress', { done: Math.min(p[1], p[2]), total: p[2] });
  return translate(lang, 'sync.status.running');
}

/** The status line, piece by piece. Conflicts are left to the caller (they are a button). */
export function statusParts(s: SyncState | null, opts: StatusOptions): StatusPart[] {
  const { lang } = opts;
  const zone = opts.zone ?? TIME_ZONE;
  const now = opts.now ?? new Date();
  if (!s) return [{ key: 'loading', text: translate(lang, 'sync.status.loading'), tone: 'normal' }];
  if (!s.configured) return [{ key: 'unconfigured', text: translate(lang, 'sync.status.unconfigured'), tone: 'normal' }];
  const parts: StatusPart[] = [];
  if (isRunning(s, opts.running)) {
    parts.push({ key: 'progress', text: progressText(s, lang), tone: 'normal' });
  } else if (s.last_error) {
    const reason = syncErrorReason(syncErrorKindOf(s.last_error), lang);
    parts.push({ key: 'error', text: translate(lang, 'sync.status.failed', { reason }), tone: 'error' });
  }
  parts.push({
    key: 'last',
    text: s.last_sync
      ? translate(lang, 'sync.status.last', { time: formatSyncTime(s.last_sync, lang, zone, now) })
      : translate(lang, 'sync.status.never'),
    tone: 'normal',
  });
  parts.push(
    s.pending === 0
      ? { key: 'pending', text: translate(lang, 'sync.status.nothing_pending'), tone: 'ok' }
      : { key: 'pending', text: translate(lang, 'sync.status.pending', { count: s.pending }), tone: 'warn' },
  );
  if (s.last_error && !isRunning(s, opts.running) && s.retry_at) {
    const at = new Date(s.retry_at);
    if (!Number.isNaN(at.getTime()) && at.getTime() > now.getTime()) {
      parts.push({
        key: 'retry',
        text: translate(lang, 'sync.status.retry', { time: formatSyncTime(s.retry_at, lang, zone, now) }),
        tone: 'normal',
      });
    }
  }
  return parts;
}

/**
 * What the polite live region says. Only what the user must hear when it changes: a new error
 * and the number of conflicts; progress and times would make a screen reader chatter.
 */
export function liveText(s: SyncState | null, lang: Lang): string {
  if (!s || !s.configured) return '';
  const parts: string[] = [];
  if (s.last_error) {
    parts.push(translate(lang, 'sync.status.failed', { reason: syncErrorReason(syncErrorKindOf(s.last_error), lang) }));
  }
  if (s.conflicts > 0) parts.push(translate(lang, 'sync.conflicts.count', { count: s.conflicts }));
  return parts.join('. ');
}

/** The sentence after "Jetzt abgleichen" finished. */
export function reportText(r: DavSyncReport | null, lang: Lang): string {
  if (!r) return translate(lang, 'sync.report.unconfigured');
  const parts: string[] = [];
  if (r.pushed) parts.push(translate(lang, 'sync.report.pushed', { count: r.pushed }));
  if (r.deleted) parts.push(translate(lang, 'sync.report.deleted', { count: r.deleted }));
  if (r.pulled) parts.push(translate(lang, 'sync.report.pulled', { count: r.pulled }));
  if (r.removed_here) parts.push(translate(lang, 'sync.report.removed_here', { count: r.removed_here }));
  if (r.conflicts) parts.push(translate(lang, 'sync.report.conflicts', { count: r.conflicts }));
  if (r.unreadable.length) parts.push(translate(lang, 'sync.report.unreadable', { count: r.unreadable.length }));
  if (parts.length === 0) return translate(lang, 'sync.report.nothing');
  return translate(lang, 'sync.report.done', { what: parts.join(', ') });
}

/** The account as label/value rows for the settings (never the password). */
export function accountRows(a: SyncAccount, lang: Lang): { label: string; value: string; key: string }[] {
  return [
    { key: 'url', label: translate(lang, 'sync.account.url'), value: a.url },
    { key: 'user', label: translate(lang, 'sync.account.user'), value: a.user },
    { key: 'addressbook', label: translate(lang, 'sync.account.addressbook'), value: a.addressbook },
    {
      key: 'calendar',
      label: translate(lang, 'sync.account.calendar'),
      value: a.calendar ?? translate(lang, 'sync.account.no_calendar'),
    },
  ];
}

/**
 * Where focus goes after the conflict at `index` was resolved and the list reloaded: the one
 * now at the same place, else the one before it, else null (the list is empty).
 */
export function focusAfterResolve(index: number, remaining: number): number | null {
  if (remaining <= 0) return null;
  return Math.min(index, remaining - 1);
}

/** How often the status is asked for: often while a sync runs, every few seconds otherwise. */
export function pollDelay(s: SyncState | null, running: boolean): number {
  return isRunning(s, running) ? 1000 : 4000;
}
