import { describe, expect, it } from 'vitest';
import type { DeletedContact } from '../backend';
import { DEFAULT_KEEP_DAYS, keepDaysOf, parseKeepDays, reasonText } from './deleted';

const row = (over: Partial<DeletedContact>): DeletedContact => ({
  id: 7,
  name: 'Anna Adler',
  organization: null,
  deleted_at: '2026-11-02T09:00:00.000Z',
  reason: 'deleted',
  merged_into: null,
  merged_into_name: null,
  ...over,
});

describe('days to keep deleted contacts', () => {
  it('accepts whole numbers from 1 to 3650 only', () => {
    expect(parseKeepDays('30')).toBe(30);
    expect(parseKeepDays(' 1 ')).toBe(1);
    expect(parseKeepDays('3650')).toBe(3650);
    for (const bad of ['', '0', '3651', '-1', '1.5', 'dreißig', '99999', '1e3']) expect(parseKeepDays(bad), bad).toBeNull();
  });

  it('reads the stored setting with the default of 30, as the core does', () => {
    expect(DEFAULT_KEEP_DAYS).toBe(30);
    expect(keepDaysOf(null)).toBe(30);
    expect(keepDaysOf('60')).toBe(60);
    expect(keepDaysOf('0')).toBe(30);
    expect(keepDaysOf('kaputt')).toBe(30);
  });
});

describe('why a contact is in the list', () => {
  it('says deleted, or merged into whom', () => {
    expect(reasonText(row({})).key).toBe('deleted.reason.deleted');
    const merged = reasonText(row({ reason: 'merged', merged_into: 3, merged_into_name: 'Bernd Bauer' }));
    expect(merged).toEqual({ key: 'deleted.reason.merged', params: { name: 'Bernd Bauer' } });
    expect(reasonText(row({ reason: 'merged', merged_into: 3 })).params.name).toBe('#3');
  });
});
