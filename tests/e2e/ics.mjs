// iCalendar text for the tests' feeds, built the same way in every test: times relative to now
// (so "upcoming" events stay upcoming), CRLF lines, and a file the CLI imports as a local feed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './harness.mjs';

/** A UTC date-time `daysAhead` days from now at `hourUtc` o'clock, as iCalendar writes it. */
export function icsTime(daysAhead, hourUtc) {
  const d = new Date(Date.now() + daysAhead * 86_400_000);
  d.setUTCHours(hourUtc, 0, 0, 0);
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** A date `daysAhead` days from now, as iCalendar writes an all-day event's day. */
export function icsDate(daysAhead) {
  return new Date(Date.now() + daysAhead * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
}

/**
 * The lines of one timed event: its UID and stamp, `daysAhead` days from now from `fromHour` to
 * `toHour` (UTC), its title, then any further property lines.
 */
export function vevent(uid, daysAhead, [fromHour, toHour], summary, ...more) {
  return [
    `UID:${uid}`,
    'DTSTAMP:20261101T000000Z',
    `DTSTART:${icsTime(daysAhead, fromHour)}`,
    `DTEND:${icsTime(daysAhead, toHour)}`,
    `SUMMARY:${summary}`,
    ...more,
  ];
}

/** A calendar's text around `events` (each a list of property lines), after the `head` lines. */
export function calendar(events, head = []) {
  const body = events.flatMap((e) => ['BEGIN:VEVENT', ...e, 'END:VEVENT']);
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', ...head, ...body, 'END:VCALENDAR', ''].join('\r\n');
}

/** Writes `text` as `name` next to the database `db` and imports it with the CLI as a local feed. */
export function importFeed(db, name, text) {
  const ics = join(db, '..', name);
  writeFileSync(ics, text);
  cli(db, 'feed', 'import', ics);
}
