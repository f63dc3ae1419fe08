import { describe, expect, it } from 'vitest';
import type { FeedCounts } from '../backend';
import { occurrence } from '../dev/fixtures/occurrence';
import {
  addDays,
  allDayLength,
  dayInZone,
  emptyFeedForm,
  feedFormProblems,
  feedInput,
  filterOccurrences,
  formatAllDayRange,
  formatDayHeading,
  formatFullTime,
  formatRowTime,
  groupByDay,
  isTimeZone,
  matchesQuery,
  occurrenceDay,
  organizerText,
  otherZone,
  periodBounds,
  statusKey,
  syncResultText,
  syncSummary,
  timeZoneChoices,
  toRfc3339,
  toRows,
  zoneOffset,
} from './events';

// Intl output differs in its spaces between ICU versions (narrow no-break, thin space …).
const norm = (s: string) => s.replace(/[\u00a0\u2009\u202f]/g, ' ');

const occ = occurrence;

function counts(c: Partial<FeedCounts>): FeedCounts {
  return { added: 0, updated: 0, cancelled: 0, removed: 0, unchanged: 0, not_modified: false, warnings: [], ...c };
}

describe('days in a zone', () => {
  it('puts an instant on the day of the user’s zone', () => {
    // 23:30 UTC on 2 December is already 3 December in Berlin, still 2 December in New York.
    const d = new Date('2026-12-02T23:30:00Z');
    expect(dayInZone(d, 'Europe/Berlin')).toBe('2026-12-03');
    expect(dayInZone(d, 'UTC')).toBe('2026-12-02');
    expect(dayInZone(d, 'America/New_York')).toBe('2026-12-02');
  });

  it('takes all-day dates as they are, in every zone', () => {
    expect(occurrenceDay({ start: '2026-12-24', all_day: true }, 'America/New_York')).toBe('2026-12-24');
    expect(occurrenceDay({ start: '2026-12-24', all_day: true }, 'Asia/Tokyo')).toBe('2026-12-24');
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
  });

  it('writes day headings in the language', () => {
    expect(formatDayHeading('2026-12-03', 'de')).toBe('Donnerstag, 3. Dezember 2026');
    expect(formatDayHeading('2026-12-03', 'en')).toBe('Thursday, 3 December 2026');
  });

  it('groups occurrences by day in the zone, all-day first, oldest first', () => {
    const rows = toRows([
      occ({ title: 'late', start: '2026-12-02T23:30:00Z', end: '2026-12-03T00:30:00Z', event_id: 1 }),
      occ({ title: 'morning', start: '2026-12-03T08:00:00Z', end: '2026-12-03T09:00:00Z', event_id: 2 }),
      occ({ title: 'all day', start: '2026-12-03', end: '2026-12-04', all_day: true, event_id: 3 }),
      occ({ title: 'before', start: '2026-12-02T10:00:00Z', end: '2026-12-02T11:00:00Z', event_id: 4 }),
    ]);
    const berlin = groupByDay(rows, 'Europe/Berlin');
    expect(berlin.map((g) => [g.day, g.rows.map((r) => r.occ.title)])).toEqual([
      ['2026-12-02', ['before']],
      ['2026-12-03', ['all day', 'late', 'morning']],
    ]);
    const utc = groupByDay(rows, 'UTC');
    expect(utc.map((g) => [g.day, g.rows.map((r) => r.occ.title)])).toEqual([
      ['2026-12-02', ['before', 'late']],
      ['2026-12-03', ['all day', 'morning']],
    ]);
  });

  it('lists the past newest first', () => {
    const rows = toRows([
      occ({ title: 'a', start: '2026-01-01T10:00:00Z', end: '2026-01-01T11:00:00Z', event_id: 1 }),
      occ({ title: 'b', start: '2026-01-01T12:00:00Z', end: '2026-01-01T13:00:00Z', event_id: 2 }),
      occ({ title: 'c', start: '2026-02-01T10:00:00Z', end: '2026-02-01T11:00:00Z', event_id: 3 }),
    ]);
    const g = groupByDay(rows, 'Europe/Berlin', true);
    expect(g.map((x) => x.day)).toEqual(['2026-02-01', '2026-01-01']);
    expect(g[1].rows.map((r) => r.occ.title)).toEqual(['b', 'a']);
  });

  it('gives every row a unique key, even for look-alike occurrences', () => {
    const o = occ({ title: 'x', start: '2026-01-01T10:00:00Z', end: '2026-01-01T11:00:00Z' });
    const keys = toRows([o, o, { ...o, start: '2026-01-08T10:00:00Z' }]).map((r) => r.key);
    expect(new Set(keys).size).toBe(3);
  });
});

