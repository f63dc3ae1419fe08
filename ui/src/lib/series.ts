// Pure logic of event series: the attendance matrix as rows of text. No Svelte, no backend calls:
// unit-tested in series.test.ts.
import type { AttendanceStatus, EventRef, SeriesMatrix } from '../backend';
import { type Lang, TIME_ZONE, translate } from './i18n';
import { attendanceLabel, formatWhen } from './networking';

/** What a cell of the matrix says: the status as text, "–" when nothing is recorded. */
export function matrixCellText(s: AttendanceStatus | null | undefined, lang: Lang): string {
  return s ? attendanceLabel(s, lang) : '–';
}

export interface MatrixColumn {
  key: string;
  title: string;
  /** Machine-readable start for `<time datetime>`. */
  datetime: string;
  date: string;
}

export interface MatrixRow {
  key: string;
  /** "Ich" for the user's own row, else the contact's name. */
  name: string;
  mine: boolean;
  cells: string[];
}

/** The column headers: event title and date, in the order of the series. */
export function matrixColumns(events: readonly EventRef[], lang: Lang, zone: string = TIME_ZONE): MatrixColumn[] {
  return events.map((e, i) => ({
    key: `${e.event_id}-${e.occurrence}-${i}`,
    title: e.title,
    datetime: e.start,
    date: formatWhen(e.start, lang, zone),
  }));
}

/** The rows of the table: first "Ich" from `mine`, then one per contact; one cell per event. */
export function matrixRows(m: SeriesMatrix, lang: Lang): MatrixRow[] {
  const n = m.series.events.length;
  const cells = (statuses: readonly (AttendanceStatus | null)[]) =>
    Array.from({ length: n }, (_, i) => matrixCellText(statuses[i] ?? null, lang));
  return [
    { key: 'mine', name: translate(lang, 'series.me'), mine: true, cells: cells(m.mine) },
    ...m.rows.map((r) => ({ key: `contact-${r.contact_id}`, name: r.name, mine: false, cells: cells(r.statuses) })),
  ];
}
