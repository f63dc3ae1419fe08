// The recently deleted contacts (issue 14): how long they are kept, and how a row says why it
// is there. The rules themselves are the core's (crates/core/src/settings.rs); the form checks
// the same range first so the user gets the message without a round trip.
import type { DeletedContact } from '../backend';

/** Days a deleted contact is kept when the user has not chosen (core: DEFAULT_DELETED_KEEP_DAYS). */
export const DEFAULT_KEEP_DAYS = 30;
/** The days the user may choose (core: DELETED_KEEP_DAYS_RANGE). */
export const MIN_KEEP_DAYS = 1;
export const MAX_KEEP_DAYS = 3650;

/** The number of days typed into the form, or null when it is not a whole number in range. */
export function parseKeepDays(value: string): number | null {
  const s = value.trim();
  if (!/^\d{1,4}$/.test(s)) return null;
  const n = Number(s);
  return n >= MIN_KEEP_DAYS && n <= MAX_KEEP_DAYS ? n : null;
}

/** The stored setting as the core reads it: the default when unset or not a valid number. */
export function keepDaysOf(stored: string | null): number {
  return (stored === null ? null : parseKeepDays(stored)) ?? DEFAULT_KEEP_DAYS;
}

/** The catalogue key and values for a row's reason: deleted, or merged into someone. */
export function reasonText(d: DeletedContact): { key: string; params: { name: string } } {
  if (d.reason === 'merged') {
    return { key: 'deleted.reason.merged', params: { name: d.merged_into_name ?? `#${d.merged_into ?? '?'}` } };
  }
  return { key: 'deleted.reason.deleted', params: { name: d.name } };
}