describe('all-day events (end exclusive)', () => {
  it('shows the last day, not the exclusive end', () => {
    expect(norm(formatAllDayRange('2026-12-24', '2026-12-27', 'de'))).toBe('24.–26. Dezember 2026');
    expect(norm(formatAllDayRange('2026-12-24', '2026-12-27', 'en'))).toMatch(/^24\s?–\s?26 December 2026$/);
  });

  it('shows one date for a one-day event', () => {
    expect(formatAllDayRange('2026-12-24', '2026-12-25', 'de')).toBe('24. Dezember 2026');
    // A broken end (same day or missing) still shows the start.
    expect(formatAllDayRange('2026-12-24', '2026-12-24', 'de')).toBe('24. Dezember 2026');
  });

  it('spans months and years', () => {
    expect(norm(formatAllDayRange('2026-12-30', '2027-01-03', 'de'))).toBe('30. Dezember 2026 – 2. Januar 2027');
    expect(allDayLength('2026-12-30', '2027-01-03')).toBe(4);
  });

  it('says "ganztägig" in the list, with the dates for several days', () => {
    expect(formatRowTime({ start: '2026-12-24', end: '2026-12-25', all_day: true }, 'Europe/Berlin', 'de')).toBe('ganztägig');
    expect(formatRowTime({ start: '2026-12-24', end: '2026-12-25', all_day: true }, 'Europe/Berlin', 'en')).toBe('all day');
    expect(norm(formatRowTime({ start: '2026-12-24', end: '2026-12-27', all_day: true }, 'Europe/Berlin', 'de'))).toBe(
      'ganztägig, 24.–26. Dezember 2026',
    );
  });
});

describe('times', () => {
  const o = { start: '2026-12-03T08:30:00Z', end: '2026-12-03T10:00:00Z', all_day: false };

  it('shows the time range in the user’s zone', () => {
    expect(norm(formatRowTime(o, 'Europe/Berlin', 'de'))).toMatch(/^09:30\s?–\s?11:00/);
    expect(norm(formatRowTime(o, 'Europe/London', 'en'))).toMatch(/^08:30\s?–\s?10:00/);
    expect(norm(formatFullTime(o, 'Europe/Berlin', 'de'))).toMatch(/^Donnerstag, 3\. Dezember 2026.*09:30\s?–\s?11:00/);
  });

  it('shows dates when a timed event ends on another day', () => {
    const s = norm(formatRowTime({ start: '2026-12-03T20:00:00Z', end: '2026-12-04T10:00:00Z', all_day: false }, 'Europe/Berlin', 'de'));
    expect(s).toMatch(/3\.12\..*21:00/);
    expect(s).toMatch(/4\.12\..*11:00/);
  });

  it('measures zone offsets, with summer time', () => {
    expect(zoneOffset(new Date('2026-12-03T08:30:00Z'), 'Europe/Berlin')).toBe(60);
    expect(zoneOffset(new Date('2026-07-03T08:30:00Z'), 'Europe/Berlin')).toBe(120);
    expect(zoneOffset(new Date('2026-07-03T08:30:00Z'), 'UTC')).toBe(0);
    expect(zoneOffset(new Date('2026-07-03T08:30:00Z'), 'America/New_York')).toBe(-240);
  });
});

