import { describe, expect, it } from 'vitest';
import type { ImportPreview, TimelineItem } from '../backend';
import { catalogs } from './i18n';
import {
  CSV_FIELDS,
  attendanceLabel,
  bytesToBase64,
  columnName,
  columnSelectLabel,
  delimiterText,
  fieldLabel,
  fieldLabelKey,
  firstLine,
  followUpProblems,
  formatWhen,
  initialMapping,
  isOverdue,
  mapsAName,
  occurrenceArg,
  repeatedFields,
  reportSummary,
  skippedText,
  timelineEntry,
  todayIn,
  usesRemembered,
} from './networking';

/** The obvious (slow) reference: one binary string, one btoa. */
function reference(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

function decode(b64: string): Uint8Array {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

describe('bytesToBase64', () => {
  it('encodes like btoa, for every length around a chunk boundary', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 24575, 24576, 24577, 24578, 49153]) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);
      const expected = reference(bytes);
      expect(bytesToBase64(bytes), `length ${n}`).toBe(expected);
      expect(bytesToBase64(bytes.buffer), `buffer of length ${n}`).toBe(expected);
    }
  });

  it('handles a 5 MB file without overflowing the stack', () => {
    const bytes = new Uint8Array(5 * 1024 * 1024).map((_, i) => i & 0xff);
    const b64 = bytesToBase64(bytes.buffer);
    expect(b64.length).toBe(Math.ceil(bytes.length / 3) * 4);
    expect(b64).toBe(reference(bytes));
  });

  it('keeps umlauts of a UTF-8 file intact', () => {
    const bytes = new TextEncoder().encode('Vorname;Nachname\nJördis;Müller\n');
    expect(new TextDecoder().decode(decode(bytesToBase64(bytes)))).toBe('Vorname;Nachname\nJördis;Müller\n');
  });
});

describe('mapping labels', () => {
  it('has a German and an English label for every field', () => {
    for (const f of CSV_FIELDS) {
      expect(catalogs.de[fieldLabelKey(f)], f).toBeTruthy();
      expect(catalogs.en[fieldLabelKey(f)], f).toBeTruthy();
    }
    expect(CSV_FIELDS.map((f) => fieldLabel(f, 'de'))).toEqual([
      'Vorname',
      'Nachname',
      'Name (ganz)',
      'Titel',
      'Funktion',
      'Organisation',
      'Ebene',
      'Bundesland',
      'Amtlicher Schlüssel',
      'E-Mail',
      'Telefon',
      'Straße',
      'PLZ',
      'Ort',
      'Staat',
      'Website',
      'Schlagwörter',
      'Themenfeld',
      'Notiz',
      '— ignorieren —',
    ]);
  });

  it('names columns, also those without a header', () => {
    expect(columnName(['E-Mail', ' '], 0, 'de')).toBe('E-Mail');
    expect(columnName(['E-Mail', ' '], 1, 'de')).toBe('Spalte 2');
    expect(columnSelectLabel(['E-Mail'], 0, 'de')).toBe('Inhalt von Spalte 1 „E-Mail“');
    expect(columnSelectLabel(['E-Mail'], 0, 'en')).toBe('Content of column 1 “E-Mail”');
  });

  it('names delimiters', () => {
    expect(delimiterText(';', 'de')).toBe('Semikolon (;)');
    expect(delimiterText('\t', 'en')).toBe('tab');
    expect(delimiterText('#', 'de')).toBe('„#“');
  });
});

describe('initialMapping', () => {
  const preview = (remembered: string[] | null): ImportPreview => ({
    format: 'csv',
    csv: {
      source: 'generic',
      delimiter: ';',
      encoding: 'UTF-8',
      headers: ['Vorname', 'Nachname', 'Mail'],
      mapping: { columns: ['given_name', 'family_name', 'ignore'] },
      unmapped: [2],
      sample: [['Anna', 'Müller', 'anna@example.de']],
      rows: 1,
    },
    remembered: remembered ? { columns: remembered as never } : null,
    cards: null,
  });

  it('prefers the remembered mapping', () => {
    const p = preview(['given_name', 'family_name', 'email']);
    expect(initialMapping(p)).toEqual(['given_name', 'family_name', 'email']);
    expect(usesRemembered(p)).toBe(true);
  });

  it('falls back to the detected mapping when nothing (fitting) is remembered', () => {
    expect(initialMapping(preview(null))).toEqual(['given_name', 'family_name', 'ignore']);
    const wrong = preview(['email']);
    expect(initialMapping(wrong)).toEqual(['given_name', 'family_name', 'ignore']);
    expect(usesRemembered(wrong)).toBe(false);
  });

  it('pads to the widest row and replaces unknown fields', () => {
    const p = preview(null);
    p.csv!.sample = [['a', 'b', 'c', 'd']];
    p.csv!.mapping.columns = ['given_name', 'bogus' as never];
    expect(initialMapping(p)).toEqual(['given_name', 'ignore', 'ignore', 'ignore']);
  });

  it('is empty for vCard', () => {
    expect(initialMapping({ format: 'vcard', csv: null, remembered: null, cards: [3, 1] })).toEqual([]);
  });

  it('finds repeated fields and a missing name', () => {
    expect(repeatedFields(['given_name', 'email', 'email', 'given_name', 'ignore', 'ignore'])).toEqual(['given_name']);
    expect(mapsAName(['ignore', 'organization'])).toBe(false);
    expect(mapsAName(['ignore', 'email'])).toBe(true);
  });
});

