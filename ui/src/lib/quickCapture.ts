// Pure logic of the quick-capture form ("Schnellerfassung") in the event detail. No Svelte, no
// backend calls: unit-tested in quickCapture.test.ts.
import type { QuickCaptureInput } from '../backend';
import { isBackendError } from '../backend';

export type QcField = 'qc-name' | 'qc-org' | 'qc-email' | 'qc-note';

export const QC_FIELDS: readonly QcField[] = ['qc-name', 'qc-org', 'qc-email', 'qc-note'];

export interface QcValues {
  name: string;
  organization: string;
  email: string;
  note: string;
}

export const EMPTY_QC: Readonly<QcValues> = { name: '', organization: '', email: '', note: '' };

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s.]+$/;

/** Problems found before sending, as validation codes by input id (first problem first). */
export function quickCaptureProblems(v: QcValues): Partial<Record<QcField, string>> {
  const p: Partial<Record<QcField, string>> = {};
  if (v.name.trim() === '') p['qc-name'] = 'name_required';
  const email = v.email.trim();
  if (email !== '' && !EMAIL.test(email)) p['qc-email'] = 'email_invalid';
  return p;
}

/** What the backend gets: trimmed, empty optional fields as null. */
export function quickCaptureInput(v: QcValues): QuickCaptureInput {
  const opt = (s: string) => (s.trim() === '' ? null : s.trim());
  return { name: v.name.trim(), organization: opt(v.organization), email: opt(v.email), note: opt(v.note) };
}

/** Backend field names → inputs of the form. */
const FIELD_MAP: Readonly<Record<string, QcField>> = {
  name: 'qc-name',
  display_name: 'qc-name',
  given_name: 'qc-name',
  family_name: 'qc-name',
  title: 'qc-name',
  organization: 'qc-org',
  organization_id: 'qc-org',
  email: 'qc-email',
  emails: 'qc-email',
  note: 'qc-note',
  body: 'qc-note',
};

/** The input a backend error concerns, or null for errors of the whole form. */
export function quickCaptureField(e: unknown): QcField | null {
  if (!isBackendError(e) || !e.field) return null;
  return FIELD_MAP[e.field] ?? null;
}

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  isComposing?: boolean;
}

/**
 * Whether a key press saves the form: Enter in a single-line field (with or without Ctrl), Ctrl+Enter (⌘+Enter on
 * macOS) in the note, where plain Enter starts a new line. Never while an IME is composing.
 */
export function submitsOnKey(e: KeyLike, multiline: boolean): boolean {
  if (e.key !== 'Enter' || e.isComposing || e.altKey || e.shiftKey) return false;
  return multiline ? e.ctrlKey || e.metaKey : true;
}