describe('time in the event’s own zone', () => {
  const base = { start: '2026-12-03T15:00:00Z', end: '2026-12-03T16:30:00Z', all_day: false };

  it('is shown when the event’s zone has another clock time', () => {
    expect(otherZone({ ...base, tzid: 'Europe/London' }, 'Europe/Berlin')).toBe('Europe/London');
    expect(otherZone({ ...base, tzid: 'America/New_York' }, 'Europe/Berlin')).toBe('America/New_York');
  });

  it('is not shown for the same zone, no zone, all-day events or unknown zones', () => {
    expect(otherZone({ ...base, tzid: 'Europe/Berlin' }, 'Europe/Berlin')).toBeNull();
    expect(otherZone({ ...base, tzid: null }, 'Europe/Berlin')).toBeNull();
    expect(otherZone({ start: '2026-12-03', end: '2026-12-04', all_day: true, tzid: 'Europe/London' }, 'Europe/Berlin')).toBeNull();
    expect(otherZone({ ...base, tzid: 'Mitteleuropäische Zeit' }, 'Europe/Berlin')).toBeNull();
  });

  it('is not shown for another zone with the same clock time', () => {
    expect(otherZone({ ...base, tzid: 'Europe/Vienna' }, 'Europe/Berlin')).toBeNull();
  });

  it('follows the user’s zone', () => {
    expect(otherZone({ ...base, tzid: 'Europe/London' }, 'Europe/London')).toBeNull();
    expect(otherZone({ ...base, tzid: 'Europe/Berlin' }, 'Europe/London')).toBe('Europe/Berlin');
  });
});

describe('search', () => {
  const events = [
    occ({ title: 'Schulung für Kommunen', start: '2026-12-03T08:00:00Z', end: '2026-12-03T09:00:00Z', location: 'Düsseldorf' }),
    occ({ title: 'Jour fixe', start: '2026-12-04T08:00:00Z', end: '2026-12-04T09:00:00Z', description: 'Thema: Straßenverkehr\nund Zulassung' }),
    occ({ title: 'Café-Runde', start: '2026-12-05T08:00:00Z', end: '2026-12-05T09:00:00Z', organizer: 'mailto:weiss@fitko.example' }),
  ];

  it('ignores case, umlauts, ß and accents in title, location, description and organiser', () => {
    expect(filterOccurrences(events, 'SCHULUNG fuer').map((e) => e.title)).toEqual(['Schulung für Kommunen']);
    expect(filterOccurrences(events, 'dusseldorf').map((e) => e.title)).toEqual(['Schulung für Kommunen']);
    expect(filterOccurrences(events, 'Duesseldorf').map((e) => e.title)).toEqual(['Schulung für Kommunen']);
    expect(filterOccurrences(events, 'strasse').map((e) => e.title)).toEqual(['Jour fixe']);
    expect(filterOccurrences(events, 'cafe').map((e) => e.title)).toEqual(['Café-Runde']);
    expect(filterOccurrences(events, 'weiß').map((e) => e.title)).toEqual(['Café-Runde']);
  });

  it('needs every word, and an empty query keeps everything', () => {
    expect(matchesQuery(events[1], 'jour zulassung')).toBe(true);
    expect(matchesQuery(events[1], 'jour kommunen')).toBe(false);
    expect(filterOccurrences(events, '  ').length).toBe(3);
  });

  it('shows the organiser without mailto:', () => {
    expect(organizerText('MAILTO:a@b.example')).toBe('a@b.example');
    expect(organizerText(null)).toBe('');
  });
});

describe('status', () => {
  it('names every status that must be shown', () => {
    expect(statusKey('cancelled')).toBe('events.status.cancelled');
    expect(statusKey('removed')).toBe('events.status.removed');
    expect(statusKey('tentative')).toBe('events.status.tentative');
    expect(statusKey('confirmed')).toBeNull();
  });
});

