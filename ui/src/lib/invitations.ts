// Pure logic of own events and invitations (organiser side): the own-event form, the invitee
// filter, the texts of counts, answers and reports, and the invitation settings. No Svelte, no
// backend calls: unit-tested in invitations.test.ts.
import type {
  BackendError,
  Delivery,
  InvitePreview,
  InviteeFilter,
  Level,
  Occurrence,
  OwnEventInput,
  Partstat,
  ReplyImport,
  RsvpCounts,
  SendReport,
  Written,
} from '../backend';
import { isBackendError } from '../backend';
import { errorMessage } from './errors';
import { toRfc3339 } from './events';
import { type Lang, formatNumber, hasKey, localeOf, translate } from './i18n';

export const DEFAULT_TZ = 'Europe/Berlin';

// --- The own-event form ---

export interface OwnEventForm {
  title: string;
  allDay: boolean;
  /** `YYYY-MM-DD` (a German `TT.MM.JJJJ` is read too, for platforms without a date picker). */
  startDate: string;
  /** `HH:MM`; ignored for all-day events. */
  startTime: string;
  /** For all-day events the last day (inclusive), unlike the backend's exclusive end. */
  endDate: string;
  endTime: string;
  tz: string;
  location: string;
  url: string;
  description: string;
}

/** What the form reports after saving. */
export interface SavedOwnEvent {
  uid: string;
  title: string;
  created: boolean;
  /** The SEQUENCE rose (a new time or place): invitees get an update. */
  raised: boolean;
}

export type OeField =
  | 'oe-title'
  | 'oe-start-date'
  | 'oe-start-time'
  | 'oe-end-date'
  | 'oe-end-time'
  | 'oe-tz'
  | 'oe-location'
  | 'oe-url'
  | 'oe-description';

/** The inputs in tab order, for focusing the first one with a problem. */
export const OE_FIELDS: readonly OeField[] = [
  'oe-title',
  'oe-start-date',
  'oe-start-time',
  'oe-end-date',
  'oe-end-time',
  'oe-tz',
  'oe-location',
  'oe-url',
  'oe-description',
];

