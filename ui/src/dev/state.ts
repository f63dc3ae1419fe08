// Plumbing every domain of the development mock shares: ids, time, latency and the error shapes
// of src-tauri/src/error.rs. No domain state lives here except the sync's pending counter, which
// every writing domain bumps (see `touched`).
import type { BackendError, Written } from '../backend';

let lastId = 0;
/** The next id; one counter for every table, like the ids the UI never compares across kinds. */
export function nextId(): number {
  lastId += 1;
  return lastId;
}

/** A fresh UID (the value only has to be unique). */
export function uid(): string {
  return `mock-${lastId + 1}-${Math.random().toString(36).slice(2, 8)}`;
}

export const now = (): string => new Date().toISOString();
export const clone = <T>(v: T): T => structuredClone(v);

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Midnight UTC of today plus `days`, plus `hours` (UTC), as RFC 3339 without milliseconds. */
export function at(days: number, hours: number): string {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  return new Date(d.getTime() + days * DAY + hours * HOUR).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The date (YYYY-MM-DD) of today plus `days`. */
export function dateOnly(days: number): string {
  return at(days, 12).slice(0, 10);
}

let latency = 1;
/** Scales every simulated delay; 0 answers at once (tests). */
export function setLatency(scale: number): void {
  latency = scale;
}
/** Waits like a slow command would, so the UI's busy states show in development. */
export function delay(ms: number): Promise<void> {
  return latency === 0 ? Promise.resolve() : new Promise((r) => setTimeout(r, ms * latency));
}

export function invalid(code: string, field: string, message: string): BackendError {
  return { kind: 'validation', code, field, message };
}

export function notFound(message: string): BackendError {
  return { kind: 'not_found', message };
}

/** The settings table (the UI's whitelisted keys only). */
export const settings: Record<string, string> = {};

/** Local changes not yet on the sync server; counted only while an account is set up (dev/sync.ts). */
export const pending = { configured: false, count: 0 };

/** Records a local change for the sync status line. */
export function touched(): void {
  if (pending.configured) pending.count += 1;
}

export const DOWNLOADS = '/home/nutzer/Downloads';

/** What an export "wrote": file names in the chosen or the default folder. */
export function written(dir: string | null, names: string[]): Written {
  const d = dir?.trim() || DOWNLOADS;
  return { dir: d, files: names.map((n) => `${d}/${n}`) };
}

/** The text of a file the UI sent as base64; an import error when it did not arrive intact. */
export function decodeFile(data: string): string {
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(data.trim()), (c) => c.charCodeAt(0));
  } catch {
    throw { kind: 'import', message: 'the file did not arrive intact (bad base64)' } satisfies BackendError;
  }
  if (bytes.length === 0) throw { kind: 'import', message: 'the file is empty' } satisfies BackendError;
  return new TextDecoder().decode(bytes);
}
