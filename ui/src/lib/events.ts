// Pure helpers of the events view: time zones, day grouping, date formatting, search, and the
// sentences that sum up a feed sync. Everything here takes the language and zone as arguments, so
// it is testable without a DOM.
import type { EventStatus, FeedAuth, FeedCounts, FeedInput, FeedSyncResult, Occurrence } from '../backend';
import { fold, tokens } from './contacts';
import { type Lang, localeOf, translate } from './i18n';

/** Zones offered first in the settings; all others follow when the platform can list them. */
export const COMMON_TIME_ZONES: readonly string[] = [
  'Europe/Berlin',
  'Europe/Vienna',
  'Europe/Zurich',
  'Europe/Luxembourg',
  'Europe/Brussels',
  'Europe/Amsterdam',
  'Europe/Paris',
  'Europe/Copenhagen',
  'Europe/Warsaw',
  'Europe/Prague',
  'Europe/London',
  'Europe/Lisbon',
  'Europe/Athens',
  'Europe/Helsinki',
  'UTC',
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Australia/Sydney',
];

const zoneCache = new Map<string, boolean>();

/** Whether the platform knows `zone` as an IANA time zone. */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone === '') return false;
  let ok = zoneCache.get(zone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      ok = true;
    } catch {
      ok = false;
    }
    zoneCache.set(zone, ok);
  }
  return ok;
}

/** Every zone the platform can list (empty where `Intl.supportedValuesOf` is missing). */
export function allTimeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : [];
  } catch {
    return [];
  }
}

/** The zones for the settings: the common ones, the current one if unusual, then the rest. */
export function timeZoneChoices(current: string, all: readonly string[] = allTimeZones()): { common: string[]; other: string[] } {
  const common = COMMON_TIME_ZONES.filter(isTimeZone);
  if (!common.includes(current)) common.push(current);
  const seen = new Set(common);
  const other = all.filter((z) => !seen.has(z)).sort();
  return { common, other };
}

// --- Dates ---

/** RFC 3339 UTC without milliseconds. */
export function toRfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export type Period = 'upcoming' | 'past';