describe('import report', () => {
  const report = {
    imported: 3,
    updated: 1,
    skipped: [{ line: 4, reason: 'no name' }, { line: 9, reason: '<b>bad</b>' }],
    organizations_created: 1,
  };

  it('summarises in German and English', () => {
    expect(reportSummary(report, 'de')).toBe('3 importiert, 1 aktualisiert, 2 übersprungen, 1 neue Organisation');
    expect(reportSummary({ ...report, organizations_created: 2 }, 'de')).toBe(
      '3 importiert, 1 aktualisiert, 2 übersprungen, 2 neue Organisationen',
    );
    expect(reportSummary({ imported: 1200, updated: 0, skipped: [], organizations_created: 0 }, 'en')).toBe(
      '1,200 imported, 0 updated, 0 skipped, 0 new organisations',
    );
  });

  it('gives skipped rows their line, markup stays text', () => {
    expect(skippedText(report.skipped[1], 'de')).toBe('Zeile 9: <b>bad</b>');
    expect(skippedText({ line: 0, reason: 'whole file' }, 'de')).toBe('whole file');
  });
});

describe('attendance', () => {
  it('labels statuses and picks the occurrence argument', () => {
    expect(attendanceLabel('registered', 'de')).toBe('angemeldet');
    expect(attendanceLabel('attended', 'en')).toBe('attended');
    expect(attendanceLabel('weird', 'de')).toBe('weird');
    expect(occurrenceArg({ recurrence_id: null })).toBeNull();
    expect(occurrenceArg({ recurrence_id: '2026-03-03T11:00:00Z' })).toBe('2026-03-03T11:00:00Z');
  });
});

describe('timeline', () => {
  const event = { event_id: 7, uid: 'konf@fitko.de', occurrence: '', title: 'OZG-Konferenz', start: '2026-03-03T08:00:00Z' };

  it('describes an attended event with my own status', () => {
    const item: TimelineItem = { kind: 'event', at: event.start, event, status: 'attended', my_status: 'attended' };
    const e = timelineEntry(item, 'de', 'Europe/Berlin');
    expect(e.kindLabel).toBe('Termin');
    expect(e.title).toBe('OZG-Konferenz');
    expect(e.when).toBe('03.03.2026, 09:00');
    expect(e.details).toEqual(['Teilnahme: teilgenommen', 'ich: teilgenommen']);
    const mine = timelineEntry({ ...item, my_status: null }, 'de');
    expect(mine.details).toEqual(['Teilnahme: teilgenommen']);
  });

  it('describes encounters with and without an event', () => {
    const enc = { id: 3, contact_id: 1, event, session: 'Panel', note: 'Unterlagen schicken', met_at: event.start };
    const e = timelineEntry({ kind: 'encounter', at: enc.met_at, encounter: enc }, 'de');
    expect(e.title).toBe('Getroffen bei OZG-Konferenz');
    expect(e.details).toEqual(['Sitzung: Panel', 'Unterlagen schicken']);
    const bare = timelineEntry({ kind: 'encounter', at: enc.met_at, encounter: { ...enc, event: null, session: null, note: null } }, 'en');
    expect(bare.title).toBe('Met');
    expect(bare.details).toEqual([]);
  });

  it('shows the first line of a note', () => {
    const note = { id: 5, body: '\n  Erstes Treffen.  \nZweite Zeile', created_at: '2025-01-15T09:30:00Z', updated_at: '2025-01-15T09:30:00Z' };
    const e = timelineEntry({ kind: 'note', at: note.created_at, note }, 'de');
    expect(e.title).toBe('Erstes Treffen.');
    expect(e.key).toBe('note-5');
  });

  it('describes open and done follow-ups', () => {
    const f = { id: 9, uid: 'f', contact_id: 1, contact_name: 'Anna', due_date: '2026-04-01', text: 'Anrufen', done_at: null };
    const open = timelineEntry({ kind: 'follow_up', at: f.due_date, follow_up: f }, 'de');
    expect(open.title).toBe('Fällig am 01.04.2026: Anrufen');
    expect(open.details).toEqual(['offen']);
    expect(open.followUp).toEqual({ id: 9, done: false });
    const done = timelineEntry({ kind: 'follow_up', at: f.due_date, follow_up: { ...f, done_at: '2026-03-30T10:00:00Z' } }, 'de');
    expect(done.details).toEqual(['erledigt am 30.03.2026, 12:00']);
    expect(done.followUp?.done).toBe(true);
  });

  it('formats dates and instants, and keeps what it cannot read', () => {
    expect(formatWhen('2026-04-01', 'en')).toBe('1 Apr 2026');
    expect(formatWhen('gestern', 'de')).toBe('gestern');
    expect(firstLine('x'.repeat(200), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(firstLine('')).toBe('');
  });
});

describe('follow-ups', () => {
  it('knows today in a zone and what is overdue', () => {
    const t = new Date('2026-03-31T23:30:00Z');
    expect(todayIn('Europe/Berlin', t)).toBe('2026-04-01');
    expect(todayIn('UTC', t)).toBe('2026-03-31');
    expect(isOverdue('2026-03-31', '2026-04-01')).toBe(true);
    expect(isOverdue('2026-04-01', '2026-04-01')).toBe(false);
  });

  it('checks the form', () => {
    expect(followUpProblems('', ' ')).toEqual({ 'follow-up-due': 'follow_up.due_required', 'follow-up-text': 'follow_up.text_required' });
    expect(followUpProblems('2026-04-01', 'Anrufen')).toEqual({});
  });
});