export function emptyOwnEventForm(): OwnEventForm {
  return {
    title: '',
    allDay: false,
    startDate: '',
    startTime: '',
    endDate: '',
    endTime: '',
    tz: DEFAULT_TZ,
    location: '',
    url: '',
    description: '',
  };
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const GERMAN_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;

/** A date as `YYYY-MM-DD`, from that form or `TT.MM.JJJJ`; '' when it is no real date. */
export function normalizeDate(input: string): string {
  const s = input.trim();
  let y: number, m: number, d: number;
  const iso = ISO_DATE.exec(s);
  const de = GERMAN_DATE.exec(s);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (de) [y, m, d] = [Number(de[3]), Number(de[2]), Number(de[1])];
  else return '';
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return '';
  return date.toISOString().slice(0, 10);
}

/** A clock time as `HH:MM`, from `H:MM`, `HH:MM:SS`, `H.MM` or `HH` ; '' when it is none. */
export function normalizeTime(input: string): string {
  const m = /^(\d{1,2})(?:[:.](\d{2})(?::\d{2}(?:\.\d+)?)?)?(?:\s*Uhr)?$/i.exec(input.trim());
  if (!m) return '';
  const h = Number(m[1]);
  const min = m[2] === undefined ? 0 : Number(m[2]);
  if (h > 23 || min > 59) return '';
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` plus `n` days. */
export function shiftDate(day: string, n: number): string {
  const m = ISO_DATE.exec(day);
  if (!m) return day;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + n));
  return d.toISOString().slice(0, 10);
}

/** The end the form suggests once a start is entered: one hour later (the next day after 23:00). */
export function suggestEnd(startDate: string, startTime: string): { endDate: string; endTime: string } {
  const day = normalizeDate(startDate);
  const time = normalizeTime(startTime);
  if (!day) return { endDate: '', endTime: '' };
  if (!time) return { endDate: day, endTime: '' };
  const [h, m] = time.split(':').map(Number);
  const next = h + 1;
  return next >= 24
    ? { endDate: shiftDate(day, 1), endTime: `${String(next - 24).padStart(2, '0')}:${String(m).padStart(2, '0')}` }
    : { endDate: day, endTime: `${String(next).padStart(2, '0')}:${String(m).padStart(2, '0')}` };
}

/** The form filled from the backend's shape (an own event, or a feed event to copy). */
export function formFromInput(input: OwnEventInput): OwnEventForm {
  const f = emptyOwnEventForm();
  f.title = input.title;
  f.tz = input.tz?.trim() || DEFAULT_TZ;
  f.location = input.location ?? '';
  f.url = input.url ?? '';
  f.description = input.description ?? '';
  const split = (v: string): [string, string] => {
    const [d, t = ''] = v.trim().split(/[T ]/);
    return [d, t.slice(0, 5)];
  };
  const [sd, st] = split(input.start);
  const [ed, et] = split(input.end);
  f.allDay = st === '' && ISO_DATE.test(sd);
  f.startDate = sd;
  f.startTime = st;
  // All day: the backend's end is exclusive; the form shows the last day.
  f.endDate = f.allDay && ISO_DATE.test(ed) ? (ed > sd ? shiftDate(ed, -1) : sd) : ed;
  f.endTime = et;
  return f;
}

/** What the backend gets: trimmed, empty optional fields as null, the end exclusive for all day. */
export function ownEventInput(f: OwnEventForm): OwnEventInput {
  const opt = (s: string) => (s.trim() === '' ? null : s.trim());
  const startDate = normalizeDate(f.startDate) || f.startDate.trim();
  const endDate = normalizeDate(f.endDate) || f.endDate.trim() || startDate;
  if (f.allDay) {
    const end = ISO_DATE.test(endDate) ? shiftDate(endDate, 1) : endDate;
    return { title: f.title.trim(), start: startDate, end, tz: null, location: opt(f.location), description: opt(f.description), url: opt(f.url) };
  }
  const startTime = normalizeTime(f.startTime) || f.startTime.trim();
  const endTime = normalizeTime(f.endTime) || f.endTime.trim();
  return {
    title: f.title.trim(),
    start: `${startDate}T${startTime}`,
    end: `${endDate}T${endTime}`,
    tz: opt(f.tz) ?? DEFAULT_TZ,
    location: opt(f.location),
    description: opt(f.description),
    url: opt(f.url),
  };
}

/** Problems found before sending, as codes by input id (in tab order). */
export function ownEventProblems(f: OwnEventForm): Partial<Record<OeField, string>> {
  const p: Partial<Record<OeField, string>> = {};
  if (f.title.trim() === '') p['oe-title'] = 'title_required';
  else if ([...f.title.trim()].length > 500) p['oe-title'] = 'title_too_long';
  const sd = normalizeDate(f.startDate);
  if (f.startDate.trim() === '') p['oe-start-date'] = 'date_required';
  else if (!sd) p['oe-start-date'] = 'date_invalid';
  const ed = f.endDate.trim() === '' ? sd : normalizeDate(f.endDate);
  if (f.endDate.trim() !== '' && !ed) p['oe-end-date'] = 'date_invalid';
  if (f.allDay) {
    if (sd && ed && ed < sd) p['oe-end-date'] = 'end_before_start';
    return p;
  }
  const st = normalizeTime(f.startTime);
  const et = normalizeTime(f.endTime);
  if (f.startTime.trim() === '') p['oe-start-time'] = 'time_required';
  else if (!st) p['oe-start-time'] = 'clock_invalid';
  if (f.endTime.trim() === '') p['oe-end-time'] = 'time_required';
  else if (!et) p['oe-end-time'] = 'clock_invalid';
  if (sd && ed && st && et && `${ed}T${et}` <= `${sd}T${st}`) {
    if (ed < sd) p['oe-end-date'] ??= 'end_before_start';
    else p['oe-end-time'] ??= 'end_before_start';
  }
  const url = f.url.trim();
  if (url !== '' && /\s/.test(url)) p['oe-url'] = 'url_invalid';
  return p;
}

/** The input a backend validation error belongs to, or null for the whole form. */
export function ownEventField(e: unknown, f: Pick<OwnEventForm, 'allDay' | 'startDate' | 'endDate'>): OeField | null {
  if (!isBackendError(e) || !e.field) return null;
  switch (e.field) {
    case 'title':
      return 'oe-title';
    case 'start':
      return 'oe-start-date';
    case 'end':
      if (!f.allDay && e.code === 'end_before_start' && normalizeDate(f.endDate || f.startDate) === normalizeDate(f.startDate)) {
        return 'oe-end-time';
      }
      return 'oe-end-date';
    case 'tz':
      return 'oe-tz';
    case 'location':
      return 'oe-location';
    case 'url':
      return 'oe-url';
    case 'description':
      return 'oe-description';
    default:
      return null;
  }
}

/** A problem code of the form as a sentence (the form's wording first, then the general one). */
export function ownEventMessage(code: string, lang: Lang): string {
  const k = `own_event.error.${code}`;
  return hasKey(k, lang) ? translate(lang, k) : errorMessage({ kind: 'validation', code, message: code }, lang);
}

// --- Choosing invitees ---

export interface FilterForm {
  level: '' | Level;
  /** Land key, '' for any. */
  land: string;
  /** Organisation id as text, '' for any. */
  org: string;
  tag: string;
  /** Themenfeld key, '' for any. */
  themenfeld: string;
  /** Event UID, '' for any. */
  attended: string;
}

export function emptyFilterForm(): FilterForm {
  return { level: '', land: '', org: '', tag: '', themenfeld: '', attended: '' };
}

/** The backend filter: only the criteria that are set. */
export function inviteeFilter(f: FilterForm): InviteeFilter {
  const out: InviteeFilter = {};
  if (f.level !== '') out.level = f.level;
  if (f.land.trim() !== '') out.land = f.land.trim();
  const org = Number(f.org);
  if (f.org.trim() !== '' && Number.isInteger(org) && org > 0) out.org = org;
  if (f.tag.trim() !== '') out.tag = f.tag.trim();
  if (f.themenfeld !== '') out.themenfeld = f.themenfeld;
  if (f.attended !== '') out.attended = f.attended;
  return out;
}

/** True when no criterion is set (the backend then selects nobody but the picked contacts). */
export function isFilterEmpty(f: FilterForm): boolean {
  return Object.keys(inviteeFilter(f)).length === 0;
}

/** Whether there is anything to preview: picked contacts or a criterion. */
export function hasSelection(picked: readonly number[], f: FilterForm): boolean {
  return picked.length > 0 || !isFilterEmpty(f);
}

/** "23 Personen werden eingeladen" (or that nobody is selected yet). */
export function previewCountText(p: InvitePreview | null, lang: Lang): string {
  if (!p) return translate(lang, 'invitations.preview_none');
  return translate(lang, 'invitations.preview_ready', { count: p.ready.length });
}

/** The rest of the preview in one sentence: "3 ohne E-Mail-Adresse, 2 bereits eingeladen". */
export function previewRestText(p: InvitePreview, lang: Lang): string {
  const parts: string[] = [];
  if (p.without_email.length > 0) parts.push(translate(lang, 'invitations.preview_without_email', { count: p.without_email.length }));
  if (p.already_invited.length > 0) parts.push(translate(lang, 'invitations.preview_already', { count: p.already_invited.length }));
  return parts.join(', ');
}

/** The whole preview for the live region. */
export function previewAnnouncement(p: InvitePreview | null, lang: Lang): string {
  const rest = p ? previewRestText(p, lang) : '';
  const count = previewCountText(p, lang);
  return rest ? `${count} (${rest})` : count;
}

/** After "Einladen": who was put on the list. */
export function invitedText(p: InvitePreview, lang: Lang): string {
  const text = translate(lang, 'invitations.added', { count: p.ready.length });
  const rest = previewRestText(p, lang);
  return rest ? `${text} (${rest})` : text;
}

export interface AttendedChoice {
  uid: string;
  title: string;
  start: string;
  allDay: boolean;
}

/**
 * The events for "hat teilgenommen an": one entry per UID (a series' occurrences share it), the
 * newest first, without the event being planned.
 */
export function attendedChoices(occs: readonly Occurrence[], exceptUid: string): AttendedChoice[] {
  const byUid = new Map<string, AttendedChoice>();
  for (const o of occs) {
    if (o.uid === exceptUid) continue;
    const seen = byUid.get(o.uid);
    if (!seen || o.start > seen.start) byUid.set(o.uid, { uid: o.uid, title: o.title, start: o.start, allDay: o.all_day });
  }
  return [...byUid.values()].sort((a, b) => (a.start < b.start ? 1 : a.start > b.start ? -1 : a.title.localeCompare(b.title)));
}

/** The window of events offered for "hat teilgenommen an": the last three years up to tomorrow. */
export function attendedWindow(now: Date): { from: string; to: string } {
  const ms = now.getTime();
  const from = new Date(Date.UTC(now.getUTCFullYear() - 3, now.getUTCMonth(), now.getUTCDate(), now.getUTCHours(), now.getUTCMinutes()));
  return { from: toRfc3339(from), to: toRfc3339(new Date(ms + 86_400_000)) };
}

/** An entry of the attended picker: "Titel (12.03.2026)". */
export function attendedLabel(c: AttendedChoice, lang: Lang, zone: string): string {
  const d = c.allDay || ISO_DATE.test(c.start) ? new Date(`${c.start.slice(0, 10)}T12:00:00Z`) : new Date(c.start);
  if (Number.isNaN(d.getTime())) return c.title;
  const date = new Intl.DateTimeFormat(localeOf(lang), {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    timeZone: c.allDay ? 'UTC' : zone,
  }).format(d);
  return `${c.title} (${date})`;
}

// --- Answers and delivery ---

/** The order of the answer counts in the overview. */
export const PARTSTATS: readonly Partstat[] = ['accepted', 'declined', 'tentative', 'delegated', 'needs-action'];

/** Zugesagt, Abgesagt, Vielleicht, Delegiert, Keine Antwort. */
export function partstatLabel(p: Partstat | string, lang: Lang): string {
  const k = `partstat.${p}`;
  return hasKey(k, lang) ? translate(lang, k) : p;
}

export function deliveryLabel(d: Delivery | string, lang: Lang): string {
  const k = `delivery.${d}`;
  return hasKey(k, lang) ? translate(lang, k) : d;
}

/** The counts in overview order, as [answer, number]. */
export function countEntries(c: RsvpCounts): [Partstat, number][] {
  return PARTSTATS.map((p) => [p, p === 'needs-action' ? c.needs_action : c[p]]);
}

/** "Zugesagt 3, Abgesagt 1, …" for the live region. */
export function countsText(c: RsvpCounts, lang: Lang): string {
  return countEntries(c)
    .map(([p, n]) => `${partstatLabel(p, lang)} ${formatNumber(n, lang)}`)
    .join(', ');
}

// --- Files ---

/** What the reply file input accepts. */
export const REPLY_ACCEPT = '.ics,.eml,text/calendar,message/rfc822';

/** The last part of a path (either separator). */
export function fileName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/** "3 Dateien gespeichert in /home/…/Downloads". */
export function writtenText(w: Written, lang: Lang): string {
  return translate(lang, 'invitations.written', { count: w.files.length, dir: w.dir });
}

/** What importing a reply did, in one sentence. */
export function replyImportText(r: ReplyImport, lang: Lang): string {
  if (r.found === 0) return translate(lang, 'reply.none_found');
  const parts = [translate(lang, 'reply.applied', { count: r.report.applied })];
  if (r.report.stale > 0) parts.push(translate(lang, 'reply.stale', { count: r.report.stale }));
  if (r.report.unknown_event > 0) parts.push(translate(lang, 'reply.unknown_event', { count: r.report.unknown_event }));
  if (r.report.unknown_attendee.length > 0) {
    parts.push(translate(lang, 'reply.unknown_attendee', { count: r.report.unknown_attendee.length }));
  }
  return parts.join(', ');
}

/** What a send run did, in one sentence. */
export function sendReportText(r: SendReport, lang: Lang): string {
  if (r.sent === 0 && r.failed.length === 0 && r.uncertain.length === 0 && r.remaining === 0) {
    return translate(lang, 'send.nothing');
  }
  const parts = [translate(lang, 'send.sent', { count: r.sent, requests: r.requests, cancels: r.cancels })];
  if (r.failed.length > 0) parts.push(translate(lang, 'send.failed', { count: r.failed.length }));
  if (r.uncertain.length > 0) parts.push(translate(lang, 'send.uncertain', { count: r.uncertain.length }));
  if (r.remaining > 0) parts.push(translate(lang, 'send.remaining', { count: r.remaining }));
  return parts.join(', ');
}

// --- Errors ---

/** Codes with a wording of their own in the invitation views. */
const INVITE_CODES: readonly string[] = [
  'organizer_missing',
  'organizer_invalid',
  'smtp_url_invalid',
  'smtp_unreachable',
  'smtp_password_missing',
  'event_cancelled',
  'export_failed',
  'land_unknown',
  'filter_invalid',
];

/** Codes whose backend message carries the detail the user needs (server, file). */
const WITH_DETAIL: readonly string[] = ['smtp_unreachable', 'export_failed', 'smtp_url_invalid'];

/** An error of an invitation action as a sentence. */
export function inviteErrorMessage(err: unknown, lang: Lang): string {
  const e: BackendError | null = isBackendError(err) ? err : null;
  if (e?.code && INVITE_CODES.includes(e.code)) {
    const text = translate(lang, `invitations.error.${e.code}`);
    return WITH_DETAIL.includes(e.code) && e.message ? `${text} (${e.message})` : text;
  }
  if (e?.kind === 'keyring') {
    const text = translate(lang, 'invitations.error.keyring');
    return e.message ? `${text} (${e.message})` : text;
  }
  return errorMessage(err, lang);
}

// --- Settings ---

/** The placeholders of the invitation text, with their catalogue key. */
export const TEMPLATE_PLACEHOLDERS: readonly string[] = [
  'name',
  'titel',
  'beginn',
  'ende',
  'ort',
  'link',
  'beschreibung',
  'veranstalter',
];

/** The subject used when the setting is empty (crates/core/src/invite.rs DEFAULT_SUBJECT). */
export const DEFAULT_SUBJECT = 'Einladung: {titel}';

/** The text used when the setting is empty (crates/core/src/invite.rs DEFAULT_TEMPLATE). */
export const DEFAULT_TEMPLATE = [
  'Guten Tag {name},',
  '',
  'hiermit lade ich Sie herzlich ein zu',
  '',
  '{titel}',
  'Beginn: {beginn}',
  'Ende: {ende}',
  'Ort: {ort}',
  '{link}',
  '{beschreibung}',
  '',
  'Bitte sagen Sie über die Schaltflächen Ihres Kalenders zu oder ab.',
  '',
  'Mit freundlichen Grüßen',
  '{veranstalter}',
  '',
].join('\n');

/** The setting keys of the invitation section, in form order. */
export const INVITE_SETTING_KEYS = [
  'organizer_name',
  'organizer_email',
  'invite_subject',
  'invite_template',
  'smtp_url',
  'smtp_user',
  'smtp_per_minute',
] as const;

export type InviteSettingKey = (typeof INVITE_SETTING_KEYS)[number];

export type InviteSettingsForm = Record<InviteSettingKey, string> & { smtp_password: string };

export function emptyInviteSettings(): InviteSettingsForm {
  return {
    organizer_name: '',
    organizer_email: '',
    invite_subject: '',
    invite_template: '',
    smtp_url: '',
    smtp_user: '',
    smtp_per_minute: '',
    smtp_password: '',
  };
}

/** Input id of a setting in the form. */
export function settingInputId(key: InviteSettingKey | 'smtp_password'): string {
  return `set-${key.replace(/_/g, '-')}`;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s.]+$/;

/** Problems of the invitation settings, as codes by input id (in form order). */
export function inviteSettingsProblems(f: InviteSettingsForm): Record<string, string> {
  const p: Record<string, string> = {};
  const email = f.organizer_email.trim();
  if (email !== '' && !EMAIL.test(email)) p[settingInputId('organizer_email')] = 'email_invalid';
  const url = f.smtp_url.trim();
  if (url !== '' && !/^smtps?:\/\/[^\s/@]+(:\d{1,5})?\/?$/i.test(url)) p[settingInputId('smtp_url')] = 'smtp_url_invalid';
  const n = f.smtp_per_minute.trim();
  if (n !== '' && !(/^\d+$/.test(n) && Number(n) >= 1 && Number(n) <= 1000)) {
    p[settingInputId('smtp_per_minute')] = 'per_minute_invalid';
  }
  if (f.smtp_password !== '' && (url === '' || f.smtp_user.trim() === '')) {
    p[settingInputId('smtp_password')] = 'password_needs_server';
  }
  return p;
}

/** The values to store (trimmed; the template keeps its inner line breaks). */
export function inviteSettingValues(f: InviteSettingsForm): Record<InviteSettingKey, string> {
  const out = {} as Record<InviteSettingKey, string>;
  for (const k of INVITE_SETTING_KEYS) {
    out[k] = k === 'invite_template' ? f[k].replace(/\s+$/, '') : f[k].trim();
  }
  return out;
}

/** Whether sending by e-mail is set up far enough to try (a server address). */
export function smtpConfigured(url: string | null | undefined): boolean {
  return (url ?? '').trim() !== '';
}
