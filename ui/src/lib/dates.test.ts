import { describe, expect, it } from 'vitest';
import { datePattern, formatDate, parseDate } from './dates';

describe('date fields (not the system format)', () => {
  it('German shows and reads TT.MM.JJJJ', () => {
    expect(formatDate('2026-12-03', 'de')).toBe('03.12.2026');
    expect(parseDate('03.12.2026', 'de')).toBe('2026-12-03');
    expect(parseDate(' 3.12.2026 ', 'de')).toBe('2026-12-03');
    expect(parseDate('2026-12-03', 'de')).toBe('2026-12-03');
    expect(datePattern('de')).toBe('TT.MM.JJJJ');
  });

  it('English keeps the unambiguous ISO form and refuses day/month guesses', () => {
    expect(formatDate('2026-12-03', 'en')).toBe('2026-12-03');
    expect(parseDate('2026-12-03', 'en')).toBe('2026-12-03');
    expect(parseDate('12/03/2026', 'en')).toBeNull();
    expect(parseDate('03.12.2026', 'en')).toBeNull();
  });

  it('refuses days that do not exist and other text', () => {
    for (const bad of ['31.02.2026', '29.02.2025', '00.01.2026', '12/03/2026', '', 'morgen', '1.1.26']) {
      expect(parseDate(bad, 'de'), bad).toBeNull();
    }
    expect(parseDate('29.02.2028', 'de')).toBe('2028-02-29');
    expect(formatDate('kein Datum', 'de')).toBe('kein Datum');
  });
});