/** The window the list asks for: now to +12 months, or −12 months to now. */
export function periodBounds(period: Period, now: Date): { from: string; to: string } {
  const other = new Date(now.getTime());
  other.setUTCFullYear(other.getUTCFullYear() + (period === 'upcoming' ? 1 : -1));
  return period === 'upcoming'
    ? { from: toRfc3339(now), to: toRfc3339(other) }
    : { from: toRfc3339(other), to: toRfc3339(now) };
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` of the instant in `zone`. */
export function dayInZone(d: Date, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(d);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** A `YYYY-MM-DD` day as a Date at noon UTC (formatted with timeZone UTC it is that day). */
export function dayDate(day: string): Date {
  const m = DATE_ONLY.exec(day);
  if (!m) return new Date(NaN);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12));
}

export function addDays(day: string, n: number): string {
  const d = dayDate(day);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The day an occurrence is listed under: its date (all-day) or its start day in `zone`. */
export function occurrenceDay(o: Pick<Occurrence, 'start' | 'all_day'>, zone: string): string {
  if (o.all_day || DATE_ONLY.test(o.start)) return o.start.slice(0, 10);
  const d = new Date(o.start);
  return Number.isNaN(d.getTime()) ? o.start.slice(0, 10) : dayInZone(d, zone);
}

/** Day heading, e.g. "Donnerstag, 3. Dezember 2026" / "Thursday, 3 December 2026". */
export function formatDayHeading(day: string, lang: Lang): string {
  const d = dayDate(day);
  if (Number.isNaN(d.getTime())) return day;
  return new Intl.DateTimeFormat(localeOf(lang), {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(d);
}

/**
 * The dates of an all-day event; `end` is exclusive (iCalendar DTEND), so 2026-12-24 to
 * 2026-12-27 is "24.–26. Dezember 2026".
 */
export function formatAllDayRange(start: string, end: string, lang: Lang): string {
  const first = dayDate(start.slice(0, 10));
  if (Number.isNaN(first.getTime())) return start;
  const endDay = DATE_ONLY.test(end.slice(0, 10)) ? addDays(end.slice(0, 10), -1) : start.slice(0, 10);
  const last = dayDate(endDay);
  const f = new Intl.DateTimeFormat(localeOf(lang), { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  if (last.getTime() <= first.getTime()) return f.format(first);
  return f.formatRange(first, last);
}

/** Number of days an all-day event covers (at least 1). */
export function allDayLength(start: string, end: string): number {
  const a = dayDate(start.slice(0, 10)).getTime();
  const b = dayDate(end.slice(0, 10)).getTime();
  if (Number.isNaN(a) || Number.isNaN(b)) return 1;
  return Math.max(1, Math.round((b - a) / 86_400_000));
}

function safeRange(f: Intl.DateTimeFormat, a: Date, b: Date): string {
  if (Number.isNaN(b.getTime()) || b.getTime() <= a.getTime()) return f.format(a);
  return f.formatRange(a, b);
}

/**
 * The time of an occurrence for a list row (the day is in the heading): "09:30–11:00 Uhr",
 * a range with dates when it ends on another day, or "ganztägig" for all-day events.
 */
export function formatRowTime(o: Pick<Occurrence, 'start' | 'end' | 'all_day'>, zone: string, lang: Lang): string {
  if (o.all_day) {
    const all = translate(lang, 'events.all_day');
    return allDayLength(o.start, o.end) > 1 ? `${all}, ${formatAllDayRange(o.start, o.end, lang)}` : all;
  }
  const a = new Date(o.start);
  const b = new Date(o.end);
  if (Number.isNaN(a.getTime())) return o.start;
  const sameDay = Number.isNaN(b.getTime()) || dayInZone(a, zone) === dayInZone(new Date(b.getTime() - 1), zone);
  const f = new Intl.DateTimeFormat(localeOf(lang), {
    ...(sameDay ? {} : { day: 'numeric', month: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
    timeZone: zone,
  });
  return safeRange(f, a, b);
}

/** The full time of an occurrence in `zone`: weekday, date and times. */
export function formatFullTime(o: Pick<Occurrence, 'start' | 'end' | 'all_day'>, zone: string, lang: Lang): string {
  if (o.all_day) return formatAllDayRange(o.start, o.end, lang);
  const a = new Date(o.start);
  if (Number.isNaN(a.getTime())) return o.start;
  const f = new Intl.DateTimeFormat(localeOf(lang), {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: zone,
  });
  return safeRange(f, a, new Date(o.end));
}

/** Offset of `zone` from UTC at instant `d`, in minutes. */
export function zoneOffset(d: Date, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(d);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour') % 24, n('minute'), n('second'));
  return Math.round((asUtc - Math.floor(d.getTime() / 1000) * 1000) / 60_000);
}

/**
 * Whether the detail also shows the time in the event's own zone: only for timed events whose
 * zone is known, is not the user's, and has another clock time at the start or end (so Vienna
 * for a Berlin user, same clock, adds nothing).
 */
export function otherZone(o: Pick<Occurrence, 'start' | 'end' | 'all_day' | 'tzid'>, userZone: string): string | null {
  const z = o.tzid;
  if (o.all_day || !z || z === userZone || !isTimeZone(z) || !isTimeZone(userZone)) return null;
  const times = [new Date(o.start), new Date(o.end)].filter((d) => !Number.isNaN(d.getTime()));
  if (times.length === 0) return null;
  return times.some((d) => zoneOffset(d, z) !== zoneOffset(d, userZone)) ? z : null;
}

// --- Grouping and search ---

export interface EventRow {
  /** Unique within the list: event, occurrence and start. */
  key: string;
  occ: Occurrence;
}

export interface DayGroup {
  day: string;
  rows: EventRow[];
}

function startMs(o: Occurrence): number {
  const t = (o.all_day || DATE_ONLY.test(o.start) ? dayDate(o.start.slice(0, 10)) : new Date(o.start)).getTime();
  return Number.isNaN(t) ? 0 : t;
}

/** Rows with unique keys (a key seen twice gets a suffix, so keyed lists never break). */
export function toRows(occs: readonly Occurrence[]): EventRow[] {
  const seen = new Set<string>();
  return occs.map((occ) => {
    const base = `${occ.event_id}|${occ.recurrence_id ?? ''}|${occ.start}`;
    let key = base;
    for (let i = 2; seen.has(key); i++) key = `${base}#${i}`;
    seen.add(key);
    return { key, occ };
  });
}

/**
 * Groups rows by their day in `zone`: oldest first, or newest first (days and the rows in them)
 * for the past. All-day events come before timed ones of the same day.
 */
export function groupByDay(rows: readonly EventRow[], zone: string, newestFirst = false): DayGroup[] {
  const sorted = rows
    .map((r) => ({ r, day: occurrenceDay(r.occ, zone), ms: startMs(r.occ), allDay: r.occ.all_day ? 0 : 1 }))
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.allDay - b.allDay || a.ms - b.ms || a.r.occ.title.localeCompare(b.r.occ.title)));
  if (newestFirst) sorted.reverse();
  const groups: DayGroup[] = [];
  for (const s of sorted) {
    const last = groups[groups.length - 1];
    if (last && last.day === s.day) last.rows.push(s.r);
    else groups.push({ day: s.day, rows: [s.r] });
  }
  return groups;
}

