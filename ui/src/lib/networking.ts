// Pure logic of networking at events: file import (base64, CSV mapping, report), attendance,
// duplicates and the contact timeline. No Svelte, no backend calls: unit-tested in networking.test.ts.
import type {
  AttendanceStatus,
  Contact,
  CsvField,
  ImportPreview,
  ImportReport,
  Occurrence,
  TimelineItem,
} from '../backend';
import { ADDRESS_FIELDS } from './contacts';
import { type Lang, formatDateTime, localeOf, TIME_ZONE, translate } from './i18n';

// --- Files ---

/** Bytes per chunk: a multiple of 3, so the base64 of the chunks can simply be joined. */
const B64_CHUNK = 3 * 8192;

/**
 * The bytes of a file as base64 (what the import commands expect). Works chunk by chunk, so a
 * large file neither overflows the stack (spread of millions of arguments) nor builds one huge
 * binary string.
 */
export function bytesToBase64(data: ArrayBuffer | Uint8Array): string {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += B64_CHUNK) {
    const chunk = bytes.subarray(i, i + B64_CHUNK);
    let bin = '';
    for (let j = 0; j < chunk.length; j++) bin += String.fromCharCode(chunk[j]);
    parts.push(btoa(bin));
  }
  return parts.join('');
}

/** The backend refuses files above 60 MB; the dialog says so before sending them. */
export const MAX_IMPORT_BYTES = 60 * 1024 * 1024;

/** The event whose attendee list is imported: everyone in the file is recorded as attendee. */
export interface ImportEvent {
  uid: string;
  occurrence: string | null;
  title: string;
}

/** What the file input accepts. */
export const IMPORT_ACCEPT = '.csv,.vcf,.txt,.png,.jpg,.jpeg,text/csv,text/vcard,image/png,image/jpeg';

// --- CSV mapping ---

/** The fields a CSV column can be mapped to, in the order the select offers them. */
export const CSV_FIELDS: readonly CsvField[] = [
  'given_name',
  'family_name',
  'full_name',
  'title',
  'role',
  'organization',
  'level',
  'land',
  'official_key',
  'email',
  'phone',
  ...ADDRESS_FIELDS,
  'website',
  'tags',
  'themenfeld',
  'note',
  'ignore',
];

export function isCsvField(v: unknown): v is CsvField {
  return typeof v === 'string' && (CSV_FIELDS as readonly string[]).includes(v);
}

/** Catalogue key of the label of a field ("Vorname", "— ignorieren —"). */
export function fieldLabelKey(f: CsvField): string {
  return `csv_field.${f}`;
}

export function fieldLabel(f: CsvField, lang: Lang): string {
  return translate(lang, fieldLabelKey(f));
}

/** The header of a column as shown: its text, or "Spalte 3" when the file left it empty. */
export function columnName(headers: readonly string[], i: number, lang: Lang): string {
  const h = (headers[i] ?? '').trim();
  return h !== '' ? h : translate(lang, 'import.column_n', { n: i + 1 });
}

/** Accessible name of the select above column `i`: "Spalte 3 „E-Mail“: Inhalt". */
export function columnSelectLabel(headers: readonly string[], i: number, lang: Lang): string {
  return translate(lang, 'import.map_label', { n: i + 1, name: columnName(headers, i, lang) });
}

/**
 * The mapping the dialog starts with: the one remembered for this header row if it fits the
 * columns, else the detected one; padded with 'ignore' to one field per column.
 */
export function initialMapping(p: ImportPreview): CsvField[] {
  const csv = p.csv;
  if (!csv) return [];
  const n = Math.max(csv.headers.length, ...csv.sample.map((r) => r.length), 0);
  const remembered = p.remembered?.columns;
  const base =
    remembered && remembered.length === csv.headers.length && remembered.every(isCsvField)
      ? remembered
      : csv.mapping.columns;
  const out: CsvField[] = [];
  for (let i = 0; i < n; i++) {
    const f = base[i];
    out.push(isCsvField(f) ? f : 'ignore');
  }
  return out;
}

/** Whether the starting mapping came from an earlier import. */
export function usesRemembered(p: ImportPreview): boolean {
  const r = p.remembered?.columns;
  return !!p.csv && !!r && r.length === p.csv.headers.length;
}

/** The fields mapped more than once, except those that may repeat (e-mail, phone, tags, note, ignore). */
export function repeatedFields(mapping: readonly CsvField[]): CsvField[] {
  const repeatable: readonly CsvField[] = ['email', 'phone', 'tags', 'note', 'themenfeld', 'ignore'];
  const seen = new Set<CsvField>();
  const twice = new Set<CsvField>();
  for (const f of mapping) {
    if (repeatable.includes(f)) continue;
    if (seen.has(f)) twice.add(f);
    seen.add(f);
  }
  return [...twice];
}

/** Whether anything that names a person is mapped (else every row would be skipped). */
export function mapsAName(mapping: readonly CsvField[]): boolean {
  return mapping.some((f) => f === 'given_name' || f === 'family_name' || f === 'full_name' || f === 'email');
}

/** Catalogue key naming a delimiter ("Semikolon"), or null for an unusual one shown as is. */
export function delimiterKey(d: string): string | null {
  switch (d) {
    case ';':
      return 'import.delimiter.semicolon';
    case ',':
      return 'import.delimiter.comma';
    case '\t':
      return 'import.delimiter.tab';
    case '|':
      return 'import.delimiter.pipe';
    default:
      return null;
  }
}

export function delimiterText(d: string, lang: Lang): string {
  const k = delimiterKey(d);
  return k ? translate(lang, k) : `„${d}“`;
}

