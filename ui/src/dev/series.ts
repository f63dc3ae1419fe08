// Mock domain: event series (suggestions from the calendar, confirmed series and who came to
// which of their events).
import type { AttendanceStatus, EventRef, Series, SeriesMatrix, SeriesSuggestion } from '../backend';
import { contacts, named, sortKey, type Stored } from './contacts';
import { eventById, occs } from './events';
import { attendanceKey, attendances, type EventAttendance } from './networking';
import { at, clone, invalid, nextId, notFound } from './state';
import type { MockHandlers } from './types';

let suggestions: SeriesSuggestion[] = [];
const seriesList: Series[] = [];
/** Attendance of the seeded series' events, which are not in the calendar (keeps the timeline simple). */
const seriesAttendance = new Map<string, EventAttendance>();

function confirmSeries(name: string, eventIds: number[]): number {
  if (!name.trim() || eventIds.length === 0) {
    throw invalid('series_invalid', 'series', 'a series needs a name and at least one event');
  }
  const events = eventIds.map(eventById).sort((x, y) => x.start.localeCompare(y.start));
  const id = nextId();
  seriesList.push({ id, name: name.trim(), events });
  suggestions = suggestions.filter((s) => !s.event_ids.some((e) => eventIds.includes(e)));
  return id;
}

function seriesMatrix(id: number): SeriesMatrix {
  const series = seriesList.find((s) => s.id === id);
  if (!series) throw notFound(`series ${id} not found`);
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

/** Two suggestions from the calendar and one series (three past meetings, three contacts). */
export function seedSeries(): void {
  const ids = (...titles: string[]) =>
    titles.flatMap((title) => occs.filter((o) => o.title === title && o.recurrence_id === null).map((o) => o.event_id));
  suggestions = [
    { name: 'OZG-Konferenz', event_ids: ids('OZG-Konferenz 2025: Rückblick', 'OZG-Erfahrungsaustausch der Länder') },
    { name: 'Schulungen für Kommunen', event_ids: ids('FIM-Schulung: Leistungsbeschreibungen', 'Workshop Registermodernisierung') },
  ].filter((s) => s.event_ids.length > 0);
  const events: EventRef[] = [-120, -90, -60].map((days, i) => ({
    event_id: nextId(),
    uid: `netzwerktreffen-${i + 1}@ozg-koordination.example.de`,
    occurrence: '',
    title: `Netzwerktreffen OZG-Koordination, Treffen ${i + 1}`,
    start: at(days, 14),
  }));
  seriesList.push({ id: nextId(), name: 'Netzwerktreffen OZG-Koordination', events });
  const people = [named('Jördis Müller'), named('Dr. Kai Brandt'), contacts[0]].filter((c): c is Stored => !!c);
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

export const seriesHandlers = {
  series_suggestions: () => clone(suggestions),
  series_confirm: ({ name, eventIds }) => confirmSeries(name, eventIds),
  series_list: () => clone(seriesList),
  series_matrix: ({ id }) => seriesMatrix(id),
} satisfies Partial<MockHandlers>;