/** The folded text a search looks through: title, location, description, organiser. */
export function searchText(o: Pick<Occurrence, 'title' | 'location' | 'description' | 'organizer'>): string {
  return fold([o.title, o.location, o.description, organizerText(o.organizer)].filter(Boolean).join(' \n '));
}

/** Whether every word of `query` occurs (folded: case, umlauts, accents, ß) in the event. */
export function matchesQuery(o: Pick<Occurrence, 'title' | 'location' | 'description' | 'organizer'>, query: string): boolean {
  const q = tokens(query);
  if (q.length === 0) return true;
  const hay = searchText(o);
  return q.every((t) => hay.includes(t));
}

export function filterOccurrences<T extends Pick<Occurrence, 'title' | 'location' | 'description' | 'organizer'>>(
  occs: readonly T[],
  query: string,
): T[] {
  if (tokens(query).length === 0) return [...occs];
  return occs.filter((o) => matchesQuery(o, query));
}

/** ORGANIZER without the `mailto:` of the iCalendar value. */
export function organizerText(v: string | null | undefined): string {
  return (v ?? '').trim().replace(/^mailto:/i, '');
}

/** The status text key of a status that must be shown, or null for confirmed events. */
export function statusKey(s: EventStatus | string): string | null {
  switch (s) {
    case 'cancelled':
      return 'events.status.cancelled';
    case 'removed':
      return 'events.status.removed';
    case 'tentative':
      return 'events.status.tentative';
    default:
      return null;
  }
}

// --- Sync results ---

/** "FITKO: 3 neu, 1 geändert, 1 abgesagt, 0 entfernt, 5 unverändert", or "keine Änderungen (304)". */
export function countsSummary(name: string, counts: FeedCounts, lang: Lang): string {
  if (counts.not_modified) return translate(lang, 'sync.not_modified', { name });
  const text = translate(lang, 'sync.counts', {
    name,
    added: counts.added,
    updated: counts.updated,
    cancelled: counts.cancelled,
    removed: counts.removed,
    unchanged: counts.unchanged,
  });
  const n = counts.warnings.length;
  return n > 0 ? `${text}, ${translate(lang, 'feeds.warnings', { count: n })}` : text;
}

/**
 * A feed's sync error as the user reads it: a full disk in the app's own words (the report
 * carries only the core's English sentence, which starts so), anything else as the backend said.
 */
function feedSyncError(error: string, lang: Lang): string {
  return /^the disk is full/i.test(error) ? translate(lang, 'error.kind.disk_full') : error;
}

/** One sync result as a sentence: the counts, or the error. */
export function syncResultText(r: FeedSyncResult, lang: Lang): string {
  if (r.error !== null && r.error !== '') {
    return translate(lang, 'sync.failed', { name: r.name, error: feedSyncError(r.error, lang) });
  }
  if (r.counts) return countsSummary(r.name, r.counts, lang);
  return translate(lang, 'sync.done', { name: r.name });
}

/** All results of a sync for the live region. */
export function syncSummary(results: readonly FeedSyncResult[], lang: Lang): string {
  if (results.length === 0) return translate(lang, 'sync.nothing');
  // Sentences joined with ". ", without doubling the full stop of an error message.
  return results
    .map((r) => syncResultText(r, lang))
    .reduce((all, text) => (all === '' ? text : `${all}${/[.!?…]$/.test(all) ? '' : '.'} ${text}`), '');
}

// --- The feed form ---

export type AuthKind = FeedAuth['kind'];

export interface FeedForm {
  url: string;
  name: string;
  auth: AuthKind;
  user: string;
  secret: string;
}

export function emptyFeedForm(): FeedForm {
  return { url: '', name: '', auth: 'none', user: '', secret: '' };
}

/** What the form lacks before it can be sent: input id → catalogue key. */
export function feedFormProblems(f: FeedForm): Record<string, string> {
  const out: Record<string, string> = {};
  if (f.url.trim() === '') out['feed-url'] = 'feed.url_required';
  if (f.auth === 'basic' && f.user.trim() === '') out['feed-user'] = 'feed.user_required';
  if (f.auth !== 'none' && f.secret === '') out['feed-secret'] = 'feed.secret_required';
  return out;
}

/** The backend input; the secret only goes along with an authentication that uses it. */
export function feedInput(f: FeedForm): FeedInput {
  const auth: FeedAuth = f.auth === 'basic' ? { kind: 'basic', user: f.user.trim() } : f.auth === 'bearer' ? { kind: 'bearer' } : { kind: 'none' };
  const name = f.name.trim();
  return { url: f.url.trim(), name: name === '' ? null : name, auth, secret: f.auth === 'none' || f.secret === '' ? null : f.secret };
}
