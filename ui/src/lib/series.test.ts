import { describe, expect, it } from 'vitest';
import type { SeriesMatrix } from '../backend';
import { matrixCellText, matrixColumns, matrixRows } from './series';

const m: SeriesMatrix = {
  series: {
    id: 7,
    name: 'Netzwerktreffen',
    events: [
      { event_id: 1, uid: 'a', occurrence: '', title: 'Treffen 1', start: '2025-01-15T13:00:00Z' },
      { event_id: 2, uid: 'b', occurrence: '', title: 'Treffen 2', start: '2025-02-15' },
      { event_id: 3, uid: 'c', occurrence: '', title: 'Treffen 3', start: '2025-03-15T13:00:00Z' },
    ],
  },
  mine: ['attended', null, 'registered'],
  rows: [
    { contact_id: 10, name: 'Jördis Müller', statuses: ['attended', 'registered', null] },
    // A short row (defensive): missing statuses are shown as "–".
    { contact_id: 11, name: 'Kai Brandt', statuses: ['interested'] },
  ],
};

describe('matrixCellText', () => {
  it('names each status in words, and "–" for nothing recorded', () => {
    expect(matrixCellText('attended', 'de')).toBe('teilgenommen');
    expect(matrixCellText('registered', 'de')).toBe('angemeldet');
    expect(matrixCellText('interested', 'de')).toBe('interessiert');
    expect(matrixCellText(null, 'de')).toBe('–');
    expect(matrixCellText(undefined, 'de')).toBe('–');
    expect(matrixCellText('attended', 'en')).not.toBe('teilgenommen');
  });
});

describe('matrixRows', () => {
  it('starts with "Ich" from mine, then one row per contact, one cell per event', () => {
    const rows = matrixRows(m, 'de');
    expect(rows.map((r) => r.name)).toEqual(['Ich', 'Jördis Müller', 'Kai Brandt']);
    expect(rows[0]).toMatchObject({ mine: true, cells: ['teilgenommen', '–', 'angemeldet'] });
    expect(rows[1]).toMatchObject({ mine: false, cells: ['teilgenommen', 'angemeldet', '–'] });
    expect(rows[2].cells).toEqual(['interessiert', '–', '–']);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });

  it('has only the own row when no contact is recorded', () => {
    const rows = matrixRows({ ...m, rows: [] }, 'en');
    expect(rows).toHaveLength(1);
    expect(rows[0].name).toBe('Me');
  });
});

describe('matrixColumns', () => {
  it('gives title and date of each event in order, dates in the zone', () => {
    const cols = matrixColumns(m.series.events, 'de', 'Europe/Berlin');
    expect(cols.map((c) => c.title)).toEqual(['Treffen 1', 'Treffen 2', 'Treffen 3']);
    expect(cols[0].date).toContain('15.01.2025');
    expect(cols[0].date).toContain('14:00');
    expect(cols[1].date).toBe('15.02.2025');
    expect(cols[1].datetime).toBe('2025-02-15');
  });
});