// --- Import report ---

/** "3 importiert, 1 aktualisiert, 2 übersprungen, 1 neue Organisation". */
export function reportSummary(r: Pick<ImportReport, 'imported' | 'updated' | 'skipped' | 'organizations_created'>, lang: Lang): string {
  return [
    translate(lang, 'import.report.imported', { count: r.imported }),
    translate(lang, 'import.report.updated', { count: r.updated }),
    translate(lang, 'import.report.skipped', { count: r.skipped.length }),
    translate(lang, 'import.report.orgs', { count: r.organizations_created }),
  ].join(', ');
}

/** A skipped row: "Zeile 4: no name". Line 0 means the file as a whole. */
export function skippedText(s: { line: number; reason: string }, lang: Lang): string {
  return s.line > 0 ? translate(lang, 'import.report.line', { line: s.line, reason: s.reason }) : s.reason;
}

// --- Attendance ---

export const ATTENDANCE_STATUSES: readonly AttendanceStatus[] = ['interested', 'registered', 'attended'];

export function isAttendanceStatus(v: unknown): v is AttendanceStatus {
  return typeof v === 'string' && (ATTENDANCE_STATUSES as readonly string[]).includes(v);
}

export function attendanceLabel(s: AttendanceStatus | string, lang: Lang): string {
  return isAttendanceStatus(s) ? translate(lang, `attendance.status.${s}`) : s;
}

/** The `occurrence` argument of the attendance commands: the recurrence id of a repeating event. */
export function occurrenceArg(o: Pick<Occurrence, 'recurrence_id'>): string | null {
  return o.recurrence_id ?? null;
}

// --- Duplicates ---

/** What the duplicates view shows of a contact. */
export function duplicateFacts(c: Pick<Contact, 'organization' | 'emails' | 'phones' | 'notes'>): {
  organization: string;
  emails: string[];
  phones: string[];
  notes: number;
} {
  return { organization: c.organization ?? '', emails: [...c.emails], phones: [...c.phones], notes: c.notes.length };
}

// --- Timeline ---

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A stored time for the timeline: dates (YYYY-MM-DD) as dates, instants as date and time in `zone`. */
export function formatWhen(s: string, lang: Lang, zone: string = TIME_ZONE): string {
  if (DATE_ONLY.test(s)) {
    const d = new Date(`${s}T00:00:00Z`);
    if (Number.isNaN(d.getTime())) return s;
    return new Intl.DateTimeFormat(localeOf(lang), { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
  }
  return formatDateTime(s, lang, zone);
}

/** The first non-empty line of a text, shortened to `max` characters. */
export function firstLine(text: string, max = 160): string {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '')?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export interface TimelineEntry {
  /** Unique within a timeline (for keyed each). */
  key: string;
  kind: TimelineItem['kind'];
  /** "Termin", "Begegnung", "Notiz", "Wiedervorlage". */
  kindLabel: string;
  /** The machine-readable time for `<time datetime>`. */
  datetime: string;
  when: string;
  title: string;
  details: string[];
  /** For follow-ups: its id and whether it is done. */
  followUp?: { id: number; done: boolean };
}

/** One timeline entry as text: all from the backend is plain text, shown as such. */
export function timelineEntry(item: TimelineItem, lang: Lang, zone: string = TIME_ZONE): TimelineEntry {
  const tr = (k: string, p?: Record<string, string | number>) => translate(lang, k, p);
  const base = { kind: item.kind, kindLabel: tr(`timeline.kind.${item.kind}`), datetime: item.at, when: formatWhen(item.at, lang, zone) };
  switch (item.kind) {
    case 'event': {
      const details = [tr('timeline.event_status', { status: attendanceLabel(item.status, lang) })];
      if (item.my_status) details.push(tr('timeline.event_mine', { status: attendanceLabel(item.my_status, lang) }));
      return { ...base, key: `event-${item.event.event_id}-${item.event.occurrence}`, title: item.event.title, details };
    }
    case 'encounter': {
      const e = item.encounter;
      const title = e.event ? tr('timeline.met_at', { event: e.event.title }) : tr('timeline.met');
      const details: string[] = [];
      if (e.session) details.push(tr('timeline.session', { session: e.session }));
      if (e.note) details.push(e.note);
      return { ...base, key: `encounter-${e.id}`, title, details };
    }
    case 'note':
      return { ...base, key: `note-${item.note.id}`, title: firstLine(item.note.body), details: [] };
    case 'follow_up': {
      const f = item.follow_up;
      const done = f.done_at !== null;
      const state = done
        ? tr('timeline.follow_up_done', { date: formatWhen(f.done_at ?? '', lang, zone) })
        : tr('timeline.follow_up_open');
      return {
        ...base,
        key: `follow_up-${f.id}`,
        title: tr('timeline.follow_up_due', { date: formatWhen(f.due_date, lang, zone), text: f.text }),
        details: [state],
        followUp: { id: f.id, done },
      };
    }
  }
}

// --- Follow-ups ---

/** Today as YYYY-MM-DD in `zone`. */
export function todayIn(zone: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** Whether a follow-up due on `due` (YYYY-MM-DD) is overdue on `today`. */
export function isOverdue(due: string, today: string): boolean {
  return due < today;
}

/** Problems of the follow-up form, by input id. */
export function followUpProblems(due: string, text: string): Record<string, string> {
  const p: Record<string, string> = {};
  if (!DATE_ONLY.test(due.trim())) p['follow-up-due'] = 'follow_up.due_required';
  if (text.trim() === '') p['follow-up-text'] = 'follow_up.text_required';
  return p;
}