describe('sync results', () => {
  it('sums up counts as the issue asks', () => {
    const c = counts({ added: 3, updated: 1, cancelled: 1, removed: 0, unchanged: 5 });
    expect(syncResultText({ feed_id: 1, name: 'FITKO', counts: c, error: null }, 'de')).toBe(
      'FITKO: 3 neu, 1 geändert, 1 abgesagt, 0 entfernt, 5 unverändert',
    );
    expect(syncResultText({ feed_id: 1, name: 'FITKO', counts: c, error: null }, 'en')).toBe(
      'FITKO: 3 new, 1 changed, 1 cancelled, 0 removed, 5 unchanged',
    );
  });

  it('says 304 and warnings', () => {
    expect(syncResultText({ feed_id: 1, name: 'FITKO', counts: counts({ not_modified: true }), error: null }, 'de')).toBe(
      'FITKO: keine Änderungen (304)',
    );
    const w = counts({ unchanged: 2, warnings: ['line 1: x', 'line 2: y'] });
    expect(syncResultText({ feed_id: 1, name: 'Land', counts: w, error: null }, 'de')).toBe(
      'Land: 0 neu, 0 geändert, 0 abgesagt, 0 entfernt, 2 unverändert, 2 Hinweise',
    );
  });

  it('says a full disk in the user\'s language', () => {
    const error = 'the disk is full: the last change could not be saved (database or disk is full)';
    expect(syncResultText({ feed_id: 1, name: 'FITKO', counts: null, error }, 'de')).toMatch(
      /^FITKO: Fehler – Der Speicherplatz ist voll\./,
    );
    expect(syncResultText({ feed_id: 1, name: 'FITKO', counts: null, error }, 'en')).toMatch(/^FITKO: error – The disk is full\./);
  });

  it('gives the error in plain words, and joins several feeds', () => {
    const r = [
      { feed_id: 1, name: 'FITKO', counts: counts({ not_modified: true }), error: null },
      { feed_id: 2, name: 'OZG-Taskforce', counts: null, error: 'The server at x did not answer.' },
    ];
    expect(syncSummary(r, 'de')).toBe('FITKO: keine Änderungen (304). OZG-Taskforce: Fehler – The server at x did not answer.');
    expect(syncSummary([r[1], r[0]], 'de')).toBe('OZG-Taskforce: Fehler – The server at x did not answer. FITKO: keine Änderungen (304)');
    expect(syncSummary([], 'en')).toBe('No calendars to update.');
  });
});

describe('window and zones', () => {
  it('asks for twelve months ahead or back, in RFC 3339 UTC', () => {
    const now = new Date('2026-11-22T08:30:15.123Z');
    expect(periodBounds('upcoming', now)).toEqual({ from: '2026-11-22T08:30:15Z', to: '2027-11-22T08:30:15Z' });
    expect(periodBounds('past', now)).toEqual({ from: '2025-11-22T08:30:15Z', to: '2026-11-22T08:30:15Z' });
    expect(toRfc3339(new Date('2026-01-01T00:00:00Z'))).toBe('2026-01-01T00:00:00Z');
  });

  it('knows real zones and offers the common ones first', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    const c = timeZoneChoices('Asia/Kolkata', ['Asia/Kolkata', 'Europe/Berlin', 'Africa/Abidjan']);
    expect(c.common[0]).toBe('Europe/Berlin');
    expect(c.common).toContain('Asia/Kolkata');
    expect(c.other).toEqual(['Africa/Abidjan']);
  });
});

describe('feed form', () => {
  it('asks for the address, and user and secret when a login is chosen', () => {
    expect(feedFormProblems(emptyFeedForm())).toEqual({ 'feed-url': 'feed.url_required' });
    expect(feedFormProblems({ ...emptyFeedForm(), url: 'webcal://x.example/a.ics', auth: 'basic' })).toEqual({
      'feed-user': 'feed.user_required',
      'feed-secret': 'feed.secret_required',
    });
    expect(feedFormProblems({ ...emptyFeedForm(), url: 'https://x', auth: 'bearer', secret: 't' })).toEqual({});
  });

  it('builds the backend input; the secret only with a login', () => {
    expect(feedInput({ url: ' https://x.example/a.ics ', name: ' ', auth: 'none', user: 'u', secret: 's' })).toEqual({
      url: 'https://x.example/a.ics',
      name: null,
      auth: { kind: 'none' },
      secret: null,
    });
    expect(feedInput({ url: 'https://x', name: 'FITKO', auth: 'basic', user: ' anna ', secret: 'geheim' })).toEqual({
      url: 'https://x',
      name: 'FITKO',
      auth: { kind: 'basic', user: 'anna' },
      secret: 'geheim',
    });
    expect(feedInput({ url: 'https://x', name: '', auth: 'bearer', user: 'anna', secret: 'tok' }).auth).toEqual({ kind: 'bearer' });
  });
});
